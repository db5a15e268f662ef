// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Parser of the configuration file shared by `xmip` and `xmip-agentd`
 * (format in docs/DESIGN.md). Strict on purpose: a typo in a security or
 * addressing key must stop the operator, not silently fall back to a default.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONF_MAX_FILE   (1024 * 1024)
#define CONF_MAX_LINE   1024
#define LIFETIME_MAX_S  (65535u * 4) /* MH lifetime field: 16 bits of 4 s units */
#define SPI_RESERVED    256          /* RFC 4285: SPIs 0-255 are reserved */

/* Which role(s) accept a key, and where. */
enum key_scope {
	SCOPE_ANY,      /* both roles, global part */
	SCOPE_HA,       /* HA, global part */
	SCOPE_MN,       /* MN, global part */
	SCOPE_SECTION,  /* HA, inside [mn NAI] */
};

enum key_id {
	K_ROLE, K_INSTANCE, K_INTERFACE, K_XDP_MODE, K_HOME_PREFIX, K_TUNNEL_MTU,
	K_ADDRESS, K_MAX_LIFETIME, K_MAX_BINDINGS, K_MESG_ID_WINDOW,
	K_HOME_AGENT, K_LIFETIME, K_NAI, K_HOME_ADDRESS, K_SPI, K_KEY,
	K__MAX
};

struct key_desc {
	const char *name;
	enum key_id id;
	enum key_scope scope;
	bool repeatable;
};

/* home-address, spi and key appear both in the MN's global part and in [mn] sections. */
static const struct key_desc keys[] = {
	{ "role",           K_ROLE,           SCOPE_ANY, false },
	{ "instance",       K_INSTANCE,       SCOPE_ANY, false },
	{ "interface",      K_INTERFACE,      SCOPE_ANY, true  },
	{ "xdp-mode",       K_XDP_MODE,       SCOPE_ANY, false },
	{ "home-prefix",    K_HOME_PREFIX,    SCOPE_ANY, false },
	{ "tunnel-mtu",     K_TUNNEL_MTU,     SCOPE_ANY, false },
	{ "address",        K_ADDRESS,        SCOPE_HA,  false },
	{ "max-lifetime",   K_MAX_LIFETIME,   SCOPE_HA,  false },
	{ "max-bindings",   K_MAX_BINDINGS,   SCOPE_HA,  false },
	{ "mesg-id-window", K_MESG_ID_WINDOW, SCOPE_HA,  false },
	{ "home-agent",     K_HOME_AGENT,     SCOPE_MN,  false },
	{ "lifetime",       K_LIFETIME,       SCOPE_MN,  false },
	{ "nai",            K_NAI,            SCOPE_MN,  false },
	{ "home-address",   K_HOME_ADDRESS,   SCOPE_MN,  false },
	{ "spi",            K_SPI,            SCOPE_MN,  false },
	{ "key",            K_KEY,            SCOPE_MN,  false },
};

/* Parser state: where each key was seen, so late checks can name a line. */
struct parser {
	const char *path;
	char *err;
	size_t errlen;
	struct xmip_conf *conf;
	int line;
	int seen[K__MAX];            /* line of the global key, 0 if absent */
	int role_line;
	int first_section_line;
	/* the [mn] section being filled: its index and where its keys were */
	long cur_mn;
	int sec_line;
	int sec_seen[K__MAX];
	int *mn_lines;               /* header line of every [mn] section */
};

static int fail(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->path, line, msg);
	return -1;
}

static const struct key_desc *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int parse_u32(struct parser *p, const char *key, const char *val,
		     uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)val[0]))
		return fail(p, p->line, "%s: '%s' is not a number", key, val);
	errno = 0;
	v = strtoull(val, &end, 10);
	if (errno || *end)
		return fail(p, p->line, "%s: '%s' is not a number", key, val);
	if (v < min || v > max)
		return fail(p, p->line, "%s: %llu is out of range %u..%u", key, v, min, max);
	*out = (uint32_t)v;
	return 0;
}

