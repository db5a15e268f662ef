/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The HA's next hops follow the kernel's. Two users of one netlink
 * monitor: the reverse tunnel's cache of bpf_fib_lookup answers
 * (bpf/lib/nexthop.h), kept under a generation number (xmip_nh_gen) that
 * the agent bumps once per batch of neighbour, route, link, address or
 * forwarding events (and once at start for whatever an earlier run left
 * cached); and the fast-path table's prepared next hops (fwsync.h), which
 * get each event. One watch per agent, whatever families run.
 */
#ifndef XMIP_NH_WATCH_H
#define XMIP_NH_WATCH_H

struct xmip_loop;
struct xmip_nh_watch;
struct xmip_fwsync;

/*
 * Map the generation behind nh_gen_fd and watch netlink on loop. With
 * nh_gen_fd < 0 (an instance attached by an older xmip) says so and
 * returns a watch that does nothing. NULL on error (logged).
 */
struct xmip_nh_watch *xmip_nh_watch_new(struct xmip_loop *loop, int nh_gen_fd,
				       struct xmip_fwsync *fw);
void xmip_nh_watch_free(struct xmip_nh_watch *w);

#endif /* XMIP_NH_WATCH_H */
