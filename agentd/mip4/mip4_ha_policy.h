/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The home agent's decision on one Registration Request (RFC 5944 §3.8,
 * RFC 3024 §4.3, RFC 3519 §4.6, RFC 2794): given the configuration, what
 * the HA knows of the mobile node (its association, last accepted
 * Identification, current bindings) and the request with its IP/UDP
 * facts, say whether to answer, with which code, lifetime, home address,
 * Identification and extensions, and what happens to the bindings. Pure:
 * no clock (now is given), no I/O; ha.c applies the decision.
 */
#ifndef XMIP_MIP4_HA_POLICY_H
#define XMIP_MIP4_HA_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_mip4.h"
#include "mip4_binding.h"
#include "mip4_wire.h"

/* The request and how it arrived. */
struct xmip_mip4_ha_req {
	const uint8_t             *msg;       /* the UDP payload */
	const struct xmip_mip4_reg *m;        /* its parse */
	uint8_t                    src[4];    /* IP source (an FA, the MN's CoA or HoA, a NAT) */
	uint16_t                   sport;
	uint8_t                    dst[4];    /* IP destination */
	bool                       dst_bcast; /* sent to a broadcast or multicast address */
};

/* What the HA knows about the mobile node and the sender. */
struct xmip_mip4_ha_state {
	const struct xmip_mip4_mn_conf   *mn;      /* its [mip4-mn]; NULL: unknown node */
	const struct xmip_mip4_peer_conf *fa;      /* [mip4-peer] of the request's source, or NULL */
	bool                              has_last;
	uint64_t                          last_id;  /* last accepted Identification */
	const struct xmip_mip4_hb        *b;       /* its current bindings */
	size_t                            n_b;
};

enum xmip_mip4_ha_change {
	XMIP_MIP4_HA_KEEP = 0,        /* nothing changes */
	XMIP_MIP4_HA_ADD,             /* add or refresh nb (and, with replace, drop the others) */
	XMIP_MIP4_HA_DEL_ONE,         /* deregister the binding of nb.coa */
	XMIP_MIP4_HA_DEL_ALL,         /* deregister every binding (CoA = HoA, §3.8.2.2) */
};

struct xmip_mip4_ha_decision {
	bool     reply;               /* false: silently discard */
	const char *why;              /* for the log: why denied or discarded */
	uint8_t  code;                /* enum xmip_mip4_code */
	uint16_t lifetime;            /* granted (0 when denied) */
	uint8_t  hoa[4];              /* in the reply; assigned when the request had 0.0.0.0 */
	uint64_t id;                  /* in the reply */
	bool     nai;                 /* echo the request's MN-NAI (RFC 2794 §3) */
	bool     udp_rep;             /* a UDP Tunnel Reply extension (RFC 3519 §3.2) */
	bool     udp_rep_for_fa;      /* ... placed after MN-HA: the request's came from the FA */
	struct xmip_mip4_udp_rep udp;
	bool     sign_faha;           /* append a Foreign-Home extension (§3.8.3.3 e) */
	bool     security;            /* a security exception to log (§3.8.2.1) */
	enum xmip_mip4_ha_change change;
	bool     replace;             /* ADD without simultaneous bindings */
	bool     record_id;           /* remember the Identification as the last accepted */
	struct xmip_mip4_hb nb;       /* ADD: the binding (expiry left to the caller) */
};

/* [mip4-mn] of the request: by its MN-NAI if it has one, else by home address; or NULL. */
const struct xmip_mip4_mn_conf *xmip_mip4_find_mn(const struct xmip_mip4_conf *c,
						  const uint8_t *msg, const struct xmip_mip4_reg *m);
/* [mip4-peer] for addr, or NULL. */
const struct xmip_mip4_peer_conf *xmip_mip4_find_peer(const struct xmip_mip4_conf *c,
						      const uint8_t addr[4]);

void xmip_mip4_ha_decide(const struct xmip_mip4_conf *c, uint64_t now_ntp,
			 const struct xmip_mip4_ha_req *r, const struct xmip_mip4_ha_state *st,
			 struct xmip_mip4_ha_decision *d);

/* Turn d into a denial with code (e.g. 130 when the datapath could not take the binding). */
void xmip_mip4_ha_fail(struct xmip_mip4_ha_decision *d, uint8_t code, const char *why);

/*
 * The Registration Reply for decision d (reply set), extensions in the
 * order of §3.8.3.3: NAI and UDP Tunnel Reply, Mobile-Home, then the FA's
 * (a UDP Tunnel Reply answering the FA's request) and Foreign-Home.
 * Returns its length or -1.
 */
int  xmip_mip4_ha_build_reply(const struct xmip_mip4_conf *c, const struct xmip_mip4_ha_req *r,
			      const struct xmip_mip4_ha_state *st,
			      const struct xmip_mip4_ha_decision *d, uint8_t *buf, size_t cap);

/* Whether a is a unicast address a care-of address can be (not 0/8, 127/8, class D/E). */
bool xmip_mip4_unicast(const uint8_t a[4]);

#endif /* XMIP_MIP4_HA_POLICY_H */
