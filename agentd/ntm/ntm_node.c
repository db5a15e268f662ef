// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The NTM node's signalling client (ntm_node.h). One UDP socket on the
 * node's port for the DC, the relays and the peers. Requests are
 * retransmitted after 1, 2, 4, 8 s; only the answer to the latest
 * transmission counts.
 */
#include "ntm_node.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "config.h"
#include "core.h"
#include "log.h"
#include "netlink.h"
#include "ntm_crypto.h"
#include "ntm_io.h"
#include "ntm_node_dp.h"
#include "ntm_replay.h"

#define RTO_MS       1000
#define MAX_RETRANS  4
#define MAX_DIRS     XMIP_NTM_CONF_CONNECT
#define MAX_TUNNELS  32
#define KA_MISS_MAX  3

enum tkind { T_REG, T_KA, T_DIR, T_TUN };

struct ntimer {
	struct xmip_family_timer t;
	enum tkind kind;
	int idx;
};

struct dir {
	char     target[XMIP_NTM_FQDN_MAX + 1];
	uint32_t seq;           /* latest transmission */
	int      tries;
	bool     pending, answered;
	uint16_t status;
	uint8_t  mode;
	uint32_t path_id;
	struct xmip_ntm_vaddrs peer;
	struct ntimer timer;
};

/* The replay window of one sender under a path key (the peer, or the relay). */
struct pathwin {
	uint64_t sender;
	struct xmip_ntm_seqwin w;
};

struct tun {
	bool                   used;
	struct xmip_ntm_tunnel t;
	uint8_t                key[32];
	struct xmip_ntm_keys   k;
	uint32_t               tx_seq, req_seq;
	int                    tries;
	struct pathwin         win[2];
	struct xmip_ntm_ep     observed;
	struct ntimer          timer;
};

struct ntm_node {
	struct xmip_family         *fam;
	const struct xmip_ntm_conf *nc;
	uint64_t                    id, dc_id;
	int                         fd;
	struct xmip_ntm_ep          dc;
	struct xmip_ntm_ep          claimed;
	uint8_t                     prk[32];
	struct xmip_ntm_keys        lt;
	struct xmip_ntm_tsfloor     dc_floor;
	uint64_t                    last_ts;
	uint32_t                    lt_seq;

	/* registration */
	bool                        registered;
	uint8_t                     nonce[16];
	uint32_t                    reg_seq;
	int                         reg_tries;
	struct ntimer               reg_timer;
	struct xmip_ntm_keys        sk;
	struct xmip_ntm_seqwin      rx;
	uint32_t                    tx_seq;
	uint8_t                     vip4[4], vip6[16], plen4, plen6;
	uint16_t                    flags;
	struct xmip_ntm_ep          observed;
	uint32_t                    keepalive_s, lifetime_s;
	uint64_t                    registered_at_s;

	/* keep alive toward the DC */
	struct ntimer               ka_timer;
	uint32_t                    ka_seq;
	int                         ka_missed;

	struct dir                  dirs[MAX_DIRS];
	size_t                      n_dirs;
	struct tun                  tuns[MAX_TUNNELS];

	struct xmip_ntm_tunnel_ops  ops;
	struct ntm_node_dp         *dp;   /* the tc datapath's table, or NULL (signalling only) */
	int                         nl_mon;  /* address and route events: a move, seen at once */
	struct xmip_ntm_counters    cnt;
};

static void dump(struct ntm_node *n);
static void do_register(struct ntm_node *n);

/* ---- the default tunnel callbacks: no datapath yet ---- */

static int log_up(void *ctx, const struct xmip_ntm_tunnel *t)
{
	char e[64], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	(void)ctx;
	inet_ntop(AF_INET, t->peer.v4, a, sizeof(a));
	inet_ntop(AF_INET6, t->peer.v6, b, sizeof(b));
	log_info("ntm: tunnel 0x%08x (%s, %s) to %s: %s, %s via %s (no datapath attached)",
		 t->path_id, xmip_ntm_mode_name(t->mode), t->state == XMIP_NTM_TUN_UP ? "up" : "directed",
		 t->peer_fqdn, a, b, xmip_ntm_ep_str(&t->endpoint, e, sizeof(e)));
	return 0;
}

static void log_down(void *ctx, const struct xmip_ntm_tunnel *t)
{
	(void)ctx;
	log_info("ntm: tunnel 0x%08x to %s removed", t->path_id, t->peer_fqdn);
}

