/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Duplicate Address Detection the home agent runs on the home link before
 * it accepts a first home registration (RFC 6275 §10.3.1), as RFC 4862
 * §5.4 has a node run it for its own tentative address: probe the home
 * address (and, with L set, the link-local address with the same
 * interface identifier) with transmits Neighbor Solicitations from ::,
 * retrans_ms apart, and declare it free retrans_ms after the last. It is
 * in use if, meanwhile, an NA for one of the targets arrives (§5.4.4), or
 * an NS from :: for one of them that is not our own probe looped back
 * (§5.4.3; told apart by the RFC 7527 nonce our probes carry). An NA for
 * the link-local address while L is clear is not about our targets, and
 * ignored (TAHI HA_2_3_3). Pure state, no I/O, no clock: the caller sends
 * the probes and arms the timer.
 */
#ifndef XMIP_DAD_H
#define XMIP_DAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "nd.h"

enum xmip_dad_state {
	XMIP_DAD_RUNNING = 0,
	XMIP_DAD_FREE,         /* nobody answered: the addresses may be used */
	XMIP_DAD_IN_USE,       /* another node uses (or probes for) one of them */
};

struct xmip_dad {
	struct in6_addr     target[2];   /* [0] the home address, [1] its link-local (L) */
	unsigned int        n_targets;
	uint8_t             nonce[XMIP_ND_NONCE_LEN];
	uint32_t            transmits, sent, retrans_ms;
	enum xmip_dad_state state;
	bool                link_local_in_use;   /* IN_USE because of target[1] only */
};

void xmip_dad_init(struct xmip_dad *d, const struct in6_addr *hoa, bool link_local,
		   uint32_t transmits, uint32_t retrans_ms,
		   const uint8_t nonce[XMIP_ND_NONCE_LEN]);

/*
 * The timer is due (call once at the start too): true when a round of
 * probes (one NS per target) is to be sent now and the timer re-armed in
 * retrans_ms; false when the detection is over (state FREE, unless a
 * message made it IN_USE before).
 */
bool xmip_dad_tick(struct xmip_dad *d);

/* A valid NS or NA received on the home link: true if it made the state IN_USE. */
bool xmip_dad_rx(struct xmip_dad *d, const struct xmip_nd_msg *m);

/* Whether m is about one of d's targets (the caller finds the detection it concerns). */
bool xmip_dad_concerns(const struct xmip_dad *d, const struct xmip_nd_msg *m);

#endif /* XMIP_DAD_H */
