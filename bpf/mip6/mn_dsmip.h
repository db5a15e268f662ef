/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * DSMIPv6 mobile node datapath (RFC 5555 §4.1, §4.4; docs/dsmip.md,
 * "Mobile node"): the tunnels of a node whose care-of address is IPv4, and
 * IPv4 home-address traffic over any care-of address.
 *  - xmip_dsmip_mn_encap: tc egress, a packet from a home address (IPv6 or
 *    IPv4) while away -> one outer header chosen by the mode the last
 *    Binding Acknowledgement set (enum xmip_mn_mode):
 *        udp4  IPv4 | UDP sport->4191 | inner   (NAT, or F)
 *        ipv4  IPv4 proto 41 / 4 | inner        (no NAT, no F)
 *        ip6   IPv6 next header 4 | inner IPv4  (IPv4 HoA, IPv6 CoA)
 *    through bpf_skb_adjust_room with the ENCAP flags, so a GSO packet
 *    (TCP from the HoA) is cut by the kernel into segments that each get
 *    the outer headers (SKB_GSO_UDP_TUNNEL, SKB_GSO_IPXIP4/6).
 *  - xmip_dsmip_mn_decap4: XDP, IPv4 to the IPv4 CoA: UDP 4191 / protocol
 *    41 / 4 from the HA -> strip the outer headers, hand the inner packet
 *    to the stack; a Mobility Header inside UDP (the BA) goes up whole to
 *    the agent's UDP socket; anything else claiming the tunnel is dropped.
 *  - xmip_dsmip_mn_decap6_ip4: XDP, IPv4-in-IPv6 from the HA to the CoA.
 */
#ifndef XMIP_BPF_MIP6_MN_DSMIP_H
#define XMIP_BPF_MIP6_MN_DSMIP_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/classify.h"
#include "lib/icmp6.h"
#include "lib/nat.h"
#include "lib/fib.h"
#include "lib/udptun.h"
#include "lib/role_mn.h"
#include "lib/signal.h"

#define XMIP_DSMIP_PORT 4191   /* RFC 5555 §8 */
#define XMIP_MN_TTL_OUTER 64

/* The first octet's traffic class / the TOS octet of the inner packet (RFC 6040: copied). */
static __always_inline __u8 xmip_dsmip_inner_tos(const void *inner, bool v6)
{
	const __u8 *p = inner;

	return v6 ? (__u8)((p[0] << 4) | (p[1] >> 4)) : p[1];
}

/*
 * tc egress: put the outer headers of v->mode in front of the skb's IP
 * packet (inner_v6: IPv6 or IPv4), then send it toward the HA. The
 * caller has checked the source is a home address and the node is away.
 */
