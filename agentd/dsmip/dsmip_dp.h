/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The seam between the DSMIPv6 control plane and the home agent's
 * datapath: the one call through which the agent hands a binding over.
 * Today it logs the encapsulation it would program (the datapath for
 * IPv4/UDP care-of addresses comes with the HA fast-path rewrite); the
 * struct it takes, struct xmip_dsmip_binding (include/xmip_dsmip.h), is
 * everything the datapath needs for both directions:
 *   to the MN: for a packet to hoa (IPv6) or ipv4_hoa (IPv4), outer
 *     source local_addr, destination observed_addr; encap UDP4/UDP6 adds
 *     UDP local_port -> observed_port (RFC 5555 §4.1; checksum 0 over
 *     IPv4, computed over IPv6), IPV4 is protocol 41 (IPv6 inner) or 4
 *     (IPv4 inner);
 *   from the MN: accept a tunnelled packet only from exactly
 *     observed_addr (and observed_port with UDP), with an inner source
 *     hoa or ipv4_hoa; anything else is dropped and counted (a NAT's new
 *     port is learnt only from an authenticated BU, never from data);
 *   until expires_ns (CLOCK_BOOTTIME).
 */
#ifndef XMIP_DSMIP_DP_H
#define XMIP_DSMIP_DP_H

#include "xmip_dsmip.h"

/* Program (b->encap != NONE) or withdraw (NONE, only b->hoa and ipv4_hoa meaningful) a binding. 0 or -1. */
int xmip_dsmip_dp_set(const struct xmip_dsmip_binding *b);

#endif /* XMIP_DSMIP_DP_H */
