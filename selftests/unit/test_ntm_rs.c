// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The relay agent's decisions (agentd/ntm/ntm_rs.c through ntm_rs_core.h),
 * against an in-memory relay table, a capture of what it sends and a clock
 * the test moves (docs/ntmobile.md sections 6.6, 6.8, 9, 14):
 *  - Relay Direction: accepted (path made, authenticated answer); a forged
 *    MAC, a changed body, a replay, a stale one or an unknown DC change
 *    nothing;
 *  - Tunnel Request: both RS-S legs joined in the table; a replayed or
 *    forged one changes nothing; a wrong peer is refused; a moved leg's old
 *    entry goes;
 *  - RS-N pool ports: one per flow, in order; exhaustion drops the first
 *    packet with a counted error and writes nothing;
 *  - the idle sweep: a path with no traffic for `idle` ends with all its
 *    entries; traffic (the datapath's last_used moving) keeps it; its
 *    lifetime ends it regardless.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ntm_crypto.h"
#include "ntm_io.h"
#include "ntm_rs.h"
#include "ntm_rs_core.h"
#include "ntm_wire.h"
#include "xmip_ntm.h"

#define PORT    49602
#define POOL_LO 50000
#define PATH_S  0x2a5f1c03u
#define PATH_N  (0x1b3e0d41u | XMIP_NTM_PATH_RSN_BIT)
#define MAXE    64

/* ---- the fake relay table, sender and clock ---- */

struct fake {
	struct { bool used; struct xmip_ntm_relay_key k; struct xmip_ntm_relay_val v; } e[MAXE];
	int sends;
	uint8_t last[XMIP_NTM_MAX_MSG];
	size_t last_len;
	struct xmip_ntm_ep last_to;
	uint64_t now_ms;
};

static int find(struct fake *f, const struct xmip_ntm_relay_key *k)
{
	for (int i = 0; i < MAXE; i++)
		if (f->e[i].used && !memcmp(&f->e[i].k, k, sizeof(*k)))
			return i;
	return -1;
}

static int f_put(void *ctx, const struct xmip_ntm_relay_key *k, const struct xmip_ntm_relay_val *v)
{
	struct fake *f = ctx;
	int i = find(f, k);

	for (int j = 0; i < 0 && j < MAXE; j++)
		if (!f->e[j].used)
			i = j;
	if (i < 0)
		return -1;
	f->e[i].used = true;
	f->e[i].k = *k;
	f->e[i].v = *v;
	return 0;
}

static int f_get(void *ctx, const struct xmip_ntm_relay_key *k, struct xmip_ntm_relay_val *v)
{
	struct fake *f = ctx;
	int i = find(f, k);

	if (i < 0)
		return -1;
	*v = f->e[i].v;
	return 0;
}

static void f_del(void *ctx, const struct xmip_ntm_relay_key *k)
{
	struct fake *f = ctx;
	int i = find(f, k);

	if (i >= 0)
		f->e[i].used = false;
}

static int f_send(void *ctx, const struct xmip_ntm_ep *to, const uint8_t *buf, size_t len)
{
	struct fake *f = ctx;

	f->sends++;
	memcpy(f->last, buf, len);
	f->last_len = len;
	f->last_to = *to;
	return 0;
}

static uint64_t f_now(void *ctx)
{
	return ((struct fake *)ctx)->now_ms;
}

static int entries(const struct fake *f)
{
	int n = 0;

	for (int i = 0; i < MAXE; i++)
		n += f->e[i].used;
	return n;
}

/* ---- set-up ---- */

struct world {
	struct fake f;
	struct xmip_ntm_conf nc;
	struct xmip_ntm_conf_peer dc;
	struct xmip_ntm_keys dck;   /* K_rs of dc1 */
	struct ntm_rs *r;
	uint32_t dc_seq;
	uint8_t pathkey[32];
};

static void ep(struct xmip_ntm_ep *e, const char *a4, uint16_t port)
{
	memset(e, 0, sizeof(*e));
	e->addr[10] = e->addr[11] = 0xff;
	inet_pton(AF_INET, a4, e->addr + 12);
	e->port = port;
}

static void va(struct xmip_ntm_vaddrs *v, const char *a4, const char *a6)
{
	memset(v, 0, sizeof(*v));
	if (a4)
		inet_pton(AF_INET, a4, v->v4);
	if (a6)
		inet_pton(AF_INET6, a6, v->v6);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct xmip_ntm_rs_io io = { .put = f_put, .get = f_get, .del = f_del, .send = f_send,
				     .now_ms = f_now };
	uint8_t prk[32];

	assert_non_null(w);
	io.ctx = &w->f;
	w->f.now_ms = 1000000;
	w->nc.port = PORT;
	w->nc.replay_window_s = 30;
	w->nc.rs_idle_s = 65;
	w->nc.rs_pool_lo = POOL_LO;
	w->nc.rs_pool_hi = POOL_LO + 1;   /* two ports: exhaustion is reachable */
	strcpy(w->nc.rs_name, "rs1.example");
	w->nc.rs_has4 = true;
	w->nc.rs_addr4.s6_addr[10] = w->nc.rs_addr4.s6_addr[11] = 0xff;
	inet_pton(AF_INET, "203.0.113.30", &w->nc.rs_addr4.s6_addr[12]);
	strcpy(w->dc.name, "dc1.example");
	memcpy(w->dc.key, "a shared secret for the relay!!!", 32);
	w->dc.key_len = 32;
	w->nc.rs_dcs = &w->dc;
	w->nc.n_rs_dcs = 1;
	xmip_ntm_psk_prk(w->dc.key, w->dc.key_len, prk);
	xmip_ntm_keys_derive(prk, &w->dck);
	memset(w->pathkey, 0x5c, sizeof(w->pathkey));
	w->r = xmip_ntm_rs_core_new(&w->nc, &io);
	assert_non_null(w->r);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	xmip_ntm_rs_free(w->r);
	free(w);
	return 0;
}

static size_t build(struct xmip_ntm_msg *m, uint64_t sender, uint32_t seq, const uint8_t mac[32],
		    uint8_t *out)
{
	size_t len = 0;

	m->h.sender = sender;
	m->h.seq = seq;
	m->h.ts_us = xmip_ntm_now_us();
	assert_int_equal(xmip_ntm_build(m, mac, out, XMIP_NTM_MAX_MSG, &len), 0);
	return len;
}

/* A Relay Direction Request from dc1 (K_rs), the path key wrapped with its kek. */
static size_t relay_req(struct world *w, uint32_t id, uint8_t mode, uint32_t lifetime, uint8_t *out)
{
	struct xmip_ntm_msg m;

	memset(&m, 0, sizeof(m));
	m.h.type = XMIP_NTM_RELAY_REQ;
	m.u.relay_req.path_id = id;
	m.u.relay_req.mode = mode;
	m.u.relay_req.lifetime = lifetime;
	assert_int_equal(xmip_ntm_wrap(w->dck.kek, w->pathkey, m.u.relay_req.wkey), 0);
	va(&m.u.relay_req.a, "10.200.0.7", "fd00:200::7");
	va(&m.u.relay_req.b, "10.200.128.1", "fd00:200:8000::1");
	if (mode == XMIP_NTM_MODE_RS_N)
		va(&m.u.relay_req.gn, "198.51.100.80", NULL);
	return build(&m, xmip_ntm_sender_id("dc1.example"), ++w->dc_seq, w->dck.mac, out);
}

/* A Tunnel Request (K_path) from node `side` (0: a, 1: b). */
static size_t tun_req(struct world *w, uint32_t id, int side, uint32_t seq, uint8_t *out)
{
	struct xmip_ntm_keys pk;
	struct xmip_ntm_msg m;

	xmip_ntm_keys_derive(w->pathkey, &pk);
	memset(&m, 0, sizeof(m));
	m.h.type = XMIP_NTM_TUN_REQ;
	m.u.tun_req.path_id = id;
	va(side ? &m.u.tun_req.sender : &m.u.tun_req.peer, "10.200.128.1", "fd00:200:8000::1");
	va(side ? &m.u.tun_req.peer : &m.u.tun_req.sender, "10.200.0.7", "fd00:200::7");
	return build(&m, xmip_ntm_sender_id(side ? "b.example" : "a.example"), seq, pk.mac, out);
}

static void rx(struct world *w, uint8_t *buf, size_t len, const struct xmip_ntm_ep *from)
{
	uint8_t copy[XMIP_NTM_MAX_MSG + 64];

	memcpy(copy, buf, len);   /* the agent may rewrite what it gets */
	xmip_ntm_rs_receive(w->r, copy, len, from);
}

static struct xmip_ntm_rs_stats stats(struct world *w)
{
	struct xmip_ntm_rs_stats s;

	xmip_ntm_rs_stats(w->r, &s);
	return s;
}

/* The last answer, authenticated with mac, parsed. */
static void last_msg(struct world *w, const uint8_t mac[32], struct xmip_ntm_msg *m)
{
	assert_true(xmip_ntm_mac_ok(mac, w->f.last, w->f.last_len));
	assert_int_equal(xmip_ntm_parse(w->f.last, w->f.last_len, m), 0);
}

/* ---- Relay Direction ---- */

static void test_relay_direction(void **state)
{
	struct world *w = *state;
	static uint8_t b[XMIP_NTM_MAX_MSG], b2[XMIP_NTM_MAX_MSG];
	static struct xmip_ntm_msg m;
	struct xmip_ntm_ep dc;
	size_t n, n2;

	ep(&dc, "192.0.2.10", 49600);
	n = relay_req(w, PATH_S, XMIP_NTM_MODE_RS_S, 600, b);
	rx(w, b, n, &dc);
	assert_int_equal(w->f.sends, 1);
	last_msg(w, w->dck.mac, &m);
	assert_int_equal(m.h.type, XMIP_NTM_RELAY_RESP);
	assert_int_equal(m.u.relay_resp.status, 0);
	assert_int_equal(m.u.relay_resp.path_id, PATH_S);
	assert_int_equal(m.u.relay_resp.relay.port, PORT);
	assert_memory_equal(m.u.relay_resp.relay.addr, w->nc.rs_addr4.s6_addr, 16);
	assert_memory_equal(&w->f.last_to, &dc, sizeof(dc));
	assert_int_equal(stats(w).paths, 1);
	assert_int_equal(stats(w).cnt->rx[XMIP_NTM_RELAY_REQ], 1);

	/* replayed: nothing changes, no answer */
	rx(w, b, n, &dc);
	assert_int_equal(w->f.sends, 1);
	assert_int_equal(stats(w).cnt->rx_replay, 1);
	assert_int_equal(stats(w).paths, 1);

	/* forged (a new path; one octet of the MAC changed): nothing */
	n2 = relay_req(w, PATH_S + 1, XMIP_NTM_MODE_RS_S, 600, b2);
	b2[n2 - 1] ^= 1;
	rx(w, b2, n2, &dc);
	assert_int_equal(w->f.sends, 1);
	assert_int_equal(stats(w).cnt->rx_bad_mac, 1);
	assert_int_equal(stats(w).paths, 1);

	/* forged body under a valid-looking MAC: the lifetime changed after signing */
	n2 = relay_req(w, PATH_S + 2, XMIP_NTM_MODE_RS_S, 600, b2);
	b2[n2 / 2] ^= 0x40;
	rx(w, b2, n2, &dc);
	assert_int_equal(stats(w).paths, 1);
	assert_int_equal(w->f.sends, 1);

	/* correctly signed but stale (a minute old, the window is 30 s): nothing */
	{
		static struct xmip_ntm_msg o;
		size_t len = 0;

		memset(&o, 0, sizeof(o));
		o.h.type = XMIP_NTM_RELAY_REQ;
		o.h.sender = xmip_ntm_sender_id("dc1.example");
		o.h.seq = ++w->dc_seq;
		o.h.ts_us = xmip_ntm_now_us() - 60000000u;
		o.u.relay_req.path_id = PATH_S + 3;
		o.u.relay_req.mode = XMIP_NTM_MODE_RS_S;
		o.u.relay_req.lifetime = 600;
		assert_int_equal(xmip_ntm_wrap(w->dck.kek, w->pathkey, o.u.relay_req.wkey), 0);
		assert_int_equal(xmip_ntm_build(&o, w->dck.mac, b2, sizeof(b2), &len), 0);
		rx(w, b2, len, &dc);
		assert_int_equal(stats(w).cnt->rx_stale, 1);
		assert_int_equal(w->f.sends, 1);
		assert_int_equal(stats(w).paths, 1);
	}
	assert_int_equal(entries(&w->f), 0);   /* no leg yet: nothing in the table */
}

static void test_relay_direction_unknown_dc(void **state)
{
	struct world *w = *state;
	static uint8_t b[XMIP_NTM_MAX_MSG];
	static struct xmip_ntm_msg m;
	struct xmip_ntm_ep dc;
	size_t n;

	ep(&dc, "192.0.2.11", 49600);
	memset(&m, 0, sizeof(m));
	m.h.type = XMIP_NTM_RELAY_REQ;
	m.u.relay_req.path_id = PATH_S;
	m.u.relay_req.mode = XMIP_NTM_MODE_RS_S;
	m.u.relay_req.lifetime = 600;
	n = build(&m, xmip_ntm_sender_id("dc2.example"), 1, w->dck.mac, b);
	rx(w, b, n, &dc);
	assert_int_equal(stats(w).cnt->rx_unknown_sender, 1);
	assert_int_equal(stats(w).paths, 0);
	assert_int_equal(w->f.sends, 0);
}

/* ---- Tunnel Request (RS-S) ---- */

static void leg_key(struct xmip_ntm_relay_key *k, const struct xmip_ntm_ep *e, uint32_t id)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->addr, e->addr, 16);
	k->path_id = htonl(id);
	k->sport = htons(e->port);
	k->dport = htons(PORT);
	k->proto = 17;
	k->kind = XMIP_NTM_RK_TUNNEL;
}

