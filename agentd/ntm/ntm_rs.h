/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTMobile Relay Server's agent (role rs, docs/ntmobile.md sections 6.6,
 * 6.8, 9, 14): takes Relay Direction Requests from its DCs (K_rs: MAC,
 * timestamp window and floor: a forged or replayed one changes nothing),
 * Tunnel Requests and Keep Alives from the nodes (K_path: MAC, window,
 * sequence window), and writes the relay table the XDP datapath reads
 * (include/xmip_ntm_relay.h): both legs of an RS-S path; the tunnel leg
 * of an RS-N path, then per inner flow a forward and a reverse entry with
 * a port of the pool, made when the flow's first packet reaches the
 * agent's socket (the datapath passes it), which the agent translates and
 * sends itself. Paths without traffic or Keep Alive for `idle` seconds,
 * or past their lifetime, are swept.
 *
 * The inner-packet parser (untrusted input, fuzzed by fuzz_ntm_rs_inner)
 * and the translation of a flow's first packet are ntm_rs_flow.c.
 */
#ifndef XMIP_NTM_RS_H
#define XMIP_NTM_RS_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"

/* What the relay needs of a tunnel data packet's inner flow. */
struct xmip_ntm_rs_inner {
	uint8_t  v6;           /* inner IPv6 */
	uint8_t  proto;        /* 6, 17, 1 (echo request), 58 (echo request) */
	uint8_t  src[16];      /* 16 octets, IPv4 as ::ffff:a.b.c.d */
	uint8_t  dst[16];
	uint16_t sport;        /* host order; ICMP: echo identifier */
	uint16_t dport;        /* host order; ICMP: echo identifier */
	uint32_t path_id;      /* from the tunnel header */
	size_t   off;          /* the inner packet's offset in the datagram */
	size_t   len;          /* its length (from its own header) */
};

/*
 * Parse a tunnel data datagram (UDP payload: 0x11 header + inner packet),
 * reading only buf[0..len). 0 and *in filled, or -1: not a tunnel packet,
 * a fragment, IPv6 extension headers, a protocol the relay does not
 * translate, a length that lies, or a checksum (IPv4 header, TCP, UDP
 * but IPv4's 0, ICMP) that does not verify: the translation recomputes
 * them, so it must not turn a damaged packet into a right one.
 */
int xmip_ntm_rs_inner_parse(const uint8_t *buf, size_t len, struct xmip_ntm_rs_inner *in);

/*
 * Rewrite the inner packet at pkt (len octets, as parsed) for the GN: source
 * src:sport (the RS's address and pool port; ICMP: the identifier),
 * destination dst; TTL/hop limit down by one; every checksum recomputed.
 * 0 or -1 (TTL exhausted).
 */
int xmip_ntm_rs_inner_nat(uint8_t *pkt, size_t len, const struct xmip_ntm_rs_inner *in,
			  const uint8_t src[16], uint16_t sport, const uint8_t dst[16]);

/*
 * The relay's reports (ntm_rs_obs.c), called where a path's element of
 * xmip_rs_paths is written (now: the new element) or removed (now NULL),
 * before the map changes: relay-path-created when its entries become
 * complete, relay-path-removed when a complete one goes, and the
 * xmip_relay_paths gauge. a: side A's leg; b: side B's (RS-S) or NULL; gn:
 * the General Node's address (RS-N). _count sets the gauge from the map
 * (at start: a table adopted from an agent before).
 */
struct xmip_ntm_rs_path;
struct xmip_ntm_ep;
struct xmip_ntm_vaddrs;
void xmip_ntm_rs_observe(int paths_fd, uint32_t id, const struct xmip_ntm_rs_path *now,
			 const struct xmip_ntm_ep *a, const struct xmip_ntm_ep *b,
			 const struct xmip_ntm_vaddrs *gn);
void xmip_ntm_rs_observe_count(int paths_fd);

struct ntm_rs;

struct ntm_rs *xmip_ntm_rs_new(struct xmip_family *f);
void xmip_ntm_rs_timer(struct ntm_rs *r, struct xmip_family_timer *t);
void xmip_ntm_rs_free(struct ntm_rs *r);

#endif /* XMIP_NTM_RS_H */
