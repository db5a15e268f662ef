// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Mobility Header parse and build (RFC 6275 §6, RFC 4283, RFC 4285). */
#include "mh.h"

#include <arpa/inet.h>
#include <string.h>

#include "addr.h"
#include "auth.h"
#include "csum.h"
#include "xmip_dsmip.h"

#define IPV6_HDR_LEN    40
#define MAX_EXT_HDRS    8     /* more than this in a signalling packet is abuse */
#define HAO_DSTOPT_LEN  24    /* next hdr, len, PadN(4), HAO(18) */
#define RH2_LEN         24

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v >> 16);
	wr16(p + 2, v & 0xffff);
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, v >> 32);
	wr32(p + 4, v & 0xffffffffU);
}

const char *xmip_parse_strerror(enum xmip_parse_err err)
{
	switch (err) {
	case XMIP_PARSE_OK:                return "ok";
	case XMIP_PARSE_TRUNCATED:         return "truncated";
	case XMIP_PARSE_NOT_IPV6:          return "not IPv6";
	case XMIP_PARSE_BAD_EXTHDR:        return "malformed extension header";
	case XMIP_PARSE_NOT_MH:            return "no Mobility Header";
	case XMIP_PARSE_BAD_PAYLOAD_PROTO: return "MH Payload Proto is not 59";
	case XMIP_PARSE_BAD_MH_LEN:        return "bad MH Header Len";
	case XMIP_PARSE_BAD_CSUM:          return "bad MH checksum";
	case XMIP_PARSE_UNKNOWN_MH_TYPE:   return "unrecognised MH type";
	case XMIP_PARSE_BAD_OPTION:        return "malformed mobility option";
	case XMIP_PARSE_MH_TOO_SHORT:      return "MH Header Len too short for its type";
	}
	return "?";
}

long xmip_parse_param_problem(const struct xmip_pkt *pkt, enum xmip_parse_err err)
{
	if (pkt->mh_off < IPV6_HDR_LEN)       /* the parse never reached the MH */
		return -1;
	if (err == XMIP_PARSE_BAD_PAYLOAD_PROTO)
		return (long)pkt->mh_off;          /* Payload Proto: octet 0 of the MH */
	if (err == XMIP_PARSE_MH_TOO_SHORT)
		return (long)pkt->mh_off + 1;      /* Header Len: octet 1 */
	return -1;
}

/* ---------------------------------------------------------------- checksum */

uint16_t xmip_mh_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			  const uint8_t *mh, size_t len)
{
	/* Pseudo-header: src, dst, 32-bit upper-layer length, 3 zero, NH 135. */
	return xmip_csum_ip6(src, dst, XMIP_IPPROTO_MH, mh, len);
}

void xmip_mh_set_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			  uint8_t *mh, size_t len)
{
	mh[4] = mh[5] = 0;
	wr16(mh + 4, xmip_mh_checksum(src, dst, mh, len));
}

/* ----------------------------------------------------------------- options */

static bool opt_len_is(uint8_t olen, uint8_t want)
{
	return olen == want;
}

static enum xmip_parse_err parse_options(const uint8_t *mh, size_t pos, size_t len,
					 struct xmip_mh_opts *o)
{
	bool non_pad_after_auth = false;

