// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The foreign agent's checks on a request (RFC 5944 §3.7.2.1, §3.7.2.3,
 * RFC 3024 §4.2.1, RFC 2794 §3) and on the home agent's reply (§3.7.3.1),
 * and the messages it relays or sends itself (§3.7.2.2, §3.7.3.2).
 */
#include "mip4_fa_policy.h"

#include <string.h>

#include "mip4_auth.h"
#include "mip4_ha_policy.h"

static const uint8_t zero4[4];

bool xmip_mip4_fa_own_coa(const struct xmip_mip4_conf *c, const uint8_t a[4])
{
	for (size_t i = 0; i < c->n_coas; i++)
		if (!memcmp(c->coas[i], a, 4))
			return true;
	return false;
}

const struct xmip_mip4_mn_conf *xmip_mip4_fa_find_mn(const struct xmip_mip4_conf *c,
						     const uint8_t *msg,
						     const struct xmip_mip4_reg *m)
{
	/* The same lookup as the home agent's: NAI first, then home address. */
	return xmip_mip4_find_mn(c, msg, m);
}

#define VERDICT(act, c_, why_) do { v->action = (act); v->code = (c_); v->why = (why_); return; } while (0)

void xmip_mip4_fa_check_request(const struct xmip_mip4_conf *c, const uint8_t (*own)[4],
				size_t n_own, const struct xmip_mip4_fa_req *r,
				struct xmip_mip4_fa_verdict *v)
{
	const struct xmip_mip4_reg *m = r->m;
	bool dereg;

	memset(v, 0, sizeof(*v));
	if (r->perr == XMIP_MIP4_E_SHORT || r->perr == XMIP_MIP4_E_LONG ||
	    r->perr == XMIP_MIP4_E_TYPE || m->type != XMIP_MIP4_REG_REQUEST)
		VERDICT(XMIP_MIP4_FA_DROP, 0, "not a Registration Request");
	v->lifetime = m->lifetime;
	/* §1.8: an unknown extension 1-127 drops the message without a word. */
	if (r->perr == XMIP_MIP4_E_EXT_UNKNOWN)
		VERDICT(XMIP_MIP4_FA_DROP, 0, "unknown non-skippable extension");
	if (r->perr != XMIP_MIP4_E_OK)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ, "poorly formed request");
	dereg = m->lifetime == 0;

	/* §3.7.2.1: with an MN-FA association, exactly one valid MN-FA extension. */
	v->mnfa = xmip_mip4_fa_find_mn(c, r->msg, m);
	if (v->mnfa) {
		if (m->n_mn_fa != 1 || !xmip_mip4_auth_ok(r->msg, &m->ext[m->mn_fa], &v->mnfa->sa)) {
			v->security = true;
			VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_MN_AUTH, m->n_mn_fa == 1 ?
				"Mobile-Foreign authenticator invalid" :
				"not exactly one Mobile-Foreign extension");
		}
	}
	/* Nothing for the home agent to authorize: it would only drop it. */
	if (m->mn_ha < 0)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ,
			"no Mobile-Home Authentication Extension");
	/* §3.7.2: the home agent is this FA (we are not the node's HA): 194. */
	for (size_t i = 0; i < n_own; i++)
		if (!memcmp(own[i], m->ha, 4))
			VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_INVALID_HA, "home agent is this FA");
	if (!xmip_mip4_unicast(m->ha))
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ, "home agent not unicast");
	/* RFC 2794 §3: a zero home address needs the NAI to match the reply with. */
	if (!memcmp(m->hoa, zero4, 4) && m->nai < 0)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ,
			"home address 0.0.0.0 without an MN-NAI");
	/* RFC 3024 §4.2.1: the T bit needs TTL 255 (76), then our reverse tunnel policy. */
	if ((m->flags & XMIP_MIP4_F_T) && r->ttl != 255) {
		v->security = true;
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_MN_TOO_DISTANT, "T bit with TTL not 255");
	}
	if (!dereg && !(m->flags & XMIP_MIP4_F_T) && c->reverse_tunnel == XMIP_MIP4_RT_REQUIRED)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_REV_TUN_MANDATORY,
			"reverse tunnel required, T not set");
	if ((m->flags & XMIP_MIP4_F_T) && c->reverse_tunnel == XMIP_MIP4_RT_NO)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_REV_TUN_UNAVAIL, "reverse tunnel not offered");
	/* RFC 3024 §3.3: the delivery style extension only with T; only Direct Delivery here. */
	if (m->delivery >= 0)
		VERDICT(XMIP_MIP4_FA_DENY, (m->flags & XMIP_MIP4_F_T) ? XMIP_MIP4_FA_DELIVERY_STYLE :
			XMIP_MIP4_FA_POORLY_FORMED_REQ, "Encapsulating Delivery Style not supported");
	/* §3.6.1.2: the FA decapsulates unless D; what it did not advertise: 72. */
	if (!(m->flags & XMIP_MIP4_F_D) &&
	    (((m->flags & XMIP_MIP4_F_M) && !(c->encaps & XMIP_MIP4_ENC_MINENC) &&
	      !((m->flags & XMIP_MIP4_F_G) && (c->encaps & XMIP_MIP4_ENC_GRE))) ||
	     ((m->flags & XMIP_MIP4_F_G) && !(c->encaps & XMIP_MIP4_ENC_GRE) &&
	      !((m->flags & XMIP_MIP4_F_M) && (c->encaps & XMIP_MIP4_ENC_MINENC)))))
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_ENCAP_UNAVAIL, "encapsulation not offered");
	/* §3.7.2.3: too long a lifetime: 69 with the longest we take. */
	if (m->lifetime > c->max_lifetime_s) {
		v->lifetime = (uint16_t)c->max_lifetime_s;
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_LIFETIME_TOO_LONG, "lifetime too long");
	}
	/* §3.7.2.1: D clear, registering, and a care-of address we do not offer: 77. */
	if (!(m->flags & XMIP_MIP4_F_D) && !dereg && !xmip_mip4_fa_own_coa(c, m->coa))
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_INVALID_COA, "care-of address not ours");
	/* §3.7.1: pending requests and visitors are bounded (66). */
	if (r->n_pending >= c->max_pending)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_RESOURCES, "too many pending requests");
	if (!r->known_visitor && !dereg && r->n_visitors >= c->max_visitors)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_RESOURCES, "visitor list full");
	VERDICT(XMIP_MIP4_FA_RELAY, 0, "relayed");
}

