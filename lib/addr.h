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

#endif /* XMIP_ADDR_H */
