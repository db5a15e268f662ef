// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* DHAAD and Mobile Prefix Solicitation answers of the home agent (see dhaad_ha.h). */
#include "dhaad_ha.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "clock.h"
#include "dhaad.h"
#include "ha_list.h"
#include "log.h"
#include "rawsend.h"
#include "srcrate.h"
#include "xmip_wire.h"

/* RFC 4861 §6.2.1 defaults for the prefix lifetimes an MPA carries. */
#define MPA_VALID_S     2592000u
#define MPA_PREFERRED_S 604800u

struct xmip_dhaad_ha {
	struct xmip_loop             *loop;
	const struct xmip_conf       *conf;
	const struct xmip_agent_maps *maps;
	int                           raw;      /* the core's IPPROTO_RAW socket */
	int                           fd;       /* ICMPv6 144 and 146 in */
	struct in6_addr               anycast;
	struct xmip_srcrate           haad_rl;  /* replies per source /64 */
	struct xmip_srcrate           mpa_rl;   /* §6.8: at most one MPA per second per MN */
	struct xmip_hal               hal;      /* §10.5.1: home agents learnt from RAs */
};

static void on_request(struct xmip_dhaad_ha *d, const struct in6_addr *src,
		       const struct in6_addr *dst, const struct xmip_icmp6_mip *m)
{
	struct in6_addr addrs[XMIP_HAAD_MAX_ADDRS];
	uint8_t buf[1280];
	uint32_t rnd = 0;
	bool r;
	size_t n;
	int len;

	/* §10.5: a request to the anycast address of a subnet we serve. */
	if (!xmip_addr_eq(dst, &d->anycast) && !xmip_addr_eq(dst, &d->conf->address))
		return;
	if (xmip_addr_not_routable(src) || !xmip_srcrate_take(&d->haad_rl, src, xmip_now_ns()))
		return;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (uint32_t)xmip_now_ns();
	/* §10.5: this HA, the configured peers and the learnt ones, by
	 * decreasing preference, fitting the minimum MTU; RFC 3963 §7.2: to
	 * a mobile router those serving routers, R set, if any. */
	n = xmip_hal_reply(&d->hal, d->conf, m->r, rnd, xmip_now_ns(), addrs, XMIP_HAAD_MAX_ADDRS,
			   &r);
	len = xmip_haad_build_reply(buf, sizeof(buf), &d->conf->address, src, m->id, r, addrs, n);
	if (len > 0 && xmip_rawsend(d->raw, buf, (size_t)len, 0) == 0)
		log_info("DHAAD: reply id %u to %s with %zu home agent(s), first %s%s", m->id,
			 xmip_ip6str(src), n, n ? xmip_ip6str(&addrs[0]) : "-",
			 m->r ? " (mobile router asked)" : "");
}

/* §10.6.2, §11.4.2: only a registered mobile node (its home address, which
 * the datapath let through the tunnel from its CoA) gets the home prefix. */
static void on_mps(struct xmip_dhaad_ha *d, const struct in6_addr *src,
		   const struct in6_addr *dst, const struct xmip_icmp6_mip *m)
{
	struct xmip_mpa_prefix p = {
		.prefix = d->conf->home_prefix, .plen = d->conf->home_plen,
		.flags = XMIP_PI_F_L | XMIP_PI_F_A,
		.valid_s = MPA_VALID_S, .preferred_s = MPA_PREFERRED_S,
	};
	struct xmip_binding b;
	uint8_t buf[256];
	int len;

	if (!xmip_addr_eq(dst, &d->conf->address) ||
	    xmip_binding_get(d->maps, src->s6_addr, &b) != 0 ||
	    !xmip_srcrate_take(&d->mpa_rl, src, xmip_now_ns()))
		return;
	len = xmip_mpa_build(buf, sizeof(buf), &d->conf->address, src, m->id, &p, 1);
	if (len > 0 && xmip_rawsend(d->raw, buf, (size_t)len, 0) == 0)
		log_info("MPS id %u from %s: Mobile Prefix Advertisement sent", m->id,
			 xmip_ip6str(src));
}

