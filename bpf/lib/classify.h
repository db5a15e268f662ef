/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Classify a frame once, for every family handler of a role: ethertype;
 * IPv6 or IPv4; addressed to this node or not; the upper-layer protocol
 * (after IPv6 extension headers) and the UDP ports. The role's entry
 * (bpf/xmip_<role>.bpf.c) switches on the class and the protocol and hands
 * the packet to a family handler (bpf/<family>/) with the result, so a
 * new family is a new handler and one more case in the entry, and no
 * family parses headers another family has parsed already.
 *
 * What is decided here for every family, and counted here:
 *  - a truncated Ethernet or IPv6 header, a malformed IPv6 extension-header
 *    chain to this node: DROP_MALFORMED (as the kernel would);
 *  - an extension-header chain to this node deeper than we walk:
 *    PASS_NOT_OURS (the kernel's to judge);
 *  - a non-first fragment to this node: PASS_FRAGMENT (no upper-layer
 *    header to classify; the kernel reassembles), unless it carries a
 *    route-optimisation header the role restores in every fragment
 *    (xmip_local.frag_ro; then IP6_LOCAL with frag XMIP_FRAG_LATER).
 * Everything else goes back to the entry as a class.
 */
#ifndef XMIP_BPF_CLASSIFY_H
#define XMIP_BPF_CLASSIFY_H

#include "lib/common.h"
#include "lib/parse.h"
#include "lib/ipv4.h"
#include "lib/stats.h"

#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif

enum xmip_class {
	XMIP_CLS_DONE = 0,      /* verdict decided and counted here: return it */
	XMIP_CLS_IP6_LOCAL,     /* IPv6 to one of this node's addresses */
	XMIP_CLS_IP6_TRANSIT,   /* IPv6 to anyone else (perhaps a home address we serve) */
	XMIP_CLS_IP4_LOCAL,     /* IPv4 to this node's IPv4 address */
	XMIP_CLS_IP4_TRANSIT,   /* IPv4 to anyone else */
	XMIP_CLS_IP4_INVALID,   /* IPv4 the kernel drops: version, lengths, header checksum */
	XMIP_CLS_OTHER,         /* neither IPv6 nor IPv4 (ARP, ...) */
};

/* What classify found. Offsets are from the start of the frame. */
struct xmip_cls {
	__u16 l3_off;       /* IP header (after Ethernet) */
	__u16 l4_off;       /* upper-layer header (IPv6: after the walked extension headers) */
	__u16 l3_len;       /* IP packet length: IPv6 40 + payload length; IPv4 total length */
	__u16 sport;        /* UDP source port, host order (0: not UDP or header not here) */
	__u16 dport;        /* UDP destination port, host order (idem) */
	__u8  proto;        /* upper-layer protocol; IPv6 transit: the first next header */
	__u8  frag;         /* XMIP_FRAG_* (a first fragment: upper layer cut) */
	__u8  ip4_opts;     /* IPv4 header carries options */
	__u8  pad[3];
	struct xmip_ip6_layers ip6;   /* IP6_LOCAL: what the extension-header walk found */
};

/* xmip_local.frag_ro: which headers of the unfragmentable part the role's
 * handlers restore in a non-first fragment (RFC 8200 §4.5: a Destination
 * Options header before the Fragment header, and a routing header, are in
 * every fragment; RFC 6275 §6.3, §6.4). */
#define XMIP_FRAG_RO_HAO 1      /* a Home Address option (a correspondent) */
#define XMIP_FRAG_RO_RH2 2      /* a type-2 routing header (a mobile node) */

/* This node's addresses, as the role knows them (NULL / 0: none). */
struct xmip_local {
	const void *ip6[2];
	__be32      ip4;
	__u8        frag_ro;    /* XMIP_FRAG_RO_*: later fragments handed on (0: passed) */
};

/*
 * The extension-header walk of an IPv6 packet `ip6_off` octets into the
 * frame, with the Home Address option scan. A global function: verified
 * once on its own instead of once per path through the entry (the walk
 * loops over eight headers; inlined, it multiplied the verifier's work of
 * every program). Returns the upper-layer protocol (out filled in) or a
 * negative XMIP_PARSE_*; XMIP_IPPROTO_FRAGMENT for a non-first fragment.
 */
__noinline int xmip_xdp_ip6_walk(struct xdp_md *ctx, __u32 ip6_off, struct xmip_ip6_layers *out)
{
	void *data, *data_end;
	struct xmip_cursor c = { };
	struct ipv6hdr *ip6;

	barrier_var(ip6_off);   /* bound and use the same register (verifier) */
	if (!ctx || !out || ip6_off > 64)
		return XMIP_PARSE_MALFORMED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + ip6_off;
	if ((void *)(ip6 + 1) > data_end)
		return XMIP_PARSE_TRUNCATED;
	c.pos = ip6 + 1;
	c.end = data_end;
	return xmip_parse_ext_xdp(ctx, &c, ip6, ip6_off, ip6->nexthdr, out);
}

/* tc: the same walk over the skb's linear data. */
__noinline int xmip_skb_ip6_walk(struct __sk_buff *skb, __u32 ip6_off, struct xmip_ip6_layers *out)
{
	void *data, *data_end;
	struct xmip_cursor c = { };
	struct ipv6hdr *ip6;

	barrier_var(ip6_off);
	if (!skb || !out || ip6_off > 64)
		return XMIP_PARSE_MALFORMED;
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip6 = data + ip6_off;
	if ((void *)(ip6 + 1) > data_end)
		return XMIP_PARSE_TRUNCATED;
	c.pos = ip6 + 1;
	c.end = data_end;
	return xmip_parse_ext_skb(skb, &c, ip6, ip6_off, ip6->nexthdr, out);
}

static __always_inline int xmip_is_local6(const struct xmip_local *me, const struct in6_addr *a)
{
	return (me->ip6[0] && xmip_addr_eq(a, me->ip6[0])) ||
	       (me->ip6[1] && xmip_addr_eq(a, me->ip6[1]));
}

/* UDP ports, when the whole UDP header is in the frame at l4_off. */
static __always_inline void xmip_cls_ports(void *data, void *data_end, struct xmip_cls *cls)
{
	__u32 off = cls->l4_off;
	struct udphdr *udp;

	barrier_var(off);    /* compare and add the same register (verifier) */
	if (cls->proto != XMIP_IPPROTO_UDP || cls->frag == XMIP_FRAG_LATER || off > 1024)
		return;
	udp = data + off;
	if ((void *)(udp + 1) > data_end)
		return;
	cls->sport = bpf_ntohs(udp->source);
	cls->dport = bpf_ntohs(udp->dest);
}

static __always_inline int xmip_classify_ip6(void *ctx, bool skb, struct xmip_cursor *c,
					     const struct xmip_local *me, struct xmip_cls *cls,
					     int *verdict)
{
	struct ipv6hdr *ip6;
	int proto;

	proto = xmip_parse_ip6(c, &ip6);
	if (proto < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		*verdict = XDP_DROP;
		return XMIP_CLS_DONE;
	}
	cls->l3_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	cls->proto = proto;
	cls->l4_off = cls->l3_off + sizeof(*ip6);
	if (!xmip_is_local6(me, &ip6->daddr))
		return XMIP_CLS_IP6_TRANSIT;

	/* To this node: find the upper layer behind the extension headers. */
	proto = skb ? xmip_skb_ip6_walk(ctx, cls->l3_off, &cls->ip6) :
		      xmip_xdp_ip6_walk(ctx, cls->l3_off, &cls->ip6);
	if (proto == XMIP_PARSE_TOO_DEEP) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		*verdict = XDP_PASS;
		return XMIP_CLS_DONE;
	}
	if (proto < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		*verdict = XDP_DROP;
		return XMIP_CLS_DONE;
	}
	if (proto == XMIP_IPPROTO_FRAGMENT) {
		/* A HAO or RH2 in front of the Fragment header is in every
		 * fragment, and our kernels drop each one on it: the role
		 * restores it in every fragment (so they reassemble under one
		 * source and destination), the upper layer left to the kernel.
		 * l4_off: the Fragment header. Not past a routing header with
		 * segments left (not ours yet). */
		if (!cls->ip6.rh_not_final &&
		    (((me->frag_ro & XMIP_FRAG_RO_HAO) && cls->ip6.has_hao) ||
		     ((me->frag_ro & XMIP_FRAG_RO_RH2) && cls->ip6.has_rh2))) {
			cls->proto = proto;
			cls->frag = XMIP_FRAG_LATER;
			cls->l4_off = cls->l3_off + cls->ip6.l4_off;
			return XMIP_CLS_IP6_LOCAL;
		}
		xmip_count(XMIP_STAT_PASS_FRAGMENT);
		*verdict = XDP_PASS;
		return XMIP_CLS_DONE;
	}
	/* Not the final destination yet: the kernel processes the routing
	 * header (and forwards or drops), for every family. */
	if (cls->ip6.rh_not_final) {
		xmip_count(XMIP_STAT_PASS_RH_SEGS_LEFT);
		*verdict = XDP_PASS;
		return XMIP_CLS_DONE;
	}
	cls->proto = proto;
	cls->frag = cls->ip6.frag ? XMIP_FRAG_FIRST : XMIP_FRAG_NONE;
	cls->l4_off = cls->l3_off + cls->ip6.l4_off;
	xmip_cls_ports(c->start, c->end, cls);
	return XMIP_CLS_IP6_LOCAL;
}

