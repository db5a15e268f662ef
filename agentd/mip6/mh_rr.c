// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Route optimisation's Mobility Header messages and options (RFC 6275 §6.1.2-§6.1.6, §6.2). */
#include "mh_rr.h"

#include <string.h>

#define IPV6_HDR_LEN 40
#define EXT_LEN      24   /* RH2, or Destination Options: PadN(4) + HAO(18) */
#define MH_MAX_LEN   2048 /* Header Len 255 */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* The shortest message of each type (§6.1.2-§6.1.6); 0: not one of ours. */
static size_t min_len(uint8_t type)
{
	switch (type) {
	case XMIP_MH_BRR:  return XMIP_MH_MIN_BRR_LEN;
	case XMIP_MH_HOTI:
	case XMIP_MH_COTI: return XMIP_MH_MIN_INIT_LEN;
	case XMIP_MH_HOT:
	case XMIP_MH_COT:  return XMIP_MH_MIN_TEST_LEN;
	}
	return 0;
}

/* Options of a message none of which we use: only that they are well formed. */
static enum xmip_parse_err skip_options(const uint8_t *mh, size_t pos, size_t len, unsigned *n)
{
	while (pos < len) {
		if (mh[pos] == XMIP_MOPT_PAD1) {
			pos++;
			continue;
		}
		if (len - pos < 2 || (size_t)mh[pos + 1] > len - pos - 2)
			return XMIP_PARSE_BAD_OPTION;
		if (mh[pos] != XMIP_MOPT_PADN)
			(*n)++;
		pos += 2 + (size_t)mh[pos + 1];
	}
	return XMIP_PARSE_OK;
}

enum xmip_parse_err xmip_rr_parse(const uint8_t *mh, size_t len, struct xmip_rr_msg *out)
{
	size_t mh_len, need;

	memset(out, 0, sizeof(*out));
	if (!mh || len < 8)
		return XMIP_PARSE_TRUNCATED;
	mh_len = ((size_t)mh[1] + 1) * 8;
	if (mh_len > len)
		return XMIP_PARSE_BAD_MH_LEN;
	out->type = mh[2];
	need = min_len(out->type);
	if (!need)
		return XMIP_PARSE_UNKNOWN_MH_TYPE;
	/* RFC 6275 §9.2, after the type: Payload Proto, then Header Len. */
	if (mh[0] != XMIP_IPPROTO_NONE)
		return XMIP_PARSE_BAD_PAYLOAD_PROTO;
	/* Too short for its type: the Parameter Problem case of §9.2
	 * (xmip_parse_param_problem), as xmip_mh_parse says it. */
	if (mh_len < need)
		return XMIP_PARSE_MH_TOO_SHORT;
	switch (out->type) {
	case XMIP_MH_HOTI:
	case XMIP_MH_COTI:
		memcpy(out->cookie, mh + 8, XMIP_RR_COOKIE_LEN);
		break;
	case XMIP_MH_HOT:
	case XMIP_MH_COT:
		out->nonce_index = rd16(mh + 6);
		memcpy(out->cookie, mh + 8, XMIP_RR_COOKIE_LEN);
		memcpy(out->token, mh + 16, XMIP_RR_TOKEN_LEN);
		break;
	}
	return skip_options(mh, need, mh_len, &out->n_unknown);
}

enum xmip_parse_err xmip_rr_opts_parse(const uint8_t *mh, size_t mh_len, struct xmip_rr_opts *o)
{
	size_t pos = 12;   /* BU and BA: fixed part 12 octets (§6.1.7, §6.1.8) */
	bool after_auth = false;

