// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The home agent's decision on one Registration Request, in the order of
 * RFC 5944 §3.8.2.1 (authentication, Identification, Foreign-Home), then
 * §3.8.2.1's broadcast rule and §3.8.3.2's address checks, the request's
 * form (§3.8.2.3, RFC 3519 §4.6.1), encapsulation and reverse tunnel
 * (RFC 3024 §4.3.1), UDP tunnelling (RFC 3519 §4.6) and finally the
 * binding change (§3.8.2.2). Nothing changes unless the request is
 * authenticated and fresh: only an authenticated registration moves a
 * binding.
 */
#include "mip4_ha_policy.h"

#include <string.h>

#include "mip4_auth.h"
#include "mip4_ident.h"

static const uint8_t zero4[4];

bool xmip_mip4_unicast(const uint8_t a[4])
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

const struct xmip_mip4_mn_conf *xmip_mip4_find_mn(const struct xmip_mip4_conf *c,
						  const uint8_t *msg, const struct xmip_mip4_reg *m)
{
	if (m->nai >= 0) {
		const struct xmip_mip4_ext *e = &m->ext[m->nai];

		for (size_t i = 0; i < c->n_mns; i++)
			if (c->mns[i].id_is_nai && strlen(c->mns[i].id) == e->len &&
			    memcmp(c->mns[i].id, msg + e->off + 2, e->len) == 0)
				return &c->mns[i];
	}
	if (!memcmp(m->hoa, zero4, 4))
		return NULL;
	for (size_t i = 0; i < c->n_mns; i++)
		if (c->mns[i].has_hoa && !memcmp(c->mns[i].hoa, m->hoa, 4))
			return &c->mns[i];
	return NULL;
}

const struct xmip_mip4_peer_conf *xmip_mip4_find_peer(const struct xmip_mip4_conf *c,
						      const uint8_t addr[4])
{
	for (size_t i = 0; i < c->n_peers; i++)
		if (!memcmp(c->peers[i].addr, addr, 4))
			return &c->peers[i];
	return NULL;
}

static void deny(struct xmip_mip4_ha_decision *d, uint8_t code, const char *why)
{
	d->reply = true;
	d->code = code;
	d->lifetime = 0;
	d->why = why;
	d->change = XMIP_MIP4_HA_KEEP;
	d->record_id = false;
}

/* Leave xmip_mip4_ha_decide with the decision made. */
#define DENY(code, why)  do { deny(d, (code), (why)); return; } while (0)
#define DISCARD(why)     do { discard(d, (why)); return; } while (0)

static void discard(struct xmip_mip4_ha_decision *d, const char *why)
{
	d->reply = false;
	d->why = why;
	d->change = XMIP_MIP4_HA_KEEP;
	d->record_id = false;
}

/* Index of the Foreign-Home extension after the Mobile-Home one, or -1; count in *n. */
static int faha_after(const struct xmip_mip4_reg *m, int *n)
{
	int at = -1;

	*n = 0;
	for (int i = m->mn_ha + 1; i < m->n_ext; i++)
		if (m->ext[i].type == XMIP_MIP4_EXT_FA_HA_AUTH) {
			if (at < 0)
				at = i;
			(*n)++;
		}
	return at;
}

static uint8_t encap_of(uint8_t proto)
{
	switch (proto) {
	case XMIP_MIP4_PROTO_IPIP:   return XMIP_MIP4_ENCAP_IPIP;
	case XMIP_MIP4_PROTO_MINENC: return XMIP_MIP4_ENCAP_MINENC;
	case XMIP_MIP4_PROTO_GRE:    return XMIP_MIP4_ENCAP_GRE;
	default:                     return XMIP_MIP4_ENCAP_NONE;
	}
}

static uint32_t encap_bit(uint8_t encap)
{
	switch (encap) {
	case XMIP_MIP4_ENCAP_IPIP:   return XMIP_MIP4_ENC_IPIP;
	case XMIP_MIP4_ENCAP_MINENC: return XMIP_MIP4_ENC_MINENC;
	case XMIP_MIP4_ENCAP_GRE:    return XMIP_MIP4_ENC_GRE;
	default:                     return 0;
	}
}