static const struct xmip_ntm_tunnel_ops log_ops = { NULL, log_up, log_down };

void xmip_ntm_node_set_tunnel_ops(struct ntm_node *n, const struct xmip_ntm_tunnel_ops *ops)
{
	n->ops = ops ? *ops : n->dp ? *xmip_ntm_node_dp_ops(n->dp) : log_ops;
}

static void tunnel_up(struct ntm_node *n, struct tun *t)
{
	int rc = n->ops.up(n->ops.ctx, &t->t);

	if (rc)
		log_warn("ntm: datapath refused tunnel 0x%08x: %s", t->t.path_id, strerror(-rc));
}

/* ---- sending ---- */

static int send_msg(struct ntm_node *n, struct xmip_ntm_msg *m, const uint8_t mac[32], uint32_t seq,
		    const struct xmip_ntm_ep *to)
{
	uint8_t buf[XMIP_NTM_MAX_MSG];
	size_t len;
	int rc;

	m->h.sender = n->id;
	m->h.seq = seq;
	m->h.ts_us = xmip_ntm_next_ts(&n->last_ts, xmip_ntm_now_us());
	rc = xmip_ntm_build(m, mac, buf, sizeof(buf), &len);
	if (rc) {
		log_err("ntm: cannot build %s: %s", xmip_ntm_type_name(m->h.type), xmip_ntm_strerror(rc));
		return -1;
	}
	if ((rc = xmip_ntm_send(n->fd, to, buf, len)) < 0) {
		n->cnt.tx_errors++;
		log_warn("ntm: send %s: %s", xmip_ntm_type_name(m->h.type), strerror(-rc));
		return -1;
	}
	n->cnt.tx[m->h.type]++;
	return 0;
}

static void msg_init(struct xmip_ntm_msg *m, int type, uint32_t req_seq)
{
	memset(m, 0, sizeof(*m));
	m->h.type = (uint8_t)type;
	m->h.req_seq = req_seq;
}

static uint64_t backoff_ms(int tries)
{
	return (uint64_t)RTO_MS << (tries < 3 ? tries : 3);
}

static void own_va(const struct ntm_node *n, struct xmip_ntm_vaddrs *va)
{
	memcpy(va->v4, n->vip4, 4);
	memcpy(va->v6, n->vip6, 16);
}

/* ---- registration and keep alive ---- */

static void do_register(struct ntm_node *n)
{
	struct xmip_ntm_msg m;

	if (n->reg_tries == 0 && xmip_ntm_random(n->nonce, sizeof(n->nonce)))
		return;
	if (xmip_ntm_local_addr(&n->dc, n->claimed.addr) < 0)
		memset(n->claimed.addr, 0, 16);   /* no route to the DC now: the NAT check will say NAT */
	n->claimed.port = n->nc->port;
	msg_init(&m, XMIP_NTM_REG_REQ, 0);
	m.u.reg_req.flags = n->nc->unreachable ? XMIP_NTM_REG_F_UNREACHABLE : 0;
	m.u.reg_req.lifetime = n->nc->lifetime_s;
	memcpy(m.u.reg_req.nonce, n->nonce, 16);
	m.u.reg_req.claimed = n->claimed;
	m.has_node_fqdn = true;
	strcpy(m.node_fqdn, n->nc->fqdn);
	n->reg_seq = ++n->lt_seq;
	if (n->reg_tries)
		n->cnt.tx_retrans++;
	send_msg(n, &m, n->lt.mac, n->reg_seq, &n->dc);
	/* retransmit with back-off; past MAX_RETRANS keep trying every 8 s (the DC may come back) */
	xmip_family_timer_in_ms(&n->reg_timer.t, backoff_ms(n->reg_tries));
	n->reg_tries++;
}

static void send_dir(struct ntm_node *n, struct dir *d)
{
	struct xmip_ntm_msg m;

	msg_init(&m, XMIP_NTM_DIR_REQ, 0);
	m.has_target_fqdn = true;
	strcpy(m.target_fqdn, d->target);
	d->seq = ++n->tx_seq;
	if (d->tries)
		n->cnt.tx_retrans++;
	send_msg(n, &m, n->sk.mac, d->seq, &n->dc);
	d->pending = true;
	xmip_family_timer_in_ms(&d->timer.t, backoff_ms(d->tries));
}

