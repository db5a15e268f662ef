// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The instance's keys, before any section header: its role, name and
 * interfaces, and what `xmip attach` sets the datapath up with.
 */
#include "conf_section.h"

#include <ctype.h>
#include <string.h>

#define HA XMIP_ROLE_BIT(XMIP_ROLE_HA)
#define MN XMIP_ROLE_BIT(XMIP_ROLE_MN)
#define FA4 (XMIP_ROLE_BIT(XMIP_ROLE_FA) | XMIP_ROLE_BIT(XMIP_ROLE_MN4))   /* Mobile IPv4 */
#define RS XMIP_ROLE_BIT(XMIP_ROLE_RS)
#define NTMI XMIP_ROLE_BIT(XMIP_ROLE_NTM)  /* optional: the node datapath's real interfaces */
#define CN XMIP_ROLE_BIT(XMIP_ROLE_CN)
#define ALL (HA | MN | RS | CN | XMIP_ROLE_BIT(XMIP_ROLE_DC) | XMIP_ROLE_BIT(XMIP_ROLE_NTM) | FA4)

static int set_role(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;
	char known[32];

	c->role = xmip_conf_role_parse(val);
	if (c->role == XMIP_ROLE_NONE)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not a role (%s)", key,
				      val, xmip_conf_roles_text(~0u, known, sizeof(known)));
	return 0;
}

static bool valid_instance(const char *s)
{
	if (!*s || strlen(s) >= XMIP_INSTANCE_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static int set_instance(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;

	if (!valid_instance(val))
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: '%s' must be 1-%d letters, digits, '-' or '_'",
				      key, val, XMIP_INSTANCE_MAX - 1);
	strcpy(c->instance, val);
	return 0;
}

static int set_interface(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;
	int line = xmip_conf_cur_line(p);

	if (strlen(val) >= IF_NAMESIZE || strchr(val, '/'))
		return xmip_conf_fail(p, line, "%s: '%s' is not a valid interface name", key, val);
	if (c->n_ifs == XMIP_CONF_MAX_IFS)
		return xmip_conf_fail(p, line, "%s: more than %d interfaces", key,
				      XMIP_CONF_MAX_IFS);
	for (int i = 0; i < c->n_ifs; i++)
		if (strcmp(c->ifnames[i], val) == 0)
			return xmip_conf_fail(p, line, "%s: '%s' is listed twice", key, val);
	strcpy(c->ifnames[c->n_ifs++], val);
	return 0;
}

static int set_xdp_mode(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;

	if (strcmp(val, "auto") == 0)
		c->xdp_mode = XMIP_XDP_AUTO;
	else if (strcmp(val, "native") == 0)
		c->xdp_mode = XMIP_XDP_NATIVE;
	else if (strcmp(val, "generic") == 0)
		c->xdp_mode = XMIP_XDP_GENERIC;
	else if (strcmp(val, "tc") == 0)
		c->xdp_mode = XMIP_XDP_TC;
	else
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: '%s' is not native, tc, generic or auto", key, val);
	return 0;
}

static int set_home_prefix(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;

	return xmip_conf_prefix6(p, key, val, &c->home_prefix, &c->home_plen);
}

static int set_tunnel_mtu(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_conf *c = t;
	uint32_t v;

	if (xmip_conf_u32(p, key, val, 0, 65535, &v))
		return -1;
	if (v < 1280)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %u is below 1280, the IPv6 "
				      "minimum link MTU (RFC 8200 §5)", key, v);
	c->tunnel_mtu = (uint16_t)v;
	return 0;
}

static int set_address(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_addr6(p, key, val, &((struct xmip_conf *)t)->address);
}

static int set_max_bindings(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, 16 * 1024 * 1024, &((struct xmip_conf *)t)->max_bindings);
}

static const struct xmip_conf_key keys[] = {
	{ "role",         ALL,     0,       false, set_role },
	{ "instance",     ALL,     ALL,     false, set_instance },
	{ "interface",    HA | MN | RS | FA4 | CN | NTMI, HA | MN | RS | FA4 | CN, true, set_interface },
	{ "xdp-mode",     HA | MN | RS | CN, 0,  false, set_xdp_mode },
	{ "address",      HA | CN,      HA | CN,      false, set_address },
	{ "home-prefix",  HA | MN,      HA | MN,      false, set_home_prefix },
	{ "tunnel-mtu",   HA | MN,      0,            false, set_tunnel_mtu },
	{ "max-bindings", HA | CN,      0,            false, set_max_bindings },
};

static void defaults(struct xmip_conf *c)
{
	c->xdp_mode = XMIP_XDP_AUTO;
	c->max_bindings = XMIP_DEFAULT_MAX_BINDINGS;
}

const struct xmip_conf_section xmip_conf_instance = {
	.name     = "",
	.roles    = ALL,
	.keys     = keys,
	.n_keys   = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
};
