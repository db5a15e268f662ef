// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NTMobile's configuration sections (lib/conf_ntm.c): a DC and a node file
 * as docs/ntmobile.md shows them, defaults, and every validation with the
 * line it names.
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

#include "config.h"

static char tmpdir[] = "/tmp/xcl-ntmconf-XXXXXX";
static char path[256];
static char err[512];

#define K32 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const char dc_good[] =
	"role = dc\n"
	"instance = dca\n"
	"[dc]\n"
	"name = a.example\n"
	"vip4-pool = 10.200.0.0/16\n"
	"vip6-pool = fd00:a::/64\n"
	"dns-server = 203.0.113.53\n"
	"dump-file = /run/xmip/dca.json\n"
	"[node mn.a.example]\n"
	"key = " K32 "\n"
	"[node cn2.a.example]\n"
	"key = " K32 "\n"
	"[peer-dc b.example]\n"
	"key = " K32 "\n"
	"[relay rs1.a.example]\n"
	"address = 2001:db8::30\n"
	"key = " K32 "\n"
	"modes = rs-s\n";

static const char ntm_good[] =
	"role = ntm\n"
	"instance = mn\n"
	"interface = eth0\n"
	"[ntm]\n"
	"fqdn = mn.a.example\n"
	"key = " K32 "\n"
	"dc = 203.0.113.10\n"
	"dc-name = a.example\n"
	"unreachable = yes\n"
	"connect = cn.b.example\n"
	"connect = www.c.example\n";

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
	fputs(text, f);
	fclose(f);
	return xmip_conf_load(path, conf, err, sizeof(err));
}

static void expect_error(const char *text, int line, const char *what)
{
	struct xmip_conf conf;
	char prefix[300];

	assert_int_equal(load_text(text, &conf), -1);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what))
		fail_msg("expected '%s...%s', got '%s'", prefix, what, err);
}

static void test_dc_good(void **state)
{
	struct xmip_conf c;
	uint8_t v4[4], a[16];

	(void)state;
	if (load_text(dc_good, &c))
		fail_msg("%s", err);
	assert_int_equal(c.role, XMIP_ROLE_DC);
	assert_string_equal(c.instance, "dca");
	assert_string_equal(c.ntm.name, "a.example");
	inet_pton(AF_INET, "10.200.0.0", v4);
	assert_memory_equal(c.ntm.vip4, v4, 4);
	assert_int_equal(c.ntm.vip4_plen, 16);
	assert_int_equal(c.ntm.vip6_plen, 64);
	assert_int_equal(c.ntm.port, 49600);                 /* defaults */
	assert_int_equal(c.ntm.keepalive_s, 20);
	assert_int_equal(c.ntm.replay_window_s, 30);
	assert_int_equal(c.ntm.dns_port, 53);
	assert_true(c.ntm.has_dns_server);
	assert_int_equal(c.ntm.dns_server.s6_addr[10], 0xff); /* IPv4-mapped */
	assert_string_equal(c.ntm.state_file, "/var/lib/xmip/dca.state");
	assert_string_equal(c.ntm.dump_file, "/run/xmip/dca.json");
	assert_int_equal(c.ntm.n_nodes, 2);
	assert_string_equal(c.ntm.nodes[1].name, "cn2.a.example");
	assert_int_equal(c.ntm.nodes[1].key_len, 32);
	assert_int_equal(c.ntm.n_peer_dcs, 1);
	assert_int_equal(c.ntm.n_relays, 1);
	inet_pton(AF_INET6, "2001:db8::30", a);
	assert_memory_equal(&c.ntm.relays[0].addr, a, 16);
	assert_int_equal(c.ntm.relays[0].port, 49602);
	assert_int_equal(c.ntm.relays[0].modes, XMIP_NTM_RELAY_RS_S);
	assert_true(xmip_conf_has_section(&c, "dc"));
	assert_false(xmip_conf_has_section(&c, "ntm"));
	xmip_conf_free(&c);
	assert_null(c.ntm.nodes);
}

