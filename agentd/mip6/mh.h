/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobility Header (RFC 6275 §6.1) parsing and building, pure code, no I/O.
 *
 * Parsing: xmip_pkt_parse() takes a whole IPv6 packet exactly as the
 * datapath hands it over in struct xmip_signal_event (from the IPv6 header
 * on), walks Hop-by-Hop / Destination Options (Home Address option) /
 * type-2 routing header up to the Mobility Header, checks the MH checksum
 * and parses the message and its options. It never reads past len, and
 * the result holds no pointer into the packet except pkt->mh (valid as
 * long as the caller's buffer is). The checks come in the order of RFC
 * 6275 §9.2: checksum (bad: silently discard), MH type (unknown: Binding
 * Error 2), Payload Proto (not 59: ICMPv6 Parameter Problem), Header Len
 * (too short for the type: Parameter Problem); xmip_parse_param_problem()
 * says where the Parameter Problem's pointer goes.
 *
 * Building: xmip_pkt_build_bu/ba/be() write a whole IPv6 packet (header,
 * HAO or RH2, MH with options, RFC 4285 authenticator, MH checksum) into
 * a caller buffer, ready for a raw IPPROTO_RAW socket. They return the
 * packet length, or -1 if cap is too small or an argument is invalid.
 *
 * Option layout this module produces (offsets from the start of the MH):
 *   BU: fixed part 0..11, MN-ID at 12 (no alignment), Alternate CoA at
 *       8n+6, Mobile Network Prefix at 8n+4 (RFC 3963 §4.3), IPv4 Home Address and IPv4 Care-of Address at 4n (RFC 5555
 *       §3.1.1, §3.1.2), Mesg-ID at 8n+2, Authentication at 8n+5 (meets its 4n+1
 *       rule AND makes the message end on 8n with no trailing padding, so
 *       the Authentication option is really the last octets of the MH).
 *   BA: fixed part 0..11, Mesg-ID at 8n+2, Binding Refresh Advice at 2n,
 *       IPv4 Address Acknowledgement and NAT Detection at 4n (RFC 5555
 *       §3.2.1, §3.2.2), Authentication at 8n+5.
 *   The RFC 5555 options are parsed wherever they are (alignment is the
 *   sender's rule, RFC 6275 §6.2); each must have length 6, and appear
 *   once (a second IPv4 Home Address option, which §4.4.2 allows for a
 *   prefix request, is counted in n_ipv4_hoa and otherwise ignored).
 *   Padding is Pad1 for one octet, PadN otherwise (RFC 6275 §6.2.1).
 */
#ifndef XMIP_MH_H
#define XMIP_MH_H

#include <linux/types.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"     /* struct xmip_mnp */
#include "xmip_wire.h"

#define XMIP_MH_HOP_LIMIT   64    /* hop limit of the packets we build */
#define XMIP_MH_NAI_MAX     254   /* longest NAI an MN-ID option can carry (255 - subtype) */
#define XMIP_MH_MIN_BU_LEN  12    /* MH fixed 6 + seq, flags, lifetime */
#define XMIP_MH_MIN_BA_LEN  12    /* MH fixed 6 + status, flags, seq, lifetime */
#define XMIP_MH_MIN_BE_LEN  24    /* MH fixed 6 + status, reserved, home address */
#define XMIP_MH_MIN_BRR_LEN 8     /* MH fixed 6 + reserved */
#define XMIP_LIFETIME_UNIT_S 4    /* BU/BA lifetime and refresh advice are in 4 s units */
#define XMIP_AUTH_OPT_LEN   17    /* option length of MN-HA auth: subtype + SPI + 12 */
#define XMIP_MH_MAX_MNP     8     /* Mobile Network Prefix options kept per BU (RFC 3963) */

/* Outcome of xmip_pkt_parse(); anything but OK means "do not act on it". */
enum xmip_parse_err {
	XMIP_PARSE_OK = 0,
	XMIP_PARSE_TRUNCATED,        /* a header or the payload runs past len */
	XMIP_PARSE_NOT_IPV6,         /* version nibble != 6 */
	XMIP_PARSE_BAD_EXTHDR,       /* malformed extension header, bad HAO/RH2 */
	XMIP_PARSE_NOT_MH,           /* no Mobility Header (or fragment, ESP...) */
	XMIP_PARSE_BAD_PAYLOAD_PROTO,/* MH Payload Proto != 59 */
	XMIP_PARSE_BAD_MH_LEN,       /* Header Len too short for the type / past payload */
	XMIP_PARSE_BAD_CSUM,         /* MH checksum wrong */
	XMIP_PARSE_UNKNOWN_MH_TYPE,  /* valid MH of a type we do not handle:
	                              * answer with Binding Error status 2;
	                              * pkt src/dst/HAO and msg.type are filled */
	XMIP_PARSE_BAD_OPTION,       /* an option overruns the message or has a bad length */
	XMIP_PARSE_MH_TOO_SHORT,     /* Header Len below the minimum of the (known) type:
	                              * ICMPv6 Parameter Problem, RFC 6275 §9.2 */
};

struct xmip_pkt;

/*
 * RFC 6275 §9.2: the ICMPv6 Parameter Problem (code 0) a packet that
 * failed with err gets, and its Pointer (an offset into the packet as
 * received): the Payload Proto field (BAD_PAYLOAD_PROTO) or the Header
 * Len field (MH_TOO_SHORT). -1: no Parameter Problem for this error.
 */
long xmip_parse_param_problem(const struct xmip_pkt *pkt, enum xmip_parse_err err);

const char *xmip_parse_strerror(enum xmip_parse_err err);

/* Mobility options found in a message (only those this slice uses). */
struct xmip_mh_opts {
	bool     has_mnid;           /* MN-ID option (RFC 4283) */
	uint8_t  mnid_subtype;       /* 1 = NAI */
	uint8_t  nai_len;
	char     nai[XMIP_MH_NAI_MAX + 1];   /* copied, NUL-terminated */

	bool     has_mesg_id;        /* Mesg-ID / replay protection (RFC 4285 §6) */
	uint64_t mesg_id;            /* host order, NTP format (see below) */

	bool     has_auth;           /* Authentication option (RFC 4285 §5) */
	bool     auth_is_last;       /* nothing but nothing follows it in the MH */
	uint8_t  auth_subtype;       /* 1 = MN-HA */
	uint32_t auth_spi;           /* host order */
	uint8_t  authenticator[XMIP_AUTH_HMAC_SHA1_96_LEN];
	uint8_t  auth_data_len;      /* octets of authentication data present */
	size_t   auth_opt_off;       /* offset of the option's Type octet in the MH */

	bool     has_refresh;        /* Binding Refresh Advice (RFC 6275 §6.2.4) */
	uint16_t refresh_units;      /* 4 s units */

	bool     has_alt_coa;        /* Alternate Care-of Address (§6.2.5) */
	struct in6_addr alt_coa;

	bool     has_nonce_idx;      /* Nonce Indices (§6.2.6): never in a home registration */
	bool     has_auth_data;      /* Binding Authorization Data (§6.2.7), RR only */

	/* DSMIPv6 (RFC 5555 §3.1, §3.2; include/xmip_dsmip.h) */
	bool     has_ipv4_hoa;       /* IPv4 Home Address option (29), the first one */
	unsigned n_ipv4_hoa;         /* how many there were */
	uint8_t  ipv4_hoa_plen;      /* Prefix-len (6 bits); 0 is invalid (§3.1.1) */
	bool     ipv4_hoa_p;         /* P: a mobile network prefix is requested */
	struct in_addr ipv4_hoa;     /* 0.0.0.0: a dynamic address is requested */
	bool     has_ipv4_coa;       /* IPv4 Care-of Address option (32) */
	struct in_addr ipv4_coa;
	bool     has_ipv4_ack;       /* IPv4 Address Acknowledgement (30) */
	uint8_t  ipv4_ack_status;    /* enum xmip_ipv4_ack_status */
	uint8_t  ipv4_ack_plen;      /* Pref-len (6 bits) */
	struct in_addr ipv4_ack_hoa;
	bool     has_nat_detect;     /* NAT Detection (31) */
	bool     nat_f;              /* F: UDP encapsulation required */
	uint32_t nat_refresh_s;      /* 0: ignore; 0xffffffff: no keepalive needed */

	/* NEMO (RFC 3963 §4.3): Mobile Network Prefix options, in order.
	 * n_mnp counts them all; only the first XMIP_MH_MAX_MNP are kept. */
	unsigned n_mnp;
	struct xmip_mnp mnp[XMIP_MH_MAX_MNP];

	unsigned n_unknown;          /* unknown options skipped (RFC 6275 §6.2.1) */
};

/* One parsed Mobility Header message. Fields not used by the type are 0. */
struct xmip_mh_msg {
	uint8_t  type;               /* enum xmip_mh_type */
	uint16_t seq;                /* BU, BA */
	uint16_t bu_flags;           /* BU: XMIP_BU_F_* */
	uint8_t  ba_status;          /* BA: enum xmip_ba_status */
	uint8_t  ba_flags;           /* BA: XMIP_BA_F_* */
	uint16_t lifetime_units;     /* BU, BA: 4 s units */
	uint8_t  be_status;          /* BE */
	struct in6_addr be_hoa;      /* BE: Home Address field */
	struct xmip_mh_opts opts;
};

/* A whole IPv6 packet carrying a Mobility Header. */
struct xmip_pkt {
	struct in6_addr src;         /* IPv6 header source (a BU's CoA) */
	struct in6_addr dst;         /* IPv6 header destination */
	uint8_t  hop_limit;
	uint16_t payload_len;        /* from the IPv6 header */

	bool     has_hao;            /* Home Address destination option */
	struct in6_addr hao;         /* the home address it carries */
	size_t   hao_off;            /* offset of the HAO type octet in the packet */

	bool     has_rh2;            /* type-2 routing header */
	struct in6_addr rh2_addr;    /* the home address it carries */
	uint8_t  rh2_segs_left;

	/* Addresses of the MH pseudo-header (RFC 6275 §6.1.1): source = HoA
	 * from the HAO if present else src; destination = the RH2 address
	 * (the final destination) if present else dst. */
	struct in6_addr mh_src;
	struct in6_addr mh_dst;

	const uint8_t *mh;           /* points into the caller's buffer */
	size_t   mh_off;             /* offset of the MH in the packet */
	size_t   mh_len;             /* (Header Len + 1) * 8 */

	struct xmip_mh_msg msg;
};

/*
 * Parse a whole IPv6 packet (from the IPv6 header) of len octets. On OK
 * (and on UNKNOWN_MH_TYPE) *out is filled. Only the first payload_len + 40
 * octets count; trailing octets beyond that (link padding) are ignored.
 */
enum xmip_parse_err xmip_pkt_parse(const uint8_t *buf, size_t len, struct xmip_pkt *out);

/*
 * Parse a bare Mobility Header of len octets (Header Len must fit in len),
 * without checksum verification: for tests and for callers that checked
 * the checksum themselves.
 */
enum xmip_parse_err xmip_mh_parse(const uint8_t *mh, size_t len, struct xmip_mh_msg *out);

/* Internet checksum of the MH with the IPv6 pseudo-header (next header 135).
 * The checksum field is included as it is: 0 on a valid message when
 * verifying, so set it to 0 before computing one to write. */
uint16_t xmip_mh_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			  const uint8_t *mh, size_t len);

/* Compute and store the MH checksum (octets 4..5 of mh). */
void xmip_mh_set_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			  uint8_t *mh, size_t len);

