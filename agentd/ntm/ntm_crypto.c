// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ntm_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <string.h>

void xmip_ntm_hmac(const uint8_t key[32], const uint8_t *data, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	if (!HMAC(EVP_sha256(), key, 32, data, len, out, &n))
		memset(out, 0, 32);   /* cannot match a real MAC of ours: verify fails closed */
}

bool xmip_ntm_mac_ok(const uint8_t key[32], const uint8_t *buf, size_t len)
{
	uint8_t mac[32];
	bool ok;

	if (len < 32)
		return false;
	xmip_ntm_hmac(key, buf, len - 32, mac);
	ok = CRYPTO_memcmp(mac, buf + len - 32, 32) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}

void xmip_ntm_hkdf_extract(const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
			   size_t ikm_len, uint8_t prk[32])
{
	static const uint8_t zero[32];
	unsigned int n = 32;

	if (!salt_len) {   /* RFC 5869 §2.2: a missing salt is HashLen zero octets */
		salt = zero;
		salt_len = sizeof(zero);
	}
	if (!HMAC(EVP_sha256(), salt, (int)salt_len, ikm, ikm_len, prk, &n))
		memset(prk, 0, 32);
}

int xmip_ntm_hkdf_expand(const uint8_t prk[32], const uint8_t *info, size_t info_len,
			 uint8_t *out, size_t outlen)
{
	uint8_t in[32 + 256 + 1], t[32];
	size_t tlen = 0, done = 0;
	uint8_t ctr = 0;

	/* T(i) = HMAC(PRK, T(i-1) | info | i); our infos are short labels */
	if (outlen > 255 * 32 || info_len > 256)
		return -1;
	while (done < outlen) {
		unsigned int n = 32;
		size_t take;

		ctr++;
		memcpy(in, t, tlen);
		memcpy(in + tlen, info, info_len);
		in[tlen + info_len] = ctr;
		if (!HMAC(EVP_sha256(), prk, 32, in, tlen + info_len + 1, t, &n)) {
			OPENSSL_cleanse(t, sizeof(t));
			return -1;
		}
		tlen = 32;
		take = outlen - done < 32 ? outlen - done : 32;
		memcpy(out + done, t, take);
		done += take;
	}
	OPENSSL_cleanse(t, sizeof(t));
	OPENSSL_cleanse(in, sizeof(in));
	return 0;
}

void xmip_ntm_psk_prk(const uint8_t *psk, size_t len, uint8_t prk[32])
{
	static const char salt[] = "xmip-ntm v1";

	xmip_ntm_hkdf_extract((const uint8_t *)salt, sizeof(salt) - 1, psk, len, prk);
}

static void expand_label(const uint8_t prk[32], const char *label, uint8_t out[32])
{
	if (xmip_ntm_hkdf_expand(prk, (const uint8_t *)label, strlen(label), out, 32))
		memset(out, 0, 32);
}

void xmip_ntm_keys_derive(const uint8_t prk[32], struct xmip_ntm_keys *k)
{
	expand_label(prk, "xmip-ntm mac", k->mac);
	expand_label(prk, "xmip-ntm kek", k->kek);
}

void xmip_ntm_session_secret(const uint8_t node_prk[32], const uint8_t nn[16],
			     const uint8_t dn[16], uint8_t out[32])
{
	static const char label[] = "xmip-ntm session";
	uint8_t info[sizeof(label) - 1 + 32];

	memcpy(info, label, sizeof(label) - 1);
	memcpy(info + sizeof(label) - 1, nn, 16);
	memcpy(info + sizeof(label) - 1 + 16, dn, 16);
	if (xmip_ntm_hkdf_expand(node_prk, info, sizeof(info), out, 32))
		memset(out, 0, 32);
}

static int wrap_op(bool enc, const uint8_t kek[32], const uint8_t *in, int inlen, uint8_t *out,
		   int want)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, m = 0, ok;

	if (!c)
		return -1;
	EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_CipherInit_ex(c, EVP_aes_256_wrap(), NULL, kek, NULL, enc) &&
	     EVP_CipherUpdate(c, out, &n, in, inlen) && EVP_CipherFinal_ex(c, out + n, &m) &&
	     n + m == want;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

int xmip_ntm_wrap(const uint8_t kek[32], const uint8_t key[32], uint8_t out[40])
{
	return wrap_op(true, kek, key, 32, out, 40);
}

int xmip_ntm_unwrap(const uint8_t kek[32], const uint8_t in[40], uint8_t key[32])
{
	uint8_t tmp[48];   /* the cipher may write a block more than it returns */
	int rc = wrap_op(false, kek, in, 40, tmp, 32);

	if (rc == 0)
		memcpy(key, tmp, 32);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return rc;
}

uint64_t xmip_ntm_sender_id(const char *name)
{
	uint8_t d[SHA256_DIGEST_LENGTH];
	uint64_t id = 0;

	SHA256((const uint8_t *)name, strlen(name), d);
	for (int i = 0; i < 8; i++)
		id = id << 8 | d[i];
	return id;
}

int xmip_ntm_random(void *out, size_t n)
{
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}
