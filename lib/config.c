// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reader of the configuration file shared by `xmip` and `xmip-agentd`
 * (format in docs/DESIGN.md): lines, section headers, which keys each
 * section registered (conf_section.h), repeats, roles and required keys.
 * Strict on purpose: a typo in a security or addressing key must stop the
 * operator, not silently fall back to a default.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_section.h"

#define CONF_MAX_FILE   (1024 * 1024)
#define CONF_MAX_LINE   1024

/* One section as the file uses it: [mip6], one [mn NAI], or flat keys of a section. */
struct sec_use {
	const struct xmip_conf_section *sec;
	size_t entry;                            /* [name ARG]: its index; else 0 */
	int    line;                             /* header line; 0: flat keys only */
	char  *arg;                              /* [name ARG]: ARG */
	int    seen[XMIP_CONF_SECTION_MAX_KEYS]; /* line each key was set at, 0: not */
};

struct xmip_conf_parser {
	const char       *path;
	char             *err;
	size_t            errlen;
	struct xmip_conf *conf;
	int               line;
	struct sec_use   *uses;
	size_t            n_uses;
	long              cur;                   /* uses[] of the current header; -1: none yet */
	/* xmip_conf_check: every diagnostic goes to diag, and reading goes on after an error. */
	xmip_conf_diag_cb diag;
	void             *diag_arg;
	int               n_errors;
	const char       *cur_key;               /* the key of the line being read */
	bool              skip;                  /* after a bad header: its keys are not read */
};

static const struct {
	const char *name;
	int         role;
} roles[] = {
	{ "ha", XMIP_ROLE_HA },
	{ "mn", XMIP_ROLE_MN },
	{ "dc", XMIP_ROLE_DC },
	{ "ntm", XMIP_ROLE_NTM },
	{ "fa", XMIP_ROLE_FA },
	{ "mn4", XMIP_ROLE_MN4 },
	{ "rs", XMIP_ROLE_RS },
	{ "cn", XMIP_ROLE_CN },
};

int xmip_conf_fail(struct xmip_conf_parser *p, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen && (!p->n_errors || !p->err[0]))
		snprintf(p->err, p->errlen, "%s:%d: %s", p->path, line, msg);
	p->n_errors++;
	if (p->diag)
		p->diag(&(struct xmip_conf_diag){ .severity = XMIP_CONF_ERROR, .path = p->path,
						  .line = line, .key = p->cur_key, .msg = msg },
			p->diag_arg);
	return -1;
}

void xmip_conf_warn(struct xmip_conf_parser *p, int line, const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!p->diag)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->diag(&(struct xmip_conf_diag){ .severity = XMIP_CONF_WARNING, .path = p->path,
					  .line = line, .key = key, .msg = msg }, p->diag_arg);
}

int xmip_conf_cur_line(const struct xmip_conf_parser *p)
{
	return p->line;
}

const char *xmip_conf_role_name(int role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "none";
}

int xmip_conf_role_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].role;
	return XMIP_ROLE_NONE;
}

const char *xmip_conf_roles_text(uint32_t mask, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (mask & XMIP_ROLE_BIT(roles[i].role))
			at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s",
					       at ? " or " : "", roles[i].name);
	return buf;
}

static size_t section_index(const struct xmip_conf_section *s)
{
	size_t i = 0;

	while (i < xmip_conf_n_sections && xmip_conf_sections[i] != s)
		i++;
	return i;
}

static struct sec_use *find_use(const struct xmip_conf_parser *p,
				const struct xmip_conf_section *s, size_t entry)
{
	for (size_t i = 0; i < p->n_uses; i++)
		if (p->uses[i].sec == s && p->uses[i].entry == entry)
			return &p->uses[i];
	return NULL;
}

static struct sec_use *add_use(struct xmip_conf_parser *p, const struct xmip_conf_section *s,
			       size_t entry, int line)
{
	struct sec_use *u = realloc(p->uses, (p->n_uses + 1) * sizeof(*u));

	if (!u) {
		xmip_conf_fail(p, p->line, "out of memory");
		return NULL;
	}
	p->uses = u;
	u = &p->uses[p->n_uses++];
	memset(u, 0, sizeof(*u));
	u->sec = s;
	u->entry = entry;
	u->line = line;
	p->conf->sections |= 1u << section_index(s);
	return u;
}

int xmip_conf_section_line(const struct xmip_conf_parser *p, const struct xmip_conf_section *s,
			   size_t n)
{
	const struct sec_use *u = find_use(p, s, n);

	return u ? u->line : 0;
}

