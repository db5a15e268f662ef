// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The correspondent's decisions (RFC 6275 §9.4, §9.5): every status it
 * answers (0, 130 is cn.c's, 131, 135, 136, 137, 138, 139), what it
 * silently discards, what it writes, and the exact BA and HoT/CoT packets,
 * against the vectors Python and Scapy made (rr_vectors.h).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cn_mtu.h"
#include "cn_policy.h"
#include "mip6/mh.h"
#include "mip6/mh_rr.h"
#include "rr_vectors.h"

#define NS   1000000000ull
#define T0   (1000 * NS)         /* when the first nonce is made */
#define IVL  (30 * NS)           /* nonce-interval */
#define LIFE (240 * NS)          /* nonce-lifetime */
#define BU_MH_OFF 64             /* IPv6 40 + Destination Options 24 */

/* The RNG the nonce table sees: the vectors' index, nonces and keys, in order. */
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

struct fix {
	struct script s;
	struct xmip_rr_nonces t;
	struct xmip_cn_params prm;
	struct xmip_cn_state st;
	struct xmip_cn_decision d;
	struct xmip_pkt p;
	uint8_t pkt[256];
};

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/*
 * The table holds the vectors' first nonce (index RRV_NONCE_INDEX, made at
 * T0) and, if two, the second (RRV_NONCE_INDEX2, made at T0 + IVL).
 */
static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	uint16_t idx = RRV_NONCE_INDEX;

	if (!f)
		return -1;
	memcpy(f->s.buf, &idx, 2);                       /* host order, as the table reads it */
	memcpy(f->s.buf + 2, rrv_nonce, 8);
	memcpy(f->s.buf + 10, rrv_kcn, 20);
	memcpy(f->s.buf + 30, rrv_nonce2, 8);
	memcpy(f->s.buf + 38, rrv_kcn2, 20);
	if (xmip_rr_nonces_init(&f->t, IVL, LIFE, scripted, &f->s))
		return -1;
	f->prm.self = addr(RRV_CN);
	f->prm.max_lifetime_s = 420;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void nonces(struct fix *f, int n)
{
	assert_non_null(xmip_rr_nonce_current(&f->t, T0));
	if (n > 1)
		assert_non_null(xmip_rr_nonce_current(&f->t, T0 + IVL));
}

/* Copy a vector packet, let fn change it, fix the MH checksum, parse it. */
static void load(struct fix *f, const uint8_t *pkt, size_t len, size_t mh_off,
		 void (*fn)(uint8_t *mh, size_t mh_len))
{
	struct in6_addr hoa = addr(RRV_HOA), cn = addr(RRV_CN);

	memcpy(f->pkt, pkt, len);
	if (fn) {
		fn(f->pkt + mh_off, len - mh_off);
		xmip_mh_set_checksum(mh_off == 64 ? &hoa : (const struct in6_addr *)(f->pkt + 8),
				     &cn, f->pkt + mh_off, len - mh_off);
	}
	assert_int_equal(xmip_pkt_parse(f->pkt, len, &f->p), XMIP_PARSE_OK);
}

static void decide(struct fix *f, uint64_t now)
{
	xmip_cn_decide_bu(&f->p, &f->t, &f->st, &f->prm, now, &f->d);
}

static void assert_ba(struct fix *f, const uint8_t *want, size_t want_len)
{
	struct in6_addr cn = addr(RRV_CN);
	uint8_t out[256];
	int n;

	assert_true(f->d.send_ba);
	n = xmip_cn_build_ba(&f->d, &cn, out, sizeof(out));
	assert_int_equal(n, (int)want_len);
	assert_memory_equal(out, want, want_len);
}

/* ---- accepted ---- */

static void test_accept_creates_binding_and_answers(void **state)
{
	struct fix *f = *state;
	struct in6_addr coa = addr(RRV_COA);

	nonces(f, 2);
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL + 5 * NS);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
	assert_int_equal(f->d.status, 0);
	assert_int_equal(f->d.ba_lifetime_units, 100);
	assert_memory_equal(f->d.binding.coa, &coa, 16);
	assert_int_equal(f->d.binding.seq, 7);
	assert_int_equal(f->d.binding.lifetime_s, 400);
	assert_int_equal(f->d.binding.encap, XMIP_ENCAP_RH2);
	assert_false(f->d.binding.bu_flags & XMIP_BU_F_H);
	assert_int_equal(f->d.binding.expires_ns, T0 + IVL + 5 * NS + 400 * NS);
	assert_memory_equal(f->d.kbm, rrv_kbm, 20);
	/* A set: the BA, authenticated, through a type-2 routing header (§9.5.4). */
	assert_ba(f, rrv_ba_ok_pkt, sizeof(rrv_ba_ok_pkt));
}