static int parse_addr(struct parser *p, const char *key, const char *val, struct in6_addr *out)
{
	if (inet_pton(AF_INET6, val, out) != 1)
		return fail(p, p->line, "%s: '%s' is not an IPv6 address", key, val);
	return 0;
}

static bool prefix_contains(const struct in6_addr *pfx, unsigned plen, const struct in6_addr *a)
{
	for (unsigned bit = 0; bit < plen; bit++) {
		uint8_t mask = 0x80 >> (bit % 8);

		if ((pfx->s6_addr[bit / 8] & mask) != (a->s6_addr[bit / 8] & mask))
			return false;
	}
	return true;
}

static int parse_prefix(struct parser *p, const char *key, const char *val,
			struct in6_addr *out, uint8_t *plen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(val, '/');
	uint32_t len;
	size_t n;

	if (!slash)
		return fail(p, p->line, "%s: '%s' is not a prefix (expected ADDRESS/LENGTH)", key, val);
	n = (size_t)(slash - val);
	if (n == 0 || n >= sizeof(addr))
		return fail(p, p->line, "%s: '%s' is not a prefix (expected ADDRESS/LENGTH)", key, val);
	memcpy(addr, val, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, out) != 1)
		return fail(p, p->line, "%s: '%s' is not an IPv6 address", key, addr);
	if (parse_u32(p, key, slash + 1, 1, 128, &len))
		return -1;
	for (unsigned bit = len; bit < 128; bit++)
		if (out->s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return fail(p, p->line, "%s: '%s' has bits set after the prefix length", key, val);
	*plen = (uint8_t)len;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_key(struct parser *p, const char *val, uint8_t *out, size_t *out_len)
{
	size_t n = strlen(val);

	if (n == 0 || n % 2)
		return fail(p, p->line, "key: expected an even number of hex digits, got %zu", n);
	if (n / 2 > XMIP_CONF_MAX_KEY)
		return fail(p, p->line, "key: %zu octets is longer than the maximum of %d",
			    n / 2, XMIP_CONF_MAX_KEY);
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(val[i]), lo = hexval(val[i + 1]);

		if (hi < 0 || lo < 0)
			return fail(p, p->line, "key: '%c%c' is not hex", val[i], val[i + 1]);
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = n / 2;
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

static int parse_spi(struct parser *p, const char *val, uint32_t *out)
{
	if (parse_u32(p, "spi", val, 0, UINT32_MAX, out))
		return -1;
	if (*out < SPI_RESERVED)
		return fail(p, p->line, "spi: %u is reserved (RFC 4285: use 256 or above)", *out);
	return 0;
}

/* Values of the keys that may appear both globally (MN) and in [mn] sections. */
static int set_identity_key(struct parser *p, enum key_id id, const char *val,
			    struct xmip_mn_entry *e)
{
	switch (id) {
	case K_HOME_ADDRESS:
		return parse_addr(p, "home-address", val, &e->hoa);
	case K_SPI:
		return parse_spi(p, val, &e->spi);
	case K_KEY:
		return parse_key(p, val, e->key, &e->key_len);
	case K_NAI:
		if (strlen(val) > XMIP_CONF_MAX_NAI)
			return fail(p, p->line, "nai: longer than %d octets", XMIP_CONF_MAX_NAI);
		strcpy(e->nai, val);
		return 0;
	default:
		return fail(p, p->line, "internal: key %d is not an identity key", id);
	}
}

static int set_global(struct parser *p, enum key_id id, const char *name, const char *val)
{
	struct xmip_conf *c = p->conf;
	uint32_t v;

	switch (id) {
	case K_ROLE:
		if (strcmp(val, "ha") == 0)
			c->role = XMIP_ROLE_HA;
		else if (strcmp(val, "mn") == 0)
			c->role = XMIP_ROLE_MN;
		else
			return fail(p, p->line, "role: '%s' is not a role (ha or mn)", val);
		return 0;
	case K_INSTANCE:
		if (!valid_instance(val))
			return fail(p, p->line, "instance: '%s' must be 1-%d letters, digits, '-' or '_'",
				    val, XMIP_INSTANCE_MAX - 1);
		strcpy(c->instance, val);
		return 0;
	case K_INTERFACE:
		if (strlen(val) >= IF_NAMESIZE || strchr(val, '/'))
			return fail(p, p->line, "interface: '%s' is not a valid interface name", val);
		if (c->n_ifs == XMIP_CONF_MAX_IFS)
			return fail(p, p->line, "interface: more than %d interfaces", XMIP_CONF_MAX_IFS);
		for (int i = 0; i < c->n_ifs; i++)
			if (strcmp(c->ifnames[i], val) == 0)
				return fail(p, p->line, "interface: '%s' is listed twice", val);
		strcpy(c->ifnames[c->n_ifs++], val);
		return 0;
	case K_XDP_MODE:
		if (strcmp(val, "auto") == 0)
			c->xdp_mode = XMIP_XDP_AUTO;
		else if (strcmp(val, "native") == 0)
			c->xdp_mode = XMIP_XDP_NATIVE;
		else if (strcmp(val, "generic") == 0)
			c->xdp_mode = XMIP_XDP_GENERIC;
		else
			return fail(p, p->line, "xdp-mode: '%s' is not native, generic or auto", val);
		return 0;
	case K_HOME_PREFIX:
		return parse_prefix(p, name, val, &c->home_prefix, &c->home_plen);
	case K_TUNNEL_MTU:
		if (parse_u32(p, name, val, 1280, 65535, &v))
			return -1;
		c->tunnel_mtu = (uint16_t)v;
		return 0;
	case K_ADDRESS:
		return parse_addr(p, name, val, &c->address);
	case K_MAX_LIFETIME:
		return parse_u32(p, name, val, 4, LIFETIME_MAX_S, &c->max_lifetime_s);
	case K_MAX_BINDINGS:
		return parse_u32(p, name, val, 1, 16 * 1024 * 1024, &c->max_bindings);
	case K_MESG_ID_WINDOW:
		return parse_u32(p, name, val, 0, 3600, &c->mesg_id_window_s);
	case K_HOME_AGENT:
		return parse_addr(p, name, val, &c->home_agent);
	case K_LIFETIME:
		return parse_u32(p, name, val, 4, LIFETIME_MAX_S, &c->lifetime_s);
	case K_NAI:
	case K_HOME_ADDRESS:
	case K_SPI:
	case K_KEY:
		return set_identity_key(p, id, val, &c->self);
	default:
		return fail(p, p->line, "internal: unhandled key '%s'", name);
	}
}

/* The checks that need the whole [mn] section. */
static int finish_section(struct parser *p)
{
	static const enum key_id required[] = { K_HOME_ADDRESS, K_SPI, K_KEY };
	static const char *const names[] = { "home-address", "spi", "key" };
	const struct xmip_mn_entry *e;

	if (p->cur_mn < 0)
		return 0;
	e = &p->conf->mns[p->cur_mn];
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!p->sec_seen[required[i]])
			return fail(p, p->sec_line, "[mn %s]: missing required key '%s'",
				    e->nai, names[i]);
	for (long i = 0; i < p->cur_mn; i++) {
		if (memcmp(&p->conf->mns[i].hoa, &e->hoa, sizeof(e->hoa)) == 0)
			return fail(p, p->sec_seen[K_HOME_ADDRESS],
				    "[mn %s]: home-address is already used by [mn %s] (line %d)",
				    e->nai, p->conf->mns[i].nai, p->mn_lines[i]);
	}
	return 0;
}

static int start_section(struct parser *p, char *hdr)
{
	struct xmip_conf *c = p->conf;
	size_t n = strlen(hdr);
	struct xmip_mn_entry *mns;
	int *lines;
	char *nai;

	if (n < 2 || hdr[n - 1] != ']')
		return fail(p, p->line, "section header must end with ']'");
	hdr[n - 1] = '\0';
	if (strncmp(hdr + 1, "mn", 2) != 0 || !isspace((unsigned char)hdr[3]))
		return fail(p, p->line, "unknown section '[%s]' (only [mn NAI] exists)", hdr + 1);
	nai = hdr + 3;
	while (isspace((unsigned char)*nai))
		nai++;
	n = strlen(nai);
	while (n && isspace((unsigned char)nai[n - 1]))
		nai[--n] = '\0';
	if (n == 0 || strpbrk(nai, " \t"))
		return fail(p, p->line, "[mn NAI]: expected one NAI such as mn1@example.org");
	if (n > XMIP_CONF_MAX_NAI)
		return fail(p, p->line, "[mn %s]: NAI longer than %d octets", nai, XMIP_CONF_MAX_NAI);
	if (p->seen[K_ROLE] && c->role == XMIP_ROLE_MN)
		return fail(p, p->line, "[mn] sections are only valid with role = ha");
	if (finish_section(p))
		return -1;
	for (size_t i = 0; i < c->n_mns; i++)
		if (strcmp(c->mns[i].nai, nai) == 0)
			return fail(p, p->line, "[mn %s]: section is already defined at line %d",
				    nai, p->mn_lines[i]);

	mns = realloc(c->mns, (c->n_mns + 1) * sizeof(*mns));
	if (!mns)
		return fail(p, p->line, "out of memory");
	c->mns = mns;
	lines = realloc(p->mn_lines, (c->n_mns + 1) * sizeof(*lines));
	if (!lines)
		return fail(p, p->line, "out of memory");
	p->mn_lines = lines;
	memset(&mns[c->n_mns], 0, sizeof(mns[0]));
	strcpy(mns[c->n_mns].nai, nai);
	lines[c->n_mns] = p->line;
	p->cur_mn = (long)c->n_mns++;
	p->sec_line = p->line;
	memset(p->sec_seen, 0, sizeof(p->sec_seen));
	if (!p->first_section_line)
		p->first_section_line = p->line;
	return 0;
}

static int handle_pair(struct parser *p, char *name, char *val)
{
	const struct key_desc *k = find_key(name);

	if (!k)
		return fail(p, p->line, "unknown key '%s'", name);
	if (*val == '\0')
		return fail(p, p->line, "%s: missing value", name);
	if (p->cur_mn >= 0) {
		if (k->id != K_HOME_ADDRESS && k->id != K_SPI && k->id != K_KEY)
			return fail(p, p->line, "key '%s' is not valid inside [mn %s] "
				    "(only home-address, spi, key)", name, p->conf->mns[p->cur_mn].nai);
		if (p->sec_seen[k->id])
			return fail(p, p->line, "key '%s' is repeated (first at line %d)",
				    name, p->sec_seen[k->id]);
		p->sec_seen[k->id] = p->line;
		return set_identity_key(p, k->id, val, &p->conf->mns[p->cur_mn]);
	}
	if (p->seen[k->id] && !k->repeatable)
		return fail(p, p->line, "key '%s' is repeated (first at line %d)",
			    name, p->seen[k->id]);
	if (!p->seen[k->id])
		p->seen[k->id] = p->line;
	return set_global(p, k->id, name, val);
}

static char *trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int parse_line(struct parser *p, char *line)
{
	char *hash = strchr(line, '#');
	char *eq, *s;

	if (hash)
		*hash = '\0';
	s = trim(line);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return start_section(p, s);
	eq = strchr(s, '=');
	if (!eq)
		return fail(p, p->line, "expected 'key = value', got '%s'", s);
	*eq = '\0';
	return handle_pair(p, trim(s), trim(eq + 1));
}

/* Role-dependent checks once the whole file is read. */
static int finish(struct parser *p)
{
	struct xmip_conf *c = p->conf;
	const enum key_id *req;
	size_t n_req;
	static const enum key_id ha_req[] = { K_INSTANCE, K_INTERFACE, K_ADDRESS, K_HOME_PREFIX };
	static const enum key_id mn_req[] = { K_INSTANCE, K_INTERFACE, K_HOME_ADDRESS,
					      K_HOME_AGENT, K_HOME_PREFIX, K_NAI, K_SPI, K_KEY };

	if (!p->seen[K_ROLE])
		return fail(p, p->line, "missing required key 'role' (ha or mn)");
	if (c->role == XMIP_ROLE_MN && p->first_section_line)
		return fail(p, p->first_section_line, "[mn] sections are only valid with role = ha");
	if (finish_section(p))
		return -1;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key_desc *k = &keys[i];
		int at = p->seen[k->id];

		if (!at)
			continue;
		if ((k->scope == SCOPE_HA && c->role != XMIP_ROLE_HA) ||
		    (k->scope == SCOPE_MN && c->role != XMIP_ROLE_MN))
			return fail(p, at, "key '%s' is not valid for role %s", k->name,
				    c->role == XMIP_ROLE_HA ? "ha" : "mn");
	}
	if (c->role == XMIP_ROLE_HA) {
		req = ha_req;
		n_req = sizeof(ha_req) / sizeof(ha_req[0]);
	} else {
		req = mn_req;
		n_req = sizeof(mn_req) / sizeof(mn_req[0]);
	}
	for (size_t i = 0; i < n_req; i++) {
		if (p->seen[req[i]])
			continue;
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			if (keys[j].id == req[i])
				return fail(p, p->line, "missing required key '%s' for role %s",
					    keys[j].name, c->role == XMIP_ROLE_HA ? "ha" : "mn");
	}

	/* A home address outside the home prefix can never be defended on the home link. */
	if (c->role == XMIP_ROLE_MN &&
	    !prefix_contains(&c->home_prefix, c->home_plen, &c->self.hoa))
		return fail(p, p->seen[K_HOME_ADDRESS], "home-address is not inside home-prefix");
	if (c->role == XMIP_ROLE_HA) {
		for (size_t i = 0; i < c->n_mns; i++)
			if (!prefix_contains(&c->home_prefix, c->home_plen, &c->mns[i].hoa))
				return fail(p, p->mn_lines[i],
					    "[mn %s]: home-address is not inside home-prefix",
					    c->mns[i].nai);
	}
	return 0;
}

