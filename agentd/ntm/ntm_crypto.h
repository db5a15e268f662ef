/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * NTMobile keys (docs/ntmobile.md, "Authentication and keys"): every
 * secret (a configured pre-shared key, a node's session secret, a path
 * key) yields a MAC key and a key-encryption key through HKDF-SHA-256
 * (RFC 5869); messages carry HMAC-SHA-256 over everything before the MAC;
 * path keys travel wrapped with AES-256 key wrap (RFC 3394). OpenSSL.
 */
#ifndef XMIP_NTM_CRYPTO_H
#define XMIP_NTM_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XMIP_NTM_PRK_LEN 32

/* The two keys every secret yields. */
struct xmip_ntm_keys {
	uint8_t mac[32];    /* HKDF-Expand(PRK, "xmip-ntm mac", 32) */
	uint8_t kek[32];    /* HKDF-Expand(PRK, "xmip-ntm kek", 32) */
};

/* HMAC-SHA-256(key[32], data) into out[32]. */
void xmip_ntm_hmac(const uint8_t key[32], const uint8_t *data, size_t len, uint8_t out[32]);
/* The last 32 octets of buf are HMAC-SHA-256(key, the octets before them); constant time. */
bool xmip_ntm_mac_ok(const uint8_t key[32], const uint8_t *buf, size_t len);

/* RFC 5869. Extract: PRK = HMAC(salt, ikm). Expand: out of outlen <= 255*32 octets. */
void xmip_ntm_hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
			   size_t ikm_len, uint8_t prk[32]);
int  xmip_ntm_hkdf_expand(const uint8_t prk[32], const uint8_t *info, size_t info_len,
			  uint8_t *out, size_t outlen);

/* A configured key: PRK = HKDF-Extract(salt "xmip-ntm v1", key). */
void xmip_ntm_psk_prk(const uint8_t *psk, size_t len, uint8_t prk[32]);
/* mac and kek of a PRK (a PSK's PRK, a session secret, a path key). */
void xmip_ntm_keys_derive(const uint8_t prk[32], struct xmip_ntm_keys *k);
/* Session secret = HKDF-Expand(node PRK, "xmip-ntm session" | node nonce | DC nonce, 32). */
void xmip_ntm_session_secret(const uint8_t node_prk[32], const uint8_t nn[16],
			     const uint8_t dn[16], uint8_t out[32]);

/* RFC 3394 AES-256 key wrap of a 32-octet key: 40 octets; unwrap checks the integrity value. 0 or -1. */
int xmip_ntm_wrap(const uint8_t kek[32], const uint8_t key[32], uint8_t out[40]);
int xmip_ntm_unwrap(const uint8_t kek[32], const uint8_t in[40], uint8_t key[32]);

/* Sender ID: the first 8 octets of SHA-256(name), big-endian. */
uint64_t xmip_ntm_sender_id(const char *name);

/* n random octets (OpenSSL RAND_bytes). 0 or -1. */
int xmip_ntm_random(void *out, size_t n);

#endif /* XMIP_NTM_CRYPTO_H */
