// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "log.h"

#include <linux/types.h>

#include "xmip_wire.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static bool log_stderr = true;  /* before init, errors still reach someone */
static bool log_verbose;

void xmip_log_init(const char *ident, bool to_stderr, bool verbose)
{
	log_stderr = to_stderr;
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
	if (log_stderr) {
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

const char *xmip_ba_status_name(unsigned int status)
{
	switch (status) {
	case XMIP_BA_ACCEPTED: return "accepted";
	case XMIP_BA_ACCEPTED_PREFIX_DISCOVERY: return "accepted, prefix discovery necessary";
	case XMIP_BA_UNSPECIFIED: return "reason unspecified";
	case XMIP_BA_PROHIBITED: return "administratively prohibited";
	case XMIP_BA_INSUFFICIENT_RESOURCES: return "insufficient resources";
	case XMIP_BA_HOME_REG_NOT_SUPPORTED: return "home registration not supported";
	case XMIP_BA_NOT_HOME_SUBNET: return "not home subnet";
	case XMIP_BA_NOT_HA_FOR_MN: return "not home agent for this mobile node";
	case XMIP_BA_DAD_FAILED: return "duplicate address detection failed";
	case XMIP_BA_SEQ_OUT_OF_WINDOW: return "sequence number out of window";
	case XMIP_BA_EXPIRED_HOME_NONCE: return "expired home nonce index";
	case XMIP_BA_EXPIRED_COA_NONCE: return "expired care-of nonce index";
	case XMIP_BA_EXPIRED_NONCES: return "expired nonces";
	case XMIP_BA_REG_TYPE_CHANGE: return "registration type change disallowed";
	case 140: return "mobile router operation not permitted";
	case 141: return "invalid prefix";
	case 142: return "not authorized for prefix";
	case 143: return "forwarding setup failed";
	case XMIP_BA_MIPV6_ID_MISMATCH: return "MIPV6-ID-MISMATCH";
	case XMIP_BA_MIPV6_MESG_ID_REQD: return "MIPV6-MESG-ID-REQD";
	case XMIP_BA_MIPV6_AUTH_FAIL: return "MIPV6-AUTH-FAIL";
	default: return status < 128 ? "accepted (unknown code)" : "rejected (unknown code)";
	}
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
