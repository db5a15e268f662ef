// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The mobile node's route optimisation at run time (mn_ro.h). */
#include "mn_ro.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <openssl/crypto.h>

#include "addr.h"
#include "clock.h"
#include "config.h"
#include "core.h"
#include "icmp6sock.h"
#include "log.h"
#include "mn_ro_policy.h"
#include "pins.h"
#include "rawsend.h"
#include "ro/observe.h"
#include "xmip_maps.h"
#include "xmip_ro.h"

#define RO_BUF      256
#define REFRESH_PCT 80

/* One correspondent: its Binding Update List entry (§11.1). */
struct ro_cn {
	struct xmip_mn_ro       *ro;
	struct in6_addr          addr;
	struct xmip_mn_rr_test   home, careof;
	unsigned                 home_tries, careof_tries, bu_tries;
	uint32_t                 home_ms, careof_ms, bu_ms;
	struct xmip_family_timer t_home, t_careof, t_bu, t_refresh;

	bool                     bu_pending;
	struct xmip_mn_ro_bu     bu;        /* the pending (or last accepted) BU */
	uint8_t                  kbm[20];
	uint16_t                 seq;

	bool                     registered; /* the correspondent holds a binding of ours */
	struct in6_addr          bound_coa;  /* ... to this CoA */
	bool                     in_datapath; /* xmip_mn_ro has its element */
	bool                     dereg;       /* deleting (at home) */
	bool                     fallback;    /* the tunnel until the next move */
	bool                     wait_home;   /* BU held back: < 4 s left of the home registration */
	uint64_t                 started_ns;  /* when this round of RR began (log: RR + BU time) */

	bool                     used;        /* the slot holds a correspondent */
	bool                     learnt;      /* from the traffic, not the configuration */
	bool                     expiring;    /* learnt, idle: deleting its binding from the CoA */
	uint64_t                 learnt_ns;
	uint64_t                 used_ns;     /* learnt: the datapath's last use, as last read */
	uint64_t                 held_until_ns; /* learnt, refused: not again before (0: not held) */
};

struct xmip_mn_ro {
	struct xmip_family *f;
	const struct xmip_conf *conf;
	struct xmip_loop   *loop;
	int                 raw, map, icmp;
	bool                away, home;
	bool                v4;         /* an IPv4 CoA registered: no route optimisation (RFC 5555 §2.4) */
	struct in6_addr     coa;
	uint32_t            ifindex;
	uint64_t            home_expires_ns; /* the home registration's end (0: none) */
	unsigned            n;          /* slots in use or used before (configured first) */
	unsigned            cap;        /* configured + learn-max */
	unsigned            n_learnt;   /* learnt ones held now (in hold-down too) */
	int                 seen;       /* xmip_mn_ro_seen: reported destinations, their use */
	struct xmip_family_timer t_sweep;   /* idle and hold-down expiry of learnt ones */
	uint64_t            refused;    /* reports refused at learn-max since the last slot freed */
	struct ro_cn       *cn;
};

static const struct in6_addr *hoa(const struct xmip_mn_ro *ro)
{
	return &ro->conf->self.hoa;
}

static void send_pkt(struct xmip_mn_ro *ro, const uint8_t *buf, int len, const char *what,
		     const struct ro_cn *c)
{
	int rc;

	if (len <= 0) {
		log_err("could not build the %s for %s", what, xmip_ip6str(&c->addr));
		return;
	}
	rc = xmip_rawsend_via(ro->raw, buf, (size_t)len, ro->ifindex);
	if (rc)
		log_warn("sending the %s to %s: %s", what, xmip_ip6str(&c->addr), strerror(-rc));
}

/* The datapath's element: route-optimised while it names the current CoA. */
static void dp_put(struct ro_cn *c, uint32_t lifetime_s)
{
	struct xmip_binding_key k;
	struct xmip_mn_ro_entry v;

	if (c->ro->map < 0)
		return;
	memset(&v, 0, sizeof(v));
	memcpy(k.hoa, c->addr.s6_addr, 16);
	memcpy(v.coa, c->bu.coa.s6_addr, 16);
	v.expires_ns = xmip_now_ns() + (uint64_t)lifetime_s * 1000000000ull;
	v.lifetime_s = lifetime_s;
	v.seq = c->bu.seq;
	if (bpf_map_update_elem(c->ro->map, &k, &v, BPF_ANY))
		log_err("writing %s for %s: %s", XMIP_MAP_MN_RO, xmip_ip6str(&c->addr),
			strerror(errno));
	else
		c->in_datapath = true;
}

