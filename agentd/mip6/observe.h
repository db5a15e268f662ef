/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What Mobile IPv6 tells operators: events for `xmip monitor`
 * (core/events.h) and metrics (core/metrics.h), from one call at each
 * place ha.c, mn.c and family.c decide something. Keeps the protocol
 * files free of reporting code.
 */
#ifndef XMIP_MIP6_OBSERVE_H
#define XMIP_MIP6_OBSERVE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "ha_policy.h"
#include "mh.h"
#include "mn_policy.h"

struct xmip_family;

/* A packet of the family that did not parse (dropped). */
void xmip_mip6_observe_malformed(enum xmip_parse_err perr);

/* HA: a message handled (decided, applied, answered); cur: the binding before. */
void xmip_mip6_observe_ha(const struct xmip_family *f, const struct xmip_pkt *p,
			  const struct xmip_ha_decision *d, const struct xmip_binding *cur);
/* HA: a Binding Error went out. */
void xmip_mip6_observe_ha_be(void);
/* HA: a binding's lifetime ran out and it was removed. */
void xmip_mip6_observe_ha_expired(const uint8_t hoa[16], const struct xmip_binding *b);

/* MN: a BU went out. */
void xmip_mip6_observe_mn_bu(const struct in6_addr *coa, bool dereg, bool retransmit);
/* MN: a BA was judged (xmip_mn_handle_ba); st after the judgement. */
void xmip_mip6_observe_mn_ba(const struct xmip_pkt *p, enum xmip_mn_verdict v,
			     const struct xmip_mn_ba_result *res, const struct xmip_mn_state *st,
			     const struct in6_addr *hoa);
/* MN: another message received (BRR, BE). */
void xmip_mip6_observe_mn_msg(const struct xmip_pkt *p);

#endif
