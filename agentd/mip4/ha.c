// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Mobile IPv4 home agent (RFC 5944 §3.8, §4.6): Registration Requests
 * on UDP 434 (directly from a co-located node or relayed by a foreign
 * agent), decided by ha_policy.c; the mobility binding list per node,
 * handed whole to the datapath through the binding seam (dp.c) and kept
 * in state-file so that a restarted agent adopts it; proxy ARP for bound
 * home addresses and gratuitous ARP at registration and deregistration
 * (an AF_PACKET socket on the home link: see docs/mip4.md for why not the
 * kernel's proxy entries); expiry; Agent Advertisements with the H bit on
 * the home link.
 */
#include "mip4_roles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "core.h"
#include "json.h"
#include "log.h"
#include "mip4_advert.h"
#include "mip4_binding.h"
#include "mip4_ha_policy.h"
#include "mip4_ident.h"
#include "mip4_l2.h"
#include "mip4_observe.h"
#include "mip4_rt.h"
#include "mip4_wire.h"
#include "netlink.h"

#define GARP_COUNT        3      /* §4.6: "retransmitted a small number of times" */
#define GARP_INTERVAL_MS  1000
#define DENIALS_PER_S     5      /* replies refusing one node (131, 133...), a second */

/* What the HA keeps per mobile node it serves ([mip4-mn]). */
struct ha_mn {
	struct mip4_ha                 *ha;
	const struct xmip_mip4_mn_conf *conf;
	bool                            has_last;
	uint64_t                        last_id;       /* last accepted Identification */
	struct xmip_mip4_hb             b[XMIP_MIP4_MAX_SIMUL];
	size_t                          n_b;
	uint8_t                         mac[6];        /* its own MAC, learnt from its ARP */
	bool                            has_mac;
	struct xmip_mip4_timer          expiry;
	/* gratuitous ARP being repeated */
	struct xmip_mip4_timer          garp;
	uint8_t                         garp_mac[6];
	int                             garp_left;
	/* denials sent this second */
	uint64_t                        deny_window_s;
	unsigned                        denials;
};

struct ha_counters {
	uint64_t rx, rx_malformed, rx_other, discarded, accepted, denied, rate_limited;
	uint64_t tx_reply, tx_errors, arp_answered, garp_sent;
	uint64_t codes[256];
};

struct mip4_ha {
	struct xmip_family          *f;
	const struct xmip_conf      *conf;
	const struct xmip_mip4_conf *c;
	int                          udp, arp, adv_fd;
	uint32_t                     home_if;
	uint8_t                      home_mac[6];
	struct ha_mn                *mns;
	size_t                       n_mns;
	struct xmip_mip4_dp         *dp;
	struct xmip_mip4_advertiser  adv;
	struct ha_counters           n;
};

static uint8_t msg_buf[XMIP_MIP4_MAX_MSG + 1];

/* ---- files ---- */

static void write_state(FILE *f, void *arg)
{
	struct mip4_ha *ha = arg;

	fprintf(f, "xmip-mip4-ha 1\n");
	for (size_t i = 0; i < ha->n_mns; i++) {
		const struct ha_mn *m = &ha->mns[i];

		if (!m->has_last && !m->n_b)
			continue;
		fprintf(f, "mn %s %d %016" PRIx64 " %s\n", xmip_mip4_ntoa(m->conf->hoa), m->has_last,
			m->last_id, m->has_mac ? xmip_mip4_mac_str(m->mac) : "-");
		for (size_t j = 0; j < m->n_b; j++) {
			const struct xmip_mip4_hb *b = &m->b[j];

			fprintf(f, "b %s %s %s %u %s %s %u %u %u %u %016" PRIx64 " %" PRIu64 "\n",
				xmip_mip4_ntoa(b->hoa), xmip_mip4_ntoa(b->coa), xmip_mip4_ntoa(b->dst),
				b->dport, xmip_mip4_ntoa(b->src), xmip_mip4_ntoa(b->fa), b->encap,
				b->flags, b->keepalive_s, b->lifetime_s, b->id, b->expires_rt_s);
		}
	}
}

static const char *encap_name(uint8_t e)
{
	static const char *const n[] = { "none", "ipip", "minimal", "gre" };

	return e < 4 ? n[e] : "?";
}

static void write_dump(FILE *f, void *arg)
{
	struct mip4_ha *ha = arg;
	uint64_t now = xmip_now_ns();
	struct xmip_json j;

	xmip_json_init(&j, f, true);
	xmip_json_obj_open(&j);
	xmip_json_key(&j, "role");
	xmip_json_str(&j, "ha");
	xmip_json_key(&j, "address");
	xmip_json_str(&j, xmip_mip4_ntoa(ha->c->address));
	xmip_json_key(&j, "bindings");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < ha->n_mns; i++)
		for (size_t k = 0; k < ha->mns[i].n_b; k++) {
			const struct xmip_mip4_hb *b = &ha->mns[i].b[k];

			xmip_json_obj_open(&j);
			xmip_json_key(&j, "hoa");
			xmip_json_str(&j, xmip_mip4_ntoa(b->hoa));
			xmip_json_key(&j, "coa");
			xmip_json_str(&j, xmip_mip4_ntoa(b->coa));
			xmip_json_key(&j, "dst");
			xmip_json_str(&j, xmip_mip4_ntoa(b->dst));
			xmip_json_key(&j, "dport");
			xmip_json_u64(&j, b->dport);
			xmip_json_key(&j, "encap");
			xmip_json_str(&j, encap_name(b->encap));
			xmip_json_key(&j, "via");
			xmip_json_str(&j, b->flags & XMIP_MIP4_BF_COLOCATED ? "colocated" : "fa");
			xmip_json_key(&j, "fa");
			xmip_json_str(&j, xmip_mip4_ntoa(b->fa));
			xmip_json_key(&j, "reverse");
			xmip_json_bool(&j, b->flags & XMIP_MIP4_BF_REVERSE);
			xmip_json_key(&j, "udp");
			xmip_json_bool(&j, b->flags & XMIP_MIP4_BF_UDP);
			xmip_json_key(&j, "keepalive");
			xmip_json_u64(&j, b->keepalive_s);
			xmip_json_key(&j, "lifetime");
			xmip_json_u64(&j, b->lifetime_s);
			xmip_json_key(&j, "remaining");
			xmip_json_u64(&j, b->expires_ns > now ? (b->expires_ns - now) / 1000000000u : 0);
			xmip_json_key(&j, "id");
			xmip_json_u64(&j, b->id);
			xmip_json_obj_close(&j);
		}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "nodes");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < ha->n_mns; i++) {
		const struct ha_mn *m = &ha->mns[i];

		xmip_json_obj_open(&j);
		xmip_json_key(&j, "id");
		xmip_json_str(&j, m->conf->id);
		xmip_json_key(&j, "hoa");
		xmip_json_str(&j, xmip_mip4_ntoa(m->conf->hoa));
		xmip_json_key(&j, "last_id");
		if (m->has_last)
			xmip_json_u64(&j, m->last_id);
		else
			xmip_json_null(&j);
		xmip_json_key(&j, "proxy_arp");
		xmip_json_bool(&j, m->n_b > 0);
		xmip_json_key(&j, "mac");
		xmip_json_str(&j, m->has_mac ? xmip_mip4_mac_str(m->mac) : "");
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "counters");
	xmip_json_obj_open(&j);
