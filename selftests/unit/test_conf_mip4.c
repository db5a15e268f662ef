// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobile IPv4's configuration (lib/conf_mip4.c): a home agent with [mip4]
 * beside Mobile IPv6, a foreign agent, a mobile node, their defaults, and
 * every validation with the line it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "config.h"

#define K16 "00112233445566778899aabbccddeeff"

#define HA_HEAD "role = ha\ninstance = h\ninterface = eth0\naddress = 2001:db8:1::2\n" \
		"home-prefix = 2001:db8:1::/64\n"
#define MN_HEAD "role = mn4\ninstance = m\ninterface = wlan0\n[mip4]\n" \
		"home-address = 10.1.0.100\nhome-agent = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n" \
		"spi = 4096\nkey = " K16 "\n"

static int parse(const char *text, struct xmip_conf *c, char *err, size_t n)
{
	return xmip_conf_parse("t.conf", text, strlen(text), c, err, n);
}

static void test_ha(void **state)
{
	static const char text[] = HA_HEAD
		"[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nmax-bindings = 1\n"
		"reverse-tunnel = required\nudp-tunnel = no\nkeepalive = 30\n"
		"[mip4-mn 10.1.0.100]\nspi = 4096\nkey = " K16 "\nencapsulations = gre\n"
		"[mip4-mn mn7@example.org]\nhome-address = 10.1.0.107\nspi = 4097\nkey = " K16 "\n"
		"max-lifetime = 60\n"
		"[mip4-peer 198.51.100.2]\nspi = 8192\nkey = " K16 "\n";
	struct xmip_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse(text, &c, err, sizeof(err)), 0);
	assert_true(xmip_conf_has_section(&c, "mip4"));
	assert_int_equal(c.mip4.address[3], 2);
	assert_int_equal(c.mip4.home_plen, 24);
	assert_int_equal(c.mip4.max_lifetime_s, 600);    /* default */
	assert_int_equal(c.mip4.replay_window_s, 7);     /* §5.7.1 */
	assert_int_equal(c.mip4.max_bindings, 1);
	assert_int_equal(c.mip4.reverse_tunnel, XMIP_MIP4_RT_REQUIRED);
	assert_int_equal(c.mip4.udp_tunnel, XMIP_MIP4_UDP_NO);
	assert_int_equal(c.mip4.keepalive_s, 30);
	assert_int_equal(c.mip4.advertise_interval_s, 3);
	assert_int_equal(c.mip4.advertise_lifetime_s, 10);
	assert_string_equal(c.mip4.state_file, "/var/lib/xmip/h.mip4");
	assert_int_equal(c.mip4.n_mns, 2);
	assert_false(c.mip4.mns[0].id_is_nai);
	assert_true(c.mip4.mns[0].has_hoa);
	assert_int_equal(c.mip4.mns[0].hoa[3], 100);
	assert_int_equal(c.mip4.mns[0].encaps, XMIP_MIP4_ENC_GRE);
	assert_true(c.mip4.mns[1].id_is_nai);
	assert_int_equal(c.mip4.mns[1].hoa[3], 107);
	assert_int_equal(c.mip4.mns[1].encaps, XMIP_MIP4_ENC_ALL);
	assert_int_equal(c.mip4.mns[1].max_lifetime_s, 60);
	assert_int_equal(c.mip4.n_peers, 1);
	assert_int_equal(c.mip4.peers[0].sa.spi, 8192);
	xmip_conf_free(&c);
	/* Without [mip4], a home agent is Mobile IPv6 only. */
	assert_int_equal(parse(HA_HEAD, &c, err, sizeof(err)), 0);
	assert_false(xmip_conf_has_section(&c, "mip4"));
	xmip_conf_free(&c);
}

static void test_fa_mn(void **state)
{
	static const char fa[] = "role = fa\ninstance = f\ninterface = vis\n[mip4]\n"
		"care-of-address = 198.51.100.2\ncare-of-address = 198.51.100.3\n"
		"advertise-interval = 0\nencapsulations = ipip\nregistration-required = yes\n"
		"[mip4-mn 10.1.0.101]\nspi = 5000\nkey = " K16 "\n"
		"[mip4-peer 10.1.0.2]\nspi = 8192\nkey = " K16 "\n";
	static const char mn[] = MN_HEAD "nai = mn@example.org\nencapsulation = minimal\n"
		"udp-tunnel = force\nreverse-tunnel = no\n[mip4-peer 10.2.0.1]\nspi = 5000\nkey = "
		K16 "\n";
	struct xmip_conf c;
	char err[256];

	(void)state;
	assert_int_equal(parse(fa, &c, err, sizeof(err)), 0);
	assert_int_equal(c.role, XMIP_ROLE_FA);
	assert_int_equal(c.mip4.n_coas, 2);
	assert_int_equal(c.mip4.max_lifetime_s, 1800);    /* an FA's default */
	assert_int_equal(c.mip4.advertise_lifetime_s, 1800);
	assert_int_equal(c.mip4.encaps, XMIP_MIP4_ENC_IPIP);
	assert_true(c.mip4.registration_required);
	assert_int_equal(c.mip4.max_pending, 16);
	xmip_conf_free(&c);
	assert_int_equal(parse(mn, &c, err, sizeof(err)), 0);
	assert_int_equal(c.role, XMIP_ROLE_MN4);
	assert_int_equal(c.mip4.lifetime_s, 300);
	assert_int_equal(c.mip4.encap, XMIP_MIP4_ENC_MINENC);
	assert_int_equal(c.mip4.udp_tunnel, XMIP_MIP4_UDP_FORCE);
	assert_int_equal(c.mip4.reverse_tunnel, XMIP_MIP4_RT_NO);
	assert_string_equal(c.mip4.nai, "mn@example.org");
	assert_int_equal(c.mip4.sa.key_len, 16);
	assert_int_equal(c.mip4.n_peers, 1);
	xmip_conf_free(&c);
}

