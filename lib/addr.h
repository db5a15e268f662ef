/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv6 address helpers every part of userspace shares: the one equality
 * test and the one prefix match. Addresses are 16 octets in network order,
 * given as struct in6_addr or as the uint8_t[16] of the map layouts.
 */
#ifndef XMIP_ADDR_H
#define XMIP_ADDR_H

#include <stdbool.h>

/* a and b hold the same 16 octets. */
bool xmip_addr_eq(const void *a, const void *b);

/* The first plen bits of addr and prefix agree; false for plen > 128. */
bool xmip_in_prefix(const void *addr, const void *prefix, unsigned int plen);

/*
 * Not a unicast routable address (RFC 6275 §2: global or unique local):
 * multicast, link-local, unspecified, loopback, or IPv4-mapped. The first
 * four are the addresses the datapath refuses as a tunnel end
 * (xmip_addr_is_special in bpf/lib/common.h).
 */
bool xmip_addr_not_routable(const void *addr);

/* fe80::/64 with the interface identifier (low 64 bits) of addr (RFC 6275 §10.3.1, L=1). */
void xmip_addr_link_local_of(const void *addr, void *out16);

/* ff02::1:ffXX:XXXX, the solicited-node multicast address of addr (RFC 4291 §2.7.1). */
void xmip_addr_solicited_node(const void *addr, void *out16);

#endif /* XMIP_ADDR_H */