#define C(x) do { xmip_json_key(&j, #x); xmip_json_u64(&j, ha->n.x); } while (0)
	C(rx); C(rx_malformed); C(rx_other); C(discarded); C(accepted); C(denied);
	C(rate_limited); C(tx_reply); C(tx_errors); C(arp_answered); C(garp_sent);
#undef C
	xmip_json_key(&j, "codes");
	xmip_json_obj_open(&j);
	for (int code = 0; code < 256; code++)
		if (ha->n.codes[code]) {
			char k[8];

			snprintf(k, sizeof(k), "%d", code);
			xmip_json_key(&j, k);
			xmip_json_u64(&j, ha->n.codes[code]);
		}
	xmip_json_obj_close(&j);
	xmip_json_obj_close(&j);
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
}

static void save(struct mip4_ha *ha)
{
	xmip_mip4_write_file(ha->c->state_file, write_state, ha);
	if (ha->c->dump_file[0])
		xmip_mip4_write_file(ha->c->dump_file, write_dump, ha);
}

/* ---- ARP on the home link (§4.6) ---- */

static bool home_link(struct mip4_ha *ha)
{
	if (!ha->home_if) {
		ha->home_if = xmip_mip4_if_of_addr4(ha->c->address);
		if (ha->home_if && xmip_l2_if_mac(ha->home_if, ha->home_mac))
			ha->home_if = 0;
	}
	return ha->home_if != 0;
}

