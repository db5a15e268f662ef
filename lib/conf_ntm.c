// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NTMobile's sections (docs/ntmobile.md section 19): role dc has [dc] and
 * one [node FQDN], [peer-dc DOMAIN] and [relay NAME] per node, peer domain
 * and relay; role ntm has [ntm]. Values only: the agent's ntm family does
 * the protocol.
 */
#include "conf_section.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DC  XMIP_ROLE_BIT(XMIP_ROLE_DC)
#define NTM XMIP_ROLE_BIT(XMIP_ROLE_NTM)

#define KEY_MIN 16

/*
 * The NTMobile name rule (lower-case a-z 0-9 '-' '.', labels 1-63 not
 * starting or ending with '-', 1-253 octets, no trailing dot). The same
 * rule as xmip_ntm_fqdn_valid() in agentd/ntm/ntm_wire.c; repeated here
 * because the CLI links this file and carries no protocol code.
 */
bool xmip_conf_ntm_name_ok(const char *s)
{
	size_t len = strlen(s), label = 0;

	if (len < 1 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (!label || s[i - 1] == '-')
				return false;
			label = 0;
		} else if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			   (s[i] == '-' && label)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label && s[len - 1] != '-';
}

static int set_name(struct xmip_conf_parser *p, const char *key, const char *val, char *out)
{
	if (!xmip_conf_ntm_name_ok(val))
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: '%s' is not a valid name (lower-case letters, digits, "
				      "'-' and '.', no trailing dot)", key, val);
	strcpy(out, val);
	return 0;
}

/* An IPv4 or IPv6 address into 16 octets (IPv4 as ::ffff:a.b.c.d). */
static int set_any_addr(struct xmip_conf_parser *p, const char *key, const char *val,
			struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, val, &out->s6_addr[12]) == 1) {
		out->s6_addr[10] = out->s6_addr[11] = 0xff;
		return 0;
	}
	if (inet_pton(AF_INET6, val, out) == 1)
		return 0;
	return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not an IPv4 or IPv6 address",
			      key, val);
}

static int set_port(struct xmip_conf_parser *p, const char *key, const char *val, uint16_t *out)
{
	uint32_t v;

	if (xmip_conf_u32(p, key, val, 1, 65535, &v))
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static int set_psk(struct xmip_conf_parser *p, const char *key, const char *val, uint8_t *out,
		   size_t *len)
{
	if (xmip_conf_hex(p, key, val, out, XMIP_NTM_CONF_KEY, len))
		return -1;
	if (*len < KEY_MIN)
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: %zu octets is too short (at least %d; 32 random octets "
				      "recommended)", key, *len, KEY_MIN);
	return 0;
}

static int set_path(struct xmip_conf_parser *p, const char *key, const char *val, char *out)
{
	if (val[0] != '/' || strlen(val) >= XMIP_NTM_CONF_PATH)
		return xmip_conf_fail(p, xmip_conf_cur_line(p),
				      "%s: expected an absolute path shorter than %d characters", key,
				      XMIP_NTM_CONF_PATH);
	strcpy(out, val);
	return 0;
}

static struct xmip_ntm_conf *N(void *t)
{
	return &((struct xmip_conf *)t)->ntm;
}

/* ---- keys both roles have ---- */

static int set_port_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_port(p, key, val, &N(t)->port);
}

static int set_replay_window(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 1, 3600, &N(t)->replay_window_s);
}

static int set_dump_file(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_path(p, key, val, N(t)->dump_file);
}

/* ---- [dc] ---- */

static int set_dc_name(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_name(p, key, val, N(t)->name);
}

static int set_vip4_pool(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf *n = N(t);
	char addr[INET_ADDRSTRLEN + 1];
	const char *slash = strchr(val, '/');
	uint32_t plen;

	if (!slash || (size_t)(slash - val) >= sizeof(addr))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: expected an IPv4 prefix "
				      "such as 10.200.0.0/16", key);
	memcpy(addr, val, (size_t)(slash - val));
	addr[slash - val] = '\0';
	if (inet_pton(AF_INET, addr, n->vip4) != 1)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not an IPv4 address",
				      key, addr);
	if (xmip_conf_u32(p, key, slash + 1, 8, 30, &plen))
		return -1;
	n->vip4_plen = (uint8_t)plen;
	for (unsigned b = plen; b < 32; b++)
		if (n->vip4[b / 8] & (0x80 >> (b % 8)))
			return xmip_conf_fail(p, xmip_conf_cur_line(p),
					      "%s: host bits set in %s (did you mean the network?)",
					      key, val);
	return 0;
}

