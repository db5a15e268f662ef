// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DSMIPv6 home agent at run time (dsmip_ha.h). */
#include "dsmip_ha.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../mip6/mh.h"
#include "clock.h"
#include "config.h"
#include "core.h"
#include "dsmip.h"
#include "dsmip_arp.h"
#include "mip6/ha.h"
#include "mip6/nemo.h"
#include "dsmip_dp.h"
#include "dsmip_outer.h"
#include "dsmip_policy.h"
#include "dsmip_table.h"
#include "events.h"
#include "log.h"
#include "maps.h"
#include "metrics.h"
#include "xmip_events.h"

#define FAMILY   "dsmip"
#define SWEEP_MS 1000
#define BUF_LEN  2048

struct xmip_dsmip_ha {
	struct xmip_family      *f;
	const struct xmip_conf  *conf;
	int                      fd4, fd6;
	struct xmip_dsmip_table  table;
	struct xmip_family_timer sweep;
	char                     state_path[128];
};

/* ---- state file: XMIP_RUN_DIR/<instance>.dsmip, replaced whole ------------------ */

static void save(struct xmip_dsmip_ha *ha)
{
	struct xmip_dsmip_state_hdr h = { .magic = XMIP_DSMIP_STATE_MAGIC,
					  .rec_size = sizeof(struct xmip_dsmip_binding),
					  .n = (uint32_t)ha->table.n };
	char tmp[160];
	FILE *fp;

	xmip_metrics_bindings_set(FAMILY, (int64_t)ha->table.n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", ha->state_path);
	fp = fopen(tmp, "w");
	if (!fp) {
		log_warn("dsmip: cannot write %s: %s", tmp, strerror(errno));
		return;
	}
	fchmod(fileno(fp), 0644);
	if (fwrite(&h, sizeof(h), 1, fp) != 1 ||
	    (h.n && fwrite(ha->table.b, sizeof(ha->table.b[0]), h.n, fp) != h.n) || fclose(fp)) {
		log_warn("dsmip: cannot write %s", tmp);
		unlink(tmp);
		return;
	}
	if (rename(tmp, ha->state_path))
		log_warn("dsmip: cannot rename %s: %s", tmp, strerror(errno));
}

/* ---- events and metrics ---------------------------------------------------------- */

static void ev_binding(uint16_t type, const struct xmip_dsmip_binding *b, const char *nai)
{
	struct xmip_event ev = { .type = type, .family = XMIP_FAMILY_DSMIP,
				 .fields = XMIP_EVF_HOA | XMIP_EVF_COA | XMIP_EVF_PORTS |
					   XMIP_EVF_SEQ };

	memcpy(ev.hoa, b->hoa, 16);
	memcpy(ev.coa, b->observed_addr, 16);
	ev.coa_port = b->observed_port;
	ev.seq = b->seq;
	if (type == XMIP_EV_REGISTERED || type == XMIP_EV_REFRESHED || type == XMIP_EV_NAT_REBOUND) {
		ev.fields |= XMIP_EVF_LIFETIME;
		ev.lifetime_s = b->lifetime_s;
	}
	if (nai) {
		ev.fields |= XMIP_EVF_ID;
		snprintf(ev.id, sizeof(ev.id), "%s", nai);
	}
	xmip_event_emit(&ev);
}

static void observe(const struct xmip_dsmip_decision *d, const struct xmip_pkt *p)
{
	const char *nai = d->mn ? d->mn->nai : NULL;

	xmip_metrics_message(FAMILY, "binding_update", "received", NULL);
	if (!d->send_ba) {
		xmip_metrics_message(FAMILY, "binding_update", "discarded", NULL);
		return;
	}
	xmip_metrics_message(FAMILY, "binding_ack", "sent", d->ba.status ? "refused" : "accepted");
	if (d->ba.status) {
		struct xmip_event ev = { .type = XMIP_EV_REFUSED, .family = XMIP_FAMILY_DSMIP,
					 .fields = XMIP_EVF_HOA | XMIP_EVF_STATUS | XMIP_EVF_SEQ };

		memcpy(ev.hoa, p->src.s6_addr, 16);
		ev.status = d->ba.status;
		ev.seq = p->msg.seq;
		snprintf(ev.status_name, sizeof(ev.status_name), "%s", xmip_ba_status_name(d->ba.status));
		xmip_event_emit(&ev);
		return;
	}
	if (d->op == XMIP_DSMIP_DELETE) {
		struct xmip_dsmip_binding b = d->had ? d->prev : d->b;

		b.seq = p->msg.seq;
		ev_binding(XMIP_EV_DEREGISTERED, &b, nai);
	} else if (d->rebound) {
		struct xmip_event ev = { .type = XMIP_EV_NAT_REBOUND, .family = XMIP_FAMILY_DSMIP,
					 .fields = XMIP_EVF_HOA | XMIP_EVF_COA | XMIP_EVF_PREV_COA |
						   XMIP_EVF_PORTS | XMIP_EVF_LIFETIME | XMIP_EVF_SEQ };

		memcpy(ev.hoa, d->b.hoa, 16);
		memcpy(ev.coa, d->b.observed_addr, 16);
		memcpy(ev.prev_coa, d->prev.observed_addr, 16);
		ev.coa_port = d->b.observed_port;
		ev.prev_port = d->prev.observed_port;
		ev.lifetime_s = d->b.lifetime_s;
		ev.seq = d->b.seq;
		xmip_event_emit(&ev);
	} else {
		ev_binding(d->had && !d->moved ? XMIP_EV_REFRESHED : XMIP_EV_REGISTERED, &d->b, nai);
	}
}

static void log_decision(const struct xmip_dsmip_decision *d, const struct xmip_pkt *p,
			 const struct xmip_dsmip_obs *obs)
{
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(20);
	char hoa[INET6_ADDRSTRLEN], peer[INET6_ADDRSTRLEN];
	unsigned int more;

	if (!xmip_log_ratelimit(&rl, &more))
		return;
	inet_ntop(AF_INET6, &p->src, hoa, sizeof(hoa));
	if (xmip_is_v4_mapped(&obs->peer))
		inet_ntop(AF_INET, obs->peer.s6_addr + 12, peer, sizeof(peer));
	else
		inet_ntop(AF_INET6, &obs->peer, peer, sizeof(peer));
	if (!d->send_ba)
		log_info("dsmip: BU from %s port %u discarded: %s (%u held back)", peer,
			 obs->peer_port, d->reason, more);
	else
		log_info("dsmip: BU seq %u for %s from %s port %u: status %u (%s)%s%s%s", p->msg.seq,
			 hoa, peer, obs->peer_port, d->ba.status, d->reason,
			 d->ba.has_ipv4_ack ? "; IPv4 home address: " : "",
			 d->ba.has_ipv4_ack ? xmip_ipv4_ack_status_name(d->ba.ipv4_ack_status) : "",
			 d->ba.has_nat_detect && (d->b.flags & XMIP_DSMIP_B_NAT) ? "; NAT detected" : "");
}

/* ---- one BU ---------------------------------------------------------------------- */

/* The running family, for xmip_dsmip_mip6_took (one per agent process). */
static struct xmip_dsmip_ha *dsmip_self;

/*
 * Proxy ND for the IPv6 home address of a DSMIPv6 binding (RFC 5555 §4.5
 * keeps RFC 6275 §10.4.1: the HA intercepts the home address on the home
 * link whatever the care-of address's family), through the MIPv6 HA's
 * proxy entries. Off only when no MIPv6 binding of the address holds it.
 */
static void defend(const struct xmip_dsmip_ha *ha, const struct xmip_dsmip_binding *b, bool on,
		   bool announce)
{
	const struct xmip_agent_maps *maps = ha->f->core->maps;
	struct xmip_binding r;

	if (!on && maps->bindings >= 0 && xmip_binding_get(maps, b->hoa, &r) == 0 &&
	    r.encap == XMIP_ENCAP_IP6IP6)
		return;
	xmip_ha_defend_hoa(b->hoa, b->ifindex, on, announce);
}

static void withdraw(const struct xmip_dsmip_binding *b)
{
	struct xmip_dsmip_binding w = *b;

	w.encap = XMIP_DSMIP_ENCAP_NONE;
	xmip_dsmip_dp_set(&w);
}

/*
 * A mobile router's binding ended (RFC 3963 §6.7: deregistration, expiry,
 * eviction): its prefixes go, unless a MIPv6 binding of the home address
 * holds them now (the router moved to an IPv6 care-of address: mip6 wrote
 * them). A mobile node has none: nothing to remove.
 */
static void nemo_end(const struct xmip_dsmip_ha *ha, const uint8_t hoa[16])
{
	const struct xmip_agent_maps *maps = ha->f->core->maps;
	struct xmip_binding r;

	if (maps->bindings >= 0 && xmip_binding_get(maps, hoa, &r) == 0 &&
	    r.encap == XMIP_ENCAP_IP6IP6)
		return;
	xmip_nemo_set(maps, hoa, NULL, 0);
}

/*
 * Apply an accepted decision. Returns 0, or the BA status to answer
 * instead when the datapath cannot take a mobile router's prefixes
 * (nothing is written then, as mip6's apply()).
 */
static uint8_t apply(struct xmip_dsmip_ha *ha, const struct xmip_dsmip_decision *d)
{
	const struct xmip_agent_maps *maps = ha->f->core->maps;
	struct xmip_binding m6;

	/* NEMO (RFC 3963 §6.2): the prefixes first, they lead nowhere until the
	 * binding is there; they replace the router's earlier ones, whichever
	 * family wrote those (a router moving from an IPv6 care-of address). */
	if (d->op == XMIP_DSMIP_WRITE && d->nemo) {
		int rc = xmip_nemo_set(maps, d->b.hoa, d->mnp, d->n_mnp);

		if (rc) {
			log_err("dsmip: mobile network prefixes for HoA %s: %s", xmip_ip6str(d->b.hoa),
				strerror(-rc));
			return XMIP_BA_INVALID_PREFIX;
		}
	}
	if (d->replay_write && maps->replay >= 0 &&
	    xmip_replay_put(maps, d->b.hoa, &d->replay))
		log_warn("dsmip: replay state not written");
	if (d->evict) {
		struct xmip_dsmip_binding *o = xmip_dsmip_find_hoa(&ha->table, d->evict_hoa);

		if (o) {
			struct xmip_dsmip_binding gone = *o;

			log_warn("dsmip: another node registered from the NAT address and port of a "
				 "binding: that binding is removed (its NAT mapping is gone)");
			withdraw(&gone);
			defend(ha, &gone, false, false);
			nemo_end(ha, gone.hoa);
			xmip_dsmip_del(&ha->table, d->evict_hoa);
			ev_binding(XMIP_EV_EXPIRED, &gone, NULL);
		}
	}
	/* One binding per home address across families: an IPv6 care-of address
	 * registered through mip6 is replaced (RFC 5555 §4.4.2.1: a BU replaces
	 * the node's bindings). */
	if (d->op != XMIP_DSMIP_KEEP && maps->bindings >= 0 &&
	    xmip_binding_get(maps, d->b.hoa, &m6) == 0 && m6.encap == XMIP_ENCAP_IP6IP6)
		xmip_binding_del(maps, d->b.hoa);   /* (our own records are replaced in place) */
	if (d->op == XMIP_DSMIP_WRITE) {
		if (xmip_dsmip_put(&ha->table, &d->b)) {
			log_warn("dsmip: binding table full");
			return 0;
		}
		/* An IPv4 home address given up or changed: its record and proxy ARP go. */
		if (d->had && (d->prev.flags & XMIP_DSMIP_B_IPV4_HOA) &&
		    (!(d->b.flags & XMIP_DSMIP_B_IPV4_HOA) ||
		     memcmp(d->prev.ipv4_hoa, d->b.ipv4_hoa, 16)))
			xmip_dsmip_dp_drop_v4(&d->prev);
		xmip_dsmip_dp_set(&d->b);
		/* A new binding (or one replacing a MIPv6 one) announces itself. */
		defend(ha, &d->b, true, !d->had);
	} else if (d->op == XMIP_DSMIP_DELETE) {
		if (d->had) {
			withdraw(&d->prev);
			defend(ha, &d->prev, false, false);
		}
		/* §4.4.2.1: every binding of the node went (the MIPv6 one too,
		 * above), and with them a router's prefixes (RFC 3963 §6.7). */
		xmip_nemo_set(maps, d->b.hoa, NULL, 0);
		xmip_dsmip_del(&ha->table, d->b.hoa);
	}
	if (d->op != XMIP_DSMIP_KEEP || d->evict)
		save(ha);
	return 0;
}

static void send_ba(struct xmip_dsmip_ha *ha, const struct xmip_dsmip_decision *d,
		    const struct xmip_dsmip_obs *obs)
{
	uint8_t buf[512];
	int len = xmip_dsmip_build_ba(d, buf, sizeof(buf));
	union xmip_sockaddr to;
	socklen_t tolen;
	int fd;

	if (len < 0) {
		log_warn("dsmip: BA not built");
		return;
	}
	memset(&to, 0, sizeof(to));
	if (xmip_is_v4_mapped(&obs->peer)) {
		to.in.sin_family = AF_INET;
		to.in.sin_port = htons(obs->peer_port);
		memcpy(&to.in.sin_addr, obs->peer.s6_addr + 12, 4);
		tolen = sizeof(to.in);
		fd = ha->fd4;
	} else {
		to.in6.sin6_family = AF_INET6;
		to.in6.sin6_port = htons(obs->peer_port);
		to.in6.sin6_addr = obs->peer;
		tolen = sizeof(to.in6);
		fd = ha->fd6;
	}
	/* §4.2: to the address and port the BU came from, from the port it went to. */
	if (fd < 0 || sendto(fd, buf, (size_t)len, 0, &to.sa, tolen) != len)
		log_warn("dsmip: BA not sent: %s", strerror(errno));
}

static void handle(struct xmip_dsmip_ha *ha, struct xmip_dsmip_obs *obs, const uint8_t *inner,
		   size_t inner_len)
{
	const struct xmip_agent_maps *maps = ha->f->core->maps;
	struct xmip_replay_state rs;
	struct xmip_binding m6;
	struct xmip_dsmip_decision d;
	struct xmip_pkt p;
	enum xmip_parse_err perr = xmip_pkt_parse(inner, inner_len, &p);
	bool have_rs = false, have_m6 = false;

	if (perr == XMIP_PARSE_OK) {
		have_rs = maps->replay >= 0 && xmip_replay_get(maps, p.src.s6_addr, &rs) == 0;
		/* A MIPv6 binding (IPv6-in-IPv6); not this family's own records. */
		have_m6 = maps->bindings >= 0 && xmip_binding_get(maps, p.src.s6_addr, &m6) == 0 &&
			  m6.encap == XMIP_ENCAP_IP6IP6;
	}
	xmip_dsmip_decide(ha->conf, &p, perr, obs, &ha->table, have_m6 ? &m6 : NULL,
			  have_rs ? &rs : NULL, xmip_realtime_ns(), xmip_now_ns(), &d);
	/* The datapath first, then the BA: the node's first packets after the
	 * BA find their tunnel (and a refusal of the datapath is answered). */
	if (d.send_ba && d.ba.status == XMIP_BA_ACCEPTED) {
		uint8_t st = apply(ha, &d);

		if (st)
			xmip_dsmip_refuse(&d, st, "the datapath could not take the mobile network prefixes");
	} else {
		apply(ha, &d);
	}
	log_decision(&d, &p, obs);
	if (d.send_ba)
		send_ba(ha, &d, obs);
	observe(&d, &p);
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_dsmip_ha *ha = arg;

	(void)loop;
	(void)events;
	for (int n = 0; n < 64; n++) {
		uint8_t buf[BUF_LEN], cbuf[128];
		union xmip_sockaddr from;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		struct xmip_dsmip_obs obs;
		ssize_t r = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (r < 0)
			return;
		if (mh.msg_flags & MSG_TRUNC)
			continue;
		memset(&obs, 0, sizeof(obs));
		obs.local_port = XMIP_DSMIP_UDP_PORT;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				obs.ifindex = (uint32_t)pi.ipi_ifindex;
				xmip_v4_mapped(pi.ipi_addr, &obs.local);
			} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				obs.ifindex = pi.ipi6_ifindex;
				obs.local = pi.ipi6_addr;
			}
		}
		if (from.sa.sa_family == AF_INET) {
			xmip_v4_mapped(from.in.sin_addr, &obs.peer);
			obs.peer_port = ntohs(from.in.sin_port);
		} else {
			obs.peer = from.in6.sin6_addr;
			obs.peer_port = ntohs(from.in6.sin6_port);
		}
		handle(ha, &obs, buf, (size_t)r);
	}
}

