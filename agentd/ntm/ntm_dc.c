// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Direction Coordinator (docs/ntmobile.md): registrations, Keep
 * Alives, Direction Requests worked through DNS, the peer's DC and the
 * relay (struct dc_job), and the Route Directions that follow; every
 * request we send is a struct dc_txn retransmitted until answered.
 */
#include "ntm_dc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "log.h"
#include "ntm_dns.h"
#include "ntm_txt.h"

#define RTO_MS       1000
#define MAX_RETRANS  4

static uint64_t now_s(void)
{
	return xmip_ntm_now_us() / 1000000u;
}

static bool node_registered(const struct dc_node *n)
{
	return n->registered && n->expires_s > now_s();
}

static bool in_domain(const char *fqdn, const char *domain)
{
	size_t a = strlen(fqdn), b = strlen(domain);

	return a > b + 1 && fqdn[a - b - 1] == '.' && strcmp(fqdn + a - b, domain) == 0;
}

static int find_node(struct ntm_dc *dc, const char *fqdn)
{
	for (size_t i = 0; i < dc->n_nodes; i++)
		if (strcmp(dc->nodes[i].fqdn, fqdn) == 0)
			return (int)i;
	return -1;
}

static int node_by_id(struct ntm_dc *dc, uint64_t id)
{
	for (size_t i = 0; i < dc->n_nodes; i++)
		if (dc->nodes[i].id == id)
			return (int)i;
	return -1;
}

static int peer_by_id(struct dc_peer *a, size_t n, uint64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].id == id)
			return (int)i;
	return -1;
}

