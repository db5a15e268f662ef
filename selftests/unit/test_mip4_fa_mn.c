// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The foreign agent's and the mobile node's decisions
 * (agentd/mip4/fa_policy.c, mn_policy.c): every denial code the FA gives
 * (RFC 5944 §3.7.2, RFC 3024 §4.2.1, RFC 2794 §3: 66-79, 96-99, 194 and
 * the ICMP ones 80-88), what it relays (extensions after MN-HA removed,
 * FA-HA appended) and how it checks the home agent's reply (68, 97-99);
 * the node's choice of attachment, its requests (flags, extensions, RFC
 * 3519), its checks of replies (§3.6.2.1) and its back-off (§3.6.3). And
 * the Ethernet/IPv4/UDP/ARP frames (frame.c) against Scapy's octets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "mip4_auth.h"
#include "mip4_fa_policy.h"
#include "mip4_ha_policy.h"
#include "mip4_l2.h"
#include "mip4_mn_policy.h"

#define KEY "00112233445566778899aabbccddeeff"
#define FAKEY "0f0e0d0c0b0a09080706050403020100"
#define MFKEY "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"

static const char fa_text[] =
	"role = fa\ninstance = f\ninterface = vis\n"
	"[mip4]\ncare-of-address = 198.51.100.2\nmax-lifetime = 600\nencapsulations = ipip gre\n"
	"reverse-tunnel = yes\nmax-pending = 2\nmax-visitors = 3\n"
	"[mip4-mn 10.1.0.101]\nspi = 5000\nkey = " MFKEY "\n"
	"[mip4-peer 10.1.0.2]\nspi = 8192\nkey = " FAKEY "\n";

static const char mn_text[] =
	"role = mn4\ninstance = m\ninterface = home\ninterface = wlan\n"
	"[mip4]\nhome-address = 10.1.0.100\nhome-agent = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
	"spi = 4096\nkey = " KEY "\nlifetime = 300\nnai = mn@example.org\nencapsulation = gre\n"
	"reverse-tunnel = yes\nudp-tunnel = force\n"
	"[mip4-peer 10.2.0.1]\nspi = 5000\nkey = " MFKEY "\n";

