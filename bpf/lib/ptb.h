/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMPv6 Packet Too Big (RFC 4443 §3.2) built in place in XDP, Katran
 * style: the offending packet becomes the quote, a new Ethernet + IPv6 +
 * ICMPv6 header is pushed in front, the tail is cut so the whole error is
 * exactly the IPv6 minimum MTU, and the frame goes back where it came from.
 * Rate-limited per CPU. The roles that send PTB (the HA) carry its map.
 */
#ifndef XMIP_BPF_PTB_H
#define XMIP_BPF_PTB_H

#include "lib/common.h"
#include "lib/csum.h"
#include "lib/icmp6.h"

#define XMIP_ICMP6_PKT_TOO_BIG 2
#define XMIP_ICMP6_HLEN        8
/* ICMPv6 message length: header + as much quote as fits in 1280 octets. */
#define XMIP_PTB_ICMP_LEN  (XMIP_IPV6_MIN_MTU - XMIP_IP6_HLEN)
#define XMIP_PTB_QUOTE_LEN (XMIP_PTB_ICMP_LEN - XMIP_ICMP6_HLEN)

/*
 * Packet Too Big rate limit (RFC 4443 §2.4(f)), one per CPU: a GCRA
 * ("virtual scheduling") token bucket. tat_ns is the theoretical arrival
 * time of the next PTB; one PTB moves it XMIP_PTB_INTERVAL_NS on.
 */
struct xmip_ptb_bucket {
	__u64 tat_ns;          /* bpf_ktime_get_ns() clock */
};

/* Per-CPU PTB rate-limit state (struct xmip_ptb_bucket). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_ptb_bucket);
} xmip_ptb_rate SEC(".maps");

/*
 * PTB rate per CPU: XMIP_PTB_PER_SEC a second, bursts of XMIP_PTB_BURST.
 * Linux itself does not rate-limit PTB (icmpv6 ratemask excludes type 2)
 * because path MTU discovery depends on it, hence a generous rate: what it
 * stops is an oversized flood (spoofed sources) reflected at line rate.
 */
#ifndef XMIP_PTB_PER_SEC          /* the bench sets 1e9: times the limiter, never hits it */
#define XMIP_PTB_PER_SEC    1000
#endif
#define XMIP_PTB_BURST      50
#define XMIP_PTB_INTERVAL_NS (1000000000ull / XMIP_PTB_PER_SEC)

/* Take one PTB token on this CPU: 1 if a PTB may be sent now. */
static __always_inline int xmip_ptb_allowed(void)
{
	const __u64 tau = (XMIP_PTB_BURST - 1) * XMIP_PTB_INTERVAL_NS;
	__u32 key = 0;
	struct xmip_ptb_bucket *b = bpf_map_lookup_elem(&xmip_ptb_rate, &key);
	__u64 now = bpf_ktime_get_ns();
	__u64 tat;

	if (!b)
		return 0;
	tat = b->tat_ns > now ? b->tat_ns : now;
	if (tat - now > tau)
		return 0;
	b->tat_ns = tat + XMIP_PTB_INTERVAL_NS;   /* per-CPU slot: no atomic needed */
	return 1;
}

/*
 * A PTB goes back to the packet's source: never to a multicast or
 * unspecified source (RFC 4443 §2.4(e)), nor to loopback or to the HA
 * itself (a frame looping through our own XDP_TX).
 */
static __always_inline int xmip_ptb_src_ok(const struct ipv6hdr *ip6, const void *self_addr)
{
	const __u32 *w = (const __u32 *)&ip6->saddr;

	if (ip6->saddr.in6_u.u6_addr8[0] == 0xff)
		return 0;
	/* :: and ::1 (a link-local source is fine: the PTB goes back on-link) */
	if ((w[0] | w[1] | w[2]) == 0 && (w[3] == 0 || w[3] == bpf_htonl(1)))
		return 0;
	return !xmip_addr_eq(&ip6->saddr, self_addr);
}

/*
 * Turn the frame (Ethernet + IPv6 packet of at least XMIP_PTB_QUOTE_LEN
 * octets) into a Packet Too Big from `self_addr` to the packet's source,
 * reporting `mtu`. Returns 0 when the frame is ready for XDP_TX.
 */
static __always_inline int xmip_build_ptb_xdp(struct xdp_md *ctx, const void *self_addr, __u32 mtu)
{
	const int push = XMIP_IP6_HLEN + XMIP_ICMP6_HLEN;
	const __u32 frame_len = XMIP_ETH_HLEN + XMIP_IPV6_MIN_MTU;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6hdr *icmp;
	__u8 smac[ETH_ALEN], dmac[ETH_ALEN];
	struct in6_addr dst;
	__s64 sum;

	if ((void *)(ip6 + 1) > data_end)
		return -1;
	__builtin_memcpy(dmac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(smac, eth->h_dest, ETH_ALEN);
	dst = ip6->saddr;

	if (bpf_xdp_adjust_head(ctx, -push))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + frame_len > data_end)
		return -1;
	if (bpf_xdp_adjust_tail(ctx, (int)frame_len - (int)(data_end - data)))
		return -1;

	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip6 = (void *)(eth + 1);
	icmp = (void *)(ip6 + 1);
	if (data + frame_len > data_end)
		return -1;

	__builtin_memcpy(eth->h_dest, dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, smac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	*(__be32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons(XMIP_PTB_ICMP_LEN);
	ip6->nexthdr = XMIP_IPPROTO_ICMPV6;
	ip6->hop_limit = XMIP_HOP_LIMIT_OUTER;
	xmip_addr_copy(&ip6->saddr, self_addr);
	ip6->daddr = dst;

	icmp->icmp6_type = XMIP_ICMP6_PKT_TOO_BIG;
	icmp->icmp6_code = 0;
	icmp->icmp6_cksum = 0;
	icmp->icmp6_dataun.un_data32[0] = bpf_htonl(mtu);

	sum = xmip_csum_ip6_pseudo(&ip6->saddr, &ip6->daddr, XMIP_PTB_ICMP_LEN,
				   XMIP_IPPROTO_ICMPV6);
	if (sum < 0)
		return -1;
	sum = xmip_csum_region(icmp, data_end, XMIP_PTB_ICMP_LEN, sum);
	if (sum < 0)
		return -1;
	icmp->icmp6_cksum = ~xmip_csum_fold((__u32)sum);
	return 0;
}

#endif /* XMIP_BPF_PTB_H */