static void dp_del(struct ro_cn *c)
{
	struct xmip_binding_key k;

	if (!c->in_datapath || c->ro->map < 0)
		return;
	memcpy(k.hoa, c->addr.s6_addr, 16);
	bpf_map_delete_elem(c->ro->map, &k);
	c->in_datapath = false;
}

static void stop_timers(struct ro_cn *c)
{
	xmip_family_timer_cancel(&c->t_home);
	xmip_family_timer_cancel(&c->t_careof);
	xmip_family_timer_cancel(&c->t_bu);
	xmip_family_timer_cancel(&c->t_refresh);
}

static void forget(struct ro_cn *c);

/* §11.6.2: it cannot (or will not) do route optimisation: the tunnel. */
static void fall_back(struct ro_cn *c, const char *why, uint8_t status)
{
	/* A learnt one being deleted for idleness: it is forgotten either way. */
	if (c->learnt && c->expiring) {
		log_info("learnt correspondent %s: deleting its binding: %s; forgotten",
			 xmip_ip6str(&c->addr), why);
		forget(c);
		return;
	}
	if (!c->fallback && c->learnt) {
		/* Not retried on its next packet: hold-down, then forgotten (and
		 * learnt again if the node still talks to it). */
		c->held_until_ns = xmip_now_ns() +
				   (uint64_t)c->ro->conf->ro.learn_hold_s * 1000000000ull;
		log_warn("route optimisation to learnt correspondent %s: %s; keeping the tunnel "
			 "for %u s (hold-down)", xmip_ip6str(&c->addr), why,
			 c->ro->conf->ro.learn_hold_s);
		xmip_ro_observe_mn_fallback(hoa(c->ro), &c->addr, status, why);
	} else if (!c->fallback) {
		log_warn("route optimisation to %s: %s; keeping the tunnel until the next move",
			 xmip_ip6str(&c->addr), why);
		xmip_ro_observe_mn_fallback(hoa(c->ro), &c->addr, status, why);
	}
	c->fallback = true;
	c->bu_pending = false;
	c->home.pending = c->careof.pending = false;
	stop_timers(c);
	dp_del(c);
}

static void send_init(struct ro_cn *c, bool home)
{
	struct xmip_mn_rr_test *t = home ? &c->home : &c->careof;
	uint8_t cookie[XMIP_RR_COOKIE_LEN], buf[RO_BUF];
	int len;

	/* §11.8: a retransmission too gets a new cookie; the test answering an
	 * earlier one is then ignored (§11.6.2: the cookie stored, the last). */
	if (getrandom(cookie, sizeof(cookie), 0) != sizeof(cookie))
		return;
	len = xmip_mn_rr_build_init(t, home ? XMIP_MH_HOTI : XMIP_MH_COTI,
				    home ? hoa(c->ro) : &c->ro->coa, &c->addr, cookie, buf,
				    sizeof(buf));
	log_debug("%s to %s", home ? "HoTI" : "CoTI", xmip_ip6str(&c->addr));
	xmip_ro_observe_sent(home ? XMIP_MH_HOTI : XMIP_MH_COTI);
	send_pkt(c->ro, buf, len, home ? "Home Test Init" : "Care-of Test Init", c);
	xmip_family_timer_in_ms(home ? &c->t_home : &c->t_careof, home ? c->home_ms : c->careof_ms);
}

static void send_bu(struct ro_cn *c, bool retransmit)
{
	struct xmip_mn_ro *ro = c->ro;
	bool deleting = c->dereg || c->expiring;
	/* §11.7.2: no longer than what remains of the home registration. */
	uint16_t units = deleting ? 0 : xmip_mn_ro_bu_lifetime_units(ro->home_expires_ns,
								       xmip_now_ns());
	uint8_t buf[RO_BUF];
	int len;

	if (!deleting && !units) {
		/* Lifetime 0 would delete: wait for the home agent's next BA. */
		log_info("correspondent %s: BU held back until the home registration is "
			 "refreshed (under %u s of it left)", xmip_ip6str(&c->addr),
			 XMIP_LIFETIME_UNIT_S);
		c->wait_home = true;
		c->bu_pending = false;
		xmip_family_timer_cancel(&c->t_bu);
		return;
	}
	c->wait_home = false;
	if (!retransmit) {
		c->bu_ms = XMIP_MN_RO_INITIAL_MS;
		c->bu_tries = 0;
	}
	/* §11.8: every (re)transmission with a new sequence number. */
	c->bu.hoa = *hoa(ro);
	c->bu.coa = c->dereg ? *hoa(ro) : ro->coa;
	c->bu.cn = c->addr;
	c->bu.seq = ++c->seq;
	/* Deleting: from home (coa = hoa), or a learnt one gone idle (from the
	 * CoA, lifetime 0: §6.1.7; Kbm from the home token alone, §5.2.6). */
	c->bu.lifetime_units = units;
	c->bu.home = &c->home;
	c->bu.careof = &c->careof;
	len = xmip_mn_ro_build_bu(&c->bu, c->kbm, buf, sizeof(buf));
	c->bu_pending = len > 0;
	log_info("correspondent %s BU%s seq %u to %s: HoA %s CoA %s",
		 c->dereg || c->expiring ? "deletion" :
		 "binding", retransmit ? " retransmission" : "", c->bu.seq, xmip_ip6str(&c->addr),
		 xmip_ip6str(hoa(ro)), xmip_ip6str(&c->bu.coa));
	send_pkt(ro, buf, len, "correspondent Binding Update", c);
	xmip_ro_observe_sent(XMIP_MH_BU);
	xmip_family_timer_in_ms(&c->t_bu, c->bu_ms);
}

