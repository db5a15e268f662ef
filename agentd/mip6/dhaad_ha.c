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
};

/* §10.5: this HA and the configured others, by decreasing preference. */
static size_t ha_list(const struct xmip_conf *c, struct in6_addr *out)
{
	int32_t pref[1 + XMIP_CONF_MAX_PEER_HA];
	struct in6_addr all[1 + XMIP_CONF_MAX_PEER_HA];
	size_t idx[1 + XMIP_CONF_MAX_PEER_HA], n = 0;
	uint32_t rnd = 0;

	all[n] = c->address;
	pref[n++] = c->ha_preference;
	for (size_t i = 0; i < c->n_peer_has; i++) {
		all[n] = c->peer_has[i].addr;
		pref[n++] = c->peer_has[i].preference;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (uint32_t)xmip_now_ns();
	xmip_haad_order(pref, idx, n, rnd);
	for (size_t i = 0; i < n; i++)
		out[i] = all[idx[i]];
	return n;
}

static void on_request(struct xmip_dhaad_ha *d, const struct in6_addr *src,
		       const struct in6_addr *dst, const struct xmip_icmp6_mip *m)
{
	struct in6_addr addrs[1 + XMIP_CONF_MAX_PEER_HA];
	uint8_t buf[1280];
	size_t n;
	int len;

	/* §10.5: a request to the anycast address of a subnet we serve. */
	if (!xmip_addr_eq(dst, &d->anycast) && !xmip_addr_eq(dst, &d->conf->address))
		return;
	if (xmip_addr_not_routable(src) || !xmip_srcrate_take(&d->haad_rl, src, xmip_now_ns()))
		return;
	n = ha_list(d->conf, addrs);
	/* RFC 3963 §7.2: R set when the listed agents serve mobile routers
	 * (the peer-home-agents are taken to be configured like this one);
	 * when this one does not, the list of mobile IPv6 home agents, R 0. */
	len = xmip_haad_build_reply(buf, sizeof(buf), &d->conf->address, src, m->id,
				    m->r && d->conf->mobile_routers, addrs, n);
	if (len > 0 && xmip_rawsend(d->raw, buf, (size_t)len, 0) == 0)
		log_info("DHAAD: reply id %u to %s with %zu home agent(s)%s", m->id, xmip_ip6str(src),
			 n, m->r ? " (mobile router asked)" : "");
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

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_dhaad_ha *d = arg;

	(void)loop;
	(void)events;
	for (int budget = 0; budget < 64; budget++) {
		uint8_t buf[1500], cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct sockaddr_in6 from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		static struct xmip_icmp6_mip m;   /* large: not on the stack */
		struct in6_addr dst = IN6ADDR_ANY_INIT;
		enum xmip_icmp6_mip_err e;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
				memcpy(&dst, &((struct in6_pktinfo *)CMSG_DATA(c))->ipi6_addr, 16);
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
	if (setsockopt(d->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) ||
	    setsockopt(d->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)))
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
	log_info("DHAAD: answering on %s (RFC 6275 §10.5), Mobile Prefix Solicitations on %s",
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
