/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The agent's own metrics (docs/metrics.md): what families observe while
 * they run, kept here so that the HTTP exporter (metrics_http.c, its own
 * thread) can read it at any time.
 *
 * Threads: only the agent's loop thread writes (the calls below); the
 * exporter thread reads. Every series is a row appended to a fixed table
 * and published by a release store of the row count; counts are C11
 * atomics. So a scrape never takes a lock the loop waits on, and never
 * reads a half-written row. Label values must be strings that live as long
 * as the process (literals, or tables filled once).
 *
 * A family reports with one line each:
 *   xmip_metrics_message("mip6", "binding_update", "received", NULL);
 *   xmip_metrics_message("mip6", "binding_ack", "sent", "accepted");
 *   xmip_metrics_latency("mip6", elapsed_ns);   (registration, this role)
 *   xmip_metrics_bindings_set("mip6", n);       (roles without xmip_bindings)
 * Events are counted by the core (events.c) as they are emitted.
 */
#ifndef XMIP_AGENT_METRICS_H
#define XMIP_AGENT_METRICS_H

#include <stdint.h>
#include <stdio.h>

#define XMIP_METRICS_MAX_ROWS 512

/* The role every series of this agent carries (enum xmip_role); once, before the loop runs. */
void xmip_metrics_set_role(unsigned int role);

/* One signalling message: status NULL when the type has none. */
void xmip_metrics_message(const char *family, const char *type, const char *direction,
			  const char *status);
/* One registration's latency (HA: BU received -> BA sent; MN: first BU sent -> BA accepted). */
void xmip_metrics_latency(const char *family, uint64_t ns);
/* Bindings a family holds where no binding map tells (the MN's own registration). */
void xmip_metrics_bindings_set(const char *family, int64_t n);
/* Relay paths a relay holds in one mode (label value "rs_s", "rs_n"): a gauge, set on change. */
void xmip_metrics_relay_paths_set(const char *family, const char *mode, int64_t n);
/* One event (events.c). */
void xmip_metrics_event(unsigned int family, unsigned int type);
/* One ring-buffer record refused as malformed (signal_rx.c). */
void xmip_metrics_signal_malformed(void);

/* Histogram bucket upper bounds, seconds (the last one is +Inf, implied). */
extern const double xmip_metrics_latency_buckets[];
extern const unsigned int xmip_metrics_n_latency_buckets;

/*
 * What a scrape shows besides the registry: the datapath's counters and
 * bindings, read from the pinned maps (fds opened for the exporter; -1:
 * absent), and the instance.
 */
struct xmip_metrics_src {
	const char *instance;
	unsigned int role;
	int stats_fd;
	int bindings_fd;
	uint64_t start_time_s;
};

/* The whole exposition text (Prometheus text format 0.0.4). 0 or -1. Any thread. */
int xmip_metrics_render(FILE *out, const struct xmip_metrics_src *src);

/* Start serving GET /metrics on addr (sockaddr_in or _in6) in a thread of its own. 0 or -1. */
struct sockaddr;
int  xmip_metrics_http_start(const struct sockaddr *addr, const char *instance, unsigned int role);
void xmip_metrics_http_stop(void);

#endif
