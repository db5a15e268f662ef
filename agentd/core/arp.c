// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ARP frames (l2.h), built and parsed octet by octet within (buf, len). */
#include "l2.h"

#include <string.h>

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP_ 0x0806

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int xmip_arp_parse(const uint8_t *f, size_t len, struct xmip_arp *a)
{
	const uint8_t *p = f + XMIP_L2_ETH_HLEN;

	memset(a, 0, sizeof(*a));
	if (len < XMIP_L2_ETH_HLEN + XMIP_ARP_LEN || rd16(f + 12) != ETH_P_ARP_)
		return -1;
	/* Ethernet (1), IPv4, 6- and 4-octet addresses. */
	if (rd16(p) != 1 || rd16(p + 2) != ETH_P_IPV4 || p[4] != 6 || p[5] != 4)
		return -1;
	a->op = rd16(p + 6);
	memcpy(a->sha, p + 8, 6);
	memcpy(a->spa, p + 14, 4);
	memcpy(a->tha, p + 18, 6);
	memcpy(a->tpa, p + 24, 4);
	return 0;
}

int xmip_arp_build(uint8_t *buf, size_t cap, const uint8_t dmac[6],
			      const uint8_t smac[6], const struct xmip_arp *a)
{
	uint8_t *p = buf + XMIP_L2_ETH_HLEN;

	/* Padded to the Ethernet minimum (60 octets without the FCS). */
	if (cap < 60)
		return -1;
	memset(buf, 0, 60);
	memcpy(buf, dmac, 6);
	memcpy(buf + 6, smac, 6);
	wr16(buf + 12, ETH_P_ARP_);
	wr16(p, 1);
	wr16(p + 2, ETH_P_IPV4);
	p[4] = 6;
	p[5] = 4;
	wr16(p + 6, a->op);
	memcpy(p + 8, a->sha, 6);
	memcpy(p + 14, a->spa, 4);
	memcpy(p + 18, a->tha, 6);
	memcpy(p + 24, a->tpa, 4);
	return 60;
}

int xmip_arp_garp(uint8_t *buf, size_t cap, const uint8_t eth_src[6], const uint8_t mac[6],
			 const uint8_t addr[4])
{
	/* §4.6: sender and target protocol address both addr; a request, broadcast. */
	struct xmip_arp a = { .op = 1 };

	memcpy(a.sha, mac, 6);
	memcpy(a.spa, addr, 4);
	memcpy(a.tpa, addr, 4);
	return xmip_arp_build(buf, cap, bcast_mac, eth_src, &a);
}
