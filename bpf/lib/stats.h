/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Per-CPU counters indexed by enum xmip_stat (include/xmip_maps.h). */
#ifndef XMIP_BPF_STATS_H
#define XMIP_BPF_STATS_H

#include "lib/maps.h"

static __always_inline void xmip_count(enum xmip_stat stat)
{
	__u32 key = stat;
	__u64 *v = bpf_map_lookup_elem(&xmip_stats, &key);

	if (v)
		*v += 1;   /* per-CPU slot: no atomic needed */
}

#endif /* XMIP_BPF_STATS_H */
