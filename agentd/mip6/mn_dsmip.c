// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the DSMIPv6 mobile node needs from the host besides netlink
 * (docs/dsmip.md, "Mobile node"): its IPv4 care-of address, the IPv4
 * router's MAC on that link, and the UDP 4191 socket its BUs leave from
 * and its BAs arrive on.
 */
#include "mn_dsmip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xmip_dsmip.h"

int xmip_mn4_socket(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(XMIP_DSMIP_UDP_PORT) };
	int one = 1, fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* Source port 4191 for BUs and tunnel packets alike: one NAT mapping
	 * carries both, so the BU refresh keeps the data path open (§4.3). */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

/* An address a care-of address may be: not 0/8, 127/8, 169.254/16, multicast, or hoa4. */
static bool usable4(struct in_addr a, struct in_addr hoa4)
{
	uint32_t h = ntohl(a.s_addr);

	return (h >> 24) != 0 && (h >> 24) != 127 && (h >> 16) != 0xa9fe && h < 0xe0000000u &&
	       a.s_addr != hoa4.s_addr;
}

int xmip_mn4_find_coa(const struct xmip_conf *conf, struct in_addr hoa4, struct in_addr *coa4,
		      uint32_t *ifindex)
{
	struct ifaddrs *ifa, *i;
	int best = -1;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		struct in_addr a;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) ||
		    !(i->ifa_flags & IFF_RUNNING))
			continue;
		a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		if (!usable4(a, hoa4))
			continue;
		/* First configured interface wins, so the choice is stable. */
		for (int k = 0; k < conf->n_ifs && (best < 0 || k < best); k++) {
			if (strcmp(conf->ifnames[k], i->ifa_name))
				continue;
			best = k;
			*coa4 = a;
			*ifindex = if_nametoindex(i->ifa_name);
		}
	}
	freeifaddrs(ifa);
	return best < 0 ? -ENOENT : 0;
}

int xmip_mn4_gateway_parse(const char *route_text, const char *arp_text, const char *ifname,
			   uint8_t mac[6])
{
	char dev[IF_NAMESIZE + 1], ip[32], hw[32], ar_dev[IF_NAMESIZE + 1];
	unsigned int dst, gw, flags, m[6];
	const char *line;
	uint32_t gateway = 0;
	bool found = false;

	/* /proc/net/route: Iface Destination Gateway Flags ... (hex, network order). */
	for (line = route_text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (sscanf(line, "%16s %x %x %x", dev, &dst, &gw, &flags) == 4 && dst == 0 && gw &&
		    (flags & 0x2) && strcmp(dev, ifname) == 0) {
			gateway = gw;
			break;
		}
	}
	if (!gateway)
		return -ENOENT;
	/* /proc/net/arp: IP HWtype Flags HW-address Mask Device */
	for (line = arp_text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		struct in_addr a;

		if (sscanf(line, "%31s %*s %x %31s %*s %16s", ip, &flags, hw, ar_dev) != 4 ||
		    inet_pton(AF_INET, ip, &a) != 1 || a.s_addr != gateway ||
		    strcmp(ar_dev, ifname) || !(flags & 0x2) ||
		    sscanf(hw, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
			continue;
		for (int k = 0; k < 6; k++)
			mac[k] = (uint8_t)m[k];
		found = true;
		break;
	}
	return found ? 0 : -EAGAIN;
}

static int read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t have = 0;

	if (fd < 0)
		return -errno;
	while (have + 1 < cap && (n = read(fd, buf + have, cap - 1 - have)) > 0)
		have += (size_t)n;
	close(fd);
	buf[have] = '\0';
	return 0;
}

int xmip_mn4_gateway_mac(uint32_t ifindex, uint8_t mac[6])
{
	static char route[16384], arp[16384];
	char ifname[IF_NAMESIZE];

	if (!if_indextoname(ifindex, ifname) || read_text("/proc/net/route", route, sizeof(route)) ||
	    read_text("/proc/net/arp", arp, sizeof(arp)))
		return -ENOENT;
	return xmip_mn4_gateway_parse(route, arp, ifname, mac);
}

enum xmip_mn_mode xmip_mn4_mode(const struct xmip_mn_ba_result *res, bool force_udp)
{
	/* RFC 5555 §4.4.2: UDP when the HA says so (NAT or F); our own F
	 * forces it whatever a HA that ignored it answered. */
	return res->udp_required || force_udp ? XMIP_MN_MODE_UDP4 : XMIP_MN_MODE_IPV4;
}
