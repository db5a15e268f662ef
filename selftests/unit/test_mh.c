// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobility Header parse/build: byte-identical to Scapy, exact option
 * offsets, and every malformed input rejected without reading past len
 * (run under `make SANITIZE=1 check-unit`: each input sits in a heap
 * block of exactly its length, so one octet too far is an ASan error).
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

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, 16) == 0;
}

/* Parse a copy of buf in a heap block of exactly len octets. */
static enum xmip_parse_err parse_exact(const uint8_t *buf, size_t len, struct xmip_pkt *out)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum xmip_parse_err err;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	err = xmip_pkt_parse(copy, len, out);
	out->mh = NULL;        /* do not keep a pointer into freed memory */
	free(copy);
	return err;
}

static struct xmip_bu_fields vector_bu_fields(void)
{
	struct xmip_bu_fields f = {
		.seq = V_SEQ, .flags = XMIP_BU_F_A | XMIP_BU_F_H,
		.lifetime_units = V_LIFETIME_UNITS,
		.nai = V_NAI, .nai_len = strlen(V_NAI),
		.has_mesg_id = true, .mesg_id = V_MESG_ID,
		.has_auth = true, .spi = V_SPI,
	};
	return f;
}

static const struct xmip_mn_ha_sa vector_sa = { .spi = V_SPI, .key = v_key,
						.key_len = sizeof(v_key) };

/* --------------------------------------------------- Scapy interoperation */

static void test_parse_scapy_bu(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_pkt p;
	const struct xmip_mh_opts *o = &p.msg.opts;

	(void)state;
	assert_int_equal(parse_exact(scapy_bu, sizeof(scapy_bu), &p), XMIP_PARSE_OK);
	assert_true(addr_eq(&p.src, &coa));
	assert_true(addr_eq(&p.dst, &ha));
	assert_true(p.has_hao);
	assert_true(addr_eq(&p.hao, &hoa));
	assert_int_equal(p.hao_off, 40 + 6);   /* 8n+6 within the Dest Opts header */
	assert_false(p.has_rh2);
	assert_true(addr_eq(&p.mh_src, &hoa));  /* checksum source = HoA */
	assert_int_equal(p.mh_off, 64);
	assert_int_equal(p.mh_len, 64);
	assert_int_equal(p.hop_limit, 64);
	assert_int_equal(p.msg.type, XMIP_MH_BU);
	assert_int_equal(p.msg.seq, V_SEQ);
	assert_int_equal(p.msg.bu_flags, XMIP_BU_F_A | XMIP_BU_F_H);
	assert_int_equal(p.msg.lifetime_units, V_LIFETIME_UNITS);
	assert_true(o->has_mnid);
	assert_int_equal(o->mnid_subtype, XMIP_MNID_SUBTYPE_NAI);
	assert_string_equal(o->nai, V_NAI);
	assert_true(o->has_mesg_id);
	assert_true(o->mesg_id == V_MESG_ID);
	assert_true(o->has_auth);
	assert_true(o->auth_is_last);
	assert_int_equal(o->auth_subtype, XMIP_AUTH_SUBTYPE_MN_HA);
	assert_int_equal(o->auth_spi, V_SPI);
	assert_int_equal(o->auth_data_len, 12);
	assert_int_equal(o->auth_opt_off, SCAPY_BU_AUTH_OPT_OFF);
	assert_memory_equal(o->authenticator, scapy_bu + 64 + 52, 12);
	assert_int_equal(o->n_unknown, 0);
}

static void test_build_bu_equals_scapy(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_bu_fields f = vector_bu_fields();
	uint8_t buf[256];
	int len;

	(void)state;
	len = xmip_pkt_build_bu(buf, sizeof(buf), &coa, &ha, &hoa, &f, &vector_sa);
	assert_int_equal(len, sizeof(scapy_bu));
	assert_memory_equal(buf, scapy_bu, sizeof(scapy_bu));
}

