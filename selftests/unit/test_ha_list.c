// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The home agent's Home Agents List (RFC 6275 §7.1-§7.4, §10.5.1, §10.5;
 * RFC 3963 §7.2, §7.3): Router Advertisements as Scapy builds them,
 * every validity rule of RFC 4861 §6.1.2, the list's updates, lifetimes,
 * expiry and the DHAAD reply built from it.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dhaad.h"
#include "ha_list.h"

#define S(x) ((uint64_t)(x) * 1000000000ull)

/* Scapy: IPv6(src="fe80::3", dst="ff02::1", hlim=255) / ICMPv6ND_RA(H=1,
 * routerlifetime=1800, chlim=64) / ICMPv6NDOptHAInfo(res=0x8000, pref=30,
 * lifetime=90) / PrefixInfo(R=1, 2001:db8:1::3/64, valid 86400) /
 * PrefixInfo(R=1, 2001:db8:99::3/64) / PrefixInfo(R=0, 2001:db8:1::/64) /
 * SrcLLAddr(02:00:00:00:00:03); the ICMPv6 part. */
static const uint8_t ra_ha[] = {
	0x86, 0x00, 0xb6, 0x71, 0x40, 0x28, 0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x08, 0x01, 0x80, 0x00, 0x00, 0x1e, 0x00, 0x5a, 0x03, 0x04, 0x40, 0xe0, 0x00, 0x01, 0x51, 0x80,
	0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x04, 0x40, 0xe0, 0x00, 0x01, 0x51, 0x80,
	0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x99, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x01, 0x51, 0x80,
	0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x03,
};

/* Scapy: ICMPv6ND_RA(H=0, routerlifetime=1800) / PrefixInfo(R=1, 2001:db8:1::1/64) from fe80::1. */
static const uint8_t ra_plain[] = {
	0x86, 0x00, 0x03, 0x60, 0x00, 0x08, 0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x04, 0x40, 0xe0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* radvd 2.19 (Debian 12) with the configuration of docs/DESIGN.md ("Router
 * Advertisements with H are not xmip's"; MaxRtrAdvInterval 2 s), captured
 * by tcpdump on the link: H, Prefix Information 2001:db8:1::2/64 with L, A,
 * R, Source Link-Layer Address, Advertisement Interval, Home Agent
 * Information with R, preference 30, lifetime 1800. */
static const uint8_t ra_radvd[] = {
	0x86, 0x00, 0xf7, 0xa4, 0x40, 0x20, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 0x04, 0x40, 0xe0, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x01, 0x01, 0xb6, 0x21, 0xaf, 0x92, 0x70, 0xb4, 0x07, 0x01, 0x00, 0x00, 0x00, 0x00, 0x07, 0xd0,
	0x08, 0x01, 0x80, 0x00, 0x00, 0x1e, 0x07, 0x08,
};

static struct xmip_conf conf;
static struct xmip_hal hal;

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static int setup(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof(conf));
	memset(&hal, 0, sizeof(hal));
	conf.address = A("2001:db8:1::2");
	conf.home_prefix = A("2001:db8:1::");
	conf.home_plen = 64;
	conf.ha_preference = 20;
	conf.mobile_routers = true;
	return 0;
}

static size_t reply(bool want_mr, uint32_t rnd, uint64_t now, struct in6_addr *out, bool *r);

static struct xmip_ra parse_ok(const uint8_t *m, size_t len, const char *src)
{
	struct in6_addr s = A(src);
	struct xmip_ra ra;

	assert_int_equal(xmip_ra_parse(m, len, &s, 255, &ra), XMIP_RA_OK);
	return ra;
}

static void test_parse_scapy_ra(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");

	(void)state;
	assert_true(ra.h);
	assert_int_equal(ra.router_lifetime_s, 1800);
	assert_true(ra.has_hai);
	assert_int_equal(ra.ha_preference, 30);
	assert_int_equal(ra.ha_lifetime_s, 90);
	assert_true(ra.ha_mr);
	/* Only the Prefix Information options with R (§7.2). */
	assert_int_equal(ra.n_router_addrs, 2);
	assert_memory_equal(&ra.router_addrs[0].addr, A("2001:db8:1::3").s6_addr, 16);
	assert_int_equal(ra.router_addrs[0].plen, 64);
	assert_int_equal(ra.router_addrs[0].valid_s, 86400);
	assert_memory_equal(&ra.router_addrs[1].addr, A("2001:db8:99::3").s6_addr, 16);

	ra = parse_ok(ra_plain, sizeof(ra_plain), "fe80::1");
	assert_false(ra.h);
	assert_false(ra.has_hai);
	assert_int_equal(ra.n_router_addrs, 1);
	assert_int_equal(ra.router_addrs[0].valid_s, 0xffffffffu);
}

/* What the documented radvd configuration sends is understood: another
 * HA (our address here is ::3) lists the advertising one first. */
static void test_radvd_ra(void **state)
{
	struct xmip_ra ra = parse_ok(ra_radvd, sizeof(ra_radvd), "fe80::b421:afff:fe92:70b4");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	bool r;

	(void)state;
	assert_true(ra.h && ra.has_hai && ra.ha_mr);
	assert_int_equal(ra.router_lifetime_s, 6);
	assert_int_equal(ra.ha_preference, 30);
	assert_int_equal(ra.ha_lifetime_s, 1800);
	assert_int_equal(ra.n_router_addrs, 1);
	conf.address = A("2001:db8:1::3");
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_ADDED);
	assert_int_equal(reply(true, 1, S(1799), out, &r), 2);
	assert_true(r);
	assert_memory_equal(&out[0], A("2001:db8:1::2").s6_addr, 16);
	assert_memory_equal(&out[1], &conf.address, 16);
	/* on its own host: its own RA, ignored */
	conf.address = A("2001:db8:1::2");
	memset(&hal, 0, sizeof(hal));
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_SELF);
}

