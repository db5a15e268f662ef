/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The home agent's decision for one received Mobility Header packet, as
 * pure data: what to answer and what to write to the maps. No I/O, no
 * clock reads (times are arguments), so every rule is unit-testable.
 * docs/DESIGN.md, "Binding Update rules", says the same for operators.
 *
 * Checks, in this order (RFC 6275 §9.2, §9.5.1, §10.3.1, §10.3.2, RFC
 * 4283, RFC 4285); the first that fails decides:
 *   - MH type we do not handle (parser said UNKNOWN_MH_TYPE): Binding
 *     Error status 2 to the packet's source (send_be).
 *   - BA, BE, BRR (and anything not a BU) sent to the HA: ignored.
 *   Silently discarded (no answer, nothing changed):
 *   - a home address (HAO, or the source without one) or a source that is
 *     not unicast routable: multicast, link-local, ::, ::1, IPv4-mapped
 *     (§9.5.1, §9.3.1);
 *   - a care-of address (Alternate CoA option, or the source) that is not
 *     unicast routable (§6.1.7: "MUST be silently discarded");
 *   - H clear: a correspondent registration, which needs Nonce Indices and
 *     Binding Authorization Data checked by return routability (§9.5.1);
 *     this node does not do route optimisation, so none passes;
 *   - H set with a Nonce Indices option (§9.5.1: MUST NOT be present);
 *   - a registration (lifetime not 0, care-of address not the source)
 *     without a Home Address option (§10.3.1: MUST be present; only a
 *     deregistration from home may omit it, §10.3.2).
 *   Answered, without changing anything:
 *   - R (mobile router) flag with mobile-routers = no, or without H: 140
 *     (RFC 3963 §6.2, §6.6).
 *   - HoA outside the home prefix: 132.
 *   - HoA of no configured [mn]: 133; MN-ID option missing, not an NAI,
 *     or NAI not the one configured for that HoA: 133 too (RFC 4283: the
 *     HA identifies the MN by its NAI, and this HA is not the HA of the
 *     MN that NAI names). The BA is not authenticated in these cases.
 *   - Authentication option missing, not last, not MN-HA, wrong SPI, or
 *     authenticator wrong: 146 MIPV6-AUTH-FAIL (RFC 4285 §5.3).
 *   - Mesg-ID option missing: 145 MIPV6-MESG-ID-REQD, with the HA's
 *     current time in a Mesg-ID option so the MN can synchronise.
 *   - Freshness (RFC 4285 §6), with M the BU's Mesg-ID, L the last
 *     accepted one for this HoA (xmip_replay), w the window:
 *       an exact duplicate of the last accepted BU (M == L, same sequence
 *       number): inside the window 135 with the last accepted number
 *       (§9.5.1); outside it silently discarded (a captured BU replayed);
 *       M not newer than L: inside the window 135 (sequence number not
 *       newer) or 144; outside it silently discarded: a conforming MN's
 *       timestamps only grow (RFC 4285 §6), so this is a replay, and a
 *       signed answer would make the HA a signing oracle for old traffic;
 *       except the clock-step recovery: L more than w ahead of the HA's
 *       clock (the wall clock stepped back since L was accepted), M inside
 *       the window of the clock and a sequence number newer than the last
 *       accepted: accepted (recovered, logged). A replay cannot use it:
 *       every BU sent before the last accepted one has an older sequence
 *       number, and one sent after it has a newer Mesg-ID, more than w
 *       ahead of the clock, outside the window;
 *       M newer than L (or no L) but outside the window: 144, the BA's
 *       Mesg-ID the HA's time in the high 32 bits and the BU's low 32 bits
 *       (RFC 4285 §6), so the MN can tie it to its BU and resynchronise.
 *   - sequence number not newer than the binding's, while a binding exists
 *     (§9.5.1): 135, the BA carrying the last accepted number. With no
 *     binding (never made, deregistered, expired) any number is accepted.
 *   - deregistration (lifetime 0 or CoA == HoA) with no binding to delete:
 *     133 (§10.3.2), the BA echoing the Mesg-ID.
 *   - a registration whose care-of address is the HA's own address or
 *     inside the home prefix (the datapath would loop, never tunnel to
 *     it): 129 administratively prohibited (§10.3.1: "for any other
 *     reason ... an appropriate value"), echoing the Mesg-ID.
 *   - a registration whose R differs from the binding's: 139 (RFC 3963
 *     §6.2). A mobile router's registration (R), RFC 3963 §6.2/§6.6:
 *     explicit mode (Mobile Network Prefix options): a prefix of length 0
 *     or > 128, not unicast routable, overlapping the home prefix, or
 *     more than XMIP_MH_MAX_MNP of them: 141; a prefix not inside one
 *     configured for this router ([mn NAI] mobile-network-prefix): 142.
 *     Implicit mode (no option): none configured: 143. Accepted: the BA
 *     has R set and the decision lists the prefixes (nemo, mnp[]).
 *   - accepted (0): lifetime 0 or CoA == HoA is a deregistration (delete
 *     the binding, stop proxy ND); otherwise granted lifetime =
 *     min(requested, max_lifetime_s) rounded down to 4 s units, binding
 *     written, proxy ND started if there was no binding before. A first
 *     registration (no binding) with dad_transmits > 0 waits for Duplicate
 *     Address Detection of the HoA (and, with L, of its link-local
 *     address) first (need_dad): xmip_ha_dad_failed() turns the decision
 *     into 134 if another node answers (§10.3.1).
 * Every BA sent after the HoA has been identified carries the MN-HA
 * Authentication option (key of that MN). A home registration or
 * deregistration is answered whatever its A flag (§10.3.1, §10.3.2:
 * "Regardless of the setting of the Acknowledge (A) bit").
 */