static int peer_by_name(struct ntm_dc *dc, const char *name)
{
	for (size_t i = 0; i < dc->n_peers; i++)
		if (strcmp(dc->peers[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void node_va(const struct dc_node *n, struct xmip_ntm_vaddrs *va)
{
	memcpy(va->v4, n->vip4, 4);
	memcpy(va->v6, n->vip6, 16);
}

static void node_info(const struct dc_node *n, struct xmip_ntm_nodeinfo *ni)
{
	memset(ni, 0, sizeof(*ni));
	ni->flags = n->flags;
	node_va(n, &ni->va);
	ni->ep = n->ep;
}

/* ---- sending ---- */

static const uint8_t *keyref_mac(struct ntm_dc *dc, struct dc_keyref k, bool session)
{
	switch (k.kind) {
	case KR_NODE:  return session ? dc->nodes[k.idx].sk.mac : dc->nodes[k.idx].lt.mac;
	case KR_PEER:  return dc->peers[k.idx].k.mac;
	case KR_RELAY: return dc->relays[k.idx].k.mac;
	}
	return NULL;
}

/* The next sequence number toward a node's session; reserved ahead in the state file. */
static uint32_t session_seq(struct ntm_dc *dc, struct dc_node *n)
{
	if (++n->tx_seq >= n->tx_reserved) {
		n->tx_reserved = n->tx_seq + DC_SEQ_BLOCK;
		xmip_ntm_dc_save(dc);
	}
	return n->tx_seq;
}

/* Stamp (sender, seq, timestamp), build under the key, send. 0 or -1. */
static int send_msg(struct ntm_dc *dc, struct xmip_ntm_msg *m, struct dc_keyref k, bool session,
		    const struct xmip_ntm_ep *to)
{
	uint8_t buf[XMIP_NTM_MAX_MSG];
	size_t len;
	int rc;

	m->h.sender = dc->id;
	m->h.seq = session ? session_seq(dc, &dc->nodes[k.idx]) : ++dc->lt_seq;
	m->h.ts_us = xmip_ntm_next_ts(&dc->last_ts, xmip_ntm_now_us());
	rc = xmip_ntm_build(m, keyref_mac(dc, k, session), buf, sizeof(buf), &len);
	if (rc) {
		log_err("ntm: cannot build %s: %s", xmip_ntm_type_name(m->h.type), xmip_ntm_strerror(rc));
		return -1;
	}
	if ((rc = xmip_ntm_send(dc->fd, to, buf, len)) < 0) {
		char e[64];

		dc->cnt.tx_errors++;
		log_warn("ntm: send %s to %s: %s", xmip_ntm_type_name(m->h.type),
			 xmip_ntm_ep_str(to, e, sizeof(e)), strerror(-rc));
		return -1;
	}
	dc->cnt.tx[m->h.type]++;
	return 0;
}

static void msg_init(struct xmip_ntm_msg *m, int type, uint32_t req_seq)
{
	memset(m, 0, sizeof(*m));
	m->h.type = (uint8_t)type;
	m->h.req_seq = req_seq;
}

/* ---- transactions ---- */

static struct dc_txn *txn_new(struct ntm_dc *dc, enum dc_txn_kind kind, struct dc_keyref k,
			      const struct xmip_ntm_ep *to, struct dc_job *job)
{
	for (int i = 0; i < DC_MAX_TXNS; i++) {
		struct dc_txn *t = &dc->txns[i];

		if (t->used)
			continue;
		memset(t, 0, sizeof(*t));
		t->used = true;
		t->kind = kind;
		t->key = k;
		t->to = *to;
		t->job = job;
		t->dc = dc;
		xmip_family_timer_init(dc->fam, &t->timer, t);
		return t;
	}
	log_warn("ntm: more than %d requests outstanding", DC_MAX_TXNS);
	return NULL;
}

static void txn_free(struct dc_txn *t)
{
	xmip_family_timer_cancel(&t->timer);
	t->used = false;
}

static bool txn_session(const struct dc_txn *t)
{
	return t->kind == TXN_ROUTE_NODE;
}

static int txn_send(struct ntm_dc *dc, struct dc_txn *t)
{
	if (send_msg(dc, &t->m, t->key, txn_session(t), &t->to))
		return -1;
	return xmip_family_timer_in_ms(&t->timer, (uint64_t)RTO_MS << (t->tries < 3 ? t->tries : 3));
}

static struct dc_txn *txn_find(struct ntm_dc *dc, enum dc_txn_kind kind, struct dc_keyref k,
			       uint32_t req_seq)
{
	for (int i = 0; i < DC_MAX_TXNS; i++) {
		struct dc_txn *t = &dc->txns[i];

		if (t->used && t->kind == kind && t->key.kind == k.kind && t->key.idx == k.idx &&
		    t->m.h.seq == req_seq)
			return t;
	}
	return NULL;
}

static void job_fail(struct dc_job *job, uint16_t status);
static void job_decide(struct dc_job *job);
static void job_finish(struct dc_job *job);

static void txn_cancel_job(struct ntm_dc *dc, struct dc_job *job)
{
	for (int i = 0; i < DC_MAX_TXNS; i++)
		if (dc->txns[i].used && dc->txns[i].job == job)
			txn_free(&dc->txns[i]);
}

void xmip_ntm_dc_timer(struct ntm_dc *dc, struct xmip_family_timer *ft)
{
	struct dc_txn *t = ft->arg;

	if (++t->tries <= MAX_RETRANS) {
		dc->cnt.tx_retrans++;
		txn_send(dc, t);
		return;
	}
	log_warn("ntm: %s to %s: no answer after %d tries", xmip_ntm_type_name(t->m.h.type),
		 t->kind == TXN_ROUTE_NODE ? dc->nodes[t->key.idx].fqdn :
		 t->key.kind == KR_PEER ? dc->peers[t->key.idx].name : dc->relays[t->key.idx].name,
		 MAX_RETRANS + 1);
	if (t->job) {
		struct dc_job *job = t->job;

		txn_free(t);
		job_fail(job, t->kind == TXN_INFO ? XMIP_NTM_ERR_DC_UNREACH : XMIP_NTM_ERR_RELAY);
	} else {
		txn_free(t);
	}
	xmip_ntm_dc_dump(dc);
}

/* ---- paths ---- */

static struct dc_path *path_find(struct ntm_dc *dc, const char *req, const char *tgt, bool foreign)
{
	for (int i = 0; i < DC_MAX_PATHS; i++) {
		struct dc_path *p = &dc->paths[i];

		if (p->used && p->foreign == foreign && !strcmp(p->req, req) && !strcmp(p->tgt, tgt))
			return p;
	}
	return NULL;
}

static struct dc_path *path_by_id(struct ntm_dc *dc, uint32_t id)
{
	for (int i = 0; i < DC_MAX_PATHS; i++)
		if (dc->paths[i].used && dc->paths[i].id == id)
			return &dc->paths[i];
	return NULL;
}

static struct dc_path *path_new(struct ntm_dc *dc)
{
	for (int i = 0; i < DC_MAX_PATHS; i++)
		if (!dc->paths[i].used) {
			memset(&dc->paths[i], 0, sizeof(dc->paths[i]));
			dc->paths[i].used = true;
			return &dc->paths[i];
		}
	return NULL;
}

/* ---- Registration, Keep Alive ---- */

static void reg_reply(struct ntm_dc *dc, int ni, const struct xmip_ntm_msg *rq,
		      const struct xmip_ntm_ep *from, uint16_t status)
{
	struct dc_node *n = &dc->nodes[ni];
	struct xmip_ntm_msg m;

	msg_init(&m, XMIP_NTM_REG_RESP, rq->h.seq);
	m.u.reg_resp.status = status;
	if (status == XMIP_NTM_OK && n->registered) {
		m.u.reg_resp.flags = n->flags;
		m.u.reg_resp.lifetime = (uint32_t)(n->expires_s - now_s());
		m.u.reg_resp.keepalive = (uint16_t)dc->nc->keepalive_s;
		m.u.reg_resp.plen4 = dc->nc->vip4_plen;
		m.u.reg_resp.plen6 = dc->nc->vip6_plen;
		node_va(n, &m.u.reg_resp.va);
	}
	m.u.reg_resp.observed = *from;
	send_msg(dc, &m, (struct dc_keyref){ KR_NODE, ni }, false, from);
}

static void handle_reg(struct ntm_dc *dc, int ni, const struct xmip_ntm_msg *rq,
		       const struct xmip_ntm_ep *from)
{
	struct dc_node *n = &dc->nodes[ni];
	struct xmip_ntm_msg m;
	uint8_t dn[16];
	char e1[64], e2[64];

	if (rq->u.reg_req.lifetime == 0) {
		n->registered = false;
		xmip_ntm_dc_save(dc);
		log_info("ntm: %s deregistered", n->fqdn);
		reg_reply(dc, ni, rq, from, XMIP_NTM_OK);
		return;
	}
	if (xmip_ntm_pool_get(&dc->pool, n->fqdn, n->vip4, n->vip6) < 0 ||
	    xmip_ntm_random(dn, sizeof(dn))) {
		log_warn("ntm: %s: virtual address pool exhausted", n->fqdn);
		reg_reply(dc, ni, rq, from, XMIP_NTM_ERR_POOL);
		return;
	}
	xmip_ntm_session_secret(n->prk, rq->u.reg_req.nonce, dn, n->secret);
	xmip_ntm_keys_derive(n->secret, &n->sk);
	memset(&n->rx, 0, sizeof(n->rx));
	n->tx_seq = 0;
	n->tx_reserved = DC_SEQ_BLOCK;
	n->ep = *from;
	n->claimed = rq->u.reg_req.claimed;
	n->flags = (xmip_ntm_ep_eq(&n->ep, &n->claimed) ? 0 : XMIP_NTM_F_NAT) |
		   (rq->u.reg_req.flags & XMIP_NTM_REG_F_UNREACHABLE ? XMIP_NTM_F_UNREACHABLE : 0);
	n->expires_s = now_s() + (rq->u.reg_req.lifetime < dc->nc->max_lifetime_s ?
				  rq->u.reg_req.lifetime : dc->nc->max_lifetime_s);
	n->registered = true;
	xmip_ntm_dc_save(dc);       /* the registration, and a new address assignment */
	log_info("ntm: %s registered from %s (claims %s): %s%s", n->fqdn,
		 xmip_ntm_ep_str(from, e1, sizeof(e1)), xmip_ntm_ep_str(&n->claimed, e2, sizeof(e2)),
		 n->flags & XMIP_NTM_F_NAT ? "NAT detected" : "no NAT",
		 n->flags & XMIP_NTM_F_UNREACHABLE ? ", unreachable by request" : "");

	msg_init(&m, XMIP_NTM_REG_RESP, rq->h.seq);
	m.u.reg_resp.status = XMIP_NTM_OK;
	m.u.reg_resp.flags = n->flags;
	m.u.reg_resp.lifetime = (uint32_t)(n->expires_s - now_s());
	memcpy(m.u.reg_resp.nonce, dn, 16);
	m.u.reg_resp.observed = *from;
	node_va(n, &m.u.reg_resp.va);
	m.u.reg_resp.keepalive = (uint16_t)dc->nc->keepalive_s;
	m.u.reg_resp.plen4 = dc->nc->vip4_plen;
	m.u.reg_resp.plen6 = dc->nc->vip6_plen;
	send_msg(dc, &m, (struct dc_keyref){ KR_NODE, ni }, false, from);
}

static void handle_ka(struct ntm_dc *dc, int ni, const struct xmip_ntm_msg *rq,
		      const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_msg m;

	msg_init(&m, XMIP_NTM_KA_RESP, rq->h.seq);
	m.u.ka_resp.path_id = rq->u.ka.path_id;
	m.u.ka_resp.status = rq->u.ka.path_id ? XMIP_NTM_ERR_UNKNOWN_PATH : XMIP_NTM_OK;
	m.u.ka_resp.observed = *from;
	send_msg(dc, &m, (struct dc_keyref){ KR_NODE, ni }, true, from);
}

/* ---- Direction Request: DNS, the peer's DC, the decision, the relay ---- */

static void dir_resp(struct dc_job *job, uint16_t status)
{
	struct ntm_dc *dc = job->dc;
	struct dc_node *n = &dc->nodes[job->req];
	struct xmip_ntm_msg m;

	msg_init(&m, XMIP_NTM_DIR_RESP, job->dir_seq);
	m.u.dir_resp.status = status;
	if (status == XMIP_NTM_OK) {
		m.u.dir_resp.mode = job->path->mode;
		m.u.dir_resp.path_id = job->path->id;
		m.u.dir_resp.peer = job->tinfo.va;
	}
	m.has_target_fqdn = true;
	strcpy(m.target_fqdn, job->target);
	send_msg(dc, &m, (struct dc_keyref){ KR_NODE, job->req }, true, &n->ep);
}

static void job_free(struct dc_job *job)
{
	xmip_ntm_dns_cancel(job->dc->dns, job);
	txn_cancel_job(job->dc, job);
	job->used = false;
}

static void job_fail(struct dc_job *job, uint16_t status)
{
	log_info("ntm: direction %s -> %s: %s", job->dc->nodes[job->req].fqdn, job->target,
		 xmip_ntm_status_name(status));
	dir_resp(job, status);
	job_free(job);
}

static void job_local(struct dc_job *job, int ti)
{
	struct dc_node *t = &job->dc->nodes[ti];

	if (!node_registered(t)) {
		job_fail(job, XMIP_NTM_ERR_NOT_REG);
		return;
	}
	job->local = ti;
	node_info(t, &job->tinfo);
	job_decide(job);
}

static void dns_cb(void *arg, int ok, const struct xmip_ntm_dns_answer *a);

static void dns_next(struct dc_job *job, enum dc_stage st)
{
	char name[XMIP_NTM_FQDN_MAX + 8];
	const char *dot = strchr(job->target, '.');
	int type = XMIP_NTM_DNS_TXT;

	job->stage = st;
	switch (st) {
	case ST_TXT_NODE:
		snprintf(name, sizeof(name), "_ntm.%s", job->target);
		break;
	case ST_TXT_DOMAIN:
		snprintf(name, sizeof(name), "_ntm.%s", dot ? dot + 1 : job->target);
		break;
	case ST_A:
		snprintf(name, sizeof(name), "%s", job->target);
		type = XMIP_NTM_DNS_A;
		break;
	default:
		snprintf(name, sizeof(name), "%s", job->target);
		type = XMIP_NTM_DNS_AAAA;
		break;
	}
	if (xmip_ntm_dns_query(job->dc->dns, name, type, dns_cb, job))
		job_fail(job, XMIP_NTM_ERR_NO_DC);
}

static void send_info(struct dc_job *job, const struct xmip_ntm_txt *txt)
{
	struct ntm_dc *dc = job->dc;
	struct dc_node *n = &dc->nodes[job->req];
	struct dc_txn *t;
	int pi = peer_by_name(dc, txt->dc);

	if (pi < 0) {
		log_warn("ntm: %s is served by DC %s, and there is no [peer-dc %s] key", job->target,
			 txt->dc, txt->dc);
		job_fail(job, XMIP_NTM_ERR_DC_UNREACH);
		return;
	}
	job->peer = pi;
	memcpy(dc->peers[pi].ep.addr, txt->addr[0], 16);
	dc->peers[pi].ep.port = txt->port;
	t = txn_new(dc, TXN_INFO, (struct dc_keyref){ KR_PEER, pi }, &dc->peers[pi].ep, job);
	if (!t) {
		job_fail(job, XMIP_NTM_ERR_UNSPEC);
		return;
	}
	job->stage = ST_INFO;
	msg_init(&t->m, XMIP_NTM_INFO_REQ, 0);
	node_info(n, &t->m.u.info_req.requester);
	t->m.has_node_fqdn = t->m.has_target_fqdn = true;
	strcpy(t->m.node_fqdn, n->fqdn);
	strcpy(t->m.target_fqdn, job->target);
	if (txn_send(dc, t))
		job_fail(job, XMIP_NTM_ERR_DC_UNREACH);
}

static void dns_cb(void *arg, int ok, const struct xmip_ntm_dns_answer *a)
{
	struct dc_job *job = arg;
	struct ntm_dc *dc = job->dc;

	if (ok < 0) {
		job_fail(job, XMIP_NTM_ERR_NO_DC);
		goto out;
	}
	switch (job->stage) {
	case ST_TXT_NODE:
	case ST_TXT_DOMAIN:
		for (int i = 0; i < a->n; i++) {
			struct xmip_ntm_txt txt;

			if (xmip_ntm_txt_parse(a->txt[i], a->txt_len[i], &txt) != 0) {
				log_debug("ntm: TXT record for %s skipped: '%.*s'", job->target,
					  (int)a->txt_len[i], a->txt[i]);
				continue;
			}
			if (strcmp(txt.dc, dc->nc->name) == 0) {
				int ti = find_node(dc, job->target);

				if (ti < 0)
					job_fail(job, XMIP_NTM_ERR_UNKNOWN_NODE);
				else
					job_local(job, ti);
			} else {
				send_info(job, &txt);
			}
			goto out;
		}
		dns_next(job, job->stage == ST_TXT_NODE && strchr(job->target, '.') ? ST_TXT_DOMAIN
										     : ST_A);
		break;
	case ST_A:
		for (int i = 0; i < a->n && !job->gn; i++) {
			memcpy(job->gn_real4, a->addr[i] + 12, 4);
			job->gn = true;
		}
		dns_next(job, ST_AAAA);
		break;
	case ST_AAAA:
		if (a->n) {
			memcpy(job->gn_real6, a->addr[0], 16);
			job->gn = true;
		}
		if (!job->gn) {
			job_fail(job, XMIP_NTM_ERR_NO_DC);
			break;
		}
		{
			char gname[XMIP_NTM_FQDN_MAX + 4];

			snprintf(gname, sizeof(gname), "gn:%s", job->target);
			memset(&job->tinfo, 0, sizeof(job->tinfo));
			if (xmip_ntm_pool_get(&dc->pool, gname, job->tinfo.va.v4, job->tinfo.va.v6) < 0) {
				job_fail(job, XMIP_NTM_ERR_POOL);
				break;
			}
			xmip_ntm_dc_save(dc);
			job_decide(job);
		}
		break;
	default:
		break;
	}
out:
	xmip_ntm_dc_dump(dc);
}

static void send_relay(struct dc_job *job)
{
	struct ntm_dc *dc = job->dc;
	struct dc_peer *r;
	struct dc_txn *t;
	uint32_t want = job->dec.mode == XMIP_NTM_MODE_RS_S ? XMIP_NTM_RELAY_MODE_S
							      : XMIP_NTM_RELAY_MODE_N;

	job->relay = -1;
	for (size_t i = 0; i < dc->n_relays && job->relay < 0; i++)
		if (dc->relays[i].modes & want)
			job->relay = (int)i;
	r = &dc->relays[job->relay];     /* the decision checked one exists */
	t = txn_new(dc, TXN_RELAY, (struct dc_keyref){ KR_RELAY, job->relay }, &r->ep, job);
	if (!t) {
		job_fail(job, XMIP_NTM_ERR_UNSPEC);
		return;
	}
	job->stage = ST_RELAY;
	msg_init(&t->m, XMIP_NTM_RELAY_REQ, 0);
	t->m.u.relay_req.path_id = job->path->id;
	t->m.u.relay_req.mode = job->path->mode;
	t->m.u.relay_req.lifetime = dc->nc->path_lifetime_s;
	xmip_ntm_wrap(r->k.kek, job->path->key, t->m.u.relay_req.wkey);
	node_va(&dc->nodes[job->req], &t->m.u.relay_req.a);
	t->m.u.relay_req.b = job->tinfo.va;
	if (job->gn) {
		memcpy(t->m.u.relay_req.gn.v4, job->gn_real4, 4);
		memcpy(t->m.u.relay_req.gn.v6, job->gn_real6, 16);
	}
	if (txn_send(dc, t))
		job_fail(job, XMIP_NTM_ERR_RELAY);
}

static uint32_t relay_modes(const struct ntm_dc *dc)
{
	uint32_t m = 0;

	for (size_t i = 0; i < dc->n_relays; i++)
		m |= dc->relays[i].modes;
	return m;
}

static void job_decide(struct dc_job *job)
{
	struct ntm_dc *dc = job->dc;
	struct dc_node *n = &dc->nodes[job->req];
	struct xmip_ntm_side rq = { .flags = n->flags, .ep = n->ep };
	struct xmip_ntm_side tg = { .gn = job->gn, .flags = job->tinfo.flags, .ep = job->tinfo.ep };
	struct dc_path *p;

	xmip_ntm_decide(&rq, &tg, relay_modes(dc), &job->dec);
	if (job->dec.status) {
		job_fail(job, job->dec.status);
		return;
	}
	/* One path per pair: the same id and key on a new decision (a handover). */
	p = path_find(dc, n->fqdn, job->target, false);
	if (p && (p->id & XMIP_NTM_PATH_RSN_BIT) != (job->dec.mode == XMIP_NTM_MODE_RS_N ?
						     XMIP_NTM_PATH_RSN_BIT : 0))
		p->id = 0;     /* the mode changed between NAT and not: the id must follow */
	if (!p) {
		p = path_new(dc);
		if (!p || xmip_ntm_random(p->key, sizeof(p->key))) {
			job_fail(job, XMIP_NTM_ERR_UNSPEC);
			return;
		}
		strcpy(p->req, n->fqdn);
		strcpy(p->tgt, job->target);
	}
	if (!p->id && xmip_ntm_path_id(job->dec.mode, &p->id)) {
		job_fail(job, XMIP_NTM_ERR_UNSPEC);
		return;
	}
	p->mode = job->dec.mode;
	job->path = p;
	if (p->mode == XMIP_NTM_MODE_RS_S || p->mode == XMIP_NTM_MODE_RS_N)
		send_relay(job);
	else
		job_finish(job);
}

/* A Route Direction to one of our nodes, retransmitted until acked. */
static void route_to_node(struct ntm_dc *dc, int ni, const struct dc_path *p, uint8_t role,
			  const struct xmip_ntm_ep *tunnel, const struct xmip_ntm_vaddrs *peer_va,
			  const char *peer, const uint8_t key[32])
{
	struct dc_node *n = &dc->nodes[ni];
	struct dc_txn *t = txn_new(dc, TXN_ROUTE_NODE, (struct dc_keyref){ KR_NODE, ni }, &n->ep, NULL);

	if (!t)
		return;
	msg_init(&t->m, XMIP_NTM_ROUTE_DIR, 0);
	t->m.u.route_dir.path_id = p->id;
	t->m.u.route_dir.mode = p->mode;
	t->m.u.route_dir.role = role;
	t->m.u.route_dir.lifetime = dc->nc->path_lifetime_s;
	xmip_ntm_wrap(n->sk.kek, key, t->m.u.route_dir.wkey);
	t->m.u.route_dir.tunnel = *tunnel;
	node_va(n, &t->m.u.route_dir.own);
	t->m.u.route_dir.peer = *peer_va;
	t->m.has_node_fqdn = t->m.has_target_fqdn = true;
	strcpy(t->m.node_fqdn, n->fqdn);
	strcpy(t->m.target_fqdn, peer);
	if (txn_send(dc, t))
		txn_free(t);
}

static void job_finish(struct dc_job *job)
{
	struct ntm_dc *dc = job->dc;
	struct dc_node *n = &dc->nodes[job->req];
	struct dc_path *p = job->path;
	bool relayed = p->mode != XMIP_NTM_MODE_DIRECT;
	struct xmip_ntm_ep to_tgt = relayed ? p->relay_ep : job->tinfo.ep;
	struct xmip_ntm_ep to_req = relayed ? p->relay_ep : n->ep;
	struct xmip_ntm_vaddrs req_va;
	char e[64];

	node_va(n, &req_va);
	log_info("ntm: direction %s -> %s: %s, path 0x%08x, tunnel to %s", n->fqdn, job->target,
		 xmip_ntm_mode_name(p->mode), p->id, xmip_ntm_ep_str(&to_tgt, e, sizeof(e)));
	dir_resp(job, XMIP_NTM_OK);
	route_to_node(dc, job->req, p, job->dec.requester_initiates ? XMIP_NTM_ROLE_INITIATOR
								    : XMIP_NTM_ROLE_RESPONDER,
		      &to_tgt, &job->tinfo.va, job->target, p->key);
	if (job->local >= 0) {
		route_to_node(dc, job->local, p, job->dec.target_initiates ? XMIP_NTM_ROLE_INITIATOR
									   : XMIP_NTM_ROLE_RESPONDER,
			      &to_req, &req_va, n->fqdn, p->key);
	} else if (!job->gn) {
		struct dc_peer *pd = &dc->peers[job->peer];
		struct dc_txn *t = txn_new(dc, TXN_ROUTE_DC, (struct dc_keyref){ KR_PEER, job->peer },
					   &pd->ep, NULL);

		if (t) {
			msg_init(&t->m, XMIP_NTM_ROUTE_DIR, 0);
			t->m.u.route_dir.path_id = p->id;
			t->m.u.route_dir.mode = p->mode;
			t->m.u.route_dir.role = job->dec.target_initiates ? XMIP_NTM_ROLE_INITIATOR
									  : XMIP_NTM_ROLE_RESPONDER;
			t->m.u.route_dir.lifetime = dc->nc->path_lifetime_s;
			xmip_ntm_wrap(pd->k.kek, p->key, t->m.u.route_dir.wkey);
			t->m.u.route_dir.tunnel = to_req;
			t->m.u.route_dir.own = job->tinfo.va;
			t->m.u.route_dir.peer = req_va;
			t->m.has_node_fqdn = t->m.has_target_fqdn = true;
			strcpy(t->m.node_fqdn, job->target);
			strcpy(t->m.target_fqdn, n->fqdn);
			if (txn_send(dc, t))
				txn_free(t);
		}
	}
	job_free(job);
}

static void handle_dir_req(struct ntm_dc *dc, int ni, const struct xmip_ntm_msg *rq)
{
	struct dc_job *job = NULL;

	for (int i = 0; i < DC_MAX_JOBS; i++)
		if (dc->jobs[i].used && dc->jobs[i].req == ni &&
		    strcmp(dc->jobs[i].target, rq->target_fqdn) == 0) {
			dc->jobs[i].dir_seq = rq->h.seq;    /* a retransmission: answer the latest */
			return;
		}
	for (int i = 0; i < DC_MAX_JOBS && !job; i++)
		if (!dc->jobs[i].used)
			job = &dc->jobs[i];
	if (!job) {
		log_warn("ntm: more than %d directions in progress", DC_MAX_JOBS);
		return;
	}
	memset(job, 0, sizeof(*job));
	job->used = true;
	job->dc = dc;
	job->req = ni;
	job->local = job->peer = job->relay = -1;
	job->dir_seq = rq->h.seq;
	strcpy(job->target, rq->target_fqdn);
	if (strcmp(job->target, dc->nodes[ni].fqdn) == 0) {
		job_fail(job, XMIP_NTM_ERR_PROHIBITED);
	} else if (in_domain(job->target, dc->nc->name)) {
		int ti = find_node(dc, job->target);

		if (ti < 0)
			job_fail(job, XMIP_NTM_ERR_UNKNOWN_NODE);
		else
			job_local(job, ti);
	} else {
		dns_next(job, ST_TXT_NODE);
	}
}

/* ---- from other DCs and relays ---- */

static void handle_info_req(struct ntm_dc *dc, int pi, const struct xmip_ntm_msg *rq,
			    const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_msg m;
	int ti = find_node(dc, rq->target_fqdn);

	msg_init(&m, XMIP_NTM_INFO_RESP, rq->h.seq);
	if (!in_domain(rq->target_fqdn, dc->nc->name))
		m.u.info_resp.status = XMIP_NTM_ERR_PROHIBITED;
	else if (ti < 0)
		m.u.info_resp.status = XMIP_NTM_ERR_UNKNOWN_NODE;
	else if (!node_registered(&dc->nodes[ti]))
		m.u.info_resp.status = XMIP_NTM_ERR_NOT_REG;
	else
		node_info(&dc->nodes[ti], &m.u.info_resp.target);
	m.has_target_fqdn = true;
	strcpy(m.target_fqdn, rq->target_fqdn);
	dc->peers[pi].ep = *from;
	send_msg(dc, &m, (struct dc_keyref){ KR_PEER, pi }, false, from);
}

static void handle_info_resp(struct ntm_dc *dc, int pi, const struct xmip_ntm_msg *rs)
{
	struct dc_txn *t = txn_find(dc, TXN_INFO, (struct dc_keyref){ KR_PEER, pi }, rs->h.req_seq);
	struct dc_job *job;

	if (!t || !t->job || strcmp(rs->target_fqdn, t->job->target)) {
		dc->cnt.rx_unexpected++;
		return;
	}
	job = t->job;
	txn_free(t);
	if (rs->u.info_resp.status != XMIP_NTM_OK) {
		job_fail(job, rs->u.info_resp.status);
		return;
	}
	job->tinfo = rs->u.info_resp.target;
	job_decide(job);
}

static void handle_relay_resp(struct ntm_dc *dc, int ri, const struct xmip_ntm_msg *rs)
{
	struct dc_txn *t = txn_find(dc, TXN_RELAY, (struct dc_keyref){ KR_RELAY, ri }, rs->h.req_seq);
	struct dc_job *job;

	if (!t || !t->job || rs->u.relay_resp.path_id != t->m.u.relay_req.path_id) {
		dc->cnt.rx_unexpected++;
		return;
	}
	job = t->job;
	txn_free(t);
	if (rs->u.relay_resp.status != XMIP_NTM_OK) {
		log_warn("ntm: relay %s refused path 0x%08x: %s", dc->relays[ri].name,
			 rs->u.relay_resp.path_id, xmip_ntm_status_name(rs->u.relay_resp.status));
		job_fail(job, XMIP_NTM_ERR_RELAY);
		return;
	}
	job->path->relay_ep = rs->u.relay_resp.relay;
	strcpy(job->path->relay, dc->relays[ri].name);
	job_finish(job);
}

/* Another DC directs one of our nodes: re-wrap the path key for the node, forward, ack. */
static void handle_route_from_dc(struct ntm_dc *dc, int pi, const struct xmip_ntm_msg *rq,
				 const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_msg ack;
	uint8_t key[32];
	int ti = find_node(dc, rq->node_fqdn);
	struct dc_path *p;

	msg_init(&ack, XMIP_NTM_ROUTE_ACK, rq->h.seq);
	ack.u.route_ack.path_id = rq->u.route_dir.path_id;
	if (!in_domain(rq->node_fqdn, dc->nc->name) || in_domain(rq->target_fqdn, dc->nc->name))
		ack.u.route_ack.status = XMIP_NTM_ERR_PROHIBITED;
	else if (ti < 0)
		ack.u.route_ack.status = XMIP_NTM_ERR_UNKNOWN_NODE;
	else if (!node_registered(&dc->nodes[ti]))
		ack.u.route_ack.status = XMIP_NTM_ERR_NOT_REG;
	else if (xmip_ntm_unwrap(dc->peers[pi].k.kek, rq->u.route_dir.wkey, key))
		ack.u.route_ack.status = XMIP_NTM_ERR_MALFORMED;
	if (ack.u.route_ack.status == XMIP_NTM_OK) {
		p = path_by_id(dc, rq->u.route_dir.path_id);
		if (p && (!p->foreign || strcmp(p->req, rq->target_fqdn) || strcmp(p->tgt, rq->node_fqdn)))
			ack.u.route_ack.status = XMIP_NTM_ERR_PROHIBITED;  /* not that DC's path */
		else if (!p && !(p = path_new(dc)))
			ack.u.route_ack.status = XMIP_NTM_ERR_UNSPEC;
	}
	if (ack.u.route_ack.status == XMIP_NTM_OK) {
		p->foreign = true;
		p->id = rq->u.route_dir.path_id;
		p->mode = rq->u.route_dir.mode;
		strcpy(p->req, rq->target_fqdn);
		strcpy(p->tgt, rq->node_fqdn);
		memcpy(p->key, key, 32);
		if (p->mode != XMIP_NTM_MODE_DIRECT)
			p->relay_ep = rq->u.route_dir.tunnel;
		log_info("ntm: %s directs %s: %s path 0x%08x (%s)", dc->peers[pi].name, rq->node_fqdn,
			 xmip_ntm_mode_name(p->mode), p->id,
			 rq->u.route_dir.role == XMIP_NTM_ROLE_INITIATOR ? "initiator" : "responder");
		route_to_node(dc, ti, p, rq->u.route_dir.role, &rq->u.route_dir.tunnel,
			      &rq->u.route_dir.peer, rq->target_fqdn, key);
	} else {
		log_info("ntm: %s's Route Direction for %s refused: %s", dc->peers[pi].name,
			 rq->node_fqdn, xmip_ntm_status_name(ack.u.route_ack.status));
	}
	memset(key, 0, sizeof(key));
	send_msg(dc, &ack, (struct dc_keyref){ KR_PEER, pi }, false, from);
}

static void handle_route_ack(struct ntm_dc *dc, enum dc_txn_kind kind, struct dc_keyref k,
			     const struct xmip_ntm_msg *rs)
{
	struct dc_txn *t = txn_find(dc, kind, k, rs->h.req_seq);

	if (!t || t->m.u.route_dir.path_id != rs->u.route_ack.path_id) {
		dc->cnt.rx_unexpected++;
		return;
	}
	if (rs->u.route_ack.status)
		log_warn("ntm: Route Direction for path 0x%08x refused: %s", rs->u.route_ack.path_id,
			 xmip_ntm_status_name(rs->u.route_ack.status));
	txn_free(t);
}

/* ---- receiving ---- */

/* MAC, timestamp window, then the long-term floor or the session window. */
static bool msg_accept(struct ntm_dc *dc, const uint8_t *buf, size_t len, const struct xmip_ntm_msg *m,
		   const uint8_t mac[32], struct xmip_ntm_tsfloor *floor, struct xmip_ntm_seqwin *win)
{
	if (!xmip_ntm_mac_ok(mac, buf, len)) {
		dc->cnt.rx_bad_mac++;
		return false;
	}
	if (!xmip_ntm_ts_in_window(xmip_ntm_now_us(), m->h.ts_us,
				   (uint64_t)dc->nc->replay_window_s * 1000000u)) {
		dc->cnt.rx_stale++;
		return false;
	}
	if ((floor && !xmip_ntm_tsfloor_ok(floor, m->h.ts_us)) ||
	    (win && !xmip_ntm_seqwin_ok(win, m->h.seq))) {
		dc->cnt.rx_replay++;
		return false;
	}
	if (floor)
		xmip_ntm_tsfloor_commit(floor, m->h.ts_us);
	if (win)
		xmip_ntm_seqwin_commit(win, m->h.seq);
	return true;
}

static void receive(struct ntm_dc *dc, const uint8_t *buf, size_t len, const struct xmip_ntm_ep *from)
{
	static struct xmip_ntm_msg m;
	int rc = xmip_ntm_parse(buf, len, &m), i;
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
	unsigned int more;
	char e[64];

	if (rc) {
		dc->cnt.rx_malformed++;
		if (xmip_log_ratelimit(&rl, &more))
			log_info("ntm: %zu octets from %s dropped: %s", len,
				 xmip_ntm_ep_str(from, e, sizeof(e)), xmip_ntm_strerror(rc));
		return;
	}
	switch (m.h.type) {
	case XMIP_NTM_REG_REQ:
		i = find_node(dc, m.node_fqdn);
		if (i < 0 || dc->nodes[i].id != m.h.sender)
			goto unknown;
		if (!msg_accept(dc, buf, len, &m, dc->nodes[i].lt.mac, &dc->nodes[i].reg_floor, NULL))
			goto rejected;
		dc->cnt.rx[m.h.type]++;
		handle_reg(dc, i, &m, from);
		break;
	case XMIP_NTM_KA:
	case XMIP_NTM_DIR_REQ:
		i = node_by_id(dc, m.h.sender);
		if (i < 0 || !node_registered(&dc->nodes[i]))
			goto unknown;
		if (!msg_accept(dc, buf, len, &m, dc->nodes[i].sk.mac, NULL, &dc->nodes[i].rx))
			goto rejected;
		dc->cnt.rx[m.h.type]++;
		if (!xmip_ntm_ep_eq(&dc->nodes[i].ep, from)) {
			/* an authenticated, fresh message from a new NAT mapping */
			log_info("ntm: %s now at %s", dc->nodes[i].fqdn, xmip_ntm_ep_str(from, e, sizeof(e)));
			dc->nodes[i].ep = *from;
			xmip_ntm_dc_save(dc);
		}
		if (m.h.type == XMIP_NTM_KA)
			handle_ka(dc, i, &m, from);
		else
			handle_dir_req(dc, i, &m);
		break;
	case XMIP_NTM_ROUTE_ACK:
		if ((i = node_by_id(dc, m.h.sender)) >= 0) {
			if (!node_registered(&dc->nodes[i]))
				goto unknown;
			if (!msg_accept(dc, buf, len, &m, dc->nodes[i].sk.mac, NULL, &dc->nodes[i].rx))
				goto rejected;
			dc->cnt.rx[m.h.type]++;
			handle_route_ack(dc, TXN_ROUTE_NODE, (struct dc_keyref){ KR_NODE, i }, &m);
			break;
		}
		/* an ack from a peer DC */
		__attribute__((fallthrough));
	case XMIP_NTM_INFO_REQ:
	case XMIP_NTM_INFO_RESP:
	case XMIP_NTM_ROUTE_DIR:
		i = peer_by_id(dc->peers, dc->n_peers, m.h.sender);
		if (i < 0)
			goto unknown;
		if (!msg_accept(dc, buf, len, &m, dc->peers[i].k.mac, &dc->peers[i].floor, NULL))
			goto rejected;
		dc->cnt.rx[m.h.type]++;
		if (m.h.type == XMIP_NTM_INFO_REQ)
			handle_info_req(dc, i, &m, from);
		else if (m.h.type == XMIP_NTM_INFO_RESP)
			handle_info_resp(dc, i, &m);
		else if (m.h.type == XMIP_NTM_ROUTE_DIR)
			handle_route_from_dc(dc, i, &m, from);
		else
			handle_route_ack(dc, TXN_ROUTE_DC, (struct dc_keyref){ KR_PEER, i }, &m);
		break;
	case XMIP_NTM_RELAY_RESP:
		i = peer_by_id(dc->relays, dc->n_relays, m.h.sender);
		if (i < 0)
			goto unknown;
		if (!msg_accept(dc, buf, len, &m, dc->relays[i].k.mac, &dc->relays[i].floor, NULL))
			goto rejected;
		dc->cnt.rx[m.h.type]++;
		handle_relay_resp(dc, i, &m);
		break;
	default:
		dc->cnt.rx_unexpected++;
		break;
	}
	xmip_ntm_dc_dump(dc);
	return;
unknown:
	dc->cnt.rx_unknown_sender++;
rejected:
	if (xmip_log_ratelimit(&rl, &more))
		log_info("ntm: %s from %s (sender %016llx) rejected (bad MAC %llu, replay %llu, stale "
			 "%llu, unknown sender %llu so far)", xmip_ntm_type_name(m.h.type),
			 xmip_ntm_ep_str(from, e, sizeof(e)), (unsigned long long)m.h.sender,
			 (unsigned long long)dc->cnt.rx_bad_mac, (unsigned long long)dc->cnt.rx_replay,
			 (unsigned long long)dc->cnt.rx_stale,
			 (unsigned long long)dc->cnt.rx_unknown_sender);
	xmip_ntm_dc_dump(dc);
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct ntm_dc *dc = arg;
	uint8_t buf[XMIP_NTM_MAX_MSG + 1];
	struct xmip_ntm_ep from;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_ntm_recv(fd, buf, sizeof(buf), &from)) > 0)
		receive(dc, buf, (size_t)n > sizeof(buf) ? sizeof(buf) : (size_t)n, &from);
}

/* ---- set-up ---- */

static void peer_init(struct dc_peer *p, const char *name, const uint8_t *key, size_t key_len)
{
	uint8_t prk[32];

	memset(p, 0, sizeof(*p));
	strcpy(p->name, name);
	p->id = xmip_ntm_sender_id(name);
	xmip_ntm_psk_prk(key, key_len, prk);
	xmip_ntm_keys_derive(prk, &p->k);
}

struct ntm_dc *xmip_ntm_dc_new(struct xmip_family *f)
{
	const struct xmip_conf *conf = f->core->conf;
	const struct xmip_ntm_conf *nc = &conf->ntm;
	struct ntm_dc *dc = calloc(1, sizeof(*dc));
	struct xmip_ntm_ep dns_ep;

	if (!dc)
		return NULL;
	dc->fam = f;
	dc->conf = conf;
	dc->nc = nc;
	dc->id = xmip_ntm_sender_id(nc->name);
	dc->fd = -1;
	xmip_ntm_pool_init(&dc->pool, nc->vip4, nc->vip4_plen, nc->vip6.s6_addr, nc->vip6_plen);
	dc->nodes = calloc(nc->n_nodes + 1, sizeof(*dc->nodes));
	dc->peers = calloc(nc->n_peer_dcs + 1, sizeof(*dc->peers));
	dc->relays = calloc(nc->n_relays + 1, sizeof(*dc->relays));
	if (!dc->nodes || !dc->peers || !dc->relays)
		goto fail;
	for (size_t i = 0; i < nc->n_nodes; i++) {
		struct dc_node *n = &dc->nodes[i];

		strcpy(n->fqdn, nc->nodes[i].name);
		n->id = xmip_ntm_sender_id(n->fqdn);
		xmip_ntm_psk_prk(nc->nodes[i].key, nc->nodes[i].key_len, n->prk);
		xmip_ntm_keys_derive(n->prk, &n->lt);
	}
	dc->n_nodes = nc->n_nodes;
	for (size_t i = 0; i < nc->n_peer_dcs; i++)
		peer_init(&dc->peers[i], nc->peer_dcs[i].name, nc->peer_dcs[i].key,
			  nc->peer_dcs[i].key_len);
	dc->n_peers = nc->n_peer_dcs;
	for (size_t i = 0; i < nc->n_relays; i++) {
		peer_init(&dc->relays[i], nc->relays[i].name, nc->relays[i].key, nc->relays[i].key_len);
		memcpy(dc->relays[i].ep.addr, &nc->relays[i].addr, 16);
		dc->relays[i].ep.port = nc->relays[i].port;
		dc->relays[i].modes = (nc->relays[i].modes & XMIP_NTM_RELAY_RS_S ? XMIP_NTM_RELAY_MODE_S : 0) |
				      (nc->relays[i].modes & XMIP_NTM_RELAY_RS_N ? XMIP_NTM_RELAY_MODE_N : 0);
	}
	dc->n_relays = nc->n_relays;
	/* The long-term sequence numbers only match answers: start somewhere new each run. */
	dc->lt_seq = (uint32_t)(xmip_ntm_now_us() / 1000u);
	if (xmip_ntm_dc_load(dc))
		goto fail;
	if (nc->has_dns_server) {
		memcpy(dns_ep.addr, &nc->dns_server, 16);
		dns_ep.port = nc->dns_port;
	}
	dc->dns = xmip_ntm_dns_new(f->core->loop, nc->has_dns_server ? &dns_ep : NULL);
	if (!dc->dns)
		goto fail;
	dc->fd = xmip_ntm_udp_open(nc->port);
	if (dc->fd < 0) {
		log_err("ntm: UDP port %u: %s", nc->port, strerror(-dc->fd));
		goto fail;
	}
	if (xmip_loop_add_fd(f->core->loop, dc->fd, EPOLLIN, on_readable, dc)) {
		log_err("ntm: cannot watch the socket");
		goto fail;
	}
	log_info("ntm: DC %s on UDP port %u: %zu nodes, %zu peer DCs, %zu relays; state in %s",
		 nc->name, nc->port, dc->n_nodes, dc->n_peers, dc->n_relays, nc->state_file);
	xmip_ntm_dc_dump(dc);
	return dc;
fail:
	xmip_ntm_dc_free(dc);
	return NULL;
}

void xmip_ntm_dc_free(struct ntm_dc *dc)
{
	if (!dc)
		return;
	for (int i = 0; i < DC_MAX_TXNS; i++)
		if (dc->txns[i].used)
			txn_free(&dc->txns[i]);
	if (dc->fd >= 0) {
		xmip_loop_del_fd(dc->fam->core->loop, dc->fd);
		close(dc->fd);
	}
	xmip_ntm_dns_free(dc->dns);
	xmip_ntm_pool_free(&dc->pool);
	if (dc->nodes)
		memset(dc->nodes, 0, dc->n_nodes * sizeof(*dc->nodes));   /* secrets */
	free(dc->nodes);
	free(dc->peers);
	free(dc->relays);
	free(dc);
}
