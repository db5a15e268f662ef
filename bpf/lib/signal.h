/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Hand a signalling packet to the agent through the xmip_signal ring
 * buffer: a record header naming the family whose agent code takes it,
 * then the packet from its IP header on (for Mobile IPv6: as the kernel
 * without CONFIG_IPV6_MIP6 would have dropped it).
 *
 * In front of the ring, two classes (docs/DESIGN.md, "Signalling under
 * attack"):
 *  - bound: a caller that recognised the packet as a BU for a home address
 *    with a binding (the HA: one xmip_fwtable lookup) names that address;
 *    the packet is admitted through a token bucket of that home address
 *    and may use the whole ring;
 *  - everything else: a token bucket per source (per /64 for IPv6, per
 *    address for IPv4), then a per-CPU budget shared by all such sources,
 *    and only while the ring is at most half full. One source flooding
 *    fills its own bucket; many sources flooding spend the budget and at
 *    worst half the ring, never the room of a bound mobile node's BU.
 *
 * Records are variable-size (header + packet, copied through a per-CPU
 * scratch record and written with bpf_ringbuf_output), and wake-ups are
 * batched: the agent is woken for a record that finds the ring empty and
 * when XMIP_SIGNAL_WAKEUP_BYTES are pending; records in between are
 * written without a wake-up (the agent drains until the ring is empty,
 * and on a timer, so none waits for long).
 */
#ifndef XMIP_BPF_SIGNAL_H
#define XMIP_BPF_SIGNAL_H

#include "lib/common.h"
#include "lib/stats.h"

/*
 * Admission per source: XMIP_SIGNAL_SRC_PER_SEC packets a second, bursts
 * of XMIP_SIGNAL_SRC_BURST. A mobile node sends at most 3 BUs a second
 * (MAX_UPDATE_RATE, RFC 6275 §11.8) and usually one per refresh, so this
 * leaves room for several nodes behind one /64 or one IPv4 address. The
 * bench (and a build that wants other values) defines them first.
 */
#ifndef XMIP_SIGNAL_SRC_PER_SEC
#define XMIP_SIGNAL_SRC_PER_SEC 20
#endif
#ifndef XMIP_SIGNAL_SRC_BURST
#define XMIP_SIGNAL_SRC_BURST   40
#endif
#define XMIP_SIGNAL_SRC_INTERVAL_NS (1000000000ull / XMIP_SIGNAL_SRC_PER_SEC)
/*
 * Signalling of the unbound class admitted per CPU, all sources together:
 * what the agent spends on packets nobody has a binding for (forged BUs,
 * first registrations) is bounded whatever the number of sources.
 */
#ifndef XMIP_SIGNAL_ANON_PER_SEC
#define XMIP_SIGNAL_ANON_PER_SEC 2000
#endif
#define XMIP_SIGNAL_ANON_BURST   200
#define XMIP_SIGNAL_ANON_INTERVAL_NS (1000000000ull / XMIP_SIGNAL_ANON_PER_SEC)
/* The unbound class writes only while the ring holds at most this many octets. */
#define XMIP_SIGNAL_ANON_ROOM    (XMIP_SIGNAL_RINGBUF_BYTES / 2)
/* Sources remembered at once (LRU: the least recently seen is forgotten). */
#define XMIP_SIGNAL_SOURCES     16384
/* Pending octets at which a record wakes the agent even mid-batch (1/8 of the ring). */
#define XMIP_SIGNAL_WAKEUP_BYTES (XMIP_SIGNAL_RINGBUF_BYTES / 8)

/* Signalling records for the agent (struct xmip_signal_event), every role. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP_SIGNAL_RINGBUF_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_signal SEC(".maps");

/*
 * A source of records: an IPv6 /64 (low 8 octets zero) or ::ffff:a.b.c.d,
 * and what it sent. Signalling and the datapath's reports about untrusted
 * input (ICMPv6 errors from the path, lib/report.h) go through the same
 * limiter with separate buckets: a router's Packet Too Bigs do not spend
 * the tokens of the mobile nodes behind it, nor theirs its.
 */
enum xmip_signal_kind {
	XMIP_SIGNAL_KIND_SIGNAL = 0,   /* signalling for a family */
	XMIP_SIGNAL_KIND_REPORT = 1,   /* XMIP_FAMILY_ICMP_REPORT records */
	XMIP_SIGNAL_KIND_BOUND  = 2,   /* BUs for a bound home address: src is that address */
};

struct xmip_signal_src {
	__u8  src[16];
	__u32 kind;            /* enum xmip_signal_kind */
};

/* GCRA state of one source: theoretical arrival time of its next packet. */
struct xmip_signal_bucket {
	__u64 tat_ns;          /* bpf_ktime_get_ns() clock */
};

/* Per-source token buckets in front of the ring (not pinned: a re-attach starts afresh). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP_SIGNAL_SOURCES);
	__type(key, struct xmip_signal_src);
	__type(value, struct xmip_signal_bucket);
} xmip_signal_rate SEC(".maps");

/* The unbound class's budget, per CPU (GCRA state, one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_signal_bucket);
} xmip_signal_budget SEC(".maps");

/* One record's worth of scratch per CPU, written whole to the ring at its real length. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_signal_event);
} xmip_signal_scratch SEC(".maps");

/*
 * Every writer of the ring works on an XDP frame or on an skb: `skb`
 * (a constant at each call site, so the other branch is compiled out)
 * says which helper reads the packet.
 */
static __always_inline long xmip_signal_load(void *ctx, int skb, __u32 off, void *to, __u32 len)
{
	if (skb)
		return bpf_skb_load_bytes(ctx, off, to, len);
	return bpf_xdp_load_bytes(ctx, off, to, len);
}

/*
 * Take one token of the bucket `key`: 1 admitted, 0 over its rate. GCRA
 * ("virtual scheduling"): the bucket holds the time its next packet is
 * due; a packet is admitted while that time is at most tau ahead, and
 * moves it one interval on. The bucket is shared by every CPU, so the
 * move is a compare-and-swap; a CPU that loses the race to another packet
 * of the same bucket counts its packet as over the rate (it is sending
 * faster than two CPUs can admit it anyway). No loop: bounded time.
 */
static __always_inline int xmip_signal_take(const struct xmip_signal_src *key)
{
	const __u64 interval = XMIP_SIGNAL_SRC_INTERVAL_NS;
	const __u64 tau = (XMIP_SIGNAL_SRC_BURST - 1) * XMIP_SIGNAL_SRC_INTERVAL_NS;
	struct xmip_signal_bucket nb, *b;
	__u64 now = bpf_ktime_get_ns(), old, tat;

	b = bpf_map_lookup_elem(&xmip_signal_rate, key);
	if (!b) {
		nb.tat_ns = now + interval;             /* this packet is the first token */
		if (!bpf_map_update_elem(&xmip_signal_rate, key, &nb, BPF_NOEXIST)) {
			xmip_count(XMIP_STAT_SIGNAL_SRC_NEW);
			return 1;
		}
		b = bpf_map_lookup_elem(&xmip_signal_rate, key);   /* another CPU made it */
		if (!b)
			return 0;
	}
	old = b->tat_ns;
	tat = old > now ? old : now;
	if (tat - now > tau)
		return 0;
	return __sync_val_compare_and_swap(&b->tat_ns, old, tat + interval) == old;
}

/*
 * Take one token of `kind` of the source of the IP packet `ip_off` octets
 * into the packet: 1 admitted, 0 over its rate, -1 unreadable header.
 */
static __always_inline int xmip_signal_admit(void *ctx, int skb, __u32 ip_off, __u32 kind)
{
	struct xmip_signal_src key = {};
	__u8 ver;

	key.kind = kind;
	if (xmip_signal_load(ctx, skb, ip_off, &ver, 1))
		return -1;
	if ((ver >> 4) == 6) {
		if (xmip_signal_load(ctx, skb, ip_off + 8, key.src, 8))     /* source /64 */
			return -1;
	} else {
		key.src[10] = key.src[11] = 0xff;
		if (xmip_signal_load(ctx, skb, ip_off + 12, &key.src[12], 4))
			return -1;
	}
	return xmip_signal_take(&key);
}

/* One token of this CPU's budget for the unbound class: 1, or 0 if spent. */
static __always_inline int xmip_signal_budget_take(void)
{
	const __u64 tau = (XMIP_SIGNAL_ANON_BURST - 1) * XMIP_SIGNAL_ANON_INTERVAL_NS;
	struct xmip_signal_bucket *b;
	__u64 now = bpf_ktime_get_ns(), tat;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&xmip_signal_budget, &zero);
	if (!b)
		return 0;
	tat = b->tat_ns > now ? b->tat_ns : now;
	if (tat - now > tau)
		return 0;
	b->tat_ns = tat + XMIP_SIGNAL_ANON_INTERVAL_NS;   /* per-CPU slot: no atomic needed */
	return 1;
}

