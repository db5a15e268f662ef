// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The mobile node's registration state machine (see mn_policy.h). */
#include "mn_policy.h"

#include <string.h>

#include "addr.h"
#include "auth.h"
#include "xmip_dsmip.h"

void xmip_mn_init(struct xmip_mn_state *st, uint16_t initial_seq)
{
	memset(st, 0, sizeof(*st));
	st->seq = initial_seq;
}

uint64_t xmip_mn_mesg_id_now(const struct xmip_mn_state *st, uint64_t now_realtime_ns)
{
	int64_t t = (int64_t)now_realtime_ns + st->clock_offset_ns;

	return xmip_ntp_from_unix_ns(t > 0 ? (uint64_t)t : 0);
}

bool xmip_mn_update_allowed(const struct xmip_mn_state *st, uint64_t now_ns)
{
	/* The slot to be overwritten next holds the oldest of the last 3. */
	uint64_t oldest = st->update_ns[st->update_i];

	return oldest == 0 || now_ns - oldest >= 1000000000ULL;
}

void xmip_mn_update_sent(struct xmip_mn_state *st, uint64_t now_ns)
{
	st->update_ns[st->update_i] = now_ns ? now_ns : 1;
	st->update_i = (st->update_i + 1) % XMIP_MN_MAX_UPDATE_RATE;
}

uint32_t xmip_mn_refresh_after_s(uint32_t granted_s, uint16_t refresh_units)
{
	uint32_t r = (uint32_t)((uint64_t)granted_s * XMIP_MN_REFRESH_PERCENT / 100);
	uint32_t advice = (uint32_t)refresh_units * XMIP_LIFETIME_UNIT_S;

	if (refresh_units && advice < r)
		r = advice;
	if (granted_s > 0 && r == 0)
		r = 1;
	return r;
}

static int build_bu(struct xmip_mn_state *st, const struct xmip_conf *conf,
		    const struct in6_addr *coa, const struct in_addr *coa4, bool dereg,
		    bool retransmit, uint64_t now_realtime_ns, uint8_t *buf, size_t cap)
{
	const struct xmip_mn_entry *self = &conf->self;
	bool at_home = !coa4 && xmip_addr_eq(coa, &self->hoa);
	uint64_t mesg_id = xmip_mn_mesg_id_now(st, now_realtime_ns);
	uint32_t units = conf->lifetime_s / XMIP_LIFETIME_UNIT_S;
	struct xmip_mn_ha_sa sa = { .spi = self->spi, .key = self->key, .key_len = self->key_len };
	struct xmip_bu_fields f;
	int len;

	/* The HA rejects a Mesg-ID not newer than the last it accepted. */
	if (st->last_mesg_id && xmip_ntp_diff(mesg_id, st->last_mesg_id) <= 0)
		mesg_id = st->last_mesg_id + 1;
	if (units > 0xffff)
		units = 0xffff;
	if (units == 0 && conf->lifetime_s > 0)
		units = 1;

	memset(&f, 0, sizeof(f));
	f.seq = (uint16_t)(st->seq + 1);
	f.flags = XMIP_BU_F_A | XMIP_BU_F_H;
	/* RFC 6275 §11.7.1: L when our link-local address on the home link
	 * has the home address's interface identifier (the operator says so). */
	if (conf->link_local_compat)
		f.flags |= XMIP_BU_F_L;
	f.lifetime_units = (dereg || at_home) ? 0 : (uint16_t)units;
	f.nai = self->nai;
	f.nai_len = strnlen(self->nai, sizeof(self->nai));
	f.has_mesg_id = true;
	f.mesg_id = mesg_id;
	f.has_auth = true;
	f.spi = self->spi;
	/* RFC 3963 §5.1, §5.2: a mobile router sets R in every BU and, in
	 * explicit mode, lists its prefixes (not in a deregistration, §6.7). */
	if (conf->mobile_router) {
		f.flags |= XMIP_BU_F_R;
		if (conf->nemo_explicit && f.lifetime_units) {
			f.mnp = self->mnp;
			f.n_mnp = self->n_mnp < XMIP_MH_MAX_MNP ? self->n_mnp : XMIP_MH_MAX_MNP;
		}
	}

	if (coa4) {
		/* RFC 5555 §4.2, §4.4.2: from an IPv4 CoA, inside UDP. */
		f.has_ipv4_coa = true;
		f.ipv4_coa = *coa4;
		if (conf->dsmip.has_ipv4_hoa) {
			f.has_ipv4_hoa = true;
			f.ipv4_hoa = conf->dsmip.ipv4_hoa;
			f.ipv4_hoa_plen = 32;
		}
		if (conf->dsmip.force_udp)
			f.flags |= XMIP_BU_F_F;
		len = xmip_pkt_build_bu_from_hoa(buf, cap, &self->hoa, &conf->home_agent, coa,
						 &f, &sa);
	} else {
		/* RFC 5555 §4.4.2: from an IPv6 network too, a node that has or
		 * needs an IPv4 home address asks for it in every BU. */
		if (conf->dsmip.on && conf->dsmip.has_ipv4_hoa && f.lifetime_units) {
			f.has_ipv4_hoa = true;
			f.ipv4_hoa = conf->dsmip.ipv4_hoa;
			f.ipv4_hoa_plen = 32;
		}
		len = xmip_pkt_build_bu(buf, cap, coa, &conf->home_agent, &self->hoa, &f, &sa);
	}
	if (len < 0)
		return -1;
	st->pending_udp = coa4 != NULL;

	if (!st->pending)
		st->resyncs = 0;
	st->seq = f.seq;
	st->last_mesg_id = mesg_id;
	st->pending = true;
	st->pending_dereg = f.lifetime_units == 0;
	st->pending_coa = *coa;
	if (!retransmit || st->retrans_ms == 0)
		st->retrans_ms = st->registered || st->pending_dereg ?
				 XMIP_MN_INITIAL_BINDACK_MS : XMIP_MN_INITIAL_BINDACK_FIRST_REG_MS;
	else if (st->retrans_ms < XMIP_MN_MAX_BINDACK_MS / 2)
		st->retrans_ms *= 2;
	else
		st->retrans_ms = XMIP_MN_MAX_BINDACK_MS;
	return len;
}

