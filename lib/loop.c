// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Epoll loop with one timerfd for all timers and a signalfd for signals. */
#include "loop.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* ---- timer heap ---------------------------------------------------------- */

void xmip_timerq_init(struct xmip_timerq *q)
{
	memset(q, 0, sizeof(*q));
}

void xmip_timerq_free(struct xmip_timerq *q)
{
	for (size_t i = 0; i < q->n; i++)
		q->heap[i]->heap_idx = SIZE_MAX;
	free(q->heap);
	memset(q, 0, sizeof(*q));
}

static bool earlier(const struct xmip_timer *a, const struct xmip_timer *b)
{
	if (a->deadline_ns != b->deadline_ns)
		return a->deadline_ns < b->deadline_ns;
	return a->order < b->order;
}

static void heap_set(struct xmip_timerq *q, size_t i, struct xmip_timer *t)
{
	q->heap[i] = t;
	t->heap_idx = i;
}

static void sift_up(struct xmip_timerq *q, size_t i)
{
	struct xmip_timer *t = q->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!earlier(t, q->heap[parent]))
			break;
		heap_set(q, i, q->heap[parent]);
		i = parent;
	}
	heap_set(q, i, t);
}

static void sift_down(struct xmip_timerq *q, size_t i)
{
	struct xmip_timer *t = q->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct xmip_timer *best = t;

		if (l < q->n && earlier(q->heap[l], best)) {
			m = l;
			best = q->heap[l];
		}
		if (r < q->n && earlier(q->heap[r], best))
			m = r;
		if (m == i)
			break;
		heap_set(q, i, q->heap[m]);
		i = m;
	}
	heap_set(q, i, t);
}

void xmip_timer_init(struct xmip_timer *t, xmip_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->heap_idx = SIZE_MAX;
	t->cb = cb;
	t->arg = arg;
}

bool xmip_timer_armed(const struct xmip_timer *t)
{
	return t->heap_idx != SIZE_MAX;
}

void xmip_timerq_cancel(struct xmip_timerq *q, struct xmip_timer *t)
{
	size_t i = t->heap_idx;
	struct xmip_timer *moved;

	if (i == SIZE_MAX || i >= q->n || q->heap[i] != t)
		return;
	t->heap_idx = SIZE_MAX;
	q->n--;
	if (i == q->n)
		return;
	moved = q->heap[q->n];
	heap_set(q, i, moved);
	/* The moved element may belong above or below its new place. */
	sift_up(q, i);
	sift_down(q, moved->heap_idx);
}

int xmip_timerq_arm(struct xmip_timerq *q, struct xmip_timer *t, uint64_t deadline_ns)
{
	xmip_timerq_cancel(q, t);
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct xmip_timer **h = realloc(q->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		q->heap = h;
		q->cap = cap;
	}
	t->deadline_ns = deadline_ns;
	t->order = q->next_order++;
	heap_set(q, q->n++, t);
	sift_up(q, q->n - 1);
	return 0;
}

struct xmip_timer *xmip_timerq_peek(const struct xmip_timerq *q)
{
	return q->n ? q->heap[0] : NULL;
}

struct xmip_timer *xmip_timerq_pop_due(struct xmip_timerq *q, uint64_t now_ns)
{
	struct xmip_timer *t = xmip_timerq_peek(q);

	if (!t || t->deadline_ns > now_ns)
		return NULL;
	xmip_timerq_cancel(q, t);
	return t;
}

/* ---- the loop ------------------------------------------------------------ */

struct fd_reg {
	int        fd;
	xmip_fd_cb cb;
	void      *arg;
};

#define MAX_FDS 32

struct xmip_loop {
	int                epfd, tfd, sfd;
	struct xmip_timerq timers;
	struct fd_reg      fds[MAX_FDS];
	bool               stop;
	int                stop_sig;
	xmip_hup_cb        hup_cb;
	void              *hup_arg;
	sigset_t           old_mask;
};