static void test_parse_and_build_ba_equals_scapy(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_ba_fields f = {
		.status = 0, .seq = V_SEQ, .lifetime_units = V_LIFETIME_UNITS,
		.has_mesg_id = true, .mesg_id = V_MESG_ID, .has_auth = true, .spi = V_SPI,
	};
	struct xmip_pkt p;
	uint8_t buf[256];
	int len;

	(void)state;
	assert_int_equal(parse_exact(scapy_ba, sizeof(scapy_ba), &p), XMIP_PARSE_OK);
	assert_true(p.has_rh2);
	assert_int_equal(p.rh2_segs_left, 1);
	assert_true(addr_eq(&p.rh2_addr, &hoa));
	assert_true(addr_eq(&p.mh_dst, &hoa));  /* checksum destination = final = HoA */
	assert_true(addr_eq(&p.dst, &coa));
	assert_int_equal(p.msg.type, XMIP_MH_BA);
	assert_int_equal(p.msg.ba_status, 0);
	assert_int_equal(p.msg.seq, V_SEQ);
	assert_int_equal(p.msg.lifetime_units, V_LIFETIME_UNITS);
	assert_true(p.msg.opts.mesg_id == V_MESG_ID);
	assert_int_equal(p.msg.opts.auth_opt_off, SCAPY_BA_AUTH_OPT_OFF);
	assert_true(p.msg.opts.auth_is_last);

	len = xmip_pkt_build_ba(buf, sizeof(buf), &ha, &coa, &hoa, &f, &vector_sa);
	assert_int_equal(len, sizeof(scapy_ba));
	assert_memory_equal(buf, scapy_ba, sizeof(scapy_ba));
}

static void test_parse_and_build_be_equals_scapy(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_pkt p;
	uint8_t buf[128];
	int len;

	(void)state;
	assert_int_equal(parse_exact(scapy_be, sizeof(scapy_be), &p), XMIP_PARSE_OK);
	assert_int_equal(p.msg.type, XMIP_MH_BE);
	assert_int_equal(p.msg.be_status, XMIP_BE_UNRECOGNISED_MH);
	assert_true(addr_eq(&p.msg.be_hoa, &hoa));

	len = xmip_pkt_build_be(buf, sizeof(buf), &ha, &coa, XMIP_BE_UNRECOGNISED_MH, &hoa);
	assert_int_equal(len, sizeof(scapy_be));
	assert_memory_equal(buf, scapy_be, sizeof(scapy_be));
}

/* The pseudo-header really uses the HoA (HAO) as source and the RH2
 * address as destination: the same bytes do not check out otherwise. */
static void test_checksum_uses_final_addresses(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);

	(void)state;
	assert_int_equal(xmip_mh_checksum(&hoa, &ha, scapy_bu + 64, 64), 0);
	assert_int_not_equal(xmip_mh_checksum(&coa, &ha, scapy_bu + 64, 64), 0);
	assert_int_equal(xmip_mh_checksum(&ha, &hoa, scapy_ba + 64, 48), 0);
	assert_int_not_equal(xmip_mh_checksum(&ha, &coa, scapy_ba + 64, 48), 0);
}

/* ------------------------------------------------------------ alignment */

