// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The home agent's decision for one Binding Update (see ha_policy.h). */
#include "ha_policy.h"

#include <string.h>

#include "addr.h"
#include "auth.h"
#include "seqwin.h"

#define NSEC_PER_SEC 1000000000ULL

/* The answer carries the HA's time: high 32 bits ours, low 32 bits the
 * BU's (RFC 4285 §6), so the MN can tie it to the BU it answers. */
static uint64_t ha_time_for(uint64_t now_ntp, uint64_t bu_mesg_id)
{
	return (now_ntp & ~0xffffffffULL) | (bu_mesg_id & 0xffffffffULL);
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

/* An authentic answer to a fresh BU: refused, its Mesg-ID echoed. */
static void reject_echo(struct xmip_ha_decision *d, uint8_t status, uint64_t mesg_id,
			const char *why)
{
	reject(d, status, why);
	d->ba.has_mesg_id = true;
	d->ba.mesg_id = mesg_id;
}

static void discard(struct xmip_ha_decision *d, enum xmip_ha_discard why, const char *text)
{
	d->send_ba = false;
	d->discard = why;
	d->reason = text;
}

/* Where the BA goes and which binding it is about. */
static void set_ba_addressing(struct xmip_ha_decision *d, const struct xmip_pkt *pkt,
			      const struct in6_addr *hoa)
{
	d->ba_src = pkt->dst;
	d->ba_coa = pkt->src;
	d->ba_hoa = *hoa;
	d->ba.seq = pkt->msg.seq;
	d->binding_key = (struct xmip_binding_key){ { 0 } };
	memcpy(d->binding_key.hoa, hoa->s6_addr, 16);
}

/* prefix/plen with the bits after plen cleared. */
static struct xmip_mnp mnp_masked(const struct xmip_mnp *in)
{
	struct xmip_mnp m = *in;

	for (unsigned bit = m.plen; bit < 128; bit++)
		m.prefix.s6_addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
	return m;
}

/*
 * RFC 3963 §6.2 and §6.6: the mobile network prefixes a mobile router's
 * registration sets up forwarding for, into out[] (at most
 * XMIP_MH_MAX_MNP). Explicit mode (the BU has Mobile Network Prefix
 * options): each must be a prefix we can forward (a length 1..128,
 * unicast routable, outside the home prefix, at most XMIP_MH_MAX_MNP of
 * them), else 141 Invalid Prefix; and inside one of the prefixes
 * configured for this router (the Prefix Table of §6.1.2), else 142 Not
 * Authorized for Prefix. Implicit mode (none): the configured prefixes,
 * or 143 Forwarding Setup failed when there are none. Shared by the
 * DSMIPv6 home agent (a router on an IPv4 care-of address, RFC 5555 §1).
 * Returns 0 (accepted) or the BA status, *why then says why.
 */
uint8_t xmip_ha_nemo_prefixes(const struct xmip_conf *conf, const struct xmip_mn_entry *mn,
			      const struct xmip_mh_opts *o, struct xmip_mnp *out, uint8_t *n_out,
			      const char **why)
{
	uint8_t n = 0;

	*n_out = 0;
	if (o->n_mnp == 0) {
		if (!mn->n_mnp) {
			*why = "implicit mode and no mobile-network-prefix configured for this router";
			return XMIP_BA_FORWARDING_SETUP_FAILED;
		}
		for (unsigned i = 0; i < mn->n_mnp && i < XMIP_MH_MAX_MNP; i++)
			out[n++] = mnp_masked(&mn->mnp[i]);
		*n_out = n;
		return 0;
	}
	if (o->n_mnp > XMIP_MH_MAX_MNP) {
		*why = "more mobile network prefixes than we keep";
		return XMIP_BA_INVALID_PREFIX;
	}
	for (unsigned i = 0; i < o->n_mnp; i++) {
		struct xmip_mnp m;
		unsigned l;

		if (o->mnp[i].plen == 0 || o->mnp[i].plen > 128) {
			*why = "mobile network prefix length not 1..128";
			return XMIP_BA_INVALID_PREFIX;
		}
		m = mnp_masked(&o->mnp[i]);
		l = m.plen < conf->home_plen ? m.plen : conf->home_plen;
		if (xmip_addr_not_routable(&m.prefix) || xmip_in_prefix(&m.prefix, &conf->home_prefix, l)) {
			*why = "mobile network prefix not unicast routable or overlapping the home prefix";
			return XMIP_BA_INVALID_PREFIX;
		}
		out[n++] = m;
	}
	for (unsigned i = 0; i < n; i++) {
		bool ok = false;

		for (unsigned j = 0; j < mn->n_mnp && !ok; j++)
			ok = out[i].plen >= mn->mnp[j].plen &&
			     xmip_in_prefix(&out[i].prefix, &mn->mnp[j].prefix, mn->mnp[j].plen);
		if (!ok) {
			*why = "mobile network prefix not configured for this router";
			return XMIP_BA_NOT_AUTHORIZED_FOR_PREFIX;
		}
	}
	*n_out = n;
	return 0;
}

/* xmip_ha_nemo_prefixes into the decision. True: go on; false: decided. */
static bool nemo_prefixes(const struct xmip_conf *conf, const struct xmip_mn_entry *mn,
			  const struct xmip_mh_opts *o, struct xmip_ha_decision *d)
{
	const char *why = NULL;
	uint8_t st = xmip_ha_nemo_prefixes(conf, mn, o, d->mnp, &d->n_mnp, &why);

	if (st)
		reject_echo(d, st, o->mesg_id, why);
	return st == 0;
}

/* |mesg_id - now| within the window, both NTP 32.32 fixed point. */
static bool mesg_id_in_window(uint64_t mesg_id, uint64_t now_ntp, uint32_t window_s)
{
	int64_t d = xmip_ntp_diff(mesg_id, now_ntp);
	uint64_t diff = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;

	return diff <= ((uint64_t)window_s << 32);
}

/*
 * The checks that depend on the packet and the configuration only, up to
 * and including authentication. True: go on with the HoA's state; false:
 * decided (d says how).
 */
static bool stateless_checks(const struct xmip_conf *conf, const struct xmip_pkt *pkt,
			     enum xmip_parse_err perr, uint64_t now_ntp,
			     struct xmip_ha_decision *d)
{
	const struct xmip_mh_msg *m = &pkt->msg;
	const struct xmip_mh_opts *o = &m->opts;
	const struct xmip_mn_entry *mn;
	struct in6_addr hoa, coa;

	if (perr == XMIP_PARSE_UNKNOWN_MH_TYPE) {
		/* RFC 6275 §9.2: Binding Error status 2 to the source; never
		 * to a multicast or unspecified source. */
		if (xmip_addr_not_routable(&pkt->src)) {
			discard(d, XMIP_HA_DISCARD_MALFORMED, "unknown MH type from an unusable source");
			return false;
		}
		d->send_be = true;
		d->be_status = XMIP_BE_UNRECOGNISED_MH;
		d->be_src = pkt->dst;
		d->be_dst = pkt->src;
		d->be_has_hoa = pkt->has_hao;
		d->be_hoa = pkt->hao;
		d->reason = "unrecognised MH type";
		return false;
	}
	if (perr != XMIP_PARSE_OK) {
		discard(d, XMIP_HA_DISCARD_MALFORMED, xmip_parse_strerror(perr));
		return false;
	}
	if (m->type != XMIP_MH_BU) {
		discard(d, XMIP_HA_DISCARD_MALFORMED, "not a Binding Update");
		return false;
	}

	hoa = pkt->has_hao ? pkt->hao : pkt->src;
	coa = o->has_alt_coa ? o->alt_coa : pkt->src;
	/* RFC 6275 §9.5.1 (and §9.3.1 for the HAO): a unicast routable home
	 * address; the BA goes to the source, which must be one too. */
	if (xmip_addr_not_routable(&hoa) || xmip_addr_not_routable(&pkt->src)) {
		discard(d, XMIP_HA_DISCARD_HOA, "home address or source not unicast routable");
		return false;
	}
	/* §6.1.7: "Binding Updates for a care-of address that is not a
	 * unicast routable address MUST be silently discarded." */
	if (xmip_addr_not_routable(&coa)) {
		discard(d, XMIP_HA_DISCARD_COA, "care-of address not unicast routable");
		return false;
	}
	/* RFC 3963 §6.2: R without H gets 140 (mobile-routers = no: in
	 * xmip_ha_decide, once the router is identified). */
	if ((m->bu_flags & XMIP_BU_F_R) && !(m->bu_flags & XMIP_BU_F_H)) {
		set_ba_addressing(d, pkt, &hoa);
		reject(d, XMIP_BA_MR_OP_NOT_PERMITTED, "R set without H (RFC 3963 §6.2)");
		return false;
	}
	/* §9.5.1: a correspondent registration must carry Nonce Indices and
	 * Binding Authorization Data that return routability verifies; this
	 * node does not do route optimisation, so none can pass. */
	if (!(m->bu_flags & XMIP_BU_F_H)) {
		discard(d, XMIP_HA_DISCARD_NOT_HOME_REG, "H clear (correspondent registration)");
		return false;
	}
	/* §9.5.1: "If the Home Registration (H) bit is set, the Nonce Indices
	 * mobility option MUST NOT be present." */
	if (o->has_nonce_idx) {
		discard(d, XMIP_HA_DISCARD_NONCE, "Nonce Indices in a home registration");
		return false;
	}
	/* §10.3.1: "A Home Address destination option MUST be present" in a
	 * registration; only a deregistration from home (§10.3.2) may omit it,
	 * and without one a BU naming a care-of address other than its source
	 * would register that address for the source as home address. */
	if (!pkt->has_hao && m->lifetime_units && !xmip_addr_eq(&coa, &pkt->src)) {
		discard(d, XMIP_HA_DISCARD_NO_HAO, "registration without a Home Address option");
		return false;
	}

	set_ba_addressing(d, pkt, &hoa);
	if (!xmip_in_prefix(&hoa, &conf->home_prefix, conf->home_plen)) {
		reject(d, XMIP_BA_NOT_HOME_SUBNET, "home address not in the home prefix");
		return false;
	}
	mn = xmip_conf_find_mn(conf, &hoa);
	if (!mn) {
		reject(d, XMIP_BA_NOT_HA_FOR_MN, "no [mn] with this home address");
		return false;
	}
	if (!nai_matches(o, mn)) {
		reject(d, XMIP_BA_NOT_HA_FOR_MN, "MN-ID missing or not the NAI of this home address");
		return false;
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
		return false;
	}
	if (!o->has_mesg_id) {
		reject_echo(d, XMIP_BA_MIPV6_MESG_ID_REQD, now_ntp, "Mesg-ID option missing");
		return false;
	}
	return true;
}

bool xmip_ha_bu_authentic(const struct xmip_conf *conf, const struct xmip_pkt *pkt)
{
	struct xmip_ha_decision d;

	memset(&d, 0, sizeof(d));
	return stateless_checks(conf, pkt, XMIP_PARSE_OK, 0, &d);
}

/*
 * RFC 4285 §6 freshness of an authentic BU's Mesg-ID against the last
 * accepted one (see ha_policy.h). True: fresh, go on; false: decided.
 */
static bool fresh(const struct xmip_pkt *pkt, const struct xmip_replay_state *replay,
		  uint64_t now_ntp, uint32_t window, struct xmip_ha_decision *d)
{
	const struct xmip_mh_msg *m = &pkt->msg;
	uint64_t mesg_id = m->opts.mesg_id;
	bool have_last = replay && replay->seq_valid;
	bool in_window = mesg_id_in_window(mesg_id, now_ntp, window);

	if (have_last && mesg_id == replay->last_mesg_id && m->seq == replay->last_seq) {
		if (!in_window) {
			discard(d, XMIP_HA_DISCARD_REPLAY,
				"the accepted BU again, after its Mesg-ID window (replay)");
			return false;
		}
		/* §9.5.1: its sequence number is not greater than the last. */
		reject_echo(d, XMIP_BA_SEQ_OUT_OF_WINDOW, mesg_id, "duplicate of the accepted BU");
		d->ba.seq = replay->last_seq;
		return false;
	}
	if (have_last && xmip_ntp_diff(mesg_id, replay->last_mesg_id) <= 0) {
		bool last_ahead = !mesg_id_in_window(replay->last_mesg_id, now_ntp, window) &&
				  xmip_ntp_diff(replay->last_mesg_id, now_ntp) > 0;

		if (last_ahead && in_window && xmip_seq_newer(m->seq, replay->last_seq)) {
			d->recovered = true;       /* the wall clock stepped back */
			return true;
		}
		if (!in_window) {
			discard(d, XMIP_HA_DISCARD_REPLAY,
				"Mesg-ID older than the last accepted and outside the window (replay)");
			return false;
		}
		if (!xmip_seq_newer(m->seq, replay->last_seq)) {
			reject_echo(d, XMIP_BA_SEQ_OUT_OF_WINDOW, mesg_id,
				    "older than the last accepted BU");
			d->ba.seq = replay->last_seq;
			return false;
		}
		reject_echo(d, XMIP_BA_MIPV6_ID_MISMATCH, ha_time_for(now_ntp, mesg_id),
			    "Mesg-ID not newer than the last accepted");
		return false;
	}
	if (!in_window) {
		reject_echo(d, XMIP_BA_MIPV6_ID_MISMATCH, ha_time_for(now_ntp, mesg_id),
			    "Mesg-ID outside the window");
		return false;
	}
	return true;
}

bool xmip_ha_fresh(const struct xmip_pkt *pkt, const struct xmip_replay_state *replay,
		   uint64_t now_ntp, uint32_t window_s, struct xmip_ha_decision *d)
{
	return fresh(pkt, replay, now_ntp, window_s, d);
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
	struct in6_addr hoa, coa;
	bool dereg;

	memset(d, 0, sizeof(d[0]));
	d->reason = "ignored";
	if (!stateless_checks(conf, pkt, perr, now_ntp, d))
		return 0;
	if (!fresh(pkt, replay, now_ntp, window, d))
		return 0;

	hoa = d->ba_hoa;
	coa = o->has_alt_coa ? o->alt_coa : pkt->src;
	dereg = m->lifetime_units == 0 || xmip_addr_eq(&coa, &hoa);

	/* §9.5.1: the last accepted number constrains the next BU only while
	 * a binding exists; with none, any number is accepted (replay is the
	 * Mesg-ID's business, above). */
	if (cur && !xmip_seq_newer(m->seq, cur->seq)) {
		reject_echo(d, XMIP_BA_SEQ_OUT_OF_WINDOW, o->mesg_id, "sequence number out of window");
		d->ba.seq = cur->seq;
		return 0;
	}
	/* §10.3.2: no home registration to delete → 133. */
	if (dereg && !cur) {
		reject_echo(d, XMIP_BA_NOT_HA_FOR_MN, o->mesg_id, "deregistration without a binding");
		return 0;
	}
	/* A care-of address the datapath would never tunnel to (it would loop
	 * back to the HA or onto the home link): refused now rather than
	 * accepted and then dropped packet by packet. */
	if (!dereg && (xmip_addr_eq(&coa, &conf->address) ||
		       xmip_in_prefix(&coa, &conf->home_prefix, conf->home_plen))) {
		reject_echo(d, XMIP_BA_PROHIBITED, o->mesg_id,
			    "care-of address is the home agent's or inside the home prefix");
		return 0;
	}

	/* RFC 3963 §6.6: an HA not configured for mobile routers answers
	 * 140; signed and with the Mesg-ID echoed, so that the router can
	 * trust it and try another home agent (§5.4) instead of waiting. */
	if (!dereg && (m->bu_flags & XMIP_BU_F_R) && !conf->mobile_routers) {
		reject_echo(d, XMIP_BA_MR_OP_NOT_PERMITTED, o->mesg_id,
			    "mobile routers not served (mobile-routers = no)");
		return 0;
	}
	/* RFC 3963 §6.2: a registration may not switch between mobile node
	 * and mobile router (a deregistration ignores R). */
	if (!dereg && cur && ((cur->bu_flags ^ m->bu_flags) & XMIP_BU_F_R)) {
		reject_echo(d, XMIP_BA_REG_TYPE_CHANGE, o->mesg_id,
			    "R flag differs from the binding's (RFC 3963 §6.2)");
		return 0;
	}
	if (!dereg && (m->bu_flags & XMIP_BU_F_R) && !nemo_prefixes(conf, d->mn, o, d))
		return 0;

	/* Accepted: answered whatever the A flag (§10.3.1, §10.3.2). */
	d->send_ba = true;
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
		/* RFC 3963 §6.6: R in the BA says forwarding is set up. */
		if (m->bu_flags & XMIP_BU_F_R) {
			d->ba.flags |= XMIP_BA_F_R;
			d->nemo = true;
		}
		/* §10.3.1: DAD before the first registration of this HoA. */
		if (!cur && conf->dad_transmits) {
			d->need_dad = true;
			d->dad_link_local = (m->bu_flags & XMIP_BU_F_L) != 0;
		}
	}
	if (d->recovered)
		d->reason = cur ? "binding refreshed; Mesg-ID state was ahead of the clock (recovered)" :
			    "accepted; Mesg-ID state was ahead of the clock (recovered)";
	return 0;
}

