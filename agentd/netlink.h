/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Raw NETLINK_ROUTE (no libnl): proxy neighbour entries, addresses, the
 * IPv6 sysctls the HA needs, and a monitor socket for address/link events.
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

/*
 * Address add/delete. flags: IFA_F_* (IFA_F_NODAD for the HoA).
 * Adding an address that exists is success; so is deleting one that does not.
 */
int  xmip_nl_addr(int nl, uint32_t ifindex, const struct in6_addr *addr, uint8_t plen,
		  uint32_t flags, bool add);

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

/* A socket subscribed to RTMGRP_IPV6_IFADDR | RTMGRP_LINK, non-blocking. */
int  xmip_nl_monitor_open(void);
/* Read everything pending; returns how many address/link messages were seen. */
int  xmip_nl_monitor_drain(int fd);

/* /proc/sys/net/ipv6/conf/<ifname>/<key> = value. */
int  xmip_sysctl_ipv6_conf(const char *ifname, const char *key, const char *value);

/* Interface administratively up and with carrier (IFF_UP && IFF_RUNNING). */
bool xmip_if_is_up(const char *ifname);
/* The interface's Ethernet address. */
int  xmip_if_hwaddr(const char *ifname, uint8_t mac[6]);

#endif /* XMIP_NETLINK_H */