static void garp_send(void *obj)
{
	struct ha_mn *m = obj;
	struct mip4_ha *ha = m->ha;
	uint8_t frame[64];
	int n;

	if (m->garp_left <= 0 || !home_link(ha))
		return;
	n = xmip_arp_garp(frame, sizeof(frame), ha->home_mac, m->garp_mac, m->conf->hoa);
	if (n > 0 && xmip_l2_send(ha->arp, ha->home_if, frame, (size_t)n) == 0)
		ha->n.garp_sent++;
	if (--m->garp_left > 0)
		xmip_mip4_timer_in_ms(&m->garp, GARP_INTERVAL_MS);
}

/* Tell the home link that the home address is at mac (ours, or the node's back home). */
static void garp_start(struct ha_mn *m, const uint8_t mac[6])
{
	memcpy(m->garp_mac, mac, 6);
	m->garp_left = GARP_COUNT;
	garp_send(m);
}

static struct ha_mn *mn_by_hoa(struct mip4_ha *ha, const uint8_t a[4])
{
	for (size_t i = 0; i < ha->n_mns; i++)
		if (!memcmp(ha->mns[i].conf->hoa, a, 4))
			return &ha->mns[i];
	return NULL;
}

static void on_arp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_ha *ha = arg;
	uint8_t frame[256], out[64];
	struct xmip_l2_meta pm;
	struct xmip_arp a, r;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_l2_recv(fd, frame, sizeof(frame), &pm)) > 0) {
		struct ha_mn *m;
		int len;

		if (pm.pkttype == 4 /* PACKET_OUTGOING */ || !home_link(ha) ||
		    pm.ifindex != ha->home_if || xmip_arp_parse(frame, (size_t)n, &a))
			continue;
		/* The node's own ARP (e.g. its gratuitous ARP back home) tells us its MAC. */
		m = mn_by_hoa(ha, a.spa);
		if (m && memcmp(a.sha, ha->home_mac, 6)) {
			if (!m->has_mac || memcmp(m->mac, a.sha, 6)) {
				memcpy(m->mac, a.sha, 6);
				m->has_mac = true;
			}
		}
		/* Proxy ARP for a bound home address: our MAC, to the asker alone. */
		if (a.op != 1 || !(m = mn_by_hoa(ha, a.tpa)) || !m->n_b || !memcmp(a.spa, a.tpa, 4))
			continue;
		r = (struct xmip_arp){ .op = 2 };
		memcpy(r.sha, ha->home_mac, 6);
		memcpy(r.spa, a.tpa, 4);
		memcpy(r.tha, a.sha, 6);
		memcpy(r.tpa, a.spa, 4);
		len = xmip_arp_build(out, sizeof(out), a.sha, ha->home_mac, &r);
		if (len > 0 && xmip_l2_send(fd, ha->home_if, out, (size_t)len) == 0)
			ha->n.arp_answered++;
	}
}

/* ---- bindings ---- */

