// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Route optimisation's parsers and the correspondent's decisions on
 * untrusted packets (RFC 6275 §5.2, §6.1.2-§6.1.5, §6.2.6-§6.2.7, §9.4,
 * §9.5). Input: a whole IPv6 packet as the datapath hands it to the agent
 * (xmip_signal record, from the IPv6 header on), copied to a buffer of
 * exactly its size so ASan sees any read past it. Seeds (selftests/fuzz/rr/)
 * are the unit vectors, written by selftests/unit/gen_rr_vectors.py --seeds:
 * their BUs verify, so the accepting paths are covered from the start.
 *
 * Every Binding Update is decided twice: as it came, and re-sealed, i.e.
 * with the authenticator and the MH checksum computed here (independently,
 * OpenSSL directly, from the nonce table below) written in, so that the
 * fuzzer explores what lies behind authentication whatever it mutates.
 *
 * Properties:
 *  - lengths: the MH the parser reports lies inside the input; Binding
 *    Authorization Data lies inside the MH, and ends it when said last;
 *  - an RR message that parses (HoTI, CoTI, HoT, CoT, BRR) is rebuilt
 *    octet for octet from its fields (checksum and reserved octets aside)
 *    whenever it has the builder's layout;
 *  - a BU is accepted (cached, deleted, or BA status < 128) only if its
 *    Nonce Indices name nonces the CN handed out and still accepts, its
 *    Binding Authorization Data is last and 12 octets, and its
 *    authenticator equals First(96, HMAC-SHA1(Kbm, CoA | CN | MH data))
 *    with Kbm = SHA1(home token | care-of token) (home token alone for a
 *    deregistration, CoA = HoA then) and the tokens
 *    First(64, HMAC-SHA1(Kcn, addr | nonce | 0 or 1)) recomputed here; its
 *    checksum is right; it has no H flag; the binding it writes is for
 *    the HAO's home address (or the source), to the Alternate CoA (or the
 *    source), encapsulation RH2, at most 420 s;
 *  - a discarded BU gets no BA; a BA we build for any decision parses
 *    back with the decided status and sequence number, goes to the BU's
 *    source, and its authenticator verifies with the decision's Kbm;
 *  - a HoT/CoT we answer parses back, echoes the cookie, goes only to the
 *    init's source, without a routing header;
 *  - a Home Address report names the wire source of the packet;
 *  - the input as an ICMPv6 message (§9.3.4): a Destination Unreachable is
 *    about a binding only if it quotes a packet from the correspondent
 *    with a type-2 routing header, one segment left, whose address (the
 *    home address) and the quoted destination (the CoA) it names;
 *  - a Parameter Problem (§9.2) points only at the Payload Proto (not 59)
 *    or the Header Len (too short for the type) of an MH that reached its
 *    type with a good checksum, inside the input, and never answers a
 *    packet that parses (OK) or an unknown type (that is a Binding Error).
 *
 * The mobile node's side (agentd/mip6/mn_ro_policy.c) on the same packets:
 *  - a HoT/CoT is taken only from the correspondent, to the address of the
 *    pending test, with its cookie, and then its index and token are kept;
 *  - a BA is acted on (anything but IGNORE) only from the correspondent, to
 *    the home address, and but for 136-138 only with an authenticator that
 *    equals First(96, HMAC-SHA1(Kbm, CoA | CN | MH data)) recomputed here;
 *    re-sealed with the vectors' Kbm, a BA for the pending sequence number
 *    with a status below 128 is accepted, with its lifetime;
 *  - a Parameter Problem is taken as "no Mobility Header support" only with
 *    code 1 quoting a Mobility Header, and names the quoted addresses;
 *  - the input's first 40 octets as the datapath's report of a new
 *    destination (learning correspondents, an IPv6 header): a destination
 *    is learnt only from the home address, never the home agent, an
 *    address of the home prefix, multicast, link-local, loopback,
 *    unspecified or IPv4-mapped, never when known, held, full or off.
 */
