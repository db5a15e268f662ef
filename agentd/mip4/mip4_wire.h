/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv4 message codec (RFC 5944 §2, §3; RFC 3519 §3; RFC 2794 §2):
 * Registration Request and Reply with their extensions, and Agent
 * Advertisement / Solicitation (ICMP Router Discovery, RFC 1256). Every
 * parser takes (buf, len), never reads past len and keeps the offsets of
 * what it found in the caller's buffer; builders write into (buf, cap) and
 * return the new length or -1 when it would not fit. No I/O, no keys
 * (mip4_auth.h signs and verifies).
 */
#ifndef XMIP_MIP4_WIRE_H
#define XMIP_MIP4_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xmip_wire_mip4.h"

/* A UDP payload on one Ethernet frame; longer messages are refused. */
#define XMIP_MIP4_MAX_MSG     1472
/* Extensions one message may carry (padding octets count): more is refused. */
#define XMIP_MIP4_MAX_EXT     32
/* Care-of addresses one advertisement may carry (Length is one octet: (255 - 6) / 4). */
#define XMIP_MIP4_ADV_MAX_COA 62
#define XMIP_MIP4_ADV_MAX_RTR 16

enum xmip_mip4_err {
	XMIP_MIP4_E_OK = 0,
	XMIP_MIP4_E_SHORT,          /* shorter than the fixed part */
	XMIP_MIP4_E_LONG,           /* longer than XMIP_MIP4_MAX_MSG */
	XMIP_MIP4_E_TYPE,           /* not a message type this parser reads */
	XMIP_MIP4_E_EXT_TRUNC,      /* an extension runs past the end */
	XMIP_MIP4_E_EXT_LEN,        /* a known extension with a length it cannot have */
	XMIP_MIP4_E_EXT_UNKNOWN,    /* a type 1-127 we do not know: drop the message (§1.8) */
	XMIP_MIP4_E_EXT_TOO_MANY,   /* more than XMIP_MIP4_MAX_EXT */
	XMIP_MIP4_E_CHECKSUM,       /* ICMP checksum wrong */
	XMIP_MIP4_E_NOT_AGENT,      /* a Router Advertisement without the agent extension */
	XMIP_MIP4_E__MAX,
};
const char *xmip_mip4_strerror(enum xmip_mip4_err e);

/* One extension as found: type at msg[off]; data at msg[off + 2], len octets (pad: len 0, one octet). */
struct xmip_mip4_ext {
	uint8_t  type;
	uint8_t  len;
	uint16_t off;
};

/* A Registration Request (type 1) or Reply (type 3), parsed. */
struct xmip_mip4_reg {
	uint8_t  type;
	uint8_t  flags;             /* request: XMIP_MIP4_F_* */
	uint8_t  code;              /* reply: enum xmip_mip4_code */
	uint16_t lifetime;
	uint8_t  hoa[4];
	uint8_t  ha[4];
	uint8_t  coa[4];            /* request only */
	uint64_t id;                /* Identification, host order */
	uint16_t len;               /* the whole message */
	struct xmip_mip4_ext ext[XMIP_MIP4_MAX_EXT];
	uint8_t  n_ext;
	/* Index in ext[] of the first of each, -1 if absent, and how many there are. */
	int8_t   mn_ha, mn_fa, fa_ha, nai, udp_req, udp_rep, delivery;
	uint8_t  n_mn_ha, n_mn_fa, n_fa_ha, n_udp_req;
};

/* Parse a Registration Request or Reply (the UDP payload). */
enum xmip_mip4_err xmip_mip4_reg_parse(const uint8_t *msg, size_t len, struct xmip_mip4_reg *m);
/* The fixed part alone (as much as an FA needs to deny a request it cannot parse further). */
enum xmip_mip4_err xmip_mip4_reg_parse_fixed(const uint8_t *msg, size_t len,
					     struct xmip_mip4_reg *m);

/* An authentication extension (32, 33, 34) of m: its SPI and authenticator. */
struct xmip_mip4_auth_view {
	uint32_t       spi;
	const uint8_t *auth;
	size_t         auth_len;
	size_t         covered;     /* octets the authenticator covers: up to and with the SPI */
};
void xmip_mip4_auth_view(const uint8_t *msg, const struct xmip_mip4_ext *e,
			 struct xmip_mip4_auth_view *v);

/* RFC 3519 §3.1 UDP Tunnel Request and §3.2 Reply extensions. */
struct xmip_mip4_udp_req {
	uint8_t  subtype, reserved1, flags, encap;   /* flags: XMIP_MIP4_UDP_REQ_F | _R */
	uint16_t reserved3;                          /* MUST be 0 (RFC 3519 §3.1.3) */
};
struct xmip_mip4_udp_rep {
	uint8_t  subtype, code;
	uint16_t flags;                              /* XMIP_MIP4_UDP_REP_F */
	uint16_t keepalive;                          /* seconds; 0: the MN's default */
};
void xmip_mip4_udp_req_view(const uint8_t *msg, const struct xmip_mip4_ext *e,
			    struct xmip_mip4_udp_req *r);