static struct xmip_conf fa_conf, mn_conf;
static const struct xmip_mip4_conf *F, *N;
static uint8_t own[2][4] = { { 198, 51, 100, 2 }, { 10, 2, 0, 1 } };

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (xmip_conf_parse("fa", fa_text, sizeof(fa_text) - 1, &fa_conf, err, sizeof(err)) ||
	    xmip_conf_parse("mn", mn_text, sizeof(mn_text) - 1, &mn_conf, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	F = &fa_conf.mip4;
	N = &mn_conf.mip4;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	xmip_conf_free(&fa_conf);
	xmip_conf_free(&mn_conf);
	return 0;
}

static void A4(const char *s, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static struct xmip_mip4_sa sa_hex(uint32_t spi, const char *hex)
{
	struct xmip_mip4_sa s = { .spi = spi, .key_len = strlen(hex) / 2 };

	for (size_t i = 0; i < s.key_len; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		s.key[i] = (uint8_t)v;
	}
	return s;
}

/* A request from a visiting node, with what the FA saw of it. */
struct frq {
	struct xmip_mip4_reg f;
	bool mnfa, mnfa_bad, no_mnha, delivery, nai;
	uint8_t buf[256];
	struct xmip_mip4_reg m;
	struct xmip_mip4_fa_req r;
};

static void frq_init(struct frq *q)
{
	memset(q, 0, sizeof(*q));
	q->f.type = XMIP_MIP4_REG_REQUEST;
	q->f.lifetime = 300;
	q->f.id = 0xEAF0E58B00000001ull;
	A4("10.1.0.100", q->f.hoa);
	A4("10.1.0.2", q->f.ha);
	A4("198.51.100.2", q->f.coa);
	q->r.ttl = 255;
}

static void fa_check(struct frq *q, struct xmip_mip4_fa_verdict *v)
{
	struct xmip_mip4_sa mn = sa_hex(4096, KEY), mf = sa_hex(5000, q->mnfa_bad ? KEY : MFKEY);
	int n = xmip_mip4_build_fixed(q->buf, sizeof(q->buf), &q->f);

	if (q->nai)
		n = xmip_mip4_put_nai(q->buf, sizeof(q->buf), (size_t)n, "mn@example.org");
	if (!q->no_mnha)
		n = xmip_mip4_put_auth(q->buf, sizeof(q->buf), (size_t)n, XMIP_MIP4_EXT_MN_HA_AUTH, &mn);
	if (q->delivery)
		n = xmip_mip4_put_ext(q->buf, sizeof(q->buf), (size_t)n, XMIP_MIP4_EXT_ENC_DELIVERY,
				      NULL, 0);
	if (q->mnfa)
		n = xmip_mip4_put_auth(q->buf, sizeof(q->buf), (size_t)n, XMIP_MIP4_EXT_MN_FA_AUTH, &mf);
	assert_true(n > 0);
	q->r.msg = q->buf;
	q->r.len = (size_t)n;
	q->r.perr = xmip_mip4_reg_parse(q->buf, (size_t)n, &q->m);
	q->r.m = &q->m;
	xmip_mip4_fa_check_request(F, (const uint8_t (*)[4])own, 2, &q->r, v);
}

static void fa_expect(struct frq *q, enum xmip_mip4_fa_action act, uint8_t code)
{
	struct xmip_mip4_fa_verdict v;

	fa_check(q, &v);
	assert_int_equal(v.action, act);
	if (act == XMIP_MIP4_FA_DENY)
		assert_int_equal(v.code, code);
}

static void test_fa_relay_and_codes(void **state)
{
	struct xmip_mip4_fa_verdict v;
	struct frq q;

	(void)state;
	frq_init(&q);
	fa_expect(&q, XMIP_MIP4_FA_RELAY, 0);
	frq_init(&q);                        /* 69: with our maximum in the lifetime */
	q.f.lifetime = 601;
	fa_check(&q, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_DENY);
	assert_int_equal(v.code, XMIP_MIP4_FA_LIFETIME_TOO_LONG);
	assert_int_equal(v.lifetime, 600);
	frq_init(&q);                        /* 77: D clear, a CoA we do not offer */
	A4("198.51.100.9", q.f.coa);
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_INVALID_COA);
	q.f.lifetime = 0;                    /* ... but a deregistration may name any */
	fa_expect(&q, XMIP_MIP4_FA_RELAY, 0);
	frq_init(&q);                        /* co-located through the FA (D): its own CoA */
	q.f.flags = XMIP_MIP4_F_D | XMIP_MIP4_F_M;
	A4("10.2.0.50", q.f.coa);
	fa_expect(&q, XMIP_MIP4_FA_RELAY, 0);
	frq_init(&q);                        /* 72: minimal encapsulation not offered */
	q.f.flags = XMIP_MIP4_F_M;
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_ENCAP_UNAVAIL);
	q.f.flags = XMIP_MIP4_F_M | XMIP_MIP4_F_G;   /* either: GRE will do */
	fa_expect(&q, XMIP_MIP4_FA_RELAY, 0);
	frq_init(&q);                        /* 76: T with a TTL other than 255 */
	q.f.flags = XMIP_MIP4_F_T;
	q.r.ttl = 64;
	fa_check(&q, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_MN_TOO_DISTANT);
	assert_true(v.security);
	frq_init(&q);                        /* 79: Encapsulating Delivery Style; 70 without T */
	q.f.flags = XMIP_MIP4_F_T;
	q.delivery = true;
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_DELIVERY_STYLE);
	q.f.flags = 0;
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ);
	frq_init(&q);                        /* 194: the home agent field names this FA */
	A4("10.2.0.1", q.f.ha);
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_INVALID_HA);
	frq_init(&q);                        /* 70: no Mobile-Home extension */
	q.no_mnha = true;
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ);
	frq_init(&q);                        /* 70: 0.0.0.0 without an NAI; fine with one */
	memset(q.f.hoa, 0, 4);
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_POORLY_FORMED_REQ);
	q.nai = true;
	fa_expect(&q, XMIP_MIP4_FA_RELAY, 0);
	frq_init(&q);                        /* 66: pending requests, then visitors */
	q.r.n_pending = 2;
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_RESOURCES);
	q.r.n_pending = 0;
	q.r.n_visitors = 3;
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_RESOURCES);
	q.r.known_visitor = true;            /* ... a visitor re-registering is not new */
	fa_expect(&q, XMIP_MIP4_FA_RELAY, 0);
}

