// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The NTMobile Relay Server's agent (ntm_rs.h). One UDP socket on the RS
 * port: control messages and the first packet of each RS-N flow (the
 * datapath passes both up). Relay table entries are written whole with
 * bpf_map_update_elem into the maps `xmip attach` pinned; the value's
 * last_used (datapath-written) is carried over and read by the sweep.
 */
#include "ntm_rs.h"
#include "ntm_rs_core.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "log.h"
#include "ntm_crypto.h"
#include "ntm_io.h"
#include "ntm_replay.h"
#include "ntm_rs_int.h"
#include "ntm_wire.h"
#include "pins.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"

/* ---- the agent's I/O: the pinned relay table, its UDP socket, CLOCK_BOOTTIME ---- */

static int io_put(void *ctx, const struct xmip_ntm_relay_key *k, const struct xmip_ntm_relay_val *v)
{
	struct ntm_rs *r = ctx;

	return r->relay_fd < 0 ? 0 : bpf_map_update_elem(r->relay_fd, k, v, BPF_ANY);
}

static int io_get(void *ctx, const struct xmip_ntm_relay_key *k, struct xmip_ntm_relay_val *v)
{
	struct ntm_rs *r = ctx;

	return r->relay_fd < 0 ? -1 : bpf_map_lookup_elem(r->relay_fd, k, v);
}

static void io_del(void *ctx, const struct xmip_ntm_relay_key *k)
{
	struct ntm_rs *r = ctx;

	if (r->relay_fd >= 0)
		bpf_map_delete_elem(r->relay_fd, k);
}

static int io_send(void *ctx, const struct xmip_ntm_ep *to, const uint8_t *buf, size_t len)
{
	struct ntm_rs *r = ctx;

	return xmip_ntm_send(r->fd, to, buf, len) < 0 ? -1 : 0;
}

static uint64_t io_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t now_ms(const struct ntm_rs *r)
{
	return r->io.now_ms(r->io.ctx);
}

static bool is4(const uint8_t a[16])
{
	static const uint8_t p[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, p, 12) == 0;
}

/* The RS's own address of a family (16 octets), NULL if it has none. */
static const uint8_t *self_addr(const struct ntm_rs *r, bool v4)
{
	if (v4)
		return r->nc->rs_has4 ? r->nc->rs_addr4.s6_addr : NULL;
	return r->nc->rs_has6 ? r->nc->rs_addr6.s6_addr : NULL;
}

static void vaddr16(const struct xmip_ntm_vaddrs *va, bool v4, uint8_t out[16])
{
	if (v4)
		xmip_ntm_map4(va->v4, out);
	else
		memcpy(out, va->v6, 16);
}

/* ---- the relay table ---- */

static void entry_put(struct ntm_rs *r, const struct xmip_ntm_relay_key *k,
		      struct xmip_ntm_relay_val *v)
{
	struct xmip_ntm_relay_val old;

	/* Whole, and with the datapath's last_used carried over. */
	if (r->io.get(r->io.ctx, k, &old) == 0)
		v->last_used = old.last_used;
	if (r->io.put(r->io.ctx, k, v))
		log_warn("ntm rs: writing a relay entry: %s", strerror(errno));
}

static void entry_del(struct ntm_rs *r, const struct xmip_ntm_relay_key *k)
{
	r->io.del(r->io.ctx, k);
}

static uint64_t entry_used(struct ntm_rs *r, const struct xmip_ntm_relay_key *k)
{
	struct xmip_ntm_relay_val v;

	if (r->io.get(r->io.ctx, k, &v))
		return 0;
	return v.last_used;
}

/*
 * An RS-N path's node leg moved (a Tunnel Request from a new NAT mapping,
 * docs/ntmobile.md section 7 "Handover"): every flow of the path keeps its
 * pool port, so the General Node sees the same source and its connections
 * go on; only the tunnel side changes. The forward entry is keyed by the
 * outer source (new key, the old one goes after the new is in), the
 * reverse one's value tunnels to the new mapping (replaced whole).
 */
