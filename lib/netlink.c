// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define NL_BUF 16384

static uint32_t nl_seq;

/* An IPv4 address (4 octets) as ::ffff:a.b.c.d. */
static void map4(struct in6_addr *a, const void *v4)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	memcpy(a->s6_addr + 12, v4, 4);
}

int xmip_nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int one = 1;

	if (fd < 0)
		return -errno;
	/* Extended acks: the kernel tells why it refused, which we log. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static void add_attr(struct nlmsghdr *n, size_t cap, uint16_t type, const void *data,
		     size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	size_t need = NLMSG_ALIGN(n->nlmsg_len) + RTA_SPACE(len);

	if (need > cap)
		return;  /* our requests are sized so this cannot happen */
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	n->nlmsg_len = (uint32_t)need;
}

/* Start a request in buf (cap octets, zeroed): the header and hdr_len octets of its own. */
static struct nlmsghdr *nl_req(void *buf, size_t cap, uint16_t type, uint16_t flags,
			       size_t hdr_len)
{
	struct nlmsghdr *n = buf;

	memset(buf, 0, cap);
	n->nlmsg_len = (uint32_t)NLMSG_LENGTH(hdr_len);
	n->nlmsg_type = type;
	n->nlmsg_flags = flags;
	return n;
}

typedef int (*nl_msg_fn)(const struct nlmsghdr *h, void *arg);

/*
 * Each message of one datagram of len octets; fn returns non-zero to stop
 * (returned). Not NLMSG_OK/NLMSG_NEXT with a size_t length: a last message
 * whose aligned length passes the end made the length negative, and cast
 * to size_t the walk went on past the datagram (fuzz_netlink).
 */
static int nl_each(const char *buf, ssize_t len, nl_msg_fn fn, void *arg)
{
	size_t off = 0, left = len > 0 ? (size_t)len : 0;
	int rc;

	while (left - off >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);

		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > left - off)
			break;
		if ((rc = fn(h, arg)))
			return rc;
		if (NLMSG_ALIGN(h->nlmsg_len) >= left - off)
			break;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	return 0;
}

/* The answers to one request: stop with its ack or error, or at the end of its dump. */
struct talk {
	uint32_t  seq;
	nl_msg_fn cb;
	void     *arg;
	int       rc;
};

static int talk_msg(const struct nlmsghdr *h, void *arg)
{
	struct talk *t = arg;

	if (h->nlmsg_seq != t->seq)
		return 0;  /* a late answer to an earlier request */
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		/* 0 = ack, else a negative errno; anything else is not an answer
		 * a kernel gives (callers print strerror(-rc)). */
		t->rc = h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) || e->error > 0 || e->error < -4095 ?
			-EBADMSG : e->error;
		return 1;
	}
	if (h->nlmsg_type == NLMSG_DONE)
		return 1;
	return t->cb && t->cb(h, t->arg);
}

/* Send n and wait for its ack (or walk a dump with cb). The one receive loop of requests. */
static int nl_talk(int nl, struct nlmsghdr *n, nl_msg_fn cb, void *arg)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	static char buf[NL_BUF] __attribute__((aligned(4)));
	struct talk t = { .seq = ++nl_seq, .cb = cb, .arg = arg };

	n->nlmsg_seq = t.seq;
	n->nlmsg_flags |= NLM_F_REQUEST | (cb ? 0 : NLM_F_ACK);
	if (sendto(nl, n, n->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv(nl, buf, sizeof(buf), 0);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (nl_each(buf, len, talk_msg, &t))
			return t.rc;
	}
}

/*
 * Send a change (add or delete) and wait for its ack. The errors that mean
 * it is so already (exists on add, absent on delete; 0: none) are success.
 */
static int nl_change(int nl, struct nlmsghdr *n, bool add, int exists, int absent)
{
	int rc = nl_talk(nl, n, NULL, NULL);

	if ((add && exists && rc == -exists) || (!add && absent && rc == -absent))
		return 0;
	return rc;
}

/*
 * Dump every IPv6 object of one kind (RTM_GETADDR, RTM_GETROUTE); hdr_len
 * is the size of its family header (struct ifaddrmsg, struct rtmsg). cb
 * sees each answer; non-zero stops the walk.
 */
static int nl_dump(int nl, uint16_t type, size_t hdr_len, nl_msg_fn cb, void *arg)
{
	struct {
		struct nlmsghdr n;
		union {
			struct ifaddrmsg ifa;
			struct rtmsg     rtm;
		} u;
	} req;

	nl_req(&req, sizeof(req), type, NLM_F_DUMP, hdr_len);
	req.u.rtm.rtm_family = AF_INET6;   /* ifa_family too: both come first */
	return nl_talk(nl, &req.n, cb, arg);
}

