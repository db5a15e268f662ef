/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTM node's tunnel table (docs/ntmobile.md, "The node datapath"):
 * what the node agent writes from its Route Directions and Tunnel
 * Request/Response results (agentd/ntm/ntm_node_dp.c) and the node's tc
 * programs (bpf/xmip_ntm.bpf.c) look up once per packet. One hash map,
 * two kinds of entry per tunnel:
 *
 *  TX  key addr = a peer virtual address (IPv4 as ::ffff:a.b.c.d), the
 *      destination of a packet leaving the virtual interface: the value
 *      says which tunnel it goes into (one TX entry per peer address).
 *  RX  key addr/sport = the tunnel's far end as packets arrive (the peer's
 *      or the relay's address and port, after NAT: the mapping), path_id
 *      from the tunnel header: what may be decapsulated, and (anti-
 *      spoofing) which inner source addresses it may carry.
 *
 * The agent replaces values whole (bpf_map_update_elem), never in place.
 * Addresses are 16 octets, IPv4 as ::ffff:a.b.c.d (as every xmip map key).
 */
#ifndef XMIP_NTM_NODE_H_MAPS
#define XMIP_NTM_NODE_H_MAPS

#ifndef __bpf__
#include <linux/types.h>
#endif

enum xmip_ntm_node_kind {
	XMIP_NTM_NK_TX = 1,   /* keyed by a peer virtual address */
	XMIP_NTM_NK_RX = 2,   /* keyed by the far end's address, port and the path id */
};

/* 24 octets, built from the packet alone. TX: path_id, sport 0. */
struct xmip_ntm_node_key {
	__u8   addr[16];
	__be32 path_id;
	__be16 sport;
	__u8   kind;          /* enum xmip_ntm_node_kind */
	__u8   pad;
};

/*
 * The value, the same for both kinds (TX uses the outer fields, RX the
 * virtual addresses; both carry them all so a dump reads as the tunnel):
 * outer source out_src:out_sport (the node's real address and NTM port),
 * destination out_dst:out_dport (the peer's or the relay's endpoint), the
 * family of the outer header (out_v6), the device the outer packet leaves
 * by (ifindex, the kernel resolves the next hop: bpf_redirect_neigh), the
 * node's own virtual addresses (the only inner sources it tunnels, and
 * the only inner destinations it accepts) and the peer's (the only inner
 * sources a tunnel may carry in).
 */
struct xmip_ntm_node_val {
	__u8   out_src[16];
	__u8   out_dst[16];
	__u8   own6[16];
	__u8   peer6[16];
	__be32 own4;
	__be32 peer4;
	__be32 path_id;
	__u32  ifindex;
	__be16 out_sport;
	__be16 out_dport;
	__u8   out_v6;
	__u8   mode;          /* enum xmip_ntm_mode (informational) */
	__u8   kind;          /* enum xmip_ntm_node_kind, as in the key */
	__u8   pad;
};

/* The node's static configuration (`xmip attach`, load-time rodata of xmip_ntm.bpf.c). */
struct xmip_ntm_node_conf {
	__u16 port;           /* the node's NTM port, host order (49601) */
	__u8  ready;          /* 1: set by xmip attach */
	__u8  pad;
	__u32 vif_ifindex;    /* the virtual interface (its tc egress program) */
};

#define XMIP_NTM_NODE_MAX_TUNNELS 4096      /* entries (two or three per tunnel) */
#define XMIP_MAP_NTM_TUNNELS "xmip_ntm_tunnels"
#define XMIP_RODATA_NTM      "xmip_ntm_node_conf"
#define XMIP_NTM_VIF_DEFAULT "ntm0"          /* `vif =` in [ntm] */

#endif /* XMIP_NTM_NODE_H_MAPS */
