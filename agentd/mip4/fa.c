// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Mobile IPv4 foreign agent (RFC 5944 §3.7, §2.3; RFC 3024 §4.2):
 * Agent Advertisements on the visited links (the instance's interfaces)
 * and answers to Agent Solicitations; Registration Requests from visiting
 * nodes read from the link (AF_PACKET: their link-layer address and TTL
 * matter, §3.7.1, RFC 3024 §4.2.1), checked by fa_policy.c, relayed to
 * the home agent from our care-of address over UDP 434; the replies
 * checked and relayed back to the node's link-layer address; ICMP errors
 * about a relayed request turned into codes 80-88; a visitor list with
 * pending requests (7 s, then 78) and lifetimes. Decapsulating to the
 * visitor and its reverse tunnel are the datapath's, to come
 * (visitor_up/visitor_down below are that seam).
 */
#include "mip4_roles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "core.h"
#include "json.h"
#include "log.h"
#include "mip4_advert.h"
#include "mip4_fa_policy.h"
#include "mip4_ha_policy.h"
#include "mip4_l2.h"
#include "mip4_node_dp.h"
#include "mip4_observe.h"
#include "mip4_rt.h"
#include "mip4_wire.h"
#include "netlink.h"

#define PENDING_MAX_MS  7000    /* §3.7.1: a request pending longer is refused with 78 */
#define MAX_OWN         32

struct visitor {
	bool     used;
	uint8_t  hoa[4];                  /* the key; with 0.0.0.0, the NAI is */
	char     nai[XMIP_MIP4_CONF_ID];
	uint32_t ifindex;                 /* where the node is, and its link-layer address */
	uint8_t  mac[6];
	uint8_t  src[4];                  /* IP source of its request */
	uint8_t  fa_addr[4];              /* the address it sent to (ours on that link) */
	uint16_t sport;
	uint8_t  ha[4];
	/* the current registration (a visitor list entry, §3.7.1) */
	bool     registered;
	uint8_t  coa[4];
	uint8_t  flags;                   /* the request's flags it was granted with */
	uint16_t lifetime;
	uint64_t expires_ns;
	/* the pending request */
	bool     pending;
	uint64_t id;
	uint16_t req_lifetime;
	uint8_t  req_flags;
	uint8_t  req_coa[4];
	uint64_t pending_since_ns;
	const struct xmip_mip4_mn_conf *mnfa;
	/* one denial a second (§3.7.2) */
	uint64_t last_denial_ns;
	struct xmip_mip4_timer t;
	struct mip4_fa *fa;
};

struct fa_counters {
	uint64_t rx_req, rx_req_bad_csum, rx_rep, rx_rep_unmatched, relayed_req, relayed_rep;
	uint64_t dropped, denied, icmp_errors, timeouts, expired, sol;
	uint64_t codes[256];
};

struct mip4_fa {
	struct xmip_family          *f;
	const struct xmip_conf      *conf;
	const struct xmip_mip4_conf *c;
	int                          udp, pkt;
	int                          dp;           /* xmip_mip4_tun, -1: not attached */
	uint32_t                     ifs[XMIP_MIP4_ADV_IFS];
	size_t                       n_ifs;
	struct visitor             **v;            /* each allocated alone: timers point into it */
	size_t                       n_v;          /* slots (NULL: free) */
	struct xmip_mip4_advertiser  adv;
	struct fa_counters           n;
};

static uint8_t buf_in[XMIP_MIP4_FRAME_MAX + 1];

/* ---- the datapath seam (decapsulation to the visitor, its reverse tunnel: to come) ---- */

static size_t count(const struct mip4_fa *fa, bool pending);

/*
 * Its tunnel in the datapath (RFC 5944 §4.2.2: decapsulated to its
 * link-layer address on its link; RFC 3024 §4.2: its packets reverse-
 * tunnelled to its home agent from our care-of address when T was granted).
 */
static void visitor_dp(const struct visitor *v, bool up)
{
	struct xmip_mip4_tun t = { 0 };
	char ifname[IF_NAMESIZE];

	if (!up || !v->registered) {
		xmip_mip4_node_dp_set(v->fa->dp, v->hoa, NULL);
		return;
	}
	memcpy(&t.ha, v->ha, 4);
	memcpy(&t.coa, v->coa, 4);
	t.encap = xmip_mip4_node_dp_encap(v->flags);
	t.flags = XMIP_MIP4_TUN_F_FA | (v->flags & XMIP_MIP4_F_T ? XMIP_MIP4_TUN_F_REVERSE : 0);
	memcpy(t.mac, v->mac, 6);
	if (!if_indextoname(v->ifindex, ifname) || xmip_if_hwaddr(ifname, t.smac))
		log_warn("mip4: visitor %s: no MAC for ifindex %u", xmip_mip4_ntoa(v->hoa), v->ifindex);
	t.ifindex = v->ifindex;
	xmip_mip4_node_dp_set(v->fa->dp, v->hoa, &t);
}

static void visitor_up(const struct visitor *v)
{
	visitor_dp(v, true);
	xmip_mip4_observe_fa_visitor(v->hoa, v->coa, v->nai, true, false, v->lifetime,
				     count(v->fa, false));
	log_info("mip4: visitor %s at %s on ifindex %u registered (care-of %s, home agent %s%s), "
		 "lifetime %u s", xmip_mip4_ntoa(v->hoa), xmip_mip4_mac_str(v->mac), v->ifindex,
		 xmip_mip4_ntoa(v->coa), xmip_mip4_ntoa(v->ha),
		 v->flags & XMIP_MIP4_F_T ? ", reverse tunnel" : "", v->lifetime);
}

/* v->registered still tells whether it is counted among the visitors. */
static void visitor_down(const struct visitor *v, const char *why, bool expired)
{
	visitor_dp(v, false);
	xmip_mip4_observe_fa_visitor(v->hoa, v->coa, v->nai, false, expired, v->lifetime,
				     count(v->fa, false) - v->registered);
	log_info("mip4: visitor %s gone: %s", xmip_mip4_ntoa(v->hoa), why);
}

/* ---- files ---- */

static void write_dump(FILE *f, void *arg)
{
	struct mip4_fa *fa = arg;
	uint64_t now = xmip_now_ns();
	struct xmip_json j;

	xmip_json_init(&j, f, true);
	xmip_json_obj_open(&j);
	xmip_json_key(&j, "role");
	xmip_json_str(&j, "fa");
	xmip_json_key(&j, "visitors");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < fa->n_v; i++) {
		const struct visitor *v = fa->v[i];

		if (!v)
			continue;
		xmip_json_obj_open(&j);
		xmip_json_key(&j, "hoa");
		xmip_json_str(&j, xmip_mip4_ntoa(v->hoa));
		xmip_json_key(&j, "nai");
		xmip_json_str(&j, v->nai);
		xmip_json_key(&j, "mac");
		xmip_json_str(&j, xmip_mip4_mac_str(v->mac));
		xmip_json_key(&j, "ifindex");
		xmip_json_u64(&j, v->ifindex);
		xmip_json_key(&j, "home_agent");
		xmip_json_str(&j, xmip_mip4_ntoa(v->ha));
		xmip_json_key(&j, "registered");
		xmip_json_bool(&j, v->registered);
		xmip_json_key(&j, "coa");
		xmip_json_str(&j, xmip_mip4_ntoa(v->coa));
		xmip_json_key(&j, "reverse");
		xmip_json_bool(&j, v->flags & XMIP_MIP4_F_T);
		xmip_json_key(&j, "lifetime");
		xmip_json_u64(&j, v->lifetime);
		xmip_json_key(&j, "remaining");
		xmip_json_u64(&j, v->registered && v->expires_ns > now ?
				  (v->expires_ns - now) / 1000000000u : 0);
		xmip_json_key(&j, "pending");
		xmip_json_bool(&j, v->pending);
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "counters");
	xmip_json_obj_open(&j);
#define C(x) do { xmip_json_key(&j, #x); xmip_json_u64(&j, fa->n.x); } while (0)
	C(rx_req); C(rx_req_bad_csum); C(rx_rep); C(rx_rep_unmatched); C(relayed_req);
	C(relayed_rep); C(dropped); C(denied); C(icmp_errors); C(timeouts); C(expired); C(sol);
#undef C
	xmip_json_key(&j, "advertisements");
	xmip_json_u64(&j, fa->adv.sent);
	xmip_json_key(&j, "codes");
	xmip_json_obj_open(&j);
	for (int code = 0; code < 256; code++)
		if (fa->n.codes[code]) {
			char k[8];

			snprintf(k, sizeof(k), "%d", code);
			xmip_json_key(&j, k);
			xmip_json_u64(&j, fa->n.codes[code]);
		}
	xmip_json_obj_close(&j);
	xmip_json_obj_close(&j);
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
}


