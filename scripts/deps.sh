#!/usr/bin/env bash
# Install what xmip needs to build and test, only if something is missing,
# and make sure bpffs is mounted. Safe to run again and again.
set -euo pipefail
. "$(dirname "$0")/need-root.sh" "$@"

PKGS=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libssl-dev libcmocka-dev dnsmasq-base
      pkg-config make gcc iproute2 nftables iperf3 tshark tcpdump python3-scapy
      python3-pytest ethtool procps iputils-ping libclang-rt-14-dev
      libmicrohttpd-dev prometheus curl systemd bash-completion man-db
      dpkg-dev debhelper fakeroot lintian conntrack)

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
	# The tests start the servers they use (prometheus) themselves, in their
	# namespaces: no package may start or enable a daemon on this host.
	policy=/usr/sbin/policy-rc.d own_policy=0
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && own_policy=1
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
	if ((own_policy)); then
		rm -f "$policy"
		trap - EXIT
	fi
	if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v deb-systemd-helper >/dev/null; then
		deb-systemd-helper disable prometheus.service >/dev/null 2>&1 || true
	fi
fi

if ! mountpoint -q /sys/fs/bpf; then
	echo "deps.sh: mounting bpffs on /sys/fs/bpf"
	mount -t bpf bpf /sys/fs/bpf
fi