/* RFC 4861 §6.1.2, one rule at a time, and §7.4's option length. */
static void test_parse_rejects(void **state)
{
	struct in6_addr ll = A("fe80::3"), global = A("2001:db8:1::3");
	uint8_t m[sizeof(ra_ha)];
	struct xmip_ra ra;

	(void)state;
	assert_int_equal(xmip_ra_parse(ra_ha, sizeof(ra_ha), &ll, 254, &ra), XMIP_RA_BAD_HOP_LIMIT);
	assert_int_equal(xmip_ra_parse(ra_ha, sizeof(ra_ha), &ll, -1, &ra), XMIP_RA_BAD_HOP_LIMIT);
	assert_int_equal(xmip_ra_parse(ra_ha, sizeof(ra_ha), &global, 255, &ra),
			 XMIP_RA_BAD_SOURCE);
	assert_int_equal(xmip_ra_parse(ra_ha, 15, &ll, 255, &ra), XMIP_RA_TRUNCATED);
	assert_int_equal(xmip_ra_parse(ra_ha, 1, &ll, 255, &ra), XMIP_RA_TRUNCATED);
	assert_int_equal(xmip_ra_parse(ra_ha, 0, &ll, 255, &ra), XMIP_RA_NOT_RA);
	/* the header alone is a valid RA */
	assert_int_equal(xmip_ra_parse(ra_ha, 16, &ll, 255, &ra), XMIP_RA_OK);
	/* an option cut short by the message's end */
	assert_int_equal(xmip_ra_parse(ra_ha, sizeof(ra_ha) - 1, &ll, 255, &ra),
			 XMIP_RA_BAD_OPTION);
	assert_int_equal(xmip_ra_parse(ra_ha, 17, &ll, 255, &ra), XMIP_RA_BAD_OPTION);

	memcpy(m, ra_ha, sizeof(m));
	m[1] = 1;                                  /* code */
	assert_int_equal(xmip_ra_parse(m, sizeof(m), &ll, 255, &ra), XMIP_RA_BAD_CODE);
	memcpy(m, ra_ha, sizeof(m));
	m[0] = 135;
	assert_int_equal(xmip_ra_parse(m, sizeof(m), &ll, 255, &ra), XMIP_RA_NOT_RA);
	memcpy(m, ra_ha, sizeof(m));
	m[25] = 0;                                 /* first Prefix Information: length 0 */
	assert_int_equal(xmip_ra_parse(m, sizeof(m), &ll, 255, &ra), XMIP_RA_BAD_OPTION);
	memcpy(m, ra_ha, sizeof(m));
	m[17] = 2;                                 /* Home Agent Information: length 2 */
	assert_int_equal(xmip_ra_parse(m, sizeof(m), &ll, 255, &ra), XMIP_RA_BAD_HA_INFO);
	memcpy(m, ra_ha, sizeof(m));
	m[5] &= (uint8_t)~XMIP_RA_F_H;             /* §7.4: the option without H is ignored */
	assert_int_equal(xmip_ra_parse(m, sizeof(m), &ll, 255, &ra), XMIP_RA_OK);
	assert_false(ra.h);
	assert_false(ra.has_hai);
	memcpy(m, ra_ha, sizeof(m));
	m[26] = 129;                               /* a prefix length past 128: not an address */
	assert_int_equal(xmip_ra_parse(m, sizeof(m), &ll, 255, &ra), XMIP_RA_OK);
	assert_int_equal(ra.n_router_addrs, 1);
}