static void send_ka(struct ntm_node *n)
{
	struct xmip_ntm_msg m;

	msg_init(&m, XMIP_NTM_KA, 0);
	n->ka_seq = ++n->tx_seq;
	send_msg(n, &m, n->sk.mac, n->ka_seq, &n->dc);
	/* and on every tunnel, to hold its NAT mapping (the datapath may skip it while data flows) */
	for (int i = 0; i < MAX_TUNNELS; i++) {
		struct tun *t = &n->tuns[i];

		if (!t->used || t->t.state != XMIP_NTM_TUN_UP)
			continue;
		msg_init(&m, XMIP_NTM_KA, 0);
		m.u.ka.path_id = t->t.path_id;
		send_msg(n, &m, t->k.mac, ++t->tx_seq, &t->t.endpoint);
	}
}

static void on_registered(struct ntm_node *n, const struct xmip_ntm_msg *m)
{
	uint8_t secret[32];
	char e1[64], e2[64], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	xmip_ntm_session_secret(n->prk, n->nonce, m->u.reg_resp.nonce, secret);
	xmip_ntm_keys_derive(secret, &n->sk);
	memset(secret, 0, sizeof(secret));
	memset(&n->rx, 0, sizeof(n->rx));
	n->tx_seq = 0;
	n->registered = true;
	n->reg_tries = 0;
	memcpy(n->vip4, m->u.reg_resp.va.v4, 4);
	memcpy(n->vip6, m->u.reg_resp.va.v6, 16);
	n->plen4 = m->u.reg_resp.plen4;
	n->plen6 = m->u.reg_resp.plen6;
	n->flags = m->u.reg_resp.flags;
	n->observed = m->u.reg_resp.observed;
	n->keepalive_s = m->u.reg_resp.keepalive ? m->u.reg_resp.keepalive : 20;
	n->lifetime_s = m->u.reg_resp.lifetime;
	n->registered_at_s = xmip_ntm_now_us() / 1000000u;
	n->ka_missed = 0;
	log_info("ntm: registered as %s, %s at %s (claims %s), %s; keep alive every %u s, lifetime %u s",
		 inet_ntop(AF_INET, n->vip4, a, sizeof(a)), inet_ntop(AF_INET6, n->vip6, b, sizeof(b)),
		 xmip_ntm_ep_str(&n->observed, e1, sizeof(e1)),
		 xmip_ntm_ep_str(&n->claimed, e2, sizeof(e2)),
		 n->flags & XMIP_NTM_F_NAT ? "behind a NAT" : "no NAT", n->keepalive_s, n->lifetime_s);
	/* refresh at 2/3 of the lifetime */
	xmip_family_timer_in_ms(&n->reg_timer.t, (uint64_t)n->lifetime_s * 2000 / 3);
	xmip_family_timer_in_ms(&n->ka_timer.t, (uint64_t)n->keepalive_s * 1000);
	/* directions, again after every registration: a move re-directs every peer */
	for (size_t i = 0; i < n->n_dirs; i++) {
		n->dirs[i].tries = 0;
		send_dir(n, &n->dirs[i]);
	}
}

/* ---- tunnels ---- */

static struct tun *tun_by_id(struct ntm_node *n, uint32_t id)
{
	for (int i = 0; i < MAX_TUNNELS; i++)
		if (n->tuns[i].used && n->tuns[i].t.path_id == id)
			return &n->tuns[i];
	return NULL;
}

static void send_tun_req(struct ntm_node *n, struct tun *t)
{
	struct xmip_ntm_msg m;

	msg_init(&m, XMIP_NTM_TUN_REQ, 0);
	m.u.tun_req.path_id = t->t.path_id;
	m.u.tun_req.sender = t->t.own;
	if (xmip_ntm_local_addr(&t->t.endpoint, m.u.tun_req.claimed.addr) < 0)
		memset(m.u.tun_req.claimed.addr, 0, 16);
	m.u.tun_req.claimed.port = n->nc->port;
	m.u.tun_req.peer = t->t.peer;
	t->req_seq = ++t->tx_seq;
	if (t->tries)
		n->cnt.tx_retrans++;
	send_msg(n, &m, t->k.mac, t->req_seq, &t->t.endpoint);
	xmip_family_timer_in_ms(&t->timer.t, backoff_ms(t->tries));
}

