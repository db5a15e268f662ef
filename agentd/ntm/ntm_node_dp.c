// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The NTM node's datapath glue (ntm_node_dp.h): the tunnel callbacks of
 * ntm_node.c turned into writes of the pinned tunnel table that `xmip
 * attach` made for role ntm (include/xmip_ntm_node.h, bpf/ntm/node.h),
 * and the virtual interface's configuration: the node's virtual addresses
 * on it, a route per peer virtual address through it (source: ours).
 *
 * Every value is written whole with one bpf_map_update_elem (the datapath
 * sees the old tunnel or the new one, never half); a moved tunnel writes
 * its new entries first and removes the old far end's RX entry after, so
 * no packet of the new mapping meets a gap. Entries are written once the
 * tunnel is up (Tunnel Response received, or Tunnel Request answered):
 * before that the far end has not confirmed the path, and while a moved
 * tunnel is re-directed the old entries keep carrying what they can.
 */
#include "ntm_node_dp.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "log.h"
#include "netlink.h"
#include "ntm_io.h"
#include "pins.h"
#include "xmip_ntm_node.h"

#define DP_MAX_TUNNELS 32

/* What is installed for one path: to remove exactly that. */
struct installed {
	bool                     used;
	uint32_t                 path_id;
	struct xmip_ntm_node_key rx;
	struct xmip_ntm_vaddrs   peer;
};

struct ntm_node_dp {
	const struct xmip_conf  *conf;
	int                      map_fd;
	int                      nl;
	uint32_t                 vif;
	struct xmip_ntm_vaddrs   own;       /* the addresses put on the virtual interface */
	bool                     have_own;
	struct installed         inst[DP_MAX_TUNNELS];
	struct xmip_ntm_tunnel_ops ops;
};

static bool v4_set(const uint8_t a[4])
{
	return a[0] | a[1] | a[2] | a[3];
}

static bool v6_set(const uint8_t a[16])
{
	static const uint8_t z[16];

	return memcmp(a, z, 16) != 0;
}

static bool is_mapped4(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return !memcmp(a, pfx, 12);
}

static void key_tx4(struct xmip_ntm_node_key *k, const uint8_t a[4])
{
	memset(k, 0, sizeof(*k));
	k->addr[10] = k->addr[11] = 0xff;
	memcpy(&k->addr[12], a, 4);
	k->kind = XMIP_NTM_NK_TX;
}

static void key_tx6(struct xmip_ntm_node_key *k, const uint8_t a[16])
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr, a, 16);
	k->kind = XMIP_NTM_NK_TX;
}

/* The interface that holds `addr` (16 octets, IPv4 mapped); 0 if none. */
static uint32_t ifindex_of(const uint8_t addr[16])
{
	struct ifaddrs *ifa, *i;
	uint32_t idx = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i && !idx; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET && is_mapped4(addr) &&
		    !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, addr + 12, 4))
			idx = if_nametoindex(i->ifa_name);
		else if (i->ifa_addr->sa_family == AF_INET6 && !is_mapped4(addr) &&
			 !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, addr, 16))
			idx = if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifa);
	return idx;
}

/* The node's virtual addresses on the virtual interface (once; a new pair replaces the old). */
static void own_addrs(struct ntm_node_dp *d, const struct xmip_ntm_vaddrs *own)
{
	struct in6_addr a6;

	if (d->have_own && !memcmp(&d->own, own, sizeof(*own)))
		return;
	if (d->have_own) {
		if (v4_set(d->own.v4))
			xmip_nl_addr4(d->nl, d->vif, d->own.v4, 32, false);
		if (v6_set(d->own.v6)) {
			memcpy(&a6, d->own.v6, 16);
			xmip_nl_addr(d->nl, d->vif, &a6, 128, IFA_F_NODAD, false);
		}
	}
	if (v4_set(own->v4))
		xmip_nl_addr4(d->nl, d->vif, own->v4, 32, true);
	if (v6_set(own->v6)) {
		memcpy(&a6, own->v6, 16);
		xmip_nl_addr(d->nl, d->vif, &a6, 128, IFA_F_NODAD, true);
	}
	d->own = *own;
	d->have_own = true;
}

