// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only wrappers around the MN's XDP ingress program (decapsulation),
 * built from bpf/xmip_mn.bpf.c like bench_ha.bpf.c is from the HA's.
 */
#include "bench/xmip_mn_body.c"
#include "bench_restore.h"

SEC("xdp")
int bench_mn_once(struct xdp_md *ctx)
{
	return xmip_mn_xdp(ctx);
}

SEC("xdp")
int bench_mn_loop(struct xdp_md *ctx)
{
	int act = xmip_mn_xdp(ctx);

	bench_count_verdict(bench_restore_xdp(ctx) ? BENCH_RESTORE_FAILED : (__u32)act);
	return act;
}

SEC("xdp")
int bench_mn_rewrite_only(struct xdp_md *ctx)
{
	return bench_rewrite_only_xdp(ctx) ? XDP_ABORTED : XDP_PASS;
}
