/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv6 mobile node handlers (RFC 6275 §11; docs/DESIGN.md,
 * "Datapath, MN"). The MN's entries (bpf/xmip_mn.bpf.c) classify once and
 * call:
 *  - xmip_mip6_mn_signal: a Mobility Header to the CoA or the HoA (with or
 *                         without a type-2 routing header) -> the agent
 *  - xmip_mip6_mn_decap:  IPv6-in-IPv6 to the node -> from the HA to the
 *                         CoA: decapsulate; else drop (a global function)
 *  - xmip_mip6_mn_egress: tc egress, IPv6: while away, packets from the HoA
 *                         (but the agent's own signalling), and a mobile
 *                         router's from its mobile network, into the tunnel
 * Every handler reads the MN's addresses from a struct xmip_mn_view the
 * entry filled once per packet.
 */
#ifndef XMIP_BPF_MIP6_MN_H
#define XMIP_BPF_MIP6_MN_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/classify.h"
#include "lib/encap.h"
#include "lib/icmp6.h"
#include "lib/fib.h"
#include "lib/signal.h"
#include "lib/report.h"
#include "lib/role_mn.h"
#include "mip6/mn_dsmip.h"
#include "ro/mn.h"
#include "ro/mn_cn.h"

/* A Mobility Header to the node: to the agent, whole; the kernel cannot take it. */
static __always_inline int xmip_mip6_mn_signal(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	xmip_signal_xdp(ctx, XMIP_FAMILY_MIP6, cls->l3_off, cls->l3_len, NULL);
	return XDP_DROP;
}

static __always_inline int xmip_mip6_mn_is_mine(const struct xmip_mn_view *v, const void *a)
{
	return xmip_addr_eq(a, v->coa) || xmip_addr_eq(a, v->hoa);
}

/*
 * After a decap: a Mobility Header inside the tunnel (HoT, RFC 6275 §5.2.5,
 * reaches the MN through its HA) goes to the agent. Such packets carry no
 * extension headers, so one header is checked, not the whole chain (a
 * second full walk would double the verifier's work for no real packet).
 */
static __always_inline int xmip_mip6_mn_after_decap(struct xdp_md *ctx,
						    const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

	if ((void *)(ip6 + 1) > data_end)
		return XDP_PASS;
	if (ip6->nexthdr == XMIP_IPPROTO_MH && xmip_mip6_mn_is_mine(v, &ip6->daddr)) {
		__u32 len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);

		/* An inner length past the frame: malformed, before the signalling
		 * admission takes a token or makes a bucket for it. */
		if ((void *)ip6 + len > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XDP_DROP;
		}
		/* HoTI, CoTI, BU to our HoA: the correspondent's (ro/mn_cn.h). */
		xmip_signal_xdp(ctx, xmip_ro_mn_mh_family((void *)(ip6 + 1), data_end),
				sizeof(struct ethhdr), len, NULL);
		return XDP_DROP;
	}
	/* A peer's HAO (or its BU behind one): the MN as a correspondent. */
	if (ip6->nexthdr == XMIP_IPPROTO_DSTOPTS && xmip_addr_eq(&ip6->daddr, v->hoa))
		return XMIP_RO_MN_CN_DECAPPED;   /* the entry calls xmip_ro_mn_cn_decapped */
	/* Anything else, malformed included, is the kernel's to judge. */
	return XDP_PASS;
}

/* IPv6-in-IPv6 to the node (cls->ip6.l4_off octets of outer headers). */
__noinline int xmip_mip6_mn_decap(struct xdp_md *ctx, const struct xmip_cls *cls,
				  const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct ipv6hdr *inner;
	struct ethhdr *eth;
	__u32 strip;

	if (!cls || !v || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);   /* cannot be: the entry checked */
		return XDP_DROP;
	}
	/* A tunnel packet to us: only our home agent, to our CoA, may send one. */
	if (!xmip_addr_eq(&ip6->saddr, v->ha) || !xmip_addr_eq(&ip6->daddr, v->coa)) {
		xmip_count(XMIP_STAT_DROP_DECAP_NOT_HA);
		return XDP_DROP;
	}
	strip = cls->ip6.l4_off;
	barrier_var(strip);    /* compare and add the same register (verifier) */
	if (strip > 512) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	inner = (void *)ip6 + strip;
	if ((void *)(inner + 1) > data_end || inner->version != 6) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	/* The HA tunnels only packets for the HoA, and for a mobile router
	 * those for its mobile network prefixes (RFC 3963 §5.5), which its
	 * kernel then forwards to the mobile network. The outer source is no
	 * proof (anyone can write the HA's address there): anything else
	 * decapsulated and passed up would arrive as if on the CoA's link,
	 * where a host that forwards would route it on. */
	if (!xmip_addr_eq(&inner->daddr, v->hoa) && !xmip_mn_in_mnp(&inner->daddr)) {
		xmip_count(XMIP_STAT_DROP_DECAP_NOT_HOA);
		return XDP_DROP;
	}
	/* The HA never tunnels ND and decrements the hop limit of what it
	 * tunnels: hop limit 255 inside is forged. An NA with 255 passed up
	 * would be taken as on-link and could rewrite the MN's neighbour entry
	 * for its router (RFC 4861 §7.1.2), behind extension headers too. */
	if (inner->hop_limit == 255 || xmip_is_nd_message(inner, data_end)) {
		xmip_count(XMIP_STAT_DROP_TUNNELLED_ND);
		return XDP_DROP;
	}
	if (xmip_decap_ip6ip6(ctx, strip, &eth, &inner)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_MN_DECAP_OK);
	return xmip_mip6_mn_after_decap(ctx, v);
}

