/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The relay table of an NTMobile Relay Server (docs/ntmobile.md, "Relay
 * table"): what the RS agent writes from Relay Direction and Tunnel
 * Request, and the RS datapath (XDP) looks up once per packet. Keyed by
 * what arrives, so one lookup decides and carries everything the rewrite
 * needs. This is the contract between the control plane (issue 10,
 * agentd/ntm/) and the relay datapath that builds on it; the key never
 * changes, the value only together with every writer of raw records
 * (the tests' and the bench's packers, bpftool in test_xmip_cli.py).
 *
 * Addresses are 16 octets, IPv4 as ::ffff:a.b.c.d (as every xmip map key).
 */
#ifndef XMIP_NTM_RELAY_H
#define XMIP_NTM_RELAY_H

#ifndef __bpf__
#include <linux/types.h>
#endif

enum xmip_ntm_relay_kind {
	XMIP_NTM_RK_TUNNEL = 1,   /* a tunnel leg: RS-S either side; RS-N node side, first packet of a flow */
	XMIP_NTM_RK_RSN_FWD = 2,  /* RS-N, node -> GN, one inner flow */
	XMIP_NTM_RK_RSN_REV = 3,  /* RS-N, GN -> node, the same flow's replies (and ICMP errors about it) */
};

/*
 * The key, 28 octets, built from the packet alone:
 *
 *  kind TUNNEL:  addr/sport = outer source address and UDP port (the NAT's
 *                mapping as the RS sees it), dport = outer UDP destination
 *                port (the RS's NTM port), path_id from the tunnel header
 *                (top bit clear: RS-S), proto = 17, port2 = 0.
 *  kind RSN_FWD: as TUNNEL with path_id's top bit set (RS-N), plus the
 *                inner packet's protocol (6, 17, 1, 58) in proto and its
 *                source port (ICMP: echo identifier) in port2.
 *  kind RSN_REV: addr/sport = the GN's address and port (ICMP: echo
 *                identifier), dport = the RS pool port it was sent to,
 *                path_id = 0, proto = the packet's protocol, port2 = 0.
 *
 * The datapath tells the kinds apart before the lookup: a UDP packet to the
 * NTM port whose payload starts 0x11 is a tunnel packet, and its path id's
 * top bit picks TUNNEL or RSN_FWD; anything else to a pool port is RSN_REV.
 */
struct xmip_ntm_relay_key {
	__u8   addr[16];
	__be32 path_id;
	__be16 sport;
	__be16 dport;
	__be16 port2;
	__u8   proto;
	__u8   kind;          /* enum xmip_ntm_relay_kind */
};

/*
 * The value: the other leg, ready to write. For TUNNEL (RS-S) the packet
 * leaves as outer src = out_src:out_sport, dst = out_dst:out_dport, the
 * tunnel header unchanged (both legs share the path id); the two legs may
 * be of different families (an IPv4 leg joined to an IPv6 one). For
 * RSN_FWD the tunnel is stripped and the inner packet leaves with source
 * out_src (the RS's address) and port out_sport (its pool port),
 * destination rewritten from the GN's virtual address (gn_vip) to out_dst
 * (the GN's real one); its inner source must be inner_addr. For RSN_REV
 * the packet gets the tunnel back: outer to out_dst:out_dport (the node's
 * NAT mapping) from out_src:out_sport, path_id, and the inner destination
 * (the RS's address and pool port) rewritten to inner_addr:inner_port (the
 * node's virtual address and the flow's source port); its source (the
 * GN's real address) to gn_vip. RS-N inner addresses are of the flow's
 * family (no translation between IPv4 and IPv6 inside).
 *
 * Egress: dmac/smac when the agent resolved the next hop (dmac not zero),
 * else the datapath asks the FIB (counted RS_FIB_LOOKUP); ifindex 0 means
 * "out of the arrival interface" (XDP_TX, the one-NIC VM), else redirect.
 *
 * The agent replaces values whole (bpf_map_update_elem), never in place.
 * The one exception is last_used, which only the datapath writes (one
 * aligned 8-octet store, at most every XMIP_RS_TOUCH_JIFFIES): jiffies of
 * the last packet through the entry; the agent carries it over when it
 * replaces a value, and sweeps entries whose last_used stopped moving.
 * Lifetimes are the agent's (its path state), not the table's.
 *
 * 104 octets, no more: the table is BPF_F_NO_PREALLOC, so each element
 * (48-octet header, the key rounded to 32, the value) is one object of
 * the BPF memory allocator with an 8-octet link in front; 8 + 48 + 32 +
 * 104 = 192 takes the kmalloc-192 objects (three cache lines, 64-aligned),
 * one octet more the kmalloc-256 ones (a fourth line for every entry a
 * packet finds cold, and a third more memory per path at 1M paths).
 */
struct xmip_ntm_relay_val {
	__u8   out_src[16];
	__u8   out_dst[16];
	__u8   inner_addr[16];   /* RS-N: the node's virtual address (FWD: checked; REV: written) */
	__u8   gn_vip[16];       /* RS-N: the GN's virtual address (the inner address the node uses) */
	__be32 path_id;
	__be16 out_sport;
	__be16 out_dport;
	__be16 inner_port;       /* RSN_REV: the node's inner source port of the flow */
	__u8   kind;             /* enum xmip_ntm_relay_kind, as the key */
	__u8   mode;             /* enum xmip_ntm_mode: RS-S or RS-N */
	__u32  ifindex;          /* 0: XDP_TX (one NIC); else redirect there */
	__u8   smac[6];          /* egress source MAC (agent-resolved) */
	__u8   dmac[6];          /* next hop's MAC; all zero: the datapath asks the FIB */
	__u32  pad;
	__u64  last_used;        /* jiffies of the last packet (datapath-written, see above) */
};

_Static_assert(sizeof(struct xmip_ntm_relay_val) == 104,
	       "relay value: 104 octets keep an element in the allocator's 192-octet objects");

/* Write last_used when it is older than this (HZ 100..1000: 0.064-0.64 s). */
#define XMIP_RS_TOUCH_JIFFIES 64

/*
 * xmip_rs_paths, HASH keyed by the path id (network order): the paths the
 * relay was directed to carry, so that a tunnel packet that misses the
 * relay table is told apart as "unknown path" or "known path, unknown
 * source" (looked up only on a miss). Written by the agent.
 */
struct xmip_ntm_rs_path {
	__u8  mode;              /* enum xmip_ntm_mode */
	__u8  pad[3];
	__u32 legs;              /* tunnel legs registered (RS-S: 0..2; RS-N: 0..1) */
};

/*
 * The relay's static configuration (`xmip attach`, load-time rodata of
 * xmip_rs.bpf.c): its own addresses (what it answers on), the NTM port
 * and the RS-N pool of ports (a packet to a pool port is a GN's reply;
 * any other port of the RS is left to the kernel).
 */
struct xmip_rs_conf {
	__u8   self6[16];        /* its IPv6 address (:: none) */
	__be32 self4;            /* its IPv4 address (0 none) */
	__u16  port;             /* NTM relay port, host order (49602) */
	__u16  pool_lo;          /* RS-N pool, host order, inclusive */
	__u16  pool_hi;
	__u8   ready;            /* 1: set by xmip attach */
	__u8   pad;
};

#define XMIP_RS_DEFAULT_MAX_PATHS 1048576   /* relay table entries (sized at attach) */
#define XMIP_RS_DEFAULT_POOL_LO   50000
#define XMIP_RS_DEFAULT_POOL_HI   59999
#define XMIP_MAP_RELAY    "xmip_relay"
#define XMIP_MAP_RS_PATHS "xmip_rs_paths"
#define XMIP_RODATA_RS    "xmip_rs_conf"

#endif /* XMIP_NTM_RELAY_H */
