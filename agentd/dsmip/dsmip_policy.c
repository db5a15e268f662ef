// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DSMIPv6 home agent's decision for one Binding Update (dsmip_policy.h). */
#include "dsmip_policy.h"

#include <arpa/inet.h>
#include <string.h>

#include "../mip6/auth.h"
#include "../mip6/ha_policy.h"
#include "../mip6/seqwin.h"
#include "addr.h"

#define NSEC_PER_SEC 1000000000ULL

static void discard(struct xmip_dsmip_decision *d, enum xmip_dsmip_discard why, const char *text)
{
	d->send_ba = false;
	d->discard = why;
	d->reason = text;
}

static void reject(struct xmip_dsmip_decision *d, uint8_t status, const char *why)
{
	d->send_ba = true;
	d->ba.status = status;
	d->ba.lifetime_units = 0;
	d->reason = why;
}

static void reject_echo(struct xmip_dsmip_decision *d, uint8_t status, uint64_t mesg_id,
			const char *why)
{
	reject(d, status, why);
	d->ba.has_mesg_id = true;
	d->ba.mesg_id = mesg_id;
}

static bool nai_matches(const struct xmip_mh_opts *o, const struct xmip_mn_entry *mn)
{
	size_t n = strnlen(mn->nai, sizeof(mn->nai));

	return o->has_mnid && o->mnid_subtype == XMIP_MNID_SUBTYPE_NAI &&
	       o->nai_len == n && memcmp(o->nai, mn->nai, n) == 0;
}

/*
 * The IPv4 home address the BU asks for (RFC 5555 §4.5): the Ack's status,
 * and on success the address and whether it came from the pool.
 */
uint8_t xmip_dsmip_ipv4_hoa_decide(const struct xmip_conf *conf, const struct xmip_mn_entry *mn,
				   const struct xmip_dsmip_table *t, const uint8_t hoa[16],
				   const struct xmip_mh_opts *o, struct in_addr *out, bool *dynamic)
{
	struct in_addr want = o->ipv4_hoa;
	const struct xmip_dsmip_binding *holder;

	*out = want;
	*dynamic = false;
	/* §3.1.1: "A value of zero is invalid and MUST be considered an error." */
	if (o->ipv4_hoa_plen == 0)
		return XMIP_IPV4_ACK_INVALID_ADDR;
	/* Mobile network prefixes are not delegated by this home agent. */
	if (o->ipv4_hoa_p)
		return XMIP_IPV4_ACK_PREFIX_UNAUTH;
	if (want.s_addr == 0) {
		/* 0.0.0.0: a dynamic one (§3.1.1); a node with a static one gets it. */
		if (mn->has_ipv4_hoa) {
			*out = mn->ipv4_hoa;
			return XMIP_IPV4_ACK_SUCCESS;
		}
		if (xmip_dsmip_pool_pick(conf, t, hoa, out))
			return XMIP_IPV4_ACK_NO_DYNAMIC;        /* §4.5: MUST return 132 */
		*dynamic = true;
		return XMIP_IPV4_ACK_SUCCESS;
	}
	if (!xmip_v4_unicast(want))
		return XMIP_IPV4_ACK_INVALID_ADDR;
	/* §4.5: "MUST check that this address is allocated to the mobile node". */
	if (mn->has_ipv4_hoa)
		return mn->ipv4_hoa.s_addr == want.s_addr ? XMIP_IPV4_ACK_SUCCESS :
							     XMIP_IPV4_ACK_INCORRECT_HOA;
	/* A pool address: this node's already, or free (a node taking back
	 * the address it had before the HA restarted or the binding lapsed). */
	holder = xmip_dsmip_find_ipv4_hoa(t, want);
	if (!xmip_dsmip_in_pool(conf, want) || (holder && memcmp(holder->hoa, hoa, 16) != 0) ||
	    want.s_addr == conf->dsmip.ipv4_address.s_addr)
		return XMIP_IPV4_ACK_INCORRECT_HOA;
	for (size_t i = 0; i < conf->n_mns; i++)
		if (conf->mns[i].has_ipv4_hoa && conf->mns[i].ipv4_hoa.s_addr == want.s_addr)
			return XMIP_IPV4_ACK_INCORRECT_HOA;
	*dynamic = true;
	return XMIP_IPV4_ACK_SUCCESS;
}

