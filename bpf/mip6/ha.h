/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv6 home agent handlers (RFC 6275 §10; docs/DESIGN.md,
 * "Datapath, HA"). The HA's entries (bpf/xmip_ha.bpf.c) classify a packet
 * once and call one of these, in XDP (native) or on an skb (tc ingress:
 * xdp-mode = tc, and what XDP hands on), or at tc egress:
 *  - signal:    a Mobility Header to the HA -> the agent
 *  - intercept: IPv6 to a home address with an IPv6-in-IPv6 binding ->
 *               tunnel to the CoA with the next hop the agent prepared
 *               (or Packet Too Big, or the tc path when the next hop is not
 *               prepared)
 *  - reverse:   IPv6-in-IPv6 to the HA -> anti-spoofing, decapsulate,
 *               forward (or tunnel on to another bound MN)
 *  - icmp:      an ICMPv6 error about one of our tunnel packets -> the
 *               agent (path MTU; relayed to the inner source)
 *  - linklocal: a packet to a bound MN's link-local address ->
 *               Destination Unreachable code 3
 *  - egress:    the HA's own packets to a bound home address -> tunnel
 * The decisions are shared by XDP and tc (inline helpers on packet
 * pointers); only the packet surgery differs. The per-context handlers are
 * global functions: each is verified once, on its own. They get the packet
 * through ctx only and re-check every bound.
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
#include "lib/icmp_err.h"
#include "lib/nexthop.h"
#include "lib/fib.h"
#include "lib/signal.h"
#include "lib/signal_tc.h"
#include "lib/report.h"
#include "lib/role_ha.h"

/* A handler's answer that is not a verdict: pass the original packet on, unmarked, to tc. */
#define XMIP_ACT_TO_TC 0x100

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
/* ------------------------------------------------------------------ shared */

/*
 * Is this Mobility Header a BU whose Home Address option names a home
 * address with a live binding? Then `hoa` holds it and 1: the BU goes to
 * the agent in the bound class, through that address's own bucket and
 * into the whole ring (lib/signal.h), so spoofed signalling from any
 * number of sources cannot crowd out a bound MN's registrations. One
 * table lookup, no loop over sources: bounded time. Whoever knows a bound
 * home address can spend that address's bucket (docs/DESIGN.md,
 * "Signalling under attack").
 */
static __always_inline int xmip_mip6_ha_bu_bound(void *ctx, int skb, const struct xmip_cls *cls,
						 __u8 hoa[16])
{
	struct xmip_fw_view b;
	__u8 type;

	if (!cls->ip6.has_hao)
		return 0;
	if (xmip_signal_load(ctx, skb, cls->l4_off + 2, &type, 1) || type != XMIP_MH_BU)
		return 0;
	if (xmip_signal_load(ctx, skb, cls->l3_off + cls->ip6.hao_off, hoa, 16))
		return 0;
	if (xmip_ha_binding(hoa, &b) || (b.flags & XMIP_FW_F_LINKLOCAL) ||
	    xmip_fw_expired(&b, bpf_jiffies64()))
		return 0;
	return 1;
}

/* A Mobility Header to the HA: to the agent, whole; the kernel cannot take it. */
static __always_inline int xmip_mip6_ha_signal(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	__u8 hoa[16];

	xmip_signal_xdp(ctx, XMIP_FAMILY_MIP6, cls->l3_off, cls->l3_len,
			xmip_mip6_ha_bu_bound(ctx, 0, cls, hoa) ? hoa : NULL);
	return XDP_DROP;
}

/* The same from tc ingress (xdp-mode = tc). */
static __always_inline void xmip_mip6_ha_signal_tc(struct __sk_buff *skb,
						   const struct xmip_cls *cls)
{
	__u8 hoa[16];

	xmip_signal_tc(skb, XMIP_FAMILY_MIP6, cls->l3_off, cls->l3_len,
		       xmip_mip6_ha_bu_bound(skb, 1, cls, hoa) ? hoa : NULL);
}

enum xmip_ha_do {
	XMIP_HA_DO_ENCAP = 0,
	XMIP_HA_DO_PASS,        /* to the kernel, counted */
	XMIP_HA_DO_DROP,        /* counted */
	XMIP_HA_DO_TOO_BIG,     /* larger than the tunnel MTU: Packet Too Big */
};

/*
 * What to do with `ip6`, to a home address bound to b, before any packet
 * surgery: the same in XDP and tc. `ip_len` is the packet's length (a GSO
 * packet's: each segment's). Counts what it decides, but ENCAP and TOO_BIG.
 */