/* §3.6.1.2: M and/or G; both set means either will do, minimal first (smaller header). */
static uint8_t encap_from_flags(uint8_t flags, uint32_t allowed)
{
	if ((flags & XMIP_MIP4_F_M) && (allowed & XMIP_MIP4_ENC_MINENC))
		return XMIP_MIP4_ENCAP_MINENC;
	if ((flags & XMIP_MIP4_F_G) && (allowed & XMIP_MIP4_ENC_GRE))
		return XMIP_MIP4_ENCAP_GRE;
	if (flags & (XMIP_MIP4_F_M | XMIP_MIP4_F_G))
		return XMIP_MIP4_ENCAP_NONE;
	return allowed & XMIP_MIP4_ENC_IPIP ? XMIP_MIP4_ENCAP_IPIP : XMIP_MIP4_ENCAP_NONE;
}

/* Care-of addresses of the bindings that stay besides coa. */
static size_t others(const struct xmip_mip4_ha_state *st, const uint8_t coa[4])
{
	size_t n = 0;

	for (size_t i = 0; i < st->n_b; i++)
		if (memcmp(st->b[i].coa, coa, 4))
			n++;
	return n;
}

static bool valid_coa(const struct xmip_mip4_conf *c, const struct xmip_mip4_reg *m)
{
	static const uint8_t bcast[4] = { 255, 255, 255, 255 };

	return xmip_mip4_unicast(m->coa) && memcmp(m->coa, bcast, 4) &&
	       memcmp(m->coa, m->hoa, 4) && memcmp(m->coa, c->address, 4);
}

void xmip_mip4_ha_decide(const struct xmip_mip4_conf *c, uint64_t now_ntp,
			 const struct xmip_mip4_ha_req *r, const struct xmip_mip4_ha_state *st,
			 struct xmip_mip4_ha_decision *d)
{
	const struct xmip_mip4_reg *m = r->m;
	const struct xmip_mip4_mn_conf *mn = st->mn;
	struct xmip_mip4_udp_req ureq = { 0 };
	bool udp_by_fa = false, nat, dereg = m->lifetime == 0;
	uint32_t max_life;
	int faha, n_faha;
	uint8_t encap;

	memset(d, 0, sizeof(*d));
	d->id = m->id;
	memcpy(d->hoa, m->hoa, 4);
	d->nai = m->nai >= 0;
	d->sign_faha = st->fa != NULL;

	if (m->type != XMIP_MIP4_REG_REQUEST)
		DISCARD("not a Registration Request");
	/* §3.8.2.1 a: no association, or no authorization-enabling extension: silence. */
	if (!mn)
		DISCARD("no security association for this mobile node");
	if (m->mn_ha < 0)
		DISCARD("no Mobile-Home Authentication Extension");
	if (!memcmp(d->hoa, zero4, 4))
		memcpy(d->hoa, mn->hoa, 4);   /* RFC 2794: identified by NAI, address assigned */
	if (!xmip_mip4_auth_ok(r->msg, &m->ext[m->mn_ha], &mn->sa)) {
		d->security = true;
		DENY(XMIP_MIP4_HA_MN_AUTH, "Mobile-Home authenticator (or SPI) invalid");
	}
	/* b: Identification (§5.7.1); 133 carries our time for the MN to resynchronise. */
	switch (xmip_mip4_id_check(m->id, now_ntp, c->replay_window_s, st->has_last, st->last_id)) {
	case XMIP_MIP4_ID_OK:
		break;
	case XMIP_MIP4_ID_SKEW:
		d->security = true;
		deny(d, XMIP_MIP4_HA_ID_MISMATCH, "Identification outside the replay window");
		d->id = xmip_mip4_id_mismatch(m->id, now_ntp);
		return;
	case XMIP_MIP4_ID_REPLAY:
		d->security = true;
		deny(d, XMIP_MIP4_HA_ID_MISMATCH, "Identification not newer than the last accepted "
		     "(replay)");
		d->id = xmip_mip4_id_mismatch(m->id, now_ntp);
		return;
	}
	/* c, d: the Foreign-Home extension, covering everything up to its SPI. */
	faha = faha_after(m, &n_faha);
	if (!st->fa && m->n_fa_ha)
		DISCARD("Foreign-Home extension from a sender we share no association with");
	if (st->fa && !dereg) {
		if (n_faha != 1 || m->n_fa_ha != 1 ||
		    !xmip_mip4_auth_ok(r->msg, &m->ext[faha], &st->fa->sa)) {
			d->security = true;
			DENY(XMIP_MIP4_HA_FA_AUTH, n_faha == 1 ? "Foreign-Home authenticator "
				    "invalid" : "not exactly one Foreign-Home extension");
		}
	}
	/* §3.8.2.1: sent to a broadcast address (dynamic HA discovery), or not to us: 136. */
	if (r->dst_bcast || memcmp(m->ha, c->address, 4))
		DENY(XMIP_MIP4_HA_UNKNOWN_HA, "not addressed to this home agent");
	/* §3.8.3.2: a home address we cannot support: 129. */
	if (!mn->has_hoa || memcmp(d->hoa, mn->hoa, 4))
		DENY(XMIP_MIP4_HA_PROHIBITED, "home address not this node's");

