/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reports of the datapath to the agent's core through the signalling ring
 * buffer (xmip_signal): records with the common header (struct
 * xmip_signal_event's fixed part) naming XMIP_FAMILY_ICMP_REPORT instead
 * of a family, and at most XMIP_ICMP_REPORT_MAX octets of packet. Today:
 * ICMPv6 errors from the tunnel path about one of our tunnel packets.
 * Rate-limited per CPU (a router's errors are rate-limited already; this
 * bounds what forged ones cost the agent).
 */
#ifndef XMIP_BPF_REPORT_H
#define XMIP_BPF_REPORT_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/signal.h"
#include "lib/icmp_err.h"

#define XMIP_REPORT_REC_LEN (XMIP_SIGNAL_HDR_LEN + XMIP_ICMP_REPORT_MAX)

static __always_inline struct xmip_signal_event *xmip_report_reserve(__u32 ifindex, __u32 len)
{
	struct xmip_signal_event *ev;

	if (!xmip_rate_allowed(XMIP_RATE_REPORT)) {
		xmip_count(XMIP_STAT_DROP_ICMP_REPORT_LIMITED);
		return NULL;
	}
	ev = bpf_ringbuf_reserve(&xmip_signal, XMIP_REPORT_REC_LEN, 0);
	if (!ev) {
		xmip_count(XMIP_STAT_DROP_ICMP_REPORT_LIMITED);
		return NULL;
	}
	ev->family = XMIP_FAMILY_ICMP_REPORT;
	ev->hdr_len = XMIP_SIGNAL_HDR_LEN;
	ev->ifindex = ifindex;
	ev->len = len;
	return ev;
}

static __always_inline void xmip_report_done(struct xmip_signal_event *ev, long err)
{
	if (err) {
		bpf_ringbuf_discard(ev, 0);
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return;
	}
	bpf_ringbuf_submit(ev, 0);
	xmip_count(XMIP_STAT_ICMP_TO_AGENT);
}

/* The IPv6 packet `len` octets long at `off` of the XDP frame, cut to the record. */
static __always_inline void xmip_report_xdp(struct xdp_md *ctx, __u32 off, __u32 len)
{
	struct xmip_signal_event *ev;

	if (len > XMIP_ICMP_REPORT_MAX)
		len = XMIP_ICMP_REPORT_MAX;
	if (len < XMIP_IP6_HLEN || off > 64)
		return;
	ev = xmip_report_reserve(ctx->ingress_ifindex, len);
	if (!ev)
		return;
	len &= 0x1ff;
	if (len > XMIP_ICMP_REPORT_MAX || len < XMIP_IP6_HLEN) {
		xmip_report_done(ev, -1);
		return;
	}
	xmip_report_done(ev, bpf_xdp_load_bytes(ctx, off, ev->pkt, len));
}

/* tc: the same from an skb. */
static __always_inline void xmip_report_tc(struct __sk_buff *skb, __u32 off, __u32 len)
{
	struct xmip_signal_event *ev;

	if (len > XMIP_ICMP_REPORT_MAX)
		len = XMIP_ICMP_REPORT_MAX;
	if (len < XMIP_IP6_HLEN || off > 64)
		return;
	ev = xmip_report_reserve(skb->ingress_ifindex, len);
	if (!ev)
		return;
	len &= 0x1ff;
	if (len > XMIP_ICMP_REPORT_MAX || len < XMIP_IP6_HLEN) {
		xmip_report_done(ev, -1);
		return;
	}
	xmip_report_done(ev, bpf_skb_load_bytes(skb, off, ev->pkt, len));
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