static __always_inline int xmip_dsmip_mn_encap(struct __sk_buff *skb, const struct xmip_mn_view *v,
					       bool inner_v6)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct {
		struct iphdr  ip;
		struct udphdr udp;
	} o4 = { };
	struct ipv6hdr o6 = { };
	__u8 *inner = data + sizeof(struct ethhdr);
	__u64 flags;
	__u32 olen, len;
	__be16 proto;
	__u8 tos;

	if ((void *)(inner + 2) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	tos = xmip_dsmip_inner_tos(inner, inner_v6);
	len = skb->len - sizeof(struct ethhdr);   /* inner packet */

	if (v->mode == XMIP_MN_MODE_IP6) {
		/* Only IPv4 reaches here in this mode: IPv4-in-IPv6 (RFC 5555 §4.4.1). */
		if (inner_v6 || xmip_addr_is_special(v->coa)) {
			xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
			return TC_ACT_SHOT;
		}
		*(__be32 *)&o6 = bpf_htonl(0x60000000 | ((__u32)tos << 20));
		o6.payload_len = bpf_htons(len > 0xffff ? 0 : len);
		o6.nexthdr = XMIP_IPPROTO_IPIP;
		o6.hop_limit = XMIP_HOP_LIMIT_OUTER;
		xmip_addr_copy(&o6.saddr, v->coa);
		xmip_addr_copy(&o6.daddr, v->ha);
		olen = sizeof(o6);
		flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV6;
		proto = bpf_htons(ETH_P_IPV6);
	} else if (v->mode == XMIP_MN_MODE_IPV4 || v->mode == XMIP_MN_MODE_UDP4) {
		bool udp = v->mode == XMIP_MN_MODE_UDP4;

		if (!v->coa4 || !v->ha4) {
			xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
			return TC_ACT_SHOT;
		}
		olen = udp ? sizeof(o4) : sizeof(o4.ip);
		o4.ip.version = 4;
		o4.ip.ihl = 5;
		o4.ip.tos = tos;
		/* A GSO super-packet's length does not fit: each segment gets its own. */
		o4.ip.tot_len = bpf_htons(len + olen > 0xffff ? 0 : len + olen);
		o4.ip.frag_off = bpf_htons(XMIP_IP4_DF);
		o4.ip.ttl = XMIP_MN_TTL_OUTER;
		o4.ip.protocol = udp ? XMIP_IPPROTO_UDP :
				 inner_v6 ? XMIP_IPPROTO_IPV6 : XMIP_IPPROTO_IPIP;
		o4.ip.saddr = v->coa4;
		o4.ip.daddr = v->ha4;
		o4.ip.check = xmip_ip4_hdr_csum(&o4.ip);
		/* UDP checksum zero over IPv4 (RFC 768; RFC 5555 §4.1 leaves it to UDP). */
		o4.udp.source = v->sport;
		o4.udp.dest = v->dport;
		o4.udp.len = bpf_htons(len + sizeof(o4.udp) > 0xffff ? 0 : len + sizeof(o4.udp));
		flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | (udp ? BPF_F_ADJ_ROOM_ENCAP_L4_UDP : 0);
		proto = bpf_htons(ETH_P_IP);
	} else {
		xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
		return TC_ACT_SHOT;
	}

	/* Grows the room after the MAC header, marks the skb encapsulated
	 * (inner headers, inner protocol, GSO type) and, for IPv6 <-> IPv4,
	 * switches skb->protocol to the outer family. */
	if (bpf_skb_adjust_room(skb, olen, BPF_ADJ_ROOM_MAC, flags) ||
	    bpf_skb_store_bytes(skb, offsetof(struct ethhdr, h_proto), &proto, sizeof(proto), 0) ||
	    bpf_skb_store_bytes(skb, sizeof(struct ethhdr),
				v->mode == XMIP_MN_MODE_IP6 ? (void *)&o6 : (void *)&o4, olen, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_MN_ENCAP4_OK);
	return -1;   /* go on: the caller sends it to the next hop */
}

/*
 * After xmip_dsmip_mn_encap with an IPv4 outer header: the kernel routed
 * the inner packet (table 4191: the CoA interface), so the device is
 * right; the destination MAC is the IPv4 router's when the agent knows it,
 * else the kernel resolves the outer next hop (bpf_redirect_neigh).
 */
static __always_inline int xmip_dsmip_mn_out4(struct __sk_buff *skb, const struct xmip_mn_view *v)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (skb->ifindex == v->coa_ifindex && !xmip_mac_zero(v->gw_mac)) {
		__builtin_memcpy(eth->h_dest, v->gw_mac, ETH_ALEN);
		xmip_count(XMIP_STAT_FWD_SAME_DEV);
		return TC_ACT_OK;
	}
	xmip_count(XMIP_STAT_FWD_REDIRECT_NEIGH);
	return bpf_redirect_neigh(v->coa_ifindex ? v->coa_ifindex : skb->ifindex, NULL, 0, 0);
}

/* After an IPv4-in-IPv6 encapsulation: as mn.h does for IPv6-in-IPv6. */
static __always_inline int xmip_dsmip_mn_out6(struct __sk_buff *skb, const struct xmip_mn_view *v)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = data + sizeof(*eth);

	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (skb->ifindex == v->coa_ifindex && !xmip_mac_zero(v->gw_mac)) {
		__builtin_memcpy(eth->h_dest, v->gw_mac, ETH_ALEN);
		xmip_count(XMIP_STAT_FWD_SAME_DEV);
		return TC_ACT_OK;
	}
	return xmip_fib_output_tc(skb, ip6, v->coa_ifindex, false);
}

