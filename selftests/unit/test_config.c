// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Unit tests of lib/config.c and its sections (conf_*.c): every file is
 * written to a temporary directory and loaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_section.h"
#include "config.h"

static char tmpdir[] = "/tmp/xcl-conf-XXXXXX";
static char path[256];
static char err[512];

static const char ha_good[] =
	"# HA\n"
	"role = ha\n"
	"instance = home\n"
	"interface = eth0            # repeatable\n"
	"interface = eth1\n"
	"address = 2001:db8:1::2     # the HA's own address on the home link\n"
	"home-prefix = 2001:db8:1::/64\n"
	"max-lifetime = 600\n"
	"tunnel-mtu = 1460\n"
	"max-bindings = 1024\n"
	"xdp-mode = native\n"
	"mesg-id-window = 7\n"
	"\n"
	"[mn mn1@example.org]\n"
	"home-address = 2001:db8:1::100\n"
	"spi = 256\n"
	"key = 0123456789abcdef0123456789abcdef01234567   # 20 octets\n"
	"[mn mn2@example.org]\n"
	"home-address = 2001:db8:1::101\n"
	"spi = 4096\n"
	"key = 00FF\n";

static const char mn_good[] =
	"role = mn\n"
	"instance = mn\n"
	"interface = eth0\n"
	"interface = wlan0\n"
	"home-address = 2001:db8:1::100\n"
	"home-agent = 2001:db8:1::2\n"
	"home-prefix = 2001:db8:1::/64\n"
	"nai = mn1@example.org\n"
	"spi = 256\n"
	"key = 0123456789abcdef0123456789abcdef\n"
	"lifetime = 60\n";

static const char ha_minimal[] =
	"role = ha\ninstance = h\ninterface = eth0\naddress = 2001:db8:1::2\n"
	"home-prefix = 2001:db8:1::/64\n";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(path, sizeof(path), "%s/test.conf", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(tmpdir);
}

static int load_text(const char *text, struct xmip_conf *conf)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return xmip_conf_load(path, conf, err, sizeof(err));
}

/* The file must be rejected with "path:line: ..." naming the line and containing what. */
static void expect_error(const char *text, int line, const char *what)
{
	struct xmip_conf conf;
	char prefix[300];

	assert_int_equal(load_text(text, &conf), -1);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what))
		fail_msg("expected '%s...%s', got '%s'", prefix, what, err);
	assert_null(conf.mns);
}

static void addr_equal(const struct in6_addr *a, const char *text)
{
	struct in6_addr b;

	assert_int_equal(inet_pton(AF_INET6, text, &b), 1);
	assert_memory_equal(a, &b, sizeof(b));
}

static void test_ha_good(void **state)
{
	struct xmip_conf c;
	struct in6_addr hoa;
	const uint8_t key_head[] = { 0x01, 0x23, 0x45, 0x67 };

	(void)state;
	assert_int_equal(load_text(ha_good, &c), 0);
	assert_int_equal(c.role, XMIP_ROLE_HA);
	assert_string_equal(c.instance, "home");
	assert_int_equal(c.n_ifs, 2);
	assert_string_equal(c.ifnames[0], "eth0");
	assert_string_equal(c.ifnames[1], "eth1");
	addr_equal(&c.address, "2001:db8:1::2");
	addr_equal(&c.home_prefix, "2001:db8:1::");
	assert_int_equal(c.home_plen, 64);
	assert_int_equal(c.max_lifetime_s, 600);
	assert_int_equal(c.tunnel_mtu, 1460);
	assert_int_equal(c.max_bindings, 1024);
	assert_int_equal(c.xdp_mode, XMIP_XDP_NATIVE);
	assert_int_equal(c.mesg_id_window_s, 7);
	assert_int_equal(c.n_mns, 2);
	assert_string_equal(c.mns[0].nai, "mn1@example.org");
	assert_int_equal(c.mns[0].spi, 256);
	assert_int_equal(c.mns[0].key_len, 20);
	assert_memory_equal(c.mns[0].key, key_head, sizeof(key_head));
	assert_int_equal(c.mns[1].key_len, 2);
	assert_int_equal(c.mns[1].key[1], 0xff);

	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::101", &hoa), 1);
	assert_ptr_equal(xmip_conf_find_mn(&c, &hoa), &c.mns[1]);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::102", &hoa), 1);
	assert_null(xmip_conf_find_mn(&c, &hoa));
	xmip_conf_free(&c);
	assert_null(c.mns);
}