#include "fuzz_common.h"

#include <arpa/inet.h>
#include <openssl/sha.h>

#include "cn_policy.h"
#include "mip6/mh.h"
#include "mip6/mn_ro_policy.h"
#include "mip6/mh_rr.h"
#include "rr_crypto.h"
#include "rr_nonce.h"
#include "../unit/rr_vectors.h"

#define NS  1000000000ull
#define T0  (1000 * NS)
#define IVL (30 * NS)

#define CHECK(c) FUZZ_CHECK(c)

struct script {
	uint8_t buf[2 + 2 * (8 + 20)];
	size_t pos;
};

static int scripted(void *out, size_t len, void *arg)
{
	struct script *s = arg;

	if (s->pos + len > sizeof(s->buf))
		return -1;
	memcpy(out, s->buf + s->pos, len);
	s->pos += len;
	return 0;
}

/* The nonce table of the vectors: index RRV_NONCE_INDEX at T0, the next at T0 + IVL. */
static void vector_nonces(struct xmip_rr_nonces *t, struct script *s)
{
	uint16_t idx = RRV_NONCE_INDEX;

	memset(s, 0, sizeof(*s));
	memcpy(s->buf, &idx, 2);
	memcpy(s->buf + 2, rrv_nonce, 8);
	memcpy(s->buf + 10, rrv_kcn, 20);
	memcpy(s->buf + 30, rrv_nonce2, 8);
	memcpy(s->buf + 38, rrv_kcn2, 20);
	CHECK(xmip_rr_nonces_init(t, IVL, 240 * NS, scripted, s) == 0);
	CHECK(xmip_rr_nonce_current(t, T0));
	CHECK(xmip_rr_nonce_current(t, T0 + IVL));
}

static void check_rr_roundtrip(const struct xmip_pkt *p, const struct xmip_rr_msg *m)
{
	uint8_t mh[32], want[32];
	int n = -1;

	if (p->mh_len > sizeof(want))
		return;
	switch (m->type) {
	case XMIP_MH_HOTI:
	case XMIP_MH_COTI:
		n = xmip_rr_build_init(mh, sizeof(mh), m->type, m->cookie);
		break;
	case XMIP_MH_HOT:
	case XMIP_MH_COT:
		n = xmip_rr_build_test(mh, sizeof(mh), m->type, m->nonce_index, m->cookie, m->token);
		break;
	case XMIP_MH_BRR:
		n = xmip_rr_build_brr(mh, sizeof(mh));
		break;
	}
	CHECK(n > 0);
	if ((size_t)n != p->mh_len)
		return;   /* options or padding: not ours to rebuild */
	memcpy(want, p->mh, p->mh_len);
	want[3] = 0;                       /* Reserved */
	want[4] = want[5] = 0;             /* checksum */
	if (m->type == XMIP_MH_HOTI || m->type == XMIP_MH_COTI || m->type == XMIP_MH_BRR)
		want[6] = want[7] = 0;     /* Reserved */
	CHECK(memcmp(mh, want, (size_t)n) == 0);
}

static void check_ba(const struct xmip_cn_decision *d, const struct in6_addr *self)
{
	uint8_t out[256];
	struct xmip_rr_opts o;
	struct xmip_pkt bp;
	int n;

	n = xmip_cn_build_ba(d, self, out, sizeof(out));
	CHECK(n > 0);
	CHECK(xmip_pkt_parse(out, (size_t)n, &bp) == XMIP_PARSE_OK);
	CHECK(bp.msg.type == XMIP_MH_BA && bp.msg.ba_status == d->status);
	CHECK(bp.msg.seq == d->ba_seq);
	CHECK(bp.has_rh2 == d->ba_rh2);
	CHECK(xmip_rr_opts_parse(bp.mh, bp.mh_len, &o) == XMIP_PARSE_OK);
	CHECK(o.has_auth_data == d->ba_auth);
	if (d->ba_auth)
		CHECK(xmip_rr_auth_verify(d->kbm, &d->auth_coa, self, bp.mh, bp.mh_len, o.auth_off));
}

