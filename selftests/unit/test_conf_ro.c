// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The correspondent node's configuration: role cn, its instance keys and
 * [ro] (lib/conf_ro.c), defaults, RFC 6275's limits, and every error with
 * the line it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

static char err[512];

static int load(const char *text, struct xmip_conf *c)
{
	return xmip_conf_parse("cn.conf", text, strlen(text), c, err, sizeof(err));
}

static void expect_error(const char *text, int line, const char *what)
{
	struct xmip_conf c;
	char prefix[64];

	assert_int_equal(load(text, &c), -1);
	snprintf(prefix, sizeof(prefix), "cn.conf:%d: ", line);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what))
		fail_msg("expected '%s...%s', got '%s'", prefix, what, err);
}

#define BASE "role = cn\ninstance = cn\ninterface = eth0\naddress = 2001:db8:c::2\n"

static void test_defaults(void **state)
{
	struct xmip_conf c;
	struct in6_addr a;

	(void)state;
	assert_int_equal(load(BASE, &c), 0);
	assert_int_equal(c.role, XMIP_ROLE_CN);
	inet_pton(AF_INET6, "2001:db8:c::2", &a);
	assert_memory_equal(&c.address, &a, 16);
	assert_int_equal(c.n_ifs, 1);
	/* RFC 6275 §12 values, §5.2.7's 30 s nonce period. */
	assert_int_equal(c.ro.max_lifetime_s, 420);
	assert_int_equal(c.ro.nonce_interval_s, 30);
	assert_int_equal(c.ro.nonce_lifetime_s, 240);
	assert_int_equal(c.ro.brr_lead_s, 10);
	assert_int_equal(c.ro.rr_rate, 100);
	assert_int_equal(c.ro.be_rate, 10);
	assert_int_equal(c.max_bindings, XMIP_DEFAULT_MAX_BINDINGS);
	assert_false(xmip_conf_has_section(&c, "ro"));
	xmip_conf_free(&c);
}

static void test_section(void **state)
{
	struct xmip_conf c;

	(void)state;
	assert_int_equal(load(BASE "max-bindings = 1000\nxdp-mode = generic\n[ro]\n"
			      "max-lifetime = 60\nnonce-interval = 2\nnonce-lifetime = 6\n"
			      "brr-lead = 0\nrr-rate = 5\nbe-rate = 1\n", &c), 0);
	assert_int_equal(c.max_bindings, 1000);
	assert_int_equal(c.xdp_mode, XMIP_XDP_GENERIC);
	assert_int_equal(c.ro.max_lifetime_s, 60);
	assert_int_equal(c.ro.nonce_interval_s, 2);
	assert_int_equal(c.ro.nonce_lifetime_s, 6);
	assert_int_equal(c.ro.brr_lead_s, 0);
	assert_int_equal(c.ro.rr_rate, 5);
	assert_int_equal(c.ro.be_rate, 1);
	assert_true(xmip_conf_has_section(&c, "ro"));
	xmip_conf_free(&c);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("role = cn\ninstance = cn\ninterface = eth0\n", 3,
		     "missing required key 'address' for role cn");
	expect_error("role = cn\ninstance = cn\naddress = 2001:db8:c::2\n", 3,
		     "missing required key 'interface' for role cn");
	/* MAX_RR_BINDING_LIFETIME, MAX_NONCE_LIFETIME (§5.2.6, §5.2.7, §12). */
	expect_error(BASE "[ro]\nmax-lifetime = 421\n", 6, "out of range 4..420");
	expect_error(BASE "[ro]\nnonce-lifetime = 241\n", 6, "out of range 2..240");
	expect_error(BASE "[ro]\nnonce-interval = 31\n", 6, "out of range 1..30");
	expect_error(BASE "[ro]\nnonce-interval = 10\nnonce-lifetime = 5\n", 7,
		     "nonce-lifetime (5 s) is shorter than nonce-interval (10 s)");
	expect_error(BASE "[ro]\nrr-rate = 0\n", 6, "out of range");
	expect_error(BASE "[ro]\nhome-address = 2001:db8:1::100\n", 6,
		     "key 'home-address' is not valid inside [ro]");
	expect_error("role = cn\ninstance = cn\ninterface = eth0\naddress = fe80::1\n", 4,
		     "a correspondent needs a unicast routable address");
	/* Keys of other roles; [ro] on another role. */
	expect_error(BASE "home-prefix = 2001:db8:1::/64\n", 5, "not valid for role cn");
	expect_error("role = ha\ninstance = h\ninterface = eth0\naddress = 2001:db8:1::2\n"
		     "home-prefix = 2001:db8:1::/64\n[ro]\n", 6,
		     "[ro] sections are only valid with role = mn or cn");
	expect_error("role = cn\nrole = cn\n", 2, "repeated");
}

#define MN_BASE "role = mn\ninstance = mn\ninterface = eth0\nhome-address = 2001:db8:1::100\n" \
	"home-agent = 2001:db8:1::2\nhome-prefix = 2001:db8:1::/64\nnai = mn@x\nspi = 256\n" \
	"key = 00112233445566778899aabbccddeeff\n"

