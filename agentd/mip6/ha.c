// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ha.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "core.h"
#include "dad.h"
#include "dhaad_ha.h"
#include "dsmip/dsmip.h"
#include "ha_policy.h"
#include "log.h"
#include "maps.h"
#include "mh.h"
#include "nd.h"
#include "nemo.h"
#include "observe.h"
#include "netlink.h"
#include "pins.h"
#include "rawsend.h"
#include "ro/cn_policy.h"
#include "srcrate.h"

#define NSEC_PER_SEC 1000000000ULL

/*
 * A BU whose answer waits for Duplicate Address Detection (a first home
 * registration, RFC 6275 §10.3.1): the decision taken when it arrived, the
 * detection, and the last authentic BU for the same home address that
 * arrived meanwhile (held, decided once this one is answered).
 */
struct ha_pending {
	struct xmip_ha_decision  d;
	uint32_t                 ifindex;      /* the BU's arrival interface */
	struct xmip_dad          dad;
	struct xmip_family_timer timer;        /* arg: the entry */
	uint32_t                 ifs[XMIP_CONF_MAX_IFS];   /* the home link, probed */
	int                      n_ifs;
	bool                     have_held;
	uint32_t                 held_ifindex;
	size_t                   held_len;
	uint8_t                  held[XMIP_SIGNAL_MAX_PKT];
	struct xmip_mh_opts      opts;         /* the BU's options (its IPv4 HoA request) */
};

/* Per home address: the binding's expiry timer and a BU being processed. */
struct ha_entry {
	struct ha_entry          *next;
	uint8_t                   hoa[16];
	struct xmip_family_timer  expiry;   /* arg: this entry */
	struct ha_pending        *pending;  /* NULL: no BU waiting for DAD */
};

#define HA_BUCKETS     4096  /* power of two */
#define HA_MAX_PENDING 256   /* DADs at once; beyond: BA 130 */
/* Refusing BAs per source (/64): anyone can make us refuse, so no source
 * gets more than this many signed refusals a second. */
#define HA_BA_REFUSE_PER_SEC 10
/* All refusals together, whatever their sources: a flood from many spoofed
 * /64s must not make the HA a reflector, nor keep the agent busy sending. */
#define HA_BA_REFUSE_ALL_PER_SEC 200
#define HA_BA_REFUSE_BURST   10

struct xmip_ha {
	struct xmip_family           *f;
	const struct xmip_conf       *conf;
	const struct xmip_agent_maps *maps;
	int                           raw, nl;  /* the core's, shared with other families */
	int                           ident;    /* xmip_ident, -1: attached by an older build */
	/* Interfaces on the home link (holding an address in home-prefix): proxy ND goes there. */
	uint32_t                      home_ifs[XMIP_CONF_MAX_IFS];
	int                           n_home_ifs;
	struct ha_entry              *buckets[HA_BUCKETS];

	/* Duplicate Address Detection in progress. */
	struct ha_entry              *pending[HA_MAX_PENDING];
	int                           n_pending;
	int                           nd_fd;    /* listening while a DAD runs, else -1 */

	struct xmip_srcrate           ba_rl;    /* refusing BAs, per source */
	uint64_t                      ba_held_back;
	struct xmip_dhaad_ha         *dhaad;    /* DHAAD and MPS answers; NULL: off */
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

static struct ha_entry *entry_find(struct xmip_ha *ha, const uint8_t hoa[16])
{
	return *entry_slot(ha, hoa);
}

static struct ha_entry *entry_get(struct xmip_ha *ha, const uint8_t hoa[16])
{
	struct ha_entry **pp = entry_slot(ha, hoa);
	struct ha_entry *e = *pp;

	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
		memcpy(e->hoa, hoa, 16);
		xmip_family_timer_init(ha->f, &e->expiry, e);
		*pp = e;
	}
	return e;
}

/* Free the entry once it holds neither a timer nor a pending BU. */
static void entry_put(struct xmip_ha *ha, struct ha_entry *e)
{
	struct ha_entry **pp;

	if (!e || e->pending || xmip_family_timer_armed(&e->expiry))
		return;
	pp = entry_slot(ha, e->hoa);
	if (*pp == e) {
		*pp = e->next;
		free(e);
	}
}

static int arm_expiry(struct xmip_ha *ha, const uint8_t hoa[16], uint64_t expires_ns)
{
	struct ha_entry *e = entry_get(ha, hoa);

	if (!e)
		return -ENOMEM;
	return xmip_family_timer_at(&e->expiry, expires_ns);
}

