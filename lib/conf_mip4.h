/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv4's configuration (conf_mip4.c; every key in docs/mip4.md):
 * [mip4] on a home agent (role ha: the family runs beside Mobile IPv6 only
 * when the section is there), a foreign agent (role fa) and a mobile node
 * (role mn4); [mip4-mn ID] per mobile node (ha: its home address and MN-HA
 * security association; fa: an MN-FA association) and [mip4-peer ADDRESS]
 * per agent sharing an association (ha <-> fa: FA-HA; mn4 -> fa: MN-FA).
 * IPv4 addresses are 4 octets in network order.
 */
#ifndef XMIP_CONF_MIP4_H
#define XMIP_CONF_MIP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XMIP_MIP4_CONF_KEY    64      /* keys: 16-64 octets (RFC 5944 §5.1: 128 bits or more) */
#define XMIP_MIP4_CONF_ID     256     /* an NAI (RFC 2794: up to 255 octets) or a dotted address */
#define XMIP_MIP4_CONF_PATH   256
#define XMIP_MIP4_CONF_COAS   8       /* care-of addresses an FA advertises */

/* Encapsulations as a mask (encapsulations = ...). */
#define XMIP_MIP4_ENC_IPIP    (1u << 0)   /* RFC 2003, the default */
#define XMIP_MIP4_ENC_MINENC  (1u << 1)   /* RFC 2004, M flag */
#define XMIP_MIP4_ENC_GRE     (1u << 2)   /* RFC 2784, G flag */
#define XMIP_MIP4_ENC_ALL     (XMIP_MIP4_ENC_IPIP | XMIP_MIP4_ENC_MINENC | XMIP_MIP4_ENC_GRE)

/* reverse-tunnel = no | yes | required (agents); no | yes (mn4: ask for it). */
enum xmip_mip4_rt { XMIP_MIP4_RT_NO = 0, XMIP_MIP4_RT_YES, XMIP_MIP4_RT_REQUIRED };
/* udp-tunnel = no | yes | force (mn4: force sets F); agents: no | yes. */
enum xmip_mip4_udp { XMIP_MIP4_UDP_NO = 0, XMIP_MIP4_UDP_YES, XMIP_MIP4_UDP_FORCE };

/* A mobility security association (RFC 5944 §3.2, §5.1): HMAC-MD5 with this key. */
struct xmip_mip4_sa {
	uint32_t spi;
	uint8_t  key[XMIP_MIP4_CONF_KEY];
	size_t   key_len;
};

/* [mip4-mn ID]: ID is an NAI or a home address. */
struct xmip_mip4_mn_conf {
	char                id[XMIP_MIP4_CONF_ID];
	bool                id_is_nai;       /* else id is the home address */
	uint8_t             hoa[4];          /* from ID or home-address */
	bool                has_hoa;
	struct xmip_mip4_sa sa;
	uint32_t            encaps;          /* ha: XMIP_MIP4_ENC_* allowed; default all */
	uint32_t            max_lifetime_s;  /* ha: 0 = the [mip4] max-lifetime */
};

/* [mip4-peer ADDRESS]: another agent we share an association with. */
struct xmip_mip4_peer_conf {
	uint8_t             addr[4];
	struct xmip_mip4_sa sa;
};

struct xmip_mip4_conf {
	/* ha: the HA's address on the home link and the home network */
	uint8_t  address[4];
	uint8_t  home_prefix[4];             /* also mn4 */
	uint8_t  home_plen;
	uint32_t max_lifetime_s;             /* ha: granted at most; fa: advertised and accepted */
	uint32_t replay_window_s;            /* ha: timestamp tolerance (§5.7.1), default 7 */
	uint32_t max_bindings;               /* ha: care-of addresses per MN with S (default 4) */
	uint32_t keepalive_s;                /* ha: RFC 3519 keepalive it gives (default 110) */
	enum xmip_mip4_rt  reverse_tunnel;   /* ha, fa: offered/required; mn4: requested */
	enum xmip_mip4_udp udp_tunnel;       /* ha: allowed; mn4: requested (force: F flag) */
	uint32_t encaps;                     /* fa: offered (M, G bits); default all */
	uint32_t advertise_interval_s;       /* ha, fa: periodic Agent Advertisements, 0 = only solicited */
	uint32_t advertise_lifetime_s;       /* ha, fa: ICMP Lifetime; default 3 * interval + 1 */
	char     state_file[XMIP_MIP4_CONF_PATH];   /* ha: bindings and replay state (restart) */
	char     dump_file[XMIP_MIP4_CONF_PATH];    /* JSON after every change, optional */

	/* fa */
	uint8_t  coas[XMIP_MIP4_CONF_COAS][4];
	size_t   n_coas;
	uint32_t max_pending;                /* pending requests, 66 beyond (§3.7.1); default 16 */
	uint32_t max_visitors;               /* visitors, B bit and 66 when full; default 1024 */
	bool     registration_required;      /* R bit */

	/* mn4 */
	uint8_t  hoa[4];
	uint8_t  home_agent[4];
	char     nai[XMIP_MIP4_CONF_ID];     /* sent as RFC 2794 MN-NAI when set */
	struct xmip_mip4_sa sa;              /* MN-HA */
	uint32_t lifetime_s;                 /* requested, default 300 */
	uint32_t encap;                      /* one XMIP_MIP4_ENC_* (M or G flag), default IPIP */

	struct xmip_mip4_mn_conf   *mns;     /* [mip4-mn ID] */
	size_t                      n_mns;
	struct xmip_mip4_peer_conf *peers;   /* [mip4-peer ADDRESS] */
	size_t                      n_peers;
};

#endif /* XMIP_CONF_MIP4_H */
