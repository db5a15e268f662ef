/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The correspondent node's decisions (RFC 6275 §9.4, §9.5), without I/O,
 * so the unit tests and the fuzzer drive them directly: what a Binding
 * Update gets (status, whether a BA goes out and authenticated with which
 * Kbm, what the binding cache becomes), what a Home or Care-of Test Init
 * gets, and what a packet the datapath refused for its Home Address
 * option says (for the Binding Error). cn.c does the I/O.
 */
#ifndef XMIP_CN_POLICY_H
#define XMIP_CN_POLICY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mip6/mh.h"
#include "mip6/mh_rr.h"
#include "rr_crypto.h"
#include "rr_nonce.h"
#include "xmip_maps.h"

/* What the CN knows about a home address when a BU for it arrives. */
struct xmip_cn_state {
	bool     has_binding;
	struct xmip_binding binding;   /* the binding cache's element (encap RH2, no H) */
	bool     has_tombstone;        /* a deleted or expired binding whose nonces may be valid */
	uint16_t tombstone_seq;        /* its last accepted sequence number */
};

/* The configuration the decision needs. */
struct xmip_cn_params {
	struct in6_addr self;          /* the CN's address: "correspondent" in §6.2.7 */
	uint32_t        max_lifetime_s; /* <= MAX_RR_BINDING_LIFETIME */
};

enum xmip_cn_action {
	XMIP_CN_DISCARD = 0,           /* silently (§9.5.1 "MUST be silently discarded") */
	XMIP_CN_REJECT,                /* binding cache unchanged; BA with status >= 128 */
	XMIP_CN_CACHE,                 /* create or update the binding (§9.5.2) */
	XMIP_CN_DELETE,                /* delete the binding (§9.5.3) */
};

struct xmip_cn_decision {
	enum xmip_cn_action action;
	const char *why;               /* for the log line */

	struct in6_addr hoa;           /* HAO, else the source (§9.5.1) */
	struct in6_addr coa;           /* Alternate CoA, else the source */
	struct in6_addr auth_coa;      /* "care-of address" of §6.2.7: the HoA when deleting */

	/* The BA, if one is sent: to the BU's source, through a type-2 routing
	 * header to the HoA when the BU had a Home Address option (§9.5.4). */
	bool     send_ba;
	uint8_t  status;
	uint16_t ba_seq;
	uint16_t ba_lifetime_units;
	bool     ba_auth;              /* with Binding Authorization Data (not for 131, 136-139) */
	uint8_t  kbm[XMIP_RR_KBM_LEN];
	struct in6_addr ba_dst;
	bool     ba_rh2;

	struct xmip_binding binding;   /* XMIP_CN_CACHE: the whole new element */
	uint16_t last_seq;             /* XMIP_CN_DELETE: for the tombstone */
};

/* A unicast routable address: not ::, ::1, multicast, link-local or IPv4-mapped. */
bool xmip_cn_routable(const struct in6_addr *a);

/*
 * Decide what the parsed Binding Update p (xmip_pkt_parse said OK and
 * p->msg.type is XMIP_MH_BU) gets, at now_ns, given the nonces and the
 * state of its home address (look it up with xmip_cn_bu_hoa first). Only
 * reads its inputs; d->kbm is wiped by the caller after use.
 */
void xmip_cn_decide_bu(const struct xmip_pkt *p, const struct xmip_rr_nonces *nonces,
		       const struct xmip_cn_state *st, const struct xmip_cn_params *prm,
		       uint64_t now_ns, struct xmip_cn_decision *d);

/* The home address a BU is about (§9.5.1): its HAO, else its source. */
void xmip_cn_bu_hoa(const struct xmip_pkt *p, struct in6_addr *hoa);

/*
 * A Home or Care-of Test Init (p parsed up to the MH, msg its body): the
 * Home or Care-of Test answering it into buf (whole packet, from self to
 * the init's source), made with the current nonce. Returns the length, 0
 * when it is to be ignored (a HAO or RH2 on it, §9.4.1-§9.4.2; a source
 * that is not unicast routable), -1 on failure (no nonce).
 */
int xmip_cn_answer_init(const struct xmip_pkt *p, const struct xmip_rr_msg *msg,
			struct xmip_rr_nonces *nonces, const struct in6_addr *self,
			uint64_t now_ns, uint8_t *buf, size_t cap);

/*
 * RFC 6275 §9.2: a Mobility Header whose Payload Proto is not 59, or whose
 * Header Len is too short for its type, SHOULD get an ICMPv6 Parameter
 * Problem code 0 pointing at that field. p and perr: xmip_pkt_parse's
 * result (the checksum was good if it reached the type). The types
 * xmip_pkt_parse does not know that a correspondent takes (HoTI, CoTI)
 * are checked with xmip_rr_parse. Returns the Pointer (an offset into the
 * packet, xmip_parse_param_problem) or -1: no Parameter Problem.
 */
long xmip_cn_param_problem(const struct xmip_pkt *p, enum xmip_parse_err perr);

/*
 * The BA of decision d, into buf (whole packet). Returns its length or -1.
 */
int xmip_cn_build_ba(const struct xmip_cn_decision *d, const struct in6_addr *self,
		     uint8_t *buf, size_t cap);

/*
 * A record the datapath handed over for a Home Address option it refused
 * (bpf/ro/cn.h: the IPv6 header and the extension headers, maybe cut short
 * of the payload): the wire source and the option's address, for the
 * Binding Error (§9.3.3). True if buf holds an IPv6 header whose
 * extension headers carry one Home Address option and lead to anything
 * but a Mobility Header. Never reads past len.
 */
bool xmip_cn_hao_report(const uint8_t *buf, size_t len, struct in6_addr *src,
			struct in6_addr *hao);

/*
 * RFC 6275 §9.3.4: "persistent ICMP Destination Unreachable messages after
 * sending packets to a mobile node based on an entry in its Binding Cache"
 * SHOULD delete the entry; only persistent ones, since the mobile node's
 * packets with a Home Address option are dropped without it.
 */
#define XMIP_CN_UNREACH_COUNT   3                    /* errors ... */
#define XMIP_CN_UNREACH_SPAN_NS (2ull * 1000000000)  /* ... spread over at least this */
#define XMIP_CN_UNREACH_GAP_NS  (10ull * 1000000000) /* a longer pause starts counting again */

/*
 * An ICMPv6 message as a raw ICMPv6 socket gives it (from its type on, n
 * octets, untrusted): true if it is a Destination Unreachable (any code)
 * quoting a packet from self to a care-of address through a type-2
 * routing header (length 2, one segment left) naming a home address, i.e.
 * a packet our datapath sent on a binding; *coa, *hoa: those addresses.
 */
bool xmip_cn_unreach_quote(const uint8_t *icmp, size_t n, const struct in6_addr *self,
			   struct in6_addr *coa, struct in6_addr *hoa);

/* Destination Unreachables counted for one binding. */
struct xmip_cn_unreach {
	unsigned n;                 /* 0: none counted */
	uint64_t first_ns, last_ns;
	uint8_t  coa[16];           /* the care-of address they were about */
};

/*
 * One more Destination Unreachable about the binding to coa at now_ns:
 * true when they are persistent (XMIP_CN_UNREACH_COUNT of them, for the
 * same care-of address, over at least XMIP_CN_UNREACH_SPAN_NS, none
 * XMIP_CN_UNREACH_GAP_NS after the one before): delete the binding.
 */
bool xmip_cn_unreach_note(struct xmip_cn_unreach *u, const uint8_t coa[16], uint64_t now_ns);

#endif /* XMIP_CN_POLICY_H */
