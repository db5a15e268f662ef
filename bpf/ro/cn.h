/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Route optimisation, correspondent node side (RFC 6275 §9; docs/DESIGN.md,
 * "Datapath, CN"). The CN's entries (bpf/xmip_cn.bpf.c) classify once and
 * call:
 *  - xmip_ro_cn_signal: a Mobility Header to the CN (HoTI, CoTI, BU, ...)
 *                       -> the agent (ring buffer), dropped
 *  - xmip_ro_cn_hao:    a packet to the CN with a Home Address option:
 *                       from the bound CoA -> restored (source = HoA, the
 *                       option removed) and passed up; otherwise dropped,
 *                       counted, and its headers handed to the agent for a
 *                       Binding Error status 1 (§9.3.1, §9.3.3)
 *  - xmip_ro_cn_egress: tc egress: a packet from the CN's address to a
 *                       home address with a binding gets a type-2 routing
 *                       header and goes to the care-of address (§9.3.2)
 * Bindings are the role's binding cache (bpf/lib/role_cn.h) with
 * encapsulation XMIP_ENCAP_RH2; a binding past its lifetime is not used.
 */
#ifndef XMIP_BPF_RO_CN_H
#define XMIP_BPF_RO_CN_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/classify.h"
#include "lib/fib.h"
#include "lib/signal.h"
#include "lib/hao.h"
#include "lib/rh2.h"
#include "lib/ro_cache.h"

/* A Mobility Header to the CN: to the agent, whole; the kernel cannot take it. */
static __always_inline int xmip_ro_cn_signal(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	/* As a source without a binding (NULL): its bucket and the per-CPU
	 * budget (bpf/lib/signal.h); the CN's signalling is RR and BUs. */
	xmip_signal_xdp(ctx, XMIP_FAMILY_RO, cls->l3_off, cls->l3_len, NULL);
	return XDP_DROP;
}

/* A correspondent binding within its lifetime (RFC 6275 §9.6). */
static __always_inline int xmip_ro_binding_ok(const struct xmip_binding *b, __u64 now)
{
	return b->encap == XMIP_ENCAP_RH2 && b->expires_ns > now;
}

/*
 * XDP: a packet to the CN with a Home Address option (cls->ip6.has_hao),
 * not a Mobility Header. RFC 6275 §9.3.1: dropped unless the home address
 * is unicast routable and has a binding whose care-of address is the
 * packet's source; then processed as if the home address were the source.
 */
__noinline int xmip_ro_cn_hao(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_binding b;
	__u8 hoa[16];
	__u32 off, dlen;
	__u8 *p;
	__u64 now;

	if (!cls || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);   /* cannot be: the entry checked */
		return XDP_DROP;
	}
	off = cls->ip6.hao_off;
	barrier_var(off);
	if (off > 512) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	p = (void *)ip6 + off;
	if ((void *)(p + 16) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	__builtin_memcpy(hoa, p, 16);
	if (xmip_addr_is_special(hoa)) {
		xmip_count(XMIP_STAT_RO_DROP_HAO_BAD_HOA);
		return XDP_DROP;
	}
	now = bpf_ktime_get_boot_ns();
	if (xmip_binding_copy(hoa, &b) || !xmip_ro_binding_ok(&b, now) ||
	    !xmip_addr_eq(b.coa, &ip6->saddr)) {
		/* The headers are what a Binding Error needs (source, HAO, §9.3.3):
		 * the agent answers, rate-limited. The packet goes nowhere. */
		xmip_count(XMIP_STAT_RO_DROP_HAO_NO_BINDING);
		xmip_signal_xdp(ctx, XMIP_FAMILY_RO, cls->l3_off, cls->ip6.l4_off, NULL);
		return XDP_DROP;
	}
	dlen = cls->ip6.dstopts_len;
	if (cls->ip6.dstopts_off != sizeof(struct ipv6hdr) || cls->ip6.has_rh2 ||
	    xmip_xdp_hao_alone(ctx, cls->l3_off + sizeof(struct ipv6hdr), dlen) != 1) {
		xmip_count(XMIP_STAT_RO_DROP_HAO_LAYOUT);
		return XDP_DROP;
	}
	if (xmip_hao_strip_xdp(ctx, dlen, hoa)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_ro_mark_used(hoa, now);
	xmip_count(XMIP_STAT_RO_HAO_RESTORED);
	return XDP_PASS;
}

/* Octets of the skb we want linear to walk the header chain. */
#define XMIP_CN_PULL_LEN 256

/* What the tc header walk found. */
#define XMIP_CN_WALK_INSERT  0    /* insert the routing header */
#define XMIP_CN_WALK_SKIP    1    /* MH or ND: never with a routing header */
#define XMIP_CN_WALK_LAYOUT  2    /* Hop-by-Hop, a routing header, too deep, malformed */

/*
 * Walk the extension headers of the skb's IPv6 packet: a Mobility Header
 * (RFC 6275 §6.1: MH messages bypass the binding cache) or Neighbour
 * Discovery (§9.3.2) is sent as it is; a packet with Hop-by-Hop options or
 * a routing header already is not given a second one (the RH2 would have
 * to go in between); everything else gets the routing header.
 */
static __always_inline int xmip_ro_cn_walk(struct __sk_buff *skb)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	__u8 *h;
	__u8 nh;
	int i;

	if ((void *)(ip6 + 1) > data_end)
		return XMIP_CN_WALK_LAYOUT;
	nh = ip6->nexthdr;
	h = (void *)(ip6 + 1);
	for (i = 0; i < XMIP_MAX_EXT_HDRS; i++) {
		__u32 hlen;

		switch (nh) {
		case XMIP_IPPROTO_MH:
			return XMIP_CN_WALK_SKIP;
		case XMIP_IPPROTO_ICMPV6:
			if ((void *)(h + 1) > data_end)
				return XMIP_CN_WALK_INSERT;   /* not linear: cannot be ND */
			return *h >= 133 && *h <= 137 ? XMIP_CN_WALK_SKIP : XMIP_CN_WALK_INSERT;
		case XMIP_IPPROTO_HOPOPTS:
		case XMIP_IPPROTO_ROUTING:
			return XMIP_CN_WALK_LAYOUT;
		case XMIP_IPPROTO_FRAGMENT:
			/* Every fragment gets the routing header (it belongs to the
			 * unfragmentable part); a later one has no upper layer to see. */
			if ((void *)(h + 8) > data_end)
				return XMIP_CN_WALK_LAYOUT;
			if (bpf_ntohs(*(__u16 *)(h + 2)) & 0xfff8)
				return XMIP_CN_WALK_INSERT;
			hlen = 8;
			break;
		case XMIP_IPPROTO_DSTOPTS:
			if ((void *)(h + 8) > data_end)
				return XMIP_CN_WALK_LAYOUT;
			hlen = ((__u32)h[1] + 1) * 8;
			break;
		default:
			return XMIP_CN_WALK_INSERT;
		}
		nh = h[0];
		h += hlen;
		if ((void *)h > data_end)
			return XMIP_CN_WALK_LAYOUT;
	}
	return XMIP_CN_WALK_LAYOUT;
}

