// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The DSMIPv6 mobile node's side (mn_policy.c xmip_mn_build_bu4 and BA
 * handling, mn_dsmip.c): the BU from an IPv4 CoA as RFC 5555 §4.2 wants it
 * (inner source the HoA, no Home Address option, IPv4 CoA option, IPv4 HoA
 * option, F), and what the MN takes from BAs the HA's builder makes: the
 * IPv4 Address Acknowledgement statuses, NAT Detection with and without a
 * NAT, F, keepalive time; the authenticator over ::ffff:CoA4.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mh.h"
#include "mip6_vectors.h"
#include "mn_dsmip.h"
#include "mn_policy.h"
#include "xmip_dsmip.h"

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct in_addr A4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct xmip_conf conf;
static const uint64_t now = 1800000000ULL * 1000000000ULL;

static int setup(void **state)
{
	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.role = XMIP_ROLE_MN;
	conf.home_agent = A(V_HA);
	conf.lifetime_s = 60;
	strcpy(conf.self.nai, V_NAI);
	conf.self.hoa = A(V_HOA);
	conf.self.spi = V_SPI;
	memcpy(conf.self.key, v_key, sizeof(v_key));
	conf.self.key_len = sizeof(v_key);
	conf.dsmip.on = true;
	conf.dsmip.home_agent_ipv4 = A4("203.0.113.2");
	return 0;
}

static void test_bu4_contents(void **state)
{
	struct xmip_mn_state st;
	struct xmip_pkt p;
	uint8_t bu[512];
	int len;

	(void)state;
	conf.dsmip.has_ipv4_hoa = true;             /* dynamic: 0.0.0.0 */
	conf.dsmip.force_udp = true;
	xmip_mn_init(&st, 100);
	len = xmip_mn_build_bu4(&st, &conf, A4("198.51.100.7"), false, now, bu, sizeof(bu));
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.type, XMIP_MH_BU);
	assert_false(p.has_hao);                    /* RFC 5555 §4.2 */
	assert_memory_equal(&p.src, &conf.self.hoa, 16);
	assert_memory_equal(&p.dst, &conf.home_agent, 16);
	assert_true(p.msg.opts.has_ipv4_coa);
	assert_int_equal(p.msg.opts.ipv4_coa.s_addr, A4("198.51.100.7").s_addr);
	assert_true(p.msg.opts.has_ipv4_hoa);
	assert_int_equal(p.msg.opts.ipv4_hoa.s_addr, 0);
	assert_int_equal(p.msg.opts.ipv4_hoa_plen, 32);
	assert_true(p.msg.bu_flags & XMIP_BU_F_F);
	assert_true(p.msg.bu_flags & XMIP_BU_F_H);
	assert_int_equal(p.msg.seq, 101);
	assert_true(st.pending && st.pending_udp);
	/* Authenticated over ::ffff:198.51.100.7 | HoA | MH (docs/dsmip.md). */
	{
		struct in6_addr mapped = A("::ffff:198.51.100.7");

		assert_memory_equal(&st.pending_coa, &mapped, 16);
	}
	/* Without F and without an IPv4 HoA request: neither. */
	conf.dsmip.has_ipv4_hoa = false;
	conf.dsmip.force_udp = false;
	len = xmip_mn_build_bu4(&st, &conf, A4("198.51.100.7"), false, now, bu, sizeof(bu));
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_false(p.msg.opts.has_ipv4_hoa);
	assert_false(p.msg.bu_flags & XMIP_BU_F_F);
}

/* A BA as the HA builds it inside UDP (xmip_pkt_build_ba_to_hoa), to the pending BU. */
static int ha_ba(const struct xmip_mn_state *st, struct xmip_ba_fields *f, const struct in6_addr *auth,
		 uint8_t *buf, size_t cap)
{
	struct xmip_mn_ha_sa sa = { .spi = V_SPI, .key = v_key, .key_len = sizeof(v_key) };

	f->seq = st->seq;
	f->lifetime_units = 15;
	f->has_mesg_id = true;
	f->mesg_id = st->last_mesg_id;
	f->has_auth = true;
	f->spi = V_SPI;
	return xmip_pkt_build_ba_to_hoa(buf, cap, &conf.home_agent, &conf.self.hoa, auth, f, &sa);
}

