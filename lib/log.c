// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "log.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool log_stderr = true;  /* before init, errors still reach someone */
static bool log_journal;        /* stderr is systemd's journal stream */
static bool log_verbose;

/*
 * systemd names the journal stream it connected to stderr in
 * $JOURNAL_STREAM ("device:inode"). Then each line gets an sd-daemon
 * priority prefix ("<3>" error ... "<7>" debug, sd-daemon(3)) instead of a
 * time stamp: the journal keeps the priority and adds the time itself.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
	       (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void xmip_log_init(const char *ident, bool to_stderr, bool verbose)
{
	log_stderr = to_stderr;
	log_journal = to_stderr && stderr_is_journal();
	log_verbose = verbose;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static const char *level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR: return "error";
	case LOG_WARNING: return "warning";
	case LOG_NOTICE: case LOG_INFO: return "info";
	default: return "debug";
	}
}

void xmip_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level >= LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	if (log_journal) {
		fprintf(stderr, "<%d>", level);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else if (log_stderr) {
		struct timespec ts;
		struct tm tm;
		char stamp[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: ", stamp, ts.tv_nsec / 1000000, level_name(level));
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(level, fmt, ap);
	}
	va_end(ap);
}

const char *xmip_ip6str(const void *addr16)
{
	static char bufs[4][INET6_ADDRSTRLEN];
	static unsigned int next;
	char *b = bufs[next++ % 4];

	if (!inet_ntop(AF_INET6, addr16, b, INET6_ADDRSTRLEN))
		return "?";
	return b;
}

bool xmip_log_ratelimit(struct xmip_ratelimit *rl, unsigned int *suppressed)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	*suppressed = 0;
	if (ts.tv_sec != rl->window_s) {
		rl->window_s = ts.tv_sec;
		rl->used = 0;
	}
	if (rl->used >= rl->burst) {
		rl->suppressed++;
		return false;
	}
	rl->used++;
	*suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}
