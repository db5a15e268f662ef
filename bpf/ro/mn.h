/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Route optimisation, mobile node side (RFC 6275 §11.3.1, §11.3.3, §11.7;
 * docs/DESIGN.md, "Datapath, MN"). The MN's entries (bpf/xmip_mn.bpf.c)
 * call:
 *  - xmip_ro_mn_egress: tc egress, a packet from the HoA while away to a
 *                       correspondent that accepted our BU for the current
 *                       CoA (xmip_mn_ro) -> from the CoA with a Home Address
 *                       option, directly; else XMIP_RO_MN_TUNNEL (the tunnel)
 *  - xmip_ro_mn_learn:  tc egress, before that: a destination without
 *                       route optimisation seen for the first time is
 *                       reported to the agent, which may run return
 *                       routability with it ([ro] learn-correspondents)
 *  - xmip_ro_mn_rh2:    XDP, a packet to the CoA with a type-2 routing
 *                       header carrying our HoA -> the header removed, the
 *                       HoA the destination, passed up (our kernels drop
 *                       RH2); anything else with an RH2 is dropped, counted
 * The header operations are the correspondent's mirror images
 * (bpf/lib/hao.h, bpf/lib/rh2.h).
 */
#ifndef XMIP_BPF_RO_MN_H
#define XMIP_BPF_RO_MN_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/classify.h"
#include "lib/icmp6.h"
#include "lib/fib.h"
#include "lib/hao.h"
#include "lib/rh2.h"
#include "lib/role_mn.h"
#include "lib/signal.h"
#include "lib/icmp_err.h"
#include "xmip_ro.h"

/* xmip_ro_mn_egress: not route-optimised, tunnel it (no TC_ACT_* has this value). */
#define XMIP_RO_MN_TUNNEL 0x102

#ifndef XMIP_MN_RO_MAX
#define XMIP_MN_RO_MAX 1024
#endif

/* Correspondents that accepted our BU: CN address -> CoA, expiry; written whole by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_MN_RO_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_mn_ro_entry);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_mn_ro SEC(".maps");

/* Destinations reported to the agent, and their last use (include/xmip_ro.h; agent deletes). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP_MN_RO_SEEN_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_mn_ro_seen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_mn_ro_seen SEC(".maps");

/*
 * May `dst` be a correspondent to learn? Not the home agent (it is one
 * for itself, over the tunnel: RFC 6275 §9.3), not multicast, link-local,
 * loopback or unspecified, not an IPv4-mapped address (reached over IPv4),
 * not an address of the home prefix (the home link: nothing to optimise).
 */
static __always_inline int xmip_ro_mn_learnable(const __u8 *dst, const struct xmip_mn_view *v)
{
	const __u32 *w = (const __u32 *)dst;
	__u8 prefix[16];
	int i;

	if (xmip_addr_is_special(dst) || xmip_addr_eq(dst, v->ha) ||
	    ((w[0] | w[1]) == 0 && w[2] == bpf_htonl(0xffff)))
		return 0;
#pragma unroll
	for (i = 0; i < 16; i++)
		prefix[i] = xmip_mn_conf.home_prefix[i];
	return !xmip_prefix_contains(prefix, xmip_mn_conf.home_plen, dst);
}

/*
 * tc egress, while away in IPv6 mode, a packet from the home address (not
 * our own Mobility Header) with the IPv6 header `ip6` at ETH_HLEN, and
 * learning on (XMIP_MN_F_RO_LEARN): note the destination's use, and the
 * first time, report its IPv6 header to the agent (ring record
 * XMIP_FAMILY_RO_LEARN). Once per destination while the element lives
 * (the agent deletes it when it forgets the destination); a report over
 * the per-CPU rate or lost to a full ring takes the element back out, so
 * the next packet tries again. Never changes the packet.
 */
static __always_inline void xmip_ro_mn_learn(struct __sk_buff *skb, const struct ipv6hdr *ip6,
					     const struct xmip_mn_view *v)
{
	struct xmip_binding_key key;
	struct xmip_mn_ro_seen *e, n;
	__u64 now;

	if (!xmip_ro_mn_learnable((const __u8 *)&ip6->daddr, v))
		return;
	xmip_addr_copy(key.hoa, &ip6->daddr);
	now = bpf_ktime_get_boot_ns();
	e = bpf_map_lookup_elem(&xmip_mn_ro_seen, &key);
	if (e) {
		/* Usage for the agent's idle expiry: one write a second at most. */
		if (now - e->used_ns >= XMIP_RO_USED_GRANULARITY_NS)
			e->used_ns = now;
		return;
	}
	n.reported_ns = now;
	n.used_ns = now;
	/* NOEXIST: of CPUs racing on one destination, one reports. */
	if (bpf_map_update_elem(&xmip_mn_ro_seen, &key, &n, BPF_NOEXIST))
		return;
	if (!xmip_rate_allowed(XMIP_RATE_LEARN) ||
	    xmip_signal_emit(skb, 1, XMIP_FAMILY_RO_LEARN, skb->ifindex, sizeof(struct ethhdr),
			     XMIP_IP6_HLEN)) {
		bpf_map_delete_elem(&xmip_mn_ro_seen, &key);
		xmip_count(XMIP_STAT_RO_MN_LEARN_LIMITED);
		return;
	}
	xmip_count(XMIP_STAT_RO_MN_LEARN_REPORT);
}

