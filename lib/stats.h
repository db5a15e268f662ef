/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Reading and naming the per-CPU counters of xmip_stats. */
#ifndef XMIP_STATS_H
#define XMIP_STATS_H

#include <stdint.h>

#include "xmip_maps.h"

/* Sum every counter over the possible CPUs into out[]; 0 or -errno. */
int xmip_stats_read(int map_fd, uint64_t out[XMIP_STAT__MAX]);

/* "ENCAP_OK" -> "encap_ok": the key used in JSON. */
const char *xmip_stat_key(enum xmip_stat s);

/* The human description from XMIP_STAT_LIST. */
const char *xmip_stat_desc(enum xmip_stat s);

#endif