int xmip_dsmip_decide(const struct xmip_conf *conf, const struct xmip_pkt *pkt,
		      enum xmip_parse_err perr, const struct xmip_dsmip_obs *obs,
		      const struct xmip_dsmip_table *table, const struct xmip_binding *mip6_cur,
		      const struct xmip_replay_state *replay,
		      uint64_t now_realtime_ns, uint64_t now_boottime_ns,
		      struct xmip_dsmip_decision *d)
{
	const struct xmip_mh_msg *m = &pkt->msg;
	const struct xmip_mh_opts *o = &m->opts;
	uint32_t window = conf->mesg_id_window_s ? conf->mesg_id_window_s :
			  XMIP_DEFAULT_MESG_ID_WINDOW_S;
	uint64_t now_ntp = xmip_ntp_from_unix_ns(now_realtime_ns);
	bool outer_v4 = xmip_is_v4_mapped(&obs->peer);
	const struct xmip_dsmip_binding *cur, *other;
	const struct xmip_mn_entry *mn;
	struct xmip_ha_decision hd;
	struct in6_addr hoa, coa;
	bool dereg, nat = false, forced;
	uint16_t units;

	memset(d, 0, sizeof(*d));
	d->reason = "ignored";
	if (perr != XMIP_PARSE_OK || m->type != XMIP_MH_BU) {
		discard(d, XMIP_DSMIP_DISCARD_MALFORMED,
			perr != XMIP_PARSE_OK ? xmip_parse_strerror(perr) : "not a Binding Update");
		return 0;
	}
	if (pkt->has_hao || pkt->has_rh2) {
		discard(d, XMIP_DSMIP_DISCARD_HAO, "Home Address option or routing header inside UDP");
		return 0;
	}
	hoa = pkt->src;
	dereg = m->lifetime_units == 0;
	if (!xmip_addr_eq(&pkt->dst, &conf->address) || xmip_addr_not_routable(&hoa)) {
		discard(d, XMIP_DSMIP_DISCARD_ADDR, "inner addresses not home address -> home agent");
		return 0;
	}
	if (outer_v4) {
		if (!xmip_v4_unicast(xmip_v4_of_mapped(&obs->peer))) {
			discard(d, XMIP_DSMIP_DISCARD_ADDR, "outer source not unicast");
			return 0;
		}
		if (o->has_ipv4_coa) {
			if (!xmip_v4_unicast(o->ipv4_coa)) {
				discard(d, XMIP_DSMIP_DISCARD_ADDR, "IPv4 care-of address not unicast");
				return 0;
			}
			xmip_v4_mapped(o->ipv4_coa, &coa);
		} else if (dereg) {
			coa = obs->peer;
		} else {
			discard(d, XMIP_DSMIP_DISCARD_NO_IPV4_COA,
				"registration over IPv4 without an IPv4 Care-of Address option");
			return 0;
		}
	} else {
		if (xmip_addr_not_routable(&obs->peer)) {
			discard(d, XMIP_DSMIP_DISCARD_ADDR, "outer source not unicast routable");
			return 0;
		}
		coa = obs->peer;
	}
	d->ba_src = pkt->dst;
	d->ba_hoa = hoa;
	d->auth_coa = coa;
	d->ba.seq = m->seq;
	/* RFC 3963 §6.2: R without H answers 140 (as ha_policy.c, before the
	 * H check; 140 for mobile-routers = no comes once the router is
	 * identified, below). */
	if ((m->bu_flags & XMIP_BU_F_R) && !(m->bu_flags & XMIP_BU_F_H)) {
		reject(d, XMIP_BA_MR_OP_NOT_PERMITTED, "R set without H (RFC 3963 6.2)");
		return 0;
	}
	if (!(m->bu_flags & XMIP_BU_F_H) || o->has_nonce_idx) {
		discard(d, XMIP_DSMIP_DISCARD_NOT_HOME_REG, "not a home registration");
		return 0;
	}
	if (!xmip_in_prefix(&hoa, &conf->home_prefix, conf->home_plen)) {
		reject(d, XMIP_BA_NOT_HOME_SUBNET, "home address not in the home prefix");
		return 0;
	}
	mn = xmip_conf_find_mn(conf, &hoa);
	if (!mn || !nai_matches(o, mn)) {
		reject(d, XMIP_BA_NOT_HA_FOR_MN, mn ? "MN-ID missing or not the NAI of this home address" :
						      "no [mn] with this home address");
		return 0;
	}
	d->mn = mn;
	d->ba.has_auth = true;
	d->ba.spi = mn->spi;
	if (!o->has_auth || !o->auth_is_last || o->auth_subtype != XMIP_AUTH_SUBTYPE_MN_HA ||
	    o->auth_spi != mn->spi || o->auth_data_len != XMIP_AUTH_HMAC_SHA1_96_LEN ||
	    !xmip_auth_verify(mn->key, mn->key_len, &coa, &hoa, pkt->mh, pkt->mh_len,
			      o->auth_opt_off)) {
		reject(d, XMIP_BA_MIPV6_AUTH_FAIL, "MN-HA authentication failed");
		return 0;
	}
	if (!o->has_mesg_id) {
		reject_echo(d, XMIP_BA_MIPV6_MESG_ID_REQD, now_ntp, "Mesg-ID option missing");
		return 0;
	}
	memset(&hd, 0, sizeof(hd));
	hd.ba.seq = m->seq;
	if (!xmip_ha_fresh(pkt, replay, now_ntp, window, &hd)) {
		if (!hd.send_ba) {
			discard(d, XMIP_DSMIP_DISCARD_REPLAY, hd.reason);
			return 0;
		}
		reject_echo(d, hd.ba.status, hd.ba.mesg_id, hd.reason);
		d->ba.seq = hd.ba.seq;
		return 0;
	}