	/* §3.8.2.3, RFC 3519 §4.6.1: poorly formed (134). */
	if (m->udp_req >= 0) {
		xmip_mip4_udp_req_view(r->msg, &m->ext[m->udp_req], &ureq);
		udp_by_fa = m->udp_req > m->mn_ha;
		if (m->n_udp_req > 1 || ureq.subtype != 0 || ureq.reserved3 != 0)
			DENY(XMIP_MIP4_HA_POORLY_FORMED, "bad UDP Tunnel Request extension");
		if (!udp_by_fa && !(m->flags & XMIP_MIP4_F_D))
			DENY(XMIP_MIP4_HA_POORLY_FORMED, "UDP Tunnel Request from the mobile "
				    "node without the D bit");
		if (udp_by_fa && (m->flags & XMIP_MIP4_F_D))
			DENY(XMIP_MIP4_HA_POORLY_FORMED, "UDP Tunnel Request from a foreign "
				    "agent with the D bit");
	}
	if (!dereg && !valid_coa(c, m))
		DENY(XMIP_MIP4_HA_POORLY_FORMED, "care-of address unusable");

	if (dereg) {
		d->record_id = true;
		d->reply = true;
		d->code = c->max_bindings > 1 ? XMIP_MIP4_ACCEPTED : XMIP_MIP4_ACCEPTED_NO_SIMUL;
		memcpy(d->nb.hoa, d->hoa, 4);
		memcpy(d->nb.coa, m->coa, 4);
		/* §3.8.2.2: CoA = HoA deregisters them all (0.0.0.0 taken the same way). */
		d->change = !memcmp(m->coa, d->hoa, 4) || !memcmp(m->coa, zero4, 4) ?
			    XMIP_MIP4_HA_DEL_ALL : XMIP_MIP4_HA_DEL_ONE;
		return;
	}

	/* RFC 3024 §4.3.1: encapsulation (139), then the reverse tunnel (138, 137). */
	encap = encap_from_flags(m->flags, mn->encaps);
	if (encap == XMIP_MIP4_ENCAP_NONE)
		DENY(XMIP_MIP4_HA_ENCAP_UNAVAIL, "requested encapsulation not allowed");
	if (!(m->flags & XMIP_MIP4_F_T) && c->reverse_tunnel == XMIP_MIP4_RT_REQUIRED)
		DENY(XMIP_MIP4_HA_REV_TUN_MANDATORY, "reverse tunnel required, T not set");
	if ((m->flags & XMIP_MIP4_F_T) && c->reverse_tunnel == XMIP_MIP4_RT_NO)
		DENY(XMIP_MIP4_HA_REV_TUN_UNAVAIL, "reverse tunnel not offered");

	/* RFC 3519 §4.6: a NAT shows as a source other than the care-of address. */
	memcpy(d->nb.dst, m->coa, 4);
	nat = memcmp(r->src, m->coa, 4) != 0;
	if (m->udp_req >= 0) {
		d->udp_rep = true;
		d->udp_rep_for_fa = udp_by_fa;
		d->udp.code = XMIP_MIP4_UDP_REP_DECLINE;
		if (ureq.flags & XMIP_MIP4_UDP_REQ_R) {
			/* Co-located through an FA: the port is known only from the first
			 * keepalive (§4.6), which needs the datapath: declined for now. */
		} else if (nat || (ureq.flags & XMIP_MIP4_UDP_REQ_F)) {
			if (c->udp_tunnel == XMIP_MIP4_UDP_NO)
				DENY(XMIP_MIP4_HA_PROHIBITED, nat ? "behind a NAT, UDP "
					    "tunnelling not allowed" : "forced UDP tunnelling not allowed");
			if (ureq.encap) {
				encap = encap_of(ureq.encap);
				if (!(encap_bit(encap) & mn->encaps))
					DENY(XMIP_MIP4_HA_UDP_ENCAP_UNAVAIL, "UDP tunnel "
						    "encapsulation unavailable");
			}
			d->udp.code = XMIP_MIP4_UDP_REP_ACCEPT;
			d->udp.flags = ureq.flags & XMIP_MIP4_UDP_REQ_F ? XMIP_MIP4_UDP_REP_F : 0;
			d->udp.keepalive = (uint16_t)c->keepalive_s;
			d->nb.flags |= XMIP_MIP4_BF_UDP |
				       (ureq.flags & XMIP_MIP4_UDP_REQ_F ? XMIP_MIP4_BF_FORCED : 0);
			d->nb.keepalive_s = (uint16_t)c->keepalive_s;
			/* Tunnel to where the request came from (the NAT's mapping). */
			memcpy(d->nb.dst, r->src, 4);
			d->nb.dport = r->sport;
		}
	}

