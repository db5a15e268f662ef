/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTM node's datapath glue: tunnel callbacks (ntm_node.h) that write
 * the pinned tunnel table of the node's tc programs and configure the
 * virtual interface (addresses, routes to the peers' virtual addresses).
 */
#ifndef XMIP_NTM_NODE_DP_H
#define XMIP_NTM_NODE_DP_H

#include "family.h"
#include "ntm_node.h"

struct ntm_node_dp;

/* NULL: no interface configured, or nothing attached (signalling only; logged). */
struct ntm_node_dp *xmip_ntm_node_dp_open(struct xmip_family *f);
const struct xmip_ntm_tunnel_ops *xmip_ntm_node_dp_ops(struct ntm_node_dp *d);
void xmip_ntm_node_dp_close(struct ntm_node_dp *d);

#endif /* XMIP_NTM_NODE_DP_H */
