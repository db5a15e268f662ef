// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mobile node's side of route optimisation (agentd/mip6/mn_ro_policy.c,
 * RFC 6275 §5.2, §11.6, §11.7.2) against values it did not make: the test
 * inits and the BU byte for byte against what Python's hmac/hashlib and
 * Scapy built (rr_vectors.h, gen_rr_vectors.py), the HoT/CoT and the BAs
 * of those vectors accepted or refused as §11.6.2 and §11.7.2 say, and the
 * BUs it builds (deletion from home too) accepted by the correspondent's
 * own decision code (agentd/ro/cn_policy.c) with the authenticator it checks.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cn_policy.h"
#include "mip6/mh.h"
#include "mip6/mh_rr.h"
#include "mip6/mn_ro_policy.h"
#include "rr_vectors.h"

#define NS   1000000000ull
#define T0   (1000 * NS)

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void parse(const uint8_t *pkt, size_t len, struct xmip_pkt *p)
{
	enum xmip_parse_err e = xmip_pkt_parse(pkt, len, p);

	assert_true(e == XMIP_PARSE_OK || e == XMIP_PARSE_UNKNOWN_MH_TYPE);
}

/* The tokens of the vectors, as a HoT and a CoT would have left them. */
static void tokens(struct xmip_mn_rr_test *home, struct xmip_mn_rr_test *careof)
{
	memset(home, 0, sizeof(*home));
	memset(careof, 0, sizeof(*careof));
	home->have = careof->have = true;
	home->nonce_index = RRV_NONCE_INDEX;
	careof->nonce_index = RRV_NONCE_INDEX2;
	memcpy(home->token, rrv_home_token, 8);
	memcpy(careof->token, rrv_coa_token, 8);
	home->addr = addr(RRV_HOA);
	careof->addr = addr(RRV_COA);
	home->at_ns = careof->at_ns = T0;
}

static void test_inits_are_the_vectors(void **state)
{
	struct in6_addr hoa = addr(RRV_HOA), coa = addr(RRV_COA), cn = addr(RRV_CN);
	struct xmip_mn_rr_test t = { 0 };
	uint8_t buf[128];
	int n;

	(void)state;
	n = xmip_mn_rr_build_init(&t, XMIP_MH_HOTI, &hoa, &cn, rrv_home_cookie, buf, sizeof(buf));
	assert_int_equal(n, sizeof(rrv_hoti_pkt));
	assert_memory_equal(buf, rrv_hoti_pkt, sizeof(rrv_hoti_pkt));
	assert_true(t.pending);
	memset(&t, 0, sizeof(t));
	n = xmip_mn_rr_build_init(&t, XMIP_MH_COTI, &coa, &cn, rrv_coa_cookie, buf, sizeof(buf));
	assert_int_equal(n, sizeof(rrv_coti_pkt));
	assert_memory_equal(buf, rrv_coti_pkt, sizeof(rrv_coti_pkt));
	assert_int_equal(xmip_mn_rr_build_init(&t, XMIP_MH_BU, &coa, &cn, rrv_coa_cookie, buf,
					       sizeof(buf)), -1);
}

