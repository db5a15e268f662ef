// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip relay show|paths`: the relay table of an NTMobile Relay Server
 * (pinned maps xmip_relay and xmip_rs_paths, include/xmip_ntm_relay.h,
 * docs/ntmobile.md section 9) as text or JSON, read-only.
 *
 * The table may hold a million entries, so rows are streamed in the map's
 * (hash) order rather than collected and sorted; every map is opened
 * before the first row is written, so an error still yields only
 * {"error": ...} under -j.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "help.h"
#include "json.h"
#include "msg.h"
#include "pins.h"
#include "rodata.h"
#include "xmip_maps.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"

struct relay_filter {
	bool    path_on, addr_on;
	uint32_t path_id;       /* host order */
	uint8_t addr[16];       /* IPv4 as ::ffff:a.b.c.d */
	int     kind;           /* 0: any */
};

struct relay_src {
	char instance[32];
	int  relay_fd, paths_fd;
};

static const char *kind_name(int k)
{
	return k == XMIP_NTM_RK_TUNNEL ? "tunnel" : k == XMIP_NTM_RK_RSN_FWD ? "rsn-fwd" :
	       k == XMIP_NTM_RK_RSN_REV ? "rsn-rev" : "?";
}

static const char *mode_name(int m)
{
	return m == XMIP_NTM_MODE_RS_S ? "rs-s" : m == XMIP_NTM_MODE_RS_N ? "rs-n" :
	       m == XMIP_NTM_MODE_DIRECT ? "direct" : "none";
}

static const char *proto_name(int p, char *buf, size_t len)
{
	switch (p) {
	case 6:  return "tcp";
	case 17: return "udp";
	case 1:  return "icmp";
	case 58: return "icmpv6";
	}
	snprintf(buf, len, "%d", p);
	return buf;
}

/* An address of the table as text: IPv4-mapped ones dotted, :: as "-". */
static const char *addr_str(const uint8_t a[16], char buf[INET6_ADDRSTRLEN])
{
	static const uint8_t map4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16];

	if (!memcmp(a, zero, 16))
		return "-";
	if (!memcmp(a, map4, 12))
		inet_ntop(AF_INET, a + 12, buf, INET6_ADDRSTRLEN);
	else
		inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
	return buf;
}

static int parse_filter(int argc, char **argv, struct relay_filter *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;

		if (!v)
			return xmip_cli_usage_error("relay ", "'%s' needs a value (path ID, addr ADDR, "
						    "kind tunnel|rsn-fwd|rsn-rev)", argv[i]);
		if (!strcmp(argv[i], "path")) {
			unsigned long long id;

			errno = 0;
			id = strtoull(v, &end, 16);
			if (errno || *end || !*v || *v == '-' || id > UINT32_MAX)
				return xmip_cli_usage_error("relay ", "path '%s' is not a path id "
							    "(hex, 32 bits: 9b3e0d41 or 0x9b3e0d41)", v);
			f->path_id = (uint32_t)id;
			f->path_on = true;
		} else if (!strcmp(argv[i], "addr")) {
			struct in_addr a4;

			if (inet_pton(AF_INET, v, &a4) == 1) {
				memset(f->addr, 0, 10);
				f->addr[10] = f->addr[11] = 0xff;
				memcpy(f->addr + 12, &a4, 4);
			} else if (inet_pton(AF_INET6, v, f->addr) != 1) {
				return xmip_cli_usage_error("relay ", "addr '%s' is not an IPv4 or IPv6 "
							    "address", v);
			}
			f->addr_on = true;
		} else if (!strcmp(argv[i], "kind")) {
			for (int k = XMIP_NTM_RK_TUNNEL; k <= XMIP_NTM_RK_RSN_REV; k++)
				if (!strcmp(v, kind_name(k)))
					f->kind = k;
			if (!f->kind)
				return xmip_cli_usage_error("relay ", "unknown kind '%s' (tunnel, rsn-fwd, "
							    "rsn-rev)", v);
		} else {
			return xmip_cli_usage_error("relay ", "unexpected argument '%s' (path, addr, "
						    "kind)", argv[i]);
		}
	}
	return 0;
}

/* An entry's path id: the key's, or for a reverse RS-N entry (key path 0) the value's. */
static uint32_t entry_path(const struct xmip_ntm_relay_key *k, const struct xmip_ntm_relay_val *v)
{
	return ntohl(k->path_id ? k->path_id : v->path_id);
}

