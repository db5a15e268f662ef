/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv4 tunnel headers, written by every encapsulator: the home
 * agent (bpf/mip4/ha.h), the foreign agent's and the co-located mobile
 * node's reverse tunnel (bpf/mip4/node.h). IP-in-IP (RFC 2003), minimal
 * encapsulation (RFC 2004, S = 1), GRE (RFC 2784), each optionally inside
 * UDP 434 with the MIP Tunnel Data header (RFC 3519 §3.3).
 */
#ifndef XMIP_BPF_MIP4_TUN_H
#define XMIP_BPF_MIP4_TUN_H

#include "lib/common.h"
#include "lib/nat.h"
#include "lib/udptun.h"
#include "xmip_maps.h"
#include "xmip_wire_mip4.h"

#ifndef XMIP_IPPROTO_IPIP
#define XMIP_IPPROTO_IPIP 4
#endif

#define XMIP_IPPROTO_GRE    47
#define XMIP_IPPROTO_MINENC 55
#define XMIP_MIP4_MF_LEN    12     /* minimal forwarding header with the original source */
#define XMIP_MIP4_UDP_HLEN  12     /* UDP + MIP Tunnel Data header */
#define XMIP_GRE_HLEN       4

/* uapi linux/bpf.h's macro (vmlinux.h has only enums): the tunnel's "L2" length. */
#ifndef BPF_F_ADJ_ROOM_ENCAP_L2
#define BPF_F_ADJ_ROOM_ENCAP_L2(len) (((__u64)(len) & 0xff) << 56)
#endif

static __always_inline int xmip_mip4_encap(__u8 e)
{
	return e >= XMIP_ENCAP_MIP4_IPIP && e <= XMIP_ENCAP_MIP4_GRE;
}

/* The IP protocol (and type-4 Next Header) of an encapsulation. */
static __always_inline __u8 xmip_mip4_proto(__u8 e)
{
	return e == XMIP_ENCAP_MIP4_MINENC ? XMIP_IPPROTO_MINENC :
	       e == XMIP_ENCAP_MIP4_GRE ? XMIP_IPPROTO_GRE : XMIP_IPPROTO_IPIP;
}

/* ------------------------------------------------------------------ to the MN */

/* What of the inner IPv4 header the outer headers need (read before the surgery). */
struct xmip_mip4_inner {
	__be32 saddr, daddr;
	__be16 id, frag_off;
	__u16  len;          /* IP length of the inner packet (or of each GSO segment's... the skb's) */
	__u8   tos, ttl;     /* ttl: already decremented */
	__u8   proto;
	__u8   kind;         /* the encapsulation actually used (minimal may become IP-in-IP) */
	__u8   udp;          /* inside UDP 434 */
	__u8   pad;
	__be16 port;         /* UDP: the far end's port */
	__be16 sport;        /* UDP: ours (434 at the HA) */
	__u16  grow;         /* octets inserted after Ethernet */
};

/* How many octets kind (with UDP or not) inserts in front of the inner packet's payload. */
static __always_inline __u16 xmip_mip4_grow(__u8 kind, __u8 udp)
{
	__u16 g = kind == XMIP_ENCAP_MIP4_MINENC ? XMIP_MIP4_MF_LEN :
		  kind == XMIP_ENCAP_MIP4_GRE ? 20 + XMIP_GRE_HLEN : 20;

	return udp ? g + XMIP_MIP4_UDP_HLEN : g;
}

/*
 * Write the outer headers at l3 (right after Ethernet), in->grow octets
 * of them in front of the inner packet (minimal: in front of its payload,
 * its header rewritten): 0, or -1 if the frame is too short. `len`: the
 * IP length of the inner packet (tc GSO: the skb's, rewritten per segment).
 */
static __always_inline int xmip_mip4_write(void *l3, void *end, const struct xmip_mip4_inner *in,
					   __be32 self, __be32 dst, __u32 len)
{
	__u32 total = len + in->grow;
	__u8 nh = xmip_mip4_proto(in->kind);
	struct iphdr *ip = l3;
	__u8 *p;

	if ((void *)(ip + 1) > end)
		return -1;
	if (in->kind == XMIP_ENCAP_MIP4_MINENC) {
		/* RFC 2004 §3: the original header, modified. */
		*(__u8 *)ip = 0x45;
		ip->tos = in->tos;
		ip->tot_len = bpf_htons(total);
		ip->id = in->id;
		ip->frag_off = in->frag_off;
		ip->ttl = in->ttl;
		ip->protocol = in->udp ? XMIP_NAT_UDP : XMIP_IPPROTO_MINENC;
		ip->saddr = self;
		ip->daddr = dst;
		ip->check = xmip_ip4_hdr_csum(ip);
	} else {
		struct xmip_udptun_outer o = { };

		*(__be32 *)o.src = self;
		*(__be32 *)o.dst = dst;
		o.ttl = XMIP_HOP_LIMIT_OUTER;
		o.tos = in->tos;
		o.no_df = !(in->frag_off & bpf_htons(XMIP_IP4_DF));
		if (xmip_tun_ip_write(ip, end, &o, total - 20, in->udp ? XMIP_NAT_UDP : nh) < 0)
			return -1;
	}
	p = (__u8 *)(ip + 1);
	if (in->udp) {
		struct udphdr *u = (void *)p;
		struct xmip_mip4_tunnel_data *t = (void *)(u + 1);

		if ((void *)(t + 1) > end)
			return -1;
		u->source = in->sport ? in->sport : bpf_htons(XMIP_MIP4_PORT);
		u->dest = in->port;
		u->len = bpf_htons(total - 20);
		u->check = 0;
		t->type = XMIP_MIP4_TUNNEL_DATA;
		t->next_header = nh;
		t->reserved = 0;
		p = (__u8 *)(t + 1);
	}
	if (in->kind == XMIP_ENCAP_MIP4_GRE) {
		__be16 *g = (void *)p;

		if ((void *)(g + 2) > end)
			return -1;
		g[0] = 0;                      /* C = 0, Reserved0 = 0, Ver = 0 (RFC 2784 §2) */
		g[1] = bpf_htons(ETH_P_IP);
	} else if (in->kind == XMIP_ENCAP_MIP4_MINENC) {
		struct xmip_mip4_minenc *m = (void *)p;
		__s64 s;

		if ((void *)(m + 1) > end)
			return -1;
		m->protocol = in->proto;
		m->s_reserved = XMIP_MIP4_MINENC_S;
		m->check = 0;
		m->orig_dst = in->daddr;
		m->orig_src = in->saddr;
		s = bpf_csum_diff(0, 0, (__be32 *)m, XMIP_MIP4_MF_LEN, 0);
		m->check = ~xmip_csum_fold((__u32)s);
	}
	return 0;
}

#endif /* XMIP_BPF_MIP4_TUN_H */
