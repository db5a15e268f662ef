// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * RFC 5944 §3.5.1 authenticators (agentd/mip4/auth.c) against values
 * Python's hmac computed (mip4_vectors.h; the request's MN-HA value also
 * checked with `openssl dgst -md5 -mac HMAC`), and the timestamp
 * Identification of §5.7.1 (agentd/mip4/ident.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "mip4_auth.h"
#include "mip4_ident.h"
#include "mip4_vectors.h"
#include "mip4_wire.h"

static struct xmip_mip4_sa sa(const uint8_t *key, size_t n, uint32_t spi)
{
	struct xmip_mip4_sa s = { .spi = spi, .key_len = n };

	memcpy(s.key, key, n);
	return s;
}

/* RFC 2104 test case 2 for HMAC-MD5: our wrapper is plain HMAC-MD5. */
static void test_hmac_md5_rfc2104(void **state)
{
	static const uint8_t want[16] = {
		0x75, 0x0c, 0x78, 0x3e, 0x6a, 0xb0, 0xb5, 0x03,
		0xea, 0xa8, 0x6e, 0x31, 0x0a, 0x5d, 0xb7, 0x38,
	};
	uint8_t out[16];

	(void)state;
	assert_int_equal(xmip_mip4_hmac_md5((const uint8_t *)"Jefe", 4,
					    (const uint8_t *)"what do ya want for nothing?", 28, out), 0);
	assert_memory_equal(out, want, 16);
	assert_int_equal(xmip_mip4_hmac_md5(NULL, 0, out, 1, out), -1);
}

static void test_sign_matches_python(void **state)
{
	struct xmip_mip4_sa mn = sa(v_key, 16, V_SPI), fa = sa(v_fakey, 16, V_FASPI);
	uint8_t buf[128];
	int n;

	(void)state;
	/* Request: everything before the MN-HA extension, then ours. */
	memcpy(buf, v_rrq, sizeof(v_rrq) - 22);
	n = xmip_mip4_put_auth(buf, sizeof(buf), sizeof(v_rrq) - 22, XMIP_MIP4_EXT_MN_HA_AUTH, &mn);
	assert_int_equal(n, sizeof(v_rrq));
	assert_memory_equal(buf, v_rrq, sizeof(v_rrq));
	assert_memory_equal(buf + n - 16, v_rrq_mnha, 16);
	/* Relayed: the FA's Foreign-Home over all of it. */
	n = xmip_mip4_put_auth(buf, sizeof(buf), (size_t)n, XMIP_MIP4_EXT_FA_HA_AUTH, &fa);
	assert_int_equal(n, sizeof(v_rrq_fa));
	assert_memory_equal(buf, v_rrq_fa, sizeof(v_rrq_fa));
	/* Reply. */
	memcpy(buf, v_rrp, sizeof(v_rrp) - 22);
	n = xmip_mip4_put_auth(buf, sizeof(buf), sizeof(v_rrp) - 22, XMIP_MIP4_EXT_MN_HA_AUTH, &mn);
	assert_int_equal(n, sizeof(v_rrp));
	assert_memory_equal(buf, v_rrp, sizeof(v_rrp));
	/* No room, or not an authentication type. */
	assert_int_equal(xmip_mip4_put_auth(buf, sizeof(v_rrp) - 1, sizeof(v_rrp) - 22,
					    XMIP_MIP4_EXT_MN_HA_AUTH, &mn), -1);
	assert_int_equal(xmip_mip4_put_auth(buf, sizeof(buf), 24, XMIP_MIP4_EXT_NAI, &mn), -1);
}

static void test_verify(void **state)
{
	struct xmip_mip4_sa mn = sa(v_key, 16, V_SPI), fa = sa(v_fakey, 16, V_FASPI);
	struct xmip_mip4_sa other = sa(v_fakey, 16, V_SPI), spi2 = sa(v_key, 16, V_SPI + 1);
	struct xmip_mip4_reg m;
	uint8_t bad[sizeof(v_rrq_fa)];

	(void)state;
	assert_int_equal(xmip_mip4_reg_parse(v_rrq_fa, sizeof(v_rrq_fa), &m), XMIP_MIP4_E_OK);
	assert_true(xmip_mip4_auth_ok(v_rrq_fa, &m.ext[m.mn_ha], &mn));
	assert_true(xmip_mip4_auth_ok(v_rrq_fa, &m.ext[m.fa_ha], &fa));
	assert_false(xmip_mip4_auth_ok(v_rrq_fa, &m.ext[m.mn_ha], &other));   /* wrong key */
	assert_false(xmip_mip4_auth_ok(v_rrq_fa, &m.ext[m.mn_ha], &spi2));    /* wrong SPI */
	assert_false(xmip_mip4_auth_ok(v_rrq_fa, &m.ext[m.fa_ha], &mn));
	assert_false(xmip_mip4_auth_ok(v_rrq_fa, &m.ext[m.nai], &mn));        /* not auth */
	/* Every bit of what the MN-HA value covers, and of the value itself, matters. */
	for (size_t i = 0; i < sizeof(v_rrq); i++)
		for (int bit = 0; bit < 8; bit++) {
			struct xmip_mip4_reg mb;

			memcpy(bad, v_rrq_fa, sizeof(bad));
			bad[i] ^= (uint8_t)(1u << bit);
			if (xmip_mip4_reg_parse(bad, sizeof(bad), &mb) != XMIP_MIP4_E_OK ||
			    mb.mn_ha < 0)
				continue;   /* a length or type changed: not even parsed */
			assert_false(xmip_mip4_auth_ok(bad, &mb.ext[mb.mn_ha], &mn));
		}
	/* The Foreign-Home value covers the MN-HA extension too. */
	memcpy(bad, v_rrq_fa, sizeof(bad));
	bad[sizeof(v_rrq) - 1] ^= 1;
	assert_false(xmip_mip4_auth_ok(bad, &m.ext[m.fa_ha], &fa));
	/* An authenticator of another length than HMAC-MD5's never verifies. */
	{
		uint8_t s[sizeof(v_rrq) - 4];
		struct xmip_mip4_reg ms;

		memcpy(s, v_rrq, sizeof(s));
		s[sizeof(v_rrq) - 21] = 16;   /* Length 16: a 12-octet authenticator */
		assert_int_equal(xmip_mip4_reg_parse(s, sizeof(s), &ms), XMIP_MIP4_E_OK);
		assert_false(xmip_mip4_auth_ok(s, &ms.ext[ms.mn_ha], &mn));
	}
}

static void test_ntp(void **state)
{
	(void)state;
	/* 1970-01-01: the NTP era offset; half a second: fraction 2^31. */
	assert_true(xmip_mip4_ntp_from_ns(0) == XMIP_MIP4_NTP_UNIX_OFFSET << 32);
	assert_true(xmip_mip4_ntp_from_ns(500000000ull) ==
		    (XMIP_MIP4_NTP_UNIX_OFFSET << 32 | 0x80000000ull));
	/* 2024-01-01T00:00:00Z = 1704067200 s */
	assert_true(xmip_mip4_ntp_from_ns(1704067200ull * 1000000000ull) >> 32 ==
		    1704067200ull + 2208988800ull);
	assert_true(xmip_mip4_ntp_now() >> 32 > 3900000000ull);
}

static void test_id_check(void **state)
{
	uint64_t now = 0xEAF0E58B00000000ull, s = 1ull << 32;

	(void)state;
	assert_int_equal(xmip_mip4_id_check(now, now, 7, false, 0), XMIP_MIP4_ID_OK);
	assert_int_equal(xmip_mip4_id_check(now + 7 * s, now, 7, false, 0), XMIP_MIP4_ID_OK);
	assert_int_equal(xmip_mip4_id_check(now - 7 * s, now, 7, false, 0), XMIP_MIP4_ID_OK);
	assert_int_equal(xmip_mip4_id_check(now + 7 * s + 1, now, 7, false, 0), XMIP_MIP4_ID_SKEW);
	assert_int_equal(xmip_mip4_id_check(now - 7 * s - 1, now, 7, false, 0), XMIP_MIP4_ID_SKEW);
	assert_int_equal(xmip_mip4_id_check(0, now, 7, false, 0), XMIP_MIP4_ID_SKEW);
	assert_int_equal(xmip_mip4_id_check(UINT64_MAX, now, 7, false, 0), XMIP_MIP4_ID_SKEW);
	/* Greater than the last accepted, strictly. */
	assert_int_equal(xmip_mip4_id_check(now, now, 7, true, now), XMIP_MIP4_ID_REPLAY);
	assert_int_equal(xmip_mip4_id_check(now - 1, now, 7, true, now), XMIP_MIP4_ID_REPLAY);
	assert_int_equal(xmip_mip4_id_check(now + 1, now, 7, true, now), XMIP_MIP4_ID_OK);
	/* §5.7.1: 133 carries our seconds above, the request's low 32 bits below. */
	assert_true(xmip_mip4_id_mismatch(0x1111111122222222ull, 0xAAAAAAAABBBBBBBBull) ==
		    0xAAAAAAAA22222222ull);
	assert_int_equal(xmip_mip4_id_offset(0xAAAAAAAA00000000ull, 0xAAAAAAA000000000ull), 10);
	assert_int_equal(xmip_mip4_id_offset(0xAAAAAAA000000000ull, 0xAAAAAAAA00000000ull), -10);
}

static void test_id_next(void **state)
{
	uint64_t now = 0xEAF0E58B12345678ull;

	(void)state;
	assert_true(xmip_mip4_id_next(now, 0, 0xabc) == 0xEAF0E58B12345abcull);
	/* Never equal to or below the last one, even with the clock behind. */
	assert_true(xmip_mip4_id_next(now, now, 0) == now + 1);
	assert_true(xmip_mip4_id_next(now - (5ull << 32), now, 0xfff) == now + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_md5_rfc2104),
		cmocka_unit_test(test_sign_matches_python),
		cmocka_unit_test(test_verify),
		cmocka_unit_test(test_ntp),
		cmocka_unit_test(test_id_check),
		cmocka_unit_test(test_id_next),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