static void test_lifetime_capped(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	f->prm.max_lifetime_s = 60;
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
	assert_int_equal(f->d.ba_lifetime_units, 15);
	assert_int_equal(f->d.binding.lifetime_s, 60);
}

static void test_no_ack_no_ba(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	load(f, rrv_bu_noack_pkt, sizeof(rrv_bu_noack_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
	/* 200 units asked: MAX_RR_BINDING_LIFETIME granted (§5.2.6). */
	assert_int_equal(f->d.binding.lifetime_s, 420);
	assert_false(f->d.send_ba);   /* §9.5.4: accepted without A: SHOULD NOT */
}

static void test_alternate_coa(void **state)
{
	struct fix *f = *state;
	struct in6_addr alt = addr(RRV_ALT_COA), coa = addr(RRV_COA);

	nonces(f, 2);
	load(f, rrv_bu_alt_pkt, sizeof(rrv_bu_alt_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
	assert_memory_equal(f->d.binding.coa, &alt, 16);
	/* The BA still goes to the source, not to the address only the CoT proved. */
	assert_memory_equal(&f->d.ba_dst, &coa, 16);
}

static void test_update_with_newer_sequence(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	f->st.has_binding = true;
	f->st.binding.seq = 6;
	f->st.binding.encap = XMIP_ENCAP_RH2;
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
	assert_string_equal(f->d.why, "binding updated");
}

/* ---- deletion ---- */

static void test_dereg_from_coa_needs_home_nonce_only(void **state)
{
	struct fix *f = *state;

	nonces(f, 1);    /* the care-of nonce index is ignored when deleting (§6.2.6) */
	load(f, rrv_bu_dereg_pkt, sizeof(rrv_bu_dereg_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + 10 * NS);
	assert_int_equal(f->d.action, XMIP_CN_DELETE);
	assert_int_equal(f->d.last_seq, 8);
	assert_memory_equal(f->d.kbm, rrv_kbm_dereg, 20);
	assert_ba(f, rrv_ba_dereg_pkt, sizeof(rrv_ba_dereg_pkt));
}

static void test_dereg_from_home(void **state)
{
	struct fix *f = *state;
	struct in6_addr hoa = addr(RRV_HOA);

	nonces(f, 1);
	load(f, rrv_bu_home_pkt, sizeof(rrv_bu_home_pkt), 40, NULL);
	decide(f, T0);
	assert_int_equal(f->d.action, XMIP_CN_DELETE);
	assert_true(f->d.send_ba);
	assert_false(f->d.ba_rh2);    /* no HAO in the BU: no routing header (§9.5.4) */
	assert_memory_equal(&f->d.ba_dst, &hoa, 16);
}

/* ---- refused and answered ---- */

/*
 * The same deletion from home with a Home Address option naming the source
 * (TAHI CN-3-3-2-3, CN-3-3-2-7): the source is the home address, so the BA
 * goes to it without a routing header (§9.5.4: "MUST NOT be used"). The MH
 * is unchanged: its checksum and authenticator use the HoA either way.
 */
static void test_dereg_from_home_with_hao(void **state)
{
	struct fix *f = *state;
	struct in6_addr hoa = addr(RRV_HOA);
	uint8_t pkt[sizeof(rrv_bu_home_pkt) + 24];

	memcpy(pkt, rrv_bu_home_pkt, 40);
	pkt[5] = (uint8_t)(sizeof(pkt) - 40);
	pkt[6] = XMIP_IPPROTO_DSTOPTS;
	memcpy(pkt + 40, (uint8_t[]){ XMIP_IPPROTO_MH, 2, 1, 2, 0, 0, XMIP_OPT_HOME_ADDRESS,
				      XMIP_OPT_HOME_ADDRESS_LEN }, 8);
	memcpy(pkt + 48, hoa.s6_addr, 16);
	memcpy(pkt + 64, rrv_bu_home_pkt + 40, sizeof(rrv_bu_home_pkt) - 40);
	nonces(f, 1);
	load(f, pkt, sizeof(pkt), 64, NULL);
	assert_true(f->p.has_hao);
	decide(f, T0);
	assert_int_equal(f->d.action, XMIP_CN_DELETE);
	assert_true(f->d.send_ba);
	assert_false(f->d.ba_rh2);
	assert_memory_equal(&f->d.ba_dst, &hoa, 16);
}

static void test_expired_nonces(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	/* The home nonce is 240 s old, the care-of one is not: 136. */
	decide(f, T0 + LIFE);
	assert_int_equal(f->d.action, XMIP_CN_REJECT);
	assert_int_equal(f->d.status, XMIP_BA_EXPIRED_HOME_NONCE);
	assert_false(f->d.ba_auth);   /* §9.5.4: no Binding Authorization Data */
	assert_ba(f, rrv_ba_136_pkt, sizeof(rrv_ba_136_pkt));
	/* Both too old: 138. */
	decide(f, T0 + IVL + LIFE);
	assert_int_equal(f->d.status, XMIP_BA_EXPIRED_NONCES);
	assert_false(f->d.ba_auth);
}

static void test_expired_coa_nonce(void **state)
{
	struct fix *f = *state;

	nonces(f, 1);    /* the care-of index was never made (a restart in between) */
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + 10 * NS);
	assert_int_equal(f->d.action, XMIP_CN_REJECT);
	assert_int_equal(f->d.status, XMIP_BA_EXPIRED_COA_NONCE);
	assert_false(f->d.ba_auth);
	assert_int_equal(f->d.ba_seq, 7);
}

static void test_sequence_out_of_window(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	f->st.has_binding = true;
	f->st.binding.seq = 7;       /* a replay of the accepted BU */
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_REJECT);
	assert_int_equal(f->d.status, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(f->d.ba_seq, 7);   /* the last accepted number */
	assert_true(f->d.ba_auth);
	assert_ba(f, rrv_ba_135_pkt, sizeof(rrv_ba_135_pkt));
	/* Older still, across the wrap: 7 - 40000 is "older" than 7 + 32768. */
	f->st.binding.seq = 7 + 32768;
	decide(f, T0 + IVL);
	assert_int_equal(f->d.status, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(f->d.ba_seq, 7 + 32768);
}

/* §5.2.8, §9.5.3: a BU replayed after its binding was deleted recreates nothing. */
static void test_replay_after_delete(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	f->st.has_tombstone = true;
	f->st.tombstone_seq = 8;     /* the deleting BU's number */
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_REJECT);
	assert_int_equal(f->d.status, XMIP_BA_SEQ_OUT_OF_WINDOW);
	assert_int_equal(f->d.ba_seq, 8);
	/* A newer number (a genuine re-registration with the same tokens) is fine. */
	f->st.tombstone_seq = 6;
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
}

static void set_h(uint8_t *mh, size_t len)
{
	(void)len;
	mh[8] |= 0x40;
}

static void set_h_no_ni(uint8_t *mh, size_t len)
{
	(void)len;
	mh[8] |= 0x40;
	mh[12] = XMIP_MOPT_PADN;     /* the Nonce Indices option becomes padding */
}

static void test_home_registration(void **state)
{
	struct fix *f = *state;

	nonces(f, 2);
	/* H with Nonce Indices: silently discarded (§9.5.1). */
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, set_h);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_DISCARD);
	assert_false(f->d.send_ba);
	/* A correspondent is no home agent: 131 (§10.3.1). */
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, set_h_no_ni);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_REJECT);
	assert_int_equal(f->d.status, XMIP_BA_HOME_REG_NOT_SUPPORTED);
	assert_false(f->d.ba_auth);
	/* ... and 139 when a correspondent binding exists (§9.5.1). */
	f->st.has_binding = true;
	f->st.binding.seq = 1;
	decide(f, T0 + IVL);
	assert_int_equal(f->d.status, XMIP_BA_REG_TYPE_CHANGE);
}