/* ---- the reference: computed here, apart from agentd/ro/ ------------------ */

/* What the independent reading of a BU found (ref_read_bu). */
struct ref_bu {
	size_t mh_off, mh_len;
	struct in6_addr src, dst, hoa, coa;
	bool has_hao, dereg;
	bool has_idx;
	uint16_t home_idx, coa_idx;
	bool auth_last;          /* Binding Authorization Data, 12 octets, the last option */
	size_t auth_off;         /* of the Authenticator, from the MH's start */
};

/* The CN's nonce table as the vectors define it: Kcn and nonce of an index. */
static bool ref_nonce(uint16_t idx, const uint8_t **kcn, const uint8_t **nonce)
{
	if (idx == RRV_NONCE_INDEX) {
		*kcn = rrv_kcn;
		*nonce = rrv_nonce;
	} else if (idx == RRV_NONCE_INDEX2) {
		*kcn = rrv_kcn2;
		*nonce = rrv_nonce2;
	} else {
		return false;
	}
	return true;
}

/* First(64, HMAC-SHA1(Kcn, addr | nonce | which)) (RFC 6275 §5.2.5). */
static void ref_token(const uint8_t *kcn, const struct in6_addr *a, const uint8_t *nonce,
		      uint8_t which, uint8_t out[8])
{
	uint8_t data[16 + 8 + 1], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	memcpy(data, a->s6_addr, 16);
	memcpy(data + 16, nonce, 8);
	data[24] = which;
	if (!HMAC(EVP_sha1(), kcn, 20, data, sizeof(data), md, &md_len))
		abort();
	memcpy(out, md, 8);
}

/* Walk the IPv6 header and the extension headers up to the MH; HAO from
 * the Destination Options. Only what a BU to a CN may carry. */
static bool ref_read_bu(const uint8_t *b, size_t len, struct ref_bu *r)
{
	struct fuzz_opt opts[64];
	size_t o = 40;
	uint8_t nh;
	int n;

	memset(r, 0, sizeof(*r));
	if (len < 48)
		return false;
	nh = b[6];
	memcpy(&r->src, b + 8, 16);
	memcpy(&r->dst, b + 24, 16);
	r->hoa = r->src;
	for (int k = 0; k < 8 && nh != 135; k++) {
		size_t hl;

		if ((nh != 0 && nh != 60 && nh != 43) || len - o < 8)
			return false;
		hl = ((size_t)b[o + 1] + 1) * 8;
		if (hl > len - o)
			return false;
		if (nh == 60 && hl >= 24 && b[o + 6] == 0xc9 && b[o + 7] == 16) {
			memcpy(&r->hoa, b + o + 8, 16);
			r->has_hao = true;
		}
		nh = b[o];
		o += hl;
	}
	if (nh != 135 || len - o < 12)
		return false;
	r->mh_off = o;
	r->mh_len = ((size_t)b[o + 1] + 1) * 8;
	if (r->mh_len > len - o || b[o + 2] != XMIP_MH_BU)
		return false;
	r->coa = r->src;
	n = fuzz_walk_options(b + o, 12, r->mh_len, opts, 64);
	for (int i = 0; i < n; i++) {
		const uint8_t *v = b + o + opts[i].off + 2;

		if (opts[i].type == 4 && opts[i].len == 4) {
			r->has_idx = true;
			r->home_idx = (uint16_t)(v[0] << 8 | v[1]);
			r->coa_idx = (uint16_t)(v[2] << 8 | v[3]);
		} else if (opts[i].type == 3 && opts[i].len == 16) {
			memcpy(&r->coa, v, 16);
		} else if (opts[i].type == 5 && opts[i].len == 12 && i == n - 1 &&
			   opts[i].off + 14 == r->mh_len) {
			r->auth_last = true;
			r->auth_off = opts[i].off + 2;
		}
	}
	/* Lifetime 0, or the care-of address is the home address (§5.2.6). */
	r->dereg = (b[o + 10] == 0 && b[o + 11] == 0) || !memcmp(&r->coa, &r->hoa, 16);
	return n >= 0;
}