static void test_bu_option_alignment_every_nai_length(void **state)
{
	struct in6_addr alt = A("2001:db8:3::1");
	char nai[XMIP_MH_NAI_MAX + 1];
	size_t n;

	(void)state;
	memset(nai, 'a', sizeof(nai));
	for (n = 1; n <= XMIP_MH_NAI_MAX; n++) {
		for (int with_alt = 0; with_alt < 2; with_alt++) {
			struct xmip_bu_fields f = vector_bu_fields();
			struct xmip_mh_layout lay;
			struct xmip_mh_msg m;
			uint8_t mh[512];
			size_t pos;
			int len;

			f.nai = nai;
			f.nai_len = n;
			f.alt_coa = with_alt ? &alt : NULL;
			len = xmip_mh_build_bu(mh, sizeof(mh), &f, &lay);
			assert_true(len > 0);
			assert_int_equal(len % 8, 0);
			assert_int_equal(mh[1], len / 8 - 1);
			/* MN-ID right after the fixed part: no alignment rule. */
			assert_int_equal(mh[12], XMIP_MOPT_MN_ID);
			assert_int_equal(mh[13], 1 + n);
			/* Walk the options and check each one's alignment. */
			pos = 12;
			while (pos < (size_t)len) {
				uint8_t t = mh[pos];

				if (t == XMIP_MOPT_PAD1) {
					pos++;
					continue;
				}
				if (t == XMIP_MOPT_ALT_COA)
					assert_int_equal(pos % 8, 6);
				if (t == XMIP_MOPT_MESG_ID)
					assert_int_equal(pos % 8, 2);
				if (t == XMIP_MOPT_AUTH) {
					assert_int_equal(pos % 4, 1);
					assert_int_equal(pos, lay.auth_opt_off);
					/* last: nothing after it, not even padding */
					assert_int_equal(pos + 2 + XMIP_AUTH_OPT_LEN, len);
				}
				pos += 2 + mh[pos + 1];
			}
			assert_int_equal(pos, len);
			/* Round trip. */
			assert_int_equal(xmip_mh_parse(mh, len, &m), XMIP_PARSE_OK);
			assert_int_equal(m.opts.nai_len, n);
			assert_memory_equal(m.opts.nai, nai, n);
			assert_int_equal(m.opts.has_alt_coa, with_alt);
			if (with_alt)
				assert_memory_equal(&m.opts.alt_coa, &alt, 16);
			assert_true(m.opts.mesg_id == V_MESG_ID);
			assert_true(m.opts.auth_is_last);
		}
	}
}

static void test_bu_too_long_nai_rejected(void **state)
{
	char nai[XMIP_MH_NAI_MAX + 2];
	struct xmip_bu_fields f = vector_bu_fields();
	uint8_t mh[1024];

	(void)state;
	memset(nai, 'a', sizeof(nai));
	f.nai = nai;
	f.nai_len = XMIP_MH_NAI_MAX + 1;
	assert_int_equal(xmip_mh_build_bu(mh, sizeof(mh), &f, NULL), -1);
}