/* ---- silently discarded ---- */

static void flip_auth(uint8_t *mh, size_t len)
{
	mh[len - 1] ^= 0x01;
}

static void flip_seq(uint8_t *mh, size_t len)
{
	(void)len;
	mh[7] ^= 0x10;               /* covered by the authenticator */
}

static void no_ni(uint8_t *mh, size_t len)
{
	(void)len;
	mh[12] = XMIP_MOPT_PADN;
}

static void auth_not_12(uint8_t *mh, size_t len)
{
	mh[len - 13] = 11;            /* BAD's length 11, then a Pad1 after it */
	mh[len - 1] = 0;
}

static void no_bad(uint8_t *mh, size_t len)
{
	mh[len - 14] = XMIP_MOPT_PADN;
}

static void test_forged_and_malformed_discarded(void **state)
{
	struct fix *f = *state;
	void (*mods[])(uint8_t *, size_t) = { flip_auth, flip_seq, no_ni, auth_not_12, no_bad };

	nonces(f, 2);
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, mods[i]);
		decide(f, T0 + IVL);
		assert_int_equal(f->d.action, XMIP_CN_DISCARD);
		assert_false(f->d.send_ba);
	}
	/* The genuine one, for contrast. */
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_CACHE);
}

static void test_bad_addresses_discarded(void **state)
{
	struct fix *f = *state;
	struct in6_addr ll = addr("fe80::1"), mc = addr("ff02::1");

	nonces(f, 2);
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	f->p.hao = ll;               /* home address not unicast routable (§9.5.1) */
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_DISCARD);
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	f->p.src = mc;               /* no BA to a multicast source (§9.5.4) */
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_DISCARD);
	load(f, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, NULL);
	f->p.has_rh2 = true;         /* §6.1: only a BA with a routing header */
	decide(f, T0 + IVL);
	assert_int_equal(f->d.action, XMIP_CN_DISCARD);
	assert_true(xmip_cn_routable(&f->prm.self));
	assert_false(xmip_cn_routable(&ll));
	assert_false(xmip_cn_routable(&mc));
	ll = addr("::ffff:192.0.2.1");
	assert_false(xmip_cn_routable(&ll));
}