static void test_fa_reverse_tunnel_policy(void **state)
{
	struct xmip_mip4_conf c = *F;
	struct xmip_mip4_fa_verdict v;
	struct frq q;

	(void)state;
	frq_init(&q);
	q.f.flags = XMIP_MIP4_F_T;
	fa_check(&q, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_RELAY);
	c.reverse_tunnel = XMIP_MIP4_RT_NO;                    /* 74 */
	xmip_mip4_fa_check_request(&c, (const uint8_t (*)[4])own, 2, &q.r, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_REV_TUN_UNAVAIL);
	c.reverse_tunnel = XMIP_MIP4_RT_REQUIRED;              /* 75 */
	q.f.flags = 0;
	fa_check(&q, &v);
	xmip_mip4_fa_check_request(&c, (const uint8_t (*)[4])own, 2, &q.r, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_DENY);
	assert_int_equal(v.code, XMIP_MIP4_FA_REV_TUN_MANDATORY);
}

static void test_fa_mn_fa_auth_67(void **state)
{
	struct xmip_mip4_fa_verdict v;
	struct frq q;

	(void)state;
	frq_init(&q);                        /* 10.1.0.101 shares an MN-FA association */
	A4("10.1.0.101", q.f.hoa);
	fa_expect(&q, XMIP_MIP4_FA_DENY, XMIP_MIP4_FA_MN_AUTH);
	q.mnfa = true;
	fa_check(&q, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_RELAY);
	assert_non_null(v.mnfa);
	q.mnfa_bad = true;
	fa_check(&q, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_MN_AUTH);
	assert_true(v.security);
}

static void test_fa_malformed(void **state)
{
	struct xmip_mip4_fa_verdict v;
	struct frq q;

	(void)state;
	frq_init(&q);
	fa_check(&q, &v);
	q.buf[XMIP_MIP4_RRQ_LEN + 1] = 200;  /* MN-HA length past the end: 70 */
	q.r.perr = xmip_mip4_reg_parse(q.buf, q.r.len, &q.m);
	xmip_mip4_fa_check_request(F, (const uint8_t (*)[4])own, 2, &q.r, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_DENY);
	assert_int_equal(v.code, XMIP_MIP4_FA_POORLY_FORMED_REQ);
	q.buf[XMIP_MIP4_RRQ_LEN] = 40;       /* unknown 1-127: silence (§1.8) */
	q.buf[XMIP_MIP4_RRQ_LEN + 1] = 0;
	q.r.perr = xmip_mip4_reg_parse(q.buf, q.r.len, &q.m);
	xmip_mip4_fa_check_request(F, (const uint8_t (*)[4])own, 2, &q.r, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_DROP);
	q.r.perr = xmip_mip4_reg_parse(q.buf, 10, &q.m);
	xmip_mip4_fa_check_request(F, (const uint8_t (*)[4])own, 2, &q.r, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_DROP);
}

/* §3.7.2.2: the relayed request: what followed MN-HA removed, FA-HA appended. */
static void test_fa_build_relay(void **state)
{
	struct xmip_mip4_sa fa = sa_hex(8192, FAKEY);
	struct xmip_mip4_fa_verdict v;
	struct xmip_mip4_reg out;
	uint8_t buf[256];
	struct frq q;
	int n;

	(void)state;
	frq_init(&q);
	A4("10.1.0.101", q.f.hoa);
	q.mnfa = true;
	q.nai = true;
	fa_check(&q, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_RELAY);
	n = xmip_mip4_fa_build_relay(F, q.buf, &q.m, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &out), XMIP_MIP4_E_OK);
	assert_int_equal(out.n_ext, 3);            /* NAI, MN-HA, FA-HA; MN-FA gone */
	assert_int_equal(out.mn_fa, -1);
	assert_memory_equal(buf, q.buf, q.m.ext[q.m.mn_ha].off + 22u);   /* unchanged through MN-HA */
	assert_true(xmip_mip4_auth_ok(buf, &out.ext[out.fa_ha], &fa));
	/* A deregistration gets no Foreign-Home (§3.5.4). */
	q.f.lifetime = 0;
	fa_check(&q, &v);
	n = xmip_mip4_fa_build_relay(F, q.buf, &q.m, buf, sizeof(buf));
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &out), XMIP_MIP4_E_OK);
	assert_int_equal(out.fa_ha, -1);
	q.no_mnha = true;
	fa_check(&q, &v);
	assert_int_equal(xmip_mip4_fa_build_relay(F, q.buf, &q.m, buf, sizeof(buf)), -1);
}