static enum xmip_mn_verdict run(struct xmip_ba_fields *f, struct xmip_mn_ba_result *res,
				const char *auth_coa)
{
	struct xmip_mn_state st;
	struct in6_addr auth = A(auth_coa);
	struct xmip_pkt p;
	uint8_t bu[512], ba[512];
	int len;

	conf.dsmip.has_ipv4_hoa = true;
	xmip_mn_init(&st, 1);
	assert_true(xmip_mn_build_bu4(&st, &conf, A4("10.0.0.5"), false, now, bu, sizeof(bu)) > 0);
	len = ha_ba(&st, f, &auth, ba, sizeof(ba));
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(ba, (size_t)len, &p), XMIP_PARSE_OK);
	return xmip_mn_handle_ba(&st, &conf, &p, now, res);
}

/* RFC 5555 §4.4.2: from an IPv6 CoA, a MIPv6 BU (HAO, no IPv4 CoA option)
 * with the IPv4 Home Address option when one is configured; none in a
 * deregistration, none without the configuration. */
static void test_bu6_asks_for_the_ipv4_hoa(void **state)
{
	struct in6_addr coa = A("2001:db8:a::100");
	struct xmip_mn_state st;
	struct xmip_pkt p;
	uint8_t bu[512];
	int len;

	(void)state;
	conf.dsmip.has_ipv4_hoa = true;
	conf.dsmip.ipv4_hoa = A4("192.0.2.100");
	conf.dsmip.force_udp = false;
	xmip_mn_init(&st, 200);
	len = xmip_mn_build_bu(&st, &conf, &coa, false, false, now, bu, sizeof(bu));
	assert_true(len > 0);
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_true(p.has_hao);
	assert_memory_equal(&p.src, &coa, 16);
	assert_false(p.msg.opts.has_ipv4_coa);
	assert_true(p.msg.opts.has_ipv4_hoa);
	assert_int_equal(p.msg.opts.ipv4_hoa.s_addr, A4("192.0.2.100").s_addr);
	assert_int_equal(p.msg.opts.ipv4_hoa_plen, 32);
	assert_false(p.msg.bu_flags & XMIP_BU_F_F);
	len = xmip_mn_build_bu(&st, &conf, &conf.self.hoa, true, false, now, bu, sizeof(bu));
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_false(p.msg.opts.has_ipv4_hoa);
	conf.dsmip.has_ipv4_hoa = false;
	len = xmip_mn_build_bu(&st, &conf, &coa, false, false, now, bu, sizeof(bu));
	assert_int_equal(xmip_pkt_parse(bu, (size_t)len, &p), XMIP_PARSE_OK);
	assert_false(p.msg.opts.has_ipv4_hoa);
	conf.dsmip.ipv4_hoa.s_addr = 0;
}

static void test_behind_a_nat(void **state)
{
	struct xmip_ba_fields f = { .has_nat_detect = true, .nat_f = true, .nat_refresh_s = 110,
				    .has_ipv4_ack = true, .ipv4_ack_plen = 32 };
	struct xmip_mn_ba_result res;

	(void)state;
	f.ipv4_ack_hoa = A4("192.0.2.3");
	assert_int_equal(run(&f, &res, "::ffff:10.0.0.5"), XMIP_MN_BA_ACCEPTED);
	assert_true(res.has_nat_detect && res.udp_required);
	assert_int_equal(res.keepalive_s, 110);
	assert_int_equal(xmip_mn4_mode(&res, false), XMIP_MN_MODE_UDP4);
	assert_true(res.has_ipv4_ack);
	assert_int_equal(res.ipv4_ack_status, 0);
	assert_int_equal(res.ipv4_hoa.s_addr, A4("192.0.2.3").s_addr);
	assert_int_equal(res.granted_s, 60);
}