/* §2.1.1: B (busy) while the visitor list is full; our advertisements say so. */
static void dump(struct mip4_fa *fa)
{
	if (count(fa, false) >= fa->c->max_visitors)
		fa->adv.flags |= XMIP_MIP4_ADV_B;
	else
		fa->adv.flags &= (uint16_t)~XMIP_MIP4_ADV_B;
	if (fa->c->dump_file[0])
		xmip_mip4_write_file(fa->c->dump_file, write_dump, fa);
}

/* ---- the visitor list ---- */

static size_t count(const struct mip4_fa *fa, bool pending)
{
	size_t n = 0;

	for (size_t i = 0; i < fa->n_v; i++)
		n += fa->v[i] && (pending ? fa->v[i]->pending : fa->v[i]->registered);
	return n;
}

static struct visitor *find(struct mip4_fa *fa, const uint8_t hoa[4], const char *nai)
{
	static const uint8_t zero[4];

	for (size_t i = 0; i < fa->n_v; i++) {
		struct visitor *v = fa->v[i];

		if (!v)
			continue;
		if (memcmp(hoa, zero, 4) ? !memcmp(v->hoa, hoa, 4) : (nai && !strcmp(v->nai, nai)))
			return v;
	}
	return NULL;
}

static void v_arm(struct visitor *v)
{
	uint64_t at = 0;

	if (v->pending)
		at = v->pending_since_ns + PENDING_MAX_MS * 1000000ull;
	if (v->registered && v->lifetime != XMIP_MIP4_LIFETIME_INFINITE && (!at || v->expires_ns < at))
		at = v->expires_ns;
	if (at)
		xmip_mip4_timer_at(&v->t, at);
	else
		xmip_mip4_timer_cancel(&v->t);
}

