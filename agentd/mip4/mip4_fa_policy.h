/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The foreign agent's decisions (RFC 5944 §3.7, RFC 3024 §4.2, RFC 2794
 * §3): whether to relay a mobile node's Registration Request or deny it
 * (codes 64-99, 194), what the relayed request and the relayed reply look
 * like, and the FA's own denials. Pure: fa.c keeps the visitor list and
 * does the I/O.
 */
#ifndef XMIP_MIP4_FA_POLICY_H
#define XMIP_MIP4_FA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_mip4.h"
#include "mip4_wire.h"

/* A request as the FA received it from the mobile node's link. */
struct xmip_mip4_fa_req {
	const uint8_t *msg;
	size_t         len;
	enum xmip_mip4_err perr;        /* xmip_mip4_reg_parse's verdict */
	const struct xmip_mip4_reg *m;  /* fixed part valid whenever perr is not SHORT/TYPE/LONG */
	uint8_t        ttl;             /* IP TTL (RFC 3024 §4.2.1: 255 with the T bit) */
	bool           known_visitor;   /* the node has a visitor list entry already */
	size_t         n_pending;       /* pending requests now */
	size_t         n_visitors;
};

enum xmip_mip4_fa_action {
	XMIP_MIP4_FA_DROP = 0,          /* silently discard */
	XMIP_MIP4_FA_DENY,              /* the FA's own Registration Reply with code */
	XMIP_MIP4_FA_RELAY,             /* relay to the home agent (xmip_mip4_fa_build_relay) */
};

struct xmip_mip4_fa_verdict {
	enum xmip_mip4_fa_action action;
	uint8_t     code;
	uint16_t    lifetime;           /* in a denial: the request's, or our maximum with 69 */
	const char *why;
	bool        security;           /* a security exception to log */
	const struct xmip_mip4_mn_conf *mnfa;   /* an MN-FA association with the node, or NULL */
};

/* [mip4-mn] of the node for MN-FA (by NAI, else home address), or NULL. */
const struct xmip_mip4_mn_conf *xmip_mip4_fa_find_mn(const struct xmip_mip4_conf *c,
						     const uint8_t *msg,
						     const struct xmip_mip4_reg *m);

/* own[0..n_own): the FA's addresses (a home agent field equal to one is 194). */
void xmip_mip4_fa_check_request(const struct xmip_mip4_conf *c, const uint8_t (*own)[4],
				size_t n_own, const struct xmip_mip4_fa_req *r,
				struct xmip_mip4_fa_verdict *v);

/*
 * The request to relay (§3.7.2.2): unchanged up to and including the
 * Mobile-Home extension, what followed it removed (it was the FA's: MN-FA,
 * delivery style), a Foreign-Home extension appended when we share an
 * association with the home agent, the lifetime is not 0 and the care-of
 * address is one we advertise (§3.5.4). Returns its length or -1.
 */
int  xmip_mip4_fa_build_relay(const struct xmip_mip4_conf *c, const uint8_t *msg,
			      const struct xmip_mip4_reg *m, uint8_t *buf, size_t cap);

/* What to do with a reply from the home agent for a pending request. */
struct xmip_mip4_fa_pending_view {
	bool     had_nai;               /* the request carried an MN-NAI */
	uint32_t id_low;                /* its Identification's low 32 bits */
	const struct xmip_mip4_mn_conf *mnfa;
};

struct xmip_mip4_fa_reply_verdict {
	enum xmip_mip4_fa_action action;  /* DROP, DENY (code: our own, 68, 97-99) or RELAY */
	uint8_t     code;
	const char *why;
	bool        security;
	bool        accepted;             /* the HA accepted: update the visitor list */
	uint16_t    lifetime;             /* the visitor's lifetime (min with our maximum) */
};

void xmip_mip4_fa_check_reply(const struct xmip_mip4_conf *c, const uint8_t *msg,
			      const struct xmip_mip4_reg *m,
			      const struct xmip_mip4_fa_pending_view *p,
			      struct xmip_mip4_fa_reply_verdict *v);

/*
 * The reply to relay to the node (§3.7.3.2): unchanged up to and including
 * the Mobile-Home extension, what followed removed, an MN-FA extension
 * appended when we share one. Returns its length or -1.
 */
int  xmip_mip4_fa_build_relay_reply(const uint8_t *msg, const struct xmip_mip4_reg *m,
				    const struct xmip_mip4_mn_conf *mnfa, uint8_t *buf, size_t cap);

/*
 * The FA's own denial (§3.7.2.3): home address, home agent and
 * Identification copied from the request (fixed part), lifetime as given,
 * the request's MN-NAI echoed, MN-FA appended when we share one.
 */
int  xmip_mip4_fa_build_denial(const uint8_t *req, const struct xmip_mip4_reg *m, uint8_t code,
			       uint16_t lifetime, const struct xmip_mip4_mn_conf *mnfa,
			       uint8_t *buf, size_t cap);

/* §3.7.3: the code for an ICMP error (type, code) received instead of a reply (80-88). */
uint8_t xmip_mip4_fa_icmp_code(uint8_t type, uint8_t code);

/* Our advertised care-of address? */
bool xmip_mip4_fa_own_coa(const struct xmip_mip4_conf *c, const uint8_t a[4]);

#endif /* XMIP_MIP4_FA_POLICY_H */
