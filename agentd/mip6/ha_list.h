/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The home agent's Home Agents List (RFC 6275 §10.1, §10.5.1): the other
 * home agents of the home link, learnt from their Router Advertisements
 * with the H bit (§7.1), each with its preference and lifetime from the
 * Home Agent Information option (§7.4; RFC 3963 §7.3 adds its R flag,
 * "serves mobile routers") and its global addresses from the Prefix
 * Information options with the R bit (§7.2); merged with this HA and the
 * configured peer-home-agents into the address list of a DHAAD reply
 * (§10.5). Pure code: no I/O, times are arguments (dhaad_ha.c does the
 * socket).
 */
#ifndef XMIP_MIP6_HA_LIST_H
#define XMIP_MIP6_HA_LIST_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define XMIP_ND_RA               134
#define XMIP_ND_OPT_HA_INFO      8      /* RFC 6275 §7.4 */
#define XMIP_RA_F_H              0x20   /* RFC 6275 §7.1, in the M|O|H octet */
#define XMIP_HAI_F_R             0x80   /* RFC 3963 §7.3 */
#define XMIP_RA_MAX_ROUTER_ADDRS 8      /* R-bit prefixes kept from one RA */
#define XMIP_HAL_MAX             32     /* home agents learnt (each by link-local address) */
#define XMIP_HAL_MAX_ADDRS       4      /* global addresses kept per home agent */
/* A reply's candidates: this HA, the configured peers, every learnt address. */
#define XMIP_HAL_MAX_CANDIDATES  (1 + XMIP_CONF_MAX_PEER_HA + XMIP_HAL_MAX * XMIP_HAL_MAX_ADDRS)

/* One Router Advertisement as the Home Agents List needs it. */
struct xmip_ra {
	struct in6_addr src;              /* the sender's link-local address */
	uint16_t router_lifetime_s;
	bool     h;                       /* Home Agent flag (§7.1) */
	bool     has_hai;                 /* a Home Agent Information option (first one) */
	uint16_t ha_preference;           /* §7.4: unsigned (RFC 3775 read it signed) */
	uint16_t ha_lifetime_s;
	bool     ha_mr;                   /* its R flag: serves mobile routers */
	size_t   n_router_addrs;          /* Prefix Information options with R (§7.2) */
	struct {
		struct in6_addr addr;     /* the router's whole address */
		uint8_t         plen;
		uint32_t        valid_s;  /* the address lives as long as the prefix */
	} router_addrs[XMIP_RA_MAX_ROUTER_ADDRS];
};

enum xmip_ra_err {
	XMIP_RA_OK = 0,
	XMIP_RA_NOT_RA,          /* another ICMPv6 type */
	XMIP_RA_BAD_HOP_LIMIT,   /* RFC 4861 §6.1.2: not 255 (sent from off link) */
	XMIP_RA_BAD_SOURCE,      /* §6.1.2: source not link-local */
	XMIP_RA_BAD_CODE,        /* §6.1.2: code not 0 */
	XMIP_RA_TRUNCATED,       /* §6.1.2: shorter than 16 octets */
	XMIP_RA_BAD_OPTION,      /* §6.1.2: an option of length 0, or one past the end */
	XMIP_RA_BAD_HA_INFO,     /* RFC 6275 §7.4: Home Agent Information length not 1 */
};

/*
 * Check and parse the ICMPv6 message icmp[0..len) that came from src with
 * hop_limit (the kernel checked the checksum). RFC 4861 §6.1.2 validity,
 * then what RFC 6275 adds: H, the first Home Agent Information option
 * (ignored without H, §7.4), each Prefix Information option of length 4
 * with R set (the first XMIP_RA_MAX_ROUTER_ADDRS). Never reads past len.
 */
enum xmip_ra_err xmip_ra_parse(const uint8_t *icmp, size_t len, const struct in6_addr *src,
			       int hop_limit, struct xmip_ra *out);
const char *xmip_ra_strerror(enum xmip_ra_err e);

struct xmip_hal_addr {
	struct in6_addr addr;
	uint64_t        expires_ns;       /* UINT64_MAX: infinite valid lifetime */
};

struct xmip_hal_entry {
	bool            used;
	struct in6_addr ll;               /* key: link-local source and ... */
	uint32_t        ifindex;          /* ... the interface it came in on */
	int32_t         preference;
	bool            mr;               /* serves mobile routers (RFC 3963 §7.3) */
	uint64_t        expires_ns;
	size_t          n_addrs;
	struct xmip_hal_addr addrs[XMIP_HAL_MAX_ADDRS];
};

struct xmip_hal {
	struct xmip_hal_entry e[XMIP_HAL_MAX];
};

enum xmip_hal_change {
	XMIP_HAL_NONE = 0,       /* nothing listed or changed (no H, not known) */
	XMIP_HAL_ADDED,
	XMIP_HAL_UPDATED,
	XMIP_HAL_DELETED,        /* H clear, or home agent lifetime 0 */
	XMIP_HAL_FULL,           /* a new home agent, no room: not listed */
	XMIP_HAL_SELF,           /* our own advertisement (it names our address): ignored */
};

/*
 * §10.5.1 for one valid RA that arrived on ifindex at now_ns: H clear
 * deletes the sender's entry; with H, the lifetime (Home Agent Information
 * option, else the router lifetime) 0 deletes it, else the entry is
 * created or its lifetime and preference reset; then each R-bit address
 * inside the home prefix (conf) and unicast routable is added or
 * refreshed with the prefix's valid lifetime (0 removes it). An RA naming
 * conf->address is this HA's own (an RA daemon on this host): ignored.
 */
enum xmip_hal_change xmip_hal_update(struct xmip_hal *l, const struct xmip_conf *conf,
				     const struct xmip_ra *ra, uint32_t ifindex, uint64_t now_ns);

/* Delete what expired by now_ns: entries (MUST, §10.5.1) and addresses.
 * Returns the number of entries deleted. */
size_t xmip_hal_expire(struct xmip_hal *l, uint64_t now_ns);

/*
 * The Home Agent Addresses of a DHAAD reply (§10.5): this HA
 * (conf->address, home-agent-preference), the configured peers and every
 * live learnt address (a learnt address that is a configured peer's
 * replaces its preference: the advertisement is current), by decreasing
 * preference, equal ones in an order random per reply (rnd), at most cap
 * (the most preferred). want_mr (RFC 3963 §7.2): only those serving
 * mobile routers (this HA and its configured peers when mobile-routers,
 * learnt ones by their R flag), *r set; when none does, all of them and
 * *r clear. Returns the number written to out.
 */
size_t xmip_hal_reply(const struct xmip_hal *l, const struct xmip_conf *conf, bool want_mr,
		      uint32_t rnd, uint64_t now_ns, struct in6_addr *out, size_t cap, bool *r);

#endif /* XMIP_MIP6_HA_LIST_H */
