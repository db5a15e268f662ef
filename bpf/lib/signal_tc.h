/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The signalling ring buffer from tc ingress (the HA in xdp-mode = tc):
 * the same record, through the same per-source limiter, as
 * xmip_signal_xdp (lib/signal.h) writes, from an skb. Only the context
 * differs; the record format, the limiter and the wake-up rule are
 * signal.h's (xmip_signal_put).
 */
#ifndef XMIP_BPF_SIGNAL_TC_H
#define XMIP_BPF_SIGNAL_TC_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/signal.h"

/* Copy `len` octets from `ip_off` of the skb into a record for `family`
 * (`bound` as for xmip_signal_put); counted. */
static __always_inline void xmip_signal_tc(struct __sk_buff *skb, enum xmip_family_id family,
					   __u32 ip_off, __u32 len, const __u8 *bound)
{
	xmip_signal_put(skb, 1, family, skb->ingress_ifindex, ip_off, len, bound);
}

#endif /* XMIP_BPF_SIGNAL_TC_H */
