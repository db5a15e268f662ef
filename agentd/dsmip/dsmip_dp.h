/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The seam between the DSMIPv6 control plane and the home agent's
 * datapath: the one call through which the agent hands a binding over.
 * It writes one binding record (and so the fast-path slot) per home
 * address through the core's maps (dsmip_dp.c), and proxies ARP for an
 * IPv4 home address (dsmip_arp.c); the struct it takes, struct xmip_dsmip_binding (include/xmip_dsmip.h), is
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
#include "xmip_maps.h"

struct xmip_agent_maps;

/* Where the records go (the core's maps); before it, dp_set only logs. */
void xmip_dsmip_dp_init(const struct xmip_agent_maps *maps);

/*
 * The xmip_bindings record of b's home addresses: encap XMIP_ENCAP_IP4 or
 * _UDP4, coa the tunnel's far end (with the port, XMIP_FW_UDP_PORT_OFF).
 * 0, or -1 when the datapath does not carry b's encapsulation (udp6, none).
 */
int xmip_dsmip_dp_record(const struct xmip_dsmip_binding *b, struct xmip_binding *r);

/* Remove old's IPv4 home address from the datapath and stop proxying ARP for it. */
void xmip_dsmip_dp_drop_v4(const struct xmip_dsmip_binding *old);

/* Program (b->encap != NONE) or withdraw (NONE, only b->hoa and ipv4_hoa meaningful) a binding. 0 or -1. */
int xmip_dsmip_dp_set(const struct xmip_dsmip_binding *b);

#endif /* XMIP_DSMIP_DP_H */
