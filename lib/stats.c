// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Per-CPU counters: the datapath counts lock-free per CPU, we sum here. */
#include "stats.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const stat_ids[] = {
#define XMIP_STAT_ID(name, desc) #name,
	XMIP_STAT_LIST(XMIP_STAT_ID)
#undef XMIP_STAT_ID
};

static const char *const stat_descs[] = {
#define XMIP_STAT_DESC(name, desc) desc,
	XMIP_STAT_LIST(XMIP_STAT_DESC)
#undef XMIP_STAT_DESC
};

int xmip_stats_read(int map_fd, uint64_t out[XMIP_STAT__MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *percpu;

	memset(out, 0, sizeof(uint64_t) * XMIP_STAT__MAX);
	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	percpu = calloc((size_t)ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (uint32_t i = 0; i < XMIP_STAT__MAX; i++) {
		/* A map built from an older, shorter list just ends early. */
		if (bpf_map_lookup_elem(map_fd, &i, percpu))
			break;
		for (int c = 0; c < ncpu; c++)
			out[i] += percpu[c];
	}
	free(percpu);
	return 0;
}

const char *xmip_stat_key(enum xmip_stat s)
{
	static char keys[XMIP_STAT__MAX][48];

	if ((unsigned)s >= XMIP_STAT__MAX)
		return "unknown";
	if (!keys[s][0]) {
		size_t i;

		for (i = 0; stat_ids[s][i] && i < sizeof(keys[s]) - 1; i++)
			keys[s][i] = (char)tolower((unsigned char)stat_ids[s][i]);
		keys[s][i] = '\0';
	}
	return keys[s];
}

const char *xmip_stat_desc(enum xmip_stat s)
{
	return (unsigned)s < XMIP_STAT__MAX ? stat_descs[s] : "unknown counter";
}
