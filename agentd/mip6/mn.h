/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Role MN: movement detection from the kernel's addresses and links, home
 * registration (BU with back-off, refresh before expiry), deregistration
 * when back home, and the xmip_config the datapath reads (CoA, AWAY).
 */
#ifndef XMIP_MN_H
#define XMIP_MN_H

#include "config.h"
#include "loop.h"
#include "maps.h"

struct xmip_mn;

struct xmip_mn *xmip_mn_new(struct xmip_loop *loop, const struct xmip_conf *conf,
			    const struct xmip_agent_maps *maps);
/* Stops timers, closes sockets; leaves addresses, config and binding as they are. */
void xmip_mn_free(struct xmip_mn *mn);

#endif /* XMIP_MN_H */