/* A reply from the HA for a pending request. */
static int ha_reply(uint8_t *buf, size_t cap, uint8_t code, uint16_t life, bool nai, int faha,
		    const char *hoa, const char *ha)
{
	struct xmip_mip4_reg r = { .type = XMIP_MIP4_REG_REPLY, .code = code, .lifetime = life,
				   .id = 0xEAF0E58B00000001ull };
	struct xmip_mip4_sa mn = sa_hex(4096, KEY), fa = sa_hex(8192, faha == 2 ? KEY : FAKEY);
	int n;

	A4(hoa, r.hoa);
	A4(ha, r.ha);
	n = xmip_mip4_build_fixed(buf, cap, &r);
	if (nai)
		n = xmip_mip4_put_nai(buf, cap, (size_t)n, "mn@example.org");
	n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_MN_HA_AUTH, &mn);
	if (faha)
		n = xmip_mip4_put_auth(buf, cap, (size_t)n, XMIP_MIP4_EXT_FA_HA_AUTH, &fa);
	return n;
}

static void fa_reply(const uint8_t *buf, int n, bool had_nai, struct xmip_mip4_fa_reply_verdict *v)
{
	struct xmip_mip4_fa_pending_view p = { .had_nai = had_nai, .id_low = 1 };
	struct xmip_mip4_reg m;

	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	xmip_mip4_fa_check_reply(F, buf, &m, &p, v);
}

static void test_fa_replies(void **state)
{
	struct xmip_mip4_fa_reply_verdict v;
	struct xmip_mip4_reg m, out;
	uint8_t buf[256], rel[256];
	int n;

	(void)state;
	n = ha_reply(buf, sizeof(buf), 0, 1000, false, 1, "10.1.0.100", "10.1.0.2");
	fa_reply(buf, n, false, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_RELAY);
	assert_true(v.accepted);
	assert_int_equal(v.lifetime, 600);        /* at most our maximum (§3.7.3.2) */
	/* The relayed reply: FA-HA removed, MN-FA for a node we share one with. */
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	n = xmip_mip4_fa_build_relay_reply(buf, &m, &F->mns[0], rel, sizeof(rel));
	assert_int_equal(xmip_mip4_reg_parse(rel, (size_t)n, &out), XMIP_MIP4_E_OK);
	assert_int_equal(out.fa_ha, -1);
	assert_true(xmip_mip4_auth_ok(rel, &out.ext[out.mn_fa], &F->mns[0].sa));
	assert_true(xmip_mip4_auth_ok(rel, &out.ext[out.mn_ha], &(struct xmip_mip4_sa){
		.spi = 4096, .key_len = 16,
		.key = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,
			 0xcc, 0xdd, 0xee, 0xff } }));
	/* 68: FA-HA missing or wrong, on an accepting reply. */
	n = ha_reply(buf, sizeof(buf), 0, 300, false, 0, "10.1.0.100", "10.1.0.2");
	fa_reply(buf, n, false, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_HA_AUTH);
	n = ha_reply(buf, sizeof(buf), 0, 300, false, 2, "10.1.0.100", "10.1.0.2");
	fa_reply(buf, n, false, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_HA_AUTH);
	assert_true(v.security);
	/* A deregistration's reply (lifetime 0) may come without. */
	n = ha_reply(buf, sizeof(buf), 0, 0, false, 0, "10.1.0.100", "10.1.0.2");
	fa_reply(buf, n, false, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_RELAY);
	/* RFC 2794: 97 NAI missing, 98 home agent missing, 99 home address missing. */
	n = ha_reply(buf, sizeof(buf), 0, 300, false, 1, "10.1.0.100", "10.1.0.2");
	fa_reply(buf, n, true, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_MISSING_NAI);
	n = ha_reply(buf, sizeof(buf), 0, 300, true, 0, "0.0.0.0", "10.1.0.2");
	fa_reply(buf, n, true, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_HA_AUTH);   /* checked first */
	/* no association with an HA 0.0.0.0: then 98 */
	n = ha_reply(buf, sizeof(buf), 0, 300, true, 0, "10.1.0.100", "0.0.0.0");
	fa_reply(buf, n, true, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_MISSING_HA);
	n = ha_reply(buf, sizeof(buf), 0, 300, true, 1, "0.0.0.0", "10.1.0.2");
	fa_reply(buf, n, true, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_MISSING_HOA);
	/* A denial from the HA is relayed, and leaves the visitor as it was. */
	n = ha_reply(buf, sizeof(buf), 131, 0, false, 1, "10.1.0.100", "10.1.0.2");
	fa_reply(buf, n, false, &v);
	assert_int_equal(v.action, XMIP_MIP4_FA_RELAY);
	assert_false(v.accepted);
	/* Not ours (other Identification): dropped. */
	n = ha_reply(buf, sizeof(buf), 0, 300, false, 1, "10.1.0.100", "10.1.0.2");
	{
		struct xmip_mip4_fa_pending_view p = { .id_low = 2 };

		assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
		xmip_mip4_fa_check_reply(F, buf, &m, &p, &v);
		assert_int_equal(v.action, XMIP_MIP4_FA_DROP);
	}
}