static void test_tests_accepted_only_as_11_6_2_says(void **state)
{
	struct in6_addr hoa = addr(RRV_HOA), coa = addr(RRV_COA), cn = addr(RRV_CN);
	struct in6_addr other = addr(RRV_ALT_COA);
	struct xmip_mn_rr_test h = { 0 }, c = { 0 };
	uint8_t buf[128], bad[sizeof(rrv_hot_pkt)];
	struct xmip_pkt p;

	(void)state;
	/* Not pending: ignored. */
	parse(rrv_hot_pkt, sizeof(rrv_hot_pkt), &p);
	assert_false(xmip_mn_rr_accept_test(&h, &cn, &p, T0));
	assert_true(xmip_mn_rr_build_init(&h, XMIP_MH_HOTI, &hoa, &cn, rrv_home_cookie, buf,
					  sizeof(buf)) > 0);
	assert_true(xmip_mn_rr_build_init(&c, XMIP_MH_COTI, &coa, &cn, rrv_coa_cookie, buf,
					  sizeof(buf)) > 0);
	/* From another node, or a CoT to the home test: ignored. */
	assert_false(xmip_mn_rr_accept_test(&h, &other, &p, T0));
	parse(rrv_cot_pkt, sizeof(rrv_cot_pkt), &p);
	assert_false(xmip_mn_rr_accept_test(&h, &cn, &p, T0));
	/* Another cookie: ignored (the checksum fixed so that only the cookie differs). */
	memcpy(bad, rrv_hot_pkt, sizeof(bad));
	bad[40 + 8] ^= 1;
	xmip_mh_set_checksum(&cn, &hoa, bad + 40, sizeof(bad) - 40);
	parse(bad, sizeof(bad), &p);
	assert_false(xmip_mn_rr_accept_test(&h, &cn, &p, T0));
	/* The real ones. */
	parse(rrv_hot_pkt, sizeof(rrv_hot_pkt), &p);
	assert_true(xmip_mn_rr_accept_test(&h, &cn, &p, T0));
	assert_int_equal(h.nonce_index, RRV_NONCE_INDEX);
	assert_memory_equal(h.token, rrv_home_token, 8);
	assert_false(xmip_mn_rr_accept_test(&h, &cn, &p, T0));   /* once */
	parse(rrv_cot_pkt, sizeof(rrv_cot_pkt), &p);
	assert_true(xmip_mn_rr_accept_test(&c, &cn, &p, T0));
	assert_int_equal(c.nonce_index, RRV_NONCE_INDEX2);
	assert_memory_equal(c.token, rrv_coa_token, 8);
	/* MAX_TOKEN_LIFETIME (210 s) after receipt, for that address only. */
	assert_true(xmip_mn_rr_token_fresh(&h, &hoa, T0 + 209 * NS));
	assert_false(xmip_mn_rr_token_fresh(&h, &hoa, T0 + 210 * NS));
	assert_false(xmip_mn_rr_token_fresh(&c, &other, T0 + NS));
	/* A CoTI from another CoA makes the old care-of token worthless. */
	assert_true(xmip_mn_rr_build_init(&c, XMIP_MH_COTI, &other, &cn, rrv_coa_cookie, buf,
					  sizeof(buf)) > 0);
	assert_false(c.have);
}

/*
 * §11.8: "Retransmitted Home Test Init and Care-of Test Init messages MUST
 * use new cookie values"; §11.6.2: a test must carry the cookie stored,
 * the last one sent (TAHI MN-2-1-1-2-010, MN-2-1-3-2-002, -003).
 */
static void test_retransmitted_init_has_a_new_cookie(void **state)
{
	struct in6_addr hoa = addr(RRV_HOA), cn = addr(RRV_CN);
	struct xmip_mn_rr_test h = { 0 };
	uint8_t buf[128], hot2[sizeof(rrv_hot_pkt)], cookie2[XMIP_RR_COOKIE_LEN];
	struct xmip_pkt p;

	(void)state;
	assert_true(xmip_mn_rr_build_init(&h, XMIP_MH_HOTI, &hoa, &cn, rrv_home_cookie, buf,
					  sizeof(buf)) > 0);
	/* The retransmission may not reuse the cookie still pending. */
	assert_int_equal(xmip_mn_rr_build_init(&h, XMIP_MH_HOTI, &hoa, &cn, rrv_home_cookie, buf,
					       sizeof(buf)), -1);
	memcpy(cookie2, rrv_home_cookie, sizeof(cookie2));
	cookie2[0] ^= 0x5a;
	assert_int_equal(xmip_mn_rr_build_init(&h, XMIP_MH_HOTI, &hoa, &cn, cookie2, buf,
					       sizeof(buf)), sizeof(rrv_hoti_pkt));
	assert_memory_equal(buf + 40 + 8, cookie2, sizeof(cookie2));
	/* The late answer to the first HoTI: ignored. */
	parse(rrv_hot_pkt, sizeof(rrv_hot_pkt), &p);
	assert_false(xmip_mn_rr_accept_test(&h, &cn, &p, T0));
	assert_true(h.pending);
	/* The answer to the retransmission: accepted. */
	memcpy(hot2, rrv_hot_pkt, sizeof(hot2));
	memcpy(hot2 + 40 + 8, cookie2, sizeof(cookie2));
	xmip_mh_set_checksum(&cn, &hoa, hot2 + 40, sizeof(hot2) - 40);
	parse(hot2, sizeof(hot2), &p);
	assert_true(xmip_mn_rr_accept_test(&h, &cn, &p, T0));
	assert_int_equal(h.nonce_index, RRV_NONCE_INDEX);
	/* Not pending any more: the first cookie is fine for the next round. */
	assert_true(xmip_mn_rr_build_init(&h, XMIP_MH_HOTI, &hoa, &cn, rrv_home_cookie, buf,
					  sizeof(buf)) > 0);
}

