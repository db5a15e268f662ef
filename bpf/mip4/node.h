/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv4 at the far end of the tunnel (docs/mip4.md, "Datapath"): the
 * foreign agent (RFC 5944 §4.2.2, RFC 3024 §4) and a mobile node with a
 * co-located care-of address (§4.2.1, RFC 3519). tc programs, so GSO
 * packets stay GSO (bpf_skb_adjust_room's ENCAP/DECAP flags):
 *
 *  - ingress, a tunnel to our care-of address (4, 55, 47, UDP 434 type 4)
 *    whose inner destination is a registered home address: decapsulated
 *    only when its outer source (and UDP source port) is that home
 *    address's home agent and the encapsulation the registered one (or
 *    IP-in-IP, which the HA uses where minimal encapsulation cannot be,
 *    RFC 2004 §3); ECN per RFC 6040 §4.2. The MN passes it up; the FA
 *    sends it to the visitor's link-layer address on its link;
 *  - ingress (FA), a packet from a visitor's home address, from its MAC on
 *    its link, T granted: reverse-tunnelled to its home agent from the
 *    FA's care-of address (RFC 3024 §4.2), TTL one less (the FA forwards);
 *  - egress (MN), a packet from the home address leaving by the care-of
 *    address's interface, T granted: reverse-tunnelled (RFC 3024 §4.1),
 *    in UDP 434 when the HA assented to it (RFC 3519 §3.2).
 *
 * Everything else is left alone (PASS_MIP4_NODE): registrations (UDP 434
 * other than type 4) reach the agent's socket as before.
 */
#ifndef XMIP_BPF_MIP4_NODE_H
#define XMIP_BPF_MIP4_NODE_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/ipv4.h"
#include "lib/nat.h"
#include "lib/fib.h"
#include "mip4/tun.h"
#include "xmip_mip4_dp.h"

#define XMIP_ECN_MASK 0x03
#define XMIP_ECN_CE   0x03
#define XMIP_NODE_PULL 128

/* Per registered home address: the tunnel to its home agent (include/xmip_mip4_dp.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_MIP4_TUN_MAX);
	__type(key, struct xmip_mip4_tun_key);
	__type(value, struct xmip_mip4_tun);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_mip4_tun SEC(".maps");

/* An IPv4 address no packet may go to (0/8, 127/8, multicast, class E, broadcast). */
static __always_inline int xmip_node_special(__be32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 14;
}

/* Decrement an IPv4 TTL, its header checksum updated (RFC 1624). */
static __always_inline void xmip_node_ttl_dec(struct iphdr *ip4)
{
	__u8 ttl = ip4->ttl, proto = ip4->protocol;

	ip4->check = xmip_csum_replace16(ip4->check, bpf_htons((__u16)ttl << 8 | proto),
					 bpf_htons((__u16)(ttl - 1) << 8 | proto));
	ip4->ttl = ttl - 1;
}

static __always_inline int xmip_node_mac_eq(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
	       a[5] == b[5];
}

static __always_inline int xmip_node_pull(struct __sk_buff *skb)
{
	__u32 have = xmip_skb_data_end(skb) - xmip_skb_data(skb);
	__u32 want = skb->len < XMIP_NODE_PULL ? skb->len : XMIP_NODE_PULL;

	return have >= want ? 0 : (bpf_skb_pull_data(skb, want) ? -1 : 0);
}

/* What the decapsulation check found. */
struct xmip_node_rev {
	__u32 strip;        /* octets removed: after Ethernet, or after the IP header (minimal) */
	__u32 ilen;         /* IP length of the packet inside */
	__u8  minenc;
	__u8  set_ce;       /* RFC 6040 §4.2: the inner packet becomes CE */
	__u8  pad[2];
	struct xmip_mip4_tun t;
	struct iphdr hdr;   /* minimal: the original header, restored */
};

#define XMIP_NODE_NOT_TUNNEL 1
#define XMIP_NODE_DECAP      2
#define XMIP_NODE_DROP       3

/*
 * A tunnel packet to this node? XMIP_NODE_DECAP (per *r), _DROP (counted)
 * or _NOT_TUNNEL (not one of ours: left alone).
 */
