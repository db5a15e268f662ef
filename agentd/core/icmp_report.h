/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The datapath's reports (ring-buffer records of XMIP_FAMILY_ICMP_REPORT):
 * ICMPv6 errors that a router between a tunnel's ends returned about one
 * of our tunnel packets (RFC 2473 §8). An IPv4 record (a Fragmentation
 * Needed from inside a Mobile IPv4 tunnel) goes to icmp4_report.h.
 *  - HA: Packet Too Big lowers the binding's path MTU (never below 1280
 *    inside the tunnel), so the next too-big inner packet gets a Packet Too
 *    Big with the right value (RFC 2473 §7.1); Destination Unreachable and
 *    Time Exceeded are relayed to the inner packet's source as Destination
 *    Unreachable code 3, address unreachable (RFC 2473 §8.2).
 *  - MN: Packet Too Big lowers the MTU of the home address's route (the
 *    family's tunnel_mtu operation).
 * A report is believed only if it quotes a tunnel packet of a live
 * binding (HA: from the HA to that binding's CoA, for its home address;
 * MN: from the CoA to the HA); relays are rate-limited.
 */
#ifndef XMIP_ICMP_REPORT_H
#define XMIP_ICMP_REPORT_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct xmip_core;

struct xmip_icmp_report {
	struct in6_addr from;       /* who sent the error (a router on the path) */
	struct in6_addr to;         /* its destination: the tunnel's entry point */
	uint8_t         type, code;
	uint32_t        info;       /* Packet Too Big: the MTU */
	struct in6_addr tun_src, tun_dst;   /* the quoted tunnel header */
	const uint8_t  *inner;      /* the quoted inner packet, from its IPv6 header */
	size_t          inner_len;  /* octets of it in the report */
	struct in6_addr in_src, in_dst;     /* its addresses */
	uint8_t         in_nh;      /* its next header */
	uint8_t         in_icmp_type;  /* ICMPv6 type when in_nh is 58 and quoted, else 0 */
};

/*
 * Parse one report (an IPv6 packet of len octets: header, ICMPv6 error,
 * quoted tunnel header, quoted inner IPv6 header...). Never reads past
 * len. 0, or -EINVAL.
 */
int xmip_icmp_report_parse(const uint8_t *buf, size_t len, struct xmip_icmp_report *r);

/*
 * Build the relay of r (Destination Unreachable code 3 from `self` to the
 * inner source, quoting the inner packet) into out (cap octets). Its
 * length, or -1 when r must not be relayed (an error about an error, a
 * source that takes none).
 */
int xmip_icmp_relay_build(const struct xmip_icmp_report *r, const struct in6_addr *self,
			  uint8_t *out, size_t cap);

/* A report record from the ring buffer (the core's dispatch). */
void xmip_icmp_report_handle(struct xmip_core *c, uint32_t ifindex, const uint8_t *pkt,
			     size_t len);

#endif /* XMIP_ICMP_REPORT_H */
