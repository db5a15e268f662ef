// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The home agent's decision on a Registration Request
 * (agentd/mip4/ha_policy.c): every reply code it gives (0, 1, 128-139,
 * 142), the silent discards of RFC 5944 §3.8.2.1, the binding changes of
 * §3.8.2.2 (S flag, deregistration of one or all), encapsulations and
 * reverse tunnels (RFC 3024), UDP tunnelling and NAT detection (RFC 3519),
 * NAI (RFC 2794), and the reply it builds: extensions in §3.8.3.3 order,
 * authenticators that verify.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "config.h"
#include "mip4_auth.h"
#include "mip4_ha_policy.h"
#include "mip4_ident.h"

#define KEY "00112233445566778899aabbccddeeff"
#define FAKEY "0f0e0d0c0b0a09080706050403020100"

static const char conf_text[] =
	"role = ha\ninstance = h\ninterface = eth0\naddress = 2001:db8:1::2\n"
	"home-prefix = 2001:db8:1::/64\n"
	"[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nmax-lifetime = 600\n"
	"max-bindings = 2\nkeepalive = 30\nreverse-tunnel = yes\nudp-tunnel = yes\n"
	"state-file = /tmp/unused\n"
	"[mip4-mn 10.1.0.100]\nspi = 4096\nkey = " KEY "\n"
	"[mip4-mn mn7@example.org]\nhome-address = 10.1.0.107\nspi = 4097\nkey = " KEY "\n"
	"encapsulations = ipip gre\nmax-lifetime = 60\n"
	"[mip4-peer 198.51.100.2]\nspi = 8192\nkey = " FAKEY "\n";

