// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The mobile node's return routability and correspondent registration, pure (mn_ro_policy.h). */
#include "mn_ro_policy.h"

#include <string.h>

#include <openssl/crypto.h>

#include "addr.h"
#include "ro/rr_crypto.h"

bool xmip_mn_rr_token_fresh(const struct xmip_mn_rr_test *t, const struct in6_addr *addr,
			    uint64_t now_ns)
{
	return t->have && xmip_addr_eq(&t->addr, addr) && now_ns >= t->at_ns &&
	       now_ns - t->at_ns < (uint64_t)XMIP_MN_RO_TOKEN_LIFETIME_S * 1000000000ull;
}

int xmip_mn_rr_build_init(struct xmip_mn_rr_test *t, uint8_t type, const struct in6_addr *from,
			  const struct in6_addr *cn, const uint8_t cookie[XMIP_RR_COOKIE_LEN],
			  uint8_t *buf, size_t cap)
{
	uint8_t mh[XMIP_MH_MIN_INIT_LEN];
	int len;

	if (type != XMIP_MH_HOTI && type != XMIP_MH_COTI)
		return -1;
	/* §11.8: "Retransmitted Home Test Init and Care-of Test Init messages
	 * MUST use new cookie values." */
	if (t->pending && !CRYPTO_memcmp(cookie, t->cookie, XMIP_RR_COOKIE_LEN))
		return -1;
	len = xmip_rr_build_init(mh, sizeof(mh), type, cookie);
	if (len < 0)
		return -1;
	/* §11.6.1: a new init makes any token of another address worthless. */
	if (t->have && !xmip_addr_eq(&t->addr, from))
		t->have = false;
	memcpy(t->cookie, cookie, XMIP_RR_COOKIE_LEN);
	t->addr = *from;
	t->pending = true;
	return xmip_rr_pkt(buf, cap, from, cn, NULL, NULL, mh, (size_t)len);
}

bool xmip_mn_rr_accept_test(struct xmip_mn_rr_test *t, const struct in6_addr *cn,
			    const struct xmip_pkt *p, uint64_t now_ns)
{
	struct xmip_rr_msg m;

	/* §11.6.2, every test: a test in progress, from the correspondent, to the
	 * address the init was for, no extension headers (a HoT comes through
	 * the tunnel as the CN sent it), the cookie we sent. */
	if (!t->pending || !xmip_addr_eq(&p->src, cn) || !xmip_addr_eq(&p->dst, &t->addr) ||
	    p->has_hao || p->has_rh2)
		return false;
	if (xmip_rr_parse(p->mh, p->mh_len, &m) != XMIP_PARSE_OK ||
	    (m.type != XMIP_MH_HOT && m.type != XMIP_MH_COT))
		return false;
	if (CRYPTO_memcmp(m.cookie, t->cookie, XMIP_RR_COOKIE_LEN))
		return false;
	t->pending = false;
	t->have = true;
	t->nonce_index = m.nonce_index;
	memcpy(t->token, m.token, XMIP_RR_TOKEN_LEN);
	t->at_ns = now_ns;
	return true;
}

uint16_t xmip_mn_ro_bu_lifetime_units(uint64_t home_expires_ns, uint64_t now_ns)
{
	uint64_t s;

	if (home_expires_ns <= now_ns)
		return 0;
	s = (home_expires_ns - now_ns) / 1000000000ull;   /* whole seconds left */
	if (s > XMIP_MN_RO_MAX_LIFETIME_S)
		s = XMIP_MN_RO_MAX_LIFETIME_S;
	return (uint16_t)(s / XMIP_LIFETIME_UNIT_S);
}

