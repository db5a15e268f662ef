/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * XDP_PASS, for the test topology's side of the HA's veth pair. On the 6.18
 * kernel, frames the HA's XDP program sends back with XDP_TX are only
 * delivered into a veth peer that runs an XDP program itself; GRO on the
 * peer (enough on older kernels) is not. No headers: compiled on the fly by
 * topology.py with `clang -target bpf`.
 */
__attribute__((section("xdp"), used))
int xdp_pass(void *ctx)
{
	(void)ctx;
	return 2; /* XDP_PASS */
}

char _license[] __attribute__((section("license"), used)) = "GPL";