static struct xmip_conf conf;
static const struct xmip_mip4_conf *C;
static const uint64_t NOW = 0xEAF0E58B00000000ull;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (xmip_conf_parse("t.conf", conf_text, sizeof(conf_text) - 1, &conf, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	C = &conf.mip4;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	xmip_conf_free(&conf);
	return 0;
}

static void A4(const char *s, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

/* A request under construction. */
struct rq {
	struct xmip_mip4_reg f;   /* fixed fields */
	const char *nai;
	bool udp;
	struct xmip_mip4_udp_req u;
	bool udp_after;           /* the FA's UDP request, after MN-HA */
	int mnha;                 /* 0: sign right; 1: bad key; 2: none */
	uint32_t spi;
	int faha;                 /* 0: none; 1: right; 2: bad; 3: two */
	uint8_t buf[512];
	size_t len;
	struct xmip_mip4_reg m;
	struct xmip_mip4_ha_req r;
};

static void rq_init(struct rq *q)
{
	memset(q, 0, sizeof(*q));
	q->f.type = XMIP_MIP4_REG_REQUEST;
	q->f.lifetime = 300;
	q->f.id = NOW + 1;
	q->spi = 4096;
	A4("10.1.0.100", q->f.hoa);
	A4("10.1.0.2", q->f.ha);
	A4("198.51.100.2", q->f.coa);
	A4("198.51.100.2", q->r.src);
	A4("10.1.0.2", q->r.dst);
	q->r.sport = 434;
}

static void rq_build(struct rq *q)
{
	struct xmip_mip4_sa mn = { .spi = q->spi, .key_len = 16 }, fa = { .spi = 8192, .key_len = 16 };
	int n;

	memcpy(mn.key, q->mnha == 1 ? "wrong key wrong!" : "\x00\x11\x22\x33\x44\x55\x66\x77"
	       "\x88\x99\xaa\xbb\xcc\xdd\xee\xff", 16);
	memcpy(fa.key, q->faha == 2 ? "wrong key wrong!" : "\x0f\x0e\x0d\x0c\x0b\x0a\x09\x08"
	       "\x07\x06\x05\x04\x03\x02\x01\x00", 16);
	n = xmip_mip4_build_fixed(q->buf, sizeof(q->buf), &q->f);
	if (q->nai)
		n = xmip_mip4_put_nai(q->buf, sizeof(q->buf), (size_t)n, q->nai);
	if (q->udp && !q->udp_after)
		n = xmip_mip4_put_udp_req(q->buf, sizeof(q->buf), (size_t)n, &q->u);
	if (q->mnha != 2)
		n = xmip_mip4_put_auth(q->buf, sizeof(q->buf), (size_t)n, XMIP_MIP4_EXT_MN_HA_AUTH, &mn);
	if (q->udp && q->udp_after)
		n = xmip_mip4_put_udp_req(q->buf, sizeof(q->buf), (size_t)n, &q->u);
	for (int i = 0; q->faha && i < (q->faha == 3 ? 2 : 1); i++)
		n = xmip_mip4_put_auth(q->buf, sizeof(q->buf), (size_t)n, XMIP_MIP4_EXT_FA_HA_AUTH, &fa);
	assert_true(n > 0);
	q->len = (size_t)n;
	assert_int_equal(xmip_mip4_reg_parse(q->buf, q->len, &q->m), XMIP_MIP4_E_OK);
	q->r.msg = q->buf;
	q->r.m = &q->m;
}

/* Decide with what the HA knows: the node's section, the FA's, its state. */
static void decide(struct rq *q, bool has_last, uint64_t last, const struct xmip_mip4_hb *b,
		   size_t n_b, struct xmip_mip4_ha_decision *d)
{
	struct xmip_mip4_ha_state st = {
		.has_last = has_last, .last_id = last, .b = b, .n_b = n_b,
	};

	rq_build(q);
	st.mn = xmip_mip4_find_mn(C, q->buf, &q->m);
	st.fa = xmip_mip4_find_peer(C, q->r.src);
	xmip_mip4_ha_decide(C, NOW, &q->r, &st, d);
}

static void accepted(const struct xmip_mip4_ha_decision *d)
{
	assert_true(d->reply);
	assert_int_equal(d->code, XMIP_MIP4_ACCEPTED);
	assert_true(d->record_id);
}

static void denied(const struct xmip_mip4_ha_decision *d, uint8_t code)
{
	assert_true(d->reply);
	assert_int_equal(d->code, code);
	assert_int_equal(d->change, XMIP_MIP4_HA_KEEP);
	assert_false(d->record_id);
}

static void test_accept_via_fa(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;
	uint8_t a[4];

	(void)state;
	rq_init(&q);
	q.faha = 1;
	q.f.lifetime = 1000;    /* more than max-lifetime: granted 600 */
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.lifetime, 600);
	assert_int_equal(d.change, XMIP_MIP4_HA_ADD);
	assert_true(d.replace);
	assert_true(d.sign_faha);
	assert_false(d.udp_rep);
	A4("198.51.100.2", a);
	assert_memory_equal(d.nb.coa, a, 4);
	assert_memory_equal(d.nb.dst, a, 4);
	assert_memory_equal(d.nb.fa, a, 4);
	assert_int_equal(d.nb.encap, XMIP_MIP4_ENCAP_IPIP);
	assert_int_equal(d.nb.flags, 0);
	assert_int_equal(d.nb.dport, 0);
	assert_int_equal(d.nb.lifetime_s, 600);
	assert_true(d.nb.id == NOW + 1);
	assert_true(d.id == NOW + 1);
	A4("10.1.0.2", a);
	assert_memory_equal(d.nb.src, a, 4);
}

static void test_silent_discards(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);                       /* unknown node: no association */
	A4("10.1.0.99", q.f.hoa);
	decide(&q, false, 0, NULL, 0, &d);
	assert_false(d.reply);
	assert_int_equal(d.change, XMIP_MIP4_HA_KEEP);
	rq_init(&q);                       /* no authorization-enabling extension */
	q.mnha = 2;
	q.faha = 1;
	decide(&q, false, 0, NULL, 0, &d);
	assert_false(d.reply);
	rq_init(&q);                       /* Foreign-Home from someone without an association */
	A4("203.0.113.9", q.r.src);
	q.faha = 1;
	decide(&q, false, 0, NULL, 0, &d);
	assert_false(d.reply);
	assert_false(d.record_id);
	rq_init(&q);                       /* a reply is not a request */
	q.f.type = XMIP_MIP4_REG_REPLY;
	decide(&q, false, 0, NULL, 0, &d);
	assert_false(d.reply);
}

static void test_131_mn_auth(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);
	q.faha = 1;
	q.mnha = 1;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_MN_AUTH);
	assert_true(d.security);
	rq_init(&q);                       /* the right key under another SPI */
	q.faha = 1;
	q.spi = 4097;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_MN_AUTH);
}

