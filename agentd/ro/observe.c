// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Route optimisation's events and metrics (observe.h). Runs on the agent's loop thread only. */
#include "observe.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "clock.h"
#include "core.h"
#include "events.h"
#include "metrics.h"
#include "xmip_events.h"
#include "xmip_maps.h"

#define FAMILY "ro"

void xmip_ro_observe_rx(unsigned int mh_type)
{
	xmip_metrics_message(FAMILY, xmip_mh_type_label(mh_type), "received", NULL);
}

void xmip_ro_observe_malformed(void)
{
	xmip_metrics_message(FAMILY, "malformed", "received", NULL);
}

void xmip_ro_observe_sent(unsigned int mh_type)
{
	xmip_metrics_message(FAMILY, xmip_mh_type_label(mh_type), "sent", NULL);
}

void xmip_ro_observe_bu(const struct xmip_family *f, const struct xmip_pkt *p,
			const struct xmip_cn_decision *d, const struct xmip_binding *cur,
			bool ba_sent)
{
	struct xmip_event ev = { .family = XMIP_FAMILY_RO,
				 .fields = XMIP_EVF_HOA | XMIP_EVF_SEQ | XMIP_EVF_PEER,
				 .seq = p->msg.seq };

	if (ba_sent) {
		xmip_metrics_message(FAMILY, "binding_ack", "sent", xmip_ba_status_label(d->status));
		if (d->status < 128 && f && f->core && f->core->rx_ns)
			xmip_metrics_latency(FAMILY, xmip_now_ns() - f->core->rx_ns);
	}
	memcpy(ev.hoa, &d->hoa, 16);
	/* The correspondent is the peer: the CN's own address the BU was for. */
	memcpy(ev.peer, &p->dst, 16);
	switch (d->action) {
	case XMIP_CN_DISCARD:
		return;   /* silently discarded (forged, malformed): nothing happened */
	case XMIP_CN_REJECT:
		ev.type = XMIP_EV_REFUSED;
		ev.fields |= XMIP_EVF_COA | XMIP_EVF_STATUS;
		memcpy(ev.coa, &d->coa, 16);
		ev.status = d->status;
		snprintf(ev.status_name, sizeof(ev.status_name), "%s",
			 xmip_ba_status_name(d->status));
		break;
	case XMIP_CN_DELETE:
		if (!cur)
			return;   /* a deregistration of no binding changes nothing */
		ev.type = XMIP_EV_DEREGISTERED;
		ev.fields |= XMIP_EVF_PREV_COA;
		memcpy(ev.prev_coa, cur->coa, 16);
		break;
	case XMIP_CN_CACHE: {
		bool same = cur && xmip_addr_eq(cur->coa, d->binding.coa);

		ev.type = same ? XMIP_EV_REFRESHED : XMIP_EV_REGISTERED;
		ev.fields |= XMIP_EVF_COA | XMIP_EVF_LIFETIME;
		memcpy(ev.coa, d->binding.coa, 16);
		ev.lifetime_s = d->binding.lifetime_s;
		if (cur && !same) {
			ev.fields |= XMIP_EVF_PREV_COA;
			memcpy(ev.prev_coa, cur->coa, 16);
		}
		break;
	}
	}
	xmip_event_emit(&ev);
}

void xmip_ro_observe_expired(const uint8_t hoa[16], const struct xmip_binding *b)
{
	struct xmip_event ev = {
		.type = XMIP_EV_EXPIRED, .family = XMIP_FAMILY_RO,
		.fields = XMIP_EVF_HOA | XMIP_EVF_COA | XMIP_EVF_LIFETIME | XMIP_EVF_SEQ,
		.lifetime_s = b->lifetime_s, .seq = b->seq,
	};

	memcpy(ev.hoa, hoa, 16);
	memcpy(ev.coa, b->coa, 16);
	xmip_event_emit(&ev);
}

void xmip_ro_observe_mn_bound(const struct in6_addr *hoa, const struct in6_addr *coa,
			      const struct in6_addr *prev, const struct in6_addr *cn,
			      uint32_t lifetime_s, uint16_t seq)
{
	bool same = prev && xmip_addr_eq(prev, coa);
	struct xmip_event ev = {
		.type = same ? XMIP_EV_REFRESHED : XMIP_EV_REGISTERED, .family = XMIP_FAMILY_RO,
		.fields = XMIP_EVF_HOA | XMIP_EVF_COA | XMIP_EVF_PEER | XMIP_EVF_LIFETIME |
			  XMIP_EVF_SEQ,
		.lifetime_s = lifetime_s, .seq = seq,
	};

	xmip_metrics_message(FAMILY, "binding_ack", "received", xmip_ba_status_label(0));
	memcpy(ev.hoa, hoa, 16);
	memcpy(ev.coa, coa, 16);
	memcpy(ev.peer, cn, 16);
	if (prev && !same && !IN6_IS_ADDR_UNSPECIFIED(prev)) {
		ev.fields |= XMIP_EVF_PREV_COA;
		memcpy(ev.prev_coa, prev, 16);
	}
	xmip_event_emit(&ev);
}

void xmip_ro_observe_mn_deleted(const struct in6_addr *hoa, const struct in6_addr *cn,
				uint16_t seq)
{
	struct xmip_event ev = {
		.type = XMIP_EV_DEREGISTERED, .family = XMIP_FAMILY_RO,
		.fields = XMIP_EVF_HOA | XMIP_EVF_PEER | XMIP_EVF_SEQ, .seq = seq,
	};

	memcpy(ev.hoa, hoa, 16);
	memcpy(ev.peer, cn, 16);
	xmip_event_emit(&ev);
}

void xmip_ro_observe_mn_fallback(const struct in6_addr *hoa, const struct in6_addr *cn,
				 uint8_t status, const char *why)
{
	struct xmip_event ev = {
		.type = XMIP_EV_REFUSED, .family = XMIP_FAMILY_RO,
		.fields = XMIP_EVF_HOA | XMIP_EVF_PEER | XMIP_EVF_STATUS, .status = status,
	};

	memcpy(ev.hoa, hoa, 16);
	memcpy(ev.peer, cn, 16);
	snprintf(ev.status_name, sizeof(ev.status_name), "%s",
		 status ? xmip_ba_status_name(status) : why);
	xmip_event_emit(&ev);
}