void xmip_dsmip_ha_record(struct xmip_dsmip_ha *ha, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	struct xmip_dsmip_obs obs = { .ifindex = ifindex };
	const uint8_t *inner;
	size_t inner_len;

	if (xmip_dsmip_parse_outer(pkt, len, &obs, &inner, &inner_len) != XMIP_DSMIP_OUTER_OK) {
		xmip_metrics_message(FAMILY, "malformed", "received", NULL);
		return;
	}
	handle(ha, &obs, inner, inner_len);
}

/* ---- sockets, expiry, start and stop ------------------------------------------ */

static int open_udp(int family, const void *addr, struct xmip_dsmip_ha *ha)
{
	union xmip_sockaddr sa;
	int one = 1, fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	if (family == AF_INET) {
		sa.in.sin_family = AF_INET;
		sa.in.sin_port = htons(XMIP_DSMIP_UDP_PORT);
		memcpy(&sa.in.sin_addr, addr, 4);
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		/* The address may come up after the agent (a NAT'd cloud VM, DHCP). */
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	} else {
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons(XMIP_DSMIP_UDP_PORT);
		memcpy(&sa.in6.sin6_addr, addr, 16);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one));
	}
	if (bind(fd, &sa.sa, family == AF_INET ? sizeof(sa.in) : sizeof(sa.in6)) ||
	    xmip_loop_add_fd(ha->f->core->loop, fd, EPOLLIN, on_readable, ha)) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void xmip_dsmip_ha_timer(struct xmip_dsmip_ha *ha, struct xmip_family_timer *t)
{
	uint64_t now = xmip_now_ns();
	bool changed = false;

	(void)t;
	for (size_t i = 0; i < ha->table.n;) {
		struct xmip_dsmip_binding b = ha->table.b[i];

		if (b.expires_ns > now) {
			i++;
			continue;
		}
		withdraw(&b);
		defend(ha, &b, false, false);
		nemo_end(ha, b.hoa);
		xmip_dsmip_del(&ha->table, b.hoa);      /* moves the last one to i */
		ev_binding(XMIP_EV_EXPIRED, &b, NULL);
		log_info("dsmip: binding expired");
		changed = true;
	}
	if (changed)
		save(ha);
	xmip_family_timer_in_ms(&ha->sweep, SWEEP_MS);
}