static void v_free(struct visitor *v)
{
	struct mip4_fa *fa = v->fa;

	xmip_mip4_timer_cancel(&v->t);
	for (size_t i = 0; i < fa->n_v; i++)
		if (fa->v[i] == v)
			fa->v[i] = NULL;
	free(v);
}

/* ---- sending to the node, by link-layer address ---- */

static void send_to_node(struct mip4_fa *fa, uint32_t ifindex, const uint8_t mac[6],
			 const uint8_t from[4], const uint8_t hoa[4], uint16_t dport,
			 const uint8_t *msg, size_t len)
{
	static const uint8_t zero[4], bcast[4] = { 255, 255, 255, 255 }, agents[4] = { 224, 0, 0, 11 };
	uint8_t frame[XMIP_MIP4_FRAME_MAX], smac[6], src[4], plen;
	int n;

	/* §3.7.2.3: from the address it was sent to (ours on the link if 224.0.0.11);
	 * to its home address, or 255.255.255.255 when it has none yet. */
	memcpy(src, from, 4);
	if (!memcmp(from, agents, 4) || !memcmp(from, bcast, 4))
		xmip_mip4_if_addr4(ifindex, src, &plen);
	if (xmip_l2_if_mac(ifindex, smac))
		return;
	n = xmip_mip4_frame_build_ip(frame, sizeof(frame), mac, smac, src,
				     memcmp(hoa, zero, 4) ? hoa : bcast, 64, 17, XMIP_MIP4_PORT,
				     dport, (uint16_t)rand(), msg, len);
	if (n < 0 || xmip_l2_send(fa->pkt, ifindex, frame, (size_t)n))
		log_warn("mip4: reply to %s on ifindex %u not sent", xmip_mip4_ntoa(hoa), ifindex);
}