/* What the typed dumps below pass through nl_dump to their message parser. */
struct dump_ctx {
	int (*addr_cb)(const struct xmip_nl_addr_info *a, void *arg);
	int (*route_cb)(const struct xmip_nl_route_info *r, void *arg);
	void *arg;
};

int xmip_nl_proxy_neigh(int nl, uint32_t ifindex, const struct in6_addr *addr, bool add)
{
	return xmip_nl_proxy_neigh_router(nl, ifindex, addr, add, false);
}

int xmip_nl_proxy_neigh_router(int nl, uint32_t ifindex, const struct in6_addr *addr, bool add,
			       bool router)
{
	struct {
		struct nlmsghdr n;
		struct ndmsg    nd;
		char            attrs[64];
	} req;
	int rc;

	nl_req(&req, sizeof(req), add ? RTM_NEWNEIGH : RTM_DELNEIGH,
	       add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(struct ndmsg));
	req.nd.ndm_family = AF_INET6;
	req.nd.ndm_ifindex = (int)ifindex;
	req.nd.ndm_flags = NTF_PROXY | (router ? NTF_ROUTER : 0);
	req.nd.ndm_state = NUD_PERMANENT;
	add_attr(&req.n, sizeof(req), NDA_DST, addr, sizeof(*addr));
	rc = nl_change(nl, &req.n, add, EEXIST, ENOENT);
	if (rc)
		log_warn("proxy neighbour %s %s on ifindex %u: %s", add ? "add" : "delete",
			 xmip_ip6str(addr), ifindex, strerror(-rc));
	return rc;
}

int xmip_nl_addr(int nl, uint32_t ifindex, const struct in6_addr *addr, uint8_t plen,
		 uint32_t flags, bool add)
{
	struct {
		struct nlmsghdr  n;
		struct ifaddrmsg ifa;
		char             attrs[128];
	} req;
	int rc;

	nl_req(&req, sizeof(req), add ? RTM_NEWADDR : RTM_DELADDR,
	       add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(struct ifaddrmsg));
	req.ifa.ifa_family = AF_INET6;
	req.ifa.ifa_prefixlen = plen;
	req.ifa.ifa_flags = (uint8_t)flags;
	req.ifa.ifa_index = ifindex;
	add_attr(&req.n, sizeof(req), IFA_LOCAL, addr, sizeof(*addr));
	add_attr(&req.n, sizeof(req), IFA_ADDRESS, addr, sizeof(*addr));
	if (add)
		add_attr(&req.n, sizeof(req), IFA_FLAGS, &flags, sizeof(flags));
	rc = nl_change(nl, &req.n, add, EEXIST, EADDRNOTAVAIL);
	if (rc)
		log_warn("address %s %s/%u on ifindex %u: %s", add ? "add" : "delete",
			 xmip_ip6str(addr), plen, ifindex, strerror(-rc));
	return rc;
}

int xmip_nl_addr4(int nl, uint32_t ifindex, const uint8_t addr[4], uint8_t plen, bool add)
{
	struct {
		struct nlmsghdr  n;
		struct ifaddrmsg ifa;
		char             attrs[64];
	} req;
	int rc;

	nl_req(&req, sizeof(req), add ? RTM_NEWADDR : RTM_DELADDR,
	       add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(struct ifaddrmsg));
	req.ifa.ifa_family = AF_INET;
	req.ifa.ifa_prefixlen = plen;
	req.ifa.ifa_index = ifindex;
	add_attr(&req.n, sizeof(req), IFA_LOCAL, addr, 4);
	add_attr(&req.n, sizeof(req), IFA_ADDRESS, addr, 4);
	rc = nl_change(nl, &req.n, add, EEXIST, EADDRNOTAVAIL);
	if (rc)
		log_warn("address %s %u.%u.%u.%u/%u on ifindex %u: %s", add ? "add" : "delete",
			 addr[0], addr[1], addr[2], addr[3], plen, ifindex, strerror(-rc));
	return rc;
}

/* One RTM_NEWADDR message of an IPv6 address (h->nlmsg_len octets); -EINVAL: not one. */
static int addr_parse(const struct nlmsghdr *h, struct xmip_nl_addr_info *out)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	struct xmip_nl_addr_info a = { 0 };
	const struct rtattr *rta;
	int len, have = 0;

	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_family != AF_INET6 || ifa->ifa_prefixlen > 128)
		return -EINVAL;
	a.ifindex = ifa->ifa_index;
	a.plen = ifa->ifa_prefixlen;
	a.scope = ifa->ifa_scope;
	a.flags = ifa->ifa_flags;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)));
	for (rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		size_t plen = RTA_PAYLOAD(rta);

		if ((rta->rta_type == IFA_ADDRESS || rta->rta_type == IFA_LOCAL) &&
		    plen == sizeof(a.addr)) {
			/* On point-to-point links IFA_LOCAL is ours: it wins. */
			if (rta->rta_type == IFA_LOCAL || !have)
				memcpy(&a.addr, RTA_DATA(rta), sizeof(a.addr));
			have = 1;
		} else if (rta->rta_type == IFA_FLAGS && plen == sizeof(uint32_t)) {
			memcpy(&a.flags, RTA_DATA(rta), sizeof(uint32_t));
		}
	}
	if (!have)
		return -EINVAL;
	*out = a;
	return 0;
}

