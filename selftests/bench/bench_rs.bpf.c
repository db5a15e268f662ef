// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only wrappers around the relay's XDP program (role rs), built from
 * bpf/xmip_rs.bpf.c like bench_ha.bpf.c is from the HA's: the entry point
 * becomes a static inline function (xmip_rs_body.c), so the timed code is
 * the shipped code (its family handlers stay the same global functions),
 * followed by a restore of the frame (bench_restore.h): RS-S rewrites the
 * outer header in place (no head move), RS-N forward strips the tunnel
 * (head +36 with an IPv4 outer header), RS-N reverse pushes it (head -36).
 */
#include "bench/xmip_rs_body.c"
#include "bench_restore.h"

/* The shipped program once, untouched: its output is checked before timing. */
SEC("xdp")
int bench_rs_once(struct xdp_md *ctx)
{
	return xmip_rs_xdp(ctx);
}

/* The shipped program, then the frame put back for the next repetition. */
SEC("xdp")
int bench_rs_loop(struct xdp_md *ctx)
{
	int act = xmip_rs_xdp(ctx);

	bench_count_verdict(bench_restore_xdp(ctx) ? BENCH_RESTORE_FAILED : (__u32)act);
	return act;
}

/* Only the restore's template copy, to subtract from bench_rs_loop. */
SEC("xdp")
int bench_rs_rewrite_only(struct xdp_md *ctx)
{
	return bench_rewrite_only_xdp(ctx) ? XDP_ABORTED : XDP_PASS;
}

/* A trivial program in the same object, timed in the same run. */
SEC("xdp")
int bench_rs_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