static __always_inline int xmip_classify_ip4(struct xmip_cursor *c,
					     const struct xmip_local *me, struct xmip_cls *cls,
					     int *verdict)
{
	void *data_end = c->end;
	struct xmip_ip4_info info;
	struct iphdr *ip4;
	int proto;

	proto = xmip_parse_ip4(c, &ip4, &info);
	if (proto < 0)
		return XMIP_CLS_IP4_INVALID;
	if (!xmip_ip4_csum_ok(ip4, info.hlen, data_end))
		return XMIP_CLS_IP4_INVALID;
	cls->l3_len = info.tot_len;
	cls->proto = proto;
	cls->frag = info.frag;
	cls->ip4_opts = info.has_opts;
	cls->l4_off = cls->l3_off + info.hlen;
	if (!me->ip4 || ip4->daddr != me->ip4)
		return XMIP_CLS_IP4_TRANSIT;
	if (info.frag == XMIP_FRAG_LATER) {
		xmip_count(XMIP_STAT_PASS_FRAGMENT);
		*verdict = XDP_PASS;
		return XMIP_CLS_DONE;
	}
	xmip_cls_ports(c->start, c->end, cls);
	return XMIP_CLS_IP4_LOCAL;
}

/*
 * Classify the frame [data, data_end) of ctx (an XDP frame, or with skb
 * set an skb's linear data). Returns an enum xmip_class with *cls filled
 * in, or XMIP_CLS_DONE with *verdict (XDP_PASS or XDP_DROP; the tc
 * entries translate) set and counted.
 */