/* Start a nested attribute; close it with nest_end. */
static struct rtattr *nest_begin(struct nlmsghdr *n, size_t cap, uint16_t type)
{
	struct rtattr *nest = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));
	size_t need = NLMSG_ALIGN(n->nlmsg_len) + RTA_SPACE(0);

	if (need > cap)
		return NULL;
	nest->rta_type = type;
	nest->rta_len = (unsigned short)RTA_LENGTH(0);
	n->nlmsg_len = (uint32_t)need;
	return nest;
}

static void nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	if (!nest)
		return;
	nest->rta_len = (unsigned short)((char *)n + n->nlmsg_len - (char *)nest);
}

/* ::ffff:a.b.c.d (an IPv4 address where the interfaces take in6_addr) */
static bool v4_mapped(const struct in6_addr *a)
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->s6_addr, pre, sizeof(pre)) == 0;
}

int xmip_nl_build_route(void *buf, size_t cap, const struct xmip_nl_route_info *r, bool add)
{
	struct nlmsghdr *n;
	struct rtmsg *rtm;
	uint32_t table = r->table, oif = r->ifindex, prio = r->priority;

	if (cap < NLMSG_LENGTH(sizeof(*rtm)) + 128)
		return -ENOSPC;
	/* Replace: a move keeps one route per table, whatever it pointed at. */
	n = nl_req(buf, cap, add ? RTM_NEWROUTE : RTM_DELROUTE,
		   add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(*rtm));
	rtm = NLMSG_DATA(n);
	rtm->rtm_family = r->v4 ? AF_INET : AF_INET6;
	rtm->rtm_dst_len = r->dst_len;
	/* Tables above 255 exist only as RTA_TABLE. */
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	add_attr(n, cap, RTA_TABLE, &table, sizeof(table));
	if (r->v4) {
		if (r->dst_len)
			add_attr(n, cap, RTA_DST, &r->dst.s6_addr[12], 4);
		if (r->has_gateway && v4_mapped(&r->gateway)) {
			add_attr(n, cap, RTA_GATEWAY, &r->gateway.s6_addr[12], 4);
		} else if (r->has_gateway) {
			/* An IPv4 route through an IPv6 next hop (RFC 5549 style, RTA_VIA). */
			struct { uint16_t family; uint8_t addr[16]; } __attribute__((packed)) via;

			via.family = AF_INET6;
			memcpy(via.addr, &r->gateway, 16);
			add_attr(n, cap, RTA_VIA, &via, sizeof(via));
		}
	} else {
		if (r->dst_len)
			add_attr(n, cap, RTA_DST, &r->dst, sizeof(r->dst));
		if (r->has_gateway)
			add_attr(n, cap, RTA_GATEWAY, &r->gateway, sizeof(r->gateway));
	}
	if (oif)
		add_attr(n, cap, RTA_OIF, &oif, sizeof(oif));
	add_attr(n, cap, RTA_PRIORITY, &prio, sizeof(prio));
	if (add && r->mtu) {
		struct rtattr *m = nest_begin(n, cap, RTA_METRICS);
		uint32_t mtu = r->mtu;

		add_attr(n, cap, RTAX_MTU, &mtu, sizeof(mtu));
		nest_end(n, m);
	}
	return (int)n->nlmsg_len;
}

int xmip_nl_build_rule(void *buf, size_t cap, const struct in6_addr *src,
		       const struct in6_addr *dst, uint32_t table, uint32_t priority, bool add)
{
	struct nlmsghdr *n;
	struct fib_rule_hdr *frh;

	/* Two IPv6 host addresses: the prefix form's /128 case. */
	if (!v4_mapped(src) || (dst && !v4_mapped(dst)))
		return xmip_nl_build_rule6(buf, cap, src, 128, dst, 128, table, priority, add);
	if (cap < NLMSG_LENGTH(sizeof(*frh)) + 64)
		return -ENOSPC;
	/* EXCL: without it the kernel happily adds a duplicate rule. */
	n = nl_req(buf, cap, add ? RTM_NEWRULE : RTM_DELRULE,
		   add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*frh));
	frh = NLMSG_DATA(n);
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	/* ::ffff:a.b.c.d: an IPv4 rule (the MN's IPv4 home address) */
	frh->family = AF_INET;
	frh->src_len = 32;
	frh->dst_len = dst ? 32 : 0;
	add_attr(n, cap, FRA_SRC, &src->s6_addr[12], 4);
	if (dst)
		add_attr(n, cap, FRA_DST, &dst->s6_addr[12], 4);
	add_attr(n, cap, FRA_TABLE, &table, sizeof(table));
	add_attr(n, cap, FRA_PRIORITY, &priority, sizeof(priority));
	return (int)n->nlmsg_len;
}

