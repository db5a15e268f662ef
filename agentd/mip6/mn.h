/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * MIPv6 mobile node: movement detection from the kernel's addresses and
 * links, home registration (BU with back-off, refresh before expiry),
 * deregistration when back home, and the xmip_mn_state the datapath reads
 * (CoA, AWAY).
 */
#ifndef XMIP_MN_H
#define XMIP_MN_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"
#include "mh.h"

struct xmip_mn;

/* Set up for the family f (address monitor). NULL on error (logged). */
struct xmip_mn *xmip_mn_new(struct xmip_family *f);
/* Restart: take over the previous agent's tunnel rule; first look at the addresses. */
int  xmip_mn_adopt(struct xmip_mn *mn);
/* One Mobility Header packet from the datapath, parsed (BA, BE, BRR...). */
void xmip_mn_signal(struct xmip_mn *mn, const struct xmip_pkt *p);
/* One of the MN's timers (re-evaluation, retransmission, refresh) is due. */
void xmip_mn_timer(struct xmip_mn *mn, struct xmip_family_timer *t);
/*
 * A router between the CoA `coa` and the HA returned Packet Too Big about
 * our tunnel packet: inner packets fit in `mtu` octets; the HoA's route
 * (table 4191) follows, until the next move.
 */
void xmip_mn_tunnel_mtu(struct xmip_mn *mn, const struct in6_addr *coa, uint32_t mtu);
/* The datapath reported a packet from src to a new destination dst (mn_ro.c learns it). */
void xmip_mn_ro_learn_report(struct xmip_mn *mn, const struct in6_addr *src,
			     const struct in6_addr *dst);
/* Stops timers, closes its socket; leaves addresses, config and binding as they are. */
void xmip_mn_free(struct xmip_mn *mn);

#endif /* XMIP_MN_H */