/* Both tokens the BU needs are there: send it (§11.6.2, last paragraph). */
static void maybe_bu(struct ro_cn *c, uint64_t now)
{
	struct xmip_mn_ro *ro = c->ro;

	if (c->fallback || c->bu_pending)
		return;
	if (!xmip_mn_rr_token_fresh(&c->home, hoa(ro), now))
		return;
	if (!c->dereg && !c->expiring && !xmip_mn_rr_token_fresh(&c->careof, &ro->coa, now))
		return;
	send_bu(c, false);
}

/*
 * Run the tests this registration still needs (§11.6.1: a fresh token is
 * reused; deleting from home needs the home test alone), then the BU.
 */
static void start(struct ro_cn *c)
{
	struct xmip_mn_ro *ro = c->ro;
	uint64_t now = xmip_now_ns();

	if (c->fallback)
		return;
	c->started_ns = now;
	c->bu_pending = false;
	xmip_family_timer_cancel(&c->t_bu);
	xmip_family_timer_cancel(&c->t_refresh);
	if (!xmip_mn_rr_token_fresh(&c->home, hoa(ro), now) && !c->home.pending) {
		c->home_ms = XMIP_MN_RO_INITIAL_MS;
		c->home_tries = 0;
		send_init(c, true);
	}
	if (!c->dereg && !c->expiring && !xmip_mn_rr_token_fresh(&c->careof, &ro->coa, now) &&
	    !(c->careof.pending && xmip_addr_eq(&c->careof.addr, &ro->coa))) {
		c->careof.pending = false;
		c->careof_ms = XMIP_MN_RO_INITIAL_MS;
		c->careof_tries = 0;
		send_init(c, false);
	}
	maybe_bu(c, now);
}

/* Exponential back-off (§11.8), XMIP_MN_RO_TRIES sends in all: then the tunnel. */
static bool back_off(struct ro_cn *c, unsigned *tries, uint32_t *ms, const char *what)
{
	if (++*tries >= XMIP_MN_RO_TRIES) {
		char why[64];

		snprintf(why, sizeof(why), "no answer to %u %s", *tries, what);
		fall_back(c, why, 0);
		return false;
	}
	*ms = *ms * 2 > XMIP_MN_RO_MAX_MS ? XMIP_MN_RO_MAX_MS : *ms * 2;
	return true;
}

static void sweep(struct xmip_mn_ro *ro);

void xmip_mn_ro_timer(struct xmip_mn_ro *ro, struct xmip_family_timer *t)
{
	struct ro_cn *c = t->arg;

	if (ro && t == &ro->t_sweep) {
		sweep(ro);
		return;
	}
	if (!c->used)
		return;
	if (t == &c->t_home && c->home.pending) {
		if (back_off(c, &c->home_tries, &c->home_ms, "Home Test Inits"))
			send_init(c, true);
	} else if (t == &c->t_careof && c->careof.pending && c->ro->away) {
		if (back_off(c, &c->careof_tries, &c->careof_ms, "Care-of Test Inits"))
			send_init(c, false);
	} else if (t == &c->t_bu && c->bu_pending) {
		if (back_off(c, &c->bu_tries, &c->bu_ms, "Binding Updates"))
			send_bu(c, true);
	} else if (t == &c->t_refresh && c->ro->away && c->registered) {
		/* §11.7.2: before the binding runs out, test (what is stale) and bind again. */
		start(c);
	}
}

static struct ro_cn *find(struct xmip_mn_ro *ro, const struct in6_addr *a)
{
	for (unsigned i = 0; i < ro->n; i++)
		if (ro->cn[i].used && xmip_addr_eq(&ro->cn[i].addr, a))
			return &ro->cn[i];
	return NULL;
}

