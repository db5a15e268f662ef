// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ICMPv6 home agent discovery and mobile prefix messages (see dhaad.h). */
#include "dhaad.h"

#include <linux/types.h>
#include <string.h>

#include "csum.h"
#include "xmip_wire.h"

#define IP6_HDR   40
#define ICMP_HDR  8
#define HOP_LIMIT 64
#define PI_LEN    32    /* Prefix Information option, octets */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int xmip_ha_anycast(const struct in6_addr *prefix, unsigned int plen, struct in6_addr *out)
{
	static const uint8_t eui64_iid[8] = { 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80 };

	if (plen < 1 || plen > 121)
		return -1;
	*out = *prefix;
	if (plen == 64) {
		memcpy(out->s6_addr + 8, eui64_iid, 8);
	} else {
		for (unsigned bit = plen; bit < 121; bit++)
			out->s6_addr[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		out->s6_addr[15] &= 0x80;
	}
	out->s6_addr[15] |= XMIP_HA_ANYCAST_ID;
	return 0;
}

const char *xmip_icmp6_mip_strerror(enum xmip_icmp6_mip_err e)
{
	switch (e) {
	case XMIP_ICMP6_MIP_OK:         return "ok";
	case XMIP_ICMP6_MIP_TRUNCATED:  return "truncated";
	case XMIP_ICMP6_MIP_NOT_OURS:   return "not a Mobile IPv6 ICMPv6 message";
	case XMIP_ICMP6_MIP_BAD_CODE:   return "code not 0";
	case XMIP_ICMP6_MIP_BAD_LENGTH: return "address list not a multiple of 16 octets";
	case XMIP_ICMP6_MIP_BAD_OPTION: return "malformed ND option";
	}
	return "?";
}

/* RFC 4861 §4.6: every option's length non-zero and within the message;
 * Prefix Information options (length 4) kept, others skipped. */
static enum xmip_icmp6_mip_err parse_nd_opts(const uint8_t *p, size_t len,
					     struct xmip_icmp6_mip *out)
{
	size_t pos = 0;

	while (pos < len) {
		size_t olen;

		if (len - pos < 2 || p[pos + 1] == 0)
			return XMIP_ICMP6_MIP_BAD_OPTION;
		olen = (size_t)p[pos + 1] * 8;
		if (olen > len - pos)
			return XMIP_ICMP6_MIP_BAD_OPTION;
		if (p[pos] == XMIP_ND_OPT_PREFIX_INFO && olen == PI_LEN &&
		    out->n_prefixes < XMIP_MPA_MAX_PREFIXES) {
			struct xmip_mpa_prefix *x = &out->prefixes[out->n_prefixes++];
			const uint8_t *o = p + pos;

			x->plen = o[2];
			x->flags = o[3];
			x->valid_s = rd32(o + 4);
			x->preferred_s = rd32(o + 8);
			memcpy(x->prefix.s6_addr, o + 16, 16);
		}
		pos += olen;
	}
	return XMIP_ICMP6_MIP_OK;
}

enum xmip_icmp6_mip_err xmip_icmp6_mip_parse(const uint8_t *msg, size_t len,
					     struct xmip_icmp6_mip *out)
{
	memset(out, 0, sizeof(*out));
	if (len < ICMP_HDR)
		return XMIP_ICMP6_MIP_TRUNCATED;
	out->type = msg[0];
	if (msg[0] < XMIP_ICMP6_HAAD_REQUEST || msg[0] > XMIP_ICMP6_MPA)
		return XMIP_ICMP6_MIP_NOT_OURS;
	if (msg[1] != 0)
		return XMIP_ICMP6_MIP_BAD_CODE;
	out->id = rd16(msg + 4);
	out->r = (msg[0] == XMIP_ICMP6_HAAD_REQUEST || msg[0] == XMIP_ICMP6_HAAD_REPLY) &&
		 (msg[6] & XMIP_HAAD_F_R);
	switch (msg[0]) {
	case XMIP_ICMP6_HAAD_REPLY: {
		size_t n = (len - ICMP_HDR) / 16;

		/* §6.6: the count is in the remaining length. */
		if ((len - ICMP_HDR) % 16)
			return XMIP_ICMP6_MIP_BAD_LENGTH;
		if (n > XMIP_HAAD_MAX_ADDRS)
			n = XMIP_HAAD_MAX_ADDRS;
		for (size_t i = 0; i < n; i++)
			memcpy(out->addrs[i].s6_addr, msg + ICMP_HDR + 16 * i, 16);
		out->n_addrs = n;
		return XMIP_ICMP6_MIP_OK;
	}
	case XMIP_ICMP6_MPA:
		out->mpa_flags = msg[6] & (XMIP_MPA_F_M | XMIP_MPA_F_O);
		return parse_nd_opts(msg + ICMP_HDR, len - ICMP_HDR, out);
	case XMIP_ICMP6_MPS:
		/* §6.7: options unknown to us are ignored, but must be well formed. */
		return parse_nd_opts(msg + ICMP_HDR, len - ICMP_HDR, out);
	default:                 /* request: identifier and reserved only */
		return XMIP_ICMP6_MIP_OK;
	}
}

/* IPv6 header + ICMPv6 header; the body (body_len octets) is the caller's. */
static uint8_t *start(uint8_t *buf, size_t cap, const struct in6_addr *src,
		      const struct in6_addr *dst, uint8_t type, uint16_t id, size_t body_len)
{
	size_t plen = ICMP_HDR + body_len;

	if (cap < IP6_HDR + plen || plen > 0xffff)
		return NULL;
	memset(buf, 0, IP6_HDR + plen);
	buf[0] = 0x60;
	wr16(buf + 4, (uint16_t)plen);
	buf[6] = XMIP_IPPROTO_ICMPV6;
	buf[7] = HOP_LIMIT;
	memcpy(buf + 8, src->s6_addr, 16);
	memcpy(buf + 24, dst->s6_addr, 16);
	buf[IP6_HDR] = type;
	wr16(buf + IP6_HDR + 4, id);
	return buf + IP6_HDR;
}

static int seal(uint8_t *buf, const struct in6_addr *src, const struct in6_addr *dst,
		size_t body_len)
{
	uint8_t *icmp = buf + IP6_HDR;
	size_t len = ICMP_HDR + body_len;

	wr16(icmp + 2, 0);
	wr16(icmp + 2, xmip_csum_ip6(src, dst, XMIP_IPPROTO_ICMPV6, icmp, len));
	return (int)(IP6_HDR + len);
}

int xmip_haad_build_request(uint8_t *buf, size_t cap, const struct in6_addr *src,
			    const struct in6_addr *dst, uint16_t id, bool r)
{
	uint8_t *icmp = start(buf, cap, src, dst, XMIP_ICMP6_HAAD_REQUEST, id, 0);

	if (!icmp)
		return -1;
	icmp[6] = r ? XMIP_HAAD_F_R : 0;
	return seal(buf, src, dst, 0);
}

int xmip_haad_build_reply(uint8_t *buf, size_t cap, const struct in6_addr *src,
			  const struct in6_addr *dst, uint16_t id, bool r,
			  const struct in6_addr *addrs, size_t n)
{
	uint8_t *icmp;

	if (n > XMIP_HAAD_MAX_ADDRS)
		n = XMIP_HAAD_MAX_ADDRS;
	icmp = start(buf, cap, src, dst, XMIP_ICMP6_HAAD_REPLY, id, 16 * n);
	if (!icmp)
		return -1;
	icmp[6] = r ? XMIP_HAAD_F_R : 0;
	for (size_t i = 0; i < n; i++)
		memcpy(icmp + ICMP_HDR + 16 * i, addrs[i].s6_addr, 16);
	return seal(buf, src, dst, 16 * n);
}

int xmip_mps_build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		   const struct in6_addr *dst, uint16_t id)
{
	if (!start(buf, cap, src, dst, XMIP_ICMP6_MPS, id, 0))
		return -1;
	return seal(buf, src, dst, 0);
}