/* tc egress, an IPv4 packet: from the IPv4 HoA while away -> the tunnel. */
static __always_inline int xmip_dsmip_mn_egress4(struct __sk_buff *skb, const struct xmip_mn_view *v)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct iphdr *ip4 = data + sizeof(struct ethhdr);
	int rc;

	if ((void *)(ip4 + 1) > data_end || ip4->version != 4) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (!v->hoa4 || ip4->saddr != v->hoa4) {
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	if (!v->away) {
		xmip_count(XMIP_STAT_PASS_MN_AT_HOME);
		return TC_ACT_OK;
	}
	rc = xmip_dsmip_mn_encap(skb, v, false);
	if (rc >= 0)
		return rc;
	if (v->mode == XMIP_MN_MODE_IP6)
		return xmip_dsmip_mn_out6(skb, v);
	return xmip_dsmip_mn_out4(skb, v);
}

/* The inner packet at `inner` may be handed to the stack: for a home address (or a
 * mobile router's prefix), not forged ND. */
static __always_inline int xmip_dsmip_mn_inner_ok(const struct xmip_mn_view *v, void *inner,
						  void *data_end)
{
	__u8 *p = inner;

	if ((void *)(p + 1) > data_end)
		return -1;
	if ((*p >> 4) == 6) {
		struct ipv6hdr *ip6 = inner;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		/* A mobile router's prefixes too (RFC 3963 §5.5), as in mn.h. */
		if (!xmip_addr_eq(&ip6->daddr, v->hoa) && !xmip_mn_in_mnp(&ip6->daddr)) {
			xmip_count(XMIP_STAT_DROP_DECAP_NOT_HOA);
			return -2;
		}
		/* As for IPv6-in-IPv6 (mn.h): hop limit 255 or ND inside is forged. */
		if (ip6->hop_limit == 255 || xmip_is_nd_message(ip6, data_end)) {
			xmip_count(XMIP_STAT_DROP_TUNNELLED_ND);
			return -2;
		}
		return 6;
	}
	if ((*p >> 4) == 4) {
		struct iphdr *ip4 = inner;

		if ((void *)(ip4 + 1) > data_end)
			return -1;
		if (!v->hoa4 || ip4->daddr != v->hoa4) {
			xmip_count(XMIP_STAT_DROP_DECAP4_NOT_HOA);
			return -2;
		}
		return 4;
	}
	return -1;
}

/*
 * After an IPv6-in-IPv4 decapsulation (Ethernet at the start): a Mobility
 * Header to the home address — a correspondent's Home Test or BA, which the
 * HA tunnels like any packet to the HoA while the CoA is IPv4 (route
 * optimisation deleting a binding, RFC 5555 §2.4) — goes to the agent, as
 * after the IPv6 tunnel (mip6/mn.h): the kernel cannot take it. In UDP mode
 * such a message reaches the agent's UDP socket undecapsulated instead.
 */
static __always_inline int xmip_dsmip_mn_inner_mh(struct xdp_md *ctx,
						  const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	__u32 len;

	if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != XMIP_IPPROTO_MH ||
	    !xmip_addr_eq(&ip6->daddr, v->hoa))
		return XDP_PASS;
	len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	if ((void *)ip6 + len > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	xmip_signal_xdp(ctx, XMIP_FAMILY_MIP6, sizeof(struct ethhdr), len, NULL);
	return XDP_DROP;
}

/*
 * XDP: IPv4 to the IPv4 CoA (classified IP4_LOCAL). UDP to our port 4191
 * must come from the HA's address and port 4191; protocol 41 and 4 from
 * the HA's address. Others are the kernel's (counted).
 */
