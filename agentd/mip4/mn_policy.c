// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The mobile node's choices (RFC 5944 §2.4, §3.6; RFC 3519 §4.4; RFC 3024 §4.1). */
#include "mip4_mn_policy.h"

#include <string.h>

#include "mip4_auth.h"
#include "mip4_ha_policy.h"
#include "mip4_ident.h"

static bool in_prefix4(const uint8_t a[4], const uint8_t p[4], unsigned plen)
{
	for (unsigned b = 0; b < plen; b++)
		if ((a[b / 8] ^ p[b / 8]) & (0x80 >> (b % 8)))
			return false;
	return true;
}

static void from_agent(struct xmip_mip4_mn_attach *o, enum xmip_mip4_mn_mode mode,
		       const struct xmip_mip4_mn_agent *a)
{
	o->mode = mode;
	o->ifindex = a->ifindex;
	memcpy(o->agent, a->addr, 4);
	memcpy(o->agent_mac, a->mac, 6);
	o->agent_flags = a->adv.flags;
	o->reg_lifetime = a->adv.reg_lifetime;
}

void xmip_mip4_mn_choose(const struct xmip_mip4_conf *c, const struct xmip_mip4_mn_if *ifs,
			 size_t n_ifs, const struct xmip_mip4_mn_agent *agents, size_t n_agents,
			 struct xmip_mip4_mn_attach *o)
{
	memset(o, 0, sizeof(*o));
	/* §2.4.3: an advertisement from our own home agent means home. */
	for (size_t i = 0; i < n_ifs; i++) {
		if (!ifs[i].up)
			continue;
		for (size_t j = 0; j < n_agents; j++)
			if (agents[j].ifindex == ifs[i].ifindex &&
			    (agents[j].adv.flags & XMIP_MIP4_ADV_H) &&
			    !memcmp(agents[j].addr, c->home_agent, 4)) {
				from_agent(o, XMIP_MIP4_MN_HOME, &agents[j]);
				memcpy(o->coa, c->hoa, 4);
				return;
			}
	}
	/* A foreign agent that takes registrations (F, not busy, a care-of address). */
	for (size_t i = 0; i < n_ifs; i++) {
		if (!ifs[i].up)
			continue;
		for (size_t j = 0; j < n_agents; j++) {
			const struct xmip_mip4_adv *a = &agents[j].adv;

			if (agents[j].ifindex == ifs[i].ifindex && (a->flags & XMIP_MIP4_ADV_F) &&
			    !(a->flags & XMIP_MIP4_ADV_B) && a->n_coa) {
				from_agent(o, XMIP_MIP4_MN_FA, &agents[j]);
				/* §2.4: the first advertised care-of address. */
				memcpy(o->coa, a->coa[0], 4);
				return;
			}
		}
	}
	/* An address of our own on a foreign link: co-located (§1.7 b). */
	for (size_t i = 0; i < n_ifs; i++) {
		if (!ifs[i].up)
			continue;
		for (size_t k = 0; k < ifs[i].n_addr; k++) {
			const uint8_t *a = ifs[i].addr[k];

			if (!xmip_mip4_unicast(a) || !memcmp(a, c->hoa, 4) ||
			    in_prefix4(a, c->home_prefix, c->home_plen))
				continue;
			o->mode = XMIP_MIP4_MN_COLOCATED;
			o->ifindex = ifs[i].ifindex;
			memcpy(o->coa, a, 4);
			return;
		}
	}
}

bool xmip_mip4_mn_same(const struct xmip_mip4_mn_attach *a, const struct xmip_mip4_mn_attach *b)
{
	return a->mode == b->mode && a->ifindex == b->ifindex && !memcmp(a->coa, b->coa, 4) &&
	       !memcmp(a->agent, b->agent, 4);
}

uint16_t xmip_mip4_mn_lifetime(const struct xmip_mip4_conf *c,
			       const struct xmip_mip4_mn_attach *at, uint16_t fa_max)
{
	uint32_t l = c->lifetime_s;

	if (at->mode == XMIP_MIP4_MN_HOME)
		return 0;
	if (at->mode == XMIP_MIP4_MN_FA && at->reg_lifetime && at->reg_lifetime < l)
		l = at->reg_lifetime;
	if (fa_max && fa_max < l)
		l = fa_max;
	return (uint16_t)l;
}

