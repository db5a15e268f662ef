// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Return Routability tokens, Kbm and authenticators (RFC 6275 §5.2.5, §6.2.7), OpenSSL. */
#include "rr_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <string.h>

#include "mip6/mh_rr.h"

#define MH_MAX_LEN    2048
#define NONCE_MAX_LEN 64

int xmip_rr_token(const uint8_t kcn[XMIP_RR_KCN_LEN], const struct in6_addr *addr,
		  const uint8_t *nonce, size_t nonce_len, uint8_t which, uint8_t out[8])
{
	uint8_t data[16 + NONCE_MAX_LEN + 1], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (!kcn || !addr || !nonce || nonce_len == 0 || nonce_len > NONCE_MAX_LEN ||
	    (which != XMIP_RR_HOME && which != XMIP_RR_CAREOF))
		return -1;
	memcpy(data, addr->s6_addr, 16);
	memcpy(data + 16, nonce, nonce_len);
	data[16 + nonce_len] = which;
	if (!HMAC(EVP_sha1(), kcn, XMIP_RR_KCN_LEN, data, 16 + nonce_len + 1, md, &md_len) ||
	    md_len < 8)
		return -1;
	memcpy(out, md, 8);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

int xmip_rr_kbm(const uint8_t home_token[8], const uint8_t *coa_token,
		uint8_t out[XMIP_RR_KBM_LEN])
{
	uint8_t data[16];

	if (!home_token)
		return -1;
	memcpy(data, home_token, 8);
	if (coa_token)
		memcpy(data + 8, coa_token, 8);
	if (!SHA1(data, coa_token ? 16 : 8, out))
		return -1;
	OPENSSL_cleanse(data, sizeof(data));
	return 0;
}

int xmip_rr_authenticator(const uint8_t kbm[XMIP_RR_KBM_LEN], const struct in6_addr *coa,
			  const struct in6_addr *cn, const uint8_t *mh, size_t mh_len,
			  size_t auth_off, uint8_t out[12])
{
	uint8_t data[32 + MH_MAX_LEN], md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t n;

	if (!kbm || !coa || !cn || !mh || mh_len > MH_MAX_LEN || auth_off < 8 ||
	    auth_off > mh_len || mh_len - auth_off < XMIP_RR_AUTH_LEN)
		return -1;
	/* Mobility Data = care-of address | correspondent | MH Data (§6.2.7). */
	memcpy(data, coa->s6_addr, 16);
	memcpy(data + 16, cn->s6_addr, 16);
	memcpy(data + 32, mh, auth_off);
	n = 32 + auth_off;
	memcpy(data + n, mh + auth_off + XMIP_RR_AUTH_LEN, mh_len - auth_off - XMIP_RR_AUTH_LEN);
	n += mh_len - auth_off - XMIP_RR_AUTH_LEN;
	data[32 + 4] = 0;   /* "as if the Checksum field ... was zero" */
	data[32 + 5] = 0;
	if (!HMAC(EVP_sha1(), kbm, XMIP_RR_KBM_LEN, data, n, md, &md_len) ||
	    md_len < XMIP_RR_AUTH_LEN)
		return -1;
	memcpy(out, md, XMIP_RR_AUTH_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

bool xmip_rr_auth_verify(const uint8_t kbm[XMIP_RR_KBM_LEN], const struct in6_addr *coa,
			 const struct in6_addr *cn, const uint8_t *mh, size_t mh_len,
			 size_t auth_off)
{
	uint8_t want[XMIP_RR_AUTH_LEN];
	bool ok;

	if (xmip_rr_authenticator(kbm, coa, cn, mh, mh_len, auth_off, want))
		return false;
	ok = CRYPTO_memcmp(want, mh + auth_off, sizeof(want)) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

int xmip_rr_auth_fill(const uint8_t kbm[XMIP_RR_KBM_LEN], const struct in6_addr *coa,
		      const struct in6_addr *cn, uint8_t *mh, size_t mh_len, size_t auth_off)
{
	return xmip_rr_authenticator(kbm, coa, cn, mh, mh_len, auth_off, mh + auth_off);
}