static __always_inline int xmip_node_tunnel_check(void *data, void *data_end,
						  struct xmip_node_rev *r)
{
	struct iphdr *outer = data + XMIP_ETH_HLEN;
	struct udphdr *udp = NULL;
	struct xmip_mip4_tun_key k;
	struct xmip_mip4_tun *t;
	__u32 off, avail, olen, hl;
	__u8 nh;

	if ((void *)(outer + 1) > data_end || outer->version != 4 || outer->ihl != 5 ||
	    (outer->frag_off & bpf_htons(XMIP_IP4_MF | XMIP_IP4_OFFMASK)))
		return XMIP_NODE_NOT_TUNNEL;
	nh = outer->protocol;
	hl = 20;
	off = XMIP_ETH_HLEN + hl;
	olen = bpf_ntohs(outer->tot_len);
	if (olen < hl)
		return XMIP_NODE_NOT_TUNNEL;
	avail = olen - hl;
	if (nh == XMIP_NAT_UDP) {
		struct xmip_mip4_tunnel_data *td;

		udp = data + off;
		td = (void *)(udp + 1);
		if ((void *)(td + 1) > data_end || udp->dest != bpf_htons(XMIP_MIP4_PORT) ||
		    td->type != XMIP_MIP4_TUNNEL_DATA)
			return XMIP_NODE_NOT_TUNNEL;   /* a registration reply: the agent's */
		if (bpf_ntohs(udp->len) < XMIP_MIP4_UDP_HLEN || bpf_ntohs(udp->len) > avail) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_NODE_DROP;
		}
		avail = bpf_ntohs(udp->len) - XMIP_MIP4_UDP_HLEN;
		nh = td->next_header;
		off += XMIP_MIP4_UDP_HLEN;
	} else if (nh != XMIP_IPPROTO_IPIP && nh != XMIP_IPPROTO_GRE && nh != XMIP_IPPROTO_MINENC) {
		return XMIP_NODE_NOT_TUNNEL;
	}
	if (nh == XMIP_IPPROTO_GRE) {
		__be16 *g = data + off;

		if ((void *)(g + 2) > data_end || avail < XMIP_GRE_HLEN || g[0] != 0 ||
		    g[1] != bpf_htons(ETH_P_IP)) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_NODE_DROP;
		}
		off += XMIP_GRE_HLEN;
		avail -= XMIP_GRE_HLEN;
	}
	r->minenc = nh == XMIP_IPPROTO_MINENC;
	if (r->minenc) {
		struct xmip_mip4_minenc *m = data + off;
		__u32 mlen;
		__s64 s;

		if ((void *)(m + 1) > data_end || avail < 8) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_NODE_DROP;
		}
		mlen = (m->s_reserved & XMIP_MIP4_MINENC_S) ? 12 : 8;
		s = mlen == 12 ? bpf_csum_diff(0, 0, (__be32 *)m, 12, 0) :
				 bpf_csum_diff(0, 0, (__be32 *)m, 8, 0);
		if (xmip_csum_fold((__u32)s) != 0xffff || avail < mlen) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_NODE_DROP;
		}
		__builtin_memcpy(&r->hdr, outer, sizeof(r->hdr));
		r->hdr.protocol = m->protocol;
		r->hdr.daddr = m->orig_dst;
		r->hdr.saddr = mlen == 12 ? m->orig_src : outer->saddr;
		r->ilen = 20 + avail - mlen;
		r->hdr.tot_len = bpf_htons(r->ilen);
		r->strip = off + mlen - XMIP_ETH_HLEN - 20;
		k.hoa = m->orig_dst;
	} else if (nh == XMIP_IPPROTO_IPIP || nh == XMIP_IPPROTO_GRE) {
		struct iphdr *in = data + off;

		if ((void *)(in + 1) > data_end || in->version != 4 || in->ihl < 5 ||
		    bpf_ntohs(in->tot_len) > avail || bpf_ntohs(in->tot_len) < in->ihl * 4u) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XMIP_NODE_DROP;
		}
		r->ilen = bpf_ntohs(in->tot_len);
		r->strip = off - XMIP_ETH_HLEN;
		k.hoa = in->daddr;
		if ((outer->tos & XMIP_ECN_MASK) == XMIP_ECN_CE) {
			if (!(in->tos & XMIP_ECN_MASK)) {
				xmip_count(XMIP_STAT_DROP_DSMIP_ECN);
				return XMIP_NODE_DROP;
			}
			r->set_ce = (in->tos & XMIP_ECN_MASK) != XMIP_ECN_CE;
		}
	} else {
		xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
		return XMIP_NODE_DROP;
	}
	t = bpf_map_lookup_elem(&xmip_mip4_tun, &k);
	if (!t)
		return XMIP_NODE_NOT_TUNNEL;   /* to a home address not ours (not even the MN's) */
	__builtin_memcpy(&r->t, t, sizeof(r->t));
	/* RFC 3519 §4.3: outer addresses and ports exactly the tunnel's; the
	 * encapsulation the registered one, or IP-in-IP (RFC 2004 §3). */
	if (outer->saddr != r->t.ha || outer->daddr != r->t.coa ||
	    (nh != xmip_mip4_proto(r->t.encap) && nh != XMIP_IPPROTO_IPIP) ||
	    (udp ? (!r->t.ha_port || udp->source != r->t.ha_port) : r->t.ha_port != 0)) {
		xmip_count(XMIP_STAT_DROP_MIP4_NODE_NOT_HA);
		return XMIP_NODE_DROP;
	}
	if (r->minenc)
		r->hdr.check = xmip_ip4_hdr_csum(&r->hdr);
	return XMIP_NODE_DECAP;
}