#ifndef XMIP_HA_POLICY_H
#define XMIP_HA_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "mh.h"
#include "xmip_maps.h"

#define XMIP_BA_MR_OP_NOT_PERMITTED 140   /* RFC 3963 */
#define XMIP_DEFAULT_MESG_ID_WINDOW_S 7   /* used when conf says 0 */

enum xmip_ha_binding_op {
	XMIP_HA_BINDING_KEEP = 0,   /* leave xmip_bindings alone */
	XMIP_HA_BINDING_WRITE,      /* insert/replace binding_key → binding */
	XMIP_HA_BINDING_DELETE,     /* delete binding_key */
};

enum xmip_ha_proxy_nd {
	XMIP_HA_PROXY_ND_KEEP = 0,
	XMIP_HA_PROXY_ND_START,     /* add proxy neighbour for the HoA + unsolicited NA */
	XMIP_HA_PROXY_ND_STOP,      /* remove the proxy neighbour entry */
};

/* Why a BU was silently discarded (counted and logged by the caller). */
enum xmip_ha_discard {
	XMIP_HA_DISCARD_NONE = 0,
	XMIP_HA_DISCARD_MALFORMED,      /* did not parse, or not a BU */
	XMIP_HA_DISCARD_HOA,            /* home address or source not unicast routable */
	XMIP_HA_DISCARD_COA,            /* care-of address not unicast routable */
	XMIP_HA_DISCARD_NOT_HOME_REG,   /* H clear: correspondent registration */
	XMIP_HA_DISCARD_NONCE,          /* Nonce Indices in a home registration */
	XMIP_HA_DISCARD_NO_HAO,         /* a registration without a Home Address option */
	XMIP_HA_DISCARD_REPLAY,         /* authentic, but older than the last accepted, outside the window */
};

struct xmip_ha_decision {
	/* Binding Acknowledgement to send (send_ba false: send nothing). */
	bool     send_ba;
	struct in6_addr ba_src;     /* the HA's address (pkt dst) */
	struct in6_addr ba_coa;     /* IPv6 destination of the BA */
	struct in6_addr ba_hoa;     /* RH2 address (== ba_coa: no RH2) */
	struct xmip_ba_fields ba;   /* status, seq, lifetime, options */
	const struct xmip_mn_entry *mn; /* SA for the BA's auth option (ba.has_auth) */

	/* Binding Error to send instead (unknown MH type). */
	bool     send_be;
	uint8_t  be_status;
	struct in6_addr be_src, be_dst;
	bool     be_has_hoa;
	struct in6_addr be_hoa;

	/* State changes, to apply only after the checks above all passed. */
	enum xmip_ha_binding_op binding_op;
	struct xmip_binding_key binding_key;
	struct xmip_binding binding;        /* for WRITE */
	bool     replay_write;              /* write replay_key → replay */
	struct xmip_replay_state replay;
	enum xmip_ha_proxy_nd proxy_nd;

	/* A first registration: accept only once DAD of the HoA (and, with L,
	 * of its link-local address) found nobody else using it. */
	bool     need_dad;
	bool     dad_link_local;

	/* NEMO (RFC 3963 §6.2): a mobile router's registration accepted;
	 * mnp[] the prefixes to forward to its home address (replacing any it
	 * had). On DELETE the agent removes every prefix of the home address. */
	bool     nemo;
	uint8_t  n_mnp;
	struct xmip_mnp mnp[XMIP_MH_MAX_MNP];

	enum xmip_ha_discard discard;       /* silently discarded: why */
	bool     recovered;                 /* accepted by the clock-step recovery rule */
	const char *reason;                 /* short text for the log */
};

