// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agentd/core/icmp4_report.c: the HA's IPv4 reports (a Fragmentation Needed
 * from inside a Mobile IPv4 tunnel, RFC 2003 §5.1) and the tunnel MTU a
 * binding learns from one; agentd/core/pmtu_age.c: its aging (RFC 1191
 * §6.3). The reports are the fuzz seeds selftests/fuzz/icmp_report/fn4_*,
 * built by Scapy (selftests/fuzz/gen_icmp4_seeds.py) as the datapath hands
 * them over (selftests/bpf/test_mip4_icmp.py checks that it does).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "seed_file.h"

#include "icmp4_report.h"
#include "pmtu_age.h"
#include "xmip_maps.h"

static uint32_t a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	return load_seed("icmp_report", name, buf, cap);
}

static void parse(const char *name, struct xmip_icmp4_report *r)
{
	uint8_t buf[600];
	size_t n = load(name, buf, sizeof(buf));

	assert_int_equal(xmip_icmp4_report_parse(buf, n, r), 0);
}

/* A Mobile IPv4 binding through `end` (and UDP port, 0: none). */
static struct xmip_binding binding(uint8_t encap, const char *end, uint16_t port, uint16_t pmtu)
{
	struct xmip_binding b;
	uint32_t e = a4(end);
	uint16_t p = htons(port);

	memset(&b, 0, sizeof(b));
	b.encap = encap;
	b.coa[10] = b.coa[11] = 0xff;
	memcpy(b.coa + 12, &e, 4);
	memcpy(b.coa + XMIP_FW_UDP_PORT_OFF, &p, 2);
	b.path_mtu = pmtu;
	return b;
}

static void test_parse_each_form(void **state)
{
	struct xmip_icmp4_report r;

	(void)state;
	parse("fn4_ipip", &r);
	assert_int_equal(r.mtu, 1300);
	assert_int_equal(r.proto, 4);
	assert_int_equal(r.port, 0);
	assert_true(r.tun_src == a4("198.51.100.2") && r.tun_dst == a4("203.0.113.9"));
	assert_true(r.from == a4("198.51.100.77") && r.to == a4("198.51.100.2"));
	assert_true(r.has_hoa && r.hoa == a4("192.0.2.100"));
	assert_int_equal(r.quoted_len, 20 + 20 + 8 + 1400);

	parse("fn4_ipip_short", &r);       /* 8 octets past the outer header: no home address */
	assert_int_equal(r.proto, 4);
	assert_false(r.has_hoa);

	parse("fn4_gre_udp", &r);
	assert_int_equal(r.proto, 47);
	assert_int_equal(r.port, 4660);
	assert_true(r.tun_dst == a4("203.0.113.7"));
	assert_true(r.has_hoa && r.hoa == a4("192.0.2.100"));

	parse("fn4_minenc", &r);           /* the forwarding header names the original destination */
	assert_int_equal(r.proto, 55);
	assert_true(r.has_hoa && r.hoa == a4("192.0.2.100"));
	assert_int_equal(r.quoted_len, 20 + 12 + 8 + 1400);

	parse("fn4_minenc_udp_short", &r); /* UDP + type 4 + 8 octets of it: still enough */
	assert_int_equal(r.proto, 55);
	assert_int_equal(r.port, 4660);
	assert_true(r.has_hoa && r.hoa == a4("192.0.2.100"));
}

static void test_parse_refuses_what_is_not_ours(void **state)
{
	struct xmip_icmp4_report r;
	uint8_t buf[600], c[600];
	size_t n = load("fn4_ipip", buf, sizeof(buf));

	(void)state;
	memcpy(c, buf, n);
	c[21] = 1;                                    /* code 1: not Fragmentation Needed */
	assert_int_equal(xmip_icmp4_report_parse(c, n, &r), -EINVAL);
	memcpy(c, buf, n);
	c[28 + 9] = 6;                                /* quoted protocol TCP: not a tunnel */
	assert_int_equal(xmip_icmp4_report_parse(c, n, &r), -EINVAL);
	memcpy(c, buf, n);
	c[28] = 0x46;                                 /* options: not one of ours */
	assert_int_equal(xmip_icmp4_report_parse(c, n, &r), -EINVAL);
	for (size_t k = 0; k < 48; k++)               /* truncated before the quoted header's end */
		assert_int_equal(xmip_icmp4_report_parse(buf, k, &r), -EINVAL);
	n = load("fn4_gre_udp", buf, sizeof(buf));
	memcpy(c, buf, n);
	c[28 + 20 + 1] = 99;                          /* UDP not from 434 */
	assert_int_equal(xmip_icmp4_report_parse(c, n, &r), -EINVAL);
	n = load("ptb", buf, sizeof(buf));            /* an ICMPv6 report */
	assert_int_equal(xmip_icmp4_report_parse(buf, n, &r), -EINVAL);
}

