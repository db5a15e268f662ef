/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMP (IPv4) Destination Unreachable, Fragmentation Needed (type 3 code
 * 4, RFC 792, RFC 1191 §4: the next-hop MTU in the low 16 bits of the
 * second word) answering an IPv4 packet too big for a tunnel whose DF is
 * set: the IPv4 twin of icmp_err.h's Packet Too Big. The frame is turned
 * into the error in place: [eth][ip4 20][icmp 8][quote], quote = the
 * offending packet from its IPv4 header, at most XMIP_ICMP4_QUOTE_MAX
 * octets (RFC 1812 §4.3.2.3: as much as fits in 576), in whole words.
 * The rate limit is icmp_err.h's (kind XMIP_RATE_PTB).
 */
#ifndef XMIP_BPF_ICMP4_ERR_H
#define XMIP_BPF_ICMP4_ERR_H

#include "lib/common.h"
#include "lib/csum.h"
#include "lib/nat.h"
#include "lib/icmp_err.h"

#define XMIP_ICMP4_QUOTE_MAX  (576 - 20 - 8)
#define XMIP_ICMP4_DEST_UNREACH 3
#define XMIP_ICMP4_FRAG_NEEDED  4

struct xmip_icmp4_err {
	__u8   smac[6], dmac[6];
	__be32 dst;              /* the offending packet's source */
	__u32  quote;
	__u16  mtu;
};

/* May the packet get an error? Not an ICMP error itself, not from 0/8, 127/8, multicast or broadcast. */
static __always_inline int xmip_icmp4_err_allowed(struct iphdr *ip4, void *data_end)
{
	__u32 s = bpf_ntohl(ip4->saddr);

	if ((s >> 24) == 0 || (s >> 24) == 127 || (s >> 28) >= 14)
		return 0;
	if (ip4->protocol == XMIP_NAT_ICMP && !(bpf_ntohs(ip4->frag_off) & XMIP_IP4_OFFMASK)) {
		__u8 *type = (void *)ip4 + ip4->ihl * 4;

		barrier_var(type);
		if ((void *)(type + 1) > data_end)
			return 0;
		/* only echo request/reply, timestamp, info, mask (queries) get errors */
		if (*type != 0 && *type != 8 && *type != 13 && *type != 14 && *type != 15 &&
		    *type != 16 && *type != 17 && *type != 18)
			return 0;
	}
	return 1;
}

static __always_inline int xmip_icmp4_err_prepare(void *data, void *data_end, __u16 mtu,
						  struct xmip_icmp4_err *e)
{
	struct ethhdr *eth = data;
	struct iphdr *ip4 = (void *)(eth + 1);
	__u32 len, q;

	if ((void *)(ip4 + 1) > data_end)
		return -1;
	__builtin_memcpy(e->dmac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(e->smac, eth->h_dest, ETH_ALEN);
	e->dst = ip4->saddr;
	len = bpf_ntohs(ip4->tot_len);
	q = len < XMIP_ICMP4_QUOTE_MAX ? len : XMIP_ICMP4_QUOTE_MAX;
	e->quote = q & ~3u;
	e->mtu = mtu;
	return 0;
}

static __always_inline int xmip_icmp4_err_fill(void *data, void *data_end, __be32 self,
					       const struct xmip_icmp4_err *e)
{
	struct ethhdr *eth = data;
	struct iphdr *ip4 = (void *)(eth + 1);
	__u8 *icmp = (void *)(ip4 + 1);
	__u32 icmp_len = 8 + e->quote;
	__s64 sum;

	if ((void *)(icmp + 8) > data_end || icmp_len > 8 + XMIP_ICMP4_QUOTE_MAX)
		return -1;
	__builtin_memcpy(eth->h_dest, e->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, e->smac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IP);
	*(__u8 *)ip4 = 0x45;
	ip4->tos = 0;
	ip4->tot_len = bpf_htons(sizeof(*ip4) + icmp_len);
	ip4->id = 0;
	ip4->frag_off = 0;
	ip4->ttl = XMIP_HOP_LIMIT_OUTER;
	ip4->protocol = XMIP_NAT_ICMP;
	ip4->saddr = self;
	ip4->daddr = e->dst;
	ip4->check = xmip_ip4_hdr_csum(ip4);
	icmp[0] = XMIP_ICMP4_DEST_UNREACH;
	icmp[1] = XMIP_ICMP4_FRAG_NEEDED;
	*(__u16 *)(icmp + 2) = 0;
	*(__u16 *)(icmp + 4) = 0;
	*(__be16 *)(icmp + 6) = bpf_htons(e->mtu);
	sum = xmip_csum_var(icmp, data_end, icmp_len, 0);
	if (sum < 0)
		return -1;
	*(__u16 *)(icmp + 2) = ~xmip_csum_fold((__u32)sum);
	return 0;
}

/* XDP: the frame (Ethernet + IPv4) becomes the error from `self`; 0 when ready for XDP_TX. */
static __always_inline int xmip_build_icmp4_err_xdp(struct xdp_md *ctx, __be32 self, __u16 mtu)
{
	const int push = 20 + 8;
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_icmp4_err e;
	__u32 frame_len;

	if (xmip_icmp4_err_prepare(data, data_end, mtu, &e))
		return -1;
	frame_len = XMIP_ETH_HLEN + push + e.quote;
	if (bpf_xdp_adjust_head(ctx, -push))
		return -1;
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	if (data + frame_len > data_end)
		return -1;
	{
		__u64 have = data_end - data;

		barrier_var(have);
		if (bpf_xdp_adjust_tail(ctx, (int)frame_len - (int)have))
			return -1;
	}
	return xmip_icmp4_err_fill(xmip_xdp_data(ctx), xmip_xdp_data_end(ctx), self, &e);
}

/* tc: the same on an skb (a GSO packet becomes one error). */
static __always_inline int xmip_build_icmp4_err_tc(struct __sk_buff *skb, __be32 self, __u16 mtu)
{
	const int push = 20 + 8;
	struct xmip_icmp4_err e;
	__u32 frame_len;

	if (xmip_icmp4_err_prepare(xmip_skb_data(skb), xmip_skb_data_end(skb), mtu, &e))
		return -1;
	frame_len = XMIP_ETH_HLEN + push + e.quote;
	if (bpf_skb_change_tail(skb, XMIP_ETH_HLEN + e.quote, 0) ||
	    bpf_skb_adjust_room(skb, push, BPF_ADJ_ROOM_MAC, 0) ||
	    bpf_skb_pull_data(skb, frame_len))
		return -1;
	return xmip_icmp4_err_fill(xmip_skb_data(skb), xmip_skb_data_end(skb), self, &e);
}

#endif /* XMIP_BPF_ICMP4_ERR_H */
