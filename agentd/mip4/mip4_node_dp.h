/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The datapath of the tunnel's far end, for the foreign agent (fa.c:
 * visitor_up/visitor_down) and the mobile node with a co-located care-of
 * address (mn.c): one element of the pinned xmip_mip4_tun per home address
 * (include/xmip_mip4_dp.h), replaced whole (one bpf_map_update_elem), so
 * the programs (bpf/mip4/node.h) see the old or the new tunnel, never a
 * mix. Without `xmip attach` there is no map: the agent signals only, as
 * before, and says so once.
 */
#ifndef XMIP_MIP4_NODE_DP_H
#define XMIP_MIP4_NODE_DP_H

#include <stdint.h>

#include "xmip_mip4_dp.h"

/* The instance's map (a descriptor), or -1 when the instance is not attached. */
int  xmip_mip4_node_dp_open(const char *instance);
/* hoa's tunnel is now *t (0 or -errno), or none (t NULL). fd < 0: nothing. */
int  xmip_mip4_node_dp_set(int fd, const uint8_t hoa[4], const struct xmip_mip4_tun *t);
/* XMIP_ENCAP_MIP4_* of the request flags M and G (RFC 5944 §3.3). */
uint8_t xmip_mip4_node_dp_encap(uint8_t req_flags);

#endif /* XMIP_MIP4_NODE_DP_H */
