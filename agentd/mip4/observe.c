// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Mobile IPv4 events and metrics (mip4_observe.h). Runs on the agent's loop thread only. */
#include "mip4_observe.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "events.h"
#include "metrics.h"
#include "xmip_events.h"
#include "xmip_maps.h"

#define FAMILY "mip4"

/* RFC 5944 §3.4, §6.4; RFC 3024, RFC 2794, RFC 3519 codes: label words (literals, as
 * metrics rows keep the pointer). */
const char *xmip_mip4_code_name(unsigned int code)
{
	switch (code) {
	case XMIP_MIP4_ACCEPTED:              return "accepted";
	case XMIP_MIP4_ACCEPTED_NO_SIMUL:     return "accepted_no_simultaneous_bindings";
	case XMIP_MIP4_FA_UNSPECIFIED:        return "fa_unspecified";
	case XMIP_MIP4_FA_PROHIBITED:         return "fa_prohibited";
	case XMIP_MIP4_FA_RESOURCES:          return "fa_insufficient_resources";
	case XMIP_MIP4_FA_MN_AUTH:            return "fa_mn_auth_failed";
	case XMIP_MIP4_FA_HA_AUTH:            return "fa_ha_auth_failed";
	case XMIP_MIP4_FA_LIFETIME_TOO_LONG:  return "fa_lifetime_too_long";
	case XMIP_MIP4_FA_POORLY_FORMED_REQ:  return "fa_poorly_formed_request";
	case XMIP_MIP4_FA_POORLY_FORMED_REP:  return "fa_poorly_formed_reply";
	case XMIP_MIP4_FA_ENCAP_UNAVAIL:      return "fa_encapsulation_unavailable";
	case XMIP_MIP4_FA_VJ_UNAVAIL:         return "fa_vj_compression_unavailable";
	case XMIP_MIP4_FA_REV_TUN_UNAVAIL:    return "fa_reverse_tunnel_unavailable";
	case XMIP_MIP4_FA_REV_TUN_MANDATORY:  return "fa_reverse_tunnel_mandatory";
	case XMIP_MIP4_FA_MN_TOO_DISTANT:     return "fa_mn_too_distant";
	case XMIP_MIP4_FA_INVALID_COA:        return "fa_invalid_care_of_address";
	case XMIP_MIP4_FA_TIMEOUT:            return "fa_registration_timeout";
	case XMIP_MIP4_FA_DELIVERY_STYLE:     return "fa_delivery_style_unsupported";
	case XMIP_MIP4_FA_HOME_NET_UNREACH:   return "fa_home_network_unreachable";
	case XMIP_MIP4_FA_HA_HOST_UNREACH:    return "fa_ha_host_unreachable";
	case XMIP_MIP4_FA_HA_PORT_UNREACH:    return "fa_ha_port_unreachable";
	case XMIP_MIP4_FA_HA_UNREACH:         return "fa_ha_unreachable";
	case XMIP_MIP4_FA_NONZERO_HOA_REQD:   return "fa_nonzero_home_address_required";
	case XMIP_MIP4_FA_MISSING_NAI:        return "fa_missing_nai";
	case XMIP_MIP4_FA_MISSING_HA:         return "fa_missing_home_agent";
	case XMIP_MIP4_FA_MISSING_HOA:        return "fa_missing_home_address";
	case XMIP_MIP4_FA_INVALID_HA:         return "fa_invalid_home_agent";
	case XMIP_MIP4_HA_UNSPECIFIED:        return "unspecified";
	case XMIP_MIP4_HA_PROHIBITED:         return "prohibited";
	case XMIP_MIP4_HA_RESOURCES:          return "insufficient_resources";
	case XMIP_MIP4_HA_MN_AUTH:            return "mn_auth_failed";
	case XMIP_MIP4_HA_FA_AUTH:            return "fa_auth_failed";
	case XMIP_MIP4_HA_ID_MISMATCH:        return "identification_mismatch";
	case XMIP_MIP4_HA_POORLY_FORMED:      return "poorly_formed_request";
	case XMIP_MIP4_HA_TOO_MANY_BINDINGS:  return "too_many_simultaneous_bindings";
	case XMIP_MIP4_HA_UNKNOWN_HA:         return "unknown_home_agent";
	case XMIP_MIP4_HA_REV_TUN_UNAVAIL:    return "reverse_tunnel_unavailable";
	case XMIP_MIP4_HA_REV_TUN_MANDATORY:  return "reverse_tunnel_mandatory";
	case XMIP_MIP4_HA_ENCAP_UNAVAIL:      return "encapsulation_unavailable";
	case XMIP_MIP4_HA_UDP_ENCAP_UNAVAIL:  return "udp_encapsulation_unavailable";
	default:                              return code <= 8 ? "accepted_other" : "other";
	}
}

static void map4(uint8_t out[16], const uint8_t a[4])
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, a, 4);
}