/*
 * Decide what to do with one parsed packet.
 *   conf        the HA configuration (role ha): home prefix, its address,
 *               max lifetime, Mesg-ID window, DAD transmits, the [mn] entries.
 *   pkt         from xmip_pkt_parse(); perr its result (OK or UNKNOWN_MH_TYPE;
 *               anything else: silently discarded, nothing decided).
 *   ifindex     interface the packet arrived on (stored in the binding).
 *   cur         current binding of the HoA, NULL if none.
 *   replay      replay state of the HoA, NULL if none.
 *   now_realtime_ns  CLOCK_REALTIME (Unix epoch), for Mesg-ID.
 *   now_boottime_ns  CLOCK_BOOTTIME, for binding expiry.
 * Always fills *d (zeroed first); returns 0.
 */
int xmip_ha_decide(const struct xmip_conf *conf, const struct xmip_pkt *pkt,
		   enum xmip_parse_err perr, uint32_t ifindex,
		   const struct xmip_binding *cur,
		   const struct xmip_replay_state *replay,
		   uint64_t now_realtime_ns, uint64_t now_boottime_ns,
		   struct xmip_ha_decision *d);

/*
 * Whether a parsed BU comes from the MN its HoA belongs to: it passes every
 * check that does not depend on the HoA's binding or replay state (it is
 * a home registration, identified, authenticated). The HA holds such BUs
 * while an earlier one for the same HoA is still being processed; the
 * others are answered at once, their answer not depending on that state.
 */
bool xmip_ha_bu_authentic(const struct xmip_conf *conf, const struct xmip_pkt *pkt);

/*
 * The RFC 4285 §6 freshness rules above, alone, for another transport of
 * the same Binding Update (DSMIPv6, agentd/dsmip/): true, fresh (d->recovered
 * set by the clock-step rule); false, decided in d (a 135 or 144 to send,
 * or a silent discard). now_ntp: the HA's clock as a Mesg-ID.
 */
bool xmip_ha_fresh(const struct xmip_pkt *pkt, const struct xmip_replay_state *replay,
		   uint64_t now_ntp, uint32_t window_s, struct xmip_ha_decision *d);

/* DAD found the HoA (or, ll, only its link-local address) in use: 134, nothing written. */
void xmip_ha_dad_failed(struct xmip_ha_decision *d, bool ll);

/*
 * RFC 3963 §6.2, §6.6: the prefixes a mobile router's registration (R set)
 * is forwarded: 0 and out[0..*n_out), or the BA status (141, 142, 143) and
 * *why. Explicit mode checks the options against the router's configured
 * prefixes, implicit mode takes those. Also for the DSMIPv6 home agent.
 */
uint8_t xmip_ha_nemo_prefixes(const struct xmip_conf *conf, const struct xmip_mn_entry *mn,
			      const struct xmip_mh_opts *o, struct xmip_mnp *out, uint8_t *n_out,
			      const char **why);

/* Whom a binding is made for, as xmip_ident records it (NAI hash and length, SPI). */
void xmip_ha_ident(const struct xmip_mn_entry *mn, struct xmip_ident *out);

/* What a restarted agent does with a binding a previous one left. */
enum xmip_ha_restart {
	XMIP_HA_RESTART_KEEP = 0,        /* same home address, NAI and SPI configured */
	XMIP_HA_RESTART_KEEP_RECORD,     /* no record (an older agent): kept, record it now */
	XMIP_HA_RESTART_DROP_NO_MN,      /* no [mn] has the home address now */
	XMIP_HA_RESTART_DROP_CHANGED,    /* its [mn] has another NAI or SPI now */
};

/*
 * Check the binding of hoa against the configuration: recorded is its
 * xmip_ident record, NULL if it has none (or the map is missing). *mn is
 * set to the [mn] entry of hoa (NULL if none).
 */
enum xmip_ha_restart xmip_ha_restart_check(const struct xmip_conf *conf, const uint8_t hoa[16],
					   const struct xmip_ident *recorded,
					   const struct xmip_mn_entry **mn);

/* Granted lifetime in 4 s units: min(requested, max_lifetime_s / 4). */
uint16_t xmip_ha_grant_lifetime(uint16_t requested_units, uint32_t max_lifetime_s);

/* Build the BA packet a decision asks for (d->send_ba). Returns length or -1. */
int xmip_ha_build_ba(const struct xmip_ha_decision *d, uint8_t *buf, size_t cap);

/* Build the BE packet a decision asks for (d->send_be). Returns length or -1. */
int xmip_ha_build_be(const struct xmip_ha_decision *d, uint8_t *buf, size_t cap);

#endif /* XMIP_HA_POLICY_H */