static void on_ba(struct ro_cn *c, const struct xmip_pkt *p)
{
	uint64_t now = xmip_now_ns();
	uint32_t lifetime = 0;
	enum xmip_mn_ro_ba v;

	if (!c->bu_pending)
		return;
	v = xmip_mn_ro_check_ba(&c->bu, c->kbm, p, &lifetime);
	switch (v) {
	case XMIP_MN_RO_BA_IGNORE:
		log_debug("BA from %s seq %u status %u ignored", xmip_ip6str(&p->src), p->msg.seq,
			  p->msg.ba_status);
		return;
	case XMIP_MN_RO_BA_ACCEPTED:
		c->bu_pending = false;
		xmip_family_timer_cancel(&c->t_bu);
		if (c->dereg || c->expiring) {
			c->registered = false;
			c->dereg = false;
			log_info("correspondent %s deleted our binding (seq %u)%s",
				 xmip_ip6str(&c->addr), p->msg.seq,
				 c->learnt ? "; learnt correspondent forgotten" : "");
			xmip_ro_observe_mn_deleted(hoa(c->ro), &c->addr, p->msg.seq);
			if (c->learnt)
				forget(c);
			return;
		}
		xmip_ro_observe_mn_bound(hoa(c->ro), &c->bu.coa, c->registered ? &c->bound_coa : NULL,
					 &c->addr, lifetime, p->msg.seq);
		c->registered = true;
		c->bound_coa = c->bu.coa;
		dp_put(c, lifetime);
		log_info("route optimised to %s from CoA %s: lifetime %u s, return routability "
			 "and BU in %.3f ms", xmip_ip6str(&c->addr), xmip_ip6str(&c->bu.coa), lifetime,
			 (double)(now - c->started_ns) / 1e6);
		if (lifetime)
			xmip_family_timer_in_ms(&c->t_refresh,
						(uint64_t)lifetime * 10 * REFRESH_PCT);
		return;
	case XMIP_MN_RO_BA_NONCE:
		/* §11.7.2: the expired index's test again, then the BU. */
		log_info("correspondent %s: status %u (nonce index expired): testing again",
			 xmip_ip6str(&c->addr), p->msg.ba_status);
		if (p->msg.ba_status != XMIP_BA_EXPIRED_COA_NONCE)
			c->home.have = false;
		if (p->msg.ba_status != XMIP_BA_EXPIRED_HOME_NONCE)
			c->careof.have = false;
		start(c);
		return;
	case XMIP_MN_RO_BA_SEQ:
		c->seq = p->msg.seq;   /* the next BU goes one past the CN's last */
		send_bu(c, false);
		return;
	case XMIP_MN_RO_BA_REFUSED: {
		char why[48];

		c->registered = false;
		snprintf(why, sizeof(why), "BA status %u", p->msg.ba_status);
		fall_back(c, why, p->msg.ba_status);
		return;
	}
	}
}

bool xmip_mn_ro_signal(struct xmip_mn_ro *ro, const struct xmip_pkt *p)
{
	struct ro_cn *c;
	uint64_t now;

	if (!ro || !(c = find(ro, &p->src)))
		return false;
	now = xmip_now_ns();
	xmip_ro_observe_rx(p->msg.type);
	switch (p->msg.type) {
	case XMIP_MH_HOT:
		if (xmip_mn_rr_accept_test(&c->home, &c->addr, p, now)) {
			xmip_family_timer_cancel(&c->t_home);
			log_debug("HoT from %s, nonce index %u", xmip_ip6str(&c->addr),
				  c->home.nonce_index);
			maybe_bu(c, now);
		}
		return true;
	case XMIP_MH_COT:
		if (ro->away && xmip_mn_rr_accept_test(&c->careof, &c->addr, p, now)) {
			xmip_family_timer_cancel(&c->t_careof);
			log_debug("CoT from %s, nonce index %u", xmip_ip6str(&c->addr),
				  c->careof.nonce_index);
			maybe_bu(c, now);
		}
		return true;
	case XMIP_MH_BA:
		on_ba(c, p);
		return true;
	case XMIP_MH_BE:
		/* §11.3.6: status 2, it does not know the Mobility Header: the tunnel;
		 * status 1, it has no binding for our HAO: register again. */
		if (p->msg.be_status == XMIP_BE_UNRECOGNISED_MH) {
			c->registered = false;
			fall_back(c, "Binding Error 2 (Mobility Header not recognised)", 0);
		} else if (p->msg.be_status == XMIP_BE_UNKNOWN_HAO_BINDING && ro->away &&
			   xmip_addr_eq(&p->msg.be_hoa, hoa(ro)) && !c->bu_pending &&
			   !c->home.pending && !c->careof.pending) {
			log_info("Binding Error 1 from %s: registering again", xmip_ip6str(&c->addr));
			dp_del(c);
			start(c);
		}
		return true;
	case XMIP_MH_BRR:
		/* §11.7.4: a refresh, if we use the binding (tests as needed). */
		if (ro->away && c->registered && !c->bu_pending && !c->home.pending &&
		    !c->careof.pending)
			start(c);
		return true;
	}
	return false;
}

