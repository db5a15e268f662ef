// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Mobile IPv6 events and metrics (observe.h). Runs on the agent's loop thread only. */
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

#define FAMILY "mip6"

static void set_status(struct xmip_event *ev, unsigned int status)
{
	ev->fields |= XMIP_EVF_STATUS;
	ev->status = (__u16)status;
	snprintf(ev->status_name, sizeof(ev->status_name), "%s", xmip_ba_status_name(status));
}

void xmip_mip6_observe_malformed(enum xmip_parse_err perr)
{
	(void)perr;
	xmip_metrics_message(FAMILY, "malformed", "received", NULL);
}

/* ---- home agent ---------------------------------------------------------------- */

void xmip_mip6_observe_ha(const struct xmip_family *f, const struct xmip_pkt *p,
			  const struct xmip_ha_decision *d, const struct xmip_binding *cur)
{
	struct xmip_event ev = { .family = XMIP_FAMILY_MIP6, .fields = XMIP_EVF_HOA | XMIP_EVF_SEQ };

	/* p is NULL for a BU held back during DAD and decided later: it was
	 * counted as received when it arrived, and its latency is not this
	 * record's. */
	if (p)
		xmip_metrics_message(FAMILY, xmip_mh_type_label(p->msg.type), "received", NULL);
	if (!d->send_ba)
		return;
	xmip_metrics_message(FAMILY, "binding_ack", "sent", xmip_ba_status_label(d->ba.status));
	if (p && f->core && f->core->rx_ns)   /* 0: not from the ring buffer (a test calling ha.c) */
		xmip_metrics_latency(FAMILY, xmip_now_ns() - f->core->rx_ns);

	memcpy(ev.hoa, &d->ba_hoa, 16);
	ev.seq = p ? p->msg.seq : d->ba.seq;
	if (d->ba.status >= 128) {
		ev.type = XMIP_EV_REFUSED;
		ev.fields |= XMIP_EVF_COA;
		memcpy(ev.coa, &d->ba_coa, 16);
		set_status(&ev, d->ba.status);
	} else if (d->binding_op == XMIP_HA_BINDING_DELETE) {
		ev.type = XMIP_EV_DEREGISTERED;
		if (cur) {
			ev.fields |= XMIP_EVF_PREV_COA;
			memcpy(ev.prev_coa, cur->coa, 16);
		}
	} else if (d->binding_op == XMIP_HA_BINDING_WRITE) {
		bool same = cur && xmip_addr_eq(cur->coa, d->binding.coa);

		ev.type = same ? XMIP_EV_REFRESHED : XMIP_EV_REGISTERED;
		ev.fields |= XMIP_EVF_COA | XMIP_EVF_LIFETIME;
		memcpy(ev.coa, d->binding.coa, 16);
		ev.lifetime_s = d->binding.lifetime_s;
		if (cur && !same) {
			ev.fields |= XMIP_EVF_PREV_COA;
			memcpy(ev.prev_coa, cur->coa, 16);
		}
	} else {
		return;   /* accepted, nothing changed (a deregistration of no binding) */
	}
	if (d->mn && d->mn->nai[0]) {
		ev.fields |= XMIP_EVF_ID;
		snprintf(ev.id, sizeof(ev.id), "%s", d->mn->nai);
	}
	xmip_event_emit(&ev);
}

void xmip_mip6_observe_ha_be(void)
{
	xmip_metrics_message(FAMILY, "binding_error", "sent", NULL);
}

void xmip_mip6_observe_ha_expired(const uint8_t hoa[16], const struct xmip_binding *b)
{
	struct xmip_event ev = {
		.type = XMIP_EV_EXPIRED, .family = XMIP_FAMILY_MIP6,
		.fields = XMIP_EVF_HOA | XMIP_EVF_COA | XMIP_EVF_LIFETIME | XMIP_EVF_SEQ,
		.lifetime_s = b->lifetime_s, .seq = b->seq,
	};

	memcpy(ev.hoa, hoa, 16);
	memcpy(ev.coa, b->coa, 16);
	xmip_event_emit(&ev);
}

/* ---- mobile node (one per agent) ----------------------------------------------- */

static struct {
	bool            registered;      /* the HA holds our binding */
	struct in6_addr reg_coa;
	bool            timing;          /* a registration is on its way */
	struct in6_addr timed_coa;
	uint64_t        first_bu_ns;
} mn;

void xmip_mip6_observe_mn_bu(const struct in6_addr *coa, bool dereg, bool retransmit)
{
	(void)dereg;
	xmip_metrics_message(FAMILY, "binding_update", "sent", NULL);
	xmip_metrics_bindings_set(FAMILY, mn.registered);
	/* Latency counts from the first BU of a registration, retransmissions included. */
	if (!mn.timing || (!retransmit && !xmip_addr_eq(&mn.timed_coa, coa))) {
		mn.timing = true;
		mn.timed_coa = *coa;
		mn.first_bu_ns = xmip_now_ns();
	}
}

void xmip_mip6_observe_mn_ba(const struct xmip_pkt *p, enum xmip_mn_verdict v,
			     const struct xmip_mn_ba_result *res, const struct xmip_mn_state *st,
			     const struct in6_addr *hoa)
{
	struct xmip_event ev = { .family = XMIP_FAMILY_MIP6, .fields = XMIP_EVF_HOA | XMIP_EVF_SEQ,
				 .seq = p->msg.seq };

	xmip_metrics_message(FAMILY, "binding_ack", "received", xmip_ba_status_label(p->msg.ba_status));
	memcpy(ev.hoa, hoa, 16);
	switch (v) {
	case XMIP_MN_BA_ACCEPTED: {
		bool same = mn.registered && xmip_addr_eq(&mn.reg_coa, &st->reg_coa);

		ev.type = same ? XMIP_EV_REFRESHED : XMIP_EV_REGISTERED;
		ev.fields |= XMIP_EVF_COA | XMIP_EVF_LIFETIME;
		memcpy(ev.coa, &st->reg_coa, 16);
		ev.lifetime_s = res->granted_s;
		if (mn.registered && !same) {
			ev.fields |= XMIP_EVF_PREV_COA;
			memcpy(ev.prev_coa, &mn.reg_coa, 16);
		}
		mn.registered = true;
		mn.reg_coa = st->reg_coa;
		break;
	}
	case XMIP_MN_BA_DEREGISTERED:
		ev.type = XMIP_EV_DEREGISTERED;
		if (mn.registered) {
			ev.fields |= XMIP_EVF_PREV_COA;
			memcpy(ev.prev_coa, &mn.reg_coa, 16);
		}
		mn.registered = false;
		break;
	case XMIP_MN_BA_REJECTED:
		ev.type = XMIP_EV_REFUSED;
		ev.fields |= XMIP_EVF_COA;
		memcpy(ev.coa, &st->pending_coa, 16);
		set_status(&ev, res->status);
		mn.registered = false;
		break;
	default:
		return;   /* resynchronised or ignored: the registration goes on */
	}
	if (mn.timing && v != XMIP_MN_BA_REJECTED)
		xmip_metrics_latency(FAMILY, xmip_now_ns() - mn.first_bu_ns);
	mn.timing = false;
	xmip_metrics_bindings_set(FAMILY, mn.registered);
	xmip_event_emit(&ev);
}

void xmip_mip6_observe_mn_msg(const struct xmip_pkt *p)
{
	xmip_metrics_message(FAMILY, xmip_mh_type_label(p->msg.type), "received", NULL);
}
