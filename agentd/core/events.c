// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The monitor socket: accept monitors, broadcast events (events.h). */
#include "events.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"

/* Room for a few hundred events per monitor before one is lost. */
#define CLIENT_SNDBUF (256 * 1024)

struct client {
	int      fd;        /* -1: free slot */
	uint32_t lost;      /* events not delivered since the last one that was */
};

static struct {
	struct xmip_loop *loop;
	int               lfd;
	unsigned int      role;
	char              path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct client     clients[XMIP_EVENTS_MAX_CLIENTS];
} ev_srv = { .lfd = -1 };

static void drop_client(struct client *c)
{
	xmip_loop_del_fd(ev_srv.loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->lost = 0;
}

/* A monitor sends nothing: readable means it hung up (or wrote junk). */
static void on_client(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct client *c = arg;
	char junk[64];

	(void)loop;
	(void)events;
	if (recv(fd, junk, sizeof(junk), MSG_DONTWAIT) <= 0 || (events & (EPOLLHUP | EPOLLERR)))
		drop_client(c);
}

static void on_accept(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int sndbuf = CLIENT_SNDBUF;

	(void)events;
	(void)arg;
	if (cfd < 0)
		return;
	for (size_t i = 0; i < XMIP_EVENTS_MAX_CLIENTS; i++) {
		struct client *c = &ev_srv.clients[i];

		if (c->fd >= 0)
			continue;
		setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
		if (xmip_loop_add_fd(loop, cfd, EPOLLIN, on_client, c))
			break;
		c->fd = cfd;
		c->lost = 0;
		log_debug("monitor connected (%zu)", i);
		return;
	}
	log_warn("monitor refused: %d monitors already connected", XMIP_EVENTS_MAX_CLIENTS);
	close(cfd);
}

/* Is someone listening there? (a live agent of the same instance) */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

int xmip_events_open(struct xmip_loop *loop, const char *run_dir, const char *instance,
		     unsigned int role)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, n;

	for (size_t i = 0; i < XMIP_EVENTS_MAX_CLIENTS; i++)
		ev_srv.clients[i].fd = -1;
	ev_srv.loop = loop;
	ev_srv.role = role;
	run_dir = run_dir ? run_dir : XMIP_RUN_DIR;
	n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.sock", run_dir, instance);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path)) {
		log_err("monitor socket path %s/%s.sock is too long", run_dir, instance);
		return -1;
	}
	if (mkdir(run_dir, 0755) && errno != EEXIST) {
		log_err("monitor socket: mkdir %s: %s", run_dir, strerror(errno));
		return -1;
	}
	if (socket_alive(&sa)) {
		log_err("monitor socket %s: another agent of instance %s is running", sa.sun_path,
			instance);
		return -2;
	}
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_err("monitor socket: %s", strerror(errno));
		return -1;
	}
	/* Created 0600 from the start: events name home addresses of users. */
	old = umask(0177);
	n = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (n || listen(fd, 8) || xmip_loop_add_fd(loop, fd, EPOLLIN, on_accept, NULL)) {
		log_err("monitor socket %s: %s", sa.sun_path, strerror(errno));
		close(fd);
		return -1;
	}
	ev_srv.lfd = fd;
	memcpy(ev_srv.path, sa.sun_path, sizeof(ev_srv.path));
	log_info("events for xmip monitor on %s", ev_srv.path);
	return 0;
}

void xmip_events_close(void)
{
	for (size_t i = 0; i < XMIP_EVENTS_MAX_CLIENTS; i++)
		if (ev_srv.clients[i].fd >= 0)
			drop_client(&ev_srv.clients[i]);
	if (ev_srv.lfd >= 0) {
		xmip_loop_del_fd(ev_srv.loop, ev_srv.lfd);
		close(ev_srv.lfd);
		unlink(ev_srv.path);
		ev_srv.lfd = -1;
	}
}

unsigned int xmip_events_clients(void)
{
	unsigned int n = 0;

	for (size_t i = 0; ev_srv.lfd >= 0 && i < XMIP_EVENTS_MAX_CLIENTS; i++)
		n += ev_srv.clients[i].fd >= 0;
	return n;
}

/* 0 sent, 1 no room (counted as lost), -1 the monitor is gone. */
static int send_one(struct client *c, const struct xmip_event *ev)
{
	if (send(c->fd, ev, sizeof(*ev), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(*ev))
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return 1;
	return -1;
}

void xmip_event_emit(const struct xmip_event *in)
{
	struct xmip_event ev = *in;

	ev.version = XMIP_EVENT_VERSION;
	ev.len = sizeof(ev);
	ev.role = (__u8)ev_srv.role;
	ev.time_ns = xmip_realtime_ns();
	xmip_metrics_event(ev.family, ev.type);
	if (ev_srv.lfd < 0)
		return;   /* no socket (not opened, or a test): counted only */
	for (size_t i = 0; i < XMIP_EVENTS_MAX_CLIENTS; i++) {
		struct client *c = &ev_srv.clients[i];
		int rc;

		if (c->fd < 0)
			continue;
		if (c->lost) {
			struct xmip_event lost = {
				.version = XMIP_EVENT_VERSION, .len = sizeof(lost),
				.type = XMIP_EV_LOST, .role = ev.role, .time_ns = ev.time_ns,
				.fields = XMIP_EVF_COUNT, .count = c->lost,
			};

			rc = send_one(c, &lost);
			if (rc == 0)
				c->lost = 0;
			else if (rc > 0)
				c->lost++;
			if (rc)
				goto done;
		}
		rc = send_one(c, &ev);
		if (rc > 0)
			c->lost++;
done:
		if (rc < 0)
			drop_client(c);
	}
}
