// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ntm_dns.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/epoll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ntm_crypto.h"
#include "ntm_io.h"

#define DNS_MAX_INFLIGHT 64
#define DNS_TIMEOUT_MS   2000
#define DNS_TRIES        2

struct query {
	bool              used;
	uint16_t          id;
	int               type, tries;
	char              name[NS_MAXDNAME];
	xmip_ntm_dns_cb   cb;
	void             *arg;
	struct xmip_timer timer;
	struct xmip_ntm_dns *d;
};

struct xmip_ntm_dns {
	struct xmip_loop  *loop;
	struct xmip_ntm_ep server;
	int                fd;
	struct query       q[DNS_MAX_INFLIGHT];
};

static int send_query(struct query *q)
{
	struct __res_state st;
	uint8_t buf[512];
	int n;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) < 0)
		return -1;
	n = res_nmkquery(&st, ns_o_query, q->name, ns_c_in, q->type, NULL, 0, NULL, buf, sizeof(buf));
	res_nclose(&st);
	if (n < 12)
		return -1;
	buf[0] = (uint8_t)(q->id >> 8);   /* our id, random per query */
	buf[1] = (uint8_t)q->id;
	if (xmip_ntm_send(q->d->fd, &q->d->server, buf, (size_t)n) < 0)
		return -1;
	return xmip_loop_timer_in_ms(q->d->loop, &q->timer, DNS_TIMEOUT_MS);
}

static void finish(struct query *q, int ok, const struct xmip_ntm_dns_answer *a)
{
	xmip_ntm_dns_cb cb = q->cb;
	void *arg = q->arg;

	xmip_loop_timer_cancel(q->d->loop, &q->timer);
	q->used = false;
	cb(arg, ok, a);
}

static void on_timeout(struct xmip_loop *loop, struct xmip_timer *t, void *arg)
{
	struct query *q = arg;

	(void)loop;
	(void)t;
	if (++q->tries < DNS_TRIES && send_query(q) == 0)
		return;
	log_info("dns: no answer for %s (type %d) from the server", q->name, q->type);
	finish(q, -1, NULL);
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct xmip_ntm_dns *d = arg;
	static struct xmip_ntm_dns_answer a;
	uint8_t buf[4096];
	struct xmip_ntm_ep from;
	ssize_t n;

	(void)loop;
	(void)events;
	while ((n = xmip_ntm_recv(fd, buf, sizeof(buf), &from)) > 0) {
		if (!xmip_ntm_ep_eq(&from, &d->server) || (size_t)n > sizeof(buf) || n < 2)
			continue;    /* only our server's answers */
		for (int i = 0; i < DNS_MAX_INFLIGHT; i++) {
			struct query *q = &d->q[i];

			if (!q->used || q->id != (uint16_t)(buf[0] << 8 | buf[1]))
				continue;
			if (xmip_ntm_dns_parse(buf, (size_t)n, q->id, q->type, &a) == 0)
				finish(q, 0, &a);
			break;
		}
	}
}

struct xmip_ntm_dns *xmip_ntm_dns_new(struct xmip_loop *loop, const struct xmip_ntm_ep *server)
{
	struct xmip_ntm_dns *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->loop = loop;
	if (server) {
		d->server = *server;
	} else {
		struct __res_state st;

		memset(&st, 0, sizeof(st));
		if (res_ninit(&st) < 0 || st.nscount < 1 || st.nsaddr_list[0].sin_family != AF_INET) {
			log_err("dns: no IPv4 nameserver in /etc/resolv.conf; set dns-server");
			res_nclose(&st);
			free(d);
			return NULL;
		}
		xmip_ntm_map4((const uint8_t *)&st.nsaddr_list[0].sin_addr, d->server.addr);
		d->server.port = ntohs(st.nsaddr_list[0].sin_port);
		res_nclose(&st);
	}
	d->fd = xmip_ntm_udp_open(0);
	if (d->fd < 0 || xmip_loop_add_fd(loop, d->fd, EPOLLIN, on_readable, d) < 0) {
		log_err("dns: socket: %s", strerror(d->fd < 0 ? -d->fd : errno));
		if (d->fd >= 0)
			close(d->fd);
		free(d);
		return NULL;
	}
	return d;
}

void xmip_ntm_dns_free(struct xmip_ntm_dns *d)
{
	if (!d)
		return;
	for (int i = 0; i < DNS_MAX_INFLIGHT; i++)
		if (d->q[i].used)
			xmip_loop_timer_cancel(d->loop, &d->q[i].timer);
	xmip_loop_del_fd(d->loop, d->fd);
	close(d->fd);
	free(d);
}

int xmip_ntm_dns_query(struct xmip_ntm_dns *d, const char *name, int type, xmip_ntm_dns_cb cb,
		       void *arg)
{
	for (int i = 0; i < DNS_MAX_INFLIGHT; i++) {
		struct query *q = &d->q[i];

		if (q->used)
			continue;
		memset(q, 0, sizeof(*q));
		if (strlen(name) >= sizeof(q->name) || xmip_ntm_random(&q->id, sizeof(q->id)))
			return -1;
		strcpy(q->name, name);
		q->type = type;
		q->cb = cb;
		q->arg = arg;
		q->d = d;
		q->used = true;
		xmip_timer_init(&q->timer, on_timeout, q);
		if (send_query(q)) {
			q->used = false;
			return -1;
		}
		return 0;
	}
	return -1;
}

void xmip_ntm_dns_cancel(struct xmip_ntm_dns *d, void *arg)
{
	for (int i = 0; d && i < DNS_MAX_INFLIGHT; i++)
		if (d->q[i].used && d->q[i].arg == arg) {
			xmip_loop_timer_cancel(d->loop, &d->q[i].timer);
			d->q[i].used = false;
		}
}