static void test_ha_defaults(void **state)
{
	struct xmip_conf c;

	(void)state;
	assert_int_equal(load_text(ha_minimal, &c), 0);
	assert_int_equal(c.xdp_mode, XMIP_XDP_AUTO);
	assert_int_equal(c.max_lifetime_s, 600);
	assert_int_equal(c.max_bindings, XMIP_DEFAULT_MAX_BINDINGS);
	assert_int_equal(c.mesg_id_window_s, 7);
	assert_int_equal(c.tunnel_mtu, 0); /* derived from the interfaces at attach */
	assert_int_equal(c.n_mns, 0);
	/* RFC 4862 §5.1 DupAddrDetectTransmits 1, RFC 4861 §10 RETRANS_TIMER. */
	assert_int_equal(c.dad_transmits, 1);
	assert_int_equal(c.dad_retrans_ms, 1000);
	xmip_conf_free(&c);
}

static void test_dad_and_link_local_keys(void **state)
{
	char buf[512];
	struct xmip_conf c;

	(void)state;
	snprintf(buf, sizeof(buf), "%s[mip6]\ndad-transmits = 3\ndad-retrans-ms = 250\n", ha_minimal);
	assert_int_equal(load_text(buf, &c), 0);
	assert_int_equal(c.dad_transmits, 3);
	assert_int_equal(c.dad_retrans_ms, 250);
	xmip_conf_free(&c);
	snprintf(buf, sizeof(buf), "%sdad-transmits = 0\n", ha_minimal);   /* DAD off */
	assert_int_equal(load_text(buf, &c), 0);
	assert_int_equal(c.dad_transmits, 0);
	xmip_conf_free(&c);
	snprintf(buf, sizeof(buf), "%sdad-transmits = 11\n", ha_minimal);
	expect_error(buf, 6, "out of range 0..10");
	snprintf(buf, sizeof(buf), "%sdad-retrans-ms = 50\n", ha_minimal);
	expect_error(buf, 6, "out of range 100..60000");
	snprintf(buf, sizeof(buf), "%slink-local-compat = yes\n", ha_minimal);
	expect_error(buf, 6, "not valid for role ha");

	assert_int_equal(load_text(mn_good, &c), 0);
	assert_false(c.link_local_compat);
	xmip_conf_free(&c);
	snprintf(buf, sizeof(buf), "%slink-local-compat = yes\n", mn_good);
	assert_int_equal(load_text(buf, &c), 0);
	assert_true(c.link_local_compat);
	xmip_conf_free(&c);
	snprintf(buf, sizeof(buf), "%slink-local-compat = maybe\n", mn_good);
	expect_error(buf, 12, "expected yes or no");
	snprintf(buf, sizeof(buf), "%sdad-transmits = 1\n", mn_good);
	expect_error(buf, 12, "not valid for role mn");
}

static void test_mn_good(void **state)
{
	struct xmip_conf c;

	(void)state;
	assert_int_equal(load_text(mn_good, &c), 0);
	assert_int_equal(c.role, XMIP_ROLE_MN);
	assert_int_equal(c.n_ifs, 2);
	addr_equal(&c.self.hoa, "2001:db8:1::100");
	addr_equal(&c.home_agent, "2001:db8:1::2");
	assert_string_equal(c.self.nai, "mn1@example.org");
	assert_int_equal(c.self.spi, 256);
	assert_int_equal(c.self.key_len, 16);
	assert_int_equal(c.lifetime_s, 60);
	assert_int_equal(c.n_mns, 0);
	xmip_conf_free(&c);
}

