/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ICMPv6 errors (RFC 4443: Packet Too Big §3.2, Destination Unreachable
 * §3.1) built in place, Katran style: the offending packet becomes the
 * quote, a new Ethernet + IPv6 + ICMPv6 header goes in front, the tail is
 * cut so the error is at most the IPv6 minimum MTU, and the frame goes
 * back where it came from. XDP (adjust_head/tail) and tc (adjust_room,
 * change_tail; a GSO packet becomes one plain error) share the header and
 * checksum code. Rate-limited per CPU and per kind (RFC 4443 §2.4(f)).
 */
#ifndef XMIP_BPF_ICMP_ERR_H
#define XMIP_BPF_ICMP_ERR_H

#include "lib/common.h"
#include "lib/csum.h"
#include "lib/icmp6.h"

#define XMIP_ICMP6_DEST_UNREACH  1
#define XMIP_ICMP6_PKT_TOO_BIG   2
#define XMIP_ICMP6_TIME_EXCEEDED 3
#define XMIP_ICMP6_DU_ADDR_UNREACH 3   /* Destination Unreachable code 3 */
#define XMIP_ICMP6_HLEN        8
/* Quote: as much of the packet as fits in 1280 octets (RFC 4443 §2.4(c)). */
#define XMIP_ICMP_QUOTE_MAX    (XMIP_IPV6_MIN_MTU - XMIP_IP6_HLEN - XMIP_ICMP6_HLEN)
/* Kept for the PTB of a full-sized packet: the error is then exactly 1280. */
#define XMIP_PTB_ICMP_LEN      (XMIP_IPV6_MIN_MTU - XMIP_IP6_HLEN)

/*
 * Rate limits, one GCRA ("virtual scheduling") bucket per CPU and kind:
 * tat_ns is the theoretical arrival time of the next message, one message
 * moves it 1e9 / rate ns on.
 */
enum xmip_rate_kind {
	XMIP_RATE_PTB    = 0,   /* Packet Too Big */
	XMIP_RATE_DU     = 1,   /* Destination Unreachable (link-local of a bound MN) */
	XMIP_RATE_REPORT = 2,   /* ICMPv6 errors about tunnel packets handed to the agent */
	XMIP_RATE_LEARN  = 3,   /* MN: new destinations reported to the agent (bpf/ro/mn.h) */
	XMIP_RATE__MAX   = 4,
};

struct xmip_rate_bucket {
	__u64 tat_ns;          /* bpf_ktime_get_ns() clock */
};

/* Per-CPU rate-limit state (struct xmip_rate_bucket), one per enum xmip_rate_kind. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_RATE__MAX);
	__type(key, __u32);
	__type(value, struct xmip_rate_bucket);
} xmip_icmp_rate SEC(".maps");

/*
 * Rate per CPU: XMIP_ICMP_PER_SEC a second, bursts of XMIP_ICMP_BURST.
 * Linux itself does not rate-limit PTB (icmpv6 ratemask excludes type 2)
 * because path MTU discovery depends on it, hence a generous rate: what it
 * stops is an oversized flood (spoofed sources) reflected at line rate.
 */
#ifndef XMIP_ICMP_PER_SEC        /* the bench sets 1e9: times the limiter, never hits it */
#define XMIP_ICMP_PER_SEC   1000
#endif
#define XMIP_ICMP_BURST     50
#define XMIP_ICMP_INTERVAL_NS (1000000000ull / XMIP_ICMP_PER_SEC)

/* Take one token of `kind` on this CPU: 1 if the message may be sent now. */
static __always_inline int xmip_rate_allowed(__u32 kind)
{
	const __u64 tau = (XMIP_ICMP_BURST - 1) * XMIP_ICMP_INTERVAL_NS;
	struct xmip_rate_bucket *b = bpf_map_lookup_elem(&xmip_icmp_rate, &kind);
	__u64 now = bpf_ktime_get_ns();
	__u64 tat;

	if (!b)
		return 0;
	tat = b->tat_ns > now ? b->tat_ns : now;
	if (tat - now > tau)
		return 0;
	b->tat_ns = tat + XMIP_ICMP_INTERVAL_NS;   /* per-CPU slot: no atomic needed */
	return 1;
}

/*
 * An ICMPv6 error goes back to the packet's source: never to a multicast
 * or unspecified source (RFC 4443 §2.4(e)), nor to loopback or to the HA
 * itself (a frame looping through our own XDP_TX).
 */
static __always_inline int xmip_ptb_src_ok(const struct ipv6hdr *ip6, const void *self_addr)
{
	const __u32 *w = (const __u32 *)&ip6->saddr;

	if (ip6->saddr.in6_u.u6_addr8[0] == 0xff)
		return 0;
	/* :: and ::1 (a link-local source is fine: the error goes back on-link) */
	if ((w[0] | w[1] | w[2]) == 0 && (w[3] == 0 || w[3] == bpf_htonl(1)))
		return 0;
	return !xmip_addr_eq(&ip6->saddr, self_addr);
}

/* The quote of a packet of `ip_len` octets: all of it up to the limit, in whole words. */
static __always_inline __u32 xmip_icmp_quote_len(__u32 ip_len)
{
	__u32 q = ip_len < XMIP_ICMP_QUOTE_MAX ? ip_len : XMIP_ICMP_QUOTE_MAX;

	return q & ~3u;
}

/*
 * Sum `len` octets (a multiple of 4, at most XMIP_ICMP_QUOTE_MAX + 8) from
 * p onto seed: 64-octet chunks, then words, each bounded for the verifier.
 */
