// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * agentd/core/icmp_parse.c: the datapath's ICMPv6 reports (an error a
 * router returned about one of our tunnel packets) and the relay to the
 * inner source (RFC 2473 §8.2: Destination Unreachable code 3). The inputs
 * are the fuzz seeds, built with Scapy (selftests/fuzz/icmp_report/).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "seed_file.h"

#include "csum.h"
#include "icmp_report.h"

static const struct in6_addr HA = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } };

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	return load_seed("icmp_report", name, buf, cap);
}

static void test_destination_unreachable_is_relayed_as_code_3(void **state)
{
	uint8_t buf[600], out[1280];
	struct xmip_icmp_report r;
	size_t n = load("du", buf, sizeof(buf));
	int len;

	(void)state;
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(r.type, 1);
	assert_int_equal(r.code, 3);
	assert_memory_equal(&r.tun_src, &HA, 16);
	assert_int_equal(r.tun_dst.s6_addr[5], 0x0a);   /* 2001:db8:a::100, the CoA */
	assert_int_equal(r.in_dst.s6_addr[15], 0x00);
	assert_int_equal(r.in_dst.s6_addr[14], 0x01);   /* 2001:db8:1::100, the HoA */
	assert_int_equal(r.in_src.s6_addr[5], 0x0c);    /* 2001:db8:c::2, the CN */
	assert_int_equal(r.inner_len, n - 88);
	len = xmip_icmp_relay_build(&r, &HA, out, sizeof(out));
	assert_int_equal(len, 48 + (int)r.inner_len);
	assert_int_equal(out[6], 58);
	assert_memory_equal(out + 8, &HA, 16);
	assert_memory_equal(out + 24, &r.in_src, 16);
	assert_int_equal(out[40], 1);
	assert_int_equal(out[41], 3);
	assert_memory_equal(out + 48, r.inner, r.inner_len);
	assert_int_equal(xmip_csum_ip6(&HA, &r.in_src, 58, out + 40, (size_t)len - 40), 0);
	/* Too small a buffer: no relay rather than a cut one. */
	assert_int_equal(xmip_icmp_relay_build(&r, &HA, out, 60), -1);
}

static void test_time_exceeded_and_packet_too_big(void **state)
{
	uint8_t buf[600], out[1280];
	struct xmip_icmp_report r;
	size_t n;

	(void)state;
	n = load("te", buf, sizeof(buf));
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(r.type, 3);
	assert_true(xmip_icmp_relay_build(&r, &HA, out, sizeof(out)) > 0);
	n = load("ptb", buf, sizeof(buf));
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(r.type, 2);
	assert_int_equal(r.info, 1400);
}

static void test_no_relay_of_an_error_about_an_error(void **state)
{
	uint8_t buf[600], out[1280];
	struct xmip_icmp_report r;
	size_t n = load("echo", buf, sizeof(buf));

	(void)state;
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(r.in_nh, 58);
	assert_int_equal(r.in_icmp_type, 128);
	assert_true(xmip_icmp_relay_build(&r, &HA, out, sizeof(out)) > 0);  /* echo: relayed */
	buf[88 + 40] = 1;   /* the inner packet is itself an error */
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(xmip_icmp_relay_build(&r, &HA, out, sizeof(out)), -1);
	/* Nor to the HA itself, nor to a multicast source. */
	n = load("du", buf, sizeof(buf));
	memcpy(buf + 88 + 8, &HA, 16);
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(xmip_icmp_relay_build(&r, &HA, out, sizeof(out)), -1);
	buf[88 + 8] = 0xff;
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), 0);
	assert_int_equal(xmip_icmp_relay_build(&r, &HA, out, sizeof(out)), -1);
}

static void test_what_is_not_a_report(void **state)
{
	uint8_t buf[600];
	struct xmip_icmp_report r;
	size_t n = load("du", buf, sizeof(buf));

	(void)state;
	/* Every cut short of the inner IPv6 header. */
	for (size_t cut = 0; cut < 128; cut++)
		assert_int_equal(xmip_icmp_report_parse(buf, cut, &r), -EINVAL);
	buf[40] = 128;      /* an echo request, not an error */
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), -EINVAL);
	buf[40] = 1;
	buf[48 + 6] = 17;   /* the quoted packet is no tunnel packet */
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), -EINVAL);
	buf[48 + 6] = 41;
	buf[6] = 17;        /* not ICMPv6 */
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), -EINVAL);
	buf[6] = 58;
	buf[4] = 0;         /* a payload length shorter than the quote */
	buf[5] = 60;
	assert_int_equal(xmip_icmp_report_parse(buf, n, &r), -EINVAL);
	assert_int_equal(xmip_icmp_report_parse(NULL, 0, &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destination_unreachable_is_relayed_as_code_3),
		cmocka_unit_test(test_time_exceeded_and_packet_too_big),
		cmocka_unit_test(test_no_relay_of_an_error_about_an_error),
		cmocka_unit_test(test_what_is_not_a_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
