// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * LD_PRELOAD shim for the clock-step fault test (test_faults.py): adds an
 * offset to CLOCK_REALTIME (and time(), gettimeofday()) for the one process
 * it is preloaded into, so a test can step that process's wall clock
 * without touching the machine's. A time namespace cannot do this: it
 * offsets CLOCK_MONOTONIC and CLOCK_BOOTTIME only, never CLOCK_REALTIME.
 *
 * XMIP_FAKETIME_FILE names a file whose first 8 octets are the offset in
 * nanoseconds (signed, little-endian); it is mapped shared, so the test
 * steps the clock while the process runs by rewriting those octets.
 * Other clocks pass through untouched.
 *
 * Built by the test: cc -shared -fPIC -O2 faketime.c -o faketime.so -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile int64_t *offset_ns;
static int (*real_clock_gettime)(clockid_t, struct timespec *);

static int64_t offset(void)
{
	if (!offset_ns) {
		const char *path = getenv("XMIP_FAKETIME_FILE");
		int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
		void *p = fd >= 0 ? mmap(NULL, 8, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;

		if (fd >= 0)
			close(fd);
		if (p == MAP_FAILED) {
			static int64_t zero;

			p = &zero;
		}
		offset_ns = p;
	}
	return *offset_ns;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	int rc;

	if (!real_clock_gettime)
		real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT,
										   "clock_gettime");
	rc = real_clock_gettime(id, ts);
	if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
		int64_t t = (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec + offset();

		ts->tv_sec = t / 1000000000LL;
		ts->tv_nsec = t % 1000000000LL;
	}
	return rc;
}

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;

	(void)tz;
	if (clock_gettime(CLOCK_REALTIME, &ts))
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}