static bool filter_keeps(const struct relay_filter *f, const struct xmip_ntm_relay_key *k,
			 const struct xmip_ntm_relay_val *v)
{
	if (f->kind && k->kind != f->kind)
		return false;
	if (f->path_on && entry_path(k, v) != f->path_id)
		return false;
	/* an address anywhere in the entry: the arriving side, either leg, the node's or GN's */
	return !f->addr_on || !memcmp(k->addr, f->addr, 16) || !memcmp(v->out_src, f->addr, 16) ||
	       !memcmp(v->out_dst, f->addr, 16) || !memcmp(v->inner_addr, f->addr, 16) ||
	       !memcmp(v->gn_vip, f->addr, 16);
}

/* Opens the instance's relay maps; -1 (said) if it is not an attached relay. */
static int relay_open(const char *instance, struct relay_src *s, bool quiet_if_other_role)
{
	struct xmip_rodata ro = { 0 };
	char err[600], pin_dir[256];

	snprintf(s->instance, sizeof(s->instance), "%.31s", instance);
	s->relay_fd = s->paths_fd = -1;
	if (xmip_instance_check(instance, err, sizeof(err)) ||
	    xmip_pin_dir(instance, pin_dir, sizeof(pin_dir))) {
		xmip_msg("%s", err);
		return -1;
	}
	xmip_rodata_read(pin_dir, &ro, err, sizeof(err));
	if (ro.role != XMIP_ROLE_RS) {
		if (quiet_if_other_role)
			return 1;
		xmip_msg("instance '%s' is not a relay server (role %s): the relay table lives on "
			 "role rs", instance, xmip_cli_role_name(ro.role));
		return -1;
	}
	s->relay_fd = xmip_map_open(instance, XMIP_MAP_RELAY, err, sizeof(err));
	if (s->relay_fd < 0) {
		xmip_msg("%s", err);
		return -1;
	}
	s->paths_fd = xmip_map_open(instance, XMIP_MAP_RS_PATHS, err, sizeof(err));
	if (s->paths_fd < 0) {
		xmip_msg("%s", err);
		close(s->relay_fd);
		return -1;
	}
	return 0;
}

/*
 * The relay instances the command covers: -i/-c (which must be a relay), or
 * every attached relay. Returns how many (0 is fine), or minus the exit status.
 */
static int relay_sources(const struct xmip_cli_opts *o, struct relay_src *srcs)
{
	char names[XMIP_CLI_MAX_INSTANCES][32];
	bool explicit = o->instance || o->conf_path;
	int n = xmip_cli_select_instances(o, names, XMIP_CLI_MAX_INSTANCES), k = 0;

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int rc = relay_open(names[i], &srcs[k], !explicit);

		if (rc < 0) {
			for (int j = 0; j < k; j++) {
				close(srcs[j].relay_fd);
				close(srcs[j].paths_fd);
			}
			return -1;
		}
		if (rc == 0)
			k++;
	}
	return k;
}

static void sources_close(struct relay_src *srcs, int n)
{
	for (int i = 0; i < n; i++) {
		close(srcs[i].relay_fd);
		close(srcs[i].paths_fd);
	}
}

static void ep_json(struct xmip_json *j, const char *ka, const char *kp, const uint8_t a[16],
		    uint16_t port_be)
{
	char b[INET6_ADDRSTRLEN];

	xmip_json_key(j, ka);
	xmip_json_str(j, addr_str(a, b));
	xmip_json_key(j, kp);
	xmip_json_u64(j, ntohs(port_be));
}

static void row_json(struct xmip_json *j, const char *instance, const struct xmip_ntm_relay_key *k,
		     const struct xmip_ntm_relay_val *v)
{
	char b[INET6_ADDRSTRLEN], pb[12];

	xmip_json_obj_open(j);
	xmip_json_key(j, "instance");
	xmip_json_str(j, instance);
	xmip_json_key(j, "kind");
	xmip_json_str(j, kind_name(k->kind));
	xmip_json_key(j, "mode");
	xmip_json_str(j, mode_name(v->mode));
	xmip_json_key(j, "path_id");
	snprintf(pb, sizeof(pb), "%08x", entry_path(k, v));
	xmip_json_str(j, pb);
	/* what arrives (the key) */
	ep_json(j, "addr", "sport", k->addr, k->sport);
	xmip_json_key(j, "dport");
	xmip_json_u64(j, ntohs(k->dport));
	xmip_json_key(j, "proto");
	xmip_json_str(j, proto_name(k->proto, pb, sizeof(pb)));
	xmip_json_key(j, "inner_sport");
	xmip_json_u64(j, ntohs(k->port2));
	/* what leaves (the value) */
	ep_json(j, "out_src", "out_sport", v->out_src, v->out_sport);
	ep_json(j, "out_dst", "out_dport", v->out_dst, v->out_dport);
	ep_json(j, "inner_addr", "inner_port", v->inner_addr, v->inner_port);
	xmip_json_key(j, "gn_vip");
	xmip_json_str(j, addr_str(v->gn_vip, b));
	xmip_json_key(j, "ifindex");
	xmip_json_u64(j, v->ifindex);
	xmip_json_key(j, "last_used");
	xmip_json_u64(j, v->last_used);
	xmip_json_obj_close(j);
}

