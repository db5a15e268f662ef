/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The mobile node as a correspondent for packets addressed to itself
 * (RFC 6275 §8.2, §9.3; docs/DESIGN.md, "Datapath, MN as a correspondent").
 * Another mobile node may register its care-of address with us (return
 * routability against our home address, answered by the agent's
 * correspondent code, agentd/ro/cn.c); its packets then arrive from its
 * care-of address with a Home Address option, and ours to it leave with a
 * type-2 routing header. The binding cache is the correspondent's own
 * (bpf/lib/ro_cache.h: xmip_bindings, encap RH2) and the restoration the
 * correspondent's own code (bpf/ro/cn.h, bpf/lib/hao.h): nothing is copied.
 *
 *  - xmip_ro_mn_cn_signal:  XDP, a Mobility Header to the node: HoTI, CoTI
 *                           and BU (a correspondent's to answer) go to the
 *                           agent as family ro, the rest (the mobile node's
 *                           own: HoT, CoT, BA, BRR, BE) as family mip6
 *  - xmip_ro_mn_cn_ingress: XDP, a packet to the HoA or CoA that is not a
 *                           Mobility Header: a HAO -> xmip_ro_cn_hao
 *                           (restored if the binding's CoA is the source,
 *                           else dropped and reported: Binding Error 1); an
 *                           RH2 with our HoA and a HAO (the peer is away
 *                           too) -> RH2 removed (xmip_ro_mn_rh2), then the
 *                           HAO restored the same way
 *  - xmip_ro_mn_cn_decapped: XDP, after the home agent's tunnel was removed:
 *                           the inner packet to the HoA with a HAO (a peer
 *                           bound at us while we hold no binding at it, so
 *                           it sent to our HoA) -> the same
 *  - xmip_ro_mn_cn_egress:  tc egress, a packet from the HoA to a home
 *                           address bound at us -> type-2 routing header to
 *                           its CoA (xmip_rh2_insert_tc), after the HAO when
 *                           we are away and bound at the peer (§6.3, §6.4:
 *                           IPv6, RH2, Destination Options, upper layer)
 */
#ifndef XMIP_BPF_RO_MN_CN_H
#define XMIP_BPF_RO_MN_CN_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/classify.h"
#include "lib/signal.h"
#include "lib/hao.h"
#include "lib/rh2.h"
#include "lib/role_mn.h"

/* The MN's correspondent binding cache holds its peers, not a million home addresses. */
#ifndef XMIP_BINDINGS_MAX
#define XMIP_BINDINGS_MAX 1024
#endif
#include "ro/cn.h"
#include "ro/mn.h"

/*
 * The family of a Mobility Header `mh` to the node: the messages a
 * correspondent answers (HoTI, CoTI §9.4; BU §9.5) and a type RFC 6275
 * does not know (Binding Error 2, §9.2, which the correspondent's code
 * sends) are the ro family's, everything else the mobile node's (mip6). A
 * header too short to hold the type is mip6's, which judges it malformed
 * as before.
 */
static __always_inline enum xmip_family_id xmip_ro_mn_mh_family(const __u8 *mh,
								 const void *data_end)
{
	if ((void *)(mh + 3) > data_end)
		return XMIP_FAMILY_MIP6;
	switch (mh[2]) {
	case XMIP_MH_HOTI:
	case XMIP_MH_COTI:
	case XMIP_MH_BU:
		return XMIP_FAMILY_RO;
	}
	return mh[2] > XMIP_MH_BE ? XMIP_FAMILY_RO : XMIP_FAMILY_MIP6;
}

/* XDP: a Mobility Header to the node (not a fragment): to the agent, whole. */
static __always_inline int xmip_ro_mn_cn_signal(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 off = (__u32)cls->l3_off + cls->ip6.l4_off;

	if (off > 1024)
		off = 1024;   /* past any walk: reads nothing, mip6's */
	xmip_signal_xdp(ctx, xmip_ro_mn_mh_family(data + off, data_end), cls->l3_off,
			cls->l3_len, NULL);
	return XDP_DROP;
}

/*
 * A HAO in a Destination Options header other than the last (the
 * classifier scans the last only): never restored, never passed up to a
 * kernel that drops it with Parameter Problem. XDP_PASS if there is none.
 */
static __always_inline int xmip_ro_mn_cn_hao_elsewhere(struct xdp_md *ctx, __u32 l3_off)
{
	int r = xmip_xdp_hao_anywhere(ctx, l3_off);

	if (r < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (r > 0) {
		xmip_count(XMIP_STAT_RO_DROP_HAO_LAYOUT);
		return XDP_DROP;
	}
	return XDP_PASS;
}

/*
 * XDP: IPv6 to the HoA or the CoA, not a Mobility Header. Packets without
 * a HAO or RH2 are XDP_PASS (the caller's switch goes on with them: the
 * tunnel, ICMPv6); XMIP_RO_MN_CN_NONE says so.
 */
#define XMIP_RO_MN_CN_NONE 0x103   /* no TC_ACT_* / XDP_* has this value */
/* The home agent's tunnel came off and the inner packet to the HoA has
 * Destination Options: the entry calls xmip_ro_mn_cn_decapped (not the
 * decapsulation itself: one call frame less, the stack is 512 octets). */
#define XMIP_RO_MN_CN_DECAPPED 0x104

static __always_inline int xmip_ro_mn_cn_ingress(struct xdp_md *ctx, const struct xmip_cls *cls,
						 const struct xmip_mn_view *v)
{
	struct xmip_cls c2;
	int r;

	if (cls->ip6.has_rh2) {
		r = xmip_ro_mn_rh2(ctx, cls, v);
		if (r != XDP_PASS || (!cls->ip6.has_hao && cls->ip6.dstopts_n < 2))
			return r;
		/* The RH2 was right after the IPv6 header (xmip_ro_mn_rh2 checked
		 * it): everything behind it moved 24 octets forward. */
		__builtin_memcpy(&c2, cls, sizeof(c2));
		c2.ip6.has_rh2 = 0;
		c2.ip6.rh2_off = 0;
		c2.ip6.l4_off -= XMIP_RH2_LEN;
		c2.l4_off -= XMIP_RH2_LEN;
		c2.l3_len -= XMIP_RH2_LEN;
		if (c2.ip6.dstopts_off) {
			c2.ip6.dstopts_off -= XMIP_RH2_LEN;
			c2.ip6.hao_off -= c2.ip6.has_hao ? XMIP_RH2_LEN : 0;
		}
		if (c2.ip6.has_hao)
			return xmip_ro_cn_hao(ctx, &c2);
		return xmip_ro_mn_cn_hao_elsewhere(ctx, c2.l3_off);
	}
	if (cls->ip6.has_hao)
		return xmip_ro_cn_hao(ctx, cls);
	if (cls->ip6.dstopts_n > 1 && xmip_ro_mn_cn_hao_elsewhere(ctx, cls->l3_off) != XDP_PASS)
		return XDP_DROP;
	return XMIP_RO_MN_CN_NONE;
}

/*
 * XDP, after the home agent's tunnel came off (bpf/mip6/mn.h): the inner
 * packet to the HoA carries Destination Options. A peer away from home
 * sends to our HoA (through our HA) from its CoA with a HAO when it holds
 * a binding at us but we none at it, its BU too. Walked as the classifier
 * walks (a global function, once): a Mobility Header goes to the agent, a
 * HAO is restored or refused as on the direct path; the rest goes up.
 */
__noinline int xmip_ro_mn_cn_decapped(struct xdp_md *ctx)
{
	struct xmip_cls c = { };
	void *data, *data_end;
	struct ipv6hdr *ip6;
	int proto;

	if (!ctx)
		return XDP_DROP;
	c.l3_off = sizeof(struct ethhdr);
	proto = xmip_xdp_ip6_walk(ctx, c.l3_off, &c.ip6);
	if (proto == XMIP_PARSE_TOO_DEEP || proto == XMIP_IPPROTO_FRAGMENT)
		return XDP_PASS;   /* the kernel's, as before */
	if (proto < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	ip6 = data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > data_end)
		return XDP_DROP;
	c.proto = proto;
	c.l3_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	c.l4_off = c.l3_off + c.ip6.l4_off;
	c.frag = c.ip6.frag;
	if (proto == XMIP_IPPROTO_MH) {
		if (c.frag)
			return XDP_PASS;
		if ((void *)ip6 + c.l3_len > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XDP_DROP;
		}
		return xmip_ro_mn_cn_signal(ctx, &c);
	}
	if (c.ip6.has_rh2) {
		/* No home agent tunnels a routing header to us. */
		xmip_count(XMIP_STAT_RO_MN_DROP_RH2);
		return XDP_DROP;
	}
	if (c.ip6.has_hao)
		return xmip_ro_cn_hao(ctx, &c);
	if (c.ip6.dstopts_n > 1)
		return xmip_ro_mn_cn_hao_elsewhere(ctx, c.l3_off);
	return XDP_PASS;
}

/*
 * tc egress: the live correspondent binding of `dst` (a peer's home
 * address bound at us) copied into *b: 1, else 0. One hash lookup, none
 * while the agent holds no binding (xmip_ro_peers: an array read, about
 * 40 ns less per packet from the home address); multicast, link-local and
 * the like are never home addresses.
 */
static __always_inline int xmip_ro_mn_cn_peer(const void *dst, struct xmip_binding *b)
{
	if (!xmip_ro_any_bound() || xmip_addr_is_special(dst) || xmip_binding_copy(dst, b))
		return 0;
	return xmip_ro_binding_ok(b, bpf_ktime_get_boot_ns());
}

/*
 * tc egress while away, a packet from the HoA (not a Mobility Header: the
 * caller tunnels those) to a peer home address bound at us (*b). If we
 * hold a binding at that peer too (xmip_mn_ro, for the current CoA), the
 * packet leaves from the CoA directly to the peer's CoA with both headers
 * (RFC 6275 §6.3, §6.4, §9.3.2, §11.3.1: IPv6, RH2 with the peer's HoA,
 * Destination Options with our HAO, upper layer): the HAO first
 * (xmip_hao_insert_tc), then the routing header in front of it
 * (xmip_rh2_insert_tc). The upper-layer checksum stays the stack's, over
 * HoA -> peer HoA: the peer restores both. Otherwise XMIP_RO_MN_TUNNEL
 * (our own packets to it keep the reverse tunnel: the peer would refuse a
 * HAO it holds no binding for). A packet the RH2 no longer fits after the
 * HAO leaves with the HAO alone, to the peer's home address (its home
 * agent tunnels it on): RO_FALLBACK_TOO_BIG.
 */
static __always_inline int xmip_ro_mn_cn_egress_away(struct __sk_buff *skb,
						     const struct xmip_mn_view *v,
						     const struct xmip_binding *b)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	__u8 peer[16];
	int rc;

	if ((void *)(ip6 + 1) > data_end || !xmip_ro_mn_bound(&ip6->daddr, v))
		return XMIP_RO_MN_TUNNEL;
	if (ip6->nexthdr == XMIP_IPPROTO_HOPOPTS || ip6->nexthdr == XMIP_IPPROTO_ROUTING ||
	    ip6->nexthdr == XMIP_IPPROTO_DSTOPTS || xmip_is_nd_message(ip6, data_end)) {
		xmip_count(XMIP_STAT_RO_MN_FALLBACK_TUNNEL);
		return XMIP_RO_MN_TUNNEL;
	}
	xmip_addr_copy(peer, &ip6->daddr);
	rc = xmip_hao_insert_tc(skb, v->coa);
	if (rc == XMIP_HAO_NO_ROOM) {
		xmip_count(XMIP_STAT_RO_MN_FALLBACK_TUNNEL);
		return XMIP_RO_MN_TUNNEL;
	}
	if (rc != XMIP_HAO_DONE) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_RO_MN_HAO_OK);
	rc = xmip_rh2_insert_tc(skb, b->coa);
	if (rc == XMIP_RH2_NO_ROOM) {
		xmip_count(XMIP_STAT_RO_FALLBACK_TOO_BIG);
	} else if (rc != XMIP_RH2_DONE) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	} else {
		xmip_ro_mark_used(peer, bpf_ktime_get_boot_ns());
		xmip_count(XMIP_STAT_RO_RH2_OK);
	}

	/* The CoA link's router is the next hop toward the peer's CoA too. */
	return xmip_ro_mn_out_tc(skb, v);
}

/*
 * tc egress at home, a packet from the HoA: to a peer home address bound
 * at us it gets a type-2 routing header to the peer's CoA, exactly as a
 * correspondent node's (xmip_ro_cn_egress, with our HoA as the
 * correspondent's address). XMIP_RO_MN_CN_NONE: no such binding.
 */
static __always_inline int xmip_ro_mn_cn_egress_home(struct __sk_buff *skb,
						     const struct xmip_mn_view *v)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_binding b;

	if ((void *)(ip6 + 1) > data_end || !xmip_ro_mn_cn_peer(&ip6->daddr, &b))
		return XMIP_RO_MN_CN_NONE;
	return xmip_ro_cn_egress(skb, v->hoa);
}

#endif /* XMIP_BPF_RO_MN_CN_H */
