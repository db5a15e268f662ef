// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* PLACEHOLDER (branch h3-cli only) for the MN datapath of branch h1-bpf: passes everything. */
#include "xmip_placeholder_maps.h"

SEC("xdp")
int xmip_mn_xdp(struct xdp_md *ctx)
{
	placeholder_count(XMIP_STAT_PASS_NOT_OURS);
	return XDP_PASS;
}

SEC("tc")
int xmip_mn_egress(struct __sk_buff *skb)
{
	return 0; /* TC_ACT_OK */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
