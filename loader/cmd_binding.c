// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip binding show|add|del`: the binding cache (map xmip_bindings) of a
 * home agent or a correspondent node listed as text or JSON, and static
 * bindings written or removed by hand for debugging and tests.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cli.h"
#include "cmd_binding_dsmip.h"
#include "cmd_binding_nemo.h"
#include "cmd_binding_mip4.h"
#include "family_names.h"
#include "fwclock.h"
#include "fwtable.h"
#include "help.h"
#include "netlink.h"
#include "nexthop.h"
#include "json.h"
#include "msg.h"
#include "pins.h"
#include "rodata.h"
#include "xmip_maps.h"
#include "xmip_wire.h"

/* Seconds a `binding add` without LIFETIME lasts. */
#define DEFAULT_STATIC_LIFETIME 3600

struct binding_row {
	char instance[32];
	struct xmip_binding_key k;
	struct xmip_binding b;
};

static void bu_flag_letters(uint16_t f, char *out)
{
	static const struct { uint16_t bit; char c; } letters[] = {
		{ XMIP_BU_F_A, 'A' }, { XMIP_BU_F_H, 'H' }, { XMIP_BU_F_L, 'L' },
		{ XMIP_BU_F_K, 'K' }, { XMIP_BU_F_M, 'M' }, { XMIP_BU_F_R, 'R' },
		{ XMIP_BU_F_P, 'P' }, { XMIP_BU_F_F, 'F' }, { XMIP_BU_F_T, 'T' },
	};

	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (f & letters[i].bit)
			*out++ = letters[i].c;
	*out = '\0';
}

static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct binding_row *x = a, *y = b;
	int c = strcmp(x->instance, y->instance);

	return c ? c : memcmp(x->k.hoa, y->k.hoa, 16);
}

/* Appends every binding of the instance to *rows. */
static int read_bindings(const char *instance, struct binding_row **rows, size_t *n)
{
	struct xmip_binding_key k, next;
	void *prev = NULL;
	char err[600];
	int fd = xmip_map_open(instance, XMIP_MAP_BINDINGS, err, sizeof(err));

	if (fd < 0) {
		xmip_msg("%s", err);
		return -1;
	}
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct binding_row *r;

		k = next;
		prev = &k;
		r = realloc(*rows, (*n + 1) * sizeof(**rows));
		if (!r) {
			close(fd);
			xmip_msg("out of memory");
			return -1;
		}
		*rows = r;
		r = &r[*n];
		snprintf(r->instance, sizeof(r->instance), "%.31s", instance);
		r->k = k;
		if (bpf_map_lookup_elem(fd, &k, &r->b))
			continue; /* removed between the two calls */
		(*n)++;
	}
	close(fd);
	return 0;
}

/* What `binding show` keeps: hoa/coa ADDR[/LEN], family NAME (all must match). */
struct binding_filter {
	bool         hoa_on, coa_on;
	uint8_t      hoa[16], coa[16];
	unsigned int hoa_len, coa_len;
	unsigned int family;          /* 0: any */
};

static int parse_prefix_arg(const char *what, const char *s, uint8_t out[16], unsigned int *len)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char *end;

	*len = 128;
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, out) != 1)
		goto bad;
	if (slash) {
		unsigned long v = strtoul(slash + 1, &end, 10);

		if (!slash[1] || *end || v > 128)
			goto bad;
		*len = (unsigned int)v;
	}
	return 0;
bad:
	return xmip_cli_usage_error("binding ", "%s '%s' is not an IPv6 address or prefix "
				    "(ADDRESS or ADDRESS/LENGTH)", what, s);
}