/* --- Building bare messages (checksum left 0, authenticator left 0) --- */

/* Key material of an MN-HA security association (RFC 4285). */
struct xmip_mn_ha_sa {
	uint32_t       spi;
	const uint8_t *key;
	size_t         key_len;
};

struct xmip_bu_fields {
	uint16_t seq;
	uint16_t flags;              /* XMIP_BU_F_* */
	uint16_t lifetime_units;     /* 4 s units; 0 = deregistration */
	const char *nai;             /* NULL: no MN-ID option */
	size_t   nai_len;            /* 1..XMIP_MH_NAI_MAX */
	bool     has_mesg_id;
	uint64_t mesg_id;            /* NTP format */
	const struct in6_addr *alt_coa; /* NULL: no Alternate CoA option */
	bool     has_auth;           /* add an MN-HA Authentication option (last) */
	uint32_t spi;
	/* DSMIPv6 (RFC 5555 §3.1) */
	bool     has_ipv4_hoa;
	uint8_t  ipv4_hoa_plen;      /* 1..63 (6 bits) */
	bool     ipv4_hoa_p;
	struct in_addr ipv4_hoa;     /* 0.0.0.0: ask for a dynamic one */
	bool     has_ipv4_coa;
	struct in_addr ipv4_coa;
	/* NEMO explicit mode (RFC 3963 §5.2): Mobile Network Prefix options */
	const struct xmip_mnp *mnp;
	size_t   n_mnp;              /* 0..XMIP_MH_MAX_MNP */
};

