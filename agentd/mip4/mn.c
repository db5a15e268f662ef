// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Mobile IPv4 mobile node (RFC 5944 §2.4, §3.6, §4.6; RFC 3519 §4.4):
 * agent discovery (Agent Advertisements read from its links with their
 * link-layer source, solicitations three at one a second then backing off
 * to a minute), move detection (an agent's advertisement lifetime runs out
 * — Algorithm 1 of §2.4.2.1 —, a link goes down, an address comes or
 * goes, a foreign agent reboots: §2.4.4), registration through a foreign
 * agent (sent to its link-layer address, from the home address, TTL 255)
 * or with a co-located address (to the home agent over UDP, with the RFC
 * 3519 UDP Tunnel Request), retransmission with back-off, the clock
 * offset learnt from a 133, deregistration at home with gratuitous ARP
 * first (§4.6). The home address stays on lo while away (the datapath to
 * come decapsulates to it) and is moved to the home interface at home;
 * arp_ignore = 1 keeps the node from answering ARP for it on a foreign
 * link (§4.6). Behind a NAT, RFC 3519 keepalives (ka_*, below); the
 * co-located tunnel itself is the datapath's (datapath(), node_dp.c).
 */
#include "mip4_roles.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/icmp.h>
#include <linux/rtnetlink.h>
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
#include "mip4_ha_policy.h"
#include "mip4_ident.h"
#include "mip4_l2.h"
#include "mip4_mn_policy.h"
#include "mip4_node_dp.h"
#include "mip4_observe.h"
#include "mip4_rt.h"
#include "mip4_wire.h"
#include "netlink.h"

#define SOLICIT_FAST       3           /* §2.4: three at most one a second, */
#define SOLICIT_MAX_MS     60000       /* then doubling up to a minute */
#define GARP_COUNT         3
#define RESYNC_MAX         3           /* 133s in a row before backing off */
#define DEREG_TRIES        5           /* deregistrations sent at home before giving up */

enum mn_state { MN_IDLE = 0, MN_REGISTERING, MN_REGISTERED, MN_DEREGISTERING, MN_HOME };

struct agent_slot {
	bool     used;
	uint64_t expires_ns;
	struct xmip_mip4_mn_agent a;
};

struct mn_counters {
	uint64_t adv_rx, adv_bad, sol_tx, req_tx, rep_rx, rep_dropped, accepted, denied, resync;
	uint64_t moves, garp_tx;
	uint64_t ka_tx, ka_rx, ka_lost;   /* RFC 3519 §4.9, §4.10 */
	uint64_t codes[256];
};

struct mip4_mn {
	struct xmip_family          *f;
	const struct xmip_conf      *conf;
	const struct xmip_mip4_conf *c;
	int                          udp, pkt, mon, nl;
	int                          icmp;      /* raw ICMP: echo replies to our keepalives */
	int                          dp;        /* xmip_mip4_tun (co-located tunnel), -1: none */
	uint32_t                     ifs[XMIP_MIP4_MN_MAX_IFS];
	size_t                       n_ifs;
	struct agent_slot            agents[XMIP_MIP4_MN_MAX_AGENTS];

	enum mn_state                state;
	struct xmip_mip4_mn_attach   at;        /* where we register (or are) */
	/* the pending request */
	uint64_t                     id, last_id;
	uint16_t                     req_lifetime;
	uint64_t                     sent_ns;
	bool                         send_failed;   /* no route yet: retry on a route change */
	uint32_t                     backoff_ms;
	unsigned                     tries, resyncs;
	uint16_t                     fa_max;    /* from a 69 */
	int64_t                      offset_s;  /* from a 133 (§5.7.1) */
	/* the registration */
	uint16_t                     granted;
	uint64_t                     expires_ns;
	bool                         udp_tunnel;
	uint16_t                     keepalive;
	uint8_t                      last_code;
	uint16_t                     fa_seq;    /* last sequence number of our FA (§2.4.4) */
	bool                         hoa_home;  /* the home address is on the home interface */

	unsigned                     sol_sent;
	uint32_t                     sol_ms;
	struct xmip_mip4_timer       t_reg, t_sol, t_agents, t_garp, t_ka;
	/* RFC 3519 §4.9 keepalives: identifier, last sequence sent, one unanswered */
	uint16_t                     ka_id, ka_seq;
	bool                         ka_waiting;
	unsigned                     ka_tries;
	uint32_t                     garp_if;
	int                          garp_left;
	struct mn_counters           n;
};

static uint8_t buf_in[XMIP_MIP4_FRAME_MAX + 1];
static const uint8_t zero4[4];

static const char *mode_name(enum xmip_mip4_mn_mode m)
{
	static const char *const n[] = { "none", "home", "fa", "colocated" };

	return n[m];
}

static const char *state_name(enum mn_state s)
{
	static const char *const n[] = { "idle", "registering", "registered", "deregistering",
					 "home" };

	return n[s];
}

static uint64_t ntp_now(const struct mip4_mn *mn)
{
	return xmip_mip4_ntp_now() + ((uint64_t)mn->offset_s << 32);
}

/* ---- dump ---- */