static int parse_filter(int argc, char **argv, struct binding_filter *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return xmip_cli_usage_error("binding ", "'%s' needs a value (hoa ADDR[/LEN], "
						    "coa ADDR[/LEN], family NAME)", argv[i]);
		if (!strcmp(argv[i], "hoa")) {
			if ((rc = parse_prefix_arg("hoa", argv[i + 1], f->hoa, &f->hoa_len)))
				return rc;
			f->hoa_on = true;
		} else if (!strcmp(argv[i], "coa")) {
			if ((rc = parse_prefix_arg("coa", argv[i + 1], f->coa, &f->coa_len)))
				return rc;
			f->coa_on = true;
		} else if (!strcmp(argv[i], "family")) {
			f->family = xmip_fam_id(argv[i + 1]);
			if (!f->family)
				return xmip_cli_usage_error("binding ", "unknown family '%s' (%s)",
							    argv[i + 1], xmip_fam_names());
		} else {
			return xmip_cli_usage_error("binding ", "unexpected argument '%s' (hoa, coa, "
						    "family)", argv[i]);
		}
	}
	return 0;
}

static bool filter_keeps(const struct binding_filter *f, const struct binding_row *r)
{
	return (!f->hoa_on || xmip_in_prefix(r->k.hoa, f->hoa, f->hoa_len)) &&
	       (!f->coa_on || xmip_in_prefix(r->b.coa, f->coa, f->coa_len)) &&
	       (!f->family || xmip_encap_family(r->b.encap) == f->family);
}