static void flows_move(struct ntm_rs *r, const struct path *p, const struct xmip_ntm_ep *to)
{
	const uint8_t *rs_out = self_addr(r, is4(to->addr));

	for (size_t i = 0; rs_out && i < RS_MAX_FLOWS; i++) {
		struct flow *f = &r->flows[i];
		struct xmip_ntm_relay_key old = f->fwd;
		struct xmip_ntm_relay_val v;

		if (!f->used || f->path_id != p->id)
			continue;
		if (r->io.get(r->io.ctx, &f->rev, &v) == 0) {
			memcpy(v.out_src, rs_out, 16);
			memcpy(v.out_dst, to->addr, 16);
			v.out_dport = htons(to->port);
			entry_put(r, &f->rev, &v);
		}
		if (r->io.get(r->io.ctx, &old, &v) == 0) {
			memcpy(f->fwd.addr, to->addr, 16);
			f->fwd.sport = htons(to->port);
			entry_put(r, &f->fwd, &v);
			entry_del(r, &old);
		}
	}
}

static void leg_key(const struct path *p, int i, uint16_t port, struct xmip_ntm_relay_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr, p->leg[i].ep.addr, 16);
	k->path_id = htonl(p->id);
	k->sport = htons(p->leg[i].ep.port);
	k->dport = htons(port);
	k->proto = 17;
	k->kind = XMIP_NTM_RK_TUNNEL;
}

/* Leg i's entry: its packets go out to leg `to` (RS-S), or mark the RS-N leg. */
static void leg_write(struct ntm_rs *r, struct path *p, int i)
{
	int to = p->mode == XMIP_NTM_MODE_RS_S ? !i : i;
	const uint8_t *src = self_addr(r, is4(p->leg[to].ep.addr));
	struct xmip_ntm_relay_key k;
	struct xmip_ntm_relay_val v;

	if (!p->leg[i].set || !p->leg[to].set || !src)
		return;
	leg_key(p, i, r->nc->port, &k);
	memset(&v, 0, sizeof(v));
	memcpy(v.out_src, src, 16);
	memcpy(v.out_dst, p->leg[to].ep.addr, 16);
	v.out_sport = htons(r->nc->port);
	v.out_dport = htons(p->leg[to].ep.port);
	v.path_id = htonl(p->id);
	v.kind = XMIP_NTM_RK_TUNNEL;
	v.mode = p->mode;
	entry_put(r, &k, &v);
}

static void flow_free(struct ntm_rs *r, struct flow *f)
{
	entry_del(r, &f->fwd);
	entry_del(r, &f->rev);
	r->pool_used[f->pidx][f->pool / 8] &= (uint8_t)~(1u << (f->pool % 8));
	f->used = false;
}

static void path_free(struct ntm_rs *r, struct path *p)
{
	struct xmip_ntm_relay_key k;
	uint32_t id = htonl(p->id);

	for (int i = 0; i < 2; i++)
		if (p->leg[i].set) {
			leg_key(p, i, r->nc->port, &k);
			entry_del(r, &k);
		}
	for (size_t i = 0; i < RS_MAX_FLOWS; i++)
		if (r->flows[i].used && r->flows[i].path_id == p->id)
			flow_free(r, &r->flows[i]);
	xmip_ntm_rs_observe(r->paths_fd, p->id, NULL, &p->leg[0].ep,
			    p->mode == XMIP_NTM_MODE_RS_S ? &p->leg[1].ep : NULL, &p->gn);
	if (r->paths_fd >= 0)
		bpf_map_delete_elem(r->paths_fd, &id);
	p->used = false;
}

static struct path *path_find(struct ntm_rs *r, uint32_t id)
{
	for (size_t i = 0; i < RS_MAX_PATHS; i++)
		if (r->paths[i].used && r->paths[i].id == id)
			return &r->paths[i];
	return NULL;
}

/* The path set's element (mode, legs registered): for the miss classification and `xmip relay paths`. */
static void paths_put(struct ntm_rs *r, const struct path *p)
{
	struct xmip_ntm_rs_path pv = { .mode = p->mode };
	uint32_t nid = htonl(p->id);

	pv.legs = (uint32_t)p->leg[0].set + (uint32_t)p->leg[1].set;
	xmip_ntm_rs_observe(r->paths_fd, p->id, &pv, &p->leg[0].ep,
			    p->mode == XMIP_NTM_MODE_RS_S ? &p->leg[1].ep : NULL, &p->gn);
	if (r->paths_fd >= 0 && bpf_map_update_elem(r->paths_fd, &nid, &pv, BPF_ANY))
		log_warn("ntm rs: %s: %s", XMIP_MAP_RS_PATHS, strerror(errno));
}

