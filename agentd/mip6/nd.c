// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"

#define NA_LEN (sizeof(struct nd_neighbor_advert) + 8)  /* + TLLA option */

size_t xmip_nd_build_na(uint8_t *buf, size_t cap, const struct in6_addr *target,
			const uint8_t mac[6])
{
	struct nd_neighbor_advert na;
	uint8_t *opt = buf + sizeof(na);

	if (cap < NA_LEN)
		return 0;
	memset(&na, 0, sizeof(na));
	na.nd_na_type = ND_NEIGHBOR_ADVERT;
	na.nd_na_code = 0;
	na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;  /* already network order */
	na.nd_na_target = *target;
	memcpy(buf, &na, sizeof(na));
	opt[0] = ND_OPT_TARGET_LINKADDR;
	opt[1] = 1;  /* 8 octets */
	memcpy(opt + 2, mac, 6);
	return NA_LEN;
}

int xmip_nd_send_unsolicited_na(const char *ifname, const struct in6_addr *target)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	uint8_t buf[NA_LEN], mac[6];
	unsigned int ifindex = if_nametoindex(ifname);
	int hops = 255, fd, rc;

	if (!ifindex)
		return -ENODEV;
	rc = xmip_if_hwaddr(ifname, mac);
	if (rc) {
		log_warn("unsolicited NA on %s: no MAC: %s", ifname, strerror(-rc));
		return rc;
	}
	xmip_nd_build_na(buf, sizeof(buf), target, mac);
	/* A raw ICMPv6 socket: the kernel computes the checksum and the source. */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0) {
		rc = -errno;   /* EPERM without CAP_NET_RAW: say so, it is not silent */
		log_warn("unsolicited NA for %s on %s: socket: %s", xmip_ip6str(target), ifname,
			 strerror(-rc));
		return rc;
	}
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0) {
		rc = -errno;
		goto out;
	}
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = ifindex;
	if (sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		rc = -errno;
out:
	if (rc)
		log_warn("unsolicited NA for %s on %s: %s", xmip_ip6str(target), ifname,
			 strerror(-rc));
	else
		log_info("unsolicited NA for %s on %s (Override)", xmip_ip6str(target), ifname);
	close(fd);
	return rc;
}
