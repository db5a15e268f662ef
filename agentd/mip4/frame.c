// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Ethernet, IPv4 and UDP frames, built and parsed octet by octet within (buf, len) (ARP: core/arp.c). */
#include "mip4_l2.h"

#include <string.h>

#include "mip4_wire.h"

#define ETH_P_IPV4 0x0800
#define PROTO_UDP  17

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The UDP checksum over the pseudo-header and the datagram (RFC 768). */
static uint16_t udp_csum(const uint8_t src[4], const uint8_t dst[4], const uint8_t *udp,
			 size_t len)
{
	uint8_t ph[12];
	uint32_t sum;

	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = PROTO_UDP;
	wr16(ph + 10, (uint16_t)len);
	sum = xmip_mip4_csum_add(0, ph, sizeof(ph));
	return xmip_mip4_csum_fold(xmip_mip4_csum_add(sum, udp, len));
}

int xmip_mip4_frame_ip(const uint8_t *f, size_t len, bool verify_udp, struct xmip_mip4_ip *ip)
{
	const uint8_t *h = f + XMIP_MIP4_ETH_HLEN;
	size_t ihl, tot;

	memset(ip, 0, sizeof(*ip));
	if (len < XMIP_MIP4_ETH_HLEN + 20 || rd16(f + 12) != ETH_P_IPV4)
		return -1;
	ihl = (size_t)(h[0] & 0x0f) * 4;
	tot = rd16(h + 2);
	if ((h[0] >> 4) != 4 || ihl < 20 || tot < ihl || tot > len - XMIP_MIP4_ETH_HLEN)
		return -1;
	if (xmip_mip4_csum_fold(xmip_mip4_csum_add(0, h, ihl)) != 0)
		return -1;
	/* Fragments are not ours to reassemble (MF set, or an offset). */
	if (rd16(h + 6) & 0x3fff)
		return -1;
	ip->ttl = h[8];
	ip->proto = h[9];
	memcpy(ip->src, h + 12, 4);
	memcpy(ip->dst, h + 16, 4);
	ip->l4_off = XMIP_MIP4_ETH_HLEN + ihl;
	ip->l4_len = tot - ihl;
	ip->pl_off = ip->l4_off;
	ip->pl_len = ip->l4_len;
	if (ip->proto == PROTO_UDP) {
		const uint8_t *u = f + ip->l4_off;
		size_t ulen;

		if (ip->l4_len < 8)
			return -1;
		ulen = rd16(u + 4);
		if (ulen < 8 || ulen > ip->l4_len)
			return -1;
		if (verify_udp && rd16(u + 6) != 0 && udp_csum(ip->src, ip->dst, u, ulen) != 0)
			return -1;
		ip->sport = rd16(u);
		ip->dport = rd16(u + 2);
		ip->pl_off = ip->l4_off + 8;
		ip->pl_len = ulen - 8;
	}
	return 0;
}

int xmip_mip4_frame_build_ip(uint8_t *buf, size_t cap, const uint8_t dmac[6],
			     const uint8_t smac[6], const uint8_t src[4], const uint8_t dst[4],
			     uint8_t ttl, uint8_t proto, uint16_t sport, uint16_t dport,
			     uint16_t ip_id, const uint8_t *pl, size_t pl_len)
{
	size_t l4 = proto == PROTO_UDP ? 8 : 0;
	size_t tot = 20 + l4 + pl_len;
	uint8_t *h = buf + XMIP_MIP4_ETH_HLEN, *u = h + 20;

	if (tot > 1500 || cap < XMIP_MIP4_ETH_HLEN + tot)
		return -1;
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	wr16(buf + 12, ETH_P_IPV4);
	memset(h, 0, 20);
	h[0] = 0x45;
	wr16(h + 2, (uint16_t)tot);
	wr16(h + 4, ip_id);
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	wr16(h + 10, xmip_mip4_csum_fold(xmip_mip4_csum_add(0, h, 20)));
	memcpy(u + l4, pl, pl_len);
	if (proto == PROTO_UDP) {
		uint16_t c;

		wr16(u, sport);
		wr16(u + 2, dport);
		wr16(u + 4, (uint16_t)(8 + pl_len));
		wr16(u + 6, 0);
		c = udp_csum(src, dst, u, 8 + pl_len);
		wr16(u + 6, c ? c : 0xffff);   /* RFC 768: a computed 0 is sent as all ones */
	}
	return (int)(XMIP_MIP4_ETH_HLEN + tot);
}

void xmip_mip4_mcast_mac(const uint8_t group[4], uint8_t mac[6])
{
	mac[0] = 0x01;
	mac[1] = 0x00;
	mac[2] = 0x5e;
	mac[3] = group[1] & 0x7f;
	mac[4] = group[2];
	mac[5] = group[3];
}
