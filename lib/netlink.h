/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Raw NETLINK_ROUTE (no libnl): proxy neighbour entries, addresses, routes
 * and policy rules, the IPv6 sysctls the HA needs, and a monitor socket for
 * address/link/route events.
 */
#ifndef XMIP_NETLINK_H
#define XMIP_NETLINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* One request socket; requests are synchronous and wait for the kernel's ack. */
int  xmip_nl_open(void);

/* Proxy neighbour entry (ip -6 neigh add proxy ADDR dev IF). EEXIST/ENOENT are success. */
int  xmip_nl_proxy_neigh(int nl, uint32_t ifindex, const struct in6_addr *addr, bool add);
/* The same; router: the entry has NTF_ROUTER, so the kernel's proxy NAs set the Router flag
 * (ip -6 neigh add proxy ADDR dev IF router; a mobile router's home address, RFC 3963 §6.2). */
int  xmip_nl_proxy_neigh_router(int nl, uint32_t ifindex, const struct in6_addr *addr, bool add,
				bool router);

/*
 * Address add/delete. flags: IFA_F_* (IFA_F_NODAD for the HoA).
 * Adding an address that exists is success; so is deleting one that does not.
 */
int  xmip_nl_addr(int nl, uint32_t ifindex, const struct in6_addr *addr, uint8_t plen,
		  uint32_t flags, bool add);

/* The same for an IPv4 address (Mobile IPv4's home address). */
int  xmip_nl_addr4(int nl, uint32_t ifindex, const uint8_t addr[4], uint8_t plen, bool add);

struct xmip_nl_addr_info {
	uint32_t        ifindex;
	struct in6_addr addr;
	uint8_t         plen;
	uint8_t         scope;   /* RT_SCOPE_* */
	uint32_t        flags;   /* IFA_F_* (tentative, dadfailed, deprecated...) */
};

/* Dump the IPv6 addresses; cb returns non-zero to stop. */
int  xmip_nl_dump_addrs(int nl, int (*cb)(const struct xmip_nl_addr_info *a, void *arg),
			void *arg);

/* One IPv6 route, as dumped or to install (only what the agent uses). */
struct xmip_nl_route_info {
	uint32_t        table;      /* RT_TABLE_MAIN = 254; any u32 (RTA_TABLE) */
	struct in6_addr dst;
	uint8_t         dst_len;    /* 0: default route */
	uint8_t         type;       /* RTN_* (dump only) */
	bool            has_gateway;
	struct in6_addr gateway;
	uint32_t        ifindex;    /* RTA_OIF, or the first next hop's device */
	uint32_t        priority;   /* metric */
	uint32_t        mtu;        /* RTAX_MTU, 0: none (the device's) */
	bool            v4;         /* build: an IPv4 route (dst ::ffff:a.b.c.d); an IPv6
				     * gateway then goes as RTA_VIA (IPv4 via inet6) */
};

/*
 * Build (into buf, cap octets) the request to add (create or replace: one
 * route per table/dst/metric) or delete a route; returns its length or
 * -ENOSPC. Split from sending so that tests can check the bytes.
 */
int  xmip_nl_build_route(void *buf, size_t cap, const struct xmip_nl_route_info *r, bool add);
/* Add (exclusive) or delete "from SRC/128 lookup TABLE pref PRIORITY". */
/* "from src/128 [to dst/128] lookup table pref priority"; dst may be NULL. */
int  xmip_nl_build_rule(void *buf, size_t cap, const struct in6_addr *src,
			const struct in6_addr *dst, uint32_t table, uint32_t priority, bool add);
/* An IPv6 rule "[from src/src_len] [to dst/dst_len] lookup table pref priority"
 * (src or dst NULL: any), e.g. a mobile router's prefixes. */
int  xmip_nl_build_rule6(void *buf, size_t cap, const struct in6_addr *src, uint8_t src_len,
			 const struct in6_addr *dst, uint8_t dst_len, uint32_t table,
			 uint32_t priority, bool add);
/* Send them. Deleting what is absent, or adding a rule that exists, is success. */
int  xmip_nl_rule6(int nl, const struct in6_addr *src, uint8_t src_len,
		   const struct in6_addr *dst, uint8_t dst_len, uint32_t table, uint32_t priority,
		   bool add);
int  xmip_nl_route(int nl, const struct xmip_nl_route_info *r, bool add);
int  xmip_nl_rule(int nl, const struct in6_addr *src, const struct in6_addr *dst,
		  uint32_t table, uint32_t priority, bool add);
