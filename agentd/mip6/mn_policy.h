/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The mobile node's side of home registration, as pure state + functions:
 * building the next BU, the retransmission back-off, checking a BA and
 * reacting to it. No I/O, no clock reads: times are arguments.
 *
 * Use (mn.c):
 *   xmip_mn_init(&st, random16);
 *   on a move / refresh:  len = xmip_mn_build_bu(&st, conf, coa, false, now_rt, buf, cap);
 *                         send; arm the retransmit timer at st.retrans_ms
 *   on that timer, while st.pending:
 *                         len = xmip_mn_build_bu(&st, conf, coa, true, now_rt, ...)
 *                         send; re-arm at st.retrans_ms (doubled, max 32 s;
 *                         first 1.5 s while the HA has no binding, else 1 s)
 *   on a parsed BA:       switch (xmip_mn_handle_ba(&st, conf, &pkt, now_rt, &res))
 *        ACCEPTED        stop retransmitting; refresh after res.refresh_after_s
 *        DEREGISTERED    stop retransmitting; binding gone at the HA
 *        RESEND          the state was resynchronised (seq after 135, clock
 *                        after 144/145): send a fresh BU right away
 *        RESYNC_WAIT     resynchronised again for the same registration: the
 *                        next BU waits for the retransmit timer (back-off),
 *                        or 144s from a HA that still refuses would be
 *                        answered at round-trip speed
 *        REJECTED        give up (log res.status); retry on the next move
 *        IGNORE          not for us / stale / unauthenticated: do nothing
 *
 * Every (re)transmission uses a new sequence number and a new Mesg-ID
 * (RFC 6275 §11.8; RFC 4285 §6: the HA rejects a Mesg-ID it has seen).
 */
#ifndef XMIP_MN_POLICY_H
#define XMIP_MN_POLICY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "mh.h"

#define XMIP_MN_INITIAL_BINDACK_MS 1000    /* INITIAL_BINDACK_TIMEOUT, RFC 6275 §12 */
/* RFC 6275 §11.8, §13: InitialBindackTimeoutFirstReg, used while the HA
 * has no binding for us (it may run DAD first; ours does not, but a HA
 * that does must not be hurried). */
#define XMIP_MN_INITIAL_BINDACK_FIRST_REG_MS 1500
#define XMIP_MN_MAX_BINDACK_MS     32000   /* MAX_BINDACK_TIMEOUT, RFC 6275 §12 */
#define XMIP_MN_REFRESH_PERCENT    80      /* refresh at 80% of the granted lifetime */
#define XMIP_MN_MAX_UPDATE_RATE    3       /* BUs in any one second, RFC 6275 §11.8, §12 */

struct xmip_mn_state {
	uint16_t seq;               /* sequence number of the last BU built */
	int64_t  clock_offset_ns;   /* HA clock - our CLOCK_REALTIME, learnt from 144/145 */
	uint64_t last_mesg_id;      /* Mesg-ID of the last BU built (strictly increasing) */

	bool     pending;           /* a BU is waiting for its BA */
	bool     pending_dereg;     /* ... and it is a deregistration */
	struct in6_addr pending_coa;
	uint32_t retrans_ms;        /* arm the retransmit timer with this */
	uint8_t  resyncs;           /* 135/144/145 answers to the pending registration */
	uint64_t update_ns[XMIP_MN_MAX_UPDATE_RATE]; /* monotonic times of the last BUs sent */
	unsigned update_i;          /* next slot of update_ns */

	bool     pending_udp;       /* ... sent in UDP from an IPv4 CoA (RFC 5555 §4.2):
				     * pending_coa is ::ffff:CoA4, the authenticator's CoA */
	bool     registered;        /* last BA accepted a registration */
	struct in6_addr reg_coa;    /* the CoA it registered */
	uint32_t granted_s;         /* lifetime it granted, seconds */
};

enum xmip_mn_verdict {
	XMIP_MN_BA_IGNORE = 0,
	XMIP_MN_BA_ACCEPTED,
	XMIP_MN_BA_DEREGISTERED,
	XMIP_MN_BA_RESEND,
	XMIP_MN_BA_RESYNC_WAIT,
	XMIP_MN_BA_REJECTED,
};

