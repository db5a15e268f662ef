/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The map set shared by every xmip BPF object. Each object includes this
 * once; maps are pinned by name (LIBBPF_PIN_BY_NAME), so the loader's
 * pin_root_path decides the instance directory. An object may set
 * XMIP_BINDINGS_MAX before including this to size its binding cache.
 */
#ifndef XMIP_BPF_MAPS_H
#define XMIP_BPF_MAPS_H

#include "lib/common.h"

#ifndef XMIP_BINDINGS_MAX
#define XMIP_BINDINGS_MAX XMIP_DEFAULT_MAX_BINDINGS
#endif

/* Instance configuration, one entry: addresses, MTU, flags; read per packet. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_config SEC(".maps");

/* Binding cache: home address -> care-of address; written by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_bindings SEC(".maps");

/* One per-CPU counter per enum xmip_stat: outcomes, fallbacks, drops. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_STAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_stats SEC(".maps");

/* Mobility Header packets handed to the agent (struct xmip_signal_event). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP_SIGNAL_RINGBUF_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_signal SEC(".maps");

/* Agent-only replay state per home address; declared so it is created and pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_replay_state);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_replay SEC(".maps");

/* Next-hop cache: FIB answers by (dst, src, arrival ifindex); see fib.h. */
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

/*
 * Packet Too Big rate limit (RFC 4443 §2.4(f)), one per CPU: a GCRA
 * ("virtual scheduling") token bucket. tat_ns is the theoretical arrival
 * time of the next PTB; one PTB moves it XMIP_PTB_INTERVAL_NS on.
 */
struct xmip_ptb_bucket {
	__u64 tat_ns;          /* bpf_ktime_get_ns() clock */
};

/* Per-CPU PTB rate-limit state (struct xmip_ptb_bucket); see icmp6.h. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_ptb_bucket);
} xmip_ptb_rate SEC(".maps");

/*
 * A binding past its lifetime is dead (RFC 6275 §6.1.7) even if no agent
 * is running to delete it: the MN may have left that care-of address.
 */
static __always_inline bool xmip_binding_expired(const struct xmip_binding *b)
{
	return b->expires_ns <= bpf_ktime_get_boot_ns();
}

/* The instance configuration, or NULL (never, for an ARRAY of one). */
static __always_inline struct xmip_config *xmip_get_config(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&xmip_config, &key);
}

#endif /* XMIP_BPF_MAPS_H */
