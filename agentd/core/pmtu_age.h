/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Aging of the path MTUs the HA learnt for its bindings' tunnels
 * (xmip_binding.path_mtu: from an ICMPv6 Packet Too Big, RFC 2473 §7.1, or
 * an ICMP Fragmentation Needed, RFC 2003 §5.1). A learnt value is a guess
 * about a path that may widen again: RFC 1191 §6.3 (and RFC 8201 §4 for
 * IPv6) has it forgotten 10 minutes after it was last lowered, the next
 * error teaching it again. Kept here, per home address, because the
 * binding record has no room for a time; a binding written for a new
 * care-of address starts without a path MTU anyway (maps.h).
 */
#ifndef XMIP_PMTU_AGE_H
#define XMIP_PMTU_AGE_H

#include <stddef.h>
#include <stdint.h>

#define XMIP_PMTU_AGE_NS  (600ull * 1000000000ull)   /* RFC 1191 §6.3: 10 minutes */
#define XMIP_PMTU_AGE_MAX 1024                        /* home addresses remembered */

struct xmip_pmtu_age_ent {
	uint8_t  hoa[16];
	uint64_t due_ns;     /* CLOCK_BOOTTIME at which its path MTU is forgotten */
};

struct xmip_pmtu_age {
	struct xmip_pmtu_age_ent e[XMIP_PMTU_AGE_MAX];
	size_t n;
};

/*
 * hoa's path MTU was lowered at now_ns: forget it at now_ns + age_ns. With
 * the table full the entry due first is evicted: 1 with its home address
 * in evicted (the caller forgets that one's now), else 0.
 */
int xmip_pmtu_age_note(struct xmip_pmtu_age *a, const uint8_t hoa[16], uint64_t now_ns,
		       uint64_t age_ns, uint8_t evicted[16]);
/* Take one entry due at now_ns: 1 with its home address in hoa, 0 none. */
int xmip_pmtu_age_due(struct xmip_pmtu_age *a, uint64_t now_ns, uint8_t hoa[16]);
/* The earliest due time, 0 when empty. */
uint64_t xmip_pmtu_age_next(const struct xmip_pmtu_age *a);

#endif /* XMIP_PMTU_AGE_H */