static void test_ntm_good(void **state)
{
	struct xmip_conf c;

	(void)state;
	if (load_text(ntm_good, &c))
		fail_msg("%s", err);
	assert_int_equal(c.role, XMIP_ROLE_NTM);
	assert_string_equal(c.ntm.fqdn, "mn.a.example");
	assert_int_equal(c.ntm.key_len, 32);
	assert_int_equal(c.ntm.port, 49601);
	assert_int_equal(c.ntm.dc_port, 49600);
	assert_int_equal(c.ntm.lifetime_s, 600);
	assert_true(c.ntm.unreachable);
	assert_int_equal(c.ntm.n_connect, 2);
	assert_string_equal(c.ntm.connect[1], "www.c.example");
	assert_int_equal(c.n_ifs, 1);                 /* the node datapath's interface */
	assert_string_equal(c.ntm.vif, "ntm0");       /* the virtual interface, by default */
	xmip_conf_free(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("role = dc\ninstance = d\n[dc]\nvip4-pool = 10.0.0.0/16\nvip6-pool = fd00::/64\n",
		     5, "missing required key 'name' for role dc");
	expect_error("role = dc\ninstance = d\n", 2, "missing required key 'name'");
	expect_error("role = dc\ninstance = d\n[dc]\nname = A.example\n", 4, "not a valid name");
	expect_error("role = dc\ninstance = d\n[dc]\nname = a.example.\n", 4, "not a valid name");
	expect_error("role = dc\ninstance = d\n[dc]\nvip4-pool = 10.0.0.1/16\n", 4, "host bits set");
	expect_error("role = dc\ninstance = d\n[dc]\nvip4-pool = 10.0.0.0/31\n", 4, "vip4-pool");
	expect_error("role = dc\ninstance = d\n[dc]\nvip4-pool = 10.0.0.0\n", 4, "IPv4 prefix");
	expect_error("role = dc\ninstance = d\n[dc]\nvip6-pool = fd00::/32\n", 4, "48-124");
	expect_error("role = dc\ninstance = d\n[dc]\nkeepalive = 2\n", 4, "keepalive");
	expect_error("role = dc\ninstance = d\n[dc]\ndns-server = dns.example\n", 4,
		     "not an IPv4 or IPv6 address");
	expect_error("role = dc\ninstance = d\n[dc]\nstate-file = relative\n", 4, "absolute path");
	expect_error("role = dc\ninstance = d\n[dc]\nfqdn = x.a.example\n", 4,
		     "key 'fqdn' is not valid inside [dc]");
	expect_error("role = dc\ninstance = d\n[node mn.a.example]\nkey = 0001\n", 4, "too short");
	expect_error("role = dc\ninstance = d\n[node mn.a.example]\n", 3, "missing required key 'key'");
	expect_error("role = dc\ninstance = d\n[node mn.a.example]\nkey = " K32 "\n[node mn.a.example]\n",
		     5, "already defined");
	expect_error("role = dc\ninstance = d\n[relay r1]\naddress = 10.0.0.1\nkey = " K32
		     "\nmodes = rs-x\n", 6, "not rs-s or rs-n");
	expect_error("role = dc\ninstance = d\n[relay r1]\nkey = " K32 "\n", 3,
		     "missing required key 'address'");
	expect_error("role = dc\ninstance = d\n[ntm]\n", 3, "[ntm] sections are only valid with role = ntm");
	expect_error("role = ntm\ninstance = n\n[node x.a.example]\n", 3, "only valid with role = dc");
	/* a node outside the DC's domain, the DC as its own peer */
	expect_error("role = dc\ninstance = d\n[dc]\nname = a.example\nvip4-pool = 10.0.0.0/16\n"
		     "vip6-pool = fd00::/64\n[node mn.b.example]\nkey = " K32 "\n", 7,
		     "not a name inside the DC's domain");
	expect_error("role = dc\ninstance = d\n[dc]\nname = a.example\nvip4-pool = 10.0.0.0/16\n"
		     "vip6-pool = fd00::/64\n[peer-dc a.example]\nkey = " K32 "\n", 7,
		     "this DC's own name");
	/* node */
	expect_error("role = ntm\ninstance = n\n[ntm]\nfqdn = mn.a.example\nkey = " K32 "\n"
		     "dc = 10.0.0.1\n", 6, "missing required key 'dc-name'");
	expect_error("role = ntm\ninstance = n\n[ntm]\nfqdn = mn.b.example\nkey = " K32 "\n"
		     "dc = 10.0.0.1\ndc-name = a.example\n", 4, "not inside dc-name");
	expect_error("role = ntm\ninstance = n\n[ntm]\nunreachable = maybe\n", 4, "yes or no");
	expect_error("role = ntm\ninstance = n\n[ntm]\ndc = 10.0.0.300\n", 4, "not an IPv4 or IPv6");
	/* interface = is the node datapath's (optional); xdp-mode is not for role ntm */
	expect_error("role = ntm\ninstance = n\nxdp-mode = native\n", 3, "not valid for role ntm");
	expect_error("role = ntm\ninstance = n\n[ntm]\nvif = a/b\n", 4, "not a valid interface");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dc_good),
		cmocka_unit_test(test_ntm_good),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