static void test_tunnel_request(void **state)
{
	struct world *w = *state;
	static uint8_t b[XMIP_NTM_MAX_MSG], ba[XMIP_NTM_MAX_MSG];
	static struct xmip_ntm_msg m;
	struct xmip_ntm_ep dc, a, bb, a2;
	struct xmip_ntm_relay_key k;
	struct xmip_ntm_relay_val v;
	struct xmip_ntm_keys pk;
	size_t n, na;

	xmip_ntm_keys_derive(w->pathkey, &pk);
	ep(&dc, "192.0.2.10", 49600);
	ep(&a, "198.51.100.7", 40001);
	ep(&bb, "198.51.100.9", 40002);
	ep(&a2, "198.51.100.77", 41001);
	n = relay_req(w, PATH_S, XMIP_NTM_MODE_RS_S, 600, b);
	rx(w, b, n, &dc);

	na = tun_req(w, PATH_S, 0, 1, ba);
	rx(w, ba, na, &a);
	assert_int_equal(w->f.sends, 2);
	last_msg(w, pk.mac, &m);
	assert_int_equal(m.h.type, XMIP_NTM_TUN_RESP);
	assert_int_equal(m.u.tun_resp.status, 0);
	assert_memory_equal(&m.u.tun_resp.observed, &a, sizeof(a));
	assert_int_equal(entries(&w->f), 0);   /* one leg: nothing to join yet */

	n = tun_req(w, PATH_S, 1, 1, b);
	rx(w, b, n, &bb);
	assert_int_equal(entries(&w->f), 2);
	leg_key(&k, &a, PATH_S);
	assert_int_equal(f_get(&w->f, &k, &v), 0);
	assert_memory_equal(v.out_dst, bb.addr, 16);
	assert_int_equal(ntohs(v.out_dport), 40002);
	assert_int_equal(ntohs(v.out_sport), PORT);
	assert_memory_equal(v.out_src, w->nc.rs_addr4.s6_addr, 16);
	assert_int_equal(v.kind, XMIP_NTM_RK_TUNNEL);
	assert_int_equal(v.mode, XMIP_NTM_MODE_RS_S);
	leg_key(&k, &bb, PATH_S);
	assert_int_equal(f_get(&w->f, &k, &v), 0);
	assert_memory_equal(v.out_dst, a.addr, 16);
	assert_int_equal(ntohs(v.out_dport), 40001);

	/* A's request replayed from elsewhere: a sequence number seen, nothing moves */
	rx(w, ba, na, &a2);
	assert_int_equal(stats(w).cnt->rx_replay, 1);
	leg_key(&k, &a, PATH_S);
	assert_int_equal(f_get(&w->f, &k, &v), 0);
	assert_int_equal(entries(&w->f), 2);

	/* forged (MAC) from elsewhere: nothing moves */
	na = tun_req(w, PATH_S, 0, 2, ba);
	ba[na - 3] ^= 0x10;
	rx(w, ba, na, &a2);
	assert_int_equal(stats(w).cnt->rx_bad_mac, 1);
	assert_int_equal(f_get(&w->f, &k, &v), 0);
	assert_int_equal(entries(&w->f), 2);

	/* A really moved: its old entry goes, the new one joins B, B's points at it */
	na = tun_req(w, PATH_S, 0, 3, ba);
	rx(w, ba, na, &a2);
	assert_int_equal(f_get(&w->f, &k, &v), -1);
	leg_key(&k, &a2, PATH_S);
	assert_int_equal(f_get(&w->f, &k, &v), 0);
	leg_key(&k, &bb, PATH_S);
	assert_int_equal(f_get(&w->f, &k, &v), 0);
	assert_memory_equal(v.out_dst, a2.addr, 16);
	assert_int_equal(ntohs(v.out_dport), 41001);
	assert_int_equal(entries(&w->f), 2);
}