/* The authenticator the BU must carry, or false if its nonces are not the CN's. */
static bool ref_authenticator(const uint8_t *b, const struct ref_bu *r, const struct in6_addr *cn,
			      uint8_t out[12])
{
	const uint8_t *kcn, *nonce, *mh = b + r->mh_off;
	uint8_t ht[8], ct[8], tokens[16], kbm[20], md[EVP_MAX_MD_SIZE];
	uint8_t data[32 + 2048];
	unsigned int md_len = 0;
	size_t n;

	if (!r->has_idx || !r->auth_last || r->mh_len > 2048)
		return false;
	if (!ref_nonce(r->home_idx, &kcn, &nonce))
		return false;
	ref_token(kcn, &r->hoa, nonce, 0, ht);
	memcpy(tokens, ht, 8);
	if (!r->dereg) {
		if (!ref_nonce(r->coa_idx, &kcn, &nonce))
			return false;
		ref_token(kcn, &r->coa, nonce, 1, ct);
		memcpy(tokens + 8, ct, 8);
	}
	SHA1(tokens, r->dereg ? 8 : 16, kbm);
	/* care-of address (the HoA when deregistering) | correspondent | MH data
	 * without the Authenticator, checksum zero (§6.2.7). */
	memcpy(data, r->dereg ? r->hoa.s6_addr : r->coa.s6_addr, 16);
	memcpy(data + 16, cn->s6_addr, 16);
	memcpy(data + 32, mh, r->auth_off);
	data[36] = data[37] = 0;
	n = 32 + r->auth_off;
	memcpy(data + n, mh + r->auth_off + 12, r->mh_len - r->auth_off - 12);
	n += r->mh_len - r->auth_off - 12;
	if (!HMAC(EVP_sha1(), kbm, 20, data, n, md, &md_len))
		abort();
	memcpy(out, md, 12);
	return true;
}

/* Write the right authenticator and checksum in, where the layout has room. */
static void reseal(uint8_t *b, size_t len, const struct in6_addr *cn)
{
	struct ref_bu r;
	uint8_t a[12];

	if (!ref_read_bu(b, len, &r))
		return;
	if (ref_authenticator(b, &r, cn, a))
		memcpy(b + r.mh_off + r.auth_off, a, 12);
	fuzz_ref_csum_fill(&r.hoa, &r.dst, b + r.mh_off, r.mh_len);
}

/* ---- one Binding Update, decided twice ------------------------------------ */

