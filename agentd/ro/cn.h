/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The correspondent node at run time (RFC 6275 §9): answers Home and
 * Care-of Test Inits, takes Binding Updates (cn_policy.c decides), writes
 * the binding cache (xmip_bindings, encap RH2) the datapath reads, sends
 * Binding Acknowledgements, Binding Errors (status 1 for a Home Address
 * option the datapath refused, 2 for an unknown MH type), ICMPv6 Parameter
 * Problems for a bad Payload Proto or Header Len (§9.2) and Binding
 * Refresh Requests before a binding in use expires, and removes bindings
 * whose lifetime is over or whose care-of address draws persistent
 * Destination Unreachables (§9.3.4). Everything sent in answer to a packet
 * is rate limited ([ro] rr-rate, be-rate).
 */
#ifndef XMIP_CN_H
#define XMIP_CN_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"

struct xmip_cn;

struct xmip_cn *xmip_cn_new(struct xmip_family *f);
/* Take over the bindings a previous agent left (their expiry and refresh). */
int  xmip_cn_adopt(struct xmip_cn *cn);
/* One signalling record (from the IPv6 header on). */
void xmip_cn_handle(struct xmip_cn *cn, uint32_t ifindex, const uint8_t *pkt, size_t len);
void xmip_cn_timer(struct xmip_cn *cn, struct xmip_family_timer *t);
void xmip_cn_free(struct xmip_cn *cn);

#endif /* XMIP_CN_H */
