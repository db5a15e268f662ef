/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Properties of one parsed Mobility Header message, shared by the
 * harnesses that reach xmip_mh_parse (fuzz_mh_msg, fuzz_mh_pkt):
 *
 *  1. every field the parser reports is the one on the wire (read again
 *     here octet by octet, options found by an independent walk);
 *  2. re-built with our builder (xmip_mh_build_bu/ba/be) from the parsed
 *     fields, the message parses back to the same fields;
 *  3. where the format allows it, the re-built message is the same bytes:
 *     whenever the input already has the builder's layout (same options at
 *     the same offsets, zero padding and reserved octets, subtypes the
 *     builder writes), any difference is a field the parser lost.
 */
#ifndef XMIP_FUZZ_MH_H
#define XMIP_FUZZ_MH_H

#include "fuzz_common.h"
#include "mh.h"

static inline uint16_t fz_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint64_t fz_rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static struct fuzz_opt fz_opts_a[FUZZ_MAX_OPTS], fz_opts_b[FUZZ_MAX_OPTS];

/* 1: the parser's view against the bytes. */
static void fuzz_check_fields(const uint8_t *mh, size_t mh_len, const struct xmip_mh_msg *m)
{
	const struct xmip_mh_opts *o = &m->opts;
	size_t fixed = fuzz_mh_fixed_len(mh[2]);
	bool after_auth = false;
	unsigned unknown = 0, seen_v4hoa = 0, seen_mnp = 0;
	int n, seen_auth = 0;

	FUZZ_CHECK(mh_len >= 8 && mh_len == ((size_t)mh[1] + 1) * 8, "mh_len %zu", mh_len);
	FUZZ_CHECK(mh[0] == 59 && m->type == mh[2]);
	FUZZ_CHECK(fixed && fixed <= mh_len, "type %u fixed %zu len %zu", mh[2], fixed, mh_len);
	switch (m->type) {
	case XMIP_MH_BU:
		FUZZ_CHECK(m->seq == fz_rd16(mh + 6) && m->bu_flags == fz_rd16(mh + 8) &&
			   m->lifetime_units == fz_rd16(mh + 10));
		break;
	case XMIP_MH_BA:
		FUZZ_CHECK(m->ba_status == mh[6] && m->ba_flags == mh[7] &&
			   m->seq == fz_rd16(mh + 8) && m->lifetime_units == fz_rd16(mh + 10));
		break;
	case XMIP_MH_BE:
		FUZZ_CHECK(m->be_status == mh[6] && !memcmp(m->be_hoa.s6_addr, mh + 8, 16));
		break;
	}
	n = fuzz_walk_options(mh, fixed, mh_len, fz_opts_a, FUZZ_MAX_OPTS);
	FUZZ_CHECK(n >= 0, "parser accepted options that overrun the message");
	for (int i = 0; i < n; i++) {
		const struct fuzz_opt *p = &fz_opts_a[i];
		const uint8_t *d = mh + p->off + 2;

		FUZZ_CHECK(p->off + (p->type ? 2u + p->len : 1u) <= mh_len);
		if (seen_auth && p->type > 1)
			after_auth = true;
		switch (p->type) {
		case 0: case 1:
			break;
		case 2:
			FUZZ_CHECK(o->has_refresh && p->len == 2 && o->refresh_units == fz_rd16(d));
			break;
		case 3:
			FUZZ_CHECK(o->has_alt_coa && p->len == 16 && !memcmp(o->alt_coa.s6_addr, d, 16));
			break;
		case 4:   /* Nonce Indices: only its presence is kept (RFC 6275 §9.5.1) */
			FUZZ_CHECK(o->has_nonce_idx && p->len == 4);
			break;
		case 5:   /* Binding Authorization Data: likewise */
			FUZZ_CHECK(o->has_auth_data);
			break;
		case 8:
			FUZZ_CHECK(o->has_mnid && p->len >= 2 && o->mnid_subtype == d[0] &&
				   o->nai_len == p->len - 1 && !memcmp(o->nai, d + 1, o->nai_len) &&
				   o->nai[o->nai_len] == '\0');
			break;
		case 9:
			seen_auth++;
			FUZZ_CHECK(o->has_auth && p->len >= 5 && o->auth_opt_off == p->off &&
				   o->auth_subtype == d[0] && o->auth_data_len == p->len - 5 &&
				   o->auth_spi == ((uint32_t)d[1] << 24 | (uint32_t)d[2] << 16 |
						   (uint32_t)d[3] << 8 | d[4]));
			FUZZ_CHECK(!memcmp(o->authenticator, d + 5,
					   o->auth_data_len < 12 ? o->auth_data_len : 12));
			break;
		case 10:
			FUZZ_CHECK(o->has_mesg_id && p->len == 8 && o->mesg_id == fz_rd64(d));
			break;
		case 6:   /* Mobile Network Prefix (RFC 3963 §4.3): length 18, the first kept */
			FUZZ_CHECK(p->len == 18);
			if (seen_mnp < XMIP_MH_MAX_MNP)
				FUZZ_CHECK(o->mnp[seen_mnp].plen == d[1] &&
					   !memcmp(o->mnp[seen_mnp].prefix.s6_addr, d + 2, 16));
			seen_mnp++;
			break;
		/* RFC 5555 §3.1.1-§3.2.2: length 6; IPv4 HoA may repeat (the first counts). */
		case 29:
			FUZZ_CHECK(o->has_ipv4_hoa && p->len == 6);
			if (seen_v4hoa++ == 0)
				FUZZ_CHECK(o->ipv4_hoa_plen == d[0] >> 2 &&
					   o->ipv4_hoa_p == ((d[0] & 2) != 0) &&
					   !memcmp(&o->ipv4_hoa.s_addr, d + 2, 4));
			break;
		case 30:
			FUZZ_CHECK(o->has_ipv4_ack && p->len == 6 && o->ipv4_ack_status == d[0] &&
				   o->ipv4_ack_plen == d[1] >> 2 && !memcmp(&o->ipv4_ack_hoa.s_addr, d + 2, 4));
			break;
		case 31:
			FUZZ_CHECK(o->has_nat_detect && p->len == 6 && o->nat_f == ((d[0] & 0x80) != 0) &&
				   o->nat_refresh_s == ((uint32_t)d[2] << 24 | (uint32_t)d[3] << 16 |
							(uint32_t)d[4] << 8 | d[5]));
			break;
		case 32:
			FUZZ_CHECK(o->has_ipv4_coa && p->len == 6 && !memcmp(&o->ipv4_coa.s_addr, d + 2, 4));
			break;
		default:
			unknown++;
		}
	}
	FUZZ_CHECK(o->n_ipv4_hoa == seen_v4hoa, "IPv4 HoA options %u/%u", o->n_ipv4_hoa, seen_v4hoa);
	FUZZ_CHECK(o->n_mnp == seen_mnp, "MNP options %u/%u", o->n_mnp, seen_mnp);
	FUZZ_CHECK(seen_auth == o->has_auth && o->n_unknown == unknown,
		   "auth %d/%d unknown %u/%u", seen_auth, o->has_auth, unknown, o->n_unknown);
	FUZZ_CHECK(o->auth_is_last == (o->has_auth && !after_auth));
}

