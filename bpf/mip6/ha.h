/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv6 home agent handlers (RFC 6275 §10; docs/DESIGN.md,
 * "Datapath, HA"). The HA's entry (bpf/xmip_ha.bpf.c) classifies a frame
 * once and calls one of these:
 *  - xmip_mip6_ha_signal:    a Mobility Header to the HA -> the agent
 *  - xmip_mip6_ha_intercept: IPv6 to a home address with an IPv6-in-IPv6
 *                            binding -> tunnel to the CoA (or PTB)
 *  - xmip_mip6_ha_reverse:   IPv6-in-IPv6 to the HA -> anti-spoofing,
 *                            decapsulate, forward
 * The last two are global functions: each is verified once, on its own,
 * so another family's handlers beside them do not add to their verifier
 * budget (nor they to the other's). They get the frame through ctx only
 * (a global function takes no packet pointer) and re-check every bound.
 */
#ifndef XMIP_BPF_MIP6_HA_H
#define XMIP_BPF_MIP6_HA_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/classify.h"
#include "lib/csum.h"
#include "lib/encap.h"
#include "lib/icmp6.h"
#include "lib/ptb.h"
#include "lib/nexthop.h"
#include "lib/signal.h"
#include "lib/role_ha.h"

/*
 * MIPv6 replay state per home address (RFC 4285 Mesg-ID, last sequence
 * number): the agent's alone, no program reads it; declared here so that
 * attaching the HA creates and pins it beside the bindings it outlives.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_replay_state);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_replay SEC(".maps");

/* Whom each binding was made for (NAI hash, SPI): agent-only, read back on restart. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_ident);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ident SEC(".maps");

/* A Mobility Header to the HA: to the agent, whole; the kernel cannot take it. */
static __always_inline int xmip_mip6_ha_signal(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	xmip_signal_xdp(ctx, XMIP_FAMILY_MIP6, cls->l3_off, cls->l3_len);
	return XDP_DROP;
}

/*
 * Destination `ip6->daddr` is a home address bound to `b` (a copy of the
 * binding, taken once right after the lookup). Tunnel the packet to b's
 * CoA, or answer Packet Too Big, or leave it to the kernel, counted.
 */
__noinline int xmip_mip6_ha_intercept(struct xdp_md *ctx, const struct xmip_cls *cls,
				      const struct xmip_binding *b)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct ethhdr *eth;
	struct ipv6hdr *outer;
	__u32 inner_len, mtu;

	xmip_ha_conf_load(cfg);
	if (!cls || !b || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);   /* cannot be: the entry checked */
		return XDP_DROP;
	}
	/* A router's unicast NUD probe for the HoA must reach the HA's proxy
	 * ND (RFC 6275 §10.4.1), not the MN: tunnelled, it would arrive with
	 * hop limit 254 and be ignored. */
	if (xmip_is_nd_message(ip6, data_end)) {
		xmip_count(XMIP_STAT_PASS_ND_FOR_HOA);
		return XDP_PASS;
	}
	/* A CoA no tunnel may lead to (written by a buggy agent or `xmip
	 * binding add`) would loop back to us or leak off-link: never
	 * encapsulate to it. */
	if (xmip_addr_is_special(b->coa) || xmip_addr_eq(b->coa, cfg->self_addr) ||
	    xmip_prefix_contains(cfg->home_prefix, cfg->home_plen, b->coa)) {
		xmip_count(XMIP_STAT_DROP_BAD_COA);
		return XDP_DROP;
	}
	/* ip6_forward never forwards a link-local, multicast or loopback
	 * source ("security critical"), nor may a router forward :: (RFC 4291
	 * §2.5.2): neither may the tunnel. The kernel answers (beyond scope). */
	if (xmip_addr_is_special(&ip6->saddr)) {
		xmip_count(XMIP_STAT_FALLBACK_SRC_SCOPE);
		return XDP_PASS;
	}
	if (ip6->hop_limit <= 1) {
		/* The kernel sends the Time Exceeded. */
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);
		return XDP_PASS;
	}
	inner_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	mtu = cfg->tunnel_mtu;
	/* An IPv6 tunnel carries at least 1280 octets (RFC 2473 §7.1);
	 * 0 means "not configured": the FIB MTU check still applies. */
	if (mtu && mtu < XMIP_IPV6_MIN_MTU)
		mtu = XMIP_IPV6_MIN_MTU;
	if (mtu && inner_len > mtu) {
		if (xmip_xdp_is_icmp6_error(ctx, sizeof(struct ethhdr))) {
			xmip_count(XMIP_STAT_DROP_NO_PTB_FOR_ICMP_ERR);
			return XDP_DROP;
		}
		if (!xmip_ptb_src_ok(ip6, cfg->self_addr)) {
			xmip_count(XMIP_STAT_DROP_NO_PTB_BAD_SRC);
			return XDP_DROP;
		}
		if (!xmip_ptb_allowed()) {
			xmip_count(XMIP_STAT_DROP_PTB_RATE_LIMITED);
			return XDP_DROP;
		}
		if (xmip_build_ptb_xdp(ctx, cfg->self_addr, mtu)) {
			xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
			return XDP_DROP;
		}
		xmip_count(XMIP_STAT_PTB_SENT);
		return XDP_TX;
	}

	ip6->hop_limit--;
	if (xmip_encap_ip6ip6(ctx, cfg->self_addr, b->coa, inner_len, &eth, &outer)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_ENCAP_OK);
	return xmip_fib_forward_xdp(ctx, eth, outer, XMIP_STAT_FALLBACK_FIB_OTHER);
}

