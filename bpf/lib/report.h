/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reports of the datapath to the agent's core through the signalling ring
 * buffer (xmip_signal): records in the ring's one format (lib/signal.h:
 * the common header, variable size, batched wake-ups) naming
 * XMIP_FAMILY_ICMP_REPORT instead of a family, with at most
 * XMIP_ICMP_REPORT_MAX octets of packet. Today: ICMPv6 errors from the
 * tunnel path about one of our tunnel packets, and ICMP Fragmentation
 * Needed from inside a Mobile IPv4 tunnel (bpf/mip4/ha.h). What they report is
 * untrusted input (anyone can forge an ICMPv6 error quoting our
 * addresses), so they go through the signalling limiter, per source, in
 * buckets of their own (XMIP_SIGNAL_KIND_REPORT: a router's errors do not
 * spend its /64's signalling tokens); a per-CPU limit on top bounds what
 * forged ones from many sources cost the agent (a router's errors are
 * rate-limited already).
 */
#ifndef XMIP_BPF_REPORT_H
#define XMIP_BPF_REPORT_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/signal.h"
#include "lib/icmp_err.h"

/*
 * The IPv6 packet `len` octets long at `off` of the packet (an XDP frame,
 * or an skb when `skb`), cut to XMIP_ICMP_REPORT_MAX, to the agent.
 * Counted: ICMP_TO_AGENT, or DROP_ICMP_REPORT_LIMITED (over its source's
 * rate or the per-CPU one), or the ring's reasons (lib/signal.h).
 */
static __always_inline void xmip_report_put(void *ctx, int skb, __u32 ifindex, __u32 off,
					    __u32 len)
{
	int ok;

	if (len > XMIP_ICMP_REPORT_MAX)
		len = XMIP_ICMP_REPORT_MAX;
	if (len < XMIP_IP6_HLEN || off > 64)
		return;
	ok = xmip_signal_admit(ctx, skb, off, XMIP_SIGNAL_KIND_REPORT);
	if (ok < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return;
	}
	if (!ok || !xmip_rate_allowed(XMIP_RATE_REPORT)) {
		xmip_count(XMIP_STAT_DROP_ICMP_REPORT_LIMITED);
		return;
	}
	if (xmip_signal_emit(ctx, skb, XMIP_FAMILY_ICMP_REPORT, ifindex, off, len) == 0)
		xmip_count(XMIP_STAT_ICMP_TO_AGENT);
}

static __always_inline void xmip_report_xdp(struct xdp_md *ctx, __u32 off, __u32 len)
{
	xmip_report_put(ctx, 0, ctx->ingress_ifindex, off, len);
}

/* tc: the same from an skb. */
static __always_inline void xmip_report_tc(struct __sk_buff *skb, __u32 off, __u32 len)
{
	xmip_report_put(skb, 1, skb->ingress_ifindex, off, len);
}

/*
 * Is the ICMPv6 message at `icmp` (the upper layer of a packet to this
 * node) an error about one of our tunnel packets: Destination Unreachable,
 * Packet Too Big or Time Exceeded, quoting an IPv6 header from `self` with
 * next header 41 and the start of the inner IPv6 header?
 */
static __always_inline int xmip_icmp_about_tunnel(void *icmp, void *data_end, const void *self,
						  const void *peer)
{
	__u8 *type = icmp;
	struct ipv6hdr *q = icmp + XMIP_ICMP6_HLEN;
	struct ipv6hdr *qi = (void *)(q + 1);

	if ((void *)(qi + 1) > data_end)
		return 0;
	if (*type != XMIP_ICMP6_DEST_UNREACH && *type != XMIP_ICMP6_PKT_TOO_BIG &&
	    *type != XMIP_ICMP6_TIME_EXCEEDED)
		return 0;
	if (q->version != 6 || q->nexthdr != XMIP_IPPROTO_IPV6 || qi->version != 6)
		return 0;
	return xmip_addr_eq(&q->saddr, self) && (!peer || xmip_addr_eq(&q->daddr, peer));
}

#endif /* XMIP_BPF_REPORT_H */