/*
 * §11.7.2: a correspondent BU's Lifetime no longer than what remains of
 * the home registration, nor MAX_RR_BINDING_LIFETIME (TAHI MN-3-1-1-2-001).
 */
static void test_bu_lifetime_within_the_home_registration(void **state)
{
	(void)state;
	/* The HA granted 1000 s: capped at 420 s (105 units). */
	assert_int_equal(xmip_mn_ro_bu_lifetime_units(T0 + 1000 * NS, T0), 105);
	/* It granted 60 s, 10 s of them gone: 50 s left, 12 units (48 s). */
	assert_int_equal(xmip_mn_ro_bu_lifetime_units(T0 + 60 * NS, T0 + 10 * NS), 12);
	/* Rounded down, never up past the end. */
	assert_int_equal(xmip_mn_ro_bu_lifetime_units(T0 + 7999 * (NS / 1000), T0), 1);
	/* Under 4 s left, over, or no home registration: none (0 would delete). */
	assert_int_equal(xmip_mn_ro_bu_lifetime_units(T0 + 3 * NS, T0), 0);
	assert_int_equal(xmip_mn_ro_bu_lifetime_units(T0, T0 + NS), 0);
	assert_int_equal(xmip_mn_ro_bu_lifetime_units(0, T0), 0);
}

static void test_bu_is_the_vector_and_the_correspondent_accepts_it(void **state)
{
	struct xmip_mn_rr_test h, c;
	struct xmip_mn_ro_bu bu = {
		.hoa = addr(RRV_HOA), .coa = addr(RRV_COA), .cn = addr(RRV_CN),
		.seq = 7, .lifetime_units = 100, .home = &h, .careof = &c,
	};
	uint8_t kbm[20], buf[256];
	int n;

	(void)state;
	tokens(&h, &c);
	n = xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf));
	assert_int_equal(n, sizeof(rrv_bu_pkt));
	assert_memory_equal(buf, rrv_bu_pkt, sizeof(rrv_bu_pkt));
	assert_memory_equal(kbm, rrv_kbm, 20);
	/* Without a care-of token no BU can be built (except to delete). */
	c.have = false;
	assert_int_equal(xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf)), -1);
}

/* The correspondent's decision on what the MN built (its nonces are the vectors'). */
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

static void cn_decides(const uint8_t *pkt, int len, struct xmip_cn_decision *d)
{
	static struct script s;
	static struct xmip_rr_nonces t;
	struct xmip_cn_params prm = { .self = addr(RRV_CN), .max_lifetime_s = 420 };
	struct xmip_cn_state st = { 0 };
	uint16_t idx = RRV_NONCE_INDEX;
	struct xmip_pkt p;

	memset(&s, 0, sizeof(s));
	memcpy(s.buf, &idx, 2);
	memcpy(s.buf + 2, rrv_nonce, 8);
	memcpy(s.buf + 10, rrv_kcn, 20);
	memcpy(s.buf + 30, rrv_nonce2, 8);
	memcpy(s.buf + 38, rrv_kcn2, 20);
	assert_int_equal(xmip_rr_nonces_init(&t, 30 * NS, 240 * NS, scripted, &s), 0);
	assert_non_null(xmip_rr_nonce_current(&t, T0));
	assert_non_null(xmip_rr_nonce_current(&t, T0 + 30 * NS));
	assert_int_equal(xmip_pkt_parse(pkt, (size_t)len, &p), XMIP_PARSE_OK);
	xmip_cn_decide_bu(&p, &t, &st, &prm, T0 + 40 * NS, d);
}