/*
 * Write one record (header, then `len` octets of the packet from `ip_off`,
 * XMIP_IP4_HLEN <= len <= XMIP_SIGNAL_MAX_PKT, checked by the caller) to
 * the ring at its real size, if the ring then holds at most `room` octets
 * (XMIP_SIGNAL_RINGBUF_BYTES: as long as it fits). 0, or -1 counted:
 * DROP_MALFORMED (unreadable), DROP_SIGNAL_NO_ROOM (ring full, or fuller
 * than `room`). The caller counts success.
 */
static __always_inline int xmip_signal_emit_room(void *ctx, int skb, __u16 family,
						 __u32 ifindex, __u32 ip_off, __u32 len,
						 __u64 room)
{
	struct xmip_signal_event *ev;
	__u64 avail, flags, size;
	__u32 zero = 0;

	ev = bpf_map_lookup_elem(&xmip_signal_scratch, &zero);
	if (!ev) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_NO_ROOM);   /* cannot be: a per-CPU slot */
		return -1;
	}
	ev->family = family;
	ev->hdr_len = XMIP_SIGNAL_HDR_LEN;
	ev->ifindex = ifindex;
	ev->len = len;
	/* Re-bound for the verifier: 20 <= len <= XMIP_SIGNAL_MAX_PKT. */
	len &= 0x7ff;
	if (len < XMIP_IP4_HLEN || len > XMIP_SIGNAL_MAX_PKT ||
	    xmip_signal_load(ctx, skb, ip_off, ev->pkt, len) < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return -1;
	}
	size = XMIP_SIGNAL_HDR_LEN + len;
	/*
	 * Wake-ups: a record that finds the ring empty wakes the agent (flags
	 * 0: the kernel wakes a consumer that has caught up, which it has);
	 * one that brings the backlog to XMIP_SIGNAL_WAKEUP_BYTES forces a
	 * wake-up; the others wake nobody: the agent, busy with the earlier
	 * ones, reads on until the ring is empty (and drains on a timer too).
	 */
	avail = bpf_ringbuf_query(&xmip_signal, BPF_RB_AVAIL_DATA);
	if (avail + size > room) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_NO_ROOM);
		return -1;
	}
	if (avail == 0) {
		flags = 0;
	} else if (avail + size >= XMIP_SIGNAL_WAKEUP_BYTES) {
		flags = BPF_RB_FORCE_WAKEUP;
		xmip_count(XMIP_STAT_SIGNAL_WAKEUP_FORCED);
	} else {
		flags = BPF_RB_NO_WAKEUP;
	}
	if (bpf_ringbuf_output(&xmip_signal, ev, size, flags)) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_NO_ROOM);
		return -1;
	}
	return 0;
}