static void arm_expiry(struct ha_mn *m)
{
	uint64_t first = 0;

	for (size_t i = 0; i < m->n_b; i++)
		if (m->b[i].lifetime_s != XMIP_MIP4_LIFETIME_INFINITE &&
		    (!first || m->b[i].expires_ns < first))
			first = m->b[i].expires_ns;
	if (first)
		xmip_mip4_timer_at(&m->expiry, first);
	else
		xmip_mip4_timer_cancel(&m->expiry);
}

static size_t count_bindings(const struct mip4_ha *ha)
{
	size_t n = 0;

	for (size_t i = 0; i < ha->n_mns; i++)
		n += ha->mns[i].n_b;
	return n;
}

/* Replace the node's bindings with b[0..n) in the datapath, then here. */
static int set_bindings(struct ha_mn *m, const struct xmip_mip4_hb *b, size_t n)
{
	struct mip4_ha *ha = m->ha;
	int rc = xmip_mip4_dp_set(ha->dp, m->conf->hoa, b, n);

	if (rc)
		return rc;
	if (b != m->b)
		memcpy(m->b, b, n * sizeof(*b));
	m->n_b = n;
	arm_expiry(m);
	xmip_mip4_observe_ha_bindings(count_bindings(ha));
	return 0;
}

static void expire(void *obj)
{
	struct ha_mn *m = obj;
	struct xmip_mip4_hb keep[XMIP_MIP4_MAX_SIMUL];
	uint64_t now = xmip_now_ns();
	size_t n = 0;

	for (size_t i = 0; i < m->n_b; i++) {
		if (m->b[i].lifetime_s == XMIP_MIP4_LIFETIME_INFINITE || m->b[i].expires_ns > now)
			keep[n++] = m->b[i];
		else {
			log_info("mip4: binding %s -> %s expired", xmip_mip4_ntoa(m->b[i].hoa),
				 xmip_mip4_ntoa(m->b[i].coa));
			xmip_mip4_observe_ha_expired(m->conf->id, &m->b[i]);
		}
	}
	if (n == m->n_b) {
		arm_expiry(m);
		return;
	}
	/* §3.8.2.2: after its lifetime the binding is deleted (no reply is sent). */
	if (set_bindings(m, keep, n))
		log_warn("mip4: datapath refused the expiry of %s", xmip_mip4_ntoa(m->conf->hoa));
	save(m->ha);
}

/* The set the decision leads to, in out[]; its size. */
static size_t next_set(const struct ha_mn *m, const struct xmip_mip4_ha_decision *d,
		       struct xmip_mip4_hb *out)
{
	size_t n = 0;

	if (d->change == XMIP_MIP4_HA_DEL_ALL)
		return 0;
	for (size_t i = 0; i < m->n_b; i++) {
		if (!memcmp(m->b[i].coa, d->nb.coa, 4))
			continue;   /* refreshed or deleted below */
		if (d->change == XMIP_MIP4_HA_ADD && d->replace)
			continue;
		out[n++] = m->b[i];
	}
	if (d->change == XMIP_MIP4_HA_ADD && n < XMIP_MIP4_MAX_SIMUL) {
		struct xmip_mip4_hb nb = d->nb;

		nb.expires_ns = xmip_now_ns() + (uint64_t)nb.lifetime_s * 1000000000u;
		nb.expires_rt_s = xmip_mip4_rt_s() + nb.lifetime_s;
		out[n++] = nb;
	}
	return n;
}

/* ---- registration requests ---- */

static bool is_bcast(const struct xmip_mip4_conf *c, const uint8_t a[4])
{
	uint8_t b[4];

	if (a[0] >= 224)
		return true;   /* multicast, and 255.255.255.255 */
	/* The home network's directed broadcast (§3.8.2.1). */
	for (int i = 0; i < 4; i++) {
		int bits = c->home_plen - 8 * i;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		b[i] = (uint8_t)(c->home_prefix[i] | ~mask);
	}
	return !memcmp(a, b, 4);
}

