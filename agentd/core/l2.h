/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet-level I/O the kernel does not do for the families: AF_PACKET
 * sockets with classic BPF filters (l2.c) and ARP frames, parsed and built
 * within (buf, len) (arp.c). Mobile IPv4 (proxy and gratuitous ARP, agent
 * advertisements, RFC 5944) and DSMIPv6 (proxy ARP for IPv4 home
 * addresses, RFC 5555 with RFC 5944 §4.6) share them.
 */
#ifndef XMIP_CORE_L2_H
#define XMIP_CORE_L2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define XMIP_L2_ETH_HLEN 14
#define XMIP_ARP_LEN     28

struct xmip_arp {
	uint16_t op;                    /* 1 request, 2 reply */
	uint8_t  sha[6], spa[4], tha[6], tpa[4];
};
/* An Ethernet/IPv4 ARP packet. 0 or -1. */
int  xmip_arp_parse(const uint8_t *f, size_t len, struct xmip_arp *a);
/* An ARP frame, padded to 60 octets. Length or -1. */
int  xmip_arp_build(uint8_t *buf, size_t cap, const uint8_t dmac[6], const uint8_t smac[6],
		    const struct xmip_arp *a);
/*
 * RFC 5944 §4.6: a gratuitous ARP (request, broadcast) saying addr is at
 * mac, sent by the interface whose MAC is eth_src (a home agent announces
 * the node's MAC back home from its own: a frame never carries another's
 * source address, which would move it in the bridges' tables).
 */
int  xmip_arp_garp(uint8_t *buf, size_t cap, const uint8_t eth_src[6], const uint8_t mac[6],
		   const uint8_t addr[4]);

/*
 * A non-blocking packet socket on every interface: ARP frames when arp,
 * else IPv4 frames that are UDP to port udp_dport (0: none) or ICMP of
 * type icmp_type (-1: none), unfragmented, filtered in the kernel before
 * a frame is queued. -errno on failure.
 */
int  xmip_l2_open(bool arp, uint16_t udp_dport, int icmp_type);

struct xmip_l2_meta {
	uint32_t ifindex;
	uint8_t  pkttype;               /* PACKET_HOST, _BROADCAST, _MULTICAST, _OUTGOING... */
	bool     csum_unverified;       /* a local sender left the checksum to offload (skip it) */
};
/* One frame (0: none pending), never more than cap octets. */
ssize_t xmip_l2_recv(int fd, uint8_t *buf, size_t cap, struct xmip_l2_meta *m);
/* Send a whole frame out of ifindex. 0 or -errno. */
int  xmip_l2_send(int fd, uint32_t ifindex, const uint8_t *frame, size_t len);
/* The interface's MAC address; 0 or -errno. */
int  xmip_l2_if_mac(uint32_t ifindex, uint8_t mac[6]);

#endif /* XMIP_CORE_L2_H */
