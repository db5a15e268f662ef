/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* ICMPv6 as the datapath sees it: error or not, Neighbour Discovery or not. */
#ifndef XMIP_BPF_ICMP6_H
#define XMIP_BPF_ICMP6_H

#include "lib/common.h"
#include "lib/parse.h"

/*
 * An ICMPv6 error message (type < 128) must never trigger another one
 * (RFC 4443 §2.4(e.1)), also behind extension headers. A global function,
 * like xmip_xdp_find_hao: a second header walk inlined into the program
 * would multiply the verifier's paths; this one is checked once, alone.
 * Truncated, malformed or too deep to tell: treated as an error (silence).
 * A non-first fragment cannot tell either; it gets its PTB (the usual case).
 */
static __always_inline int xmip_is_icmp6_error(void *data, void *data_end, __u32 ip6_off)
{
	struct xmip_cursor c = { };
	struct xmip_ip6_layers l;
	struct ipv6hdr *ip6;
	__u8 *type;
	int proto;

	if (ip6_off > 64)
		return 1;
	ip6 = data + ip6_off;
	if ((void *)(ip6 + 1) > data_end)
		return 1;
	c.pos = ip6 + 1;
	c.end = data_end;
	proto = xmip_parse_ext(&c, ip6, ip6->nexthdr, &l);
	if (proto < 0)
		return 1;
	if (proto != XMIP_IPPROTO_ICMPV6)
		return 0;
	type = c.pos;
	if ((void *)(type + 1) > data_end)
		return 1;
	return *type < 128;
}

__noinline int xmip_xdp_is_icmp6_error(struct xdp_md *ctx, __u32 ip6_off)
{
	if (!ctx)
		return 1;
	return xmip_is_icmp6_error((void *)(long)ctx->data, (void *)(long)ctx->data_end, ip6_off);
}

/* tc: the same over the skb's linear data. */
__noinline int xmip_skb_is_icmp6_error(struct __sk_buff *skb, __u32 ip6_off)
{
	if (!skb)
		return 1;
	return xmip_is_icmp6_error(xmip_skb_data(skb), xmip_skb_data_end(skb), ip6_off);
}

/*
 * Neighbour Discovery (RFC 4861 types 133-137) directly after the IPv6
 * header: link-scoped, answered on the link, never tunnelled.
 */
static __always_inline int xmip_is_nd_message(struct ipv6hdr *ip6, void *data_end)
{
	__u8 *type = (__u8 *)(ip6 + 1);

	if (ip6->nexthdr != XMIP_IPPROTO_ICMPV6)
		return 0;
	if ((void *)(type + 1) > data_end)
		return 0;
	return *type >= 133 && *type <= 137;
}

#endif /* XMIP_BPF_ICMP6_H */