static void test_correspondent_accepts_binding_and_deletion_from_home(void **state)
{
	struct xmip_mn_rr_test h, c;
	struct xmip_mn_ro_bu bu = {
		.hoa = addr(RRV_HOA), .coa = addr(RRV_COA), .cn = addr(RRV_CN),
		.seq = 41, .lifetime_units = 105, .home = &h, .careof = &c,
	};
	struct xmip_cn_decision d;
	uint8_t kbm[20], buf[256];
	int n;

	(void)state;
	tokens(&h, &c);
	n = xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf));
	cn_decides(buf, n, &d);
	assert_int_equal(d.action, XMIP_CN_CACHE);
	assert_int_equal(d.status, 0);
	assert_memory_equal(d.binding.coa, bu.coa.s6_addr, 16);
	assert_memory_equal(d.kbm, kbm, 20);
	/* One bit of the authenticator wrong: discarded. */
	buf[n - 1] ^= 0x80;
	{
		struct in6_addr hoa = addr(RRV_HOA), cn = addr(RRV_CN);

		xmip_mh_set_checksum(&hoa, &cn, buf + 64, (size_t)n - 64);
	}
	cn_decides(buf, n, &d);
	assert_int_equal(d.action, XMIP_CN_DISCARD);
	/* From home (§11.5.4): from the HoA, no HAO, lifetime 0, Kbm of the home token. */
	bu.coa = bu.hoa;
	bu.lifetime_units = 0;
	bu.careof = NULL;
	n = xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf));
	assert_true(n > 0);
	assert_memory_equal(buf + 8, bu.hoa.s6_addr, 16);
	assert_int_equal(buf[6], XMIP_IPPROTO_MH);
	assert_memory_equal(kbm, rrv_kbm_dereg, 20);
	cn_decides(buf, n, &d);
	assert_int_equal(d.action, XMIP_CN_DELETE);
}

