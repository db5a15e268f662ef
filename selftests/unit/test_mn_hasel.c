// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mobile node's choice among the home agents of a DHAAD reply
 * (RFC 6275 §11.4.1, §11.7.3; RFC 3963 §5.4): which refusals move on,
 * silence, the list's order, DHAAD again or a stop when it is used up.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mn_hasel.h"
#include "xmip_wire.h"

static struct xmip_conf conf;

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
	return 0;
}

static void test_set_keeps_usable_in_order(void **state)
{
	struct in6_addr in[] = { A("fe80::1"), A("2001:db8:1::3"), A("ff02::1"), A("2001:db8:1::2"),
				 A("2001:db8:1::3"), A("::") };
	struct xmip_mn_halist l;

	(void)state;
	assert_int_equal(xmip_mn_halist_set(&l, in, 6), 2);
	assert_memory_equal(xmip_mn_halist_current(&l), in[1].s6_addr, 16);
	assert_memory_equal(&l.addr[1], in[3].s6_addr, 16);
	assert_int_equal(xmip_mn_halist_set(&l, in, 1), 0);
	assert_null(xmip_mn_halist_current(&l));
}

/* Which refusals another home agent could accept. */
static void test_refusals(void **state)
{
	(void)state;
	/* a mobile node: every refusal but 134 and 139 (and the resynchronising ones) */
	for (unsigned s = 0; s < 256; s++) {
		bool want = s >= 128 && s != 134 && s != 139 && s != 135 && s != 144 && s != 145;

		assert_int_equal(xmip_mn_refusal_try_other((uint8_t)s, &conf), want);
	}
	assert_true(xmip_mn_refusal_try_other(XMIP_BA_INSUFFICIENT_RESOURCES, &conf));   /* 130 */
	assert_true(xmip_mn_refusal_try_other(XMIP_BA_NOT_HA_FOR_MN, &conf));            /* 133 */
	assert_false(xmip_mn_refusal_try_other(XMIP_BA_DAD_FAILED, &conf));              /* 134 */
	assert_false(xmip_mn_refusal_try_other(0, &conf));
	assert_false(xmip_mn_refusal_try_other(1, &conf));
	/* RFC 3963 §5.4.2, explicit mode: 140, 141, 142 move on; 143 is fatal */
	conf.mobile_router = true;
	conf.nemo_explicit = true;
	assert_true(xmip_mn_refusal_try_other(140, &conf));
	assert_true(xmip_mn_refusal_try_other(141, &conf));
	assert_true(xmip_mn_refusal_try_other(142, &conf));
	assert_false(xmip_mn_refusal_try_other(143, &conf));
	/* §5.4.1, implicit mode: 140 and 143 move on; 141 and 142 are fatal */
	conf.nemo_explicit = false;
	assert_true(xmip_mn_refusal_try_other(140, &conf));
	assert_false(xmip_mn_refusal_try_other(141, &conf));
	assert_false(xmip_mn_refusal_try_other(142, &conf));
	assert_true(xmip_mn_refusal_try_other(143, &conf));
}

static void test_walk_refusals_then_give_up(void **state)
{
	struct in6_addr in[] = { A("2001:db8:1::2"), A("2001:db8:1::3"), A("2001:db8:1::4") };
	struct xmip_mn_halist l;
	const struct in6_addr *next;

	(void)state;
	conf.mobile_router = true;
	conf.nemo_explicit = true;
	xmip_mn_halist_set(&l, in, 3);
	/* a fatal one: stay (retry on the next move), list untouched */
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, false, 143, &next), XMIP_MN_HA_STAY);
	assert_null(next);
	assert_memory_equal(xmip_mn_halist_current(&l), in[0].s6_addr, 16);
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, false, 140, &next), XMIP_MN_HA_NEXT);
	assert_memory_equal(next, in[1].s6_addr, 16);
	assert_memory_equal(xmip_mn_halist_current(&l), in[1].s6_addr, 16);
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, false, 140, &next), XMIP_MN_HA_NEXT);
	assert_memory_equal(next, in[2].s6_addr, 16);
	/* every one refused: stop until the next move (RFC 3963 §5.4.1), list emptied */
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, false, 142, &next), XMIP_MN_HA_GIVE_UP);
	assert_null(next);
	assert_int_equal(l.n, 0);
	assert_null(xmip_mn_halist_current(&l));
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, true, 0, &next), XMIP_MN_HA_REDISCOVER);
}

static void test_silence_rediscovers(void **state)
{
	struct in6_addr in[] = { A("2001:db8:1::2"), A("2001:db8:1::3") };
	struct xmip_mn_halist l;
	const struct in6_addr *next;

	(void)state;
	xmip_mn_halist_set(&l, in, 2);
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, true, 0, &next), XMIP_MN_HA_NEXT);
	assert_memory_equal(next, in[1].s6_addr, 16);
	/* the second refuses, but the first was silent: it may be back */
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, false, 130, &next),
			 XMIP_MN_HA_REDISCOVER);
	assert_int_equal(l.n, 0);
	/* a single home agent, silent */
	xmip_mn_halist_set(&l, in, 1);
	assert_int_equal(xmip_mn_halist_failed(&l, &conf, true, 0, &next), XMIP_MN_HA_REDISCOVER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_set_keeps_usable_in_order, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_walk_refusals_then_give_up, setup),
		cmocka_unit_test_setup(test_silence_rediscovers, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
