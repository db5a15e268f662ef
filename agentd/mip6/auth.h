/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * RFC 4285 §5.1 MN-HA authenticator:
 *
 *   Authenticator = First(96, HMAC-SHA1(key, Mobility Data))
 *   Mobility Data = care-of address | home address | MH Data
 *
 * where MH Data is the Mobility Header from its first octet up to and
 * including the SPI field of the Authentication option, with the MH
 * Checksum field taken as zero (the checksum is computed last, over the
 * finished message). The MH Header Len field is the final one.
 *
 * For a BU: coa = IPv6 source, hoa = Home Address option (or the source
 * when there is none). For a BA: coa = IPv6 destination, hoa = the type-2
 * routing header address (or the destination when there is none).
 *
 * Usage when building: lay the message out with xmip_mh_build_*() (which
 * leaves the authenticator zero and reports auth_opt_off), then
 * xmip_auth_fill(), then xmip_mh_set_checksum().
 */
#ifndef XMIP_AUTH_H
#define XMIP_AUTH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "xmip_wire.h"

/* Octets from the option's Type octet to the end of the SPI:
 * type, length, subtype, SPI(4). */
#define XMIP_AUTH_COVERED_OPT_OCTETS 7

/*
 * Compute the 12-octet authenticator over coa | hoa | mh[0 .. cover_len)
 * with mh[4..5] (checksum) taken as zero. cover_len must be >= 6.
 * Returns 0, or -1 on an OpenSSL failure or bad argument.
 */
int xmip_auth_compute(const uint8_t *key, size_t key_len,
		      const struct in6_addr *coa, const struct in6_addr *hoa,
		      const uint8_t *mh, size_t cover_len,
		      uint8_t out[XMIP_AUTH_HMAC_SHA1_96_LEN]);

/*
 * Fill the authenticator of the Authentication option whose Type octet is
 * at mh[auth_opt_off] (option length 17 = subtype, SPI, 12 octets).
 * Returns 0, or -1 if the option does not fit in mh_len or is not an
 * MN-HA option of length 17.
 */
int xmip_auth_fill(const uint8_t *key, size_t key_len,
		   const struct in6_addr *coa, const struct in6_addr *hoa,
		   uint8_t *mh, size_t mh_len, size_t auth_opt_off);

/*
 * Verify the authenticator of the option at mh[auth_opt_off] in constant
 * time (CRYPTO_memcmp). False on any mismatch or malformed option.
 */
bool xmip_auth_verify(const uint8_t *key, size_t key_len,
		      const struct in6_addr *coa, const struct in6_addr *hoa,
		      const uint8_t *mh, size_t mh_len, size_t auth_opt_off);

#endif /* XMIP_AUTH_H */
