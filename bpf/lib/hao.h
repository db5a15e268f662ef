/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * XDP: restore a packet a mobile node sent from its care-of address with a
 * Home Address option (RFC 6275 §6.3, §9.3.1) to what the upper layers
 * must see: source = the home address, no option.
 *
 * The kernels we run on lack CONFIG_IPV6_MIP6: a Home Address option
 * (type 0xC9, "discard and send Parameter Problem if unknown") makes them
 * drop the packet. Turning the option into PadN would not do either:
 * Linux drops an options header with more than 7 octets of padding
 * (RFC 4942 §2.1.9.5, net/ipv6/exthdrs.c). So the whole Destination
 * Options header goes, which we only do when it is the first header after
 * the IPv6 header and holds nothing but the option and padding (what every
 * mobile node sends); the caller drops anything else, counted.
 *
 * Before: eth | IPv6 (src CoA, nh 60) | DstOpts (nh X, HAO = HoA) | ...
 * After:  eth | IPv6 (src HoA, nh X, payload - dlen) | ...
 *
 * The upper-layer checksum is unchanged: the mobile node computed it with
 * the home address as the source (§11.3.1), the one now in the header.
 */
#ifndef XMIP_BPF_HAO_H
#define XMIP_BPF_HAO_H

#include "lib/common.h"
#include "lib/parse.h"

/*
 * 1 if the Destination Options header of `dlen` octets `off` octets into
 * the frame holds exactly one Home Address option and otherwise only
 * Pad1/PadN, 0 if it holds anything else, negative if malformed. A global
 * function: verified once, on its own.
 */
__noinline int xmip_xdp_hao_alone(struct xdp_md *ctx, __u32 off, __u32 dlen)
{
	void *data, *data_end;
	__u32 pos = 2;
	int i, haos = 0;

	if (!ctx || off > 0x3fff || dlen > 2048 || dlen < 8)
		return XMIP_PARSE_MALFORMED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	for (i = 0; i < XMIP_MAX_DST_OPTS; i++) {
		__u8 *o;

		if (pos >= dlen)
			return haos == 1;
		if (pos > 2048)
			return XMIP_PARSE_MALFORMED;
		o = data + off + pos;
		if ((void *)(o + 1) > data_end)
			return XMIP_PARSE_TRUNCATED;
		if (o[0] == 0) {                  /* Pad1 */
			pos += 1;
			continue;
		}
		if ((void *)(o + 2) > data_end)
			return XMIP_PARSE_TRUNCATED;
		if (pos + 2 + o[1] > dlen)
			return XMIP_PARSE_MALFORMED;
		if (o[0] == XMIP_OPT_HOME_ADDRESS)
			haos++;
		else if (o[0] != 1)               /* PadN */
			return 0;
		pos += 2 + o[1];
	}
	return pos >= dlen && haos == 1;   /* more options than we scan: not ours */
}

/*
 * 1 if any Destination Options header of the IPv6 packet `ip6_off` octets
 * into the frame holds a Home Address option, 0 if none does, negative if
 * the chain or an option list is malformed. The classifier scans only the
 * last Destination Options header (lib/parse.h: scanning inside its walk
 * multiplies the verifier's paths); a caller that must not pass a HAO up
 * unseen asks this when it walked more than one (dstopts_n > 1). A global
 * function, its header walk verified once; the option scan of each header
 * is xmip_xdp_find_hao's.
 */
__noinline int xmip_xdp_hao_anywhere(struct xdp_md *ctx, __u32 ip6_off)
{
	void *data, *data_end;
	struct ipv6hdr *ip6;
	__u32 off;
	__u8 nh;
	int i;

	if (!ctx || ip6_off > 64)
		return XMIP_PARSE_MALFORMED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + ip6_off;
	if ((void *)(ip6 + 1) > data_end)
		return XMIP_PARSE_TRUNCATED;
	nh = ip6->nexthdr;
	off = ip6_off + sizeof(*ip6);
	for (i = 0; i < XMIP_MAX_EXT_HDRS; i++) {
		__u8 *h;
		__u32 hlen;
		int r;

		if (!xmip_is_ext_hdr(nh))
			return 0;
		if (off > 0x3fff)
			return XMIP_PARSE_MALFORMED;
		h = data + off;
		if ((void *)(h + 8) > data_end)
			return XMIP_PARSE_TRUNCATED;
		if (nh == XMIP_IPPROTO_FRAGMENT) {
			if ((bpf_ntohs(*(__u16 *)(h + 2)) & 0xfff8) != 0)
				return 0;   /* a non-first fragment: nothing further here */
			hlen = 8;
		} else {
			hlen = ((__u32)h[1] + 1) * 8;
		}
		if (nh == XMIP_IPPROTO_DSTOPTS) {
			r = xmip_xdp_find_hao(ctx, off, hlen);
			if (r != 0)
				return r > 0 ? 1 : r;
		}
		nh = h[0];
		off += hlen;
	}
	return 0;
}

/*
 * Remove the Destination Options header of `dlen` octets that follows the
 * fixed IPv6 header (Ethernet at the start of the frame) and write `hoa`
 * as the source. 0, or -1 if it is not there or the head cannot move:
 * the caller drops the frame then.
 */