	cur = xmip_dsmip_find_hoa(table, hoa.s6_addr);
	if (cur) {
		d->had = true;
		d->prev = *cur;
	}
	/* RFC 6275 §9.5.1 against the last binding, whichever transport made it. */
	if ((cur && !xmip_seq_newer(m->seq, cur->seq)) ||
	    (!cur && mip6_cur && !xmip_seq_newer(m->seq, mip6_cur->seq))) {
		reject_echo(d, XMIP_BA_SEQ_OUT_OF_WINDOW, o->mesg_id, "sequence number out of window");
		d->ba.seq = cur ? cur->seq : mip6_cur->seq;
		return 0;
	}
	if (dereg && !cur && !mip6_cur) {
		reject_echo(d, XMIP_BA_NOT_HA_FOR_MN, o->mesg_id, "deregistration without a binding");
		return 0;
	}
	if (outer_v4 && !dereg) {
		struct in_addr self = conf->dsmip.ipv4_address;

		if (xmip_v4_of_mapped(&coa).s_addr == self.s_addr ||
		    xmip_v4_of_mapped(&obs->peer).s_addr == self.s_addr) {
			reject_echo(d, XMIP_BA_PROHIBITED, o->mesg_id,
				    "care-of address is the home agent's IPv4 address");
			return 0;
		}
	}
	/*
	 * UDP from an IPv6 care-of address: RFC 5555 §4.1 and §4.5 say it
	 * SHOULD NOT be used (NAT detection, §4.2, is for IPv4 care-of
	 * addresses; §4.4.1's firewall case is the MN's choice). The datapath
	 * does not carry it (docs/dsmip.md), so rather than a binding with no
	 * tunnel the node is told no, and registers over the Mobility Header
	 * (a deregistration is still accepted: it only removes).
	 */
	if (!outer_v4 && !dereg) {
		reject_echo(d, XMIP_BA_PROHIBITED, o->mesg_id,
			    "UDP encapsulation from an IPv6 care-of address is not supported: "
			    "register over the Mobility Header (RFC 5555 4.1)");
		return 0;
	}