static void write_dump(FILE *f, void *arg)
{
	struct mip4_mn *mn = arg;
	uint64_t now = xmip_now_ns();
	struct xmip_json j;
	char ifname[IF_NAMESIZE] = "";

	if (mn->at.ifindex)
		if_indextoname(mn->at.ifindex, ifname);
	xmip_json_init(&j, f, true);
	xmip_json_obj_open(&j);
	xmip_json_key(&j, "role");
	xmip_json_str(&j, "mn4");
	xmip_json_key(&j, "hoa");
	xmip_json_str(&j, xmip_mip4_ntoa(mn->c->hoa));
	xmip_json_key(&j, "state");
	xmip_json_str(&j, state_name(mn->state));
	xmip_json_key(&j, "mode");
	xmip_json_str(&j, mode_name(mn->at.mode));
	xmip_json_key(&j, "interface");
	xmip_json_str(&j, ifname);
	xmip_json_key(&j, "coa");
	xmip_json_str(&j, xmip_mip4_ntoa(mn->at.coa));
	xmip_json_key(&j, "agent");
	xmip_json_str(&j, xmip_mip4_ntoa(mn->at.agent));
	xmip_json_key(&j, "lifetime");
	xmip_json_u64(&j, mn->state == MN_REGISTERED ? mn->granted : 0);
	xmip_json_key(&j, "remaining");
	xmip_json_u64(&j, mn->state == MN_REGISTERED && mn->expires_ns > now ?
			  (mn->expires_ns - now) / 1000000000u : 0);
	xmip_json_key(&j, "udp_tunnel");
	xmip_json_bool(&j, mn->udp_tunnel);
	xmip_json_key(&j, "keepalive");
	xmip_json_u64(&j, mn->keepalive);
	xmip_json_key(&j, "last_code");
	xmip_json_u64(&j, mn->last_code);
	xmip_json_key(&j, "clock_offset");
	xmip_json_i64(&j, mn->offset_s);
	xmip_json_key(&j, "agents");
	xmip_json_arr_open(&j);
	for (size_t i = 0; i < XMIP_MIP4_MN_MAX_AGENTS; i++) {
		const struct agent_slot *s = &mn->agents[i];

		if (!s->used)
			continue;
		xmip_json_obj_open(&j);
		xmip_json_key(&j, "address");
		xmip_json_str(&j, xmip_mip4_ntoa(s->a.addr));
		xmip_json_key(&j, "ifindex");
		xmip_json_u64(&j, s->a.ifindex);
		xmip_json_key(&j, "home");
		xmip_json_bool(&j, s->a.adv.flags & XMIP_MIP4_ADV_H);
		xmip_json_key(&j, "foreign");
		xmip_json_bool(&j, s->a.adv.flags & XMIP_MIP4_ADV_F);
		xmip_json_key(&j, "coa");
		xmip_json_str(&j, s->a.adv.n_coa ? xmip_mip4_ntoa(s->a.adv.coa[0]) : "");
		xmip_json_key(&j, "seq");
		xmip_json_u64(&j, s->a.adv.seq);
		xmip_json_obj_close(&j);
	}
	xmip_json_arr_close(&j);
	xmip_json_key(&j, "counters");
	xmip_json_obj_open(&j);
#define C(x) do { xmip_json_key(&j, #x); xmip_json_u64(&j, mn->n.x); } while (0)
	C(adv_rx); C(adv_bad); C(sol_tx); C(req_tx); C(rep_rx); C(rep_dropped); C(accepted);
	C(denied); C(resync); C(moves); C(garp_tx); C(ka_tx); C(ka_rx); C(ka_lost);
#undef C
	xmip_json_obj_close(&j);
	xmip_json_obj_close(&j);
	xmip_json_end(&j);
}

static void dump(struct mip4_mn *mn)
{
	if (mn->c->dump_file[0])
		xmip_mip4_write_file(mn->c->dump_file, write_dump, mn);
}

/* ---- where we are ---- */

static size_t scan_ifs(struct mip4_mn *mn, struct xmip_mip4_mn_if *out)
{
	struct ifaddrs *ifa = NULL, *i;
	size_t n = 0;

	if (getifaddrs(&ifa) < 0)
		ifa = NULL;
	for (size_t k = 0; k < mn->n_ifs; k++) {
		struct xmip_mip4_mn_if *o = &out[n++];
		char name[IF_NAMESIZE];

		memset(o, 0, sizeof(*o));
		o->ifindex = mn->ifs[k];
		if (!if_indextoname(o->ifindex, name))
			continue;
		o->up = xmip_if_is_up(name);
		for (i = ifa; i; i = i->ifa_next) {
			const struct sockaddr_in *sa = (const struct sockaddr_in *)i->ifa_addr;

			if (!sa || sa->sin_family != AF_INET || strcmp(i->ifa_name, name) ||
			    o->n_addr == XMIP_MIP4_MN_MAX_ADDRS)
				continue;
			memcpy(o->addr[o->n_addr], &sa->sin_addr, 4);
			o->plen[o->n_addr++] = 32;
		}
	}
	if (ifa)
		freeifaddrs(ifa);
	return n;
}

static size_t valid_agents(struct mip4_mn *mn, struct xmip_mip4_mn_agent *out)
{
	size_t n = 0;

	for (size_t i = 0; i < XMIP_MIP4_MN_MAX_AGENTS; i++)
		if (mn->agents[i].used)
			out[n++] = mn->agents[i].a;
	return n;
}

