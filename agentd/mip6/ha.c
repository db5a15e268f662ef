// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ha.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "core.h"
#include "ha_policy.h"
#include "log.h"
#include "maps.h"
#include "mh.h"
#include "nd.h"
#include "netlink.h"
#include "rawsend.h"

/* One expiry timer per binding, found by HoA. */
struct ha_entry {
	struct ha_entry          *next;
	uint8_t                   hoa[16];
	struct xmip_family_timer  expiry;   /* arg: this entry */
};

#define HA_BUCKETS 4096  /* power of two */

struct xmip_ha {
	struct xmip_family           *f;
	const struct xmip_conf       *conf;
	const struct xmip_agent_maps *maps;
	int                           raw, nl;  /* the core's, shared with other families */
	/* Interfaces on the home link (holding an address in home-prefix): proxy ND goes there. */
	uint32_t                      home_ifs[XMIP_CONF_MAX_IFS];
	int                           n_home_ifs;
	struct ha_entry              *buckets[HA_BUCKETS];
};

static unsigned int hoa_bucket(const uint8_t hoa[16])
{
	uint32_t h = 2166136261u;  /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ hoa[i]) * 16777619u;
	return h & (HA_BUCKETS - 1);
}

static struct ha_entry **entry_slot(struct xmip_ha *ha, const uint8_t hoa[16])
{
	struct ha_entry **pp = &ha->buckets[hoa_bucket(hoa)];

	while (*pp && !xmip_addr_eq((*pp)->hoa, hoa))
		pp = &(*pp)->next;
	return pp;
}

static int arm_expiry(struct xmip_ha *ha, const uint8_t hoa[16], uint64_t expires_ns)
{
	struct ha_entry **pp = entry_slot(ha, hoa);
	struct ha_entry *e = *pp;

	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		memcpy(e->hoa, hoa, 16);
		xmip_family_timer_init(ha->f, &e->expiry, e);
		*pp = e;
	}
	return xmip_family_timer_at(&e->expiry, expires_ns);
}

static void drop_expiry(struct xmip_ha *ha, const uint8_t hoa[16])
{
	struct ha_entry **pp = entry_slot(ha, hoa);
	struct ha_entry *e = *pp;

	if (!e)
		return;
	xmip_family_timer_cancel(&e->expiry);
	*pp = e->next;
	free(e);
}

/*
 * Proxy ND answers neighbour solicitations for the HoA on the home link,
 * which need not be the interface the BU came in on (an uplink). When no
 * configured interface holds a home-prefix address, fall back to that one.
 */
static int proxy_ifs(const struct xmip_ha *ha, uint32_t arrival_ifindex, uint32_t *ifs)
{
	if (ha->n_home_ifs) {
		memcpy(ifs, ha->home_ifs, sizeof(ha->home_ifs[0]) * (size_t)ha->n_home_ifs);
		return ha->n_home_ifs;
	}
	ifs[0] = arrival_ifindex;
	return arrival_ifindex ? 1 : 0;
}

static void proxy_stop(struct xmip_ha *ha, const uint8_t hoa[16], uint32_t arrival_ifindex)
{
	uint32_t ifs[XMIP_CONF_MAX_IFS];
	int n = proxy_ifs(ha, arrival_ifindex, ifs);
	struct in6_addr a;

	memcpy(&a, hoa, 16);
	for (int i = 0; i < n; i++)
		xmip_nl_proxy_neigh(ha->nl, ifs[i], &a, false);
}

static void proxy_start(struct xmip_ha *ha, const uint8_t hoa[16], uint32_t arrival_ifindex,
			bool announce)
{
	uint32_t ifs[XMIP_CONF_MAX_IFS];
	int n = proxy_ifs(ha, arrival_ifindex, ifs);
	char ifname[IF_NAMESIZE];
	struct in6_addr a;

	memcpy(&a, hoa, 16);
	for (int i = 0; i < n; i++) {
		if (xmip_nl_proxy_neigh(ha->nl, ifs[i], &a, true))
			continue;
		/* Routers on the home link still map the HoA to the MN's MAC: override it. */
		if (announce && if_indextoname(ifs[i], ifname))
			xmip_nd_send_unsolicited_na(ifname, &a);
	}
}

struct home_scan {
	struct xmip_ha *ha;
	uint32_t        conf_ifs[XMIP_CONF_MAX_IFS];
};

