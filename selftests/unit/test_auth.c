// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RFC 4285 MN-HA authenticator against values computed outside our code:
 *   printf CoA|HoA|MH-up-to-SPI > f   (the bytes of the Scapy BU/BA in
 *   mip6_vectors.h, checksum zeroed, cut after the SPI)
 *   openssl dgst -sha1 -mac HMAC -macopt hexkey:0123456789abcdef0123456789abcdef f
 *     BU: 3b5d7ff988f87517238159ded26c3fde4ef8c8ec
 *     BA: 83364b95a8420a0aec858c153a5ac7bdeea1c065
 *   openssl dgst -sha1 -mac HMAC -macopt hexkey:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b f(BU)
 *     d7bacdfd76bea59932104a2a214f48565f51b54f
 * The authenticator is the first 96 bits.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"
#include "mh.h"
#include "mip6_vectors.h"

static struct in6_addr A(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static const uint8_t bu_auth_openssl[12] = {
	0x3b, 0x5d, 0x7f, 0xf9, 0x88, 0xf8, 0x75, 0x17, 0x23, 0x81, 0x59, 0xde,
};
static const uint8_t ba_auth_openssl[12] = {
	0x83, 0x36, 0x4b, 0x95, 0xa8, 0x42, 0x0a, 0x0a, 0xec, 0x85, 0x8c, 0x15,
};
static const uint8_t bu_auth_key0b_openssl[12] = {
	0xd7, 0xba, 0xcd, 0xfd, 0x76, 0xbe, 0xa5, 0x99, 0x32, 0x10, 0x4a, 0x2a,
};

#define BU_MH (scapy_bu + 64)
#define BU_MH_LEN 64
#define BA_MH (scapy_ba + 64)
#define BA_MH_LEN 48

static void test_compute_matches_openssl(void **state)
{
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA);
	uint8_t key0b[20], out[12];

	(void)state;
	/* Covered: MH up to and including the SPI = option offset + 7. */
	assert_int_equal(xmip_auth_compute(v_key, sizeof(v_key), &coa, &hoa, BU_MH,
					   SCAPY_BU_AUTH_OPT_OFF + 7, out), 0);
	assert_memory_equal(out, bu_auth_openssl, 12);
	assert_int_equal(xmip_auth_compute(v_key, sizeof(v_key), &coa, &hoa, BA_MH,
					   SCAPY_BA_AUTH_OPT_OFF + 7, out), 0);
	assert_memory_equal(out, ba_auth_openssl, 12);
	memset(key0b, 0x0b, sizeof(key0b));
	assert_int_equal(xmip_auth_compute(key0b, sizeof(key0b), &coa, &hoa, BU_MH,
					   SCAPY_BU_AUTH_OPT_OFF + 7, out), 0);
	assert_memory_equal(out, bu_auth_key0b_openssl, 12);
}

static void test_verify_vectors(void **state)
{
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA);

	(void)state;
	assert_true(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, BU_MH, BU_MH_LEN,
				     SCAPY_BU_AUTH_OPT_OFF));
	assert_true(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, BA_MH, BA_MH_LEN,
				     SCAPY_BA_AUTH_OPT_OFF));
}

/* Every bit of the covered data and of the authenticator matters; the
 * checksum does not (it is computed after the authenticator). */
static void test_verify_detects_every_bit(void **state)
{
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA), other;
	uint8_t mh[BU_MH_LEN];
	size_t i;
	int bit;

	(void)state;
	for (i = 0; i < BU_MH_LEN; i++) {
		for (bit = 0; bit < 8; bit++) {
			bool want = i == 4 || i == 5;   /* checksum octets */

			memcpy(mh, BU_MH, sizeof(mh));
			mh[i] ^= (uint8_t)(1 << bit);
			assert_int_equal(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa,
							  mh, sizeof(mh),
							  SCAPY_BU_AUTH_OPT_OFF), want);
		}
	}
	other = coa;
	other.s6_addr[15] ^= 1;
	assert_false(xmip_auth_verify(v_key, sizeof(v_key), &other, &hoa, BU_MH, BU_MH_LEN,
				      SCAPY_BU_AUTH_OPT_OFF));
	assert_false(xmip_auth_verify(v_key, sizeof(v_key), &coa, &other, BU_MH, BU_MH_LEN,
				      SCAPY_BU_AUTH_OPT_OFF));
	assert_false(xmip_auth_verify(v_key, sizeof(v_key) - 1, &coa, &hoa, BU_MH, BU_MH_LEN,
				      SCAPY_BU_AUTH_OPT_OFF));
}

static void test_verify_bad_offsets_no_overread(void **state)
{
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA);
	size_t off, len;

	(void)state;
	/* Wrong option offset: never a match. */
	for (off = 0; off < BU_MH_LEN + 4; off++)
		if (off != SCAPY_BU_AUTH_OPT_OFF)
			assert_false(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, BU_MH,
						      BU_MH_LEN, off));
	/* MH shorter than the option: refused, in exact-size heap copies. */
	for (len = 0; len < BU_MH_LEN; len++) {
		uint8_t *mh = malloc(len ? len : 1);

		memcpy(mh, BU_MH, len);
		assert_false(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, mh, len,
					      SCAPY_BU_AUTH_OPT_OFF));
		free(mh);
	}
	assert_int_equal(xmip_auth_compute(v_key, 0, &coa, &hoa, BU_MH, 52, (uint8_t[12]){ 0 }), -1);
}

static void test_fill_then_verify(void **state)
{
	struct in6_addr coa = A(V_COA), hoa = A(V_HOA);
	struct xmip_bu_fields f = {
		.seq = 1, .flags = XMIP_BU_F_A | XMIP_BU_F_H, .lifetime_units = 1,
		.nai = "x@y", .nai_len = 3, .has_mesg_id = true, .mesg_id = 5,
		.has_auth = true, .spi = 77,
	};
	struct xmip_mh_layout lay;
	uint8_t mh[128];
	int len;

	(void)state;
	len = xmip_mh_build_bu(mh, sizeof(mh), &f, &lay);
	assert_true(len > 0);
	assert_false(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, mh, len, lay.auth_opt_off));
	assert_int_equal(xmip_auth_fill(v_key, sizeof(v_key), &coa, &hoa, mh, len,
					lay.auth_opt_off), 0);
	assert_true(xmip_auth_verify(v_key, sizeof(v_key), &coa, &hoa, mh, len, lay.auth_opt_off));
	/* Filling at a place that is not an MN-HA option is refused. */
	assert_int_equal(xmip_auth_fill(v_key, sizeof(v_key), &coa, &hoa, mh, len, 12), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_matches_openssl),
		cmocka_unit_test(test_verify_vectors),
		cmocka_unit_test(test_verify_detects_every_bit),
		cmocka_unit_test(test_verify_bad_offsets_no_overread),
		cmocka_unit_test(test_fill_then_verify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
