/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A token bucket for what the correspondent sends in answer to packets
 * anyone can forge: Home and Care-of Tests, refusing BAs, Binding Refresh
 * Requests (RR messages, issue 11) and Binding Errors (RFC 6275 §9.3.3:
 * "rate limiting in the same manner as is done for ICMPv6", RFC 4443
 * §2.4(f): a token bucket). The datapath limits each source before the
 * ring buffer; this limits the sum.
 */
#ifndef XMIP_RO_RATE_H
#define XMIP_RO_RATE_H

#include <stdbool.h>
#include <stdint.h>

struct xmip_ro_rate {
	uint32_t per_sec;     /* tokens a second */
	uint32_t burst;       /* bucket size */
	uint64_t tokens_x;    /* tokens * 1e9, so refills are exact in ns */
	uint64_t last_ns;
	uint64_t refused;     /* how many were not sent */
};

static inline void xmip_ro_rate_init(struct xmip_ro_rate *r, uint32_t per_sec, uint32_t burst,
				     uint64_t now_ns)
{
	r->per_sec = per_sec;
	r->burst = burst ? burst : 1;
	r->tokens_x = (uint64_t)r->burst * 1000000000ull;
	r->last_ns = now_ns;
	r->refused = 0;
}

/* Take a token at now_ns: true if there was one. */
static inline bool xmip_ro_rate_take(struct xmip_ro_rate *r, uint64_t now_ns)
{
	uint64_t cap = (uint64_t)r->burst * 1000000000ull;

	if (now_ns > r->last_ns) {
		uint64_t dt = now_ns - r->last_ns, full = cap / (r->per_sec ? r->per_sec : 1) + 1;
		uint64_t add = (dt < full ? dt : full) * r->per_sec;   /* no overflow after idling */

		r->tokens_x = add > cap - r->tokens_x ? cap : r->tokens_x + add;
		r->last_ns = now_ns;
	}
	if (r->tokens_x < 1000000000ull) {
		r->refused++;
		return false;
	}
	r->tokens_x -= 1000000000ull;
	return true;
}

#endif /* XMIP_RO_RATE_H */
