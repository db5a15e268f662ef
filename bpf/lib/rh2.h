/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc: insert a type-2 routing header (RFC 6275 §6.4) after the fixed IPv6
 * header and send the packet to the care-of address, as a correspondent
 * node does for a home address it has a binding for (§9.3.2).
 *
 * Before: eth | IPv6 (dst HoA, nh X) | ...
 * After:  eth | IPv6 (dst CoA, nh 43, payload + 24) | RH2 (nh X, len 2,
 *         type 2, segments left 1, address HoA) | ...
 *
 * Upper-layer checksums stay as they are: the pseudo-header of a packet
 * with a routing header carries the final destination (RFC 8200 §8.1),
 * the home address the socket sent to; the checksum the stack wrote (or,
 * with CHECKSUM_PARTIAL, the pseudo-header sum it seeded) is already that.
 *
 * GSO: bpf_skb_adjust_room(BPF_ADJ_ROOM_NET) inserts the room between the
 * IPv6 header and what follows; without BPF_F_ADJ_ROOM_FIXED_GSO the
 * kernel lowers gso_size by the 24 octets and marks the skb for segment
 * recounting, so every segment still fits the MTU, and the IPv6 GSO code
 * walks a routing header (INET6_PROTO_GSO_EXTHDR) to the TCP header. The
 * kernel refuses UDP GSO without FIXED_GSO: such a packet, and a non-GSO
 * packet that would no longer fit the device MTU, is left as it was
 * (XMIP_RH2_NO_ROOM): sent to the home address, it reaches the mobile node
 * through its home agent, as without route optimisation.
 */
#ifndef XMIP_BPF_RH2_H
#define XMIP_BPF_RH2_H

#include "lib/common.h"

#define XMIP_RH2_LEN 24

#define XMIP_RH2_DONE     0
#define XMIP_RH2_NO_ROOM  1    /* packet unchanged: send it as it is */
#define XMIP_RH2_DAMAGED  2    /* room made but not filled: drop it */

/* The fixed IPv6 header followed by the routing header, written with one store. */
struct xmip_ip6_rh2 {
	struct ipv6hdr  ip6;
	struct xmip_rh2 rh;
} __attribute__((packed));

static __always_inline int xmip_rh2_insert_tc(struct __sk_buff *skb, const void *coa)
{
	struct xmip_ip6_rh2 h;
	__u32 mtu_len = 0;
	__u16 plen;

	if (bpf_skb_load_bytes(skb, XMIP_ETH_HLEN, &h.ip6, sizeof(h.ip6)))
		return XMIP_RH2_NO_ROOM;
	/* A GSO packet passes (its segments are checked after the room is
	 * made); a single packet must fit the device MTU with 24 more octets. */
	if (bpf_check_mtu(skb, 0, &mtu_len, XMIP_RH2_LEN, 0) != BPF_MTU_CHK_RET_SUCCESS)
		return XMIP_RH2_NO_ROOM;
	if (bpf_skb_adjust_room(skb, XMIP_RH2_LEN, BPF_ADJ_ROOM_NET, 0))
		return XMIP_RH2_NO_ROOM;

	h.rh.nexthdr = h.ip6.nexthdr;
	h.rh.hdrlen = XMIP_RH2_HDRLEN;
	h.rh.type = XMIP_RH_TYPE2;
	h.rh.segments_left = XMIP_RH2_SEGS_LEFT;
	h.rh.reserved = 0;
	xmip_addr_copy(h.rh.hoa, &h.ip6.daddr);
	xmip_addr_copy(&h.ip6.daddr, coa);
	h.ip6.nexthdr = XMIP_IPPROTO_ROUTING;
	/* A GSO super-packet whose length no longer fits gets 0: GSO writes
	 * each segment's own length (a single packet fits: MTU checked). */
	plen = bpf_ntohs(h.ip6.payload_len);
	h.ip6.payload_len = plen && plen <= 0xffff - XMIP_RH2_LEN ?
			    bpf_htons(plen + XMIP_RH2_LEN) : 0;
	if (bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &h, sizeof(h), 0))
		return XMIP_RH2_DAMAGED;
	return XMIP_RH2_DONE;
}

/*
 * XDP: the mirror image, on a mobile node (RFC 6275 §6.4, §11.3.3): remove
 * the type-2 routing header that follows the fixed IPv6 header (Ethernet at
 * the start of the frame) and make its address, the home address, the
 * destination, as a kernel with MIP6 would after processing it (our
 * kernels drop it with Parameter Problem). The caller checked the header is
 * there and carries our home address.
 *
 * Before: eth | IPv6 (dst CoA, nh 43) | RH2 (nh X, HoA) | ...
 * After:  eth | IPv6 (dst HoA, nh X, payload - 24) | ...
 *
 * The upper-layer checksum was computed over the final destination, the
 * home address (RFC 8200 §8.1), the one now in the header. 0, or -1 (the
 * caller drops the frame).
 */
static __always_inline int xmip_rh2_strip_xdp(struct xdp_md *ctx, const void *hoa)
{
	struct {
		__u8           align[2];
		struct ethhdr  eth;
		struct ipv6hdr ip6;
	} __attribute__((packed, aligned(4))) h;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_rh2 *rh = (void *)(ip6 + 1);
	__u16 plen;

	if ((void *)(rh + 1) > data_end)
		return -1;
	plen = bpf_ntohs(ip6->payload_len);
	if (plen < XMIP_RH2_LEN)
		return -1;
	__builtin_memcpy(&h.eth, data, sizeof(h.eth));
	__builtin_memcpy(&h.ip6, ip6, sizeof(h.ip6));
	h.ip6.nexthdr = rh->nexthdr;
	h.ip6.payload_len = bpf_htons(plen - XMIP_RH2_LEN);
	xmip_addr_copy(&h.ip6.daddr, hoa);

	if (bpf_xdp_adjust_head(ctx, XMIP_RH2_LEN))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(h.eth) + sizeof(h.ip6) > data_end)
		return -1;   /* cannot be: the header was in front of more than 24 octets */
	__builtin_memcpy(data, &h.eth, sizeof(h.eth) + sizeof(h.ip6));
	return 0;
}

#endif /* XMIP_BPF_RH2_H */