static void test_tunnel_request_bad_peer(void **state)
{
	struct world *w = *state;
	static uint8_t b[XMIP_NTM_MAX_MSG];
	static struct xmip_ntm_msg m;
	struct xmip_ntm_ep dc, a;
	struct xmip_ntm_keys pk;
	size_t n;

	xmip_ntm_keys_derive(w->pathkey, &pk);
	ep(&dc, "192.0.2.10", 49600);
	ep(&a, "198.51.100.7", 40001);
	n = relay_req(w, PATH_S, XMIP_NTM_MODE_RS_S, 600, b);
	rx(w, b, n, &dc);
	/* correctly signed, but naming addresses that are not the path's */
	memset(&m, 0, sizeof(m));
	m.h.type = XMIP_NTM_TUN_REQ;
	m.u.tun_req.path_id = PATH_S;
	va(&m.u.tun_req.sender, "10.200.0.99", NULL);
	va(&m.u.tun_req.peer, "10.200.128.1", "fd00:200:8000::1");
	n = build(&m, xmip_ntm_sender_id("a.example"), 1, pk.mac, b);
	rx(w, b, n, &a);
	last_msg(w, pk.mac, &m);
	assert_int_equal(m.u.tun_resp.status, XMIP_NTM_ERR_BAD_PEER);
	assert_int_equal(entries(&w->f), 0);
}