/*
 * §11.6.2: a correspondent without Mobility Header support answers our test
 * inits with ICMPv6 Parameter Problem code 1; the kernel takes the error and
 * our raw ICMPv6 socket sees a copy. Quoted: our HoTI or CoTI to it.
 */
static void on_icmp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_mn_ro *ro = arg;
	struct sockaddr_in6 from;
	socklen_t fl = sizeof(from);
	uint8_t b[512];
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = recvfrom(fd, b, sizeof(b), MSG_DONTWAIT, (struct sockaddr *)&from, &fl)) >= 0) {
		struct in6_addr qsrc, qdst;
		struct ro_cn *c;

		fl = sizeof(from);
		if (n <= 0 || !xmip_mn_ro_param_problem(b, (size_t)n, &qsrc, &qdst))
			continue;
		c = find(ro, &qdst);
		if (!c || !xmip_addr_eq(&from.sin6_addr, &qdst) ||
		    (!xmip_addr_eq(&qsrc, hoa(ro)) && !xmip_addr_eq(&qsrc, &ro->coa)))
			continue;
		c->registered = false;
		fall_back(c, "ICMPv6 Parameter Problem (no Mobility Header support)", 0);
	}
}

static int open_icmp(void)
{
	static const uint8_t types[] = { ICMP6_PARAM_PROB };

	return xmip_icmp6_socket(types, sizeof(types));
}

void xmip_mn_ro_home_expiry(struct xmip_mn_ro *ro, uint64_t expires_ns)
{
	if (!ro)
		return;
	ro->home_expires_ns = expires_ns;
	for (unsigned i = 0; i < ro->n; i++) {
		struct ro_cn *c = &ro->cn[i];

		if (c->used && c->wait_home && ro->away) {
			c->wait_home = false;
			maybe_bu(c, xmip_now_ns());
		}
	}
}

void xmip_mn_ro_moved(struct xmip_mn_ro *ro)
{
	if (!ro)
		return;
	ro->away = ro->home = ro->v4 = false;
	for (unsigned i = 0; i < ro->n; i++) {
		struct ro_cn *c = &ro->cn[i];

		if (!c->used)
			continue;
		/* A learnt one being deleted: its binding lapses at the correspondent
		 * (no more tests from a CoA we are leaving). */
		if (c->learnt && c->expiring) {
			forget(c);
			continue;
		}
		/* The correspondent's binding names the old CoA: tunnel until the new
		 * one is registered; another network may have what the last lacked
		 * (but a learnt one in hold-down stays there: it refused, and the
		 * next packet to it would only ask again). */
		dp_del(c);
		c->fallback = ro->map < 0 || (c->learnt && c->held_until_ns);
		c->bu_pending = false;
		c->dereg = false;
		c->wait_home = false;
		c->careof.pending = false;
		xmip_family_timer_cancel(&c->t_careof);
		xmip_family_timer_cancel(&c->t_bu);
		xmip_family_timer_cancel(&c->t_refresh);
	}
}

void xmip_mn_ro_away(struct xmip_mn_ro *ro, const struct in6_addr *coa, uint32_t ifindex)
{
	bool again;

	if (!ro)
		return;
	again = !ro->away || !xmip_addr_eq(&ro->coa, coa);
	ro->away = true;
	ro->home = false;
	ro->coa = *coa;
	ro->ifindex = ifindex;
	if (!again)
		return;   /* a refresh of the home registration: nothing changes here */
	for (unsigned i = 0; i < ro->n; i++) {
		if (!ro->cn[i].used)
			continue;
		ro->cn[i].dereg = false;
		start(&ro->cn[i]);
	}
}

void xmip_mn_ro_away4(struct xmip_mn_ro *ro, uint32_t ifindex)
{
	if (!ro || (ro->v4 && ro->ifindex == ifindex))
		return;   /* a refresh (the keepalive): nothing changes here */
	xmip_mn_ro_moved(ro);
	ro->v4 = true;
	/* Packets from the HoA (ours included) go through the IPv4 tunnel:
	 * table 4191 routes them out of the CoA's interface. */
	ro->ifindex = ifindex;
	memset(&ro->coa, 0, sizeof(ro->coa));
	for (unsigned i = 0; i < ro->n; i++) {
		struct ro_cn *c = &ro->cn[i];

		if (!c->used)
			continue;
		switch (xmip_mn_ro_on_registration(true, c->registered, c->learnt,
						   c->held_until_ns != 0)) {
		case XMIP_MN_RO_REG_DELETE:
			log_info("IPv4 care-of address: asking %s to delete our binding (to %s) "
				 "from the home address, through the tunnel (RFC 5555 2.4)",
				 xmip_ip6str(&c->addr), xmip_ip6str(&c->bound_coa));
			c->fallback = false;
			c->dereg = true;
			start(c);
			break;
		case XMIP_MN_RO_REG_FORGET:
			forget(c);
			break;
		default:
			break;
		}
	}
}