static void test_ba_checks(void **state)
{
	struct xmip_mn_rr_test h, c;
	struct xmip_mn_ro_bu bu = {
		.hoa = addr(RRV_HOA), .coa = addr(RRV_COA), .cn = addr(RRV_CN),
		.seq = 7, .lifetime_units = 100, .home = &h, .careof = &c,
	};
	uint8_t kbm[20], buf[256], bad[sizeof(rrv_ba_ok_pkt)];
	struct in6_addr cn = addr(RRV_CN), hoa = addr(RRV_HOA);
	uint32_t life;
	struct xmip_pkt p;

	(void)state;
	tokens(&h, &c);
	assert_true(xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf)) > 0);
	parse(rrv_ba_ok_pkt, sizeof(rrv_ba_ok_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_ACCEPTED);
	assert_int_equal(life, 400);
	parse(rrv_ba_135_pkt, sizeof(rrv_ba_135_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_SEQ);
	parse(rrv_ba_136_pkt, sizeof(rrv_ba_136_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_NONCE);
	/* Another sequence number, another Kbm, a changed authenticator: ignored. */
	bu.seq = 8;
	parse(rrv_ba_ok_pkt, sizeof(rrv_ba_ok_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_IGNORE);
	parse(rrv_ba_136_pkt, sizeof(rrv_ba_136_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_IGNORE);
	bu.seq = 7;
	kbm[0] ^= 1;
	parse(rrv_ba_ok_pkt, sizeof(rrv_ba_ok_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_IGNORE);
	kbm[0] ^= 1;
	memcpy(bad, rrv_ba_ok_pkt, sizeof(bad));
	bad[sizeof(bad) - 3] ^= 4;
	xmip_mh_set_checksum(&cn, &hoa, bad + 64, sizeof(bad) - 64);
	parse(bad, sizeof(bad), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_IGNORE);
	/* A refusal with the right authenticator (status 129 instead of 0). */
	memcpy(bad, rrv_ba_ok_pkt, sizeof(bad));
	bad[64 + 6] = 129;
	{
		struct in6_addr coa = addr(RRV_COA);
		struct xmip_rr_opts o;

		assert_int_equal(xmip_rr_opts_parse(bad + 64, sizeof(bad) - 64, &o), XMIP_PARSE_OK);
		assert_int_equal(xmip_rr_auth_fill(kbm, &coa, &cn, bad + 64, sizeof(bad) - 64,
						   o.auth_off), 0);
	}
	xmip_mh_set_checksum(&cn, &hoa, bad + 64, sizeof(bad) - 64);
	parse(bad, sizeof(bad), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_REFUSED);
	/* The deletion's BA: Kbm of the home token, "care-of address" the HoA. */
	bu.seq = 8;
	bu.coa = bu.hoa;
	bu.lifetime_units = 0;
	assert_true(xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf)) > 0);
	parse(rrv_ba_dereg_pkt, sizeof(rrv_ba_dereg_pkt), &p);
	assert_int_equal(xmip_mn_ro_check_ba(&bu, kbm, &p, &life), XMIP_MN_RO_BA_ACCEPTED);
}

static void test_parameter_problem_quote(void **state)
{
	uint8_t icmp[8 + sizeof(rrv_coti_pkt)];
	struct in6_addr src, dst, coa = addr(RRV_COA), cn = addr(RRV_CN);

	(void)state;
	memset(icmp, 0, 8);
	icmp[0] = 4;        /* Parameter Problem */
	icmp[1] = 1;        /* unrecognized Next Header */
	memcpy(icmp + 8, rrv_coti_pkt, sizeof(rrv_coti_pkt));
	assert_true(xmip_mn_ro_param_problem(icmp, sizeof(icmp), &src, &dst));
	assert_memory_equal(&src, &coa, 16);
	assert_memory_equal(&dst, &cn, 16);
	icmp[1] = 0;        /* erroneous header field: not "no MH support" */
	assert_false(xmip_mn_ro_param_problem(icmp, sizeof(icmp), &src, &dst));
	icmp[1] = 1;
	icmp[8 + 6] = 17;   /* quoting UDP */
	assert_false(xmip_mn_ro_param_problem(icmp, sizeof(icmp), &src, &dst));
	assert_false(xmip_mn_ro_param_problem(icmp, 8 + 40, &src, &dst));
}

/* A learnt correspondent gone idle: deletion from the CoA (HAO, lifetime 0,
 * Kbm of the home token alone, §5.2.6, §6.1.7), accepted by the CN's code. */
static void test_deletion_from_the_coa(void **state)
{
	struct xmip_mn_rr_test h, c;
	struct xmip_mn_ro_bu bu = {
		.hoa = addr(RRV_HOA), .coa = addr(RRV_COA), .cn = addr(RRV_CN),
		.seq = 43, .lifetime_units = 0, .home = &h, .careof = NULL,
	};
	struct xmip_cn_decision d;
	uint8_t kbm[20], buf[256];
	int n;

	(void)state;
	tokens(&h, &c);
	n = xmip_mn_ro_build_bu(&bu, kbm, buf, sizeof(buf));
	assert_true(n > 0);
	assert_memory_equal(buf + 8, bu.coa.s6_addr, 16);     /* from the CoA */
	assert_int_equal(buf[6], 60);                          /* with the HAO */
	assert_memory_equal(kbm, rrv_kbm_dereg, 20);
	cn_decides(buf, n, &d);
	assert_int_equal(d.action, XMIP_CN_DELETE);
}

#define P64 "2001:db8:1::"

static void test_learnable_destinations(void **state)
{
	struct in6_addr hoa = addr(P64 "100"), ha = addr(P64 "2"), pfx = addr(P64);
	static const char *const no[] = {
		"::", "::1", "fe80::1", "ff02::1", "ff0e::1", "fec0::1", "::ffff:192.0.2.1",
		"::192.0.2.1", P64 "2", P64 "100", P64 "55", "2001:db8:1:0:ffff::1",
	};
	static const char *const yes[] = {
		"2001:db8:5::1", "2001:db8:1:1::1", "2001:db8::1", "fd00::7", "2a00::1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct in6_addr a = addr(no[i]);

		if (xmip_mn_ro_learnable(&a, &hoa, &ha, &pfx, 64))
			fail_msg("%s learnable", no[i]);
	}
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct in6_addr a = addr(yes[i]);

		if (!xmip_mn_ro_learnable(&a, &hoa, &ha, &pfx, 64))
			fail_msg("%s not learnable", yes[i]);
	}
	/* Prefix lengths not on an octet: /60 holds 2001:db8:1:f::, not ...:1:10::. */
	{
		struct in6_addr in = addr("2001:db8:1:f::1"), out = addr("2001:db8:1:10::1");

		assert_false(xmip_mn_ro_learnable(&in, &hoa, &ha, &pfx, 60));
		assert_true(xmip_mn_ro_learnable(&out, &hoa, &ha, &pfx, 60));
		/* No home prefix known: only the other rules. */
		in = addr(P64 "55");
		assert_true(xmip_mn_ro_learnable(&in, &hoa, &ha, &pfx, 0));
	}
}

static void test_learn_decisions(void **state)
{
	struct in6_addr hoa = addr(P64 "100"), ha = addr(P64 "2"), pfx = addr(P64);
	struct in6_addr cn = addr("2001:db8:5::1"), other = addr("2001:db8:9::100");
	struct in6_addr home_dst = addr(P64 "55");
	struct xmip_mn_ro_learn_in in = {
		.enabled = true, .away = true, .src = &hoa, .dst = &cn, .hoa = &hoa, .ha = &ha,
		.prefix = &pfx, .plen = 64, .now_ns = T0, .n_learnt = 3, .max = 4,
	};
	struct xmip_mn_ro_learn_in x;

	(void)state;
	assert_int_equal(xmip_mn_ro_learn_decide(&in), XMIP_MN_RO_LEARN_NEW);
	x = in;
	x.enabled = false;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_OFF);
	x = in;
	x.away = false;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_OFF);
	x = in;
	x.src = &other;   /* a record not about the home address */
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_EXCLUDED);
	x = in;
	x.dst = &home_dst;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_EXCLUDED);
	x = in;
	x.dst = &ha;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_EXCLUDED);
	x = in;
	x.known = true;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_KNOWN);
	/* Known even when full: a correspondent of ours is never "refused". */
	x.n_learnt = x.max;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_KNOWN);
	/* Hold-down: refused until its end, a new one after it. */
	x = in;
	x.held_until_ns = T0 + 600 * NS;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_HELD);
	x.now_ns = T0 + 600 * NS - 1;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_HELD);
	x.now_ns = T0 + 600 * NS;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_NEW);
	/* The limit: learn-max learnt (held ones among them) and no more. */
	x = in;
	x.n_learnt = 4;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_FULL);
	x.n_learnt = 5;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_FULL);
	x.max = 1;
	x.n_learnt = 0;
	assert_int_equal(xmip_mn_ro_learn_decide(&x), XMIP_MN_RO_LEARN_NEW);
	assert_string_equal(xmip_mn_ro_learn_name(XMIP_MN_RO_LEARN_FULL), "full");
}