static void test_buffer_without_newline(void **state)
{
	struct xmip_conf c;
	const char text[] = "role = ha\ninstance = h\ninterface = eth0\naddress = ::1\n"
			    "home-prefix = ::/0x";

	(void)state;
	/* The length excludes the trailing 'x': the parser must stop at len. */
	assert_int_equal(xmip_conf_parse("mem", text, sizeof(text) - 2, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "mem:5: home-prefix: 0 is out of range"));
}

static void test_errors(void **state)
{
	char buf[2048];

	(void)state;
	expect_error("role = ha\ninstnce = x\n", 2, "unknown key 'instnce'");
	expect_error("role = ha\ninstance = h\ninterface = eth0\n"
		     "home-prefix = 2001:db8:1::/64\n", 4, "missing required key 'address' for role ha");
	expect_error("instance = h\n", 1, "missing required key 'role'");
	expect_error("role = router\n", 1, "role: 'router' is not a role");
	expect_error("role = ha\naddress = 2001:db8::zz\n", 2, "'2001:db8::zz' is not an IPv6 address");
	expect_error("role = ha\nhome-prefix = 2001:db8:1::\n", 2, "is not a prefix");
	expect_error("role = ha\nhome-prefix = 2001:db8:1::/129\n", 2, "out of range 1..128");
	expect_error("role = ha\nhome-prefix = 2001:db8:1::1/64\n", 2, "bits set after the prefix");
	expect_error("role = ha\ninterface = eth0\ninterface = eth0\n", 3, "listed twice");
	expect_error("role = ha\nrole = ha\n", 2, "repeated (first at line 1)");
	expect_error("role = ha\nxdp-mode = fast\n", 2, "not native, tc, generic or auto");
	expect_error("role = ha\ntunnel-mtu = 1000\n", 2, "1000 is below 1280");
	expect_error("role = ha\nmax-lifetime = 10s\n", 2, "'10s' is not a number");
	expect_error("role = ha\ninstance = a/b\n", 2, "instance: 'a/b'");
	expect_error("role = ha\njust words\n", 2, "expected 'key = value'");
	expect_error("role = ha\naddress =\n", 2, "address: missing value");
	expect_error("role = ha\n[bogus x]\n", 2, "unknown section");

	/* the role decides which keys are allowed, wherever role appears */
	expect_error("address = ::1\nrole = mn\n", 1, "key 'address' is not valid for role mn");
	expect_error("home-agent = ::1\nrole = ha\n", 1, "key 'home-agent' is not valid for role ha");

	/* MN keys */
	snprintf(buf, sizeof(buf), "%s", mn_good);
	*strstr(buf, "spi = 256") = '#';
	expect_error(buf, 11, "missing required key 'spi' for role mn");
	expect_error("role = mn\nspi = 255\n", 2, "spi: 255 is reserved");
	expect_error("role = mn\nspi = 0\n", 2, "reserved");
	expect_error("role = mn\nkey = 0123456789abcdeg\n", 2, "'eg' is not hex");
	expect_error("role = mn\nkey = 012\n", 2, "even number of hex digits");
	snprintf(buf, sizeof(buf), "role = mn\nkey = %0130d\n", 0);
	expect_error(buf, 2, "longer than the maximum of 64");
	snprintf(buf, sizeof(buf), "%s[mn x@y]\n", mn_good);
	expect_error(buf, 12, "[mn] sections are only valid with role = ha");
	snprintf(buf, sizeof(buf), "%s", mn_good);
	memcpy(strstr(buf, "2001:db8:1::100"), "2001:db8:9::100", 15);
	expect_error(buf, 5, "home-address is not inside home-prefix");

	/* HA [mn] sections */
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 300\n"
		 "key = 00\n[mn b@x]\nspi = 301\nkey = 01\nhome-address = 2001:db8:1::5\n",
		 ha_minimal);
	expect_error(buf, 13, "home-address is already used by [mn a@x] (line 6)");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 100\n",
		 ha_minimal);
	expect_error(buf, 8, "spi: 100 is reserved");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 300\n",
		 ha_minimal);
	expect_error(buf, 6, "[mn a@x]: missing required key 'key'");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 300\nkey = 00\n"
		 "[mn a@x]\n", ha_minimal);
	expect_error(buf, 10, "already defined at line 6");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\ninterface = eth1\n", ha_minimal);
	expect_error(buf, 7, "not valid inside [mn a@x]");
	snprintf(buf, sizeof(buf), "%s[mn]\n", ha_minimal);
	expect_error(buf, 6, "unknown section");
	snprintf(buf, sizeof(buf), "%s[mn a@x\n", ha_minimal);
	expect_error(buf, 6, "must end with ']'");
}

