// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* RFC 5944 §3.5.1 HMAC-MD5 authenticators with OpenSSL. */
#include "mip4_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

int xmip_mip4_hmac_md5(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
		       uint8_t out[XMIP_MIP4_HMAC_MD5_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (!key || key_len == 0 || key_len > INT32_MAX)
		return -1;
	if (!HMAC(EVP_md5(), key, (int)key_len, data, len, md, &md_len) ||
	    md_len != XMIP_MIP4_HMAC_MD5_LEN)
		return -1;
	memcpy(out, md, XMIP_MIP4_HMAC_MD5_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

int xmip_mip4_put_auth(uint8_t *buf, size_t cap, size_t off, uint8_t type,
		       const struct xmip_mip4_sa *sa)
{
	size_t covered = off + 2 + XMIP_MIP4_SPI_LEN;
	uint8_t zero[XMIP_MIP4_AUTH_EXT_LEN] = { 0 };
	int n;

	if (type != XMIP_MIP4_EXT_MN_HA_AUTH && type != XMIP_MIP4_EXT_MN_FA_AUTH &&
	    type != XMIP_MIP4_EXT_FA_HA_AUTH)
		return -1;
	n = xmip_mip4_put_ext(buf, cap, off, type, zero, sizeof(zero));
	if (n < 0)
		return -1;
	buf[off + 2] = (uint8_t)(sa->spi >> 24);
	buf[off + 3] = (uint8_t)(sa->spi >> 16);
	buf[off + 4] = (uint8_t)(sa->spi >> 8);
	buf[off + 5] = (uint8_t)sa->spi;
	if (xmip_mip4_hmac_md5(sa->key, sa->key_len, buf, covered, buf + covered))
		return -1;
	return n;
}

bool xmip_mip4_auth_ok(const uint8_t *msg, const struct xmip_mip4_ext *e,
		       const struct xmip_mip4_sa *sa)
{
	uint8_t want[XMIP_MIP4_HMAC_MD5_LEN];
	struct xmip_mip4_auth_view v;
	bool ok;

	if (e->type != XMIP_MIP4_EXT_MN_HA_AUTH && e->type != XMIP_MIP4_EXT_MN_FA_AUTH &&
	    e->type != XMIP_MIP4_EXT_FA_HA_AUTH)
		return false;
	if (e->len != XMIP_MIP4_AUTH_EXT_LEN)
		return false;
	xmip_mip4_auth_view(msg, e, &v);
	if (v.spi != sa->spi || xmip_mip4_hmac_md5(sa->key, sa->key_len, msg, v.covered, want))
		return false;
	ok = CRYPTO_memcmp(want, v.auth, sizeof(want)) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}