/* ---- dump ---- */

static void write_dump(FILE *f, void *arg)
{
	struct ntm_rs *r = arg;
	struct xmip_json j;
	char b[64];

	xmip_json_init(&j, f, false);
	xmip_json_obj_open(&j);
	xmip_json_key(&j, "role");
	xmip_json_str(&j, "rs");
	xmip_json_key(&j, "name");
	xmip_json_str(&j, r->nc->rs_name);
	xmip_json_key(&j, "paths");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < RS_MAX_PATHS; i++) {
		struct path *p = &r->paths[i];

		if (!p->used)
			continue;
		xmip_json_obj_open(&j);
		snprintf(b, sizeof(b), "%08x", p->id);
		xmip_json_key(&j, "path_id");
		xmip_json_str(&j, b);
		xmip_json_key(&j, "mode");
		xmip_json_str(&j, xmip_ntm_mode_name(p->mode));
		xmip_json_key(&j, "legs");
		xmip_json_arr_open(&j);
		for (int l = 0; l < 2; l++)
			if (p->leg[l].set)
				xmip_json_str(&j, xmip_ntm_ep_str(&p->leg[l].ep, b, sizeof(b)));
		xmip_json_arr_close(&j);
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	{
		uint64_t n = 0;

		for (size_t i = 0; i < RS_MAX_FLOWS; i++)
			n += r->flows[i].used;
		xmip_json_key(&j, "flows");
		xmip_json_u64(&j, n);
	}
	xmip_json_key(&j, "flows_made");
	xmip_json_u64(&j, r->flows_made);
	xmip_json_key(&j, "paths_swept");
	xmip_json_u64(&j, r->paths_swept);
	xmip_json_key(&j, "pool_exhausted");
	xmip_json_u64(&j, r->pool_exhausted);
	xmip_json_key(&j, "flows_full");
	xmip_json_u64(&j, r->flows_full);
	xmip_json_key(&j, "counters");
	xmip_ntm_counters_json(&j, &r->cnt);
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
	fputc('\n', f);
}

static void dump(struct ntm_rs *r)
{
	xmip_ntm_rs_save(r);
	if (r->nc->dump_file[0])
		xmip_ntm_write_atomic(r->nc->dump_file, 0644, write_dump, r);
}

/* ---- sending ---- */

static int send_msg(struct ntm_rs *r, struct xmip_ntm_msg *m, const uint8_t mac[32], uint32_t seq,
		    const struct xmip_ntm_ep *to)
{
	uint8_t buf[XMIP_NTM_MAX_MSG];
	size_t len;

	m->h.sender = r->id;
	m->h.seq = seq;
	m->h.ts_us = xmip_ntm_next_ts(&r->last_ts, xmip_ntm_now_us());
	if (xmip_ntm_build(m, mac, buf, sizeof(buf), &len))
		return -1;
	if (r->io.send(r->io.ctx, to, buf, len)) {
		r->cnt.tx_errors++;
		return -1;
	}
	r->cnt.tx[m->h.type]++;
	return 0;
}

static void msg_init(struct xmip_ntm_msg *m, int type, uint32_t req_seq)
{
	memset(m, 0, sizeof(*m));
	m->h.type = (uint8_t)type;
	m->h.req_seq = req_seq;
}

/* ---- Relay Direction (K_rs) ---- */