static struct installed *inst_of(struct ntm_node_dp *d, uint32_t path_id, bool make)
{
	struct installed *free_slot = NULL;

	for (int i = 0; i < DP_MAX_TUNNELS; i++) {
		if (d->inst[i].used && d->inst[i].path_id == path_id)
			return &d->inst[i];
		if (!d->inst[i].used && !free_slot)
			free_slot = &d->inst[i];
	}
	if (!make || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->path_id = path_id;
	return free_slot;
}

/*
 * Remove the TX entries of a peer's virtual addresses. Their routes stay
 * on the virtual interface: a packet to a peer whose tunnel is gone (or
 * being replaced) is dropped there and counted (DROP_NTM_NO_TUNNEL), never
 * sent out of a real interface with a virtual source address.
 */
static void peer_remove(struct ntm_node_dp *d, const struct xmip_ntm_vaddrs *peer)
{
	struct xmip_ntm_node_key k;

	if (v4_set(peer->v4)) {
		key_tx4(&k, peer->v4);
		bpf_map_delete_elem(d->map_fd, &k);
	}
	if (v6_set(peer->v6)) {
		key_tx6(&k, peer->v6);
		bpf_map_delete_elem(d->map_fd, &k);
	}
}

static int dp_up(void *ctx, const struct xmip_ntm_tunnel *t)
{
	struct ntm_node_dp *d = ctx;
	struct xmip_ntm_node_key k, rx;
	struct xmip_ntm_node_val v;
	struct installed *in;
	char e[64];
	int rc = 0;

	if (t->state != XMIP_NTM_TUN_UP)
		return 0;   /* directed: wait for the far end (the old entries stay meanwhile) */
	in = inst_of(d, t->path_id, true);
	if (!in)
		return -ENOSPC;
	own_addrs(d, &t->own);

	memset(&v, 0, sizeof(v));
	if (xmip_ntm_local_addr(&t->endpoint, v.out_src) < 0) {
		log_warn("ntm dp: no route to %s for tunnel 0x%08x",
			 xmip_ntm_ep_str(&t->endpoint, e, sizeof(e)), t->path_id);
		return -ENETUNREACH;
	}
	memcpy(v.out_dst, t->endpoint.addr, 16);
	v.out_v6 = !is_mapped4(t->endpoint.addr);
	v.out_sport = htons(t->local_port);
	v.out_dport = htons(t->endpoint.port);
	v.path_id = htonl(t->path_id);
	v.ifindex = ifindex_of(v.out_src);
	if (!v.ifindex && d->conf->n_ifs)
		v.ifindex = if_nametoindex(d->conf->ifnames[0]);
	memcpy(&v.own4, t->own.v4, 4);
	memcpy(v.own6, t->own.v6, 16);
	memcpy(&v.peer4, t->peer.v4, 4);
	memcpy(v.peer6, t->peer.v6, 16);
	v.mode = t->mode;

	/* RX: what arrives from the far end's address and port on this path */
	memset(&rx, 0, sizeof(rx));
	memcpy(rx.addr, t->endpoint.addr, 16);
	rx.path_id = htonl(t->path_id);
	rx.sport = htons(t->endpoint.port);
	rx.kind = XMIP_NTM_NK_RX;
	v.kind = XMIP_NTM_NK_RX;
	if (bpf_map_update_elem(d->map_fd, &rx, &v, BPF_ANY))
		rc = -errno;
	/* TX: one entry per peer virtual address, and its route through the virtual interface */
	v.kind = XMIP_NTM_NK_TX;
	if (!rc && v4_set(t->peer.v4)) {
		key_tx4(&k, t->peer.v4);
		if (bpf_map_update_elem(d->map_fd, &k, &v, BPF_ANY))
			rc = -errno;
		else if (v4_set(t->own.v4))
			xmip_nl_route_dev(d->nl, true, t->peer.v4, 32, d->vif, t->own.v4, true);
	}
	if (!rc && v6_set(t->peer.v6)) {
		key_tx6(&k, t->peer.v6);
		if (bpf_map_update_elem(d->map_fd, &k, &v, BPF_ANY))
			rc = -errno;
		else if (v6_set(t->own.v6))
			xmip_nl_route_dev(d->nl, false, t->peer.v6, 128, d->vif, t->own.v6, true);
	}
	/* the far end moved: its old mapping carries nothing any more */
	if (in->rx.kind && memcmp(&in->rx, &rx, sizeof(rx)))
		bpf_map_delete_elem(d->map_fd, &in->rx);
	if (in->rx.kind && memcmp(&in->peer, &t->peer, sizeof(t->peer)))
		peer_remove(d, &in->peer);
	in->rx = rx;
	in->peer = t->peer;
	if (rc)
		log_warn("ntm dp: writing tunnel 0x%08x: %s", t->path_id, strerror(-rc));
	else
		log_info("ntm dp: tunnel 0x%08x to %s in the datapath (far end %s, ifindex %u)",
			 t->path_id, t->peer_fqdn, xmip_ntm_ep_str(&t->endpoint, e, sizeof(e)),
			 v.ifindex);
	return rc;
}

static void dp_down(void *ctx, const struct xmip_ntm_tunnel *t)
{
	struct ntm_node_dp *d = ctx;
	struct installed *in = inst_of(d, t->path_id, false);

	if (!in)
		return;
	peer_remove(d, &in->peer);
	if (in->rx.kind)
		bpf_map_delete_elem(d->map_fd, &in->rx);
	in->used = false;
	log_info("ntm dp: tunnel 0x%08x to %s removed from the datapath", t->path_id, t->peer_fqdn);
}

struct ntm_node_dp *xmip_ntm_node_dp_open(struct xmip_family *f)
{
	const struct xmip_conf *conf = f->core->conf;
	char dir[256], path[512];
	struct ntm_node_dp *d;
	int fd;