/* ---- sending ---- */

static uint32_t lo_index(void)
{
	uint32_t i = if_nametoindex("lo");

	return i ? i : 1;
}

/* The home address on the home interface at home, on lo away (§4.2.1, §4.6). */
static void place_hoa(struct mip4_mn *mn, bool home, uint32_t home_if)
{
	if (home) {
		xmip_nl_addr4(mn->nl, home_if, mn->c->hoa, mn->c->home_plen, true);
		xmip_nl_addr4(mn->nl, lo_index(), mn->c->hoa, 32, false);
	} else {
		for (size_t i = 0; i < mn->n_ifs; i++)
			xmip_nl_addr4(mn->nl, mn->ifs[i], mn->c->hoa, mn->c->home_plen, false);
		xmip_nl_addr4(mn->nl, lo_index(), mn->c->hoa, 32, true);
	}
	mn->hoa_home = home;
}

static void garp_tick(void *obj)
{
	struct mip4_mn *mn = obj;
	uint8_t mac[6], frame[64];
	int n;

	if (mn->garp_left <= 0 || xmip_l2_if_mac(mn->garp_if, mac))
		return;
	n = xmip_arp_garp(frame, sizeof(frame), mac, mac, mn->c->hoa);
	if (n > 0 && !xmip_l2_send(mn->pkt, mn->garp_if, frame, (size_t)n))
		mn->n.garp_tx++;
	if (--mn->garp_left > 0)
		xmip_mip4_timer_in_ms(&mn->t_garp, 1000);
}

static void send_request(struct mip4_mn *mn)
{
	uint8_t msg[XMIP_MIP4_MAX_MSG], frame[XMIP_MIP4_FRAME_MAX], smac[6];
	uint64_t now_ntp = ntp_now(mn);
	int n, rc;

	/* §5.7.1: a new, larger timestamp each time (retransmissions too, §3.6.3). */
	mn->id = xmip_mip4_id_next(now_ntp, mn->last_id, (uint32_t)rand());
	mn->last_id = mn->id;
	mn->req_lifetime = xmip_mip4_mn_lifetime(mn->c, &mn->at, mn->fa_max);
	n = xmip_mip4_mn_build_request(mn->c, &mn->at, mn->id, mn->req_lifetime, msg, sizeof(msg));
	if (n < 0)
		return;
	mn->sent_ns = xmip_now_ns();
	if (mn->at.mode == XMIP_MIP4_MN_FA) {
		/* §3.6.1.1: from the home address to the FA's link-layer address; TTL 255
		 * (RFC 3024 §4.1.1). */
		if (xmip_l2_if_mac(mn->at.ifindex, smac))
			return;
		n = xmip_mip4_frame_build_ip(frame, sizeof(frame), mn->at.agent_mac, smac,
					     mn->c->hoa, mn->at.agent, 255, 17, XMIP_MIP4_PORT,
					     XMIP_MIP4_PORT, (uint16_t)rand(), msg, (size_t)n);
		rc = n < 0 ? -EINVAL : xmip_l2_send(mn->pkt, mn->at.ifindex, frame, (size_t)n);
	} else {
		/* Co-located: from the care-of address; at home: from the home address. */
		rc = xmip_mip4_udp_send(mn->udp, mn->at.coa, mn->c->home_agent, XMIP_MIP4_PORT, msg,
					(size_t)n);
	}
	mn->send_failed = rc != 0;
	if (rc) {
		log_info("mip4: registration request not sent (%s): again on a route change or "
			 "after the back-off", strerror(-rc));
		return;
	}
	mn->n.req_tx++;
	xmip_mip4_observe_mn_request(mn->at.coa, mn->tries > 0);
	mn->tries++;
	log_info("mip4: %s request %u sent (%s, care-of %s%s%s), lifetime %u",
		 mn->at.mode == XMIP_MIP4_MN_HOME ? "deregistration" : "registration", mn->tries,
		 mode_name(mn->at.mode), xmip_mip4_ntoa(mn->at.coa),
		 mn->at.mode == XMIP_MIP4_MN_FA ? ", via " : "",
		 mn->at.mode == XMIP_MIP4_MN_FA ? xmip_mip4_ntoa(mn->at.agent) : "", mn->req_lifetime);
}

/* Send now and retransmit with back-off (§3.6.3); never two within a second (§2.4.2). */
static void register_now(struct mip4_mn *mn)
{
	uint64_t now = xmip_now_ns();

	if (mn->sent_ns && !mn->send_failed && now - mn->sent_ns < 1000000000ull) {
		xmip_mip4_timer_at(&mn->t_reg, mn->sent_ns + 1000000000ull);
		return;
	}
	send_request(mn);
	mn->backoff_ms = xmip_mip4_mn_backoff_ms(mn->backoff_ms,
						 mn->req_lifetime ? mn->req_lifetime : 32);
	xmip_mip4_timer_in_ms(&mn->t_reg, mn->backoff_ms);
	dump(mn);
}