static void test_133_identification(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);                       /* 8 s ahead of our clock, window 7 s */
	q.faha = 1;
	q.f.id = NOW + (8ull << 32) + 0x1234;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_ID_MISMATCH);
	assert_true(d.id == (NOW | 0x1234));   /* our seconds, its low 32 bits (§5.7.1) */
	rq_init(&q);                       /* a replay of the last accepted one */
	q.faha = 1;
	decide(&q, true, NOW + 1, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_ID_MISMATCH);
	assert_true(d.id == (NOW | 1));
	rq_init(&q);                       /* newer than the last: fine */
	q.faha = 1;
	decide(&q, true, NOW, NULL, 0, &d);
	accepted(&d);
	/* Authentication is checked first: a replay with a bad authenticator is 131. */
	rq_init(&q);
	q.faha = 1;
	q.mnha = 1;
	decide(&q, true, NOW + 1, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_MN_AUTH);
}

static void test_132_fa_auth(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	for (int faha = 0; faha <= 3; faha++) {
		if (faha == 1)
			continue;
		rq_init(&q);
		q.faha = faha;
		decide(&q, false, 0, NULL, 0, &d);
		denied(&d, XMIP_MIP4_HA_FA_AUTH);
		assert_true(d.sign_faha);
	}
	/* §3.5.4: a deregistration carries none, and is not refused for it. */
	rq_init(&q);
	q.f.lifetime = 0;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
}

static void test_136_and_129(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;
	uint8_t a[4];
	uint8_t buf[256];
	struct xmip_mip4_reg rep;
	struct xmip_mip4_ha_state st;
	int n;

	(void)state;
	rq_init(&q);                       /* to a broadcast address */
	q.faha = 1;
	q.r.dst_bcast = true;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_UNKNOWN_HA);
	rq_init(&q);                       /* naming another home agent */
	q.faha = 1;
	A4("10.1.0.255", q.f.ha);
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_UNKNOWN_HA);
	/* The reply names us (§3.8.3.2) so the node can retry. */
	st = (struct xmip_mip4_ha_state){ .mn = xmip_mip4_find_mn(C, q.buf, &q.m),
					  .fa = xmip_mip4_find_peer(C, q.r.src) };
	n = xmip_mip4_ha_build_reply(C, &q.r, &st, &d, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &rep), XMIP_MIP4_E_OK);
	A4("10.1.0.2", a);
	assert_memory_equal(rep.ha, a, 4);
	assert_int_equal(rep.code, XMIP_MIP4_HA_UNKNOWN_HA);
	assert_true(xmip_mip4_auth_ok(buf, &rep.ext[rep.mn_ha], &st.mn->sa));
	/* An NAI-identified node claiming another home address: 129. */
	rq_init(&q);
	q.faha = 1;
	q.spi = 4097;
	q.nai = "mn7@example.org";
	A4("10.1.0.100", q.f.hoa);
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_PROHIBITED);
}

static void test_nai_assigns_home_address(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;
	uint8_t a[4];

	(void)state;
	rq_init(&q);
	q.faha = 1;
	q.spi = 4097;
	q.nai = "mn7@example.org";
	memset(q.f.hoa, 0, 4);
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	A4("10.1.0.107", a);
	assert_memory_equal(d.hoa, a, 4);
	assert_memory_equal(d.nb.hoa, a, 4);
	assert_true(d.nai);
	assert_int_equal(d.lifetime, 60);   /* this node's max-lifetime */
}

static void test_134_poorly_formed(void **state)
{
	static const char *const bad_coa[] = { "0.0.0.0", "224.0.0.1", "255.255.255.255",
					       "127.0.0.1", "10.1.0.100", "10.1.0.2" };
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_coa) / sizeof(bad_coa[0]); i++) {
		rq_init(&q);
		q.f.flags = XMIP_MIP4_F_D;
		A4(bad_coa[i], q.f.coa);
		A4("203.0.113.5", q.r.src);
		decide(&q, false, 0, NULL, 0, &d);
		denied(&d, XMIP_MIP4_HA_POORLY_FORMED);
	}
	rq_init(&q);                        /* UDP Tunnel Request from the MN without D */
	q.faha = 1;
	q.udp = true;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_POORLY_FORMED);
	rq_init(&q);                        /* Reserved 3 not zero (RFC 3519 §4.6.1) */
	q.f.flags = XMIP_MIP4_F_D;
	q.udp = true;
	q.u.reserved3 = 1;
	A4("203.0.113.5", q.r.src);
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_POORLY_FORMED);
	rq_init(&q);                        /* the FA's UDP Tunnel Request with D set */
	q.f.flags = XMIP_MIP4_F_D;
	q.udp = true;
	q.udp_after = true;
	q.faha = 1;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_POORLY_FORMED);
}

