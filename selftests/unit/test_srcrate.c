// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the agent sends back is rate-limited: GCRA buckets overall and per
 * source (an IPv6 /64, an IPv4-mapped address), and the ICMPv6 errors built
 * on them (Parameter Problem, RFC 6275 §9.2, RFC 4443 §2.4).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "csum.h"
#include "icmp6err.h"
#include "srcrate.h"

#define SEC 1000000000ULL

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static void test_gcra_burst_then_rate(void **state)
{
	struct xmip_gcra g;
	uint64_t t = 100 * SEC;
	int n = 0;

	(void)state;
	xmip_gcra_init(&g, 10, 5);
	while (xmip_gcra_take(&g, t))
		n++;
	assert_int_equal(n, 5);                      /* the burst, at one instant */
	assert_false(xmip_gcra_take(&g, t + SEC / 10 - 1));
	assert_true(xmip_gcra_take(&g, t + SEC / 10));  /* one interval later: one more */
	assert_false(xmip_gcra_take(&g, t + SEC / 10));
	/* Idle for long: the burst again, never more. */
	n = 0;
	while (xmip_gcra_take(&g, t + 100 * SEC))
		n++;
	assert_int_equal(n, 5);
}

static void test_per_source_is_per_64_and_per_ipv4_address(void **state)
{
	struct xmip_srcrate r;
	struct in6_addr a1 = A("2001:db8:a::1"), a2 = A("2001:db8:a::ffff:2"),
			b = A("2001:db8:b::1"), v4a = A("::ffff:198.51.100.7"),
			v4b = A("::ffff:198.51.100.8");
	uint8_t k1[16], k2[16];
	uint64_t t = 5 * SEC;

	(void)state;
	xmip_srcrate_key(&a1, k1);
	xmip_srcrate_key(&a2, k2);
	assert_memory_equal(k1, k2, 16);             /* one /64 */
	xmip_srcrate_key(&v4a, k1);
	xmip_srcrate_key(&v4b, k2);
	assert_memory_not_equal(k1, k2, 16);         /* IPv4: per address */
	assert_memory_equal(k1, &v4a, 16);

	assert_int_equal(xmip_srcrate_init(&r, 1000, 1, 2), 0);
	assert_int_equal(r.n, 1024);
	assert_true(xmip_srcrate_take(&r, &a1, t));
	assert_true(xmip_srcrate_take(&r, &a2, t));  /* same /64: the bucket's second token */
	assert_false(xmip_srcrate_take(&r, &a1, t));
	assert_true(xmip_srcrate_take(&r, &b, t));   /* another /64: its own bucket */
	assert_true(xmip_srcrate_take(&r, &v4a, t));
	assert_true(xmip_srcrate_take(&r, &v4a, t));
	assert_false(xmip_srcrate_take(&r, &v4a, t));
	assert_true(xmip_srcrate_take(&r, &v4b, t));
	assert_true(xmip_srcrate_take(&r, &a1, t + SEC));   /* 1 a second */
	assert_false(xmip_srcrate_take(&r, &a1, t + SEC));
	xmip_srcrate_free(&r);
}

/* A source whose slot another took starts afresh: never less than its burst. */
static void test_direct_mapped_eviction(void **state)
{
	struct xmip_srcrate r;
	struct in6_addr a = A("2001:db8:a::1"), other;
	uint64_t t = SEC;
	int evicted = 0;

	(void)state;
	assert_int_equal(xmip_srcrate_init(&r, 1, 1, 1), 0);   /* one slot */
	assert_true(xmip_srcrate_take(&r, &a, t));
	assert_false(xmip_srcrate_take(&r, &a, t));
	for (int i = 0; i < 4; i++) {
		other = A("2001:db8:c::1");
		other.s6_addr[5] = (uint8_t)i;
		evicted += xmip_srcrate_take(&r, &other, t);
	}
	assert_int_equal(evicted, 4);
	assert_true(xmip_srcrate_take(&r, &a, t));
	xmip_srcrate_free(&r);
}