/* The mobile node's correspondents (route optimisation, RFC 6275 §11.7.2). */
static void test_mn_correspondents(void **state)
{
	struct xmip_conf c;
	struct in6_addr a;

	(void)state;
	assert_int_equal(load(MN_BASE "[ro]\ncorrespondent = 2001:db8:c::2\n"
			      "correspondent = 2001:db8:c::3\n", &c), 0);
	assert_int_equal(c.ro.n_correspondents, 2);
	inet_pton(AF_INET6, "2001:db8:c::3", &a);
	assert_memory_equal(&c.ro.correspondents[1], &a, 16);
	xmip_conf_free(&c);
	assert_int_equal(load(MN_BASE, &c), 0);
	assert_int_equal(c.ro.n_correspondents, 0);
	xmip_conf_free(&c);
	expect_error(MN_BASE "[ro]\ncorrespondent = fe80::1\n", 11, "not a unicast routable");
	expect_error(MN_BASE "[ro]\ncorrespondent = 2001:db8:c::2\ncorrespondent = 2001:db8:c::2\n",
		     12, "given twice");
	expect_error(BASE "[ro]\ncorrespondent = 2001:db8:c::9\n", 6, "correspondent");
}

/* [ro] learn-correspondents and its limits (mobile node only). */
static void test_mn_learning(void **state)
{
	struct xmip_conf c;

	(void)state;
	assert_int_equal(load(MN_BASE, &c), 0);
	assert_false(c.ro.learn);            /* off by default: docs/DESIGN.md says why */
	assert_int_equal(c.ro.learn_max, 64);
	assert_int_equal(c.ro.learn_idle_s, 120);
	assert_int_equal(c.ro.learn_hold_s, 600);
	xmip_conf_free(&c);
	assert_int_equal(load(MN_BASE "[ro]\nlearn-correspondents = yes\nlearn-max = 1000\n"
			      "learn-idle = 5\nlearn-hold-down = 1\n", &c), 0);
	assert_true(c.ro.learn);
	assert_int_equal(c.ro.n_correspondents, 0);
	assert_int_equal(c.ro.learn_max, 1000);
	assert_int_equal(c.ro.learn_idle_s, 5);
	assert_int_equal(c.ro.learn_hold_s, 1);
	xmip_conf_free(&c);
	expect_error(MN_BASE "[ro]\nlearn-correspondents = perhaps\n", 11, "learn-correspondents");
	expect_error(MN_BASE "[ro]\nlearn-max = 0\n", 11, "learn-max");
	expect_error(MN_BASE "[ro]\nlearn-max = 1001\n", 11, "learn-max");
	expect_error(MN_BASE "[ro]\nlearn-idle = 4\n", 11, "learn-idle");
	expect_error(MN_BASE "[ro]\nlearn-hold-down = 0\n", 11, "learn-hold-down");
	/* A correspondent node learns nothing. */
	expect_error(BASE "[ro]\nlearn-correspondents = yes\n", 6, "learn-correspondents");
}

/* [ro] accept-bindings: the mobile node as a correspondent for its HoA (§8.2, §9.3). */
static void test_mn_accept_bindings(void **state)
{
	struct xmip_conf c;

	(void)state;
	assert_int_equal(load(MN_BASE, &c), 0);
	assert_true(c.ro.accept_bindings);   /* §8.2: "The default SHOULD be enabled." */
	assert_int_equal(c.ro.max_lifetime_s, 420);
	assert_int_equal(c.ro.be_rate, 10);
	xmip_conf_free(&c);
	/* The correspondent's keys are the MN's too when it is one. */
	assert_int_equal(load(MN_BASE "[ro]\naccept-bindings = no\nmax-lifetime = 60\n"
			      "nonce-interval = 10\nnonce-lifetime = 100\nbrr-lead = 0\n"
			      "rr-rate = 5\nbe-rate = 2\n", &c), 0);
	assert_false(c.ro.accept_bindings);
	assert_int_equal(c.ro.max_lifetime_s, 60);
	assert_int_equal(c.ro.nonce_interval_s, 10);
	assert_int_equal(c.ro.nonce_lifetime_s, 100);
	assert_int_equal(c.ro.brr_lead_s, 0);
	assert_int_equal(c.ro.rr_rate, 5);
	assert_int_equal(c.ro.be_rate, 2);
	xmip_conf_free(&c);
	expect_error(MN_BASE "[ro]\naccept-bindings = maybe\n", 11, "accept-bindings");
	expect_error(MN_BASE "[ro]\nmax-lifetime = 421\n", 11, "out of range 4..420");
	expect_error(MN_BASE "[ro]\nnonce-interval = 10\nnonce-lifetime = 5\n", 12,
		     "nonce-lifetime (5 s) is shorter than nonce-interval (10 s)");
	/* A correspondent node always accepts: the key is the MN's. */
	expect_error(BASE "[ro]\naccept-bindings = no\n", 6, "accept-bindings");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_section),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mn_correspondents),
		cmocka_unit_test(test_mn_learning),
		cmocka_unit_test(test_mn_accept_bindings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
