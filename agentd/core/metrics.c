// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agent's metrics registry and the Prometheus text it renders
 * (metrics.h; every metric is listed in docs/metrics.md). One writer (the
 * loop thread), any number of readers (the exporter thread): rows are
 * appended and published with a release store of the row count.
 */
#include "metrics.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "conf_section.h"
#include "family_names.h"
#include "stats.h"
#include "xmip_events.h"
#include "xmip_maps.h"
#include "xmip_version.h"

const double xmip_metrics_latency_buckets[] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5, 10, 30,
};
#define N_BUCKETS (sizeof(xmip_metrics_latency_buckets) / sizeof(xmip_metrics_latency_buckets[0]))
const unsigned int xmip_metrics_n_latency_buckets = N_BUCKETS;

enum row_kind { ROW_MESSAGE, ROW_EVENT, ROW_LATENCY, ROW_BINDINGS, ROW_RELAY_PATHS };

/* One series (or one histogram). Label pointers are set before the row is published. */
struct row {
	enum row_kind kind;
	const char   *family;
	const char   *a, *b, *c;             /* message: type, direction, status; event: type */
	_Atomic uint64_t count;              /* counter value; histogram: observations */
	_Atomic int64_t  gauge;              /* ROW_BINDINGS, ROW_RELAY_PATHS (a: mode) */
	_Atomic uint64_t sum_ns;             /* histogram */
	_Atomic uint64_t buckets[N_BUCKETS]; /* histogram, not cumulative */
};

static struct {
	unsigned int   role;
	struct row     rows[XMIP_METRICS_MAX_ROWS];
	_Atomic size_t n;
	_Atomic uint64_t dropped;            /* observations with no room for a row */
	_Atomic uint64_t signal_malformed;   /* ring records refused (signal_rx.c) */
} reg;

void xmip_metrics_signal_malformed(void)
{
	atomic_fetch_add_explicit(&reg.signal_malformed, 1, memory_order_relaxed);
}

void xmip_metrics_set_role(unsigned int role)
{
	reg.role = role;
}

static bool same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* The row with these labels, appended if new (writer only). NULL when the table is full. */
static struct row *row_get(enum row_kind kind, const char *family, const char *a, const char *b,
			   const char *c)
{
	size_t n = atomic_load_explicit(&reg.n, memory_order_relaxed);
	struct row *r;

	for (size_t i = 0; i < n; i++) {
		r = &reg.rows[i];
		if (r->kind == kind && same(r->family, family) && same(r->a, a) && same(r->b, b) &&
		    same(r->c, c))
			return r;
	}
	if (n == XMIP_METRICS_MAX_ROWS) {
		atomic_fetch_add_explicit(&reg.dropped, 1, memory_order_relaxed);
		return NULL;
	}
	r = &reg.rows[n];
	r->kind = kind;
	r->family = family;
	r->a = a;
	r->b = b;
	r->c = c;
	atomic_store_explicit(&reg.n, n + 1, memory_order_release);
	return r;
}