/*
 * RFC 3519 §4.9 keepalives. Behind a NAT (the HA granted UDP tunnelling)
 * this node sends a UDP-encapsulated ICMP echo request to the home agent
 * from its care-of address's port 434 (the registrations' and the data's
 * port, so the NAT's mapping is theirs), the first K seconds after the
 * request was sent, then every K seconds (K: the HA's keepalive interval;
 * sent whether or not data went, which the RFC allows: "if no other packet
 * ... in K seconds" is the least). Two-way (§4.9): an echo reply is awaited
 * KA_WAIT_MS, the request sent again up to KA_TRIES times; none: the NAT
 * mapping is taken as lost and the node re-registers (§4.10), which moves
 * the binding to the NAT's new address and port. The interval is not
 * shortened after a loss (§4.10 makes that optional).
 */
#define KA_WAIT_MS 1000
#define KA_TRIES   3

static bool ka_on(const struct mip4_mn *mn)
{
	return mn->state == MN_REGISTERED && mn->udp_tunnel && mn->keepalive &&
	       mn->at.mode == XMIP_MIP4_MN_COLOCATED;
}

static void ka_stop(struct mip4_mn *mn)
{
	xmip_mip4_timer_cancel(&mn->t_ka);
	mn->ka_waiting = false;
	mn->ka_tries = 0;
}

static void ka_start(struct mip4_mn *mn)
{
	ka_stop(mn);
	if (ka_on(mn))   /* §4.9: at the earliest K s after the request was sent */
		xmip_mip4_timer_at(&mn->t_ka, mn->sent_ns + (uint64_t)mn->keepalive * 1000000000u);
}

static void ka_send(struct mip4_mn *mn)
{
	uint8_t msg[XMIP_MIP4_KEEPALIVE_LEN];
	int n, rc;

	n = xmip_mip4_keepalive_build(msg, sizeof(msg), mn->c->hoa, mn->c->home_agent, mn->ka_id,
				      ++mn->ka_seq);
	rc = n < 0 ? -EINVAL : xmip_mip4_udp_send(mn->udp, mn->at.coa, mn->c->home_agent,
						  XMIP_MIP4_PORT, msg, (size_t)n);
	if (rc)
		log_debug("mip4: keepalive not sent: %s", strerror(-rc));
	else
		mn->n.ka_tx++;
}

static void ka_tick(void *obj)
{
	struct mip4_mn *mn = obj;

	if (!ka_on(mn)) {
		ka_stop(mn);
		return;
	}
	if (mn->ka_waiting && mn->ka_tries >= KA_TRIES) {
		/* §4.10: the NAT lost its mapping (or the HA is gone): register again. */
		mn->n.ka_lost++;
		log_warn("mip4: no answer to %u keepalives: the NAT mapping is lost, registering "
			 "again (RFC 3519 §4.10)", mn->ka_tries);
		ka_stop(mn);
		xmip_mip4_timer_cancel(&mn->t_reg);
		mn->state = MN_REGISTERING;
		mn->tries = 0;
		mn->backoff_ms = 0;
		register_now(mn);
		dump(mn);
		return;
	}
	ka_send(mn);
	mn->ka_waiting = true;
	mn->ka_tries++;
	xmip_mip4_timer_in_ms(&mn->t_ka, KA_WAIT_MS);
	dump(mn);
}

/* An IPv4 packet that may be the HA's echo reply to our keepalive. */
static void ka_answer(struct mip4_mn *mn, const uint8_t *ip, size_t len)
{
	uint16_t seq;

	if (!ka_on(mn) || !mn->ka_waiting ||
	    !xmip_mip4_keepalive_reply(ip, len, mn->c->hoa, mn->c->home_agent, mn->ka_id, &seq) ||
	    (uint16_t)(mn->ka_seq - seq) >= mn->ka_tries)   /* one of the outstanding ones */
		return;
	mn->n.ka_rx++;
	mn->ka_waiting = false;
	mn->ka_tries = 0;
	xmip_mip4_timer_in_ms(&mn->t_ka, (uint64_t)mn->keepalive * 1000u);
	dump(mn);
}

static void on_icmp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_mn *mn = arg;
	uint8_t buf[256];
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		ka_answer(mn, buf, (size_t)n);
}

static void solicit_tick(void *obj);

static void solicit_restart(struct mip4_mn *mn)
{
	mn->sol_sent = 0;
	mn->sol_ms = 1000;
	xmip_mip4_timer_in_ms(&mn->t_sol, 50);
}

/* Decide where we are; register, deregister or solicit when it changed. */
/*
 * The datapath after an accepted registration (or a move, or home): with a
 * co-located address this node ends the tunnel itself (decapsulation, its
 * reverse tunnel when T was asked: RFC 3024 §4.1; in UDP 434 when the HA
 * assented, RFC 3519); through an FA or at home, it has nothing to do.
 */