static __always_inline int xmip_ha_intercept_check(struct ipv6hdr *ip6, void *data_end,
						   const struct xmip_fw_view *b,
						   const struct xmip_ha_conf *cfg, __u32 ip_len,
						   __u32 *mtu_out)
{
	__u32 mtu;

	/* A router's unicast NUD probe for the HoA must reach the HA's proxy
	 * ND (RFC 6275 §10.4.1), not the MN: tunnelled, it would arrive with
	 * hop limit 254 and be ignored. */
	if (xmip_is_nd_message(ip6, data_end)) {
		xmip_count(XMIP_STAT_PASS_ND_FOR_HOA);
		return XMIP_HA_DO_PASS;
	}
	/* A CoA no tunnel may lead to (written by a buggy agent or `xmip
	 * binding add`) would loop back to us or leak off-link. */
	if (xmip_ha_coa_bad(b->coa, cfg)) {
		xmip_count(XMIP_STAT_DROP_BAD_COA);
		return XMIP_HA_DO_DROP;
	}
	/* ip6_forward never forwards a link-local, multicast or loopback
	 * source ("security critical"), nor may a router forward :: (RFC 4291
	 * §2.5.2): neither may the tunnel. The kernel answers (beyond scope). */
	if (xmip_addr_is_special(&ip6->saddr)) {
		xmip_count(XMIP_STAT_FALLBACK_SRC_SCOPE);
		return XMIP_HA_DO_PASS;
	}
	if (ip6->hop_limit <= 1) {
		/* The kernel sends the Time Exceeded. */
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);
		return XMIP_HA_DO_PASS;
	}
	/* RFC 2473 §7.1: the binding's path MTU (learnt from Packet Too Big
	 * about the tunnel), else the instance's tunnel MTU. */
	mtu = xmip_ha_tunnel_mtu(b, cfg->tunnel_mtu);
	if (mtu && ip_len > mtu) {
		*mtu_out = mtu;
		return XMIP_HA_DO_TOO_BIG;
	}
	return XMIP_HA_DO_ENCAP;
}

/*
 * May a Packet Too Big (or another error) answer the packet at ip6_off?
 * Never for an ICMPv6 error, never to a source that cannot take one, and
 * not beyond the rate. Counts the refusal. `is_err` is the context's
 * answer of xmip_*_is_icmp6_error.
 */
