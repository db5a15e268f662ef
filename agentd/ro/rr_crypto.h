/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Return Routability's cryptography (RFC 6275 §5.2.4-§5.2.6, §6.2.7),
 * with OpenSSL (HMAC-SHA1, SHA-1), for both ends:
 *
 *   home keygen token    = First(64, HMAC_SHA1(Kcn, home address | nonce | 0))
 *   care-of keygen token = First(64, HMAC_SHA1(Kcn, care-of address | nonce | 1))
 *   Kbm                  = SHA1(home keygen token | care-of keygen token)
 *                          SHA1(home keygen token) to delete a binding
 *   Authenticator        = First(96, HMAC_SHA1(Kbm, care-of address |
 *                                   correspondent | MH Data))
 *
 * where MH Data is the Mobility Header without the Authenticator field,
 * with the Checksum taken as zero. The unit tests check every one against
 * values Python's hmac and hashlib computed (selftests/unit/gen_rr_vectors.py).
 */
#ifndef XMIP_RR_CRYPTO_H
#define XMIP_RR_CRYPTO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XMIP_RR_KCN_LEN   20    /* §5.2.1: a random number, 20 octets */
#define XMIP_RR_NONCE_LEN 8     /* §5.2.2: recommended 64 bits */
#define XMIP_RR_KBM_LEN   20    /* SHA-1 */
#define XMIP_RR_HOME      0     /* the final octet of a home keygen token's input */
#define XMIP_RR_CAREOF    1     /* ... of a care-of keygen token's */

/* A keygen token of addr (which = XMIP_RR_HOME or XMIP_RR_CAREOF). 0 or -1. */
int xmip_rr_token(const uint8_t kcn[XMIP_RR_KCN_LEN], const struct in6_addr *addr,
		  const uint8_t *nonce, size_t nonce_len, uint8_t which, uint8_t out[8]);

/* Kbm from both tokens, or from the home token alone when coa_token is NULL. 0 or -1. */
int xmip_rr_kbm(const uint8_t home_token[8], const uint8_t *coa_token,
		uint8_t out[XMIP_RR_KBM_LEN]);

/*
 * The authenticator of the bare MH mh (mh_len octets) whose 12-octet
 * Authenticator field starts at auth_off: over coa | cn | mh without that
 * field, checksum (octets 4-5) as zero. 0 or -1.
 */
int xmip_rr_authenticator(const uint8_t kbm[XMIP_RR_KBM_LEN], const struct in6_addr *coa,
			  const struct in6_addr *cn, const uint8_t *mh, size_t mh_len,
			  size_t auth_off, uint8_t out[12]);

/* Compare the authenticator in mh with the one computed, in constant time. */
bool xmip_rr_auth_verify(const uint8_t kbm[XMIP_RR_KBM_LEN], const struct in6_addr *coa,
			 const struct in6_addr *cn, const uint8_t *mh, size_t mh_len,
			 size_t auth_off);

/* Fill the Authenticator field of mh in place. 0 or -1. */
int xmip_rr_auth_fill(const uint8_t kbm[XMIP_RR_KBM_LEN], const struct in6_addr *coa,
		      const struct in6_addr *cn, uint8_t *mh, size_t mh_len, size_t auth_off);

#endif /* XMIP_RR_CRYPTO_H */
