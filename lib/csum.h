/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Internet checksum (RFC 1071) of an upper-layer message over IPv6
 * (RFC 8200 §8.1 pseudo-header: source, destination, 32-bit upper-layer
 * length, next header): the one implementation userspace has, for the
 * Mobility Header, ICMPv6 errors and Neighbour Discovery alike.
 */
#ifndef XMIP_CSUM_H
#define XMIP_CSUM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Checksum of data[0..len) behind the pseudo-header (src, dst, len,
 * next_header). The message's checksum field is included as it is: 0 on a
 * valid message when verifying; set it to 0 before computing one to store.
 */
uint16_t xmip_csum_ip6(const struct in6_addr *src, const struct in6_addr *dst,
		       uint8_t next_header, const uint8_t *data, size_t len);

/* The checksum of data[0..len) alone (an IPv4 header: 0 when valid). */
uint16_t xmip_csum(const uint8_t *data, size_t len);

#endif /* XMIP_CSUM_H */
