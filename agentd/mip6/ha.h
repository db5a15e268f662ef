/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * MIPv6 home agent: decide on each BU (ha_policy), apply to the pinned
 * maps and the kernel (proxy ND), answer (BA/BE), and expire bindings on
 * time. All binding state lives in the maps, so a restarted agent rebuilds
 * its timers from xmip_bindings (xmip_ha_adopt) and loses nothing.
 */
#ifndef XMIP_HA_H
#define XMIP_HA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "family.h"
#include "mh.h"

struct xmip_ha;

/* Set up for the family f (kernel settings, home link). NULL on error (logged). */
struct xmip_ha *xmip_ha_new(struct xmip_family *f);
/*
 * Restart: expiry timers and proxy entries for the bindings in the maps
 * whose home address, NAI and SPI the configuration still has together
 * (xmip_ident); the others are removed, logged. 0 or -errno.
 */
int  xmip_ha_adopt(struct xmip_ha *ha);
/*
 * One Mobility Header packet from the datapath (buf/len, from the IPv6
 * header), parsed (p; perr: OK or UNKNOWN_MH_TYPE). A first registration
 * is answered once duplicate address detection is over (asynchronously);
 * BUs for a home address with one pending are held and decided after it.
 */
void xmip_ha_signal(struct xmip_ha *ha, uint32_t ifindex, const uint8_t *buf, size_t len,
		    const struct xmip_pkt *p, enum xmip_parse_err perr);
/* A binding's expiry timer, or a duplicate address detection's, is due. */
void xmip_ha_timer(struct xmip_ha *ha, struct xmip_family_timer *t);
/* Stops timers; leaves bindings and proxy entries in place. */
void xmip_ha_free(struct xmip_ha *ha);
/*
 * Proxy ND for a home address another family bound (DSMIPv6 over an IPv4
 * care-of address: RFC 5555 §4.5 keeps RFC 6275 §10.4.1, the HA defends
 * and intercepts the IPv6 home address whatever the care-of address's
 * family). On: the entry on the home link (else arrival_ifindex), with an
 * unsolicited NA when announce; off: removed. No-op when no MIPv6 HA runs.
 */
void xmip_ha_defend_hoa(const uint8_t hoa[16], uint32_t arrival_ifindex, bool on, bool announce);

#endif /* XMIP_HA_H */
