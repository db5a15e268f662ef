/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Role HA: consume BUs from the ring buffer, decide (ha_policy), apply to
 * the pinned maps and the kernel (proxy ND), answer (BA/BE), and expire
 * bindings on time. All binding state lives in the maps, so a restarted
 * agent rebuilds its timers from xmip_bindings and loses nothing.
 */
#ifndef XMIP_HA_H
#define XMIP_HA_H

#include "config.h"
#include "loop.h"
#include "maps.h"

struct xmip_ha;

/* Set up on an open loop and maps (owned by the caller). NULL on error (logged). */
struct xmip_ha *xmip_ha_new(struct xmip_loop *loop, const struct xmip_conf *conf,
			    const struct xmip_agent_maps *maps);
/* Stops timers and closes sockets; leaves bindings and proxy entries in place. */
void xmip_ha_free(struct xmip_ha *ha);

#endif /* XMIP_HA_H */