static void test_encapsulation_139(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);
	q.faha = 1;
	q.f.flags = XMIP_MIP4_F_M;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.nb.encap, XMIP_MIP4_ENCAP_MINENC);
	rq_init(&q);
	q.faha = 1;
	q.f.flags = XMIP_MIP4_F_G;
	decide(&q, false, 0, NULL, 0, &d);
	assert_int_equal(d.nb.encap, XMIP_MIP4_ENCAP_GRE);
	/* mn7 allows ipip and gre: M alone is refused, M|G gets GRE. */
	rq_init(&q);
	q.faha = 1;
	q.spi = 4097;
	A4("10.1.0.107", q.f.hoa);
	q.f.flags = XMIP_MIP4_F_M;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_ENCAP_UNAVAIL);
	q.f.flags = XMIP_MIP4_F_M | XMIP_MIP4_F_G;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.nb.encap, XMIP_MIP4_ENCAP_GRE);
}

static void test_reverse_tunnel_137_138(void **state)
{
	struct xmip_mip4_conf c = *C;
	struct xmip_mip4_ha_state st;
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);
	q.faha = 1;
	q.f.flags = XMIP_MIP4_F_T;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.nb.flags, XMIP_MIP4_BF_REVERSE);
	st = (struct xmip_mip4_ha_state){ .mn = xmip_mip4_find_mn(C, q.buf, &q.m),
					  .fa = xmip_mip4_find_peer(C, q.r.src) };
	c.reverse_tunnel = XMIP_MIP4_RT_NO;
	xmip_mip4_ha_decide(&c, NOW, &q.r, &st, &d);
	denied(&d, XMIP_MIP4_HA_REV_TUN_UNAVAIL);
	c.reverse_tunnel = XMIP_MIP4_RT_REQUIRED;
	xmip_mip4_ha_decide(&c, NOW, &q.r, &st, &d);
	accepted(&d);
	q.f.flags = 0;
	rq_build(&q);
	xmip_mip4_ha_decide(&c, NOW, &q.r, &st, &d);
	denied(&d, XMIP_MIP4_HA_REV_TUN_MANDATORY);
}

static void test_simultaneous_135_and_code1(void **state)
{
	struct xmip_mip4_hb b[2] = { 0 };
	struct xmip_mip4_conf c = *C;
	struct xmip_mip4_ha_state st;
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	A4("198.51.100.7", b[0].coa);
	A4("198.51.100.8", b[1].coa);
	rq_init(&q);
	q.faha = 1;
	q.f.flags = XMIP_MIP4_F_S;
	decide(&q, false, 0, b, 1, &d);     /* one other + this one = 2: fine */
	accepted(&d);
	assert_false(d.replace);
	decide(&q, false, 0, b, 2, &d);     /* two others + this one = 3 > 2 */
	denied(&d, XMIP_MIP4_HA_TOO_MANY_BINDINGS);
	A4("198.51.100.2", b[1].coa);       /* refreshing one of the two: fine */
	decide(&q, false, 0, b, 2, &d);
	accepted(&d);
	q.f.flags = 0;                      /* without S: replace them all */
	decide(&q, false, 0, b, 2, &d);
	accepted(&d);
	assert_true(d.replace);
	/* max-bindings = 1: simultaneous bindings unsupported, code 1, always replace. */
	c.max_bindings = 1;
	q.f.flags = XMIP_MIP4_F_S;
	rq_build(&q);
	st = (struct xmip_mip4_ha_state){ .mn = xmip_mip4_find_mn(C, q.buf, &q.m),
					  .fa = xmip_mip4_find_peer(C, q.r.src), .b = b, .n_b = 2 };
	xmip_mip4_ha_decide(&c, NOW, &q.r, &st, &d);
	assert_true(d.reply);
	assert_int_equal(d.code, XMIP_MIP4_ACCEPTED_NO_SIMUL);
	assert_true(d.replace);
}

