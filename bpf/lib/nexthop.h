/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * XDP forwarding through the kernel FIB with a next-hop cache:
 * bpf_fib_lookup (or a cached answer), MAC rewrite, then XDP_TX (same
 * interface) or bpf_redirect. Every result other than success becomes a
 * counted fallback to the kernel or a counted drop: a silent XDP_PASS
 * would hide a broken fast path. The roles that forward in XDP (the HA)
 * include this and so carry the cache's maps; the others do not.
 */
#ifndef XMIP_BPF_NEXTHOP_H
#define XMIP_BPF_NEXTHOP_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/fib.h"

/* Next-hop cache: FIB answers by (dst, src, arrival ifindex). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, XMIP_NEXTHOPS_MAX);
	__type(key, struct xmip_nh_key);
	__type(value, struct xmip_nh);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_nexthops SEC(".maps");

/* Next-hop generation, one __u64: bumped by agent/loader on neighbour/route/link changes. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(map_flags, BPF_F_MMAPABLE);   /* writers store the 8 octets in one go */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_nh_gen SEC(".maps");

/* The current next-hop generation (0 until the agent or loader bumps it). */
static __always_inline __u64 xmip_nh_gen_now(void)
{
	__u32 key = XMIP_NH_GEN_KEY;
	__u64 *gen = bpf_map_lookup_elem(&xmip_nh_gen, &key);

	return gen ? *gen : 0;   /* one aligned 8-octet load */
}

/* MACs, then XDP_TX back out of the arrival interface or a redirect. */
static __always_inline int xmip_fib_emit_xdp(struct xdp_md *ctx, struct ethhdr *eth,
					     const __u8 *smac, const __u8 *dmac, __u32 ifindex)
{
	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	if (ifindex == ctx->ingress_ifindex) {
		xmip_count(XMIP_STAT_FWD_XDP_TX);
		return XDP_TX;
	}
	xmip_count(XMIP_STAT_FWD_REDIRECT);
	return bpf_redirect(ifindex, 0);
}

/*
 * Forward the frame whose headers are `eth`/`ip6` (already final: outer
 * header after an encap, inner after a decap). `not_fwded_stat` names what
 * a "not forwarded" answer means to the caller (local destination).
 *
 * Next-hop cache (xmip_nexthops): a FIB answer is reused while its
 * generation equals xmip_nh_gen, which the agent bumps on every neighbour,
 * route or link change, and only for packets no larger than the route MTU
 * it was given with, and for at most XMIP_NH_MAX_AGE_JIFFIES (a safety net
 * for when no agent runs). The generation is read before the lookup, so an entry
 * filled from a FIB state older than a bump carries the old generation and
 * is never used. Only successes are cached: every other answer asks the FIB
 * again on the next packet (the kernel may resolve the neighbour meanwhile).
 */
static __always_inline int xmip_fib_forward_xdp(struct xdp_md *ctx, struct ethhdr *eth,
						struct ipv6hdr *ip6, enum xmip_stat not_fwded_stat)
{
	__u32 tot_len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
	__u64 gen = xmip_nh_gen_now();
	__u64 now = bpf_jiffies64();
	struct bpf_fib_lookup p;
	struct xmip_nh_key key;
	struct xmip_nh *nh;
	long rc;

	xmip_addr_copy(key.dst, &ip6->daddr);
	xmip_addr_copy(key.src, &ip6->saddr);
	key.ifindex = ctx->ingress_ifindex;
	nh = bpf_map_lookup_elem(&xmip_nexthops, &key);
	if (nh && nh->gen == gen && nh->ifindex && tot_len <= nh->mtu &&
	    now - nh->filled < XMIP_NH_MAX_AGE_JIFFIES) {
		xmip_count(XMIP_STAT_NH_HIT);
		return xmip_fib_emit_xdp(ctx, eth, nh->smac, nh->dmac, nh->ifindex);
	}
	xmip_count(XMIP_STAT_NH_MISS);

	xmip_fib_params_ip6(&p, ip6, ctx->ingress_ifindex);
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS: {
		struct xmip_nh fill = {
			.gen = gen,
			.filled = now,
			.ifindex = p.ifindex,
			/* The helper reports the route MTU only with FRAG_NEEDED;
			 * on success mtu_result (a union with tot_len) still holds
			 * our tot_len. So this is the largest size known to fit:
			 * a larger packet asks the FIB again, which raises it. */
			.mtu = p.mtu_result > tot_len ? p.mtu_result : tot_len,
		};

		__builtin_memcpy(fill.smac, p.smac, ETH_ALEN);
		__builtin_memcpy(fill.dmac, p.dmac, ETH_ALEN);
		if (bpf_map_update_elem(&xmip_nexthops, &key, &fill, BPF_ANY))
			xmip_count(XMIP_STAT_NH_FILL_FAILED);
		return xmip_fib_emit_xdp(ctx, eth, p.smac, p.dmac, p.ifindex);
	}
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		xmip_count(XMIP_STAT_FALLBACK_FIB_NO_NEIGH);
		return XDP_PASS;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		xmip_count(XMIP_STAT_DROP_FIB_BLACKHOLE);
		return XDP_DROP;
	case BPF_FIB_LKUP_RET_NOT_FWDED:
		xmip_count(not_fwded_stat);
		return XDP_PASS;
	default:  /* forwarding disabled, LWT, MTU, no source, helper error */
		xmip_count(XMIP_STAT_FALLBACK_FIB_OTHER);
		return XDP_PASS;
	}
}

#endif /* XMIP_BPF_NEXTHOP_H */
