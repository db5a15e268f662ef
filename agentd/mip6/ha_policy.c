// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The home agent's decision for one Binding Update (see ha_policy.h). */
#include "ha_policy.h"

#include <string.h>

#include "addr.h"
#include "auth.h"
#include "seqwin.h"

#define NSEC_PER_SEC 1000000000ULL

/* A home address must be a global unicast address (RFC 6275 §9.5.1). */
static bool usable_hoa(const struct in6_addr *a)
{
	static const struct in6_addr zero, loop = { .s6_addr = { [15] = 1 } };

	if (a->s6_addr[0] == 0xff)                                   /* multicast */
		return false;
	if (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80) /* link-local */
		return false;
	return !xmip_addr_eq(a, &zero) && !xmip_addr_eq(a, &loop);
}

static bool nai_matches(const struct xmip_mh_opts *o, const struct xmip_mn_entry *mn)
{
	size_t n = strnlen(mn->nai, sizeof(mn->nai));

	return o->has_mnid && o->mnid_subtype == XMIP_MNID_SUBTYPE_NAI &&
	       o->nai_len == n && memcmp(o->nai, mn->nai, n) == 0;
}

uint16_t xmip_ha_grant_lifetime(uint16_t requested_units, uint32_t max_lifetime_s)
{
	uint32_t max_units = max_lifetime_s / XMIP_LIFETIME_UNIT_S;

	if (max_units > 0xffff)
		max_units = 0xffff;
	if (requested_units > max_units)
		return (uint16_t)max_units;
	return requested_units;
}

static void reject(struct xmip_ha_decision *d, uint8_t status, const char *why)
{
	d->send_ba = true;      /* rejections are answered whatever the A flag */
	d->ba.status = status;
	d->ba.lifetime_units = 0;
	d->reason = why;
}

/* |mesg_id - now| within the window, both NTP 32.32 fixed point. */
static bool mesg_id_in_window(uint64_t mesg_id, uint64_t now_ntp, uint32_t window_s)
{
	int64_t d = xmip_ntp_diff(mesg_id, now_ntp);
	uint64_t diff = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;

	return diff <= ((uint64_t)window_s << 32);
}

int xmip_ha_decide(const struct xmip_conf *conf, const struct xmip_pkt *pkt,
		   enum xmip_parse_err perr, uint32_t ifindex,
		   const struct xmip_binding *cur,
		   const struct xmip_replay_state *replay,
		   uint64_t now_realtime_ns, uint64_t now_boottime_ns,
		   struct xmip_ha_decision *d)
{
	const struct xmip_mh_msg *m = &pkt->msg;
	const struct xmip_mh_opts *o = &m->opts;
	uint32_t window = conf->mesg_id_window_s ? conf->mesg_id_window_s :
			  XMIP_DEFAULT_MESG_ID_WINDOW_S;
	uint64_t now_ntp = xmip_ntp_from_unix_ns(now_realtime_ns);
	const struct xmip_mn_entry *mn;
	struct in6_addr hoa, coa;
	bool dereg;

	memset(d, 0, sizeof(*d));
	d->reason = "ignored";

	if (perr == XMIP_PARSE_UNKNOWN_MH_TYPE) {
		/* RFC 6275 §9.2: Binding Error status 2 to the source; never
		 * to a multicast or unspecified source. */
		if (!usable_hoa(&pkt->src)) {
			d->reason = "unknown MH type from an unusable source";
			return 0;
		}
		d->send_be = true;
		d->be_status = XMIP_BE_UNRECOGNISED_MH;
		d->be_src = pkt->dst;
		d->be_dst = pkt->src;
		d->be_has_hoa = pkt->has_hao;
		d->be_hoa = pkt->hao;
		d->reason = "unrecognised MH type";
		return 0;
	}
	if (perr != XMIP_PARSE_OK) {
		d->reason = xmip_parse_strerror(perr);
		return 0;
	}
	if (m->type != XMIP_MH_BU) {
		d->reason = "not a Binding Update";
		return 0;
	}

