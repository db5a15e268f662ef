/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The next hop of a tunnel packet, as the kernel would choose it: the
 * output route to the CoA (from the HA's address) and the neighbour entry
 * of its gateway (or of the CoA when on-link), over netlink. The HA agent
 * (and `xmip binding add`, and the test tools) write the answer into the
 * binding's slot of xmip_fwtable, so the datapath needs no FIB lookup.
 */
#ifndef XMIP_NEXTHOP_H
#define XMIP_NEXTHOP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct xmip_nh_info {
	bool            routed;     /* a unicast route leads there */
	bool            resolved;   /* and its next hop's MAC is known */
	uint32_t        ifindex;    /* output interface */
	struct in6_addr via;        /* the next hop: gateway, or dst itself */
	uint8_t         smac[6];    /* the output interface's MAC */
	uint8_t         dmac[6];    /* the next hop's */
	uint32_t        mtu;        /* the route's MTU (metric, else the device's); 0: unknown */
};

/* Resolve dst (from src, NULL: any) on request socket nl. 0 (see routed/resolved) or -errno. */
int xmip_nh_resolve(int nl, const struct in6_addr *src, const struct in6_addr *dst,
		    struct xmip_nh_info *out);

struct xmip_fw_entry;

/*
 * Put nh into a slot: the output interface and the MTU left inside the
 * tunnel (RFC 2473 §6.7: the path's MTU minus the outer header, never
 * below 1280, never above what e->mtu already says) when routed; the MACs
 * and XMIP_FW_F_NH when resolved.
 */
void xmip_fw_entry_set_nh(struct xmip_fw_entry *e, const struct xmip_nh_info *nh);

#endif /* XMIP_NEXTHOP_H */