static int scan_home_addr(const struct xmip_nl_addr_info *a, void *arg)
{
	struct home_scan *hs = arg;
	struct xmip_ha *ha = hs->ha;

	if (!xmip_in_prefix(&a->addr, &ha->conf->home_prefix, ha->conf->home_plen))
		return 0;
	for (int i = 0; i < ha->conf->n_ifs; i++) {
		if (hs->conf_ifs[i] != a->ifindex)
			continue;
		for (int k = 0; k < ha->n_home_ifs; k++)
			if (ha->home_ifs[k] == a->ifindex)
				return 0;
		ha->home_ifs[ha->n_home_ifs++] = a->ifindex;
	}
	return 0;
}

static void find_home_link(struct xmip_ha *ha)
{
	struct home_scan hs = { .ha = ha };
	char names[256] = "";

	for (int i = 0; i < ha->conf->n_ifs; i++)
		hs.conf_ifs[i] = if_nametoindex(ha->conf->ifnames[i]);
	ha->n_home_ifs = 0;
	xmip_nl_dump_addrs(ha->nl, scan_home_addr, &hs);
	for (int i = 0; i < ha->n_home_ifs; i++) {
		char n[IF_NAMESIZE] = "?";

		if_indextoname(ha->home_ifs[i], n);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s", n);
	}
	if (ha->n_home_ifs)
		log_info("home link:%s (proxy ND for registered home addresses)", names);
	else
		log_warn("no configured interface has an address in %s/%u: proxy ND goes on the "
			 "interface each BU arrives on", xmip_ip6str(&ha->conf->home_prefix),
			 ha->conf->home_plen);
}

/*
 * A home interface removed and created again under a running agent (new
 * ifindex) took every proxy neighbour entry with it, and a refresh leaves
 * proxy ND alone: nobody answered for the home addresses on the new one
 * (test_faults.py, interface removed and re-added). Checked at each
 * registration; when a cached home ifindex is gone, find the home link
 * again and put back the entries of every binding.
 */
static int reproxy_one(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	proxy_start(arg, hoa, b->ifindex, true);
	return 0;
}

static void home_link_check(struct xmip_ha *ha)
{
	char n[IF_NAMESIZE];
	int i;

	for (i = 0; i < ha->n_home_ifs && if_indextoname(ha->home_ifs[i], n); i++)
		;
	if (i == ha->n_home_ifs)
		return;
	log_warn("a home interface was removed or re-created: proxy ND entries restored");
	find_home_link(ha);
	xmip_binding_foreach(ha->maps, reproxy_one, ha);
}

/* Remove a binding whose lifetime ran out (or that is already gone). */
static void expire(struct xmip_ha *ha, const uint8_t hoa[16])
{
	struct xmip_binding b;
	int rc = xmip_binding_get(ha->maps, hoa, &b);

	if (rc == 0) {
		uint64_t now = xmip_now_ns();

		/* Written again behind our back (xmip binding add, another agent): follow it. */
		if (b.expires_ns > now) {
			arm_expiry(ha, hoa, b.expires_ns);
			return;
		}
		xmip_binding_del(ha->maps, hoa);
		proxy_stop(ha, hoa, b.ifindex);
		log_info("binding expired: HoA %s CoA %s seq %u", xmip_ip6str(hoa),
			 xmip_ip6str(b.coa), b.seq);
	}
	drop_expiry(ha, hoa);
}

void xmip_ha_timer(struct xmip_ha *ha, struct xmip_family_timer *t)
{
	struct ha_entry *e = t->arg;
	uint8_t hoa[16];

	memcpy(hoa, e->hoa, 16);  /* e may be freed below */
	expire(ha, hoa);
}

static void send_packet(struct xmip_ha *ha, const uint8_t *pkt, int len, uint32_t ifindex,
			const char *what)
{
	if (len <= 0) {
		log_err("could not build the %s", what);
		return;
	}
	xmip_rawsend(ha->raw, pkt, (size_t)len, ifindex);
}