/* Our own Registration Reply refusing v's pending request; true if v is gone with it. */
static bool deny_pending(struct mip4_fa *fa, struct visitor *v, uint8_t code, const char *why)
{
	struct xmip_mip4_reg req = { .type = XMIP_MIP4_REG_REQUEST, .lifetime = v->req_lifetime,
				     .id = v->id };
	uint8_t rq[XMIP_MIP4_MAX_MSG], out[XMIP_MIP4_MAX_MSG];
	struct xmip_mip4_reg m;
	int n, ol;

	memcpy(req.hoa, v->hoa, 4);
	memcpy(req.ha, v->ha, 4);
	n = xmip_mip4_build_fixed(rq, sizeof(rq), &req);
	if (n > 0 && v->nai[0])
		n = xmip_mip4_put_nai(rq, sizeof(rq), (size_t)n, v->nai);
	if (n < 0 || xmip_mip4_reg_parse(rq, (size_t)n, &m) != XMIP_MIP4_E_OK)
		return false;
	ol = xmip_mip4_fa_build_denial(rq, &m, code, v->req_lifetime, v->mnfa, out, sizeof(out));
	if (ol > 0)
		send_to_node(fa, v->ifindex, v->mac, v->fa_addr, v->hoa, v->sport, out, (size_t)ol);
	fa->n.denied++;
	fa->n.codes[code]++;
	xmip_mip4_observe_fa_denied(v->hoa, v->nai, code);
	log_info("mip4: request of %s denied, code %u: %s", xmip_mip4_ntoa(v->hoa), code, why);
	v->pending = false;
	if (!v->registered) {
		v_free(v);
		dump(fa);
		return true;
	}
	v_arm(v);
	dump(fa);
	return false;
}

static void v_timer(void *obj)
{
	struct visitor *v = obj;
	struct mip4_fa *fa = v->fa;
	uint64_t now = xmip_now_ns();

	if (v->pending && now >= v->pending_since_ns + PENDING_MAX_MS * 1000000ull) {
		fa->n.timeouts++;
		if (deny_pending(fa, v, XMIP_MIP4_FA_TIMEOUT, "no reply from the home agent in 7 s"))
			return;
	}
	if (v->registered && v->lifetime != XMIP_MIP4_LIFETIME_INFINITE && now >= v->expires_ns) {
		fa->n.expired++;
		v->registered = false;
		visitor_down(v, "lifetime expired", true);
		if (!v->pending) {
			v_free(v);
			dump(fa);
			return;
		}
		dump(fa);
	}
	v_arm(v);
}

static struct visitor *v_new(struct mip4_fa *fa)
{
	struct visitor *v = calloc(1, sizeof(*v));
	size_t slot = fa->n_v;

	if (!v)
		return NULL;
	for (size_t i = 0; i < fa->n_v && slot == fa->n_v; i++)
		if (!fa->v[i])
			slot = i;
	if (slot == fa->n_v) {
		size_t n = fa->n_v ? fa->n_v * 2 : 16;
		struct visitor **nv = realloc(fa->v, n * sizeof(*nv));

		if (!nv) {
			free(v);
			return NULL;
		}
		memset(nv + fa->n_v, 0, (n - fa->n_v) * sizeof(*nv));
		fa->v = nv;
		fa->n_v = n;
	}
	fa->v[slot] = v;
	v->used = true;
	v->fa = fa;
	xmip_mip4_timer_init(fa->f, &v->t, v_timer, v);
	return v;
}

/* ---- requests from visiting nodes ---- */