static int set_vip6_pool(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf *n = N(t);

	if (xmip_conf_prefix6(p, key, val, &n->vip6, &n->vip6_plen))
		return -1;
	if (n->vip6_plen < 48 || n->vip6_plen > 124)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: prefix length must be 48-124",
				      key);
	return 0;
}

static int set_keepalive(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 5, 3600, &N(t)->keepalive_s);
}

static int set_max_lifetime(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 30, 86400, &N(t)->max_lifetime_s);
}

static int set_path_lifetime(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 30, 86400, &N(t)->path_lifetime_s);
}

static int set_dns_server(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	N(t)->has_dns_server = true;
	return set_any_addr(p, key, val, &N(t)->dns_server);
}

static int set_dns_port(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_port(p, key, val, &N(t)->dns_port);
}

static int set_state_file(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_path(p, key, val, N(t)->state_file);
}

static const struct xmip_conf_key dc_keys[] = {
	{ "name",          DC, DC, false, set_dc_name },
	{ "port",          DC, 0,  false, set_port_key },
	{ "vip4-pool",     DC, DC, false, set_vip4_pool },
	{ "vip6-pool",     DC, DC, false, set_vip6_pool },
	{ "keepalive",     DC, 0,  false, set_keepalive },
	{ "max-lifetime",  DC, 0,  false, set_max_lifetime },
	{ "path-lifetime", DC, 0,  false, set_path_lifetime },
	{ "replay-window", DC, 0,  false, set_replay_window },
	{ "dns-server",    DC, 0,  false, set_dns_server },
	{ "dns-port",      DC, 0,  false, set_dns_port },
	{ "state-file",    DC, 0,  false, set_state_file },
	{ "dump-file",     DC, 0,  false, set_dump_file },
};

static void ntm_defaults(struct xmip_conf *c)
{
	struct xmip_ntm_conf *n = &c->ntm;

	n->replay_window_s = 30;
	n->keepalive_s = 20;
	n->max_lifetime_s = 3600;
	n->path_lifetime_s = 3600;
	n->dns_port = 53;
	n->dc_port = 49600;
	n->lifetime_s = 600;
	strcpy(n->vif, "ntm0");   /* XMIP_NTM_VIF_DEFAULT */
}

/* A node's name is inside the DC's domain, and not the domain itself. */
static bool in_domain(const char *fqdn, const char *domain)
{
	size_t a = strlen(fqdn), b = strlen(domain);

	return a > b + 1 && fqdn[a - b - 1] == '.' && strcmp(fqdn + a - b, domain) == 0;
}

static int dc_finish(struct xmip_conf_parser *p, struct xmip_conf *c)
{
	struct xmip_ntm_conf *n = &c->ntm;

	if (c->role == XMIP_ROLE_DC) {
		if (!n->port)
			n->port = 49600;
		if (!n->state_file[0])
			snprintf(n->state_file, sizeof(n->state_file), "/var/lib/xmip/%s.state",
				 c->instance);
		for (size_t i = 0; i < n->n_nodes; i++)
			if (!in_domain(n->nodes[i].name, n->name))
				return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_ntm_node, i),
						      "[node %s]: not a name inside the DC's domain '%s'",
						      n->nodes[i].name, n->name);
		for (size_t i = 0; i < n->n_peer_dcs; i++)
			if (strcmp(n->peer_dcs[i].name, n->name) == 0)
				return xmip_conf_fail(p, xmip_conf_section_line(p, &xmip_conf_peer_dc, i),
						      "[peer-dc %s]: that is this DC's own name",
						      n->peer_dcs[i].name);
	}
	if (c->role == XMIP_ROLE_NTM) {
		if (!n->port)
			n->port = 49601;
		if (!in_domain(n->fqdn, n->dc_name))
			return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_ntm, 0, "fqdn"),
					      "fqdn '%s' is not inside dc-name '%s'", n->fqdn, n->dc_name);
	}
	return 0;
}

const struct xmip_conf_section xmip_conf_dc = {
	.name     = "dc",
	.roles    = DC,
	.keys     = dc_keys,
	.n_keys   = sizeof(dc_keys) / sizeof(dc_keys[0]),
	.defaults = ntm_defaults,
	.finish   = dc_finish,
};

/* ---- [node FQDN] and [peer-dc DOMAIN]: a name and its key ---- */

static int peer_open(struct xmip_conf_parser *p, const char *sec, const char *arg,
		     struct xmip_ntm_conf_peer **arr, size_t *count, size_t n)
{
	int line = xmip_conf_cur_line(p);
	struct xmip_ntm_conf_peer *a;