static void drop_expiry(struct xmip_ha *ha, const uint8_t hoa[16])
{
	struct ha_entry *e = entry_find(ha, hoa);

	if (!e)
		return;
	xmip_family_timer_cancel(&e->expiry);
	entry_put(ha, e);
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

/* The addresses the HA defends for a binding: the HoA, and with L its link-local (§10.4.1). */
static int defended(const uint8_t hoa[16], uint16_t bu_flags, struct in6_addr out[2])
{
	memcpy(&out[0], hoa, 16);
	if (!(bu_flags & XMIP_BU_F_L))
		return 1;
	xmip_addr_link_local_of(hoa, &out[1]);
	return 2;
}

/* router: a mobile router's addresses: proxy entry and NAs with the Router
 * flag (RFC 3963 §6.2). */
static void proxy_addrs(struct xmip_ha *ha, const struct in6_addr *a, int n,
			uint32_t arrival_ifindex, bool add, bool announce, bool router)
{
	uint32_t ifs[XMIP_CONF_MAX_IFS];
	int n_ifs = proxy_ifs(ha, arrival_ifindex, ifs);
	char ifname[IF_NAMESIZE];

	for (int i = 0; i < n_ifs; i++) {
		for (int k = 0; k < n; k++) {
			if (xmip_nl_proxy_neigh_router(ha->nl, ifs[i], &a[k], add, router) || !add)
				continue;
			/* Routers on the home link still map the address to the MN's MAC: override it. */
			if (announce && if_indextoname(ifs[i], ifname)) {
				if (router)
					xmip_nd_send_unsolicited_na_router(ifname, &a[k]);
				else
					xmip_nd_send_unsolicited_na(ifname, &a[k]);
			}
		}
	}
}

static void proxy_stop(struct xmip_ha *ha, const uint8_t hoa[16], uint16_t bu_flags,
		       uint32_t arrival_ifindex)
{
	struct in6_addr a[2];

	proxy_addrs(ha, a, defended(hoa, bu_flags, a), arrival_ifindex, false, false, false);
}

static void proxy_start(struct xmip_ha *ha, const uint8_t hoa[16], uint16_t bu_flags,
			uint32_t arrival_ifindex, bool announce)
{
	struct in6_addr a[2];

	proxy_addrs(ha, a, defended(hoa, bu_flags, a), arrival_ifindex, true, announce,
		    (bu_flags & XMIP_BU_F_R) != 0);
}

/* The link-local address alone (L set or cleared by a refresh). */
static void proxy_link_local(struct xmip_ha *ha, const uint8_t hoa[16], uint32_t ifindex,
			     bool add, bool router)
{
	struct in6_addr ll;

	xmip_addr_link_local_of(hoa, &ll);
	proxy_addrs(ha, &ll, 1, ifindex, add, add, router);
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
		log_info("home link:%s (proxy ND and duplicate address detection for registered "
			 "home addresses)", names);
	else
		log_warn("no configured interface has an address in %s/%u: proxy ND goes on the "
			 "interface each BU arrives on", xmip_ip6str(&ha->conf->home_prefix),
			 ha->conf->home_plen);
}

/* ---------------------------------------------------------------- identity */

static void ident_write(struct xmip_ha *ha, const uint8_t hoa[16], const struct xmip_mn_entry *mn)
{
	struct xmip_binding_key k;
	struct xmip_ident id;

	if (ha->ident < 0 || !mn)
		return;
	memcpy(k.hoa, hoa, 16);
	xmip_ha_ident(mn, &id);
	if (bpf_map_update_elem(ha->ident, &k, &id, BPF_ANY))
		log_warn("%s write for HoA %s: %s", XMIP_MAP_IDENT, xmip_ip6str(hoa), strerror(errno));
}

static void ident_del(struct xmip_ha *ha, const uint8_t hoa[16])
{
	struct xmip_binding_key k;

	if (ha->ident < 0)
		return;
	memcpy(k.hoa, hoa, 16);
	bpf_map_delete_elem(ha->ident, &k);
}

/* ---------------------------------------------------------------- home link */

/*
 * A home interface removed and created again under a running agent (new
 * ifindex) took every proxy neighbour entry with it, and a refresh leaves
 * proxy ND alone: nobody answered for the home addresses on the new one
 * (test_faults.py, interface removed and re-added). Checked at each
 * registration (before its DAD too, whose probes go on the home link):
 * when a cached home ifindex is gone, find the home link again and put
 * back the entries of every binding.
 */
static int reproxy_one(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	proxy_start(arg, hoa, b->bu_flags, b->ifindex, true);
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

/* ---------------------------------------------------------------- expiry */

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
		xmip_nemo_set(ha->maps, hoa, NULL, 0);
		ident_del(ha, hoa);
		proxy_stop(ha, hoa, b.bu_flags, b.ifindex);
		log_info("binding expired: HoA %s CoA %s seq %u", xmip_ip6str(hoa),
			 xmip_ip6str(b.coa), b.seq);
		xmip_mip6_observe_ha_expired(hoa, &b);
	}
	drop_expiry(ha, hoa);
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

/*
 * Apply the decision's map and kernel changes. Returns 0, or a BA status to
 * send instead. v4_follows: xmip_dsmip_mip6_ipv4 is called next for this BU
 * (agentd/dsmip/dsmip.h).
 */
static uint8_t apply(struct xmip_ha *ha, struct xmip_ha_decision *d, const struct xmip_binding *cur,
		     uint32_t ifindex, bool v4_follows)
{
	const uint8_t *hoa = d->binding_key.hoa;
	uint16_t old_flags = cur ? cur->bu_flags : 0;
	int rc;

	if (d->binding_op == XMIP_HA_BINDING_WRITE)
		home_link_check(ha);
	switch (d->binding_op) {
	case XMIP_HA_BINDING_WRITE:
		/* NEMO (RFC 3963 §6.2): the prefixes first; they lead nowhere
		 * until the binding is there. All of them or none (141). */
		if (d->nemo) {
			rc = xmip_nemo_set(ha->maps, hoa, d->mnp, d->n_mnp);
			if (rc) {
				log_err("mobile network prefixes for HoA %s: %s", xmip_ip6str(hoa),
					strerror(-rc));
				return XMIP_BA_INVALID_PREFIX;
			}
		}
		rc = xmip_binding_put(ha->maps, hoa, &d->binding);
		if (rc) {
			if (d->nemo && !cur)
				xmip_nemo_set(ha->maps, hoa, NULL, 0);
			/* Includes the datapath refusing to place the binding (e.g. a
			 * full fast-path table): the MN learns it, nothing is half-made. */
			log_err("binding write for HoA %s: %s", xmip_ip6str(hoa), strerror(-rc));
			return XMIP_BA_INSUFFICIENT_RESOURCES;
		}
		if (arm_expiry(ha, hoa, d->binding.expires_ns))
			log_err("no expiry timer for HoA %s (out of memory)", xmip_ip6str(hoa));
		if (!cur)
			ident_write(ha, hoa, d->mn);
		/* The MN moved its registration to another home interface. */
		if (!ha->n_home_ifs && cur && cur->ifindex && cur->ifindex != d->binding.ifindex)
			proxy_stop(ha, hoa, cur->bu_flags, cur->ifindex);
		break;
	case XMIP_HA_BINDING_DELETE:
		rc = xmip_binding_del(ha->maps, hoa);
		if (rc && rc != -ENOENT)
			log_err("binding delete for HoA %s: %s", xmip_ip6str(hoa), strerror(-rc));
		xmip_nemo_set(ha->maps, hoa, NULL, 0);     /* RFC 3963 §6.7 */
		ident_del(ha, hoa);
		drop_expiry(ha, hoa);
		break;
	case XMIP_HA_BINDING_KEEP:
		break;
	}
	/* One binding per home address across families: a registration or a
	 * deregistration over IPv6 ends the node's DSMIPv6 binding, and with
	 * it its IPv4 home address when the BU asked for none (RFC 5555
	 * §4.4.2.1; the MIPv6 BU carries no IPv4 Home Address option). One
	 * that carries the option (§4.4.2) keeps it for xmip_dsmip_mip6_ipv4,
	 * which updates it in place (a refresh must not withdraw it). */
	if (d->binding_op != XMIP_HA_BINDING_KEEP)
		xmip_dsmip_mip6_took(hoa, v4_follows && d->binding_op == XMIP_HA_BINDING_WRITE);
	if (d->replay_write) {
		rc = xmip_replay_put(ha->maps, hoa, &d->replay);
		if (rc)
			log_err("replay state write for HoA %s: %s", xmip_ip6str(hoa), strerror(-rc));
	}
	switch (d->proxy_nd) {
	case XMIP_HA_PROXY_ND_START:
		proxy_start(ha, hoa, d->binding.bu_flags,
			    d->binding.ifindex ? d->binding.ifindex : ifindex, true);
		break;
	case XMIP_HA_PROXY_ND_STOP:
		/* The link-local address too, whatever L said (§10.4.1: only while
		 * the binding exists). */
		proxy_stop(ha, hoa, old_flags | XMIP_BU_F_L,
			   cur && cur->ifindex ? cur->ifindex : ifindex);
		break;
	case XMIP_HA_PROXY_ND_KEEP:
		if (d->binding_op != XMIP_HA_BINDING_WRITE || !cur)
			break;
		/* A refresh from another home interface still needs the entry there. */
		if (!ha->n_home_ifs && cur->ifindex != d->binding.ifindex)
			proxy_start(ha, hoa, d->binding.bu_flags, d->binding.ifindex, true);
		/* L set or cleared by this refresh: the link-local address follows. */
		if ((old_flags ^ d->binding.bu_flags) & XMIP_BU_F_L)
			proxy_link_local(ha, hoa, d->binding.ifindex,
					 d->binding.bu_flags & XMIP_BU_F_L,
					 (d->binding.bu_flags & XMIP_BU_F_R) != 0);
		break;
	}
	return 0;
}

static void log_decision(const struct xmip_ha_decision *d, const struct xmip_pkt *p)
{
	const char *why = d->reason ? d->reason : "";

	if (!d->send_ba) {
		if (d->discard == XMIP_HA_DISCARD_REPLAY) {
			/* Authentic but stale: someone replays captured BUs. */
			static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
			unsigned int more;

			if (xmip_log_ratelimit(&rl, &more))
				log_warn("BU discarded, no answer: HoA %s CoA %s seq %u: %s%s",
					 xmip_ip6str(&d->ba_hoa), xmip_ip6str(&d->ba_coa),
					 p ? p->msg.seq : 0, why,
					 more ? " (and earlier ones not logged)" : "");
		} else if (!d->send_be && p) {
			log_debug("MH type %u from %s silently discarded: %s", p->msg.type,
				  xmip_ip6str(&p->src), why);
		}
		return;
	}
	if (d->ba.status >= 128) {
		/* Anyone can make us refuse: a flood of forged BUs must not flood the log. */
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		if (xmip_log_ratelimit(&rl, &more))
			log_warn("BU refused: status %u (%s) HoA %s CoA %s seq %u: %s%s",
				 d->ba.status, xmip_ba_status_name(d->ba.status),
				 xmip_ip6str(&d->ba_hoa), xmip_ip6str(&d->ba_coa),
				 p ? p->msg.seq : d->ba.seq, why,
				 more ? " (and earlier refusals not logged)" : "");
	} else if (d->binding_op == XMIP_HA_BINDING_DELETE) {
		log_info("deregistered: HoA %s seq %u", xmip_ip6str(&d->ba_hoa), d->ba.seq);
	} else if (d->binding_op == XMIP_HA_BINDING_WRITE) {
		log_info("binding: HoA %s -> CoA %s lifetime %u s seq %u%s",
			 xmip_ip6str(d->binding_key.hoa), xmip_ip6str(d->binding.coa),
			 d->binding.lifetime_s, d->binding.seq,
			 d->binding.bu_flags & XMIP_BU_F_L ? " (L: link-local address defended too)" : "");
	}
	if (d->recovered)
		log_warn("HoA %s: the last accepted Mesg-ID was ahead of the clock beyond the "
			 "window (wall clock stepped back?): accepted a BU on the current clock "
			 "with a newer sequence number, Mesg-ID state moved back", xmip_ip6str(&d->ba_hoa));
}

/* Send what the decision says: the BA (refusals rate-limited per source), or the BE. */
static void answer(struct xmip_ha *ha, const struct xmip_ha_decision *d, uint32_t ifindex,
		   const struct xmip_pkt *p)
{
	uint8_t out[XMIP_SIGNAL_MAX_PKT];

	if (d->send_ba) {
		if (d->ba.status >= 128 &&
		    !xmip_srcrate_take(&ha->ba_rl, &d->ba_coa, xmip_now_ns())) {
			static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(1);
			unsigned int more;

			ha->ba_held_back++;
			if (xmip_log_ratelimit(&rl, &more))
				log_warn("refusing BAs to %s/64 over %u a second: not sent (%llu so far)",
					 xmip_ip6str(&d->ba_coa), HA_BA_REFUSE_PER_SEC,
					 (unsigned long long)ha->ba_held_back);
			return;
		}
		if (d->ba.status >= 128) {
			static struct xmip_ratelimit all = XMIP_RATELIMIT_INIT(HA_BA_REFUSE_ALL_PER_SEC);
			static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(1);
			unsigned int more;

			if (!xmip_log_ratelimit(&all, &more)) {
				ha->ba_held_back++;
				if (xmip_log_ratelimit(&rl, &more))
					log_warn("refusing BAs over %u a second from all sources: not "
						 "sent (%llu so far)", HA_BA_REFUSE_ALL_PER_SEC,
						 (unsigned long long)ha->ba_held_back);
				return;
			}
		}
		send_packet(ha, out, xmip_ha_build_ba(d, out, sizeof(out)), ifindex, "BA");
	}
	if (d->send_be) {
		/* RFC 6275 §9.3.3: Binding Errors are rate-limited like ICMPv6
		 * errors (RFC 4443 §2.4); the log line goes with the packet. */
		static struct xmip_ratelimit be_rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		if (xmip_log_ratelimit(&be_rl, &more)) {
			log_warn("Binding Error status %u to %s (MH type %u)%s", d->be_status,
				 xmip_ip6str(&d->be_dst), p ? p->msg.type : 0,
				 more ? " (earlier ones rate-limited, not sent, not logged)" : "");
			send_packet(ha, out, xmip_ha_build_be(d, out, sizeof(out)), ifindex, "BE");
			xmip_mip6_observe_ha_be();
		}
	}
}

/* Carry a decision out: state changes (when accepted), log, answer. */
static void finish(struct xmip_ha *ha, struct xmip_ha_decision *d, const struct xmip_binding *cur,
		   uint32_t ifindex, const struct xmip_pkt *p, const struct xmip_mh_opts *opts)
{
	uint8_t status;

	if (d->send_ba && d->ba.status < 128 && d->binding_op == XMIP_HA_BINDING_DELETE) {
		/*
		 * A deregistration is answered before the binding goes: while its
		 * slot and the HoA's neighbour entry (pointed at the HA itself,
		 * agentd/core/fwsync.c) are there, the BA leaves by tc egress to
		 * the HoA's solicited-node multicast MAC, which the MN back home
		 * hears. Removed first, the kernel would have to resolve the HoA,
		 * and an MN that has just come home may miss that first
		 * solicitation (seen: the BA a second late, the MN's
		 * retransmission refused with 133). RFC 6275 §10.3.2 lets the HA
		 * take the MN's link-layer address any way it can.
		 */
		log_decision(d, p);
		answer(ha, d, ifindex, p);
		apply(ha, d, cur, ifindex, false);
		xmip_mip6_observe_ha(ha->f, p, d, cur);
		return;
	}
	if (d->send_ba && d->ba.status < 128) {
		bool v4 = opts && opts->has_ipv4_hoa && d->binding_op == XMIP_HA_BINDING_WRITE;

		status = apply(ha, d, cur, ifindex, v4);
		if (status) {
			/* The maps refused: tell the MN rather than pretend. */
			d->ba.status = status;
			d->ba.lifetime_units = 0;
			d->ba.has_refresh = false;
			d->reason = "binding cache write failed";
		} else if (v4) {
			/* RFC 5555 §4.4.2: an IPv4 home address asked for over IPv6. */
			xmip_dsmip_mip6_ipv4(opts, d->binding_key.hoa, &d->binding, &d->ba);
		}
	} else if (!d->send_ba) {
		/* Nothing to answer means nothing to change, except what the policy says. */
		if (d->binding_op != XMIP_HA_BINDING_KEEP || d->replay_write)
			apply(ha, d, cur, ifindex, false);
	}
	log_decision(d, p);
	answer(ha, d, ifindex, p);
	xmip_mip6_observe_ha(ha->f, p, d, cur);
}

/* ------------------------------------------------ duplicate address detection */

static void on_nd(struct xmip_loop *loop, int fd, uint32_t events, void *arg);

static void dad_probe(struct xmip_ha *ha, struct ha_pending *pd)
{
	uint8_t ns[96];

	for (unsigned int t = 0; t < pd->dad.n_targets; t++) {
		size_t len = xmip_nd_build_dad_ns(ns, sizeof(ns), &pd->dad.target[t], pd->dad.nonce);

		for (int i = 0; i < pd->n_ifs; i++)
			xmip_rawsend(ha->raw, ns, len, pd->ifs[i]);
	}
}

static void dad_groups(struct xmip_ha *ha, struct ha_pending *pd, bool join)
{
	struct in6_addr g;

	for (unsigned int t = 0; t < pd->dad.n_targets; t++) {
		xmip_addr_solicited_node(&pd->dad.target[t], &g);
		for (int i = 0; i < pd->n_ifs; i++) {
			int rc = xmip_nd_listen_group(ha->nd_fd, pd->ifs[i], &g, join);

			/* Two DADs whose targets share a solicited-node group join it twice. */
			if (rc && rc != -EADDRINUSE && rc != -EADDRNOTAVAIL && rc != -EINVAL)
				log_warn("DAD: %s %s on ifindex %u: %s", join ? "join" : "leave",
					 xmip_ip6str(&g), pd->ifs[i], strerror(-rc));
		}
	}
}

static int nd_listen(struct xmip_ha *ha, bool on)
{
	if (on && ha->nd_fd < 0) {
		int fd = xmip_nd_listen_open();

		if (fd < 0) {
			log_err("DAD: raw ICMPv6 socket: %s", strerror(-fd));
			return fd;
		}
		if (xmip_loop_add_fd(ha->f->core->loop, fd, EPOLLIN, on_nd, ha)) {
			close(fd);
			return -ENOMEM;
		}
		ha->nd_fd = fd;
	} else if (!on && ha->nd_fd >= 0) {
		xmip_loop_del_fd(ha->f->core->loop, ha->nd_fd);
		close(ha->nd_fd);
		ha->nd_fd = -1;
	}
	return 0;
}

static void signal_one(struct xmip_ha *ha, uint32_t ifindex, const uint8_t *buf, size_t len,
		       const struct xmip_pkt *p, enum xmip_parse_err perr);

/* The detection is over: answer the BU it held up, then the one held behind it. */
static void dad_done(struct xmip_ha *ha, struct ha_entry *e)
{
	struct ha_pending *pd = e->pending;
	bool in_use = pd->dad.state == XMIP_DAD_IN_USE;
	struct xmip_pkt held;
	uint8_t hoa[16];

	xmip_family_timer_cancel(&pd->timer);
	dad_groups(ha, pd, false);
	for (int i = 0; i < ha->n_pending; i++) {
		if (ha->pending[i] == e) {
			ha->pending[i] = ha->pending[--ha->n_pending];
			break;
		}
	}
	if (!ha->n_pending)
		nd_listen(ha, false);
	e->pending = NULL;
	memcpy(hoa, e->hoa, 16);

	if (in_use) {
		log_warn("DAD: %s %s is in use on the home link: registration refused (134)",
			 pd->dad.link_local_in_use ? "link-local address" : "home address",
			 xmip_ip6str(&pd->dad.target[pd->dad.link_local_in_use ? 1 : 0]));
		xmip_ha_dad_failed(&pd->d, pd->dad.link_local_in_use);
	} else {
		/* The lifetime counts from now, when the binding is made. */
		pd->d.binding.expires_ns = xmip_now_ns() +
					   (uint64_t)pd->d.binding.lifetime_s * NSEC_PER_SEC;
	}
	finish(ha, &pd->d, NULL, pd->ifindex, NULL, &pd->opts);
	if (pd->have_held) {
		enum xmip_parse_err perr = xmip_pkt_parse(pd->held, pd->held_len, &held);

		signal_one(ha, pd->held_ifindex, pd->held, pd->held_len, &held, perr);
	}
	free(pd);
	/* The answers above may have freed e (a held deregistration) or made
	 * it anew: find it again. */
	entry_put(ha, entry_find(ha, hoa));
}

static void on_nd(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_ha *ha = arg;
	struct xmip_nd_msg m;
	uint32_t ifindex;
	int rc;

	(void)loop;
	(void)events;
	/* A bounded batch: the loop comes back if more are waiting. */
	for (int n = 0; n < 64 && (rc = xmip_nd_listen_recv(fd, &m, &ifindex)) > 0; n++) {
		if (rc != 1)
			continue;
		for (int i = 0; i < ha->n_pending; i++) {
			struct ha_entry *e = ha->pending[i];
			struct ha_pending *pd = e->pending;
			bool on_home_link = false;

			for (int k = 0; k < pd->n_ifs; k++)
				on_home_link |= pd->ifs[k] == ifindex;
			if (!on_home_link || !xmip_dad_concerns(&pd->dad, &m))
				continue;
			if (xmip_dad_rx(&pd->dad, &m)) {
				log_info("DAD: %s for %s from %s on ifindex %u",
					 m.type == XMIP_ND_NA ? "NA" : "NS (another node's DAD)",
					 xmip_ip6str(&m.target), xmip_ip6str(&m.src), ifindex);
				dad_done(ha, e);       /* ha->pending changed: start over */
				break;
			}
		}
		if (!ha->n_pending)
			break;    /* the socket is closed */
	}
}

static void dad_timer(struct xmip_ha *ha, struct ha_entry *e)
{
	struct ha_pending *pd = e->pending;

	if (xmip_dad_tick(&pd->dad)) {
		dad_probe(ha, pd);
		xmip_family_timer_in_ms(&pd->timer, pd->dad.retrans_ms);
		return;
	}
	dad_done(ha, e);
}

/*
 * Hold the decision d for the BU p until DAD of its addresses is over. 0,
 * or a BA status to refuse with (too many at once, no socket, memory).
 */
static uint8_t dad_start(struct xmip_ha *ha, const struct xmip_ha_decision *d, uint32_t ifindex,
			 const struct xmip_mh_opts *opts)
{
	uint8_t nonce[XMIP_ND_NONCE_LEN];
	struct ha_pending *pd;
	struct ha_entry *e;
	struct in6_addr hoa;

	if (ha->n_pending == HA_MAX_PENDING || nd_listen(ha, true))
		return XMIP_BA_INSUFFICIENT_RESOURCES;
	e = entry_get(ha, d->binding_key.hoa);
	pd = calloc(1, sizeof(*pd));
	if (!e || !pd) {
		free(pd);
		entry_put(ha, e);
		return XMIP_BA_INSUFFICIENT_RESOURCES;
	}
	if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce))
		memcpy(nonce, &pd, sizeof(nonce) < sizeof(pd) ? sizeof(nonce) : sizeof(pd));
	memcpy(&hoa, d->binding_key.hoa, 16);
	pd->d = *d;
	pd->ifindex = ifindex;
	pd->opts = *opts;
	pd->n_ifs = proxy_ifs(ha, ifindex, pd->ifs);
	xmip_dad_init(&pd->dad, &hoa, d->dad_link_local, ha->conf->dad_transmits,
		      ha->conf->dad_retrans_ms, nonce);
	xmip_family_timer_init(ha->f, &pd->timer, e);
	e->pending = pd;
	ha->pending[ha->n_pending++] = e;
	dad_groups(ha, pd, true);
	log_info("DAD: probing %s%s%s on the home link before answering BU seq %u (%u x %u ms)",
		 xmip_ip6str(&hoa), pd->dad.n_targets > 1 ? " and " : "",
		 pd->dad.n_targets > 1 ? xmip_ip6str(&pd->dad.target[1]) : "", d->ba.seq,
		 pd->dad.transmits, pd->dad.retrans_ms);
	dad_timer(ha, e);    /* the first round of probes now */
	return 0;
}

