/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The Internet checksum (RFC 1071) of an IPv6 upper-layer message with its pseudo-header. */
#ifndef XMIP_CSUM_H
#define XMIP_CSUM_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The checksum field's value for buf (len octets, its own checksum field
 * zero) sent from src to dst with next header nh (RFC 8200 §8.1); over a
 * message with a correct checksum in place it yields 0.
 */
uint16_t xmip_ip6_upper_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
			     const uint8_t *buf, size_t len);

#endif /* XMIP_CSUM_H */