	if (!xmip_conf_ntm_name_ok(arg))
		return xmip_conf_fail(p, line, "[%s %s]: not a valid name (lower-case letters, "
				      "digits, '-' and '.', no trailing dot)", sec, arg);
	for (size_t i = 0; i < *count; i++)
		if (strcmp((*arr)[i].name, arg) == 0)
			return xmip_conf_fail(p, line, "[%s %s]: section is already defined", sec, arg);
	a = realloc(*arr, (n + 1) * sizeof(*a));
	if (!a)
		return xmip_conf_fail(p, line, "out of memory");
	*arr = a;
	memset(&a[n], 0, sizeof(a[n]));
	strcpy(a[n].name, arg);
	*count = n + 1;
	return 0;
}

static int set_peer_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf_peer *e = t;

	return set_psk(p, key, val, e->key, &e->key_len);
}

static const struct xmip_conf_key peer_keys[] = {
	{ "key", DC, DC, false, set_peer_key },
};

static int node_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *arg, size_t n)
{
	return peer_open(p, "node", arg, &c->ntm.nodes, &c->ntm.n_nodes, n);
}

static void *node_target(struct xmip_conf *c, size_t n)
{
	return &c->ntm.nodes[n];
}

static void node_free(struct xmip_conf *c)
{
	free(c->ntm.nodes);
	c->ntm.nodes = NULL;
	c->ntm.n_nodes = 0;
}

const struct xmip_conf_section xmip_conf_ntm_node = {
	.name     = "node",
	.arg_name = "FQDN",
	.roles    = DC,
	.keys     = peer_keys,
	.n_keys   = sizeof(peer_keys) / sizeof(peer_keys[0]),
	.open     = node_open,
	.target   = node_target,
	.free     = node_free,
};

static int peer_dc_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *arg, size_t n)
{
	return peer_open(p, "peer-dc", arg, &c->ntm.peer_dcs, &c->ntm.n_peer_dcs, n);
}

static void *peer_dc_target(struct xmip_conf *c, size_t n)
{
	return &c->ntm.peer_dcs[n];
}

static void peer_dc_free(struct xmip_conf *c)
{
	free(c->ntm.peer_dcs);
	c->ntm.peer_dcs = NULL;
	c->ntm.n_peer_dcs = 0;
}

const struct xmip_conf_section xmip_conf_peer_dc = {
	.name     = "peer-dc",
	.arg_name = "DOMAIN",
	.roles    = DC,
	.keys     = peer_keys,
	.n_keys   = sizeof(peer_keys) / sizeof(peer_keys[0]),
	.open     = peer_dc_open,
	.target   = peer_dc_target,
	.free     = peer_dc_free,
};

/* ---- [relay NAME] ---- */

static int set_relay_address(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_any_addr(p, key, val, &((struct xmip_ntm_conf_relay *)t)->addr);
}

static int set_relay_port(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_port(p, key, val, &((struct xmip_ntm_conf_relay *)t)->port);
}

static int set_relay_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf_relay *r = t;

	return set_psk(p, key, val, r->key, &r->key_len);
}

static int set_relay_modes(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf_relay *r = t;
	char buf[128], *save = NULL, *w;

	if (strlen(val) >= sizeof(buf))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: too long", key);
	strcpy(buf, val);
	r->modes = 0;
	for (w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		if (strcmp(w, "rs-s") == 0)
			r->modes |= XMIP_NTM_RELAY_RS_S;
		else if (strcmp(w, "rs-n") == 0)
			r->modes |= XMIP_NTM_RELAY_RS_N;
		else
			return xmip_conf_fail(p, xmip_conf_cur_line(p),
					      "%s: '%s' is not rs-s or rs-n", key, w);
	}
	return 0;
}

static const struct xmip_conf_key relay_keys[] = {
	{ "address", DC, DC, false, set_relay_address },
	{ "port",    DC, 0,  false, set_relay_port },
	{ "key",     DC, DC, false, set_relay_key },
	{ "modes",   DC, 0,  false, set_relay_modes },
};