/* Decapsulate per *r (the checks passed): 0, or -1 (counted). */
static __always_inline int xmip_node_decap(struct __sk_buff *skb, struct xmip_node_rev *r)
{
	__s32 strip = r->strip;

	if (r->minenc) {
		if (strip > 64 || bpf_skb_adjust_room(skb, -strip, BPF_ADJ_ROOM_NET, 0) ||
		    bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &r->hdr, sizeof(r->hdr), 0))
			goto fail;
	} else {
		void *data, *data_end;
		struct iphdr *in;

		if (strip > 64 || bpf_skb_adjust_room(skb, -strip, BPF_ADJ_ROOM_MAC,
						      BPF_F_ADJ_ROOM_DECAP_L3_IPV4))
			goto fail;
		data = xmip_skb_data(skb);
		data_end = xmip_skb_data_end(skb);
		in = data + XMIP_ETH_HLEN;
		if ((void *)(in + 1) > data_end)
			goto fail;
		if (r->set_ce) {
			__u8 vi = *(__u8 *)in, tos = in->tos;

			in->check = xmip_csum_replace16(in->check, bpf_htons((__u16)vi << 8 | tos),
							bpf_htons((__u16)vi << 8 | (tos | XMIP_ECN_CE)));
			in->tos = tos | XMIP_ECN_CE;
		}
	}
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + r->ilen &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + r->ilen, 0))
		goto fail;
	return 0;
fail:
	xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
	return -1;
}

/*
 * The FA: send the outer packet on as a router would, from the interface it
 * came in on (a forwarding lookup: the output lookup of xmip_fib_output_tc4
 * would pin the visited interface as the output one).
 */
static __always_inline int xmip_node_forward(struct __sk_buff *skb, struct iphdr *ip4)
{
	struct bpf_fib_lookup p;
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth;
	long rc;

	if ((void *)(ip4 + 1) > data_end)
		return TC_ACT_SHOT;
	__builtin_memset(&p, 0, sizeof(p));
	p.family = 2;   /* AF_INET */
	p.l4_protocol = ip4->protocol;
	p.tos = ip4->tos;
	p.ipv4_src = ip4->saddr;
	p.ipv4_dst = ip4->daddr;
	p.ifindex = skb->ingress_ifindex;
	rc = bpf_fib_lookup(skb, &p, sizeof(p), 0);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		xmip_count(XMIP_STAT_FALLBACK_FIB_NO_NEIGH);
		return bpf_redirect_neigh(p.ifindex, NULL, 0, 0);
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
		xmip_count(XMIP_STAT_FALLBACK_FIB_OTHER);   /* not forwarding, no route */
		return TC_ACT_SHOT;
	}
	eth = xmip_skb_data(skb);
	if ((void *)(eth + 1) > xmip_skb_data_end(skb))
		return TC_ACT_SHOT;
	__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);
	xmip_count(XMIP_STAT_FWD_REDIRECT);
	return bpf_redirect(p.ifindex, 0);
}