/* -------------------------------------------------------------- signalling */

void xmip_ha_timer(struct xmip_ha *ha, struct xmip_family_timer *t)
{
	struct ha_entry *e = t->arg;
	uint8_t hoa[16];

	if (e->pending && t == &e->pending->timer) {
		dad_timer(ha, e);
		return;
	}
	memcpy(hoa, e->hoa, 16);  /* e may be freed below */
	expire(ha, hoa);
}

static void signal_one(struct xmip_ha *ha, uint32_t ifindex, const uint8_t *buf, size_t len,
		       const struct xmip_pkt *p, enum xmip_parse_err perr)
{
	struct xmip_replay_state replay;
	struct xmip_ha_decision d;
	struct xmip_binding cur;
	struct ha_entry *e;
	bool have_cur, have_replay;
	uint8_t status;

	/*
	 * One BU per home address at a time: while one waits for DAD, an
	 * authentic BU for the same address is held (the latest one only;
	 * the MN sends a new one for every retransmission anyway) and decided
	 * once the first is answered, on the state that answer left. So
	 * answers and state changes for a home address happen in arrival
	 * order, whatever the timing. Other BUs are answered at once: their
	 * answer depends on nothing the waiting one will change.
	 */
	e = perr == XMIP_PARSE_OK && p->msg.type == XMIP_MH_BU ? entry_find(ha, p->mh_src.s6_addr) :
	    NULL;
	if (e && e->pending && len <= sizeof(e->pending->held) && xmip_ha_bu_authentic(ha->conf, p)) {
		struct ha_pending *pd = e->pending;

		log_debug("BU seq %u for HoA %s held: an earlier one waits for DAD%s", p->msg.seq,
			  xmip_ip6str(&p->mh_src), pd->have_held ? " (replaces the one held)" : "");
		memcpy(pd->held, buf, len);
		pd->held_len = len;
		pd->held_ifindex = ifindex;
		pd->have_held = true;
		return;
	}

	have_cur = xmip_binding_get(ha->maps, p->mh_src.s6_addr, &cur) == 0;
	have_replay = xmip_replay_get(ha->maps, p->mh_src.s6_addr, &replay) == 0;
	xmip_ha_decide(ha->conf, p, perr, ifindex, have_cur ? &cur : NULL,
		       have_replay ? &replay : NULL, xmip_realtime_ns(), xmip_now_ns(), &d);
	if (d.need_dad)
		home_link_check(ha);
	/* A virtual home link (no interface holds a home-prefix address) has
	 * nobody on it to ask: no DAD there (logged at start). */
	if (d.need_dad && !ha->n_home_ifs)
		d.need_dad = false;
	if (d.need_dad) {
		status = dad_start(ha, &d, ifindex, &p->msg.opts);
		if (!status)
			return;
		log_err("DAD for HoA %s could not start: refused with %u", xmip_ip6str(&d.ba_hoa),
			status);
		d.binding_op = XMIP_HA_BINDING_KEEP;
		d.replay_write = false;
		d.proxy_nd = XMIP_HA_PROXY_ND_KEEP;
		d.ba.status = status;
		d.ba.lifetime_units = 0;
		d.reason = "duplicate address detection could not start";
	}
	finish(ha, &d, have_cur ? &cur : NULL, ifindex, p, p ? &p->msg.opts : NULL);
}