static bool on_home_if(const struct xmip_dhaad_ha *d, uint32_t ifindex)
{
	for (int i = 0; i < d->conf->n_ifs; i++)
		if (ifindex && if_nametoindex(d->conf->ifnames[i]) == ifindex)
			return true;
	return false;
}

/* §10.5.1: a Router Advertisement on one of our links updates the Home
 * Agents List. Anyone on the link can send one: invalid ones (RFC 4861
 * §6.1.2) change nothing, and the log lines are rate-limited. */
static void on_ra(struct xmip_dhaad_ha *d, const uint8_t *msg, size_t len,
		  const struct in6_addr *src, int hops, uint32_t ifindex)
{
	static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
	uint64_t now = xmip_now_ns();
	enum xmip_hal_change ch;
	enum xmip_ra_err e;
	struct xmip_ra ra;
	unsigned int more;
	size_t gone;

	if (!on_home_if(d, ifindex))
		return;
	e = xmip_ra_parse(msg, len, src, hops, &ra);
	if (e != XMIP_RA_OK) {
		if (xmip_log_ratelimit(&rl, &more))
			log_warn("Router Advertisement from %s ignored: %s%s", xmip_ip6str(src),
				 xmip_ra_strerror(e), more ? " (and earlier ones not logged)" : "");
		return;
	}
	gone = xmip_hal_expire(&d->hal, now);
	if (gone)
		log_info("Home Agents List: %zu home agent(s) expired", gone);
	ch = xmip_hal_update(&d->hal, d->conf, &ra, ifindex, now);
	switch (ch) {
	case XMIP_HAL_ADDED:
	case XMIP_HAL_UPDATED: {
		char addrs[4 * INET6_ADDRSTRLEN + 8] = "";
		const struct xmip_hal_entry *ent = NULL;

		for (size_t i = 0; i < XMIP_HAL_MAX && !ent; i++)
			if (d->hal.e[i].used && d->hal.e[i].ifindex == ifindex &&
			    !memcmp(&d->hal.e[i].ll, src, 16))
				ent = &d->hal.e[i];
		for (size_t i = 0; ent && i < ent->n_addrs; i++) {
			strcat(addrs, i ? " " : "");
			strcat(addrs, xmip_ip6str(&ent->addrs[i].addr));
		}
		if (ch == XMIP_HAL_ADDED)
			log_info("Home Agents List: %s added: preference %d, lifetime %u s%s, "
				 "addresses: %s", xmip_ip6str(src), ent ? ent->preference : 0,
				 ra.has_hai ? ra.ha_lifetime_s : ra.router_lifetime_s,
				 ent && ent->mr ? ", serves mobile routers" : "",
				 addrs[0] ? addrs : "none (no Prefix Information with R in the home prefix)");
		else
			log_debug("Home Agents List: %s refreshed: preference %d, addresses: %s",
				  xmip_ip6str(src), ent ? ent->preference : 0, addrs);
		break;
	}
	case XMIP_HAL_DELETED:
		log_info("Home Agents List: %s deleted (%s)", xmip_ip6str(src),
			 ra.h ? "home agent lifetime 0" : "H bit clear");
		break;
	case XMIP_HAL_FULL:
		if (xmip_log_ratelimit(&rl, &more))
			log_warn("Home Agents List full (%d): home agent %s not listed%s", XMIP_HAL_MAX,
				 xmip_ip6str(src), more ? " (and earlier ones not logged)" : "");
		break;
	case XMIP_HAL_SELF:
	case XMIP_HAL_NONE:
		break;
	}
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_dhaad_ha *d = arg;

	(void)loop;
	(void)events;
	for (int budget = 0; budget < 64; budget++) {
		uint8_t buf[1500], cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				       CMSG_SPACE(sizeof(int))];
		struct sockaddr_in6 from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		static struct xmip_icmp6_mip m;   /* large: not on the stack */
		struct in6_addr dst = IN6ADDR_ANY_INIT;
		enum xmip_icmp6_mip_err e;
		uint32_t ifindex = 0;
		int hops = -1;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != IPPROTO_IPV6)
				continue;
			if (c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				dst = pi.ipi6_addr;
				ifindex = pi.ipi6_ifindex;
			} else if (c->cmsg_type == IPV6_HOPLIMIT) {
				memcpy(&hops, CMSG_DATA(c), sizeof(hops));
			}
		}
		if (n > 0 && buf[0] == XMIP_ND_RA) {
			on_ra(d, buf, (size_t)n, &from.sin6_addr, hops, ifindex);
			continue;
		}
		e = xmip_icmp6_mip_parse(buf, (size_t)n, &m);
		if (e != XMIP_ICMP6_MIP_OK) {
			log_debug("ICMPv6 from %s ignored: %s", xmip_ip6str(&from.sin6_addr),
				  xmip_icmp6_mip_strerror(e));
			continue;
		}
		if (m.type == XMIP_ICMP6_HAAD_REQUEST)
			on_request(d, &from.sin6_addr, &dst, &m);
		else if (m.type == XMIP_ICMP6_MPS)
			on_mps(d, &from.sin6_addr, &dst, &m);
	}
}