/* ---- RS-N: pool ports ---- */

/* Tunnel data: 0x11 header, IPv4/UDP 10.200.0.7:sport -> 10.200.128.1:80, 8 octets of payload. */
static size_t data_pkt(uint8_t *b, uint32_t id, uint16_t sport)
{
	uint8_t ip[36] = { 0x45, 0, 0, 36, 0, 1, 0, 0, 64, 17, 0, 0, 10, 200, 0, 7, 10, 200, 128, 1 };
	uint32_t sum = 0;

	ip[20] = (uint8_t)(sport >> 8);
	ip[21] = (uint8_t)sport;
	ip[23] = 80;
	ip[25] = 16;     /* UDP length */
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	b[0] = XMIP_NTM_V_DATA;
	b[1] = 4;
	b[2] = b[3] = 0;
	b[4] = (uint8_t)(id >> 24);
	b[5] = (uint8_t)(id >> 16);
	b[6] = (uint8_t)(id >> 8);
	b[7] = (uint8_t)id;
	memcpy(b + 8, ip, sizeof(ip));
	return 8 + sizeof(ip);
}

static void test_pool(void **state)
{
	struct world *w = *state;
	static uint8_t b[XMIP_NTM_MAX_MSG];
	struct xmip_ntm_ep dc, a, other;
	size_t n;

	ep(&dc, "192.0.2.10", 49600);
	ep(&a, "198.51.100.7", 40001);
	ep(&other, "198.51.100.66", 40001);
	n = relay_req(w, PATH_N, XMIP_NTM_MODE_RS_N, 600, b);
	rx(w, b, n, &dc);
	n = tun_req(w, PATH_N, 0, 1, b);
	rx(w, b, n, &a);
	assert_int_equal(entries(&w->f), 1);   /* the RS-N tunnel leg */

	/* a flow's first packet from a source that is not the leg: nothing */
	n = data_pkt(b, PATH_N, 33000);
	rx(w, b, n, &other);
	assert_int_equal(stats(w).flows, 0);
	assert_int_equal(stats(w).cnt->rx_unexpected, 1);

	for (uint16_t i = 0; i < 2; i++) {
		struct xmip_ntm_relay_key k = { .proto = 17, .kind = XMIP_NTM_RK_RSN_REV };
		struct xmip_ntm_relay_val v;

		n = data_pkt(b, PATH_N, 33000 + i);
		rx(w, b, n, &a);
		assert_int_equal(stats(w).flows, i + 1);
		/* the reply's entry: from the GN 198.51.100.80:80 to the pool port POOL_LO + i */
		k.addr[10] = k.addr[11] = 0xff;
		inet_pton(AF_INET, "198.51.100.80", k.addr + 12);
		k.sport = htons(80);
		k.dport = htons(POOL_LO + i);
		assert_int_equal(f_get(&w->f, &k, &v), 0);
		assert_int_equal(ntohs(v.inner_port), 33000 + i);
		assert_int_equal(ntohs(v.out_dport), 40001);
	}
	assert_int_equal(entries(&w->f), 5);
	assert_int_equal(stats(w).pool_exhausted, 0);

	/* a third flow: the two-port pool is exhausted; counted, nothing written */
	n = data_pkt(b, PATH_N, 33002);
	rx(w, b, n, &a);
	assert_int_equal(stats(w).pool_exhausted, 1);
	assert_int_equal(stats(w).flows, 2);
	assert_int_equal(entries(&w->f), 5);

	/* the same flow again (its first packet seen twice) takes no second port */
	n = data_pkt(b, PATH_N, 33002);
	rx(w, b, n, &a);
	assert_int_equal(stats(w).pool_exhausted, 2);
	assert_int_equal(stats(w).flows_made, 2);
}