/*
 * IPv6-in-IPv6 to the HA (cls->ip6.l4_off octets of outer header and
 * extension headers precede the inner packet): a reverse-tunnelled packet
 * from a mobile node (RFC 6275 §10.4.5).
 */
__noinline int xmip_mip6_ha_reverse(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *outer = data + sizeof(struct ethhdr);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_binding b;
	struct ipv6hdr *inner;
	struct ethhdr *eth;
	__u32 strip;

	xmip_ha_conf_load(cfg);
	if (!cls || (void *)(outer + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);   /* cannot be: the entry checked */
		return XDP_DROP;
	}
	strip = cls->ip6.l4_off;
	barrier_var(strip);    /* compare and add the same register (verifier) */
	if (strip > 512) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	inner = (void *)outer + strip;
	if ((void *)(inner + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (inner->version != 6) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	/* Anti-spoofing: the inner source must be a bound HoA, and the outer
	 * source must be the CoA of that very binding. */
	if (xmip_binding_copy(&inner->saddr, &b)) {
		xmip_count(XMIP_STAT_DROP_UNKNOWN_HOA);
		return XDP_DROP;
	}
	if (xmip_binding_expired(&b)) {
		xmip_count(XMIP_STAT_DROP_BINDING_EXPIRED);
		return XDP_DROP;
	}
	if (!xmip_addr_eq(b.coa, &outer->saddr)) {
		xmip_count(XMIP_STAT_DROP_SPOOFED_COA);
		return XDP_DROP;
	}
	/* Even an authentic MN may not use the tunnel to reach link scope on
	 * the HA's links or multicast: decapsulated, such a packet would look
	 * on-link to the HA's kernel (or be forwarded off its scope, which
	 * bpf_fib_lookup does not police as ip6_forward does). */
	if (xmip_addr_is_special(&inner->daddr)) {
		xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
		return XDP_DROP;
	}
	/* Neighbour Discovery with hop limit 255 passed up on the arrival
	 * interface would be taken as on-link (RFC 4861 §7.1.2): a tunnelled
	 * NA could rewrite the HA's neighbour entries on its uplink. */
	if (xmip_is_nd_message(inner, data_end)) {
		xmip_count(XMIP_STAT_DROP_TUNNELLED_ND);
		return XDP_DROP;
	}
	/* Signalling to the HA comes directly from the CoA with a HAO
	 * (RFC 6275 §11.7.1); a BU inside the tunnel (source HoA, no HAO)
	 * would read as a deregistration from home. Not for the agent, and
	 * the kernel cannot process it: drop. */
	if (inner->nexthdr == XMIP_IPPROTO_MH && xmip_addr_eq(&inner->daddr, cfg->self_addr)) {
		xmip_count(XMIP_STAT_DROP_TUNNELLED_MH);
		return XDP_DROP;
	}

	/* MN to MN through the HA: a kernel tunnel would route the decapsulated
	 * packet back into its own tunnel; the HA's stack cannot (it sends to
	 * the HoA on the home link, where only its own proxy ND would answer).
	 * Re-address the outer header in place to the other binding's CoA.
	 * Outer extension headers, hop limit 1, an expired or bad binding: the
	 * ordinary path below. */
	if (!xmip_binding_copy(&inner->daddr, &b) && b.encap == XMIP_ENCAP_IP6IP6 &&
	    strip == sizeof(*outer) && inner->hop_limit > 1 && !xmip_binding_expired(&b)) {
		struct ethhdr *e = data;

		if (xmip_addr_is_special(b.coa) || xmip_addr_eq(b.coa, cfg->self_addr) ||
		    xmip_prefix_contains(cfg->home_prefix, cfg->home_plen, b.coa)) {
			xmip_count(XMIP_STAT_DROP_BAD_COA);
			return XDP_DROP;
		}
		if ((void *)(e + 1) > data_end) {   /* cannot be: outer is after it */
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XDP_DROP;
		}
		xmip_addr_copy(&outer->saddr, cfg->self_addr);
		xmip_addr_copy(&outer->daddr, b.coa);
		outer->hop_limit = XMIP_HOP_LIMIT_OUTER;
		inner->hop_limit--;
		xmip_count(XMIP_STAT_RETUNNEL_OK);
		return xmip_fib_forward_xdp(ctx, e, outer, XMIP_STAT_FALLBACK_FIB_OTHER);
	}

	if (xmip_decap_ip6ip6(ctx, strip, &eth, &inner)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_DECAP_OK);

	data_end = (void *)(long)ctx->data_end;
	if ((void *)inner + sizeof(*inner) + bpf_ntohs(inner->payload_len) > data_end) {
		/* The outer length covered less than the inner one claims. */
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (inner->hop_limit <= 1) {
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);
		return XDP_PASS;
	}
	{
		/* Forward with the hop limit the kernel would leave; a local
		 * destination goes up with the hop limit it arrived with. */
		int act;

		inner->hop_limit--;
		act = xmip_fib_forward_xdp(ctx, eth, inner, XMIP_STAT_FALLBACK_LOCAL);
		/* ...but never with 255, the on-link proof of Neighbour Discovery
		 * (RFC 4861 §7.1.2): an ND message behind extension headers
		 * escapes the check above, not this. */
		if (act == XDP_PASS && inner->hop_limit < 254)
			inner->hop_limit++;
		return act;
	}
}

#endif /* XMIP_BPF_MIP6_HA_H */
