/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * RFC 5944 §3.5.1 authenticators: HMAC-MD5 (RFC 2104, the default
 * algorithm, §5.1) keyed with the association's key, over the registration
 * message from its first octet up to and including the SPI of the
 * extension being computed (so every earlier extension is covered, and the
 * UDP header and the authenticator itself are not). Used for the
 * Mobile-Home (32), Mobile-Foreign (33) and Foreign-Home (34) extensions.
 */
#ifndef XMIP_MIP4_AUTH_H
#define XMIP_MIP4_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_mip4.h"
#include "mip4_wire.h"

/* HMAC-MD5(key, data[0..len)) into out. 0 or -1. */
int  xmip_mip4_hmac_md5(const uint8_t *key, size_t key_len, const uint8_t *data, size_t len,
			uint8_t out[XMIP_MIP4_HMAC_MD5_LEN]);

/*
 * Append an authentication extension of type (32, 33 or 34) at off, signed
 * with sa over buf[0..off + 6). Returns the new length or -1.
 */
int  xmip_mip4_put_auth(uint8_t *buf, size_t cap, size_t off, uint8_t type,
			const struct xmip_mip4_sa *sa);

/*
 * Whether extension e of msg (an authentication extension) carries sa's
 * SPI and a correct 16-octet HMAC-MD5 authenticator. Constant-time compare.
 */
bool xmip_mip4_auth_ok(const uint8_t *msg, const struct xmip_mip4_ext *e,
		       const struct xmip_mip4_sa *sa);

#endif /* XMIP_MIP4_AUTH_H */