	while (pos < len) {
		uint8_t type = mh[pos];
		uint8_t olen;
		const uint8_t *d;

		if (type == XMIP_MOPT_PAD1) {
			pos++;
			continue;
		}
		if (len - pos < 2)
			return XMIP_PARSE_BAD_OPTION;
		olen = mh[pos + 1];
		if ((size_t)olen > len - pos - 2)
			return XMIP_PARSE_BAD_OPTION;
		d = mh + pos + 2;
		if (o->has_auth && type != XMIP_MOPT_PADN)
			non_pad_after_auth = true;

		switch (type) {
		case XMIP_MOPT_PADN:
			break;
		case XMIP_MOPT_REFRESH_ADV:
			if (!opt_len_is(olen, 2) || o->has_refresh)
				return XMIP_PARSE_BAD_OPTION;
			o->has_refresh = true;
			o->refresh_units = rd16(d);
			break;
		case XMIP_MOPT_ALT_COA:
			if (!opt_len_is(olen, 16) || o->has_alt_coa)
				return XMIP_PARSE_BAD_OPTION;
			o->has_alt_coa = true;
			memcpy(o->alt_coa.s6_addr, d, 16);
			break;
		case XMIP_MOPT_NONCE_IDX:
			/* Only its presence matters here (RFC 6275 §9.5.1). */
			if (!opt_len_is(olen, 4))
				return XMIP_PARSE_BAD_OPTION;
			o->has_nonce_idx = true;
			break;
		case XMIP_MOPT_AUTH_DATA:
			o->has_auth_data = true;
			break;
		case XMIP_MOPT_MN_ID:
			/* subtype + at least one identifier octet (RFC 4283 §3) */
			if (olen < 2 || o->has_mnid)
				return XMIP_PARSE_BAD_OPTION;
			o->has_mnid = true;
			o->mnid_subtype = d[0];
			o->nai_len = olen - 1;
			memcpy(o->nai, d + 1, o->nai_len);
			o->nai[o->nai_len] = '\0';
			break;
		case XMIP_MOPT_MESG_ID:
			if (!opt_len_is(olen, 8) || o->has_mesg_id)
				return XMIP_PARSE_BAD_OPTION;
			o->has_mesg_id = true;
			o->mesg_id = rd64(d);
			break;
		case XMIP_MOPT_IPV4_HOA:     /* RFC 5555 §3.1.1 */
			if (!opt_len_is(olen, XMIP_DSMIP_OPT_LEN))
				return XMIP_PARSE_BAD_OPTION;
			if (o->n_ipv4_hoa++)
				break;       /* a second one (a prefix request): not used */
			o->has_ipv4_hoa = true;
			o->ipv4_hoa_plen = d[0] >> 2;
			o->ipv4_hoa_p = (d[0] & XMIP_DSMIP_IPV4_HOA_P) != 0;
			memcpy(&o->ipv4_hoa, d + 2, 4);
			break;
		case XMIP_MOPT_IPV4_COA:     /* §3.1.2 */
			if (!opt_len_is(olen, XMIP_DSMIP_OPT_LEN) || o->has_ipv4_coa)
				return XMIP_PARSE_BAD_OPTION;
			o->has_ipv4_coa = true;
			memcpy(&o->ipv4_coa, d + 2, 4);
			break;
		case XMIP_MOPT_IPV4_ACK:     /* §3.2.1 */
			if (!opt_len_is(olen, XMIP_DSMIP_OPT_LEN) || o->has_ipv4_ack)
				return XMIP_PARSE_BAD_OPTION;
			o->has_ipv4_ack = true;
			o->ipv4_ack_status = d[0];
			o->ipv4_ack_plen = d[1] >> 2;
			memcpy(&o->ipv4_ack_hoa, d + 2, 4);
			break;
		case XMIP_MOPT_NAT_DETECT:   /* §3.2.2 */
			if (!opt_len_is(olen, XMIP_DSMIP_OPT_LEN) || o->has_nat_detect)
				return XMIP_PARSE_BAD_OPTION;
			o->has_nat_detect = true;
			o->nat_f = (d[0] & XMIP_DSMIP_NAT_F) != 0;
			o->nat_refresh_s = rd32(d + 2);
			break;
		case XMIP_MOPT_MOB_NET_PREFIX:
			/* RFC 3963 §4.3: reserved, prefix length, prefix. A
			 * length past 128 is kept for the HA to refuse (141). */
			if (!opt_len_is(olen, XMIP_MNP_OPT_LEN))
				return XMIP_PARSE_BAD_OPTION;
			if (o->n_mnp < XMIP_MH_MAX_MNP) {
				o->mnp[o->n_mnp].plen = d[1];
				memcpy(o->mnp[o->n_mnp].prefix.s6_addr, d + 2, 16);
			}
			o->n_mnp++;
			break;
		case XMIP_MOPT_AUTH:
			/* subtype + SPI, then the authentication data */
			if (olen < 5 || o->has_auth)
				return XMIP_PARSE_BAD_OPTION;
			o->has_auth = true;
			o->auth_subtype = d[0];
			o->auth_spi = rd32(d + 1);
			o->auth_data_len = olen - 5;
			memcpy(o->authenticator, d + 5,
			       o->auth_data_len < XMIP_AUTH_HMAC_SHA1_96_LEN ?
			       o->auth_data_len : XMIP_AUTH_HMAC_SHA1_96_LEN);
			o->auth_opt_off = pos;
			break;
		default:
			/* RFC 6275 §6.2.1: skip options we do not understand. */
			o->n_unknown++;
			break;
		}
		pos += 2 + (size_t)olen;
	}
	o->auth_is_last = o->has_auth && !non_pad_after_auth;
	return XMIP_PARSE_OK;
}