/* The unbound class's records (and reports): at most half the ring. */
static __always_inline int xmip_signal_emit(void *ctx, int skb, __u16 family, __u32 ifindex,
					    __u32 ip_off, __u32 len)
{
	return xmip_signal_emit_room(ctx, skb, family, ifindex, ip_off, len,
				     XMIP_SIGNAL_ANON_ROOM);
}

/*
 * Signalling for `family`: `len` octets from `ip_off` of the packet
 * (an XDP frame, or an skb when `skb`) into a record. `bound`: NULL, or
 * the home address (16 octets) of the binding the caller found this BU is
 * for: through that address's bucket, into the whole ring; otherwise
 * through the source's bucket and the per-CPU budget, into half the ring.
 * Counts the outcome; the caller drops the packet in every case (the
 * kernel could not have processed it).
 */
static __always_inline void xmip_signal_put(void *ctx, int skb, enum xmip_family_id family,
					    __u32 ifindex, __u32 ip_off, __u32 len,
					    const __u8 *bound)
{
	int ok;

	if (len > XMIP_SIGNAL_MAX_PKT) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_TOO_BIG);
		return;
	}
	if (len < XMIP_IP4_HLEN) {     /* the caller parsed an IP header */
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return;
	}
	if (bound) {
		struct xmip_signal_src key = { .kind = XMIP_SIGNAL_KIND_BOUND };

		__builtin_memcpy(key.src, bound, 16);
		if (!xmip_signal_take(&key)) {
			xmip_count(XMIP_STAT_DROP_SIGNAL_RATE_LIMITED);
			return;
		}
		if (xmip_signal_emit_room(ctx, skb, family, ifindex, ip_off, len,
					  XMIP_SIGNAL_RINGBUF_BYTES) == 0)
			xmip_count(XMIP_STAT_SIGNAL_TO_AGENT);
		return;
	}
	ok = xmip_signal_admit(ctx, skb, ip_off, XMIP_SIGNAL_KIND_SIGNAL);
	if (ok <= 0) {
		xmip_count(ok < 0 ? XMIP_STAT_DROP_MALFORMED : XMIP_STAT_DROP_SIGNAL_RATE_LIMITED);
		return;
	}
	if (!xmip_signal_budget_take()) {
		xmip_count(XMIP_STAT_DROP_SIGNAL_BUDGET);
		return;
	}
	if (xmip_signal_emit(ctx, skb, family, ifindex, ip_off, len) == 0)
		xmip_count(XMIP_STAT_SIGNAL_TO_AGENT);
}

/* From an XDP frame; `bound` as for xmip_signal_put. */
static __always_inline void xmip_signal_xdp(struct xdp_md *ctx, enum xmip_family_id family,
					    __u32 ip_off, __u32 len, const __u8 *bound)
{
	xmip_signal_put(ctx, 0, family, ctx->ingress_ifindex, ip_off, len, bound);
}

#endif /* XMIP_BPF_SIGNAL_H */