void xmip_ha_dad_failed(struct xmip_ha_decision *d, bool ll)
{
	uint64_t mesg_id = d->ba.mesg_id;

	d->binding_op = XMIP_HA_BINDING_KEEP;
	d->replay_write = false;
	d->proxy_nd = XMIP_HA_PROXY_ND_KEEP;
	d->need_dad = false;
	d->recovered = false;
	reject_echo(d, XMIP_BA_DAD_FAILED, mesg_id,
		    ll ? "duplicate address detection failed (link-local address in use)" :
			 "duplicate address detection failed (home address in use)");
}

void xmip_ha_ident(const struct xmip_mn_entry *mn, struct xmip_ident *out)
{
	size_t n = strnlen(mn->nai, sizeof(mn->nai));
	uint64_t h = 14695981039346656037ULL;   /* FNV-1a 64 */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)mn->nai[i]) * 1099511628211ULL;
	memset(out, 0, sizeof(*out));
	out->nai_hash = h;
	out->spi = mn->spi;
	out->nai_len = (uint16_t)n;
}

enum xmip_ha_restart xmip_ha_restart_check(const struct xmip_conf *conf, const uint8_t hoa[16],
					   const struct xmip_ident *recorded,
					   const struct xmip_mn_entry **mn)
{
	struct xmip_ident want;
	struct in6_addr a;

	memcpy(&a, hoa, 16);
	*mn = xmip_conf_find_mn(conf, &a);
	if (!*mn)
		return XMIP_HA_RESTART_DROP_NO_MN;
	if (!recorded)
		return XMIP_HA_RESTART_KEEP_RECORD;
	xmip_ha_ident(*mn, &want);
	if (recorded->spi != want.spi || recorded->nai_len != want.nai_len ||
	    recorded->nai_hash != want.nai_hash)
		return XMIP_HA_RESTART_DROP_CHANGED;
	return XMIP_HA_RESTART_KEEP;
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
