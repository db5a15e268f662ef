/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet frames for what the kernel does not do for us: ARP (proxy and
 * gratuitous, RFC 5944 §4.6), Agent Advertisements and Solicitations with
 * their link-layer addresses (§2.1, §3.6.1.1), and the messages a foreign
 * agent and a mobile node exchange by link-layer address without routing
 * (§1.7: the node has no address there, or answers no ARP for its home
 * address). Pure builders and parsers (frame.c, (buf, len), unit-tested)
 * and AF_PACKET sockets with classic BPF filters (l2.c).
 */
#ifndef XMIP_MIP4_L2_H
#define XMIP_MIP4_L2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XMIP_MIP4_ETH_HLEN   14
#define XMIP_MIP4_ARP_LEN    28
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

struct xmip_mip4_arp {
	uint16_t op;                    /* 1 request, 2 reply */
	uint8_t  sha[6], spa[4], tha[6], tpa[4];
};
/* An Ethernet/IPv4 ARP packet. 0 or -1. */
int  xmip_mip4_frame_arp(const uint8_t *f, size_t len, struct xmip_mip4_arp *a);
int  xmip_mip4_frame_build_arp(uint8_t *buf, size_t cap, const uint8_t dmac[6],
			       const uint8_t smac[6], const struct xmip_mip4_arp *a);
/*
 * §4.6: a gratuitous ARP (request, broadcast) saying addr is at mac, sent
 * by the interface whose MAC is eth_src (the home agent announces the
 * node's MAC back home from its own: a frame never carries another's
 * source address, which would move it in the bridges' tables).
 */
int  xmip_mip4_frame_garp(uint8_t *buf, size_t cap, const uint8_t eth_src[6], const uint8_t mac[6],
			  const uint8_t addr[4]);

/* The Ethernet multicast address of an IPv4 multicast group (RFC 1112 §6.4). */
void xmip_mip4_mcast_mac(const uint8_t group[4], uint8_t mac[6]);

/* ---- AF_PACKET sockets (l2.c) ---- */

/*
 * A non-blocking packet socket on every interface: ARP frames when arp,
 * else IPv4 frames that are UDP to port udp_dport (0: none) or ICMP of
 * type icmp_type (-1: none), unfragmented, filtered in the kernel before
 * a frame is queued. -errno on failure.
 */
int  xmip_mip4_pkt_open(bool arp, uint16_t udp_dport, int icmp_type);

struct xmip_mip4_pkt_meta {
	uint32_t ifindex;
	uint8_t  pkttype;               /* PACKET_HOST, _BROADCAST, _MULTICAST, _OUTGOING... */
	bool     csum_unverified;       /* a local sender left the checksum to offload (skip it) */
};
/* One frame (0: none pending), never more than cap octets. */
ssize_t xmip_mip4_pkt_recv(int fd, uint8_t *buf, size_t cap, struct xmip_mip4_pkt_meta *m);
/* Send a whole frame out of ifindex. 0 or -errno. */
int  xmip_mip4_pkt_send(int fd, uint32_t ifindex, const uint8_t *frame, size_t len);

/* The interface's MAC address and name; 0 or -errno. */
int  xmip_mip4_if_mac(uint32_t ifindex, uint8_t mac[6]);

#endif /* XMIP_MIP4_L2_H */