static void check_bu(const uint8_t *b, size_t len, const struct xmip_pkt *p,
		     const struct xmip_rr_nonces *t, const struct in6_addr *self)
{
	struct xmip_cn_decision d;
	struct xmip_cn_state st;
	struct ref_bu r;
	uint8_t want[12];

	/* The decision with no state, then with a binding of sequence number 7. */
	for (int i = 0; i < 2; i++) {
		struct xmip_cn_params prm = { .self = *self, .max_lifetime_s = 420 };
		bool accepted;

		memset(&st, 0, sizeof(st));
		if (i) {
			st.has_binding = true;
			st.binding.seq = 7;
			st.binding.encap = XMIP_ENCAP_RH2;
		}
		xmip_cn_decide_bu(p, t, &st, &prm, T0 + IVL + NS, &d);
		accepted = d.action == XMIP_CN_CACHE || d.action == XMIP_CN_DELETE ||
			   (d.send_ba && d.status < 128);
		if (accepted) {
			CHECK(d.action == XMIP_CN_CACHE || d.action == XMIP_CN_DELETE);
			FUZZ_CHECK(ref_read_bu(b, len, &r), "accepted a BU we cannot read");
			FUZZ_CHECK(ref_authenticator(b, &r, self, want),
				   "accepted without nonces the CN handed out (%04x, %04x)",
				   r.home_idx, r.coa_idx);
			FUZZ_CHECK(memcmp(b + r.mh_off + r.auth_off, want, 12) == 0,
				   "accepted a BU whose authenticator is wrong");
			FUZZ_CHECK(p->has_rh2 || fuzz_ref_mh_csum(&r.hoa, &r.dst, b + r.mh_off,
								  r.mh_len) == 0,
				   "accepted a BU whose checksum is wrong");
			CHECK(!(p->msg.bu_flags & XMIP_BU_F_H));
			CHECK(!memcmp(&d.hoa, &r.hoa, 16));
			if (d.action == XMIP_CN_CACHE) {
				CHECK(!r.dereg && !memcmp(d.binding.coa, &r.coa, 16));
				CHECK(d.binding.lifetime_s <= 420 && d.binding.encap == XMIP_ENCAP_RH2);
			} else {
				CHECK(r.dereg);
			}
		}
		if (d.action == XMIP_CN_DISCARD)
			CHECK(!d.send_ba);
		if (d.send_ba) {
			CHECK(!memcmp(&d.ba_dst, &p->src, 16));
			check_ba(&d, self);
		}
		OPENSSL_cleanse(d.kbm, sizeof(d.kbm));
	}
}


/* First(96, HMAC-SHA1(kbm, coa | cn | MH without the Authenticator, checksum 0)), here. */
static void ref_mn_auth(const uint8_t kbm[20], const struct in6_addr *coa, const struct in6_addr *cn,
			const uint8_t *mh, size_t mh_len, size_t auth_off, uint8_t out[12])
{
	uint8_t data[32 + 2048], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t n;

	memcpy(data, coa->s6_addr, 16);
	memcpy(data + 16, cn->s6_addr, 16);
	memcpy(data + 32, mh, auth_off);
	data[36] = data[37] = 0;
	n = 32 + auth_off;
	memcpy(data + n, mh + auth_off + 12, mh_len - auth_off - 12);
	n += mh_len - auth_off - 12;
	if (!HMAC(EVP_sha1(), kbm, 20, data, n, md, &md_len))
		abort();
	memcpy(out, md, 12);
}