/* Parse one RTM_NEWROUTE message of len octets (never reads past len). -EINVAL: not one. */
int  xmip_nl_route_parse(const void *msg, size_t len, struct xmip_nl_route_info *r);
/* Dump the IPv6 routes of every table; cb returns non-zero to stop. */
int  xmip_nl_dump_routes(int nl, int (*cb)(const struct xmip_nl_route_info *r, void *arg),
			 void *arg);

/* The kernel's output route to dst (from src, NULL: any), as RTM_GETROUTE answers it. 0 or -errno. */
int  xmip_nl_route_get(int nl, const struct in6_addr *dst, const struct in6_addr *src,
		       struct xmip_nl_route_info *r);

/* One IPv6 neighbour entry. */
struct xmip_nl_neigh_info {
	uint32_t        ifindex;
	struct in6_addr addr;
	uint16_t        state;      /* NUD_* */
	uint8_t         flags;      /* NTF_* */
	uint8_t         mac[6];
	bool            has_addr, has_mac, deleted;
};

/* The neighbour entry of addr on ifindex: 0, -ENOENT, or -errno. */
int  xmip_nl_neigh_get(int nl, uint32_t ifindex, const struct in6_addr *addr,
		       struct xmip_nl_neigh_info *ni);
/* Add (replace) or delete a permanent neighbour entry addr -> mac on ifindex. */
int  xmip_nl_neigh_set(int nl, uint32_t ifindex, const struct in6_addr *addr,
		       const uint8_t mac[6], bool add);
/* Parse one RTM_NEWNEIGH/RTM_DELNEIGH of len octets (never reads past len). -EINVAL: not one. */
int  xmip_nl_neigh_parse(const void *msg, size_t len, struct xmip_nl_neigh_info *ni);
/* A state whose MAC the kernel would use (REACHABLE, STALE, DELAY, PROBE, PERMANENT, NOARP). */
bool xmip_nl_neigh_usable(uint16_t state);

struct nlmsghdr;
/* Read everything pending on a monitor, cb on every message; 1 if events were lost (ENOBUFS). */
int  xmip_nl_monitor_walk(int fd, int (*cb)(const struct nlmsghdr *h, void *arg), void *arg);

/* A socket subscribed to RTMGRP_IPV6_IFADDR | RTMGRP_LINK | RTMGRP_IPV6_ROUTE, non-blocking. */
int  xmip_nl_monitor_open(void);
/* The HA's next-hop monitor: RTMGRP_NEIGH | _IPV6_ROUTE | _LINK | _IPV6_IFADDR | _IPV6_NETCONF. */
int  xmip_nl_nexthop_monitor_open(void);
/* A non-blocking socket subscribed to the RTMGRP_* bits in groups. */
int  xmip_nl_monitor_open_groups(uint32_t groups);
/* Read everything pending; returns how many address/link/route/neighbour/netconf
 * messages were seen (the groups subscribed decide which can arrive); a lost
 * batch (ENOBUFS) counts as one. */
int  xmip_nl_monitor_drain(int fd);

/* /proc/sys/net/ipv6/conf/<ifname>/<key> = value. */
int  xmip_sysctl_ipv6_conf(const char *ifname, const char *key, const char *value);
/* /proc/sys/net/ipv4/conf/<ifname>/<key> = value. */
int  xmip_sysctl_ipv4_conf(const char *ifname, const char *key, const char *value);

/* Interface administratively up and with carrier (IFF_UP && IFF_RUNNING). */
bool xmip_if_is_up(const char *ifname);
/* The interface's IPv6 MTU (conf/<if>/mtu, else the link MTU), or -errno. */
int  xmip_if_ipv6_mtu(const char *ifname);
/* The interface's Ethernet address. */
int  xmip_if_hwaddr(const char *ifname, uint8_t mac[6]);

/*
 * The NTM node's virtual interface: a veth pair `name`/`peer` with ARP/ND
 * off (IFF_NOARP) and this MTU (0: the default), created down. EEXIST is
 * success (it is there already).
 */
int  xmip_nl_veth_add(int nl, const char *name, const char *peer, uint32_t mtu);
/* Set a link up or down, and its MTU (0: unchanged). */
int  xmip_nl_link_set(int nl, uint32_t ifindex, bool up, uint32_t mtu);
/* Delete a link (ENODEV is success). */
int  xmip_nl_link_del(int nl, uint32_t ifindex);
/* Add (replace) or delete "dst/plen dev ifindex [src src]" in the main table; v4: 4-octet addresses. */
int  xmip_nl_route_dev(int nl, bool v4, const uint8_t *dst, uint8_t plen, uint32_t ifindex,
		       const uint8_t *src, bool add);

#endif /* XMIP_NETLINK_H */