static bool may_deny(struct ha_mn *m)
{
	uint64_t now = xmip_now_ns() / 1000000000u;

	if (!m)
		return true;
	if (m->deny_window_s != now) {
		m->deny_window_s = now;
		m->denials = 0;
	}
	return m->denials++ < DENIALS_PER_S;
}

static void handle_request(struct mip4_ha *ha, const uint8_t *msg, size_t len,
			   const struct xmip_mip4_udp_meta *um, uint64_t rx_ns)
{
	struct xmip_mip4_ha_req r = { .msg = msg, .sport = um->sport };
	struct xmip_mip4_hb set[XMIP_MIP4_MAX_SIMUL], before[XMIP_MIP4_MAX_SIMUL];
	struct xmip_mip4_ha_state st = { 0 };
	struct xmip_mip4_ha_decision d;
	uint8_t out[XMIP_MIP4_MAX_MSG];
	struct xmip_mip4_reg m;
	enum xmip_mip4_err e;
	struct ha_mn *hm = NULL;
	size_t n_set = 0, n_before = 0;
	bool had;
	int olen;

	e = xmip_mip4_reg_parse(msg, len, &m);
	if (e != XMIP_MIP4_E_OK) {
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		unsigned more;

		ha->n.rx_malformed++;
		xmip_mip4_observe_ha_malformed();
		if (xmip_log_ratelimit(&rl, &more))
			log_warn("mip4: request of %zu octets from %s discarded: %s%s", len,
				 xmip_mip4_ntoa(um->src), xmip_mip4_strerror(e),
				 more ? " (and earlier ones not logged)" : "");
		return;
	}
	/* The node's gratuitous ARP left before its deregistration: read it first (§4.6),
	 * so that ours can carry its MAC. */
	on_arp(NULL, ha->arp, 0, ha);
	r.m = &m;
	memcpy(r.src, um->src, 4);
	memcpy(r.dst, um->dst, 4);
	r.dst_bcast = is_bcast(ha->c, um->dst);
	st.mn = xmip_mip4_find_mn(ha->c, msg, &m);
	st.fa = xmip_mip4_find_peer(ha->c, um->src);
	if (st.mn) {
		hm = &ha->mns[st.mn - ha->c->mns];
		st.has_last = hm->has_last;
		st.last_id = hm->last_id;
		st.b = hm->b;
		st.n_b = hm->n_b;
	}
	xmip_mip4_ha_decide(ha->c, xmip_mip4_ntp_now(), &r, &st, &d);
	if (!d.reply) {
		ha->n.discarded++;
		xmip_mip4_observe_ha(NULL, &m, &d, NULL, 0, NULL, 0, rx_ns, false);
		log_info("mip4: request from %s for %s discarded: %s", xmip_mip4_ntoa(um->src),
			 xmip_mip4_ntoa(m.hoa), d.why);
		return;
	}
	had = hm && hm->n_b > 0;
	if (hm) {
		n_before = hm->n_b;
		memcpy(before, hm->b, n_before * sizeof(before[0]));
	}
	if (d.change != XMIP_MIP4_HA_KEEP) {
		n_set = next_set(hm, &d, set);
		if (set_bindings(hm, set, n_set))
			xmip_mip4_ha_fail(&d, XMIP_MIP4_HA_RESOURCES, "the datapath refused the binding");
	}
	if (d.record_id) {
		hm->has_last = true;
		hm->last_id = m.id;
	}
	ha->n.codes[d.code]++;
	if (XMIP_MIP4_CODE_OK(d.code)) {
		ha->n.accepted++;
		if (d.change == XMIP_MIP4_HA_ADD)
			log_info("mip4: %s registered at %s%s (%s, %s%s%s), lifetime %u s, code %u",
				 xmip_mip4_ntoa(d.nb.hoa), xmip_mip4_ntoa(d.nb.coa),
				 d.nb.flags & XMIP_MIP4_BF_UDP ? " behind a NAT" : "",
				 encap_name(d.nb.encap),
				 d.nb.flags & XMIP_MIP4_BF_COLOCATED ? "co-located" : "via FA ",
				 d.nb.flags & XMIP_MIP4_BF_COLOCATED ? "" : xmip_mip4_ntoa(d.nb.fa),
				 d.nb.flags & XMIP_MIP4_BF_REVERSE ? ", reverse tunnel" : "",
				 d.lifetime, d.code);
		else
			log_info("mip4: %s deregistered %s", xmip_mip4_ntoa(d.hoa),
				 d.change == XMIP_MIP4_HA_DEL_ALL ? "every care-of address" :
				 xmip_mip4_ntoa(m.coa));
	} else {
		ha->n.denied++;
		if (d.security)
			log_warn("mip4: security: request from %s for %s denied, code %u: %s",
				 xmip_mip4_ntoa(um->src), xmip_mip4_ntoa(m.hoa), d.code, d.why);
		else
			log_info("mip4: request from %s for %s denied, code %u: %s",
				 xmip_mip4_ntoa(um->src), xmip_mip4_ntoa(m.hoa), d.code, d.why);
		if (!may_deny(hm)) {
			ha->n.rate_limited++;
			xmip_mip4_observe_ha(NULL, &m, &d, NULL, 0, NULL, 0, rx_ns, false);
			return;
		}
	}
	/* §4.6: a first binding: proxy ARP on (by our socket) and tell the link; the last
	 * gone (deregistered): tell it the home address is the node's own MAC again. */
	if (hm && XMIP_MIP4_CODE_OK(d.code)) {
		if (!had && hm->n_b)
			garp_start(hm, ha->home_mac);
		else if (had && !hm->n_b && hm->has_mac)
			garp_start(hm, hm->mac);
	}
	/* State first, then the reply: whoever the reply reaches finds the files current. */
	if (hm && (d.change != XMIP_MIP4_HA_KEEP || d.record_id))
		save(ha);
	else if (ha->c->dump_file[0])
		xmip_mip4_write_file(ha->c->dump_file, write_dump, ha);
	olen = xmip_mip4_ha_build_reply(ha->c, &r, &st, &d, out, sizeof(out));
	/* §3.8.3.1: from the address it was sent to, unless that was a broadcast. */
	if (olen < 0 || xmip_mip4_udp_send(ha->udp, r.dst_bcast ? ha->c->address : um->dst,
					   um->src, um->sport, out, (size_t)olen)) {
		ha->n.tx_errors++;
		log_warn("mip4: reply to %s not sent", xmip_mip4_ntoa(um->src));
		xmip_mip4_observe_ha(NULL, &m, &d, NULL, 0, NULL, 0, rx_ns, false);
		return;
	}
	ha->n.tx_reply++;
	xmip_mip4_observe_ha(hm ? hm->conf->id : NULL, &m, &d, before, n_before,
			     hm ? hm->b : NULL, hm ? hm->n_b : 0, rx_ns, true);
}

