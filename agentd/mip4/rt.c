// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Run-time helpers shared by the Mobile IPv4 roles (mip4_rt.h). */
#include "mip4_rt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "xmip_wire_mip4.h"

void xmip_mip4_timer_init(struct xmip_family *f, struct xmip_mip4_timer *t,
			  void (*fn)(void *obj), void *obj)
{
	xmip_family_timer_init(f, &t->ft, t);
	t->fn = fn;
	t->obj = obj;
}

void xmip_mip4_timer_at(struct xmip_mip4_timer *t, uint64_t deadline_ns)
{
	if (xmip_family_timer_at(&t->ft, deadline_ns))
		log_err("mip4: timer: out of memory");
}

void xmip_mip4_timer_in_ms(struct xmip_mip4_timer *t, uint64_t ms)
{
	if (xmip_family_timer_in_ms(&t->ft, ms))
		log_err("mip4: timer: out of memory");
}

void xmip_mip4_timer_cancel(struct xmip_mip4_timer *t)
{
	if (t->ft.fam)
		xmip_family_timer_cancel(&t->ft);
}

int xmip_mip4_udp_open(bool recverr)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(XMIP_MIP4_PORT) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, e;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    (recverr && setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one)) < 0) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

ssize_t xmip_mip4_udp_recv(int fd, uint8_t *buf, size_t cap, struct xmip_mip4_udp_meta *m)
{
	struct sockaddr_in sa;
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	memset(m, 0, sizeof(*m));
	memcpy(m->src, &sa.sin_addr, 4);
	m->sport = ntohs(sa.sin_port);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		struct in_pktinfo pi;

		if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_PKTINFO)
			continue;
		memcpy(&pi, CMSG_DATA(c), sizeof(pi));
		memcpy(m->dst, &pi.ipi_addr, 4);   /* the header's destination */
		m->ifindex = (uint32_t)pi.ipi_ifindex;
	}
	if (msg.msg_flags & MSG_TRUNC)
		return 0;
	return n;
}

int xmip_mip4_udp_send(int fd, const uint8_t src[4], const uint8_t dst[4], uint16_t dport,
		       const uint8_t *buf, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(dport) };
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1,
	};
	static const uint8_t any[4];

	memcpy(&sa.sin_addr, dst, 4);
	if (src && memcmp(src, any, 4)) {
		struct in_pktinfo pi = { 0 };
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(&pi.ipi_spec_dst, src, 4);
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
	if (sendmsg(fd, &msg, 0) < 0)
		return -errno;
	return 0;
}

static uint8_t plen_of(const struct sockaddr_in *mask)
{
	uint32_t m = ntohl(mask->sin_addr.s_addr);
	uint8_t n = 0;

	while (m & 0x80000000u) {
		n++;
		m <<= 1;
	}
	return n;
}

int xmip_mip4_if_addr4(uint32_t ifindex, uint8_t addr[4], uint8_t *plen)
{
	struct ifaddrs *ifa, *i;
	char name[IF_NAMESIZE];
	int rc = -ENOENT;

	if (!if_indextoname(ifindex, name) || getifaddrs(&ifa) < 0)
		return -ENOENT;
	for (i = ifa; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, name)) {
			memcpy(addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
			if (plen)
				*plen = i->ifa_netmask ? plen_of((struct sockaddr_in *)i->ifa_netmask) : 32;
			rc = 0;
			break;
		}
	freeifaddrs(ifa);
	return rc;
}

uint32_t xmip_mip4_if_of_addr4(const uint8_t addr[4])
{
	struct ifaddrs *ifa, *i;
	uint32_t idx = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i && !idx; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, addr, 4))
			idx = if_nametoindex(i->ifa_name);
	freeifaddrs(ifa);
	return idx;
}

bool xmip_mip4_is_local4(const uint8_t addr[4])
{
	return xmip_mip4_if_of_addr4(addr) != 0;
}

const char *xmip_mip4_ntoa(const uint8_t a[4])
{
	static char buf[6][INET_ADDRSTRLEN];
	static unsigned i;
	char *b = buf[i++ % 6];

	snprintf(b, INET_ADDRSTRLEN, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return b;
}

const char *xmip_mip4_mac_str(const uint8_t m[6])
{
	static char buf[4][18];
	static unsigned i;
	char *b = buf[i++ % 4];

	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return b;
}

int xmip_mip4_write_file(const char *path, void (*write)(FILE *f, void *arg), void *arg)
{
	char tmp[300];
	FILE *f;
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		log_warn("mip4: %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	write(f, arg);
	ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) < 0) {
		log_warn("mip4: %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

uint64_t xmip_mip4_rt_s(void)
{
	return xmip_realtime_ns() / 1000000000u;
}