static void datapath(struct mip4_mn *mn, bool registered)
{
	struct xmip_mip4_tun t = { 0 };
	uint8_t flags = 0;

	if (!registered || mn->at.mode != XMIP_MIP4_MN_COLOCATED) {
		xmip_mip4_node_dp_set(mn->dp, mn->c->hoa, NULL);
		return;
	}
	if (mn->c->encap == XMIP_MIP4_ENC_MINENC)
		flags |= XMIP_MIP4_F_M;
	else if (mn->c->encap == XMIP_MIP4_ENC_GRE)
		flags |= XMIP_MIP4_F_G;
	memcpy(&t.ha, mn->c->home_agent, 4);
	memcpy(&t.coa, mn->at.coa, 4);
	t.encap = xmip_mip4_node_dp_encap(flags);
	if (mn->udp_tunnel) {
		t.ha_port = htons(XMIP_MIP4_PORT);
		t.port = htons(XMIP_MIP4_PORT);   /* the registrations' port: the NAT's mapping */
	}
	if (mn->c->reverse_tunnel == XMIP_MIP4_RT_YES)
		t.flags |= XMIP_MIP4_TUN_F_REVERSE;
	t.ifindex = mn->at.ifindex;
	xmip_mip4_node_dp_set(mn->dp, mn->c->hoa, &t);
}

static void evaluate(struct mip4_mn *mn)
{
	struct xmip_mip4_mn_if ifs[XMIP_MIP4_MN_MAX_IFS];
	struct xmip_mip4_mn_agent ag[XMIP_MIP4_MN_MAX_AGENTS];
	struct xmip_mip4_mn_attach want;
	size_t ni = scan_ifs(mn, ifs), na = valid_agents(mn, ag);

	xmip_mip4_mn_choose(mn->c, ifs, ni, ag, na, &want);
	if (want.mode == XMIP_MIP4_MN_NONE) {
		if (!xmip_family_timer_armed(&mn->t_sol.ft))
			solicit_restart(mn);
		return;
	}
	if (xmip_mip4_mn_same(&want, &mn->at) && mn->state != MN_IDLE)
		return;
	mn->n.moves++;
	log_info("mip4: attachment now %s on ifindex %u (care-of %s%s%s)", mode_name(want.mode),
		 want.ifindex, xmip_mip4_ntoa(want.coa), memcmp(want.agent, zero4, 4) ? ", agent " : "",
		 memcmp(want.agent, zero4, 4) ? xmip_mip4_ntoa(want.agent) : "");
	mn->at = want;
	datapath(mn, false);   /* the old care-of address's tunnel is gone */
	ka_stop(mn);
	mn->tries = mn->resyncs = 0;
	mn->backoff_ms = 0;
	mn->fa_max = 0;
	xmip_mip4_timer_cancel(&mn->t_sol);
	if (want.mode == XMIP_MIP4_MN_HOME) {
		/* §4.6: answer ARP again, tell the link, then deregister. */
		place_hoa(mn, true, want.ifindex);
		mn->garp_if = want.ifindex;
		mn->garp_left = GARP_COUNT;
		garp_tick(mn);
		mn->state = MN_DEREGISTERING;
	} else {
		/* §4.6: before registering away, stop answering ARP for the home address. */
		if (mn->hoa_home || mn->state == MN_IDLE)
			place_hoa(mn, false, 0);
		mn->state = MN_REGISTERING;
	}
	register_now(mn);
}

static void reg_tick(void *obj)
{
	struct mip4_mn *mn = obj;

	switch (mn->state) {
	case MN_REGISTERING:
	case MN_DEREGISTERING:
		if (mn->state == MN_DEREGISTERING && mn->tries >= DEREG_TRIES) {
			log_warn("mip4: no answer to the deregistration: at home anyway");
			mn->state = MN_HOME;
			dump(mn);
			return;
		}
		register_now(mn);
		break;
	case MN_REGISTERED:
		/* §3.6.2.2: re-register before the lifetime ends. */
		mn->state = MN_REGISTERING;
		mn->tries = 0;
		mn->backoff_ms = 0;
		register_now(mn);
		break;
	default:
		break;
	}
}

static void solicit_tick(void *obj)
{
	struct mip4_mn *mn = obj;
	static const uint8_t agents[4] = { 224, 0, 0, 11 };
	uint8_t icmp[8], frame[64], smac[6], dmac[6], src[4], plen;
	int n = xmip_mip4_sol_build(icmp, sizeof(icmp));

	xmip_mip4_mcast_mac(agents, dmac);
	for (size_t i = 0; n > 0 && i < mn->n_ifs; i++) {
		char name[IF_NAMESIZE];
		int fl;

		if (!if_indextoname(mn->ifs[i], name) || !xmip_if_is_up(name) ||
		    xmip_l2_if_mac(mn->ifs[i], smac))
			continue;
		/* RFC 1256: from an address of the interface, or 0; §2.2: TTL 1. */
		if (xmip_mip4_if_addr4(mn->ifs[i], src, &plen) || !memcmp(src, mn->c->hoa, 4))
			memset(src, 0, 4);
		fl = xmip_mip4_frame_build_ip(frame, sizeof(frame), dmac, smac, src, agents, 1, 1, 0,
					      0, (uint16_t)rand(), icmp, (size_t)n);
		if (fl > 0 && !xmip_l2_send(mn->pkt, mn->ifs[i], frame, (size_t)fl))
			mn->n.sol_tx++;
	}
	/* §2.4: three at one a second, then doubling, at most a minute apart, randomised. */
	if (++mn->sol_sent > SOLICIT_FAST && mn->sol_ms < SOLICIT_MAX_MS)
		mn->sol_ms = mn->sol_ms * 2 > SOLICIT_MAX_MS ? SOLICIT_MAX_MS : mn->sol_ms * 2;
	xmip_mip4_timer_in_ms(&mn->t_sol, mn->sol_ms - mn->sol_ms / 10 +
				(uint64_t)rand() % (mn->sol_ms / 5 + 1));
}