int xmip_nl_build_rule6(void *buf, size_t cap, const struct in6_addr *src, uint8_t src_len,
			const struct in6_addr *dst, uint8_t dst_len, uint32_t table,
			uint32_t priority, bool add)
{
	struct nlmsghdr *n;
	struct fib_rule_hdr *frh;

	if (cap < NLMSG_LENGTH(sizeof(*frh)) + 64 || src_len > 128 || dst_len > 128)
		return -ENOSPC;
	n = nl_req(buf, cap, add ? RTM_NEWRULE : RTM_DELRULE,
		   add ? NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*frh));
	frh = NLMSG_DATA(n);
	frh->family = AF_INET6;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	frh->src_len = src ? src_len : 0;
	frh->dst_len = dst ? dst_len : 0;
	if (src)
		add_attr(n, cap, FRA_SRC, src, sizeof(*src));
	if (dst)
		add_attr(n, cap, FRA_DST, dst, sizeof(*dst));
	add_attr(n, cap, FRA_TABLE, &table, sizeof(table));
	add_attr(n, cap, FRA_PRIORITY, &priority, sizeof(priority));
	return (int)n->nlmsg_len;
}

int xmip_nl_rule6(int nl, const struct in6_addr *src, uint8_t src_len,
		  const struct in6_addr *dst, uint8_t dst_len, uint32_t table, uint32_t priority,
		  bool add)
{
	char buf[256] __attribute__((aligned(4)));
	int rc = xmip_nl_build_rule6(buf, sizeof(buf), src, src_len, dst, dst_len, table,
				     priority, add);

	if (rc < 0)
		return rc;
	rc = nl_change(nl, (struct nlmsghdr *)buf, add, EEXIST, ENOENT);
	if (rc)
		log_warn("rule %s from %s/%u to %s/%u lookup %u pref %u: %s", add ? "add" : "delete",
			 src ? xmip_ip6str(src) : "::", src ? src_len : 0,
			 dst ? xmip_ip6str(dst) : "::", dst ? dst_len : 0, table, priority,
			 strerror(-rc));
	return rc;
}

int xmip_nl_route(int nl, const struct xmip_nl_route_info *r, bool add)
{
	char buf[512] __attribute__((aligned(4)));
	int rc = xmip_nl_build_route(buf, sizeof(buf), r, add);

	if (rc < 0)
		return rc;
	rc = nl_change(nl, (struct nlmsghdr *)buf, add, 0, ESRCH);
	if (rc)
		log_warn("route %s %s/%u%s%s table %u: %s", add ? "add" : "delete",
			 xmip_ip6str(&r->dst), r->dst_len, r->has_gateway ? " via " : "",
			 r->has_gateway ? xmip_ip6str(&r->gateway) : "", r->table, strerror(-rc));
	return rc;
}

int xmip_nl_rule(int nl, const struct in6_addr *src, const struct in6_addr *dst,
		 uint32_t table, uint32_t priority, bool add)
{
	char buf[256] __attribute__((aligned(4)));
	int rc = xmip_nl_build_rule(buf, sizeof(buf), src, dst, table, priority, add);

	if (rc < 0)
		return rc;
	rc = nl_change(nl, (struct nlmsghdr *)buf, add, EEXIST, ENOENT);
	if (rc)
		log_warn("rule %s from %s/128%s%s lookup %u pref %u: %s", add ? "add" : "delete",
			 xmip_ip6str(src), dst ? " to " : "", dst ? xmip_ip6str(dst) : "", table,
			 priority, strerror(-rc));
	return rc;
}

/* RTA_METRICS: only RTAX_MTU interests us. */
static void parse_metrics(const struct rtattr *m, struct xmip_nl_route_info *r)
{
	int len = (int)RTA_PAYLOAD(m);
	const struct rtattr *a;

	for (a = RTA_DATA(m); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTAX_MTU && RTA_PAYLOAD(a) == sizeof(uint32_t))
			memcpy(&r->mtu, RTA_DATA(a), sizeof(uint32_t));
}

