/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Mobility Header messages and options of route optimisation (RFC 6275
 * §5.2, §6.1.2-§6.1.6, §6.2.5-§6.2.7): Binding Refresh Request, Home and
 * Care-of Test Init, Home and Care-of Test, and the options a Binding
 * Update to a correspondent and its Binding Acknowledgement carry (Nonce
 * Indices, Binding Authorization Data, Alternate Care-of Address). Pure
 * code, no I/O, for both ends: the correspondent (agentd/ro/) and, later,
 * the mobile node. It sits beside mh.c (the home registration's codec),
 * whose packet parse (xmip_pkt_parse: extension headers, HAO, RH2, MH
 * checksum) runs first; these functions take the bare MH from it.
 *
 * Every parser takes (buf, len), never reads past len, and has a libFuzzer
 * harness (selftests/fuzz/fuzz_rr.c).
 *
 * Layouts this module produces (offsets from the start of the MH):
 *   HoTI/CoTI: fixed 16 octets, Header Len 1, no options.
 *   HoT/CoT:   fixed 24 octets, Header Len 2, no options.
 *   BRR:       fixed 8 octets, Header Len 0.
 *   BU:        fixed 12, Nonce Indices at 12 (2n), Alternate CoA at 8n+6 if
 *              any, Binding Authorization Data at 8n+2, last: the message
 *              ends with it, no padding after (§6.2.7, §9.5.1).
 *   BA:        fixed 12, PadN(4), Binding Authorization Data at 18..31;
 *              without it (statuses 136-138, §9.5.4) PadN(2) to 16 octets.
 */
#ifndef XMIP_MH_RR_H
#define XMIP_MH_RR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mh.h"

#define XMIP_RR_COOKIE_LEN     8     /* home/care-of init cookie */
#define XMIP_RR_TOKEN_LEN      8     /* home/care-of keygen token */
#define XMIP_RR_AUTH_LEN       12    /* First(96, HMAC_SHA1(...)) */
#define XMIP_MH_MIN_INIT_LEN   16    /* HoTI, CoTI: fixed 6 + reserved 2 + cookie 8 */
#define XMIP_MH_MIN_TEST_LEN   24    /* HoT, CoT: fixed 6 + index 2 + cookie 8 + token 8 */

/* HoTI, CoTI, HoT, CoT or BRR, parsed. */
struct xmip_rr_msg {
	uint8_t  type;                        /* XMIP_MH_HOTI ... XMIP_MH_COT, XMIP_MH_BRR */
	uint16_t nonce_index;                 /* HoT, CoT */
	uint8_t  cookie[XMIP_RR_COOKIE_LEN];  /* HoTI, CoTI, HoT, CoT */
	uint8_t  token[XMIP_RR_TOKEN_LEN];    /* HoT, CoT */
	unsigned n_unknown;                   /* options skipped (§6.1.2-§6.1.6: none defined) */
};

/*
 * Parse a bare HoTI, CoTI, HoT, CoT or BRR of len octets (the MH from its
 * first octet; Header Len must fit in len). Checks Payload Proto (59),
 * Header Len against the type's minimum and every option's length. Not
 * the checksum (xmip_pkt_parse did, over the right pseudo-header).
 * XMIP_PARSE_UNKNOWN_MH_TYPE for any other type.
 */
enum xmip_parse_err xmip_rr_parse(const uint8_t *mh, size_t len, struct xmip_rr_msg *out);

/*
 * A Home or Care-of Test to the mobile node that xmip_pkt_parse left as
 * an unknown type: the error an ICMPv6 Parameter Problem answers (RFC
 * 6275 §9.2: Payload Proto not 59, Header Len too short for the type;
 * xmip_parse_param_problem gives the Pointer), else XMIP_PARSE_OK (the
 * test's own checks judge the rest).
 */
struct xmip_pkt;
enum xmip_parse_err xmip_rr_test_param_problem(const struct xmip_pkt *p);

/* The options of a BU to a correspondent, or of a correspondent's BA. */
struct xmip_rr_opts {
	bool     has_nonce_idx;          /* Nonce Indices (§6.2.6) */
	uint16_t home_nonce_index;
	uint16_t coa_nonce_index;
	bool     has_auth_data;          /* Binding Authorization Data (§6.2.7) */
	bool     auth_data_last;         /* the last option, nothing after it, not even padding */
	uint8_t  auth_data_len;          /* its Option Length: 12 for RR */
	size_t   auth_off;               /* offset of the Authenticator field in the MH */
	uint8_t  authenticator[XMIP_RR_AUTH_LEN];
	bool     has_alt_coa;            /* Alternate Care-of Address (§6.2.5) */
	struct in6_addr alt_coa;
	bool     has_refresh;            /* Binding Refresh Advice (§6.2.4) */
	uint16_t refresh_units;
	unsigned n_unknown;              /* others, skipped (§6.2.1) */
};

/*
 * Walk the mobility options of a BU or BA (they start at octet 12) of a
 * bare MH of mh_len octets (Header Len already checked against it). A
 * repeated option, a Nonce Indices or Alternate CoA option of the wrong
 * length or an option that overruns the message is XMIP_PARSE_BAD_OPTION.
 */
enum xmip_parse_err xmip_rr_opts_parse(const uint8_t *mh, size_t mh_len, struct xmip_rr_opts *o);

/* --- Building bare messages (checksum and authenticator left 0) --- */

/* HoTI or CoTI with the cookie. Returns the MH length or -1. */
int xmip_rr_build_init(uint8_t *mh, size_t cap, uint8_t type, const uint8_t cookie[8]);
/* HoT or CoT. */
int xmip_rr_build_test(uint8_t *mh, size_t cap, uint8_t type, uint16_t nonce_index,
		       const uint8_t cookie[8], const uint8_t token[8]);
/* Binding Refresh Request. */
int xmip_rr_build_brr(uint8_t *mh, size_t cap);

struct xmip_rr_bu_fields {
	uint16_t seq;
	uint16_t flags;                  /* XMIP_BU_F_A; never H to a correspondent */
	uint16_t lifetime_units;         /* 0: delete the binding */
	uint16_t home_nonce_index;
	uint16_t coa_nonce_index;
	const struct in6_addr *alt_coa;  /* NULL: none */
};

/* BU to a correspondent; *auth_off: where the Authenticator goes. */
int xmip_rr_build_bu(uint8_t *mh, size_t cap, const struct xmip_rr_bu_fields *f,
		     size_t *auth_off);

/* A correspondent's BA; with_auth adds Binding Authorization Data (*auth_off; else 0). */
int xmip_rr_build_ba(uint8_t *mh, size_t cap, uint8_t status, uint16_t seq,
		     uint16_t lifetime_units, bool with_auth, size_t *auth_off);

/*
 * A whole IPv6 packet around a finished MH (authenticator filled in): the
 * IPv6 header (src, dst, next header per what follows, hop limit 64), a
 * type-2 routing header carrying rh2_hoa (NULL: none) or a Destination
 * Options header with a Home Address option carrying hao (NULL: none;
 * not both), the MH copied in, and its checksum, over the pseudo-header
 * RFC 6275 §6.1.1 says: source = hao if any, destination = rh2_hoa if any.
 * Returns the packet length or -1.
 */
int xmip_rr_pkt(uint8_t *buf, size_t cap, const struct in6_addr *src,
		const struct in6_addr *dst, const struct in6_addr *rh2_hoa,
		const struct in6_addr *hao, const uint8_t *mh, size_t mh_len);

#endif /* XMIP_MH_RR_H */
