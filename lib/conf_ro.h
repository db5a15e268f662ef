/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Route optimisation's configuration (conf_ro.c): the [ro] section of a
 * correspondent node (role cn), and of a mobile node (role mn: the
 * correspondents it optimises its routes to). Every key has a default; the limits are
 * RFC 6275's (§5.2.7, §12).
 */
#ifndef XMIP_CONF_RO_H
#define XMIP_CONF_RO_H

#include <netinet/in.h>
#include <stdint.h>

#define XMIP_RO_MAX_CORRESPONDENTS 16

struct xmip_ro_conf {
	uint32_t max_lifetime_s;    /* granted at most; <= MAX_RR_BINDING_LIFETIME (420) */
	uint32_t nonce_interval_s;  /* a new nonce and node key Kcn this often (30) */
	uint32_t nonce_lifetime_s;  /* a nonce is accepted this long (MAX_NONCE_LIFETIME, 240) */
	uint32_t brr_lead_s;        /* Binding Refresh Request this long before expiry (0: none) */
	uint32_t rr_rate;           /* HoT, CoT, refusing BAs, BRRs: at most this many a second */
	uint32_t be_rate;           /* Binding Errors: at most this many a second (§9.3.3) */
	/* Mobile node (role mn): correspondents to run return routability with
	 * and register at once the home agent accepted a CoA (§11.7.2). */
	struct in6_addr correspondents[XMIP_RO_MAX_CORRESPONDENTS];
	unsigned n_correspondents;
};

#endif /* XMIP_CONF_RO_H */
