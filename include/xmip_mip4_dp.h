/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Mobile IPv4 datapath of a foreign agent (role fa) and of a mobile
 * node with a co-located care-of address (role mn4): bpf/xmip_mip4.bpf.c,
 * tc ingress and egress on the role's interfaces (the FA's also on the
 * interface of its care-of address). One map, written by the agent
 * (agentd/mip4/node_dp.c) one whole element at a time: per registered home
 * address, the tunnel to its home agent (docs/mip4.md, "Datapath").
 */
#ifndef XMIP_MIP4_DP_H
#define XMIP_MIP4_DP_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define XMIP_MAP_MIP4_TUN "xmip_mip4_tun"
#define XMIP_MIP4_TUN_MAX 4096   /* visitors of one FA (max-visitors is at most this) */

/* xmip_mip4_tun, HASH keyed by the home address. */
struct xmip_mip4_tun_key {
	__be32 hoa;
};

#define XMIP_MIP4_TUN_F_REVERSE 0x01   /* T granted: reverse-tunnel the node's packets (RFC 3024) */
#define XMIP_MIP4_TUN_F_FA      0x02   /* a visitor of this FA (else this MN, co-located) */

struct xmip_mip4_tun {
	__be32 ha;          /* the home agent: the tunnel's other end */
	__be32 coa;         /* this node's end: the FA's or the co-located care-of address */
	__be16 ha_port;     /* RFC 3519 UDP tunnelling: the HA's port (434); 0: no UDP */
	__be16 port;        /* ... this node's port (434: the registrations', which the NAT maps) */
	__u8   encap;       /* enum xmip_encap: XMIP_ENCAP_MIP4_IPIP, _MINENC, _GRE */
	__u8   flags;       /* XMIP_MIP4_TUN_F_* */
	__u8   mac[6];      /* FA: the visitor's link-layer address */
	__u8   smac[6];     /* FA: the visited interface's */
	__u16  pad;
	__u32  ifindex;     /* FA: the visited interface; MN: the care-of address's */
};

/*
 * The program's static configuration (its .rodata, pinned as xmip_rodata by
 * xmip attach like every role's): only which role loaded it, for xmip show.
 */
#define XMIP_RODATA_MIP4 "xmip_mip4_node_conf"
struct xmip_mip4_node_conf {
	__u32 role;         /* XMIP_ROLE_FA or XMIP_ROLE_MN4 */
	__u8  ready;        /* 1: set by xmip attach */
	__u8  pad[3];
};

#endif /* XMIP_MIP4_DP_H */