static void test_ba_exact_offsets(void **state)
{
	struct xmip_ba_fields f = {
		.status = XMIP_BA_MIPV6_ID_MISMATCH, .seq = 7,
		.has_mesg_id = true, .mesg_id = 0x0102030405060708ULL,
		.has_refresh = true, .refresh_units = 12,
		.has_auth = true, .spi = 9,
	};
	static const uint8_t want[56] = {
		59, 6, 6, 0, 0, 0, 146 - 2, 0, 0, 7, 0, 0,
		1, 4, 0, 0, 0, 0,                                 /* PadN to 18 */
		10, 8, 1, 2, 3, 4, 5, 6, 7, 8,                    /* Mesg-ID @18 */
		2, 2, 0, 12,                                      /* refresh @28 */
		1, 3, 0, 0, 0,                                    /* PadN to 37 */
		9, 17, 1, 0, 0, 0, 9,                             /* auth @37 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	struct xmip_mh_layout lay;
	struct xmip_mh_msg m;
	uint8_t mh[128];
	int len;

	(void)state;
	len = xmip_mh_build_ba(mh, sizeof(mh), &f, &lay);
	assert_int_equal(len, 56);
	assert_memory_equal(mh, want, 56);
	assert_int_equal(lay.auth_opt_off, 37);
	assert_int_equal(xmip_mh_parse(mh, len, &m), XMIP_PARSE_OK);
	assert_int_equal(m.ba_status, XMIP_BA_MIPV6_ID_MISMATCH);
	assert_int_equal(m.seq, 7);
	assert_true(m.opts.has_refresh);
	assert_int_equal(m.opts.refresh_units, 12);
	assert_true(m.opts.mesg_id == 0x0102030405060708ULL);

	/* Refresh Advice only: 2n right after the fixed part, no padding. */
	f.has_mesg_id = false;
	f.has_auth = false;
	len = xmip_mh_build_ba(mh, sizeof(mh), &f, &lay);
	assert_int_equal(len, 16);
	assert_int_equal(mh[12], XMIP_MOPT_REFRESH_ADV);
	assert_int_equal(lay.auth_opt_off, 0);
	/* Mesg-ID only: PadN 6, Mesg-ID @18..28, PadN 4 to 32. */
	f.has_refresh = false;
	f.has_mesg_id = true;
	len = xmip_mh_build_ba(mh, sizeof(mh), &f, &lay);
	assert_int_equal(len, 32);
	assert_int_equal(mh[18], XMIP_MOPT_MESG_ID);
	assert_int_equal(mh[28], XMIP_MOPT_PADN);
	assert_int_equal(mh[29], 2);
}

static void test_at_home_no_hao_no_rh2(void **state)
{
	struct in6_addr ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_bu_fields bu = vector_bu_fields();
	struct xmip_ba_fields ba = { .seq = 1, .has_auth = true, .spi = V_SPI };
	struct xmip_pkt p;
	uint8_t buf[256];
	int len;

	(void)state;
	bu.lifetime_units = 0;
	len = xmip_pkt_build_bu(buf, sizeof(buf), &hoa, &ha, &hoa, &bu, &vector_sa);
	assert_true(len > 0);
	assert_int_equal(buf[6], XMIP_IPPROTO_MH);
	assert_int_equal(parse_exact(buf, len, &p), XMIP_PARSE_OK);
	assert_false(p.has_hao);
	assert_true(addr_eq(&p.mh_src, &hoa));

	len = xmip_pkt_build_ba(buf, sizeof(buf), &ha, &hoa, &hoa, &ba, &vector_sa);
	assert_true(len > 0);
	assert_int_equal(buf[6], XMIP_IPPROTO_MH);
	assert_int_equal(parse_exact(buf, len, &p), XMIP_PARSE_OK);
	assert_false(p.has_rh2);
	assert_int_equal(p.msg.seq, 1);
}

static void test_build_small_buffer_fails(void **state)
{
	struct in6_addr coa = A(V_COA), ha = A(V_HA), hoa = A(V_HOA);
	struct xmip_bu_fields f = vector_bu_fields();
	uint8_t buf[256];
	size_t cap;

	(void)state;
	for (cap = 0; cap < sizeof(scapy_bu); cap++) {
		uint8_t *b = malloc(cap ? cap : 1);

		assert_int_equal(xmip_pkt_build_bu(b, cap, &coa, &ha, &hoa, &f, &vector_sa), -1);
		free(b);
	}
	assert_int_equal(xmip_pkt_build_bu(buf, sizeof(scapy_bu), &coa, &ha, &hoa, &f, &vector_sa),
			 sizeof(scapy_bu));
	/* Authentication asked for without a key: refused. */
	assert_int_equal(xmip_pkt_build_bu(buf, sizeof(buf), &coa, &ha, &hoa, &f, NULL), -1);
}

/* ------------------------------------------------------------ malformed */

/* Copy of the Scapy BU with a modification, checksum re-done so that the
 * modification, not the checksum, is what gets it rejected. */
static void reseal(uint8_t *pkt, size_t mh_off, size_t mh_len)
{
	struct in6_addr ha = A(V_HA), hoa = A(V_HOA);

	xmip_mh_set_checksum(&hoa, &ha, pkt + mh_off, mh_len);
}

static void test_truncated_everywhere(void **state)
{
	struct xmip_pkt p;
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(scapy_bu); len++)
		assert_int_not_equal(parse_exact(scapy_bu, len, &p), XMIP_PARSE_OK);
	for (len = 0; len < sizeof(scapy_ba); len++)
		assert_int_not_equal(parse_exact(scapy_ba, len, &p), XMIP_PARSE_OK);
	/* Trailing link-layer padding after payload_len is ignored. */
	{
		uint8_t big[sizeof(scapy_bu) + 6] = { 0 };

		memcpy(big, scapy_bu, sizeof(scapy_bu));
		assert_int_equal(parse_exact(big, sizeof(big), &p), XMIP_PARSE_OK);
	}
}