static void set_status(struct xmip_event *ev, unsigned int code)
{
	ev->fields |= XMIP_EVF_STATUS;
	ev->status = (__u16)code;
	snprintf(ev->status_name, sizeof(ev->status_name), "%s", xmip_mip4_code_name(code));
}

static void set_id(struct xmip_event *ev, const char *id)
{
	if (id && id[0]) {
		ev->fields |= XMIP_EVF_ID;
		snprintf(ev->id, sizeof(ev->id), "%s", id);
	}
}

/* The binding's care-of address, lifetime and, behind a NAT, the port it is reached at. */
static void set_binding(struct xmip_event *ev, const struct xmip_mip4_hb *b)
{
	ev->fields |= XMIP_EVF_COA | XMIP_EVF_LIFETIME;
	map4(ev->coa, b->coa);
	ev->lifetime_s = b->lifetime_s;
	if (b->flags & XMIP_MIP4_BF_UDP) {
		ev->fields |= XMIP_EVF_PORTS;
		ev->coa_port = b->dport;
	}
}

static const struct xmip_mip4_hb *find_coa(const struct xmip_mip4_hb *b, size_t n,
					   const uint8_t coa[4])
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(b[i].coa, coa, 4))
			return &b[i];
	return NULL;
}

/* ---- home agent ---------------------------------------------------------------- */

void xmip_mip4_observe_ha_malformed(void)
{
	xmip_metrics_message(FAMILY, "malformed", "received", NULL);
}

void xmip_mip4_observe_ha_bindings(size_t n)
{
	xmip_metrics_bindings_set(FAMILY, (int64_t)n);
}

void xmip_mip4_observe_ha(const char *id, const struct xmip_mip4_reg *m,
			  const struct xmip_mip4_ha_decision *d,
			  const struct xmip_mip4_hb *before, size_t n_before,
			  const struct xmip_mip4_hb *now, size_t n_now, uint64_t rx_ns, bool sent)
{
	struct xmip_event ev = { .family = XMIP_FAMILY_MIP4, .fields = XMIP_EVF_HOA };

	xmip_metrics_message(FAMILY, "registration_request", "received", NULL);
	if (!sent)
		return;
	xmip_metrics_message(FAMILY, "registration_reply", "sent", xmip_mip4_code_name(d->code));
	if (rx_ns)
		xmip_metrics_latency(FAMILY, xmip_now_ns() - rx_ns);
	map4(ev.hoa, d->hoa);
	set_id(&ev, id);
	if (!XMIP_MIP4_CODE_OK(d->code)) {
		ev.type = XMIP_EV_REFUSED;
		ev.fields |= XMIP_EVF_COA;
		map4(ev.coa, m->coa);
		set_status(&ev, d->code);
		xmip_event_emit(&ev);
		return;
	}
	switch (d->change) {
	case XMIP_MIP4_HA_ADD: {
		const struct xmip_mip4_hb *nb = find_coa(now, n_now, d->nb.coa);
		const struct xmip_mip4_hb *old = find_coa(before, n_before, d->nb.coa);

		if (!nb)
			return;
		set_binding(&ev, nb);
		if (old && (memcmp(old->dst, nb->dst, 4) || old->dport != nb->dport)) {
			/* Same care-of address, another NAT mapping (RFC 3519 §3.3). */
			ev.type = XMIP_EV_NAT_REBOUND;
			ev.fields |= XMIP_EVF_PORTS | XMIP_EVF_PREV_COA;
			map4(ev.prev_coa, old->dst);
			map4(ev.coa, nb->dst);
			ev.prev_port = old->dport;
		} else if (old) {
			ev.type = XMIP_EV_REFRESHED;
		} else {
			ev.type = XMIP_EV_REGISTERED;
			/* A move (the replaced binding) is told with where the node was. */
			for (size_t i = 0; i < n_before; i++)
				if (!find_coa(now, n_now, before[i].coa)) {
					ev.fields |= XMIP_EVF_PREV_COA;
					map4(ev.prev_coa, before[i].coa);
					break;
				}
		}
		break;
	}
	case XMIP_MIP4_HA_DEL_ONE:
	case XMIP_MIP4_HA_DEL_ALL:
		if (!n_before)
			return;   /* accepted, nothing there to remove */
		ev.type = XMIP_EV_DEREGISTERED;
		ev.fields |= XMIP_EVF_PREV_COA;
		map4(ev.prev_coa, d->change == XMIP_MIP4_HA_DEL_ONE && find_coa(before, n_before,
			m->coa) ? m->coa : before[0].coa);
		break;
	default:
		return;   /* accepted, nothing changed */
	}
	xmip_event_emit(&ev);
}