static void test_fa_denial_and_icmp(void **state)
{
	struct xmip_mip4_fa_verdict v;
	struct xmip_mip4_reg out;
	uint8_t buf[256];
	struct frq q;
	int n;

	(void)state;
	frq_init(&q);
	A4("10.1.0.101", q.f.hoa);
	q.nai = true;
	q.mnfa = true;
	q.f.lifetime = 900;
	fa_check(&q, &v);
	assert_int_equal(v.code, XMIP_MIP4_FA_LIFETIME_TOO_LONG);
	n = xmip_mip4_fa_build_denial(q.buf, &q.m, v.code, v.lifetime, v.mnfa, buf, sizeof(buf));
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &out), XMIP_MIP4_E_OK);
	assert_int_equal(out.type, XMIP_MIP4_REG_REPLY);
	assert_int_equal(out.code, 69);
	assert_int_equal(out.lifetime, 600);
	assert_memory_equal(out.hoa, q.f.hoa, 4);
	assert_memory_equal(out.ha, q.f.ha, 4);
	assert_true(out.id == q.f.id);
	assert_int_equal(out.nai, 0);
	assert_true(xmip_mip4_auth_ok(buf, &out.ext[out.mn_fa], &F->mns[0].sa));
	assert_int_equal(xmip_mip4_fa_icmp_code(3, 0), 80);
	assert_int_equal(xmip_mip4_fa_icmp_code(3, 1), 81);
	assert_int_equal(xmip_mip4_fa_icmp_code(3, 3), 82);
	assert_int_equal(xmip_mip4_fa_icmp_code(3, 13), 88);
	assert_int_equal(xmip_mip4_fa_icmp_code(11, 0), 88);
}

/* ---- the mobile node ---- */

static struct xmip_mip4_mn_agent agent(uint32_t ifindex, const char *addr, uint16_t flags,
				       const char *coa)
{
	struct xmip_mip4_mn_agent a = { .ifindex = ifindex, .mac = { 2, 0, 0, 0, 0, 9 } };

	A4(addr, a.addr);
	a.adv.flags = flags;
	a.adv.reg_lifetime = 200;
	if (coa) {
		A4(coa, a.adv.coa[0]);
		a.adv.n_coa = 1;
	}
	return a;
}

static void test_mn_choose(void **state)
{
	struct xmip_mip4_mn_if ifs[2] = { { .ifindex = 2, .up = true }, { .ifindex = 3, .up = true } };
	struct xmip_mip4_mn_agent ag[3];
	struct xmip_mip4_mn_attach at, at2;

	(void)state;
	xmip_mip4_mn_choose(N, ifs, 2, NULL, 0, &at);
	assert_int_equal(at.mode, XMIP_MIP4_MN_NONE);
	/* An address of our own on a foreign link: co-located; the home prefix is not one. */
	A4("10.1.0.55", ifs[1].addr[0]);
	A4("192.168.7.100", ifs[1].addr[1]);
	ifs[1].n_addr = 2;
	xmip_mip4_mn_choose(N, ifs, 2, NULL, 0, &at);
	assert_int_equal(at.mode, XMIP_MIP4_MN_COLOCATED);
	assert_int_equal(at.ifindex, 3);
	assert_int_equal(at.coa[0], 192);
	/* A foreign agent is preferred; a busy one, or one with no care-of address, is not. */
	ag[0] = agent(3, "10.2.0.1", XMIP_MIP4_ADV_F | XMIP_MIP4_ADV_B, "198.51.100.2");
	ag[1] = agent(3, "10.2.0.9", XMIP_MIP4_ADV_F, NULL);
	xmip_mip4_mn_choose(N, ifs, 2, ag, 2, &at);
	assert_int_equal(at.mode, XMIP_MIP4_MN_COLOCATED);
	ag[2] = agent(3, "10.2.0.1", XMIP_MIP4_ADV_F | XMIP_MIP4_ADV_T, "198.51.100.2");
	xmip_mip4_mn_choose(N, ifs, 2, ag, 3, &at);
	assert_int_equal(at.mode, XMIP_MIP4_MN_FA);
	assert_int_equal(at.coa[3], 2);
	assert_int_equal(at.agent[3], 1);
	assert_int_equal(at.reg_lifetime, 200);
	/* Our home agent's advertisement (H, its address) means home; another HA's does not. */
	ag[0] = agent(2, "10.1.0.9", XMIP_MIP4_ADV_H, NULL);
	xmip_mip4_mn_choose(N, ifs, 2, ag, 3, &at);
	assert_int_equal(at.mode, XMIP_MIP4_MN_FA);
	ag[0] = agent(2, "10.1.0.2", XMIP_MIP4_ADV_H, NULL);
	xmip_mip4_mn_choose(N, ifs, 2, ag, 3, &at2);
	assert_int_equal(at2.mode, XMIP_MIP4_MN_HOME);
	assert_int_equal(at2.ifindex, 2);
	assert_memory_equal(at2.coa, N->hoa, 4);
	assert_false(xmip_mip4_mn_same(&at, &at2));
	assert_true(xmip_mip4_mn_same(&at2, &at2));
	/* A link that is down counts for nothing. */
	ifs[0].up = false;
	xmip_mip4_mn_choose(N, ifs, 2, ag, 3, &at);
	assert_int_equal(at.mode, XMIP_MIP4_MN_FA);
}

