/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The HA agent's side of the datapath's fast-path table (xmip_fwtable,
 * lib/fwtable.h): every binding record the agent writes (maps.h) gets its
 * slot, with what the datapath needs prepared here: the expiry in jiffies,
 * the path MTU, and the next hop of its CoA (nexthop.h: output interface,
 * source and next-hop MACs). A binding with the L flag also gets a slot
 * for its link-local address (XMIP_FW_F_LINKLOCAL), and its home address a
 * permanent neighbour entry on the home link pointing at the HA itself, so
 * the HA's own packets to it leave through the device where the tc egress
 * program tunnels them instead of waiting for a neighbour that is away.
 *
 * Next hops follow the kernel: a route, link, address or (relevant)
 * neighbour change schedules a sweep that re-resolves every binding and
 * rewrites the slots that changed, and drops slots no record backs. The
 * agent renews the next-hop lease in the table's header every second; the
 * datapath trusts prepared next hops only while it runs (else it takes
 * the tc path, where the kernel resolves them).
 */
#ifndef XMIP_FWSYNC_H
#define XMIP_FWSYNC_H

#include <stdint.h>

#include "xmip_maps.h"
#include "xmip_wire.h"

struct xmip_loop;
struct xmip_conf;
struct xmip_agent_maps;
struct xmip_fwsync;
struct nlmsghdr;

/* Seconds the datapath trusts prepared next hops after the agent's last renewal. */
#define XMIP_FW_LEASE_S 5

/*
 * Open the instance's table and clock and start renewing the lease. nl is
 * a netlink request socket the caller keeps. NULL on error (logged).
 */
struct xmip_fwsync *xmip_fwsync_new(struct xmip_loop *loop, const struct xmip_conf *conf,
				    const struct xmip_agent_maps *maps, int nl);
void xmip_fwsync_free(struct xmip_fwsync *s);

/* The slot(s) of binding b of hoa (old: the record it replaced, or NULL). 0 or -errno. */
int  xmip_fwsync_put(struct xmip_fwsync *s, const uint8_t hoa[16], const struct xmip_binding *b,
		     const struct xmip_binding *old);
/* The binding of hoa is gone (old: its last record, or NULL). */
void xmip_fwsync_del(struct xmip_fwsync *s, const uint8_t hoa[16],
		     const struct xmip_binding *old);
/* Every binding again (start, after changes); slots without a record removed. */
void xmip_fwsync_sweep(struct xmip_fwsync *s);
/* A message of the next-hop monitor: a sweep soon, if it can change a next hop. */
void xmip_fwsync_on_netlink(struct xmip_fwsync *s, const struct nlmsghdr *h);
/* The monitor lost messages: a sweep soon. */
void xmip_fwsync_on_lost(struct xmip_fwsync *s);

#endif /* XMIP_FWSYNC_H */