/* The shortest message of a type we handle (RFC 6275 §6.1.2, §6.1.7-§6.1.9); 0: not handled. */
static size_t min_len(uint8_t type)
{
	switch (type) {
	case XMIP_MH_BU:  return XMIP_MH_MIN_BU_LEN;
	case XMIP_MH_BA:  return XMIP_MH_MIN_BA_LEN;
	case XMIP_MH_BE:  return XMIP_MH_MIN_BE_LEN;
	case XMIP_MH_BRR: return XMIP_MH_MIN_BRR_LEN;
	}
	return 0;
}

enum xmip_parse_err xmip_mh_parse(const uint8_t *mh, size_t len, struct xmip_mh_msg *out)
{
	size_t mh_len, opt_off;

	memset(out, 0, sizeof(*out));
	if (len < 8)
		return XMIP_PARSE_TRUNCATED;
	mh_len = ((size_t)mh[1] + 1) * 8;
	if (mh_len > len)
		return XMIP_PARSE_BAD_MH_LEN;
	out->type = mh[2];
	/* RFC 6275 §9.2, in its order: type, Payload Proto, Header Len. */
	if (!min_len(out->type))
		return XMIP_PARSE_UNKNOWN_MH_TYPE;
	if (mh[0] != XMIP_IPPROTO_NONE)
		return XMIP_PARSE_BAD_PAYLOAD_PROTO;
	if (mh_len < min_len(out->type))
		return XMIP_PARSE_MH_TOO_SHORT;

	switch (out->type) {
	case XMIP_MH_BU:
		out->seq = rd16(mh + 6);
		out->bu_flags = rd16(mh + 8);
		out->lifetime_units = rd16(mh + 10);
		opt_off = 12;
		break;
	case XMIP_MH_BA:
		out->ba_status = mh[6];
		out->ba_flags = mh[7];
		out->seq = rd16(mh + 8);
		out->lifetime_units = rd16(mh + 10);
		opt_off = 12;
		break;
	case XMIP_MH_BE:
		out->be_status = mh[6];
		memcpy(out->be_hoa.s6_addr, mh + 8, 16);
		opt_off = 24;
		break;
	default:   /* XMIP_MH_BRR */
		opt_off = 8;
		break;
	}
	return parse_options(mh, opt_off, mh_len, &out->opts);
}

/* ------------------------------------------------------------ packet parse */

/* Walk the TLV options of a Hop-by-Hop or Destination Options header,
 * picking up the Home Address option. */
static enum xmip_parse_err parse_tlv_hdr(const uint8_t *buf, size_t off, size_t hlen,
					 bool allow_hao, struct xmip_pkt *out)
{
	size_t pos = off + 2, end = off + hlen;

	while (pos < end) {
		uint8_t type = buf[pos], olen;

		if (type == 0) {          /* Pad1 */
			pos++;
			continue;
		}
		if (end - pos < 2)
			return XMIP_PARSE_BAD_EXTHDR;
		olen = buf[pos + 1];
		if ((size_t)olen > end - pos - 2)
			return XMIP_PARSE_BAD_EXTHDR;
		if (type == XMIP_OPT_HOME_ADDRESS) {
			if (!allow_hao || out->has_hao || olen != XMIP_OPT_HOME_ADDRESS_LEN)
				return XMIP_PARSE_BAD_EXTHDR;
			out->has_hao = true;
			out->hao_off = pos;
			memcpy(out->hao.s6_addr, buf + pos + 2, 16);
		}
		pos += 2 + (size_t)olen;
	}
	return XMIP_PARSE_OK;
}