int xmip_conf_parse(const char *path, const char *buf, size_t len,
		    struct xmip_conf *out, char *err, size_t errlen)
{
	struct parser p = {
		.path = path, .err = err, .errlen = errlen, .conf = out, .cur_mn = -1,
	};
	char line[CONF_MAX_LINE + 1];
	size_t pos = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->xdp_mode = XMIP_XDP_AUTO;
	out->max_lifetime_s = 600;
	out->max_bindings = XMIP_DEFAULT_MAX_BINDINGS;
	out->mesg_id_window_s = 7;
	out->lifetime_s = 60;
	if (err && errlen)
		err[0] = '\0';

	while (pos < len && rc == 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		p.line++;
		if (n > CONF_MAX_LINE) {
			rc = fail(&p, p.line, "line longer than %d characters", CONF_MAX_LINE);
			break;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		if (memchr(line, '\0', n)) {
			rc = fail(&p, p.line, "NUL character in the file");
			break;
		}
		pos += n + (nl ? 1 : 0);
		rc = parse_line(&p, line);
	}
	if (rc == 0)
		rc = finish(&p);
	free(p.mn_lines);
	if (rc)
		xmip_conf_free(out);
	return rc;
}

int xmip_conf_load(const char *path, struct xmip_conf *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(CONF_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, CONF_MAX_FILE + 1, f);
	if (ferror(f) || n > CONF_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path,
			 ferror(f) ? "read error" : "file larger than 1 MiB");
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	rc = xmip_conf_parse(path, buf, n, out, err, errlen);
	free(buf);
	return rc;
}

void xmip_conf_free(struct xmip_conf *conf)
{
	free(conf->mns);
	conf->mns = NULL;
	conf->n_mns = 0;
}

const struct xmip_mn_entry *xmip_conf_find_mn(const struct xmip_conf *conf,
					       const struct in6_addr *hoa)
{
	for (size_t i = 0; i < conf->n_mns; i++)
		if (memcmp(&conf->mns[i].hoa, hoa, sizeof(*hoa)) == 0)
			return &conf->mns[i];
	return NULL;
}