static void handle_relay_req(struct ntm_rs *r, const uint8_t *buf, size_t len,
			     const struct xmip_ntm_msg *m, const struct xmip_ntm_ep *from)
{
	struct dcpeer *d = NULL;
	struct xmip_ntm_msg resp;
	uint8_t key[32];
	struct path *p;
	uint32_t id = m->u.relay_req.path_id;
	uint16_t status = 0;

	for (size_t i = 0; i < r->n_dcs; i++)
		if (r->dcs[i].id == m->h.sender)
			d = &r->dcs[i];
	if (!d) {
		r->cnt.rx_unknown_sender++;
		return;
	}
	if (!xmip_ntm_mac_ok(d->k.mac, buf, len)) {
		r->cnt.rx_bad_mac++;
		return;
	}
	if (!xmip_ntm_ts_in_window(xmip_ntm_now_us(), m->h.ts_us,
				   (uint64_t)r->nc->replay_window_s * 1000000u)) {
		r->cnt.rx_stale++;
		return;
	}
	if (!xmip_ntm_tsfloor_ok(&d->floor, m->h.ts_us)) {
		r->cnt.rx_replay++;
		return;
	}
	xmip_ntm_tsfloor_commit(&d->floor, m->h.ts_us);
	r->cnt.rx[m->h.type]++;
	msg_init(&resp, XMIP_NTM_RELAY_RESP, m->h.seq);
	resp.u.relay_resp.path_id = id;
	p = path_find(r, id);
	if ((m->u.relay_req.mode != XMIP_NTM_MODE_RS_S && m->u.relay_req.mode != XMIP_NTM_MODE_RS_N) ||
	    ((id & XMIP_NTM_PATH_RSN_BIT) != 0) != (m->u.relay_req.mode == XMIP_NTM_MODE_RS_N))
		status = XMIP_NTM_ERR_UNSUPPORTED;
	else if (xmip_ntm_unwrap(d->k.kek, m->u.relay_req.wkey, key))
		status = XMIP_NTM_ERR_MALFORMED;
	if (!status && !p) {
		for (size_t i = 0; i < RS_MAX_PATHS && !p; i++)
			if (!r->paths[i].used)
				p = &r->paths[i];
		if (!p)
			status = XMIP_NTM_ERR_UNSPEC;
		else {
			memset(p, 0, sizeof(*p));
			p->used = true;
			p->id = id;
		}
	}
	if (!status) {
		/* a refresh replaces the lifetime and key; the legs stay until moved */
		p->mode = m->u.relay_req.mode;
		xmip_ntm_keys_derive(key, &p->k);
		p->a = m->u.relay_req.a;
		p->b = m->u.relay_req.b;
		p->gn = m->u.relay_req.gn;
		p->expires_ms = now_ms(r) + (uint64_t)m->u.relay_req.lifetime * 1000;
		p->active_ms = now_ms(r);
		paths_put(r, p);
		memcpy(resp.u.relay_resp.relay.addr, self_addr(r, is4(from->addr)) ?
		       self_addr(r, is4(from->addr)) : self_addr(r, !is4(from->addr)), 16);
		resp.u.relay_resp.relay.port = r->nc->port;
		log_info("ntm rs: path 0x%08x (%s) directed, lifetime %u s", id,
			 xmip_ntm_mode_name(p->mode), m->u.relay_req.lifetime);
	}
	resp.u.relay_resp.status = status;
	send_msg(r, &resp, d->k.mac, ++r->seq, from);
}

/* ---- path messages (K_path) ---- */

static bool path_accept(struct ntm_rs *r, struct path *p, const uint8_t *buf, size_t len,
			const struct xmip_ntm_msg *m, struct leg **wl)
{
	struct leg *l = NULL;

	if (!xmip_ntm_mac_ok(p->k.mac, buf, len)) {
		r->cnt.rx_bad_mac++;
		return false;
	}
	if (!xmip_ntm_ts_in_window(xmip_ntm_now_us(), m->h.ts_us,
				   (uint64_t)r->nc->replay_window_s * 1000000u)) {
		r->cnt.rx_stale++;
		return false;
	}
	for (int i = 0; i < 2 && !l; i++)
		if (p->leg[i].sender == m->h.sender)
			l = &p->leg[i];
	if (l && !xmip_ntm_seqwin_ok(&l->win, m->h.seq)) {
		r->cnt.rx_replay++;
		return false;
	}
	*wl = l;
	return true;
}

