// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "fwsync.h"

#include <errno.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "fwclock.h"
#include "fwtable.h"
#include "log.h"
#include "loop.h"
#include "maps.h"
#include "netlink.h"
#include "nexthop.h"

#define NH_CACHE      64     /* CoAs whose next hop is remembered between changes */
#define SWEEP_DELAY_MS 30    /* a burst of netlink events makes one sweep */
#define LEASE_EVERY_MS 1000

struct nh_cached {
	struct in6_addr     coa;
	struct xmip_nh_info nh;
	bool                used;
};

struct xmip_fwsync {
	struct xmip_loop             *loop;
	const struct xmip_conf       *conf;
	const struct xmip_agent_maps *maps;
	int                           nl;
	struct xmip_fwt              *t;
	struct xmip_fwclock           clk;
	struct xmip_timer             lease, sweep;
	struct nh_cached              cache[NH_CACHE];
	unsigned int                  cache_next;
	bool                          all_neigh;   /* too many next hops to tell: every event */
	bool                          swept;       /* the start's sweep is done */
};

/* ---- next hops, remembered until the next change ---- */

static void cache_clear(struct xmip_fwsync *s)
{
	for (int i = 0; i < NH_CACHE; i++)
		s->cache[i].used = false;
}

static const struct xmip_nh_info *next_hop(struct xmip_fwsync *s, const uint8_t coa[16])
{
	struct nh_cached *c;
	int rc;

	for (int i = 0; i < NH_CACHE; i++)
		if (s->cache[i].used && xmip_addr_eq(&s->cache[i].coa, coa))
			return &s->cache[i].nh;
	c = &s->cache[s->cache_next++ % NH_CACHE];
	if (s->cache_next > NH_CACHE)
		s->all_neigh = true;   /* some next hops are not remembered */
	memcpy(&c->coa, coa, 16);
	rc = xmip_nh_resolve(s->nl, &s->conf->address, &c->coa, &c->nh);
	if (rc) {
		log_warn("next hop of %s: %s", xmip_ip6str(coa), strerror(-rc));
		memset(&c->nh, 0, sizeof(c->nh));
	}
	c->used = true;
	return &c->nh;
}

/* ---- slots ---- */

static void entry_of(struct xmip_fwsync *s, const uint8_t hoa[16], const struct xmip_binding *b,
		     struct xmip_fw_entry *e)
{
	const struct xmip_nh_info *nh = next_hop(s, b->coa);

	xmip_fw_entry_init(e, hoa, b, xmip_fwclock_at_boot_ns(&s->clk, b->expires_ns));
	xmip_fw_entry_set_nh(e, nh);
}

static bool same_entry(const struct xmip_fw_entry *a, const struct xmip_fw_entry *b)
{
	return !memcmp(a->key, b->key, 16) && !memcmp(a->coa, b->coa, 16) &&
	       a->expires == b->expires && a->ifindex == b->ifindex && a->mtu == b->mtu &&
	       a->flags == b->flags && a->encap == b->encap && !memcmp(a->smac, b->smac, 6) &&
	       !memcmp(a->dmac, b->dmac, 6);
}

/* Write e unless the table holds exactly it already. */
static int put_entry(struct xmip_fwsync *s, const struct xmip_fw_entry *e)
{
	struct xmip_fw_entry cur;

	if (xmip_fwt_get(s->t, e->key, &cur) == 0 && same_entry(&cur, e))
		return 0;
	return xmip_fwt_put(s->t, e);
}

/*
 * The HA's own packets to the HoA: a permanent neighbour entry pointing at
 * the HA's interface, so the kernel sends them (to the tc egress program,
 * which tunnels them) instead of waiting for the MN to answer on the home
 * link. Proxy ND is a separate table and unaffected.
 */
static void hoa_neigh(struct xmip_fwsync *s, const uint8_t hoa[16], bool add)
{
	struct xmip_nl_route_info r;
	struct xmip_nl_neigh_info ni;
	struct in6_addr a;
	char ifname[IF_NAMESIZE];
	uint8_t mac[6];

	memcpy(&a, hoa, 16);
	/* An IPv4 home address (DSMIPv6) too: an ARP entry; tc egress tunnels
	 * its packets (proxy ARP for others is agentd/dsmip/dsmip_arp.c). */
	if (xmip_nl_route_get(s->nl, &a, NULL, &r) || r.has_gateway || !r.ifindex ||
	    !if_indextoname(r.ifindex, ifname) || xmip_if_hwaddr(ifname, mac))
		return;
	if (xmip_nl_neigh_get(s->nl, r.ifindex, &a, &ni) == 0 && ni.has_mac &&
	    (ni.state & NUD_PERMANENT) && !memcmp(ni.mac, mac, 6)) {
		if (add)
			return;
	} else if (!add) {
		return;   /* not ours */
	}
	if (xmip_nl_neigh_set(s->nl, r.ifindex, &a, mac, add))
		log_warn("neighbour entry for HoA %s on %s: could not %s it", xmip_ip6str(hoa),
			 ifname, add ? "add" : "remove");
}

