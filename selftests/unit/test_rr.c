// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Return Routability (RFC 6275 §5.2): keygen tokens, Kbm and the Binding
 * Authorization Data authenticator against values Python's hmac/hashlib
 * computed (rr_vectors.h, from gen_rr_vectors.py); the RR messages and
 * options against packets Scapy built; nonce indices and their lifetimes.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mip6/mh.h"
#include "mip6/mh_rr.h"
#include "rr_crypto.h"
#include "rr_nonce.h"
#include "ro_rate.h"
#include "rr_vectors.h"

#define NS 1000000000ull

static struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* ---- tokens, Kbm, authenticator ---- */

static void test_tokens(void **state)
{
	struct in6_addr hoa = addr(RRV_HOA), coa = addr(RRV_COA), alt = addr(RRV_ALT_COA);
	uint8_t t[8];

	(void)state;
	assert_int_equal(xmip_rr_token(rrv_kcn, &hoa, rrv_nonce, 8, XMIP_RR_HOME, t), 0);
	assert_memory_equal(t, rrv_home_token, 8);
	assert_int_equal(xmip_rr_token(rrv_kcn2, &coa, rrv_nonce2, 8, XMIP_RR_CAREOF, t), 0);
	assert_memory_equal(t, rrv_coa_token, 8);
	assert_int_equal(xmip_rr_token(rrv_kcn2, &alt, rrv_nonce2, 8, XMIP_RR_CAREOF, t), 0);
	assert_memory_equal(t, rrv_alt_coa_token, 8);
	/* The final octet tells home from care-of: the same inputs, other token. */
	assert_int_equal(xmip_rr_token(rrv_kcn, &hoa, rrv_nonce, 8, XMIP_RR_CAREOF, t), 0);
	assert_memory_not_equal(t, rrv_home_token, 8);
	assert_int_equal(xmip_rr_token(rrv_kcn, &hoa, rrv_nonce, 8, 2, t), -1);
	assert_int_equal(xmip_rr_token(rrv_kcn, &hoa, rrv_nonce, 0, XMIP_RR_HOME, t), -1);
}

static void test_kbm(void **state)
{
	uint8_t k[20];

	(void)state;
	assert_int_equal(xmip_rr_kbm(rrv_home_token, rrv_coa_token, k), 0);
	assert_memory_equal(k, rrv_kbm, 20);
	/* Deleting a binding: the home keygen token alone (§5.2.5). */
	assert_int_equal(xmip_rr_kbm(rrv_home_token, NULL, k), 0);
	assert_memory_equal(k, rrv_kbm_dereg, 20);
}

/* The BU vector's MH, its authenticator offset from our options parser. */
static const uint8_t *bu_mh(const uint8_t *pkt, size_t len, struct xmip_pkt *p,
			    struct xmip_rr_opts *o)
{
	assert_int_equal(xmip_pkt_parse(pkt, len, p), XMIP_PARSE_OK);
	assert_int_equal(p->msg.type, XMIP_MH_BU);
	assert_int_equal(xmip_rr_opts_parse(p->mh, p->mh_len, o), XMIP_PARSE_OK);
	return p->mh;
}