	if (!conf->n_ifs)
		return NULL;   /* no interface: signalling only (tunnels logged) */
	if (xmip_pin_dir(conf->instance, dir, sizeof(dir)))
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, XMIP_MAP_NTM_TUNNELS);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		log_warn("ntm: no pinned tunnel table for instance %s (xmip attach first?): "
			 "signalling only", conf->instance);
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return NULL;
	}
	d->conf = conf;
	d->map_fd = fd;
	d->vif = if_nametoindex(conf->ntm.vif);
	d->nl = xmip_nl_open();
	if (!d->vif || d->nl < 0) {
		log_err("ntm: virtual interface %s: %s", conf->ntm.vif,
			!d->vif ? "missing (xmip attach makes it)" : strerror(-d->nl));
		xmip_ntm_node_dp_close(d);
		return NULL;
	}
	d->ops.ctx = d;
	d->ops.up = dp_up;
	d->ops.down = dp_down;
	log_info("ntm: node datapath: tunnel table %s, virtual interface %s", path, conf->ntm.vif);
	return d;
}

const struct xmip_ntm_tunnel_ops *xmip_ntm_node_dp_ops(struct ntm_node_dp *d)
{
	return d ? &d->ops : NULL;
}

void xmip_ntm_node_dp_close(struct ntm_node_dp *d)
{
	if (!d)
		return;
	/* The tunnels stay in the pinned table (a restarted agent re-directs them). */
	if (d->map_fd >= 0)
		close(d->map_fd);
	if (d->nl >= 0)
		close(d->nl);
	free(d);
}
