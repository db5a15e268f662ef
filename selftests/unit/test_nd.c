// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The unsolicited NA the HA sends for a new binding must make neighbours
 * replace their cache entry (Override set), must not claim to be a router
 * or solicited, and must carry the HoA as target with our MAC (RFC 4861
 * §4.4, RFC 6275 §10.4.1). Decoded here by byte offsets of RFC 4861.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "nd.h"

static void test_na_layout(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	uint8_t buf[64];
	struct in6_addr hoa;
	size_t n;

	(void)state;
	inet_pton(AF_INET6, "2001:db8:1::100", &hoa);
	memset(buf, 0xee, sizeof(buf));
	n = xmip_nd_build_na(buf, sizeof(buf), &hoa, mac);
	assert_int_equal(n, 32);                    /* 24 NA + 8 TLLA option */
	assert_int_equal(buf[0], 136);              /* Neighbor Advertisement */
	assert_int_equal(buf[1], 0);                /* code */
	assert_int_equal(buf[4], 0x20);             /* R=0 S=0 O=1 */
	assert_int_equal(buf[5] | buf[6] | buf[7], 0);
	assert_memory_equal(buf + 8, &hoa, 16);     /* target */
	assert_int_equal(buf[24], 2);               /* Target Link-Layer Address */
	assert_int_equal(buf[25], 1);               /* 8 octets */
	assert_memory_equal(buf + 26, mac, 6);
	/* Too small a buffer: nothing written, 0 returned. */
	assert_int_equal(xmip_nd_build_na(buf, 31, &hoa, mac), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_na_layout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