int xmip_mn_ro_build_bu(const struct xmip_mn_ro_bu *bu, uint8_t kbm[20], uint8_t *buf,
			size_t cap)
{
	bool dereg = bu->lifetime_units == 0 || xmip_addr_eq(&bu->coa, &bu->hoa);
	struct xmip_rr_bu_fields f = {
		.seq = bu->seq,
		.flags = XMIP_BU_F_A,
		.lifetime_units = dereg ? 0 : bu->lifetime_units,
		.home_nonce_index = bu->home ? bu->home->nonce_index : 0,
		/* §6.2.6: ignored by the correspondent when deleting */
		.coa_nonce_index = !dereg && bu->careof ? bu->careof->nonce_index : 0,
	};
	uint8_t mh[64];
	size_t auth_off = 0;
	int len;

	if (!bu->home || !bu->home->have || (!dereg && (!bu->careof || !bu->careof->have)))
		return -1;
	/* §5.2.5: Kbm from both tokens; from the home token alone to delete. */
	if (xmip_rr_kbm(bu->home->token, dereg ? NULL : bu->careof->token, kbm))
		return -1;
	len = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	/* §6.2.7: the "care-of address" of the authenticator is the HoA when deleting. */
	if (len < 0 || xmip_rr_auth_fill(kbm, dereg ? &bu->hoa : &bu->coa, &bu->cn, mh,
					 (size_t)len, auth_off)) {
		OPENSSL_cleanse(mh, sizeof(mh));
		return -1;
	}
	/* §11.7.2: from the care-of address with a HAO; from home, from the HoA. */
	len = xmip_rr_pkt(buf, cap, dereg && xmip_addr_eq(&bu->coa, &bu->hoa) ? &bu->hoa : &bu->coa,
			  &bu->cn, NULL, xmip_addr_eq(&bu->coa, &bu->hoa) ? NULL : &bu->hoa, mh,
			  (size_t)len);
	return len;
}

enum xmip_mn_ro_ba xmip_mn_ro_check_ba(const struct xmip_mn_ro_bu *bu, const uint8_t kbm[20],
				       const struct xmip_pkt *p, uint32_t *lifetime_s)
{
	bool dereg = bu->lifetime_units == 0 || xmip_addr_eq(&bu->coa, &bu->hoa);
	const struct xmip_mh_msg *m = &p->msg;
	struct xmip_rr_opts o;

	*lifetime_s = 0;
	if (m->type != XMIP_MH_BA || !xmip_addr_eq(&p->src, &bu->cn) ||
	    !xmip_addr_eq(&p->mh_dst, &bu->hoa))
		return XMIP_MN_RO_BA_IGNORE;
	/* §9.5.4: 136-138 carry no authenticator; they only make us run the
	 * tests again, for the BU we sent. */
	if (m->ba_status >= XMIP_BA_EXPIRED_HOME_NONCE && m->ba_status <= XMIP_BA_EXPIRED_NONCES)
		return m->seq == bu->seq ? XMIP_MN_RO_BA_NONCE : XMIP_MN_RO_BA_IGNORE;
	if (m->seq != bu->seq && m->ba_status != XMIP_BA_SEQ_OUT_OF_WINDOW)
		return XMIP_MN_RO_BA_IGNORE;
	if (xmip_rr_opts_parse(p->mh, p->mh_len, &o) != XMIP_PARSE_OK || !o.has_auth_data ||
	    !o.auth_data_last || o.auth_data_len != XMIP_RR_AUTH_LEN ||
	    !xmip_rr_auth_verify(kbm, dereg ? &bu->hoa : &bu->coa, &bu->cn, p->mh, p->mh_len,
				 o.auth_off)) {
		/* Without a valid authenticator a refusal could be anyone's. */
		return XMIP_MN_RO_BA_IGNORE;
	}
	if (m->ba_status == XMIP_BA_SEQ_OUT_OF_WINDOW)
		return XMIP_MN_RO_BA_SEQ;
	if (m->ba_status >= 128)
		return XMIP_MN_RO_BA_REFUSED;
	*lifetime_s = (uint32_t)m->lifetime_units * XMIP_LIFETIME_UNIT_S;
	return XMIP_MN_RO_BA_ACCEPTED;
}

