// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The DC's pure parts (agentd/ntm/): the route decision table of
 * docs/ntmobile.md section 12, path ids, virtual address pools (stable per
 * name, never the network or broadcast address, exhaustion, restore), the
 * _ntm TXT record syntax, and DNS responses built here octet by octet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "ntm_dns.h"
#include "ntm_route.h"
#include "ntm_txt.h"

static struct xmip_ntm_side side(const char *a, uint16_t flags, bool gn)
{
	struct xmip_ntm_side s = { .gn = gn, .flags = flags };

	if (inet_pton(AF_INET, a, s.ep.addr + 12) == 1)
		s.ep.addr[10] = s.ep.addr[11] = 0xff;
	else
		inet_pton(AF_INET6, a, s.ep.addr);
	return s;
}

#define ALL (XMIP_NTM_RELAY_MODE_S | XMIP_NTM_RELAY_MODE_N)

static void test_decide(void **state)
{
	struct xmip_ntm_side pub = side("203.0.113.5", 0, false), nat = side("198.51.100.7", XMIP_NTM_F_NAT, false);
	struct xmip_ntm_side fw = side("203.0.113.6", XMIP_NTM_F_UNREACHABLE, false);
	struct xmip_ntm_side gn = side("203.0.113.80", 0, true), v6 = side("2001:db8::5", 0, false);
	struct xmip_ntm_decision d;

	(void)state;
	xmip_ntm_decide(&nat, &pub, ALL, &d);       /* the target reachable: direct, requester starts */
	assert_int_equal(d.mode, XMIP_NTM_MODE_DIRECT);
	assert_true(d.requester_initiates && !d.target_initiates);
	xmip_ntm_decide(&pub, &nat, ALL, &d);       /* only the requester reachable: the target starts */
	assert_int_equal(d.mode, XMIP_NTM_MODE_DIRECT);
	assert_true(!d.requester_initiates && d.target_initiates);
	xmip_ntm_decide(&pub, &fw, ALL, &d);        /* U counts as unreachable */
	assert_true(d.target_initiates);
	xmip_ntm_decide(&nat, &nat, ALL, &d);       /* both behind NATs: RS-S, both start */
	assert_int_equal(d.mode, XMIP_NTM_MODE_RS_S);
	assert_true(d.requester_initiates && d.target_initiates);
	assert_int_equal(d.status, 0);
	xmip_ntm_decide(&nat, &fw, XMIP_NTM_RELAY_MODE_N, &d);   /* no RS-S configured */
	assert_int_equal(d.status, XMIP_NTM_ERR_NO_RELAY);
	xmip_ntm_decide(&pub, &gn, ALL, &d);        /* a General Node: RS-N even when reachable */
	assert_int_equal(d.mode, XMIP_NTM_MODE_RS_N);
	assert_true(d.requester_initiates && !d.target_initiates);
	xmip_ntm_decide(&pub, &gn, XMIP_NTM_RELAY_MODE_S, &d);
	assert_int_equal(d.status, XMIP_NTM_ERR_NO_RELAY);
	xmip_ntm_decide(&pub, &v6, ALL, &d);        /* IPv4 to IPv6: only a relay joins them */
	assert_int_equal(d.mode, XMIP_NTM_MODE_RS_S);
}

static void test_path_id(void **state)
{
	(void)state;
	for (int i = 0; i < 1000; i++) {
		uint32_t a, b;

		assert_int_equal(xmip_ntm_path_id(XMIP_NTM_MODE_RS_N, &a), 0);
		assert_int_equal(xmip_ntm_path_id(XMIP_NTM_MODE_DIRECT, &b), 0);
		assert_true(a & XMIP_NTM_PATH_RSN_BIT);
		assert_false(b & XMIP_NTM_PATH_RSN_BIT);
		assert_int_not_equal(b, 0);
	}
}

