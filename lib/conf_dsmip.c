// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * [dsmip] (RFC 5555): on the HA, the IPv4 side of the home agent; on the
 * MN, how to reach it from an IPv4-only network. Also the setter of the
 * [mn NAI] key ipv4-home-address (conf_mip6.c lists the key).
 */
#include "conf_section.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_dsmip.h"

#define HA XMIP_ROLE_BIT(XMIP_ROLE_HA)
#define MN XMIP_ROLE_BIT(XMIP_ROLE_MN)

/* An IPv4 unicast address a node may hold: not 0/8, 127/8, 224/4 and above. */
static bool v4_unicast(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && h < 0xe0000000u;
}

static int v4_value(struct xmip_conf_parser *p, const char *key, const char *val,
		    struct in_addr *out, bool allow_any)
{
	int line = xmip_conf_cur_line(p);

	if (inet_pton(AF_INET, val, out) != 1)
		return xmip_conf_fail(p, line, "%s: '%s' is not an IPv4 address", key, val);
	if (allow_any && out->s_addr == 0)
		return 0;
	if (!v4_unicast(*out))
		return xmip_conf_fail(p, line, "%s: %s is not a unicast IPv4 address", key, val);
	return 0;
}

static int set_ipv4_address(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return v4_value(p, key, val, &((struct xmip_conf *)t)->dsmip.ipv4_address, false);
}

static int set_pool(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_dsmip_conf *d = &((struct xmip_conf *)t)->dsmip;
	int line = xmip_conf_cur_line(p);
	const char *slash = strchr(val, '/');
	char addr[INET_ADDRSTRLEN];
	uint32_t plen, mask;

	if (!slash || (size_t)(slash - val) >= sizeof(addr))
		return xmip_conf_fail(p, line, "%s: '%s' is not ADDRESS/LEN (192.0.2.0/28)", key, val);
	memcpy(addr, val, (size_t)(slash - val));
	addr[slash - val] = '\0';
	if (v4_value(p, key, addr, &d->pool, false) ||
	    xmip_conf_u32(p, key, slash + 1, XMIP_DSMIP_POOL_MIN_PLEN, 32, &plen))
		return -1;
	mask = plen == 32 ? 0xffffffffu : ~(0xffffffffu >> plen);
	if (ntohl(d->pool.s_addr) & ~mask)
		return xmip_conf_fail(p, line, "%s: %s has bits set past /%u", key, val, plen);
	d->pool_plen = (uint8_t)plen;
	d->has_pool = true;
	return 0;
}

static int set_keepalive(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	/* 0 means "ignore" and all ones "no keepalive" on the wire (§3.2.2). */
	return xmip_conf_u32(p, key, val, 1, 86400, &((struct xmip_conf *)t)->dsmip.nat_keepalive_s);
}

static int set_home_agent_ipv4(struct xmip_conf_parser *p, void *t, const char *key,
			       const char *val)
{
	return v4_value(p, key, val, &((struct xmip_conf *)t)->dsmip.home_agent_ipv4, false);
}

static int set_mn_ipv4_hoa(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_dsmip_conf *d = &((struct xmip_conf *)t)->dsmip;

	if (strcmp(val, "dynamic") == 0)
		val = "0.0.0.0";
	if (v4_value(p, key, val, &d->ipv4_hoa, true))
		return -1;
	d->has_ipv4_hoa = true;
	return 0;
}

static int set_force_udp(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_bool(p, key, val, &((struct xmip_conf *)t)->dsmip.force_udp);
}

static const struct xmip_conf_key keys[] = {
	{ "ipv4-address",      HA, 0,  false, set_ipv4_address },
	{ "ipv4-hoa-pool",     HA, 0,  false, set_pool },
	{ "nat-keepalive",     HA, 0,  false, set_keepalive },
	{ "home-agent-ipv4",   MN, 0,  false, set_home_agent_ipv4 },
	{ "ipv4-home-address", MN, 0,  false, set_mn_ipv4_hoa },
	{ "force-udp",         MN, 0,  false, set_force_udp },
};

static void dsmip_defaults(struct xmip_conf *c)
{
	c->dsmip.nat_keepalive_s = 110;     /* NATKATIMEOUT, RFC 5555 §6 */
}

static bool in_pool(const struct xmip_dsmip_conf *d, struct in_addr a)
{
	uint32_t mask = d->pool_plen == 32 ? 0xffffffffu : ~(0xffffffffu >> d->pool_plen);

	return d->has_pool && (ntohl(a.s_addr) & mask) == ntohl(d->pool.s_addr);
}

/* Static IPv4 home addresses: unique, and never the HA's own address. */
static int dsmip_finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	struct xmip_dsmip_conf *d = &c->dsmip;
	char a[INET_ADDRSTRLEN];

	d->on = xmip_conf_has_section(c, "dsmip");
	/* Required only when the section is there (a plain MIPv6 node has none). */
	if (d->on && c->role == XMIP_ROLE_HA && !d->ipv4_address.s_addr)
		return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_dsmip, 0),
				      "[dsmip]: missing required key 'ipv4-address' for role ha");
	if (d->on && c->role == XMIP_ROLE_MN && !d->home_agent_ipv4.s_addr)
		return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_dsmip, 0),
				      "[dsmip]: missing required key 'home-agent-ipv4' for role mn");
	if (c->role != XMIP_ROLE_HA)
		return 0;
	if (d->on && in_pool(d, d->ipv4_address))
		return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_dsmip, 0, "ipv4-hoa-pool"),
				      "ipv4-hoa-pool contains ipv4-address");
	for (size_t i = 0; i < c->n_mns; i++) {
		const struct xmip_mn_entry *e = &c->mns[i];
		int line = xmip_conf_key_line(p, &xmip_conf_mn, i, "ipv4-home-address");

		if (!e->has_ipv4_hoa)
			continue;
		inet_ntop(AF_INET, &e->ipv4_hoa, a, sizeof(a));
		if (!d->on)
			return xmip_conf_fail(p, line, "[mn %s]: ipv4-home-address needs a [dsmip] "
					      "section (ipv4-address)", e->nai);
		if (e->ipv4_hoa.s_addr == d->ipv4_address.s_addr)
			return xmip_conf_fail(p, line, "[mn %s]: ipv4-home-address %s is the home "
					      "agent's ipv4-address", e->nai, a);
		for (size_t k = 0; k < i; k++)
			if (c->mns[k].has_ipv4_hoa && c->mns[k].ipv4_hoa.s_addr == e->ipv4_hoa.s_addr)
				return xmip_conf_fail(p, line, "[mn %s]: ipv4-home-address %s is "
						      "already used by [mn %s]", e->nai, a,
						      c->mns[k].nai);
	}
	return 0;
}

const struct xmip_conf_section xmip_conf_dsmip = {
	.name     = "dsmip",
	.roles    = HA | MN,
	.keys     = keys,
	.n_keys   = sizeof(keys) / sizeof(keys[0]),
	.defaults = dsmip_defaults,
	.finish   = dsmip_finish,
};

/* [mn NAI] ipv4-home-address: the node's static IPv4 home address (RFC 5555 §4.5). */
int xmip_conf_set_mn_ipv4_hoa(struct xmip_conf_parser *p, void *t, const char *key,
			      const char *val)
{
	struct xmip_mn_entry *e = t;

	if (v4_value(p, key, val, &e->ipv4_hoa, false))
		return -1;
	e->has_ipv4_hoa = true;
	return 0;
}