/*
 * The HA as a correspondent (RFC 6275 §9.3.1, §9.3.3): the datapath dropped
 * a packet to the HA whose Home Address option names no binding from its
 * source and handed over its headers (bpf/ro/ha.h). A Binding Error status
 * 1 goes to the source, rate-limited like ICMPv6 errors.
 */
bool xmip_ha_hao_report(struct xmip_ha *ha, uint32_t ifindex, const uint8_t *buf, size_t len)
{
	static struct xmip_ratelimit be_rl = XMIP_RATELIMIT_INIT(10);
	struct in6_addr src, hao;
	unsigned int more;
	uint8_t out[128];

	if (!xmip_cn_hao_report(buf, len, &src, &hao))
		return false;
	if (IN6_IS_ADDR_MULTICAST(&src) || IN6_IS_ADDR_UNSPECIFIED(&src) ||
	    !xmip_log_ratelimit(&be_rl, &more))
		return true;
	log_warn("Binding Error status %u to %s: Home Address option %s without a binding from "
		 "there%s", XMIP_BE_UNKNOWN_HAO_BINDING, xmip_ip6str(&src), xmip_ip6str(&hao),
		 more ? " (earlier ones rate-limited, not sent, not logged)" : "");
	send_packet(ha, out, xmip_pkt_build_be(out, sizeof(out), &ha->conf->address, &src,
					       XMIP_BE_UNKNOWN_HAO_BINDING, &hao), ifindex, "BE");
	xmip_mip6_observe_ha_be();
	return true;
}