static void test_errors(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ HA_HEAD "[mip4]\nhome-prefix = 10.1.0.0/24\n", "t.conf:6: [mip4]: missing required key 'address'" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\n", "missing required key 'home-prefix'" },
		{ HA_HEAD "[mip4]\naddress = 10.9.0.2\nhome-prefix = 10.1.0.0/24\n",
		  "t.conf:7: [mip4]: address is not inside home-prefix" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.1/24\n",
		  "t.conf:8: home-prefix: '10.1.0.1/24' has bits set after the prefix length" },
		{ HA_HEAD "[mip4]\naddress = 224.0.0.1\n", "address: 224.0.0.1 is not a unicast address" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn n@x]\nspi = 4096\nkey = " K16 "\n",
		  "t.conf:9: [mip4-mn n@x]: missing required key 'home-address'" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn 10.2.0.1]\nspi = 4096\nkey = " K16 "\n",
		  "[mip4-mn 10.2.0.1]: home address is not inside home-prefix" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn 10.1.0.5]\nspi = 4096\nkey = " K16 "\n[mip4-mn a@b]\nhome-address = 10.1.0.5\n"
		  "spi = 4097\nkey = " K16 "\n", "home address already used by [mip4-mn 10.1.0.5]" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn 10.1.0.5]\nspi = 255\n", "spi: 255 is reserved (RFC 5944 §1.6" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn 10.1.0.5]\nspi = 256\nkey = 0011\n", "key: 2 octets is too short" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn 10.1.0.5]\nspi = 256\n", "[mip4-mn 10.1.0.5]: missing required key 'key'" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
		  "[mip4-mn 10.1.0.5]\nspi = 256\nkey = " K16 "\nencapsulations = ipip vxlan\n",
		  "encapsulations: 'vxlan' is not ipip, minimal or gre" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nudp-tunnel = force\n",
		  "udp-tunnel = force is for a mobile node" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nmax-bindings = 17\n",
		  "max-bindings: 17 is out of range 1..16" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nkeepalive = 9\n",
		  "keepalive: 9 is out of range 10..65535" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nadvertise-interval = 5\n"
		  "advertise-lifetime = 4\n", "advertise-lifetime is shorter than advertise-interval" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nstate-file = x\n",
		  "state-file: expected an absolute path" },
		{ HA_HEAD "[mip4-peer 10.0.0.1]\nspi = 300\nkey = " K16 "\n",
		  "[mip4-mn] and [mip4-peer] need a [mip4] section" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n[mip4-peer 0.0.0.1]\n",
		  "[mip4-peer 0.0.0.1]: expected the agent's unicast IPv4 address" },
		{ HA_HEAD "[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\ncare-of-address = 10.1.0.9\n",
		  "key 'care-of-address' is not valid for role ha" },
		{ "role = fa\ninstance = f\ninterface = v\n[mip4]\n",
		  "missing required key 'care-of-address' for role fa" },
		{ "role = fa\ninstance = f\n[mip4]\ncare-of-address = 1.2.3.4\n",
		  "missing required key 'interface' for role fa" },
		{ "role = fa\ninstance = f\ninterface = v\n[mip4]\ncare-of-address = 1.2.3.4\n"
		  "care-of-address = 1.2.3.4\n", "care-of-address: 1.2.3.4 is listed twice" },
		{ "role = fa\ninstance = f\ninterface = v\n[mip4]\ncare-of-address = 1.2.3.4\n"
		  "home-address = 10.1.0.1\n", "key 'home-address' is not valid for role fa" },
		{ "role = mn4\ninstance = m\ninterface = w\n[mip4]\nhome-address = 10.1.0.100\n",
		  "missing required key 'home-prefix' for role mn4" },
		{ MN_HEAD "reverse-tunnel = required\n", "reverse-tunnel of a mobile node is no or yes" },
		{ MN_HEAD "encapsulation = ipip gre\n", "encapsulation: name one of ipip, minimal, gre" },
		{ MN_HEAD "lifetime = 65535\n", "lifetime: 65535 is out of range 1..65534" },
		{ MN_HEAD "nai = a b\n", "nai: expected one NAI" },
		{ "role = mn4\ninstance = m\ninterface = w\n[mip4]\nhome-address = 10.2.0.100\n"
		  "home-agent = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nspi = 4096\nkey = " K16 "\n",
		  "t.conf:5: [mip4]: home-address is not inside home-prefix" },
		{ MN_HEAD "[mip4-mn 10.1.0.1]\n", "[mip4-mn] sections are only valid with role = ha or fa" },
		{ "role = mn\ninstance = m\ninterface = w\nhome-address = 2001:db8::1\n[mip4]\n",
		  "[mip4] sections are only valid with role = ha or fa or mn4" },
	};
	struct xmip_conf c;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = parse(cases[i].text, &c, err, sizeof(err));

		if (rc == 0 || !strstr(err, cases[i].want)) {
			print_error("case %zu: got '%s', want '%s'\n", i, rc ? err : "(accepted)",
				    cases[i].want);
			if (rc == 0)
				xmip_conf_free(&c);
			fail();
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha),
		cmocka_unit_test(test_fa_mn),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