static __always_inline int xmip_classify(void *ctx, bool skb, void *data, void *data_end,
					 const struct xmip_local *me, struct xmip_cls *cls,
					 int *verdict)
{
	struct xmip_cursor c = { .pos = data, .end = data_end, .start = data,
				 .pkt_len = skb ? ((struct __sk_buff *)ctx)->len : 0 };
	struct ethhdr *eth;
	int proto;

	__builtin_memset(cls, 0, sizeof(*cls));
	proto = xmip_parse_eth(&c, &eth);
	if (proto < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		*verdict = XDP_DROP;
		return XMIP_CLS_DONE;
	}
	cls->l3_off = sizeof(*eth);
	if (proto == ETH_P_IPV6)
		return xmip_classify_ip6(ctx, skb, &c, me, cls, verdict);
	if (proto == ETH_P_IP)
		return xmip_classify_ip4(&c, me, cls, verdict);
	return XMIP_CLS_OTHER;
}

static __always_inline int xmip_classify_xdp(struct xdp_md *ctx, const struct xmip_local *me,
					     struct xmip_cls *cls, int *verdict)
{
	return xmip_classify(ctx, false, (void *)(long)ctx->data, (void *)(long)ctx->data_end,
			     me, cls, verdict);
}

/* tc: the skb's linear data (the caller pulled enough of it). */
static __always_inline int xmip_classify_tc(struct __sk_buff *skb, const struct xmip_local *me,
					    struct xmip_cls *cls, int *verdict)
{
	return xmip_classify(skb, true, xmip_skb_data(skb), xmip_skb_data_end(skb), me, cls,
			     verdict);
}

/*
 * A first fragment of a packet a family handler would terminate (its
 * signalling, a tunnel to this node): handing it on would give the agent a
 * cut message or decapsulate half a packet. The kernel has the other
 * fragments and reassembles.
 */
static __always_inline int xmip_cls_pass_fragment(void)
{
	xmip_count(XMIP_STAT_PASS_FRAGMENT);
	return XDP_PASS;
}

#endif /* XMIP_BPF_CLASSIFY_H */
