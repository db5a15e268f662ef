/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The HA datapath caches bpf_fib_lookup answers (bpf/lib/fib.h) under a
 * generation number (xmip_nh_gen). Any neighbour, route, link, address or
 * forwarding change may change an answer, so the agent bumps the
 * generation once per batch of such netlink events, and once at start for
 * whatever an earlier run left cached. One watch per agent, whatever
 * families run.
 */
#ifndef XMIP_NH_WATCH_H
#define XMIP_NH_WATCH_H

struct xmip_loop;
struct xmip_nh_watch;

/*
 * Map the generation behind nh_gen_fd and watch netlink on loop. With
 * nh_gen_fd < 0 (an instance attached by an older xmip) says so and
 * returns a watch that does nothing. NULL on error (logged).
 */
struct xmip_nh_watch *xmip_nh_watch_new(struct xmip_loop *loop, int nh_gen_fd);
void xmip_nh_watch_free(struct xmip_nh_watch *w);

#endif /* XMIP_NH_WATCH_H */