static void test_payload_len_cuts_mh(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;

	(void)state;
	/* IPv6 says the payload ends 8 octets before the MH's Header Len does. */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[5] -= 8;
	assert_int_equal(parse_exact(pkt, sizeof(pkt) - 8, &p), XMIP_PARSE_BAD_MH_LEN);
	/* Header Len larger than the packet. */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64 + 1] = 200;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_MH_LEN);
}

static void test_bad_checksum(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;
	size_t i;

	(void)state;
	for (i = 64; i < sizeof(pkt); i++) {
		memcpy(pkt, scapy_bu, sizeof(pkt));
		pkt[i] ^= 0x01;
		assert_int_not_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_OK);
	}
	/* A changed HoA in the HAO changes the pseudo-header. */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[40 + 8 + 15] ^= 0x02;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_CSUM);
}

static void test_payload_proto_not_59(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;

	(void)state;
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64] = XMIP_IPPROTO_TCP;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_PAYLOAD_PROTO);
	/* RFC 6275 §9.2: the Parameter Problem points at Payload Proto
	 * (octet 64 here: IPv6 40 + Destination Options 24, as in TAHI HA_1_1_2). */
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_BAD_PAYLOAD_PROTO), 64);
	/* ... after the checksum: a bad one is silently discarded first. */
	pkt[64 + 4] ^= 1;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_CSUM);
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_BAD_CSUM), -1);
	/* ... and an unknown type is a Binding Error whatever the Payload Proto. */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64] = XMIP_IPPROTO_TCP;
	pkt[64 + 2] = 99;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
}

/*
 * A BU piggybacked on another header (Payload Proto 58 and an ICMPv6 Echo
 * Request after the MH, TAHI HA_1_1_2): the checksum covers the MH alone,
 * and the answer is a Parameter Problem pointing at Payload Proto.
 */
static void test_piggybacked_bu(void **state)
{
	uint8_t pkt[sizeof(scapy_bu) + 8];
	struct xmip_pkt p;

	(void)state;
	memcpy(pkt, scapy_bu, sizeof(scapy_bu));
	memcpy(pkt + sizeof(scapy_bu), (uint8_t[]){ 128, 0, 0, 0, 0, 1, 0, 1 }, 8);
	pkt[5] += 8;                                  /* IPv6 payload length */
	pkt[64] = XMIP_IPPROTO_ICMPV6;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_PAYLOAD_PROTO);
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_BAD_PAYLOAD_PROTO), 64);
}

/*
 * Header Len 0 on a BU (TAHI HA_1_1_4): shorter than any BU. The sender
 * checksummed its whole payload; the answer points at Header Len (65).
 */
static void test_header_len_too_short_for_the_type(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;

	(void)state;
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64 + 1] = 0;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_MH_TOO_SHORT);
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_MH_TOO_SHORT), 65);
	assert_int_equal(p.msg.type, XMIP_MH_BU);
	/* The same with only the 8 octets Header Len announces. */
	pkt[5] = 24 + 8;
	reseal(pkt, 64, 8);
	assert_int_equal(parse_exact(pkt, 64 + 8, &p), XMIP_PARSE_MH_TOO_SHORT);
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_MH_TOO_SHORT), 65);
	/* A wrong checksum: silence, not a Parameter Problem. */
	pkt[64 + 4] ^= 0x80;
	assert_int_equal(parse_exact(pkt, 64 + 8, &p), XMIP_PARSE_BAD_CSUM);
}


/*
 * The same two errors on a BU sent from home (TAHI HA_1_1_6, HA_1_1_7: the
 * MN at home, a binding in place, no Home Address option): the MH follows
 * the IPv6 header, so the pointers are 40 (Payload Proto) and 41 (Header
 * Len), and the answer goes to the source, the home address.
 */
static void from_home(uint8_t *pkt, size_t *len)
{
	struct in6_addr hoa = A(V_HOA);

	/* scapy_bu less its 24-octet Destination Options header, source the HoA. */
	memcpy(pkt, scapy_bu, 40);
	memcpy(pkt + 40, scapy_bu + 64, sizeof(scapy_bu) - 64);
	*len = sizeof(scapy_bu) - 24;
	pkt[4] = 0;
	pkt[5] = (uint8_t)(*len - 40);
	pkt[6] = XMIP_IPPROTO_MH;
	memcpy(pkt + 8, hoa.s6_addr, 16);
}