enum xmip_parse_err xmip_pkt_parse(const uint8_t *buf, size_t len, struct xmip_pkt *out)
{
	enum xmip_parse_err err;
	size_t off = IPV6_HDR_LEN, end, hlen;
	uint8_t nh;
	int n;

	memset(out, 0, sizeof(*out));
	if (len < IPV6_HDR_LEN)
		return XMIP_PARSE_TRUNCATED;
	if ((buf[0] >> 4) != 6)
		return XMIP_PARSE_NOT_IPV6;
	out->payload_len = rd16(buf + 4);
	nh = buf[6];
	out->hop_limit = buf[7];
	memcpy(out->src.s6_addr, buf + 8, 16);
	memcpy(out->dst.s6_addr, buf + 24, 16);
	end = IPV6_HDR_LEN + (size_t)out->payload_len;
	if (end > len)
		return XMIP_PARSE_TRUNCATED;

	for (n = 0; nh != XMIP_IPPROTO_MH; n++) {
		if (n >= MAX_EXT_HDRS)
			return XMIP_PARSE_NOT_MH;
		switch (nh) {
		case XMIP_IPPROTO_HOPOPTS:
		case XMIP_IPPROTO_DSTOPTS:
			if (nh == XMIP_IPPROTO_HOPOPTS && n != 0)
				return XMIP_PARSE_BAD_EXTHDR;
			if (end - off < 8)
				return XMIP_PARSE_TRUNCATED;
			hlen = ((size_t)buf[off + 1] + 1) * 8;
			if (hlen > end - off)
				return XMIP_PARSE_TRUNCATED;
			err = parse_tlv_hdr(buf, off, hlen, nh == XMIP_IPPROTO_DSTOPTS, out);
			if (err)
				return err;
			break;
		case XMIP_IPPROTO_ROUTING:
			if (end - off < 8)
				return XMIP_PARSE_TRUNCATED;
			hlen = ((size_t)buf[off + 1] + 1) * 8;
			if (hlen > end - off)
				return XMIP_PARSE_TRUNCATED;
			if (buf[off + 2] != XMIP_RH_TYPE2)
				return XMIP_PARSE_NOT_MH;
			if (out->has_rh2 || buf[off + 1] != XMIP_RH2_HDRLEN ||
			    buf[off + 3] > XMIP_RH2_SEGS_LEFT)
				return XMIP_PARSE_BAD_EXTHDR;
			out->has_rh2 = true;
			out->rh2_segs_left = buf[off + 3];
			memcpy(out->rh2_addr.s6_addr, buf + off + 8, 16);
			break;
		default:
			return XMIP_PARSE_NOT_MH;
		}
		nh = buf[off];
		off += hlen;
	}

	if (end - off < 8)
		return XMIP_PARSE_TRUNCATED;
	out->mh = buf + off;
	out->mh_off = off;
	out->mh_len = ((size_t)buf[off + 1] + 1) * 8;
	if (out->mh_len > end - off)
		return XMIP_PARSE_BAD_MH_LEN;     /* Header Len beyond the payload */

	/*
	 * RFC 6275 §9.2 first: a bad checksum is silently discarded, before
	 * anything is answered. With Payload Proto 59 nothing follows the MH,
	 * so the checksum covers the rest of the payload (as its sender
	 * computed it, whatever Header Len says); with another header after
	 * it (piggybacking), the MH alone.
	 */
	out->mh_src = out->has_hao ? out->hao : out->src;
	out->mh_dst = out->has_rh2 ? out->rh2_addr : out->dst;
	if (xmip_mh_checksum(&out->mh_src, &out->mh_dst, out->mh,
			     out->mh[0] == XMIP_IPPROTO_NONE ? end - off : out->mh_len) != 0)
		return XMIP_PARSE_BAD_CSUM;