/* Apply the decision's map and kernel changes. Returns 0, or a BA status to send instead. */
static uint8_t apply(struct xmip_ha *ha, struct xmip_ha_decision *d, const struct xmip_binding *cur,
		     uint32_t ifindex)
{
	const uint8_t *hoa = d->binding_key.hoa;
	int rc;

	if (d->binding_op == XMIP_HA_BINDING_WRITE)
		home_link_check(ha);
	switch (d->binding_op) {
	case XMIP_HA_BINDING_WRITE:
		rc = xmip_binding_put(ha->maps, hoa, &d->binding);
		if (rc) {
			log_err("binding write for HoA %s: %s", xmip_ip6str(hoa), strerror(-rc));
			return XMIP_BA_INSUFFICIENT_RESOURCES;
		}
		if (arm_expiry(ha, hoa, d->binding.expires_ns))
			log_err("no expiry timer for HoA %s (out of memory)", xmip_ip6str(hoa));
		/* The MN moved its registration to another home interface. */
		if (!ha->n_home_ifs && cur && cur->ifindex && cur->ifindex != d->binding.ifindex)
			proxy_stop(ha, hoa, cur->ifindex);
		break;
	case XMIP_HA_BINDING_DELETE:
		rc = xmip_binding_del(ha->maps, hoa);
		if (rc && rc != -ENOENT)
			log_err("binding delete for HoA %s: %s", xmip_ip6str(hoa), strerror(-rc));
		drop_expiry(ha, hoa);
		break;
	case XMIP_HA_BINDING_KEEP:
		break;
	}
	if (d->replay_write) {
		rc = xmip_replay_put(ha->maps, hoa, &d->replay);
		if (rc)
			log_err("replay state write for HoA %s: %s", xmip_ip6str(hoa), strerror(-rc));
	}
	switch (d->proxy_nd) {
	case XMIP_HA_PROXY_ND_START:
		proxy_start(ha, hoa, d->binding.ifindex ? d->binding.ifindex : ifindex, true);
		break;
	case XMIP_HA_PROXY_ND_STOP:
		proxy_stop(ha, hoa, cur && cur->ifindex ? cur->ifindex : ifindex);
		break;
	case XMIP_HA_PROXY_ND_KEEP:
		/* A refresh from another home interface still needs the entry there. */
		if (!ha->n_home_ifs && d->binding_op == XMIP_HA_BINDING_WRITE && cur &&
		    cur->ifindex != d->binding.ifindex)
			proxy_start(ha, hoa, d->binding.ifindex, true);
		break;
	}
	return 0;
}

static void log_decision(const struct xmip_ha_decision *d, const struct xmip_pkt *p)
{
	const char *why = d->reason ? d->reason : "";

	if (!d->send_ba) {
		if (!d->send_be)
			log_debug("MH type %u from %s ignored: %s", p->msg.type,
				  xmip_ip6str(&p->src), why);
		return;
	}
	if (d->ba.status >= 128) {
		/* Anyone can make us refuse: a flood of forged BUs must not flood the log. */
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		if (xmip_log_ratelimit(&rl, &more))
			log_warn("BU refused: status %u (%s) HoA %s CoA %s seq %u: %s%s",
				 d->ba.status, xmip_ba_status_name(d->ba.status),
				 xmip_ip6str(&p->mh_src), xmip_ip6str(&p->src), p->msg.seq, why,
				 more ? " (and earlier refusals not logged)" : "");
	} else if (d->binding_op == XMIP_HA_BINDING_DELETE) {
		log_info("deregistered: HoA %s seq %u", xmip_ip6str(&p->mh_src), p->msg.seq);
	} else if (d->binding_op == XMIP_HA_BINDING_WRITE) {
		log_info("binding: HoA %s -> CoA %s lifetime %u s seq %u",
			 xmip_ip6str(d->binding_key.hoa), xmip_ip6str(d->binding.coa),
			 d->binding.lifetime_s, d->binding.seq);
	} else {
		log_info("BU from HoA %s CoA %s seq %u answered with status %u (%s): %s",
			 xmip_ip6str(&p->mh_src), xmip_ip6str(&p->src), p->msg.seq, d->ba.status,
			 xmip_ba_status_name(d->ba.status), why);
	}
}

void xmip_ha_signal(struct xmip_ha *ha, uint32_t ifindex, const struct xmip_pkt *p,
		    enum xmip_parse_err perr)
{
	struct xmip_replay_state replay;
	struct xmip_ha_decision d;
	struct xmip_binding cur;
	bool have_cur, have_replay;
	uint8_t out[XMIP_SIGNAL_MAX_PKT], status;

	have_cur = xmip_binding_get(ha->maps, p->mh_src.s6_addr, &cur) == 0;
	have_replay = xmip_replay_get(ha->maps, p->mh_src.s6_addr, &replay) == 0;
	xmip_ha_decide(ha->conf, p, perr, ifindex, have_cur ? &cur : NULL,
		       have_replay ? &replay : NULL, xmip_realtime_ns(), xmip_now_ns(), &d);

