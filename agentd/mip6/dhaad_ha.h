/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The home agent's side of home agent discovery and mobile prefix
 * discovery (RFC 6275 §10.5, §10.6; dhaad.h has the messages). Our kernels
 * lack MIP6 but deliver ICMPv6 types they do not handle to raw ICMPv6
 * sockets; what it takes for the packets to get there:
 *  - DHAAD Request to the Home-Agents anycast address of the home prefix:
 *    the socket joins that anycast address (IPV6_JOIN_ANYCAST) on every
 *    configured interface, so the kernel takes it as local (its datapath
 *    passes a destination without a binding to the kernel);
 *  - Mobile Prefix Solicitation from a registered mobile node: through the
 *    reverse tunnel from its home address (the datapath checks the outer
 *    source against the binding and decapsulates), answered with a Mobile
 *    Prefix Advertisement to the home address, which the HA's tc egress
 *    tunnels to the care-of address (docs/CONFORMANCE.md says how this
 *    stands for the Home Address option and type-2 routing header the RFC
 *    puts on them).
 */
#ifndef XMIP_MIP6_DHAAD_HA_H
#define XMIP_MIP6_DHAAD_HA_H

#include "config.h"
#include "loop.h"
#include "maps.h"

struct xmip_dhaad_ha;

/* NULL if the socket cannot be opened (logged); the HA runs on without it. */
struct xmip_dhaad_ha *xmip_dhaad_ha_new(struct xmip_loop *loop, const struct xmip_conf *conf,
					const struct xmip_agent_maps *maps, int raw);
void xmip_dhaad_ha_free(struct xmip_dhaad_ha *d);

#endif /* XMIP_MIP6_DHAAD_HA_H */
