/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The HA's DSMIPv6 bindings (struct xmip_dsmip_binding, include/xmip_dsmip.h)
 * as the agent holds them: one per IPv6 home address, findable by home
 * address, by the observed outer (address, port) and by IPv4 home
 * address, and the pool of dynamic IPv4 home addresses they draw from.
 * Pure data, no I/O. Linear scans: the agent's table serves signalling
 * (a few BUs a second per node); the datapath's own lookup is the
 * datapath's (docs/dsmip.md, "Datapath seam").
 */
#ifndef XMIP_DSMIP_TABLE_H
#define XMIP_DSMIP_TABLE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "xmip_dsmip.h"

struct xmip_dsmip_table {
	struct xmip_dsmip_binding *b;
	size_t n, cap;
};

/* cap: the most bindings held (max-bindings). 0 or -1 (no memory). */
int  xmip_dsmip_table_init(struct xmip_dsmip_table *t, size_t cap);
void xmip_dsmip_table_free(struct xmip_dsmip_table *t);

struct xmip_dsmip_binding *xmip_dsmip_find_hoa(const struct xmip_dsmip_table *t,
					       const void *hoa16);
/* The binding whose observed outer source is addr16:port, or NULL. */
struct xmip_dsmip_binding *xmip_dsmip_find_observed(const struct xmip_dsmip_table *t,
						    const void *addr16, uint16_t port);
/* The binding holding this IPv4 home address, or NULL. */
struct xmip_dsmip_binding *xmip_dsmip_find_ipv4_hoa(const struct xmip_dsmip_table *t,
						    struct in_addr a);
/* Insert or replace by b->hoa. 0, or -1 when full. */
int  xmip_dsmip_put(struct xmip_dsmip_table *t, const struct xmip_dsmip_binding *b);
/* Remove by home address; true if there was one. */
bool xmip_dsmip_del(struct xmip_dsmip_table *t, const void *hoa16);

/* addr is inside ipv4-hoa-pool. */
bool xmip_dsmip_in_pool(const struct xmip_conf *conf, struct in_addr a);
/*
 * A free address of the pool for hoa16: the one a binding of hoa16 holds
 * already, else the lowest that no binding holds, that is not a static
 * [mn] ipv4-home-address nor the HA's address, nor the pool's network or
 * broadcast address (pools up to /30). 0, or -1 when none is left.
 */
int  xmip_dsmip_pool_pick(const struct xmip_conf *conf, const struct xmip_dsmip_table *t,
			  const void *hoa16, struct in_addr *out);

/* ::ffff:a.b.c.d and back. */
void xmip_v4_mapped(struct in_addr a, void *out16);
bool xmip_is_v4_mapped(const void *a16);
struct in_addr xmip_v4_of_mapped(const void *a16);
/* Not 0/8, 127/8, multicast, 240/4, broadcast. */
bool xmip_v4_unicast(struct in_addr a);

#endif /* XMIP_DSMIP_TABLE_H */