/* ---- Home and Care-of Tests ---- */

static void test_answer_hoti_and_coti(void **state)
{
	struct fix *f = *state;
	struct in6_addr cn = addr(RRV_CN);
	struct xmip_rr_msg m;
	struct xmip_pkt p;
	uint8_t out[256];
	int n;

	assert_int_equal(xmip_pkt_parse(rrv_hoti_pkt, sizeof(rrv_hoti_pkt), &p),
			 XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_rr_parse(p.mh, p.mh_len, &m), XMIP_PARSE_OK);
	n = xmip_cn_answer_init(&p, &m, &f->t, &cn, T0, out, sizeof(out));
	assert_int_equal(n, sizeof(rrv_hot_pkt));
	assert_memory_equal(out, rrv_hot_pkt, sizeof(rrv_hot_pkt));
	/* 30 s on, a new nonce (index + 1) and key answer the CoTI. */
	assert_int_equal(xmip_pkt_parse(rrv_coti_pkt, sizeof(rrv_coti_pkt), &p),
			 XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_rr_parse(p.mh, p.mh_len, &m), XMIP_PARSE_OK);
	n = xmip_cn_answer_init(&p, &m, &f->t, &cn, T0 + IVL, out, sizeof(out));
	assert_int_equal(n, sizeof(rrv_cot_pkt));
	assert_memory_equal(out, rrv_cot_pkt, sizeof(rrv_cot_pkt));
	/* §9.4.1: a HoTI with a Home Address option is ignored; so is a
	 * routing header, and a source that is not unicast routable. */
	p.has_hao = true;
	assert_int_equal(xmip_cn_answer_init(&p, &m, &f->t, &cn, T0 + IVL, out, sizeof(out)), 0);
	p.has_hao = false;
	p.has_rh2 = true;
	assert_int_equal(xmip_cn_answer_init(&p, &m, &f->t, &cn, T0 + IVL, out, sizeof(out)), 0);
	p.has_rh2 = false;
	p.src = addr("ff02::1");
	assert_int_equal(xmip_cn_answer_init(&p, &m, &f->t, &cn, T0 + IVL, out, sizeof(out)), 0);
}