/* ---- agents ---- */

/* The agents' timer at the first advertisement lifetime to end. */
static void arm_agents(struct mip4_mn *mn)
{
	uint64_t next = 0;

	for (size_t i = 0; i < XMIP_MIP4_MN_MAX_AGENTS; i++)
		if (mn->agents[i].used && (!next || mn->agents[i].expires_ns < next))
			next = mn->agents[i].expires_ns;
	if (next)
		xmip_mip4_timer_at(&mn->t_agents, next);
	else
		xmip_mip4_timer_cancel(&mn->t_agents);
}

static void agents_tick(void *obj)
{
	struct mip4_mn *mn = obj;
	uint64_t now = xmip_now_ns();
	bool changed = false;

	for (size_t i = 0; i < XMIP_MIP4_MN_MAX_AGENTS; i++) {
		struct agent_slot *s = &mn->agents[i];

		if (s->used && s->expires_ns <= now) {
			/* §2.4.2.1: no advertisement within its lifetime: contact lost. */
			log_info("mip4: agent %s on ifindex %u: advertisement lifetime over",
				 xmip_mip4_ntoa(s->a.addr), s->a.ifindex);
			s->used = false;
			changed = true;
		}
	}
	arm_agents(mn);
	if (changed) {
		evaluate(mn);
		dump(mn);
	}
}

static void forget_agents_on_down_links(struct mip4_mn *mn)
{
	for (size_t i = 0; i < XMIP_MIP4_MN_MAX_AGENTS; i++) {
		struct agent_slot *s = &mn->agents[i];
		char name[IF_NAMESIZE];

		if (s->used && (!if_indextoname(s->a.ifindex, name) || !xmip_if_is_up(name)))
			s->used = false;
	}
}

static bool our_if(const struct mip4_mn *mn, uint32_t ifindex)
{
	for (size_t i = 0; i < mn->n_ifs; i++)
		if (mn->ifs[i] == ifindex)
			return true;
	return false;
}

static void on_advert(struct mip4_mn *mn, const uint8_t *frame, const struct xmip_mip4_ip *ip,
		      uint32_t ifindex)
{
	struct xmip_mip4_adv adv;
	struct agent_slot *s = NULL, *free_s = NULL;
	bool fa_rebooted = false;

	if (xmip_mip4_adv_parse(frame + ip->pl_off, ip->pl_len, &adv) != XMIP_MIP4_E_OK ||
	    !(adv.flags & (XMIP_MIP4_ADV_H | XMIP_MIP4_ADV_F))) {
		mn->n.adv_bad++;
		return;
	}
	mn->n.adv_rx++;
	for (size_t i = 0; i < XMIP_MIP4_MN_MAX_AGENTS && !s; i++) {
		struct agent_slot *x = &mn->agents[i];

		if (x->used && x->a.ifindex == ifindex && !memcmp(x->a.addr, ip->src, 4))
			s = x;
		else if (!x->used && !free_s)
			free_s = x;
	}
	if (s) {
		/* §2.4.4: the number fell into 0-255: the agent rebooted and lost us. */
		if (adv.seq < s->a.adv.seq && adv.seq < XMIP_MIP4_ADV_SEQ_WRAP_TO)
			fa_rebooted = true;
	} else if (!(s = free_s)) {
		return;
	}
	s->used = true;
	s->a.ifindex = ifindex;
	memcpy(s->a.addr, ip->src, 4);
	memcpy(s->a.mac, frame + 6, 6);
	s->a.adv = adv;
	s->expires_ns = xmip_now_ns() + (uint64_t)adv.lifetime * 1000000000u;
	arm_agents(mn);
	if (fa_rebooted && mn->at.mode == XMIP_MIP4_MN_FA && mn->at.ifindex == ifindex &&
	    !memcmp(mn->at.agent, ip->src, 4)) {
		log_info("mip4: foreign agent %s rebooted (sequence %u): registering again",
			 xmip_mip4_ntoa(ip->src), adv.seq);
		mn->state = MN_REGISTERING;
		mn->tries = 0;
		mn->backoff_ms = 0;
		register_now(mn);
		return;
	}
	evaluate(mn);
}

static void on_pkt(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_mn *mn = arg;
	struct xmip_l2_meta pm;
	struct xmip_mip4_ip ip;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_l2_recv(fd, buf_in, sizeof(buf_in), &pm)) > 0) {
		if (pm.pkttype == 4 || !our_if(mn, pm.ifindex) ||
		    xmip_mip4_frame_ip(buf_in, (size_t)n, false, &ip) || ip.proto != 1)
			continue;
		on_advert(mn, buf_in, &ip, pm.ifindex);
	}
}

/* ---- replies ---- */