	/* RFC 3963 §6.6: an HA not configured for mobile routers answers 140;
	 * signed and with the Mesg-ID echoed (as ha_policy.c), so that the
	 * router can trust it and try another home agent (§5.4). */
	if (!dereg && (m->bu_flags & XMIP_BU_F_R) && !conf->mobile_routers) {
		reject_echo(d, XMIP_BA_MR_OP_NOT_PERMITTED, o->mesg_id,
			    "mobile routers not served (mobile-routers = no)");
		return 0;
	}
	/* RFC 3963 §6.2: a registration may not switch between mobile node and
	 * mobile router, whichever transport made the binding (a
	 * deregistration ignores R). */
	if (!dereg && ((cur && ((cur->bu_flags ^ m->bu_flags) & XMIP_BU_F_R)) ||
		       (!cur && mip6_cur && ((mip6_cur->bu_flags ^ m->bu_flags) & XMIP_BU_F_R)))) {
		reject_echo(d, XMIP_BA_REG_TYPE_CHANGE, o->mesg_id,
			    "R flag differs from the binding's (RFC 3963 6.2)");
		return 0;
	}
	if (!dereg && (m->bu_flags & XMIP_BU_F_R)) {
		const char *why = NULL;
		uint8_t st = xmip_ha_nemo_prefixes(conf, mn, o, d->mnp, &d->n_mnp, &why);

		if (st) {
			d->n_mnp = 0;
			reject_echo(d, st, o->mesg_id, why);
			return 0;
		}
		d->nemo = true;
	}

	/* Accepted (answered whatever the A flag, RFC 6275 §10.3.1). */
	d->send_ba = true;
	d->ba.status = XMIP_BA_ACCEPTED;
	d->ba.has_mesg_id = true;
	d->ba.mesg_id = o->mesg_id;
	d->replay_write = true;
	d->replay.last_mesg_id = o->mesg_id;
	d->replay.last_seq = m->seq;
	d->replay.seq_valid = 1;

	/* §4.2: NAT when the IPv4 CoA option is not the outer source. */
	forced = (m->bu_flags & XMIP_BU_F_F) != 0;
	if (outer_v4)
		nat = !xmip_addr_eq(&coa, &obs->peer);
	d->ba.has_nat_detect = true;                /* §4.2: the BU came in UDP */
	d->ba.nat_f = nat || forced || !outer_v4;
	d->ba.nat_refresh_s = nat ? conf->dsmip.nat_keepalive_s : XMIP_DSMIP_REFRESH_NONE;

	if (dereg) {
		/* §4.4.2.1: lifetime 0 removes every binding of the node. */
		d->op = XMIP_DSMIP_DELETE;
		memcpy(d->b.hoa, hoa.s6_addr, 16);
		d->reason = "deregistration accepted";
		return 0;
	}

	units = xmip_ha_grant_lifetime(m->lifetime_units, conf->max_lifetime_s);
	if (units == 0)
		units = 1;
	d->ba.lifetime_units = units;
	if (d->nemo)
		d->ba.flags |= XMIP_BA_F_R;        /* RFC 3963 §6.6: forwarding set up */
	d->op = XMIP_DSMIP_WRITE;
	memcpy(d->b.hoa, hoa.s6_addr, 16);
	memcpy(d->b.coa, coa.s6_addr, 16);
	memcpy(d->b.observed_addr, obs->peer.s6_addr, 16);
	memcpy(d->b.local_addr, obs->local.s6_addr, 16);
	d->b.observed_port = obs->peer_port;
	d->b.local_port = obs->local_port;
	d->b.encap = !outer_v4 ? XMIP_DSMIP_ENCAP_UDP6 :
		     (nat || forced) ? XMIP_DSMIP_ENCAP_UDP4 : XMIP_DSMIP_ENCAP_IPV4;
	d->b.flags = (nat ? XMIP_DSMIP_B_NAT : 0) | (forced ? XMIP_DSMIP_B_FORCED : 0);
	d->b.keepalive_s = d->ba.nat_refresh_s;
	d->b.lifetime_s = (uint32_t)units * XMIP_LIFETIME_UNIT_S;
	d->b.expires_ns = now_boottime_ns + (uint64_t)d->b.lifetime_s * NSEC_PER_SEC;
	d->b.seq = m->seq;
	d->b.bu_flags = m->bu_flags;
	d->b.ifindex = obs->ifindex;