static void test_mn_requests(void **state)
{
	struct xmip_mip4_mn_attach at = { .mode = XMIP_MIP4_MN_COLOCATED };
	struct xmip_mip4_udp_req u;
	struct xmip_mip4_reg m;
	uint8_t buf[256];
	int n;

	(void)state;
	A4("192.168.7.100", at.coa);
	assert_int_equal(xmip_mip4_mn_lifetime(N, &at, 0), 300);
	n = xmip_mip4_mn_build_request(N, &at, 42, 300, buf, sizeof(buf));
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.flags, XMIP_MIP4_F_D | XMIP_MIP4_F_G | XMIP_MIP4_F_T);
	assert_int_equal(m.lifetime, 300);
	assert_true(m.id == 42);
	/* §3.6.1.3: NAI, UDP Tunnel Request (before MN-HA, F: forced), MN-HA. */
	assert_int_equal(m.nai, 0);
	assert_int_equal(m.udp_req, 1);
	assert_int_equal(m.mn_ha, 2);
	xmip_mip4_udp_req_view(buf, &m.ext[1], &u);
	assert_int_equal(u.flags, XMIP_MIP4_UDP_REQ_F);
	assert_true(xmip_mip4_auth_ok(buf, &m.ext[2], &N->sa));
	/* Through an FA: no D, G and T only if it advertised them, no UDP request, MN-FA last. */
	at.mode = XMIP_MIP4_MN_FA;
	A4("198.51.100.2", at.coa);
	A4("10.2.0.1", at.agent);
	at.reg_lifetime = 200;
	at.agent_flags = XMIP_MIP4_ADV_F;
	assert_int_equal(xmip_mip4_mn_lifetime(N, &at, 0), 200);
	assert_int_equal(xmip_mip4_mn_lifetime(N, &at, 100), 100);
	n = xmip_mip4_mn_build_request(N, &at, 43, 200, buf, sizeof(buf));
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.udp_req, -1);
	assert_int_equal(m.mn_fa, 2);
	assert_true(xmip_mip4_auth_ok(buf, &m.ext[2], &N->peers[0].sa));
	at.agent_flags = XMIP_MIP4_ADV_F | XMIP_MIP4_ADV_G | XMIP_MIP4_ADV_T;
	n = xmip_mip4_mn_build_request(N, &at, 44, 200, buf, sizeof(buf));
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.flags, XMIP_MIP4_F_G | XMIP_MIP4_F_T);
	/* Home: lifetime 0, care-of address = home address, no flags. */
	at = (struct xmip_mip4_mn_attach){ .mode = XMIP_MIP4_MN_HOME };
	memcpy(at.coa, N->hoa, 4);
	assert_int_equal(xmip_mip4_mn_lifetime(N, &at, 0), 0);
	n = xmip_mip4_mn_build_request(N, &at, 45, 0, buf, sizeof(buf));
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.lifetime, 0);
	assert_memory_equal(m.coa, m.hoa, 4);
	at.mode = XMIP_MIP4_MN_NONE;
	assert_int_equal(xmip_mip4_mn_build_request(N, &at, 46, 0, buf, sizeof(buf)), -1);
}

