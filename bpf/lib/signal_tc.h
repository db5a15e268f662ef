/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The signalling ring buffer from tc ingress (the HA in xdp-mode = tc):
 * the same record as xmip_signal_xdp (lib/signal.h) writes, from an skb.
 * Kept beside signal.h, not in it, and in step with it: the record header
 * and limits are signal.h's.
 */
#ifndef XMIP_BPF_SIGNAL_TC_H
#define XMIP_BPF_SIGNAL_TC_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/signal.h"

/* Copy `len` octets from `ip_off` of the skb into a record for `family`; counted. */
static __always_inline void xmip_signal_tc(struct __sk_buff *skb, enum xmip_family_id family,
					   __u32 ip_off, __u32 len)
{
	struct xmip_signal_event *ev;

	if (len > XMIP_SIGNAL_MAX_PKT) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_TOO_BIG);
		return;
	}
	if (len < XMIP_IP4_HLEN) {
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
	ev->ifindex = skb->ingress_ifindex;
	ev->len = len;
	len &= 0x7ff;
	if (len < XMIP_IP4_HLEN || len > XMIP_SIGNAL_MAX_PKT ||
	    bpf_skb_load_bytes(skb, ip_off, ev->pkt, len) < 0) {
		bpf_ringbuf_discard(ev, 0);
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return;
	}
	bpf_ringbuf_submit(ev, 0);
	xmip_count(XMIP_STAT_SIGNAL_TO_AGENT);
}

#endif /* XMIP_BPF_SIGNAL_TC_H */