void xmip_metrics_message(const char *family, const char *type, const char *direction,
			  const char *status)
{
	struct row *r = row_get(ROW_MESSAGE, family, type, direction, status);

	if (r)
		atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

void xmip_metrics_event(unsigned int family, unsigned int type)
{
	static const char *const names[] = {
#define XMIP_EVENT_NAME(id, name, desc) name,
		XMIP_EVENT_LIST(XMIP_EVENT_NAME)
#undef XMIP_EVENT_NAME
	};
	struct row *r;

	if (type >= XMIP_EV__MAX)
		return;
	r = row_get(ROW_EVENT, xmip_fam_name(family), names[type], NULL, NULL);
	if (r)
		atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

void xmip_metrics_latency(const char *family, uint64_t ns)
{
	struct row *r = row_get(ROW_LATENCY, family, NULL, NULL, NULL);
	double s = (double)ns / 1e9;
	size_t b = 0;

	if (!r)
		return;
	while (b < N_BUCKETS && s > xmip_metrics_latency_buckets[b])
		b++;
	if (b < N_BUCKETS)
		atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_ns, ns, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
}

void xmip_metrics_bindings_set(const char *family, int64_t n)
{
	struct row *r = row_get(ROW_BINDINGS, family, NULL, NULL, NULL);

	if (r)
		atomic_store_explicit(&r->gauge, n, memory_order_relaxed);
}

void xmip_metrics_relay_paths_set(const char *family, const char *mode, int64_t n)
{
	struct row *r = row_get(ROW_RELAY_PATHS, family, mode, NULL, NULL);

	if (r)
		atomic_store_explicit(&r->gauge, n, memory_order_relaxed);
}

/* ---- rendering (any thread) ---------------------------------------------------- */

static const char *role_name(unsigned int role)
{
	return xmip_conf_role_name((int)role);   /* "ha", "mn", "fa", "mn4", ... */
}

/* A label value, escaped as the text format wants (backslash, quote, newline). */
static void label(FILE *out, const char *name, const char *v, bool first)
{
	fprintf(out, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('"', out);
}

static void head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_datapath(FILE *out, const struct xmip_metrics_src *src)
{
	uint64_t v[XMIP_STAT__MAX];
	const char *role = role_name(src->role);

	if (src->stats_fd < 0 || xmip_stats_read(src->stats_fd, v))
		return;
	head(out, "xmip_datapath_packets_total", "counter",
	     "Packets by datapath outcome (every counter of xmip show but the drops), summed over CPUs.");
	for (int i = 0; i < XMIP_STAT__MAX; i++) {
		const char *key = xmip_stat_key(i);

		if (strncmp(key, "drop_", 5) == 0)
			continue;
		fputs("xmip_datapath_packets_total{", out);
		label(out, "role", role, true);
		label(out, "outcome", key, false);
		fprintf(out, "} %llu\n", (unsigned long long)v[i]);
	}
	head(out, "xmip_datapath_drops_total", "counter",
	     "Packets the datapath dropped, by reason (the drop_* counters of xmip show), summed over CPUs.");
	for (int i = 0; i < XMIP_STAT__MAX; i++) {
		const char *key = xmip_stat_key(i);

		if (strncmp(key, "drop_", 5) != 0)
			continue;
		fputs("xmip_datapath_drops_total{", out);
		label(out, "role", role, true);
		label(out, "reason", key + 5, false);
		fprintf(out, "} %llu\n", (unsigned long long)v[i]);
	}
}

#define BATCH 1024

/* Bindings in xmip_bindings by family (batch lookups: a million bindings in a few calls). */
static int count_bindings(int fd, uint64_t by_family[256])
{
	struct xmip_binding_key *keys = calloc(BATCH, sizeof(*keys));
	struct xmip_binding *vals = calloc(BATCH, sizeof(*vals));
	__u32 in = 0, out = 0;
	bool first = true, batch_ok = false;
	int rc = -1;

	while (keys && vals) {
		__u32 count = BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &count, NULL);
		int e = errno;

		if (err && e != ENOENT)
			break;
		for (__u32 i = 0; i < count; i++)
			by_family[xmip_encap_family(vals[i].encap) & 0xff]++;
		if (err) {   /* ENOENT: that was the last batch */
			batch_ok = true;
			break;
		}
		in = out;
		first = false;
	}
	free(keys);
	free(vals);
	if (batch_ok)
		return 0;
	/* No batch operations (an old kernel): one key at a time. */
	memset(by_family, 0, 256 * sizeof(by_family[0]));
	{
		struct xmip_binding_key k, next;
		struct xmip_binding b;
		void *prev = NULL;

		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			k = next;
			prev = &k;
			if (bpf_map_lookup_elem(fd, &k, &b) == 0)
				by_family[xmip_encap_family(b.encap) & 0xff]++;
		}
		rc = 0;
	}
	return rc;
}

static bool has_bindings_row(const char *family, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (reg.rows[i].kind == ROW_BINDINGS && same(reg.rows[i].family, family))
			return true;
	return false;
}

static void render_bindings(FILE *out, const struct xmip_metrics_src *src, size_t n)
{
	uint64_t by_family[256] = { 0 };
	bool from_map = src->bindings_fd >= 0 && count_bindings(src->bindings_fd, by_family) == 0;

	head(out, "xmip_bindings", "gauge",
	     "Bindings held, by family and role (HA, CN: the binding cache xmip_bindings; MN: its own registration, and peers bound at it, family ro).");
	/* From the map, every family but those that report their own count: a family
	 * whose bindings are not in xmip_bindings (Mobile IPv4's HA until its datapath
	 * exists) sets it with xmip_metrics_bindings_set(), and that row is the series. */
	for (unsigned int i = 0; from_map && xmip_fam_at(i); i++) {
		unsigned int id = xmip_fam_at(i);

		if (has_bindings_row(xmip_fam_name(id), n))
			continue;
		fputs("xmip_bindings{", out);
		label(out, "family", xmip_fam_name(id), true);
		label(out, "role", role_name(src->role), false);
		fprintf(out, "} %llu\n", (unsigned long long)by_family[id]);
	}
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &reg.rows[i];

		if (r->kind != ROW_BINDINGS)
			continue;
		fputs("xmip_bindings{", out);
		label(out, "family", r->family, true);
		label(out, "role", role_name(src->role), false);
		fprintf(out, "} %lld\n",
			(long long)atomic_load_explicit(&r->gauge, memory_order_relaxed));
	}
}

/* Only a relay's agent sets these rows: other roles show no xmip_relay_paths at all. */
static void render_relay_paths(FILE *out, const struct xmip_metrics_src *src, size_t n)
{
	bool headed = false;

	for (size_t i = 0; i < n; i++) {
		const struct row *r = &reg.rows[i];

		if (r->kind != ROW_RELAY_PATHS)
			continue;
		if (!headed)
			head(out, "xmip_relay_paths", "gauge",
			     "Relay paths forwarding (every leg registered), by family, mode and role.");
		headed = true;
		fputs("xmip_relay_paths{", out);
		label(out, "family", r->family, true);
		label(out, "mode", r->a, false);
		label(out, "role", role_name(src->role), false);
		fprintf(out, "} %lld\n",
			(long long)atomic_load_explicit(&r->gauge, memory_order_relaxed));
	}
}