	err = xmip_mh_parse(out->mh, out->mh_len, &out->msg);
	if (err)
		return err;
	/* Payload Proto 59: the MH is the last header and fills the payload. */
	if (out->mh_len != end - off)
		return XMIP_PARSE_BAD_MH_LEN;
	return XMIP_PARSE_OK;
}

/* ------------------------------------------------------------------- build */

/* A bounded writer: every put checks the room left; err sticks. */
struct writer {
	uint8_t *b;
	size_t cap, pos;
	bool err;
};

static uint8_t *w_take(struct writer *w, size_t n)
{
	uint8_t *p;

	if (w->err || n > w->cap - w->pos) {
		w->err = true;
		return NULL;
	}
	p = w->b + w->pos;
	memset(p, 0, n);
	w->pos += n;
	return p;
}

/* Pad so that the next option starts at x*n + y (RFC 6275 §6.2). */
static void w_align(struct writer *w, size_t x, size_t y)
{
	size_t n = (y + x - w->pos % x) % x;
	uint8_t *p;

	if (n == 0)
		return;
	p = w_take(w, n);
	if (!p)
		return;
	if (n == 1) {
		p[0] = XMIP_MOPT_PAD1;
	} else {
		p[0] = XMIP_MOPT_PADN;
		p[1] = (uint8_t)(n - 2);
	}
}

static void w_mh_start(struct writer *w, uint8_t type, size_t fixed)
{
	uint8_t *p = w_take(w, fixed);

	if (!p)
		return;
	p[0] = XMIP_IPPROTO_NONE;
	p[2] = type;
}

static void w_mesg_id(struct writer *w, uint64_t mesg_id)
{
	uint8_t *p;

	w_align(w, 8, 2);
	p = w_take(w, 10);
	if (!p)
		return;
	p[0] = XMIP_MOPT_MESG_ID;
	p[1] = 8;
	wr64(p + 2, mesg_id);
}

/* An RFC 5555 option: type, length 6, two octets, an IPv4 address; at 4n. */
static void w_v4opt(struct writer *w, uint8_t type, uint8_t b0, uint8_t b1,
		    const struct in_addr *a)
{
	uint8_t *p;

	w_align(w, 4, 0);
	p = w_take(w, 2 + XMIP_DSMIP_OPT_LEN);
	if (!p)
		return;
	p[0] = type;
	p[1] = XMIP_DSMIP_OPT_LEN;
	p[2] = b0;
	p[3] = b1;
	memcpy(p + 4, &a->s_addr, 4);
}

static size_t w_auth(struct writer *w, uint32_t spi)
{
	uint8_t *p;
	size_t off;

	/* 8n+5 satisfies the 4n+1 rule and ends the MH on 8n exactly. */
	w_align(w, 8, 5);
	off = w->pos;
	p = w_take(w, 2 + XMIP_AUTH_OPT_LEN);
	if (!p)
		return 0;
	p[0] = XMIP_MOPT_AUTH;
	p[1] = XMIP_AUTH_OPT_LEN;
	p[2] = XMIP_AUTH_SUBTYPE_MN_HA;
	wr32(p + 3, spi);
	return off;
}

static int w_mh_finish(struct writer *w)
{
	w_align(w, 8, 0);
	if (w->err || w->pos / 8 - 1 > 255)
		return -1;
	w->b[1] = (uint8_t)(w->pos / 8 - 1);
	return (int)w->pos;
}

int xmip_mh_build_bu(uint8_t *mh, size_t cap, const struct xmip_bu_fields *f,
		     struct xmip_mh_layout *lay)
{
	struct writer w = { .b = mh, .cap = cap };
	uint8_t *p;

	if (lay)
		lay->auth_opt_off = 0;
	if (f->nai && (f->nai_len < 1 || f->nai_len > XMIP_MH_NAI_MAX))
		return -1;
	w_mh_start(&w, XMIP_MH_BU, 12);
	if (w.err)
		return -1;
	wr16(mh + 6, f->seq);
	wr16(mh + 8, f->flags);
	wr16(mh + 10, f->lifetime_units);

