/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMPv6 errors (RFC 4443) the agent sends about a packet the datapath
 * handed it, such as the Parameter Problem RFC 6275 §9.2 asks for a
 * Mobility Header with a bad Payload Proto or Header Len: built whole
 * (IPv6 header, ICMPv6 header, as much of the offending packet as fits in
 * the IPv6 minimum MTU), sent through the core's raw socket, and
 * rate-limited per source and overall (RFC 4443 §2.4(f)).
 */
#ifndef XMIP_ICMP6ERR_H
#define XMIP_ICMP6ERR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srcrate.h"

#define XMIP_ICMP6_PARAM_PROB          4
#define XMIP_ICMP6_PARAM_PROB_HEADER   0   /* code 0: erroneous header field */
#define XMIP_ICMP6_ERR_HOP_LIMIT       64
/* Rates: per source (/64 or IPv4 address) and for all sources together. */
#define XMIP_ICMP6_ERR_SRC_PER_SEC     1
#define XMIP_ICMP6_ERR_SRC_BURST       3
#define XMIP_ICMP6_ERR_PER_SEC         10
#define XMIP_ICMP6_ERR_BURST           10

/*
 * An error of type/code with the 32-bit parameter param (the Pointer of a
 * Parameter Problem), from src to dst, quoting the offending packet inv
 * (from its IPv6 header) cut so that the whole error is at most 1280
 * octets (RFC 4443 §2.4(c)). Returns the packet length, or -1.
 */
int xmip_icmp6_build_error(uint8_t *buf, size_t cap, const struct in6_addr *src,
			   const struct in6_addr *dst, uint8_t type, uint8_t code, uint32_t param,
			   const uint8_t *inv, size_t inv_len);

/*
 * RFC 4443 §2.4(e): no error about a packet whose source is unspecified,
 * multicast or loopback, nor about one sent to a multicast address (the
 * exceptions, Packet Too Big and Parameter Problem code 2, are not ours).
 */
bool xmip_icmp6_error_allowed(const struct in6_addr *src, const struct in6_addr *dst);

struct xmip_icmp6err {
	struct xmip_srcrate per_src;
	struct xmip_gcra    all;
	uint64_t            sent, limited;
};

int  xmip_icmp6err_init(struct xmip_icmp6err *e);
void xmip_icmp6err_free(struct xmip_icmp6err *e);

/*
 * Answer inv (a whole IPv6 packet as received) with an error, through the
 * raw socket raw_fd, out of ifindex when the source is link-local.
 * 1 sent, 0 held back by a rate limit, -1 not allowed or not sent.
 */
int xmip_icmp6err_send(struct xmip_icmp6err *e, int raw_fd, uint32_t ifindex, uint8_t type,
		       uint8_t code, uint32_t param, const uint8_t *inv, size_t inv_len,
		       uint64_t now_ns);

#endif /* XMIP_ICMP6ERR_H */
