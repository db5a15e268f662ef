// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * `xmip show` for roles fa and mn4: the Mobile IPv4 tunnel table
 * xmip_mip4_tun (include/xmip_mip4_dp.h), read from its pin, one line (or
 * JSON object) per registered home address: the tunnel to its home agent,
 * its form, and at the FA the visitor it is delivered to.
 */
#include "show_mip4.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>

#include "family_names.h"
#include "show_table.h"
#include "xmip_mip4_dp.h"

static const char *a4(const __be32 *a, char *buf)
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

static void mac_str(const uint8_t m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void text_cb(const void *key, const void *val, void *arg)
{
	const struct xmip_mip4_tun_key *k = key;
	const struct xmip_mip4_tun *v = val;
	char h[INET_ADDRSTRLEN], ha[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN], mac[18];

	(void)arg;
	printf("    %-15s home-agent %s care-of %s %s", a4(&k->hoa, h), a4(&v->ha, ha),
	       a4(&v->coa, c), xmip_encap_name(v->encap));
	if (v->ha_port)
		printf(" udp %u->%u", ntohs(v->port), ntohs(v->ha_port));
	if (v->flags & XMIP_MIP4_TUN_F_REVERSE)
		printf(" reverse");
	if (v->flags & XMIP_MIP4_TUN_F_FA) {
		mac_str(v->mac, mac);
		printf(" visitor %s ifindex %u", mac, v->ifindex);
	} else {
		printf(" co-located ifindex %u", v->ifindex);
	}
	printf("\n");
}

static void json_cb(const void *key, const void *val, void *arg)
{
	const struct xmip_mip4_tun_key *k = key;
	const struct xmip_mip4_tun *v = val;
	struct xmip_json *j = arg;
	char a[INET_ADDRSTRLEN], mac[18];
	bool fa = v->flags & XMIP_MIP4_TUN_F_FA;

#define KS(key, val) do { xmip_json_key(j, key); xmip_json_str(j, val); } while (0)
#define KU(key, val) do { xmip_json_key(j, key); xmip_json_u64(j, val); } while (0)
	xmip_json_obj_open(j);
	KS("home_address", a4(&k->hoa, a));
	KS("home_agent", a4(&v->ha, a));
	KS("care_of_address", a4(&v->coa, a));
	KS("encap", xmip_encap_name(v->encap));
	KU("udp_port", ntohs(v->port));
	KU("ha_port", ntohs(v->ha_port));
	xmip_json_key(j, "reverse");
	xmip_json_bool(j, v->flags & XMIP_MIP4_TUN_F_REVERSE);
	KS("via", fa ? "fa" : "co-located");
	mac_str(v->mac, mac);
	KS("visitor_mac", fa ? mac : "");
	KU("ifindex", v->ifindex);
	xmip_json_obj_close(j);
#undef KS
#undef KU
}

static const struct xmip_show_table table = {
	.map = XMIP_MAP_MIP4_TUN,
	.key_size = sizeof(struct xmip_mip4_tun_key),
	.val_size = sizeof(struct xmip_mip4_tun),
	.heading = "tunnels (" XMIP_MAP_MIP4_TUN ": per registered home address, to its home agent):",
	.json_key = "tunnels",
	.text = text_cb,
	.json = json_cb,
};

void xmip_show_mip4_text(const char *instance)
{
	xmip_show_table_text(&table, instance);
}

void xmip_show_mip4_json(struct xmip_json *j, const char *instance)
{
	xmip_show_table_json(&table, j, instance);
}