static void handle_tun_req(struct ntm_rs *r, struct path *p, const uint8_t *buf, size_t len,
			   const struct xmip_ntm_msg *m, const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_msg resp;
	struct leg *l;
	int side = -1;

	if (!path_accept(r, p, buf, len, m, &l))
		return;
	r->cnt.rx[m->h.type]++;
	msg_init(&resp, XMIP_NTM_TUN_RESP, m->h.seq);
	resp.u.tun_resp.path_id = p->id;
	resp.u.tun_resp.observed = *from;
	if (!memcmp(&m->u.tun_req.sender, &p->a, sizeof(p->a)) &&
	    !memcmp(&m->u.tun_req.peer, &p->b, sizeof(p->b)))
		side = 0;
	else if (p->mode == XMIP_NTM_MODE_RS_S && !memcmp(&m->u.tun_req.sender, &p->b, sizeof(p->b)) &&
		 !memcmp(&m->u.tun_req.peer, &p->a, sizeof(p->a)))
		side = 1;
	if (side < 0) {
		resp.u.tun_resp.status = XMIP_NTM_ERR_BAD_PEER;
	} else {
		struct leg *lg = &p->leg[side];
		struct xmip_ntm_relay_key k;

		if (lg->set && !xmip_ntm_ep_eq(&lg->ep, from)) {   /* the leg moved: old key out */
			leg_key(p, side, r->nc->port, &k);
			entry_del(r, &k);
			if (p->mode == XMIP_NTM_MODE_RS_N)
				flows_move(r, p, from);
		}
		if (lg->sender != m->h.sender) {
			memset(&lg->win, 0, sizeof(lg->win));
			lg->sender = m->h.sender;
		}
		xmip_ntm_seqwin_commit(&lg->win, m->h.seq);
		lg->ep = *from;
		lg->set = true;
		p->active_ms = now_ms(r);
		leg_write(r, p, 0);
		leg_write(r, p, 1);
		paths_put(r, p);
		resp.u.tun_resp.responder = side ? p->a : p->b;
		l = lg;
	}
	if (l)
		send_msg(r, &resp, p->k.mac, ++l->tx_seq, from);
	else
		send_msg(r, &resp, p->k.mac, ++r->seq, from);
}

static void handle_ka(struct ntm_rs *r, struct path *p, const uint8_t *buf, size_t len,
		      const struct xmip_ntm_msg *m, const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_msg resp;
	struct leg *l;

	if (!path_accept(r, p, buf, len, m, &l) || !l)
		return;
	r->cnt.rx[m->h.type]++;
	xmip_ntm_seqwin_commit(&l->win, m->h.seq);
	p->active_ms = now_ms(r);
	msg_init(&resp, XMIP_NTM_KA_RESP, m->h.seq);
	resp.u.ka_resp.path_id = p->id;
	resp.u.ka_resp.observed = *from;
	send_msg(r, &resp, p->k.mac, ++l->tx_seq, from);
}

/* ---- an RS-N flow's first packet ---- */

static int pool_alloc(struct ntm_rs *r, int pidx)
{
	for (uint32_t port = r->nc->rs_pool_lo; port <= r->nc->rs_pool_hi; port++)
		if (!(r->pool_used[pidx][port / 8] & (1u << (port % 8)))) {
			r->pool_used[pidx][port / 8] |= (uint8_t)(1u << (port % 8));
			return (int)port;
		}
	return -1;
}