struct xmip_dsmip_ha *xmip_dsmip_ha_new(struct xmip_family *f)
{
	struct xmip_dsmip_ha *ha = calloc(1, sizeof(*ha));
	const struct xmip_conf *conf = f->core->conf;
	char a4[INET_ADDRSTRLEN];

	if (!ha)
		return NULL;
	ha->f = f;
	ha->conf = conf;
	xmip_dsmip_dp_init(f->core->maps);   /* bindings go to the datapath's table */
	xmip_dsmip_arp_start(f->core->loop);
	ha->fd4 = ha->fd6 = -1;
	if (xmip_dsmip_table_init(&ha->table, conf->max_bindings ? conf->max_bindings : 65536)) {
		free(ha);
		return NULL;
	}
	snprintf(ha->state_path, sizeof(ha->state_path), "%s/%s.dsmip", XMIP_RUN_DIR, conf->instance);
	mkdir(XMIP_RUN_DIR, 0755);
	inet_ntop(AF_INET, &conf->dsmip.ipv4_address, a4, sizeof(a4));
	ha->fd4 = open_udp(AF_INET, &conf->dsmip.ipv4_address, ha);
	if (ha->fd4 < 0) {
		log_err("dsmip: cannot listen on %s UDP %u: %s", a4, XMIP_DSMIP_UDP_PORT, strerror(errno));
		xmip_dsmip_table_free(&ha->table);
		free(ha);
		return NULL;
	}
	ha->fd6 = open_udp(AF_INET6, &conf->address, ha);
	if (ha->fd6 < 0)
		log_warn("dsmip: no UDP %u on the IPv6 address: %s (IPv4 only)", XMIP_DSMIP_UDP_PORT,
			 strerror(errno));
	log_info("dsmip: listening on %s UDP %u%s; NAT keepalive %u s", a4, XMIP_DSMIP_UDP_PORT,
		 ha->fd6 >= 0 ? " and the IPv6 address" : "", conf->dsmip.nat_keepalive_s);
	xmip_family_timer_init(f, &ha->sweep, NULL);
	xmip_family_timer_in_ms(&ha->sweep, SWEEP_MS);
	dsmip_self = ha;
	return ha;
}