int xmip_mip4_mn_build_request(const struct xmip_mip4_conf *c,
			       const struct xmip_mip4_mn_attach *at, uint64_t id,
			       uint16_t lifetime, uint8_t *buf, size_t cap)
{
	struct xmip_mip4_reg m = { .type = XMIP_MIP4_REG_REQUEST, .lifetime = lifetime, .id = id };
	bool colo = at->mode == XMIP_MIP4_MN_COLOCATED, fa = at->mode == XMIP_MIP4_MN_FA;
	const struct xmip_mip4_peer_conf *mnfa = NULL;
	int n;

	if (at->mode == XMIP_MIP4_MN_NONE)
		return -1;
	memcpy(m.hoa, c->hoa, 4);
	memcpy(m.ha, c->home_agent, 4);
	memcpy(m.coa, at->coa, 4);
	if (at->mode != XMIP_MIP4_MN_HOME) {
		if (colo)
			m.flags |= XMIP_MIP4_F_D;
		/* §3.6.1.2: M or G only when we decapsulate or the FA advertised it. */
		if (c->encap == XMIP_MIP4_ENC_MINENC &&
		    (colo || (at->agent_flags & XMIP_MIP4_ADV_M)))
			m.flags |= XMIP_MIP4_F_M;
		if (c->encap == XMIP_MIP4_ENC_GRE && (colo || (at->agent_flags & XMIP_MIP4_ADV_G)))
			m.flags |= XMIP_MIP4_F_G;
		/* RFC 3024 §3.1: T through an FA only if it advertises reverse tunnelling. */
		if (c->reverse_tunnel == XMIP_MIP4_RT_YES &&
		    (colo || (at->agent_flags & XMIP_MIP4_ADV_T)))
			m.flags |= XMIP_MIP4_F_T;
	}
	n = xmip_mip4_build_fixed(buf, cap, &m);
	/* §3.6.1.3 b: extensions for the HA, then the authorization-enabling one. */
	if (n >= 0 && c->nai[0])
		n = xmip_mip4_put_nai(buf, cap, (size_t)n, c->nai);
	/* RFC 3519 §4.4: the UDP Tunnel Request only with a co-located address (D set). */
	if (n >= 0 && colo && c->udp_tunnel != XMIP_MIP4_UDP_NO) {
		struct xmip_mip4_udp_req u = {
			.flags = c->udp_tunnel == XMIP_MIP4_UDP_FORCE ? XMIP_MIP4_UDP_REQ_F : 0,
		};

		n = xmip_mip4_put_udp_req(buf, cap, (size_t)n, &u);
	}
	if (n >= 0)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_MN_HA_AUTH, &c->sa);
	/* e: Mobile-Foreign last, when we share an association with that FA. */
	if (fa)
		mnfa = xmip_mip4_find_peer(c, at->agent);
	if (n >= 0 && mnfa)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_MN_FA_AUTH, &mnfa->sa);
	return n;
}

#define RESULT(res, why_) do { r->result = (res); r->why = (why_); return; } while (0)

void xmip_mip4_mn_check_reply(const struct xmip_mip4_conf *c, const uint8_t *msg,
			      const struct xmip_mip4_reg *m, const struct xmip_mip4_mn_pending *p,
			      uint64_t now, struct xmip_mip4_mn_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->code = m->code;
	if (m->type != XMIP_MIP4_REG_REPLY)
		RESULT(XMIP_MIP4_MN_R_DROP, "not a reply");
	/* §3.6.2.1: the low 32 bits answer our most recent request. */
	if ((uint32_t)m->id != (uint32_t)p->id)
		RESULT(XMIP_MIP4_MN_R_DROP, "Identification does not match our request");
	/* a: with an MN-FA association, exactly one valid Mobile-Foreign extension. */
	if (p->via_fa && p->mnfa &&
	    (m->n_mn_fa != 1 || !xmip_mip4_auth_ok(msg, &m->ext[m->mn_fa], &p->mnfa->sa)))
		RESULT(XMIP_MIP4_MN_R_DROP, "Mobile-Foreign extension missing or invalid");
	/* b: the home agent's codes need exactly one valid Mobile-Home extension. */
	if (XMIP_MIP4_CODE_FROM_HA(m->code) &&
	    (m->n_mn_ha != 1 || !xmip_mip4_auth_ok(msg, &m->ext[m->mn_ha], &c->sa)))
		RESULT(XMIP_MIP4_MN_R_DROP, "Mobile-Home extension missing or invalid");
	if (m->udp_rep >= 0 && m->udp_rep < m->mn_ha) {
		r->udp = true;
		xmip_mip4_udp_rep_view(msg, &m->ext[m->udp_rep], &r->udp_rep);
	}
	if (XMIP_MIP4_CODE_OK(m->code)) {
		/* §3.4: a lifetime above what we asked for means what we asked for. */
		r->lifetime = m->lifetime < p->lifetime ? m->lifetime : p->lifetime;
		RESULT(XMIP_MIP4_MN_R_ACCEPTED, "accepted");
	}
	if (m->code == XMIP_MIP4_HA_ID_MISMATCH) {
		r->offset_s = xmip_mip4_id_offset(m->id, now);
		RESULT(XMIP_MIP4_MN_R_RESYNC, "identification mismatch: clock resynchronised");
	}
	if (m->code == XMIP_MIP4_FA_LIFETIME_TOO_LONG && m->lifetime) {
		r->lifetime = m->lifetime;
		RESULT(XMIP_MIP4_MN_R_LIFETIME, "lifetime too long for the FA");
	}
	RESULT(XMIP_MIP4_MN_R_DENIED, xmip_mip4_code_str(m->code));
}

uint32_t xmip_mip4_mn_backoff_ms(uint32_t prev_ms, uint16_t lifetime_s)
{
	uint64_t next = prev_ms ? (uint64_t)prev_ms * 2 : 1000;
	uint64_t cap = 32000;

	if (lifetime_s && (uint64_t)lifetime_s * 1000 < cap)
		cap = (uint64_t)lifetime_s * 1000;
	if (next > cap)
		next = cap;
	return (uint32_t)(next < 1000 ? 1000 : next);   /* never more than one a second */
}

uint64_t xmip_mip4_mn_refresh_ns(uint64_t sent_ns, uint16_t granted_s)
{
	return sent_ns + (uint64_t)granted_s * 750000000ull;
}