static void check_mn(uint8_t *data, size_t size, const struct xmip_pkt *p, enum xmip_parse_err e)
{
	struct in6_addr cn, hoa, coa, qs, qd;
	struct xmip_mn_rr_test h, c;
	struct xmip_mn_ro_bu bu;
	struct xmip_rr_opts o;
	struct xmip_rr_msg m;
	enum xmip_mn_ro_ba v;
	uint8_t kbm[20], pkt[256], want[12];
	uint32_t life;

	inet_pton(AF_INET6, RRV_CN, &cn);
	inet_pton(AF_INET6, RRV_HOA, &hoa);
	inet_pton(AF_INET6, RRV_COA, &coa);
	if (xmip_mn_ro_param_problem(data, size, &qs, &qd))
		CHECK(size >= 52 && data[0] == 4 && data[1] == 1 && data[8 + 6] == 135 &&
		      !memcmp(&qs, data + 16, 16) && !memcmp(&qd, data + 32, 16));
	if (e == XMIP_PARSE_UNKNOWN_MH_TYPE &&
	    (p->msg.type == XMIP_MH_HOT || p->msg.type == XMIP_MH_COT)) {
		struct xmip_mn_rr_test t = { .pending = true };

		memcpy(t.cookie, p->msg.type == XMIP_MH_HOT ? rrv_home_cookie : rrv_coa_cookie, 8);
		t.addr = p->msg.type == XMIP_MH_HOT ? hoa : coa;
		if (xmip_mn_rr_accept_test(&t, &cn, p, T0)) {
			CHECK(xmip_rr_parse(p->mh, p->mh_len, &m) == XMIP_PARSE_OK);
			CHECK(!memcmp(&p->src, &cn, 16) && !memcmp(&p->dst, &t.addr, 16));
			CHECK(!memcmp(m.cookie, t.cookie, 8) && !memcmp(t.token, m.token, 8));
			CHECK(t.have && !t.pending && t.nonce_index == m.nonce_index);
		}
	}
	if (e != XMIP_PARSE_OK || p->msg.type != XMIP_MH_BA)
		return;
	memset(&h, 0, sizeof(h));
	memset(&c, 0, sizeof(c));
	h.have = c.have = true;
	h.nonce_index = RRV_NONCE_INDEX;
	c.nonce_index = RRV_NONCE_INDEX2;
	memcpy(h.token, rrv_home_token, 8);
	memcpy(c.token, rrv_coa_token, 8);
	memset(&bu, 0, sizeof(bu));
	bu.hoa = hoa;
	bu.coa = coa;
	bu.cn = cn;
	bu.seq = p->msg.seq;
	bu.lifetime_units = 100;
	bu.home = &h;
	bu.careof = &c;
	CHECK(xmip_mn_ro_build_bu(&bu, kbm, pkt, sizeof(pkt)) > 0);
	CHECK(!memcmp(kbm, rrv_kbm, 20));
	v = xmip_mn_ro_check_ba(&bu, kbm, p, &life);
	if (v != XMIP_MN_RO_BA_IGNORE)
		CHECK(!memcmp(&p->src, &cn, 16) && !memcmp(&p->mh_dst, &hoa, 16));
	if (v == XMIP_MN_RO_BA_ACCEPTED || v == XMIP_MN_RO_BA_SEQ || v == XMIP_MN_RO_BA_REFUSED) {
		CHECK(xmip_rr_opts_parse(p->mh, p->mh_len, &o) == XMIP_PARSE_OK);
		CHECK(o.has_auth_data && o.auth_data_last && o.auth_data_len == 12);
		ref_mn_auth(kbm, &coa, &cn, p->mh, p->mh_len, o.auth_off, want);
		CHECK(!memcmp(want, p->mh + o.auth_off, 12));
	}
	if (v == XMIP_MN_RO_BA_ACCEPTED)
		CHECK(p->msg.ba_status < 128 && life == (uint32_t)p->msg.lifetime_units * 4);
	if (v == XMIP_MN_RO_BA_NONCE)
		CHECK(p->msg.ba_status >= 136 && p->msg.ba_status <= 138);

	/* Re-sealed with our Kbm: a well-formed acceptance for our BU is taken. */
	if (xmip_rr_opts_parse(p->mh, p->mh_len, &o) != XMIP_PARSE_OK || !o.has_auth_data ||
	    !o.auth_data_last || o.auth_data_len != 12 || p->mh_len > 2048) {
		return;
	}
	{
		uint8_t *b = malloc(size), *mh;
		struct xmip_pkt q;

		if (!b)
			abort();
		memcpy(b, data, size);
		mh = b + p->mh_off;
		ref_mn_auth(kbm, &coa, &cn, mh, p->mh_len, o.auth_off, want);
		memcpy(mh + o.auth_off, want, 12);
		xmip_mh_set_checksum(&p->mh_src, &p->mh_dst, mh, p->mh_len);
		if (xmip_pkt_parse(b, size, &q) == XMIP_PARSE_OK && q.msg.type == XMIP_MH_BA) {
			v = xmip_mn_ro_check_ba(&bu, kbm, &q, &life);
			if (!memcmp(&q.src, &cn, 16) && !memcmp(&q.mh_dst, &hoa, 16) &&
			    q.msg.ba_status < 128)
				CHECK(v == XMIP_MN_RO_BA_ACCEPTED);
		}
		free(b);
	}
}