static void test_param_problem_pointers_from_home(void **state)
{
	uint8_t pkt[sizeof(scapy_bu) + 8];
	struct in6_addr hoa = A(V_HOA);
	struct xmip_pkt p;
	size_t len;

	(void)state;
	from_home(pkt, &len);
	reseal(pkt, 40, len - 40);
	assert_int_equal(parse_exact(pkt, len, &p), XMIP_PARSE_OK);
	assert_false(p.has_hao);
	/* Piggybacked: Payload Proto 58, an Echo Request after the MH. */
	from_home(pkt, &len);
	memcpy(pkt + len, (uint8_t[]){ 128, 0, 0, 0, 0, 1, 0, 1 }, 8);
	pkt[40] = XMIP_IPPROTO_ICMPV6;
	reseal(pkt, 40, len - 40);
	len += 8;
	pkt[5] += 8;
	assert_int_equal(parse_exact(pkt, len, &p), XMIP_PARSE_BAD_PAYLOAD_PROTO);
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_BAD_PAYLOAD_PROTO), 40);
	assert_memory_equal(p.src.s6_addr, hoa.s6_addr, 16);
	/* Header Len 0: shorter than any BU. */
	from_home(pkt, &len);
	pkt[41] = 0;
	reseal(pkt, 40, len - 40);
	assert_int_equal(parse_exact(pkt, len, &p), XMIP_PARSE_MH_TOO_SHORT);
	assert_int_equal(xmip_parse_param_problem(&p, XMIP_PARSE_MH_TOO_SHORT), 41);
	assert_memory_equal(p.src.s6_addr, hoa.s6_addr, 16);
}

static void test_option_overruns_mh(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;

	(void)state;
	/* MN-ID claims 200 octets. */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64 + 13] = 200;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_OPTION);
	/* Auth option claims one octet more than is left. */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64 + SCAPY_BU_AUTH_OPT_OFF + 1] = 18;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_BAD_OPTION);
}

/* A bare MH: BU fixed part then the given option bytes, padded to 8n
 * with zeros (Pad1). */
static enum xmip_parse_err parse_bu_with_opts(const uint8_t *opts, size_t n,
					      struct xmip_mh_msg *m)
{
	size_t len = (12 + n + 7) / 8 * 8;
	uint8_t *mh = calloc(1, len);
	enum xmip_parse_err err;

	assert_non_null(mh);
	mh[0] = 59;
	mh[1] = (uint8_t)(len / 8 - 1);
	mh[2] = XMIP_MH_BU;
	memcpy(mh + 12, opts, n);
	err = xmip_mh_parse(mh, len, m);
	free(mh);
	return err;
}

