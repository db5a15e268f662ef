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
#include <stdbool.h>
#include <stdint.h>

#define XMIP_RO_MAX_CORRESPONDENTS 16
/* Learnt correspondents at most (learn-max); with the configured ones they
 * stay below the datapath's xmip_mn_ro (1024 elements). */
#define XMIP_RO_MAX_LEARNT         1000

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
	/* Mobile node: learn correspondents from the traffic (bpf/ro/mn.h reports
	 * each new destination of the reverse tunnel): off by default (the CoA
	 * is then shown to every host the node talks to; docs/DESIGN.md). */
	bool     learn;             /* learn-correspondents (no) */
	uint32_t learn_max;         /* learnt ones at once (64) */
	uint32_t learn_idle_s;      /* forgotten (binding deleted) after this long without traffic (120) */
	uint32_t learn_hold_s;      /* one that refused route optimisation is not tried again for this long (600) */
	/* Mobile node: a correspondent for its own home address (RFC 6275 §8.2,
	 * §9.3): answers HoTI/CoTI and takes BUs from other mobile nodes
	 * (agentd/ro/cn.c); the keys above (max-lifetime ... be-rate) apply. */
	bool     accept_bindings;   /* accept-bindings (yes: §8.2 "The default SHOULD be enabled") */
};

#endif /* XMIP_CONF_RO_H */