/* RTA_MULTIPATH: keep the first next hop (gateway, device). */
static void parse_multipath(const struct rtattr *m, struct xmip_nl_route_info *r)
{
	const struct rtnexthop *nh = RTA_DATA(m);
	size_t left = RTA_PAYLOAD(m);

	if (left < sizeof(*nh) || nh->rtnh_len < sizeof(*nh) || nh->rtnh_len > left)
		return;
	r->ifindex = (uint32_t)nh->rtnh_ifindex;
	{
		int alen = (int)(nh->rtnh_len - RTNH_LENGTH(0));
		const struct rtattr *a;

		for (a = RTNH_DATA(nh); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
			if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == sizeof(r->gateway)) {
				memcpy(&r->gateway, RTA_DATA(a), sizeof(r->gateway));
				r->has_gateway = true;
			}
	}
}

int xmip_nl_route_parse(const void *msg, size_t len, struct xmip_nl_route_info *r)
{
	const struct nlmsghdr *h = msg;
	const struct rtmsg *rtm;
	const struct rtattr *rta;
	int alen;

	memset(r, 0, sizeof(*r));
	if (len < NLMSG_LENGTH(sizeof(*rtm)) || h->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    h->nlmsg_len > len || h->nlmsg_type != RTM_NEWROUTE)
		return -EINVAL;
	rtm = NLMSG_DATA(h);
	if ((rtm->rtm_family != AF_INET6 || rtm->rtm_dst_len > 128) &&
	    (rtm->rtm_family != AF_INET || rtm->rtm_dst_len > 32))
		return -EINVAL;
	/* IPv4 (DSMIPv6 care-of addresses): addresses IPv4-mapped, length of the mapped prefix. */
	r->dst_len = rtm->rtm_family == AF_INET ? (uint8_t)(96 + rtm->rtm_dst_len) : rtm->rtm_dst_len;
	r->table = rtm->rtm_table;
	r->type = rtm->rtm_type;
	alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*rtm)));
	for (rta = RTM_RTA(rtm); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		size_t plen = RTA_PAYLOAD(rta);

		switch (rta->rta_type) {
		case RTA_TABLE:
			if (plen == sizeof(uint32_t))
				memcpy(&r->table, RTA_DATA(rta), sizeof(uint32_t));
			break;
		case RTA_DST:
			if (plen == sizeof(r->dst))
				memcpy(&r->dst, RTA_DATA(rta), sizeof(r->dst));
			else if (plen == 4)
				map4(&r->dst, RTA_DATA(rta));
			break;
		case RTA_GATEWAY:
			if (plen == sizeof(r->gateway)) {
				memcpy(&r->gateway, RTA_DATA(rta), sizeof(r->gateway));
				r->has_gateway = true;
			} else if (plen == 4) {
				map4(&r->gateway, RTA_DATA(rta));
				r->has_gateway = true;
			}
			break;
		case RTA_OIF:
			if (plen == sizeof(uint32_t))
				memcpy(&r->ifindex, RTA_DATA(rta), sizeof(uint32_t));
			break;
		case RTA_PRIORITY:
			if (plen == sizeof(uint32_t))
				memcpy(&r->priority, RTA_DATA(rta), sizeof(uint32_t));
			break;
		case RTA_METRICS:
			parse_metrics(rta, r);
			break;
		case RTA_MULTIPATH:
			parse_multipath(rta, r);
			break;
		}
	}
	return 0;
}

/* One message of a dump: parsed, then handed to the typed callback; others are skipped. */
static int on_dump_msg(const struct nlmsghdr *h, void *arg)
{
	const struct dump_ctx *ctx = arg;
	struct xmip_nl_route_info r;
	struct xmip_nl_addr_info a;

	if (ctx->route_cb)
		return xmip_nl_route_parse(h, h->nlmsg_len, &r) ? 0 : ctx->route_cb(&r, ctx->arg);
	return addr_parse(h, &a) ? 0 : ctx->addr_cb(&a, ctx->arg);
}

int xmip_nl_dump_addrs(int nl, int (*cb)(const struct xmip_nl_addr_info *a, void *arg),
		       void *arg)
{
	struct dump_ctx ctx = { .addr_cb = cb, .arg = arg };

	return nl_dump(nl, RTM_GETADDR, sizeof(struct ifaddrmsg), on_dump_msg, &ctx);
}

int xmip_nl_dump_routes(int nl, int (*cb)(const struct xmip_nl_route_info *r, void *arg),
			void *arg)
{
	struct dump_ctx ctx = { .route_cb = cb, .arg = arg };

	return nl_dump(nl, RTM_GETROUTE, sizeof(struct rtmsg), on_dump_msg, &ctx);
}

/* A GET answered by one message: cb sees it; the kernel's ack (asked for) ends the talk. */
static int nl_get(int nl, struct nlmsghdr *n, nl_msg_fn cb, void *arg)
{
	n->nlmsg_flags |= NLM_F_ACK;
	return nl_talk(nl, n, cb, arg);
}

static int on_route_reply(const struct nlmsghdr *h, void *arg)
{
	struct xmip_nl_route_info *r = arg;

	if (h->nlmsg_type == RTM_NEWROUTE)
		xmip_nl_route_parse(h, h->nlmsg_len, r);
	return 0;
}

