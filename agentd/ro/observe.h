/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What route optimisation tells operators: events for `xmip monitor`
 * (core/events.h) and metrics (core/metrics.h), family label "ro", from
 * one call at each place cn.c decides or sends something. Keeps cn.c
 * free of reporting code, as agentd/mip6/observe.c does for MIPv6.
 */
#ifndef XMIP_RO_OBSERVE_H
#define XMIP_RO_OBSERVE_H

#include <stdint.h>

#include "cn_policy.h"
#include "mip6/mh.h"

struct xmip_family;

/* A Mobility Header message received (type: XMIP_MH_*). */
void xmip_ro_observe_rx(unsigned int mh_type);
/* A packet of the family that did not parse, or a malformed test init. */
void xmip_ro_observe_malformed(void);
/* A message sent: HoT, CoT, BRR, BE (status NULL), or a BA (observe_bu). */
void xmip_ro_observe_sent(unsigned int mh_type);
/*
 * A BU decided and applied (d->action may have been turned into a 130
 * refusal by a full cache); cur: the binding before, NULL if none;
 * ba_sent: the BA went out (refusals are rate-limited).
 */
void xmip_ro_observe_bu(const struct xmip_family *f, const struct xmip_pkt *p,
			const struct xmip_cn_decision *d, const struct xmip_binding *cur,
			bool ba_sent);
/* A correspondent binding's lifetime ran out and it was removed. */
void xmip_ro_observe_expired(const uint8_t hoa[16], const struct xmip_binding *b);

/*
 * The mobile node's side (agentd/mip6/mn_ro.c), family ro: the correspondent
 * cn accepted our binding of hoa to coa (registered; refreshed when coa is
 * prev), deleted it (dereg), or route optimisation with it stopped (why:
 * a BA status >= 128, or status 0 and why the reason, e.g. no answer).
 */
void xmip_ro_observe_mn_bound(const struct in6_addr *hoa, const struct in6_addr *coa,
			      const struct in6_addr *prev, const struct in6_addr *cn,
			      uint32_t lifetime_s, uint16_t seq);
void xmip_ro_observe_mn_deleted(const struct in6_addr *hoa, const struct in6_addr *cn,
				uint16_t seq);
void xmip_ro_observe_mn_fallback(const struct in6_addr *hoa, const struct in6_addr *cn,
				 uint8_t status, const char *why);

#endif
