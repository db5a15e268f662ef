// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "icmp6sock.h"

#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int xmip_icmp6_socket(const uint8_t *types, size_t n_types)
{
	struct icmp6_filter filt;
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	if (fd < 0)
		return -1;
	ICMP6_FILTER_SETBLOCKALL(&filt);
	for (size_t i = 0; i < n_types; i++)
		ICMP6_FILTER_SETPASS(types[i], &filt);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