	/* §4.4.2: no IPv4 Home Address option, no IPv4 binding (§4.4.2.1). */
	if (o->has_ipv4_hoa) {
		struct in_addr v4;
		bool dynamic;
		uint8_t st = xmip_dsmip_ipv4_hoa_decide(conf, mn, table, hoa.s6_addr, o, &v4,
							 &dynamic);

		d->ba.has_ipv4_ack = true;
		d->ba.ipv4_ack_status = st;
		d->ba.ipv4_ack_hoa = v4;
		d->ba.ipv4_ack_plen = st < 128 ? 32 : 0;   /* §3.2.1: zero on failure */
		if (st < 128) {
			xmip_v4_mapped(v4, d->b.ipv4_hoa);
			d->b.ipv4_plen = 32;
			d->b.flags |= XMIP_DSMIP_B_IPV4_HOA | (dynamic ? XMIP_DSMIP_B_DYNAMIC : 0);
		}
	}

	if (cur) {
		d->moved = !xmip_addr_eq(cur->coa, d->b.coa);
		d->rebound = !d->moved && (cur->observed_port != d->b.observed_port ||
					   !xmip_addr_eq(cur->observed_addr, d->b.observed_addr));
	}
	other = xmip_dsmip_find_observed(table, obs->peer.s6_addr, obs->peer_port);
	if (other && memcmp(other->hoa, hoa.s6_addr, 16) != 0) {
		d->evict = true;
		memcpy(d->evict_hoa, other->hoa, 16);
	}
	d->reason = !cur ? "binding created" : d->moved ? "binding moved" :
		    d->rebound ? "binding followed the NAT to a new address or port" : "binding refreshed";
	return 0;
}

void xmip_dsmip_refuse(struct xmip_dsmip_decision *d, uint8_t status, const char *why)
{
	uint64_t mesg_id = d->ba.mesg_id;

	d->op = XMIP_DSMIP_KEEP;
	d->replay_write = false;
	d->evict = false;
	d->nemo = false;
	d->n_mnp = 0;
	d->ba.flags = 0;
	d->ba.has_ipv4_ack = false;
	d->ba.has_nat_detect = false;       /* as every refusal here */
	reject_echo(d, status, mesg_id, why);
}

int xmip_dsmip_build_ba(const struct xmip_dsmip_decision *d, uint8_t *buf, size_t cap)
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
	return xmip_pkt_build_ba_to_hoa(buf, cap, &d->ba_src, &d->ba_hoa, &d->auth_coa, &d->ba,
					d->ba.has_auth ? &sa : NULL);
}

const char *xmip_ipv4_ack_status_name(unsigned int status)
{
	switch (status) {
	case XMIP_IPV4_ACK_SUCCESS:       return "success";
	case XMIP_IPV4_ACK_UNSPECIFIED:   return "failure, reason unspecified";
	case XMIP_IPV4_ACK_PROHIBITED:    return "administratively prohibited";
	case XMIP_IPV4_ACK_INCORRECT_HOA: return "incorrect IPv4 home address";
	case XMIP_IPV4_ACK_INVALID_ADDR:  return "invalid IPv4 address";
	case XMIP_IPV4_ACK_NO_DYNAMIC:    return "dynamic IPv4 home address assignment not available";
	case XMIP_IPV4_ACK_PREFIX_UNAUTH: return "prefix allocation unauthorized";
	}
	return status < 128 ? "success" : "failure";
}

const char *xmip_dsmip_encap_name(unsigned int encap)
{
	switch (encap) {
	case XMIP_DSMIP_ENCAP_IPV4: return "ipv4";
	case XMIP_DSMIP_ENCAP_UDP4: return "udp4";
	case XMIP_DSMIP_ENCAP_UDP6: return "udp6";
	case XMIP_DSMIP_ENCAP_IP6: return "ip6";
	}
	return "none";
}
