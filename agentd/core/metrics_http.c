// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * GET /metrics over HTTP with libmicrohttpd, in a thread of its own
 * (MHD's internal polling thread), not in the agent's epoll loop: a scrape
 * walks the binding cache (a million bindings is a few hundred batch
 * calls), and that must never delay a Binding Update. The thread reads the
 * registry (metrics.c: atomics, rows published with release/acquire) and
 * the pinned maps through fds of its own; it touches no other agent state.
 */
#include "metrics.h"

#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pins.h"
#include "xmip_maps.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

static struct {
	struct MHD_Daemon      *d;
	struct xmip_metrics_src src;
	char                    instance[32];
} http = { .src = { .stats_fd = -1, .bindings_fd = -1 } };

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int code, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **con_cls)
{
	static char not_found[] = "not found: the metrics are at /metrics\n";
	static char not_allowed[] = "only GET and HEAD\n";
	char *body = NULL;
	size_t len = 0;
	FILE *f;

	(void)cls;
	(void)version;
	(void)upload;
	(void)con_cls;
	if (*upload_len)
		return MHD_NO;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_allowed,
			     sizeof(not_allowed) - 1, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", not_found,
			     sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
	f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	if (xmip_metrics_render(f, &http.src)) {
		fclose(f);
		free(body);
		return MHD_NO;
	}
	fclose(f);
	return reply(c, MHD_HTTP_OK, CONTENT_TYPE, body, len, MHD_RESPMEM_MUST_FREE);
}

/* MHD's own errors (bind failures, ...) to our log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_err("metrics: %s", msg);
}

int xmip_metrics_http_start(const struct sockaddr *addr, const char *instance, unsigned int role)
{
	char err[256];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	uint16_t port = addr->sa_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)addr)->sin6_port)
						    : ntohs(((const struct sockaddr_in *)addr)->sin_port);

	snprintf(http.instance, sizeof(http.instance), "%s", instance);
	http.src.instance = http.instance;
	http.src.role = role;
	http.src.start_time_s = (uint64_t)time(NULL);
	/* The exporter's own fds: the agent's may be closed or replaced under it. */
	http.src.stats_fd = xmip_map_open(instance, XMIP_MAP_STATS, err, sizeof(err));
	if (http.src.stats_fd < 0)
		log_warn("metrics: no datapath counters: %s", err);
	if (role == XMIP_ROLE_HA || role == XMIP_ROLE_CN || role == XMIP_ROLE_MN) {
		http.src.bindings_fd = xmip_map_open(instance, XMIP_MAP_BINDINGS, err, sizeof(err));
		/* An MN's is its correspondent binding cache, absent in an older attach. */
		if (http.src.bindings_fd < 0 && role != XMIP_ROLE_MN)
			log_warn("metrics: no binding count: %s", err);
	}
	if (addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	http.d = MHD_start_daemon(flags, port, NULL, NULL, on_request, NULL,
				  MHD_OPTION_SOCK_ADDR, addr,
				  MHD_OPTION_CONNECTION_LIMIT, 16u,
				  MHD_OPTION_CONNECTION_TIMEOUT, 10u,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
				  MHD_OPTION_END);
	if (!http.d) {
		log_err("metrics: cannot serve on port %u (%s)", port,
			port < 1024 ? "below 1024: the agent has dropped CAP_NET_BIND_SERVICE by "
				      "now; use a port from 1024 on" : "address in use? see above");
		xmip_metrics_http_stop();
		return -1;
	}
	log_info("metrics: serving Prometheus text on port %u at /metrics", port);
	return 0;
}

void xmip_metrics_http_stop(void)
{
	if (http.d)
		MHD_stop_daemon(http.d);   /* joins the thread */
	http.d = NULL;
	if (http.src.stats_fd >= 0)
		close(http.src.stats_fd);
	if (http.src.bindings_fd >= 0)
		close(http.src.bindings_fd);
	http.src.stats_fd = http.src.bindings_fd = -1;
}
