/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-CPU counters indexed by enum xmip_stat (include/xmip_maps.h); every role has them. */
#ifndef XMIP_BPF_STATS_H
#define XMIP_BPF_STATS_H

#include "lib/common.h"

/* One per-CPU counter per enum xmip_stat: outcomes, fallbacks, drops. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XMIP_STAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_stats SEC(".maps");

static __always_inline void xmip_count(enum xmip_stat stat)
{
	__u32 key = stat;
	__u64 *v = bpf_map_lookup_elem(&xmip_stats, &key);

	if (v)
		*v += 1;   /* per-CPU slot: no atomic needed */
}

#endif /* XMIP_BPF_STATS_H */