static void test_pmtu_for_the_tunnels_binding(void **state)
{
	const uint32_t self = a4("198.51.100.2"), hoa = a4("192.0.2.100");
	struct xmip_icmp4_report r;
	struct xmip_binding b;

	(void)state;
	parse("fn4_ipip", &r);
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.9", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 1300);
	/* minimal or GRE to the same end: the path is the same */
	b = binding(XMIP_ENCAP_MIP4_MINENC, "203.0.113.9", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 1300);
	/* only down: a binding knowing 1280 keeps it; one knowing 1400 takes 1300 */
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.9", 0, 1280);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.9", 0, 1400);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 1300);
	/* another tunnel end, a UDP port the report does not have, another home
	 * address, another HA address, a DSMIPv6 or Mobile IPv6 record: nothing */
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.10", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.9", 4660, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.9", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, a4("192.0.2.101"), &b), 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, a4("198.51.100.3"), hoa, &b), 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, 0, hoa, &b), 0);
	b = binding(XMIP_ENCAP_IP4, "203.0.113.9", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);
	b = binding(XMIP_ENCAP_IP6IP6, "203.0.113.9", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);

	/* through a NAT: the binding with that port */
	parse("fn4_gre_udp", &r);
	b = binding(XMIP_ENCAP_MIP4_GRE, "203.0.113.7", 4660, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 1280);
	b = binding(XMIP_ENCAP_MIP4_GRE, "203.0.113.7", 4661, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);

	/* a short quote names no home address: any binding through that end */
	parse("fn4_ipip_short", &r);
	b = binding(XMIP_ENCAP_MIP4_IPIP, "203.0.113.9", 0, 0);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 1300);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, a4("192.0.2.101"), &b), 1300);

	/* never under the floor (a forged 300) */
	parse("fn4_low", &r);
	assert_int_equal(r.mtu, 300);
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), XMIP_PMTU4_FLOOR);
	b.path_mtu = XMIP_PMTU4_FLOOR;
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);

	/* RFC 1191 §5: an old router's 0, and a value not below the quoted length */
	parse("fn4_ipip", &r);
	b.path_mtu = 0;
	r.mtu = 0;
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);
	r.mtu = r.quoted_len;
	assert_int_equal(xmip_icmp4_pmtu(&r, self, hoa, &b), 0);
}

static void test_aging(void **state)
{
	static struct xmip_pmtu_age a;
	uint8_t h1[16] = { [15] = 1 }, h2[16] = { [15] = 2 }, got[16], ev[16];
	const uint64_t T = XMIP_PMTU_AGE_NS;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(xmip_pmtu_age_next(&a), 0);
	assert_int_equal(xmip_pmtu_age_note(&a, h1, 1000, T, ev), 0);
	assert_int_equal(xmip_pmtu_age_note(&a, h2, 2000, T, ev), 0);
	assert_int_equal(xmip_pmtu_age_next(&a), 1000 + T);
	assert_int_equal(xmip_pmtu_age_due(&a, 1000 + T - 1, got), 0);
	/* lowered again: 10 minutes from then */
	assert_int_equal(xmip_pmtu_age_note(&a, h1, 3000, T, ev), 0);
	assert_int_equal(xmip_pmtu_age_next(&a), 2000 + T);
	assert_int_equal(xmip_pmtu_age_due(&a, 3000 + T, got), 1);
	assert_memory_equal(got, h2, 16);
	assert_int_equal(xmip_pmtu_age_due(&a, 3000 + T, got), 1);
	assert_memory_equal(got, h1, 16);
	assert_int_equal(xmip_pmtu_age_due(&a, UINT64_MAX, got), 0);
	/* full: the one due first is handed back to be forgotten now */
	for (unsigned i = 0; i < XMIP_PMTU_AGE_MAX; i++) {
		uint8_t h[16] = { [0] = (uint8_t)(i >> 8), [1] = (uint8_t)i, [15] = 9 };

		assert_int_equal(xmip_pmtu_age_note(&a, h, 10 + i, T, ev), 0);
	}
	assert_int_equal(xmip_pmtu_age_note(&a, h1, 100000, T, ev), 1);
	assert_int_equal(ev[0], 0);
	assert_int_equal(ev[1], 0);
	assert_int_equal(ev[15], 9);
	assert_int_equal(a.n, XMIP_PMTU_AGE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_each_form),
		cmocka_unit_test(test_parse_refuses_what_is_not_ours),
		cmocka_unit_test(test_pmtu_for_the_tunnels_binding),
		cmocka_unit_test(test_aging),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