/* The DSMIPv6 binding of hoa ends for a MIPv6 one: its IPv4 record and proxy ARP go. */
static void end_for_mip6(struct xmip_dsmip_ha *ha, const uint8_t hoa[16], const char *why)
{
	struct xmip_dsmip_binding *cur = xmip_dsmip_find_hoa(&ha->table, hoa);
	struct xmip_dsmip_binding gone;

	if (!cur)
		return;
	gone = *cur;
	/* Keeps a MIPv6 record of the home address. */
	withdraw(&gone);
	xmip_dsmip_del(&ha->table, hoa);
	log_info("dsmip: binding of %s ended by %s", xmip_ip6str(hoa), why);
	ev_binding(XMIP_EV_EXPIRED, &gone, NULL);
	save(ha);
}

void xmip_dsmip_mip6_ipv4(const struct xmip_mh_opts *o, const uint8_t hoa[16],
			  const struct xmip_binding *m6, struct xmip_ba_fields *ba)
{
	struct xmip_dsmip_ha *ha = dsmip_self;
	const struct xmip_dsmip_binding *cur;
	const struct xmip_mn_entry *mn;
	struct xmip_dsmip_binding b;
	struct in6_addr h6;
	struct in_addr v4;
	bool dynamic, had_v4;
	uint8_t st;
	char txt[INET_ADDRSTRLEN];

	if (!ha)
		return;
	memcpy(&h6, hoa, 16);
	mn = xmip_conf_find_mn(ha->conf, &h6);
	if (!o->has_ipv4_hoa || !mn) {
		end_for_mip6(ha, hoa, "a MIPv6 registration without an IPv4 home address");
		return;
	}
	/* Decided with the node's binding still in the table: its own pool
	 * address is its own (a refresh keeps it). */
	st = xmip_dsmip_ipv4_hoa_decide(ha->conf, mn, &ha->table, hoa, o, &v4, &dynamic);
	ba->has_ipv4_ack = true;
	ba->ipv4_ack_status = st;
	ba->ipv4_ack_hoa = v4;
	ba->ipv4_ack_plen = st < 128 ? 32 : 0;     /* §3.2.1: zero on failure */
	inet_ntop(AF_INET, &v4, txt, sizeof(txt));
	log_info("dsmip: IPv4 home address %s for %s over its IPv6 care-of address %s: %s", txt,
		 xmip_ip6str(hoa), xmip_ip6str(m6->coa), xmip_ipv4_ack_status_name(st));
	if (st >= 128) {
		end_for_mip6(ha, hoa, "a MIPv6 registration whose IPv4 home address was refused");
		return;
	}
	memset(&b, 0, sizeof(b));
	memcpy(b.hoa, hoa, 16);
	memcpy(b.coa, m6->coa, 16);
	memcpy(b.observed_addr, m6->coa, 16);
	xmip_v4_mapped(v4, b.ipv4_hoa);
	b.ipv4_plen = 32;
	b.flags = XMIP_DSMIP_B_IPV4_HOA | (dynamic ? XMIP_DSMIP_B_DYNAMIC : 0);
	b.encap = XMIP_DSMIP_ENCAP_IP6;
	b.keepalive_s = XMIP_DSMIP_REFRESH_NONE;
	b.lifetime_s = m6->lifetime_s;
	b.expires_ns = m6->expires_ns;
	b.seq = m6->seq;
	b.bu_flags = m6->bu_flags;
	b.ifindex = m6->ifindex;
	/*
	 * A refresh, or a move from an IPv4 care-of address, replaces the
	 * binding in place: its xmip_bindings record (::ffff:HoA4) is
	 * overwritten, never deleted first (packets in flight keep a record),
	 * and proxy ARP goes on without a new gratuitous ARP (RFC 5944 §4.6
	 * announces a new binding). Only an IPv4 home address that changed
	 * loses its record and proxy ARP.
	 */
	cur = xmip_dsmip_find_hoa(&ha->table, hoa);
	had_v4 = cur && (cur->flags & XMIP_DSMIP_B_IPV4_HOA);
	if (had_v4 && memcmp(cur->ipv4_hoa, b.ipv4_hoa, 16))
		xmip_dsmip_dp_drop_v4(cur);
	if (xmip_dsmip_put(&ha->table, &b)) {
		log_warn("dsmip: binding table full");
		return;
	}
	xmip_dsmip_dp_set(&b);
	save(ha);
}

