/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The configuration file shared by `xmip` and `xmip-agentd` (docs/DESIGN.md):
 * the instance's keys first, then sections per family ([mip6], [mn NAI]...).
 * Which keys each section has: conf_sections.c and the conf_<section>.c files.
 */
#ifndef XMIP_CONFIG_H
#define XMIP_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_ntm.h"
#include "conf_ro.h"
#include "xmip_maps.h"

#define XMIP_CONF_MAX_IFS     16
#define XMIP_CONF_MAX_KEY     64
#define XMIP_CONF_MAX_NAI     255
#define XMIP_INSTANCE_MAX     32

/* A role (enum xmip_role) as a bit of a mask. */
#define XMIP_ROLE_BIT(role)   (1u << (role))

enum xmip_xdp_mode {
	XMIP_XDP_AUTO = 0,     /* native, falling back to generic with a log line */
	XMIP_XDP_NATIVE,
	XMIP_XDP_GENERIC,
};

/* One mobile node the HA serves ([mn NAI] section), or the MN's own identity. */
struct xmip_mn_entry {
	char            nai[XMIP_CONF_MAX_NAI + 1];
	struct in6_addr hoa;
	uint32_t        spi;
	uint8_t         key[XMIP_CONF_MAX_KEY];
	size_t          key_len;
};

struct xmip_conf {
	/* The instance (conf_instance.c): what `xmip attach` sets the datapath up with. */
	enum xmip_role     role;
	char               instance[XMIP_INSTANCE_MAX];
	char               ifnames[XMIP_CONF_MAX_IFS][IF_NAMESIZE];
	int                n_ifs;
	enum xmip_xdp_mode xdp_mode;

	struct in6_addr    home_prefix;
	uint8_t            home_plen;
	uint16_t           tunnel_mtu;       /* 0: interface MTU - 40 */
	struct in6_addr    address;          /* HA, CN: its own address */
	uint32_t           max_bindings;     /* HA, CN: default XMIP_DEFAULT_MAX_BINDINGS */

	/* Mobile IPv6 (conf_mip6.c): flat keys or [mip6], and [mn NAI]. HA: */
	uint32_t           max_lifetime_s;   /* default 600 */
	uint32_t           mesg_id_window_s; /* default 7 */
	struct xmip_mn_entry *mns;           /* [mn NAI] sections */
	size_t             n_mns;
	/* MN: */
	struct in6_addr    home_agent;
	uint32_t           lifetime_s;       /* requested, default 60 */
	struct xmip_mn_entry self;           /* nai, hoa (home-address), spi, key */

	/* NTMobile (conf_ntm.c): roles dc and ntm. */
	struct xmip_ntm_conf ntm;

	/* Route optimisation (conf_ro.c): [ro], role cn. */
	struct xmip_ro_conf ro;

	uint32_t           sections;         /* bit i: xmip_conf_sections[i] is used */
};

/*
 * Parse the file at path into *out (zeroed first). On error returns -1 and
 * writes "path:line: what is wrong" into err.
 */
int xmip_conf_load(const char *path, struct xmip_conf *out, char *err, size_t errlen);
/* The same on a buffer already in memory; path only names it in messages. */
int xmip_conf_parse(const char *path, const char *buf, size_t len,
		    struct xmip_conf *out, char *err, size_t errlen);
void xmip_conf_free(struct xmip_conf *conf);

/* Whether the file uses section name (a header, or a flat key of it). */
bool xmip_conf_has_section(const struct xmip_conf *conf, const char *name);

/* The [mn] entry with this home address, or NULL. */
const struct xmip_mn_entry *xmip_conf_find_mn(const struct xmip_conf *conf,
					       const struct in6_addr *hoa);

#endif /* XMIP_CONFIG_H */