/*
 * The node behind an RS-N path moves (section 7, "Handover"): its Tunnel
 * Request from a new mapping moves the leg, and its flow keeps its pool
 * port: the forward entry is keyed by the new mapping (the old key gone),
 * the reverse entry tunnels to the new mapping. The GN sees nothing change.
 */
static void test_pool_flow_moves(void **state)
{
	struct world *w = *state;
	static uint8_t b[XMIP_NTM_MAX_MSG];
	struct xmip_ntm_relay_key fwd = { .proto = 17, .kind = XMIP_NTM_RK_RSN_FWD };
	struct xmip_ntm_relay_key rev = { .proto = 17, .kind = XMIP_NTM_RK_RSN_REV };
	struct xmip_ntm_relay_val v;
	struct xmip_ntm_ep dc, a, a2;
	size_t n;

	ep(&dc, "192.0.2.10", 49600);
	ep(&a, "198.51.100.7", 40001);
	ep(&a2, "198.51.100.77", 41234);
	n = relay_req(w, PATH_N, XMIP_NTM_MODE_RS_N, 600, b);
	rx(w, b, n, &dc);
	n = tun_req(w, PATH_N, 0, 1, b);
	rx(w, b, n, &a);
	n = data_pkt(b, PATH_N, 33000);
	rx(w, b, n, &a);
	assert_int_equal(stats(w).flows, 1);
	assert_int_equal(entries(&w->f), 3);

	n = tun_req(w, PATH_N, 0, 2, b);
	rx(w, b, n, &a2);
	assert_int_equal(stats(w).flows, 1);
	assert_int_equal(entries(&w->f), 3);   /* leg and flow moved, nothing left behind */
	/* forward: the new mapping's key, same pool port; the old key is gone */
	memcpy(fwd.addr, a2.addr, 16);
	fwd.path_id = htonl(PATH_N);
	fwd.sport = htons(41234);
	fwd.dport = htons(49602);
	fwd.port2 = htons(33000);
	assert_int_equal(f_get(&w->f, &fwd, &v), 0);
	assert_int_equal(ntohs(v.out_sport), POOL_LO);
	memcpy(fwd.addr, a.addr, 16);
	fwd.sport = htons(40001);
	assert_int_not_equal(f_get(&w->f, &fwd, &v), 0);
	/* reverse: the GN's replies to the same pool port now go to the new mapping */
	rev.addr[10] = rev.addr[11] = 0xff;
	inet_pton(AF_INET, "198.51.100.80", rev.addr + 12);
	rev.sport = htons(80);
	rev.dport = htons(POOL_LO);
	assert_int_equal(f_get(&w->f, &rev, &v), 0);
	assert_memory_equal(v.out_dst, a2.addr, 16);
	assert_int_equal(ntohs(v.out_dport), 41234);
	assert_int_equal(ntohs(v.inner_port), 33000);
}

