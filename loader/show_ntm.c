// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip show` for role ntm: the node's tunnel table (include/xmip_ntm_node.h),
 * read from its pin, one line (or JSON object) per entry: TX entries say
 * where packets to a peer virtual address go, RX entries from which far
 * end (address, port, path ID) tunnel packets are taken.
 */
#include "show_ntm.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "show_table.h"
#include "xmip_ntm_node.h"

/* An address of 16 octets, IPv4-mapped shown as IPv4. */
static const char *addr_str(const uint8_t a[16], char *buf, size_t len)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (!memcmp(a, pfx, 12))
		return inet_ntop(AF_INET, a + 12, buf, (socklen_t)len);
	return inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

static const char *mode_str(uint8_t m)
{
	return m == 1 ? "direct" : m == 2 ? "rs-s" : m == 3 ? "rs-n" : "none";
}

static void text_cb(const void *key, const void *val, void *arg)
{
	const struct xmip_ntm_node_key *k = key;
	const struct xmip_ntm_node_val *v = val;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	(void)arg;
	if (k->kind == XMIP_NTM_NK_TX)
		printf("    tx %-28s path 0x%08x %-6s -> %s:%u from %s:%u ifindex %u\n",
		       addr_str(k->addr, a, sizeof(a)), ntohl(v->path_id), mode_str(v->mode),
		       addr_str(v->out_dst, b, sizeof(b)), ntohs(v->out_dport),
		       addr_str(v->out_src, c, sizeof(c)), ntohs(v->out_sport), v->ifindex);
	else
		printf("    rx %s:%u path 0x%08x %-6s peer %s %s\n", addr_str(k->addr, a, sizeof(a)),
		       ntohs(k->sport), ntohl(k->path_id), mode_str(v->mode),
		       inet_ntop(AF_INET, &v->peer4, d, sizeof(d)),
		       inet_ntop(AF_INET6, v->peer6, b, sizeof(b)));
}

static void json_cb(const void *key, const void *val, void *arg)
{
	const struct xmip_ntm_node_key *k = key;
	const struct xmip_ntm_node_val *v = val;
	struct xmip_json *j = arg;
	char a[INET6_ADDRSTRLEN];

#define KS(key, val) do { xmip_json_key(j, key); xmip_json_str(j, val); } while (0)
#define KU(key, val) do { xmip_json_key(j, key); xmip_json_u64(j, val); } while (0)
	xmip_json_obj_open(j);
	KS("kind", k->kind == XMIP_NTM_NK_TX ? "tx" : "rx");
	snprintf(a, sizeof(a), "0x%08x", ntohl(v->path_id));
	KS("path_id", a);
	KS("mode", mode_str(v->mode));
	if (k->kind == XMIP_NTM_NK_TX) {
		KS("peer_address", addr_str(k->addr, a, sizeof(a)));
	} else {
		KS("far_end", addr_str(k->addr, a, sizeof(a)));
		KU("far_port", ntohs(k->sport));
	}
	KS("out_src", addr_str(v->out_src, a, sizeof(a)));
	KU("out_sport", ntohs(v->out_sport));
	KS("out_dst", addr_str(v->out_dst, a, sizeof(a)));
	KU("out_dport", ntohs(v->out_dport));
	KU("ifindex", v->ifindex);
	KS("own_vip4", inet_ntop(AF_INET, &v->own4, a, sizeof(a)));
	KS("own_vip6", inet_ntop(AF_INET6, v->own6, a, sizeof(a)));
	KS("peer_vip4", inet_ntop(AF_INET, &v->peer4, a, sizeof(a)));
	KS("peer_vip6", inet_ntop(AF_INET6, v->peer6, a, sizeof(a)));
	xmip_json_obj_close(j);
#undef KS
#undef KU
}

static const struct xmip_show_table table = {
	.map = XMIP_MAP_NTM_TUNNELS,
	.key_size = sizeof(struct xmip_ntm_node_key),
	.val_size = sizeof(struct xmip_ntm_node_val),
	.heading = "tunnels (tx: to a peer virtual address; rx: from a far end):",
	.json_key = "tunnels",
	.text = text_cb,
	.json = json_cb,
};

void xmip_show_ntm_text(const char *instance)
{
	xmip_show_table_text(&table, instance);
}

void xmip_show_ntm_json(struct xmip_json *j, const char *instance)
{
	xmip_show_table_json(&table, j, instance);
}