static void test_option_bad_lengths(void **state)
{
	static const uint8_t mesg7[] = { 10, 7, 1, 2, 3, 4, 5, 6, 7 };
	static const uint8_t refresh3[] = { 2, 3, 0, 1, 0 };
	static const uint8_t auth4[] = { 9, 4, 1, 0, 0, 1 };
	static const uint8_t mnid1[] = { 8, 1, 1 };
	static const uint8_t altcoa15[] = { 3, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t two_mesg[] = { 10, 8, 0, 0, 0, 0, 0, 0, 0, 1,
					    10, 8, 0, 0, 0, 0, 0, 0, 0, 2 };
	struct xmip_mh_msg m;
	uint8_t tail[4] = { 0, 0, 0, XMIP_MOPT_PADN };  /* type octet, no length */
	uint8_t mh[16] = { 59, 1, XMIP_MH_BU };

	(void)state;
	assert_int_equal(parse_bu_with_opts(mesg7, sizeof(mesg7), &m), XMIP_PARSE_BAD_OPTION);
	assert_int_equal(parse_bu_with_opts(refresh3, sizeof(refresh3), &m), XMIP_PARSE_BAD_OPTION);
	assert_int_equal(parse_bu_with_opts(auth4, sizeof(auth4), &m), XMIP_PARSE_BAD_OPTION);
	assert_int_equal(parse_bu_with_opts(mnid1, sizeof(mnid1), &m), XMIP_PARSE_BAD_OPTION);
	assert_int_equal(parse_bu_with_opts(altcoa15, sizeof(altcoa15), &m), XMIP_PARSE_BAD_OPTION);
	assert_int_equal(parse_bu_with_opts(two_mesg, sizeof(two_mesg), &m), XMIP_PARSE_BAD_OPTION);
	/* An option type octet in the last octet, its length beyond the MH. */
	memcpy(mh + 12, tail, 4);
	assert_int_equal(xmip_mh_parse(mh, sizeof(mh), &m), XMIP_PARSE_BAD_OPTION);
}

static void test_unknown_option_skipped(void **state)
{
	static const uint8_t opts[] = {
		42, 3, 0xaa, 0xbb, 0xcc,            /* unknown option */
		1, 1, 0,                            /* PadN */
		2, 2, 0, 5,                         /* refresh advice (fine in any message for parsing) */
	};
	struct xmip_mh_msg m;

	(void)state;
	assert_int_equal(parse_bu_with_opts(opts, sizeof(opts), &m), XMIP_PARSE_OK);
	assert_int_equal(m.opts.n_unknown, 1);
	assert_true(m.opts.has_refresh);
	assert_int_equal(m.opts.refresh_units, 5);
}

static void test_auth_not_last_detected(void **state)
{
	static const uint8_t opts[] = {
		9, 17, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		10, 8, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	static const uint8_t opts_pad_after[] = {
		9, 17, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 2, 0, 0,
	};
	struct xmip_mh_msg m;

	(void)state;
	assert_int_equal(parse_bu_with_opts(opts, sizeof(opts), &m), XMIP_PARSE_OK);
	assert_true(m.opts.has_auth);
	assert_false(m.opts.auth_is_last);
	assert_int_equal(parse_bu_with_opts(opts_pad_after, sizeof(opts_pad_after), &m),
			 XMIP_PARSE_OK);
	assert_true(m.opts.auth_is_last);
}

/* RFC 6275 §9.5.1 needs to know whether a Nonce Indices option is there. */
static void test_nonce_indices_seen(void **state)
{
	static const uint8_t opts[] = { 1, 0, 4, 4, 0, 1, 0, 2 };   /* PadN, Nonce Indices at 2n */
	static const uint8_t bad[] = { 1, 0, 4, 3, 0, 1, 0 };
	struct xmip_mh_msg m;

	(void)state;
	assert_int_equal(parse_bu_with_opts(opts, sizeof(opts), &m), XMIP_PARSE_OK);
	assert_true(m.opts.has_nonce_idx);
	assert_int_equal(parse_bu_with_opts(bad, sizeof(bad), &m), XMIP_PARSE_BAD_OPTION);
}

static void test_min_header_len_per_type(void **state)
{
	uint8_t mh[16] = { 59, 0, XMIP_MH_BU };
	struct xmip_mh_msg m;

	(void)state;
	assert_int_equal(xmip_mh_parse(mh, 8, &m), XMIP_PARSE_MH_TOO_SHORT);
	mh[2] = XMIP_MH_BA;
	assert_int_equal(xmip_mh_parse(mh, 8, &m), XMIP_PARSE_MH_TOO_SHORT);
	mh[2] = XMIP_MH_BE;
	mh[1] = 1;
	assert_int_equal(xmip_mh_parse(mh, 16, &m), XMIP_PARSE_MH_TOO_SHORT);
	mh[2] = XMIP_MH_BRR;
	mh[1] = 0;
	assert_int_equal(xmip_mh_parse(mh, 8, &m), XMIP_PARSE_OK);
	assert_int_equal(m.type, XMIP_MH_BRR);
}

static void test_unknown_mh_type(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct in6_addr coa = A(V_COA);
	struct xmip_pkt p;

	(void)state;
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[64 + 2] = XMIP_MH_HOTI;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
	assert_int_equal(p.msg.type, XMIP_MH_HOTI);
	assert_true(addr_eq(&p.src, &coa));
	assert_true(p.has_hao);
	pkt[64 + 2] = 99;
	reseal(pkt, 64, 64);
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_UNKNOWN_MH_TYPE);
}

static void test_bad_ipv6_and_ext_headers(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;

	(void)state;
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[0] = 0x45;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_NOT_IPV6);
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[6] = XMIP_IPPROTO_TCP;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_NOT_MH);
	/* HAO with length 15 */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[40 + 7] = 15;
	assert_int_not_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_OK);
	/* Dest Opts header length beyond the payload */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[40 + 1] = 30;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_TRUNCATED);
	/* Dest Opts followed by a fragment header: not ours */
	memcpy(pkt, scapy_bu, sizeof(pkt));
	pkt[40] = XMIP_IPPROTO_FRAGMENT;
	assert_int_equal(parse_exact(pkt, sizeof(pkt), &p), XMIP_PARSE_NOT_MH);
	/* Routing header of type 0 */
	{
		uint8_t ba[sizeof(scapy_ba)];

		memcpy(ba, scapy_ba, sizeof(ba));
		ba[40 + 2] = 0;
		assert_int_equal(parse_exact(ba, sizeof(ba), &p), XMIP_PARSE_NOT_MH);
		memcpy(ba, scapy_ba, sizeof(ba));
		ba[40 + 3] = 2;      /* segments left 2 */
		assert_int_equal(parse_exact(ba, sizeof(ba), &p), XMIP_PARSE_BAD_EXTHDR);
	}
}