struct xmip_ba_fields {
	uint8_t  status;
	uint8_t  flags;              /* XMIP_BA_F_* */
	uint16_t seq;
	uint16_t lifetime_units;
	bool     has_mesg_id;        /* echo on success; HA's time on 144/145 */
	uint64_t mesg_id;
	bool     has_refresh;
	uint16_t refresh_units;
	bool     has_auth;
	uint32_t spi;
	/* DSMIPv6 (RFC 5555 §3.2) */
	bool     has_ipv4_ack;
	uint8_t  ipv4_ack_status;
	uint8_t  ipv4_ack_plen;      /* 0 on failure (§3.2.1) */
	struct in_addr ipv4_ack_hoa;
	bool     has_nat_detect;
	bool     nat_f;
	uint32_t nat_refresh_s;
};

/* Where the builder put things, so the authenticator can be filled in. */
struct xmip_mh_layout {
	size_t auth_opt_off;         /* 0: no Authentication option */
};

int xmip_mh_build_bu(uint8_t *mh, size_t cap, const struct xmip_bu_fields *f,
		     struct xmip_mh_layout *lay);
int xmip_mh_build_ba(uint8_t *mh, size_t cap, const struct xmip_ba_fields *f,
		     struct xmip_mh_layout *lay);
/* Binding Error (RFC 6275 §6.1.9); hoa NULL = unspecified address. */
int xmip_mh_build_be(uint8_t *mh, size_t cap, uint8_t status, const struct in6_addr *hoa);