static void handle_reply(struct mip4_mn *mn, const uint8_t *msg, size_t len)
{
	struct xmip_mip4_mn_pending p = { .id = mn->id, .lifetime = mn->req_lifetime };
	struct xmip_mip4_mn_reply r;
	struct xmip_mip4_reg m;

	mn->n.rep_rx++;
	if ((mn->state != MN_REGISTERING && mn->state != MN_DEREGISTERING) ||
	    xmip_mip4_reg_parse(msg, len, &m) != XMIP_MIP4_E_OK) {
		mn->n.rep_dropped++;
		return;
	}
	p.via_fa = mn->at.mode == XMIP_MIP4_MN_FA;
	p.mnfa = p.via_fa ? xmip_mip4_find_peer(mn->c, mn->at.agent) : NULL;
	xmip_mip4_mn_check_reply(mn->c, msg, &m, &p, ntp_now(mn), &r);
	if (r.result == XMIP_MIP4_MN_R_DROP) {
		mn->n.rep_dropped++;
		log_info("mip4: reply dropped: %s", r.why);
		return;
	}
	mn->last_code = r.code;
	mn->n.codes[r.code]++;
	switch (r.result) {
	case XMIP_MIP4_MN_R_ACCEPTED:
		mn->n.accepted++;
		xmip_mip4_timer_cancel(&mn->t_reg);
		mn->resyncs = 0;
		if (mn->state == MN_DEREGISTERING) {
			mn->state = MN_HOME;
			xmip_mip4_observe_mn_reply(mn->c->hoa, mn->at.coa, r.code, true, true, 0);
			log_info("mip4: deregistered: at home");
			break;
		}
		mn->state = MN_REGISTERED;
		mn->granted = r.lifetime;
		/* §3.6.2.2: the lifetime runs from when the request left. */
		mn->expires_ns = mn->sent_ns + (uint64_t)r.lifetime * 1000000000u;
		mn->udp_tunnel = r.udp && r.udp_rep.code < XMIP_MIP4_UDP_REP_DECLINE;
		mn->keepalive = mn->udp_tunnel ? (r.udp_rep.keepalive ? r.udp_rep.keepalive :
						  XMIP_MIP4_KEEPALIVE_DEFAULT) : 0;
		if (r.lifetime != XMIP_MIP4_LIFETIME_INFINITE)
			xmip_mip4_timer_at(&mn->t_reg, xmip_mip4_mn_refresh_ns(mn->sent_ns, r.lifetime));
		xmip_mip4_observe_mn_reply(mn->c->hoa, mn->at.coa, r.code, true, false, r.lifetime);
		datapath(mn, true);
		ka_start(mn);
		log_info("mip4: registered (%s, care-of %s), lifetime %u s%s", mode_name(mn->at.mode),
			 xmip_mip4_ntoa(mn->at.coa), r.lifetime,
			 mn->udp_tunnel ? ", UDP tunnel (RFC 3519) through a NAT" : "");
		break;
	case XMIP_MIP4_MN_R_RESYNC:
		mn->n.resync++;
		xmip_mip4_observe_mn_reply_retry(r.code);
		mn->offset_s += r.offset_s;
		log_warn("mip4: identification mismatch: our clock is %lld s off the home agent's",
			 (long long)-mn->offset_s);
		if (++mn->resyncs <= RESYNC_MAX) {
			xmip_mip4_timer_cancel(&mn->t_reg);
			mn->backoff_ms = 0;
			register_now(mn);
		}
		break;
	case XMIP_MIP4_MN_R_LIFETIME:
		xmip_mip4_observe_mn_reply_retry(r.code);
		mn->fa_max = r.lifetime;
		xmip_mip4_timer_cancel(&mn->t_reg);
		mn->backoff_ms = 0;
		register_now(mn);
		break;
	default:
		mn->n.denied++;
		xmip_mip4_observe_mn_reply(mn->c->hoa, mn->at.coa, r.code, false,
					   mn->state == MN_DEREGISTERING, 0);
		log_warn("mip4: registration denied, code %u (%s): retrying after %u ms", r.code,
			 r.why, mn->backoff_ms);
		break;
	}
	dump(mn);
}

static void on_udp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_mn *mn = arg;
	struct xmip_mip4_udp_meta um;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_mip4_udp_recv(fd, buf_in, sizeof(buf_in), &um)) > 0) {
		log_debug("mip4: %zd octets from %s:%u to %s", n, xmip_mip4_ntoa(um.src), um.sport,
			  xmip_mip4_ntoa(um.dst));
		if (buf_in[0] == XMIP_MIP4_REG_REPLY)
			handle_reply(mn, buf_in, (size_t)n);
		else if (buf_in[0] == XMIP_MIP4_TUNNEL_DATA && n > 4 &&
			 buf_in[1] == XMIP_MIP4_PROTO_IPIP)
			ka_answer(mn, buf_in + 4, (size_t)n - 4);   /* no datapath: not decapsulated */
	}
}

static void on_netlink(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct mip4_mn *mn = arg;

	(void)loop;
	(void)events;
	if (xmip_nl_monitor_drain(fd) <= 0)
		return;
	forget_agents_on_down_links(mn);
	evaluate(mn);
	/* An address usually comes before its default route (DHCP): send when it does. */
	if (mn->send_failed && (mn->state == MN_REGISTERING || mn->state == MN_DEREGISTERING)) {
		xmip_mip4_timer_cancel(&mn->t_reg);
		register_now(mn);
	}
	dump(mn);
}

/* ---- life cycle ---- */

