// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DC's dump-file: its state as one JSON object (docs/ntmobile.md section 19). */
#include "ntm_dc.h"

#include <arpa/inet.h>
#include <string.h>

#include "json.h"

static void kv_str(struct xmip_json *j, const char *k, const char *v)
{
	xmip_json_key(j, k);
	xmip_json_str(j, v);
}

static void write_dump(FILE *f, void *arg)
{
	struct ntm_dc *dc = arg;
	uint64_t now = xmip_ntm_now_us() / 1000000u;
	struct xmip_json j;
	char a[64];

	xmip_json_init(&j, f, false);
	xmip_json_obj_open(&j);
	kv_str(&j, "role", "dc");
	kv_str(&j, "name", dc->nc->name);
	xmip_json_key(&j, "nodes");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < dc->n_nodes; i++) {
		const struct dc_node *n = &dc->nodes[i];
		bool reg = n->registered && n->expires_s > now;

		xmip_json_obj_open(&j);
		kv_str(&j, "fqdn", n->fqdn);
		xmip_json_key(&j, "registered");
		xmip_json_bool(&j, reg);
		if (n->registered || n->vip4[0]) {
			inet_ntop(AF_INET, n->vip4, a, sizeof(a));
			kv_str(&j, "vip4", a);
			inet_ntop(AF_INET6, n->vip6, a, sizeof(a));
			kv_str(&j, "vip6", a);
			kv_str(&j, "endpoint", xmip_ntm_ep_str(&n->ep, a, sizeof(a)));
			kv_str(&j, "claimed", xmip_ntm_ep_str(&n->claimed, a, sizeof(a)));
			xmip_json_key(&j, "nat");
			xmip_json_bool(&j, n->flags & XMIP_NTM_F_NAT);
			xmip_json_key(&j, "unreachable");
			xmip_json_bool(&j, n->flags & XMIP_NTM_F_UNREACHABLE);
			xmip_json_key(&j, "expires_in");
			xmip_json_i64(&j, reg ? (int64_t)(n->expires_s - now) : 0);
		}
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "paths");
	xmip_json_arr_open(&j);
	for (int i = 0; i < DC_MAX_PATHS; i++) {
		const struct dc_path *p = &dc->paths[i];

		if (!p->used || !p->id)
			continue;
		xmip_json_obj_open(&j);
		snprintf(a, sizeof(a), "0x%08x", p->id);
		kv_str(&j, "path_id", a);
		kv_str(&j, "mode", xmip_ntm_mode_name(p->mode));
		kv_str(&j, "requester", p->req);
		kv_str(&j, "target", p->tgt);
		xmip_json_key(&j, "foreign");
		xmip_json_bool(&j, p->foreign);
		if (p->mode != XMIP_NTM_MODE_DIRECT) {
			kv_str(&j, "relay", p->relay);
			kv_str(&j, "relay_endpoint", xmip_ntm_ep_str(&p->relay_ep, a, sizeof(a)));
		}
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "vips");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < dc->pool.n; i++) {
		xmip_json_obj_open(&j);
		kv_str(&j, "name", dc->pool.e[i].name);
		inet_ntop(AF_INET, dc->pool.e[i].v4, a, sizeof(a));
		kv_str(&j, "vip4", a);
		inet_ntop(AF_INET6, dc->pool.e[i].v6, a, sizeof(a));
		kv_str(&j, "vip6", a);
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "counters");
	xmip_ntm_counters_json(&j, &dc->cnt);
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
}

void xmip_ntm_dc_dump(struct ntm_dc *dc)
{
	if (dc->nc->dump_file[0])
		xmip_ntm_write_atomic(dc->nc->dump_file, 0644, write_dump, dc);
}
