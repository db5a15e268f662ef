// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "rawsend.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip6.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "log.h"

int xmip_rawsend_open(void)
{
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd < 0)
		return -errno;
	return fd;
}

static int send_raw(int fd, const uint8_t *pkt, size_t len, uint32_t scope_ifindex,
		    uint32_t out_ifindex)
{
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	const struct ip6_hdr *ip6 = (const void *)pkt;
	union {
		struct cmsghdr hdr;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct iovec iov = { .iov_base = (void *)pkt, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	if (len < sizeof(*ip6) || (pkt[0] >> 4) != 6)
		return -EINVAL;
	memcpy(&dst.sin6_addr, &ip6->ip6_dst, sizeof(dst.sin6_addr));
	if (IN6_IS_ADDR_LINKLOCAL(&dst.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&dst.sin6_addr))
		dst.sin6_scope_id = scope_ifindex;
	if (out_ifindex) {
		struct in6_pktinfo info = { .ipi6_ifindex = out_ifindex };
		struct cmsghdr *cm;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(info));
		memcpy(CMSG_DATA(cm), &info, sizeof(info));
	}
	n = sendmsg(fd, &msg, 0);
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

int xmip_rawsend(int fd, const uint8_t *pkt, size_t len, uint32_t ifindex)
{
	return send_raw(fd, pkt, len, ifindex, 0);
}

int xmip_rawsend_via(int fd, const uint8_t *pkt, size_t len, uint32_t ifindex)
{
	return send_raw(fd, pkt, len, ifindex, ifindex);
}
