/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The home agent's decision for one received Mobility Header packet, as
 * pure data: what to answer and what to write to the maps. No I/O, no
 * clock reads (times are arguments), so every rule is unit-testable.
 *
 * Checks, in this order (RFC 6275 §9.5.1, §10.3.1, §10.3.2, RFC 4283,
 * RFC 4285); the first that fails decides:
 *   - MH type we do not handle (parser said UNKNOWN_MH_TYPE): Binding
 *     Error status 2 to the packet's source (send_be).
 *   - BA, BE, BRR (and anything not a BU) sent to the HA: ignored.
 *   - no usable home address (multicast, unspecified, loopback, link-local):
 *     silently discarded.
 *   - R (mobile router) flag: 140, we do not do NEMO in this slice.
 *   - H flag clear: 131 (this node only does home registration).
 *   - HoA outside the home prefix: 132.
 *   - HoA of no configured [mn]: 133; MN-ID option missing, not an NAI,
 *     or NAI not the one configured for that HoA: 133 too (RFC 4283: the
 *     HA identifies the MN by its NAI, and this HA is not the HA of the
 *     MN that NAI names). The BA is not authenticated in these cases.
 *   - Authentication option missing, not last, not MN-HA, wrong SPI, or
 *     authenticator wrong: 146 MIPV6-AUTH-FAIL.
 *   - Mesg-ID option missing: 145 MIPV6-MESG-ID-REQD, with the HA's
 *     current time in a Mesg-ID option so the MN can synchronise.
 *   - Mesg-ID more than mesg_id_window_s away from the HA's clock, or not
 *     newer than the last accepted one: 144 MIPV6-ID-MISMATCH, with the
 *     HA's current time in a Mesg-ID option (RFC 4285 §6).
 *     Exception: an exact retransmission of the last accepted BU (same
 *     seq, same Mesg-ID, same CoA and lifetime request) is answered again
 *     with the result it got, and changes no state.
 *   - sequence number not newer than the last accepted: 135, the BA
 *     carrying the last accepted sequence number.
 *   - deregistration (lifetime 0 or CoA == HoA) with no binding to
 *     delete: 133 (RFC 6275 §10.3.2), the BA echoing the Mesg-ID.
 *   - accepted (0): lifetime 0 or CoA == HoA is a deregistration (delete
 *     the binding, stop proxy ND); otherwise granted lifetime =
 *     min(requested, max_lifetime_s) rounded down to 4 s units, binding
 *     written, proxy ND started if there was no binding before.
 * Every BA sent after the HoA has been identified carries the MN-HA
 * Authentication option (key of that MN). A rejected BU is answered even
 * without the A flag; an accepted one only with it (RFC 6275 §10.3.1).
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

	const char *reason;                 /* short text for the log */
};

/*
 * Decide what to do with one parsed packet.
 *   conf        the HA configuration (role ha): home prefix, max lifetime,
 *               Mesg-ID window, the [mn] entries.
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

/* Granted lifetime in 4 s units: min(requested, max_lifetime_s / 4). */
uint16_t xmip_ha_grant_lifetime(uint16_t requested_units, uint32_t max_lifetime_s);

/* Build the BA packet a decision asks for (d->send_ba). Returns length or -1. */
int xmip_ha_build_ba(const struct xmip_ha_decision *d, uint8_t *buf, size_t cap);

/* Build the BE packet a decision asks for (d->send_be). Returns length or -1. */
int xmip_ha_build_be(const struct xmip_ha_decision *d, uint8_t *buf, size_t cap);

#endif /* XMIP_HA_POLICY_H */