static void row_text(const char *instance, const struct xmip_ntm_relay_key *k,
		     const struct xmip_ntm_relay_val *v)
{
	char a[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], pb[12];
	char in[96], out[96], extra[160] = "";

	snprintf(in, sizeof(in), "%s:%u>%u", addr_str(k->addr, a), ntohs(k->sport), ntohs(k->dport));
	snprintf(out, sizeof(out), "%s:%u>%s:%u", addr_str(v->out_src, s), ntohs(v->out_sport),
		 addr_str(v->out_dst, d), ntohs(v->out_dport));
	if (k->kind == XMIP_NTM_RK_RSN_FWD)
		snprintf(extra, sizeof(extra), " %s from %s:%u to %s", proto_name(k->proto, pb, sizeof(pb)),
			 addr_str(v->inner_addr, a), ntohs(k->port2), addr_str(v->gn_vip, s));
	else if (k->kind == XMIP_NTM_RK_RSN_REV)
		snprintf(extra, sizeof(extra), " %s to %s:%u from %s", proto_name(k->proto, pb, sizeof(pb)),
			 addr_str(v->inner_addr, a), ntohs(v->inner_port), addr_str(v->gn_vip, s));
	printf("%-10s %-7s %08x %-4s %-46s %s%s\n", instance, kind_name(k->kind), entry_path(k, v),
	       mode_name(v->mode), in, out, extra);
}

/* Streams the matching entries of one instance; counts them in *kept. -1 on a read error. */
static int show_one(const struct relay_src *s, const struct relay_filter *f, bool json,
		    struct xmip_json *j, bool *header, uint64_t *kept)
{
	struct xmip_ntm_relay_key k, next;
	struct xmip_ntm_relay_val v;
	void *prev = NULL;

	while (bpf_map_get_next_key(s->relay_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(s->relay_fd, &k, &v))
			continue;   /* removed between the two calls */
		if (!filter_keeps(f, &k, &v))
			continue;
		(*kept)++;
		if (json) {
			row_json(j, s->instance, &k, &v);
			continue;
		}
		if (!*header) {
			printf("%-10s %-7s %-8s %-4s %-46s %s\n", "INSTANCE", "KIND", "PATH", "MODE",
			       "ARRIVES (SRC:SPORT>DPORT)", "LEAVES (SRC:SPORT>DST:DPORT) INNER");
			*header = true;
		}
		row_text(s->instance, &k, &v);
	}
	if (errno != ENOENT) {
		xmip_msg("reading %s of %s: %s", XMIP_MAP_RELAY, s->instance, strerror(errno));
		return -1;
	}
	return 0;
}

static int cmd_relay_show(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct relay_src srcs[XMIP_CLI_MAX_INSTANCES];
	struct relay_filter filt;
	struct xmip_json j;
	bool header = false;
	uint64_t kept = 0;
	int n, rc = 0;

	if ((rc = parse_filter(argc, argv, &filt)))
		return rc;
	n = relay_sources(o, srcs);
	if (n < 0)
		return -n;
	if (o->json) {
		xmip_json_init(&j, stdout, o->pretty);
		xmip_json_arr_open(&j);
	}
	for (int i = 0; i < n; i++)
		if (show_one(&srcs[i], &filt, o->json, &j, &header, &kept))
			rc = 1;
	if (o->json) {
		xmip_json_arr_close(&j);
		xmip_json_end(&j);
	} else if (!kept && rc == 0) {
		printf(n ? "no relay entries%s\n" : "no relay server attached%s\n",
		       n && argc ? " match" : "");
	}
	sources_close(srcs, n);
	return rc;
}

/* Entries of the table per path id, for `relay paths` (one pass over the table). */
struct path_count {
	uint32_t id;
	uint32_t entries;
};