static int cmd_binding_show(const struct xmip_cli_opts *o, int argc, char **argv)
{
	char names[XMIP_CLI_MAX_INSTANCES][32];
	struct binding_row *rows = NULL;
	uint64_t now = boottime_ns();
	struct binding_filter filt;
	size_t n_rows = 0, kept = 0, mip4_rows = 0;
	struct binding_row *mip4 = NULL;
	int dsmip_rows = 0;
	struct xmip_json j;
	char *doc = NULL;
	size_t doc_len = 0;
	FILE *out = stdout;
	int n, rc = 0;

	if ((rc = parse_filter(argc, argv, &filt)))
		return rc;
	n = xmip_cli_select_instances(o, names, XMIP_CLI_MAX_INSTANCES);
	if (n < 0)
		return -n;
	for (int i = 0; i < n; i++)
		if (read_bindings(names[i], &rows, &n_rows))
			rc = 1;
	for (size_t i = 0; i < n_rows; i++)
		/* DSMIPv6's records are shown with their NAT address and port below,
		 * Mobile IPv4's with theirs (tunnel end, encapsulation, FA). */
		if (filter_keeps(&filt, &rows[i]) &&
		    xmip_encap_family(rows[i].b.encap) != XMIP_FAMILY_DSMIP)
			rows[kept++] = rows[i];
	n_rows = kept;
	kept = 0;
	for (size_t i = 0; i < n_rows; i++)
		if (xmip_encap_family(rows[i].b.encap) == XMIP_FAMILY_MIP4)
			mip4_rows++;
	if (mip4_rows) {
		mip4 = calloc(mip4_rows, sizeof(*mip4));
		if (!mip4) {
			free(rows);
			xmip_msg("out of memory");
			return 1;
		}
		for (size_t i = 0, m = 0; i < n_rows; i++)
			if (xmip_encap_family(rows[i].b.encap) == XMIP_FAMILY_MIP4)
				mip4[m++] = rows[i];
			else
				rows[kept++] = rows[i];
		n_rows = kept;
		qsort(mip4, mip4_rows, sizeof(*mip4), cmp_rows);
	}
	if (n_rows)
		qsort(rows, n_rows, sizeof(*rows), cmp_rows);

	if (o->json) {
		/* Written out only if every instance could be read: else {"error": ...}. */
		out = open_memstream(&doc, &doc_len);
		if (!out) {
			free(rows);
			xmip_msg("out of memory");
			return 1;
		}
		xmip_json_init(&j, out, o->pretty);
		xmip_json_arr_open(&j);
	} else if (n_rows) {
		printf("%-10s %-28s %-28s %8s %9s %5s %-5s %s\n", "INSTANCE", "HOME ADDRESS",
		       "CARE-OF ADDRESS", "LIFETIME", "REMAINING", "SEQ", "FLAGS", "FAMILY");
	}
	for (size_t i = 0; i < n_rows; i++) {
		const struct binding_row *r = &rows[i];
		char hoa[INET6_ADDRSTRLEN], coa[INET6_ADDRSTRLEN], flags[16];
		uint64_t remaining = r->b.expires_ns > now ? (r->b.expires_ns - now) / 1000000000ull : 0;

		xmip_cli_addr_str(r->k.hoa, hoa);
		xmip_cli_addr_str(r->b.coa, coa);
		bu_flag_letters(r->b.bu_flags, flags);
		char mnp[XMIP_MNP_SHOW_MAX][XMIP_MNP_STR];
		int n_mnp = (r->b.bu_flags & XMIP_BU_F_R) ?
			    xmip_binding_mnps(r->instance, r->k.hoa, mnp, XMIP_MNP_SHOW_MAX) : 0;

		if (!o->json) {
			printf("%-10s %-28s %-28s %8u %9" PRIu64 " %5u %-5s %s\n", r->instance, hoa,
			       coa, r->b.lifetime_s, remaining, r->b.seq, flags[0] ? flags : "-",
			       xmip_fam_name(xmip_encap_family(r->b.encap)));
			for (int m = 0; m < n_mnp; m++)   /* a mobile router's (RFC 3963) */
				printf("%-10s   mobile network prefix %s\n", "", mnp[m]);
			continue;
		}
		xmip_json_obj_open(&j);
		xmip_json_key(&j, "instance");
		xmip_json_str(&j, r->instance);
		xmip_json_key(&j, "hoa");
		xmip_json_str(&j, hoa);
		xmip_json_key(&j, "coa");
		xmip_json_str(&j, coa);
		xmip_json_key(&j, "lifetime");
		xmip_json_u64(&j, r->b.lifetime_s);
		xmip_json_key(&j, "remaining");
		xmip_json_u64(&j, remaining);
		xmip_json_key(&j, "seq");
		xmip_json_u64(&j, r->b.seq);
		xmip_json_key(&j, "flags");
		xmip_json_str(&j, flags);
		xmip_json_key(&j, "family");
		xmip_json_str(&j, xmip_fam_name(xmip_encap_family(r->b.encap)));
		xmip_json_key(&j, "encap");
		xmip_json_str(&j, xmip_encap_name(r->b.encap));
		/* Learnt from a Packet Too Big about the tunnel (0: none). */
		xmip_json_key(&j, "path_mtu");
		xmip_json_u64(&j, r->b.path_mtu);
		if (r->b.bu_flags & XMIP_BU_F_R) {
			/* NEMO (RFC 3963): the prefixes forwarded to this router. */
			xmip_json_key(&j, "mobile_network_prefixes");
			xmip_json_arr_open(&j);
			for (int m = 0; m < n_mnp; m++)
				xmip_json_str(&j, mnp[m]);
			xmip_json_arr_close(&j);
		}
		xmip_json_obj_close(&j);
	}
	/* Mobile IPv4 bindings (xmip_bindings, docs/mip4.md "Datapath"). */
	if (mip4_rows) {
		bool hdr = false;

		if (!o->json && n_rows)
			printf("\n");
		for (size_t i = 0; i < mip4_rows; i++)
			xmip_binding_show_mip4(mip4[i].instance, mip4[i].k.hoa, &mip4[i].b, now,
					       o->json ? &j : NULL, &hdr);
	}
	/* DSMIPv6 bindings (agent state, docs/dsmip.md), unless filtered out. */
	if (!filt.coa_on && (!filt.family || filt.family == XMIP_FAMILY_DSMIP)) {
		bool hdr = false;

		if (!o->json && (n_rows || mip4_rows))
			printf("\n");
		for (int i = 0; i < n; i++)
			dsmip_rows += xmip_binding_show_dsmip(names[i], filt.hoa_on ? filt.hoa : NULL,
							      filt.hoa_len, o->json ? &j : NULL, &hdr);
	}
	if (o->json) {
		xmip_json_arr_close(&j);
		xmip_json_end(&j);
		fclose(out);
		if (rc == 0)
			fwrite(doc, 1, doc_len, stdout);
		free(doc);
	} else if (!n_rows && !mip4_rows && !dsmip_rows && rc == 0) {
		printf("no bindings%s\n", argc ? " match" : "");
	}
	free(mip4);
	free(rows);
	return rc;
}