static __always_inline int xmip_hao_strip_xdp(struct xdp_md *ctx, __u32 dlen, const void *hoa)
{
	/* Two octets in front so that the addresses are 4-aligned on the stack. */
	struct {
		__u8           align[2];
		struct ethhdr  eth;
		struct ipv6hdr ip6;
	} __attribute__((packed, aligned(4))) h;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	__u8 *opts = (void *)(ip6 + 1);
	__u16 plen;

	if (dlen < 8 || dlen > 2048 || (dlen & 7))
		return -1;
	if ((void *)(opts + 8) > data_end || (void *)opts + dlen > data_end)
		return -1;
	plen = bpf_ntohs(ip6->payload_len);
	if (plen < dlen)
		return -1;
	__builtin_memcpy(&h.eth, data, sizeof(h.eth));
	__builtin_memcpy(&h.ip6, ip6, sizeof(h.ip6));
	h.ip6.nexthdr = opts[0];
	h.ip6.payload_len = bpf_htons(plen - dlen);
	xmip_addr_copy(&h.ip6.saddr, hoa);

	if (bpf_xdp_adjust_head(ctx, (int)dlen))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + sizeof(h.eth) + sizeof(h.ip6) > data_end)
		return -1;   /* cannot be: the header was in front of more than dlen */
	__builtin_memcpy(data, &h.eth, sizeof(h.eth) + sizeof(h.ip6));
	return 0;
}

/*
 * tc: the mirror image, on a mobile node (RFC 6275 §6.3, §11.3.1): a
 * packet from the home address to a correspondent with a binding leaves
 * from the care-of address with a Home Address option carrying the home
 * address, in a Destination Options header of its own right after the
 * fixed IPv6 header (24 octets: PadN(2) puts the option at 8n+6).
 *
 * Before: eth | IPv6 (src HoA, nh X) | ...
 * After:  eth | IPv6 (src CoA, nh 60, payload + 24) | DstOpts (nh X, len 2,
 *         PadN 4, HAO = HoA) | ...
 *
 * The upper-layer checksum is untouched: the correspondent processes the
 * packet as from the home address (§9.3.1) and checks the checksum against
 * it, the source the stack used. GSO as in rh2.h: BPF_ADJ_ROOM_NET without
 * FIXED_GSO lowers gso_size by 24 and the IPv6 GSO code walks Destination
 * Options (INET6_PROTO_GSO_EXTHDR); a packet with no room (MTU, UDP GSO) is
 * left as it was (XMIP_HAO_NO_ROOM): the caller tunnels it instead.
 */
#define XMIP_HAO_HDR_LEN  24

#define XMIP_HAO_DONE     0
#define XMIP_HAO_NO_ROOM  1    /* packet unchanged */
#define XMIP_HAO_DAMAGED  2    /* room made but not filled: drop it */

struct xmip_ip6_hao {
	struct ipv6hdr  ip6;
	__u8            nexthdr;
	__u8            hdrlen;      /* 2: 24 octets */
	__u8            padn[4];     /* PadN, 2 octets of data */
	struct xmip_hao hao;
} __attribute__((packed));

static __always_inline int xmip_hao_insert_tc(struct __sk_buff *skb, const void *coa)
{
	struct xmip_ip6_hao h;
	__u32 mtu_len = 0;
	__u16 plen;

	if (bpf_skb_load_bytes(skb, XMIP_ETH_HLEN, &h.ip6, sizeof(h.ip6)))
		return XMIP_HAO_NO_ROOM;
	if (bpf_check_mtu(skb, 0, &mtu_len, XMIP_HAO_HDR_LEN, 0) != BPF_MTU_CHK_RET_SUCCESS)
		return XMIP_HAO_NO_ROOM;
	if (bpf_skb_adjust_room(skb, XMIP_HAO_HDR_LEN, BPF_ADJ_ROOM_NET, 0))
		return XMIP_HAO_NO_ROOM;

	h.nexthdr = h.ip6.nexthdr;
	h.hdrlen = XMIP_HAO_HDR_LEN / 8 - 1;
	h.padn[0] = 1;
	h.padn[1] = 2;
	h.padn[2] = 0;
	h.padn[3] = 0;
	h.hao.type = XMIP_OPT_HOME_ADDRESS;
	h.hao.len = XMIP_OPT_HOME_ADDRESS_LEN;
	xmip_addr_copy(h.hao.hoa, &h.ip6.saddr);
	xmip_addr_copy(&h.ip6.saddr, coa);
	h.ip6.nexthdr = XMIP_IPPROTO_DSTOPTS;
	plen = bpf_ntohs(h.ip6.payload_len);
	h.ip6.payload_len = plen && plen <= 0xffff - XMIP_HAO_HDR_LEN ?
			    bpf_htons(plen + XMIP_HAO_HDR_LEN) : 0;
	if (bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &h, sizeof(h), 0))
		return XMIP_HAO_DAMAGED;
	return XMIP_HAO_DONE;
}

#endif /* XMIP_BPF_HAO_H */