static int cmp_pc(const void *a, const void *b)
{
	const struct path_count *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int count_entries(int fd, struct path_count *pc, size_t n)
{
	struct xmip_ntm_relay_key k, next;
	struct xmip_ntm_relay_val v;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct path_count key, *hit;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v))
			continue;
		key.id = entry_path(&k, &v);
		hit = bsearch(&key, pc, n, sizeof(*pc), cmp_pc);
		if (hit)
			hit->entries++;
	}
	return errno == ENOENT ? 0 : -1;
}

static int paths_one(const struct relay_src *s, const struct relay_filter *f, bool json,
		     struct xmip_json *j, bool *header, uint64_t *kept)
{
	struct path_count *pc = NULL;
	uint32_t k, next, *prev = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	while (bpf_map_get_next_key(s->paths_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (f->path_on && ntohl(k) != f->path_id)
			continue;
		if (n == cap) {
			struct path_count *p = realloc(pc, (cap = cap ? cap * 2 : 64) * sizeof(*pc));

			if (!p) {
				free(pc);
				xmip_msg("out of memory");
				return -1;
			}
			pc = p;
		}
		pc[n].id = ntohl(k);
		pc[n++].entries = 0;
	}
	if (n)
		qsort(pc, n, sizeof(*pc), cmp_pc);
	if (count_entries(s->relay_fd, pc, n)) {
		xmip_msg("reading %s of %s: %s", XMIP_MAP_RELAY, s->instance, strerror(errno));
		free(pc);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct xmip_ntm_rs_path pv;
		uint32_t key = htonl(pc[i].id);
		char pb[12];

		if (bpf_map_lookup_elem(s->paths_fd, &key, &pv))
			continue;
		(*kept)++;
		snprintf(pb, sizeof(pb), "%08x", pc[i].id);
		if (json) {
			xmip_json_obj_open(j);
			xmip_json_key(j, "instance");
			xmip_json_str(j, s->instance);
			xmip_json_key(j, "path_id");
			xmip_json_str(j, pb);
			xmip_json_key(j, "mode");
			xmip_json_str(j, mode_name(pv.mode));
			xmip_json_key(j, "legs");
			xmip_json_u64(j, pv.legs);
			xmip_json_key(j, "entries");
			xmip_json_u64(j, pc[i].entries);
			xmip_json_obj_close(j);
			continue;
		}
		if (!*header) {
			printf("%-10s %-8s %-4s %4s %7s\n", "INSTANCE", "PATH", "MODE", "LEGS", "ENTRIES");
			*header = true;
		}
		printf("%-10s %s %-4s %4u %7u\n", s->instance, pb, mode_name(pv.mode), pv.legs,
		       pc[i].entries);
	}
	free(pc);
	return rc;
}

static int cmd_relay_paths(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct relay_src srcs[XMIP_CLI_MAX_INSTANCES];
	struct relay_filter filt;
	struct xmip_json j;
	bool header = false;
	uint64_t kept = 0;
	int n, rc;

	if ((rc = parse_filter(argc, argv, &filt)))
		return rc;
	if (filt.addr_on || filt.kind)
		return xmip_cli_usage_error("relay ", "relay paths takes only 'path ID'");
	n = relay_sources(o, srcs);
	if (n < 0)
		return -n;
	if (o->json) {
		xmip_json_init(&j, stdout, o->pretty);
		xmip_json_arr_open(&j);
	}
	for (int i = 0; i < n; i++)
		if (paths_one(&srcs[i], &filt, o->json, &j, &header, &kept))
			rc = 1;
	if (o->json) {
		xmip_json_arr_close(&j);
		xmip_json_end(&j);
	} else if (!kept && rc == 0) {
		printf(n ? "no relay paths%s\n" : "no relay server attached%s\n", n && argc ? " match" : "");
	}
	sources_close(srcs, n);
	return rc;
}

int xmip_cmd_relay(const struct xmip_cli_opts *o, int argc, char **argv)
{
	if (o->help || argc == 0) {
		fputs(xmip_help_relay, o->help ? stdout : stderr);
		return o->help ? 0 : XMIP_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return cmd_relay_show(o, argc - 1, argv + 1);
	if (!strcmp(argv[0], "paths"))
		return cmd_relay_paths(o, argc - 1, argv + 1);
	return xmip_cli_usage_error("relay ", "unknown relay command '%s' (show, paths)", argv[0]);
}
