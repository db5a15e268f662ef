// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Duplicate Address Detection on behalf of a mobile node (RFC 6275 §10.3.1,
 * RFC 4862 §5.4): its outcomes (free; in use because of the home address;
 * in use because of the link-local address only), the probes it sends and
 * the Neighbor Solicitations and Advertisements it believes (RFC 4861
 * §7.1), parsed without reading past their length.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csum.h"
#include "dad.h"
#include "nd.h"

static const uint8_t our_nonce[6] = { 1, 2, 3, 4, 5, 6 };

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct xmip_nd_msg na_for(const char *target)
{
	struct xmip_nd_msg m = { .type = XMIP_ND_NA, .src = A("2001:db8:1::1"),
				 .dst = A("ff02::1"), .target = A(target), .na_flags = 0x20 };

	return m;
}

static struct xmip_nd_msg dad_ns_for(const char *target, const uint8_t *nonce)
{
	struct xmip_nd_msg m = { .type = XMIP_ND_NS, .dst = A("ff02::1:ff00:100"),
				 .target = A(target) };

	if (nonce) {
		m.has_nonce = true;
		memcpy(m.nonce, nonce, 6);
	}
	return m;
}

static void test_free_after_all_probes(void **state)
{
	struct xmip_dad d;
	struct in6_addr hoa = A("2001:db8:1::100");

	(void)state;
	xmip_dad_init(&d, &hoa, false, 1, 1000, our_nonce);
	assert_int_equal(d.n_targets, 1);
	assert_true(xmip_dad_tick(&d));          /* probe now */
	assert_int_equal(d.state, XMIP_DAD_RUNNING);
	assert_false(xmip_dad_tick(&d));         /* 1 s later: nobody answered */
	assert_int_equal(d.state, XMIP_DAD_FREE);
	assert_false(xmip_dad_tick(&d));
	/* DupAddrDetectTransmits 3: three rounds, then free. */
	xmip_dad_init(&d, &hoa, true, 3, 500, our_nonce);
	assert_int_equal(d.n_targets, 2);
	assert_memory_equal(&d.target[1], A("fe80::100").s6_addr, 16);
	for (int i = 0; i < 3; i++)
		assert_true(xmip_dad_tick(&d));
	assert_false(xmip_dad_tick(&d));
	assert_int_equal(d.state, XMIP_DAD_FREE);
}

static void test_home_address_in_use(void **state)
{
	struct xmip_dad d;
	struct in6_addr hoa = A("2001:db8:1::100");
	struct xmip_nd_msg m = na_for("2001:db8:1::100");

	(void)state;
	xmip_dad_init(&d, &hoa, false, 1, 1000, our_nonce);
	assert_true(xmip_dad_tick(&d));
	assert_true(xmip_dad_concerns(&d, &m));
	assert_true(xmip_dad_rx(&d, &m));
	assert_int_equal(d.state, XMIP_DAD_IN_USE);
	assert_false(d.link_local_in_use);
	assert_false(xmip_dad_tick(&d));         /* over, still in use */
	assert_int_equal(d.state, XMIP_DAD_IN_USE);
	/* With L set, the home address in use is still "the home address". */
	xmip_dad_init(&d, &hoa, true, 1, 1000, our_nonce);
	assert_true(xmip_dad_rx(&d, &m));
	assert_false(d.link_local_in_use);
}

static void test_link_local_only_in_use(void **state)
{
	struct xmip_dad d;
	struct in6_addr hoa = A("2001:db8:1::100");
	struct xmip_nd_msg ll = na_for("fe80::100");

	(void)state;
	/* L=1: the link-local address with the HoA's interface identifier is probed too. */
	xmip_dad_init(&d, &hoa, true, 1, 1000, our_nonce);
	assert_true(xmip_dad_tick(&d));
	assert_true(xmip_dad_rx(&d, &ll));
	assert_int_equal(d.state, XMIP_DAD_IN_USE);
	assert_true(d.link_local_in_use);
	/* L=0: an NA for that link-local address is none of our business
	 * (TAHI HA_2_3_3): ignored, the registration goes ahead. */
	xmip_dad_init(&d, &hoa, false, 1, 1000, our_nonce);
	assert_true(xmip_dad_tick(&d));
	assert_false(xmip_dad_concerns(&d, &ll));
	assert_false(xmip_dad_rx(&d, &ll));
	assert_false(xmip_dad_tick(&d));
	assert_int_equal(d.state, XMIP_DAD_FREE);
}

static void test_solicitations(void **state)
{
	static const uint8_t other_nonce[6] = { 9, 9, 9, 9, 9, 9 };
	struct xmip_dad d;
	struct in6_addr hoa = A("2001:db8:1::100");
	struct xmip_nd_msg m;

	(void)state;
	xmip_dad_init(&d, &hoa, false, 1, 1000, our_nonce);
	/* Our own probe looped back: ignored (RFC 7527). */
	m = dad_ns_for("2001:db8:1::100", our_nonce);
	assert_false(xmip_dad_rx(&d, &m));
	/* Address resolution from a unicast source: not DAD, ignored (§5.4.3). */
	m = dad_ns_for("2001:db8:1::100", NULL);
	m.src = A("2001:db8:1::1");
	assert_false(xmip_dad_rx(&d, &m));
	assert_int_equal(d.state, XMIP_DAD_RUNNING);
	/* Another node probing for the same address: in use (§5.4.3). */
	m = dad_ns_for("2001:db8:1::100", other_nonce);
	assert_true(xmip_dad_rx(&d, &m));
	assert_int_equal(d.state, XMIP_DAD_IN_USE);
	xmip_dad_init(&d, &hoa, false, 1, 1000, our_nonce);
	m = dad_ns_for("2001:db8:1::100", NULL);      /* a probe without a nonce */
	assert_true(xmip_dad_rx(&d, &m));
	/* Another target: nothing. */
	xmip_dad_init(&d, &hoa, false, 1, 1000, our_nonce);
	m = na_for("2001:db8:1::101");
	assert_false(xmip_dad_rx(&d, &m));
	assert_int_equal(d.state, XMIP_DAD_RUNNING);
}

