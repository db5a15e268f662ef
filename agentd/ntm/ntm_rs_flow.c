// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * An RS-N flow's first packet, in the agent (ntm_rs.h): parse the tunnel
 * data datagram the datapath passed up, and translate its inner packet for
 * the General Node the way the datapath does for the packets after it
 * (but with checksums summed whole: one packet per flow).
 */
#include "ntm_rs.h"

#include <stdbool.h>
#include <string.h>

#include "xmip_ntm.h"

/* RFC 1071 sum of len octets as big-endian 16-bit words (odd tail padded with 0). */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Does the inner packet's checksum (IPv4 header, then TCP/UDP/ICMP) verify? The
 * translation below recomputes them whole, so a packet damaged on the way must be
 * refused here, not given a right checksum (the datapath's incremental updates keep
 * a wrong one wrong). IPv4 UDP without a checksum (0) is accepted, RFC 768. */
static bool csum_ok(const uint8_t *ip, const struct xmip_ntm_rs_inner *in, size_t hl)
{
	const uint8_t *l4 = ip + hl;
	size_t l4len = in->len - hl;
	uint8_t ph[40];
	uint32_t sum = 0;

	if (!in->v6 && fold(sum16(ip, hl, 0)) != 0xffff)
		return false;
	if (in->proto == 17 && !in->v6 && !rd16(l4 + 6))
		return true;
	if (in->proto != 1) {
		if (in->v6) {
			memcpy(ph, in->src, 16);
			memcpy(ph + 16, in->dst, 16);
			ph[32] = (uint8_t)(l4len >> 24);
			ph[33] = (uint8_t)(l4len >> 16);
			ph[34] = (uint8_t)(l4len >> 8);
			ph[35] = (uint8_t)l4len;
			ph[36] = ph[37] = ph[38] = 0;
			ph[39] = in->proto;
			sum = sum16(ph, 40, 0);
		} else {
			memcpy(ph, in->src + 12, 4);
			memcpy(ph + 4, in->dst + 12, 4);
			ph[8] = 0;
			ph[9] = in->proto;
			wr16(ph + 10, (uint16_t)l4len);
			sum = sum16(ph, 12, 0);
		}
	}
	return fold(sum16(l4, l4len, sum)) == 0xffff;
}

int xmip_ntm_rs_inner_parse(const uint8_t *buf, size_t len, struct xmip_ntm_rs_inner *in)
{
	const uint8_t *ip, *l4;
	size_t ilen, hl, l4len;

	memset(in, 0, sizeof(*in));
	if (len < XMIP_NTM_TUNHDR_LEN + 20 || buf[0] != XMIP_NTM_V_DATA || buf[2] || buf[3])
		return -1;
	in->path_id = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 | (uint32_t)buf[6] << 8 | buf[7];
	ip = buf + XMIP_NTM_TUNHDR_LEN;
	ilen = len - XMIP_NTM_TUNHDR_LEN;
	in->off = XMIP_NTM_TUNHDR_LEN;
	if (buf[1] == 4 && ip[0] >> 4 == 4) {
		size_t tot = rd16(ip + 2);

		hl = (size_t)(ip[0] & 0x0f) * 4;
		if (hl != 20 || tot < hl || tot > ilen || (rd16(ip + 6) & 0x3fff))
			return -1;
		in->proto = ip[9];
		memcpy(in->src, v4mapped, 12);
		memcpy(in->src + 12, ip + 12, 4);
		memcpy(in->dst, v4mapped, 12);
		memcpy(in->dst + 12, ip + 16, 4);
		in->len = tot;
	} else if (buf[1] == 41 && ip[0] >> 4 == 6) {
		if (ilen < 40 || (size_t)rd16(ip + 4) + 40 > ilen)
			return -1;
		hl = 40;
		in->v6 = 1;
		in->proto = ip[6];
		memcpy(in->src, ip + 8, 16);
		memcpy(in->dst, ip + 24, 16);
		in->len = (size_t)rd16(ip + 4) + 40;
	} else {
		return -1;
	}
	l4 = ip + hl;
	l4len = in->len - hl;
	switch (in->proto) {
	case 6:
		if (l4len < 20)
			return -1;
		break;
	case 17:
		if (l4len < 8)
			return -1;
		break;
	case 1:
	case 58:
		if (l4len < 8 || (in->proto == 1) == in->v6 || l4[0] != (in->v6 ? 128 : 8) || l4[1])
			return -1;
		in->sport = in->dport = rd16(l4 + 4);
		return csum_ok(ip, in, hl) ? 0 : -1;
	default:
		return -1;
	}
	in->sport = rd16(l4);
	in->dport = rd16(l4 + 2);
	return csum_ok(ip, in, hl) ? 0 : -1;
}

int xmip_ntm_rs_inner_nat(uint8_t *pkt, size_t len, const struct xmip_ntm_rs_inner *in,
			  const uint8_t src[16], uint16_t sport, const uint8_t dst[16])
{
	size_t hl = in->v6 ? 40 : 20, l4len;
	uint8_t *l4 = pkt + hl;
	uint8_t ph[40];
	size_t phlen;
	uint32_t sum;
	size_t coff;

	if (len < in->len || in->len < hl + 8)
		return -1;
	l4len = in->len - hl;
	if (in->v6) {
		if (pkt[7] <= 1)
			return -1;
		pkt[7]--;
		memcpy(pkt + 8, src, 16);
		memcpy(pkt + 24, dst, 16);
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		ph[32] = (uint8_t)(l4len >> 24);
		ph[33] = (uint8_t)(l4len >> 16);
		ph[34] = (uint8_t)(l4len >> 8);
		ph[35] = (uint8_t)l4len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = in->proto;
		phlen = 40;
	} else {
		if (pkt[8] <= 1)
			return -1;
		pkt[8]--;
		memcpy(pkt + 12, src + 12, 4);
		memcpy(pkt + 16, dst + 12, 4);
		pkt[10] = pkt[11] = 0;
		wr16(pkt + 10, (uint16_t)~fold(sum16(pkt, 20, 0)));
		memcpy(ph, src + 12, 4);
		memcpy(ph + 4, dst + 12, 4);
		ph[8] = 0;
		ph[9] = in->proto;
		wr16(ph + 10, (uint16_t)l4len);
		phlen = 12;
	}
	switch (in->proto) {
	case 6:  coff = 16; wr16(l4, sport); break;
	case 17: coff = 6;  wr16(l4, sport); break;
	default: coff = 2;  wr16(l4 + 4, sport); break;
	}
	if (in->proto == 17 && !in->v6 && !rd16(l4 + 6))
		return 0;              /* IPv4 UDP without a checksum stays without */
	l4[coff] = l4[coff + 1] = 0;
	sum = in->proto == 1 ? 0 : sum16(ph, phlen, 0);
	sum = sum16(l4, l4len, sum);
	{
		uint16_t c = (uint16_t)~fold(sum);

		if (!c && in->proto == 17)
			c = 0xffff;
		wr16(l4 + coff, c);
	}
	return 0;
}