static void render_rows(FILE *out, const struct xmip_metrics_src *src, size_t n,
			enum row_kind kind)
{
	const char *role = role_name(src->role);

	for (size_t i = 0; i < n; i++) {
		const struct row *r = &reg.rows[i];

		if (r->kind != kind)
			continue;
		if (kind == ROW_MESSAGE) {
			fputs("xmip_signalling_messages_total{", out);
			label(out, "family", r->family, true);
			label(out, "role", role, false);
			label(out, "type", r->a, false);
			label(out, "direction", r->b, false);
			if (r->c)
				label(out, "status", r->c, false);
		} else {
			fputs("xmip_events_total{", out);
			label(out, "family", r->family, true);
			label(out, "role", role, false);
			label(out, "type", r->a, false);
		}
		fprintf(out, "} %llu\n",
			(unsigned long long)atomic_load_explicit(&r->count, memory_order_relaxed));
	}
}

static void render_latency(FILE *out, const struct xmip_metrics_src *src, size_t n)
{
	const char *role = role_name(src->role);

	head(out, "xmip_registration_latency_seconds", "histogram",
	     "Registration latency: HA, Binding Update received to Binding Acknowledgement sent; "
	     "MN, first Binding Update of a registration sent to the accepting Binding Acknowledgement.");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &reg.rows[i];
		uint64_t cum = 0;

		if (r->kind != ROW_LATENCY)
			continue;
		for (size_t b = 0; b <= N_BUCKETS; b++) {
			if (b < N_BUCKETS)
				cum += atomic_load_explicit(&r->buckets[b], memory_order_relaxed);
			fputs("xmip_registration_latency_seconds_bucket{", out);
			label(out, "family", r->family, true);
			label(out, "role", role, false);
			if (b < N_BUCKETS)
				fprintf(out, ",le=\"%g\"} %llu\n", xmip_metrics_latency_buckets[b],
					(unsigned long long)cum);
		}
		/* +Inf and _count from the same reading: every observation is in one bucket or above. */
		{
			uint64_t count = atomic_load_explicit(&r->count, memory_order_relaxed);

			if (count < cum)
				count = cum;
			fprintf(out, ",le=\"+Inf\"} %llu\n", (unsigned long long)count);
			fputs("xmip_registration_latency_seconds_sum{", out);
			label(out, "family", r->family, true);
			label(out, "role", role, false);
			fprintf(out, "} %.9f\n",
				(double)atomic_load_explicit(&r->sum_ns, memory_order_relaxed) / 1e9);
			fputs("xmip_registration_latency_seconds_count{", out);
			label(out, "family", r->family, true);
			label(out, "role", role, false);
			fprintf(out, "} %llu\n", (unsigned long long)count);
		}
	}
}

int xmip_metrics_render(FILE *out, const struct xmip_metrics_src *src)
{
	size_t n = atomic_load_explicit(&reg.n, memory_order_acquire);

	head(out, "xmip_build_info", "gauge", "The running agent's version and libbpf (value 1).");
	fputs("xmip_build_info{", out);
	label(out, "version", XMIP_VERSION, true);
	label(out, "libbpf", libbpf_version_string(), false);
	fputs("} 1\n", out);
	head(out, "xmip_instance_info", "gauge", "The instance this agent serves and its role (value 1).");
	fputs("xmip_instance_info{", out);
	label(out, "xmip_instance", src->instance, true);
	label(out, "role", role_name(src->role), false);
	fputs("} 1\n", out);
	head(out, "xmip_agent_start_time_seconds", "gauge", "When the agent started, seconds since the epoch.");
	fprintf(out, "xmip_agent_start_time_seconds %llu\n", (unsigned long long)src->start_time_s);

	render_datapath(out, src);
	render_bindings(out, src, n);
	render_relay_paths(out, src, n);
	head(out, "xmip_signalling_messages_total", "counter",
	     "Signalling messages by family, type, direction (received, sent) and status (acknowledgements).");
	render_rows(out, src, n, ROW_MESSAGE);
	head(out, "xmip_events_total", "counter",
	     "Events by family and type, as xmip monitor shows them (registered, refused, expired...).");
	render_rows(out, src, n, ROW_EVENT);
	render_latency(out, src, n);
	head(out, "xmip_signal_records_malformed_total", "counter",
	     "Records of the signalling ring buffer refused: header length or packet length "
	     "outside the record (should stay 0).");
	fprintf(out, "xmip_signal_records_malformed_total %llu\n",
		(unsigned long long)atomic_load_explicit(&reg.signal_malformed, memory_order_relaxed));
	head(out, "xmip_metrics_rows_dropped_total", "counter",
	     "Observations not recorded because the metrics table was full (should stay 0).");
	fprintf(out, "xmip_metrics_rows_dropped_total %llu\n",
		(unsigned long long)atomic_load_explicit(&reg.dropped, memory_order_relaxed));
	return ferror(out) ? -1 : 0;
}