/* Today's flat file and the same keys in [mip6] give the same configuration. */
static void test_mip6_section(void **state)
{
	static const char mn_sectioned[] =
		"role = mn\n"
		"instance = mn\n"
		"interface = eth0\n"
		"interface = wlan0\n"
		"home-prefix = 2001:db8:1::/64\n"
		"\n"
		"[mip6]\n"
		"home-address = 2001:db8:1::100\n"
		"home-agent = 2001:db8:1::2\n"
		"nai = mn1@example.org\n"
		"spi = 256\n"
		"key = 0123456789abcdef0123456789abcdef\n"
		"lifetime = 60\n";
	static const char ha_sectioned[] =
		"role = ha\ninstance = h\ninterface = eth0\naddress = 2001:db8:1::2\n"
		"home-prefix = 2001:db8:1::/64\n"
		"[mip6]\nmax-lifetime = 120\nmesg-id-window = 3\n"
		"[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 300\nkey = 00\n";
	struct xmip_conf flat, sect;

	(void)state;
	assert_int_equal(load_text(mn_good, &flat), 0);
	assert_int_equal(load_text(mn_sectioned, &sect), 0);
	assert_memory_equal(&flat, &sect, sizeof(flat));
	assert_true(xmip_conf_has_section(&sect, "mip6"));
	assert_false(xmip_conf_has_section(&sect, "mn"));
	xmip_conf_free(&flat);
	xmip_conf_free(&sect);

	assert_int_equal(load_text(ha_sectioned, &sect), 0);
	assert_int_equal(sect.max_lifetime_s, 120);
	assert_int_equal(sect.mesg_id_window_s, 3);
	assert_int_equal(sect.n_mns, 1);
	assert_true(xmip_conf_has_section(&sect, "mip6"));
	assert_true(xmip_conf_has_section(&sect, "mn"));
	assert_false(xmip_conf_has_section(&sect, "dsmip"));
	xmip_conf_free(&sect);

	/* Instance keys alone: no family section in use. */
	assert_int_equal(load_text(ha_minimal, &sect), 0);
	assert_false(xmip_conf_has_section(&sect, "mip6"));
	xmip_conf_free(&sect);
}