/* 2 and 3: re-build from the parsed fields. */
static void fuzz_check_rebuild(const uint8_t *mh, size_t mh_len, const struct xmip_mh_msg *m)
{
	const struct xmip_mh_opts *o = &m->opts;
	static uint8_t out[4096];
	struct xmip_mh_layout lay = { 0 };
	struct xmip_mh_msg back;
	bool canonical;
	int len = -1, na, nb;

	if (m->type == XMIP_MH_BU) {
		struct xmip_bu_fields f = {
			.seq = m->seq, .flags = m->bu_flags, .lifetime_units = m->lifetime_units,
			.nai = o->has_mnid ? o->nai : NULL, .nai_len = o->nai_len,
			.has_mesg_id = o->has_mesg_id, .mesg_id = o->mesg_id,
			.alt_coa = o->has_alt_coa ? &o->alt_coa : NULL,
			.has_auth = o->has_auth, .spi = o->auth_spi,
			.has_ipv4_hoa = o->has_ipv4_hoa, .ipv4_hoa_plen = o->ipv4_hoa_plen,
			.ipv4_hoa_p = o->ipv4_hoa_p, .ipv4_hoa = o->ipv4_hoa,
			.has_ipv4_coa = o->has_ipv4_coa, .ipv4_coa = o->ipv4_coa,
			.mnp = o->mnp, .n_mnp = o->n_mnp,
		};
		if (o->n_mnp > XMIP_MH_MAX_MNP)
			return;   /* more prefixes than kept: nothing to re-build them from */
		len = xmip_mh_build_bu(out, sizeof(out), &f, &lay);
	} else if (m->type == XMIP_MH_BA) {
		struct xmip_ba_fields f = {
			.status = m->ba_status, .flags = m->ba_flags, .seq = m->seq,
			.lifetime_units = m->lifetime_units, .has_mesg_id = o->has_mesg_id,
			.mesg_id = o->mesg_id, .has_refresh = o->has_refresh,
			.refresh_units = o->refresh_units, .has_auth = o->has_auth,
			.spi = o->auth_spi,
			.has_ipv4_ack = o->has_ipv4_ack, .ipv4_ack_status = o->ipv4_ack_status,
			.ipv4_ack_plen = o->ipv4_ack_plen, .ipv4_ack_hoa = o->ipv4_ack_hoa,
			.has_nat_detect = o->has_nat_detect, .nat_f = o->nat_f,
			.nat_refresh_s = o->nat_refresh_s,
		};
		len = xmip_mh_build_ba(out, sizeof(out), &f, &lay);
	} else if (m->type == XMIP_MH_BE) {
		len = xmip_mh_build_be(out, sizeof(out), m->be_status, &m->be_hoa);
	} else {
		return;   /* BRR: nothing to build it with */
	}
	/* The canonical layout pads more than a packed input: only a message
	 * close to the largest MH may not fit. */
	if (len < 0) {
		FUZZ_CHECK(mh_len > 1900, "builder refused the fields of a %zu-octet message", mh_len);
		return;
	}
	if (lay.auth_opt_off && o->auth_data_len >= 12)
		memcpy(out + lay.auth_opt_off + 7, o->authenticator, 12);

	/* 2: the same fields. */
	FUZZ_CHECK(xmip_mh_parse(out, (size_t)len, &back) == XMIP_PARSE_OK, "re-built message does not parse");
	FUZZ_CHECK(back.type == m->type && back.seq == m->seq && back.bu_flags == m->bu_flags &&
		   back.ba_status == m->ba_status && back.ba_flags == m->ba_flags &&
		   back.lifetime_units == m->lifetime_units && back.be_status == m->be_status &&
		   !memcmp(&back.be_hoa, &m->be_hoa, 16));
	if (m->type == XMIP_MH_BE)
		goto bytes;
	FUZZ_CHECK(back.opts.has_mesg_id == o->has_mesg_id && back.opts.mesg_id == o->mesg_id);
	FUZZ_CHECK(back.opts.has_auth == o->has_auth && back.opts.auth_spi == o->auth_spi &&
		   back.opts.auth_is_last == o->has_auth);
	if (m->type == XMIP_MH_BU) {
		FUZZ_CHECK(back.opts.has_mnid == o->has_mnid && back.opts.nai_len == o->nai_len &&
			   !memcmp(back.opts.nai, o->nai, o->nai_len));
		FUZZ_CHECK(back.opts.has_alt_coa == o->has_alt_coa &&
			   !memcmp(&back.opts.alt_coa, &o->alt_coa, 16));
		FUZZ_CHECK(back.opts.has_ipv4_hoa == o->has_ipv4_hoa &&
			   back.opts.ipv4_hoa_plen == o->ipv4_hoa_plen &&
			   back.opts.ipv4_hoa_p == o->ipv4_hoa_p &&
			   back.opts.ipv4_hoa.s_addr == o->ipv4_hoa.s_addr);
		FUZZ_CHECK(back.opts.has_ipv4_coa == o->has_ipv4_coa &&
			   back.opts.ipv4_coa.s_addr == o->ipv4_coa.s_addr);
		FUZZ_CHECK(back.opts.n_mnp == o->n_mnp &&
			   !memcmp(back.opts.mnp, o->mnp, o->n_mnp * sizeof(o->mnp[0])));
	} else {
		FUZZ_CHECK(back.opts.has_refresh == o->has_refresh &&
			   back.opts.refresh_units == o->refresh_units);
		FUZZ_CHECK(back.opts.has_ipv4_ack == o->has_ipv4_ack &&
			   back.opts.ipv4_ack_status == o->ipv4_ack_status &&
			   back.opts.ipv4_ack_plen == o->ipv4_ack_plen &&
			   back.opts.ipv4_ack_hoa.s_addr == o->ipv4_ack_hoa.s_addr);
		FUZZ_CHECK(back.opts.has_nat_detect == o->has_nat_detect &&
			   back.opts.nat_f == o->nat_f && back.opts.nat_refresh_s == o->nat_refresh_s);
	}

bytes:
	/* 3: is the input in the builder's layout? Then same bytes. */
	na = fuzz_walk_options(mh, fuzz_mh_fixed_len(m->type), mh_len, fz_opts_a, FUZZ_MAX_OPTS);
	nb = fuzz_walk_options(out, fuzz_mh_fixed_len(m->type), (size_t)len, fz_opts_b,
			       FUZZ_MAX_OPTS);
	canonical = (size_t)len == mh_len && na == nb && mh[3] == 0 &&
		    (m->type != XMIP_MH_BE || mh[7] == 0) &&
		    (!o->has_mnid || o->mnid_subtype == XMIP_MNID_SUBTYPE_NAI) &&
		    (!o->has_auth || (o->auth_subtype == XMIP_AUTH_SUBTYPE_MN_HA &&
				      o->auth_data_len == 12));
	for (int i = 0; canonical && i < na; i++) {
		const struct fuzz_opt *a = &fz_opts_a[i], *b = &fz_opts_b[i];

		canonical = a->type == b->type && a->len == b->len && a->off == b->off;
		/* RFC 5555 options: reserved bits are zero in our layout. */
		if (canonical && a->type == 29)
			canonical = (mh[a->off + 2] & 1) == 0 && mh[a->off + 3] == 0;
		if (canonical && a->type == 30)
			canonical = (mh[a->off + 3] & 3) == 0;
		if (canonical && (a->type == 31 || a->type == 32))
			canonical = (mh[a->off + 2] & (a->type == 31 ? 0x7f : 0xff)) == 0 &&
				    mh[a->off + 3] == 0;
		if (canonical && a->type == 6)   /* MNP: reserved octet zero */
			canonical = mh[a->off + 2] == 0;
		if (canonical && a->type == 1)   /* PadN carries zeros in our layout */
			for (size_t k = 0; k < a->len; k++)
				canonical &= mh[a->off + 2 + k] == 0;
	}
	/* Octets 4-5 are the checksum, left 0 by the builder. */
	if (canonical)
		FUZZ_CHECK(!memcmp(out, mh, 4) && !memcmp(out + 6, mh + 6, mh_len - 6),
			   "a message in our own layout re-builds to other bytes (field lost?)");
}

#endif /* XMIP_FUZZ_MH_H */
