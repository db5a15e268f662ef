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

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ipv6hdr)))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
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
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(&eth_copy, eth, sizeof(eth_copy));

	if (bpf_xdp_adjust_head(ctx, (int)strip))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	inner = (void *)(eth + 1);
	if ((void *)(inner + 1) > data_end)
		return -1;
	__builtin_memcpy(eth, &eth_copy, sizeof(*eth));
	*eth_out = eth;
	*inner_out = inner;
	return 0;
}

#endif /* XMIP_BPF_ENCAP_H */