	/* §3.8.2.2: S keeps the others, up to max-bindings care-of addresses (135). */
	if ((m->flags & XMIP_MIP4_F_S) && c->max_bindings > 1 &&
	    others(st, m->coa) + 1 > c->max_bindings)
		DENY(XMIP_MIP4_HA_TOO_MANY_BINDINGS, "too many simultaneous bindings");

	max_life = mn->max_lifetime_s && mn->max_lifetime_s < c->max_lifetime_s ?
		   mn->max_lifetime_s : c->max_lifetime_s;
	d->reply = true;
	d->code = c->max_bindings > 1 ? XMIP_MIP4_ACCEPTED : XMIP_MIP4_ACCEPTED_NO_SIMUL;
	d->lifetime = m->lifetime < max_life ? m->lifetime : (uint16_t)max_life;
	d->record_id = true;
	d->change = XMIP_MIP4_HA_ADD;
	d->replace = !((m->flags & XMIP_MIP4_F_S) && c->max_bindings > 1);
	memcpy(d->nb.hoa, d->hoa, 4);
	memcpy(d->nb.coa, m->coa, 4);
	memcpy(d->nb.src, c->address, 4);
	if (!(m->flags & XMIP_MIP4_F_D))
		memcpy(d->nb.fa, r->src, 4);
	d->nb.encap = encap;
	d->nb.flags |= (m->flags & XMIP_MIP4_F_T ? XMIP_MIP4_BF_REVERSE : 0) |
		       (m->flags & XMIP_MIP4_F_D ? XMIP_MIP4_BF_COLOCATED : 0) |
		       (m->flags & XMIP_MIP4_F_B ? XMIP_MIP4_BF_BCAST : 0);
	d->nb.lifetime_s = d->lifetime;
	d->nb.id = m->id;
}

void xmip_mip4_ha_fail(struct xmip_mip4_ha_decision *d, uint8_t code, const char *why)
{
	deny(d, code, why);
	d->udp_rep = false;
}

int xmip_mip4_ha_build_reply(const struct xmip_mip4_conf *c, const struct xmip_mip4_ha_req *r,
			     const struct xmip_mip4_ha_state *st,
			     const struct xmip_mip4_ha_decision *d, uint8_t *buf, size_t cap)
{
	const struct xmip_mip4_reg *m = r->m;
	struct xmip_mip4_reg rep = {
		.type = XMIP_MIP4_REG_REPLY, .code = d->code, .lifetime = d->lifetime, .id = d->id,
	};
	int n;

	if (!d->reply || !st->mn)
		return -1;
	memcpy(rep.hoa, d->hoa, 4);
	/* §3.8.3.2: the Home Agent field is always our unicast address. */
	memcpy(rep.ha, c->address, 4);
	n = xmip_mip4_build_fixed(buf, cap, &rep);
	if (n >= 0 && d->nai)
		n = xmip_mip4_put_ext(buf, cap, (size_t)n, XMIP_MIP4_EXT_NAI,
				      r->msg + m->ext[m->nai].off + 2, m->ext[m->nai].len);
	if (n >= 0 && d->udp_rep && !d->udp_rep_for_fa)
		n = xmip_mip4_put_udp_rep(buf, cap, (size_t)n, &d->udp);
	if (n >= 0)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_MN_HA_AUTH, &st->mn->sa);
	if (n >= 0 && d->udp_rep && d->udp_rep_for_fa)
		n = xmip_mip4_put_udp_rep(buf, cap, (size_t)n, &d->udp);
	if (n >= 0 && d->sign_faha && st->fa)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_FA_HA_AUTH, &st->fa->sa);
	return n;
}