/*
 * Reverse-tunnel the skb's IPv4 packet (from a home address whose tunnel
 * is *t) to its home agent. fwd: the FA forwards it (TTL one less, never
 * at 1); else the MN's own. Sent where the kernel's FIB says (ingress:
 * redirected, never up the stack).
 */
static __always_inline int xmip_node_encap(struct __sk_buff *skb, const struct xmip_mip4_tun *t,
					   bool fwd)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct iphdr *ip4 = data + XMIP_ETH_HLEN;
	struct xmip_mip4_inner in = { };
	struct ethhdr *eth;
	__u32 plen, grow, gso = skb->gso_size;
	__u64 flags = 0;

	barrier_var(gso);
	if ((void *)(ip4 + 1) > data_end || ip4->ihl < 5) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (fwd && ip4->ttl <= 1) {
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);   /* the kernel sends Time Exceeded */
		return TC_ACT_OK;
	}
	in.len = bpf_ntohs(ip4->tot_len);
	in.kind = t->encap;
	in.udp = t->ha_port != 0;
	in.port = t->ha_port;
	in.sport = t->port;
	if (in.kind == XMIP_ENCAP_MIP4_MINENC &&
	    (ip4->ihl != 5 || (ip4->frag_off & bpf_htons(XMIP_IP4_MF | XMIP_IP4_OFFMASK)) || gso)) {
		in.kind = XMIP_ENCAP_MIP4_IPIP;
		xmip_count(XMIP_STAT_MIP4_MINENC_AS_IPIP);
	}
	in.grow = xmip_mip4_grow(in.kind, in.udp);
	if (fwd)
		xmip_node_ttl_dec(ip4);
	in.saddr = ip4->saddr;
	in.daddr = ip4->daddr;
	in.id = ip4->id;
	in.frag_off = ip4->frag_off;
	in.tos = ip4->tos;
	in.ttl = ip4->ttl;
	in.proto = ip4->protocol;
	if (!gso && skb->len > XMIP_ETH_HLEN + in.len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + in.len, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	plen = skb->len - XMIP_ETH_HLEN;
	grow = in.grow;
	if (plen + grow > 0xffff)
		plen = 0xffff - grow;
	if (in.kind != XMIP_ENCAP_MIP4_MINENC) {
		flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
		if (in.udp)
			flags |= BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
				 BPF_F_ADJ_ROOM_ENCAP_L2(in.kind == XMIP_ENCAP_MIP4_GRE ? 8 : 4);
		else if (in.kind == XMIP_ENCAP_MIP4_GRE)
			flags |= BPF_F_ADJ_ROOM_ENCAP_L4_GRE;
	}
	barrier_var(grow);
	if (grow < XMIP_MIP4_MF_LEN || grow > 64 ||
	    bpf_skb_adjust_room(skb, grow, BPF_ADJ_ROOM_MAC, flags) || xmip_node_pull(skb)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	if ((void *)(eth + 1) > data_end ||
	    xmip_mip4_write(data + XMIP_ETH_HLEN, data_end, &in, t->coa, t->ha, plen)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	eth->h_proto = bpf_htons(ETH_P_IP);
	xmip_count(XMIP_STAT_MIP4_NODE_ENCAP_OK);
	if ((void *)(eth + 1) + sizeof(struct iphdr) > data_end)
		return TC_ACT_SHOT;
	if (!fwd)
		return xmip_fib_output_tc4(skb, (void *)(eth + 1), t->ifindex, false);
	return xmip_node_forward(skb, (void *)(eth + 1));
}

/* Is the packet for this node (or not forwardable at all)? A FIB lookup as the kernel's. */
static __always_inline int xmip_node_local(struct __sk_buff *skb, struct iphdr *ip4)
{
	struct bpf_fib_lookup p;

	__builtin_memset(&p, 0, sizeof(p));
	p.family = 2;   /* AF_INET */
	p.l4_protocol = ip4->protocol;
	p.tos = ip4->tos;
	p.ipv4_src = ip4->saddr;
	p.ipv4_dst = ip4->daddr;
	p.ifindex = skb->ingress_ifindex;
	return bpf_fib_lookup(skb, &p, sizeof(p), 0) == BPF_FIB_LKUP_RET_NOT_FWDED;
}

/* tc ingress of the FA's and the MN's interfaces. */
static __always_inline int xmip_mip4_node_ingress(struct __sk_buff *skb)
{
	struct xmip_node_rev r = { };
	struct xmip_mip4_tun_key k;
	struct xmip_mip4_tun *t;
	void *data, *data_end;
	struct ethhdr *eth;
	struct iphdr *ip4;
	int act;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (xmip_node_pull(skb)) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	act = xmip_node_tunnel_check(data, data_end, &r);
	if (act == XMIP_NODE_DROP)
		return TC_ACT_SHOT;
	if (act == XMIP_NODE_DECAP) {
		if (xmip_node_decap(skb, &r))
			return TC_ACT_SHOT;
		xmip_count(XMIP_STAT_MIP4_NODE_DECAP_OK);
		if (!(r.t.flags & XMIP_MIP4_TUN_F_FA))
			return TC_ACT_OK;   /* the MN: up the stack, to the home address */
		/* RFC 5944 §4.2.2: to the visitor's link-layer address on its link. */
		data = xmip_skb_data(skb);
		data_end = xmip_skb_data_end(skb);
		eth = data;
		if ((void *)(eth + 1) > data_end)
			return TC_ACT_SHOT;
		__builtin_memcpy(eth->h_dest, r.t.mac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, r.t.smac, ETH_ALEN);
		eth->h_proto = bpf_htons(ETH_P_IP);
		xmip_count(XMIP_STAT_FWD_REDIRECT);
		return bpf_redirect(r.t.ifindex, 0);
	}
	/* The FA: a visitor's packet to reverse-tunnel? */
	eth = data;
	ip4 = data + XMIP_ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end)
		return TC_ACT_OK;
	k.hoa = ip4->saddr;
	t = bpf_map_lookup_elem(&xmip_mip4_tun, &k);
	if (!t || !(t->flags & XMIP_MIP4_TUN_F_FA) || !(t->flags & XMIP_MIP4_TUN_F_REVERSE) ||
	    t->ifindex != skb->ingress_ifindex || !xmip_node_mac_eq(eth->h_source, t->mac)) {
		xmip_count(XMIP_STAT_PASS_MIP4_NODE);
		return TC_ACT_OK;
	}
	/* Packets to the FA itself (registration requests to its address on the
	 * link, solicitations) and to no unicast destination stay (RFC 3024 §4.2). */
	if (ip4->daddr == t->coa || xmip_node_special(ip4->daddr) || xmip_node_local(skb, ip4)) {
		xmip_count(XMIP_STAT_PASS_MIP4_NODE);
		return TC_ACT_OK;
	}
	__builtin_memcpy(&r.t, t, sizeof(r.t));
	return xmip_node_encap(skb, &r.t, true);
}

/* tc egress (the MN): its packets from the home address through the reverse tunnel. */
static __always_inline int xmip_mip4_node_egress(struct __sk_buff *skb)
{
	struct xmip_mip4_tun_key k;
	struct xmip_mip4_tun t, *p;
	void *data, *data_end;
	struct iphdr *ip4;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (xmip_node_pull(skb))
		return TC_ACT_OK;
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip4 = data + XMIP_ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end || ip4->version != 4)
		return TC_ACT_OK;
	k.hoa = ip4->saddr;
	p = bpf_map_lookup_elem(&xmip_mip4_tun, &k);
	if (!p || (p->flags & XMIP_MIP4_TUN_F_FA) || !(p->flags & XMIP_MIP4_TUN_F_REVERSE) ||
	    p->ifindex != skb->ifindex)
		return TC_ACT_OK;
	__builtin_memcpy(&t, p, sizeof(t));
	/* Not its registrations (from the care-of address anyway) nor to its HA's tunnel end. */
	if (ip4->daddr == t.ha && ip4->protocol == XMIP_NAT_UDP)
		return TC_ACT_OK;
	return xmip_node_encap(skb, &t, false);
}

#endif /* XMIP_BPF_MIP4_NODE_H */
