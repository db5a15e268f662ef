// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* PLACEHOLDER (branch h3-cli only) for the HA datapath of branch h1-bpf: passes everything. */
#include "xmip_placeholder_maps.h"

SEC("xdp")
int xmip_ha_xdp(struct xdp_md *ctx)
{
	placeholder_count(XMIP_STAT_PASS_NOT_OURS);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