int xmip_nl_route_get(int nl, const struct in6_addr *dst, const struct in6_addr *src,
		      struct xmip_nl_route_info *r)
{
	struct {
		struct nlmsghdr n;
		struct rtmsg    rtm;
		char            attrs[64];
	} req;

	memset(r, 0, sizeof(*r));
	nl_req(&req, sizeof(req), RTM_GETROUTE, 0, sizeof(struct rtmsg));
	if (IN6_IS_ADDR_V4MAPPED(dst)) {
		/* An IPv4 destination (a DSMIPv6 care-of address); the source
		 * only if it is IPv4 too. */
		req.rtm.rtm_family = AF_INET;
		req.rtm.rtm_dst_len = 32;
		add_attr(&req.n, sizeof(req), RTA_DST, dst->s6_addr + 12, 4);
		if (src && IN6_IS_ADDR_V4MAPPED(src)) {
			req.rtm.rtm_src_len = 32;
			add_attr(&req.n, sizeof(req), RTA_SRC, src->s6_addr + 12, 4);
		}
		return nl_get(nl, &req.n, on_route_reply, r);
	}
	req.rtm.rtm_family = AF_INET6;
	req.rtm.rtm_dst_len = 128;
	add_attr(&req.n, sizeof(req), RTA_DST, dst, sizeof(*dst));
	if (src) {
		req.rtm.rtm_src_len = 128;
		add_attr(&req.n, sizeof(req), RTA_SRC, src, sizeof(*src));
	}
	return nl_get(nl, &req.n, on_route_reply, r);
}

/* One RTM_NEWNEIGH of len octets: its destination, device, state and MAC. -EINVAL: not one. */
int xmip_nl_neigh_parse(const void *msg, size_t len, struct xmip_nl_neigh_info *ni)
{
	const struct nlmsghdr *h = msg;
	const struct ndmsg *nd;
	const struct rtattr *rta;
	int alen;

	memset(ni, 0, sizeof(*ni));
	if (len < NLMSG_LENGTH(sizeof(*nd)) || h->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)) ||
	    h->nlmsg_len > len || (h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH))
		return -EINVAL;
	nd = NLMSG_DATA(h);
	if (nd->ndm_family != AF_INET6 && nd->ndm_family != AF_INET)
		return -EINVAL;
	ni->ifindex = (uint32_t)nd->ndm_ifindex;
	ni->state = nd->ndm_state;
	ni->flags = nd->ndm_flags;
	ni->deleted = h->nlmsg_type == RTM_DELNEIGH;
	alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));
	for (rta = (const struct rtattr *)((const char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		if (rta->rta_type == NDA_DST && RTA_PAYLOAD(rta) == sizeof(ni->addr) &&
		    nd->ndm_family == AF_INET6) {
			memcpy(&ni->addr, RTA_DATA(rta), sizeof(ni->addr));
			ni->has_addr = true;
		} else if (rta->rta_type == NDA_DST && RTA_PAYLOAD(rta) == 4 &&
			   nd->ndm_family == AF_INET) {
			map4(&ni->addr, RTA_DATA(rta));   /* IPv4 next hops as ::ffff:a.b.c.d */
			ni->has_addr = true;
		} else if (rta->rta_type == NDA_LLADDR && RTA_PAYLOAD(rta) == 6) {
			memcpy(ni->mac, RTA_DATA(rta), 6);
			ni->has_mac = true;
		}
	}
	return ni->has_addr ? 0 : -EINVAL;
}

static int on_neigh_reply(const struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == RTM_NEWNEIGH)
		xmip_nl_neigh_parse(h, h->nlmsg_len, arg);
	return 0;
}

int xmip_nl_neigh_get(int nl, uint32_t ifindex, const struct in6_addr *addr,
		      struct xmip_nl_neigh_info *ni)
{
	struct {
		struct nlmsghdr n;
		struct ndmsg    nd;
		char            attrs[64];
	} req;
	int rc;

	memset(ni, 0, sizeof(*ni));
	nl_req(&req, sizeof(req), RTM_GETNEIGH, 0, sizeof(struct ndmsg));
	req.nd.ndm_ifindex = (int)ifindex;
	if (IN6_IS_ADDR_V4MAPPED(addr)) {
		req.nd.ndm_family = AF_INET;
		add_attr(&req.n, sizeof(req), NDA_DST, addr->s6_addr + 12, 4);
	} else {
		req.nd.ndm_family = AF_INET6;
		add_attr(&req.n, sizeof(req), NDA_DST, addr, sizeof(*addr));
	}
	rc = nl_get(nl, &req.n, on_neigh_reply, ni);
	if (rc)
		return rc;
	return ni->has_addr ? 0 : -ENOENT;
}

