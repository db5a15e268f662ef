// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The NTMobile Relay Server's sections (role rs, docs/ntmobile.md section
 * 19): [rs] (its name, addresses, port, RS-N pool, table size, idle
 * time) and one [rs-dc NAME] per Direction Coordinator allowed to direct
 * it, with the pre-shared K_rs. Values only: agentd/ntm/ntm_rs.c does
 * the protocol, loader/attach.c the datapath.
 */
#include "conf_section.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmip_ntm_relay.h"

#define RS XMIP_ROLE_BIT(XMIP_ROLE_RS)
#define KEY_MIN 16

static struct xmip_ntm_conf *N(void *t)
{
	return &((struct xmip_conf *)t)->ntm;
}

static int set_rs_name(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	if (!xmip_conf_ntm_name_ok(val))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not a valid name", key, val);
	snprintf(N(t)->rs_name, sizeof(N(t)->rs_name), "%s", val);
	return 0;
}

static int set_rs_address(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf *n = N(t);
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, val, &a.s6_addr[12]) == 1) {
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		if (n->rs_has4)
			return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: one IPv4 address only", key);
		n->rs_addr4 = a;
		n->rs_has4 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, val, &a) == 1) {
		if (n->rs_has6)
			return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: one IPv6 address only", key);
		n->rs_addr6 = a;
		n->rs_has6 = true;
		return 0;
	}
	return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not an IPv4 or IPv6 address",
			      key, val);
}

static int set_rs_port(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	uint32_t v;

	if (xmip_conf_u32(p, key, val, 1, 65535, &v))
		return -1;
	N(t)->port = (uint16_t)v;
	return 0;
}

static int set_pool(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf *n = N(t);
	unsigned lo, hi;
	char extra;

	if (sscanf(val, "%u-%u%c", &lo, &hi, &extra) != 2 || lo < 1024 || hi > 65535 || lo > hi)
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: '%s' is not a port range LO-HI within 1024-65535", key, val);
	n->rs_pool_lo = (uint16_t)lo;
	n->rs_pool_hi = (uint16_t)hi;
	return 0;
}

static int set_max_paths(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 16, 1u << 26, &N(t)->rs_max_paths);
}

static int set_idle(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 5, 86400, &N(t)->rs_idle_s);
}

static int set_window(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, 3600, &N(t)->replay_window_s);
}

static int set_dump(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	if (val[0] != '/' || strlen(val) >= XMIP_NTM_CONF_PATH)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: expected an absolute path", key);
	snprintf(N(t)->dump_file, sizeof(N(t)->dump_file), "%s", val);
	return 0;
}

static int set_state(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	if (val[0] != '/' || strlen(val) >= XMIP_NTM_CONF_PATH)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: expected an absolute path", key);
	snprintf(N(t)->state_file, sizeof(N(t)->state_file), "%s", val);
	return 0;
}

static const struct xmip_conf_key rs_keys[] = {
	{ "name",          RS, RS, false, set_rs_name },
	{ "address",       RS, RS, true,  set_rs_address },
	{ "port",          RS, 0,  false, set_rs_port },
	{ "pool",          RS, 0,  false, set_pool },
	{ "max-paths",     RS, 0,  false, set_max_paths },
	{ "idle",          RS, 0,  false, set_idle },
	{ "replay-window", RS, 0,  false, set_window },
	{ "dump-file",     RS, 0,  false, set_dump },
	{ "state-file",    RS, 0,  false, set_state },
};

static void rs_defaults(struct xmip_conf *c)
{
	c->ntm.rs_pool_lo = XMIP_RS_DEFAULT_POOL_LO;
	c->ntm.rs_pool_hi = XMIP_RS_DEFAULT_POOL_HI;
	c->ntm.rs_max_paths = XMIP_RS_DEFAULT_MAX_PATHS;
	c->ntm.rs_idle_s = 65;             /* 3 Keep Alive intervals + 5 s (section 14) */
	c->ntm.replay_window_s = 30;
}

static int rs_finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	struct xmip_ntm_conf *n = &c->ntm;

	if (c->role != XMIP_ROLE_RS)
		return 0;
	if (!n->port)
		n->port = 49602;
	if (!n->state_file[0])
		snprintf(n->state_file, sizeof(n->state_file), "/var/lib/xmip/%s.state", c->instance);
	if (n->port >= n->rs_pool_lo && n->port <= n->rs_pool_hi)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "[rs] port %u is inside the pool %u-%u",
				      n->port, n->rs_pool_lo, n->rs_pool_hi);
	if (!n->n_rs_dcs)
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "role rs needs at least one [rs-dc NAME] section (who directs it)");
	return 0;
}

const struct xmip_conf_section xmip_conf_rs = {
	.name     = "rs",
	.roles    = RS,
	.keys     = rs_keys,
	.n_keys   = sizeof(rs_keys) / sizeof(rs_keys[0]),
	.defaults = rs_defaults,
	.finish   = rs_finish,
};

/* ---- [rs-dc NAME] ---- */

static int rs_dc_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *arg, size_t n)
{
	struct xmip_ntm_conf_peer *a;
	int line = xmip_conf_cur_line(p);

	if (!xmip_conf_ntm_name_ok(arg))
		return xmip_conf_fail(p, line, "[rs-dc %s]: not a valid name", arg);
	for (size_t i = 0; i < c->ntm.n_rs_dcs; i++)
		if (strcmp(c->ntm.rs_dcs[i].name, arg) == 0)
			return xmip_conf_fail(p, line, "[rs-dc %s]: section is already defined", arg);
	a = realloc(c->ntm.rs_dcs, (n + 1) * sizeof(*a));
	if (!a)
		return xmip_conf_fail(p, line, "out of memory");
	c->ntm.rs_dcs = a;
	memset(&a[n], 0, sizeof(a[n]));
	snprintf(a[n].name, sizeof(a[n].name), "%s", arg);
	c->ntm.n_rs_dcs = n + 1;
	return 0;
}

static void *rs_dc_target(struct xmip_conf *c, size_t n)
{
	return &c->ntm.rs_dcs[n];
}

static int set_rs_dc_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf_peer *e = t;

	if (xmip_conf_hex(p, key, val, e->key, XMIP_NTM_CONF_KEY, &e->key_len))
		return -1;
	if (e->key_len < KEY_MIN)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: %zu octets is too short "
				      "(at least %d)", key, e->key_len, KEY_MIN);
	return 0;
}

static const struct xmip_conf_key rs_dc_keys[] = {
	{ "key", RS, RS, false, set_rs_dc_key },
};

static void rs_dc_free(struct xmip_conf *c)
{
	free(c->ntm.rs_dcs);
	c->ntm.rs_dcs = NULL;
	c->ntm.n_rs_dcs = 0;
}

const struct xmip_conf_section xmip_conf_rs_dc = {
	.name     = "rs-dc",
	.arg_name = "NAME",
	.roles    = RS,
	.keys     = rs_dc_keys,
	.n_keys   = sizeof(rs_dc_keys) / sizeof(rs_dc_keys[0]),
	.open     = rs_dc_open,
	.target   = rs_dc_target,
	.free     = rs_dc_free,
};