static size_t own_addrs(uint8_t (*own)[4], size_t cap)
{
	struct ifaddrs *ifa, *i;
	size_t n = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i && n < cap; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			memcpy(own[n++], &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
	freeifaddrs(ifa);
	return n;
}

static bool our_if(const struct mip4_fa *fa, uint32_t ifindex)
{
	for (size_t i = 0; i < fa->n_ifs; i++)
		if (fa->ifs[i] == ifindex)
			return true;
	return false;
}

static void nai_of(const uint8_t *msg, const struct xmip_mip4_reg *m, char *out)
{
	out[0] = '\0';
	if (m->nai >= 0) {
		memcpy(out, msg + m->ext[m->nai].off + 2, m->ext[m->nai].len);
		out[m->ext[m->nai].len] = '\0';
	}
}

static void handle_request(struct mip4_fa *fa, const uint8_t *frame, const struct xmip_mip4_ip *ip,
			   uint32_t ifindex)
{
	const uint8_t *msg = frame + ip->pl_off;
	uint8_t own[MAX_OWN][4], out[XMIP_MIP4_MAX_MSG];
	struct xmip_mip4_fa_req r = { .msg = msg, .len = ip->pl_len, .ttl = ip->ttl };
	struct xmip_mip4_fa_verdict vd;
	struct xmip_mip4_reg m;
	char nai[XMIP_MIP4_CONF_ID];
	struct visitor *v;
	uint64_t now = xmip_now_ns();
	int n;

	fa->n.rx_req++;
	xmip_mip4_observe_fa_request(false);
	r.perr = xmip_mip4_reg_parse(msg, ip->pl_len, &m);
	r.m = &m;
	if (r.perr != XMIP_MIP4_E_OK && r.perr != XMIP_MIP4_E_SHORT && r.perr != XMIP_MIP4_E_TYPE &&
	    r.perr != XMIP_MIP4_E_LONG)
		nai[0] = '\0';
	else
		nai_of(msg, &m, nai);
	v = r.perr == XMIP_MIP4_E_SHORT || r.perr == XMIP_MIP4_E_TYPE ? NULL : find(fa, m.hoa, nai);
	r.known_visitor = v && v->registered;
	r.n_pending = count(fa, true);
	r.n_visitors = count(fa, false);
	xmip_mip4_fa_check_request(fa->c, (const uint8_t (*)[4])own, own_addrs(own, MAX_OWN), &r, &vd);
	if (vd.action == XMIP_MIP4_FA_DROP) {
		fa->n.dropped++;
		log_info("mip4: request from %s dropped: %s", xmip_mip4_ntoa(ip->src), vd.why);
		return;
	}
	if (vd.action == XMIP_MIP4_FA_DENY) {
		/* §3.7.2: at most one denial a second to one node. */
		if (v && now - v->last_denial_ns < 1000000000ull) {
			fa->n.dropped++;
			return;
		}
		if (v)
			v->last_denial_ns = now;
		fa->n.denied++;
		fa->n.codes[vd.code]++;
		xmip_mip4_observe_fa_denied(m.hoa, nai, vd.code);
		if (vd.security)
			log_warn("mip4: security: request of %s denied, code %u: %s",
				 xmip_mip4_ntoa(m.hoa), vd.code, vd.why);
		else
			log_info("mip4: request of %s denied, code %u: %s", xmip_mip4_ntoa(m.hoa),
				 vd.code, vd.why);
		n = xmip_mip4_fa_build_denial(msg, &m, vd.code, vd.lifetime, vd.mnfa, out, sizeof(out));
		if (n > 0)
			send_to_node(fa, ifindex, frame + 6, ip->dst, m.hoa, ip->sport, out, (size_t)n);
		dump(fa);
		return;
	}
	/* §3.7.2: a new pending request beside (not instead of) the current entry. */
	if (!v && !(v = v_new(fa))) {
		log_err("mip4: visitor list: out of memory");
		return;
	}
	memcpy(v->hoa, m.hoa, 4);
	strcpy(v->nai, nai);
	v->ifindex = ifindex;
	memcpy(v->mac, frame + 6, 6);
	memcpy(v->src, ip->src, 4);
	memcpy(v->fa_addr, ip->dst, 4);
	v->sport = ip->sport;
	memcpy(v->ha, m.ha, 4);
	v->pending = true;
	v->id = m.id;
	v->req_lifetime = m.lifetime;
	v->req_flags = m.flags;
	memcpy(v->req_coa, m.coa, 4);
	v->pending_since_ns = now;
	v->mnfa = vd.mnfa;
	v_arm(v);
	n = xmip_mip4_fa_build_relay(fa->c, msg, &m, out, sizeof(out));
	/* §3.7.2.2: from the care-of address we offer it (the first, for a co-located one). */
	if (n < 0 || xmip_mip4_udp_send(fa->udp, xmip_mip4_fa_own_coa(fa->c, m.coa) ? m.coa :
					fa->c->coas[0], m.ha, XMIP_MIP4_PORT, out, (size_t)n)) {
		deny_pending(fa, v, XMIP_MIP4_FA_HA_UNREACH, "could not relay to the home agent");
		return;
	}
	fa->n.relayed_req++;
	xmip_mip4_observe_fa_request(true);
	log_info("mip4: request of %s (care-of %s, lifetime %u) relayed to %s",
		 xmip_mip4_ntoa(m.hoa), xmip_mip4_ntoa(m.coa), m.lifetime, xmip_mip4_ntoa(m.ha));
	dump(fa);
}

static void on_pkt(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_fa *fa = arg;
	struct xmip_l2_meta pm;
	struct xmip_mip4_ip ip;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_l2_recv(fd, buf_in, sizeof(buf_in), &pm)) > 0) {
		if (pm.pkttype == 4 /* PACKET_OUTGOING */ || !our_if(fa, pm.ifindex))
			continue;
		/* A UDP checksum a local sender left to offload is not there to check. */
		if (xmip_mip4_frame_ip(buf_in, (size_t)n, !pm.csum_unverified, &ip)) {
			fa->n.rx_req_bad_csum++;
			continue;
		}
		if (ip.proto == 17 && ip.dport == XMIP_MIP4_PORT && ip.pl_len &&
		    buf_in[ip.pl_off] == XMIP_MIP4_REG_REQUEST) {
			handle_request(fa, buf_in, &ip, pm.ifindex);
		} else if (ip.proto == 1 &&
			   xmip_mip4_sol_parse(buf_in + ip.pl_off, ip.pl_len) == XMIP_MIP4_E_OK) {
			fa->n.sol++;
			xmip_mip4_adv_solicited(&fa->adv, pm.ifindex, buf_in + 6, ip.src);
		}
	}
}

