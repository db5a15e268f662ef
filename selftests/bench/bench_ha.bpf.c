// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only wrappers around the HA's XDP program. The build turns
 * bpf/xmip_ha.bpf.c into a copy whose entry point is a static inline
 * function (xmip_ha_body.c), so what is timed here is the very code that
 * ships, followed by a restore of the frame (bench_restore.h).
 */
/* One ICMPv6 error a nanosecond: the rate limiter runs, but never refuses
 * the millions of PTBs a timing loop makes. */
#define XMIP_ICMP_PER_SEC 1000000000
/* Likewise the per-source signalling admission (bpf/lib/signal.h). */
#define XMIP_SIGNAL_SRC_PER_SEC 1000000000
#define XMIP_SIGNAL_SRC_BURST   1000000
#define XMIP_SIGNAL_ANON_PER_SEC 1000000000
#include "bench/xmip_ha_body.c"
#include "bench_restore.h"

/* The shipped program once, untouched: its output is checked before timing. */
SEC("xdp")
int bench_ha_once(struct xdp_md *ctx)
{
	return xmip_ha_xdp(ctx);
}

/* The shipped program, then the frame put back for the next repetition. */
SEC("xdp")
int bench_ha_loop(struct xdp_md *ctx)
{
	int act = xmip_ha_xdp(ctx);

	bench_count_verdict(bench_restore_xdp(ctx) ? BENCH_RESTORE_FAILED : (__u32)act);
	return act;
}

/* Only the restore's template copy, to subtract from bench_ha_loop. */
SEC("xdp")
int bench_ha_rewrite_only(struct xdp_md *ctx)
{
	return bench_rewrite_only_xdp(ctx) ? XDP_ABORTED : XDP_PASS;
}

/* A trivial program in the same object, timed in the same run. */
SEC("xdp")
int bench_ha_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* tc ingress (xdp-mode = tc), timed like the MN's tc egress: one-repetition runs. */
SEC("tc")
int bench_ha_tc_once(struct __sk_buff *skb)
{
	return xmip_ha_tc_in(skb);
}

SEC("tc")
int bench_ha_tc_counted(struct __sk_buff *skb)
{
	int act = xmip_ha_tc_in(skb);

	bench_count_verdict((__u32)act);
	return act;
}

SEC("tc")
int bench_ha_tc_pass(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}