void xmip_mn_ro_home(struct xmip_mn_ro *ro, uint32_t ifindex)
{
	if (!ro)
		return;
	xmip_mn_ro_moved(ro);
	ro->home = true;
	ro->ifindex = ifindex;
	memset(&ro->coa, 0, sizeof(ro->coa));
	/* §11.5.4: delete the bindings correspondents hold (home test only). */
	for (unsigned i = 0; i < ro->n; i++) {
		struct ro_cn *c = &ro->cn[i];

		if (!c->used)
			continue;
		if (!c->registered) {
			/* Nothing to delete; a learnt one is only for while away
			 * (one in hold-down waits for its end). */
			if (c->learnt && !c->held_until_ns)
				forget(c);
			continue;
		}
		c->dereg = true;
		start(c);
	}
}

/* ---- learnt correspondents ([ro] learn-correspondents) ---- */

/* A slot for correspondent a: a random first sequence number, its timers. */
static void slot_init(struct xmip_mn_ro *ro, struct ro_cn *c, const struct in6_addr *a)
{
	uint16_t seq;

	memset(c, 0, sizeof(*c));
	c->ro = ro;
	c->addr = *a;
	c->used = true;
	if (getrandom(&seq, sizeof(seq), 0) != sizeof(seq))
		seq = (uint16_t)(time(NULL) + (c - ro->cn));
	c->seq = seq;
	c->fallback = ro->map < 0;
	xmip_family_timer_init(ro->f, &c->t_home, c);
	xmip_family_timer_init(ro->f, &c->t_careof, c);
	xmip_family_timer_init(ro->f, &c->t_bu, c);
	xmip_family_timer_init(ro->f, &c->t_refresh, c);
}

static void seen_del(struct xmip_mn_ro *ro, const struct in6_addr *a)
{
	struct xmip_binding_key k;

	if (ro->seen < 0)
		return;
	memcpy(k.hoa, a->s6_addr, 16);
	bpf_map_delete_elem(ro->seen, &k);
}

/*
 * Delete the datapath's "reported" marks, so that the next packet to each
 * such destination is reported again: all of them (a new agent), or with
 * keep_ours those of destinations that are no correspondent of ours (the
 * ones refused at learn-max, once a slot is free).
 */
static void seen_clear(struct xmip_mn_ro *ro, bool keep_ours)
{
	struct xmip_binding_key k, next;
	bool have = false;

	if (ro->seen < 0)
		return;
	while (bpf_map_get_next_key(ro->seen, have ? &k : NULL, &next) == 0) {
		struct in6_addr a;

		memcpy(a.s6_addr, next.hoa, 16);
		if (keep_ours && find(ro, &a)) {
			k = next;
			have = true;
			continue;
		}
		if (bpf_map_delete_elem(ro->seen, &next))
			break;
		/* Deleted: carry on from the same predecessor. */
	}
}

/* A learnt correspondent is forgotten: no timers, no datapath element,
 * reported again by its next packet. */
static void forget(struct ro_cn *c)
{
	struct xmip_mn_ro *ro = c->ro;

	if (!c->used || !c->learnt)
		return;
	stop_timers(c);
	dp_del(c);
	seen_del(ro, &c->addr);
	OPENSSL_cleanse(c->kbm, sizeof(c->kbm));
	c->used = false;
	ro->n_learnt--;
	while (ro->n && !ro->cn[ro->n - 1].used)
		ro->n--;
	/* Destinations refused while full may be learnt now. */
	if (ro->refused) {
		log_info("learnt correspondents below learn-max (%u) again: %llu report(s) were "
			 "refused meanwhile, their destinations are reported again",
			 ro->conf->ro.learn_max, (unsigned long long)ro->refused);
		ro->refused = 0;
		seen_clear(ro, true);
	}
}

static uint64_t sweep_ms(const struct xmip_mn_ro *ro)
{
	uint64_t ms = (uint64_t)ro->conf->ro.learn_idle_s * 1000 / 4;

	return ms > 30000 ? 30000 : ms < 1000 ? 1000 : ms;
}