/* ---- replies from home agents ---- */

static struct visitor *find_pending(struct mip4_fa *fa, const uint8_t *msg,
				    const struct xmip_mip4_reg *m)
{
	char nai[XMIP_MIP4_CONF_ID];

	nai_of(msg, m, nai);
	/* §3.7.3.1: by home address (NAI to tell apart), else a pending one with 0.0.0.0. */
	for (size_t i = 0; i < fa->n_v; i++) {
		struct visitor *v = fa->v[i];
		static const uint8_t zero[4];

		if (!v || !v->pending || (uint32_t)v->id != (uint32_t)m->id)
			continue;
		if (!memcmp(v->hoa, m->hoa, 4) && (!nai[0] || !v->nai[0] || !strcmp(v->nai, nai)))
			return v;
		if (!memcmp(v->hoa, zero, 4) && nai[0] && !strcmp(v->nai, nai))
			return v;
	}
	return NULL;
}

static void handle_reply(struct mip4_fa *fa, const uint8_t *msg, size_t len,
			 const struct xmip_mip4_udp_meta *um)
{
	struct xmip_mip4_fa_reply_verdict rv;
	struct xmip_mip4_fa_pending_view pv;
	uint8_t out[XMIP_MIP4_MAX_MSG];
	struct xmip_mip4_reg m;
	struct visitor *v, to;
	int n;

	fa->n.rx_rep++;
	if (xmip_mip4_reg_parse(msg, len, &m) != XMIP_MIP4_E_OK || !(v = find_pending(fa, msg, &m))) {
		fa->n.rx_rep_unmatched++;
		log_info("mip4: reply from %s matches no pending request: dropped",
			 xmip_mip4_ntoa(um->src));
		return;
	}
	xmip_mip4_observe_fa_reply(false, m.code);
	pv = (struct xmip_mip4_fa_pending_view){ .had_nai = v->nai[0] != '\0',
						 .id_low = (uint32_t)v->id, .mnfa = v->mnfa };
	xmip_mip4_fa_check_reply(fa->c, msg, &m, &pv, &rv);
	if (rv.action == XMIP_MIP4_FA_DROP) {
		fa->n.rx_rep_unmatched++;
		return;
	}
	if (rv.action == XMIP_MIP4_FA_DENY) {
		if (rv.security)
			log_warn("mip4: security: reply from %s for %s: %s", xmip_mip4_ntoa(um->src),
				 xmip_mip4_ntoa(m.hoa), rv.why);
		deny_pending(fa, v, rv.code, rv.why);
		return;
	}
	n = xmip_mip4_fa_build_relay_reply(msg, &m, v->mnfa, out, sizeof(out));
	to = *v;   /* where the reply goes, before the entry changes (or goes) */
	fa->n.relayed_rep++;
	fa->n.codes[m.code]++;
	xmip_mip4_observe_fa_reply(true, m.code);
	v->pending = false;
	/* §3.7.3.2: accepted: the visitor's lifetime runs from now; 0: the entry goes;
	 * denied: the pending part goes, the entry stays as it was. */
	if (rv.accepted && m.lifetime) {
		memcpy(v->hoa, m.hoa, 4);   /* assigned when it asked with 0.0.0.0 */
		memcpy(v->coa, v->req_coa, 4);
		v->flags = v->req_flags;
		v->lifetime = rv.lifetime;
		v->expires_ns = xmip_now_ns() + (uint64_t)rv.lifetime * 1000000000u;
		v->registered = true;
		visitor_up(v);
	} else if (rv.accepted) {
		if (v->registered)
			visitor_down(v, "deregistered", false);
		v_free(v);
		v = NULL;
	} else {
		log_info("mip4: home agent %s denied %s, code %u", xmip_mip4_ntoa(um->src),
			 xmip_mip4_ntoa(m.hoa), m.code);
		if (!v->registered) {
			v_free(v);
			v = NULL;
		}
	}
	if (v)
		v_arm(v);
	/* The visitor list first, then the reply (the node may look at once). */
	dump(fa);
	if (n > 0)
		send_to_node(fa, to.ifindex, to.mac, to.fa_addr, m.hoa, to.sport, out, (size_t)n);
}