	memset(o, 0, sizeof(*o));
	if (!mh || mh_len < 12 || mh_len > MH_MAX_LEN)
		return XMIP_PARSE_BAD_MH_LEN;
	while (pos < mh_len) {
		uint8_t type = mh[pos], olen;
		const uint8_t *d;

		if (o->has_auth_data)
			after_auth = true;   /* anything after it, padding too (§9.5.1) */
		if (type == XMIP_MOPT_PAD1) {
			pos++;
			continue;
		}
		if (mh_len - pos < 2)
			return XMIP_PARSE_BAD_OPTION;
		olen = mh[pos + 1];
		if ((size_t)olen > mh_len - pos - 2)
			return XMIP_PARSE_BAD_OPTION;
		d = mh + pos + 2;
		switch (type) {
		case XMIP_MOPT_PADN:
			break;
		case XMIP_MOPT_NONCE_IDX:
			if (olen != 4 || o->has_nonce_idx)
				return XMIP_PARSE_BAD_OPTION;
			o->has_nonce_idx = true;
			o->home_nonce_index = rd16(d);
			o->coa_nonce_index = rd16(d + 2);
			break;
		case XMIP_MOPT_AUTH_DATA:
			if (olen == 0 || o->has_auth_data)
				return XMIP_PARSE_BAD_OPTION;
			o->has_auth_data = true;
			o->auth_data_len = olen;
			o->auth_off = pos + 2;
			memcpy(o->authenticator, d, olen < XMIP_RR_AUTH_LEN ? olen : XMIP_RR_AUTH_LEN);
			break;
		case XMIP_MOPT_ALT_COA:
			if (olen != 16 || o->has_alt_coa)
				return XMIP_PARSE_BAD_OPTION;
			o->has_alt_coa = true;
			memcpy(o->alt_coa.s6_addr, d, 16);
			break;
		case XMIP_MOPT_REFRESH_ADV:
			if (olen != 2 || o->has_refresh)
				return XMIP_PARSE_BAD_OPTION;
			o->has_refresh = true;
			o->refresh_units = rd16(d);
			break;
		default:
			o->n_unknown++;   /* §6.2.1: skip what we do not understand */
			break;
		}
		pos += 2 + (size_t)olen;
	}
	o->auth_data_last = o->has_auth_data && !after_auth;
	return XMIP_PARSE_OK;
}

/* ------------------------------------------------------------------- build */

/* Pad from `pos` to `to` (RFC 6275 §6.2.2, §6.2.3: Pad1 for one octet, else PadN). */
static void pad(uint8_t *mh, size_t pos, size_t to)
{
	size_t n = to - pos;

	if (n == 0)
		return;
	memset(mh + pos, 0, n);
	if (n == 1) {
		mh[pos] = XMIP_MOPT_PAD1;
	} else {
		mh[pos] = XMIP_MOPT_PADN;
		mh[pos + 1] = (uint8_t)(n - 2);
	}
}

/* Zero the first len octets, set Payload Proto, Header Len, MH type. */
static int start(uint8_t *mh, size_t cap, size_t len, uint8_t type)
{
	if (!mh || len > cap || len % 8 || len < 8)
		return -1;
	memset(mh, 0, len);
	mh[0] = XMIP_IPPROTO_NONE;
	mh[1] = (uint8_t)(len / 8 - 1);
	mh[2] = type;
	return 0;
}

int xmip_rr_build_init(uint8_t *mh, size_t cap, uint8_t type, const uint8_t cookie[8])
{
	if ((type != XMIP_MH_HOTI && type != XMIP_MH_COTI) ||
	    start(mh, cap, XMIP_MH_MIN_INIT_LEN, type))
		return -1;
	memcpy(mh + 8, cookie, XMIP_RR_COOKIE_LEN);
	return XMIP_MH_MIN_INIT_LEN;
}

int xmip_rr_build_test(uint8_t *mh, size_t cap, uint8_t type, uint16_t nonce_index,
		       const uint8_t cookie[8], const uint8_t token[8])
{
	if ((type != XMIP_MH_HOT && type != XMIP_MH_COT) ||
	    start(mh, cap, XMIP_MH_MIN_TEST_LEN, type))
		return -1;
	wr16(mh + 6, nonce_index);
	memcpy(mh + 8, cookie, XMIP_RR_COOKIE_LEN);
	memcpy(mh + 16, token, XMIP_RR_TOKEN_LEN);
	return XMIP_MH_MIN_TEST_LEN;
}

int xmip_rr_build_brr(uint8_t *mh, size_t cap)
{
	if (start(mh, cap, XMIP_MH_MIN_BRR_LEN, XMIP_MH_BRR))
		return -1;
	return XMIP_MH_MIN_BRR_LEN;
}

/* Binding Authorization Data at pos (8n+2), ending the message at 8n. */
static size_t put_auth(uint8_t *mh, size_t pos)
{
	mh[pos] = XMIP_MOPT_AUTH_DATA;
	mh[pos + 1] = XMIP_RR_AUTH_LEN;
	memset(mh + pos + 2, 0, XMIP_RR_AUTH_LEN);
	return pos + 2;
}