static int mn_reply(uint8_t *buf, uint8_t code, uint16_t life, uint64_t id, int mnha, bool mnfa,
		    bool udp)
{
	struct xmip_mip4_reg r = { .type = XMIP_MIP4_REG_REPLY, .code = code, .lifetime = life,
				   .id = id };
	struct xmip_mip4_sa bad = sa_hex(4096, MFKEY);
	struct xmip_mip4_udp_rep u = { .code = 0, .keepalive = 25 };
	int n;

	A4("10.1.0.100", r.hoa);
	A4("10.1.0.2", r.ha);
	n = xmip_mip4_build_fixed(buf, 256, &r);
	if (udp)
		n = xmip_mip4_put_udp_rep(buf, 256, (size_t)n, &u);
	if (mnha)
		n = xmip_mip4_put_auth(buf, 256, (size_t)n, XMIP_MIP4_EXT_MN_HA_AUTH,
				       mnha == 1 ? &N->sa : &bad);
	if (mnfa)
		n = xmip_mip4_put_auth(buf, 256, (size_t)n, XMIP_MIP4_EXT_MN_FA_AUTH, &N->peers[0].sa);
	return n;
}

static void mn_check(const uint8_t *buf, int n, const struct xmip_mip4_mn_pending *p,
		     struct xmip_mip4_mn_reply *r)
{
	struct xmip_mip4_reg m;

	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &m), XMIP_MIP4_E_OK);
	xmip_mip4_mn_check_reply(N, buf, &m, p, 0xAAAAAAAA00000000ull, r);
}

static void test_mn_replies(void **state)
{
	struct xmip_mip4_mn_pending p = { .id = 0x1111111122222222ull, .lifetime = 300 };
	struct xmip_mip4_mn_reply r;
	uint8_t buf[256];
	int n;

	(void)state;
	n = mn_reply(buf, 0, 600, p.id, 1, false, true);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_ACCEPTED);
	assert_int_equal(r.lifetime, 300);          /* never more than asked (§3.4) */
	assert_true(r.udp);
	assert_int_equal(r.udp_rep.keepalive, 25);
	n = mn_reply(buf, 1, 100, p.id, 1, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_ACCEPTED);
	assert_int_equal(r.lifetime, 100);
	/* §3.6.2.1: another Identification, no MN-HA, or a wrong one: dropped. */
	n = mn_reply(buf, 0, 300, p.id + (1ull << 32) - 1, 1, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_DROP);
	n = mn_reply(buf, 0, 300, p.id, 0, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_DROP);
	n = mn_reply(buf, 131, 0, p.id, 2, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_DROP);
	/* The high 32 bits may differ (they are the HA's): 133 resynchronises. */
	n = mn_reply(buf, 133, 0, 0xAAAAAAB422222222ull, 1, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_RESYNC);
	assert_int_equal(r.offset_s, 10);
	/* An FA's code needs no MN-HA; 69 carries the FA's maximum. */
	n = mn_reply(buf, 69, 120, p.id, 0, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_LIFETIME);
	assert_int_equal(r.lifetime, 120);
	n = mn_reply(buf, 131, 0, p.id, 1, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_DENIED);
	assert_int_equal(r.code, 131);
	/* Through an FA we share an association with: its MN-FA is required. */
	p.via_fa = true;
	p.mnfa = &N->peers[0];
	n = mn_reply(buf, 0, 300, p.id, 1, false, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_DROP);
	n = mn_reply(buf, 0, 300, p.id, 1, true, false);
	mn_check(buf, n, &p, &r);
	assert_int_equal(r.result, XMIP_MIP4_MN_R_ACCEPTED);
}

static void test_mn_backoff(void **state)
{
	static const uint32_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 32000 };
	uint32_t ms = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ms = xmip_mip4_mn_backoff_ms(ms, 300);
		assert_int_equal(ms, want[i]);
	}
	/* At most the lifetime (§3.6.3), never under a second. */
	assert_int_equal(xmip_mip4_mn_backoff_ms(4000, 5), 5000);
	assert_int_equal(xmip_mip4_mn_backoff_ms(8000, 5), 5000);
	assert_int_equal(xmip_mip4_mn_backoff_ms(0, 0), 1000);
	assert_true(xmip_mip4_mn_refresh_ns(1000, 100) == 1000 + 75000000000ull);
}

/* ---- frames ---- */

static const uint8_t v_udp_frame[52] = {   /* Scapy: Ether/IP(ttl 255, id 0x1234)/UDP(434, 434)/0..9 */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x26, 0x12, 0x34, 0x00, 0x00, 0xff, 0x11,
	0x95, 0x2b, 0x0a, 0x01, 0x00, 0x64, 0x0a, 0x02, 0x00, 0x01, 0x01, 0xb2,
	0x01, 0xb2, 0x00, 0x12, 0xd3, 0xe5, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
	0x06, 0x07, 0x08, 0x09,
};
static const uint8_t v_garp_frame[60] = {  /* Scapy: who-has 10.1.0.100 tell 10.1.0.100 */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x03, 0x0a, 0x01, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x0a, 0x01, 0x00, 0x64,
};