static void check_param_problem(const uint8_t *data, size_t size, const struct xmip_pkt *p,
				enum xmip_parse_err e)
{
	long ptr = xmip_cn_param_problem(p, e);
	struct xmip_rr_msg m;

	if (ptr < 0)
		return;
	FUZZ_CHECK(e == XMIP_PARSE_BAD_PAYLOAD_PROTO || e == XMIP_PARSE_MH_TOO_SHORT ||
		   (e == XMIP_PARSE_UNKNOWN_MH_TYPE &&
		    (p->msg.type == XMIP_MH_HOTI || p->msg.type == XMIP_MH_COTI)),
		   "Parameter Problem for parse error %d type %u", (int)e, p->msg.type);
	CHECK(p->mh && p->mh_off >= 40 && (size_t)ptr < size && p->mh_len <= size - p->mh_off);
	if ((size_t)ptr == p->mh_off)
		CHECK(p->mh[0] != XMIP_IPPROTO_NONE);
	else
		CHECK((size_t)ptr == p->mh_off + 1 && p->mh[0] == XMIP_IPPROTO_NONE);
	if (e == XMIP_PARSE_UNKNOWN_MH_TYPE)
		CHECK(xmip_rr_parse(p->mh, p->mh_len, &m) != XMIP_PARSE_OK);
	(void)data;
}

static int one_input(uint8_t *data, size_t size, const struct in6_addr *self,
		     struct xmip_rr_nonces *t)
{
	struct in6_addr src, hao;
	struct xmip_rr_opts o;
	struct xmip_rr_msg m;
	enum xmip_parse_err e;
	struct xmip_pkt p;
	uint8_t out[256];
	int n;

	if (xmip_cn_hao_report(data, size, &src, &hao))
		CHECK(size >= 40 && memcmp(&src, data + 8, 16) == 0);
	if (xmip_cn_unreach_quote(data, size, self, &src, &hao)) {
		bool rh2 = false;

		CHECK(size >= 8 + 40 + 24 && data[0] == 1 && !memcmp(data + 16, self, 16) &&
		      !memcmp(&src, data + 32, 16));
		/* Extension headers are whole multiples of 8 octets from offset 48. */
		for (size_t off = 48; off + 24 <= size && !rh2; off += 8)
			rh2 = data[off + 1] == 2 && data[off + 2] == 2 && data[off + 3] == 1 &&
			      !memcmp(data + off + 8, &hao, 16);
		CHECK(rh2);
	}

