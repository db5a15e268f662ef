/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The outer headers of a DSMIPv6 signalling packet as a datapath record
 * would hand it over (RFC 5555 §4.1: IPv4 or IPv6 | UDP | inner IPv6):
 * what the UDP socket tells through recvmsg() (source address and port,
 * destination) recovered from the bytes. Never reads past len.
 */
#ifndef XMIP_DSMIP_OUTER_H
#define XMIP_DSMIP_OUTER_H

#include <stddef.h>
#include <stdint.h>

#include "dsmip_policy.h"

enum xmip_dsmip_outer_err {
	XMIP_DSMIP_OUTER_OK = 0,
	XMIP_DSMIP_OUTER_TRUNCATED,   /* a header or a length field runs past len */
	XMIP_DSMIP_OUTER_BAD_IP,      /* version, IHL, total length, fragment, checksum */
	XMIP_DSMIP_OUTER_NOT_UDP,     /* not UDP (IPv6: not UDP right after the header) */
	XMIP_DSMIP_OUTER_BAD_UDP,     /* UDP length */
};

/*
 * Parse pkt[0..len): fill obs (peer, ports, local; ifindex left alone) and
 * point *inner at the UDP payload of *inner_len octets (inside pkt).
 */
enum xmip_dsmip_outer_err xmip_dsmip_parse_outer(const uint8_t *pkt, size_t len,
						 struct xmip_dsmip_obs *obs,
						 const uint8_t **inner, size_t *inner_len);

#endif /* XMIP_DSMIP_OUTER_H */