/*
 * Every sweep_ms: learnt correspondents past their hold-down are
 * forgotten; those without traffic for learn-idle (the datapath's
 * used_ns) have their binding deleted (§6.1.7: lifetime 0, from the CoA;
 * needs a home token only) and are then forgotten. Deleting rather than
 * letting the binding lapse: the node would not register its next CoA
 * there, and the correspondent's packets would follow the old one until
 * the binding ran out.
 */
static void sweep(struct xmip_mn_ro *ro)
{
	uint64_t now = xmip_now_ns();

	for (unsigned i = 0; i < ro->n; i++) {
		struct ro_cn *c = &ro->cn[i];
		struct xmip_binding_key k;
		struct xmip_mn_ro_seen v;

		if (!c->used || !c->learnt || c->expiring)
			continue;
		if (c->held_until_ns) {
			if (now >= c->held_until_ns) {
				log_info("learnt correspondent %s: hold-down over, forgotten",
					 xmip_ip6str(&c->addr));
				forget(c);
			}
			continue;
		}
		memcpy(k.hoa, c->addr.s6_addr, 16);
		/* The last use read before stays if the LRU dropped the element
		 * (its next packet makes it again, and reports it: known). */
		if (ro->seen >= 0 && bpf_map_lookup_elem(ro->seen, &k, &v) == 0 &&
		    v.used_ns > c->used_ns)
			c->used_ns = v.used_ns;
		if (!xmip_mn_ro_learnt_idle(c->used_ns, c->learnt_ns, now, ro->conf->ro.learn_idle_s))
			continue;
		if (c->registered && ro->away) {
			log_info("learnt correspondent %s idle for %u s: deleting our binding there",
				 xmip_ip6str(&c->addr), ro->conf->ro.learn_idle_s);
			c->expiring = true;
			dp_del(c);
			start(c);
		} else {
			log_info("learnt correspondent %s idle for %u s: forgotten",
				 xmip_ip6str(&c->addr), ro->conf->ro.learn_idle_s);
			forget(c);
		}
	}
	xmip_family_timer_in_ms(&ro->t_sweep, sweep_ms(ro));
}

bool xmip_mn_ro_learning(const struct xmip_mn_ro *ro)
{
	return ro && ro->conf->ro.learn && ro->seen >= 0 && ro->map >= 0;
}

void xmip_mn_ro_learn(struct xmip_mn_ro *ro, const struct in6_addr *src,
		      const struct in6_addr *dst, const struct in6_addr *ha)
{
	const struct xmip_conf *conf;
	struct xmip_mn_ro_learn_in in;
	enum xmip_mn_ro_learn d;
	struct ro_cn *c;

	if (!ro)
		return;
	conf = ro->conf;
	c = find(ro, dst);
	/* Its hold-down ended before the sweep came round: forget it now. */
	if (c && c->learnt && c->held_until_ns && xmip_now_ns() >= c->held_until_ns) {
		forget(c);
		c = NULL;
	}
	memset(&in, 0, sizeof(in));
	in.enabled = xmip_mn_ro_learning(ro);
	in.away = ro->away;
	in.src = src;
	in.dst = dst;
	in.hoa = hoa(ro);
	in.ha = ha;
	in.prefix = &conf->home_prefix;
	in.plen = conf->home_plen;
	in.known = c && !c->held_until_ns;
	in.held_until_ns = c && c->learnt ? c->held_until_ns : 0;
	in.now_ns = xmip_now_ns();
	in.n_learnt = ro->n_learnt;
	in.max = conf->ro.learn_max;
	d = xmip_mn_ro_learn_decide(&in);
	switch (d) {
	case XMIP_MN_RO_LEARN_NEW:
		break;
	case XMIP_MN_RO_LEARN_FULL:
		/* Its mark stays in the datapath (no report per packet); it is
		 * cleared when a slot frees up (forget()). */
		if (ro->refused++ % 100 == 0)
			log_warn("learnt correspondents: learn-max (%u) reached, %s (and %llu more "
				 "so far) stays in the tunnel; raise [ro] learn-max or lower learn-idle",
				 conf->ro.learn_max, xmip_ip6str(dst),
				 (unsigned long long)ro->refused - 1);
		return;
	case XMIP_MN_RO_LEARN_OFF:
		/* Reported between the move and the home agent's BA (the datapath
		 * is away first): its next packet reports it again. */
		if (in.enabled)
			seen_del(ro, dst);
		return;
	default:
		log_debug("new destination %s: not learnt (%s)", xmip_ip6str(dst),
			  xmip_mn_ro_learn_name(d));
		return;
	}
	for (c = ro->cn; c < ro->cn + ro->cap && c->used; c++)
		;
	if (c == ro->cn + ro->cap)   /* cannot be: n_learnt < learn_max */
		return;
	slot_init(ro, c, dst);
	c->learnt = true;
	c->learnt_ns = in.now_ns;
	ro->n_learnt++;
	if ((unsigned)(c - ro->cn) >= ro->n)
		ro->n = (unsigned)(c - ro->cn) + 1;
	log_info("correspondent %s learnt from the traffic (%u of %u): return routability",
		 xmip_ip6str(dst), ro->n_learnt, conf->ro.learn_max);
	start(c);
}

