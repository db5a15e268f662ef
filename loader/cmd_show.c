// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip show`: per instance, its static configuration (the programs'
 * pinned .rodata) and, on an MN, its run-time state (xmip_mn_state), its
 * interfaces and programs, how full the binding cache is, and the
 * datapath counters; text or JSON.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "cli.h"
#include "json.h"
#include "msg.h"
#include "pins.h"
#include "rodata.h"
#include "show_mip4.h"
#include "show_ntm.h"
#include "stats.h"
#include "xmip_maps.h"

/* What show reports about one instance, read from its pins and the kernel. */
struct instance_view {
	struct xmip_rodata ro;        /* role and static configuration */
	bool ro_ok;
	struct xmip_mn_runstate st;      /* MN: CoA, HA, away (zero if none yet) */
	struct xmip_if_state ifs[XMIP_CONF_MAX_IFS * 2];
	int n_ifs;
	uint64_t stats[XMIP_STAT__MAX];
	bool stats_ok;
	uint32_t max_bindings;
	uint64_t n_bindings;
};

static uint64_t count_keys(int fd)
{
	struct xmip_binding_key k, next;
	uint64_t n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

static int gather(const char *instance, struct instance_view *v)
{
	char err[600], pin_dir[256];
	uint32_t key = XMIP_MN_STATE_KEY;
	int fd;

	memset(v, 0, sizeof(*v));
	if (xmip_instance_check(instance, err, sizeof(err)) ||
	    xmip_pin_dir(instance, pin_dir, sizeof(pin_dir))) {
		xmip_msg("%s", err);
		return -1;
	}
	v->ro_ok = xmip_rodata_read(pin_dir, &v->ro, err, sizeof(err)) == 0;
	if (!v->ro_ok)
		xmip_msg("instance %s: configuration unreadable: %s", instance, err);
	if (v->ro.role == XMIP_ROLE_MN) {
		fd = xmip_map_open(instance, XMIP_MAP_MN_STATE, err, sizeof(err));
		if (fd >= 0) {
			/* Absent until attach or the agent writes it: zero, at home. */
			bpf_map_lookup_elem(fd, &key, &v->st);
			close(fd);
		}
	}
	fd = xmip_map_open(instance, XMIP_MAP_STATS, err, sizeof(err));
	if (fd >= 0) {
		v->stats_ok = xmip_stats_read(fd, v->stats) == 0;
		close(fd);
	}
	fd = v->ro.role == XMIP_ROLE_HA || v->ro.role == XMIP_ROLE_CN ?
	     xmip_map_open(instance, XMIP_MAP_BINDINGS, err, sizeof(err)) : -1;
	if (fd >= 0) {
		struct bpf_map_info mi = { 0 };
		uint32_t len = sizeof(mi);

		if (bpf_obj_get_info_by_fd(fd, &mi, &len) == 0)
			v->max_bindings = mi.max_entries;
		v->n_bindings = count_keys(fd);
		close(fd);
	}
	v->n_ifs = xmip_instance_ifs(instance, v->ifs, (int)(sizeof(v->ifs) / sizeof(v->ifs[0])),
				     err, sizeof(err));
	if (v->n_ifs < 0)
		v->n_ifs = 0;
	return 0;
}

/* Configured by attach (the programs pass everything until then). */
static bool ready(const struct instance_view *v)
{
	return v->ro_ok && (v->ro.role == XMIP_ROLE_HA ? v->ro.ha.ready :
			    v->ro.role == XMIP_ROLE_RS ? v->ro.rs.ready :
			    v->ro.role == XMIP_ROLE_CN ? v->ro.cn.ready :
			    v->ro.role == XMIP_ROLE_NTM ? v->ro.ntm.ready :
			    v->ro.role == XMIP_ROLE_FA || v->ro.role == XMIP_ROLE_MN4 ? v->ro.mip4.ready :
			    v->ro.mn.ready);
}

static const char *if_mode_name(enum xmip_if_mode m)
{
	return m == XMIP_IF_MODE_NATIVE ? "native" : m == XMIP_IF_MODE_GENERIC ? "generic" :
	       m == XMIP_IF_MODE_TC ? "tc" : "none";
}

static void show_text(const char *instance, const struct instance_view *v, bool all_counters)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int shown = 0;

	const struct xmip_ha_conf *ha = &v->ro.ha;
	const struct xmip_mn_conf *mn = &v->ro.mn;

	printf("%s: role %s%s\n", instance, xmip_cli_role_name(v->ro.role),
	       ready(v) ? "" : " (not ready)");
	if (v->ro.role == XMIP_ROLE_HA) {
		xmip_cli_addr_str(ha->home_prefix, a);
		xmip_cli_addr_str(ha->self_addr, b);
		printf("    address %s  home-prefix %s/%u  tunnel-mtu %u\n", b, a,
		       ha->home_plen, ha->tunnel_mtu);
	} else if (v->ro.role == XMIP_ROLE_MN) {
		char c[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

		xmip_cli_addr_str(mn->home_prefix, a);
		xmip_cli_addr_str(mn->hoa, b);
		xmip_cli_addr_str(v->st.ha, c);
		xmip_cli_addr_str(v->st.coa, d);
		printf("    home-address %s  home-agent %s  home-prefix %s/%u\n", b, c, a,
		       mn->home_plen);
		printf("    %s  care-of %s  tunnel-mtu %u\n",
		       v->st.flags & XMIP_MN_F_AWAY ? "away" : "at home", d, mn->tunnel_mtu);
	} else if (v->ro.role == XMIP_ROLE_CN) {
		xmip_cli_addr_str(v->ro.cn.self_addr, b);
		printf("    address %s  (correspondent: route optimisation)\n", b);
	}
	for (int i = 0; i < v->n_ifs; i++) {
		const struct xmip_if_state *s = &v->ifs[i];

		if (!s->ifindex) {
			printf("    %s: interface gone (link %u still pinned)\n", s->ifname, s->link_id);
			continue;
		}
		if (s->link_id)
			printf("    %s: xdp %s prog %u (%s) link %u\n", s->ifname,
			       if_mode_name(s->mode), s->prog_id, s->prog_name, s->link_id);
		else
			printf("    %s: %s (no XDP)\n", s->ifname, if_mode_name(s->mode));
		if (s->tc_ingress)
			printf("    %s: tc ingress prog %u (%s)\n", s->ifname, s->tc_in_prog_id,
			       s->tc_in_prog_name);
		if (s->tc_egress)
			printf("    %s: tc egress prog %u (%s)\n", s->ifname, s->tc_prog_id,
			       s->tc_prog_name);
	}
	if (v->ro.role == XMIP_ROLE_HA || v->ro.role == XMIP_ROLE_CN)
		printf("    bindings %" PRIu64 " of %u\n", v->n_bindings, v->max_bindings);
	if (v->ro.role == XMIP_ROLE_NTM)
		xmip_show_ntm_text(instance);
	if (v->ro.role == XMIP_ROLE_FA || v->ro.role == XMIP_ROLE_MN4)
		xmip_show_mip4_text(instance);
	printf("    counters%s:\n", all_counters ? "" : " (non-zero; -a for all)");
	for (int i = 0; i < XMIP_STAT__MAX; i++) {
		if (!all_counters && !v->stats[i])
			continue;
		printf("    %14" PRIu64 "  %-24s %s\n", v->stats[i], xmip_stat_key(i),
		       xmip_stat_desc(i));
		shown++;
	}
	if (!shown)
		printf("    %14s  (all zero)\n", "");
}

static void show_json(struct xmip_json *j, const char *instance, const struct instance_view *v)
{
	char a[INET6_ADDRSTRLEN];

	xmip_json_obj_open(j);
	xmip_json_key(j, "instance");
	xmip_json_str(j, instance);
	xmip_json_key(j, "role");
	xmip_json_str(j, xmip_cli_role_name(v->ro.role));
	xmip_json_key(j, "ready");
	xmip_json_bool(j, ready(v));
	if (v->ro.role == XMIP_ROLE_HA || v->ro.role == XMIP_ROLE_CN) {
		xmip_cli_addr_str(v->ro.role == XMIP_ROLE_HA ? v->ro.ha.self_addr : v->ro.cn.self_addr, a);
		xmip_json_key(j, "address");
		xmip_json_str(j, a);
	} else if (v->ro.role == XMIP_ROLE_MN) {
		xmip_cli_addr_str(v->ro.mn.hoa, a);
		xmip_json_key(j, "home_address");
		xmip_json_str(j, a);
		xmip_cli_addr_str(v->st.ha, a);
		xmip_json_key(j, "home_agent");
		xmip_json_str(j, a);
		xmip_cli_addr_str(v->st.coa, a);
		xmip_json_key(j, "care_of_address");
		xmip_json_str(j, a);
		xmip_json_key(j, "away");
		xmip_json_bool(j, v->st.flags & XMIP_MN_F_AWAY);
	}
	xmip_cli_addr_str(v->ro.role == XMIP_ROLE_MN ? v->ro.mn.home_prefix : v->ro.ha.home_prefix, a);
	xmip_json_key(j, "home_prefix");
	xmip_json_str(j, a);
	xmip_json_key(j, "home_plen");
	xmip_json_u64(j, v->ro.role == XMIP_ROLE_MN ? v->ro.mn.home_plen : v->ro.ha.home_plen);
	xmip_json_key(j, "tunnel_mtu");
	xmip_json_u64(j, v->ro.role == XMIP_ROLE_MN ? v->ro.mn.tunnel_mtu : v->ro.ha.tunnel_mtu);
	xmip_json_key(j, "interfaces");
	xmip_json_arr_open(j);
	for (int i = 0; i < v->n_ifs; i++) {
		const struct xmip_if_state *s = &v->ifs[i];

		xmip_json_obj_open(j);
		xmip_json_key(j, "name");
		xmip_json_str(j, s->ifname);
		xmip_json_key(j, "ifindex");
		xmip_json_u64(j, s->ifindex);
		xmip_json_key(j, "xdp_mode");
		xmip_json_str(j, if_mode_name(s->mode));
		xmip_json_key(j, "prog_id");
		xmip_json_u64(j, s->prog_id);
		xmip_json_key(j, "prog_name");
		xmip_json_str(j, s->prog_name);
		xmip_json_key(j, "link_id");
		xmip_json_u64(j, s->link_id);
		xmip_json_key(j, "tc_ingress");
		if (s->tc_ingress) {
			xmip_json_obj_open(j);
			xmip_json_key(j, "prog_id");
			xmip_json_u64(j, s->tc_in_prog_id);
			xmip_json_key(j, "prog_name");
			xmip_json_str(j, s->tc_in_prog_name);
			xmip_json_obj_close(j);
		} else {
			xmip_json_null(j);
		}
		xmip_json_key(j, "tc_egress");
		if (s->tc_egress) {
			xmip_json_obj_open(j);
			xmip_json_key(j, "prog_id");
			xmip_json_u64(j, s->tc_prog_id);
			xmip_json_key(j, "prog_name");
			xmip_json_str(j, s->tc_prog_name);
			xmip_json_obj_close(j);
		} else {
			xmip_json_null(j);
		}
		xmip_json_obj_close(j);
	}
	xmip_json_arr_close(j);
	if (v->ro.role == XMIP_ROLE_NTM)
		xmip_show_ntm_json(j, instance);
	if (v->ro.role == XMIP_ROLE_FA || v->ro.role == XMIP_ROLE_MN4)
		xmip_show_mip4_json(j, instance);
	xmip_json_key(j, "bindings");
	xmip_json_u64(j, v->n_bindings);
	xmip_json_key(j, "max_bindings");
	xmip_json_u64(j, v->max_bindings);
	/* JSON always carries every counter: a stable schema for scripts. */
	xmip_json_key(j, "counters");
	xmip_json_obj_open(j);
	for (int i = 0; i < XMIP_STAT__MAX; i++) {
		xmip_json_key(j, xmip_stat_key(i));
		xmip_json_u64(j, v->stats[i]);
	}
	xmip_json_obj_close(j);
	xmip_json_obj_close(j);
}

int xmip_cmd_show(const struct xmip_cli_opts *o, int argc, char **argv)
{
	char names[XMIP_CLI_MAX_INSTANCES][32];
	struct instance_view *v;
	struct xmip_json j;
	char *doc = NULL;
	size_t doc_len = 0;
	FILE *out = NULL;
	int n, rc = 0;

	if (argc)
		return xmip_cli_usage_error("show ", "unexpected argument '%s'", argv[0]);
	n = xmip_cli_select_instances(o, names, XMIP_CLI_MAX_INSTANCES);
	if (n < 0)
		return -n;
	v = malloc(sizeof(*v));
	if (!v) {
		xmip_msg("out of memory");
		return 1;
	}
	if (o->json) {
		/* Written out only if every instance could be read: else {"error": ...}. */
		out = open_memstream(&doc, &doc_len);
		if (!out) {
			free(v);
			xmip_msg("out of memory");
			return 1;
		}
		xmip_json_init(&j, out, o->pretty);
		xmip_json_arr_open(&j);
	} else if (n == 0) {
		printf("no instance attached (under %s)\n", XMIP_PIN_ROOT);
	}
	for (int i = 0; i < n; i++) {
		if (gather(names[i], v)) {
			rc = 1;
			continue;
		}
		if (o->json)
			show_json(&j, names[i], v);
		else
			show_text(names[i], v, o->all);
	}
	if (o->json) {
		xmip_json_arr_close(&j);
		xmip_json_end(&j);
		fclose(out);
		if (rc == 0)
			fwrite(doc, 1, doc_len, stdout);
		free(doc);
	}
	free(v);
	return rc;
}
