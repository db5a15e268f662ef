// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The correspondent node's decisions (RFC 6275 §9.4, §9.5); no I/O. */
#include "cn_policy.h"

#include <openssl/crypto.h>
#include <string.h>

#include "addr.h"
#include "mip6/seqwin.h"

#define IPV6_HDR_LEN 40
#define MAX_EXT_HDRS 8

bool xmip_cn_routable(const struct in6_addr *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !IN6_IS_ADDR_UNSPECIFIED(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_LINKLOCAL(a) &&
	       memcmp(a->s6_addr, mapped, sizeof(mapped)) != 0;
}

void xmip_cn_bu_hoa(const struct xmip_pkt *p, struct in6_addr *hoa)
{
	*hoa = p->has_hao ? p->hao : p->src;
}

static void discard(struct xmip_cn_decision *d, const char *why)
{
	d->action = XMIP_CN_DISCARD;
	d->send_ba = false;
	d->why = why;
}

/* A refusal that is answered (§9.5.4: 131, 135-139 and 130 always are). */
static void reject(struct xmip_cn_decision *d, uint8_t status, uint16_t seq, bool auth,
		   const char *why)
{
	d->action = XMIP_CN_REJECT;
	d->send_ba = true;
	d->status = status;
	d->ba_seq = seq;
	d->ba_lifetime_units = 0;
	d->ba_auth = auth;
	d->why = why;
}

void xmip_cn_decide_bu(const struct xmip_pkt *p, const struct xmip_rr_nonces *nonces,
		       const struct xmip_cn_state *st, const struct xmip_cn_params *prm,
		       uint64_t now_ns, struct xmip_cn_decision *d)
{
	const struct xmip_rr_nonce *hn = NULL, *cn = NULL;
	uint8_t home_token[XMIP_RR_TOKEN_LEN], coa_token[XMIP_RR_TOKEN_LEN];
	const struct xmip_mh_msg *m = &p->msg;
	struct xmip_rr_opts o;
	uint32_t granted;
	bool dereg;

	memset(d, 0, sizeof(*d));
	xmip_cn_bu_hoa(p, &d->hoa);
	d->ba_dst = p->src;
	/* §9.5.4: a routing header unless the source is the home address (a BU
	 * from home, with or without a HAO naming it: TAHI CN-3-3-2-3). */
	d->ba_rh2 = p->has_hao && !xmip_addr_eq(&p->src, &p->hao);
	d->ba_seq = m->seq;

	/* §9.5.4: a BA only ever goes to a unicast source; §9.5.1: the home
	 * address must be unicast routable; §6.1.7: so must the care-of address. */
	if (!xmip_cn_routable(&p->src))
		return discard(d, "source not unicast routable");
	if (!xmip_cn_routable(&d->hoa))
		return discard(d, "home address not unicast routable");
	if (p->has_rh2)   /* §6.1: only a BA may carry a type-2 routing header */
		return discard(d, "type-2 routing header on a BU");
	if (xmip_rr_opts_parse(p->mh, p->mh_len, &o) != XMIP_PARSE_OK)
		return discard(d, "malformed mobility options");
	d->coa = o.has_alt_coa ? o.alt_coa : p->src;
	if (!xmip_cn_routable(&d->coa))
		return discard(d, "care-of address not unicast routable");

	if (m->bu_flags & XMIP_BU_F_H) {
		/* §9.5.1: never with Nonce Indices; §9.5.1/§10.3.1: a binding of the
		 * other kind gets 139, a node that is no home agent answers 131. */
		if (o.has_nonce_idx)
			return discard(d, "Nonce Indices in a home registration");
		if (st->has_binding)
			return reject(d, XMIP_BA_REG_TYPE_CHANGE, m->seq, false,
				      "home registration for a correspondent binding");
		return reject(d, XMIP_BA_HOME_REG_NOT_SUPPORTED, m->seq, false,
			      "home registration to a correspondent");
	}
	/* §9.5.1: Nonce Indices and Binding Authorization Data, the latter last,
	 * with no padding after it; RR's authenticator is 96 bits (§6.2.7). */
	if (!o.has_nonce_idx)
		return discard(d, "no Nonce Indices option");
	if (!o.has_auth_data || !o.auth_data_last || o.auth_data_len != XMIP_RR_AUTH_LEN)
		return discard(d, "Binding Authorization Data missing, not last or not 12 octets");

	/* Deleting: lifetime 0 (§6.1.7), or the home address as care-of address. */
	dereg = m->lifetime_units == 0 || xmip_addr_eq(&d->coa, &d->hoa);
	d->auth_coa = dereg ? d->hoa : d->coa;

	/* §9.5.1: 136, 137 or 138 for indices no longer recognised, sent without
	 * Binding Authorization Data (§9.5.4); the care-of index is not looked
	 * at when deleting (§6.2.6). */
	hn = xmip_rr_nonce_find(nonces, o.home_nonce_index, now_ns);
	if (!dereg)
		cn = xmip_rr_nonce_find(nonces, o.coa_nonce_index, now_ns);
	if (!hn && !dereg && !cn)
		return reject(d, XMIP_BA_EXPIRED_NONCES, m->seq, false, "expired nonces");
	if (!hn)
		return reject(d, XMIP_BA_EXPIRED_HOME_NONCE, m->seq, false, "expired home nonce index");
	if (!dereg && !cn)
		return reject(d, XMIP_BA_EXPIRED_COA_NONCE, m->seq, false,
			      "expired care-of nonce index");

	/* §9.5.1: regenerate both tokens, Kbm, and check the authenticator. */
	if (xmip_rr_token(hn->kcn, &d->hoa, hn->nonce, sizeof(hn->nonce), XMIP_RR_HOME, home_token) ||
	    (!dereg && xmip_rr_token(cn->kcn, &d->coa, cn->nonce, sizeof(cn->nonce), XMIP_RR_CAREOF,
				     coa_token)) ||
	    xmip_rr_kbm(home_token, dereg ? NULL : coa_token, d->kbm)) {
		OPENSSL_cleanse(home_token, sizeof(home_token));
		OPENSSL_cleanse(coa_token, sizeof(coa_token));
		return discard(d, "token computation failed");
	}
	OPENSSL_cleanse(home_token, sizeof(home_token));
	OPENSSL_cleanse(coa_token, sizeof(coa_token));
	if (!xmip_rr_auth_verify(d->kbm, &d->auth_coa, &prm->self, p->mh, p->mh_len, o.auth_off)) {
		OPENSSL_cleanse(d->kbm, sizeof(d->kbm));
		return discard(d, "wrong authenticator");
	}

	/* §9.5.1: a sequence number not newer than the last accepted one, of the
	 * binding or of one deleted while its nonces may still be valid (§5.2.8,
	 * §9.5.3: a replay must not recreate what was deleted), gets 135 and
	 * the last accepted number. */
	if (st->has_binding && !xmip_seq_newer(m->seq, st->binding.seq))
		return reject(d, XMIP_BA_SEQ_OUT_OF_WINDOW, st->binding.seq, true,
			      "sequence number out of window");
	if (!st->has_binding && st->has_tombstone && !xmip_seq_newer(m->seq, st->tombstone_seq))
		return reject(d, XMIP_BA_SEQ_OUT_OF_WINDOW, st->tombstone_seq, true,
			      "sequence number of a deleted binding out of window");

	d->status = XMIP_BA_ACCEPTED;
	d->ba_auth = true;
	d->send_ba = (m->bu_flags & XMIP_BU_F_A) != 0;   /* §9.5.4: else SHOULD NOT */
	if (dereg) {
		d->action = XMIP_CN_DELETE;
		d->last_seq = m->seq;
		d->ba_lifetime_units = 0;
		d->why = "binding deleted";
		return;
	}
	/* §9.5.2 and §5.2.6: at most what was asked, and MAX_RR_BINDING_LIFETIME. */
	granted = (uint32_t)m->lifetime_units * XMIP_LIFETIME_UNIT_S;
	if (granted > prm->max_lifetime_s)
		granted = prm->max_lifetime_s / XMIP_LIFETIME_UNIT_S * XMIP_LIFETIME_UNIT_S;
	if (granted < XMIP_LIFETIME_UNIT_S)
		granted = XMIP_LIFETIME_UNIT_S;
	d->action = XMIP_CN_CACHE;
	d->ba_lifetime_units = (uint16_t)(granted / XMIP_LIFETIME_UNIT_S);
	memset(&d->binding, 0, sizeof(d->binding));
	memcpy(d->binding.coa, d->coa.s6_addr, 16);
	d->binding.expires_ns = now_ns + (uint64_t)granted * 1000000000ull;
	d->binding.lifetime_s = granted;
	d->binding.seq = m->seq;
	d->binding.bu_flags = m->bu_flags & XMIP_BU_F_A;   /* K and the rest are ignored (§6.1.7) */
	d->binding.encap = XMIP_ENCAP_RH2;
	d->why = st->has_binding ? "binding updated" : "binding created";
}

int xmip_cn_answer_init(const struct xmip_pkt *p, const struct xmip_rr_msg *msg,
			struct xmip_rr_nonces *nonces, const struct in6_addr *self,
			uint64_t now_ns, uint8_t *buf, size_t cap)
{
	const struct xmip_rr_nonce *n;
	uint8_t mh[XMIP_MH_MIN_TEST_LEN], token[XMIP_RR_TOKEN_LEN];
	bool home = msg->type == XMIP_MH_HOTI;
	int len;

	if (msg->type != XMIP_MH_HOTI && msg->type != XMIP_MH_COTI)
		return 0;
	/* §9.4.1, §9.4.2: silently ignored with a Home Address option; §6.1:
	 * never with a routing header; answers go only to unicast routable
	 * sources (the CoT to the very address that sent the CoTI, §5.2.5). */
	if (p->has_hao || p->has_rh2 || !xmip_cn_routable(&p->src))
		return 0;
	n = xmip_rr_nonce_current(nonces, now_ns);
	if (!n)
		return -1;
	if (xmip_rr_token(n->kcn, &p->src, n->nonce, sizeof(n->nonce),
			  home ? XMIP_RR_HOME : XMIP_RR_CAREOF, token))
		return -1;
	len = xmip_rr_build_test(mh, sizeof(mh), home ? XMIP_MH_HOT : XMIP_MH_COT, n->index,
				 msg->cookie, token);
	OPENSSL_cleanse(token, sizeof(token));
	if (len < 0)
		return -1;
	len = xmip_rr_pkt(buf, cap, self, &p->src, NULL, NULL, mh, (size_t)len);
	OPENSSL_cleanse(mh, sizeof(mh));
	return len;
}

int xmip_cn_build_ba(const struct xmip_cn_decision *d, const struct in6_addr *self,
		     uint8_t *buf, size_t cap)
{
	uint8_t mh[64];
	size_t auth_off = 0;
	int len;

	len = xmip_rr_build_ba(mh, sizeof(mh), d->status, d->ba_seq, d->ba_lifetime_units,
			       d->ba_auth, &auth_off);
	if (len < 0)
		return -1;
	/* §5.2.6: First(96, HMAC_SHA1(Kbm, care-of address | correspondent | BA)). */
	if (d->ba_auth && xmip_rr_auth_fill(d->kbm, &d->auth_coa, self, mh, (size_t)len, auth_off))
		return -1;
	return xmip_rr_pkt(buf, cap, self, &d->ba_dst, d->ba_rh2 ? &d->hoa : NULL, NULL, mh,
			   (size_t)len);
}

long xmip_cn_param_problem(const struct xmip_pkt *p, enum xmip_parse_err perr)
{
	struct xmip_rr_msg m;

	if (perr == XMIP_PARSE_UNKNOWN_MH_TYPE && p->mh &&
	    (p->msg.type == XMIP_MH_HOTI || p->msg.type == XMIP_MH_COTI))
		perr = xmip_rr_parse(p->mh, p->mh_len, &m);
	return xmip_parse_param_problem(p, perr);
}

bool xmip_cn_hao_report(const uint8_t *buf, size_t len, struct in6_addr *src,
			struct in6_addr *hao)
{
	size_t off = IPV6_HDR_LEN;
	bool found = false;
	uint8_t nh;

	if (!buf || len < IPV6_HDR_LEN || (buf[0] >> 4) != 6)
		return false;
	memcpy(src->s6_addr, buf + 8, 16);
	nh = buf[6];
	for (int n = 0; n < MAX_EXT_HDRS; n++) {
		size_t hlen, pos;

		if (nh != XMIP_IPPROTO_HOPOPTS && nh != XMIP_IPPROTO_DSTOPTS &&
		    nh != XMIP_IPPROTO_ROUTING)
			break;
		if (len - off < 8)
			return false;
		hlen = ((size_t)buf[off + 1] + 1) * 8;
		if (hlen > len - off)
			return false;
		for (pos = off + 2; nh == XMIP_IPPROTO_DSTOPTS && pos < off + hlen;) {
			uint8_t type = buf[pos], olen;

			if (type == 0) {
				pos++;
				continue;
			}
			if (off + hlen - pos < 2)
				return false;
			olen = buf[pos + 1];
			if ((size_t)olen > off + hlen - pos - 2)
				return false;
			if (type == XMIP_OPT_HOME_ADDRESS) {
				if (found || olen != XMIP_OPT_HOME_ADDRESS_LEN)
					return false;
				memcpy(hao->s6_addr, buf + pos + 2, 16);
				found = true;
			}
			pos += 2 + (size_t)olen;
		}
		nh = buf[off];
		off += hlen;
	}
	/* A Mobility Header with a HAO is signalling, answered as such (§9.3.1). */
	return found && nh != XMIP_IPPROTO_MH;
}

bool xmip_cn_unreach_quote(const uint8_t *icmp, size_t n, const struct in6_addr *self,
			   struct in6_addr *coa, struct in6_addr *hoa)
{
	size_t off = 8 + IPV6_HDR_LEN;   /* the quoted packet's first extension header */
	const uint8_t *ip = icmp + 8;
	uint8_t nh;

	/* ICMPv6 header (8) | the quoted IPv6 header (40) | its headers. */
	if (!icmp || n < off || icmp[0] != 1 /* Destination Unreachable */ || (ip[0] >> 4) != 6 ||
	    memcmp(ip + 8, self->s6_addr, 16))
		return false;
	nh = ip[6];
	for (int i = 0; i < MAX_EXT_HDRS; i++) {
		size_t hlen;

		if (nh != XMIP_IPPROTO_HOPOPTS && nh != XMIP_IPPROTO_DSTOPTS &&
		    nh != XMIP_IPPROTO_ROUTING)
			return false;
		if (n - off < 8)
			return false;
		hlen = ((size_t)icmp[off + 1] + 1) * 8;
		if (nh == XMIP_IPPROTO_ROUTING) {
			/* Ours: type 2, one address, not yet processed (§6.4). */
			if (icmp[off + 2] != XMIP_RH_TYPE2 || icmp[off + 1] != XMIP_RH2_HDRLEN ||
			    icmp[off + 3] != XMIP_RH2_SEGS_LEFT || n - off < hlen)
				return false;
			memcpy(coa->s6_addr, ip + 24, 16);
			memcpy(hoa->s6_addr, icmp + off + 8, 16);
			return true;
		}
		nh = icmp[off];
		off += hlen;
		if (off > n)
			return false;
	}
	return false;
}

bool xmip_cn_unreach_note(struct xmip_cn_unreach *u, const uint8_t coa[16], uint64_t now_ns)
{
	if (!u->n || memcmp(u->coa, coa, 16) || now_ns < u->last_ns ||
	    now_ns - u->last_ns > XMIP_CN_UNREACH_GAP_NS) {
		u->n = 0;
		u->first_ns = now_ns;
		memcpy(u->coa, coa, 16);
	}
	u->n++;
	u->last_ns = now_ns;
	return u->n >= XMIP_CN_UNREACH_COUNT && now_ns - u->first_ns >= XMIP_CN_UNREACH_SPAN_NS;
}