static __always_inline int xmip_ha_err_allowed(struct ipv6hdr *ip6, int is_err,
					       const void *self, __u32 kind)
{
	if (is_err) {
		xmip_count(XMIP_STAT_DROP_NO_PTB_FOR_ICMP_ERR);
		return 0;
	}
	if (!xmip_ptb_src_ok(ip6, self)) {
		xmip_count(XMIP_STAT_DROP_NO_PTB_BAD_SRC);
		return 0;
	}
	if (!xmip_rate_allowed(kind)) {
		xmip_count(kind == XMIP_RATE_PTB ? XMIP_STAT_DROP_PTB_RATE_LIMITED :
						   XMIP_STAT_DROP_DU_RATE_LIMITED);
		return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ XDP */

/* XDP: the frame (final outer header after eth) to b's prepared next hop. */
static __always_inline int xmip_ha_emit_xdp(struct xdp_md *ctx, struct ethhdr *eth,
					    const struct xmip_fw_view *b)
{
	__builtin_memcpy(eth->h_dest, b->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, b->smac, ETH_ALEN);
	if (b->ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(b->ifindex, 0);
}

/* XDP: answer the frame with an ICMPv6 error, back out of its interface. */
static __always_inline int xmip_ha_icmp_err_xdp(struct xdp_md *ctx, const void *self, __u8 type,
						__u8 code, __u32 info, enum xmip_stat ok)
{
	if (xmip_build_icmp_err_xdp(ctx, self, type, code, info)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(ok);
	return XDP_TX;
}

/*
 * Destination `ip6->daddr` is a home address bound to `b` (a copy of its
 * slot, taken once right after the lookup). Tunnel the packet to b's CoA
 * through the next hop the agent prepared: one per-CPU counter, no FIB
 * lookup, no clock helper. A next hop not prepared (or not trusted: no
 * agent) sends the original packet, unchanged, to the tc path.
 */
__noinline int xmip_mip6_ha_intercept(struct xdp_md *ctx, const struct xmip_cls *cls,
				      const struct xmip_fw_view *b)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct ethhdr *eth;
	struct ipv6hdr *outer;
	__u32 inner_len, mtu = 0;

	xmip_ha_conf_load(cfg);
	if (!cls || !b || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);   /* cannot be: the entry checked */
		return XDP_DROP;
	}
	inner_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	switch (xmip_ha_intercept_check(ip6, data_end, b, cfg, inner_len, &mtu)) {
	case XMIP_HA_DO_PASS:
		return XDP_PASS;
	case XMIP_HA_DO_DROP:
		return XDP_DROP;
	case XMIP_HA_DO_TOO_BIG:
		if (!xmip_ha_err_allowed(ip6, xmip_xdp_is_icmp6_error(ctx, sizeof(struct ethhdr)),
					 cfg->self_addr, XMIP_RATE_PTB))
			return XDP_DROP;
		return xmip_ha_icmp_err_xdp(ctx, cfg->self_addr, XMIP_ICMP6_PKT_TOO_BIG, 0, mtu,
					    XMIP_STAT_PTB_SENT);
	}
	if (!xmip_fw_nh_ok(b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_FALLBACK_NH_TO_TC);
		return XMIP_ACT_TO_TC;
	}
	ip6->hop_limit--;
	/* Bytes after the IPv6 packet (Ethernet padding) must not end up
	 * inside the tunnel packet's payload. */
	if (xmip_xdp_trim(ctx, inner_len) ||
	    xmip_encap_ip6ip6(ctx, cfg->self_addr, b->coa, inner_len, &eth, &outer)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_ENCAP_OK);
	return xmip_ha_emit_xdp(ctx, eth, b);
}

/*
 * MN to MN through the HA, too big for the second tunnel: the Packet Too
 * Big goes back to the inner source through the tunnel it came from
 * (RFC 2473 §7.1 applies to the re-tunnelling too). The frame is
 * decapsulated, turned into the PTB, and encapsulated to `back`'s CoA.
 */
static __always_inline int xmip_ha_retunnel_ptb_xdp(struct xdp_md *ctx, __u32 strip,
						    const struct xmip_ha_conf *cfg,
						    const struct xmip_fw_view *back, __u32 mtu)
{
	struct ethhdr *eth;
	struct ipv6hdr *ip6;
	__u32 len;

	if (xmip_decap_ip6ip6(ctx, strip, &eth, &ip6) ||
	    xmip_build_icmp_err_xdp(ctx, cfg->self_addr, XMIP_ICMP6_PKT_TOO_BIG, 0, mtu)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	{
		void *data = (void *)(long)ctx->data;
		void *data_end = (void *)(long)ctx->data_end;

		ip6 = data + sizeof(struct ethhdr);
		if ((void *)(ip6 + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XDP_DROP;
		}
		len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	}
	if (xmip_encap_ip6ip6(ctx, cfg->self_addr, back->coa, len, &eth, &ip6)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_PTB_SENT);
	return xmip_ha_emit_xdp(ctx, eth, back);
}

/*
 * What the reverse tunnel checks before it decapsulates (XDP and tc):
 * `outer` and `inner` (strip octets apart) in [.., data_end); b gets the
 * inner source's binding. Returns XMIP_HA_DO_ENCAP ("go on"), or DROP
 * (counted).
 */
static __always_inline int xmip_ha_reverse_check(struct ipv6hdr *outer, struct ipv6hdr *inner,
						 void *data_end, __u32 strip,
						 const struct xmip_ha_conf *cfg,
						 struct xmip_fw_view *b, __u64 now)
{
	__u32 outer_left;

	if (inner->version != 6) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	/* The inner packet must lie within the outer payload (not merely
	 * within the frame: bytes after it are not the tunnel's). */
	outer_left = bpf_ntohs(outer->payload_len) + sizeof(*outer);
	if (outer_left < strip ||
	    bpf_ntohs(inner->payload_len) + sizeof(*inner) > outer_left - strip) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	/* Anti-spoofing (RFC 6275 §10.4.5): the inner source must be a bound
	 * HoA, or inside a mobile network prefix its mobile router registered
	 * (RFC 3963 §6.4), and the outer source the CoA of that very binding. */
	if (xmip_ha_binding_or_mnp(&inner->saddr, b) || (b->flags & XMIP_FW_F_LINKLOCAL)) {
		xmip_count(XMIP_STAT_DROP_UNKNOWN_HOA);
		return XMIP_HA_DO_DROP;
	}
	if (xmip_fw_expired(b, now)) {
		xmip_count(XMIP_STAT_DROP_BINDING_EXPIRED);
		return XMIP_HA_DO_DROP;
	}
	if (!xmip_addr_eq(b->coa, &outer->saddr)) {
		xmip_count(XMIP_STAT_DROP_SPOOFED_COA);
		return XMIP_HA_DO_DROP;
	}
	/* Even an authentic MN may not use the tunnel to reach link scope on
	 * the HA's links or multicast: decapsulated, such a packet would look
	 * on-link to the HA's kernel. */
	if (xmip_addr_is_special(&inner->daddr)) {
		xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
		return XMIP_HA_DO_DROP;
	}
	/* Neighbour Discovery with hop limit 255 passed up on the arrival
	 * interface would be taken as on-link (RFC 4861 §7.1.2). */
	if (xmip_is_nd_message(inner, data_end)) {
		xmip_count(XMIP_STAT_DROP_TUNNELLED_ND);
		return XMIP_HA_DO_DROP;
	}
	/* Signalling to the HA comes directly from the CoA with a HAO
	 * (RFC 6275 §11.7.1); a BU inside the tunnel would read as a
	 * deregistration from home. */
	if (inner->nexthdr == XMIP_IPPROTO_MH && xmip_addr_eq(&inner->daddr, cfg->self_addr)) {
		xmip_count(XMIP_STAT_DROP_TUNNELLED_MH);
		return XMIP_HA_DO_DROP;
	}
	return XMIP_HA_DO_ENCAP;
}

/* A handler's answer that is not a verdict: go on with the next step (the entry calls it). */
#define XMIP_ACT_NEXT 0x101

/*
 * The outer and inner headers of a reverse-tunnel packet in [data,
 * data_end): cls->ip6.l4_off octets of outer header and extension headers
 * precede the inner packet. 0, or -1 (counted).
 */
static __always_inline int xmip_ha_tunnel_hdrs(void *data, void *data_end,
					       const struct xmip_cls *cls, struct ipv6hdr **outer,
					       struct ipv6hdr **inner, __u32 *strip)
{
	__u32 s = cls->ip6.l4_off;

	*outer = data + sizeof(struct ethhdr);
	barrier_var(s);    /* compare and add the same register (verifier) */
	if (s < sizeof(struct ipv6hdr) || s > 512 || (void *)(*outer + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return -1;
	}
	*inner = (void *)*outer + s;
	if ((void *)(*inner + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return -1;
	}
	*strip = s;
	return 0;
}

/*
 * IPv6-in-IPv6 to the HA: a reverse-tunnelled packet from a mobile node
 * (RFC 6275 §10.4.5). Step 1, the checks: XMIP_ACT_NEXT with *b the
 * binding of the inner source (whose CoA sent it), or a verdict. The entry
 * then calls xmip_mip6_ha_retunnel and xmip_mip6_ha_decap (three global
 * functions, not one: each keeps its own stack).
 */
__noinline int xmip_mip6_ha_reverse(struct xdp_md *ctx, const struct xmip_cls *cls,
				    struct xmip_fw_view *b)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_ha_conf conf;
	struct ipv6hdr *outer, *inner;
	__u32 strip;

	xmip_ha_conf_load(&conf);
	if (!cls || !b || xmip_ha_tunnel_hdrs(data, data_end, cls, &outer, &inner, &strip))
		return XDP_DROP;
	if (xmip_ha_reverse_check(outer, inner, data_end, strip, &conf, b, bpf_jiffies64()))
		return XDP_DROP;
	return XMIP_ACT_NEXT;
}

/*
 * Step 2, MN to MN through the HA: a kernel tunnel would route the
 * decapsulated packet back into its own tunnel; the HA's stack cannot (it
 * sends to the HoA on the home link, where only its own proxy ND would
 * answer). Re-address the outer header in place to the other binding's
 * CoA, through its prepared next hop. XMIP_ACT_NEXT when the inner
 * destination is no such binding (outer extension headers, hop limit 1,
 * expired, no prepared next hop: the ordinary path). `back` is the inner
 * source's binding (step 1).
 */
__noinline int xmip_mip6_ha_retunnel(struct xdp_md *ctx, const struct xmip_cls *cls,
				     const struct xmip_fw_view *back)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_ha_conf conf;
	struct ipv6hdr *outer, *inner;
	struct xmip_fw_view b2;
	__u64 now = bpf_jiffies64();
	__u32 strip, inner_len, mtu;
	struct ethhdr *e;

	xmip_ha_conf_load(&conf);
	if (!cls || !back || xmip_ha_tunnel_hdrs(data, data_end, cls, &outer, &inner, &strip))
		return XDP_DROP;
	if (xmip_ha_binding_or_mnp(&inner->daddr, &b2) || b2.encap != XMIP_ENCAP_IP6IP6 ||
	    (b2.flags & XMIP_FW_F_LINKLOCAL) || strip != sizeof(*outer) ||
	    inner->hop_limit <= 1 || xmip_fw_expired(&b2, now))
		return XMIP_ACT_NEXT;
	if (xmip_ha_coa_bad(b2.coa, &conf)) {
		xmip_count(XMIP_STAT_DROP_BAD_COA);
		return XDP_DROP;
	}
	/* The kernel could not deliver it decapsulated (the HoA is the HA's
	 * on the home link): the tc path re-tunnels through the kernel's next hop. */
	if (!xmip_fw_nh_ok(&b2, now)) {
		xmip_count(XMIP_STAT_FALLBACK_NH_TO_TC);
		return XMIP_ACT_TO_TC;
	}
	inner_len = bpf_ntohs(inner->payload_len) + sizeof(*inner);
	mtu = xmip_ha_tunnel_mtu(&b2, conf.tunnel_mtu);
	if (mtu && inner_len > mtu) {
		/* Too big for the second tunnel (RFC 2473 §7.1 holds for the
		 * re-tunnelling too): Packet Too Big back through the first. */
		if (!xmip_ha_err_allowed(inner, xmip_xdp_is_icmp6_error(ctx, XMIP_ETH_HLEN + strip),
					 conf.self_addr, XMIP_RATE_PTB))
			return XDP_DROP;
		if (!xmip_fw_nh_ok(back, now)) {
			xmip_count(XMIP_STAT_FALLBACK_NH_TO_TC);
			return XMIP_ACT_TO_TC;
		}
		return xmip_ha_retunnel_ptb_xdp(ctx, strip, &conf, back, mtu);
	}
	xmip_addr_copy(&outer->saddr, conf.self_addr);
	xmip_addr_copy(&outer->daddr, b2.coa);
	outer->hop_limit = XMIP_HOP_LIMIT_OUTER;
	outer->payload_len = bpf_htons(inner_len);
	inner->hop_limit--;
	if (xmip_xdp_trim(ctx, inner_len + sizeof(*outer))) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	e = data;
	if ((void *)(e + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_RETUNNEL_OK);
	return xmip_ha_emit_xdp(ctx, e, &b2);
}

/* Step 3: decapsulate and forward the inner packet (its next hop from the FIB, cached). */
__noinline int xmip_mip6_ha_decap(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct ipv6hdr *outer, *inner;
	struct ethhdr *eth;
	__u32 strip, inner_len;
	int act;

	if (!cls || xmip_ha_tunnel_hdrs(data, data_end, cls, &outer, &inner, &strip))
		return XDP_DROP;
	inner_len = bpf_ntohs(inner->payload_len) + sizeof(*inner);
	if (xmip_decap_ip6ip6(ctx, strip, &eth, &inner) || xmip_xdp_trim(ctx, inner_len)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_DECAP_OK);
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	eth = data;
	inner = data + sizeof(*eth);
	if ((void *)(inner + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (inner->hop_limit <= 1) {
		/* The kernel answers Time Exceeded to the MN's HoA; the HA's tc
		 * egress tunnels it back to the MN. */
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);
		return XDP_PASS;
	}
	/* Forward with the hop limit the kernel would leave; a local
	 * destination goes up with the hop limit it arrived with. */
	inner->hop_limit--;
	act = xmip_fib_forward_xdp(ctx, eth, inner, XMIP_STAT_FALLBACK_LOCAL);
	/* ...but never with 255, the on-link proof of Neighbour Discovery
	 * (RFC 4861 §7.1.2): an ND message behind extension headers escapes
	 * the check of step 1, not this. */
	if (act == XDP_PASS && inner->hop_limit < 254)
		inner->hop_limit++;
	return act;
}

/*
 * An ICMPv6 message to the HA (cls->l4_off): an error a router between the
 * HA and a CoA returns about one of our tunnel packets goes to the agent
 * (Packet Too Big lowers the binding's path MTU; Destination Unreachable
 * and Time Exceeded are relayed to the inner packet's source, RFC 2473
 * §8). Anything else is the kernel's.
 */
__noinline int xmip_mip6_ha_icmp(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct xmip_ha_conf conf;
	__u32 off;

	xmip_ha_conf_load(&conf);
	if (!cls)
		return XDP_DROP;
	off = cls->l4_off;
	barrier_var(off);
	if (off > 512 || !xmip_icmp_about_tunnel(data + off, data_end, conf.self_addr, NULL)) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	}
	xmip_report_xdp(ctx, cls->l3_off, cls->l3_len);
	return XDP_DROP;
}

/*
 * A packet to a bound MN's link-local address (an alias of its binding,
 * XMIP_FW_F_LINKLOCAL): never tunnelled; discarded with Destination
 * Unreachable code 3 to its source (RFC 6275 §10.4.2), rate-limited.
 * Neighbour Discovery for it stays the kernel's (proxy ND).
 */
__noinline int xmip_mip6_ha_linklocal(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_ha_conf conf;

	xmip_ha_conf_load(&conf);
	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (xmip_is_nd_message(ip6, data_end)) {
		xmip_count(XMIP_STAT_PASS_ND_FOR_HOA);
		return XDP_PASS;
	}
	if (!xmip_ha_err_allowed(ip6, xmip_xdp_is_icmp6_error(ctx, sizeof(struct ethhdr)),
				 conf.self_addr, XMIP_RATE_DU))
		return XDP_DROP;
	return xmip_ha_icmp_err_xdp(ctx, conf.self_addr, XMIP_ICMP6_DEST_UNREACH,
				    XMIP_ICMP6_DU_ADDR_UNREACH, 0, XMIP_STAT_DU_SENT);
}

/* ------------------------------------------------------------------ tc */

/*
 * tc: send the (encapsulated) skb to b's next hop: the prepared one, or
 * the kernel's (route and neighbour resolution, bpf_redirect_neigh) when
 * it is not prepared or not trusted. `ingress`: from tc ingress, where
 * "go on" would mean "up the stack"; at egress it means "out of here".
 */
static __always_inline int xmip_ha_emit_tc(struct __sk_buff *skb, const struct xmip_fw_view *b,
					   __u64 now, bool ingress)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct ipv6hdr *outer = (void *)(eth + 1);

	if ((void *)(outer + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (xmip_fw_nh_ok(b, now)) {
		__builtin_memcpy(eth->h_dest, b->dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, b->smac, ETH_ALEN);
		if (!ingress && b->ifindex == skb->ifindex) {
			xmip_count(XMIP_STAT_FWD_SAME_DEV);
			return TC_ACT_OK;
		}
		xmip_count(XMIP_STAT_FWD_REDIRECT);
		return bpf_redirect(b->ifindex, 0);
	}
	return xmip_fib_output_tc(skb, outer, b->ifindex, ingress);
}

/* tc: what of the skb must be linear to parse the headers. */
#define XMIP_HA_TC_PULL 256

static __always_inline int xmip_tc_pull(struct __sk_buff *skb)
{
	__u32 have = xmip_skb_data_end(skb) - xmip_skb_data(skb);
	__u32 want = skb->len < XMIP_HA_TC_PULL ? skb->len : XMIP_HA_TC_PULL;

	if (have >= want)
		return 0;
	return bpf_skb_pull_data(skb, want) ? -1 : 0;
}

/*
 * tc: the IPv6 length of each packet the skb will be on the wire: its own,
 * or for a GSO packet the headers up to the TCP/UDP payload plus the
 * segment size.
 */
static __always_inline __u32 xmip_tc_seg_ip_len(struct __sk_buff *skb, struct ipv6hdr *ip6,
						void *data_end)
{
	__u32 len = skb->len - XMIP_ETH_HLEN;

	if (!skb->gso_size)
		return len;
	if (ip6->nexthdr == XMIP_IPPROTO_TCP) {
		struct tcphdr *t = (void *)(ip6 + 1);

		if ((void *)(t + 1) <= data_end)
			return sizeof(*ip6) + t->doff * 4 + skb->gso_size;
	} else if (ip6->nexthdr == XMIP_IPPROTO_UDP) {
		return sizeof(*ip6) + sizeof(struct udphdr) + skb->gso_size;
	}
	return len;
}

/* tc: answer the skb with an ICMPv6 error, back out of its arrival interface. */
static __always_inline int xmip_ha_icmp_err_tc(struct __sk_buff *skb, const void *self, __u8 type,
					       __u8 code, __u32 info, enum xmip_stat ok)
{
	if (xmip_build_icmp_err_tc(skb, self, type, code, info)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(ok);
	return bpf_redirect(skb->ifindex, 0);
}

/* tc ingress: xmip_mip6_ha_intercept on an skb (GSO packets included). */
__noinline int xmip_mip6_ha_intercept_tc(struct __sk_buff *skb, const struct xmip_cls *cls,
					 const struct xmip_fw_view *b)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_ha_conf conf, *cfg = &conf;
	__u32 mtu = 0;

	xmip_ha_conf_load(cfg);
	if (!cls || !b || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	switch (xmip_ha_intercept_check(ip6, data_end, b, cfg,
					xmip_tc_seg_ip_len(skb, ip6, data_end), &mtu)) {
	case XMIP_HA_DO_PASS:
		return TC_ACT_OK;
	case XMIP_HA_DO_DROP:
		return TC_ACT_SHOT;
	case XMIP_HA_DO_TOO_BIG:
		if (!xmip_ha_err_allowed(ip6, xmip_skb_is_icmp6_error(skb, sizeof(struct ethhdr)),
					 cfg->self_addr, XMIP_RATE_PTB))
			return TC_ACT_SHOT;
		return xmip_ha_icmp_err_tc(skb, cfg->self_addr, XMIP_ICMP6_PKT_TOO_BIG, 0, mtu,
					   XMIP_STAT_PTB_SENT);
	}
	ip6->hop_limit--;
	/* Bytes after the IPv6 packet must not go into the tunnel. */
	if (!skb->gso_size) {
		__u32 want = XMIP_ETH_HLEN + bpf_ntohs(ip6->payload_len) + sizeof(*ip6);

		if (skb->len > want && bpf_skb_change_tail(skb, want, 0)) {
			xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
			return TC_ACT_SHOT;
		}
	}
	if (xmip_encap_ip6ip6_tc(skb, cfg->self_addr, b->coa)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_ENCAP_OK);
	return xmip_ha_emit_tc(skb, b, bpf_jiffies64(), true);
}

/*
 * tc ingress: the reverse tunnel on an skb, in the same three steps.
 * Decapsulated packets go up the stack (TC_ACT_OK): the kernel forwards
 * them (GSO packets as they are), decrements the hop limit and answers
 * Time Exceeded, which the tc egress program tunnels back to the MN.
 */
__noinline int xmip_mip6_ha_reverse_tc(struct __sk_buff *skb, const struct xmip_cls *cls,
				       struct xmip_fw_view *b)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ha_conf conf;
	struct ipv6hdr *outer, *inner;
	__u32 strip;

	xmip_ha_conf_load(&conf);
	if (!cls || !b || xmip_ha_tunnel_hdrs(data, data_end, cls, &outer, &inner, &strip))
		return TC_ACT_SHOT;
	if (xmip_ha_reverse_check(outer, inner, data_end, strip, &conf, b, bpf_jiffies64()))
		return TC_ACT_SHOT;
	return XMIP_ACT_NEXT;
}

__noinline int xmip_mip6_ha_retunnel_tc(struct __sk_buff *skb, const struct xmip_cls *cls,
					const struct xmip_fw_view *back)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ha_conf conf;
	struct ipv6hdr *outer, *inner;
	struct xmip_fw_view b2;
	__u64 now = bpf_jiffies64();
	__u32 strip, mtu;

	xmip_ha_conf_load(&conf);
	if (!cls || !back || xmip_ha_tunnel_hdrs(data, data_end, cls, &outer, &inner, &strip))
		return TC_ACT_SHOT;
	if (xmip_ha_binding_or_mnp(&inner->daddr, &b2) || b2.encap != XMIP_ENCAP_IP6IP6 ||
	    (b2.flags & XMIP_FW_F_LINKLOCAL) || strip != sizeof(*outer) ||
	    inner->hop_limit <= 1 || xmip_fw_expired(&b2, now))
		return XMIP_ACT_NEXT;
	if (xmip_ha_coa_bad(b2.coa, &conf)) {
		xmip_count(XMIP_STAT_DROP_BAD_COA);
		return TC_ACT_SHOT;
	}
	mtu = xmip_ha_tunnel_mtu(&b2, conf.tunnel_mtu);
	if (mtu && xmip_tc_seg_ip_len(skb, outer, data_end) - sizeof(*outer) > mtu) {
		/* Too big for the second tunnel: the Packet Too Big goes back
		 * to the inner source through the first. */
		if (!xmip_ha_err_allowed(inner, xmip_skb_is_icmp6_error(skb, XMIP_ETH_HLEN + strip),
					 conf.self_addr, XMIP_RATE_PTB))
			return TC_ACT_SHOT;
		if (xmip_decap_ip6ip6_tc(skb, strip) ||
		    xmip_build_icmp_err_tc(skb, conf.self_addr, XMIP_ICMP6_PKT_TOO_BIG, 0, mtu) ||
		    xmip_encap_ip6ip6_tc(skb, conf.self_addr, back->coa)) {
			xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
			return TC_ACT_SHOT;
		}
		xmip_count(XMIP_STAT_PTB_SENT);
		return xmip_ha_emit_tc(skb, back, now, true);
	}
	xmip_addr_copy(&outer->saddr, conf.self_addr);
	xmip_addr_copy(&outer->daddr, b2.coa);
	outer->hop_limit = XMIP_HOP_LIMIT_OUTER;
	inner->hop_limit--;
	xmip_count(XMIP_STAT_RETUNNEL_OK);
	return xmip_ha_emit_tc(skb, &b2, now, true);
}

__noinline int xmip_mip6_ha_decap_tc(struct __sk_buff *skb, const struct xmip_cls *cls)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *outer, *inner;
	__u32 strip, inner_len;

	if (!cls || xmip_ha_tunnel_hdrs(data, data_end, cls, &outer, &inner, &strip))
		return TC_ACT_SHOT;
	inner_len = bpf_ntohs(inner->payload_len) + sizeof(*inner);
	if (inner->hop_limit == 255)
		inner->hop_limit = 254;   /* never the on-link proof of ND (RFC 4861 §7.1.2) */
	if (xmip_decap_ip6ip6_tc(skb, strip)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + inner_len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + inner_len, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_DECAP_OK);
	return TC_ACT_OK;
}

/* tc ingress: xmip_mip6_ha_icmp on an skb. */
__noinline int xmip_mip6_ha_icmp_tc(struct __sk_buff *skb, const struct xmip_cls *cls)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ha_conf conf;
	__u32 off;

	xmip_ha_conf_load(&conf);
	if (!cls)
		return TC_ACT_SHOT;
	off = cls->l4_off;
	barrier_var(off);
	if (off > 512 || !xmip_icmp_about_tunnel(data + off, data_end, conf.self_addr, NULL)) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return TC_ACT_OK;
	}
	xmip_report_tc(skb, cls->l3_off, cls->l3_len);
	return TC_ACT_SHOT;
}

/* tc ingress: xmip_mip6_ha_linklocal on an skb. */
__noinline int xmip_mip6_ha_linklocal_tc(struct __sk_buff *skb)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_ha_conf conf;

	xmip_ha_conf_load(&conf);
	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (xmip_is_nd_message(ip6, data_end)) {
		xmip_count(XMIP_STAT_PASS_ND_FOR_HOA);
		return TC_ACT_OK;
	}
	if (!xmip_ha_err_allowed(ip6, xmip_skb_is_icmp6_error(skb, sizeof(struct ethhdr)),
				 conf.self_addr, XMIP_RATE_DU))
		return TC_ACT_SHOT;
	return xmip_ha_icmp_err_tc(skb, conf.self_addr, XMIP_ICMP6_DEST_UNREACH,
				   XMIP_ICMP6_DU_ADDR_UNREACH, 0, XMIP_STAT_DU_SENT);
}

/*
 * The agent points a bound HoA's neighbour entry at the HA itself
 * (agentd/core/fwsync.c), so its own packets to the HoA reach tc egress.
 * What is not tunnelled must not leave with the HA's own MAC as its
 * destination: the MN may be home again (the BA of its deregistration can
 * leave before or just after the binding's slot goes, while the neighbour
 * entry still points here), so it goes to the HoA's solicited-node
 * multicast MAC, which the MN at home hears.
 */
static __always_inline int xmip_ha_egress_home_link(struct ethhdr *eth, struct ipv6hdr *ip6)
{
	if (xmip_mac_eq(eth->h_dest, eth->h_source)) {
		eth->h_dest[0] = 0x33;
		eth->h_dest[1] = 0x33;
		eth->h_dest[2] = 0xff;
		eth->h_dest[3] = ip6->daddr.in6_u.u6_addr8[13];
		eth->h_dest[4] = ip6->daddr.in6_u.u6_addr8[14];
		eth->h_dest[5] = ip6->daddr.in6_u.u6_addr8[15];
	}
	return TC_ACT_OK;
}

/*
 * tc egress: a packet the HA itself sends (or forwards) to a bound home
 * address, or into a bound mobile router's prefix (RFC 3963), goes through
 * the tunnel, not onto the home link (its answer to the MN's ping, the Time
 * Exceeded for a reverse-tunnelled packet).
 * Excepted: the HA's own signalling (Mobility Header) and Neighbour
 * Discovery. Counts only what it tunnels or drops: every other packet the
 * host sends passes here too.
 */
__noinline int xmip_mip6_ha_egress(struct __sk_buff *skb)
{
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_ip6_layers l;
	struct xmip_cursor c = { };
	struct xmip_fw_view b;
	struct ipv6hdr *ip6;
	void *data, *data_end;
	__u64 now;
	__u32 mtu;
	int proto;

	xmip_ha_conf_load(cfg);
	if (!skb || xmip_tc_pull(skb))
		return TC_ACT_OK;
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip6 = data + sizeof(struct ethhdr);
	if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
		return TC_ACT_OK;
	if (ip6->daddr.in6_u.u6_addr8[0] == 0xff)
		return TC_ACT_OK;                        /* multicast: its own MAC already */
	if (xmip_ha_binding_or_mnp(&ip6->daddr, &b) || (b.flags & XMIP_FW_F_LINKLOCAL))
		return xmip_ha_egress_home_link(data, ip6);
	now = bpf_jiffies64();
	if (xmip_fw_expired(&b, now) || xmip_ha_coa_bad(b.coa, cfg))
		return xmip_ha_egress_home_link(data, ip6);
	c.pos = ip6 + 1;
	c.end = data_end;
	c.start = data;
	proto = xmip_parse_ext(&c, ip6, ip6->nexthdr, &l);
	/* Its signalling and Neighbour Discovery to the HoA stay on the home link. */
	if (proto == XMIP_IPPROTO_MH || xmip_is_nd_message(ip6, data_end))
		return xmip_ha_egress_home_link(data, ip6);
	/* Another family's tunnel (DSMIPv6 over IPv4): the entry hands it on,
	 * MH and ND having been excepted above as for every home address. */
	if (b.encap != XMIP_ENCAP_IP6IP6)
		return XMIP_ACT_NEXT;
	mtu = xmip_ha_tunnel_mtu(&b, cfg->tunnel_mtu);
	if (mtu && xmip_tc_seg_ip_len(skb, ip6, data_end) > mtu) {
		xmip_count(XMIP_STAT_DROP_EGRESS_TOO_BIG);
		return TC_ACT_SHOT;
	}
	if (xmip_encap_ip6ip6_tc(skb, cfg->self_addr, b.coa)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_EGRESS_ENCAP_OK);
	return xmip_ha_emit_tc(skb, &b, now, false);
}

#endif /* XMIP_BPF_MIP6_HA_H */