/* §3.7.3: an ICMP error instead of a reply: 80-88 to the node. */
static void drain_errors(struct mip4_fa *fa)
{
	uint8_t data[XMIP_MIP4_MAX_MSG];
	union {
		char buf[512];
		struct cmsghdr align;
	} cbuf;

	for (;;) {
		struct sockaddr_in sa;
		struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
		struct msghdr msg = {
			.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
		};
		ssize_t n = recvmsg(fa->udp, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		struct sock_extended_err ee = { 0 };
		struct xmip_mip4_reg m;
		struct visitor *v;
		uint8_t code;

		if (n < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR)
				memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		if (ee.ee_origin != SO_EE_ORIGIN_ICMP || xmip_mip4_reg_parse_fixed(data, (size_t)n, &m) ||
		    m.type != XMIP_MIP4_REG_REQUEST)
			continue;
		fa->n.icmp_errors++;
		code = xmip_mip4_fa_icmp_code(ee.ee_type, ee.ee_code);
		for (size_t i = 0; i < fa->n_v; i++) {
			v = fa->v[i];
			if (v && v->pending && v->id == m.id && !memcmp(v->hoa, m.hoa, 4)) {
				deny_pending(fa, v, code, "ICMP error from the way to the home agent");
				break;
			}
		}
	}
}

static void on_udp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_fa *fa = arg;
	struct xmip_mip4_udp_meta um;
	ssize_t n;

	(void)loop;
	if (events & EPOLLERR)
		drain_errors(fa);
	while ((n = xmip_mip4_udp_recv(fd, buf_in, sizeof(buf_in), &um)) != 0) {
		if (n < 0) {
			if (n == -EAGAIN)
				break;
			drain_errors(fa);   /* an error queued: ECONNREFUSED and the like */
			continue;
		}
		/* Requests from visitors are read from the link (on_pkt), with their MAC. */
		if (buf_in[0] == XMIP_MIP4_REG_REPLY)
			handle_reply(fa, buf_in, (size_t)n, &um);
	}
}

/* ---- life cycle ---- */