__noinline int xmip_dsmip_mn_decap4(struct xdp_md *ctx, const struct xmip_cls *cls,
				    const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip4;
	__u32 strip, off;
	void *inner;
	int kind;

	if (!cls || !v) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	ip4 = data + sizeof(struct ethhdr);
	if ((void *)(ip4 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	off = cls->l4_off;
	barrier_var(off);
	if (off > sizeof(struct ethhdr) + XMIP_IP4_MAX_HLEN) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (cls->proto == XMIP_IPPROTO_UDP) {
		if (cls->dport != bpf_ntohs(v->sport) || !v->sport) {
			xmip_count(XMIP_STAT_PASS_MN_NOT_TUNNEL4);
			return XDP_PASS;
		}
		if (ip4->saddr != v->ha4 || cls->sport != XMIP_DSMIP_PORT) {
			xmip_count(XMIP_STAT_DROP_DECAP4_NOT_HA);
			return XDP_DROP;
		}
		strip = off + sizeof(struct udphdr);
	} else if (cls->proto == XMIP_IPPROTO_IPV6 || cls->proto == XMIP_IPPROTO_IPIP) {
		if (!v->ha4 || ip4->saddr != v->ha4) {
			xmip_count(XMIP_STAT_DROP_DECAP4_NOT_HA);
			return XDP_DROP;
		}
		strip = off;
	} else {
		xmip_count(XMIP_STAT_PASS_MN_NOT_TUNNEL4);
		return XDP_PASS;
	}
	if (cls->frag)
		return xmip_cls_pass_fragment();
	barrier_var(strip);
	if (strip > sizeof(struct ethhdr) + XMIP_IP4_MAX_HLEN + sizeof(struct udphdr)) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	inner = data + strip;
	if ((void *)((__u8 *)inner + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	/* The protocol number must say what the version nibble says. */
	if ((cls->proto == XMIP_IPPROTO_IPV6 && (*(__u8 *)inner >> 4) != 6) ||
	    (cls->proto == XMIP_IPPROTO_IPIP && (*(__u8 *)inner >> 4) != 4)) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	/* The BA (RFC 5555 §4.2: IPv6 | MH inside UDP) is for the agent's socket. */
	if (cls->proto == XMIP_IPPROTO_UDP && (*(__u8 *)inner >> 4) == 6) {
		struct ipv6hdr *i6 = inner;

		if ((void *)(i6 + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XDP_DROP;
		}
		if (i6->nexthdr == XMIP_IPPROTO_MH) {
			xmip_count(XMIP_STAT_MN_SIGNAL_UDP);
			return XDP_PASS;
		}
	}
	kind = xmip_dsmip_mn_inner_ok(v, inner, data_end);
	if (kind == -2)
		return XDP_DROP;
	if (kind < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (xmip_udptun_adjust(ctx, (int)(strip - sizeof(struct ethhdr)),
			       xmip_udptun_ethertype(kind == 6))) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_MN_DECAP4_OK);
	return kind == 6 ? xmip_dsmip_mn_inner_mh(ctx, v) : XDP_PASS;
}

/* XDP: IPv4-in-IPv6 to the IPv6 CoA (cls->ip6.l4_off octets of outer headers). */
__noinline int xmip_dsmip_mn_decap6_ip4(struct xdp_md *ctx, const struct xmip_cls *cls,
					const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	__u32 strip;
	void *inner;
	int kind;

	if (!cls || !v || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (!xmip_addr_eq(&ip6->saddr, v->ha) || !xmip_addr_eq(&ip6->daddr, v->coa)) {
		xmip_count(XMIP_STAT_DROP_DECAP_NOT_HA);
		return XDP_DROP;
	}
	strip = cls->ip6.l4_off;
	barrier_var(strip);
	if (strip > 512) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	inner = (void *)ip6 + strip;
	kind = xmip_dsmip_mn_inner_ok(v, inner, data_end);
	if (kind == -2)
		return XDP_DROP;
	if (kind != 4) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (xmip_udptun_adjust(ctx, (int)strip, xmip_udptun_ethertype(false))) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_MN_DECAP4_OK);
	return XDP_PASS;
}

#endif /* XMIP_BPF_MIP6_MN_DSMIP_H */