	if (f->nai) {                       /* MN-ID: no alignment */
		p = w_take(&w, 3 + f->nai_len);
		if (p) {
			p[0] = XMIP_MOPT_MN_ID;
			p[1] = (uint8_t)(1 + f->nai_len);
			p[2] = XMIP_MNID_SUBTYPE_NAI;
			memcpy(p + 3, f->nai, f->nai_len);
		}
	}
	if (f->alt_coa) {                   /* Alternate CoA: 8n+6 */
		w_align(&w, 8, 6);
		p = w_take(&w, 18);
		if (p) {
			p[0] = XMIP_MOPT_ALT_COA;
			p[1] = 16;
			memcpy(p + 2, f->alt_coa->s6_addr, 16);
		}
	}
	if (f->n_mnp > XMIP_MH_MAX_MNP)
		return -1;
	for (size_t i = 0; i < f->n_mnp; i++) {   /* RFC 3963 §4.3: 8n+4 */
		w_align(&w, 8, 4);
		p = w_take(&w, 2 + XMIP_MNP_OPT_LEN);
		if (p) {
			p[0] = XMIP_MOPT_MOB_NET_PREFIX;
			p[1] = XMIP_MNP_OPT_LEN;
			p[3] = f->mnp[i].plen;
			memcpy(p + 4, f->mnp[i].prefix.s6_addr, 16);
		}
	}
	if (f->has_ipv4_hoa) {              /* RFC 5555 §3.1.1: 4n */
		if (f->ipv4_hoa_plen > 63)
			return -1;
		w_v4opt(&w, XMIP_MOPT_IPV4_HOA,
			(uint8_t)(f->ipv4_hoa_plen << 2 | (f->ipv4_hoa_p ? 2 : 0)), 0, &f->ipv4_hoa);
	}
	if (f->has_ipv4_coa)                /* §3.1.2: 4n */
		w_v4opt(&w, XMIP_MOPT_IPV4_COA, 0, 0, &f->ipv4_coa);
	if (f->has_mesg_id)
		w_mesg_id(&w, f->mesg_id);
	if (f->has_auth) {
		size_t off = w_auth(&w, f->spi);

		if (lay)
			lay->auth_opt_off = off;
	}
	return w_mh_finish(&w);
}

int xmip_mh_build_ba(uint8_t *mh, size_t cap, const struct xmip_ba_fields *f,
		     struct xmip_mh_layout *lay)
{
	struct writer w = { .b = mh, .cap = cap };
	uint8_t *p;

	if (lay)
		lay->auth_opt_off = 0;
	w_mh_start(&w, XMIP_MH_BA, 12);
	if (w.err)
		return -1;
	mh[6] = f->status;
	mh[7] = f->flags;
	wr16(mh + 8, f->seq);
	wr16(mh + 10, f->lifetime_units);

	if (f->has_mesg_id)
		w_mesg_id(&w, f->mesg_id);
	if (f->has_refresh) {               /* Binding Refresh Advice: 2n */
		w_align(&w, 2, 0);
		p = w_take(&w, 4);
		if (p) {
			p[0] = XMIP_MOPT_REFRESH_ADV;
			p[1] = 2;
			wr16(p + 2, f->refresh_units);
		}
	}
	if (f->has_ipv4_ack) {              /* RFC 5555 §3.2.1: 4n */
		if (f->ipv4_ack_plen > 63)
			return -1;
		w_v4opt(&w, XMIP_MOPT_IPV4_ACK, f->ipv4_ack_status,
			(uint8_t)(f->ipv4_ack_plen << 2), &f->ipv4_ack_hoa);
	}
	if (f->has_nat_detect) {            /* §3.2.2: 4n */
		struct in_addr r = { .s_addr = htonl(f->nat_refresh_s) };

		w_v4opt(&w, XMIP_MOPT_NAT_DETECT, f->nat_f ? XMIP_DSMIP_NAT_F : 0, 0, &r);
	}
	if (f->has_auth) {
		size_t off = w_auth(&w, f->spi);

		if (lay)
			lay->auth_opt_off = off;
	}
	return w_mh_finish(&w);
}

