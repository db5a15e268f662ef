/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Routing through the kernel FIB: bpf_fib_lookup parameters, and tc
 * egress output of an encapsulated skb. Every result other than success
 * becomes a counted fallback to the kernel or a counted drop: a silent
 * pass would hide a broken fast path. XDP forwarding, with its next-hop
 * cache, is in nexthop.h.
 */
#ifndef XMIP_BPF_FIB_H
#define XMIP_BPF_FIB_H

#include "lib/stats.h"

static __always_inline void xmip_fib_params_ip6(struct bpf_fib_lookup *p, const struct ipv6hdr *ip6,
						__u32 ifindex)
{
	__builtin_memset(p, 0, sizeof(*p));
	p->family = AF_INET6;
	p->l4_protocol = ip6->nexthdr;
	p->tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	p->ifindex = ifindex;
	p->flowinfo = *(const __be32 *)ip6 & bpf_htonl(0x0FFFFFFF);
	xmip_addr_copy(p->ipv6_src, &ip6->saddr);
	xmip_addr_copy(p->ipv6_dst, &ip6->daddr);
}

/*
 * tc: route the (already encapsulated) skb whose outer header is at `ip6`
 * by its outer destination: the slow path, where the kernel resolves the
 * next hop. At egress the skb was routed for its inner destination, so its
 * MACs and device may be wrong for the outer one; at ingress (`ingress`)
 * it must be sent out, never "go on" (which would take it up the stack).
 * `oif` is the preferred output interface (the CoA's), 0 for the skb's.
 */
static __always_inline int xmip_fib_output_tc_p(struct __sk_buff *skb, struct bpf_fib_lookup *pp,
						__u32 oif, bool ingress)
{
#define p (*pp)   /* the caller's parameters, filled in by the lookup */
	long rc;

	p.tot_len = 0;   /* let the helper check the skb itself (GSO aware) */
	rc = bpf_fib_lookup(skb, &p, sizeof(p), BPF_FIB_LOOKUP_OUTPUT);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS: {
		void *data = xmip_skb_data(skb);
		void *data_end = xmip_skb_data_end(skb);
		struct ethhdr *eth = data;

		if ((void *)(eth + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);
		if (p.ifindex == skb->ifindex && !ingress) {
			/* Already on the right device: let it go out. */
			xmip_count(XMIP_STAT_FWD_SAME_DEV);
			return TC_ACT_OK;
		}
		xmip_count(XMIP_STAT_FWD_REDIRECT);
		return bpf_redirect(p.ifindex, 0);
	}
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		/* The kernel resolves the neighbour for the outer destination. */
		xmip_count(XMIP_STAT_FALLBACK_FIB_NO_NEIGH);
		return bpf_redirect_neigh(p.ifindex, NULL, 0, 0);
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		/* bpf_fib_lookup answers only for forwarding hosts, and an MN
		 * usually is not one: the kernel routes the outer header and
		 * resolves its next hop itself, out of the CoA's interface. */
		xmip_count(XMIP_STAT_FWD_REDIRECT_NEIGH);
		return bpf_redirect_neigh(oif ? oif : skb->ifindex, NULL, 0, 0);
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		xmip_count(XMIP_STAT_DROP_FIB_BLACKHOLE);
		return TC_ACT_SHOT;
	default:
		/* Egress: send it on the inner route's device and MACs; counted.
		 * Ingress: the kernel would take it for a packet to itself. */
		xmip_count(XMIP_STAT_FALLBACK_FIB_OTHER);
		return ingress ? TC_ACT_SHOT : TC_ACT_OK;
	}
#undef p
}

static __always_inline int xmip_fib_output_tc(struct __sk_buff *skb, struct ipv6hdr *ip6,
					      __u32 oif, bool ingress)
{
	struct bpf_fib_lookup p;

	xmip_fib_params_ip6(&p, ip6, oif ? oif : skb->ifindex);
	return xmip_fib_output_tc_p(skb, &p, oif, ingress);
}

/* The same for an IPv4 outer header (DSMIPv6 to an IPv4 CoA). */
static __always_inline int xmip_fib_output_tc4(struct __sk_buff *skb, struct iphdr *ip4,
					       __u32 oif, bool ingress)
{
	struct bpf_fib_lookup p;

	__builtin_memset(&p, 0, sizeof(p));
	p.family = 2;   /* AF_INET */
	p.l4_protocol = ip4->protocol;
	p.tos = ip4->tos;
	p.ipv4_src = ip4->saddr;
	p.ipv4_dst = ip4->daddr;
	p.ifindex = oif ? oif : skb->ifindex;
	return xmip_fib_output_tc_p(skb, &p, oif, ingress);
}

#endif /* XMIP_BPF_FIB_H */