int xmip_mn_build_bu(struct xmip_mn_state *st, const struct xmip_conf *conf,
		     const struct in6_addr *coa, bool dereg, bool retransmit,
		     uint64_t now_realtime_ns, uint8_t *buf, size_t cap)
{
	return build_bu(st, conf, coa, NULL, dereg, retransmit, now_realtime_ns, buf, cap);
}

int xmip_mn_build_bu4(struct xmip_mn_state *st, const struct xmip_conf *conf,
		      struct in_addr coa4, bool retransmit, uint64_t now_realtime_ns,
		      uint8_t *buf, size_t cap)
{
	struct in6_addr mapped = { .s6_addr = { [10] = 0xff, [11] = 0xff } };

	memcpy(&mapped.s6_addr[12], &coa4, 4);     /* ::ffff:a.b.c.d */
	return build_bu(st, conf, &mapped, &coa4, false, retransmit, now_realtime_ns, buf, cap);
}

static enum xmip_mn_verdict ignore(struct xmip_mn_ba_result *res, const char *why)
{
	res->reason = why;
	return XMIP_MN_BA_IGNORE;
}

/* The first resynchronisation of a registration is answered at once, the
 * next ones on the retransmission timer (RFC 6275 §11.8 back-off). */
static enum xmip_mn_verdict resynced(struct xmip_mn_state *st, struct xmip_mn_ba_result *res,
				     const char *why)
{
	res->reason = why;
	if (st->resyncs < UINT8_MAX)
		st->resyncs++;
	return st->resyncs > 1 ? XMIP_MN_BA_RESYNC_WAIT : XMIP_MN_BA_RESEND;
}

enum xmip_mn_verdict xmip_mn_handle_ba(struct xmip_mn_state *st,
				       const struct xmip_conf *conf,
				       const struct xmip_pkt *pkt,
				       uint64_t now_realtime_ns,
				       struct xmip_mn_ba_result *res)
{
	const struct xmip_mn_entry *self = &conf->self;
	const struct xmip_mh_msg *m = &pkt->msg;
	const struct xmip_mh_opts *o = &m->opts;

	memset(res, 0, sizeof(*res));
	if (m->type != XMIP_MH_BA)
		return ignore(res, "not a Binding Acknowledgement");
	res->status = m->ba_status;
	if (!st->pending)
		return ignore(res, "no Binding Update pending");
	if (!xmip_addr_eq(&pkt->src, &conf->home_agent))
		return ignore(res, "BA not from our home agent");
	if (!xmip_addr_eq(&pkt->mh_dst, &self->hoa))
		return ignore(res, "BA not for our home address");
	/* coa = the BA's IPv6 destination, hoa = its final destination; in
	 * UDP (RFC 5555 §4.2, no routing header) the destination is the HoA
	 * and the authenticator's CoA is our ::ffff:CoA4 (docs/dsmip.md). */
	if (!o->has_auth || !o->auth_is_last || o->auth_subtype != XMIP_AUTH_SUBTYPE_MN_HA ||
	    o->auth_spi != self->spi || o->auth_data_len != XMIP_AUTH_HMAC_SHA1_96_LEN ||
	    !xmip_auth_verify(self->key, self->key_len,
			      st->pending_udp ? &st->pending_coa : &pkt->dst, &pkt->mh_dst,
			      pkt->mh, pkt->mh_len, o->auth_opt_off))
		return ignore(res, "BA authentication failed");