static void handle_route_dir(struct ntm_node *n, const struct xmip_ntm_msg *m)
{
	struct xmip_ntm_msg ack;
	struct xmip_ntm_vaddrs own;
	struct tun *t;
	uint8_t key[32];

	msg_init(&ack, XMIP_NTM_ROUTE_ACK, m->h.seq);
	ack.u.route_ack.path_id = m->u.route_dir.path_id;
	own_va(n, &own);
	if (strcmp(m->node_fqdn, n->nc->fqdn) || memcmp(&own, &m->u.route_dir.own, sizeof(own)))
		ack.u.route_ack.status = XMIP_NTM_ERR_BAD_PEER;
	else if (xmip_ntm_unwrap(n->sk.kek, m->u.route_dir.wkey, key))
		ack.u.route_ack.status = XMIP_NTM_ERR_MALFORMED;
	if (ack.u.route_ack.status) {
		log_warn("ntm: Route Direction for path 0x%08x refused: %s", m->u.route_dir.path_id,
			 xmip_ntm_status_name(ack.u.route_ack.status));
		send_msg(n, &ack, n->sk.mac, ++n->tx_seq, &n->dc);
		return;
	}
	t = tun_by_id(n, m->u.route_dir.path_id);
	/* another path to the same peer is replaced by this one */
	for (int i = 0; i < MAX_TUNNELS; i++) {
		struct tun *o = &n->tuns[i];

		if (o->used && o != t && !strcmp(o->t.peer_fqdn, m->target_fqdn)) {
			xmip_family_timer_cancel(&o->timer.t);
			n->ops.down(n->ops.ctx, &o->t);
			o->used = false;
		}
	}
	for (int i = 0; !t && i < MAX_TUNNELS; i++)
		if (!n->tuns[i].used) {
			t = &n->tuns[i];
			memset(t, 0, sizeof(*t));
			t->timer.kind = T_TUN;
			t->timer.idx = i;
			xmip_family_timer_init(n->fam, &t->timer.t, &t->timer);
		}
	if (!t) {
		ack.u.route_ack.status = XMIP_NTM_ERR_UNSPEC;
		send_msg(n, &ack, n->sk.mac, ++n->tx_seq, &n->dc);
		return;
	}
	if (!t->used || memcmp(t->key, key, 32)) {
		memset(t->win, 0, sizeof(t->win));   /* a new key starts new windows */
		t->tx_seq = 0;
	}
	t->used = true;
	memcpy(t->key, key, 32);
	xmip_ntm_keys_derive(t->key, &t->k);
	memset(key, 0, sizeof(key));
	t->t.path_id = m->u.route_dir.path_id;
	t->t.mode = m->u.route_dir.mode;
	t->t.role = m->u.route_dir.role;
	t->t.state = XMIP_NTM_TUN_DIRECTED;
	t->t.endpoint = m->u.route_dir.tunnel;
	t->t.own = m->u.route_dir.own;
	t->t.peer = m->u.route_dir.peer;
	t->t.local_port = n->nc->port;
	strcpy(t->t.peer_fqdn, m->target_fqdn);
	t->tries = 0;
	send_msg(n, &ack, n->sk.mac, ++n->tx_seq, &n->dc);
	tunnel_up(n, t);
	if (t->t.role == XMIP_NTM_ROLE_INITIATOR)
		send_tun_req(n, t);
	else
		xmip_family_timer_cancel(&t->timer.t);
}

static bool path_accept(struct ntm_node *n, struct tun *t, const uint8_t *buf, size_t len,
			const struct xmip_ntm_msg *m)
{
	struct pathwin *w = NULL;

	if (!xmip_ntm_mac_ok(t->k.mac, buf, len)) {
		n->cnt.rx_bad_mac++;
		return false;
	}
	if (!xmip_ntm_ts_in_window(xmip_ntm_now_us(), m->h.ts_us,
				   (uint64_t)n->nc->replay_window_s * 1000000u)) {
		n->cnt.rx_stale++;
		return false;
	}
	for (int i = 0; i < 2 && !w; i++)
		if (t->win[i].sender == m->h.sender || !t->win[i].sender)
			w = &t->win[i];
	if (!w || !xmip_ntm_seqwin_ok(&w->w, m->h.seq)) {
		n->cnt.rx_replay++;
		return false;
	}
	w->sender = m->h.sender;
	xmip_ntm_seqwin_commit(&w->w, m->h.seq);
	return true;
}

