/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * NEMO basic support (RFC 3963) on the home agent: the mobile network
 * prefixes a mobile router registered, kept in the datapath's LPM trie
 * xmip_mnp (prefix -> the router's home address; bpf/lib/role_ha.h).
 * The datapath takes the CoA and the expiry from the router's binding,
 * so a prefix entry never outlives its binding in effect.
 */
#ifndef XMIP_MIP6_NEMO_H
#define XMIP_MIP6_NEMO_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "maps.h"

/*
 * Make the prefixes of home address hoa exactly mnp[0..n): each new one
 * added first (the datapath never misses a prefix that stays), then the
 * hoa's entries not in the list removed (RFC 3963 §6.2: forwarding for
 * prefixes no longer in the BU is disabled). n = 0 removes them all
 * (§6.7, deregistration or expiry). 0 or -errno (-ENOSPC: the trie is full;
 * then the prefixes added by this call are removed again).
 */
int xmip_nemo_set(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		  const struct xmip_mnp *mnp, size_t n);

#endif /* XMIP_MIP6_NEMO_H */
