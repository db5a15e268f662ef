/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IPv4 header parsing (RFC 791), beside the IPv6 one in parse.h and in the
 * same style: a cursor, bounds checked before every read, the next
 * protocol or a negative XMIP_PARSE_* value. The families that will need
 * it: DSMIPv6 (UDP 4191 and IPv6-in-IPv4 to the HA, RFC 5555), Mobile
 * IPv4 (UDP 434, IP-in-IP 4, minimal encapsulation 55, GRE 47; RFC 5944,
 * 2003, 2004) and the NTMobile relay (UDP).
 */
#ifndef XMIP_BPF_IPV4_H
#define XMIP_BPF_IPV4_H

#include "lib/common.h"
#include "lib/parse.h"

#define XMIP_IP4_MIN_HLEN 20
#define XMIP_IP4_MAX_HLEN 60
#define XMIP_IP4_MF       0x2000   /* More Fragments (host order of frag_off) */
#define XMIP_IP4_OFFMASK  0x1fff   /* fragment offset, 8-octet units */

/* Fragment state of a parsed packet (IPv4 and IPv6 alike). */
#define XMIP_FRAG_NONE  0
#define XMIP_FRAG_FIRST 1          /* offset 0, more to come: the upper layer is cut */
#define XMIP_FRAG_LATER 2          /* offset > 0: no upper-layer header here */

/* What xmip_parse_ip4 found besides the protocol. */
struct xmip_ip4_info {
	__u16 hlen;        /* header length in octets, options included (20..60) */
	__u16 tot_len;     /* total length from the header (<= octets in the frame) */
	__u8  frag;        /* XMIP_FRAG_* */
	__u8  has_opts;    /* hlen > 20 */
	__u16 pad;
};

/*
 * Sum the header's 16-bit words and check that the result folds to
 * 0xffff (RFC 1071): the header checksum is right. `hlen` is 20..60 and
 * the whole header is inside the frame (xmip_parse_ip4 checked both). A
 * bounded loop over 32-bit words (at most 15), since the length is not a
 * constant that bpf_csum_diff's verifier check would take.
 */
static __always_inline int xmip_ip4_csum_ok(const struct iphdr *ip4, __u32 hlen, void *end)
{
	const __u32 *w = (const __u32 *)ip4;
	__u64 sum;
	__u32 i;

	if ((void *)(ip4 + 1) > end)
		return 0;
	sum = (__u64)w[0] + w[1] + w[2] + w[3] + w[4];
	/* Options: one word at a time, each bound checked on its own pointer
	 * (a variable offset into the packet keeps no range for the verifier). */
	for (i = 5; i < XMIP_IP4_MAX_HLEN / 4; i++) {
		const __u32 *p;

		if (i * 4 >= hlen)
			break;
		p = w + i;
		barrier_var(p);
		if ((void *)(p + 1) > end)
			return 0;
		sum += *p;
	}
	/* The words were summed in network order; folding is byte-order
	 * neutral (RFC 1071 §2(B)), and 0xffff is its own byte swap. */
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * The IPv4 header at the cursor. Checks version 4, a header length of at
 * least 20 octets that the frame holds, and a total length that covers
 * the header and fits in the frame (trailing Ethernet padding is allowed,
 * a short frame is not). Options are stepped over, not interpreted: the
 * cursor ends at the upper layer. `info` says the header length and the
 * fragment state: a later fragment has no upper-layer header, so the
 * cursor is then only where its data starts.
 */
static __always_inline int xmip_parse_ip4(struct xmip_cursor *c, struct iphdr **ip4,
					  struct xmip_ip4_info *info)
{
	struct iphdr *h = c->pos;
	__u32 hlen, tot_len;
	__u16 frag;

	if ((void *)(h + 1) > c->end)
		return XMIP_PARSE_TRUNCATED;
	if (h->version != 4 || h->ihl < 5)
		return XMIP_PARSE_MALFORMED;
	hlen = (__u32)h->ihl * 4;
	if ((void *)h + hlen > c->end)
		return XMIP_PARSE_TRUNCATED;
	tot_len = bpf_ntohs(h->tot_len);
	if (tot_len < hlen)
		return XMIP_PARSE_MALFORMED;
	/* tc: only the headers are linear; the whole packet is pkt_len long. */
	if (c->pkt_len) {
		if ((__u64)((void *)h - c->start) + tot_len > c->pkt_len)
			return XMIP_PARSE_TRUNCATED;
	} else if ((void *)h + tot_len > c->end) {
		return XMIP_PARSE_TRUNCATED;
	}
	frag = bpf_ntohs(h->frag_off);
	info->hlen = hlen;
	info->tot_len = tot_len;
	info->has_opts = hlen > XMIP_IP4_MIN_HLEN;
	info->pad = 0;
	if (frag & XMIP_IP4_OFFMASK)
		info->frag = XMIP_FRAG_LATER;
	else if (frag & XMIP_IP4_MF)
		info->frag = XMIP_FRAG_FIRST;
	else
		info->frag = XMIP_FRAG_NONE;
	*ip4 = h;
	c->pos = (void *)h + hlen;
	return h->protocol;
}

#endif /* XMIP_BPF_IPV4_H */
