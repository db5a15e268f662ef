// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only wrappers around the MN's programs, XDP ingress (decapsulation)
 * and tc egress (encapsulation), built from bpf/xmip_mn.bpf.c like
 * bench_ha.bpf.c is from the HA's.
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

SEC("tc")
int bench_mn_tc_once(struct __sk_buff *skb)
{
	return xmip_mn_egress(skb);
}

/*
 * tc: bpf_skb_adjust_room cannot undo an encapsulation well enough for the
 * next one (the skb stays marked encapsulated and a second push fails), so
 * tc is timed as separate one-repetition test runs, each on a fresh skb,
 * against bench_mn_tc_pass timed the same way (xmip_bench --tc).
 */
SEC("tc")
int bench_mn_tc_counted(struct __sk_buff *skb)
{
	int act = xmip_mn_egress(skb);

	bench_count_verdict((__u32)act);
	return act;
}

SEC("tc")
int bench_mn_tc_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}