static void test_no_nat_plain_ipv4(void **state)
{
	struct xmip_ba_fields f = { .has_nat_detect = true, .nat_f = false,
				    .nat_refresh_s = XMIP_DSMIP_REFRESH_NONE };
	struct xmip_mn_ba_result res;

	(void)state;
	assert_int_equal(run(&f, &res, "::ffff:10.0.0.5"), XMIP_MN_BA_ACCEPTED);
	assert_true(res.has_nat_detect);
	assert_false(res.udp_required);
	assert_int_equal(res.keepalive_s, 0);                 /* all ones: none needed */
	assert_int_equal(xmip_mn4_mode(&res, false), XMIP_MN_MODE_IPV4);
	assert_int_equal(xmip_mn4_mode(&res, true), XMIP_MN_MODE_UDP4);   /* our F */
	assert_false(res.has_ipv4_ack);
}

static void test_ipv4_ack_refusals(void **state)
{
	static const uint8_t codes[] = { XMIP_IPV4_ACK_UNSPECIFIED, XMIP_IPV4_ACK_PROHIBITED,
					 XMIP_IPV4_ACK_INCORRECT_HOA, XMIP_IPV4_ACK_INVALID_ADDR,
					 XMIP_IPV4_ACK_NO_DYNAMIC, XMIP_IPV4_ACK_PREFIX_UNAUTH };

	(void)state;
	for (size_t i = 0; i < sizeof(codes); i++) {
		struct xmip_ba_fields f = { .has_nat_detect = true, .nat_f = true, .nat_refresh_s = 30,
					    .has_ipv4_ack = true, .ipv4_ack_status = codes[i] };
		struct xmip_mn_ba_result res;

		f.ipv4_ack_hoa = A4("192.0.2.9");
		/* A refused IPv4 HoA does not refuse the binding (RFC 5555 §4.4.2). */
		assert_int_equal(run(&f, &res, "::ffff:10.0.0.5"), XMIP_MN_BA_ACCEPTED);
		assert_int_equal(res.ipv4_ack_status, codes[i]);
		assert_int_equal(res.ipv4_hoa.s_addr, 0);
		assert_int_equal(res.keepalive_s, 30);
	}
}

static void test_authenticator_over_the_mapped_coa_only(void **state)
{
	struct xmip_ba_fields f = { .has_nat_detect = true, .nat_f = true, .nat_refresh_s = 110 };
	struct xmip_mn_ba_result res;

	(void)state;
	/* Signed over the NAT's address (what the HA observed), not our CoA: refused. */
	assert_int_equal(run(&f, &res, "::ffff:198.51.100.1"), XMIP_MN_BA_IGNORE);
	/* Or over the HoA as the IPv6 destination (the MIPv6 rule): refused too. */
	assert_int_equal(run(&f, &res, V_HOA), XMIP_MN_BA_IGNORE);
}

static void test_gateway_parse(void **state)
{
	const char *route =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		"eth1\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
		"eth0\t00000000\t010000C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
		"eth0\t000000C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
	const char *arp =
		"IP address       HW type     Flags       HW address            Mask     Device\n"
		"192.168.1.1      0x1         0x2         02:00:00:00:01:01     *        eth1\n"
		"198.0.0.1        0x1         0x2         02:aa:bb:cc:dd:ee     *        eth0\n";
	const char *arp_incomplete =
		"IP address       HW type     Flags       HW address            Mask     Device\n"
		"198.0.0.1        0x1         0x0         00:00:00:00:00:00     *        eth0\n";
	uint8_t mac[6] = { 0 }, want[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

	(void)state;
	assert_int_equal(xmip_mn4_gateway_parse(route, arp, "eth0", mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(xmip_mn4_gateway_parse(route, arp_incomplete, "eth0", mac), -EAGAIN);
	assert_int_equal(xmip_mn4_gateway_parse(route, arp, "eth9", mac), -ENOENT);
	assert_int_equal(xmip_mn4_gateway_parse("", "", "eth0", mac), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bu4_contents, setup),
		cmocka_unit_test_setup(test_bu6_asks_for_the_ipv4_hoa, setup),
		cmocka_unit_test_setup(test_behind_a_nat, setup),
		cmocka_unit_test_setup(test_no_nat_plain_ipv4, setup),
		cmocka_unit_test_setup(test_ipv4_ack_refusals, setup),
		cmocka_unit_test_setup(test_authenticator_over_the_mapped_coa_only, setup),
		cmocka_unit_test_setup(test_gateway_parse, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
