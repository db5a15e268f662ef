/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The relay table of an NTMobile Relay Server (docs/ntmobile.md, "Relay
 * table"): what the RS agent writes from Relay Direction and Tunnel
 * Request, and the RS datapath (XDP) looks up once per packet. Keyed by
 * what arrives, so one lookup decides and carries everything the rewrite
 * needs. This is the contract between the control plane (issue 10,
 * agentd/ntm/) and the relay datapath that builds on it; the datapath may
 * add fields at the end of the value, never change the key.
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
 * tunnel header unchanged (both legs share the path id). For RSN_FWD the
 * tunnel is stripped and the inner packet leaves with source out_src
 * (the RS's address) and port out_sport (its pool port), destination
 * rewritten from the GN's virtual address to out_dst. For RSN_REV the
 * packet gets the tunnel back: outer to out_dst:out_dport (the node's
 * NAT mapping) from out_src:out_sport, path_id, and the inner destination
 * (the RS's address and pool port) rewritten to vip:port2-of-the-flow
 * (inner_addr, inner_port); its source (the GN's real address) to the
 * GN's virtual address (gn_vip).
 */
struct xmip_ntm_relay_val {
	__u8   out_src[16];
	__u8   out_dst[16];
	__u8   inner_addr[16];   /* RSN_REV: the node's virtual address; RSN_FWD: the GN's real one */
	__u8   gn_vip[16];       /* RS-N: the GN's virtual address (the inner address the node uses) */
	__be32 path_id;
	__be16 out_sport;
	__be16 out_dport;
	__be16 inner_port;       /* RSN_REV: the node's inner source port of the flow */
	__u8   kind;             /* enum xmip_ntm_relay_kind, as the key */
	__u8   mode;             /* enum xmip_ntm_mode: RS-S or RS-N */
	__u32  ifindex;          /* 0: XDP_TX (one NIC); else redirect there */
	__u64  expires_ns;       /* CLOCK_BOOTTIME; 0: no expiry. Refreshed by the agent */
};

#endif /* XMIP_NTM_RELAY_H */
