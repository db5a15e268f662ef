// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* RFC 4285 §5.1 MN-HA authenticator with OpenSSL. */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "mh.h"

/* Largest MH: Header Len 255 → 2048 octets. */
#define MH_MAX_LEN 2048

int xmip_auth_compute(const uint8_t *key, size_t key_len,
		      const struct in6_addr *coa, const struct in6_addr *hoa,
		      const uint8_t *mh, size_t cover_len,
		      uint8_t out[XMIP_AUTH_HMAC_SHA1_96_LEN])
{
	uint8_t data[32 + MH_MAX_LEN];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (!key || key_len == 0 || key_len > INT32_MAX || cover_len < 6 ||
	    cover_len > MH_MAX_LEN)
		return -1;
	/* Mobility Data = CoA | HoA | MH data with the checksum as zero. */
	memcpy(data, coa->s6_addr, 16);
	memcpy(data + 16, hoa->s6_addr, 16);
	memcpy(data + 32, mh, cover_len);
	data[32 + 4] = 0;
	data[32 + 5] = 0;
	if (!HMAC(EVP_sha1(), key, (int)key_len, data, 32 + cover_len, md, &md_len) ||
	    md_len < XMIP_AUTH_HMAC_SHA1_96_LEN)
		return -1;
	memcpy(out, md, XMIP_AUTH_HMAC_SHA1_96_LEN);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

/* The option at auth_opt_off must be a whole MN-HA option of length 17. */
static bool auth_opt_ok(const uint8_t *mh, size_t mh_len, size_t off)
{
	return off >= 8 && off < mh_len &&
	       mh_len - off >= 2 + XMIP_AUTH_OPT_LEN &&
	       mh[off] == XMIP_MOPT_AUTH && mh[off + 1] == XMIP_AUTH_OPT_LEN &&
	       mh[off + 2] == XMIP_AUTH_SUBTYPE_MN_HA;
}

int xmip_auth_fill(const uint8_t *key, size_t key_len,
		   const struct in6_addr *coa, const struct in6_addr *hoa,
		   uint8_t *mh, size_t mh_len, size_t auth_opt_off)
{
	size_t cover = auth_opt_off + XMIP_AUTH_COVERED_OPT_OCTETS;

	if (!auth_opt_ok(mh, mh_len, auth_opt_off))
		return -1;
	return xmip_auth_compute(key, key_len, coa, hoa, mh, cover, mh + cover);
}

bool xmip_auth_verify(const uint8_t *key, size_t key_len,
		      const struct in6_addr *coa, const struct in6_addr *hoa,
		      const uint8_t *mh, size_t mh_len, size_t auth_opt_off)
{
	size_t cover = auth_opt_off + XMIP_AUTH_COVERED_OPT_OCTETS;
	uint8_t want[XMIP_AUTH_HMAC_SHA1_96_LEN];
	bool ok;

	if (!auth_opt_ok(mh, mh_len, auth_opt_off))
		return false;
	if (xmip_auth_compute(key, key_len, coa, hoa, mh, cover, want))
		return false;
	ok = CRYPTO_memcmp(want, mh + cover, sizeof(want)) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}