static int key_index(const struct xmip_conf_section *s, const char *name)
{
	for (size_t i = 0; i < s->n_keys; i++)
		if (strcmp(s->keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

int xmip_conf_key_line(const struct xmip_conf_parser *p, const struct xmip_conf_section *s,
		       size_t n, const char *key)
{
	const struct sec_use *u = find_use(p, s, n);
	int k = key_index(s, key);

	return u && k >= 0 ? u->seen[k] : 0;
}

/* "[mip6]" or "[mn mn1@example.org]". */
static const char *use_label(const struct sec_use *u, char *buf, size_t len)
{
	snprintf(buf, len, "[%s%s%s]", u->sec->name, u->arg ? " " : "", u->arg ? u->arg : "");
	return buf;
}

/* The checks that need a whole [name ARG] section: its required keys, then its own. */
static int close_section(struct xmip_conf_parser *p)
{
	const struct sec_use *u;
	char label[300];

	if (p->cur < 0)
		return 0;
	u = &p->uses[p->cur];
	p->cur = -1;
	if (!u->sec->arg_name)
		return 0;
	for (size_t k = 0; k < u->sec->n_keys; k++)
		if (u->sec->keys[k].required && !u->seen[k])
			return xmip_conf_fail(p, u->line, "%s: missing required key '%s'",
					      use_label(u, label, sizeof(label)),
					      u->sec->keys[k].name);
	return u->sec->close ? u->sec->close(p, p->conf, u->entry) : 0;
}

static const struct xmip_conf_section *find_section(const char *name)
{
	for (size_t i = 0; i < xmip_conf_n_sections; i++)
		if (xmip_conf_sections[i]->name[0] && strcmp(xmip_conf_sections[i]->name, name) == 0)
			return xmip_conf_sections[i];
	return NULL;
}

static int section_roles_ok(struct xmip_conf_parser *p, const struct xmip_conf_section *s,
			    int line)
{
	char want[32];

	if (p->conf->role == XMIP_ROLE_NONE || (s->roles & XMIP_ROLE_BIT(p->conf->role)))
		return 0;
	return xmip_conf_fail(p, line, "[%s] sections are only valid with role = %s", s->name,
			      xmip_conf_roles_text(s->roles, want, sizeof(want)));
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

static int start_section(struct xmip_conf_parser *p, char *hdr)
{
	const struct xmip_conf_section *s;
	size_t n = strlen(hdr), entry = 0;
	struct sec_use *u;
	char *name, *arg;

	if (n < 2 || hdr[n - 1] != ']')
		return xmip_conf_fail(p, p->line, "section header must end with ']'");
	hdr[n - 1] = '\0';
	name = trim(hdr + 1);
	arg = name + strcspn(name, " \t");
	if (*arg)
		*arg++ = '\0';
	arg = trim(arg);
	s = find_section(name);
	if (!s)
		return xmip_conf_fail(p, p->line, "unknown section '[%s%s%s]'", name,
				      *arg ? " " : "", arg);
	if (s->arg_name && !*arg)
		return xmip_conf_fail(p, p->line, "unknown section '[%s]': expected [%s %s]",
				      name, name, s->arg_name);
	if (!s->arg_name && *arg)
		return xmip_conf_fail(p, p->line, "section [%s] takes no argument", name);
	if ((close_section(p) && !p->diag) || section_roles_ok(p, s, p->line))
		return -1;
	if (s->arg_name) {
		while (find_use(p, s, entry))
			entry++;
		if (s->open(p, p->conf, arg, entry))
			return -1;
	} else if ((u = find_use(p, s, 0)) && u->line) {
		return xmip_conf_fail(p, p->line, "[%s]: section is already defined at line %d",
				      name, u->line);
	}
	u = find_use(p, s, entry);
	if (!u && !(u = add_use(p, s, entry, p->line)))
		return -1;
	u->line = p->line;
	if (s->arg_name && !(u->arg = strdup(arg)))
		return xmip_conf_fail(p, p->line, "out of memory");
	p->cur = u - p->uses;
	return 0;
}

/* Before any header: the instance's keys and those of the flat sections. */
static const struct xmip_conf_section *flat_key(const char *name, int *k)
{
	for (size_t i = 0; i < xmip_conf_n_sections; i++) {
		const struct xmip_conf_section *s = xmip_conf_sections[i];

		if ((!s->name[0] || s->flat) && (*k = key_index(s, name)) >= 0)
			return s;
	}
	return NULL;
}

/* A key this section does not have: say where it belongs, if anywhere. */
static int misplaced(struct xmip_conf_parser *p, const struct sec_use *u, const char *name)
{
	const struct xmip_conf_section *s = u->sec, *owner;
	char label[300], only[256] = "";
	size_t at = 0;
	int k;

	for (size_t i = 0; i < s->n_keys && at < sizeof(only); i++)
		at += (size_t)snprintf(only + at, sizeof(only) - at, "%s%s", i ? ", " : "",
				       s->keys[i].name);
	use_label(u, label, sizeof(label));
	owner = flat_key(name, &k);
	for (size_t i = 0; !owner && i < xmip_conf_n_sections; i++)
		if (key_index(xmip_conf_sections[i], name) >= 0)
			owner = xmip_conf_sections[i];
	if (!owner)
		return xmip_conf_fail(p, p->line, "unknown key '%s' in section %s", name, label);
	if (!owner->name[0])
		return xmip_conf_fail(p, p->line, "key '%s' is not valid inside %s (only %s); it "
				      "goes before the first section", name, label, only);
	return xmip_conf_fail(p, p->line, "key '%s' is not valid inside %s (only %s); it goes "
			      "in [%s%s%s]", name, label, only, owner->name,
			      owner->arg_name ? " " : "", owner->arg_name ? owner->arg_name : "");
}

static int handle_pair(struct xmip_conf_parser *p, const char *name, const char *val)
{
	const struct xmip_conf_section *s;
	const struct xmip_conf_key *key;
	struct sec_use *u;
	int k;

	if (p->cur >= 0) {
		u = &p->uses[p->cur];
		s = u->sec;
		k = key_index(s, name);
		if (k < 0)
			return misplaced(p, u, name);
	} else {
		s = flat_key(name, &k);
		if (!s)
			return xmip_conf_fail(p, p->line, "unknown key '%s'", name);
		u = find_use(p, s, 0);
		if (!u && !(u = add_use(p, s, 0, 0)))
			return -1;
	}
	key = &s->keys[k];
	if (*val == '\0')
		return xmip_conf_fail(p, p->line, "%s: missing value", name);
	if (u->seen[k] && !key->repeatable)
		return xmip_conf_fail(p, p->line, "key '%s' is repeated (first at line %d)",
				      name, u->seen[k]);
	if (!u->seen[k])
		u->seen[k] = p->line;
	return key->set(p, s->target ? s->target(p->conf, u->entry) : p->conf, name, val);
}

static int parse_line(struct xmip_conf_parser *p, char *line)
{
	char *hash = strchr(line, '#');
	char *eq, *s;
	int rc;

	if (hash)
		*hash = '\0';
	s = trim(line);
	if (*s == '\0')
		return 0;
	if (*s == '[') {
		int rc;

		p->cur_key = NULL;
		rc = start_section(p, s);
		/* Checking: the keys under a header we could not open would only add noise. */
		p->skip = rc != 0;
		if (rc)
			p->cur = -1;
		return rc;
	}
	if (p->skip)
		return 0;
	eq = strchr(s, '=');
	if (!eq)
		return xmip_conf_fail(p, p->line, "expected 'key = value', got '%s'", s);
	*eq = '\0';
	s = trim(s);
	p->cur_key = s;
	rc = handle_pair(p, s, trim(eq + 1));
	p->cur_key = NULL;
	return rc;
}

/* Keys set for a role that does not have them; the earliest is reported. */
static int check_key_roles(struct xmip_conf_parser *p)
{
	const struct xmip_conf_key *worst = NULL;
	uint32_t bit = XMIP_ROLE_BIT(p->conf->role);
	int at = 0;

	for (size_t i = 0; i < p->n_uses; i++) {
		const struct sec_use *u = &p->uses[i];

		if (u->line && section_roles_ok(p, u->sec, u->line))
			return -1;
		for (size_t k = 0; k < u->sec->n_keys; k++)
			if (u->seen[k] && !(u->sec->keys[k].roles & bit) && (!at || u->seen[k] < at)) {
				at = u->seen[k];
				worst = &u->sec->keys[k];
			}
	}
	if (worst)
		return xmip_conf_fail(p, at, "key '%s' is not valid for role %s", worst->name,
				      xmip_conf_role_name(p->conf->role));
	return 0;
}

/* Keys the role needs from sections without an argument, in registration order. */
static int check_required(struct xmip_conf_parser *p)
{
	uint32_t bit = XMIP_ROLE_BIT(p->conf->role);

	for (size_t i = 0; i < xmip_conf_n_sections; i++) {
		const struct xmip_conf_section *s = xmip_conf_sections[i];
		const struct sec_use *u = find_use(p, s, 0);

		if (s->arg_name)
			continue;
		for (size_t k = 0; k < s->n_keys; k++)
			if ((s->keys[k].required & bit) && !(u && u->seen[k]))
				return xmip_conf_fail(p, p->line,
						      "missing required key '%s' for role %s",
						      s->keys[k].name,
						      xmip_conf_role_name(p->conf->role));
	}
	return 0;
}

/* Role-dependent checks once the whole file is read. */
static int finish(struct xmip_conf_parser *p)
{
	char known[32];

	if (p->diag) {
		/* Checking: cross-checks only over lines that are all valid (else they echo the errors). */
		close_section(p);
		if (p->n_errors)
			return -1;
	}
	if (p->conf->role == XMIP_ROLE_NONE)
		return xmip_conf_fail(p, p->line, "missing required key 'role' (%s)",
				      xmip_conf_roles_text(~0u, known, sizeof(known)));
	if (close_section(p) || check_key_roles(p) || check_required(p))
		return -1;
	for (size_t i = 0; i < xmip_conf_n_sections; i++)
		if (xmip_conf_sections[i]->finish && xmip_conf_sections[i]->finish(p, p->conf))
			return -1;
	return 0;
}

static int parse(const char *path, const char *buf, size_t len, struct xmip_conf *out,
		 char *err, size_t errlen, xmip_conf_diag_cb diag, void *diag_arg)
{
	struct xmip_conf_parser p = {
		.path = path, .err = err, .errlen = errlen, .conf = out, .cur = -1,
		.diag = diag, .diag_arg = diag_arg,
	};
	char line[CONF_MAX_LINE + 1];
	size_t pos = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < xmip_conf_n_sections; i++)
		if (xmip_conf_sections[i]->defaults)
			xmip_conf_sections[i]->defaults(out);
	if (err && errlen)
		err[0] = '\0';

	while (pos < len && rc == 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		p.line++;
		if (n > CONF_MAX_LINE) {
			rc = xmip_conf_fail(&p, p.line, "line longer than %d characters",
					    CONF_MAX_LINE);
			break;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		if (memchr(line, '\0', n)) {
			rc = xmip_conf_fail(&p, p.line, "NUL character in the file");
			break;
		}
		pos += n + (nl ? 1 : 0);
		rc = parse_line(&p, line);
		if (diag)
			rc = 0;     /* reported; read on */
	}
	if (rc == 0)
		rc = finish(&p);
	if (diag && rc == 0 && p.n_errors == 0)
		xmip_conf_lint(&p, out);
	if (diag && p.n_errors)
		rc = -1;
	for (size_t i = 0; i < p.n_uses; i++)
		free(p.uses[i].arg);
	free(p.uses);
	if (rc)
		xmip_conf_free(out);
	return rc;
}

int xmip_conf_parse(const char *path, const char *buf, size_t len,
		    struct xmip_conf *out, char *err, size_t errlen)
{
	return parse(path, buf, len, out, err, errlen, NULL, NULL);
}

struct counted {
	xmip_conf_diag_cb cb;
	void *arg;
	int   errors;
};

static void count_diag(const struct xmip_conf_diag *d, void *arg)
{
	struct counted *c = arg;

	c->errors += d->severity == XMIP_CONF_ERROR;
	c->cb(d, c->arg);
}

int xmip_conf_check_buf(const char *path, const char *buf, size_t len, xmip_conf_diag_cb cb,
			void *arg)
{
	struct counted c = { .cb = cb, .arg = arg };
	struct xmip_conf conf;

	if (parse(path, buf, len, &conf, NULL, 0, count_diag, &c) == 0)
		xmip_conf_free(&conf);
	return c.errors;
}

/* The whole file (at most CONF_MAX_FILE) into a new buffer; NULL and err on failure. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(CONF_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	n = fread(buf, 1, CONF_MAX_FILE + 1, f);
	if (ferror(f) || n > CONF_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path,
			 ferror(f) ? "read error" : "file larger than 1 MiB");
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int xmip_conf_check(const char *path, xmip_conf_diag_cb cb, void *arg, char *err, size_t errlen)
{
	size_t n;
	char *buf = read_file(path, &n, err, errlen);
	int rc;

	if (!buf)
		return -1;
	rc = xmip_conf_check_buf(path, buf, n, cb, arg);
	free(buf);
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
	for (size_t i = 0; i < xmip_conf_n_sections; i++)
		if (xmip_conf_sections[i]->free)
			xmip_conf_sections[i]->free(conf);
}

bool xmip_conf_has_section(const struct xmip_conf *conf, const char *name)
{
	for (size_t i = 0; i < xmip_conf_n_sections; i++)
		if (strcmp(xmip_conf_sections[i]->name, name) == 0)
			return conf->sections & (1u << i);
	return false;
}
