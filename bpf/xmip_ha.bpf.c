// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip home agent datapath (docs/DESIGN.md, "Datapath, HA (XDP)"):
 *  1. Mobility Header to the HA            -> ring buffer for the agent, drop
 *  2. destination is a HoA with a binding  -> IPv6-in-IPv6 to the CoA (or PTB)
 *  3. IPv6-in-IPv6 to the HA (reverse tunnel) -> anti-spoofing, decap, forward
 *  4. everything else                      -> XDP_PASS, counted
 */
#include "lib/common.h"
#include "lib/entry.h"
#include "lib/maps.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/csum.h"
#include "lib/encap.h"
#include "lib/icmp6.h"
#include "lib/fib.h"
#include "lib/signal.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Step 2: the packet at eth/ip6 is for a HoA bound to `b`. */
static __always_inline int ha_tunnel_to_coa(struct xdp_md *ctx, struct xmip_config *cfg,
					    struct ipv6hdr *ip6, void *data_end,
					    const struct xmip_binding *b)
{
	__u32 inner_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	__u32 mtu = cfg->tunnel_mtu;
	struct in6_addr coa;
	struct ethhdr *eth;
	struct ipv6hdr *outer;

	/* The binding may change under us; take the CoA once. A CoA no
	 * tunnel may lead to (written by a buggy agent or `xmip binding add`)
	 * would loop back to us or leak off-link: never encapsulate to it. */
	xmip_addr_copy(&coa, b->coa);
	if (xmip_addr_is_special(&coa) || xmip_addr_eq(&coa, cfg->self_addr) ||
	    xmip_prefix_contains(cfg->home_prefix, cfg->home_plen, &coa)) {
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
	if (xmip_encap_ip6ip6(ctx, cfg->self_addr, &coa, inner_len, &eth, &outer)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_ENCAP_OK);
	return xmip_fib_forward_xdp(ctx, eth, outer, XMIP_STAT_FALLBACK_FIB_OTHER);
}

/* Step 3: reverse tunnel. `strip` octets of outer header precede the inner packet. */
static __always_inline int ha_reverse_tunnel(struct xdp_md *ctx, struct xmip_config *cfg,
					     struct ipv6hdr *outer, void *data_end, __u32 strip)
{
	struct xmip_binding_key key;
	struct xmip_binding *b;
	struct ipv6hdr *inner;
	struct ethhdr *eth;

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
	xmip_addr_copy(key.hoa, &inner->saddr);
	b = bpf_map_lookup_elem(&xmip_bindings, &key);
	if (!b) {
		xmip_count(XMIP_STAT_DROP_UNKNOWN_HOA);
		return XDP_DROP;
	}
	if (xmip_binding_expired(b)) {
		xmip_count(XMIP_STAT_DROP_BINDING_EXPIRED);
		return XDP_DROP;
	}
	if (!xmip_addr_eq(b->coa, &outer->saddr)) {
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
	xmip_addr_copy(key.hoa, &inner->daddr);
	b = bpf_map_lookup_elem(&xmip_bindings, &key);
	if (b && strip == sizeof(*outer) && inner->hop_limit > 1 && !xmip_binding_expired(b)) {
		struct ethhdr *e = (void *)(long)ctx->data;

		xmip_addr_copy(&outer->saddr, cfg->self_addr);
		xmip_addr_copy(&outer->daddr, b->coa);
		if (xmip_addr_is_special(&outer->daddr) ||
		    xmip_addr_eq(&outer->daddr, cfg->self_addr) ||
		    xmip_prefix_contains(cfg->home_prefix, cfg->home_plen, &outer->daddr)) {
			xmip_count(XMIP_STAT_DROP_BAD_COA);
			return XDP_DROP;
		}
		if ((void *)(e + 1) > data_end) {   /* cannot be: outer is after it */
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XDP_DROP;
		}
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

SEC("xdp")
int xmip_ha_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xmip_cursor c = { .pos = data, .end = data_end };
	struct xmip_config *cfg;
	struct xmip_ip6_layers l;
	struct xmip_binding_key key;
	struct xmip_binding *b;
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	int proto, verdict;

	proto = xmip_xdp_enter(&c, &cfg, &eth, &ip6, &verdict);
	if (proto < 0)
		return verdict;

	if (xmip_addr_eq(&ip6->daddr, cfg->self_addr)) {
		proto = xmip_xdp_walk_local(ctx, &c, ip6, proto, &l, &verdict);
		if (proto < 0)
			return verdict;
		if (proto == XMIP_IPPROTO_MH) {
			xmip_signal_xdp(ctx, sizeof(*eth),
					bpf_ntohs(ip6->payload_len) + sizeof(*ip6));
			return XDP_DROP;
		}
		if (proto == XMIP_IPPROTO_IPV6)
			return ha_reverse_tunnel(ctx, cfg, ip6, data_end, l.l4_off);
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	}

	xmip_addr_copy(key.hoa, &ip6->daddr);
	b = bpf_map_lookup_elem(&xmip_bindings, &key);
	if (b && xmip_binding_expired(b)) {
		xmip_count(XMIP_STAT_PASS_BINDING_EXPIRED);
		return XDP_PASS;
	}
	if (b) {
		/* A router's unicast NUD probe for the HoA must reach the HA's
		 * proxy ND (RFC 6275 §10.4.1), not the MN: tunnelled, it would
		 * arrive with hop limit 254 and be ignored. */
		if (xmip_is_nd_message(ip6, data_end)) {
			xmip_count(XMIP_STAT_PASS_ND_FOR_HOA);
			return XDP_PASS;
		}
		return ha_tunnel_to_coa(ctx, cfg, ip6, data_end, b);
	}

	xmip_count(XMIP_STAT_PASS_NOT_OURS);
	return XDP_PASS;
}
