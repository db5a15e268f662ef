/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The mobile node's route optimisation at run time (RFC 6275 §11.6, §11.7.2,
 * §11.5.4; docs/DESIGN.md "Agent, MN route optimisation"): for each
 * configured correspondent ([ro] correspondent = ...), and each learnt from
 * the traffic ([ro] learn-correspondents), once the home agent
 * accepted a care-of address, return routability (HoTI reverse-tunnelled by
 * the datapath, CoTI direct, retransmitted with back-off), the BU with
 * Nonce Indices and Binding Authorization Data, the BA's authenticator
 * checked, then the datapath's xmip_mn_ro element that sends to that
 * correspondent from the CoA with a Home Address option. A move drops the
 * elements and tests again (the home test only when its token is too old);
 * at home the correspondents are told to delete the binding. A
 * correspondent answering with a Binding Error 2, an ICMPv6 Parameter
 * Problem, a refusing BA or nothing keeps the tunnel until the next move.
 * The decisions are mn_ro_policy.c's.
 */
#ifndef XMIP_MN_RO_H
#define XMIP_MN_RO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "family.h"
#include "mh.h"

struct xmip_mn_ro;

/* NULL without correspondents (or on error, logged: the tunnel only). */
struct xmip_mn_ro *xmip_mn_ro_new(struct xmip_family *f, int raw);
void xmip_mn_ro_free(struct xmip_mn_ro *ro);

/* The home agent accepted CoA coa (out of ifindex): correspondent registrations (§11.7.2). */
void xmip_mn_ro_away(struct xmip_mn_ro *ro, const struct in6_addr *coa, uint32_t ifindex);
/*
 * The home registration (accepted by the HA) ends at expires_ns
 * (xmip_now_ns's clock): correspondent BUs ask for no more than what
 * remains of it (§11.7.2). Call before xmip_mn_ro_away, at every accepted
 * home BA; a registration held back for want of lifetime goes out now.
 */
void xmip_mn_ro_home_expiry(struct xmip_mn_ro *ro, uint64_t expires_ns);
/* A new CoA (not registered yet), or no address: the datapath back to the tunnel. */
void xmip_mn_ro_moved(struct xmip_mn_ro *ro);
/* The home agent accepted an IPv4 CoA (out of ifindex): no route optimisation from
 * IPv4 (RFC 5555 §2.4); correspondents holding a binding are asked, from the home
 * address through the tunnel, to delete it. A refresh changes nothing. */
void xmip_mn_ro_away4(struct xmip_mn_ro *ro, uint32_t ifindex);
/* Home (on ifindex): every correspondent holding a binding is asked to delete it. */
void xmip_mn_ro_home(struct xmip_mn_ro *ro, uint32_t ifindex);

/* A HoT, CoT, or a BA/BE/BRR from a correspondent: true if it was one of ours. */
bool xmip_mn_ro_signal(struct xmip_mn_ro *ro, const struct xmip_pkt *p);
/*
 * Learning correspondents ([ro] learn-correspondents): the datapath reported
 * a packet from src to the new destination dst; ha: the home agent (not
 * learnt). Starts return routability with it as with a configured one,
 * unless it is excluded, known, in hold-down or learn-max is reached.
 */
void xmip_mn_ro_learn(struct xmip_mn_ro *ro, const struct in6_addr *src,
		      const struct in6_addr *dst, const struct in6_addr *ha);
/* Learning is on (and its maps are there): the datapath's XMIP_MN_F_RO_LEARN. */
bool xmip_mn_ro_learning(const struct xmip_mn_ro *ro);
/* One of ro's timers (t->arg is set). */
void xmip_mn_ro_timer(struct xmip_mn_ro *ro, struct xmip_family_timer *t);

#endif /* XMIP_MN_RO_H */
