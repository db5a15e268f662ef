/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The DSMIPv6 home agent's decision for one Binding Update that arrived in
 * UDP 4191 (RFC 5555 §4.2, §4.5), as pure data: what to answer, which
 * binding to write, what the operators are told. No I/O, no clock reads.
 * docs/dsmip.md says the same for operators.
 *
 * The inner IPv6 packet is parsed by xmip_pkt_parse() (mip6/mh.c); obs is
 * what the socket (or a datapath record) said about the outer headers.
 * Checks, in order; the first that fails decides:
 *   Silently discarded (counted, logged rate-limited):
 *   - did not parse, or not a BU (no Binding Error over UDP: the MN has
 *     no binding the HA could name);
 *   - a Home Address option or a routing header (§4.2: the inner source
 *     is the home address; a HAO would name another one);
 *   - inner destination not the HA's address; home address (inner
 *     source) or outer source not unicast;
 *   - outer IPv4 without an IPv4 Care-of Address option in a
 *     registration (nothing to detect a NAT with, nothing to authenticate
 *     as the care-of address); the option's address not unicast;
 *   - H clear; Nonce Indices (as RFC 6275 §9.5.1 for the IPv6 case);
 *   - a replay outside the Mesg-ID window (xmip_ha_fresh()).
 *   Refused, answered (mip6's statuses, mip6's order): R without H
 *   140; home
 *   address outside the home prefix 132; no [mn] / wrong NAI 133
 *   (unauthenticated); authenticator 146; no Mesg-ID 145; freshness 135
 *   or 144; sequence number 135; deregistration without a binding 133;
 *   care-of address (or outer source) the HA's own IPv4 address 129;
 *   R with mobile-routers = no 140 (signed, Mesg-ID echoed: RFC 3963
 *   §5.4 lets the router try another home agent); a registration whose R differs from the binding's 139 (RFC 3963
 *   §6.2); a mobile router's prefixes 141, 142, 143 (xmip_ha_nemo_prefixes,
 *   as over IPv6: RFC 5555 §4.5 keeps RFC 3963's rules).
 *   The RFC 4285 authenticator covers care-of address | home address |
 *   MH, the care-of address being the IPv4 Care-of Address option as
 *   ::ffff:a.b.c.d (outer IPv6: the outer source), in the BU and the BA.
 *   Accepted: the binding is keyed by home address and carries what the HA
 *   observed (outer address and port): two nodes behind one NAT are two
 *   bindings; a new outer port for a home address moves the binding only
 *   here, after every check passed (NAT rebinding); a binding that held
 *   the same observed pair for another home address is evicted (its NAT
 *   mapping is gone: the NAT gave it to this node). NAT: the IPv4 CoA
 *   option differs from the outer source (§4.2). Encapsulation: UDP when
 *   NAT or F, else IPv4 (IP-in-IP); over IPv6, UDP. The BA carries the
 *   NAT Detection option (always: §4.2 "MUST be present ... if the binding
 *   update was encapsulated in UDP"), F = UDP required, refresh time
 *   nat-keepalive behind a NAT, all ones otherwise (§3.2.2), and the IPv4
 *   Address Acknowledgement when the BU asked for an IPv4 home address.
 *   An IPv4 home address refused (130..133) does not refuse the BU: the
 *   IPv6 binding is made, the Ack says why (§4.4.2).
 */
#ifndef XMIP_DSMIP_POLICY_H
#define XMIP_DSMIP_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "dsmip_table.h"
#include "../mip6/mh.h"
#include "xmip_maps.h"

/* What the HA observed about the outer headers of the packet. */
struct xmip_dsmip_obs {
	struct in6_addr peer;        /* outer source (IPv4: ::ffff:a.b.c.d) */
	uint16_t peer_port;          /* outer UDP source port */
	struct in6_addr local;       /* outer destination: the HA's address */
	uint16_t local_port;
	uint32_t ifindex;
};

enum xmip_dsmip_discard {
	XMIP_DSMIP_DISCARD_NONE = 0,
	XMIP_DSMIP_DISCARD_MALFORMED,
	XMIP_DSMIP_DISCARD_HAO,          /* Home Address option / routing header inside UDP */
	XMIP_DSMIP_DISCARD_ADDR,         /* inner or outer address unusable */
	XMIP_DSMIP_DISCARD_NO_IPV4_COA,  /* registration over IPv4 without IPv4 CoA option */
	XMIP_DSMIP_DISCARD_NOT_HOME_REG, /* H clear, or Nonce Indices */
	XMIP_DSMIP_DISCARD_REPLAY,
};

enum xmip_dsmip_op {
	XMIP_DSMIP_KEEP = 0,
	XMIP_DSMIP_WRITE,
	XMIP_DSMIP_DELETE,
};

struct xmip_dsmip_decision {
	bool     send_ba;
	struct in6_addr ba_src;      /* the HA's IPv6 address (inner destination of the BU) */
	struct in6_addr ba_hoa;      /* inner destination of the BA */
	struct in6_addr auth_coa;    /* RFC 4285 care-of address of BU and BA */
	struct xmip_ba_fields ba;
	const struct xmip_mn_entry *mn;

	enum xmip_dsmip_op op;
	struct xmip_dsmip_binding b; /* WRITE: the new binding; DELETE: b.hoa */
	bool     replay_write;
	struct xmip_replay_state replay;

	bool     had;                /* a DSMIPv6 binding existed: prev */
	struct xmip_dsmip_binding prev;
	bool     moved;              /* care-of address changed */
	bool     rebound;            /* same care-of address, new observed address or port */
	bool     evict;              /* the binding of evict_hoa held the same observed pair */
	uint8_t  evict_hoa[16];

	/* NEMO (RFC 3963 over an IPv4 care-of address): a mobile router's
	 * registration; mnp[] replace the router's prefixes (§6.2). */
	bool     nemo;
	uint8_t  n_mnp;
	struct xmip_mnp mnp[XMIP_MH_MAX_MNP];

	enum xmip_dsmip_discard discard;
	const char *reason;
};

/*
 * table: the DSMIPv6 bindings; mip6_cur: the home address's MIPv6 binding
 * (xmip_bindings), NULL if none: its sequence number counts as the last
 * accepted one when there is no DSMIPv6 binding (a node moving from an
 * IPv6 to an IPv4 care-of address). replay: the home address's RFC 4285
 * state, shared with mip6 (one MN-HA association, one Mesg-ID clock).
 */
int xmip_dsmip_decide(const struct xmip_conf *conf, const struct xmip_pkt *pkt,
		      enum xmip_parse_err perr, const struct xmip_dsmip_obs *obs,
		      const struct xmip_dsmip_table *table, const struct xmip_binding *mip6_cur,
		      const struct xmip_replay_state *replay,
		      uint64_t now_realtime_ns, uint64_t now_boottime_ns,
		      struct xmip_dsmip_decision *d);

/*
 * The datapath refused what an accepted decision asked (its prefixes could
 * not be written): answered `status` instead, nothing written.
 */
void xmip_dsmip_refuse(struct xmip_dsmip_decision *d, uint8_t status, const char *why);

/* The BA a decision asks for (inner IPv6 packet). Length or -1. */
int xmip_dsmip_build_ba(const struct xmip_dsmip_decision *d, uint8_t *buf, size_t cap);

/* "success", "incorrect IPv4 home address" ... (RFC 5555 §3.2.1). */
const char *xmip_ipv4_ack_status_name(unsigned int status);
/* "ipv4", "udp4", "udp6", "none". */
/*
 * The IPv4 home address a BU's IPv4 Home Address option asks for (RFC 5555
 * §4.5; the table in docs/dsmip.md): the IPv4 Address Ack's status, and on
 * success the address (*out) and whether it came from the pool. Also for a
 * MIPv6 BU from an IPv6 care-of address (§4.4.2).
 */
uint8_t xmip_dsmip_ipv4_hoa_decide(const struct xmip_conf *conf, const struct xmip_mn_entry *mn,
				   const struct xmip_dsmip_table *t, const uint8_t hoa[16],
				   const struct xmip_mh_opts *o, struct in_addr *out, bool *dynamic);
const char *xmip_dsmip_encap_name(unsigned int encap);

#endif /* XMIP_DSMIP_POLICY_H */
