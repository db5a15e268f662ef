// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "clock.h"

#include <time.h>

static uint64_t read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t xmip_now_ns(void)
{
	return read_ns(CLOCK_BOOTTIME);
}

uint64_t xmip_realtime_ns(void)
{
	return read_ns(CLOCK_REALTIME);
}