static int parse_addr_arg(const char *what, const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET6, s, out) != 1)
		return xmip_cli_usage_error("binding ", "%s '%s' is not an IPv6 address", what, s);
	return 0;
}

/* The binding cache of a home agent or correspondent instance; *role says which. */
static int open_bindings(const char *instance, int *role)
{
	struct xmip_rodata ro = { 0 };
	char err[600], pin_dir[256];
	int fd;

	if (xmip_instance_check(instance, err, sizeof(err)) ||
	    xmip_pin_dir(instance, pin_dir, sizeof(pin_dir))) {
		xmip_msg("%s", err);
		return -1;
	}
	/* The role is the one its programs were loaded for (their .rodata). */
	xmip_rodata_read(pin_dir, &ro, err, sizeof(err));
	if (ro.role != XMIP_ROLE_HA && ro.role != XMIP_ROLE_CN) {
		xmip_msg("instance '%s' is not a home agent or correspondent (role %s): bindings "
			 "live there", instance, xmip_cli_role_name(ro.role));
		return -1;
	}
	*role = ro.role;
	fd = xmip_map_open(instance, XMIP_MAP_BINDINGS, err, sizeof(err));
	if (fd < 0)
		xmip_msg("%s", err);
	return fd;
}

/*
 * The binding's slot in the datapath's table (lib/fwtable.c), with the
 * next hop of its CoA as the kernel resolves it now (without one, its
 * packets take the tc path, where the kernel resolves one, until a
 * running agent prepares it). 0, or 1 (reported).
 */
static int fw_write(const char *instance, const uint8_t hoa[16], const struct xmip_binding *b)
{
	struct xmip_rodata ro = { 0 };
	struct xmip_fwclock clk;
	struct xmip_fw_entry e;
	struct xmip_nh_info nh = { 0 };
	struct xmip_fwt *t;
	char err[600], pin_dir[256];
	struct in6_addr coa, self;
	int rc, nl;

	t = xmip_fwt_open(instance, err, sizeof(err));
	if (!t) {
		xmip_msg("%s (re-run xmip attach)", err);
		return 1;
	}
	if ((rc = xmip_fwclock_open(&clk, instance, t->hdr->hz))) {
		xmip_msg("%s: %s (re-run xmip attach)", XMIP_PIN_CLOCK, strerror(-rc));
		xmip_fwt_close(t);
		return 1;
	}
	xmip_fw_entry_init(&e, hoa, b, xmip_fwclock_at_boot_ns(&clk, b->expires_ns));
	nl = xmip_nl_open();
	if (nl >= 0 && !xmip_pin_dir(instance, pin_dir, sizeof(pin_dir)) &&
	    !xmip_rodata_read(pin_dir, &ro, err, sizeof(err))) {
		memcpy(&coa, b->coa, 16);
		memcpy(&self, ro.ha.self_addr, 16);
		if (xmip_nh_resolve(nl, &self, &coa, &nh) == 0)
			xmip_fw_entry_set_nh(&e, &nh);
	}
	if (nl >= 0)
		close(nl);
	rc = xmip_fwt_put(t, &e);
	if (rc)
		xmip_msg("adding the binding to %s failed: %s%s", XMIP_MAP_FWTABLE, strerror(-rc),
			 rc == -ENOSPC ? " (no free slot for this home address: max-bindings)" : "");
	xmip_fwclock_close(&clk);
	xmip_fwt_close(t);
	return rc ? 1 : 0;
}