/* "file:line: ..." for every misplaced or unknown key and section. */
static void test_section_errors(void **state)
{
	char buf[2048];

	(void)state;
	snprintf(buf, sizeof(buf), "%s[mip6]\nmax-lifetime = 60\nfoo = 1\n", ha_minimal);
	expect_error(buf, 8, "unknown key 'foo' in section [mip6]");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nhome-address = 2001:db8:1::5\nfoo = 1\n",
		 ha_minimal);
	expect_error(buf, 8, "unknown key 'foo' in section [mn a@x]");
	snprintf(buf, sizeof(buf), "%s[mip5]\n", ha_minimal);
	expect_error(buf, 6, "unknown section '[mip5]'");
	/* [dsmip] (docs/dsmip.md): its required key, its values, [mn] ipv4-home-address. */
	snprintf(buf, sizeof(buf), "%s[dsmip]\n", ha_minimal);
	expect_error(buf, 6, "[dsmip]: missing required key 'ipv4-address' for role ha");
	snprintf(buf, sizeof(buf), "%s[dsmip]\nipv4-address = 198.51.100.2\n"
		 "ipv4-hoa-pool = 192.0.2.1/28\n", ha_minimal);
	expect_error(buf, 8, "ipv4-hoa-pool: 192.0.2.1/28 has bits set past /28");
	snprintf(buf, sizeof(buf), "%s[dsmip]\nipv4-address = 224.0.0.1\n", ha_minimal);
	expect_error(buf, 7, "ipv4-address: 224.0.0.1 is not a unicast IPv4 address");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 256\n"
		 "key = 00112233445566778899aabbccddeeff\nipv4-home-address = 192.0.2.9\n",
		 ha_minimal);
	expect_error(buf, 10, "[mn a@x]: ipv4-home-address needs a [dsmip] section");
	snprintf(buf, sizeof(buf), "%s[mip6 x]\n", ha_minimal);
	expect_error(buf, 6, "section [mip6] takes no argument");
	snprintf(buf, sizeof(buf), "%s[mip6]\ninterface = eth1\n", ha_minimal);
	expect_error(buf, 7, "key 'interface' is not valid inside [mip6]");
	expect_error(buf, 7, "it goes before the first section");
	snprintf(buf, sizeof(buf), "%s[mn a@x]\nmax-lifetime = 60\n", ha_minimal);
	expect_error(buf, 7, "it goes in [mip6]");
	snprintf(buf, sizeof(buf), "%smax-lifetime = 60\n[mip6]\nmax-lifetime = 90\n", ha_minimal);
	expect_error(buf, 8, "key 'max-lifetime' is repeated (first at line 6)");
	snprintf(buf, sizeof(buf), "%s[mip6]\n[mn a@x]\nhome-address = 2001:db8:1::5\nspi = 300\n"
		 "key = 00\n[mip6]\n", ha_minimal);
	expect_error(buf, 11, "[mip6]: section is already defined at line 6");
	/* The role still decides, inside a section too. */
	snprintf(buf, sizeof(buf), "%s[mip6]\nlifetime = 60\n", ha_minimal);
	expect_error(buf, 7, "key 'lifetime' is not valid for role ha");
}

/* The registration tables: no key twice in a section, none ambiguous before the first header. */
static void test_section_tables(void **state)
{
	(void)state;
	assert_string_equal(xmip_conf_sections[0]->name, "");
	for (size_t i = 0; i < xmip_conf_n_sections; i++) {
		const struct xmip_conf_section *s = xmip_conf_sections[i];

		assert_true(s->n_keys <= XMIP_CONF_SECTION_MAX_KEYS);
		assert_true(!s->arg_name || (s->open && s->target));
		for (size_t k = 0; k < s->n_keys; k++) {
			assert_non_null(s->keys[k].set);
			for (size_t l = k + 1; l < s->n_keys; l++)
				assert_string_not_equal(s->keys[k].name, s->keys[l].name);
			if (s->name[0] && !s->flat)
				continue;
			for (size_t j = i + 1; j < xmip_conf_n_sections; j++) {
				const struct xmip_conf_section *t = xmip_conf_sections[j];

				for (size_t l = 0; (!t->name[0] || t->flat) && l < t->n_keys; l++)
					assert_string_not_equal(s->keys[k].name, t->keys[l].name);
			}
		}
	}
}

