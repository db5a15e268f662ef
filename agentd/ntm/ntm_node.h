/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTM node's signalling client (role ntm, docs/ntmobile.md): register
 * with the DC, keep the NAT mapping with Keep Alives, ask for directions,
 * take Route Directions, run Tunnel Request/Response.
 *
 * The datapath (tc programs mapping virtual-address traffic into the UDP
 * tunnel and back) is not part of this: it sees a node's tunnels only
 * through struct xmip_ntm_tunnel and two callbacks, which this version
 * implements by logging. The datapath replaces them (xmip_ntm_node_set_
 * tunnel_ops) with map writes: up = "traffic to peer's virtual addresses
 * goes into a UDP tunnel to endpoint with path_id, from local_port; what
 * arrives from endpoint with path_id is decapsulated"; down = remove it.
 */
#ifndef XMIP_NTM_NODE_H
#define XMIP_NTM_NODE_H

#include <stdint.h>

#include "family.h"
#include "ntm_wire.h"

enum xmip_ntm_tunnel_state {
	XMIP_NTM_TUN_DIRECTED = 1,  /* Route Direction taken; initiator: Tunnel Request sent */
	XMIP_NTM_TUN_UP       = 2,  /* Tunnel Response received (initiator) or Request answered */
};

/* One tunnel, as the datapath needs it. Replaced whole on every change. */
struct xmip_ntm_tunnel {
	uint32_t               path_id;
	uint8_t                mode;        /* enum xmip_ntm_mode */
	uint8_t                role;        /* XMIP_NTM_ROLE_* */
	uint8_t                state;       /* enum xmip_ntm_tunnel_state */
	struct xmip_ntm_ep     endpoint;    /* where tunnel packets go: the peer's (NAT) endpoint or the relay */
	struct xmip_ntm_vaddrs own;         /* inner source addresses */
	struct xmip_ntm_vaddrs peer;        /* inner destinations that take this tunnel */
	uint16_t               local_port;  /* outer UDP source port (the node's NTM port) */
	char                   peer_fqdn[XMIP_NTM_FQDN_MAX + 1];
};

struct xmip_ntm_tunnel_ops {
	void *ctx;
	/* Install or replace the tunnel of t->path_id. 0 or -errno (logged, the tunnel stays in the state). */
	int  (*up)(void *ctx, const struct xmip_ntm_tunnel *t);
	/* Remove it (replaced by another path to the same peer, or expired). */
	void (*down)(void *ctx, const struct xmip_ntm_tunnel *t);
};

struct ntm_node;

struct ntm_node *xmip_ntm_node_new(struct xmip_family *f);
void xmip_ntm_node_timer(struct ntm_node *n, struct xmip_family_timer *t);
void xmip_ntm_node_free(struct ntm_node *n);
/* The datapath's callbacks (NULL: back to logging). */
void xmip_ntm_node_set_tunnel_ops(struct ntm_node *n, const struct xmip_ntm_tunnel_ops *ops);

#endif /* XMIP_NTM_NODE_H */
