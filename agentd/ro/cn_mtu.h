/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The route MTU toward bound home addresses (docs/DESIGN.md "Agent, CN").
 * The datapath inserts a 24-octet type-2 routing header into what the CN
 * sends to a bound home address (bpf/lib/rh2.h); a packet the kernel sized
 * for the link has no room for it and goes through the home agent instead.
 * So while a home address is bound, the main table holds a /128 route to it
 * (the kernel's own next hop toward it, metric XMIP_CN_MTU_METRIC) whose
 * mtu is the care-of address's path MTU less 24: the kernel sizes TCP
 * segments and fragments for the routing header. Deleted with the binding.
 */
#ifndef XMIP_CN_MTU_H
#define XMIP_CN_MTU_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "maps.h"

/* Our routes' metric: how the next agent finds them (main table, /128). */
#define XMIP_CN_MTU_METRIC 4191

/* The mtu for a home address whose packets go to a care-of address with path
 * MTU coa_mtu and which the kernel otherwise reaches with route mtu hoa_mtu
 * (0: the device's): coa_mtu - 24, no more than hoa_mtu, at least 1280. */
uint32_t xmip_cn_mtu_for(uint32_t coa_mtu, uint32_t hoa_mtu);

/* The route for home address hoa bound to coa: (re)made from the kernel's
 * routes now; 0 or -errno (logged). */
int xmip_cn_mtu_bind(int nl, const struct in6_addr *hoa, const struct in6_addr *coa);
/* Its route gone (the binding was deleted or expired). */
void xmip_cn_mtu_unbind(int nl, const struct in6_addr *hoa);
/* A new agent: a route for every live correspondent binding, none for the others. */
void xmip_cn_mtu_adopt(int nl, const struct xmip_agent_maps *maps, uint64_t now_ns);

#endif /* XMIP_CN_MTU_H */