void xmip_ha_signal(struct xmip_ha *ha, uint32_t ifindex, const uint8_t *buf, size_t len,
		    const struct xmip_pkt *p, enum xmip_parse_err perr)
{
	signal_one(ha, ifindex, buf, len, p, perr);
}

/* ------------------------------------------------------------------ restart */

struct rebuild_ctx {
	struct xmip_ha *ha;
	uint64_t        now;
	unsigned int    kept, expired, dropped, recorded;
	uint8_t         (*stale)[16];
	size_t          n_stale, cap_stale;
};

static int remember(struct rebuild_ctx *c, const uint8_t hoa[16])
{
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

/*
 * Whether this agent's configuration still gives hoa to the MN the
 * binding was made for (xmip_ident); records the identity of a binding an
 * older agent left without one. Logs why not.
 */
static bool still_ours(struct rebuild_ctx *c, const uint8_t hoa[16])
{
	struct xmip_ha *ha = c->ha;
	const struct xmip_mn_entry *mn;
	struct xmip_binding_key k;
	struct xmip_ident have;
	bool recorded;

	memcpy(k.hoa, hoa, 16);
	recorded = ha->ident >= 0 && bpf_map_lookup_elem(ha->ident, &k, &have) == 0;
	switch (xmip_ha_restart_check(ha->conf, hoa, recorded ? &have : NULL, &mn)) {
	case XMIP_HA_RESTART_KEEP:
		return true;
	case XMIP_HA_RESTART_KEEP_RECORD:
		if (ha->ident < 0)
			return true;      /* no map to record in: by home address alone */
		log_info("restart: binding of HoA %s has no identity record (left by an older "
			 "agent): kept, recorded as [mn %s] SPI %u", xmip_ip6str(hoa), mn->nai,
			 mn->spi);
		ident_write(ha, hoa, mn);
		c->recorded++;
		return true;
	case XMIP_HA_RESTART_DROP_NO_MN:
		log_warn("restart: binding of HoA %s dropped: no [mn] has this home address now",
			 xmip_ip6str(hoa));
		return false;
	case XMIP_HA_RESTART_DROP_CHANGED:
		log_warn("restart: binding of HoA %s dropped: it was made for another NAI or SPI "
			 "than [mn %s] SPI %u now has", xmip_ip6str(hoa), mn->nai, mn->spi);
		return false;
	}
	return false;
}

static int rebuild_one(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	struct rebuild_ctx *c = arg;

	/* Another family's record (DSMIPv6, keyed also by IPv4 home addresses):
	 * that family adopts it from its own state (agentd/dsmip). */
	if (b->encap != XMIP_ENCAP_IP6IP6)
		return 0;
	if (b->expires_ns <= c->now) {
		/* Expired while no agent ran: remove after the walk. */
		c->expired++;
		return remember(c, hoa);
	}
	if (!still_ours(c, hoa)) {
		/* The datapath stops tunnelling now; proxy entries go too. */
		xmip_binding_del(c->ha->maps, hoa);
		xmip_nemo_set(c->ha->maps, hoa, NULL, 0);
		ident_del(c->ha, hoa);
		proxy_stop(c->ha, hoa, b->bu_flags | XMIP_BU_F_L, b->ifindex);
		c->dropped++;
		return 0;
	}
	if (arm_expiry(c->ha, hoa, b->expires_ns))
		return -ENOMEM;
	/* We may have died between writing the binding and adding the entry. */
	proxy_start(c->ha, hoa, b->bu_flags, b->ifindex, false);
	c->kept++;
	return 0;
}

/* Restart: a timer for every binding a previous agent left that is still ours, and its proxy entries. */
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
	log_info("%u binding(s) restored from %s, %u expired while the agent was down, %u dropped "
		 "(home address, NAI or SPI no longer configured together)", c.kept,
		 XMIP_MAP_BINDINGS, c.expired, c.dropped);
	log_info("home agent %s serving %s/%u, %zu mobile node(s)", xmip_ip6str(&ha->conf->address),
		 xmip_ip6str(&ha->conf->home_prefix), ha->conf->home_plen, ha->conf->n_mns);
	return 0;
}