	hoa = pkt->has_hao ? pkt->hao : pkt->src;
	coa = o->has_alt_coa ? o->alt_coa : pkt->src;
	if (!usable_hoa(&hoa) || !usable_hoa(&pkt->src)) {
		d->reason = "no usable home address";
		return 0;
	}

	d->ba_src = pkt->dst;
	d->ba_coa = pkt->src;
	d->ba_hoa = hoa;
	d->ba.seq = m->seq;
	d->binding_key = (struct xmip_binding_key){ { 0 } };
	memcpy(d->binding_key.hoa, hoa.s6_addr, 16);

	if (m->bu_flags & XMIP_BU_F_R) {
		reject(d, XMIP_BA_MR_OP_NOT_PERMITTED, "mobile router registration not supported");
		return 0;
	}
	if (!(m->bu_flags & XMIP_BU_F_H)) {
		reject(d, XMIP_BA_HOME_REG_NOT_SUPPORTED, "H flag clear");
		return 0;
	}
	if (!xmip_in_prefix(&hoa, &conf->home_prefix, conf->home_plen)) {
		reject(d, XMIP_BA_NOT_HOME_SUBNET, "home address not in the home prefix");
		return 0;
	}
	mn = xmip_conf_find_mn(conf, &hoa);
	if (!mn) {
		reject(d, XMIP_BA_NOT_HA_FOR_MN, "no [mn] with this home address");
		return 0;
	}
	if (!nai_matches(o, mn)) {
		reject(d, XMIP_BA_NOT_HA_FOR_MN, "MN-ID missing or not the NAI of this home address");
		return 0;
	}

	/* The MN is identified: every answer from here is authenticated. */
	d->mn = mn;
	d->ba.has_auth = true;
	d->ba.spi = mn->spi;

	if (!o->has_auth || !o->auth_is_last || o->auth_subtype != XMIP_AUTH_SUBTYPE_MN_HA ||
	    o->auth_spi != mn->spi || o->auth_data_len != XMIP_AUTH_HMAC_SHA1_96_LEN ||
	    !xmip_auth_verify(mn->key, mn->key_len, &pkt->src, &hoa,
			      pkt->mh, pkt->mh_len, o->auth_opt_off)) {
		reject(d, XMIP_BA_MIPV6_AUTH_FAIL, "MN-HA authentication failed");
		return 0;
	}

	if (!o->has_mesg_id) {
		reject(d, XMIP_BA_MIPV6_MESG_ID_REQD, "Mesg-ID option missing");
		d->ba.has_mesg_id = true;
		d->ba.mesg_id = now_ntp;
		return 0;
	}

	dereg = m->lifetime_units == 0 || xmip_addr_eq(&coa, &hoa);

	/* An exact retransmission of the BU we accepted last: same answer,
	 * no state change (the binding's expiry is not pushed out). */
	if (replay && replay->seq_valid && m->seq == replay->last_seq &&
	    o->mesg_id == replay->last_mesg_id) {
		bool same_dereg = dereg && !cur;
		bool same_reg = !dereg && cur && cur->seq == m->seq &&
				xmip_addr_eq(cur->coa, &coa) &&
				cur->lifetime_s / XMIP_LIFETIME_UNIT_S ==
				xmip_ha_grant_lifetime(m->lifetime_units, conf->max_lifetime_s);

		if (same_dereg || same_reg) {
			d->send_ba = (m->bu_flags & XMIP_BU_F_A) != 0;
			d->ba.status = XMIP_BA_ACCEPTED;
			d->ba.lifetime_units = same_reg ?
				(uint16_t)(cur->lifetime_s / XMIP_LIFETIME_UNIT_S) : 0;
			d->ba.has_mesg_id = true;
			d->ba.mesg_id = o->mesg_id;
			d->reason = "retransmission of the accepted BU";
			return 0;
		}
	}