struct xmip_dhaad_ha *xmip_dhaad_ha_new(struct xmip_loop *loop, const struct xmip_conf *conf,
					const struct xmip_agent_maps *maps, int raw)
{
	struct xmip_dhaad_ha *d = calloc(1, sizeof(*d));
	struct icmp6_filter filt;
	int on = 1;

	if (!d)
		return NULL;
	d->loop = loop;
	d->conf = conf;
	d->maps = maps;
	d->raw = raw;
	d->fd = -1;
	if (xmip_ha_anycast(&conf->home_prefix, conf->home_plen, &d->anycast) ||
	    xmip_srcrate_init(&d->haad_rl, 1024, 5, 10) ||
	    xmip_srcrate_init(&d->mpa_rl, 1024, 1, 1))
		goto fail;
	d->fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6);
	if (d->fd < 0)
		goto fail;
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(XMIP_ICMP6_HAAD_REQUEST, &filt);
	ICMP6_FILTER_SETPASS(XMIP_ICMP6_MPS, &filt);
	/* §10.5.1: the Router Advertisements of the other home agents (to
	 * ff02::1, which every interface has joined), with their hop limit. */
	ICMP6_FILTER_SETPASS(XMIP_ND_RA, &filt);
	if (setsockopt(d->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) ||
	    setsockopt(d->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) ||
	    setsockopt(d->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)))
		goto fail;
	/* The anycast address, so the kernel delivers requests to it (a
	 * router may join any; the membership lasts as long as the socket). */
	for (int i = 0; i < conf->n_ifs; i++) {
		struct ipv6_mreq mr = { .ipv6mr_multiaddr = d->anycast,
					.ipv6mr_interface = if_nametoindex(conf->ifnames[i]) };

		if (!mr.ipv6mr_interface)
			continue;
		if (setsockopt(d->fd, IPPROTO_IPV6, IPV6_JOIN_ANYCAST, &mr, sizeof(mr)) &&
		    errno != EADDRINUSE)
			log_warn("DHAAD: cannot join the home agents anycast address %s on %s: %s",
				 xmip_ip6str(&d->anycast), conf->ifnames[i], strerror(errno));
	}
	if (xmip_loop_add_fd(loop, d->fd, EPOLLIN, on_readable, d))
		goto fail;
	log_info("DHAAD: answering on %s (RFC 6275 §10.5), Mobile Prefix Solicitations on %s; "
		 "Home Agents List from Router Advertisements with H (§10.5.1)",
		 xmip_ip6str(&d->anycast), xmip_ip6str(&conf->address));
	return d;
fail:
	log_err("DHAAD and mobile prefix discovery off: %s", strerror(errno));
	xmip_dhaad_ha_free(d);
	return NULL;
}

void xmip_dhaad_ha_free(struct xmip_dhaad_ha *d)
{
	if (!d)
		return;
	if (d->fd >= 0) {
		xmip_loop_del_fd(d->loop, d->fd);
		close(d->fd);
	}
	xmip_srcrate_free(&d->haad_rl);
	xmip_srcrate_free(&d->mpa_rl);
	free(d);
}