void xmip_dsmip_mip6_took(const uint8_t hoa[16], bool v4_follows)
{
	struct xmip_dsmip_ha *ha = dsmip_self;
	struct xmip_dsmip_binding *cur = ha ? xmip_dsmip_find_hoa(&ha->table, hoa) : NULL;

	if (!cur)
		return;
	if (v4_follows && (cur->flags & XMIP_DSMIP_B_IPV4_HOA))
		return;   /* xmip_dsmip_mip6_ipv4 updates or ends it */
	end_for_mip6(ha, hoa, "a MIPv6 registration or deregistration");
}

/* A restarted agent takes the bindings of the state file whose node is still configured. */
int xmip_dsmip_ha_adopt(struct xmip_dsmip_ha *ha)
{
	struct xmip_dsmip_state_hdr h;
	uint64_t now = xmip_now_ns();
	size_t kept = 0;
	FILE *fp = fopen(ha->state_path, "r");

	if (!fp)
		return 0;
	if (fread(&h, sizeof(h), 1, fp) != 1 || h.magic != XMIP_DSMIP_STATE_MAGIC ||
	    h.rec_size != sizeof(struct xmip_dsmip_binding)) {
		log_warn("dsmip: %s is not a state file of this build: ignored", ha->state_path);
		fclose(fp);
		return 0;
	}
	for (uint32_t i = 0; i < h.n; i++) {
		struct xmip_dsmip_binding b;
		struct in6_addr hoa;

		if (fread(&b, sizeof(b), 1, fp) != 1)
			break;
		memcpy(&hoa, b.hoa, 16);
		if (b.expires_ns <= now || !xmip_conf_find_mn(ha->conf, &hoa) ||
		    xmip_dsmip_put(&ha->table, &b))
			continue;
		xmip_dsmip_dp_set(&b);
		defend(ha, &b, true, false);
		kept++;
	}
	fclose(fp);
	log_info("dsmip: %zu binding(s) taken over from %s", kept, ha->state_path);
	save(ha);
	return 0;
}

void xmip_dsmip_ha_free(struct xmip_dsmip_ha *ha)
{
	if (!ha)
		return;
	if (dsmip_self == ha)
		dsmip_self = NULL;
	xmip_family_timer_cancel(&ha->sweep);
	if (ha->fd4 >= 0) {
		xmip_loop_del_fd(ha->f->core->loop, ha->fd4);
		close(ha->fd4);
	}
	if (ha->fd6 >= 0) {
		xmip_loop_del_fd(ha->f->core->loop, ha->fd6);
		close(ha->fd6);
	}
	xmip_dsmip_table_free(&ha->table);
	xmip_dsmip_arp_stop();
	xmip_dsmip_dp_init(NULL);
	free(ha);
}