static void on_udp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_ha *ha = arg;
	struct xmip_mip4_udp_meta um;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_mip4_udp_recv(fd, msg_buf, sizeof(msg_buf), &um)) > 0) {
		ha->n.rx++;
		if (msg_buf[0] == XMIP_MIP4_REG_REQUEST)
			handle_request(ha, msg_buf, (size_t)n, &um, xmip_now_ns());
		else
			ha->n.rx_other++;   /* replies, RFC 3519 tunnel data (the datapath's) */
	}
}

/* Agent Solicitations on the home link. */
static void on_adv_pkt(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_ha *ha = arg;
	uint8_t frame[XMIP_MIP4_FRAME_MAX];
	struct xmip_l2_meta pm;
	struct xmip_mip4_ip ip;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_l2_recv(fd, frame, sizeof(frame), &pm)) > 0) {
		if (pm.pkttype == 4 || pm.ifindex != ha->home_if ||
		    xmip_mip4_frame_ip(frame, (size_t)n, false, &ip) || ip.proto != 1 ||
		    xmip_mip4_sol_parse(frame + ip.pl_off, ip.pl_len) != XMIP_MIP4_E_OK)
			continue;
		xmip_mip4_adv_solicited(&ha->adv, pm.ifindex, frame + 6, ip.src);
	}
}