static void new_flow(struct ntm_rs *r, uint8_t *buf, size_t len, const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_rs_inner in;
	struct xmip_ntm_relay_val fv, rv;
	uint8_t mn[16], gnv[16], gn[16];
	const uint8_t *rs_in, *rs_out;
	struct flow *f = NULL;
	struct path *p;
	int pidx, port;

	if (xmip_ntm_rs_inner_parse(buf, len, &in)) {
		r->cnt.rx_malformed++;
		return;
	}
	p = path_find(r, in.path_id);
	if (!p || p->mode != XMIP_NTM_MODE_RS_N || !p->leg[0].set || !xmip_ntm_ep_eq(&p->leg[0].ep, from)) {
		r->cnt.rx_unexpected++;
		return;
	}
	vaddr16(&p->a, !in.v6, mn);
	vaddr16(&p->b, !in.v6, gnv);
	vaddr16(&p->gn, !in.v6, gn);
	rs_in = self_addr(r, !in.v6);
	rs_out = self_addr(r, is4(from->addr));
	if (memcmp(in.src, mn, 16) || memcmp(in.dst, gnv, 16) || !rs_in || !rs_out) {
		r->cnt.rx_unexpected++;
		return;
	}
	pidx = in.proto == 6 ? 0 : in.proto == 17 ? 1 : 2;
	for (size_t i = 0; i < RS_MAX_FLOWS && !f; i++)
		if (!r->flows[i].used)
			f = &r->flows[i];
	if (!f) {
		r->flows_full++;
		log_warn("ntm rs: path 0x%08x: flow table full (%d flows): first packet dropped",
			 p->id, RS_MAX_FLOWS);
		return;
	}
	if ((port = pool_alloc(r, pidx)) < 0) {
		r->pool_exhausted++;
		log_warn("ntm rs: path 0x%08x: RS-N pool %u-%u exhausted for protocol %u: "
			 "first packet dropped (pool_exhausted %llu)", p->id, r->nc->rs_pool_lo,
			 r->nc->rs_pool_hi, in.proto, (unsigned long long)r->pool_exhausted);
		return;
	}
	memset(f, 0, sizeof(*f));
	f->used = true;
	f->path_id = p->id;
	f->pool = (uint16_t)port;
	f->pidx = (uint8_t)pidx;
	f->active_ms = now_ms(r);
	/* forward: from the leg, this inner source port -> RS:pool to the GN */
	memcpy(f->fwd.addr, from->addr, 16);
	f->fwd.path_id = htonl(p->id);
	f->fwd.sport = htons(from->port);
	f->fwd.dport = htons(r->nc->port);
	f->fwd.port2 = htons(in.sport);
	f->fwd.proto = in.proto;
	f->fwd.kind = XMIP_NTM_RK_RSN_FWD;
	memset(&fv, 0, sizeof(fv));
	memcpy(fv.out_src, rs_in, 16);
	memcpy(fv.out_dst, gn, 16);
	memcpy(fv.inner_addr, mn, 16);
	memcpy(fv.gn_vip, gnv, 16);
	fv.out_sport = htons((uint16_t)port);
	fv.out_dport = htons(in.dport);
	fv.path_id = htonl(p->id);
	fv.kind = XMIP_NTM_RK_RSN_FWD;
	fv.mode = XMIP_NTM_MODE_RS_N;
	/* reverse: from the GN's address and port to the pool port -> tunnelled to the leg */
	memcpy(f->rev.addr, gn, 16);
	f->rev.sport = htons(in.proto == 6 || in.proto == 17 ? in.dport : (uint16_t)port);
	f->rev.dport = htons((uint16_t)port);
	f->rev.proto = in.proto;
	f->rev.kind = XMIP_NTM_RK_RSN_REV;
	memset(&rv, 0, sizeof(rv));
	memcpy(rv.out_src, rs_out, 16);
	memcpy(rv.out_dst, from->addr, 16);
	memcpy(rv.inner_addr, mn, 16);
	memcpy(rv.gn_vip, gnv, 16);
	rv.out_sport = htons(r->nc->port);
	rv.out_dport = htons(from->port);
	rv.inner_port = htons(in.sport);
	rv.path_id = htonl(p->id);
	rv.kind = XMIP_NTM_RK_RSN_REV;
	rv.mode = XMIP_NTM_MODE_RS_N;
	entry_put(r, &f->rev, &rv);    /* the way back first: the reply may be quick */
	entry_put(r, &f->fwd, &fv);
	r->flows_made++;
	p->active_ms = now_ms(r);

	/* and this packet, translated here and sent through the stack */
	if (!xmip_ntm_rs_inner_nat(buf + in.off, len - in.off, &in, rs_in, (uint16_t)port, gn)) {
		struct sockaddr_storage ss;
		socklen_t sl;
		int fd = in.v6 ? r->raw6 : r->raw4;

		memset(&ss, 0, sizeof(ss));
		if (in.v6) {
			struct sockaddr_in6 *s6 = (void *)&ss;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, gn, 16);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (void *)&ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, gn + 12, 4);
			sl = sizeof(*s4);
		}
		if (fd < 0 || sendto(fd, buf + in.off, in.len, 0, (struct sockaddr *)&ss, sl) < 0)
			log_warn("ntm rs: sending a flow's first packet: %s",
				 fd < 0 ? "no raw socket" : strerror(errno));
	}
	log_info("ntm rs: path 0x%08x flow proto %u port %u -> pool %d", p->id, in.proto, in.sport,
		 port);
}

/* ---- receiving ---- */

