/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv6-in-IPv6 (RFC 2473) for XDP: push an outer IPv6 header in front of
 * the packet's IPv6 header, or pop the outer header plus its extension
 * headers. After each head adjustment the caller's pointers are stale;
 * these helpers return fresh ones, re-checked against data_end.
 */
#ifndef XMIP_BPF_ENCAP_H
#define XMIP_BPF_ENCAP_H

#include "lib/common.h"

/*
 * Push an outer IPv6 header (src, dst, next header 41, hop limit 64,
 * traffic class copied from the inner header). `inner_len` is the inner
 * packet's length from its IPv6 header on. On success *eth / *outer point
 * into the new frame and 0 is returned; -1 if the head could not move.
 */
static __always_inline int xmip_encap_ip6ip6(struct xdp_md *ctx, const void *src,
					     const void *dst, __u16 inner_len,
					     struct ethhdr **eth_out, struct ipv6hdr **outer_out)
{
	struct ethhdr *eth, eth_copy;
	struct ipv6hdr *outer, *inner;
	void *data, *data_end;

	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv6hdr)))
		return -1;

	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	eth = data;
	outer = (void *)(eth + 1);
	inner = (void *)(outer + 1);
	if ((void *)(inner + 1) > data_end)
		return -1;

	__builtin_memcpy(eth, &eth_copy, sizeof(*eth));
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	/* version 6, traffic class of the inner packet, flow label 0 */
	*(__be32 *)outer = bpf_htonl(0x60000000 |
				     ((__u32)inner->priority << 24) |
				     ((__u32)(inner->flow_lbl[0] & 0xf0) << 16));
	outer->payload_len = bpf_htons(inner_len);
	outer->nexthdr = XMIP_IPPROTO_IPV6;
	outer->hop_limit = XMIP_HOP_LIMIT_OUTER;
	xmip_addr_copy(&outer->saddr, src);
	xmip_addr_copy(&outer->daddr, dst);

	*eth_out = eth;
	*outer_out = outer;
	return 0;
}

/*
 * Remove `strip` octets (the outer IPv6 header and its extension headers)
 * that follow the Ethernet header. The inner packet must start right after
 * them. On success *eth / *inner point into the new frame.
 */
static __always_inline int xmip_decap_ip6ip6(struct xdp_md *ctx, __u32 strip,
					     struct ethhdr **eth_out, struct ipv6hdr **inner_out)
{
	struct ethhdr *eth, eth_copy;
	struct ipv6hdr *inner;
	void *data, *data_end;

	if (strip < sizeof(struct ipv6hdr) || strip > 0xffff)
		return -1;
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));

	if (bpf_xdp_adjust_head(ctx, (int)strip))
		return -1;

	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	eth = data;
	inner = (void *)(eth + 1);
	if ((void *)(inner + 1) > data_end)
		return -1;
	__builtin_memcpy(eth, &eth_copy, sizeof(*eth));
	*eth_out = eth;
	*inner_out = inner;
	return 0;
}

/*
 * tc: push an outer IPv6 header (src, dst, next header 41, hop limit 64,
 * traffic class of the inner packet) in front of the skb's IPv6 packet.
 * bpf_skb_adjust_room with BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 marks the skb as
 * encapsulated (inner headers, SKB_GSO_IPXIP6), so a GSO packet is cut
 * into segments that each get the outer header. 0, or -1.
 */
static __always_inline int xmip_encap_ip6ip6_tc(struct __sk_buff *skb, const void *src,
						const void *dst)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr), outer;
	__u32 inner_len, first;

	if ((void *)(ip6 + 1) > data_end)
		return -1;
	inner_len = skb->len - sizeof(struct ethhdr);
	/* GSO segmentation writes each segment's length; a super-packet's
	 * own may not fit the field. */
	if (inner_len > 0xffff)
		inner_len = 0;
	first = bpf_ntohl(*(__be32 *)ip6);
	*(__be32 *)&outer = bpf_htonl(0x60000000 | (first & 0x0ff00000));
	outer.payload_len = bpf_htons(inner_len);
	outer.nexthdr = XMIP_IPPROTO_IPV6;
	outer.hop_limit = XMIP_HOP_LIMIT_OUTER;
	xmip_addr_copy(&outer.saddr, src);
	xmip_addr_copy(&outer.daddr, dst);
	if (bpf_skb_adjust_room(skb, sizeof(outer), BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ||
	    bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &outer, sizeof(outer), 0))
		return -1;
	return 0;
}

/*
 * tc: remove `strip` octets (the outer IPv6 header and its extension
 * headers) after the Ethernet header; BPF_F_ADJ_ROOM_DECAP_L3_IPV6 tells
 * the kernel the packet is plain IPv6 again (a GRO'd tunnel packet stops
 * being an IPXIP6 GSO packet). 0, or -1.
 */
static __always_inline int xmip_decap_ip6ip6_tc(struct __sk_buff *skb, __u32 strip)
{
	if (strip < sizeof(struct ipv6hdr) || strip > 512)
		return -1;
	return bpf_skb_adjust_room(skb, -(__s32)strip, BPF_ADJ_ROOM_MAC,
				   BPF_F_ADJ_ROOM_DECAP_L3_IPV6) ? -1 : 0;
}

/* XDP: cut what follows the IPv6 packet of `ip_len` octets (Ethernet padding, junk). */
static __always_inline int xmip_xdp_trim(struct xdp_md *ctx, __u32 ip_len)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	__u64 want = XMIP_ETH_HLEN + ip_len, have = data_end - data;

	if (have <= want)
		return 0;
	return bpf_xdp_adjust_tail(ctx, -(int)(have - want)) ? -1 : 0;
}

#endif /* XMIP_BPF_ENCAP_H */