/* --- Building whole packets, ready to send --- */

/*
 * MN → HA Binding Update: IPv6 (src coa, dst ha) + Destination Options
 * with the Home Address option (only when coa != hoa) + MH. With
 * f->has_auth, sa must be given: the authenticator is computed over
 * coa | hoa | MH (RFC 4285 §5.1) before the checksum is filled.
 */
int xmip_pkt_build_bu(uint8_t *buf, size_t cap,
		      const struct in6_addr *coa, const struct in6_addr *ha,
		      const struct in6_addr *hoa, const struct xmip_bu_fields *f,
		      const struct xmip_mn_ha_sa *sa);

/*
 * HA → MN Binding Acknowledgement: IPv6 (src ha, dst coa) + type-2 routing
 * header carrying hoa (only when coa != hoa) + MH. Authenticated over
 * coa | hoa | MH when f->has_auth (sa required).
 */
int xmip_pkt_build_ba(uint8_t *buf, size_t cap,
		      const struct in6_addr *ha, const struct in6_addr *coa,
		      const struct in6_addr *hoa, const struct xmip_ba_fields *f,
		      const struct xmip_mn_ha_sa *sa);

/*
 * Binding Error from src to dst (the offending packet's source, RFC 6275
 * §9.3.3). hoa: the offending packet's HAO address, NULL if it had none.
 */
