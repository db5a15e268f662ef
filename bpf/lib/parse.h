/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Header parsing, xdp-tools style: a cursor that only moves forward and
 * one function per header. Every function checks that the whole header
 * lies before `end` before touching it, and returns the next protocol or
 * a negative value when the packet is truncated or malformed.
 *
 * Works on XDP (xdp_md) and tc (__sk_buff) packet pointers alike.
 */
#ifndef XMIP_BPF_PARSE_H
#define XMIP_BPF_PARSE_H

#include "lib/common.h"

/* Extension headers walked before giving up (counted as "not ours"). */
#define XMIP_MAX_EXT_HDRS 8
/* Options scanned inside one Destination Options header. */
#define XMIP_MAX_DST_OPTS 8

#define XMIP_PARSE_TRUNCATED  -1   /* header runs past the end of the packet */
#define XMIP_PARSE_MALFORMED  -2   /* impossible length or layout */
#define XMIP_PARSE_TOO_DEEP   -3   /* more extension headers than we walk */

struct xmip_cursor {
	void *pos;
	void *end;
	void *start;      /* where the frame starts (classify) */
	__u32 pkt_len;    /* tc: the whole packet's length (only part of it is linear,
			   * [start, end)); 0: the packet ends at end (XDP) */
};

/* What the extension-header walk found after the fixed IPv6 header. */
struct xmip_ip6_layers {
	__u8  proto;      /* upper-layer protocol (41, 58, 135, 6, ...) */
	__u8  has_hao;    /* a Home Address destination option was seen */
	__u8  has_rh2;    /* a type-2 routing header was seen */
	__u8  frag;       /* a first fragment (M set): the upper layer is cut */
	__u16 l4_off;     /* octets from the IPv6 header to the upper layer */
	__u16 hao_off;    /* octets from the IPv6 header to the HAO address */
	__u16 rh2_off;    /* octets from the IPv6 header to the RH2 address */
	__u16 dstopts_off; /* octets from the IPv6 header to the last Destination
			    * Options header (where RFC 6275 §6.3 puts the HAO), 0: none */
	__u16 dstopts_len; /* its length in octets */
	__u8  rh_not_final; /* a routing header (not type 2) with segments left > 0:
			     * the packet is not for this node yet (RFC 8200 §4.4) */
	__u8  dstopts_n;  /* Destination Options headers walked: more than one, and
			   * only the last was scanned for a HAO (lib/hao.h scans all) */
};

static __always_inline int xmip_parse_eth(struct xmip_cursor *c, struct ethhdr **eth)
{
	struct ethhdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return XMIP_PARSE_TRUNCATED;
	*eth = h;
	c->pos = h + 1;
	return bpf_ntohs(h->h_proto);
}

static __always_inline int xmip_parse_ip6(struct xmip_cursor *c, struct ipv6hdr **ip6)
{
	struct ipv6hdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return XMIP_PARSE_TRUNCATED;
	if (h->version != 6)
		return XMIP_PARSE_MALFORMED;
	/* The payload the header claims must be in the frame (trailing
	 * Ethernet padding is allowed, a short frame is not). On an skb only
	 * the headers are linear: its length counts. */
	if (c->pkt_len) {
		if ((__u64)((void *)(h + 1) - c->start) + bpf_ntohs(h->payload_len) > c->pkt_len)
			return XMIP_PARSE_TRUNCATED;
	} else if ((void *)(h + 1) + bpf_ntohs(h->payload_len) > c->end) {
		return XMIP_PARSE_TRUNCATED;
	}
	*ip6 = h;
	c->pos = h + 1;
	return h->nexthdr;
}

static __always_inline int xmip_is_ext_hdr(__u8 nh)
{
	return nh == XMIP_IPPROTO_HOPOPTS || nh == XMIP_IPPROTO_ROUTING ||
	       nh == XMIP_IPPROTO_FRAGMENT || nh == XMIP_IPPROTO_DSTOPTS;
}

/*
 * Look for a Home Address option inside the Destination Options header at
 * `opts` of total length `hlen`. Returns the offset of the address from
 * `opts`, 0 when absent, negative when an option overruns the header.
 */
static __always_inline int xmip_find_hao(void *opts, __u32 hlen, void *end)
{
	__u32 off = 2;
	int i;

	for (i = 0; i < XMIP_MAX_DST_OPTS; i++) {
		__u8 *o;
		__u8 type, olen;

		if (off >= hlen)
			return 0;
		if (off > 2048)         /* ext headers are at most 2048 octets */
			return XMIP_PARSE_MALFORMED;
		o = opts + off;
		if ((void *)(o + 1) > end)
			return XMIP_PARSE_TRUNCATED;
		type = o[0];
		if (type == 0) {        /* Pad1 */
			off += 1;
			continue;
		}
		if ((void *)(o + 2) > end)
			return XMIP_PARSE_TRUNCATED;
		olen = o[1];
		if (off + 2 + olen > hlen)
			return XMIP_PARSE_MALFORMED;
		if (type == XMIP_OPT_HOME_ADDRESS) {
			if (olen != XMIP_OPT_HOME_ADDRESS_LEN)
				return XMIP_PARSE_MALFORMED;
			return off + 2;
		}
		off += 2 + olen;
	}
	return 0;
}

/*
 * XDP: the HAO scan of the Destination Options header `off` octets into the
 * frame. A global (non-inlined) function on purpose, the one exception to
 * our always-inline rule: the verifier checks a global function once, on
 * its own, instead of once per path through the caller's header walk,
 * which made the programs hit the 1M-instruction limit.
 */