/* ---- the idle sweep ---- */

static void rs_s_path(struct world *w, uint32_t lifetime, struct xmip_ntm_ep *a)
{
	static uint8_t b[XMIP_NTM_MAX_MSG];
	struct xmip_ntm_ep dc, bb;
	size_t n;

	ep(&dc, "192.0.2.10", 49600);
	ep(a, "198.51.100.7", 40001);
	ep(&bb, "198.51.100.9", 40002);
	n = relay_req(w, PATH_S, XMIP_NTM_MODE_RS_S, lifetime, b);
	rx(w, b, n, &dc);
	n = tun_req(w, PATH_S, 0, 1, b);
	rx(w, b, n, a);
	n = tun_req(w, PATH_S, 1, 1, b);
	rx(w, b, n, &bb);
	assert_int_equal(entries(&w->f), 2);
}

static void test_sweep_idle(void **state)
{
	struct world *w = *state;
	struct xmip_ntm_ep a;

	rs_s_path(w, 600, &a);
	w->f.now_ms += 65000;              /* exactly idle: not yet */
	xmip_ntm_rs_sweep(w->r);
	assert_int_equal(stats(w).paths, 1);
	w->f.now_ms += 1;
	xmip_ntm_rs_sweep(w->r);
	assert_int_equal(stats(w).paths, 0);
	assert_int_equal(stats(w).paths_swept, 1);
	assert_int_equal(entries(&w->f), 0);
}