/* ---- life cycle ---- */

static int load_state(struct mip4_ha *ha, unsigned *kept, unsigned *gone)
{
	FILE *f = fopen(ha->c->state_file, "r");
	uint64_t now_rt = xmip_mip4_rt_s(), now = xmip_now_ns();
	char line[512];

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "xmip-mip4-ha 1", 14)) {
		fclose(f);
		log_warn("mip4: %s is not a state file of this version: ignored", ha->c->state_file);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char a[6][20], mac[20];
		unsigned enc, fl, ka, lt, dport, has;
		uint64_t id, exp;
		struct xmip_mip4_hb b = { 0 };
		struct ha_mn *m;
		uint8_t addr[4];

		if (sscanf(line, "mn %19s %u %" SCNx64 " %19s", a[0], &has, &id, mac) == 4) {
			if (inet_pton(AF_INET, a[0], addr) != 1 || !(m = mn_by_hoa(ha, addr)))
				continue;   /* no longer served */
			m->has_last = has;
			m->last_id = id;
			m->has_mac = sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m->mac[0], &m->mac[1],
					    &m->mac[2], &m->mac[3], &m->mac[4], &m->mac[5]) == 6;
		} else if (sscanf(line, "b %19s %19s %19s %u %19s %19s %u %u %u %u %" SCNx64 " %" SCNu64,
				  a[0], a[1], a[2], &dport, a[3], a[4], &enc, &fl, &ka, &lt, &id, &exp)
			   == 12) {
			if (inet_pton(AF_INET, a[0], b.hoa) != 1 || inet_pton(AF_INET, a[1], b.coa) != 1 ||
			    inet_pton(AF_INET, a[2], b.dst) != 1 || inet_pton(AF_INET, a[3], b.src) != 1 ||
			    inet_pton(AF_INET, a[4], b.fa) != 1 || !(m = mn_by_hoa(ha, b.hoa)))
				continue;
			if (lt != XMIP_MIP4_LIFETIME_INFINITE && exp <= now_rt) {
				(*gone)++;
				continue;
			}
			if (m->n_b == XMIP_MIP4_MAX_SIMUL || m->n_b >= ha->c->max_bindings)
				continue;
			b.dport = (uint16_t)dport;
			b.encap = (uint8_t)enc;
			b.flags = (uint8_t)fl;
			b.keepalive_s = (uint16_t)ka;
			b.lifetime_s = (uint16_t)lt;
			b.id = id;
			b.expires_rt_s = exp;
			b.expires_ns = now + (exp > now_rt ? exp - now_rt : 0) * 1000000000u;
			m->b[m->n_b++] = b;
			(*kept)++;
		}
	}
	fclose(f);
	return 0;
}

int xmip_mip4_ha_adopt(struct mip4_ha *ha)
{
	unsigned kept = 0, gone = 0;
	int rc = load_state(ha, &kept, &gone);

	if (rc)
		log_warn("mip4: %s: %s (starting without bindings)", ha->c->state_file, strerror(-rc));
	for (size_t i = 0; i < ha->n_mns; i++) {
		struct ha_mn *m = &ha->mns[i];

		if (m->n_b && set_bindings(m, m->b, m->n_b))
			log_warn("mip4: datapath refused the bindings of %s", xmip_mip4_ntoa(m->conf->hoa));
	}
	xmip_mip4_observe_ha_bindings(count_bindings(ha));
	save(ha);
	log_info("mip4: home agent %s serving %s/%u, %zu mobile node(s); %u binding(s) restored from "
		 "%s, %u expired while the agent was down", xmip_mip4_ntoa(ha->c->address),
		 xmip_mip4_ntoa(ha->c->home_prefix), ha->c->home_plen, ha->n_mns, kept,
		 ha->c->state_file, gone);
	return 0;
}

