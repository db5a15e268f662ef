/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * How a section of the configuration file and its keys are registered
 * (conf_sections.c lists them). The reader (config.c) owns the syntax,
 * repeats, roles, required keys and error messages ("file:line: ...");
 * a section owns its keys' values and its own cross-checks.
 *
 * Adding a family's section: lib/conf_<family>.c with its keys and a
 * `const struct xmip_conf_section`, one line in conf_sections.c, and its
 * fields in struct xmip_conf. Only data and value checks live here: the
 * CLI links this too, and carries no protocol code.
 */
#ifndef XMIP_CONF_SECTION_H
#define XMIP_CONF_SECTION_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define XMIP_CONF_SECTION_MAX_KEYS 32

struct xmip_conf_parser;

struct xmip_conf_key {
	const char *name;
	uint32_t    roles;       /* XMIP_ROLE_BIT(): the roles it is valid for */
	uint32_t    required;    /* roles that must set it; in a [name ARG] section, any non-zero
				  * value means every such section must */
	bool        repeatable;  /* interface = ... may appear several times */
	/* Store val (never empty) into target (see section.target); 0 or xmip_conf_fail(). */
	int (*set)(struct xmip_conf_parser *p, void *target, const char *key, const char *val);
};

struct xmip_conf_section {
	const char *name;        /* "mip6" for [mip6]; "" for the instance's keys, before any header */
	const char *arg_name;    /* "NAI" for [mn NAI] (one section per NAI); NULL: no argument */
	bool        flat;        /* its keys are also valid before the first header, as in files
				  * written before sections existed */
	uint32_t    roles;       /* roles that may have the section */
	const struct xmip_conf_key *keys;
	size_t      n_keys;

	void (*defaults)(struct xmip_conf *c);                      /* optional */
	/* [name ARG]: create entry n for arg (checking arg). 0 or xmip_conf_fail(). */
	int  (*open)(struct xmip_conf_parser *p, struct xmip_conf *c, const char *arg, size_t n);
	/* Where the keys of entry n go; NULL: the struct xmip_conf itself. */
	void *(*target)(struct xmip_conf *c, size_t n);
	/* Optional: checks that need all of [name ARG] entry n, when it ends. */
	int  (*close)(struct xmip_conf_parser *p, struct xmip_conf *c, size_t n);
	/* Optional: checks once the whole file is read and valid key by key. */
	int  (*finish)(struct xmip_conf_parser *p, struct xmip_conf *c);
	void (*free)(struct xmip_conf *c);                          /* optional */
};

/* Every section, in the order their defaults, checks and free run (conf_sections.c). */
extern const struct xmip_conf_section *const xmip_conf_sections[];
extern const size_t xmip_conf_n_sections;

/* The sections there are. */
extern const struct xmip_conf_section xmip_conf_instance;  /* conf_instance.c */
extern const struct xmip_conf_section xmip_conf_mip6;      /* conf_mip6.c: [mip6] */
extern const struct xmip_conf_section xmip_conf_mn;        /* conf_mip6.c: [mn NAI] */
/* conf_ntm.c: [dc], [node FQDN], [peer-dc DOMAIN], [relay NAME] (role dc); [ntm] (role ntm) */
extern const struct xmip_conf_section xmip_conf_dc, xmip_conf_ntm_node, xmip_conf_peer_dc,
	xmip_conf_relay, xmip_conf_ntm;
extern const struct xmip_conf_section xmip_conf_agent;     /* conf_agent.c: [agent] */
/* conf_rs.c: [rs], [rs-dc NAME] (role rs) */
extern const struct xmip_conf_section xmip_conf_rs, xmip_conf_rs_dc;

/* conf_mip4.c: [mip4] (roles ha, fa, mn4), [mip4-mn ID] (ha, fa), [mip4-peer ADDRESS] */
extern const struct xmip_conf_section xmip_conf_mip4, xmip_conf_mip4_mn, xmip_conf_mip4_peer;
extern const struct xmip_conf_section xmip_conf_dsmip;     /* conf_dsmip.c: [dsmip] */
/* conf_dsmip.c: the [mn NAI] key ipv4-home-address */
int xmip_conf_set_mn_ipv4_hoa(struct xmip_conf_parser *p, void *t, const char *key,
			      const char *val);
extern const struct xmip_conf_section xmip_conf_ro;        /* conf_ro.c: [ro] (role cn) */

/* The reader's side, for a section's hooks and setters. */
int  xmip_conf_fail(struct xmip_conf_parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));                 /* always -1 */
int  xmip_conf_cur_line(const struct xmip_conf_parser *p);     /* the line being read */
/* A risky but valid value (reported by `xmip check` only). key may be NULL. */
void xmip_conf_warn(struct xmip_conf_parser *p, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The warnings about risky values, once the file is valid (conf_lint.c). */
void xmip_conf_lint(struct xmip_conf_parser *p, const struct xmip_conf *c);
/* Line of [name ARG] entry n's header, or of key in it (n = 0 for other sections); 0: absent. */
int  xmip_conf_section_line(const struct xmip_conf_parser *p, const struct xmip_conf_section *s,
			    size_t n);
int  xmip_conf_key_line(const struct xmip_conf_parser *p, const struct xmip_conf_section *s,
			size_t n, const char *key);
/* "ha", "mn"; "ha or mn" for a mask. */
const char *xmip_conf_role_name(int role);
const char *xmip_conf_roles_text(uint32_t roles, char *buf, size_t len);
/* Parse a role name; 0 (XMIP_ROLE_NONE) if unknown. */
int  xmip_conf_role_parse(const char *name);

/* Values, each reporting "key: what is wrong" on the current line. */
int  xmip_conf_u32(struct xmip_conf_parser *p, const char *key, const char *val,
		   uint32_t min, uint32_t max, uint32_t *out);
int  xmip_conf_addr6(struct xmip_conf_parser *p, const char *key, const char *val,
		     struct in6_addr *out);
int  xmip_conf_prefix6(struct xmip_conf_parser *p, const char *key, const char *val,
		       struct in6_addr *out, uint8_t *plen);
int  xmip_conf_hex(struct xmip_conf_parser *p, const char *key, const char *val,
		   uint8_t *out, size_t cap, size_t *out_len);
/* yes/no (also true/false, 1/0). */
int  xmip_conf_bool(struct xmip_conf_parser *p, const char *key, const char *val, bool *out);

#endif /* XMIP_CONF_SECTION_H */