static void test_sweep_traffic_keeps(void **state)
{
	struct world *w = *state;
	struct xmip_ntm_relay_key k;
	struct xmip_ntm_ep a;
	int i;

	rs_s_path(w, 600, &a);
	leg_key(&k, &a, PATH_S);
	i = find(&w->f, &k);
	assert_true(i >= 0);
	for (int step = 0; step < 5; step++) {
		w->f.now_ms += 60000;
		w->f.e[i].v.last_used += 100;   /* the datapath touched the entry */
		xmip_ntm_rs_sweep(w->r);
		assert_int_equal(stats(w).paths, 1);
	}
	/* traffic stops: one idle time later it ends */
	w->f.now_ms += 65001;
	xmip_ntm_rs_sweep(w->r);
	assert_int_equal(stats(w).paths, 0);
	assert_int_equal(entries(&w->f), 0);
}

static void test_sweep_lifetime(void **state)
{
	struct world *w = *state;
	struct xmip_ntm_relay_key k;
	struct xmip_ntm_ep a;
	int i;

	rs_s_path(w, 100, &a);
	leg_key(&k, &a, PATH_S);
	i = find(&w->f, &k);
	for (int step = 0; step < 3; step++) {
		w->f.now_ms += 40000;
		w->f.e[i].v.last_used += 100;   /* busy, but the lifetime runs out at 100 s */
		xmip_ntm_rs_sweep(w->r);
	}
	assert_int_equal(stats(w).paths, 0);
	assert_int_equal(stats(w).paths_swept, 1);
	assert_int_equal(entries(&w->f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_relay_direction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay_direction_unknown_dc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tunnel_request_bad_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_flow_moves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_traffic_keeps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sweep_lifetime, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