/* Octets of the skb we want linear to parse the IPv6 header chain. */
#define XMIP_MN_PULL_LEN 256

/* tc egress, an IPv6 packet: tunnel it to the HA if it is from the HoA while away. */
static __always_inline int xmip_mip6_mn_egress(struct __sk_buff *skb, const struct xmip_mn_view *v)
{
	struct xmip_cursor c = { };
	struct xmip_ip6_layers l;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	void *data, *data_end;
	int proto;

	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end || ip6->version != 6) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	/* A mobile router tunnels what it forwards from its mobile network
	 * too (RFC 3963 §5.5): a second lookup only for other sources. */
	if (!xmip_addr_eq(&ip6->saddr, v->hoa) && !xmip_mn_in_mnp(&ip6->saddr)) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return TC_ACT_OK;
	}
	if (!v->away) {
		/* To a peer bound at us: a type-2 routing header (ro/mn_cn.h). */
		if (xmip_addr_eq(&ip6->saddr, v->hoa)) {
			int rc = xmip_ro_mn_cn_egress_home(skb, v);

			if (rc != XMIP_RO_MN_CN_NONE)
				return rc;
		}
		xmip_count(XMIP_STAT_PASS_MN_AT_HOME);
		return TC_ACT_OK;
	}
	/* The whole header chain must be linear to be walked (it is, for
	 * locally built packets; pull only if not). */
	if (data_end - data < XMIP_MN_PULL_LEN && skb->len > data_end - data) {
		bpf_skb_pull_data(skb, skb->len < XMIP_MN_PULL_LEN ? skb->len : XMIP_MN_PULL_LEN);
		data = xmip_skb_data(skb);
		data_end = xmip_skb_data_end(skb);
		ip6 = data + sizeof(*eth);
		if ((void *)(ip6 + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
	}
	c.pos = ip6 + 1;
	c.end = data_end;
	proto = xmip_parse_ext(&c, ip6, ip6->nexthdr, &l);
	if (proto < 0 && proto != XMIP_PARSE_TOO_DEEP) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	/*
	 * A Mobility Header from the home address while away is the agent's
	 * Home Test Init, which must reach the correspondent through the home
	 * agent (RFC 6275 §5.2.5, §11.6.1): tunnelled like data, never route-
	 * optimised. The agent's other signalling leaves from the CoA (BUs
	 * with a Home Address option, CoTI), which is not ours to touch.
	 */
	if (proto == XMIP_IPPROTO_MH) {
		xmip_count(XMIP_STAT_RO_MN_SIGNAL_TUNNEL);
	} else if (v->mode == XMIP_MN_MODE_IP6 && proto >= 0) {
		/* Learning correspondents: from the home address only (a mobile
		 * router's network has no binding of its own to offer, §11.7.2). */
		if (v->learn && xmip_addr_eq(&ip6->saddr, v->hoa))
			xmip_ro_mn_learn(skb, ip6, v);
		/* A correspondent with our binding: directly, with a HAO (§11.3.1);
		 * a peer bound at us too: with its RH2 as well (ro/mn_cn.h). */
		struct xmip_binding pb;
		int rc = xmip_addr_eq(&ip6->saddr, v->hoa) &&
			 xmip_ro_mn_cn_peer(&ip6->daddr, &pb) ?
			 xmip_ro_mn_cn_egress_away(skb, v, &pb) : xmip_ro_mn_egress(skb, v);

		if (rc != XMIP_RO_MN_TUNNEL)
			return rc;
		data = xmip_skb_data(skb);
		data_end = xmip_skb_data_end(skb);
	}

	if (v->mode != XMIP_MN_MODE_IP6) {
		/* IPv4 care-of address (RFC 5555 §4.4.2): IPv6-in-IPv4 or in UDP. */
		int rc = xmip_dsmip_mn_encap(skb, v, true);

		return rc >= 0 ? rc : xmip_dsmip_mn_out4(skb, v);
	}
	if (xmip_encap_ip6ip6_tc(skb, v->coa, v->ha)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_MN_ENCAP_OK);

	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	ip6 = data + sizeof(*eth);
	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	/*
	 * The kernel routed the inner packet (from the HoA: table 4191, whose
	 * one route is the CoA link's router) and resolved its next hop: if
	 * that is the CoA interface and the router the agent found, the MACs
	 * are already those of the outer packet's next hop (the HA is behind
	 * that router): no lookup. Otherwise the slow path asks the FIB.
	 */
	if (skb->ifindex == v->coa_ifindex && xmip_mac_eq(eth->h_dest, v->gw_mac) &&
	    !xmip_mac_zero(v->gw_mac))
		return TC_ACT_OK;
	return xmip_fib_output_tc(skb, ip6, v->coa_ifindex, false);
}

/*
 * An ICMPv6 message to the node: a Packet Too Big from a router between
 * the CoA and the HA about one of our tunnel packets goes to the agent,
 * which lowers the MTU of the HoA's route (table 4191) to what is left
 * inside the tunnel; the kernel gets it too (its own PMTU for the HA).
 */
static __always_inline int xmip_mip6_mn_icmp(struct xdp_md *ctx, const struct xmip_cls *cls,
					     const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 off = cls->l4_off;
	__u8 *type;

	barrier_var(off);
	if (off > 512)
		return XDP_PASS;
	type = data + off;
	if ((void *)(type + 1) <= data_end && *type == XMIP_ICMP6_PKT_TOO_BIG &&
	    xmip_icmp_about_tunnel(type, data_end, v->coa, v->ha))
		xmip_report_xdp(ctx, cls->l3_off, cls->l3_len);
	else
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
	return XDP_PASS;
}

#endif /* XMIP_BPF_MIP6_MN_H */