uint8_t xmip_mip4_fa_icmp_code(uint8_t type, uint8_t code)
{
	if (type != 3)   /* destination unreachable; anything else: "other ICMP error" */
		return XMIP_MIP4_FA_HA_UNREACH;
	switch (code) {
	case 0:  return XMIP_MIP4_FA_HOME_NET_UNREACH;
	case 1:  return XMIP_MIP4_FA_HA_HOST_UNREACH;
	case 3:  return XMIP_MIP4_FA_HA_PORT_UNREACH;
	default: return XMIP_MIP4_FA_HA_UNREACH;
	}
}

int xmip_mip4_fa_build_relay(const struct xmip_mip4_conf *c, const uint8_t *msg,
			     const struct xmip_mip4_reg *m, uint8_t *buf, size_t cap)
{
	const struct xmip_mip4_peer_conf *ha = xmip_mip4_find_peer(c, m->ha);
	int n;

	if (m->mn_ha < 0)
		return -1;
	n = xmip_mip4_rebuild(buf, cap, m, msg, 0, (size_t)m->mn_ha + 1);
	if (n >= 0 && ha && m->lifetime != 0 && xmip_mip4_fa_own_coa(c, m->coa))
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_FA_HA_AUTH, &ha->sa);
	return n;
}

#undef VERDICT
#define VERDICT(act, c_, why_) do { v->action = (act); v->code = (c_); v->why = (why_); return; } while (0)

void xmip_mip4_fa_check_reply(const struct xmip_mip4_conf *c, const uint8_t *msg,
			      const struct xmip_mip4_reg *m,
			      const struct xmip_mip4_fa_pending_view *p,
			      struct xmip_mip4_fa_reply_verdict *v)
{
	const struct xmip_mip4_peer_conf *ha = xmip_mip4_find_peer(c, m->ha);

	memset(v, 0, sizeof(*v));
	if (m->type != XMIP_MIP4_REG_REPLY || (uint32_t)m->id != p->id_low)
		VERDICT(XMIP_MIP4_FA_DROP, 0, "no pending request with this Identification");
	/* §3.7.3.1: with an FA-HA association, exactly one valid Foreign-Home extension
	 * (a deregistration's reply may come without: §3.5.4 forbids it on the request). */
	if (ha && (m->n_fa_ha || m->lifetime != 0)) {
		if (m->n_fa_ha != 1 || m->fa_ha < m->mn_ha ||
		    !xmip_mip4_auth_ok(msg, &m->ext[m->fa_ha], &ha->sa)) {
			v->security = true;
			VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_HA_AUTH, "Foreign-Home authenticator "
				"of the reply missing or invalid");
		}
	}
	/* RFC 2794 §3: NAI echoed, home agent and home address present. */
	if (p->had_nai && m->nai < 0)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_MISSING_NAI, "reply without the MN-NAI");
	if (!memcmp(m->ha, zero4, 4))
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_MISSING_HA, "reply without a home agent");
	if (!memcmp(m->hoa, zero4, 4))
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_MISSING_HOA, "reply without a home address");
	if (m->mn_ha < 0)
		VERDICT(XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REP,
			"reply without a Mobile-Home extension");
	v->accepted = XMIP_MIP4_CODE_OK(m->code);
	/* §3.7.3.2: the visitor's lifetime is the granted one, at most our maximum. */
	v->lifetime = m->lifetime < c->max_lifetime_s ? m->lifetime : (uint16_t)c->max_lifetime_s;
	VERDICT(XMIP_MIP4_FA_RELAY, m->code, "relayed");
}

int xmip_mip4_fa_build_relay_reply(const uint8_t *msg, const struct xmip_mip4_reg *m,
				   const struct xmip_mip4_mn_conf *mnfa, uint8_t *buf, size_t cap)
{
	int n;

	if (m->mn_ha < 0)
		return -1;
	n = xmip_mip4_rebuild(buf, cap, m, msg, 0, (size_t)m->mn_ha + 1);
	if (n >= 0 && mnfa)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_MN_FA_AUTH, &mnfa->sa);
	return n;
}

int xmip_mip4_fa_build_denial(const uint8_t *req, const struct xmip_mip4_reg *m, uint8_t code,
			      uint16_t lifetime, const struct xmip_mip4_mn_conf *mnfa,
			      uint8_t *buf, size_t cap)
{
	struct xmip_mip4_reg rep = {
		.type = XMIP_MIP4_REG_REPLY, .code = code, .lifetime = lifetime, .id = m->id,
	};
	int n;

	memcpy(rep.hoa, m->hoa, 4);
	memcpy(rep.ha, m->ha, 4);
	n = xmip_mip4_build_fixed(buf, cap, &rep);
	if (n >= 0 && m->nai >= 0)
		n = xmip_mip4_put_ext(buf, cap, (size_t)n, XMIP_MIP4_EXT_NAI,
				      req + m->ext[m->nai].off + 2, m->ext[m->nai].len);
	if (n >= 0 && mnfa)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_MN_FA_AUTH, &mnfa->sa);
	return n;
}