static int cmd_binding_add(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct xmip_binding_key k = { 0 };
	struct xmip_binding b = { 0 };
	unsigned long lifetime = DEFAULT_STATIC_LIFETIME;
	char instance[32], *end;
	int fd, rc, role = XMIP_ROLE_HA;

	if (argc < 2 || argc > 3)
		return xmip_cli_usage_error("binding ", "usage: xmip binding add -i INSTANCE HOA COA "
					    "[LIFETIME]");
	if ((rc = parse_addr_arg("HOA", argv[0], k.hoa)) || (rc = parse_addr_arg("COA", argv[1], b.coa)))
		return rc;
	if (argc == 3) {
		errno = 0;
		lifetime = strtoul(argv[2], &end, 10);
		if (errno || *end || !argv[2][0] || lifetime == 0 || lifetime > UINT32_MAX)
			return xmip_cli_usage_error("binding ", "LIFETIME '%s' is not a number of seconds "
						    "(1..%u)", argv[2], UINT32_MAX);
	}
	if ((rc = xmip_cli_one_instance(o, "binding ", instance)))
		return rc;
	if (xmip_cli_need_root("binding add"))
		return 1;
	fd = open_bindings(instance, &role);
	if (fd < 0)
		return 1;
	b.lifetime_s = (uint32_t)lifetime;
	b.expires_ns = boottime_ns() + (uint64_t)lifetime * 1000000000ull;
	if (role == XMIP_ROLE_CN) {
		/* A correspondent binding (RFC 6275 §9.1): routing header to the CoA. */
		b.encap = XMIP_ENCAP_RH2;
	} else {
		b.bu_flags = XMIP_BU_F_H; /* a home registration, as the datapath expects */
	}
	if (bpf_map_update_elem(fd, &k, &b, BPF_ANY)) {
		xmip_msg("adding the binding failed: %s%s", strerror(errno),
			 errno == E2BIG ? " (binding cache full: max-bindings)" : "");
		close(fd);
		return 1;
	}
	/* The HA's fast-path table; a correspondent has its binding cache only. */
	rc = role == XMIP_ROLE_HA ? fw_write(instance, k.hoa, &b) : 0;
	if (rc) {
		/* The record is not what the datapath does: take it back. */
		bpf_map_delete_elem(fd, &k);
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

static int cmd_binding_del(const struct xmip_cli_opts *o, int argc, char **argv)
{
	struct xmip_binding_key k = { 0 };
	char instance[32];
	int fd, rc, role;

	if (argc != 1)
		return xmip_cli_usage_error("binding ", "usage: xmip binding del -i INSTANCE HOA");
	if ((rc = parse_addr_arg("HOA", argv[0], k.hoa)))
		return rc;
	if ((rc = xmip_cli_one_instance(o, "binding ", instance)))
		return rc;
	if (xmip_cli_need_root("binding del"))
		return 1;
	fd = open_bindings(instance, &role);
	if (fd < 0)
		return 1;
	if (bpf_map_delete_elem(fd, &k)) {
		if (errno == ENOENT)
			xmip_msg("instance '%s' has no binding for %s", instance, argv[0]);
		else
			xmip_msg("deleting the binding failed: %s", strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	if (role == XMIP_ROLE_HA) {
		char err[600];
		struct xmip_fwt *t = xmip_fwt_open(instance, err, sizeof(err));

		if (!t) {
			xmip_msg("%s", err);
			return 1;
		}
		rc = xmip_fwt_del(t, k.hoa);
		xmip_fwt_close(t);
		if (rc && rc != -ENOENT) {
			xmip_msg("deleting the binding from %s failed: %s", XMIP_MAP_FWTABLE,
				 strerror(-rc));
			return 1;
		}
	}
	return 0;
}

int xmip_cmd_binding(const struct xmip_cli_opts *o, int argc, char **argv)
{
	if (o->help || argc == 0) {
		fputs(xmip_help_binding, o->help ? stdout : stderr);
		return o->help ? 0 : XMIP_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return cmd_binding_show(o, argc - 1, argv + 1);
	if (!strcmp(argv[0], "add"))
		return cmd_binding_add(o, argc - 1, argv + 1);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return cmd_binding_del(o, argc - 1, argv + 1);
	return xmip_cli_usage_error("binding ", "unknown binding command '%s' (show, add, del)",
				    argv[0]);
}
