/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A mobile router's policy rules while away (RFC 3963 §5.5: what it
 * forwards from its mobile network goes through the reverse tunnel).
 * The kernel must route a packet from the mobile network to the interface
 * whose tc egress tunnels it, whatever main says: on an IPv4 care-of
 * address main has no IPv6 default route at all. So, per prefix:
 *   pref table-1: "to PREFIX lookup main"   (inside the mobile network,
 *                  the router's own ICMP errors to its hosts included)
 *   pref table:   "from PREFIX lookup table" (the HoA's table 4191: one
 *                  default route out of the CoA interface; its MTU does not
 *                  apply to forwarded packets, the mobile network's MTU must
 *                  leave room for the tunnel)
 * Both go when the router comes home (its prefixes are routed to its home
 * address there, RFC 3963 §3).
 */
#ifndef XMIP_MIP6_MN_NEMO_H
#define XMIP_MIP6_MN_NEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* Add (away) or remove (home) the rules of every configured prefix; no-op for a mobile node. */
void xmip_mn_nemo_rules(int nl, const struct xmip_conf *conf, uint32_t table, uint32_t pref,
			bool add);

#endif /* XMIP_MIP6_MN_NEMO_H */