/* ---- §9.2: Parameter Problems (TAHI CN-2-1-3, -5; CN-2-2-3, -5; CN-2-3-3, -5) ---- */

/* pkt (len octets, MH at mh_off) with octet mh_off + at set to v, the
 * checksum fixed over what follows the IPv6 header's extension headers. */
static enum xmip_parse_err changed(uint8_t *pkt, const uint8_t *from, size_t len, size_t mh_off,
				   size_t at, uint8_t v, struct xmip_pkt *p)
{
	struct in6_addr src, cn = addr(RRV_CN);

	memcpy(pkt, from, len);
	/* The pseudo-header's source: the Home Address option's, behind one. */
	if (mh_off == BU_MH_OFF)
		src = addr(RRV_HOA);
	else
		memcpy(&src, pkt + 8, 16);
	pkt[mh_off + at] = v;
	xmip_mh_set_checksum(&src, &cn, pkt + mh_off, len - mh_off);
	return xmip_pkt_parse(pkt, len, p);
}

static void test_param_problem_points_at_the_field(void **state)
{
	uint8_t pkt[256];
	enum xmip_parse_err e;
	struct xmip_pkt p;

	(void)state;
	/* Well-formed HoTI, CoTI, BU: none. */
	e = xmip_pkt_parse(rrv_hoti_pkt, sizeof(rrv_hoti_pkt), &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), -1);
	e = xmip_pkt_parse(rrv_coti_pkt, sizeof(rrv_coti_pkt), &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), -1);
	e = xmip_pkt_parse(rrv_bu_pkt, sizeof(rrv_bu_pkt), &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), -1);
	/* HoTI and CoTI: Payload Proto 6 -> pointer 40; Header Len 0 (8 octets,
	 * a HoTI has 16) -> pointer 41. */
	e = changed(pkt, rrv_hoti_pkt, sizeof(rrv_hoti_pkt), 40, 0, 6, &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), 40);
	e = changed(pkt, rrv_hoti_pkt, sizeof(rrv_hoti_pkt), 40, 1, 0, &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), 41);
	e = changed(pkt, rrv_coti_pkt, sizeof(rrv_coti_pkt), 40, 0, 6, &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), 40);
	e = changed(pkt, rrv_coti_pkt, sizeof(rrv_coti_pkt), 40, 1, 0, &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), 41);
	/* BU behind its Home Address option: 64 and 65. */
	e = changed(pkt, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, 0, 6, &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), 64);
	e = changed(pkt, rrv_bu_pkt, sizeof(rrv_bu_pkt), BU_MH_OFF, 1, 0, &p);
	assert_int_equal(xmip_cn_param_problem(&p, e), 65);
	/* A bad checksum is silently discarded (§9.2, first rule): none. */
	changed(pkt, rrv_hoti_pkt, sizeof(rrv_hoti_pkt), 40, 0, 6, &p);
	pkt[40 + 4] ^= 0xff;
	e = xmip_pkt_parse(pkt, sizeof(rrv_hoti_pkt), &p);
	assert_int_equal(e, XMIP_PARSE_BAD_CSUM);
	assert_int_equal(xmip_cn_param_problem(&p, e), -1);
	/* An unknown type gets Binding Error 2, not this; a HoT/CoT (for a
	 * mobile node) nothing either. */
	e = changed(pkt, rrv_hoti_pkt, sizeof(rrv_hoti_pkt), 40, 2, 9, &p);
	assert_int_equal(e, XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_cn_param_problem(&p, e), -1);
	/* A Header Len beyond the payload is no §9.2 case: discarded. */
	e = changed(pkt, rrv_hoti_pkt, sizeof(rrv_hoti_pkt), 40, 1, 2, &p);
	assert_int_equal(e, XMIP_PARSE_BAD_MH_LEN);
	assert_int_equal(xmip_cn_param_problem(&p, e), -1);
}

/* ---- §9.3.4: Destination Unreachable for a binding's care-of address (TAHI CN-6-1) ---- */