void xmip_ntm_rs_receive(struct ntm_rs *r, uint8_t *buf, size_t len, const struct xmip_ntm_ep *from)
{
	static struct xmip_ntm_msg m;
	struct path *p;
	int rc;

	if (len && buf[0] == XMIP_NTM_V_DATA) {
		new_flow(r, buf, len, from);
		return;
	}
	rc = xmip_ntm_parse(buf, len, &m);
	if (rc) {
		r->cnt.rx_malformed++;
		return;
	}
	switch (m.h.type) {
	case XMIP_NTM_RELAY_REQ:
		handle_relay_req(r, buf, len, &m, from);
		break;
	case XMIP_NTM_TUN_REQ:
		if (!(p = path_find(r, m.u.tun_req.path_id)))
			r->cnt.rx_unknown_sender++;
		else
			handle_tun_req(r, p, buf, len, &m, from);
		break;
	case XMIP_NTM_KA:
		if (!(p = path_find(r, m.u.ka.path_id)))
			r->cnt.rx_unknown_sender++;
		else
			handle_ka(r, p, buf, len, &m, from);
		break;
	default:
		r->cnt.rx_unexpected++;
	}
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct ntm_rs *r = arg;
	static uint8_t buf[65536];
	struct xmip_ntm_ep from;
	ssize_t len;

	(void)loop;
	(void)events;
	while ((len = xmip_ntm_recv(fd, buf, sizeof(buf), &from)) > 0) {
		xmip_ntm_rs_receive(r, buf, (size_t)len, &from);
		dump(r);
	}
}

/* ---- expiry ---- */

void xmip_ntm_rs_timer(struct ntm_rs *r, struct xmip_family_timer *t)
{
	(void)t;
	xmip_ntm_rs_sweep(r);
	xmip_family_timer_in_ms(&r->sweep, RS_SWEEP_MS);
}

void xmip_ntm_rs_sweep(struct ntm_rs *r)
{
	uint64_t now = now_ms(r), idle = (uint64_t)r->nc->rs_idle_s * 1000;
	struct xmip_ntm_relay_key k;
	bool changed = false;

	for (size_t i = 0; i < RS_MAX_FLOWS; i++) {
		struct flow *f = &r->flows[i];
		uint64_t u;

		if (!f->used)
			continue;
		u = entry_used(r, &f->fwd) + entry_used(r, &f->rev);
		if (u != f->seen_jiffies) {
			f->seen_jiffies = u;
			f->active_ms = now;
		} else if (now - f->active_ms > idle) {
			flow_free(r, f);
			changed = true;
		}
	}
	for (size_t i = 0; i < RS_MAX_PATHS; i++) {
		struct path *p = &r->paths[i];
		uint64_t u = 0;

		if (!p->used)
			continue;
		for (int l = 0; l < 2; l++)
			if (p->leg[l].set) {
				leg_key(p, l, r->nc->port, &k);
				u += entry_used(r, &k);
			}
		for (size_t j = 0; j < RS_MAX_FLOWS; j++)
			if (r->flows[j].used && r->flows[j].path_id == p->id)
				u += r->flows[j].seen_jiffies;
		if (u != p->seen_jiffies) {
			p->seen_jiffies = u;
			p->active_ms = now;
		}
		if (now - p->active_ms > idle || now > p->expires_ms) {
			log_info("ntm rs: path 0x%08x ends (%s)", p->id,
				 now > p->expires_ms ? "lifetime" : "idle");
			path_free(r, p);
			r->paths_swept++;
			changed = true;
		}
	}
	if (changed)
		dump(r);
}

/* ---- set-up ---- */

