// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ntm_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static void to_sa(const struct xmip_ntm_ep *e, struct sockaddr_in6 *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	memcpy(&sa->sin6_addr, e->addr, 16);
	sa->sin6_port = htons(e->port);
}

int xmip_ntm_udp_open(uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), off = 0, e;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

ssize_t xmip_ntm_recv(int fd, uint8_t *buf, size_t cap, struct xmip_ntm_ep *from)
{
	struct sockaddr_in6 sa;
	socklen_t sl = sizeof(sa);
	ssize_t n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&sa, &sl);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	memset(from, 0, sizeof(*from));
	memcpy(from->addr, &sa.sin6_addr, 16);
	from->port = ntohs(sa.sin6_port);
	return n;   /* may exceed cap (MSG_TRUNC): the caller treats that as too long */
}

int xmip_ntm_send(int fd, const struct xmip_ntm_ep *to, const uint8_t *buf, size_t len)
{
	struct sockaddr_in6 sa;

	to_sa(to, &sa);
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int xmip_ntm_local_addr(const struct xmip_ntm_ep *to, uint8_t addr[16])
{
	struct sockaddr_in6 sa, me;
	socklen_t sl = sizeof(me);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), off = 0, rc = 0;

	if (fd < 0)
		return -errno;
	to_sa(to, &sa);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &sl) < 0)
		rc = -errno;
	else
		memcpy(addr, &me.sin6_addr, 16);
	close(fd);
	return rc;
}

uint64_t xmip_ntm_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

const char *xmip_ntm_addr_str(const uint8_t addr[16], char *buf, size_t len)
{
	if (xmip_ntm_addr_is_v4(addr))
		inet_ntop(AF_INET, addr + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, addr, buf, (socklen_t)len);
	return buf;
}

const char *xmip_ntm_ep_str(const struct xmip_ntm_ep *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	xmip_ntm_addr_str(e->addr, a, sizeof(a));
	snprintf(buf, len, xmip_ntm_addr_is_v4(e->addr) ? "%s:%u" : "[%s]:%u", a, e->port);
	return buf;
}

void xmip_ntm_map4(const uint8_t v4[4], uint8_t out[16])
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, v4, 4);
}

bool xmip_ntm_ep_eq(const struct xmip_ntm_ep *a, const struct xmip_ntm_ep *b)
{
	return a->port == b->port && memcmp(a->addr, b->addr, 16) == 0;
}

void xmip_ntm_counters_json(struct xmip_json *j, const struct xmip_ntm_counters *c)
{
	static const char *const names[XMIP_NTM_TYPE__MAX + 1] = {
		NULL, "reg_req", "reg_resp", "ka", "ka_resp", "dir_req", "dir_resp", "info_req",
		"info_resp", "relay_req", "relay_resp", "route_dir", "route_ack", "tun_req",
		"tun_resp",
	};
	char k[32];

	xmip_json_obj_open(j);
	for (int t = 1; t <= XMIP_NTM_TYPE__MAX; t++) {
		snprintf(k, sizeof(k), "rx_%s", names[t]);
		xmip_json_key(j, k);
		xmip_json_u64(j, c->rx[t]);
		snprintf(k, sizeof(k), "tx_%s", names[t]);
		xmip_json_key(j, k);
		xmip_json_u64(j, c->tx[t]);
	}
#define C(n) do { xmip_json_key(j, #n); xmip_json_u64(j, c->n); } while (0)
	C(rx_malformed);
	C(rx_unknown_sender);
	C(rx_bad_mac);
	C(rx_stale);
	C(rx_replay);
	C(rx_unexpected);
	C(tx_retrans);
	C(tx_errors);
#undef C
	xmip_json_obj_close(j);
}

int xmip_ntm_write_atomic(const char *path, int mode, void (*write)(FILE *f, void *arg), void *arg)
{
	char tmp[300];
	FILE *f;
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		log_warn("%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	write(f, arg);
	ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) < 0) {
		log_warn("%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