void xmip_mip4_udp_rep_view(const uint8_t *msg, const struct xmip_mip4_ext *e,
			    struct xmip_mip4_udp_rep *r);

/*
 * Builders. The fixed part from m's fields (type, flags/code, lifetime,
 * hoa, ha, coa, id); then extensions appended at off (the length so far).
 * Each returns the new length, or -1 if cap is too small or a field cannot
 * be encoded.
 */
int xmip_mip4_build_fixed(uint8_t *buf, size_t cap, const struct xmip_mip4_reg *m);
int xmip_mip4_put_ext(uint8_t *buf, size_t cap, size_t off, uint8_t type,
		      const void *data, size_t len);
int xmip_mip4_put_nai(uint8_t *buf, size_t cap, size_t off, const char *nai);
int xmip_mip4_put_udp_req(uint8_t *buf, size_t cap, size_t off, const struct xmip_mip4_udp_req *r);
int xmip_mip4_put_udp_rep(uint8_t *buf, size_t cap, size_t off, const struct xmip_mip4_udp_rep *r);
/* The fixed part of m, then extensions [from, to) of m as found in msg: parse -> build. */
int xmip_mip4_rebuild(uint8_t *buf, size_t cap, const struct xmip_mip4_reg *m,
		      const uint8_t *msg, size_t from, size_t to);

/* ---- Agent Discovery (§2) ---- */

/* An Agent Advertisement: ICMP Router Advertisement + Mobility Agent Advertisement extension. */
struct xmip_mip4_adv {
	uint8_t  code;              /* 0 or 16 */
	uint16_t lifetime;          /* ICMP Lifetime, seconds */
	uint8_t  n_rtr;
	uint8_t  rtr[XMIP_MIP4_ADV_MAX_RTR][4];   /* router addresses (first n_rtr kept) */
	int32_t  pref[XMIP_MIP4_ADV_MAX_RTR];
	uint16_t seq;               /* §2.1.1 */
	uint16_t reg_lifetime;
	uint16_t flags;             /* XMIP_MIP4_ADV_* */
	uint8_t  n_coa;
	uint8_t  coa[XMIP_MIP4_ADV_MAX_COA][4];
	bool     has_prefix_len;    /* §2.1.2 */
	uint8_t  prefix_len[XMIP_MIP4_ADV_MAX_RTR];
};

/* Parse an ICMP message of len octets (from the ICMP header on), checksum included. */
enum xmip_mip4_err xmip_mip4_adv_parse(const uint8_t *icmp, size_t len, struct xmip_mip4_adv *a);
/* Build one (checksum computed; one-octet padding when the length would be odd, §2.1.3). */
int xmip_mip4_adv_build(uint8_t *buf, size_t cap, const struct xmip_mip4_adv *a);
/* An Agent Solicitation is an ICMP Router Solicitation (§2.2): 8 octets. */
enum xmip_mip4_err xmip_mip4_sol_parse(const uint8_t *icmp, size_t len);
int xmip_mip4_sol_build(uint8_t *buf, size_t cap);

/* §2.3.2: the sequence number after seq. */
uint16_t xmip_mip4_adv_seq_next(uint16_t seq);

/*
 * RFC 3519 §4.9 keepalive: "a properly UDP encapsulated ICMP echo request
 * directed to the home agent": the UDP 434 payload, a MIP Tunnel Data header
 * (§3.3: type 4, next header 4) and an IPv4 packet from the home address to
 * the home agent holding an ICMP echo request (identifier id, sequence seq).
 * Returns the length (XMIP_MIP4_KEEPALIVE_LEN) or -1 if cap is too small.
 */
#define XMIP_MIP4_KEEPALIVE_LEN 32   /* 4 + 20 (IPv4) + 8 (ICMP echo) */
int xmip_mip4_keepalive_build(uint8_t *buf, size_t cap, const uint8_t hoa[4],
			      const uint8_t ha[4], uint16_t id, uint16_t seq);
/*
 * The answer the HA's stack sends: an IPv4 packet (as a raw socket gives it,
 * or the inner packet of a type-4 message) holding an ICMP echo reply from
 * ha to hoa with identifier id, its checksums right. true: it is one; *seq
 * is its sequence number.
 */
bool xmip_mip4_keepalive_reply(const uint8_t *ip, size_t len, const uint8_t hoa[4],
			       const uint8_t ha[4], uint16_t id, uint16_t *seq);

/* The Internet checksum (RFC 1071) of len octets added to sum; fold with xmip_mip4_csum_fold. */
uint32_t xmip_mip4_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t xmip_mip4_csum_fold(uint32_t sum);

/* "registration accepted", "identification mismatch"... for logs and dumps. */
const char *xmip_mip4_code_str(uint8_t code);

#endif /* XMIP_MIP4_WIRE_H */