static void test_param_problem_packet(void **state)
{
	struct in6_addr ha = A("2001:db8:1::2"), coa = A("2001:db8:a::100");
	uint8_t inv[2000], out[1400];
	int len;

	(void)state;
	memset(inv, 0xab, sizeof(inv));
	inv[0] = 0x60;
	len = xmip_icmp6_build_error(out, sizeof(out), &ha, &coa, XMIP_ICMP6_PARAM_PROB, 0, 65,
				     inv, 100);
	assert_int_equal(len, 40 + 8 + 100);
	assert_int_equal(out[0], 0x60);
	assert_int_equal(out[4] << 8 | out[5], 108);
	assert_int_equal(out[6], 58);
	assert_memory_equal(out + 8, &ha, 16);
	assert_memory_equal(out + 24, &coa, 16);
	assert_int_equal(out[40], 4);
	assert_int_equal(out[41], 0);
	assert_int_equal(out[44] << 24 | out[45] << 16 | out[46] << 8 | out[47], 65);
	assert_memory_equal(out + 48, inv, 100);
	assert_int_equal(xmip_csum_ip6(&ha, &coa, 58, out + 40, 108), 0);
	/* A long packet is cut so that the error fits in 1280 octets. */
	len = xmip_icmp6_build_error(out, sizeof(out), &ha, &coa, 4, 0, 64, inv, sizeof(inv));
	assert_int_equal(len, 1280);
	assert_int_equal(xmip_csum_ip6(&ha, &coa, 58, out + 40, 1240), 0);
	assert_int_equal(xmip_icmp6_build_error(out, 100, &ha, &coa, 4, 0, 64, inv, 100), -1);
}

static void test_no_error_about_multicast_or_unspecified(void **state)
{
	struct in6_addr uni = A("2001:db8:a::1"), ha = A("2001:db8:1::2");
	struct in6_addr mc = A("ff02::1"), zero = A("::"), lo = A("::1");

	(void)state;
	assert_true(xmip_icmp6_error_allowed(&uni, &ha));
	assert_false(xmip_icmp6_error_allowed(&mc, &ha));
	assert_false(xmip_icmp6_error_allowed(&zero, &ha));
	assert_false(xmip_icmp6_error_allowed(&lo, &ha));
	assert_false(xmip_icmp6_error_allowed(&uni, &mc));
}

/* The sender's limits: per source first, then overall. (No socket: a
 * send that passes the limits fails and says so with -1.) */
static void test_error_rate_limits(void **state)
{
	struct xmip_icmp6err e;
	uint8_t inv[80] = { 0x60 };
	struct in6_addr src = A("2001:db8:a::1"), dst = A("2001:db8:1::2");
	int passed = 0, held = 0;

	(void)state;
	assert_int_equal(xmip_icmp6err_init(&e), 0);
	memcpy(inv + 8, &src, 16);
	memcpy(inv + 24, &dst, 16);
	for (int i = 0; i < 10; i++) {
		int rc = xmip_icmp6err_send(&e, -1, 0, 4, 0, 64, inv, sizeof(inv), SEC);

		passed += rc < 0;
		held += rc == 0;
	}
	assert_int_equal(passed, XMIP_ICMP6_ERR_SRC_BURST);
	assert_int_equal(held, 10 - XMIP_ICMP6_ERR_SRC_BURST);
	/* Other sources, until the overall bucket is empty too. */
	passed = held = 0;
	for (int i = 0; i < 40; i++) {
		int rc;

		inv[8 + 5] = (uint8_t)(i + 1);      /* another /64 each time */
		rc = xmip_icmp6err_send(&e, -1, 0, 4, 0, 64, inv, sizeof(inv), SEC);
		passed += rc < 0;
		held += rc == 0;
	}
	assert_int_equal(passed, XMIP_ICMP6_ERR_BURST - XMIP_ICMP6_ERR_SRC_BURST);
	assert_int_equal(e.limited, (uint64_t)(10 - XMIP_ICMP6_ERR_SRC_BURST) + (uint64_t)held);
	xmip_icmp6err_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcra_burst_then_rate),
		cmocka_unit_test(test_per_source_is_per_64_and_per_ipv4_address),
		cmocka_unit_test(test_direct_mapped_eviction),
		cmocka_unit_test(test_param_problem_packet),
		cmocka_unit_test(test_no_error_about_multicast_or_unspecified),
		cmocka_unit_test(test_error_rate_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
