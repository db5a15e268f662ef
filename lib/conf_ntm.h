/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * NTMobile's configuration (conf_ntm.c; keys in docs/ntmobile.md section
 * 19): role dc has [dc], [node FQDN], [peer-dc DOMAIN], [relay NAME];
 * role ntm has [ntm]. Addresses are 16 octets, IPv4 as ::ffff:a.b.c.d.
 */
#ifndef XMIP_CONF_NTM_H
#define XMIP_CONF_NTM_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XMIP_NTM_CONF_NAME   254     /* 253 + NUL */
#define XMIP_NTM_CONF_KEY    64      /* pre-shared keys: 16-64 octets */
#define XMIP_NTM_CONF_PATH   256
#define XMIP_NTM_CONF_CONNECT 8

#define XMIP_NTM_RELAY_RS_S  (1u << 0)
#define XMIP_NTM_RELAY_RS_N  (1u << 1)

/* [node FQDN] and [peer-dc DOMAIN]: a name and its pre-shared key. */
struct xmip_ntm_conf_peer {
	char    name[XMIP_NTM_CONF_NAME];
	uint8_t key[XMIP_NTM_CONF_KEY];
	size_t  key_len;
};

/* [relay NAME] */
struct xmip_ntm_conf_relay {
	char            name[XMIP_NTM_CONF_NAME];
	struct in6_addr addr;
	uint16_t        port;
	uint8_t         key[XMIP_NTM_CONF_KEY];
	size_t          key_len;
	uint32_t        modes;             /* XMIP_NTM_RELAY_RS_* */
};

struct xmip_ntm_conf {
	/* both roles */
	uint16_t        port;              /* dc: 49600; ntm: 49601 */
	uint32_t        replay_window_s;   /* 30 */
	char            dump_file[XMIP_NTM_CONF_PATH];

	/* role dc: [dc] */
	char            name[XMIP_NTM_CONF_NAME];
	uint8_t         vip4[4], vip4_plen;
	struct in6_addr vip6;
	uint8_t         vip6_plen;
	uint32_t        keepalive_s;       /* 20 */
	uint32_t        max_lifetime_s;    /* 3600 */
	uint32_t        path_lifetime_s;   /* 3600 */
	bool            has_dns_server;
	struct in6_addr dns_server;
	uint16_t        dns_port;          /* 53 */
	char            state_file[XMIP_NTM_CONF_PATH];   /* default /var/lib/xmip/<instance>.state */
	struct xmip_ntm_conf_peer  *nodes;    /* [node FQDN] */
	size_t                      n_nodes;
	struct xmip_ntm_conf_peer  *peer_dcs; /* [peer-dc DOMAIN] */
	size_t                      n_peer_dcs;
	struct xmip_ntm_conf_relay *relays;   /* [relay NAME] */
	size_t                      n_relays;

	/* role ntm: [ntm] */
	char            fqdn[XMIP_NTM_CONF_NAME];
	uint8_t         key[XMIP_NTM_CONF_KEY];
	size_t          key_len;
	struct in6_addr dc;
	char            dc_name[XMIP_NTM_CONF_NAME];
	uint16_t        dc_port;           /* 49600 */
	uint32_t        lifetime_s;        /* 600 */
	bool            unreachable;
	char            connect[XMIP_NTM_CONF_CONNECT][XMIP_NTM_CONF_NAME];
	size_t          n_connect;
	char            vif[16];           /* the node datapath's virtual interface ("ntm0") */

	/* role rs: [rs] and [rs-dc NAME] (conf_rs.c); port defaults to 49602 */
	char            rs_name[XMIP_NTM_CONF_NAME];   /* its identity (Sender ID) */
	bool            rs_has4, rs_has6;
	struct in6_addr rs_addr4;          /* ::ffff:a.b.c.d: the address it relays on */
	struct in6_addr rs_addr6;
	uint16_t        rs_pool_lo, rs_pool_hi;   /* RS-N pool ports (50000-59999) */
	uint32_t        rs_max_paths;      /* relay table entries (1048576) */
	uint32_t        rs_idle_s;         /* a path without traffic or Keep Alive this long ends (65) */
	struct xmip_ntm_conf_peer *rs_dcs; /* [rs-dc NAME]: the DCs that direct it, their K_rs */
	size_t                     n_rs_dcs;
};

/* The NTMobile name rule (conf_ntm.c): lower-case a-z 0-9 '-' '.', labels
 * 1-63 not starting or ending with '-', 1-253 octets, no trailing dot. */
bool xmip_conf_ntm_name_ok(const char *s);

#endif /* XMIP_CONF_NTM_H */