int xmip_mh_build_be(uint8_t *mh, size_t cap, uint8_t status, const struct in6_addr *hoa)
{
	struct writer w = { .b = mh, .cap = cap };

	w_mh_start(&w, XMIP_MH_BE, XMIP_MH_MIN_BE_LEN);
	if (w.err)
		return -1;
	mh[6] = status;
	if (hoa)
		memcpy(mh + 8, hoa->s6_addr, 16);
	return w_mh_finish(&w);
}

static void write_ipv6_hdr(uint8_t *p, uint16_t payload_len, uint8_t nh,
			   const struct in6_addr *src, const struct in6_addr *dst)
{
	memset(p, 0, IPV6_HDR_LEN);
	p[0] = 0x60;
	wr16(p + 4, payload_len);
	p[6] = nh;
	p[7] = XMIP_MH_HOP_LIMIT;
	memcpy(p + 8, src->s6_addr, 16);
	memcpy(p + 24, dst->s6_addr, 16);
}

/* Fill the authenticator (if any) then the checksum of a finished MH. */
static int seal_mh(uint8_t *mh, size_t mh_len, const struct xmip_mh_layout *lay,
		   const struct xmip_mn_ha_sa *sa,
		   const struct in6_addr *auth_coa, const struct in6_addr *auth_hoa,
		   const struct in6_addr *ck_src, const struct in6_addr *ck_dst)
{
	if (lay->auth_opt_off) {
		if (!sa || !sa->key || !sa->key_len)
			return -1;
		if (xmip_auth_fill(sa->key, sa->key_len, auth_coa, auth_hoa,
				   mh, mh_len, lay->auth_opt_off))
			return -1;
	}
	xmip_mh_set_checksum(ck_src, ck_dst, mh, mh_len);
	return 0;
}

int xmip_pkt_build_bu(uint8_t *buf, size_t cap,
		      const struct in6_addr *coa, const struct in6_addr *ha,
		      const struct in6_addr *hoa, const struct xmip_bu_fields *f,
		      const struct xmip_mn_ha_sa *sa)
{
	bool away = !xmip_addr_eq(coa, hoa);
	size_t off = IPV6_HDR_LEN + (away ? HAO_DSTOPT_LEN : 0);
	struct xmip_mh_layout lay;
	int mh_len;

	if (cap < off)
		return -1;
	mh_len = xmip_mh_build_bu(buf + off, cap - off, f, &lay);
	if (mh_len < 0)
		return -1;
	write_ipv6_hdr(buf, (uint16_t)(off - IPV6_HDR_LEN + (size_t)mh_len),
		       away ? XMIP_IPPROTO_DSTOPTS : XMIP_IPPROTO_MH, coa, ha);
	if (away) {
		uint8_t *d = buf + IPV6_HDR_LEN;

		memset(d, 0, HAO_DSTOPT_LEN);
		d[0] = XMIP_IPPROTO_MH;
		d[1] = HAO_DSTOPT_LEN / 8 - 1;
		d[2] = 1;                   /* PadN of 4: HAO lands at 8n+6 */
		d[3] = 2;
		d[6] = XMIP_OPT_HOME_ADDRESS;
		d[7] = XMIP_OPT_HOME_ADDRESS_LEN;
		memcpy(d + 8, hoa->s6_addr, 16);
	}
	/* Authenticated as coa | hoa | MH; checksummed as seen by the HA:
	 * source = home address (HAO), destination = HA. */
	if (seal_mh(buf + off, (size_t)mh_len, &lay, sa, coa, hoa, hoa, ha))
		return -1;
	return (int)(off + (size_t)mh_len);
}