static void handle_tun_req(struct ntm_node *n, struct tun *t, const struct xmip_ntm_msg *m,
			   const struct xmip_ntm_ep *from)
{
	struct xmip_ntm_msg r;

	msg_init(&r, XMIP_NTM_TUN_RESP, m->h.seq);
	r.u.tun_resp.path_id = t->t.path_id;
	r.u.tun_resp.observed = *from;
	r.u.tun_resp.responder = t->t.own;
	if (memcmp(&m->u.tun_req.sender, &t->t.peer, sizeof(t->t.peer)) ||
	    memcmp(&m->u.tun_req.peer, &t->t.own, sizeof(t->t.own))) {
		r.u.tun_resp.status = XMIP_NTM_ERR_BAD_PEER;
	} else {
		/* the far end of the tunnel is where the request came from (its NAT mapping) */
		t->t.endpoint = *from;
		t->t.state = XMIP_NTM_TUN_UP;
		tunnel_up(n, t);
	}
	send_msg(n, &r, t->k.mac, ++t->tx_seq, from);
}

static void handle_tun_resp(struct ntm_node *n, struct tun *t, const struct xmip_ntm_msg *m)
{
	if (m->h.req_seq != t->req_seq || t->t.state == XMIP_NTM_TUN_UP) {
		n->cnt.rx_unexpected++;
		return;
	}
	xmip_family_timer_cancel(&t->timer.t);
	if (m->u.tun_resp.status) {
		log_warn("ntm: Tunnel Request for path 0x%08x refused: %s", t->t.path_id,
			 xmip_ntm_status_name(m->u.tun_resp.status));
		return;
	}
	t->observed = m->u.tun_resp.observed;
	t->t.state = XMIP_NTM_TUN_UP;
	tunnel_up(n, t);
}

/* ---- receiving ---- */

static bool dc_accept(struct ntm_node *n, const uint8_t *buf, size_t len, const struct xmip_ntm_msg *m,
		      bool session)
{
	if (m->h.sender != n->dc_id) {
		n->cnt.rx_unknown_sender++;
		return false;
	}
	if (!xmip_ntm_mac_ok(session ? n->sk.mac : n->lt.mac, buf, len)) {
		n->cnt.rx_bad_mac++;
		return false;
	}
	if (!xmip_ntm_ts_in_window(xmip_ntm_now_us(), m->h.ts_us,
				   (uint64_t)n->nc->replay_window_s * 1000000u)) {
		n->cnt.rx_stale++;
		return false;
	}
	if (session ? !xmip_ntm_seqwin_ok(&n->rx, m->h.seq) : !xmip_ntm_tsfloor_ok(&n->dc_floor, m->h.ts_us)) {
		n->cnt.rx_replay++;
		return false;
	}
	if (session)
		xmip_ntm_seqwin_commit(&n->rx, m->h.seq);
	else
		xmip_ntm_tsfloor_commit(&n->dc_floor, m->h.ts_us);
	return true;
}

