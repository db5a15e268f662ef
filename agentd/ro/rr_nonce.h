/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A correspondent's nonces and node keys (RFC 6275 §5.2.1, §5.2.2, §5.2.7).
 *
 * Each nonce comes with a node key Kcn of its own, both fresh from the
 * CSPRNG, and an index (§5.2.7: "an update of Kcn SHOULD be done at the
 * same time as an update of a nonce, so that nonce indices can identify
 * both the nonce and the key"). A nonce is made when a Home or Care-of
 * Test Init needs one and the current one is `interval` old (so never on
 * every request, §5.2.7), and is accepted for `lifetime` after it was made
 * (MAX_NONCE_LIFETIME at most: it was first used then or later, so never
 * past its first use plus MAX_NONCE_LIFETIME; with the default 30 s and
 * 240 s, a token stays usable at least MAX_TOKEN_LIFETIME = 210 s after
 * the nonce's last use). Expired entries are wiped (OPENSSL_cleanse).
 * Nothing is kept across a restart: a new Kcn makes every older token
 * worthless (§5.2.1), which is what replay protection (§5.2.8) needs.
 */
#ifndef XMIP_RR_NONCE_H
#define XMIP_RR_NONCE_H

#include <stddef.h>
#include <stdint.h>

#include "rr_crypto.h"

#define XMIP_RR_NONCES_MAX 256   /* lifetime / interval + 1 <= 241 with the config's bounds */

struct xmip_rr_nonce {
	uint16_t index;
	uint8_t  nonce[XMIP_RR_NONCE_LEN];
	uint8_t  kcn[XMIP_RR_KCN_LEN];
	uint64_t born_ns;        /* CLOCK_BOOTTIME when made */
};

/* Fill buf with len random octets; 0 or -1. */
typedef int (*xmip_rr_rand_fn)(void *buf, size_t len, void *arg);

struct xmip_rr_nonces {
	struct xmip_rr_nonce e[XMIP_RR_NONCES_MAX];   /* ring: oldest at head */
	size_t          head, count;
	uint16_t        next_index;
	uint64_t        interval_ns, lifetime_ns;
	xmip_rr_rand_fn rand;
	void           *rand_arg;
	uint64_t        made;                          /* nonces made so far */
};

/* The kernel's CSPRNG (getrandom). */
int xmip_rr_getrandom(void *buf, size_t len, void *arg);

/* rand NULL: xmip_rr_getrandom. The first index is random. 0 or -1. */
int xmip_rr_nonces_init(struct xmip_rr_nonces *t, uint64_t interval_ns, uint64_t lifetime_ns,
			xmip_rr_rand_fn rand, void *rand_arg);
/* The nonce to hand out now, made if there is none or the newest is `interval` old; NULL if the RNG failed. */
const struct xmip_rr_nonce *xmip_rr_nonce_current(struct xmip_rr_nonces *t, uint64_t now_ns);
/* The nonce of index while it is accepted (made less than `lifetime` ago), else NULL. */
const struct xmip_rr_nonce *xmip_rr_nonce_find(const struct xmip_rr_nonces *t, uint16_t index,
					       uint64_t now_ns);
/* Wipe the nonces no longer accepted. */
void xmip_rr_nonces_expire(struct xmip_rr_nonces *t, uint64_t now_ns);
/* Wipe them all (§5.2.8's last measure; and on exit). */
void xmip_rr_nonces_clear(struct xmip_rr_nonces *t);

#endif /* XMIP_RR_NONCE_H */
