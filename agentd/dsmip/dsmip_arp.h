/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Proxy ARP and gratuitous ARP for bound IPv4 home addresses (RFC 5555
 * §4.5 leaves it to RFC 5944 §4.6): while a mobile node is away, the HA
 * answers ARP requests for its IPv4 home address on the home link with
 * its own MAC, so the link's routers send its packets to the HA, whose
 * datapath tunnels them. At registration the HA announces the address at
 * its own MAC (gratuitous ARP); at deregistration, if it has heard the
 * node's own MAC, it announces that one back. The frames and the
 * AF_PACKET socket are the core's (agentd/core/l2.h), shared with Mobile
 * IPv4's home agent.
 */
#ifndef XMIP_DSMIP_ARP_H
#define XMIP_DSMIP_ARP_H

#include <stdbool.h>
#include <stdint.h>

struct xmip_loop;

/* Open the ARP socket in loop. 0 or -errno (then nothing is proxied). */
int  xmip_dsmip_arp_start(struct xmip_loop *loop);
void xmip_dsmip_arp_stop(void);
/*
 * Proxy (on) or stop proxying ARP for the IPv4 home address hoa
 * (::ffff:a.b.c.d). on sends the gratuitous ARP only when the address was
 * not yet proxied on that link: a binding refresh announces nothing.
 */
void xmip_dsmip_arp_set(const uint8_t hoa[16], uint32_t ifindex_hint, bool on);

#endif /* XMIP_DSMIP_ARP_H */