static void test_deregistration(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);                        /* from home: CoA = HoA, source HoA */
	q.f.lifetime = 0;
	memcpy(q.f.coa, q.f.hoa, 4);
	memcpy(q.r.src, q.f.hoa, 4);
	decide(&q, true, NOW, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.change, XMIP_MIP4_HA_DEL_ALL);
	assert_int_equal(d.lifetime, 0);
	rq_init(&q);                        /* one care-of address */
	q.f.lifetime = 0;
	decide(&q, true, NOW, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.change, XMIP_MIP4_HA_DEL_ONE);
	rq_init(&q);                        /* a replayed deregistration is refused too */
	q.f.lifetime = 0;
	decide(&q, true, NOW + 1, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_ID_MISMATCH);
}

static void test_udp_tunnel(void **state)
{
	struct xmip_mip4_conf c = *C;
	struct xmip_mip4_ha_state st;
	struct xmip_mip4_ha_decision d;
	struct rq q;
	uint8_t a[4];

	(void)state;
	/* Behind a NAT: source 203.0.113.2:40000, CoA 192.168.7.100. */
	rq_init(&q);
	q.f.flags = XMIP_MIP4_F_D | XMIP_MIP4_F_T;
	A4("192.168.7.100", q.f.coa);
	A4("203.0.113.2", q.r.src);
	q.r.sport = 40000;
	q.udp = true;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_true(d.udp_rep);
	assert_false(d.udp_rep_for_fa);
	assert_int_equal(d.udp.code, XMIP_MIP4_UDP_REP_ACCEPT);
	assert_int_equal(d.udp.flags, 0);
	assert_int_equal(d.udp.keepalive, 30);
	assert_memory_equal(d.nb.dst, q.r.src, 4);
	assert_int_equal(d.nb.dport, 40000);
	A4("192.168.7.100", a);
	assert_memory_equal(d.nb.coa, a, 4);
	assert_int_equal(d.nb.flags, XMIP_MIP4_BF_UDP | XMIP_MIP4_BF_REVERSE | XMIP_MIP4_BF_COLOCATED);
	assert_int_equal(d.nb.keepalive_s, 30);
	assert_int_equal(d.nb.encap, XMIP_MIP4_ENCAP_IPIP);
	assert_false(d.sign_faha);
	/* The same without a NAT (source = CoA): declined, plain IP-in-IP. */
	memcpy(q.r.src, q.f.coa, 4);
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_true(d.udp_rep);
	assert_int_equal(d.udp.code, XMIP_MIP4_UDP_REP_DECLINE);
	assert_int_equal(d.nb.flags & XMIP_MIP4_BF_UDP, 0);
	assert_memory_equal(d.nb.dst, q.f.coa, 4);
	/* Forced (F) without a NAT: accepted, F echoed. */
	q.u.flags = XMIP_MIP4_UDP_REQ_F;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.udp.code, XMIP_MIP4_UDP_REP_ACCEPT);
	assert_int_equal(d.udp.flags, XMIP_MIP4_UDP_REP_F);
	assert_true(d.nb.flags & XMIP_MIP4_BF_FORCED);
	/* R (co-located through an FA): declined. */
	q.u.flags = XMIP_MIP4_UDP_REQ_R;
	A4("203.0.113.2", q.r.src);
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.udp.code, XMIP_MIP4_UDP_REP_DECLINE);
	/* An encapsulation asked for in the extension: GRE in UDP; unknown ones: 142. */
	q.u.flags = 0;
	q.u.encap = XMIP_MIP4_PROTO_GRE;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	assert_int_equal(d.nb.encap, XMIP_MIP4_ENCAP_GRE);
	q.u.encap = 99;
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_UDP_ENCAP_UNAVAIL);
	q.u.encap = XMIP_MIP4_PROTO_MINENC;   /* mn7 does not allow minimal */
	q.spi = 4097;
	A4("10.1.0.107", q.f.hoa);
	decide(&q, false, 0, NULL, 0, &d);
	denied(&d, XMIP_MIP4_HA_UDP_ENCAP_UNAVAIL);
	/* udp-tunnel = no: behind a NAT, or forced, is 129. */
	rq_init(&q);
	q.f.flags = XMIP_MIP4_F_D;
	A4("192.168.7.100", q.f.coa);
	A4("203.0.113.2", q.r.src);
	q.udp = true;
	rq_build(&q);
	st = (struct xmip_mip4_ha_state){ .mn = xmip_mip4_find_mn(C, q.buf, &q.m) };
	c.udp_tunnel = XMIP_MIP4_UDP_NO;
	xmip_mip4_ha_decide(&c, NOW, &q.r, &st, &d);
	denied(&d, XMIP_MIP4_HA_PROHIBITED);
}