	if (!mesg_id_in_window(o->mesg_id, now_ntp, window) ||
	    (replay && replay->seq_valid &&
	     xmip_ntp_diff(o->mesg_id, replay->last_mesg_id) <= 0)) {
		reject(d, XMIP_BA_MIPV6_ID_MISMATCH, "Mesg-ID outside the window or replayed");
		d->ba.has_mesg_id = true;
		d->ba.mesg_id = now_ntp;
		return 0;
	}

	if (replay && replay->seq_valid && !xmip_seq_newer(m->seq, replay->last_seq)) {
		reject(d, XMIP_BA_SEQ_OUT_OF_WINDOW, "sequence number out of window");
		d->ba.seq = replay->last_seq;
		d->ba.has_mesg_id = true;
		d->ba.mesg_id = o->mesg_id;
		return 0;
	}

	/* RFC 6275 §10.3.2: no home registration to delete → 133. The BU was
	 * authentic and fresh, so echo its Mesg-ID for the MN. */
	if (dereg && !cur) {
		reject(d, XMIP_BA_NOT_HA_FOR_MN, "deregistration without a binding");
		d->ba.has_mesg_id = true;
		d->ba.mesg_id = o->mesg_id;
		return 0;
	}

	/* Accepted. */
	d->send_ba = (m->bu_flags & XMIP_BU_F_A) != 0;
	d->ba.status = XMIP_BA_ACCEPTED;
	d->ba.has_mesg_id = true;
	d->ba.mesg_id = o->mesg_id;
	d->replay_write = true;
	d->replay.last_mesg_id = o->mesg_id;
	d->replay.last_seq = m->seq;
	d->replay.seq_valid = 1;

	if (dereg) {
		d->binding_op = XMIP_HA_BINDING_DELETE;
		d->proxy_nd = XMIP_HA_PROXY_ND_STOP;
		d->ba.lifetime_units = 0;
		d->reason = "deregistration accepted";
	} else {
		uint16_t units = xmip_ha_grant_lifetime(m->lifetime_units, conf->max_lifetime_s);

		if (units == 0)             /* max-lifetime < 4 s: grant one unit */
			units = 1;
		d->binding_op = XMIP_HA_BINDING_WRITE;
		memcpy(d->binding.coa, coa.s6_addr, 16);
		d->binding.lifetime_s = (uint32_t)units * XMIP_LIFETIME_UNIT_S;
		d->binding.expires_ns = now_boottime_ns + (uint64_t)d->binding.lifetime_s * NSEC_PER_SEC;
		d->binding.seq = m->seq;
		d->binding.bu_flags = m->bu_flags;
		d->binding.ifindex = ifindex;
		d->proxy_nd = cur ? XMIP_HA_PROXY_ND_KEEP : XMIP_HA_PROXY_ND_START;
		d->ba.lifetime_units = units;
		d->reason = cur ? "binding refreshed" : "binding created";
	}
	return 0;
}

int xmip_ha_build_ba(const struct xmip_ha_decision *d, uint8_t *buf, size_t cap)
{
	struct xmip_mn_ha_sa sa;

	if (!d->send_ba)
		return -1;
	if (d->ba.has_auth) {
		if (!d->mn)
			return -1;
		sa = (struct xmip_mn_ha_sa){ .spi = d->mn->spi, .key = d->mn->key,
					     .key_len = d->mn->key_len };
	}
	return xmip_pkt_build_ba(buf, cap, &d->ba_src, &d->ba_coa, &d->ba_hoa, &d->ba,
				 d->ba.has_auth ? &sa : NULL);
}

int xmip_ha_build_be(const struct xmip_ha_decision *d, uint8_t *buf, size_t cap)
{
	if (!d->send_be)
		return -1;
	return xmip_pkt_build_be(buf, cap, &d->be_src, &d->be_dst, d->be_status,
				 d->be_has_hoa ? &d->be_hoa : NULL);
}
