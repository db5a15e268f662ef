/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Route optimisation (RFC 6275 §5.2, §9): what the correspondent node's
 * datapath and its agent share besides include/xmip_maps.h.
 *
 * The CN role's map set (docs/DESIGN.md, "Map set per role"):
 *  - xmip_bindings (xmip_maps.h): the correspondent binding cache, one
 *    element per home address, written whole by the agent, with
 *    encap = XMIP_ENCAP_RH2 and no H flag (§9.1);
 *  - xmip_ro_used: when the datapath last used each binding (§9.1 "usage
 *    information"), which tells the agent that a Binding Refresh Request
 *    is worth sending before the binding expires (§9.5.5);
 *  - xmip_signal, xmip_stats as every role.
 * The node key Kcn and the nonces stay in the agent's memory only (§5.2.1:
 * a fresh key after a restart makes every older token worthless, which is
 * what §5.2.8's replay protection needs).
 */
#ifndef XMIP_RO_H
#define XMIP_RO_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define XMIP_MAP_RO_USED  "xmip_ro_used"
#define XMIP_MAP_RO_PEERS "xmip_ro_peers"
#define XMIP_RODATA_CN    "xmip_cn_conf"   /* the variable's name in the CN's .rodata */

/*
 * The CN's static configuration (load-time rodata, set by xmip attach):
 * the address its correspondent bindings belong to (the one Binding
 * Updates are sent to and authenticated with, §6.2.7), and ready.
 */
struct xmip_cn_conf {
	__u8  self_addr[16];   /* the CN's address */
	__u8  ready;           /* 1: set by xmip attach */
	__u8  pad[7];
};

/*
 * xmip_ro_peers, ARRAY of one __u32: how many correspondent bindings the
 * agent holds in xmip_bindings, an upper bound (made 1 before the first is
 * written, the true count at each sweep, every second). 0 lets the mobile
 * node's tc egress skip the xmip_bindings lookup for every packet from its
 * home address (a peer bound at it is rare). A stale count only costs a
 * lookup or sends a packet through the tunnel for up to a second.
 */

/*
 * xmip_ro_used, LRU_HASH keyed by home address (struct xmip_binding_key):
 * CLOCK_BOOTTIME of the last packet the datapath sent with a routing
 * header to that home address or restored from its care-of address. The
 * datapath writes it at most once a second per home address
 * (XMIP_RO_USED_GRANULARITY_NS); only the agent reads it.
 */
struct xmip_ro_used {
	__u64 last_ns;
};
#define XMIP_RO_USED_GRANULARITY_NS 1000000000ull

/* RFC 6275 §12 protocol constants (seconds). */
#define XMIP_MAX_NONCE_LIFETIME      240
#define XMIP_MAX_TOKEN_LIFETIME      210
#define XMIP_MAX_RR_BINDING_LIFETIME 420

/*
 * The mobile node's side (RFC 6275 §11.6-§11.7; docs/DESIGN.md "Datapath,
 * MN"): xmip_mn_ro, HASH keyed by the correspondent's address (struct
 * xmip_binding_key): one element per correspondent that accepted our BU,
 * written whole by the agent (agentd/mip6/mn_ro.c) after an authenticated
 * BA, deleted on a move, a refusal or at home. tc egress sends a packet from
 * the home address to such a correspondent from `coa` with a Home Address
 * option instead of through the tunnel, while `coa` is the current CoA and
 * the binding has not expired.
 */
#define XMIP_MAP_MN_RO "xmip_mn_ro"

struct xmip_mn_ro_entry {
	__u8  coa[16];         /* the care-of address the correspondent bound */
	__u64 expires_ns;      /* CLOCK_BOOTTIME: the binding's end at the correspondent */
	__u32 lifetime_s;      /* what the BA granted */
	__u16 seq;             /* sequence number of the accepted BU */
	__u16 pad;
};

/*
 * Learning correspondents ([ro] learn-correspondents, docs/DESIGN.md "Agent,
 * MN route optimisation"): xmip_mn_ro_seen, LRU_HASH keyed by destination
 * (struct xmip_binding_key). The MN's tc egress inserts an element the first
 * time it reverse-tunnels a packet from the home address to a destination
 * that may be a correspondent, and reports that packet's IPv6 header to the
 * agent (ring record XMIP_FAMILY_RO_LEARN); while the element exists the
 * destination is not reported again. used_ns is refreshed (at most once a
 * second, XMIP_RO_USED_GRANULARITY_NS) by every packet from the home address
 * to it, tunnelled or route-optimised: the agent reads it to expire idle
 * learnt correspondents, and deletes the element when it forgets one (the
 * next packet then reports it again).
 */
#define XMIP_MAP_MN_RO_SEEN "xmip_mn_ro_seen"
#define XMIP_MN_RO_SEEN_MAX 4096

struct xmip_mn_ro_seen {
	__u64 reported_ns;     /* CLOCK_BOOTTIME of the report */
	__u64 used_ns;         /* CLOCK_BOOTTIME of the last packet to it (1 s granularity) */
};

/*
 * Every role as a correspondent for packets addressed to itself (RFC 6275
 * §9.3), on the home agent: xmip_ha_ro, LRU_HASH keyed by home address:
 * the care-of address a Home Address option from that home address last
 * came from (restored by XDP). tc egress answers the HA's own packets to
 * that home address with a type-2 routing header to that CoA while its
 * home registration still names it; others keep the tunnel.
 */
#define XMIP_MAP_HA_RO "xmip_ha_ro"

struct xmip_ha_ro {
	__u8  coa[16];
	__u64 last_ns;         /* CLOCK_BOOTTIME of the last HAO restored */
};

#endif /* XMIP_RO_H */