__noinline int xmip_xdp_find_hao(struct xdp_md *ctx, __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *opts;

	if (!ctx || off > 0x3fff || len > 2048)
		return XMIP_PARSE_MALFORMED;
	opts = data + off;
	if (opts + 2 > data_end)
		return XMIP_PARSE_TRUNCATED;
	return xmip_find_hao(opts, len, data_end);
}

/* tc: the same scan over the skb's linear data. */
__noinline int xmip_skb_find_hao(struct __sk_buff *skb, __u32 off, __u32 len)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	void *opts;

	if (!skb || off > 0x3fff || len > 2048)
		return XMIP_PARSE_MALFORMED;
	opts = data + off;
	if (opts + 2 > data_end)
		return XMIP_PARSE_TRUNCATED;
	return xmip_find_hao(opts, len, data_end);
}

/*
 * Walk the extension headers that follow the fixed IPv6 header at `ip6`
 * (nexthdr `nh`) and fill `out`; the cursor ends at the upper layer.
 * Records where a type-2 routing header's address is, and where the last
 * Destination Options header is: the HAO scan of that header is a separate
 * step (xmip_xdp_find_hao), because inside this loop it multiplies the
 * verifier's paths (measured ~10x).
 */
static __always_inline int xmip_parse_ext(struct xmip_cursor *c, void *ip6, __u8 nh,
					  struct xmip_ip6_layers *out)
{
	__u64 off;
	int i;

	out->has_hao = 0;
	out->has_rh2 = 0;
	out->frag = 0;
	out->hao_off = 0;
	out->rh2_off = 0;
	out->dstopts_off = 0;
	out->dstopts_len = 0;
	out->rh_not_final = 0;
	out->dstopts_n = 0;

	for (i = 0; i < XMIP_MAX_EXT_HDRS; i++) {
		__u8 *h = c->pos;
		__u32 hlen;

		if (!xmip_is_ext_hdr(nh))
			break;
		/* Hop-by-Hop only right after the IPv6 header (RFC 8200 §4.1);
		 * the kernel rejects it anywhere else, so must we. */
		if (nh == XMIP_IPPROTO_HOPOPTS && i > 0)
			return XMIP_PARSE_MALFORMED;
		if ((void *)(h + 8) > c->end)   /* every ext header is >= 8 octets */
			return XMIP_PARSE_TRUNCATED;
		if (nh == XMIP_IPPROTO_FRAGMENT) {
			hlen = 8;
			/* A non-first fragment has no upper-layer header to find. */
			if ((bpf_ntohs(*(__u16 *)(h + 2)) & 0xfff8) != 0) {
				out->proto = XMIP_IPPROTO_FRAGMENT;
				out->l4_off = (__u16)(c->pos - ip6);
				return XMIP_IPPROTO_FRAGMENT;
			}
			/* Offset 0 with More Fragments: only the start of the
			 * upper layer is here (an atomic fragment is whole). */
			if (bpf_ntohs(*(__u16 *)(h + 2)) & 1)
				out->frag = 1;
		} else {
			hlen = ((__u32)h[1] + 1) * 8;
		}
		if ((void *)h + hlen > c->end)
			return XMIP_PARSE_TRUNCATED;

		if (nh == XMIP_IPPROTO_ROUTING && h[2] == XMIP_RH_TYPE2) {
			if (h[1] != XMIP_RH2_HDRLEN || h[3] != XMIP_RH2_SEGS_LEFT)
				return XMIP_PARSE_MALFORMED;
			out->has_rh2 = 1;
			out->rh2_off = (__u16)((void *)h - ip6) + 8;
		} else if (nh == XMIP_IPPROTO_ROUTING && h[3] != 0) {
			out->rh_not_final = 1;
		} else if (nh == XMIP_IPPROTO_DSTOPTS) {
			out->dstopts_off = (__u16)((void *)h - ip6);
			out->dstopts_len = hlen;
			out->dstopts_n++;
		}
		nh = h[0];
		c->pos = (void *)h + hlen;
	}
	if (xmip_is_ext_hdr(nh))
		return XMIP_PARSE_TOO_DEEP;

	off = (__u64)(c->pos - ip6);
	if (off > 0xffff)
		return XMIP_PARSE_MALFORMED;
	out->proto = nh;
	out->l4_off = off;
	return nh;
}

/*
 * XDP: the walk plus the HAO scan. `ip6_off` is where the IPv6 header
 * starts in the frame. A malformed option list is a malformed packet.
 */
static __always_inline int xmip_parse_ext_xdp(struct xdp_md *ctx, struct xmip_cursor *c,
					      void *ip6, __u32 ip6_off, __u8 nh,
					      struct xmip_ip6_layers *out)
{
	int proto = xmip_parse_ext(c, ip6, nh, out);
	int hao;

	if (proto < 0 || !out->dstopts_len)
		return proto;
	hao = xmip_xdp_find_hao(ctx, ip6_off + out->dstopts_off, out->dstopts_len);
	if (hao < 0)
		return hao;
	if (hao > 0) {
		out->has_hao = 1;
		out->hao_off = out->dstopts_off + hao;
	}
	return proto;
}

/* tc: the walk plus the HAO scan, as xmip_parse_ext_xdp. */
static __always_inline int xmip_parse_ext_skb(struct __sk_buff *skb, struct xmip_cursor *c,
					      void *ip6, __u32 ip6_off, __u8 nh,
					      struct xmip_ip6_layers *out)
{
	int proto = xmip_parse_ext(c, ip6, nh, out);
	int hao;

	if (proto < 0 || !out->dstopts_len)
		return proto;
	hao = xmip_skb_find_hao(skb, ip6_off + out->dstopts_off, out->dstopts_len);
	if (hao < 0)
		return hao;
	if (hao > 0) {
		out->has_hao = 1;
		out->hao_off = out->dstopts_off + hao;
	}
	return proto;
}

#endif /* XMIP_BPF_PARSE_H */