int xmip_fwsync_put(struct xmip_fwsync *s, const uint8_t hoa[16], const struct xmip_binding *b,
		    const struct xmip_binding *old)
{
	struct xmip_fw_entry e;
	uint8_t ll[16];
	int rc;

	entry_of(s, hoa, b, &e);
	rc = put_entry(s, &e);
	if (rc) {
		log_err("%s: no slot for HoA %s: %s", XMIP_MAP_FWTABLE, xmip_ip6str(hoa),
			strerror(-rc));
		return rc;
	}
	xmip_addr_link_local_of(hoa, ll);
	if (b->bu_flags & XMIP_BU_F_L) {
		/* RFC 6275 §10.4.2: packets to its link-local address get DU code 3. */
		memcpy(e.key, ll, 16);
		e.flags = XMIP_FW_F_LINKLOCAL;
		if (put_entry(s, &e))
			log_warn("%s: no slot for the link-local address %s", XMIP_MAP_FWTABLE,
				 xmip_ip6str(ll));
	} else if (old && (old->bu_flags & XMIP_BU_F_L)) {
		xmip_fwt_del(s->t, ll);
	}
	if (!old)
		hoa_neigh(s, hoa, true);
	return 0;
}

void xmip_fwsync_del(struct xmip_fwsync *s, const uint8_t hoa[16],
		     const struct xmip_binding *old)
{
	uint8_t ll[16];

	xmip_fwt_del(s->t, hoa);
	xmip_addr_link_local_of(hoa, ll);
	if (!old || (old->bu_flags & XMIP_BU_F_L))
		xmip_fwt_del(s->t, ll);
	hoa_neigh(s, hoa, false);
}

/* ---- sweeps ---- */

/* The keys a sweep wrote: an open-addressed set of 16-octet keys. */
struct keyset {
	uint8_t (*k)[16];
	size_t    cap, n;
};

static void keyset_add(struct keyset *ks, const uint8_t key[16])
{
	size_t i;

	if (!ks->k)
		return;
	i = xmip_fw_hash(key, 0x5eed) & (ks->cap - 1);
	while (memcmp(ks->k[i], (uint8_t[16]){ 0 }, 16) && memcmp(ks->k[i], key, 16))
		i = (i + 1) & (ks->cap - 1);
	memcpy(ks->k[i], key, 16);
	ks->n++;
}

static bool keyset_has(const struct keyset *ks, const uint8_t key[16])
{
	size_t i = xmip_fw_hash(key, 0x5eed) & (ks->cap - 1);

	while (memcmp(ks->k[i], (uint8_t[16]){ 0 }, 16)) {
		if (!memcmp(ks->k[i], key, 16))
			return true;
		i = (i + 1) & (ks->cap - 1);
	}
	return false;
}

struct sweep {
	struct xmip_fwsync *s;
	struct keyset       keys;
	unsigned int        n, failed;
};

static int sweep_one(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	struct sweep *sw = arg;
	uint8_t ll[16];

	/* The first sweep adopts the bindings (their neighbour entries too);
	 * later ones only follow next hops. */
	if (xmip_fwsync_put(sw->s, hoa, b, sw->s->swept ? b : NULL))
		sw->failed++;
	keyset_add(&sw->keys, hoa);
	if (b->bu_flags & XMIP_BU_F_L) {
		xmip_addr_link_local_of(hoa, ll);
		keyset_add(&sw->keys, ll);
	}
	sw->n++;
	return 0;
}

