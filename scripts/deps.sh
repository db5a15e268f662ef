#!/usr/bin/env bash
# Install what xmip needs to build and test, only if something is missing,
# and make sure bpffs is mounted. Safe to run again and again.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
	echo "deps.sh: run as root (namespaces, XDP and bpffs need it)" >&2
	exit 1
fi

PKGS=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libssl-dev libcmocka-dev dnsmasq-base
      pkg-config make gcc iproute2 nftables iperf3 tshark tcpdump python3-scapy
      python3-pytest ethtool procps iputils-ping libclang-rt-14-dev)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

if ((${#missing[@]})); then
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer it up front.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
	apt-get -o DPkg::Lock::Timeout=600 update -q
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

if ! mountpoint -q /sys/fs/bpf; then
	echo "deps.sh: mounting bpffs on /sys/fs/bpf"
	mount -t bpf bpf /sys/fs/bpf
fi