int xmip_rr_build_bu(uint8_t *mh, size_t cap, const struct xmip_rr_bu_fields *f,
		     size_t *auth_off)
{
	size_t len = f->alt_coa ? 56 : 32, pos;

	if (start(mh, cap, len, XMIP_MH_BU))
		return -1;
	wr16(mh + 6, f->seq);
	wr16(mh + 8, f->flags);
	wr16(mh + 10, f->lifetime_units);
	mh[12] = XMIP_MOPT_NONCE_IDX;        /* 2n */
	mh[13] = 4;
	wr16(mh + 14, f->home_nonce_index);
	wr16(mh + 16, f->coa_nonce_index);
	pos = 18;
	if (f->alt_coa) {                    /* 8n+6 */
		pad(mh, pos, 22);
		mh[22] = XMIP_MOPT_ALT_COA;
		mh[23] = 16;
		memcpy(mh + 24, f->alt_coa->s6_addr, 16);
		pad(mh, 40, 42);
		pos = 42;
	}
	*auth_off = put_auth(mh, pos);       /* 8n+2, last, no padding after */
	return (int)len;
}

int xmip_rr_build_ba(uint8_t *mh, size_t cap, uint8_t status, uint16_t seq,
		     uint16_t lifetime_units, bool with_auth, size_t *auth_off)
{
	size_t len = with_auth ? 32 : 16;

	if (start(mh, cap, len, XMIP_MH_BA))
		return -1;
	mh[6] = status;
	mh[7] = 0;                           /* K: a correspondent sets it to 0 (§6.1.8) */
	wr16(mh + 8, seq);
	wr16(mh + 10, lifetime_units);
	if (with_auth) {
		pad(mh, 12, 18);
		*auth_off = put_auth(mh, 18);
	} else {
		pad(mh, 12, 16);
		*auth_off = 0;
	}
	return (int)len;
}

int xmip_rr_pkt(uint8_t *buf, size_t cap, const struct in6_addr *src,
		const struct in6_addr *dst, const struct in6_addr *rh2_hoa,
		const struct in6_addr *hao, const uint8_t *mh, size_t mh_len)
{
	size_t ext = (rh2_hoa || hao) ? EXT_LEN : 0, off = IPV6_HDR_LEN + ext;
	uint8_t *p = buf, *e = buf + IPV6_HDR_LEN, *m = buf + off;

	if (!buf || !src || !dst || !mh || (rh2_hoa && hao) || mh_len < 8 || mh_len % 8 ||
	    mh_len > MH_MAX_LEN || cap < off + mh_len)
		return -1;
	memset(buf, 0, off);
	p[0] = 0x60;
	wr16(p + 4, (uint16_t)(ext + mh_len));
	p[6] = rh2_hoa ? XMIP_IPPROTO_ROUTING : hao ? XMIP_IPPROTO_DSTOPTS : XMIP_IPPROTO_MH;
	p[7] = XMIP_MH_HOP_LIMIT;
	memcpy(p + 8, src->s6_addr, 16);
	memcpy(p + 24, dst->s6_addr, 16);
	if (rh2_hoa) {                       /* §6.4: length 2, type 2, segments left 1 */
		e[0] = XMIP_IPPROTO_MH;
		e[1] = XMIP_RH2_HDRLEN;
		e[2] = XMIP_RH_TYPE2;
		e[3] = XMIP_RH2_SEGS_LEFT;
		memcpy(e + 8, rh2_hoa->s6_addr, 16);
	} else if (hao) {                    /* §6.3: the option at 8n+6 */
		e[0] = XMIP_IPPROTO_MH;
		e[1] = EXT_LEN / 8 - 1;
		e[2] = XMIP_MOPT_PADN;           /* PadN of 4 (a destination option, same codes) */
		e[3] = 2;
		e[6] = XMIP_OPT_HOME_ADDRESS;
		e[7] = XMIP_OPT_HOME_ADDRESS_LEN;
		memcpy(e + 8, hao->s6_addr, 16);
	}
	memmove(m, mh, mh_len);
	xmip_mh_set_checksum(hao ? hao : src, rh2_hoa ? rh2_hoa : dst, m, mh_len);
	return (int)(off + mh_len);
}

enum xmip_parse_err xmip_rr_test_param_problem(const struct xmip_pkt *p)
{
	struct xmip_rr_msg m;
	enum xmip_parse_err err = xmip_rr_parse(p->mh, p->mh_len, &m);

	return err == XMIP_PARSE_BAD_PAYLOAD_PROTO || err == XMIP_PARSE_MH_TOO_SHORT ?
	       err : XMIP_PARSE_OK;
}