	if (d.send_ba && d.ba.status < 128) {
		status = apply(ha, &d, have_cur ? &cur : NULL, ifindex);
		if (status) {
			/* The maps refused: tell the MN rather than pretend. */
			d.ba.status = status;
			d.ba.lifetime_units = 0;
			d.ba.has_refresh = false;
			d.reason = "binding cache write failed";
		}
	} else if (!d.send_ba) {
		/* Nothing to answer means nothing to change, except what the policy says. */
		if (d.binding_op != XMIP_HA_BINDING_KEEP || d.replay_write)
			apply(ha, &d, have_cur ? &cur : NULL, ifindex);
	}
	log_decision(&d, p);
	if (d.send_ba)
		send_packet(ha, out, xmip_ha_build_ba(&d, out, sizeof(out)), ifindex, "BA");
	if (d.send_be) {
		/* RFC 6275 §9.3.3: Binding Errors are rate-limited like ICMPv6
		 * errors (RFC 4443 §2.4); the log line goes with the packet. */
		static struct xmip_ratelimit be_rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		if (xmip_log_ratelimit(&be_rl, &more)) {
			log_warn("Binding Error status %u to %s (MH type %u)%s", d.be_status,
				 xmip_ip6str(&d.be_dst), p->msg.type,
				 more ? " (earlier ones rate-limited, not sent, not logged)" : "");
			send_packet(ha, out, xmip_ha_build_be(&d, out, sizeof(out)), ifindex, "BE");
		}
	}
}

struct rebuild_ctx {
	struct xmip_ha *ha;
	uint64_t        now;
	unsigned int    kept, expired;
	uint8_t         (*stale)[16];
	size_t          n_stale, cap_stale;
};

static int rebuild_one(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	struct rebuild_ctx *c = arg;

	if (b->expires_ns <= c->now) {
		/* Expired while no agent ran: remove after the walk. */
		if (c->n_stale == c->cap_stale) {
			size_t cap = c->cap_stale ? c->cap_stale * 2 : 64;
			void *p = realloc(c->stale, cap * 16);

			if (!p)
				return -ENOMEM;
			c->stale = p;
			c->cap_stale = cap;
		}
		memcpy(c->stale[c->n_stale++], hoa, 16);
		return 0;
	}
	if (arm_expiry(c->ha, hoa, b->expires_ns))
		return -ENOMEM;
	/* We may have died between writing the binding and adding the entry. */
	proxy_start(c->ha, hoa, b->ifindex, false);
	c->kept++;
	return 0;
}

/* Restart: a timer for every binding a previous agent left, and its proxy entry. */
int xmip_ha_adopt(struct xmip_ha *ha)
{
	struct rebuild_ctx c = { .ha = ha, .now = xmip_now_ns() };
	int rc = xmip_binding_foreach(ha->maps, rebuild_one, &c);

	for (size_t i = 0; i < c.n_stale; i++)
		expire(ha, c.stale[i]);
	free(c.stale);
	if (rc) {
		log_err("rebuilding timers from %s: %s", XMIP_MAP_BINDINGS, strerror(-rc));
		return rc;
	}
	log_info("%u binding(s) restored from %s, %zu expired while the agent was down",
		 c.kept, XMIP_MAP_BINDINGS, c.n_stale);
	log_info("home agent %s serving %s/%u, %zu mobile node(s)", xmip_ip6str(&ha->conf->address),
		 xmip_ip6str(&ha->conf->home_prefix), ha->conf->home_plen, ha->conf->n_mns);
	return 0;
}

struct xmip_ha *xmip_ha_new(struct xmip_family *f)
{
	const struct xmip_conf *conf = f->core->conf;
	struct xmip_ha *ha = calloc(1, sizeof(*ha));

	if (!ha)
		return NULL;
	ha->f = f;
	ha->conf = conf;
	ha->maps = f->core->maps;
	ha->raw = f->core->raw;
	ha->nl = f->core->nl;
	/*
	 * The kernel answers NS for HoAs (proxy_ndp), and only on forwarding
	 * interfaces; a unicast NUD probe for a HoA is proxied only with
	 * all.proxy_ndp, and packets the datapath leaves to the kernel (first
	 * packet to a CoA without a neighbour entry) need all.forwarding.
	 * A home agent is a router (RFC 6275 §10.1).
	 */
	xmip_sysctl_ipv6_conf("all", "forwarding", "1");
	xmip_sysctl_ipv6_conf("all", "proxy_ndp", "1");
	for (int i = 0; i < conf->n_ifs; i++) {
		xmip_sysctl_ipv6_conf(conf->ifnames[i], "forwarding", "1");
		xmip_sysctl_ipv6_conf(conf->ifnames[i], "proxy_ndp", "1");
	}
	find_home_link(ha);
	return ha;
}

void xmip_ha_free(struct xmip_ha *ha)
{
	if (!ha)
		return;
	for (int i = 0; i < HA_BUCKETS; i++) {
		while (ha->buckets[i]) {
			struct ha_entry *e = ha->buckets[i];

			ha->buckets[i] = e->next;
			xmip_family_timer_cancel(&e->expiry);
			free(e);
		}
	}
	free(ha);
}