static void test_authenticator(void **state)
{
	struct in6_addr coa = addr(RRV_COA), cn = addr(RRV_CN), hoa = addr(RRV_HOA);
	struct xmip_rr_opts o;
	struct xmip_pkt p;
	uint8_t auth[12], mh[64];

	(void)state;
	bu_mh(rrv_bu_pkt, sizeof(rrv_bu_pkt), &p, &o);
	assert_true(o.has_nonce_idx && o.has_auth_data && o.auth_data_last);
	assert_int_equal(o.home_nonce_index, RRV_NONCE_INDEX);
	assert_int_equal(o.coa_nonce_index, RRV_NONCE_INDEX2);
	assert_int_equal(o.auth_data_len, 12);
	assert_int_equal(o.auth_off, p.mh_len - 12);
	assert_int_equal(xmip_rr_authenticator(rrv_kbm, &coa, &cn, p.mh, p.mh_len, o.auth_off,
					       auth), 0);
	assert_memory_equal(auth, rrv_bu_auth, 12);
	assert_memory_equal(o.authenticator, rrv_bu_auth, 12);
	assert_true(xmip_rr_auth_verify(rrv_kbm, &coa, &cn, p.mh, p.mh_len, o.auth_off));
	/* Another key, another CoA, another CN: no. */
	assert_false(xmip_rr_auth_verify(rrv_kbm_dereg, &coa, &cn, p.mh, p.mh_len, o.auth_off));
	assert_false(xmip_rr_auth_verify(rrv_kbm, &hoa, &cn, p.mh, p.mh_len, o.auth_off));
	assert_false(xmip_rr_auth_verify(rrv_kbm, &coa, &hoa, p.mh, p.mh_len, o.auth_off));
	/* The checksum is not covered (taken as zero), every other octet is. */
	memcpy(mh, p.mh, p.mh_len);
	mh[4] ^= 0xff;
	mh[5] ^= 0x5a;
	assert_true(xmip_rr_auth_verify(rrv_kbm, &coa, &cn, mh, p.mh_len, o.auth_off));
	for (size_t i = 0; i < p.mh_len; i++) {
		if (i == 4 || i == 5)
			continue;
		memcpy(mh, p.mh, p.mh_len);
		mh[i] ^= 0x01;
		assert_false(xmip_rr_auth_verify(rrv_kbm, &coa, &cn, mh, p.mh_len, o.auth_off));
	}
	/* Offsets that do not leave 12 octets: refused, nothing read past. */
	assert_int_equal(xmip_rr_authenticator(rrv_kbm, &coa, &cn, p.mh, p.mh_len,
					       p.mh_len - 11, auth), -1);
	assert_int_equal(xmip_rr_authenticator(rrv_kbm, &coa, &cn, p.mh, p.mh_len, 4, auth), -1);
}

static void test_alt_coa_and_dereg_vectors(void **state)
{
	struct in6_addr alt = addr(RRV_ALT_COA), cn = addr(RRV_CN), hoa = addr(RRV_HOA);
	struct xmip_rr_opts o;
	struct xmip_pkt p;

	(void)state;
	bu_mh(rrv_bu_alt_pkt, sizeof(rrv_bu_alt_pkt), &p, &o);
	assert_true(o.has_alt_coa && o.auth_data_last);
	assert_memory_equal(&o.alt_coa, &alt, 16);
	assert_true(xmip_rr_auth_verify(rrv_kbm_alt, &alt, &cn, p.mh, p.mh_len, o.auth_off));
	/* Deleting: "care-of address" = the home address, Kbm from the home token. */
	bu_mh(rrv_bu_dereg_pkt, sizeof(rrv_bu_dereg_pkt), &p, &o);
	assert_int_equal(p.msg.lifetime_units, 0);
	assert_true(xmip_rr_auth_verify(rrv_kbm_dereg, &hoa, &cn, p.mh, p.mh_len, o.auth_off));
}

/* ---- messages ---- */

static void test_parse_init_and_test(void **state)
{
	struct xmip_rr_msg m;
	struct xmip_pkt p;

	(void)state;
	/* mh.c does not know the RR types: it checks the checksum and says so. */
	assert_int_equal(xmip_pkt_parse(rrv_hoti_pkt, sizeof(rrv_hoti_pkt), &p),
			 XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_rr_parse(p.mh, p.mh_len, &m), XMIP_PARSE_OK);
	assert_int_equal(m.type, XMIP_MH_HOTI);
	assert_memory_equal(m.cookie, rrv_home_cookie, 8);
	assert_int_equal(xmip_pkt_parse(rrv_coti_pkt, sizeof(rrv_coti_pkt), &p),
			 XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_rr_parse(p.mh, p.mh_len, &m), XMIP_PARSE_OK);
	assert_int_equal(m.type, XMIP_MH_COTI);
	assert_memory_equal(m.cookie, rrv_coa_cookie, 8);
	assert_int_equal(xmip_pkt_parse(rrv_hot_pkt, sizeof(rrv_hot_pkt), &p),
			 XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_rr_parse(p.mh, p.mh_len, &m), XMIP_PARSE_OK);
	assert_int_equal(m.type, XMIP_MH_HOT);
	assert_int_equal(m.nonce_index, RRV_NONCE_INDEX);
	assert_memory_equal(m.token, rrv_home_token, 8);
	assert_int_equal(xmip_pkt_parse(rrv_brr_pkt, sizeof(rrv_brr_pkt), &p), XMIP_PARSE_OK);
	assert_int_equal(xmip_rr_parse(p.mh, p.mh_len, &m), XMIP_PARSE_OK);
	assert_int_equal(m.type, XMIP_MH_BRR);
}

