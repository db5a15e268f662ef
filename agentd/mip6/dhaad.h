/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Home agent discovery and mobile prefixes (RFC 6275 §6.5-§6.8, §10.5,
 * §10.6, §11.4): the ICMPv6 messages 144-147, pure code, no I/O.
 *
 * Building: whole IPv6 packets (header, ICMPv6 with its checksum), ready
 * for the raw IPPROTO_RAW socket; the length, or -1 if cap is too small or
 * an argument is invalid.
 * Parsing: an ICMPv6 message as a raw ICMPv6 socket hands it over (from
 * the ICMPv6 header; the kernel has checked the checksum); never reads
 * past len.
 */
#ifndef XMIP_MIP6_DHAAD_H
#define XMIP_MIP6_DHAAD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 2526 §3: the Mobile IPv6 Home-Agents anycast ID. */
#define XMIP_HA_ANYCAST_ID 126
/* §10.5: a reply fits the minimum MTU: (1280 - 40 - 8) / 16 addresses. */
#define XMIP_HAAD_MAX_ADDRS 77
#define XMIP_MPA_MAX_PREFIXES 8
/* RFC 4861 §4.6.2 Prefix Information option, with the R flag of RFC 6275 §7.2. */
#define XMIP_ND_OPT_PREFIX_INFO 3
#define XMIP_PI_F_L 0x80
#define XMIP_PI_F_A 0x40
#define XMIP_PI_F_R 0x20
/* RFC 3963 §7.1, §7.2: Mobile Router Support flag of DHAAD request and reply. */
#define XMIP_HAAD_F_R 0x80

/*
 * The Mobile IPv6 Home-Agents anycast address of prefix/plen (RFC 6275
 * §6.5, RFC 2526 §2): for a 64-bit prefix the interface identifier
 * fdff:ffff:ffff:fffe (EUI-64 format, universal/local bit 0, anycast ID
 * 126 in the last 7 bits); for other lengths every bit after the prefix
 * 1 but the last 7, which hold 126. plen 1..121, else -1.
 */
int xmip_ha_anycast(const struct in6_addr *prefix, unsigned int plen, struct in6_addr *out);

struct xmip_mpa_prefix {
	struct in6_addr prefix;
	uint8_t  plen;
	uint8_t  flags;              /* XMIP_PI_F_* */
	uint32_t valid_s, preferred_s;
};

/* One parsed ICMPv6 message of types 144-147. */
struct xmip_icmp6_mip {
	uint8_t  type;               /* XMIP_ICMP6_HAAD_REQUEST ... XMIP_ICMP6_MPA */
	uint16_t id;                 /* Identifier, host order */
	bool     r;                  /* HAAD request/reply: R flag (RFC 3963 §7) */
	/* HAAD Reply: the home agents, in the order given */
	size_t   n_addrs;
	struct in6_addr addrs[XMIP_HAAD_MAX_ADDRS];
	/* MPA: M and O (XMIP_MPA_F_*) and the Prefix Information options */
	uint8_t  mpa_flags;
	size_t   n_prefixes;         /* kept: the first XMIP_MPA_MAX_PREFIXES */
	struct xmip_mpa_prefix prefixes[XMIP_MPA_MAX_PREFIXES];
};

enum xmip_icmp6_mip_err {
	XMIP_ICMP6_MIP_OK = 0,
	XMIP_ICMP6_MIP_TRUNCATED,    /* shorter than the 8-octet header */
	XMIP_ICMP6_MIP_NOT_OURS,     /* a type other than 144-147 */
	XMIP_ICMP6_MIP_BAD_CODE,     /* code not 0 */
	XMIP_ICMP6_MIP_BAD_LENGTH,   /* reply: address list not a multiple of 16 octets */
	XMIP_ICMP6_MIP_BAD_OPTION,   /* an ND option of length 0 or past the end (RFC 4861 §4.6) */
};

enum xmip_icmp6_mip_err xmip_icmp6_mip_parse(const uint8_t *msg, size_t len,
					     struct xmip_icmp6_mip *out);
const char *xmip_icmp6_mip_strerror(enum xmip_icmp6_mip_err e);

/* §6.5: src the MN's care-of address, dst the home agents anycast address. */
/* r: a mobile router asks for home agents that support it (RFC 3963 §7.1). */
int xmip_haad_build_request(uint8_t *buf, size_t cap, const struct in6_addr *src,
			    const struct in6_addr *dst, uint16_t id, bool r);
/* §6.6, §10.5: at most XMIP_HAAD_MAX_ADDRS of addrs (the first ones) go
 * in; r: they support mobile routers (RFC 3963 §7.2). */
int xmip_haad_build_reply(uint8_t *buf, size_t cap, const struct in6_addr *src,
			  const struct in6_addr *dst, uint16_t id, bool r,
			  const struct in6_addr *addrs, size_t n);
/* §6.7 (sent through the tunnel from the home address, docs/CONFORMANCE.md). */
int xmip_mps_build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		   const struct in6_addr *dst, uint16_t id);
/* §6.8: M and O clear (no DHCPv6), one Prefix Information option per prefix. */
int xmip_mpa_build(uint8_t *buf, size_t cap, const struct in6_addr *src,
		   const struct in6_addr *dst, uint16_t id,
		   const struct xmip_mpa_prefix *p, size_t n);

/*
 * §10.5 order of a reply: decreasing preference; equal preferences in a
 * random order (rnd: a random value per reply). Sorts idx[0..n) of the
 * preferences pref[] in place.
 */
void xmip_haad_order(const int32_t *pref, size_t *idx, size_t n, uint32_t rnd);

#endif /* XMIP_MIP6_DHAAD_H */