int xmip_mpa_build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		   const struct in6_addr *dst, uint16_t id,
		   const struct xmip_mpa_prefix *p, size_t n)
{
	uint8_t *icmp;

	if (n > XMIP_MPA_MAX_PREFIXES)
		return -1;
	icmp = start(buf, cap, src, dst, XMIP_ICMP6_MPA, id, PI_LEN * n);
	if (!icmp)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t *o = icmp + ICMP_HDR + PI_LEN * i;

		if (p[i].plen > 128)
			return -1;
		o[0] = XMIP_ND_OPT_PREFIX_INFO;
		o[1] = PI_LEN / 8;
		o[2] = p[i].plen;
		o[3] = p[i].flags;
		wr32(o + 4, p[i].valid_s);
		wr32(o + 8, p[i].preferred_s);
		memcpy(o + 16, p[i].prefix.s6_addr, 16);
	}
	return seal(buf, src, dst, PI_LEN * n);
}

/* Insertion sort (n is small): by preference, then by a per-reply random key. */
void xmip_haad_order(const int32_t *pref, size_t *idx, size_t n, uint32_t rnd)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		uint32_t kv = (uint32_t)(v * 2654435761u) ^ rnd;

		while (j > 0) {
			size_t u = idx[j - 1];
			uint32_t ku = (uint32_t)(u * 2654435761u) ^ rnd;

			if (pref[u] > pref[v] || (pref[u] == pref[v] && ku <= kv))
				break;
			idx[j] = u;
			j--;
		}
		idx[j] = v;
	}
}