	e = xmip_pkt_parse(data, size, &p);
	if (e == XMIP_PARSE_OK || e == XMIP_PARSE_UNKNOWN_MH_TYPE)
		FUZZ_CHECK(p.mh_off >= 40 && p.mh_off <= size && p.mh_len <= size - p.mh_off &&
			   p.mh == data + p.mh_off, "MH at %zu+%zu of %zu", p.mh_off, p.mh_len, size);
	check_mn(data, size, &p, e);
	check_param_problem(data, size, &p, e);
	if (e == XMIP_PARSE_UNKNOWN_MH_TYPE || (e == XMIP_PARSE_OK && p.msg.type == XMIP_MH_BRR)) {
		if (xmip_rr_parse(p.mh, p.mh_len, &m) != XMIP_PARSE_OK)
			return 0;
		check_rr_roundtrip(&p, &m);
		n = xmip_cn_answer_init(&p, &m, t, self, T0 + IVL, out, sizeof(out));
		CHECK(n >= 0);
		if (n > 0) {
			struct xmip_rr_msg am;
			struct xmip_pkt ap;

			CHECK(m.type == XMIP_MH_HOTI || m.type == XMIP_MH_COTI);
			CHECK(xmip_pkt_parse(out, (size_t)n, &ap) == XMIP_PARSE_UNKNOWN_MH_TYPE);
			CHECK(xmip_rr_parse(ap.mh, ap.mh_len, &am) == XMIP_PARSE_OK);
			CHECK(am.type == (m.type == XMIP_MH_HOTI ? XMIP_MH_HOT : XMIP_MH_COT));
			CHECK(memcmp(am.cookie, m.cookie, 8) == 0);
			/* Only ever to the address the init came from (§5.2.5). */
			CHECK(memcmp(&ap.dst, &p.src, 16) == 0 && !ap.has_rh2);
		}
		return 0;
	}
	if (e != XMIP_PARSE_OK || (p.msg.type != XMIP_MH_BU && p.msg.type != XMIP_MH_BA))
		return 0;
	if (xmip_rr_opts_parse(p.mh, p.mh_len, &o) == XMIP_PARSE_OK && o.has_auth_data) {
		CHECK(o.auth_off >= 14 && o.auth_off + o.auth_data_len <= p.mh_len);
		if (o.auth_data_last)
			CHECK(o.auth_off + o.auth_data_len == p.mh_len);
	}
	if (p.msg.type == XMIP_MH_BU)
		check_bu(data, size, &p, t, self);
	return 0;
}

/* The learning decision on a report made of the input (and with our HoA as source). */
static void learn_input(const uint8_t *d, size_t n)
{
	struct in6_addr src, dst, hoa, ha, pfx;
	struct xmip_mn_ro_learn_in in;
	enum xmip_mn_ro_learn v;
	const uint8_t *a;

	if (n < 40)
		return;
	memcpy(&src, d + 8, 16);
	memcpy(&dst, d + 24, 16);
	inet_pton(AF_INET6, RRV_HOA, &hoa);
	inet_pton(AF_INET6, "2001:db8:1::2", &ha);
	inet_pton(AF_INET6, "2001:db8:1::", &pfx);
	for (int pass = 0; pass < 2; pass++) {
		memset(&in, 0, sizeof(in));
		in.enabled = in.away = true;
		in.src = pass ? &hoa : &src;
		in.dst = &dst;
		in.hoa = &hoa;
		in.ha = &ha;
		in.prefix = &pfx;
		in.plen = 64;
		in.now_ns = 1000;
		in.n_learnt = d[0] & 3;
		in.max = 2;
		in.known = d[1] & 1;
		in.held_until_ns = d[1] & 2 ? 2000 : 0;
		v = xmip_mn_ro_learn_decide(&in);
		if (v != XMIP_MN_RO_LEARN_NEW)
			continue;
		a = dst.s6_addr;
		if (memcmp(in.src, &hoa, 16) || in.known || in.held_until_ns ||
		    in.n_learnt >= in.max || !memcmp(a, &ha, 16) || !memcmp(a, &hoa, 16) ||
		    !memcmp(a, pfx.s6_addr, 8) || a[0] == 0xff ||
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		    IN6_IS_ADDR_UNSPECIFIED(&dst) || IN6_IS_ADDR_LOOPBACK(&dst) ||
		    IN6_IS_ADDR_V4MAPPED(&dst))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmip_rr_nonces t;
	static struct script s;
	static int ready;
	struct in6_addr self;
	uint8_t *b;

	if (!ready) {
		vector_nonces(&t, &s);
		ready = 1;
	}
	inet_pton(AF_INET6, RRV_CN, &self);
	b = malloc(size ? size : 1);
	if (!b)
		abort();
	memcpy(b, data, size);
	one_input(b, size, &self, &t);
	learn_input(data, size);
	/* The same packet with the authenticator and checksum made right. */
	if (size >= 48) {
		memcpy(b, data, size);
		reseal(b, size, &self);
		if (memcmp(b, data, size))
			one_input(b, size, &self, &t);
	}
	free(b);
	return 0;
}