/* The running HA, for xmip_ha_defend_hoa (one per agent process). */
static struct xmip_ha *ha_self;

void xmip_ha_defend_hoa(const uint8_t hoa[16], uint32_t arrival_ifindex, bool on, bool announce)
{
	if (!ha_self)
		return;
	if (on) {
		home_link_check(ha_self);
		proxy_start(ha_self, hoa, 0, arrival_ifindex, announce);
	} else {
		proxy_stop(ha_self, hoa, 0, arrival_ifindex);
	}
}

struct xmip_ha *xmip_ha_new(struct xmip_family *f)
{
	const struct xmip_conf *conf = f->core->conf;
	struct xmip_ha *ha = calloc(1, sizeof(*ha));
	char err[256];

	if (!ha)
		return NULL;
	ha->f = f;
	ha->conf = conf;
	ha->maps = f->core->maps;
	ha->raw = f->core->raw;
	ha->nl = f->core->nl;
	ha->nd_fd = -1;
	if (xmip_srcrate_init(&ha->ba_rl, 4096, HA_BA_REFUSE_PER_SEC, HA_BA_REFUSE_BURST)) {
		free(ha);
		return NULL;
	}
	ha->ident = xmip_map_open(conf->instance, XMIP_MAP_IDENT, err, sizeof(err));
	if (ha->ident < 0)
		log_warn("%s (attached by an older xmip): bindings are kept across restarts by "
			 "home address alone; xmip attach again to record NAI and SPI too", err);
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
	/* After forwarding is on: only a router may join the anycast address. */
	ha->dhaad = xmip_dhaad_ha_new(f->core->loop, conf, ha->maps, ha->raw);
	if (conf->dad_transmits && !ha->n_home_ifs)
		log_warn("no home link: first registrations are accepted without duplicate "
			 "address detection (a virtual home link has no other node to ask)");
	else if (conf->dad_transmits)
		log_info("first registrations wait for duplicate address detection: %u probe(s), "
			 "%u ms apart, answered %u ms after the first", conf->dad_transmits,
			 conf->dad_retrans_ms, conf->dad_transmits * conf->dad_retrans_ms);
	else
		log_warn("dad-transmits = 0: first registrations are accepted without duplicate "
			 "address detection (RFC 6275 10.3.1 says a home agent MUST run it)");
	ha_self = ha;
	return ha;
}

void xmip_ha_free(struct xmip_ha *ha)
{
	if (!ha)
		return;
	if (ha_self == ha)
		ha_self = NULL;
	/* Pending registrations die unanswered: the MN retransmits to the next agent. */
	for (int i = 0; i < ha->n_pending; i++) {
		struct ha_pending *pd = ha->pending[i]->pending;

		xmip_family_timer_cancel(&pd->timer);
		free(pd);
		ha->pending[i]->pending = NULL;
	}
	ha->n_pending = 0;
	nd_listen(ha, false);
	for (int i = 0; i < HA_BUCKETS; i++) {
		while (ha->buckets[i]) {
			struct ha_entry *e = ha->buckets[i];

			ha->buckets[i] = e->next;
			xmip_family_timer_cancel(&e->expiry);
			free(e);
		}
	}
	if (ha->ident >= 0)
		close(ha->ident);
	xmip_dhaad_ha_free(ha->dhaad);
	xmip_srcrate_free(&ha->ba_rl);
	free(ha);
}