/* Our probe, parsed back: RFC 4862 §5.4.2 and RFC 7527 by the octets. */
static void test_probe_packet(void **state)
{
	struct in6_addr hoa = A("2001:db8:1::100"), any = A("::"), sn = A("ff02::1:ff00:100");
	uint8_t buf[96];
	struct xmip_nd_msg m;
	size_t len;

	(void)state;
	len = xmip_nd_build_dad_ns(buf, sizeof(buf), &hoa, our_nonce);
	assert_int_equal(len, 40 + 32);
	assert_int_equal(buf[0] >> 4, 6);
	assert_int_equal(buf[6], 58);
	assert_int_equal(buf[7], 255);
	assert_memory_equal(buf + 8, &any, 16);
	assert_memory_equal(buf + 24, &sn, 16);
	assert_int_equal(buf[4] << 8 | buf[5], 32);
	assert_int_equal(xmip_csum_ip6(&any, &sn, 58, buf + 40, 32), 0);
	assert_int_equal(xmip_nd_parse(buf + 40, 32, &any, &sn, 255, &m), 0);
	assert_int_equal(m.type, XMIP_ND_NS);
	assert_memory_equal(&m.target, &hoa, 16);
	assert_true(m.has_nonce);
	assert_memory_equal(m.nonce, our_nonce, 6);
	assert_false(m.has_lladdr);
	assert_int_equal(xmip_nd_build_dad_ns(buf, 71, &hoa, our_nonce), 0);
}

/* Parse a copy in a block of exactly len octets (ASan sees one too far). */
static int parse_exact(const uint8_t *icmp, size_t len, const char *src, const char *dst,
		       uint8_t hops, struct xmip_nd_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct in6_addr s = A(src), d = A(dst);
	int rc;

	memcpy(copy, icmp, len);
	rc = xmip_nd_parse(copy, len, &s, &d, hops, m);
	free(copy);
	return rc;
}

static void test_parse_validity(void **state)
{
	uint8_t na[32] = { 136, 0, 0, 0, 0x20 };
	uint8_t ns[32] = { 135, 0 };
	struct xmip_nd_msg m;
	struct in6_addr t = A("2001:db8:1::100");

	(void)state;
	memcpy(na + 8, &t, 16);
	na[24] = 2;                  /* Target Link-Layer Address */
	na[25] = 1;
	memcpy(ns + 8, &t, 16);
	ns[24] = 14;                 /* Nonce */
	ns[25] = 1;
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 255, &m), 0);
	assert_int_equal(m.type, XMIP_ND_NA);
	assert_true(m.has_lladdr);
	assert_int_equal(m.na_flags, 0x20);
	assert_int_equal(parse_exact(na, 24, "fe80::1", "ff02::1", 255, &m), 0);   /* no option */
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 64, &m), -1);   /* hop limit */
	assert_int_equal(parse_exact(na, 23, "fe80::1", "ff02::1", 255, &m), -1);  /* short */
	na[1] = 1;
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 255, &m), -1);  /* code */
	na[1] = 0;
	na[4] = 0x60;                /* S set, to a multicast address */
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 255, &m), -1);
	assert_int_equal(parse_exact(na, 32, "fe80::1", "fe80::2", 255, &m), 0);
	na[4] = 0x20;
	na[25] = 0;                  /* an option of length 0 */
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 255, &m), -1);
	na[25] = 2;                  /* an option past the end */
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 255, &m), -1);
	assert_int_equal(parse_exact(na, 25, "fe80::1", "ff02::1", 255, &m), -1);  /* half a header */
	na[25] = 1;
	na[8] = 0xff;                /* multicast target */
	assert_int_equal(parse_exact(na, 32, "fe80::1", "ff02::1", 255, &m), -1);

	assert_int_equal(parse_exact(ns, 32, "::", "ff02::1:ff00:100", 255, &m), 0);
	assert_true(m.has_nonce);
	/* A DAD probe to anything but a solicited-node address, or with a
	 * source link-layer address: invalid (RFC 4861 §7.1.1). */
	assert_int_equal(parse_exact(ns, 32, "::", "2001:db8:1::100", 255, &m), -1);
	ns[24] = 1;
	assert_int_equal(parse_exact(ns, 32, "::", "ff02::1:ff00:100", 255, &m), -1);
	assert_int_equal(parse_exact(ns, 32, "fe80::1", "ff02::1:ff00:100", 255, &m), 0);
	/* Other ICMPv6 types. */
	ns[0] = 128;
	assert_int_equal(parse_exact(ns, 32, "fe80::1", "ff02::1", 255, &m), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_after_all_probes),
		cmocka_unit_test(test_home_address_in_use),
		cmocka_unit_test(test_link_local_only_in_use),
		cmocka_unit_test(test_solicitations),
		cmocka_unit_test(test_probe_packet),
		cmocka_unit_test(test_parse_validity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