struct xmip_mn_ro *xmip_mn_ro_new(struct xmip_family *f, int raw)
{
	const struct xmip_conf *conf = f->core->conf;
	struct xmip_mn_ro *ro;
	char path[256];

	if (!conf->ro.n_correspondents && !conf->ro.learn)
		return NULL;
	ro = calloc(1, sizeof(*ro));
	if (!ro)
		return NULL;
	ro->cap = conf->ro.n_correspondents + (conf->ro.learn ? conf->ro.learn_max : 0);
	ro->cn = calloc(ro->cap, sizeof(*ro->cn));
	if (!ro->cn) {
		free(ro);
		return NULL;
	}
	ro->seen = -1;
	ro->f = f;
	ro->conf = conf;
	ro->loop = f->core->loop;
	ro->raw = raw;
	ro->map = -1;
	ro->icmp = -1;
	if (xmip_pin_path(conf->instance, XMIP_MAP_MN_RO, path, sizeof(path)) == 0)
		ro->map = bpf_obj_get(path);
	if (ro->map < 0) {
		log_warn("%s: %s (attached by an older xmip?): route optimisation off, the tunnel "
			 "only", path, strerror(errno));
	} else {
		/* A previous agent's elements: their bindings' state is gone with it
		 * (nonces, sequence numbers); the tunnel until we register again. */
		struct xmip_binding_key k;

		while (bpf_map_get_next_key(ro->map, NULL, &k) == 0)
			if (bpf_map_delete_elem(ro->map, &k))
				break;
	}
	if (conf->ro.learn) {
		if (xmip_pin_path(conf->instance, XMIP_MAP_MN_RO_SEEN, path, sizeof(path)) == 0)
			ro->seen = bpf_obj_get(path);
		if (ro->seen < 0)
			log_warn("%s: %s (attached by an older xmip?): no correspondents learnt",
				 path, strerror(errno));
		else
			seen_clear(ro, false);   /* a previous agent's: report them all again */
		xmip_family_timer_init(f, &ro->t_sweep, ro);
		if (ro->seen >= 0)
			xmip_family_timer_in_ms(&ro->t_sweep, sweep_ms(ro));
	}
	ro->icmp = open_icmp();
	if (ro->icmp >= 0 && xmip_loop_add_fd(ro->loop, ro->icmp, EPOLLIN, on_icmp, ro)) {
		close(ro->icmp);
		ro->icmp = -1;
	}
	if (ro->icmp < 0)
		log_warn("ICMPv6 socket for Parameter Problems: %s", strerror(errno));
	for (unsigned i = 0; i < conf->ro.n_correspondents; i++) {
		struct ro_cn *c = &ro->cn[ro->n++];

		slot_init(ro, c, &conf->ro.correspondents[i]);
	}
	if (ro->map < 0)
		for (unsigned i = 0; i < ro->n; i++)
			ro->cn[i].fallback = true;
	if (conf->ro.learn)
		log_info("route optimisation with %u configured correspondent(s), learning up to %u "
			 "more from the traffic (idle %u s, hold-down %u s)", ro->n,
			 conf->ro.learn_max, conf->ro.learn_idle_s, conf->ro.learn_hold_s);
	else
		log_info("route optimisation with %u correspondent(s)", ro->n);
	return ro;
}

void xmip_mn_ro_free(struct xmip_mn_ro *ro)
{
	if (!ro)
		return;
	for (unsigned i = 0; i < ro->n; i++) {
		if (!ro->cn[i].used)
			continue;
		stop_timers(&ro->cn[i]);
		OPENSSL_cleanse(ro->cn[i].kbm, sizeof(ro->cn[i].kbm));
	}
	if (ro->conf->ro.learn)
		xmip_family_timer_cancel(&ro->t_sweep);
	if (ro->seen >= 0)
		close(ro->seen);
	/* The datapath's elements stay: the bindings live on at the correspondents
	 * (a restarted agent tests again on its first registration). */
	if (ro->icmp >= 0) {
		xmip_loop_del_fd(ro->loop, ro->icmp);
		close(ro->icmp);
	}
	if (ro->map >= 0)
		close(ro->map);
	free(ro->cn);
	free(ro);
}
