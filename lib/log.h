/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Agent logging: stderr in the foreground (-f), syslog (daemon facility)
 * otherwise. Levels are syslog's; debug lines only with -v.
 */
#ifndef XMIP_LOG_H
#define XMIP_LOG_H

#include <stdbool.h>
#include <syslog.h>

void xmip_log_init(const char *ident, bool to_stderr, bool verbose);
void xmip_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   xmip_log(LOG_ERR, __VA_ARGS__)
#define log_warn(...)  xmip_log(LOG_WARNING, __VA_ARGS__)
#define log_info(...)  xmip_log(LOG_INFO, __VA_ARGS__)
#define log_debug(...) xmip_log(LOG_DEBUG, __VA_ARGS__)

/*
 * At most `burst` lines per second from one call site, so that a flood of
 * malformed packets cannot flood the log; the next allowed line says how
 * many were suppressed (returned through *suppressed).
 */
struct xmip_ratelimit {
	unsigned int burst;
	long         window_s;
	unsigned int used;
	unsigned int suppressed;
};
#define XMIP_RATELIMIT_INIT(b) { .burst = (b) }
bool xmip_log_ratelimit(struct xmip_ratelimit *rl, unsigned int *suppressed);

/* "2001:db8::1" into a static rotating buffer: up to 4 in one log line. */
const char *xmip_ip6str(const void *addr16);

#endif /* XMIP_LOG_H */