static void receive(struct ntm_node *n, const uint8_t *buf, size_t len, const struct xmip_ntm_ep *from)
{
	static struct xmip_ntm_msg m;
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
	unsigned int more;
	uint32_t path_id = 0;
	struct tun *t;
	char e[64];
	int rc = xmip_ntm_parse(buf, len, &m);

	if (rc) {
		n->cnt.rx_malformed++;
		if (xmip_log_ratelimit(&rl, &more))
			log_info("ntm: %zu octets from %s dropped: %s", len,
				 xmip_ntm_ep_str(from, e, sizeof(e)), xmip_ntm_strerror(rc));
		goto out;
	}
	switch (m.h.type) {
	case XMIP_NTM_REG_RESP:
		if (!dc_accept(n, buf, len, &m, false))
			goto rejected;
		n->cnt.rx[m.h.type]++;
		if (m.h.req_seq != n->reg_seq || n->reg_tries == 0) {
			n->cnt.rx_unexpected++;
			break;
		}
		if (m.u.reg_resp.status) {
			log_warn("ntm: registration refused: %s", xmip_ntm_status_name(m.u.reg_resp.status));
			n->reg_tries = 0;
			xmip_family_timer_in_ms(&n->reg_timer.t, 30000);
			break;
		}
		on_registered(n, &m);
		break;
	case XMIP_NTM_KA_RESP:
		if (m.u.ka_resp.path_id) {
			path_id = m.u.ka_resp.path_id;
			goto path;
		}
		/* fall through */
	case XMIP_NTM_DIR_RESP:
	case XMIP_NTM_ROUTE_DIR:
		if (!n->registered || !dc_accept(n, buf, len, &m, true))
			goto rejected;
		n->cnt.rx[m.h.type]++;
		if (m.h.type == XMIP_NTM_KA_RESP) {
			if (m.h.req_seq == n->ka_seq)
				n->ka_missed = 0;
			if (!xmip_ntm_ep_eq(&m.u.ka_resp.observed, &n->observed)) {
				log_info("ntm: the DC now sees us at %s: registering again",
					 xmip_ntm_ep_str(&m.u.ka_resp.observed, e, sizeof(e)));
				n->reg_tries = 0;
				do_register(n);
			}
		} else if (m.h.type == XMIP_NTM_DIR_RESP) {
			struct dir *d = NULL;

			for (size_t i = 0; i < n->n_dirs; i++)
				if (!strcmp(n->dirs[i].target, m.target_fqdn) && n->dirs[i].seq == m.h.req_seq)
					d = &n->dirs[i];
			if (!d) {
				n->cnt.rx_unexpected++;
				break;
			}
			xmip_family_timer_cancel(&d->timer.t);
			d->pending = false;
			d->answered = true;
			d->status = m.u.dir_resp.status;
			d->mode = m.u.dir_resp.mode;
			d->path_id = m.u.dir_resp.path_id;
			d->peer = m.u.dir_resp.peer;
			log_info("ntm: direction to %s: %s, %s, path 0x%08x", d->target,
				 xmip_ntm_status_name(d->status), xmip_ntm_mode_name(d->mode), d->path_id);
		} else {
			handle_route_dir(n, &m);
		}
		break;
	case XMIP_NTM_TUN_REQ:
		path_id = m.u.tun_req.path_id;
		goto path;
	case XMIP_NTM_TUN_RESP:
		path_id = m.u.tun_resp.path_id;
		goto path;
	case XMIP_NTM_KA:
		path_id = m.u.ka.path_id;
		goto path;
	default:
		n->cnt.rx_unexpected++;
		break;
	}
	goto out;
path:
	t = tun_by_id(n, path_id);
	if (!t) {
		n->cnt.rx_unknown_sender++;
		goto rejected;
	}
	if (!path_accept(n, t, buf, len, &m))
		goto rejected;
	n->cnt.rx[m.h.type]++;
	if (m.h.type == XMIP_NTM_TUN_REQ) {
		handle_tun_req(n, t, &m, from);
	} else if (m.h.type == XMIP_NTM_TUN_RESP) {
		handle_tun_resp(n, t, &m);
	} else if (m.h.type == XMIP_NTM_KA) {
		struct xmip_ntm_msg r;

		msg_init(&r, XMIP_NTM_KA_RESP, m.h.seq);
		r.u.ka_resp.path_id = path_id;
		r.u.ka_resp.observed = *from;
		send_msg(n, &r, t->k.mac, ++t->tx_seq, from);
	}
	goto out;
rejected:
	if (xmip_log_ratelimit(&rl, &more))
		log_info("ntm: %s from %s rejected (bad MAC %llu, replay %llu, stale %llu, unknown %llu "
			 "so far)", xmip_ntm_type_name(m.h.type), xmip_ntm_ep_str(from, e, sizeof(e)),
			 (unsigned long long)n->cnt.rx_bad_mac, (unsigned long long)n->cnt.rx_replay,
			 (unsigned long long)n->cnt.rx_stale, (unsigned long long)n->cnt.rx_unknown_sender);
out:
	dump(n);
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct ntm_node *n = arg;
	uint8_t buf[XMIP_NTM_MAX_MSG + 1];
	struct xmip_ntm_ep from;
	ssize_t len;

	(void)loop;
	(void)events;
	while ((len = xmip_ntm_recv(fd, buf, sizeof(buf), &from)) > 0) {
		if (buf[0] == XMIP_NTM_V_DATA)
			continue;   /* tunnel data reaches the socket only without a datapath: drop */
		receive(n, buf, (size_t)len > sizeof(buf) ? sizeof(buf) : (size_t)len, &from);
	}
}

/*
 * An address or route changed: if the address we would send to the DC from
 * is no longer the one we registered with, we moved (section 7,
 * "Handover"): register again now rather than at the next Keep Alive
 * Response (which still catches a move the host does not see: a new NAT).
 */
static void on_netlink(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct ntm_node *n = arg;
	uint8_t now[16];
	char a[INET6_ADDRSTRLEN];

	(void)loop;
	(void)events;
	if (xmip_nl_monitor_drain(fd) <= 0 || !n->registered)
		return;
	if (xmip_ntm_local_addr(&n->dc, now) < 0 || !memcmp(now, n->claimed.addr, 16))
		return;
	if (!memcmp(now, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12))   /* IPv4-mapped: as IPv4 */
		inet_ntop(AF_INET, now + 12, a, sizeof(a));
	else
		inet_ntop(AF_INET6, now, a, sizeof(a));
	log_info("ntm: our address toward the DC is now %s: registering again", a);
	n->reg_tries = 0;
	do_register(n);
	dump(n);
}