static void test_parse_rejects(void **state)
{
	uint8_t mh[32];
	struct xmip_rr_msg m;

	(void)state;
	memcpy(mh, rrv_hoti_pkt + 40, 16);
	mh[0] = 6;                                   /* Payload Proto not 59 */
	assert_int_equal(xmip_rr_parse(mh, 16, &m), XMIP_PARSE_BAD_PAYLOAD_PROTO);
	memcpy(mh, rrv_hoti_pkt + 40, 16);
	mh[1] = 0;                                   /* 8 octets: shorter than a HoTI */
	assert_int_equal(xmip_rr_parse(mh, 16, &m), XMIP_PARSE_MH_TOO_SHORT);
	mh[1] = 2;                                   /* 24 octets in a 16-octet buffer */
	assert_int_equal(xmip_rr_parse(mh, 16, &m), XMIP_PARSE_BAD_MH_LEN);
	memcpy(mh, rrv_hoti_pkt + 40, 16);
	mh[2] = 9;
	assert_int_equal(xmip_rr_parse(mh, 16, &m), XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(xmip_rr_parse(mh, 7, &m), XMIP_PARSE_TRUNCATED);
	/* An option running past the message. */
	memset(mh, 0, sizeof(mh));
	memcpy(mh, rrv_hoti_pkt + 40, 16);
	mh[1] = 2;
	mh[16] = 1;
	mh[17] = 7;
	assert_int_equal(xmip_rr_parse(mh, 24, &m), XMIP_PARSE_BAD_OPTION);
	mh[17] = 6;                                  /* exactly to the end: fine */
	assert_int_equal(xmip_rr_parse(mh, 24, &m), XMIP_PARSE_OK);
}

/* RFC 1624: the MH checksum after one of its 16-bit words changed from old to new. */
static void fix_csum(uint8_t *mh, uint16_t old, uint16_t new_)
{
	uint32_t sum = (uint16_t)~(((uint32_t)mh[4] << 8) | mh[5]);

	sum += (uint16_t)~old;
	sum += new_;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint16_t)~sum;
	mh[4] = (uint8_t)(sum >> 8);
	mh[5] = (uint8_t)sum;
}

/* §9.2 at the mobile node: a HoT/CoT with Payload Proto 6 gets a Parameter
 * Problem pointing at that field (octet 40: right after the IPv6 header). */