/* A Destination Unreachable (code 3) quoting our echo reply to coa through RH2 to hoa. */
static size_t unreach(uint8_t *b, const struct in6_addr *self, const struct in6_addr *coa,
		      const struct in6_addr *hoa)
{
	memset(b, 0, 8 + 40 + 24 + 8);
	b[0] = 1;
	b[1] = 3;
	b[8] = 0x60;
	b[8 + 5] = 24 + 8;
	b[8 + 6] = XMIP_IPPROTO_ROUTING;
	b[8 + 7] = 64;
	memcpy(b + 8 + 8, self, 16);
	memcpy(b + 8 + 24, coa, 16);
	b[48] = XMIP_IPPROTO_ICMPV6;
	b[49] = 2;                   /* Header Len: 24 octets */
	b[50] = 2;                   /* type 2 */
	b[51] = 1;                   /* segments left */
	memcpy(b + 56, hoa, 16);
	b[72] = 129;                 /* the echo reply */
	return 8 + 40 + 24 + 8;
}

static void test_unreach_quote(void **state)
{
	struct in6_addr self = addr(RRV_CN), coa = addr(RRV_COA), hoa = addr(RRV_HOA), c, h;
	uint8_t b[128], d[136];
	size_t n;

	(void)state;
	n = unreach(b, &self, &coa, &hoa);
	assert_true(xmip_cn_unreach_quote(b, n, &self, &c, &h));
	assert_memory_equal(&c, &coa, 16);
	assert_memory_equal(&h, &hoa, 16);
	/* Cut anywhere before the routing header's address ends: no. */
	for (size_t len = 0; len < 8 + 40 + 24; len++)
		assert_false(xmip_cn_unreach_quote(b, len, &self, &c, &h));
	/* Not from us, not a Destination Unreachable, no type 2 header or one
	 * a node already processed: not about a binding of ours. */
	assert_false(xmip_cn_unreach_quote(b, n, &coa, &c, &h));
	b[0] = 3;
	assert_false(xmip_cn_unreach_quote(b, n, &self, &c, &h));
	b[0] = 1;
	b[51] = 0;
	assert_false(xmip_cn_unreach_quote(b, n, &self, &c, &h));
	b[51] = 1;
	b[50] = 0;
	assert_false(xmip_cn_unreach_quote(b, n, &self, &c, &h));
	b[50] = 2;
	b[8 + 6] = XMIP_IPPROTO_ICMPV6;
	assert_false(xmip_cn_unreach_quote(b, n, &self, &c, &h));
	b[8 + 6] = XMIP_IPPROTO_ROUTING;
	/* Behind a Destination Options header (8 octets of padding) too. */
	memcpy(d, b, 48);
	d[8 + 6] = XMIP_IPPROTO_DSTOPTS;
	memset(d + 48, 0, 8);
	d[48] = XMIP_IPPROTO_ROUTING;
	d[50] = 1;                   /* PadN, 4 octets */
	d[51] = 4;
	memcpy(d + 56, b + 48, n - 48);
	assert_true(xmip_cn_unreach_quote(d, n + 8, &self, &c, &h));
	assert_memory_equal(&h, &hoa, 16);
}

static void test_unreach_persistence(void **state)
{
	struct in6_addr coa = addr(RRV_COA), coa2 = addr(RRV_ALT_COA);
	struct xmip_cn_unreach u = { 0 };

	(void)state;
	/* Three, two seconds apart from first to last: delete. */
	assert_false(xmip_cn_unreach_note(&u, coa.s6_addr, T0));
	assert_false(xmip_cn_unreach_note(&u, coa.s6_addr, T0 + NS));
	assert_true(xmip_cn_unreach_note(&u, coa.s6_addr, T0 + 2 * NS));
	/* A burst (one burst of ours answered) is not persistent ... */
	memset(&u, 0, sizeof(u));
	for (int i = 0; i < 10; i++)
		assert_false(xmip_cn_unreach_note(&u, coa.s6_addr, T0 + (uint64_t)i * NS / 10));
	/* ... until the errors go on for two seconds. */
	assert_true(xmip_cn_unreach_note(&u, coa.s6_addr, T0 + 2 * NS));
	/* A pause over 10 s, or another care-of address, starts again. */
	memset(&u, 0, sizeof(u));
	assert_false(xmip_cn_unreach_note(&u, coa.s6_addr, T0));
	assert_false(xmip_cn_unreach_note(&u, coa.s6_addr, T0 + NS));
	assert_false(xmip_cn_unreach_note(&u, coa.s6_addr, T0 + 12 * NS));
	assert_false(xmip_cn_unreach_note(&u, coa2.s6_addr, T0 + 13 * NS));
	assert_false(xmip_cn_unreach_note(&u, coa2.s6_addr, T0 + 14 * NS));
	assert_true(xmip_cn_unreach_note(&u, coa2.s6_addr, T0 + 15 * NS));
}

