// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* RFC 6275 §9.5.1 sequence number window, at and around the wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "seqwin.h"

static void test_window_edges(void **state)
{
	(void)state;
	assert_true(xmip_seq_newer(16, 15));
	assert_true(xmip_seq_newer(15 + 32767, 15));      /* 32782: last in window */
	assert_false(xmip_seq_newer(15 + 32768, 15));     /* 32783: half way round */
	assert_false(xmip_seq_newer(15, 15));             /* same: rejected */
	assert_false(xmip_seq_newer(14, 15));             /* older */
}

static void test_wrap(void **state)
{
	(void)state;
	assert_true(xmip_seq_newer(0, 65535));
	assert_true(xmip_seq_newer(5, 65530));
	assert_false(xmip_seq_newer(65535, 0));
	assert_true(xmip_seq_newer(32767, 0));
	assert_false(xmip_seq_newer(32768, 0));
}

/* Exhaustive against the definition, for a few last values. */
static void test_exhaustive(void **state)
{
	static const unsigned lasts[] = { 0, 1, 15, 32767, 32768, 65535 };

	(void)state;
	for (unsigned i = 0; i < sizeof(lasts) / sizeof(lasts[0]); i++)
		for (unsigned n = 0; n < 65536; n++) {
			unsigned delta = (n - lasts[i]) & 0xffff;

			assert_int_equal(xmip_seq_newer((uint16_t)n, (uint16_t)lasts[i]),
					 delta >= 1 && delta <= 32767);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_exhaustive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