/* NEMO (RFC 3963) and home agent discovery keys, with `xmip check`'s errors. */
static void test_nemo_and_dhaad_keys(void **state)
{
	char buf[2048];
	struct xmip_conf c;

	(void)state;
	snprintf(buf, sizeof(buf), "%s"
		 "[mip6]\n"
		 "home-agent-preference = 20\n"
		 "peer-home-agent = 2001:db8:1::3 30\n"
		 "peer-home-agent = 2001:db8:1::4\n"
		 "[mn r@example.org]\n"
		 "home-address = 2001:db8:1::300\nspi = 300\nkey = 00ff\n"
		 "mobile-network-prefix = 2001:db8:100::/48\n"
		 "mobile-network-prefix = 2001:db8:200::/56\n", ha_good);
	assert_int_equal(load_text(buf, &c), 0);
	assert_true(c.mobile_routers);                   /* default yes */
	assert_int_equal(c.ha_preference, 20);
	assert_int_equal(c.n_peer_has, 2);
	addr_equal(&c.peer_has[0].addr, "2001:db8:1::3");
	assert_int_equal(c.peer_has[0].preference, 30);
	assert_int_equal(c.peer_has[1].preference, 0);
	assert_int_equal(c.mns[2].n_mnp, 2);
	addr_equal(&c.mns[2].mnp[1].prefix, "2001:db8:200::");
	assert_int_equal(c.mns[2].mnp[1].plen, 56);
	assert_int_equal(c.mns[0].n_mnp, 0);
	xmip_conf_free(&c);

	/* an MN without home-agent (DHAAD), a mobile router in explicit mode */
	snprintf(buf, sizeof(buf), "role = mn\ninstance = mn\ninterface = eth0\n"
		 "home-address = 2001:db8:1::100\nhome-prefix = 2001:db8:1::/64\n"
		 "nai = mn1@example.org\nspi = 256\nkey = 00ff\n"
		 "mobile-router = yes\nmobile-network-prefix = 2001:db8:100::/64\n");
	assert_int_equal(load_text(buf, &c), 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&c.home_agent));
	assert_true(c.mobile_router && c.nemo_explicit);
	assert_int_equal(c.self.n_mnp, 1);
	xmip_conf_free(&c);

	expect_error("role = ha\nmobile-routers = perhaps\n", 2, "mobile-routers");
	expect_error("role = ha\nhome-agent-preference = 40000\n", 2, "home-agent-preference");
	expect_error("role = ha\npeer-home-agent = 2001:db8:1::3 x\n", 2, "peer-home-agent");
	expect_error("role = mn\nnemo-mode = sideways\n", 2, "not explicit or implicit");
	expect_error("role = mn\nmobile-network-prefix = ff00::/8\n", 2, "not a unicast routable");
	expect_error("role = ha\nmobile-router = yes\n", 2, "mobile-router");
	/* cross-checks once the file is read */
	snprintf(buf, sizeof(buf), "role = mn\ninstance = mn\ninterface = eth0\n"
		 "home-address = 2001:db8:1::100\nhome-prefix = 2001:db8:1::/64\n"
		 "nai = mn1@example.org\nspi = 256\nkey = 00ff\nmobile-router = yes\n");
	expect_error(buf, 9, "needs a mobile-network-prefix");
	snprintf(buf, sizeof(buf), "role = mn\ninstance = mn\ninterface = eth0\n"
		 "home-address = 2001:db8:1::100\nhome-prefix = 2001:db8:1::/64\n"
		 "nai = mn1@example.org\nspi = 256\nkey = 00ff\n"
		 "mobile-network-prefix = 2001:db8:1:0:8000::/65\n");
	expect_error(buf, 9, "overlaps home-prefix");
	snprintf(buf, sizeof(buf), "%s"
		 "mobile-network-prefix = 2001:db8:100::/48\n"
		 "[mn r@example.org]\n"
		 "home-address = 2001:db8:1::300\nspi = 300\nkey = 00ff\n"
		 "mobile-network-prefix = 2001:db8:100:7::/64\n", ha_good);
	expect_error(buf, 23, "overlaps one of [mn mn2@example.org]");
}

static void test_missing_file(void **state)
{
	struct xmip_conf c;

	(void)state;
	assert_int_equal(xmip_conf_load("/nonexistent/xcl.conf", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/xcl.conf: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ha_good),
		cmocka_unit_test(test_ha_defaults),
		cmocka_unit_test(test_mn_good),
		cmocka_unit_test(test_dad_and_link_local_keys),
		cmocka_unit_test(test_buffer_without_newline),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mip6_section),
		cmocka_unit_test(test_section_errors),
		cmocka_unit_test(test_section_tables),
		cmocka_unit_test(test_nemo_and_dhaad_keys),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