int xmip_pkt_build_ba(uint8_t *buf, size_t cap,
		      const struct in6_addr *ha, const struct in6_addr *coa,
		      const struct in6_addr *hoa, const struct xmip_ba_fields *f,
		      const struct xmip_mn_ha_sa *sa)
{
	bool away = !xmip_addr_eq(coa, hoa);
	size_t off = IPV6_HDR_LEN + (away ? RH2_LEN : 0);
	struct xmip_mh_layout lay;
	int mh_len;

	if (cap < off)
		return -1;
	mh_len = xmip_mh_build_ba(buf + off, cap - off, f, &lay);
	if (mh_len < 0)
		return -1;
	write_ipv6_hdr(buf, (uint16_t)(off - IPV6_HDR_LEN + (size_t)mh_len),
		       away ? XMIP_IPPROTO_ROUTING : XMIP_IPPROTO_MH, ha, coa);
	if (away) {
		uint8_t *r = buf + IPV6_HDR_LEN;

		memset(r, 0, RH2_LEN);
		r[0] = XMIP_IPPROTO_MH;
		r[1] = XMIP_RH2_HDRLEN;
		r[2] = XMIP_RH_TYPE2;
		r[3] = XMIP_RH2_SEGS_LEFT;
		memcpy(r + 8, hoa->s6_addr, 16);
	}
	/* Checksum destination is the final one: the home address in RH2. */
	if (seal_mh(buf + off, (size_t)mh_len, &lay, sa, coa, hoa, ha, hoa))
		return -1;
	return (int)(off + (size_t)mh_len);
}

int xmip_pkt_build_be(uint8_t *buf, size_t cap,
		      const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t status, const struct in6_addr *hoa)
{
	int mh_len;

	if (cap < IPV6_HDR_LEN)
		return -1;
	mh_len = xmip_mh_build_be(buf + IPV6_HDR_LEN, cap - IPV6_HDR_LEN, status, hoa);
	if (mh_len < 0)
		return -1;
	write_ipv6_hdr(buf, (uint16_t)mh_len, XMIP_IPPROTO_MH, src, dst);
	xmip_mh_set_checksum(src, dst, buf + IPV6_HDR_LEN, (size_t)mh_len);
	return IPV6_HDR_LEN + mh_len;
}

int xmip_pkt_build_ba_to_hoa(uint8_t *buf, size_t cap, const struct in6_addr *ha,
			     const struct in6_addr *hoa, const struct in6_addr *auth_coa,
			     const struct xmip_ba_fields *f, const struct xmip_mn_ha_sa *sa)
{
	struct xmip_mh_layout lay;
	int mh_len;

	if (cap < IPV6_HDR_LEN)
		return -1;
	mh_len = xmip_mh_build_ba(buf + IPV6_HDR_LEN, cap - IPV6_HDR_LEN, f, &lay);
	if (mh_len < 0)
		return -1;
	write_ipv6_hdr(buf, (uint16_t)mh_len, XMIP_IPPROTO_MH, ha, hoa);
	if (seal_mh(buf + IPV6_HDR_LEN, (size_t)mh_len, &lay, sa, auth_coa, hoa, ha, hoa))
		return -1;
	return IPV6_HDR_LEN + mh_len;
}

int xmip_pkt_build_bu_from_hoa(uint8_t *buf, size_t cap, const struct in6_addr *hoa,
			       const struct in6_addr *ha, const struct in6_addr *auth_coa,
			       const struct xmip_bu_fields *f, const struct xmip_mn_ha_sa *sa)
{
	struct xmip_mh_layout lay;
	int mh_len;

	if (cap < IPV6_HDR_LEN)
		return -1;
	mh_len = xmip_mh_build_bu(buf + IPV6_HDR_LEN, cap - IPV6_HDR_LEN, f, &lay);
	if (mh_len < 0)
		return -1;
	write_ipv6_hdr(buf, (uint16_t)mh_len, XMIP_IPPROTO_MH, hoa, ha);
	if (seal_mh(buf + IPV6_HDR_LEN, (size_t)mh_len, &lay, sa, auth_coa, hoa, hoa, ha))
		return -1;
	return IPV6_HDR_LEN + mh_len;
}
