// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Proxy and gratuitous ARP for bound IPv4 home addresses (dsmip_arp.h). */
#include "dsmip_arp.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "l2.h"
#include "log.h"
#include "loop.h"
#include "netlink.h"

#define PACKET_OUTGOING_ 4

struct proxied {
	uint8_t  addr[4];
	uint32_t ifindex;     /* the home link: where the address's subnet is on-link */
	uint8_t  mac[6];      /* that interface's MAC: what we answer */
	uint8_t  mn_mac[6];   /* the node's own, once heard (its ARP at home) */
	bool     has_mn_mac;
};

static struct {
	struct xmip_loop *loop;
	int               fd;
	struct proxied   *v;
	size_t            n, cap;
	unsigned long     answered, garp_sent;
} st = { .fd = -1 };

static struct proxied *find(const uint8_t a[4])
{
	for (size_t i = 0; i < st.n; i++)
		if (!memcmp(st.v[i].addr, a, 4))
			return &st.v[i];
	return NULL;
}

/* The interface on which a is on-link (a connected route, no gateway): 0 if none. */
static uint32_t home_if(const uint8_t a[4])
{
	struct xmip_nl_route_info r;
	struct in6_addr m = { 0 };
	uint32_t ifindex = 0;
	int nl = xmip_nl_open();

	if (nl < 0)
		return 0;
	m.s6_addr[10] = m.s6_addr[11] = 0xff;
	memcpy(m.s6_addr + 12, a, 4);
	if (xmip_nl_route_get(nl, &m, NULL, &r) == 0 && !r.has_gateway)
		ifindex = r.ifindex;
	close(nl);
	return ifindex;
}

static void garp(const struct proxied *p, const uint8_t announce[6])
{
	uint8_t frame[64];
	int n;

	if (st.fd < 0)
		return;
	n = xmip_arp_garp(frame, sizeof(frame), p->mac, announce, p->addr);
	if (n > 0 && xmip_l2_send(st.fd, p->ifindex, frame, (size_t)n) == 0)
		st.garp_sent++;
}

static void on_arp(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	uint8_t frame[256], out[64];
	struct xmip_l2_meta pm;
	struct xmip_arp a, r;
	ssize_t n;

	(void)loop;
	(void)events;
	(void)arg;
	while ((n = xmip_l2_recv(fd, frame, sizeof(frame), &pm)) > 0) {
		struct proxied *p;
		int len;

		if (pm.pkttype == PACKET_OUTGOING_ || xmip_arp_parse(frame, (size_t)n, &a))
			continue;
		/* The node's own ARP (at home) tells its MAC, announced back at deregistration. */
		p = find(a.spa);
		if (p && pm.ifindex == p->ifindex && memcmp(a.sha, p->mac, 6)) {
			memcpy(p->mn_mac, a.sha, 6);
			p->has_mn_mac = true;
		}
		/* Proxy ARP: our MAC, to the asker alone, on the home link only. */
		if (a.op != 1 || !(p = find(a.tpa)) || pm.ifindex != p->ifindex ||
		    !memcmp(a.spa, a.tpa, 4))
			continue;
		r = (struct xmip_arp){ .op = 2 };
		memcpy(r.sha, p->mac, 6);
		memcpy(r.spa, a.tpa, 4);
		memcpy(r.tha, a.sha, 6);
		memcpy(r.tpa, a.spa, 4);
		len = xmip_arp_build(out, sizeof(out), a.sha, p->mac, &r);
		if (len > 0 && xmip_l2_send(fd, p->ifindex, out, (size_t)len) == 0)
			st.answered++;
	}
}

int xmip_dsmip_arp_start(struct xmip_loop *loop)
{
	st.loop = loop;
	st.fd = xmip_l2_open(true, 0, -1);
	if (st.fd < 0) {
		log_err("dsmip: ARP socket: %s (no proxy ARP for IPv4 home addresses)",
			strerror(-st.fd));
		return st.fd;
	}
	if (xmip_loop_add_fd(loop, st.fd, EPOLLIN, on_arp, NULL)) {
		close(st.fd);
		st.fd = -1;
		return -1;
	}
	return 0;
}

void xmip_dsmip_arp_stop(void)
{
	if (st.fd >= 0) {
		xmip_loop_del_fd(st.loop, st.fd);
		close(st.fd);
	}
	st.fd = -1;
	free(st.v);
	st.v = NULL;
	st.n = st.cap = 0;
}

void xmip_dsmip_arp_set(const uint8_t hoa[16], uint32_t ifindex_hint, bool on)
{
	const uint8_t *a = hoa + 12;
	struct proxied *p = find(a), was;
	char s[INET_ADDRSTRLEN];
	bool known = false;

	(void)ifindex_hint;   /* where the BU came in: the uplink, not the home link */
	inet_ntop(AF_INET, a, s, sizeof(s));
	if (!on) {
		if (!p)
			return;
		/* Back home (or gone): the node's own MAC if we heard it (RFC 5944 §4.6). */
		if (p->has_mn_mac)
			garp(p, p->mn_mac);
		*p = st.v[--st.n];
		log_info("dsmip: no longer proxying ARP for %s", s);
		return;
	}
	if (p) {
		was = *p;
		known = true;
	} else {
		if (st.n == st.cap) {
			size_t cap = st.cap ? st.cap * 2 : 16;
			struct proxied *v = realloc(st.v, cap * sizeof(*v));

			if (!v)
				return;
			st.v = v;
			st.cap = cap;
		}
		p = &st.v[st.n++];
		memset(p, 0, sizeof(*p));
		memcpy(p->addr, a, 4);
	}
	p->ifindex = home_if(a);
	if (!p->ifindex || xmip_l2_if_mac(p->ifindex, p->mac)) {
		log_warn("dsmip: %s is on no link of ours: no proxy ARP", s);
		*p = st.v[--st.n];
		return;
	}
	/* Registration: the home link learns the address is at the HA (RFC 5944
	 * §4.6). A refresh of a binding already proxied here announces nothing:
	 * the home link's caches already point at us. */
	if (known && was.ifindex == p->ifindex && !memcmp(was.mac, p->mac, 6))
		return;
	garp(p, p->mac);
	log_info("dsmip: proxying ARP for %s", s);
}