void xmip_mip4_observe_ha_expired(const char *id, const struct xmip_mip4_hb *b)
{
	struct xmip_event ev = { .type = XMIP_EV_EXPIRED, .family = XMIP_FAMILY_MIP4,
				 .fields = XMIP_EVF_HOA };

	map4(ev.hoa, b->hoa);
	set_binding(&ev, b);
	set_id(&ev, id);
	xmip_event_emit(&ev);
}

/* ---- foreign agent --------------------------------------------------------------- */

void xmip_mip4_observe_fa_request(bool relayed)
{
	xmip_metrics_message(FAMILY, "registration_request", relayed ? "sent" : "received", NULL);
}

void xmip_mip4_observe_fa_reply(bool relayed, unsigned int code)
{
	xmip_metrics_message(FAMILY, "registration_reply", relayed ? "sent" : "received",
			     xmip_mip4_code_name(code));
}

void xmip_mip4_observe_fa_visitor(const uint8_t hoa[4], const uint8_t coa[4], const char *nai,
				  bool up, bool expired, uint32_t lifetime_s, size_t n_visitors)
{
	struct xmip_event ev = {
		.family = XMIP_FAMILY_MIP4, .fields = XMIP_EVF_HOA | XMIP_EVF_COA | XMIP_EVF_LIFETIME,
		.type = up ? XMIP_EV_REGISTERED : expired ? XMIP_EV_EXPIRED : XMIP_EV_DEREGISTERED,
		.lifetime_s = lifetime_s,
	};

	map4(ev.hoa, hoa);
	map4(ev.coa, coa);
	set_id(&ev, nai);
	xmip_metrics_bindings_set(FAMILY, (int64_t)n_visitors);
	xmip_event_emit(&ev);
}

void xmip_mip4_observe_fa_denied(const uint8_t hoa[4], const char *nai, unsigned int code)
{
	struct xmip_event ev = { .type = XMIP_EV_REFUSED, .family = XMIP_FAMILY_MIP4,
				 .fields = XMIP_EVF_HOA };

	xmip_metrics_message(FAMILY, "registration_reply", "sent", xmip_mip4_code_name(code));
	map4(ev.hoa, hoa);
	set_id(&ev, nai);
	set_status(&ev, code);
	xmip_event_emit(&ev);
}

/* ---- mobile node (one per agent) ------------------------------------------------- */

static struct {
	bool     registered;      /* the home agent holds our binding */
	uint8_t  reg_coa[4];
	bool     timing;          /* a registration is on its way */
	uint64_t first_ns;
} mn;

void xmip_mip4_observe_mn_request(const uint8_t coa[4], bool retransmit)
{
	(void)coa;
	xmip_metrics_message(FAMILY, "registration_request", "sent", NULL);
	xmip_metrics_bindings_set(FAMILY, mn.registered);
	/* Latency counts from the first request of a registration, retransmissions included. */
	if (!mn.timing || !retransmit) {
		mn.timing = true;
		mn.first_ns = xmip_now_ns();
	}
}

void xmip_mip4_observe_mn_reply(const uint8_t hoa[4], const uint8_t coa[4], unsigned int code,
				bool accepted, bool dereg, uint32_t lifetime_s)
{
	struct xmip_event ev = { .family = XMIP_FAMILY_MIP4, .fields = XMIP_EVF_HOA };

	xmip_metrics_message(FAMILY, "registration_reply", "received", xmip_mip4_code_name(code));
	map4(ev.hoa, hoa);
	if (accepted && !dereg) {
		bool same = mn.registered && !memcmp(mn.reg_coa, coa, 4);

		ev.type = same ? XMIP_EV_REFRESHED : XMIP_EV_REGISTERED;
		ev.fields |= XMIP_EVF_COA | XMIP_EVF_LIFETIME;
		map4(ev.coa, coa);
		ev.lifetime_s = lifetime_s;
		if (mn.registered && !same) {
			ev.fields |= XMIP_EVF_PREV_COA;
			map4(ev.prev_coa, mn.reg_coa);
		}
		mn.registered = true;
		memcpy(mn.reg_coa, coa, 4);
	} else if (accepted) {
		ev.type = XMIP_EV_DEREGISTERED;
		if (mn.registered) {
			ev.fields |= XMIP_EVF_PREV_COA;
			map4(ev.prev_coa, mn.reg_coa);
		}
		mn.registered = false;
	} else {
		ev.type = XMIP_EV_REFUSED;
		ev.fields |= XMIP_EVF_COA;
		map4(ev.coa, coa);
		set_status(&ev, code);
		mn.registered = false;
	}
	if (mn.timing && accepted)
		xmip_metrics_latency(FAMILY, xmip_now_ns() - mn.first_ns);
	mn.timing = false;
	xmip_metrics_bindings_set(FAMILY, mn.registered);
	xmip_event_emit(&ev);
}

void xmip_mip4_observe_mn_reply_retry(unsigned int code)
{
	xmip_metrics_message(FAMILY, "registration_reply", "received", xmip_mip4_code_name(code));
}
