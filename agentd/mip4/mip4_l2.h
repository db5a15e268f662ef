/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet frames for what the kernel does not do for us: ARP (proxy and
 * gratuitous, RFC 5944 §4.6), Agent Advertisements and Solicitations with
 * their link-layer addresses (§2.1, §3.6.1.1), and the messages a foreign
 * agent and a mobile node exchange by link-layer address without routing
 * (§1.7: the node has no address there, or answers no ARP for its home
 * address). Pure builders and parsers (frame.c, (buf, len), unit-tested);
 * ARP frames and the AF_PACKET sockets are the core's (agentd/core/l2.h).
 */
#ifndef XMIP_MIP4_L2_H
#define XMIP_MIP4_L2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "l2.h"

#define XMIP_MIP4_ETH_HLEN   14
#define XMIP_MIP4_FRAME_MAX  1514

/* An IPv4 packet found in a frame (offsets from the frame's first octet). */
struct xmip_mip4_ip {
	uint8_t  src[4], dst[4];
	uint8_t  ttl, proto;
	size_t   l4_off, l4_len;        /* after the IP header, up to the IP total length */
	uint16_t sport, dport;          /* UDP */
	size_t   pl_off, pl_len;        /* UDP payload, or the ICMP message */
};

/*
 * Parse an Ethernet frame holding an unfragmented IPv4 packet (header
 * checksum, lengths); for UDP the ports and payload, with the checksum
 * verified when verify_udp (a zero checksum is accepted, §3.1). 0 or -1.
 */
int  xmip_mip4_frame_ip(const uint8_t *f, size_t len, bool verify_udp, struct xmip_mip4_ip *ip);

/* Ethernet + IPv4 (+ UDP with checksum when proto is 17) around payload. Length or -1. */
int  xmip_mip4_frame_build_ip(uint8_t *buf, size_t cap, const uint8_t dmac[6],
			      const uint8_t smac[6], const uint8_t src[4], const uint8_t dst[4],
			      uint8_t ttl, uint8_t proto, uint16_t sport, uint16_t dport,
			      uint16_t ip_id, const uint8_t *pl, size_t pl_len);

/* The Ethernet multicast address of an IPv4 multicast group (RFC 1112 §6.4). */
void xmip_mip4_mcast_mac(const uint8_t group[4], uint8_t mac[6]);

/* ARP frames and AF_PACKET sockets: agentd/core/l2.h (shared with DSMIPv6). */

#endif /* XMIP_MIP4_L2_H */