int xmip_nl_neigh_set(int nl, uint32_t ifindex, const struct in6_addr *addr, const uint8_t mac[6],
		      bool add)
{
	struct {
		struct nlmsghdr n;
		struct ndmsg    nd;
		char            attrs[64];
	} req;

	nl_req(&req, sizeof(req), add ? RTM_NEWNEIGH : RTM_DELNEIGH,
	       add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(struct ndmsg));
	req.nd.ndm_ifindex = (int)ifindex;
	req.nd.ndm_state = NUD_PERMANENT;
	if (IN6_IS_ADDR_V4MAPPED(addr)) {   /* an IPv4 home address (DSMIPv6) */
		req.nd.ndm_family = AF_INET;
		add_attr(&req.n, sizeof(req), NDA_DST, addr->s6_addr + 12, 4);
	} else {
		req.nd.ndm_family = AF_INET6;
		add_attr(&req.n, sizeof(req), NDA_DST, addr, sizeof(*addr));
	}
	if (add)
		add_attr(&req.n, sizeof(req), NDA_LLADDR, mac, 6);
	return nl_change(nl, &req.n, add, EEXIST, ENOENT);
}

bool xmip_nl_neigh_usable(uint16_t state)
{
	/* A MAC the kernel itself would send to (a STALE one too: it is
	 * still the last one heard; a change is announced and seen). */
	return state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |
			NUD_NOARP);
}

int xmip_nl_monitor_walk(int fd, int (*cb)(const struct nlmsghdr *h, void *arg), void *arg)
{
	static char buf[NL_BUF] __attribute__((aligned(4)));
	int lost = 0;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost = 1;
				continue;
			}
			if (errno != EAGAIN)
				log_warn("netlink monitor: %s", strerror(errno));
			return lost;
		}
		nl_each(buf, len, cb, arg);
	}
}

int xmip_nl_monitor_open_groups(uint32_t groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int xmip_nl_monitor_open(void)
{
	/* Routes too: a default router may show up after the address. */
	return xmip_nl_monitor_open_groups(RTMGRP_IPV6_IFADDR | RTMGRP_LINK | RTMGRP_IPV6_ROUTE);
}

int xmip_nl_nexthop_monitor_open(void)
{
	/* Everything a bpf_fib_lookup answer depends on: neighbours (MAC,
	 * NUD state), routes, links (MAC, up/down, MTU), addresses (local
	 * routes) and per-interface forwarding (netconf). */
	/* IPv4 too: DSMIPv6 care-of addresses are reached over IPv4. */
	return xmip_nl_monitor_open_groups(RTMGRP_NEIGH | RTMGRP_IPV6_ROUTE | RTMGRP_LINK |
					   RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
					   RTMGRP_IPV4_IFADDR |
					   1u << (RTNLGRP_IPV6_NETCONF - 1));
}

/* Count the events a monitor subscribed to (one message each). */
static int count_event(const struct nlmsghdr *h, void *arg)
{
	switch (h->nlmsg_type) {
	case RTM_NEWADDR: case RTM_DELADDR:
	case RTM_NEWLINK: case RTM_DELLINK:
	case RTM_NEWROUTE: case RTM_DELROUTE:
	case RTM_NEWNEIGH: case RTM_DELNEIGH:
	case RTM_NEWNETCONF: case RTM_DELNETCONF:
		(*(int *)arg)++;
	}
	return 0;
}

int xmip_nl_monitor_drain(int fd)
{
	static char buf[NL_BUF] __attribute__((aligned(4)));
	int seen = 0;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0) {
			/* ENOBUFS: we missed events; report a change so the caller re-reads all. */
			if (errno == ENOBUFS)
				seen++;
			else if (errno != EAGAIN && errno != EINTR)
				log_warn("netlink monitor: %s", strerror(errno));
			if (errno == EINTR)
				continue;
			return seen;
		}
		nl_each(buf, len, count_event, &seen);
	}
}

int xmip_sysctl_ipv6_conf(const char *ifname, const char *key, const char *value)
{
	char path[128];
	int fd, rc = 0;
	size_t n = strlen(value);

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, n) != (ssize_t)n)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc)
		log_warn("sysctl %s = %s: %s", path, value, strerror(-rc));
	return rc;
}

int xmip_sysctl_ipv4_conf(const char *ifname, const char *key, const char *value)
{
	char path[128];
	int fd, rc = 0;
	size_t n = strlen(value);

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, value, n) != (ssize_t)n)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (rc)
		log_warn("sysctl %s = %s: %s", path, value, strerror(-rc));
	return rc;
}

static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return -errno;
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	rc = ioctl(fd, req, ifr) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

