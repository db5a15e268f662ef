// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip mobile node datapath (docs/DESIGN.md, "Datapath, MN"):
 *  - XDP ingress: IPv6-in-IPv6 from the home agent to the CoA is
 *    decapsulated; tunnel packets from anyone else are dropped; Mobility
 *    Header packets (with or without a type-2 routing header) to the CoA
 *    or the HoA go to the agent through the ring buffer.
 *  - tc egress: while away, packets sourced from the HoA (except Mobility
 *    Header, which the agent builds itself) are tunnelled to the home agent.
 */
#define XMIP_BINDINGS_MAX 16   /* an MN keeps no binding cache; name kept for the map set */
#include "lib/common.h"
#include "lib/entry.h"
#include "lib/maps.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/encap.h"
#include "lib/icmp6.h"
#include "lib/fib.h"
#include "lib/signal.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int mn_is_mine(const struct xmip_config *cfg, const struct in6_addr *a)
{
	return xmip_addr_eq(a, cfg->self_addr) || xmip_addr_eq(a, cfg->hoa);
}

/*
 * After a decap: a Mobility Header inside the tunnel (HoT, RFC 6275 §5.2.5,
 * reaches the MN through its HA) goes to the agent. Such packets carry no
 * extension headers, so one header is checked, not the whole chain (a
 * second full walk would double the verifier's work for no real packet).
 */
static __always_inline int mn_after_decap(struct xdp_md *ctx, struct xmip_config *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

	if ((void *)(ip6 + 1) > data_end)
		return XDP_PASS;
	if (ip6->nexthdr == XMIP_IPPROTO_MH && mn_is_mine(cfg, &ip6->daddr)) {
		xmip_signal_xdp(ctx, sizeof(struct ethhdr),
				bpf_ntohs(ip6->payload_len) + sizeof(*ip6));
		return XDP_DROP;
	}
	/* Anything else, malformed included, is the kernel's to judge. */
	return XDP_PASS;
}

SEC("xdp")
int xmip_mn_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xmip_cursor c = { .pos = data, .end = data_end };
	struct xmip_config *cfg;
	struct xmip_ip6_layers l;
	struct ethhdr *eth;
	struct ipv6hdr *ip6, *inner;
	__u32 strip;
	int proto, verdict;

	proto = xmip_xdp_enter(&c, &cfg, &eth, &ip6, &verdict);
	if (proto < 0)
		return verdict;
	if (!mn_is_mine(cfg, &ip6->daddr)) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	}
	proto = xmip_xdp_walk_local(ctx, &c, ip6, proto, &l, &verdict);
	if (proto < 0)
		return verdict;

	if (proto == XMIP_IPPROTO_MH) {
		xmip_signal_xdp(ctx, sizeof(*eth), bpf_ntohs(ip6->payload_len) + sizeof(*ip6));
		return XDP_DROP;
	}
	if (proto != XMIP_IPPROTO_IPV6) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	}

	/* A tunnel packet to us: only our home agent, to our CoA, may send one. */
	if (!xmip_addr_eq(&ip6->saddr, cfg->peer_addr) ||
	    !xmip_addr_eq(&ip6->daddr, cfg->self_addr)) {
		xmip_count(XMIP_STAT_DROP_DECAP_NOT_HA);
		return XDP_DROP;
	}
	strip = l.l4_off;
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
	/* The HA tunnels only packets for the HoA. The outer source is no
	 * proof (anyone can write the HA's address there): anything else
	 * decapsulated and passed up would arrive as if on the CoA's link,
	 * where a host that forwards would route it on. */
	if (!xmip_addr_eq(&inner->daddr, cfg->hoa)) {
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
	return mn_after_decap(ctx, cfg);
}

/* Octets of the skb we want linear to parse the IPv6 header chain. */
#define MN_PULL_LEN 256

SEC("tc")
int xmip_mn_egress(struct __sk_buff *skb)
{
	struct xmip_cursor c;
	struct xmip_config *cfg;
	struct xmip_ip6_layers l;
	struct ethhdr *eth;
	struct ipv6hdr *ip6, outer;
	__u32 inner_len, first;
	void *data, *data_end;
	int proto;

	cfg = xmip_get_config();
	if (!cfg || !(cfg->flags & XMIP_CFG_F_READY)) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return TC_ACT_OK;
	}
	if (skb->protocol != bpf_htons(ETH_P_IPV6)) {
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end || ip6->version != 6) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (!xmip_addr_eq(&ip6->saddr, cfg->hoa)) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return TC_ACT_OK;
	}
	if (!(cfg->flags & XMIP_CFG_F_AWAY)) {
		xmip_count(XMIP_STAT_PASS_MN_AT_HOME);
		return TC_ACT_OK;
	}
	/* The whole header chain must be linear to be walked (it is, for
	 * locally built packets; pull only if not). */
	if (data_end - data < MN_PULL_LEN && skb->len > data_end - data) {
		bpf_skb_pull_data(skb, skb->len < MN_PULL_LEN ? skb->len : MN_PULL_LEN);
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
	if (proto == XMIP_IPPROTO_MH) {
		/* The agent builds its own signalling whole (RFC 6275 §11). */
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return TC_ACT_OK;
	}
	if (proto < 0 && proto != XMIP_PARSE_TOO_DEEP) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}

	inner_len = skb->len - sizeof(*eth);
	if (inner_len > 0xffff) {
		/* GSO super-packets are fine (payload_len is fixed per segment),
		 * but the field cannot carry this: store 0, GSO rewrites it. */
		inner_len = 0;
	}
	/* version 6, traffic class of the inner packet, flow label 0 */
	first = bpf_ntohl(*(__be32 *)ip6);
	*(__be32 *)&outer = bpf_htonl(0x60000000 | (first & 0x0ff00000));
	outer.payload_len = bpf_htons(inner_len);
	outer.nexthdr = XMIP_IPPROTO_IPV6;
	outer.hop_limit = XMIP_HOP_LIMIT_OUTER;
	xmip_addr_copy(&outer.saddr, cfg->self_addr);
	xmip_addr_copy(&outer.daddr, cfg->peer_addr);

	if (bpf_skb_adjust_room(skb, sizeof(outer), BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ||
	    bpf_skb_store_bytes(skb, sizeof(*eth), &outer, sizeof(outer), 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_MN_ENCAP_OK);

	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip6 = data + sizeof(*eth);
	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	return xmip_fib_output_tc(skb, ip6, cfg->coa_ifindex);
}