bool xmip_mn_ro_param_problem(const uint8_t *icmp, size_t n, struct in6_addr *src,
			      struct in6_addr *dst)
{
	/* ICMPv6 header (8) | quoted IPv6 header (40) | at least the MH's first octets. */
	if (!icmp || n < 8 + 40 + 4 || icmp[0] != 4 /* Parameter Problem */ ||
	    icmp[1] != 1 /* unrecognised Next Header */ || (icmp[8] >> 4) != 6 ||
	    icmp[8 + 6] != XMIP_IPPROTO_MH)
		return false;
	memcpy(src->s6_addr, icmp + 8 + 8, 16);
	memcpy(dst->s6_addr, icmp + 8 + 24, 16);
	return true;
}

bool xmip_mn_ro_learnable(const struct in6_addr *dst, const struct in6_addr *hoa,
			  const struct in6_addr *ha, const struct in6_addr *prefix, uint8_t plen)
{
	if (IN6_IS_ADDR_UNSPECIFIED(dst) || IN6_IS_ADDR_LOOPBACK(dst) ||
	    IN6_IS_ADDR_MULTICAST(dst) || IN6_IS_ADDR_LINKLOCAL(dst) ||
	    IN6_IS_ADDR_SITELOCAL(dst) || IN6_IS_ADDR_V4MAPPED(dst) || IN6_IS_ADDR_V4COMPAT(dst))
		return false;
	if (xmip_addr_eq(dst, hoa) || (ha && xmip_addr_eq(dst, ha)))
		return false;
	/* The home link's addresses are reached through the HA's proxy: they
	 * are the HA's neighbours, not correspondents (and RFC 6275 §11.6.1
	 * gives nothing to gain there). */
	if (prefix && plen && plen <= 128) {
		unsigned full = plen / 8, rest = plen % 8;

		if (!memcmp(dst->s6_addr, prefix->s6_addr, full) &&
		    (!rest || !((dst->s6_addr[full] ^ prefix->s6_addr[full]) &
				(uint8_t)(0xff << (8 - rest)))))
			return false;
	}
	return true;
}

enum xmip_mn_ro_learn xmip_mn_ro_learn_decide(const struct xmip_mn_ro_learn_in *in)
{
	if (!in->enabled || !in->away)
		return XMIP_MN_RO_LEARN_OFF;
	/* The record is the datapath's, but check what it says all the same. */
	if (!xmip_addr_eq(in->src, in->hoa) ||
	    !xmip_mn_ro_learnable(in->dst, in->hoa, in->ha, in->prefix, in->plen))
		return XMIP_MN_RO_LEARN_EXCLUDED;
	if (in->held_until_ns && in->now_ns < in->held_until_ns)
		return XMIP_MN_RO_LEARN_HELD;
	if (in->known)
		return XMIP_MN_RO_LEARN_KNOWN;
	if (in->n_learnt >= in->max)
		return XMIP_MN_RO_LEARN_FULL;
	return XMIP_MN_RO_LEARN_NEW;
}

const char *xmip_mn_ro_learn_name(enum xmip_mn_ro_learn d)
{
	switch (d) {
	case XMIP_MN_RO_LEARN_NEW:      return "new";
	case XMIP_MN_RO_LEARN_OFF:      return "off";
	case XMIP_MN_RO_LEARN_EXCLUDED: return "excluded";
	case XMIP_MN_RO_LEARN_KNOWN:    return "known";
	case XMIP_MN_RO_LEARN_HELD:     return "held";
	case XMIP_MN_RO_LEARN_FULL:     return "full";
	}
	return "?";
}

bool xmip_mn_ro_learnt_idle(uint64_t used_ns, uint64_t learnt_ns, uint64_t now_ns,
			    uint32_t idle_s)
{
	uint64_t last = used_ns > learnt_ns ? used_ns : learnt_ns;

	return now_ns > last && now_ns - last >= (uint64_t)idle_s * 1000000000ull;
}

enum xmip_mn_ro_reg xmip_mn_ro_on_registration(bool coa_v4, bool registered, bool learnt,
					       bool held)
{
	if (!coa_v4)
		return XMIP_MN_RO_REG_BIND;
	/* RFC 5555 §2.4: no CoTI from IPv4; what a correspondent holds is stale. */
	if (registered)
		return XMIP_MN_RO_REG_DELETE;
	return learnt && !held ? XMIP_MN_RO_REG_FORGET : XMIP_MN_RO_REG_NONE;
}
