/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hand a signalling packet to the agent through the xmip_signal ring
 * buffer: a record header naming the family whose agent code takes it,
 * then the packet from its IP header on (for Mobile IPv6: as the kernel
 * without CONFIG_IPV6_MIP6 would have dropped it).
 */
#ifndef XMIP_BPF_SIGNAL_H
#define XMIP_BPF_SIGNAL_H

#include "lib/common.h"
#include "lib/stats.h"

/* Signalling records for the agent (struct xmip_signal_event), every role. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP_SIGNAL_RINGBUF_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_signal SEC(".maps");

/*
 * Copy `len` octets starting `ip_off` octets into the XDP frame into a
 * ring-buffer record for `family`. Counts the outcome; the caller drops
 * the packet in every case (the kernel could not have processed it).
 */
static __always_inline void xmip_signal_xdp(struct xdp_md *ctx, enum xmip_family_id family,
					    __u32 ip_off, __u32 len)
{
	struct xmip_signal_event *ev;

	if (len > XMIP_SIGNAL_MAX_PKT) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_TOO_BIG);
		return;
	}
	if (len < XMIP_IP4_HLEN) {     /* the caller parsed an IP header */
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return;
	}
	ev = bpf_ringbuf_reserve(&xmip_signal, sizeof(*ev), 0);
	if (!ev) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_NO_ROOM);
		return;
	}
	ev->family = family;
	ev->hdr_len = XMIP_SIGNAL_HDR_LEN;
	ev->ifindex = ctx->ingress_ifindex;
	ev->len = len;
	/* Re-bound for the verifier: 20 <= len <= XMIP_SIGNAL_MAX_PKT. */
	len &= 0x7ff;
	if (len < XMIP_IP4_HLEN || len > XMIP_SIGNAL_MAX_PKT ||
	    bpf_xdp_load_bytes(ctx, ip_off, ev->pkt, len) < 0) {
		bpf_ringbuf_discard(ev, 0);
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return;
	}
	bpf_ringbuf_submit(ev, 0);
	xmip_count(XMIP_STAT_SIGNAL_TO_AGENT);
}

#endif /* XMIP_BPF_SIGNAL_H */
