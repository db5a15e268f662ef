/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The datapath's IPv4 reports (XMIP_FAMILY_ICMP_REPORT records holding an
 * IPv4 packet; icmp_report.h has the ICMPv6 ones): a Fragmentation Needed
 * (type 3 code 4) that a router inside a Mobile IPv4 tunnel returned to the
 * HA about one of its tunnel packets (bpf/mip4/ha.h relays it when the
 * quote allows and reports it either way). The HA keeps the tunnel's MTU
 * as soft state (RFC 2003 §5, §5.1): the binding's path_mtu becomes the
 * path MTU to the tunnel end (outer packets), so the datapath answers a
 * later DF packet too big for it with a Fragmentation Needed of its own
 * (xmip_mip4_tunnel_mtu). The quote may be too short to name the inner
 * destination (§5: routers need quote only 8 octets past the outer
 * header): then every Mobile IPv4 binding through that tunnel end (and
 * UDP port) learns it. Learnt values age back (pmtu_age.h).
 */
#ifndef XMIP_ICMP4_REPORT_H
#define XMIP_ICMP4_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xmip_binding;
struct xmip_core;

/* Never learnt below this: Linux's route/min_pmtu default. A forged error
 * (it needs the tunnel end, and a home address when it quotes one) could
 * otherwise shrink every sender's packets to 68 octets; a path really
 * narrower still gets the routers' own errors relayed (RFC 2003 §4). */
#define XMIP_PMTU4_FLOOR 552

struct xmip_icmp4_report {
	uint32_t from, to;          /* network order: the router, the HA */
	uint16_t mtu;               /* the Next-Hop MTU (RFC 1191 §4); 0: not given */
	uint32_t tun_src, tun_dst;  /* network order: the quoted outer header */
	uint16_t quoted_len;        /* its Total Length */
	uint16_t port;              /* UDP 434 tunnel: the far end's port (host order); 0 */
	uint8_t  proto;             /* 4, 47 or 55 (the type-4 Next Header with UDP) */
	bool     has_hoa;
	uint32_t hoa;               /* network order: the inner (original) destination */
};

/*
 * Parse one report: an IPv4 packet of len octets holding an ICMP
 * Fragmentation Needed that quotes an IPv4 tunnel packet (4, 47, 55, or UDP
 * from 434 carrying a MIP Tunnel Data header). Never reads past len. 0, or
 * -EINVAL.
 */
int xmip_icmp4_report_parse(const uint8_t *buf, size_t len, struct xmip_icmp4_report *r);

/*
 * What r makes of Mobile IPv4 binding b of home address hoa (network
 * order) when the HA's tunnel address is self4: the new path_mtu, or 0
 * when b is not that tunnel's or already knows as little (the MTU only
 * goes down here; it goes up by aging).
 */
uint16_t xmip_icmp4_pmtu(const struct xmip_icmp4_report *r, uint32_t self4, uint32_t hoa,
			 const struct xmip_binding *b);

/* The HA's handling of a report record (the core's dispatch). */
void xmip_icmp4_report_handle(struct xmip_core *c, const uint8_t *pkt, size_t len);

#endif /* XMIP_ICMP4_REPORT_H */