void xmip_fwsync_sweep(struct xmip_fwsync *s)
{
	struct sweep sw = { .s = s };
	unsigned int dropped = 0;

	cache_clear(s);
	s->cache_next = 0;
	s->all_neigh = false;
	sw.keys.cap = s->t->nslots * 2u;
	sw.keys.k = calloc(sw.keys.cap, 16);
	xmip_fwt_lock(s->t);
	xmip_binding_foreach(s->maps, sweep_one, &sw);
	/* Slots no record backs: a crash between the record and the slot. */
	for (uint32_t i = 0; sw.keys.k && i < s->t->nslots; i++) {
		const struct xmip_fw_slot *sl = &s->t->slot[i];
		uint8_t key[16];

		if (sl->state != XMIP_FW_VALID)
			continue;
		memcpy(key, sl->key, 16);
		if (!keyset_has(&sw.keys, key) && xmip_fwt_del(s->t, key) == 0)
			dropped++;
	}
	/* Slots out of quarantine become reusable, tombstones empty. */
	xmip_fwt_reap(s->t);
	xmip_fwt_unlock(s->t);
	s->swept = true;
	free(sw.keys.k);
	log_debug("fast-path table: %u binding(s) swept, %u slot(s) without a record removed%s",
		  sw.n, dropped, sw.failed ? ", some bindings had no slot" : "");
}

static void on_sweep(struct xmip_loop *loop, struct xmip_timer *t, void *arg)
{
	(void)loop;
	(void)t;
	xmip_fwsync_sweep(arg);
}

static void sweep_soon(struct xmip_fwsync *s)
{
	if (!xmip_timer_armed(&s->sweep))
		xmip_loop_timer_in_ms(s->loop, &s->sweep, SWEEP_DELAY_MS);
}

void xmip_fwsync_on_lost(struct xmip_fwsync *s)
{
	cache_clear(s);
	sweep_soon(s);
}

void xmip_fwsync_on_netlink(struct xmip_fwsync *s, const struct nlmsghdr *h)
{
	struct xmip_nl_neigh_info ni;

	switch (h->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		if (xmip_nl_neigh_parse(h, h->nlmsg_len, &ni) || (ni.flags & NTF_PROXY))
			return;
		/* Only a neighbour that is some binding's next hop matters. */
		if (!s->all_neigh) {
			bool ours = false;

			for (int i = 0; i < NH_CACHE && !ours; i++)
				ours = s->cache[i].used && s->cache[i].nh.routed &&
				       s->cache[i].nh.ifindex == ni.ifindex &&
				       xmip_addr_eq(&s->cache[i].nh.via, &ni.addr);
			if (!ours)
				return;
		}
		break;
	case RTM_NEWROUTE: case RTM_DELROUTE:
	case RTM_NEWLINK: case RTM_DELLINK:
	case RTM_NEWADDR: case RTM_DELADDR:
	case RTM_NEWNETCONF: case RTM_DELNETCONF:
		break;
	default:
		return;
	}
	cache_clear(s);
	sweep_soon(s);
}

/* ---- the lease ---- */

static void renew(struct xmip_loop *loop, struct xmip_timer *t, void *arg)
{
	struct xmip_fwsync *s = arg;

	(void)t;
	xmip_fwt_set_lease(s->t, xmip_fwclock_now(&s->clk) + xmip_fwclock_secs(&s->clk,
										XMIP_FW_LEASE_S));
	xmip_loop_timer_in_ms(loop, &s->lease, LEASE_EVERY_MS);
}

struct xmip_fwsync *xmip_fwsync_new(struct xmip_loop *loop, const struct xmip_conf *conf,
				    const struct xmip_agent_maps *maps, int nl)
{
	struct xmip_fwsync *s = calloc(1, sizeof(*s));
	char err[600];
	int rc;

	if (!s)
		return NULL;
	s->loop = loop;
	s->conf = conf;
	s->maps = maps;
	s->nl = nl;
	s->clk.prog_fd = -1;
	xmip_timer_init(&s->lease, renew, s);
	xmip_timer_init(&s->sweep, on_sweep, s);
	s->t = xmip_fwt_open(conf->instance, err, sizeof(err));
	if (!s->t) {
		log_err("%s (the instance was attached by an older xmip? re-run xmip attach)", err);
		goto fail;
	}
	rc = xmip_fwclock_open(&s->clk, conf->instance, s->t->hdr->hz);
	if (rc) {
		log_err("%s: %s (re-run xmip attach)", XMIP_PIN_CLOCK, strerror(-rc));
		goto fail;
	}
	renew(loop, &s->lease, s);
	return s;
fail:
	xmip_fwsync_free(s);
	return NULL;
}

void xmip_fwsync_free(struct xmip_fwsync *s)
{
	if (!s)
		return;
	xmip_loop_timer_cancel(s->loop, &s->lease);
	xmip_loop_timer_cancel(s->loop, &s->sweep);
	xmip_fwclock_close(&s->clk);
	xmip_fwt_close(s->t);
	free(s);
}