static int relay_open(struct xmip_conf_parser *p, struct xmip_conf *c, const char *arg, size_t n)
{
	int line = xmip_conf_cur_line(p);
	struct xmip_ntm_conf_relay *a;

	if (!xmip_conf_ntm_name_ok(arg))
		return xmip_conf_fail(p, line, "[relay %s]: not a valid name", arg);
	for (size_t i = 0; i < c->ntm.n_relays; i++)
		if (strcmp(c->ntm.relays[i].name, arg) == 0)
			return xmip_conf_fail(p, line, "[relay %s]: section is already defined", arg);
	a = realloc(c->ntm.relays, (n + 1) * sizeof(*a));
	if (!a)
		return xmip_conf_fail(p, line, "out of memory");
	c->ntm.relays = a;
	memset(&a[n], 0, sizeof(a[n]));
	strcpy(a[n].name, arg);
	a[n].port = 49602;
	a[n].modes = XMIP_NTM_RELAY_RS_S | XMIP_NTM_RELAY_RS_N;
	c->ntm.n_relays = n + 1;
	return 0;
}

static void *relay_target(struct xmip_conf *c, size_t n)
{
	return &c->ntm.relays[n];
}

static int relay_close(struct xmip_conf_parser *p, struct xmip_conf *c, size_t n)
{
	if (!c->ntm.relays[n].modes)
		return xmip_conf_fail(p, xmip_conf_key_line(p, &xmip_conf_relay, n, "modes"),
				      "[relay %s]: modes is empty", c->ntm.relays[n].name);
	return 0;
}

static void relay_free(struct xmip_conf *c)
{
	free(c->ntm.relays);
	c->ntm.relays = NULL;
	c->ntm.n_relays = 0;
}

const struct xmip_conf_section xmip_conf_relay = {
	.name     = "relay",
	.arg_name = "NAME",
	.roles    = DC,
	.keys     = relay_keys,
	.n_keys   = sizeof(relay_keys) / sizeof(relay_keys[0]),
	.open     = relay_open,
	.target   = relay_target,
	.close    = relay_close,
	.free     = relay_free,
};

/* ---- [ntm]: an NTM node ---- */

static int set_fqdn(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_name(p, key, val, N(t)->fqdn);
}

static int set_node_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_psk(p, key, val, N(t)->key, &N(t)->key_len);
}

static int set_dc(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_any_addr(p, key, val, &N(t)->dc);
}

static int set_dc_name_key(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_name(p, key, val, N(t)->dc_name);
}

static int set_dc_port(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return set_port(p, key, val, &N(t)->dc_port);
}

static int set_lifetime(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	return xmip_conf_u32(p, key, val, 30, 86400, &N(t)->lifetime_s);
}

static int set_unreachable(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	if (strcmp(val, "yes") == 0)
		N(t)->unreachable = true;
	else if (strcmp(val, "no") == 0)
		N(t)->unreachable = false;
	else
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not yes or no", key, val);
	return 0;
}

static int set_connect(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	struct xmip_ntm_conf *n = N(t);

	if (n->n_connect == XMIP_NTM_CONF_CONNECT)
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: more than %d", key,
				      XMIP_NTM_CONF_CONNECT);
	return set_name(p, key, val, n->connect[n->n_connect++]);
}

/* The node datapath's virtual interface: an interface name of at most 14
 * octets (its veth peer is the name with "p" appended, IFNAMSIZ 16). */
static int set_vif(struct xmip_conf_parser *p, void *t, const char *key, const char *val)
{
	size_t n = strlen(val);

	if (n == 0 || n > 14 || strpbrk(val, "/: \t"))
		return xmip_conf_fail(p, xmip_conf_cur_line(p), "%s: '%s' is not a valid interface "
				      "name", key, val);
	strcpy(N(t)->vif, val);
	return 0;
}

static const struct xmip_conf_key ntm_keys[] = {
	{ "fqdn",          NTM, NTM, false, set_fqdn },
	{ "key",           NTM, NTM, false, set_node_key },
	{ "dc",            NTM, NTM, false, set_dc },
	{ "dc-name",       NTM, NTM, false, set_dc_name_key },
	{ "dc-port",       NTM, 0,   false, set_dc_port },
	{ "port",          NTM, 0,   false, set_port_key },
	{ "lifetime",      NTM, 0,   false, set_lifetime },
	{ "unreachable",   NTM, 0,   false, set_unreachable },
	{ "replay-window", NTM, 0,   false, set_replay_window },
	{ "connect",       NTM, 0,   true,  set_connect },
	{ "dump-file",     NTM, 0,   false, set_dump_file },
	{ "vif",           NTM, 0,   false, set_vif },
};

const struct xmip_conf_section xmip_conf_ntm = {
	.name     = "ntm",
	.roles    = NTM,
	.keys     = ntm_keys,
	.n_keys   = sizeof(ntm_keys) / sizeof(ntm_keys[0]),
};