static __always_inline __s64 xmip_csum_var(void *p, void *end, __u32 len, __s64 seed)
{
	__u32 done = 0;
	int i;

	for (i = 0; i < (XMIP_ICMP_QUOTE_MAX + 8) / 64; i++) {
		if (len - done < 64)
			break;
		if (p + 64 > end)
			return -1;
		seed = bpf_csum_diff(0, 0, p, 64, (__wsum)seed);
		p += 64;
		done += 64;
	}
	for (i = 0; i < 16; i++) {
		if (len - done < 4)
			break;
		if (p + 4 > end)
			return -1;
		seed = bpf_csum_diff(0, 0, p, 4, (__wsum)seed);
		p += 4;
		done += 4;
	}
	return len == done ? seed : -1;
}

/* What the error needs from the offending frame, taken before it is rewritten. */
struct xmip_icmp_err {
	__u8  smac[6], dmac[6];   /* the error's: the frame's, swapped */
	struct in6_addr dst;      /* the offending packet's source */
	__u32 quote;              /* octets of it quoted */
	__u8  type, code;
	__u32 info;               /* MTU (PTB), 0 (DU) */
};

/* Read what the error needs from [eth][ip6...]; -1 if the frame is too short. */
static __always_inline int xmip_icmp_err_prepare(void *data, void *data_end, __u8 type, __u8 code,
						 __u32 info, struct xmip_icmp_err *e)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);

	if ((void *)(ip6 + 1) > data_end)
		return -1;
	__builtin_memcpy(e->dmac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(e->smac, eth->h_dest, ETH_ALEN);
	e->dst = ip6->saddr;
	e->quote = xmip_icmp_quote_len(bpf_ntohs(ip6->payload_len) + sizeof(*ip6));
	e->type = type;
	e->code = code;
	e->info = info;
	return 0;
}

/*
 * Fill the new headers of the frame [data, data_end) = [eth][ip6][icmp6]
 * [quote], which is exactly XMIP_ETH_HLEN + 48 + e->quote octets long, and
 * the ICMPv6 checksum. 0, or -1.
 */
static __always_inline int xmip_icmp_err_fill(void *data, void *data_end, const void *self_addr,
					      const struct xmip_icmp_err *e)
{
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6hdr *icmp = (void *)(ip6 + 1);
	__u32 icmp_len = XMIP_ICMP6_HLEN + e->quote;
	__s64 sum;

	if ((void *)(icmp + 1) > data_end || icmp_len > XMIP_PTB_ICMP_LEN)
		return -1;
	__builtin_memcpy(eth->h_dest, e->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, e->smac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);

	*(__be32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons(icmp_len);
	ip6->nexthdr = XMIP_IPPROTO_ICMPV6;
	ip6->hop_limit = XMIP_HOP_LIMIT_OUTER;
	xmip_addr_copy(&ip6->saddr, self_addr);
	ip6->daddr = e->dst;

	icmp->icmp6_type = e->type;
	icmp->icmp6_code = e->code;
	icmp->icmp6_cksum = 0;
	icmp->icmp6_dataun.un_data32[0] = bpf_htonl(e->info);

	sum = xmip_csum_ip6_pseudo(&ip6->saddr, &ip6->daddr, icmp_len, XMIP_IPPROTO_ICMPV6);
	if (sum < 0)
		return -1;
	sum = xmip_csum_var(icmp, data_end, icmp_len, sum);
	if (sum < 0)
		return -1;
	icmp->icmp6_cksum = ~xmip_csum_fold((__u32)sum);
	return 0;
}

/*
 * XDP: turn the frame (Ethernet + an IPv6 packet) into the error from
 * `self_addr` to the packet's source. 0 when the frame is ready for XDP_TX.
 */
static __always_inline int xmip_build_icmp_err_xdp(struct xdp_md *ctx, const void *self_addr,
						   __u8 type, __u8 code, __u32 info)
{
	const int push = XMIP_IP6_HLEN + XMIP_ICMP6_HLEN;
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_icmp_err e;
	__u32 frame_len;

	if (xmip_icmp_err_prepare(data, data_end, type, code, info, &e))
		return -1;
	frame_len = XMIP_ETH_HLEN + push + e.quote;
	if (bpf_xdp_adjust_head(ctx, -push))
		return -1;
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	if (data + frame_len > data_end)
		return -1;
	{
		__u64 have = data_end - data;

		barrier_var(have);   /* a scalar, in 64 bits, before the subtraction */
		if (bpf_xdp_adjust_tail(ctx, (int)frame_len - (int)have))
			return -1;
	}
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	return xmip_icmp_err_fill(data, data_end, self_addr, &e);
}

/*
 * tc: the same on an skb. The tail is cut first (which also ends a GSO
 * packet's GSO state: one error answers the whole of it), then room for
 * the new headers is made at the MAC header. 0 when the skb is ready to
 * go back out of its arrival interface.
 */
static __always_inline int xmip_build_icmp_err_tc(struct __sk_buff *skb, const void *self_addr,
						  __u8 type, __u8 code, __u32 info)
{
	const int push = XMIP_IP6_HLEN + XMIP_ICMP6_HLEN;
	struct xmip_icmp_err e;
	__u32 frame_len;

	if (xmip_icmp_err_prepare(xmip_skb_data(skb), xmip_skb_data_end(skb), type, code, info, &e))
		return -1;
	frame_len = XMIP_ETH_HLEN + push + e.quote;
	if (bpf_skb_change_tail(skb, XMIP_ETH_HLEN + e.quote, 0) ||
	    bpf_skb_adjust_room(skb, push, BPF_ADJ_ROOM_MAC, 0) ||
	    bpf_skb_pull_data(skb, frame_len))
		return -1;
	return xmip_icmp_err_fill(xmip_skb_data(skb), xmip_skb_data_end(skb), self_addr, &e);
}

#endif /* XMIP_BPF_ICMP_ERR_H */
