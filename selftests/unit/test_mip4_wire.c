// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobile IPv4 codec (agentd/mip4/wire.c) against messages Scapy and
 * Python built (mip4_vectors.h): every field and extension of a
 * Registration Request and Reply, rebuilding them octet for octet, every
 * length check (each truncation, each extension length), unknown
 * extensions (RFC 5944 §1.8: 1-127 drop the message, 128-255 skipped),
 * Agent Advertisement and Solicitation (§2.1, §2.2, RFC 1256) with their
 * checksums, and the advertisement sequence rollover (§2.3.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "mip4_vectors.h"
#include "mip4_wire.h"

static void A4(const char *s, uint8_t out[4])
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static void assert_addr(const uint8_t a[4], const char *s)
{
	uint8_t b[4];

	A4(s, b);
	assert_memory_equal(a, b, 4);
}

static void test_request_fields(void **state)
{
	struct xmip_mip4_reg m;
	struct xmip_mip4_udp_req u;
	struct xmip_mip4_auth_view v;

	(void)state;
	assert_int_equal(xmip_mip4_reg_parse(v_rrq, sizeof(v_rrq), &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.type, XMIP_MIP4_REG_REQUEST);
	assert_int_equal(m.flags, XMIP_MIP4_F_D | XMIP_MIP4_F_T);
	assert_int_equal(m.lifetime, 300);
	assert_addr(m.hoa, V_HOA);
	assert_addr(m.ha, V_HA);
	assert_addr(m.coa, V_COA);
	assert_true(m.id == V_ID);
	assert_int_equal(m.len, sizeof(v_rrq));
	assert_int_equal(m.n_ext, 3);
	assert_int_equal(m.nai, 0);
	assert_int_equal(m.udp_req, 1);
	assert_int_equal(m.mn_ha, 2);
	assert_int_equal(m.n_mn_ha, 1);
	assert_int_equal(m.mn_fa, -1);
	assert_int_equal(m.fa_ha, -1);
	assert_int_equal(m.udp_rep, -1);
	assert_int_equal(m.ext[0].len, strlen(V_NAI));
	assert_memory_equal(v_rrq + m.ext[0].off + 2, V_NAI, strlen(V_NAI));
	xmip_mip4_udp_req_view(v_rrq, &m.ext[1], &u);
	assert_int_equal(u.subtype, 0);
	assert_int_equal(u.flags, 0);
	assert_int_equal(u.encap, 0);
	assert_int_equal(u.reserved3, 0);
	xmip_mip4_auth_view(v_rrq, &m.ext[2], &v);
	assert_int_equal(v.spi, V_SPI);
	assert_int_equal(v.auth_len, 16);
	assert_memory_equal(v.auth, v_rrq_mnha, 16);
	assert_int_equal(v.covered, sizeof(v_rrq) - 16);
}

static void test_relayed_request(void **state)
{
	struct xmip_mip4_reg m;
	struct xmip_mip4_auth_view v;

	(void)state;
	assert_int_equal(xmip_mip4_reg_parse(v_rrq_fa, sizeof(v_rrq_fa), &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.n_ext, 4);
	assert_int_equal(m.fa_ha, 3);
	assert_int_equal(m.n_fa_ha, 1);
	xmip_mip4_auth_view(v_rrq_fa, &m.ext[3], &v);
	assert_int_equal(v.spi, V_FASPI);
	assert_memory_equal(v.auth, v_rrq_faha, 16);
	assert_int_equal(v.covered, sizeof(v_rrq_fa) - 16);
}

static void test_reply_fields(void **state)
{
	struct xmip_mip4_reg m;
	struct xmip_mip4_udp_rep u;

	(void)state;
	assert_int_equal(xmip_mip4_reg_parse(v_rrp, sizeof(v_rrp), &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.type, XMIP_MIP4_REG_REPLY);
	assert_int_equal(m.code, 0);
	assert_int_equal(m.lifetime, 300);
	assert_addr(m.hoa, V_HOA);
	assert_addr(m.ha, V_HA);
	assert_true(m.id == V_ID);
	assert_int_equal(m.nai, 0);
	assert_int_equal(m.udp_rep, 1);
	assert_int_equal(m.mn_ha, 2);
	xmip_mip4_udp_rep_view(v_rrp, &m.ext[1], &u);
	assert_int_equal(u.code, XMIP_MIP4_UDP_REP_ACCEPT);
	assert_int_equal(u.flags, 0);
	assert_int_equal(u.keepalive, 110);
}

/* parse -> build gives the same octets (the authenticators are copied as found). */
static void test_rebuild_identity(void **state)
{
	const struct { const uint8_t *p; size_t n; } v[] = {
		{ v_rrq, sizeof(v_rrq) }, { v_rrq_fa, sizeof(v_rrq_fa) }, { v_rrp, sizeof(v_rrp) },
	};
	uint8_t out[256];
	struct xmip_mip4_reg m;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(xmip_mip4_reg_parse(v[i].p, v[i].n, &m), XMIP_MIP4_E_OK);
		assert_int_equal(xmip_mip4_rebuild(out, sizeof(out), &m, v[i].p, 0, m.n_ext), v[i].n);
		assert_memory_equal(out, v[i].p, v[i].n);
		/* One octet short of room: refused, never written past cap. */
		assert_int_equal(xmip_mip4_rebuild(out, v[i].n - 1, &m, v[i].p, 0, m.n_ext), -1);
	}
}

/* Building the request's parts ourselves gives Scapy's octets (before the authenticator). */
static void test_build_matches_scapy(void **state)
{
	struct xmip_mip4_reg m = { .type = XMIP_MIP4_REG_REQUEST, .flags = 0x22, .lifetime = 300,
				   .id = V_ID };
	struct xmip_mip4_udp_req u = { 0 };
	uint8_t out[128];
	int n;

	(void)state;
	A4(V_HOA, m.hoa);
	A4(V_HA, m.ha);
	A4(V_COA, m.coa);
	n = xmip_mip4_build_fixed(out, sizeof(out), &m);
	assert_int_equal(n, XMIP_MIP4_RRQ_LEN);
	n = xmip_mip4_put_nai(out, sizeof(out), (size_t)n, V_NAI);
	n = xmip_mip4_put_udp_req(out, sizeof(out), (size_t)n, &u);
	assert_int_equal(n, sizeof(v_rrq) - 22);
	assert_memory_equal(out, v_rrq, (size_t)n);
	/* The fixed part needs all its room. */
	assert_int_equal(xmip_mip4_build_fixed(out, XMIP_MIP4_RRQ_LEN - 1, &m), -1);
	m.type = XMIP_MIP4_REG_REPLY;
	assert_int_equal(xmip_mip4_build_fixed(out, XMIP_MIP4_RRP_LEN, &m), XMIP_MIP4_RRP_LEN);
	assert_int_equal(xmip_mip4_build_fixed(out, XMIP_MIP4_RRP_LEN - 1, &m), -1);
	m.type = 2;
	assert_int_equal(xmip_mip4_build_fixed(out, sizeof(out), &m), -1);
	assert_int_equal(xmip_mip4_put_nai(out, sizeof(out), 24, ""), -1);
}

/* Every truncation of every vector is refused, as short or as a truncated extension. */
static void test_every_truncation(void **state)
{
	const struct { const uint8_t *p; size_t n; size_t fixed; } v[] = {
		{ v_rrq, sizeof(v_rrq), XMIP_MIP4_RRQ_LEN },
		{ v_rrq_fa, sizeof(v_rrq_fa), XMIP_MIP4_RRQ_LEN },
		{ v_rrp, sizeof(v_rrp), XMIP_MIP4_RRP_LEN },
	};
	struct xmip_mip4_reg m;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (size_t len = 0; len < v[i].n; len++) {
			enum xmip_mip4_err e = xmip_mip4_reg_parse(v[i].p, len, &m);

			if (len < v[i].fixed)
				assert_int_equal(e, XMIP_MIP4_E_SHORT);
			else if (e != XMIP_MIP4_E_OK)
				assert_int_equal(e, XMIP_MIP4_E_EXT_TRUNC);
			else   /* cut exactly between two extensions */
				assert_true(m.n_ext < 4);
		}
	}
}

static size_t request_with(uint8_t *buf, const uint8_t *ext, size_t n)
{
	memcpy(buf, v_rrq, XMIP_MIP4_RRQ_LEN);
	memcpy(buf + XMIP_MIP4_RRQ_LEN, ext, n);
	return XMIP_MIP4_RRQ_LEN + n;
}

static void test_extension_lengths(void **state)
{
	static const struct { uint8_t ext[24]; size_t n; enum xmip_mip4_err want; } c[] = {
		{ { 32, 3, 0, 0, 1 }, 5, XMIP_MIP4_E_EXT_LEN },          /* SPI needs 4 */
		{ { 33, 0 }, 2, XMIP_MIP4_E_EXT_LEN },
		{ { 34, 2, 0, 0 }, 4, XMIP_MIP4_E_EXT_LEN },
		{ { 32, 4, 0, 0, 1, 0 }, 6, XMIP_MIP4_E_OK },            /* parses; will not verify */
		{ { 131, 0 }, 2, XMIP_MIP4_E_EXT_LEN },                  /* empty NAI */
		{ { 144, 5, 0, 0, 0, 0, 0 }, 7, XMIP_MIP4_E_EXT_LEN },   /* RFC 3519: exactly 6 */
		{ { 144, 7, 0, 0, 0, 0, 0, 0, 0 }, 9, XMIP_MIP4_E_EXT_LEN },
		{ { 44, 5, 0, 0, 0, 0, 0 }, 7, XMIP_MIP4_E_EXT_LEN },
		{ { 130, 1, 0 }, 3, XMIP_MIP4_E_EXT_LEN },               /* RFC 3024: length 0 */
		{ { 130, 0 }, 2, XMIP_MIP4_E_OK },
		{ { 35, 0 }, 2, XMIP_MIP4_E_EXT_UNKNOWN },               /* 1-127 unknown: drop */
		{ { 127, 1, 9 }, 3, XMIP_MIP4_E_EXT_UNKNOWN },
		{ { 200, 2, 1, 2 }, 4, XMIP_MIP4_E_OK },                 /* 128-255 unknown: skip */
		{ { 0, 0, 0 }, 3, XMIP_MIP4_E_OK },                      /* one-octet padding */
		{ { 131, 1 }, 2, XMIP_MIP4_E_EXT_TRUNC },                /* data past the end */
		{ { 131 }, 1, XMIP_MIP4_E_EXT_TRUNC },                   /* no length octet */
		{ { 200, 255 }, 2, XMIP_MIP4_E_EXT_TRUNC },
	};
	uint8_t buf[64];
	struct xmip_mip4_reg m;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t n = request_with(buf, c[i].ext, c[i].n);

		assert_int_equal(xmip_mip4_reg_parse(buf, n, &m), c[i].want);
	}
	/* Padding and skipped extensions are kept, so rebuilding gives them back. */
	{
		static const uint8_t e[] = { 0, 200, 2, 1, 2, 0 };
		size_t n = request_with(buf, e, sizeof(e));
		uint8_t out[64];

		assert_int_equal(xmip_mip4_reg_parse(buf, n, &m), XMIP_MIP4_E_OK);
		assert_int_equal(m.n_ext, 3);
		assert_int_equal(xmip_mip4_rebuild(out, sizeof(out), &m, buf, 0, m.n_ext), n);
		assert_memory_equal(out, buf, n);
	}
}

static void test_types_and_limits(void **state)
{
	uint8_t buf[XMIP_MIP4_MAX_MSG + 1];
	struct xmip_mip4_reg m;

	(void)state;
	memcpy(buf, v_rrq, sizeof(v_rrq));
	for (int t = 0; t < 256; t++) {
		buf[0] = (uint8_t)t;
		if (t == 1 || t == 3)
			continue;
		assert_int_equal(xmip_mip4_reg_parse(buf, sizeof(v_rrq), &m), XMIP_MIP4_E_TYPE);
	}
	assert_int_equal(xmip_mip4_reg_parse(buf, 0, &m), XMIP_MIP4_E_SHORT);
	/* 33 padding octets: one more extension than we keep. */
	memcpy(buf, v_rrq, XMIP_MIP4_RRQ_LEN);
	memset(buf + XMIP_MIP4_RRQ_LEN, 0, XMIP_MIP4_MAX_EXT + 1);
	assert_int_equal(xmip_mip4_reg_parse(buf, XMIP_MIP4_RRQ_LEN + XMIP_MIP4_MAX_EXT, &m),
			 XMIP_MIP4_E_OK);
	assert_int_equal(xmip_mip4_reg_parse(buf, XMIP_MIP4_RRQ_LEN + XMIP_MIP4_MAX_EXT + 1, &m),
			 XMIP_MIP4_E_EXT_TOO_MANY);
	assert_int_equal(xmip_mip4_reg_parse(buf, XMIP_MIP4_MAX_MSG + 1, &m), XMIP_MIP4_E_LONG);
	/* The fixed part alone suffices for the FA to deny. */
	memcpy(buf, v_rrq, XMIP_MIP4_RRQ_LEN);
	buf[XMIP_MIP4_RRQ_LEN] = 35;
	assert_int_equal(xmip_mip4_reg_parse_fixed(buf, XMIP_MIP4_RRQ_LEN + 1, &m), XMIP_MIP4_E_OK);
	assert_int_equal(m.lifetime, 300);
}

static void test_put_ext_bounds(void **state)
{
	uint8_t buf[32], big[300] = { 0 };

	(void)state;
	assert_int_equal(xmip_mip4_put_ext(buf, sizeof(buf), 0, 200, big, 30), 32);
	assert_int_equal(xmip_mip4_put_ext(buf, sizeof(buf), 0, 200, big, 31), -1);
	assert_int_equal(xmip_mip4_put_ext(buf, sizeof(buf), 31, 0, NULL, 0), 32);
	assert_int_equal(xmip_mip4_put_ext(buf, sizeof(buf), 32, 0, NULL, 0), -1);
	assert_int_equal(xmip_mip4_put_ext(buf, sizeof(buf), 33, 200, big, 0), -1);
	assert_int_equal(xmip_mip4_put_ext(big, sizeof(big), 0, 200, big, 256), -1);
}

static void test_advertisement(void **state)
{
	struct xmip_mip4_adv a;
	uint8_t out[64], bad[sizeof(v_adv)];

	(void)state;
	assert_int_equal(xmip_mip4_adv_parse(v_adv, sizeof(v_adv), &a), XMIP_MIP4_E_OK);
	assert_int_equal(a.code, 0);
	assert_int_equal(a.lifetime, 10);
	assert_int_equal(a.n_rtr, 1);
	assert_addr(a.rtr[0], "10.2.0.1");
	assert_int_equal(a.pref[0], 0);
	assert_int_equal(a.seq, 7);
	assert_int_equal(a.reg_lifetime, 1800);
	assert_int_equal(a.flags, XMIP_MIP4_ADV_F | XMIP_MIP4_ADV_M | XMIP_MIP4_ADV_G |
			 XMIP_MIP4_ADV_T);
	assert_int_equal(a.n_coa, 1);
	assert_addr(a.coa[0], V_COA);
	assert_true(a.has_prefix_len);
	assert_int_equal(a.prefix_len[0], 24);
	/* Our builder gives the same octets, padding and checksum included. */
	assert_int_equal(xmip_mip4_adv_build(out, sizeof(out), &a), sizeof(v_adv));
	assert_memory_equal(out, v_adv, sizeof(v_adv));
	assert_int_equal(xmip_mip4_adv_build(out, sizeof(v_adv) - 1, &a), -1);
	/* Any flipped octet: checksum (or a length) fails. */
	for (size_t i = 0; i < sizeof(v_adv); i++) {
		memcpy(bad, v_adv, sizeof(bad));
		bad[i] ^= 0x40;
		assert_int_not_equal(xmip_mip4_adv_parse(bad, sizeof(bad), &a), XMIP_MIP4_E_OK);
	}
	/* Every truncation is refused. */
	for (size_t len = 0; len < sizeof(v_adv) - 1; len++)
		assert_int_not_equal(xmip_mip4_adv_parse(v_adv, len, &a), XMIP_MIP4_E_OK);
}

/* Re-checksum after editing an advertisement. */
static void fix_csum(uint8_t *p, size_t n)
{
	p[2] = p[3] = 0;
	uint16_t c = xmip_mip4_csum_fold(xmip_mip4_csum_add(0, p, n));
	p[2] = (uint8_t)(c >> 8);
	p[3] = (uint8_t)c;
}

static void test_advertisement_lengths(void **state)
{
	uint8_t p[sizeof(v_adv) + 16];
	struct xmip_mip4_adv a;

	(void)state;
	/* Agent extension length 7 (not 6 + 4n) */
	memcpy(p, v_adv, sizeof(v_adv));
	p[17] = 7;
	fix_csum(p, sizeof(v_adv));
	assert_int_equal(xmip_mip4_adv_parse(p, sizeof(v_adv), &a), XMIP_MIP4_E_EXT_LEN);
	/* Prefix-Lengths length not Num Addrs */
	memcpy(p, v_adv, sizeof(v_adv));
	p[29] = 2;
	fix_csum(p, sizeof(v_adv));
	assert_int_equal(xmip_mip4_adv_parse(p, sizeof(v_adv), &a), XMIP_MIP4_E_EXT_LEN);
	/* Addr Entry Size 1 */
	memcpy(p, v_adv, sizeof(v_adv));
	p[5] = 1;
	fix_csum(p, sizeof(v_adv));
	assert_int_equal(xmip_mip4_adv_parse(p, sizeof(v_adv), &a), XMIP_MIP4_E_EXT_LEN);
	/* More router addresses than the message holds */
	memcpy(p, v_adv, sizeof(v_adv));
	p[4] = 4;
	fix_csum(p, sizeof(v_adv));
	assert_int_equal(xmip_mip4_adv_parse(p, sizeof(v_adv), &a), XMIP_MIP4_E_SHORT);
	/* An unknown extension 1-127 drops it, 128-255 is skipped. */
	memcpy(p, v_adv, sizeof(v_adv));
	p[sizeof(v_adv) - 1] = 0;
	memcpy(p + sizeof(v_adv), (const uint8_t[]){ 20, 2, 0, 0 }, 4);
	fix_csum(p, sizeof(v_adv) + 4);
	assert_int_equal(xmip_mip4_adv_parse(p, sizeof(v_adv) + 4, &a), XMIP_MIP4_E_EXT_UNKNOWN);
	p[sizeof(v_adv)] = 150;
	fix_csum(p, sizeof(v_adv) + 4);
	assert_int_equal(xmip_mip4_adv_parse(p, sizeof(v_adv) + 4, &a), XMIP_MIP4_E_OK);
	/* A plain Router Advertisement (no agent extension) */
	memcpy(p, v_adv, 16);
	fix_csum(p, 16);
	assert_int_equal(xmip_mip4_adv_parse(p, 16, &a), XMIP_MIP4_E_NOT_AGENT);
	/* Two agent extensions; then one cut short */
	memcpy(p, v_adv, 28);
	memcpy(p + 28, v_adv + 16, 12);
	fix_csum(p, 40);
	assert_int_equal(xmip_mip4_adv_parse(p, 40, &a), XMIP_MIP4_E_EXT_LEN);
	fix_csum(p, 32);
	assert_int_equal(xmip_mip4_adv_parse(p, 32, &a), XMIP_MIP4_E_EXT_TRUNC);
	p[0] = 10;
	assert_int_equal(xmip_mip4_adv_parse(p, 32, &a), XMIP_MIP4_E_TYPE);
}

static void test_solicitation(void **state)
{
	uint8_t out[8], bad[8];

	(void)state;
	assert_int_equal(xmip_mip4_sol_parse(v_sol, sizeof(v_sol)), XMIP_MIP4_E_OK);
	assert_int_equal(xmip_mip4_sol_build(out, sizeof(out)), 8);
	assert_memory_equal(out, v_sol, 8);
	assert_int_equal(xmip_mip4_sol_build(out, 7), -1);
	assert_int_equal(xmip_mip4_sol_parse(v_sol, 7), XMIP_MIP4_E_SHORT);
	memcpy(bad, v_sol, 8);
	bad[5] = 1;
	assert_int_equal(xmip_mip4_sol_parse(bad, 8), XMIP_MIP4_E_CHECKSUM);
	assert_int_equal(xmip_mip4_sol_parse(v_adv, sizeof(v_adv)), XMIP_MIP4_E_TYPE);
}

static void test_seq_rollover(void **state)
{
	(void)state;
	assert_int_equal(xmip_mip4_adv_seq_next(0), 1);
	assert_int_equal(xmip_mip4_adv_seq_next(255), 256);
	assert_int_equal(xmip_mip4_adv_seq_next(0xfffe), 0xffff);
	assert_int_equal(xmip_mip4_adv_seq_next(0xffff), 256);   /* §2.3.2 */
}

static void test_strings(void **state)
{
	(void)state;
	for (int e = 0; e < XMIP_MIP4_E__MAX; e++)
		assert_string_not_equal(xmip_mip4_strerror((enum xmip_mip4_err)e), "?");
	assert_string_equal(xmip_mip4_code_str(133), "HA: registration identification mismatch");
	assert_string_equal(xmip_mip4_code_str(250), "unknown code");
}

/* RFC 3519 §4.9 keepalive: bytes from Scapy, bytes([4,4,0,0]) + raw(IP(src='10.1.0.20',
 * dst='10.1.0.2', id=7, flags='DF', ttl=64)/ICMP(type=8, id=0xbeef, seq=7)); the reply:
 * raw(IP(src='10.1.0.2', dst='10.1.0.20', ttl=64)/ICMP(type=0, id=0xbeef, seq=7)). */
static void test_keepalive(void **state)
{
	static const uint8_t hoa[4] = { 10, 1, 0, 20 }, ha[4] = { 10, 1, 0, 2 };
	static const uint8_t v_ka[] = {
		0x04, 0x04, 0x00, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x07, 0x40, 0x00, 0x40, 0x01,
		0x26, 0xc3, 0x0a, 0x01, 0x00, 0x14, 0x0a, 0x01, 0x00, 0x02, 0x08, 0x00, 0x39, 0x09,
		0xbe, 0xef, 0x00, 0x07,
	};
	static const uint8_t v_rep[] = {
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x66, 0xc9, 0x0a, 0x01,
		0x00, 0x02, 0x0a, 0x01, 0x00, 0x14, 0x00, 0x00, 0x41, 0x09, 0xbe, 0xef, 0x00, 0x07,
	};
	uint8_t out[64], bad[sizeof(v_rep)];
	uint16_t seq = 0;

	(void)state;
	assert_int_equal(xmip_mip4_keepalive_build(out, sizeof(out), hoa, ha, 0xbeef, 7),
			 XMIP_MIP4_KEEPALIVE_LEN);
	assert_int_equal(sizeof(v_ka), XMIP_MIP4_KEEPALIVE_LEN);
	assert_memory_equal(out, v_ka, sizeof(v_ka));
	assert_int_equal(xmip_mip4_keepalive_build(out, XMIP_MIP4_KEEPALIVE_LEN - 1, hoa, ha, 1, 1),
			 -1);
	assert_true(xmip_mip4_keepalive_reply(v_rep, sizeof(v_rep), hoa, ha, 0xbeef, &seq));
	assert_int_equal(seq, 7);
	/* not ours: another identifier, addresses swapped, our own request, short, bad sums */
	assert_false(xmip_mip4_keepalive_reply(v_rep, sizeof(v_rep), hoa, ha, 0xbeee, &seq));
	assert_false(xmip_mip4_keepalive_reply(v_rep, sizeof(v_rep), ha, hoa, 0xbeef, &seq));
	assert_false(xmip_mip4_keepalive_reply(v_ka + 4, sizeof(v_ka) - 4, ha, hoa, 0xbeef, &seq));
	for (size_t n = 0; n < sizeof(v_rep); n++)
		assert_false(xmip_mip4_keepalive_reply(v_rep, n, hoa, ha, 0xbeef, &seq));
	memcpy(bad, v_rep, sizeof(bad));
	bad[27] ^= 1;
	assert_false(xmip_mip4_keepalive_reply(bad, sizeof(bad), hoa, ha, 0xbeef, &seq));
	memcpy(bad, v_rep, sizeof(bad));
	bad[6] = 0x20;   /* more fragments */
	assert_false(xmip_mip4_keepalive_reply(bad, sizeof(bad), hoa, ha, 0xbeef, &seq));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_fields),
		cmocka_unit_test(test_relayed_request),
		cmocka_unit_test(test_reply_fields),
		cmocka_unit_test(test_rebuild_identity),
		cmocka_unit_test(test_build_matches_scapy),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_extension_lengths),
		cmocka_unit_test(test_types_and_limits),
		cmocka_unit_test(test_put_ext_bounds),
		cmocka_unit_test(test_advertisement),
		cmocka_unit_test(test_advertisement_lengths),
		cmocka_unit_test(test_solicitation),
		cmocka_unit_test(test_seq_rollover),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_keepalive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