/*
 * 1 if the correspondent `cn` holds a binding of our HoA to the current
 * CoA that has not expired (the agent deletes the element on a move, but a
 * packet racing the move must not go out with a CoA the CN does not know).
 */
static __always_inline int xmip_ro_mn_bound(const void *cn, const struct xmip_mn_view *v)
{
	struct xmip_binding_key key;
	struct xmip_mn_ro_entry *e, r;

	xmip_addr_copy(key.hoa, cn);
	e = bpf_map_lookup_elem(&xmip_mn_ro, &key);
	if (!e)
		return 0;
	__builtin_memcpy(&r, e, sizeof(r));
	return xmip_addr_eq(r.coa, v->coa) && r.expires_ns > bpf_ktime_get_boot_ns();
}

/*
 * tc egress, after a header went in at the network layer (HAO, RH2): the
 * packet is re-read (bounds again after the head moved) and leaves for
 * its new destination. Routed from the HoA by table 4191 (the CoA link's
 * router), the MACs are right when that router is the one we know, as for
 * the tunnel; otherwise routed again (bpf_fib_lookup).
 */
static __always_inline int xmip_ro_mn_out_tc(struct __sk_buff *skb, const struct xmip_mn_view *v)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);

	if ((void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (skb->ifindex == v->coa_ifindex && xmip_mac_eq(eth->h_dest, v->gw_mac) &&
	    !xmip_mac_zero(v->gw_mac))
		return TC_ACT_OK;
	return xmip_fib_output_tc(skb, ip6, v->coa_ifindex, false);
}

/*
 * tc egress, an IPv6 packet from the HoA while away (not a Mobility
 * Header: the caller tunnels those, the HoTI must go through the HA,
 * §5.2.5). proto: the upper layer the walk found. XMIP_RO_MN_TUNNEL: tunnel it.
 */
static __always_inline int xmip_ro_mn_egress(struct __sk_buff *skb, const struct xmip_mn_view *v)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	int rc;

	if ((void *)(ip6 + 1) > data_end)
		return XMIP_RO_MN_TUNNEL;
	if (xmip_addr_is_special(&ip6->daddr) || !xmip_ro_mn_bound(&ip6->daddr, v))
		return XMIP_RO_MN_TUNNEL;
	/* The option goes in a Destination Options header of its own right
	 * after the IPv6 header, which is where the correspondent looks for it;
	 * a packet with extension headers of its own there keeps the tunnel. */
	if (ip6->nexthdr == XMIP_IPPROTO_HOPOPTS || ip6->nexthdr == XMIP_IPPROTO_ROUTING ||
	    ip6->nexthdr == XMIP_IPPROTO_DSTOPTS || xmip_is_nd_message(ip6, data_end)) {
		xmip_count(XMIP_STAT_RO_MN_FALLBACK_TUNNEL);
		return XMIP_RO_MN_TUNNEL;
	}
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

	return xmip_ro_mn_out_tc(skb, v);
}

/*
 * XDP: a packet to the node with a type-2 routing header (cls->ip6.has_rh2),
 * not a Mobility Header (those go to the agent with theirs). RFC 6275
 * §11.3.3: the address in it must be our home address; then it is
 * processed as addressed to the home address. Only while away, to the
 * CoA, with the header right after the IPv6 header (where every
 * correspondent puts it, §6.4); everything else is dropped, counted.
 */
__noinline int xmip_ro_mn_rh2(struct xdp_md *ctx, const struct xmip_cls *cls,
			      const struct xmip_mn_view *v)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_rh2 *rh = (void *)(ip6 + 1);
	__u8 hoa[16];

	if (!cls || !v || (void *)(rh + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	if (!v->away || !xmip_addr_eq(&ip6->daddr, v->coa) || ip6->nexthdr != XMIP_IPPROTO_ROUTING ||
	    cls->ip6.rh2_off != sizeof(*ip6) + 8 || rh->type != XMIP_RH_TYPE2 ||
	    !xmip_addr_eq(rh->hoa, v->hoa)) {
		xmip_count(XMIP_STAT_RO_MN_DROP_RH2);
		return XDP_DROP;
	}
	xmip_addr_copy(hoa, v->hoa);
	if (xmip_rh2_strip_xdp(ctx, hoa)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_RO_MN_RH2_RESTORED);
	return XDP_PASS;
}

#endif /* XMIP_BPF_RO_MN_H */
