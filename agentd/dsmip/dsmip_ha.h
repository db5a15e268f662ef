/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The DSMIPv6 home agent at run time (docs/dsmip.md): UDP 4191 sockets on
 * the HA's IPv4 address ([dsmip] ipv4-address) and on its IPv6 address,
 * read with recvmsg() so the observed source address and port are known;
 * each BU decided by dsmip_policy.c; the BA sent back from the same
 * socket to the observed address and port; bindings kept in a table
 * (dsmip_table.h) saved to XMIP_RUN_DIR/<instance>.dsmip (read by `xmip
 * binding show` and by the next agent), handed to the datapath seam
 * (dsmip_dp.h); expiry by a one-second sweep; events and metrics through
 * the core's hooks.
 */
#ifndef XMIP_DSMIP_HA_H
#define XMIP_DSMIP_HA_H

#include <stddef.h>
#include <stdint.h>

#include "family.h"

struct xmip_dsmip_ha;

struct xmip_dsmip_ha *xmip_dsmip_ha_new(struct xmip_family *f);
int  xmip_dsmip_ha_adopt(struct xmip_dsmip_ha *ha);
/* A whole IPv4/IPv6 | UDP | IPv6 | MH packet from the datapath's ring (dsmip_outer.h). */
void xmip_dsmip_ha_record(struct xmip_dsmip_ha *ha, uint32_t ifindex, const uint8_t *pkt, size_t len);
void xmip_dsmip_ha_timer(struct xmip_dsmip_ha *ha, struct xmip_family_timer *t);
void xmip_dsmip_ha_free(struct xmip_dsmip_ha *ha);

#endif /* XMIP_DSMIP_HA_H */