static void test_pool(void **state)
{
	struct xmip_ntm_pool p, q;
	uint8_t p4[4] = { 10, 200, 0, 0 }, p6[16] = { 0xfd, 0, 0, 0x0a };
	uint8_t a4[4], a6[16], b4[4], b6[16], c4[4], c6[16];
	char name[32];

	(void)state;
	xmip_ntm_pool_init(&p, p4, 16, p6, 64);
	assert_int_equal(xmip_ntm_pool_get(&p, "mn.a.example", a4, a6), 1);
	assert_int_equal(xmip_ntm_pool_get(&p, "cn.a.example", b4, b6), 1);
	assert_int_equal(xmip_ntm_pool_get(&p, "mn.a.example", c4, c6), 0);   /* stable */
	assert_memory_equal(a4, c4, 4);
	assert_memory_equal(a6, c6, 16);
	assert_memory_not_equal(a4, b4, 4);
	assert_memory_equal(a4, p4, 2);
	assert_memory_equal(a6, p6, 8);
	/* the same assignment in a fresh pool: a function of the name (until names collide) */
	xmip_ntm_pool_init(&q, p4, 16, p6, 64);
	assert_int_equal(xmip_ntm_pool_get(&q, "mn.a.example", c4, c6), 1);
	assert_memory_equal(a4, c4, 4);
	/* restore: taken addresses and foreign prefixes are refused */
	assert_int_equal(xmip_ntm_pool_restore(&q, "x.a.example", a4, b6), -1);
	c4[0] = 11;
	assert_int_equal(xmip_ntm_pool_restore(&q, "x.a.example", c4, b6), -1);
	assert_int_equal(xmip_ntm_pool_restore(&q, "x.a.example", b4, b6), 0);
	xmip_ntm_pool_free(&q);
	xmip_ntm_pool_free(&p);
	/* a /30 has two usable IPv4 hosts: .1 and .2, never .0 or .3 */
	p4[2] = 7;
	xmip_ntm_pool_init(&p, p4, 30, p6, 64);
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "n%d.a.example", i);
		assert_int_equal(xmip_ntm_pool_get(&p, name, a4, a6), 1);
		assert_true(a4[3] == 1 || a4[3] == 2);
	}
	assert_int_equal(xmip_ntm_pool_get(&p, "n3.a.example", a4, a6), -1);   /* exhausted */
	xmip_ntm_pool_free(&p);
}