struct mip4_mn *xmip_mip4_mn_new(struct xmip_family *f)
{
	struct mip4_mn *mn = calloc(1, sizeof(*mn));
	struct xmip_loop *loop = f->core->loop;

	if (!mn)
		return NULL;
	mn->f = f;
	mn->conf = f->core->conf;
	mn->c = &mn->conf->mip4;
	mn->nl = f->core->nl;
	mn->udp = mn->pkt = mn->mon = mn->icmp = -1;
	mn->dp = xmip_mip4_node_dp_open(mn->conf->instance);
	for (int i = 0; i < mn->conf->n_ifs && mn->n_ifs < XMIP_MIP4_MN_MAX_IFS; i++) {
		uint32_t idx = if_nametoindex(mn->conf->ifnames[i]);

		if (!idx) {
			log_err("mip4: interface %s: %s", mn->conf->ifnames[i], strerror(errno));
			goto fail;
		}
		mn->ifs[mn->n_ifs++] = idx;
		/* §4.6: answer ARP only for addresses of the interface asked on (never for the
		 * home address kept on lo while away), and never announce it there. */
		xmip_sysctl_ipv4_conf(mn->conf->ifnames[i], "arp_ignore", "1");
		xmip_sysctl_ipv4_conf(mn->conf->ifnames[i], "arp_announce", "2");
	}
	xmip_sysctl_ipv4_conf("all", "arp_ignore", "1");
	xmip_sysctl_ipv4_conf("all", "arp_announce", "2");
	xmip_mip4_timer_init(f, &mn->t_reg, reg_tick, mn);
	xmip_mip4_timer_init(f, &mn->t_sol, solicit_tick, mn);
	xmip_mip4_timer_init(f, &mn->t_agents, agents_tick, mn);
	xmip_mip4_timer_init(f, &mn->t_garp, garp_tick, mn);
	xmip_mip4_timer_init(f, &mn->t_ka, ka_tick, mn);
	mn->udp = xmip_mip4_udp_open(false);
	mn->pkt = xmip_l2_open(false, 0, XMIP_MIP4_ICMP_ADVERT);
	mn->mon = xmip_nl_monitor_open_groups(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE);
	if (mn->udp < 0 || mn->pkt < 0 || mn->mon < 0) {
		log_err("mip4: sockets: %s", strerror(-(mn->udp < 0 ? mn->udp : mn->pkt < 0 ?
							  mn->pkt : mn->mon)));
		goto fail;
	}
	if (xmip_loop_add_fd(loop, mn->udp, EPOLLIN, on_udp, mn) ||
	    xmip_loop_add_fd(loop, mn->pkt, EPOLLIN, on_pkt, mn) ||
	    xmip_loop_add_fd(loop, mn->mon, EPOLLIN, on_netlink, mn))
		goto fail;
	srand((unsigned)xmip_realtime_ns());
	mn->ka_id = (uint16_t)rand();
	/* The HA's echo replies to our keepalives, once the datapath decapsulated them
	 * (without it they come to the UDP socket in type 4). Without it: no loss detection. */
	mn->icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (mn->icmp >= 0) {
		struct icmp_filter flt = { .data = ~(1u << ICMP_ECHOREPLY) };

		if (setsockopt(mn->icmp, SOL_RAW, ICMP_FILTER, &flt, sizeof(flt)) ||
		    xmip_loop_add_fd(loop, mn->icmp, EPOLLIN, on_icmp, mn)) {
			close(mn->icmp);
			mn->icmp = -1;
		}
	}
	if (mn->icmp < 0)
		log_warn("mip4: raw ICMP socket: %s: keepalive losses go undetected", strerror(errno));
	log_info("mip4: mobile node %s, home agent %s, %zu interface(s)", xmip_mip4_ntoa(mn->c->hoa),
		 xmip_mip4_ntoa(mn->c->home_agent), mn->n_ifs);
	/* Nothing heard yet: solicit (§2.4), and use a co-located address if there is one. */
	solicit_restart(mn);
	evaluate(mn);
	dump(mn);
	return mn;
fail:
	xmip_mip4_mn_free(mn);
	return NULL;
}

void xmip_mip4_mn_free(struct mip4_mn *mn)
{
	struct xmip_loop *loop;

	if (!mn)
		return;
	loop = mn->f->core->loop;
	xmip_mip4_timer_cancel(&mn->t_reg);
	xmip_mip4_timer_cancel(&mn->t_sol);
	xmip_mip4_timer_cancel(&mn->t_agents);
	xmip_mip4_timer_cancel(&mn->t_garp);
	xmip_mip4_timer_cancel(&mn->t_ka);
	if (mn->icmp >= 0) {
		xmip_loop_del_fd(loop, mn->icmp);
		close(mn->icmp);
	}
	if (mn->udp >= 0) {
		xmip_loop_del_fd(loop, mn->udp);
		close(mn->udp);
	}
	if (mn->pkt >= 0) {
		xmip_loop_del_fd(loop, mn->pkt);
		close(mn->pkt);
	}
	if (mn->mon >= 0) {
		xmip_loop_del_fd(loop, mn->mon);
		close(mn->mon);
	}
	if (mn->dp >= 0)
		close(mn->dp);
	free(mn);
}