static void test_learnt_idle(void **state)
{
	(void)state;
	/* Used 119 s ago, idle 120 s: kept; 120 s ago: idle. */
	assert_false(xmip_mn_ro_learnt_idle(T0, T0 - 50 * NS, T0 + 119 * NS, 120));
	assert_true(xmip_mn_ro_learnt_idle(T0, T0 - 50 * NS, T0 + 120 * NS, 120));
	/* Never seen used since learnt: counted from the learning. */
	assert_false(xmip_mn_ro_learnt_idle(0, T0, T0 + 10 * NS, 120));
	assert_true(xmip_mn_ro_learnt_idle(0, T0, T0 + 121 * NS, 120));
	/* A use stamped after "now" (another CPU's clock read): not idle. */
	assert_false(xmip_mn_ro_learnt_idle(T0 + NS, T0, T0, 120));
}

static void test_registration_of_an_ipv4_coa(void **state)
{
	(void)state;
	/* An IPv6 CoA: return routability and the BU, whatever was before. */
	assert_int_equal(xmip_mn_ro_on_registration(false, true, false, false),
			 XMIP_MN_RO_REG_BIND);
	assert_int_equal(xmip_mn_ro_on_registration(false, false, true, true),
			 XMIP_MN_RO_REG_BIND);
	/* IPv4 (RFC 5555 §2.4): a binding held there names an IPv6 CoA we left:
	 * deleted (from the HoA; the BU is the one from home, tested above). */
	assert_int_equal(xmip_mn_ro_on_registration(true, true, false, false),
			 XMIP_MN_RO_REG_DELETE);
	assert_int_equal(xmip_mn_ro_on_registration(true, true, true, false),
			 XMIP_MN_RO_REG_DELETE);
	/* No binding: nothing sent (no CoTI from IPv4); learnt ones forgotten
	 * unless in hold-down. */
	assert_int_equal(xmip_mn_ro_on_registration(true, false, false, false),
			 XMIP_MN_RO_REG_NONE);
	assert_int_equal(xmip_mn_ro_on_registration(true, false, true, false),
			 XMIP_MN_RO_REG_FORGET);
	assert_int_equal(xmip_mn_ro_on_registration(true, false, true, true),
			 XMIP_MN_RO_REG_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inits_are_the_vectors),
		cmocka_unit_test(test_tests_accepted_only_as_11_6_2_says),
		cmocka_unit_test(test_retransmitted_init_has_a_new_cookie),
		cmocka_unit_test(test_bu_lifetime_within_the_home_registration),
		cmocka_unit_test(test_bu_is_the_vector_and_the_correspondent_accepts_it),
		cmocka_unit_test(test_correspondent_accepts_binding_and_deletion_from_home),
		cmocka_unit_test(test_ba_checks),
		cmocka_unit_test(test_parameter_problem_quote),
		cmocka_unit_test(test_deletion_from_the_coa),
		cmocka_unit_test(test_learnable_destinations),
		cmocka_unit_test(test_learn_decisions),
		cmocka_unit_test(test_learnt_idle),
		cmocka_unit_test(test_registration_of_an_ipv4_coa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
