/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * DSMIPv6's configuration (conf_dsmip.c, docs/dsmip.md): the [dsmip]
 * section of the HA (its IPv4 address, the pool of dynamic IPv4 home
 * addresses, the NAT keepalive it suggests) or of the MN (the HA's IPv4
 * address, the IPv4 home address it asks for, F); and on the HA the key
 * ipv4-home-address of an [mn NAI] section (a static IPv4 home address).
 */
#ifndef XMIP_CONF_DSMIP_H
#define XMIP_CONF_DSMIP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define XMIP_DSMIP_POOL_MIN_PLEN 16   /* at most 65536 addresses in the pool */

struct xmip_dsmip_conf {
	bool           on;              /* a [dsmip] section is there */
	/* HA */
	struct in_addr ipv4_address;    /* the HA's IPv4 address: UDP 4191 is bound to it */
	bool           has_pool;
	struct in_addr pool;            /* ipv4-hoa-pool = a.b.c.d/len (network order) */
	uint8_t        pool_plen;
	uint32_t       nat_keepalive_s; /* NAT Detection refresh time, default NATKATIMEOUT 110 */
	/* MN */
	struct in_addr home_agent_ipv4; /* where BUs go from an IPv4 care-of address */
	bool           has_ipv4_hoa;    /* ask for ipv4_hoa (0.0.0.0: a dynamic one) */
	struct in_addr ipv4_hoa;
	bool           force_udp;       /* F in every BU from an IPv4 care-of address */
};

#endif /* XMIP_CONF_DSMIP_H */