/* Point the timerfd at the earliest deadline (or disarm it). */
static void rearm_timerfd(struct xmip_loop *loop)
{
	struct itimerspec its = { 0 };
	struct xmip_timer *t = xmip_timerq_peek(&loop->timers);

	if (t) {
		uint64_t d = t->deadline_ns ? t->deadline_ns : 1;  /* 0 would disarm */

		its.it_value.tv_sec = (time_t)(d / 1000000000ull);
		its.it_value.tv_nsec = (long)(d % 1000000000ull);
	}
	if (timerfd_settime(loop->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		log_err("timerfd_settime: %s", strerror(errno));
}

int xmip_loop_timer_at(struct xmip_loop *loop, struct xmip_timer *t, uint64_t deadline_ns)
{
	int err = xmip_timerq_arm(&loop->timers, t, deadline_ns);

	if (!err)
		rearm_timerfd(loop);
	return err;
}

int xmip_loop_timer_in_ms(struct xmip_loop *loop, struct xmip_timer *t, uint64_t ms)
{
	return xmip_loop_timer_at(loop, t, xmip_now_ns() + ms * 1000000ull);
}

void xmip_loop_timer_cancel(struct xmip_loop *loop, struct xmip_timer *t)
{
	if (!xmip_timer_armed(t))
		return;
	xmip_timerq_cancel(&loop->timers, t);
	rearm_timerfd(loop);
}

static struct fd_reg *find_fd(struct xmip_loop *loop, int fd)
{
	for (int i = 0; i < MAX_FDS; i++)
		if (loop->fds[i].cb && loop->fds[i].fd == fd)
			return &loop->fds[i];
	return NULL;
}

int xmip_loop_add_fd(struct xmip_loop *loop, int fd, uint32_t events, xmip_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct fd_reg *r = find_fd(loop, fd);

	if (r)
		return -EEXIST;
	for (int i = 0; !r && i < MAX_FDS; i++)
		if (!loop->fds[i].cb)
			r = &loop->fds[i];
	if (!r)
		return -ENOSPC;
	ev.data.ptr = r;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	r->fd = fd;
	r->cb = cb;
	r->arg = arg;
	return 0;
}

void xmip_loop_del_fd(struct xmip_loop *loop, int fd)
{
	struct fd_reg *r = find_fd(loop, fd);

	if (!r)
		return;
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

void xmip_loop_on_hup(struct xmip_loop *loop, xmip_hup_cb cb, void *arg)
{
	loop->hup_cb = cb;
	loop->hup_arg = arg;
}

void xmip_loop_stop(struct xmip_loop *loop)
{
	loop->stop = true;
}

static void on_timerfd(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	uint64_t expirations, now;
	struct xmip_timer *t;

	(void)events;
	(void)arg;
	if (read(fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		log_err("timerfd read: %s", strerror(errno));
	now = xmip_now_ns();
	/* A callback may re-arm itself or others; each pop re-reads the heap. */
	while (!loop->stop && (t = xmip_timerq_pop_due(&loop->timers, now)))
		t->cb(loop, t, t->arg);
	rearm_timerfd(loop);
}

static void on_signalfd(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info("signal %d: stopping (maps and bindings stay in place)",
				 (int)si.ssi_signo);
			loop->stop = true;
			loop->stop_sig = (int)si.ssi_signo;
			break;
		case SIGHUP:
			if (loop->hup_cb)
				loop->hup_cb(loop, loop->hup_arg);
			else
				log_info("SIGHUP ignored: restart the agent to reload its configuration");
			break;
		}
	}
}

struct xmip_loop *xmip_loop_new(void)
{
	struct xmip_loop *loop = calloc(1, sizeof(*loop));
	sigset_t mask;

	if (!loop)
		return NULL;
	loop->epfd = loop->tfd = loop->sfd = -1;
	for (int i = 0; i < MAX_FDS; i++)
		loop->fds[i].fd = -1;
	xmip_timerq_init(&loop->timers);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, &loop->old_mask) < 0)
		goto fail;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->tfd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	loop->sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop->epfd < 0 || loop->tfd < 0 || loop->sfd < 0)
		goto fail;
	if (xmip_loop_add_fd(loop, loop->tfd, EPOLLIN, on_timerfd, NULL) ||
	    xmip_loop_add_fd(loop, loop->sfd, EPOLLIN, on_signalfd, NULL))
		goto fail;
	return loop;
fail:
	log_err("event loop set-up: %s", strerror(errno));
	xmip_loop_free(loop);
	return NULL;
}

void xmip_loop_free(struct xmip_loop *loop)
{
	if (!loop)
		return;
	if (loop->sfd >= 0)
		close(loop->sfd);
	if (loop->tfd >= 0)
		close(loop->tfd);
	if (loop->epfd >= 0)
		close(loop->epfd);
	xmip_timerq_free(&loop->timers);
	sigprocmask(SIG_SETMASK, &loop->old_mask, NULL);
	free(loop);
}

int xmip_loop_run(struct xmip_loop *loop)
{
	struct epoll_event evs[16];

	loop->stop = false;
	while (!loop->stop) {
		int n = epoll_wait(loop->epfd, evs, 16, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < n && !loop->stop; i++) {
			struct fd_reg *r = evs[i].data.ptr;

			/* A callback earlier in this batch may have removed r. */
			if (r->cb)
				r->cb(loop, r->fd, evs[i].events, r->arg);
		}
	}
	return loop->stop_sig;
}