	switch (m->ba_status) {
	case XMIP_BA_SEQ_OUT_OF_WINDOW:
		/* Its seq is the HA's last accepted one; the echoed Mesg-ID
		 * ties it to our pending BU. */
		if (!o->has_mesg_id || o->mesg_id != st->last_mesg_id)
			return ignore(res, "135 for another BU");
		st->seq = m->seq;
		return resynced(st, res, "sequence number resynchronised");
	case XMIP_BA_MIPV6_ID_MISMATCH:
	case XMIP_BA_MIPV6_MESG_ID_REQD:
		if (m->seq != st->seq)
			return ignore(res, "stale BA (seq)");
		if (!o->has_mesg_id)
			return ignore(res, "144/145 without the HA's time");
		/* RFC 4285 §6: a 144 carries our BU's low 32 bits under the
		 * HA's seconds, which ties it to that BU: an old signed 144
		 * replayed at us cannot set our clock. (145 answers a BU that
		 * had no Mesg-ID: nothing to tie.) */
		if (m->ba_status == XMIP_BA_MIPV6_ID_MISMATCH &&
		    (o->mesg_id & 0xffffffffULL) != (st->last_mesg_id & 0xffffffffULL))
			return ignore(res, "144 for another BU (Mesg-ID low 32 bits)");
		/* Adopt the HA's clock; our own Mesg-ID history was on the
		 * wrong clock, so restart it from the HA's time. */
		st->clock_offset_ns = xmip_ntp_to_unix_ns(o->mesg_id) - (int64_t)now_realtime_ns;
		st->last_mesg_id = 0;
		return resynced(st, res, "clock resynchronised to the home agent");
	default:
		break;
	}

	if (m->seq != st->seq)
		return ignore(res, "stale BA (seq)");
	/* RFC 4285 §6: the HA echoes our Mesg-ID in its answer. The sequence
	 * number alone does not tie a BA to this BU: it repeats (wrap, a
	 * restarted MN), and the HA signs its 146 answer to a forged BU that
	 * carried our seq without being able to check it. */
	if (!o->has_mesg_id || o->mesg_id != st->last_mesg_id)
		return ignore(res, "BA does not echo the Mesg-ID of our BU");
	st->pending = false;
	st->resyncs = 0;
	/* RFC 6275 §10.3.2: 133 to a deregistration means the HA holds no
	 * binding for us, which is what the deregistration was for. */
	if (st->pending_dereg && m->ba_status == XMIP_BA_NOT_HA_FOR_MN) {
		st->registered = false;
		st->granted_s = 0;
		res->reason = "no binding at the home agent";
		return XMIP_MN_BA_DEREGISTERED;
	}
	if (m->ba_status >= 128) {
		st->registered = false;
		res->reason = "registration rejected";
		return XMIP_MN_BA_REJECTED;
	}
	if (st->pending_dereg || m->lifetime_units == 0) {
		st->registered = false;
		st->granted_s = 0;
		res->reason = "deregistered";
		return XMIP_MN_BA_DEREGISTERED;
	}
	st->registered = true;
	st->reg_coa = st->pending_coa;
	st->granted_s = (uint32_t)m->lifetime_units * XMIP_LIFETIME_UNIT_S;
	res->granted_s = st->granted_s;
	res->refresh_after_s = xmip_mn_refresh_after_s(st->granted_s,
						       o->has_refresh ? o->refresh_units : 0);
	res->reason = "registered";
	/* RFC 5555 §4.4.2: tunnel in UDP when the NAT Detection option's F
	 * says so (docs/dsmip.md: F, not presence); keepalives (BU refreshes,
	 * §4.3) at its refresh time unless all ones. */
	if (o->has_nat_detect) {
		res->has_nat_detect = true;
		res->udp_required = o->nat_f;
		if (o->nat_refresh_s != 0 && o->nat_refresh_s != XMIP_DSMIP_REFRESH_NONE)
			res->keepalive_s = o->nat_refresh_s;
	}
	if (o->has_ipv4_ack) {
		res->has_ipv4_ack = true;
		res->ipv4_ack_status = o->ipv4_ack_status;
		res->ipv4_ack_plen = o->ipv4_ack_plen;
		if (o->ipv4_ack_status < 128)
			res->ipv4_hoa = o->ipv4_ack_hoa;
	}
	return XMIP_MN_BA_ACCEPTED;
}