static size_t reply(bool want_mr, uint32_t rnd, uint64_t now, struct in6_addr *out, bool *r)
{
	return xmip_hal_reply(&hal, &conf, want_mr, rnd, now, out, XMIP_HAAD_MAX_ADDRS, r);
}

static void test_learn_order_and_expire(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	bool r;

	(void)state;
	assert_int_equal(reply(false, 1, S(100), out, &r), 1);     /* ourselves only */
	assert_memory_equal(&out[0], &conf.address, 16);
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(100)), XMIP_HAL_ADDED);
	/* §10.5: preference 30 before ours (20); the address outside the
	 * home prefix is not listed. */
	assert_int_equal(reply(false, 1, S(100), out, &r), 2);
	assert_memory_equal(&out[0], A("2001:db8:1::3").s6_addr, 16);
	assert_memory_equal(&out[1], &conf.address, 16);
	assert_false(r);
	/* Again: refreshed, not added twice. */
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(150)), XMIP_HAL_UPDATED);
	assert_int_equal(reply(false, 1, S(150), out, &r), 2);
	/* The same link-local address on another interface is another agent. */
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 3, S(150)), XMIP_HAL_ADDED);
	assert_int_equal(reply(false, 1, S(150), out, &r), 2);     /* same address: once */
	/* Home Agent Lifetime 90 s from the last RA: gone after it (MUST). */
	assert_int_equal(reply(false, 1, S(150 + 89), out, &r), 2);
	assert_int_equal(reply(false, 1, S(150 + 90), out, &r), 1);
	assert_int_equal(xmip_hal_expire(&hal, S(150 + 90)), 2);
	for (size_t i = 0; i < XMIP_HAL_MAX; i++)
		assert_false(hal.e[i].used);
}

static void test_delete_and_defaults(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	struct xmip_ra noh;
	bool r;

	(void)state;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_ADDED);
	/* §10.5.1: H clear deletes the sender's entry. */
	noh = ra;
	noh.h = false;
	assert_int_equal(xmip_hal_update(&hal, &conf, &noh, 2, S(1)), XMIP_HAL_DELETED);
	assert_int_equal(reply(false, 1, S(1), out, &r), 1);
	assert_int_equal(xmip_hal_update(&hal, &conf, &noh, 2, S(1)), XMIP_HAL_NONE);
	/* A home agent lifetime of 0 deletes; it never creates. */
	ra.ha_lifetime_s = 0;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(2)), XMIP_HAL_NONE);
	ra.ha_lifetime_s = 90;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(2)), XMIP_HAL_ADDED);
	ra.ha_lifetime_s = 0;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(3)), XMIP_HAL_DELETED);
	/* Without the option: preference 0 (after ours), lifetime = router
	 * lifetime (1800 s), not serving mobile routers. */
	ra.has_hai = false;
	ra.ha_mr = false;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(10)), XMIP_HAL_ADDED);
	assert_int_equal(reply(false, 1, S(10), out, &r), 2);
	assert_memory_equal(&out[0], &conf.address, 16);
	assert_memory_equal(&out[1], A("2001:db8:1::3").s6_addr, 16);
	assert_int_equal(reply(false, 1, S(10 + 1799), out, &r), 2);
	assert_int_equal(reply(false, 1, S(10 + 1800), out, &r), 1);
	/* Router lifetime 0 and no option: no home agent. */
	ra.router_lifetime_s = 0;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(20)), XMIP_HAL_DELETED);
}

/* §7.2: the address lives as long as its prefix; valid 0 removes it. */
static void test_address_lifetimes(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	bool r;

	(void)state;
	ra.ha_lifetime_s = 60000;
	ra.router_addrs[0].valid_s = 30;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_ADDED);
	assert_int_equal(reply(false, 1, S(29), out, &r), 2);
	assert_int_equal(reply(false, 1, S(30), out, &r), 1);
	ra.router_addrs[0].valid_s = 0xffffffffu;          /* infinite */
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(40)), XMIP_HAL_UPDATED);
	assert_int_equal(reply(false, 1, S(50000), out, &r), 2);
	ra.router_addrs[0].valid_s = 0;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(50001)), XMIP_HAL_UPDATED);
	assert_int_equal(reply(false, 1, S(50001), out, &r), 1);
}