static void test_txt(void **state)
{
	struct xmip_ntm_txt t;
	const char *ok1 = "v=ntm1 dc=b.example addr=203.0.113.20";
	const char *ok2 = "v=ntm1 dc=b.example addr=2001:db8::20 addr=203.0.113.20 port=49700 x=later";

	(void)state;
	assert_int_equal(xmip_ntm_txt_parse(ok1, strlen(ok1), &t), 0);
	assert_string_equal(t.dc, "b.example");
	assert_int_equal(t.n_addr, 1);
	assert_int_equal(t.addr[0][10], 0xff);
	assert_int_equal(t.port, 49600);
	assert_int_equal(xmip_ntm_txt_parse(ok2, strlen(ok2), &t), 0);
	assert_int_equal(t.n_addr, 2);
	assert_int_equal(t.port, 49700);
	/* not ours */
	assert_int_equal(xmip_ntm_txt_parse("v=spf1 -all", 11, &t), 1);
	assert_int_equal(xmip_ntm_txt_parse("\"v=ntm1 dc=b.example addr=1.2.3.4\"", 34, &t), 1);
	assert_int_equal(xmip_ntm_txt_parse("", 0, &t), 1);
	assert_int_equal(xmip_ntm_txt_parse("v=ntm10", 7, &t), 1);
	/* ours, invalid */
	static const char *const bad[] = {
		"v=ntm1", "v=ntm1 dc=b.example", "v=ntm1 addr=1.2.3.4", "v=ntm1 dc=B.example addr=1.2.3.4",
		"v=ntm1 dc=b.example addr=1.2.3", "v=ntm1 dc=b.example addr=1.2.3.4 port=0",
		"v=ntm1 dc=b.example addr=1.2.3.4 port=65536", "v=ntm1 dc=b.example  addr=1.2.3.4",
		"v=ntm1 dc=b.example addr=1.2.3.4 addr=::1 addr=::2", "v=ntm1 dc=a dc=b addr=::1",
		"v=ntm1 dc=b.example addr=1.2.3.4 junk",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (xmip_ntm_txt_parse(bad[i], strlen(bad[i]), &t) != -1)
			fail_msg("accepted '%s'", bad[i]);
	/* the length bounds the parse: a valid record cut short is invalid */
	assert_int_equal(xmip_ntm_txt_parse(ok1, 20, &t), -1);
}

/* A response: header, question _ntm.b.example TXT, answers as given. */
static size_t dns_resp(uint8_t *b, uint16_t id, uint8_t rcode, int type, const uint8_t *rdata,
		       size_t rdlen, int count)
{
	static const uint8_t qname[] = "\x04_ntm\x01" "b\x07" "example";
	size_t n = 0;

	b[n++] = (uint8_t)(id >> 8);
	b[n++] = (uint8_t)id;
	b[n++] = 0x84;      /* QR, AA */
	b[n++] = rcode;
	b[n++] = 0; b[n++] = 1;
	b[n++] = 0; b[n++] = (uint8_t)count;
	b[n++] = 0; b[n++] = 0; b[n++] = 0; b[n++] = 0;
	memcpy(b + n, qname, sizeof(qname));
	n += sizeof(qname);
	b[n++] = 0; b[n++] = (uint8_t)type; b[n++] = 0; b[n++] = 1;
	for (int i = 0; i < count; i++) {
		b[n++] = 0xc0; b[n++] = 12;        /* name: pointer to the question */
		b[n++] = 0; b[n++] = (uint8_t)type; b[n++] = 0; b[n++] = 1;
		b[n++] = 0; b[n++] = 0; b[n++] = 0; b[n++] = 60;
		b[n++] = 0; b[n++] = (uint8_t)rdlen;
		memcpy(b + n, rdata, rdlen);
		n += rdlen;
	}
	return n;
}

static void test_dns_parse(void **state)
{
	static struct xmip_ntm_dns_answer a;
	uint8_t b[512];
	const uint8_t txt[] = "\x0bv=ntm1 dc=b\x1e.example addr=203.0.113.20 end";
	const uint8_t v4[4] = { 203, 0, 113, 80 };
	size_t n;

	(void)state;
	n = dns_resp(b, 0x1234, 0, XMIP_NTM_DNS_TXT, txt, sizeof(txt) - 1, 1);
	assert_int_equal(xmip_ntm_dns_parse(b, n, 0x1234, XMIP_NTM_DNS_TXT, &a), 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.txt[0], "v=ntm1 dc=b.example addr=203.0.113.20 end");   /* joined */
	assert_int_equal(xmip_ntm_dns_parse(b, n, 0x1235, XMIP_NTM_DNS_TXT, &a), -1);  /* other id */
	for (size_t cut = 0; cut < n; cut++)          /* every truncation is refused */
		assert_int_equal(xmip_ntm_dns_parse(b, cut, 0x1234, XMIP_NTM_DNS_TXT, &a), -1);
	n = dns_resp(b, 7, 3, XMIP_NTM_DNS_TXT, txt, 0, 0);        /* NXDOMAIN: no records */
	assert_int_equal(xmip_ntm_dns_parse(b, n, 7, XMIP_NTM_DNS_TXT, &a), 0);
	assert_int_equal(a.n, 0);
	n = dns_resp(b, 7, 2, XMIP_NTM_DNS_TXT, txt, 0, 0);        /* SERVFAIL */
	assert_int_equal(xmip_ntm_dns_parse(b, n, 7, XMIP_NTM_DNS_TXT, &a), -1);
	n = dns_resp(b, 9, 0, XMIP_NTM_DNS_A, v4, 4, 2);
	assert_int_equal(xmip_ntm_dns_parse(b, n, 9, XMIP_NTM_DNS_A, &a), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.addr[0][10], 0xff);
	assert_memory_equal(a.addr[0] + 12, v4, 4);
	assert_int_equal(xmip_ntm_dns_parse(b, n, 9, XMIP_NTM_DNS_AAAA, &a), 0);     /* not that type */
	assert_int_equal(a.n, 0);
	/* a TXT character-string longer than its RDATA is skipped */
	n = dns_resp(b, 5, 0, XMIP_NTM_DNS_TXT, (const uint8_t *)"\x09short", 6, 1);
	assert_int_equal(xmip_ntm_dns_parse(b, n, 5, XMIP_NTM_DNS_TXT, &a), 0);
	assert_int_equal(a.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_path_id),
		cmocka_unit_test(test_pool),
		cmocka_unit_test(test_txt),
		cmocka_unit_test(test_dns_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