/* tc egress, an IPv6 packet (Ethernet at 0): route-optimise it if it goes to a bound HoA. */
static __always_inline int xmip_ro_cn_egress(struct __sk_buff *skb, const __u8 self[16])
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_binding b;
	__u8 hoa[16];
	__u64 now;
	int rc;

	if ((void *)(ip6 + 1) > data_end) {
		if (bpf_skb_pull_data(skb, sizeof(struct ethhdr) + sizeof(*ip6)))
			goto not_ours;
		data = xmip_skb_data(skb);
		data_end = xmip_skb_data_end(skb);
		ip6 = data + sizeof(struct ethhdr);
		if ((void *)(ip6 + 1) > data_end)
			goto not_ours;
	}
	if (ip6->version != 6)
		goto not_ours;
	/* Multicast, link-local and the like are never home addresses: no lookup. */
	if (xmip_addr_is_special(&ip6->daddr) || xmip_binding_copy(&ip6->daddr, &b)) {
		xmip_count(XMIP_STAT_RO_PASS_NO_BINDING);
		return TC_ACT_OK;
	}
	now = bpf_ktime_get_boot_ns();
	if (!xmip_ro_binding_ok(&b, now)) {
		/* Dead after its lifetime even with no agent to delete it (§9.6). */
		xmip_count(b.encap == XMIP_ENCAP_RH2 ? XMIP_STAT_PASS_BINDING_EXPIRED :
			   XMIP_STAT_RO_PASS_NO_BINDING);
		return TC_ACT_OK;
	}
	/* One binding cache per address of the node (§9.1): ours is the CN's. */
	if (!xmip_addr_eq(&ip6->saddr, self)) {
		xmip_count(XMIP_STAT_RO_PASS_OTHER_SRC);
		return TC_ACT_OK;
	}
	xmip_addr_copy(hoa, &ip6->daddr);

	/* The header chain must be linear to be walked (it is, for locally
	 * built packets; pull only if not). */
	if (data_end - data < XMIP_CN_PULL_LEN && skb->len > data_end - data)
		bpf_skb_pull_data(skb, skb->len < XMIP_CN_PULL_LEN ? skb->len : XMIP_CN_PULL_LEN);
	switch (xmip_ro_cn_walk(skb)) {
	case XMIP_CN_WALK_SKIP:
		xmip_count(XMIP_STAT_RO_PASS_MH_ND);
		return TC_ACT_OK;
	case XMIP_CN_WALK_LAYOUT:
		xmip_count(XMIP_STAT_RO_FALLBACK_LAYOUT);
		return TC_ACT_OK;
	}

	rc = xmip_rh2_insert_tc(skb, b.coa);
	if (rc == XMIP_RH2_NO_ROOM) {
		xmip_count(XMIP_STAT_RO_FALLBACK_TOO_BIG);
		return TC_ACT_OK;
	}
	if (rc != XMIP_RH2_DONE) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_ro_mark_used(hoa, now);
	xmip_count(XMIP_STAT_RO_RH2_OK);

	/* Routed for the home address; the care-of address may have another next hop. */
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip6 = data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	return xmip_fib_output_tc(skb, ip6, 0, false);

not_ours:
	xmip_count(XMIP_STAT_PASS_NOT_OURS);
	return TC_ACT_OK;
}

#endif /* XMIP_BPF_RO_CN_H */