/* Our own RA (an RA daemon on this host names our address): ignored;
 * a full list takes no newcomer. */
static void test_self_and_full(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	bool r;

	(void)state;
	ra.router_addrs[1].addr = conf.address;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_SELF);
	ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	for (int i = 0; i < XMIP_HAL_MAX; i++) {
		ra.src.s6_addr[15] = (uint8_t)(i + 10);
		ra.router_addrs[0].addr.s6_addr[15] = (uint8_t)(i + 10);
		assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_ADDED);
	}
	ra.src.s6_addr[15] = 200;
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_FULL);
	assert_int_equal(reply(false, 1, S(0), out, &r), 1 + XMIP_HAL_MAX);
	/* a reply is capped, the most preferred first (§10.5) */
	assert_int_equal(xmip_hal_reply(&hal, &conf, false, 1, S(0), out, 3, &r), 3);
	for (int i = 0; i < 3; i++)
		assert_memory_not_equal(&out[i], &conf.address, 16);
}

/* RFC 3963 §7.2 and the configured peers. */
static void test_mobile_routers_and_peers(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	bool r;

	(void)state;
	conf.peer_has[0] = (struct xmip_peer_ha){ A("2001:db8:1::3"), 5 };
	conf.peer_has[1] = (struct xmip_peer_ha){ A("2001:db8:1::4"), 50 };
	conf.n_peer_has = 2;
	conf.mobile_routers = false;
	assert_int_equal(reply(true, 1, S(0), out, &r), 3);
	assert_false(r);                                   /* none serves routers: all, R 0 */
	assert_memory_equal(&out[0], A("2001:db8:1::4").s6_addr, 16);
	assert_memory_equal(&out[1], &conf.address, 16);
	assert_memory_equal(&out[2], A("2001:db8:1::3").s6_addr, 16);
	/* ::3 advertises now: preference 30 and R from its option. */
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_ADDED);
	assert_int_equal(reply(false, 1, S(0), out, &r), 3);
	assert_memory_equal(&out[0], A("2001:db8:1::4").s6_addr, 16);
	assert_memory_equal(&out[1], A("2001:db8:1::3").s6_addr, 16);
	assert_memory_equal(&out[2], &conf.address, 16);
	/* a router asks: only ::3 serves routers, R set */
	assert_int_equal(reply(true, 1, S(0), out, &r), 1);
	assert_true(r);
	assert_memory_equal(&out[0], A("2001:db8:1::3").s6_addr, 16);
	/* after it expires the configured peer is back with its own values */
	assert_int_equal(reply(false, 1, S(90), out, &r), 3);
	assert_memory_equal(&out[2], A("2001:db8:1::3").s6_addr, 16);
}

/* §10.5: equal preferences in an order random per reply. */
static void test_equal_preferences_random(void **state)
{
	struct xmip_ra ra = parse_ok(ra_ha, sizeof(ra_ha), "fe80::3");
	struct in6_addr out[XMIP_HAAD_MAX_ADDRS];
	bool first_self = false, first_other = false, r;

	(void)state;
	ra.ha_preference = 20;                             /* as ours */
	assert_int_equal(xmip_hal_update(&hal, &conf, &ra, 2, S(0)), XMIP_HAL_ADDED);
	for (uint32_t rnd = 0; rnd < 64; rnd++) {
		assert_int_equal(reply(false, rnd * 2654435761u, S(0), out, &r), 2);
		if (!memcmp(&out[0], &conf.address, 16))
			first_self = true;
		else
			first_other = true;
	}
	assert_true(first_self && first_other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_scapy_ra, setup),
		cmocka_unit_test_setup(test_radvd_ra, setup),
		cmocka_unit_test_setup(test_parse_rejects, setup),
		cmocka_unit_test_setup(test_learn_order_and_expire, setup),
		cmocka_unit_test_setup(test_delete_and_defaults, setup),
		cmocka_unit_test_setup(test_address_lifetimes, setup),
		cmocka_unit_test_setup(test_self_and_full, setup),
		cmocka_unit_test_setup(test_mobile_routers_and_peers, setup),
		cmocka_unit_test_setup(test_equal_preferences_random, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