void xmip_ntm_node_timer(struct ntm_node *n, struct xmip_family_timer *ft)
{
	struct ntimer *nt = ft->arg;

	switch (nt->kind) {
	case T_REG:   /* a retransmission, or (reg_tries 0) a refresh: new nonce, new session */
		do_register(n);
		break;
	case T_KA:
		if (!n->registered)
			break;
		if (n->ka_seq && ++n->ka_missed > KA_MISS_MAX) {
			log_warn("ntm: no Keep Alive Response from the DC %d times: registering again",
				 KA_MISS_MAX);
			n->ka_missed = 0;
			n->reg_tries = 0;
			do_register(n);
		}
		send_ka(n);
		xmip_family_timer_in_ms(&n->ka_timer.t, (uint64_t)n->keepalive_s * 1000);
		break;
	case T_DIR: {
		struct dir *d = &n->dirs[nt->idx];

		if (d->pending && ++d->tries <= MAX_RETRANS) {
			send_dir(n, d);
		} else if (d->pending) {
			d->pending = false;
			log_warn("ntm: no Direction Response for %s", d->target);
		}
		break;
	}
	case T_TUN: {
		struct tun *t = &n->tuns[nt->idx];

		if (t->used && t->t.state != XMIP_NTM_TUN_UP && ++t->tries <= MAX_RETRANS)
			send_tun_req(n, t);
		else if (t->used && t->t.state != XMIP_NTM_TUN_UP)
			log_warn("ntm: no Tunnel Response on path 0x%08x", t->t.path_id);
		break;
	}
	}
	dump(n);
}

/* ---- dump ---- */

static void write_dump(FILE *f, void *arg)
{
	struct ntm_node *n = arg;
	struct xmip_json j;
	char a[64];

#define KS(k, v) do { xmip_json_key(&j, k); xmip_json_str(&j, v); } while (0)
#define KB(k, v) do { xmip_json_key(&j, k); xmip_json_bool(&j, v); } while (0)
	xmip_json_init(&j, f, false);
	xmip_json_obj_open(&j);
	KS("role", "ntm");
	KS("fqdn", n->nc->fqdn);
	KB("registered", n->registered);
	if (n->registered) {
		KS("vip4", inet_ntop(AF_INET, n->vip4, a, sizeof(a)));
		KS("vip6", inet_ntop(AF_INET6, n->vip6, a, sizeof(a)));
		xmip_json_key(&j, "plen4");
		xmip_json_u64(&j, n->plen4);
		xmip_json_key(&j, "plen6");
		xmip_json_u64(&j, n->plen6);
		KB("nat", n->flags & XMIP_NTM_F_NAT);
		KS("observed", xmip_ntm_ep_str(&n->observed, a, sizeof(a)));
		KS("claimed", xmip_ntm_ep_str(&n->claimed, a, sizeof(a)));
		xmip_json_key(&j, "keepalive");
		xmip_json_u64(&j, n->keepalive_s);
	}
	xmip_json_key(&j, "directions");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < n->n_dirs; i++) {
		const struct dir *d = &n->dirs[i];

		xmip_json_obj_open(&j);
		KS("target", d->target);
		KB("answered", d->answered);
		if (d->answered) {
			KS("status", xmip_ntm_status_name(d->status));
			KS("mode", xmip_ntm_mode_name(d->mode));
			snprintf(a, sizeof(a), "0x%08x", d->path_id);
			KS("path_id", a);
			KS("peer_vip4", inet_ntop(AF_INET, d->peer.v4, a, sizeof(a)));
			KS("peer_vip6", inet_ntop(AF_INET6, d->peer.v6, a, sizeof(a)));
		}
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "tunnels");
	xmip_json_arr_open(&j);
	for (int i = 0; i < MAX_TUNNELS; i++) {
		const struct tun *t = &n->tuns[i];

		if (!t->used)
			continue;
		xmip_json_obj_open(&j);
		snprintf(a, sizeof(a), "0x%08x", t->t.path_id);
		KS("path_id", a);
		KS("mode", xmip_ntm_mode_name(t->t.mode));
		KS("role", t->t.role == XMIP_NTM_ROLE_INITIATOR ? "initiator" : "responder");
		KS("state", t->t.state == XMIP_NTM_TUN_UP ? "up" : "directed");
		KS("peer", t->t.peer_fqdn);
		KS("peer_vip4", inet_ntop(AF_INET, t->t.peer.v4, a, sizeof(a)));
		KS("peer_vip6", inet_ntop(AF_INET6, t->t.peer.v6, a, sizeof(a)));
		KS("endpoint", xmip_ntm_ep_str(&t->t.endpoint, a, sizeof(a)));
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "counters");
	xmip_ntm_counters_json(&j, &n->cnt);
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
#undef KS
#undef KB
}