bool xmip_if_is_up(const char *ifname)
{
	struct ifreq ifr;

	if (if_ioctl(ifname, SIOCGIFFLAGS, &ifr))
		return false;
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

int xmip_if_ipv6_mtu(const char *ifname)
{
	char path[128], val[16] = "";
	struct ifreq ifr;
	ssize_t n;
	int fd, rc;

	/* The IPv6 MTU (lowered by a Router Advertisement's MTU option) before the link's. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/mtu", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, val, sizeof(val) - 1);
		close(fd);
		if (n > 0 && atoi(val) > 0)
			return atoi(val);
	}
	rc = if_ioctl(ifname, SIOCGIFMTU, &ifr);
	return rc ? rc : ifr.ifr_mtu;
}

int xmip_if_hwaddr(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int rc = if_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (rc)
		return rc;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* ---- the NTM node's virtual interface (a veth pair, ARP off) and its routes ---- */

int xmip_nl_veth_add(int nl, const char *name, const char *peer, uint32_t mtu)
{
	char buf[512] __attribute__((aligned(4)));
	struct nlmsghdr *n = nl_req(buf, sizeof(buf), RTM_NEWLINK,
				    NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(n), pi = { 0 };
	struct rtattr *li, *data, *pr;

	/* No ARP/ND on it: packets to the peers' virtual addresses reach
	 * its tc egress at once (no neighbour to resolve on a fake link). */
	ifi->ifi_flags = IFF_NOARP;
	ifi->ifi_change = IFF_NOARP;
	add_attr(n, sizeof(buf), IFLA_IFNAME, name, strlen(name) + 1);
	if (mtu)
		add_attr(n, sizeof(buf), IFLA_MTU, &mtu, sizeof(mtu));
	li = nest_begin(n, sizeof(buf), IFLA_LINKINFO);
	add_attr(n, sizeof(buf), IFLA_INFO_KIND, "veth", 4);
	data = nest_begin(n, sizeof(buf), IFLA_INFO_DATA);
	pr = nest_begin(n, sizeof(buf), 1 /* VETH_INFO_PEER */);
	pi.ifi_flags = IFF_NOARP;
	pi.ifi_change = IFF_NOARP;
	/* the peer's struct ifinfomsg, then its attributes (the buffer is far larger) */
	memcpy((char *)n + NLMSG_ALIGN(n->nlmsg_len), &pi, sizeof(pi));
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLMSG_ALIGN(sizeof(pi));
	add_attr(n, sizeof(buf), IFLA_IFNAME, peer, strlen(peer) + 1);
	if (mtu)
		add_attr(n, sizeof(buf), IFLA_MTU, &mtu, sizeof(mtu));
	nest_end(n, pr);
	nest_end(n, data);
	nest_end(n, li);
	return nl_change(nl, n, true, EEXIST, 0);
}

int xmip_nl_link_set(int nl, uint32_t ifindex, bool up, uint32_t mtu)
{
	char buf[128] __attribute__((aligned(4)));
	struct nlmsghdr *n = nl_req(buf, sizeof(buf), RTM_NEWLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(n);

	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (mtu)
		add_attr(n, sizeof(buf), IFLA_MTU, &mtu, sizeof(mtu));
	return nl_change(nl, n, true, 0, 0);
}

int xmip_nl_link_del(int nl, uint32_t ifindex)
{
	char buf[64] __attribute__((aligned(4)));
	struct nlmsghdr *n = nl_req(buf, sizeof(buf), RTM_DELLINK, 0, sizeof(struct ifinfomsg));
	struct ifinfomsg *ifi = NLMSG_DATA(n);

	ifi->ifi_index = (int)ifindex;
	return nl_change(nl, n, false, 0, ENODEV);
}

int xmip_nl_route_dev(int nl, bool v4, const uint8_t *dst, uint8_t plen, uint32_t ifindex,
		      const uint8_t *src, bool add)
{
	char buf[256] __attribute__((aligned(4)));
	struct nlmsghdr *n = nl_req(buf, sizeof(buf), add ? RTM_NEWROUTE : RTM_DELROUTE,
				    add ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof(struct rtmsg));
	struct rtmsg *rtm = NLMSG_DATA(n);
	size_t alen = v4 ? 4 : 16;
	int rc;

	rtm->rtm_family = v4 ? AF_INET : AF_INET6;
	rtm->rtm_dst_len = plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = v4 ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;   /* no gateway: on the link */
	rtm->rtm_type = RTN_UNICAST;
	add_attr(n, sizeof(buf), RTA_DST, dst, alen);
	add_attr(n, sizeof(buf), RTA_OIF, &ifindex, sizeof(ifindex));
	if (src && add)
		add_attr(n, sizeof(buf), RTA_PREFSRC, src, alen);
	rc = nl_change(nl, n, add, 0, ESRCH);
	if (rc)
		log_warn("route %s to a virtual address on ifindex %u: %s", add ? "add" : "delete",
			 ifindex, strerror(-rc));
	return rc;
}