/* The reply: §3.8.3.3 order, authenticators verifiable by the MN and the FA. */
static void test_build_reply(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct xmip_mip4_ha_state st;
	struct xmip_mip4_reg rep;
	struct xmip_mip4_udp_rep u;
	struct rq q;
	uint8_t buf[256];
	int n;

	(void)state;
	rq_init(&q);
	q.f.flags = XMIP_MIP4_F_D;
	q.spi = 4097;
	q.nai = "mn7@example.org";
	A4("10.1.0.107", q.f.hoa);
	A4("192.168.7.100", q.f.coa);
	q.udp = true;
	q.faha = 1;             /* co-located, relayed by an FA that signs (a NAT to the HA) */
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	st = (struct xmip_mip4_ha_state){ .mn = xmip_mip4_find_mn(C, q.buf, &q.m),
					  .fa = xmip_mip4_find_peer(C, q.r.src) };
	assert_non_null(st.fa);
	n = xmip_mip4_ha_build_reply(C, &q.r, &st, &d, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(xmip_mip4_reg_parse(buf, (size_t)n, &rep), XMIP_MIP4_E_OK);
	assert_int_equal(rep.type, XMIP_MIP4_REG_REPLY);
	assert_int_equal(rep.code, 0);
	assert_int_equal(rep.lifetime, 60);
	assert_true(rep.id == q.f.id);
	assert_memory_equal(rep.hoa, q.f.hoa, 4);
	assert_int_equal(rep.n_ext, 4);
	assert_int_equal(rep.nai, 0);
	assert_int_equal(rep.udp_rep, 1);
	assert_int_equal(rep.mn_ha, 2);
	assert_int_equal(rep.fa_ha, 3);
	xmip_mip4_udp_rep_view(buf, &rep.ext[1], &u);
	assert_int_equal(u.code, XMIP_MIP4_UDP_REP_ACCEPT);
	assert_int_equal(u.keepalive, 30);
	assert_true(xmip_mip4_auth_ok(buf, &rep.ext[2], &st.mn->sa));
	assert_true(xmip_mip4_auth_ok(buf, &rep.ext[3], &st.fa->sa));
	/* Too small a buffer: -1, and no reply without a node. */
	assert_int_equal(xmip_mip4_ha_build_reply(C, &q.r, &st, &d, buf, (size_t)n - 1), -1);
	st.mn = NULL;
	assert_int_equal(xmip_mip4_ha_build_reply(C, &q.r, &st, &d, buf, sizeof(buf)), -1);
}

static void test_fail_130(void **state)
{
	struct xmip_mip4_ha_decision d;
	struct rq q;

	(void)state;
	rq_init(&q);
	q.faha = 1;
	decide(&q, false, 0, NULL, 0, &d);
	accepted(&d);
	/* The datapath could not take the binding: the acceptance becomes a 130. */
	xmip_mip4_ha_fail(&d, XMIP_MIP4_HA_RESOURCES, "binding table full");
	denied(&d, XMIP_MIP4_HA_RESOURCES);
	assert_int_equal(d.lifetime, 0);
	xmip_mip4_ha_fail(&d, XMIP_MIP4_HA_UNSPECIFIED, "could not build");
	denied(&d, XMIP_MIP4_HA_UNSPECIFIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_via_fa),
		cmocka_unit_test(test_silent_discards),
		cmocka_unit_test(test_131_mn_auth),
		cmocka_unit_test(test_133_identification),
		cmocka_unit_test(test_132_fa_auth),
		cmocka_unit_test(test_136_and_129),
		cmocka_unit_test(test_nai_assigns_home_address),
		cmocka_unit_test(test_134_poorly_formed),
		cmocka_unit_test(test_encapsulation_139),
		cmocka_unit_test(test_reverse_tunnel_137_138),
		cmocka_unit_test(test_simultaneous_135_and_code1),
		cmocka_unit_test(test_deregistration),
		cmocka_unit_test(test_udp_tunnel),
		cmocka_unit_test(test_build_reply),
		cmocka_unit_test(test_fail_130),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