static int open_pin(const char *instance, const char *name)
{
	char dir[256], path[512];

	if (xmip_pin_dir(instance, dir, sizeof(dir)))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

struct ntm_rs *xmip_ntm_rs_core_new(const struct xmip_ntm_conf *nc, const struct xmip_ntm_rs_io *io)
{
	struct ntm_rs *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->nc = nc;
	r->fd = r->raw4 = r->raw6 = r->relay_fd = r->paths_fd = -1;
	if (io) {
		r->io = *io;
	} else {
		r->io = (struct xmip_ntm_rs_io){ .ctx = r, .put = io_put, .get = io_get,
						 .del = io_del, .send = io_send, .now_ms = io_now_ms };
	}
	r->flows = calloc(RS_MAX_FLOWS, sizeof(*r->flows));
	r->dcs = calloc(nc->n_rs_dcs ? nc->n_rs_dcs : 1, sizeof(*r->dcs));
	for (int i = 0; i < 3; i++)
		r->pool_used[i] = calloc(65536 / 8, 1);
	if (!r->flows || !r->dcs || !r->pool_used[0] || !r->pool_used[1] || !r->pool_used[2])
		goto fail;
	r->id = xmip_ntm_sender_id(nc->rs_name);
	r->seq = (uint32_t)(xmip_ntm_now_us() / 1000u);
	for (size_t i = 0; i < nc->n_rs_dcs; i++) {
		uint8_t prk[32];

		r->dcs[i].id = xmip_ntm_sender_id(nc->rs_dcs[i].name);
		xmip_ntm_psk_prk(nc->rs_dcs[i].key, nc->rs_dcs[i].key_len, prk);
		xmip_ntm_keys_derive(prk, &r->dcs[i].k);
	}
	r->n_dcs = nc->n_rs_dcs;
	return r;
fail:
	xmip_ntm_rs_free(r);
	return NULL;
}

void xmip_ntm_rs_stats(const struct ntm_rs *r, struct xmip_ntm_rs_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->cnt = &r->cnt;
	for (size_t i = 0; i < RS_MAX_PATHS; i++)
		st->paths += r->paths[i].used;
	for (size_t i = 0; i < RS_MAX_FLOWS; i++)
		st->flows += r->flows[i].used;
	st->flows_made = r->flows_made;
	st->paths_swept = r->paths_swept;
	st->pool_exhausted = r->pool_exhausted;
	st->flows_full = r->flows_full;
}

struct ntm_rs *xmip_ntm_rs_new(struct xmip_family *f)
{
	const struct xmip_ntm_conf *nc = &f->core->conf->ntm;
	struct ntm_rs *r = xmip_ntm_rs_core_new(nc, NULL);

	if (!r)
		return NULL;
	r->fam = f;
	r->relay_fd = open_pin(f->core->conf->instance, XMIP_MAP_RELAY);
	r->paths_fd = open_pin(f->core->conf->instance, XMIP_MAP_RS_PATHS);
	if (r->relay_fd < 0 || r->paths_fd < 0)
		log_warn("ntm rs: no pinned relay table for instance %s (xmip attach first?): "
			 "signalling only", f->core->conf->instance);
	/* Tables of a previous agent (one killed, say): its paths, with their keys from the
	 * state file, so the nodes' next Keep Alive or Tunnel Request is answered. */
	xmip_ntm_rs_adopt(r);
	xmip_ntm_rs_observe_count(r->paths_fd);
	r->raw4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	r->raw6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	r->fd = xmip_ntm_udp_open(nc->port);
	if (r->fd < 0) {
		log_err("ntm rs: UDP port %u: %s", nc->port, strerror(-r->fd));
		goto fail;
	}
	if (xmip_loop_add_fd(f->core->loop, r->fd, EPOLLIN, on_readable, r))
		goto fail;
	xmip_family_timer_init(f, &r->sweep, NULL);
	xmip_family_timer_in_ms(&r->sweep, RS_SWEEP_MS);
	log_info("ntm: relay %s on UDP port %u, pool %u-%u", nc->rs_name, nc->port, nc->rs_pool_lo,
		 nc->rs_pool_hi);
	dump(r);
	return r;
fail:
	xmip_ntm_rs_free(r);
	return NULL;
}

void xmip_ntm_rs_free(struct ntm_rs *r)
{
	if (!r)
		return;
	if (r->sweep.fam)
		xmip_family_timer_cancel(&r->sweep);
	if (r->fd >= 0 && r->fam && r->sweep.fam)
		xmip_loop_del_fd(r->fam->core->loop, r->fd);
	if (r->fd >= 0)
		close(r->fd);
	if (r->raw4 >= 0)
		close(r->raw4);
	if (r->raw6 >= 0)
		close(r->raw6);
	if (r->relay_fd >= 0)
		close(r->relay_fd);
	if (r->paths_fd >= 0)
		close(r->paths_fd);
	for (int i = 0; i < 3; i++)
		free(r->pool_used[i]);
	free(r->flows);
	free(r->dcs);
	free(r);
}
