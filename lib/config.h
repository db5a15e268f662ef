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
#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_mip4.h"
#include "conf_dsmip.h"
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
	XMIP_XDP_AUTO = 0,     /* native; then HA: tc, MN: generic, with a log line */
	XMIP_XDP_NATIVE,
	XMIP_XDP_GENERIC,      /* MN only: generic XDP cannot carry the HA's GRO'd packets */
	XMIP_XDP_TC,           /* HA only: tc ingress and egress, no XDP */
};

#define XMIP_CONF_MAX_MNP     8     /* mobile network prefixes per mobile router */
#define XMIP_CONF_MAX_PEER_HA 8     /* other home agents a DHAAD reply lists */

/* One mobile network prefix (RFC 3963 §4.3); as received, plen may exceed 128. */
struct xmip_mnp {
	struct in6_addr prefix;
	uint8_t         plen;
};

/* Another home agent on the home link, for DHAAD replies (RFC 6275 §10.5). */
struct xmip_peer_ha {
	struct in6_addr addr;
	int32_t         preference;  /* Home Agent Preference (§7.4), higher first */
};

/* One mobile node the HA serves ([mn NAI] section), or the MN's own identity. */
struct xmip_mn_entry {
	char            nai[XMIP_CONF_MAX_NAI + 1];
	struct in6_addr hoa;
	uint32_t        spi;
	uint8_t         key[XMIP_CONF_MAX_KEY];
	size_t          key_len;
	bool            has_ipv4_hoa;   /* HA, [mn NAI] ipv4-home-address (RFC 5555) */
	struct in_addr  ipv4_hoa;
	/* NEMO (RFC 3963): HA, [mn NAI] mobile-network-prefix: the prefix table
	 * of §6.1.2; MN: its own mobile network prefixes. */
	struct xmip_mnp mnp[XMIP_CONF_MAX_MNP];
	uint8_t         n_mnp;
};

/* An IPv4 or IPv6 socket address (the metrics listener). */
union xmip_sockaddr {
	struct sockaddr     sa;
	struct sockaddr_in  in;
	struct sockaddr_in6 in6;
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
	uint32_t           dad_transmits;    /* DAD probes before a first registration, default 1 */
	uint32_t           dad_retrans_ms;   /* between them and after the last, default 1000 */
	struct xmip_mn_entry *mns;           /* [mn NAI] sections */
	size_t             n_mns;
	/* MN: */
	struct in6_addr    home_agent;
	uint32_t           lifetime_s;       /* requested, default 60 */
	bool               link_local_compat; /* BUs carry L (RFC 6275 §10.3.1), default no */
	struct xmip_mn_entry self;           /* nai, hoa (home-address), spi, key */
	/* NEMO (RFC 3963) and home agent discovery (RFC 6275 §10.5, §11.4): */
	bool               mobile_routers;   /* HA: serve mobile routers (R flag), default yes */
	int32_t            ha_preference;    /* HA: its own preference in DHAAD replies, default 0 */
	struct xmip_peer_ha peer_has[XMIP_CONF_MAX_PEER_HA]; /* HA: other home agents */
	uint8_t            n_peer_has;
	bool               mobile_router;    /* MN: register as a mobile router (R flag) */
	bool               nemo_explicit;    /* MN: prefixes in the BU (explicit mode), default yes */

	/* DSMIPv6 (conf_dsmip.c): [dsmip], roles ha and mn. */
	struct xmip_dsmip_conf dsmip;
	/* NTMobile (conf_ntm.c): roles dc and ntm. */
	struct xmip_ntm_conf ntm;
	/* The agent's operations keys (conf_agent.c): flat or [agent]. */
	bool               metrics_on;       /* metrics = ADDR:PORT; default off */
	union xmip_sockaddr metrics_addr;

	/* Mobile IPv4 (conf_mip4.c): [mip4] on ha, fa, mn4; [mip4-mn ID], [mip4-peer ADDRESS]. */
	struct xmip_mip4_conf mip4;
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

/* What `xmip check` reports: every error, and warnings about risky values. */
enum xmip_conf_severity {
	XMIP_CONF_ERROR,
	XMIP_CONF_WARNING,
};

struct xmip_conf_diag {
	enum xmip_conf_severity severity;
	const char *path;
	int         line;   /* 0: the file as a whole */
	const char *key;    /* the key it is about, or NULL */
	const char *msg;    /* without "path:line: " */
};

typedef void (*xmip_conf_diag_cb)(const struct xmip_conf_diag *d, void *arg);

/*
 * Check the file at path without using it: cb gets every error (each line
 * is read even after an earlier one failed; a bad section header skips its
 * keys; the checks across keys run once every line is valid) and, when the
 * file is valid, a warning for each risky value (conf_lint.c). Returns the
 * number of errors, or -1 if the file cannot be read (err says why).
 */
int xmip_conf_check(const char *path, xmip_conf_diag_cb cb, void *arg, char *err, size_t errlen);
/* The same on a buffer. */
int xmip_conf_check_buf(const char *path, const char *buf, size_t len, xmip_conf_diag_cb cb,
			void *arg);

/* Whether the file uses section name (a header, or a flat key of it). */
bool xmip_conf_has_section(const struct xmip_conf *conf, const char *name);

/* The [mn] entry with this home address, or NULL. */
const struct xmip_mn_entry *xmip_conf_find_mn(const struct xmip_conf *conf,
					       const struct in6_addr *hoa);

#endif /* XMIP_CONFIG_H */
