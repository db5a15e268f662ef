/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Rate limits for what the agent sends back to whoever wrote to it
 * (refusing Binding Acknowledgements, ICMPv6 errors): a GCRA token bucket
 * ("virtual scheduling", as the datapath's) overall, and one per source,
 * a source being an IPv6 /64 or an IPv4 address (::ffff:a.b.c.d) like the
 * datapath's admission in front of the ring buffer (bpf/lib/signal.h).
 *
 * The per-source table is direct-mapped: a source whose slot another
 * source took starts with a full bucket again. So many sources can each
 * get a burst, never more than per_sec a second once their slot is theirs;
 * what bounds the total is the overall bucket, where one is wanted.
 * Pure data and arithmetic, no clock reads: times are arguments.
 */
#ifndef XMIP_SRCRATE_H
#define XMIP_SRCRATE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xmip_gcra {
	uint64_t tat_ns;        /* when the next token is due (0: never used) */
	uint64_t interval_ns;   /* 1 s / rate */
	uint64_t tau_ns;        /* (burst - 1) * interval */
};

/* per_sec >= 1, burst >= 1. */
void xmip_gcra_init(struct xmip_gcra *g, uint32_t per_sec, uint32_t burst);
/* Take a token at now_ns (any monotonic clock): true if there was one. */
bool xmip_gcra_take(struct xmip_gcra *g, uint64_t now_ns);

struct xmip_srcrate_slot {
	uint8_t  key[16];
	uint64_t tat_ns;
	bool     used;
};

struct xmip_srcrate {
	struct xmip_srcrate_slot *slots;
	size_t                    n;        /* a power of two */
	uint64_t                  interval_ns, tau_ns;
};

/* n_slots rounded up to a power of two. 0, or -ENOMEM. */
int  xmip_srcrate_init(struct xmip_srcrate *r, size_t n_slots, uint32_t per_sec, uint32_t burst);
void xmip_srcrate_free(struct xmip_srcrate *r);
/* The source an address counts against: its /64, or the whole IPv4-mapped address. */
void xmip_srcrate_key(const struct in6_addr *src, uint8_t key[16]);
/* Take a token of src's bucket at now_ns: true if there was one. */
bool xmip_srcrate_take(struct xmip_srcrate *r, const struct in6_addr *src, uint64_t now_ns);

#endif /* XMIP_SRCRATE_H */
