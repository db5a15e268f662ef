// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "rawsend.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

int xmip_rawsend_open(void)
{
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd < 0)
		return -errno;
	return fd;
}

int xmip_rawsend(int fd, const uint8_t *pkt, size_t len, uint32_t ifindex)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	const struct ip6_hdr *ip6 = (const void *)pkt;
	ssize_t n;

	if (len < sizeof(*ip6) || (pkt[0] >> 4) != 6)
		return -EINVAL;
	memcpy(&dst.sin6_addr, &ip6->ip6_dst, sizeof(dst.sin6_addr));
	if (IN6_IS_ADDR_LINKLOCAL(&dst.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&dst.sin6_addr))
		dst.sin6_scope_id = ifindex;
	n = sendto(fd, pkt, len, 0, (const struct sockaddr *)&dst, sizeof(dst));
	if (n < 0) {
		int err = errno;

		log_warn("raw send to %s (%zu octets): %s", xmip_ip6str(&ip6->ip6_dst), len,
			 strerror(err));
		return -err;
	}
	if ((size_t)n != len)
		return -EMSGSIZE;
	return 0;
}