int xmip_pkt_build_be(uint8_t *buf, size_t cap,
		      const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t status, const struct in6_addr *hoa);

/* --- RFC 4285 Mesg-ID timestamps: 64-bit NTP format, seconds since
 * 1900-01-01 in the high 32 bits, binary fraction in the low 32 bits. --- */

#define XMIP_NTP_UNIX_OFFSET 2208988800ULL  /* seconds 1900 → 1970 */

static inline uint64_t xmip_ntp_from_unix_ns(uint64_t unix_ns)
{
	uint64_t sec = unix_ns / 1000000000ULL;
	uint64_t nsec = unix_ns % 1000000000ULL;

	return ((sec + XMIP_NTP_UNIX_OFFSET) << 32) | ((nsec << 32) / 1000000000ULL);
}

/* Signed: a timestamp before 1970 (a broken clock) comes out negative.
 * NTP era 0 ends in 2036; seconds with the top bit clear are taken as
 * era 1, 2036-2104 (RFC 4330 §3), like every NTP client does. */
static inline int64_t xmip_ntp_to_unix_ns(uint64_t ntp)
{
	int64_t sec = (int64_t)(ntp >> 32) - (int64_t)XMIP_NTP_UNIX_OFFSET;
	uint64_t frac = ntp & 0xffffffffULL;

	if (!(ntp >> 63))
		sec += 1LL << 32;
	return sec * 1000000000LL + (int64_t)((frac * 1000000000ULL) >> 32);
}

/* a - b for two Mesg-IDs, as serial numbers: right across the 2036 era
 * wrap (xmip_ntp_from_unix_ns() wraps there, modulo 2^64). */
static inline int64_t xmip_ntp_diff(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b);
}

/*
 * A whole BA as the DSMIPv6 home agent sends it inside UDP (RFC 5555
 * §4.2): IPv6 (src ha, dst hoa), no routing header, MH. Unlike
 * xmip_pkt_build_ba() the RFC 4285 authenticator's care-of address is
 * given apart (auth_coa): the IPv4-mapped IPv4 care-of address
 * (docs/dsmip.md), while the IPv6 destination is the home address.
 */
int xmip_pkt_build_ba_to_hoa(uint8_t *buf, size_t cap, const struct in6_addr *ha,
			     const struct in6_addr *hoa, const struct in6_addr *auth_coa,
			     const struct xmip_ba_fields *f, const struct xmip_mn_ha_sa *sa);

/*
 * A whole BU as a DSMIPv6 mobile node sends it inside UDP (RFC 5555
 * §4.4.2): IPv6 (src hoa, dst ha), no Home Address option, MH;
 * authenticated over auth_coa | hoa | MH.
 */
int xmip_pkt_build_bu_from_hoa(uint8_t *buf, size_t cap, const struct in6_addr *hoa,
			       const struct in6_addr *ha, const struct in6_addr *auth_coa,
			       const struct xmip_bu_fields *f, const struct xmip_mn_ha_sa *sa);

/* "accepted", "sequence out of window" ... for a BA status (ba_status.c). */
const char *xmip_ba_status_name(unsigned int status);
/* The same as metrics label values (ba_status.c): "binding_update", "mipv6_auth_fail". */
const char *xmip_mh_type_label(unsigned int type);
const char *xmip_ba_status_label(unsigned int status);

#endif /* XMIP_MH_H */