static void test_frames(void **state)
{
	static const uint8_t s[6] = { 2, 0, 0, 0, 0, 1 }, d[6] = { 2, 0, 0, 0, 0, 2 },
			     ann[6] = { 2, 0, 0, 0, 0, 3 };
	uint8_t pl[10], buf[128], src[4], dst[4], mac[6];
	struct xmip_mip4_ip ip;
	struct xmip_arp a;
	int n;

	(void)state;
	for (int i = 0; i < 10; i++)
		pl[i] = (uint8_t)i;
	A4("10.1.0.100", src);
	A4("10.2.0.1", dst);
	n = xmip_mip4_frame_build_ip(buf, sizeof(buf), d, s, src, dst, 255, 17, 434, 434, 0x1234,
				     pl, sizeof(pl));
	assert_int_equal(n, sizeof(v_udp_frame));
	assert_memory_equal(buf, v_udp_frame, sizeof(v_udp_frame));
	assert_int_equal(xmip_mip4_frame_build_ip(buf, (size_t)n - 1, d, s, src, dst, 255, 17, 434,
						  434, 0x1234, pl, sizeof(pl)), -1);
	assert_int_equal(xmip_mip4_frame_ip(v_udp_frame, sizeof(v_udp_frame), true, &ip), 0);
	assert_int_equal(ip.ttl, 255);
	assert_int_equal(ip.proto, 17);
	assert_int_equal(ip.sport, 434);
	assert_int_equal(ip.pl_len, 10);
	assert_int_equal(ip.pl_off, 42);
	/* Every truncation, a flipped bit of the header or of the UDP datagram: refused. */
	for (size_t len = 0; len < sizeof(v_udp_frame); len++)
		assert_int_equal(xmip_mip4_frame_ip(v_udp_frame, len, true, &ip), -1);
	for (size_t i = 14; i < sizeof(v_udp_frame); i++) {
		memcpy(buf, v_udp_frame, sizeof(v_udp_frame));
		buf[i] ^= 0x10;
		assert_int_equal(xmip_mip4_frame_ip(buf, sizeof(v_udp_frame), true, &ip), -1);
	}
	/* A checksum left to offload is accepted when not verified. */
	memcpy(buf, v_udp_frame, sizeof(v_udp_frame));
	buf[40] ^= 1;
	assert_int_equal(xmip_mip4_frame_ip(buf, sizeof(v_udp_frame), false, &ip), 0);
	/* A fragment (MF set): not ours. */
	memcpy(buf, v_udp_frame, sizeof(v_udp_frame));
	buf[20] = 0x20;
	buf[24] = 0x75;   /* header checksum fixed for the change */
	buf[25] = 0x2b;
	assert_int_equal(xmip_mip4_frame_ip(buf, sizeof(v_udp_frame), false, &ip), -1);
	/* Gratuitous ARP: Scapy's octets, parsed back. */
	n = xmip_arp_garp(buf, sizeof(buf), s, ann, src);
	assert_int_equal(n, 60);
	assert_memory_equal(buf, v_garp_frame, 60);
	assert_int_equal(xmip_arp_parse(buf, 60, &a), 0);
	assert_int_equal(a.op, 1);
	assert_memory_equal(a.sha, ann, 6);
	assert_memory_equal(a.spa, src, 4);
	assert_memory_equal(a.tpa, src, 4);
	assert_int_equal(xmip_arp_parse(buf, 41, &a), -1);
	assert_int_equal(xmip_arp_parse(v_udp_frame, sizeof(v_udp_frame), &a), -1);
	assert_int_equal(xmip_arp_garp(buf, 59, s, ann, src), -1);
	A4("224.0.0.11", dst);
	xmip_mip4_mcast_mac(dst, mac);
	assert_memory_equal(mac, ((const uint8_t[]){ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x0b }), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fa_relay_and_codes),
		cmocka_unit_test(test_fa_reverse_tunnel_policy),
		cmocka_unit_test(test_fa_mn_fa_auth_67),
		cmocka_unit_test(test_fa_malformed),
		cmocka_unit_test(test_fa_build_relay),
		cmocka_unit_test(test_fa_replies),
		cmocka_unit_test(test_fa_denial_and_icmp),
		cmocka_unit_test(test_mn_choose),
		cmocka_unit_test(test_mn_requests),
		cmocka_unit_test(test_mn_replies),
		cmocka_unit_test(test_mn_backoff),
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
