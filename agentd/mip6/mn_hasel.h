/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which home agent a mobile node (or mobile router) registers with when it
 * found them by DHAAD (no home-agent configured): the reply's list in its
 * order (RFC 6275 §11.4.1), the next one after a refusal that another
 * home agent could accept or after silence, DHAAD again when silence used
 * the list up, and a stop (until the next move) when refusals did
 * (RFC 3963 §5.4). Pure code: mn.c does the sending and the timers.
 *
 * Refusals that move on (RFC 6275 §11.4.1: "If that registration attempt
 * fails (e.g., timed out or rejected), the mobile node SHOULD then
 * reattempt this registration with another home agent"; §11.7.3: no more
 * BUs to a home agent that refused): every status >= 128 but
 *  - 134 (duplicate address detection failed): the home link's answer,
 *    every home agent on it finds the same node there;
 *  - 139 (registration type change disallowed): about the binding that
 *    home agent holds; a second home agent would defend the home address
 *    beside it;
 *  - for a mobile router, the statuses RFC 3963 §5.4 calls fatal: 141 and
 *    142 in implicit mode, 143 in explicit mode (140 always moves on,
 *    141/142 explicit and 143 implicit "SHOULD send a Binding Update to
 *    another Home Agent on the same home link").
 * 135, 144 and 145 resynchronise (mn_policy.h) and never get here.
 */
#ifndef XMIP_MN_HASEL_H
#define XMIP_MN_HASEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dhaad.h"

/* BUs sent to one home agent without an answer before the next one is
 * tried: 1.5 + 3 + 6 s with InitialBindackTimeoutFirstReg (§11.4.1: at
 * least InitialBindackTimeoutFirstReg before the next home agent). */
#define XMIP_MN_HA_TRIES 3

struct xmip_mn_halist {
	struct in6_addr addr[XMIP_HAAD_MAX_ADDRS];
	size_t n;                   /* usable addresses of the last reply */
	size_t cur;                 /* the one registering now */
	bool   silent;              /* one of those tried did not answer */
};

enum xmip_mn_ha_step {
	XMIP_MN_HA_STAY = 0,        /* no reason to leave this home agent (retry on the next move) */
	XMIP_MN_HA_NEXT,            /* register with *next */
	XMIP_MN_HA_REDISCOVER,      /* list used up, some were silent: DHAAD again */
	XMIP_MN_HA_GIVE_UP,         /* list used up by refusals: nothing until the next move */
};

/* The unicast routable addresses of a DHAAD reply, in its order, each
 * once; cur = 0. Returns how many (0: none usable). */
size_t xmip_mn_halist_set(struct xmip_mn_halist *l, const struct in6_addr *addrs, size_t n);

/* The home agent to register with now, NULL when the list is empty. */
const struct in6_addr *xmip_mn_halist_current(const struct xmip_mn_halist *l);

/* May another home agent accept what this status refused? (above) */
bool xmip_mn_refusal_try_other(uint8_t status, const struct xmip_conf *conf);

/*
 * The current home agent failed: timeout (no valid answer to
 * XMIP_MN_HA_TRIES BUs) or refused with status. NEXT with *next set, or
 * what to do when none is left (the list is then empty), or STAY for a
 * refusal no other home agent can help with.
 */
enum xmip_mn_ha_step xmip_mn_halist_failed(struct xmip_mn_halist *l, const struct xmip_conf *conf,
					   bool timeout, uint8_t status,
					   const struct in6_addr **next);

const char *xmip_mn_ha_step_name(enum xmip_mn_ha_step s);

#endif /* XMIP_MN_HASEL_H */