/* ---- the datapath's report of a refused Home Address option ---- */

static void test_hao_report(void **state)
{
	struct in6_addr src, hao, coa = addr(RRV_COA), hoa = addr(RRV_HOA);
	uint8_t pkt[64 + 8];

	(void)state;
	/* The BU vector's headers with an ICMPv6 upper layer, cut after them. */
	memcpy(pkt, rrv_bu_pkt, 64);
	pkt[40] = XMIP_IPPROTO_ICMPV6;
	assert_true(xmip_cn_hao_report(pkt, 64, &src, &hao));
	assert_memory_equal(&src, &coa, 16);
	assert_memory_equal(&hao, &hoa, 16);
	/* A Mobility Header with a HAO is signalling, not a report. */
	pkt[40] = XMIP_IPPROTO_MH;
	assert_false(xmip_cn_hao_report(pkt, 64, &src, &hao));
	/* A non-first fragment's report (bpf/ro/cn.h): the headers up to the
	 * Fragment header, which is not in it; the unknown rest is no MH. */
	pkt[40] = XMIP_IPPROTO_FRAGMENT;
	assert_true(xmip_cn_hao_report(pkt, 64, &src, &hao));
	assert_memory_equal(&hao, &hoa, 16);
	pkt[40] = XMIP_IPPROTO_ICMPV6;
	/* Cut inside the options header, or no HAO at all: nothing. */
	for (size_t len = 0; len < 64; len++)
		assert_false(xmip_cn_hao_report(pkt, len, &src, &hao));
	pkt[46] = 0x1e;              /* another option type in place of the HAO */
	assert_false(xmip_cn_hao_report(pkt, 64, &src, &hao));
	pkt[46] = XMIP_OPT_HOME_ADDRESS;
	pkt[47] = 15;                /* wrong length */
	assert_false(xmip_cn_hao_report(pkt, 64, &src, &hao));
}

/* The route MTU toward a bound home address (cn_mtu.h): room for the RH2. */
static void test_route_mtu_for_the_routing_header(void **state)
{
	(void)state;
	assert_int_equal(xmip_cn_mtu_for(1500, 0), 1476);
	assert_int_equal(xmip_cn_mtu_for(9000, 0), 8976);
	/* A smaller mtu on the route to the home address stays the bound. */
	assert_int_equal(xmip_cn_mtu_for(1500, 1400), 1400);
	assert_int_equal(xmip_cn_mtu_for(1500, 1480), 1476);
	/* Never below the IPv6 minimum (RFC 8200 §5): the RH2 falls back then. */
	assert_int_equal(xmip_cn_mtu_for(1280, 0), 1280);
	assert_int_equal(xmip_cn_mtu_for(0, 0), 1280);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_accept_creates_binding_and_answers),
		T(test_lifetime_capped),
		T(test_no_ack_no_ba),
		T(test_alternate_coa),
		T(test_update_with_newer_sequence),
		T(test_dereg_from_coa_needs_home_nonce_only),
		T(test_dereg_from_home),
		T(test_dereg_from_home_with_hao),
		T(test_expired_nonces),
		T(test_expired_coa_nonce),
		T(test_sequence_out_of_window),
		T(test_replay_after_delete),
		T(test_home_registration),
		T(test_forged_and_malformed_discarded),
		T(test_bad_addresses_discarded),
		T(test_answer_hoti_and_coti),
		T(test_hao_report),
		T(test_param_problem_points_at_the_field),
		T(test_unreach_quote),
		T(test_unreach_persistence),
		T(test_route_mtu_for_the_routing_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