struct xmip_mn_ba_result {
	uint8_t  status;            /* BA status */
	uint32_t granted_s;         /* ACCEPTED: lifetime in seconds */
	uint32_t refresh_after_s;   /* ACCEPTED: send the refresh BU after this */
	const char *reason;         /* short text for the log */
	/* DSMIPv6 (RFC 5555 §3.2), ACCEPTED only: what the BA said */
	bool     has_nat_detect;    /* NAT Detection option present */
	bool     udp_required;      /* its F: tunnel in UDP (NAT, or our F) */
	uint32_t keepalive_s;       /* 0: no keepalive needed (refresh time all ones / 0) */
	bool     has_ipv4_ack;      /* IPv4 Address Acknowledgement present */
	uint8_t  ipv4_ack_status;   /* enum xmip_ipv4_ack_status; < 128 success */
	uint8_t  ipv4_ack_plen;
	struct in_addr ipv4_hoa;    /* acknowledged IPv4 home address (success only) */
};

void xmip_mn_init(struct xmip_mn_state *st, uint16_t initial_seq);

/*
 * Build the next BU as a whole packet (IPv6 src coa, dst conf->home_agent,
 * HAO with conf->self.hoa unless coa == hoa, MH with MN-ID(conf->self.nai),
 * Mesg-ID(now + clock offset), MN-HA auth(conf->self.spi/key)), flags A|H,
 * lifetime conf->lifetime_s (0 when dereg or coa == hoa).
 * retransmit = false: a new registration, back-off restarts at 1 s;
 * retransmit = true: back-off doubles (max 32 s).
 * Returns the packet length, or -1 (buffer too small, NAI too long).
 */
int xmip_mn_build_bu(struct xmip_mn_state *st, const struct xmip_conf *conf,
		     const struct in6_addr *coa, bool dereg, bool retransmit,
		     uint64_t now_realtime_ns, uint8_t *buf, size_t cap);

/*
 * The same BU as a DSMIPv6 mobile node sends it from the IPv4 care-of
 * address coa4 (RFC 5555 §4.2, §4.4.2): the UDP payload, IPv6 (src HoA,
 * dst HA, no Home Address option) | MH with the IPv4 Care-of Address
 * option (32), the IPv4 Home Address option (29) when conf->dsmip asks for
 * one (0.0.0.0: dynamic, §3.1.1, prefix length 32), F when force-udp;
 * authenticated over ::ffff:coa4 | HoA | MH (docs/dsmip.md). Same
 * sequence, Mesg-ID and back-off rules as xmip_mn_build_bu().
 */
int xmip_mn_build_bu4(struct xmip_mn_state *st, const struct xmip_conf *conf,
		      struct in_addr coa4, bool retransmit, uint64_t now_realtime_ns,
		      uint8_t *buf, size_t cap);

/*
 * MAX_UPDATE_RATE: may a BU go out at now_ns (monotonic) without making
 * more than 3 in one second? Checked where the network, not our own
 * state, asks for a BU (a Binding Refresh Request, which nobody signs).
 * xmip_mn_update_sent() records each BU sent.
 */
bool xmip_mn_update_allowed(const struct xmip_mn_state *st, uint64_t now_ns);
void xmip_mn_update_sent(struct xmip_mn_state *st, uint64_t now_ns);

/* The Mesg-ID the next BU would carry (NTP format, our clock + offset). */
uint64_t xmip_mn_mesg_id_now(const struct xmip_mn_state *st, uint64_t now_realtime_ns);

/*
 * Check a BA (pkt from xmip_pkt_parse, msg.type BA) against the pending BU.
 * A BA is acted on only if it is addressed to our HoA (RH2 or dst), comes
 * from our HA, carries a valid MN-HA authenticator with our SPI, and
 * (except 135, whose seq is the HA's last accepted one) has the seq of
 * the last BU we built; every verdict but 144/145 (which carry the HA's
 * clock instead) also needs the BA to echo that BU's Mesg-ID.
 */
enum xmip_mn_verdict xmip_mn_handle_ba(struct xmip_mn_state *st,
				       const struct xmip_conf *conf,
				       const struct xmip_pkt *pkt,
				       uint64_t now_realtime_ns,
				       struct xmip_mn_ba_result *res);

/* When to refresh: 80% of granted_s, or the Binding Refresh Advice if it
 * is sooner (refresh_units 0 = none). At least 1 s when granted_s > 0. */
uint32_t xmip_mn_refresh_after_s(uint32_t granted_s, uint16_t refresh_units);

#endif /* XMIP_MN_POLICY_H */