static void test_malformed_test_param_problem(void **state)
{
	const uint8_t *vec[] = { rrv_hot_pkt, rrv_cot_pkt };
	struct xmip_pkt p;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint8_t pkt[64];

		memcpy(pkt, vec[i], sizeof(pkt));
		assert_int_equal(xmip_pkt_parse(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
		assert_int_equal(xmip_rr_test_param_problem(&p), XMIP_PARSE_OK);
		pkt[40] = 6;
		fix_csum(pkt + 40, (uint16_t)(59 << 8 | pkt[41]), (uint16_t)(6 << 8 | pkt[41]));
		assert_int_equal(xmip_pkt_parse(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
		assert_int_equal(xmip_rr_test_param_problem(&p), XMIP_PARSE_BAD_PAYLOAD_PROTO);
		assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_BAD_PAYLOAD_PROTO), 40);
	}
}

/* Our builders against Scapy's bytes (checksums included). */
static void test_build_matches_scapy(void **state)
{
	struct in6_addr cn = addr(RRV_CN), hoa = addr(RRV_HOA), coa = addr(RRV_COA);
	uint8_t mh[64], pkt[160];
	size_t auth_off;
	int n;

	(void)state;
	n = xmip_rr_build_init(mh, sizeof(mh), XMIP_MH_HOTI, rrv_home_cookie);
	n = xmip_rr_pkt(pkt, sizeof(pkt), &hoa, &cn, NULL, NULL, mh, (size_t)n);
	assert_int_equal(n, sizeof(rrv_hoti_pkt));
	assert_memory_equal(pkt, rrv_hoti_pkt, sizeof(rrv_hoti_pkt));
	n = xmip_rr_build_test(mh, sizeof(mh), XMIP_MH_COT, RRV_NONCE_INDEX2, rrv_coa_cookie,
			       rrv_coa_token);
	n = xmip_rr_pkt(pkt, sizeof(pkt), &cn, &coa, NULL, NULL, mh, (size_t)n);
	assert_int_equal(n, sizeof(rrv_cot_pkt));
	assert_memory_equal(pkt, rrv_cot_pkt, sizeof(rrv_cot_pkt));
	n = xmip_rr_build_brr(mh, sizeof(mh));
	n = xmip_rr_pkt(pkt, sizeof(pkt), &cn, &hoa, NULL, NULL, mh, (size_t)n);
	assert_memory_equal(pkt, rrv_brr_pkt, sizeof(rrv_brr_pkt));
	/* BA with Binding Authorization Data, through a type-2 routing header. */
	n = xmip_rr_build_ba(mh, sizeof(mh), 0, 7, 100, true, &auth_off);
	assert_int_equal(n, 32);
	assert_int_equal(auth_off, 20);
	assert_int_equal(xmip_rr_auth_fill(rrv_kbm, &coa, &cn, mh, (size_t)n, auth_off), 0);
	n = xmip_rr_pkt(pkt, sizeof(pkt), &cn, &coa, &hoa, NULL, mh, (size_t)n);
	assert_int_equal(n, sizeof(rrv_ba_ok_pkt));
	assert_memory_equal(pkt, rrv_ba_ok_pkt, sizeof(rrv_ba_ok_pkt));
	/* BA 136: no Binding Authorization Data (§9.5.4). */
	n = xmip_rr_build_ba(mh, sizeof(mh), 136, 7, 0, false, &auth_off);
	assert_int_equal(auth_off, 0);
	n = xmip_rr_pkt(pkt, sizeof(pkt), &cn, &coa, &hoa, NULL, mh, (size_t)n);
	assert_memory_equal(pkt, rrv_ba_136_pkt, sizeof(rrv_ba_136_pkt));
}

/* A BU we build (the mobile node's side, later) is the one Scapy built. */
static void test_build_bu_matches_scapy(void **state)
{
	struct in6_addr cn = addr(RRV_CN), hoa = addr(RRV_HOA), coa = addr(RRV_COA);
	struct in6_addr alt = addr(RRV_ALT_COA);
	struct xmip_rr_bu_fields f = {
		.seq = 7, .flags = XMIP_BU_F_A, .lifetime_units = 100,
		.home_nonce_index = RRV_NONCE_INDEX, .coa_nonce_index = RRV_NONCE_INDEX2,
	};
	uint8_t mh[64], pkt[160];
	size_t auth_off;
	int n;

	(void)state;
	n = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	assert_int_equal(xmip_rr_auth_fill(rrv_kbm, &coa, &cn, mh, (size_t)n, auth_off), 0);
	n = xmip_rr_pkt(pkt, sizeof(pkt), &coa, &cn, NULL, &hoa, mh, (size_t)n);
	assert_int_equal(n, sizeof(rrv_bu_pkt));
	assert_memory_equal(pkt, rrv_bu_pkt, sizeof(rrv_bu_pkt));
	f.seq = 10;
	f.lifetime_units = 50;
	f.alt_coa = &alt;
	n = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	assert_int_equal(xmip_rr_auth_fill(rrv_kbm_alt, &alt, &cn, mh, (size_t)n, auth_off), 0);
	n = xmip_rr_pkt(pkt, sizeof(pkt), &coa, &cn, NULL, &hoa, mh, (size_t)n);
	assert_int_equal(n, sizeof(rrv_bu_alt_pkt));
	assert_memory_equal(pkt, rrv_bu_alt_pkt, sizeof(rrv_bu_alt_pkt));
	/* Both a HAO and an RH2, or no room: refused. */
	assert_int_equal(xmip_rr_pkt(pkt, sizeof(pkt), &coa, &cn, &hoa, &hoa, mh, 32), -1);
	assert_int_equal(xmip_rr_pkt(pkt, 60, &coa, &cn, NULL, &hoa, mh, 32), -1);
}

static void test_opts(void **state)
{
	uint8_t mh[64];
	struct xmip_rr_opts o;
	size_t auth_off;
	struct xmip_rr_bu_fields f = { .seq = 1 };
	int n;

	(void)state;
	n = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	assert_int_equal(xmip_rr_opts_parse(mh, (size_t)n, &o), XMIP_PARSE_OK);
	assert_true(o.auth_data_last);
	/* Padding after the Binding Authorization Data: not last any more (§9.5.1). */
	mh[1] = 4;
	memset(mh + 32, 0, 8);
	mh[32] = 1;
	mh[33] = 6;
	assert_int_equal(xmip_rr_opts_parse(mh, 40, &o), XMIP_PARSE_OK);
	assert_true(o.has_auth_data);
	assert_false(o.auth_data_last);
	/* Pad1 after it too. */
	memset(mh + 32, 0, 8);
	assert_int_equal(xmip_rr_opts_parse(mh, 40, &o), XMIP_PARSE_OK);
	assert_false(o.auth_data_last);
	/* Nonce Indices of the wrong length; repeated. */
	n = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	mh[13] = 3;
	assert_int_equal(xmip_rr_opts_parse(mh, (size_t)n, &o), XMIP_PARSE_BAD_OPTION);
	n = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	mh[18] = XMIP_MOPT_NONCE_IDX;
	mh[19] = 4;
	mh[24] = 1;
	mh[25] = 6;
	assert_int_equal(xmip_rr_opts_parse(mh, (size_t)n, &o), XMIP_PARSE_BAD_OPTION);
	/* An option overrunning the message. */
	n = xmip_rr_build_bu(mh, sizeof(mh), &f, &auth_off);
	mh[19] = 13;
	assert_int_equal(xmip_rr_opts_parse(mh, (size_t)n, &o), XMIP_PARSE_BAD_OPTION);
	assert_int_equal(xmip_rr_opts_parse(mh, 11, &o), XMIP_PARSE_BAD_MH_LEN);
}

/* ---- nonces ---- */

/* A deterministic "RNG": octets 0, 1, 2, ... */
static int counting_rand(void *buf, size_t len, void *arg)
{
	uint8_t *b = buf, *next = arg;

	for (size_t i = 0; i < len; i++)
		b[i] = (*next)++;
	return 0;
}

static int failing_rand(void *buf, size_t len, void *arg)
{
	(void)buf;
	(void)len;
	(void)arg;
	return -1;
}

static void test_nonce_lifetimes(void **state)
{
	struct xmip_rr_nonces *t = malloc(sizeof(*t));
	const struct xmip_rr_nonce *a, *b, *c;
	uint8_t next = 0;
	uint16_t ia, ib;

	(void)state;
	assert_non_null(t);
	assert_int_equal(xmip_rr_nonces_init(t, 30 * NS, 240 * NS, counting_rand, &next), 0);
	assert_int_equal(t->next_index, 0x0100);     /* the first index is random: 00 01 */
	a = xmip_rr_nonce_current(t, 1000 * NS);
	assert_non_null(a);
	ia = a->index;
	assert_int_equal(ia, 0x0100);
	assert_int_equal(a->nonce[0], 2);            /* then 8 octets of nonce, 20 of Kcn */
	assert_int_equal(a->kcn[0], 10);
	/* Within the interval the same nonce and key serve every request (§5.2.7). */
	assert_ptr_equal(xmip_rr_nonce_current(t, 1029 * NS), a);
	/* After it a new one, with a new index and a new Kcn. */
	b = xmip_rr_nonce_current(t, 1030 * NS);
	ib = b->index;
	assert_int_equal(ib, ia + 1);
	assert_memory_not_equal(b->kcn, a->kcn, 20);
	assert_int_equal(t->made, 2);
	/* Both accepted until 240 s after they were made, not one ns longer. */
	assert_non_null(xmip_rr_nonce_find(t, ia, 1239 * NS));
	assert_null(xmip_rr_nonce_find(t, ia, 1240 * NS));
	assert_non_null(xmip_rr_nonce_find(t, ib, 1269 * NS));
	assert_null(xmip_rr_nonce_find(t, ib, 1270 * NS));
	/* An index never handed out. */
	assert_null(xmip_rr_nonce_find(t, ia + 7, 1031 * NS));
	/* Expiry wipes the first and keeps the second. */
	xmip_rr_nonces_expire(t, 1240 * NS);
	assert_int_equal(t->count, 1);
	assert_null(xmip_rr_nonce_find(t, ia, 1100 * NS));
	assert_non_null(xmip_rr_nonce_find(t, ib, 1100 * NS));
	/* A token handed out at the end of a nonce's interval stays usable for
	 * MAX_TOKEN_LIFETIME (210 s), the one at the start for 240 s. */
	c = xmip_rr_nonce_current(t, 2000 * NS);
	assert_non_null(c);
	assert_ptr_equal(xmip_rr_nonce_current(t, 2029 * NS), c);
	assert_non_null(xmip_rr_nonce_find(t, c->index, (2029 + 210) * NS));
	/* clear wipes everything (§5.2.8's last measure). */
	xmip_rr_nonces_clear(t);
	assert_int_equal(t->count, 0);
	assert_null(xmip_rr_nonce_find(t, ib, 1100 * NS));
	free(t);
}

static void test_nonce_ring_and_rng_failure(void **state)
{
	struct xmip_rr_nonces *t = malloc(sizeof(*t));
	uint8_t next = 0;
	uint64_t now = 5 * NS;

	(void)state;
	assert_non_null(t);
	assert_int_equal(xmip_rr_nonces_init(t, 1 * NS, 240 * NS, counting_rand, &next), 0);
	/* The largest table the configuration allows (240 / 1 + 1) fits. */
	for (int i = 0; i < 241; i++, now += NS)
		assert_non_null(xmip_rr_nonce_current(t, now));
	assert_int_equal(t->count, 241);
	/* More than the ring holds: the oldest goes first. */
	for (int i = 0; i < 20; i++, now += NS)
		assert_non_null(xmip_rr_nonce_current(t, now));
	assert_int_equal(t->count, XMIP_RR_NONCES_MAX);
	t->rand = failing_rand;
	assert_null(xmip_rr_nonce_current(t, now + 10 * NS));
	assert_int_equal(t->count, XMIP_RR_NONCES_MAX);
	free(t);
}

/* ---- the answers' token bucket ---- */

static void test_rate(void **state)
{
	struct xmip_ro_rate r;
	uint64_t t = 5 * NS;
	int n = 0;

	(void)state;
	xmip_ro_rate_init(&r, 10, 4, t);
	/* A burst of 4, then nothing until a token has come back (100 ms). */
	while (xmip_ro_rate_take(&r, t))
		n++;
	assert_int_equal(n, 4);
	assert_false(xmip_ro_rate_take(&r, t + 99 * 1000000ull));
	assert_true(xmip_ro_rate_take(&r, t + 100 * 1000000ull));
	assert_false(xmip_ro_rate_take(&r, t + 100 * 1000000ull));
	assert_int_equal(r.refused, 3);
	/* A day idle refills the bucket to its size, not beyond, without overflow. */
	t += 86400 * NS;
	for (n = 0; xmip_ro_rate_take(&r, t); n++)
		;
	assert_int_equal(n, 4);
	/* A million a second (the configuration's top), after a long idle too. */
	xmip_ro_rate_init(&r, 1000000, 1000000, 0);
	assert_true(xmip_ro_rate_take(&r, 1000000ull * NS));
	assert_true(r.tokens_x <= 1000000ull * NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_kbm),
		cmocka_unit_test(test_authenticator),
		cmocka_unit_test(test_alt_coa_and_dereg_vectors),
		cmocka_unit_test(test_parse_init_and_test),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_malformed_test_param_problem),
		cmocka_unit_test(test_build_matches_scapy),
		cmocka_unit_test(test_build_bu_matches_scapy),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_nonce_lifetimes),
		cmocka_unit_test(test_nonce_ring_and_rng_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