static void dump(struct ntm_node *n)
{
	if (n->nc->dump_file[0])
		xmip_ntm_write_atomic(n->nc->dump_file, 0644, write_dump, n);
}

/* ---- set-up ---- */

struct ntm_node *xmip_ntm_node_new(struct xmip_family *f)
{
	const struct xmip_ntm_conf *nc = &f->core->conf->ntm;
	struct ntm_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->fam = f;
	n->nc = nc;
	n->fd = -1;
	n->nl_mon = -1;
	n->ops = log_ops;
	n->id = xmip_ntm_sender_id(nc->fqdn);
	n->dc_id = xmip_ntm_sender_id(nc->dc_name);
	memcpy(n->dc.addr, &nc->dc, 16);
	n->dc.port = nc->dc_port;
	xmip_ntm_psk_prk(nc->key, nc->key_len, n->prk);
	xmip_ntm_keys_derive(n->prk, &n->lt);
	n->lt_seq = (uint32_t)(xmip_ntm_now_us() / 1000u);
	n->reg_timer.kind = T_REG;
	n->ka_timer.kind = T_KA;
	xmip_family_timer_init(f, &n->reg_timer.t, &n->reg_timer);
	xmip_family_timer_init(f, &n->ka_timer.t, &n->ka_timer);
	for (size_t i = 0; i < nc->n_connect; i++) {
		struct dir *d = &n->dirs[n->n_dirs];

		strcpy(d->target, nc->connect[i]);
		d->timer.kind = T_DIR;
		d->timer.idx = (int)n->n_dirs++;
		xmip_family_timer_init(f, &d->timer.t, &d->timer);
	}
	n->fd = xmip_ntm_udp_open(nc->port);
	if (n->fd < 0) {
		log_err("ntm: UDP port %u: %s", nc->port, strerror(-n->fd));
		free(n);
		return NULL;
	}
	if (xmip_loop_add_fd(f->core->loop, n->fd, EPOLLIN, on_readable, n)) {
		close(n->fd);
		free(n);
		return NULL;
	}
	n->dp = xmip_ntm_node_dp_open(f);
	if (n->dp)
		n->ops = *xmip_ntm_node_dp_ops(n->dp);
	n->nl_mon = xmip_nl_monitor_open_groups(RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
						RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE);
	if (n->nl_mon >= 0 && xmip_loop_add_fd(f->core->loop, n->nl_mon, EPOLLIN, on_netlink, n)) {
		close(n->nl_mon);
		n->nl_mon = -1;
	}
	if (n->nl_mon < 0)
		log_warn("ntm: no netlink monitor: moves are seen at the next Keep Alive Response");
	log_info("ntm: node %s on UDP port %u, DC %s", nc->fqdn, nc->port, nc->dc_name);
	do_register(n);
	dump(n);
	return n;
}

void xmip_ntm_node_free(struct ntm_node *n)
{
	if (!n)
		return;
	xmip_family_timer_cancel(&n->reg_timer.t);
	xmip_family_timer_cancel(&n->ka_timer.t);
	for (size_t i = 0; i < n->n_dirs; i++)
		xmip_family_timer_cancel(&n->dirs[i].timer.t);
	for (int i = 0; i < MAX_TUNNELS; i++)
		if (n->tuns[i].used)
			xmip_family_timer_cancel(&n->tuns[i].timer.t);
	if (n->fd >= 0) {
		xmip_loop_del_fd(n->fam->core->loop, n->fd);
		close(n->fd);
	}
	xmip_ntm_node_dp_close(n->dp);
	if (n->nl_mon >= 0) {
		xmip_loop_del_fd(n->fam->core->loop, n->nl_mon);
		close(n->nl_mon);
	}
	memset(n, 0, sizeof(*n));   /* keys */
	free(n);
}