struct mip4_ha *xmip_mip4_ha_new(struct xmip_family *f)
{
	struct mip4_ha *ha = calloc(1, sizeof(*ha));
	struct xmip_loop *loop = f->core->loop;

	if (!ha)
		return NULL;
	ha->f = f;
	ha->conf = f->core->conf;
	ha->c = &ha->conf->mip4;
	ha->udp = ha->arp = ha->adv_fd = -1;
	ha->n_mns = ha->c->n_mns;
	ha->mns = calloc(ha->n_mns ? ha->n_mns : 1, sizeof(*ha->mns));
	ha->dp = xmip_mip4_dp_open(ha->conf, f->core->maps);
	if (!ha->mns || !ha->dp)
		goto fail;
	for (size_t i = 0; i < ha->n_mns; i++) {
		ha->mns[i].ha = ha;
		ha->mns[i].conf = &ha->c->mns[i];
		xmip_mip4_timer_init(f, &ha->mns[i].expiry, expire, &ha->mns[i]);
		xmip_mip4_timer_init(f, &ha->mns[i].garp, garp_send, &ha->mns[i]);
	}
	ha->udp = xmip_mip4_udp_open(false);
	if (ha->udp < 0) {
		log_err("mip4: UDP port %d: %s", XMIP_MIP4_PORT, strerror(-ha->udp));
		goto fail;
	}
	ha->arp = xmip_l2_open(true, 0, -1);
	ha->adv_fd = xmip_l2_open(false, 0, XMIP_MIP4_ICMP_SOLICIT);
	if (ha->arp < 0 || ha->adv_fd < 0) {
		log_err("mip4: packet sockets: %s", strerror(-(ha->arp < 0 ? ha->arp : ha->adv_fd)));
		goto fail;
	}
	if (xmip_loop_add_fd(loop, ha->udp, EPOLLIN, on_udp, ha) ||
	    xmip_loop_add_fd(loop, ha->arp, EPOLLIN, on_arp, ha) ||
	    xmip_loop_add_fd(loop, ha->adv_fd, EPOLLIN, on_adv_pkt, ha))
		goto fail;
	if (!home_link(ha))
		log_warn("mip4: no interface holds %s yet: no proxy ARP or advertisements until one "
			 "does", xmip_mip4_ntoa(ha->c->address));
	/* A home agent is a router: it forwards what it decapsulates. */
	xmip_sysctl_ipv4_conf("all", "forwarding", "1");
	/* §2.3: the H bit on the home link. */
	ha->adv.flags = XMIP_MIP4_ADV_H;
	ha->adv.reg_lifetime = (uint16_t)ha->c->max_lifetime_s;
	ha->adv.lifetime = (uint16_t)ha->c->advertise_lifetime_s;
	ha->adv.interval_s = ha->c->advertise_interval_s;
	xmip_mip4_adv_start(&ha->adv, f, ha->adv_fd, &ha->home_if, ha->home_if ? 1 : 0);
	return ha;
fail:
	xmip_mip4_ha_free(ha);
	return NULL;
}

void xmip_mip4_ha_free(struct mip4_ha *ha)
{
	struct xmip_loop *loop;

	if (!ha)
		return;
	loop = ha->f->core->loop;
	xmip_mip4_adv_stop(&ha->adv);
	for (size_t i = 0; ha->mns && i < ha->n_mns; i++) {
		xmip_mip4_timer_cancel(&ha->mns[i].expiry);
		xmip_mip4_timer_cancel(&ha->mns[i].garp);
	}
	if (ha->udp >= 0) {
		xmip_loop_del_fd(loop, ha->udp);
		close(ha->udp);
	}
	if (ha->arp >= 0) {
		xmip_loop_del_fd(loop, ha->arp);
		close(ha->arp);
	}
	if (ha->adv_fd >= 0) {
		xmip_loop_del_fd(loop, ha->adv_fd);
		close(ha->adv_fd);
	}
	xmip_mip4_dp_close(ha->dp);
	free(ha->mns);
	free(ha);
}
