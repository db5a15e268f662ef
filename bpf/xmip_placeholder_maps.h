/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * PLACEHOLDER (branch h3-cli only): the maps of include/xmip_maps.h, so the
 * CLI can be built and tested before the real datapath (branch h1-bpf)
 * lands. Replace with the real objects on merge.
 */
#ifndef XMIP_PLACEHOLDER_MAPS_H
#define XMIP_PLACEHOLDER_MAPS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xmip_maps.h"

/* Binding cache: HoA -> CoA; resized by the loader to max-bindings. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_BINDINGS);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_bindings SEC(".maps");

/* Instance configuration written by the loader and the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_config SEC(".maps");

/* Per-CPU counters indexed by enum xmip_stat. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_STAT__MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_stats SEC(".maps");

/* Mobility Header packets handed to the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XMIP_SIGNAL_RINGBUF_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_signal SEC(".maps");

/* Agent replay state per HoA. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_DEFAULT_MAX_BINDINGS);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_replay_state);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_replay SEC(".maps");

static __always_inline void placeholder_count(__u32 stat)
{
	__u64 *c = bpf_map_lookup_elem(&xmip_stats, &stat);

	if (c)
		*c += 1;
}

#endif