/* Random corruption: whatever comes out, no read past len (ASan) and
 * no OK for a packet whose checksum no longer matches. */
static void test_fuzz_mutations(void **state)
{
	uint8_t pkt[sizeof(scapy_bu)];
	struct xmip_pkt p;
	unsigned seed = 12345, i, k;

	(void)state;
	for (i = 0; i < 50000; i++) {
		size_t len = sizeof(pkt);

		memcpy(pkt, i & 1 ? scapy_bu : scapy_ba,
		       i & 1 ? sizeof(scapy_bu) : sizeof(scapy_ba));
		if (!(i & 1))
			len = sizeof(scapy_ba);
		for (k = 0; k < 1 + (i % 4); k++) {
			seed = seed * 1103515245u + 12345u;
			pkt[(seed >> 8) % len] = (uint8_t)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		if (seed & 0x10000)
			len -= (seed >> 17) % len;
		(void)parse_exact(pkt, len, &p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_scapy_bu),
		cmocka_unit_test(test_build_bu_equals_scapy),
		cmocka_unit_test(test_parse_and_build_ba_equals_scapy),
		cmocka_unit_test(test_parse_and_build_be_equals_scapy),
		cmocka_unit_test(test_checksum_uses_final_addresses),
		cmocka_unit_test(test_bu_option_alignment_every_nai_length),
		cmocka_unit_test(test_bu_too_long_nai_rejected),
		cmocka_unit_test(test_ba_exact_offsets),
		cmocka_unit_test(test_at_home_no_hao_no_rh2),
		cmocka_unit_test(test_build_small_buffer_fails),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_payload_len_cuts_mh),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_payload_proto_not_59),
		cmocka_unit_test(test_piggybacked_bu),
		cmocka_unit_test(test_header_len_too_short_for_the_type),
		cmocka_unit_test(test_param_problem_pointers_from_home),
		cmocka_unit_test(test_nonce_indices_seen),
		cmocka_unit_test(test_option_overruns_mh),
		cmocka_unit_test(test_option_bad_lengths),
		cmocka_unit_test(test_unknown_option_skipped),
		cmocka_unit_test(test_auth_not_last_detected),
		cmocka_unit_test(test_min_header_len_per_type),
		cmocka_unit_test(test_unknown_mh_type),
		cmocka_unit_test(test_bad_ipv6_and_ext_headers),
		cmocka_unit_test(test_fuzz_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
