#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What each binary links (issue 6): the CLI carries no OpenSSL and no
# Mobility Header or other agent protocol code, and needs no libcrypto;
# the agent carries no attach code (no skeleton, no XDP/tc attach). Each
# check first proves it can see what it looks for in the other binary, so
# a stripped binary or a changed symbol name fails rather than passes.
# Usage: test_link.sh BUILD_DIR (build/opt or build/san).
set -u
B=${1:?usage: test_link.sh BUILD_DIR}
CLI=$B/xmip
AGENT=$B/xmip-agentd
fail=0

# Symbols (defined or imported) of a binary, without symbol versions.
syms() { nm "$1" | awk '{ print $NF }' | sed 's/@.*//'; }

# OpenSSL, and the agent's protocol code: MH codec, packet parse/build,
# RFC 4285 authentication, Mobile IPv4, policies, families, core.
AGENT_ONLY='^(HMAC|EVP_|CRYPTO_|xmip_ntm_|xmip_mip4_|xmip_mh_|xmip_pkt_|xmip_auth_|xmip_ha_[a-z]|xmip_mn_[a-z]|xmip_family_|xmip_core_|xmip_signal_)'
# Attach code: ours, libbpf's attach and skeleton calls, the skeletons' own functions.
CLI_ONLY='^(xmip_attach|xmip_detach|xmip_instance_ifs|bpf_xdp_attach|bpf_tc_attach|bpf_tc_hook_create|bpf_link_create|bpf_object__open_skeleton|bpf_object__load_skeleton|bpf_program__attach|xmip_(ha|mn)__)'

check() { # name binary regex must(1)/mustnot(0)
	n=$(syms "$2" | grep -Ec "$3")
	if [ "$4" = 1 ] && [ "$n" -eq 0 ]; then
		echo "FAIL: $1: expected symbols matching $3 in $2, found none"; fail=1
	elif [ "$4" = 0 ] && [ "$n" -ne 0 ]; then
		echo "FAIL: $1: $2 links:"; syms "$2" | grep -E "$3" | sort -u | sed 's/^/    /'; fail=1
	else
		echo "ok: $1"
	fi
}

for f in "$CLI" "$AGENT"; do
	[ -x "$f" ] || { echo "FAIL: $f is not built"; exit 1; }
done
check "the agent has its protocol code and OpenSSL (control)" "$AGENT" "$AGENT_ONLY" 1
check "the CLI has no OpenSSL, MH or agent protocol code"     "$CLI"   "$AGENT_ONLY" 0
check "the CLI has the attach code (control)"                 "$CLI"   "$CLI_ONLY"   1
check "the agent has no attach code"                          "$AGENT" "$CLI_ONLY"   0
if ldd "$CLI" | grep -q libcrypto; then
	echo "FAIL: ldd $CLI shows libcrypto"; ldd "$CLI" | grep libcrypto; fail=1
elif ! ldd "$AGENT" | grep -q libcrypto; then
	echo "FAIL: ldd $AGENT shows no libcrypto (control)"; fail=1
else
	echo "ok: libcrypto only in the agent (ldd)"
fi
exit $fail