struct mip4_fa *xmip_mip4_fa_new(struct xmip_family *f)
{
	struct mip4_fa *fa = calloc(1, sizeof(*fa));
	struct xmip_loop *loop = f->core->loop;

	if (!fa)
		return NULL;
	fa->f = f;
	fa->conf = f->core->conf;
	fa->c = &fa->conf->mip4;
	fa->udp = fa->pkt = -1;
	fa->dp = xmip_mip4_node_dp_open(fa->conf->instance);
	for (int i = 0; i < fa->conf->n_ifs && fa->n_ifs < XMIP_MIP4_ADV_IFS; i++) {
		uint32_t idx = if_nametoindex(fa->conf->ifnames[i]);

		if (!idx) {
			log_err("mip4: interface %s: %s", fa->conf->ifnames[i], strerror(errno));
			goto fail;
		}
		fa->ifs[fa->n_ifs++] = idx;
	}
	for (size_t i = 0; i < fa->c->n_coas; i++)
		if (!xmip_mip4_is_local4(fa->c->coas[i]))
			log_warn("mip4: care-of address %s is not an address of this host",
				 xmip_mip4_ntoa(fa->c->coas[i]));
	fa->udp = xmip_mip4_udp_open(true);
	fa->pkt = xmip_l2_open(false, XMIP_MIP4_PORT, XMIP_MIP4_ICMP_SOLICIT);
	if (fa->udp < 0 || fa->pkt < 0) {
		log_err("mip4: sockets: %s", strerror(-(fa->udp < 0 ? fa->udp : fa->pkt)));
		goto fail;
	}
	if (xmip_loop_add_fd(loop, fa->udp, EPOLLIN, on_udp, fa) ||
	    xmip_loop_add_fd(loop, fa->pkt, EPOLLIN, on_pkt, fa))
		goto fail;
	/* A foreign agent routes what its visitors send (§4.2.2). */
	xmip_sysctl_ipv4_conf("all", "forwarding", "1");
	fa->adv.flags = XMIP_MIP4_ADV_F |
			(fa->c->encaps & XMIP_MIP4_ENC_MINENC ? XMIP_MIP4_ADV_M : 0) |
			(fa->c->encaps & XMIP_MIP4_ENC_GRE ? XMIP_MIP4_ADV_G : 0) |
			(fa->c->reverse_tunnel != XMIP_MIP4_RT_NO ? XMIP_MIP4_ADV_T : 0) |
			(fa->c->registration_required ? XMIP_MIP4_ADV_R : 0);
	fa->adv.reg_lifetime = (uint16_t)fa->c->max_lifetime_s;
	fa->adv.lifetime = (uint16_t)fa->c->advertise_lifetime_s;
	fa->adv.interval_s = fa->c->advertise_interval_s;
	fa->adv.n_coa = (uint8_t)fa->c->n_coas;
	memcpy(fa->adv.coa, fa->c->coas, fa->c->n_coas * 4);
	xmip_mip4_adv_start(&fa->adv, f, fa->pkt, fa->ifs, fa->n_ifs);
	log_info("mip4: foreign agent on %zu link(s), care-of address %s, registration lifetime "
		 "at most %u s", fa->n_ifs, xmip_mip4_ntoa(fa->c->coas[0]), fa->c->max_lifetime_s);
	dump(fa);
	return fa;
fail:
	xmip_mip4_fa_free(fa);
	return NULL;
}

void xmip_mip4_fa_free(struct mip4_fa *fa)
{
	struct xmip_loop *loop;

	if (!fa)
		return;
	loop = fa->f->core->loop;
	xmip_mip4_adv_stop(&fa->adv);
	for (size_t i = 0; i < fa->n_v; i++)
		if (fa->v[i]) {
			xmip_mip4_timer_cancel(&fa->v[i]->t);
			free(fa->v[i]);
		}
	if (fa->udp >= 0) {
		xmip_loop_del_fd(loop, fa->udp);
		close(fa->udp);
	}
	if (fa->pkt >= 0) {
		xmip_loop_del_fd(loop, fa->pkt);
		close(fa->pkt);
	}
	if (fa->dp >= 0)
		close(fa->dp);
	free(fa->v);
	free(fa);
}
