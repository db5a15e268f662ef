/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One epoll loop for the agent: fd callbacks, timers kept as data (a
 * min-heap of deadlines on CLOCK_BOOTTIME behind a single timerfd) and
 * SIGTERM/SIGINT/SIGHUP through a signalfd.
 *
 * CLOCK_BOOTTIME because binding expiry in the maps (expires_ns) is
 * bpf_ktime_get_boot_ns(): a suspended host must not keep stale bindings.
 */
#ifndef XMIP_LOOP_H
#define XMIP_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct xmip_loop;
struct xmip_timer;

typedef void (*xmip_fd_cb)(struct xmip_loop *loop, int fd, uint32_t events, void *arg);
typedef void (*xmip_timer_cb)(struct xmip_loop *loop, struct xmip_timer *t, void *arg);
typedef void (*xmip_hup_cb)(struct xmip_loop *loop, void *arg);

/* Owned by the caller (embed it in the state it belongs to); the loop only links it. */
struct xmip_timer {
	uint64_t      deadline_ns;  /* CLOCK_BOOTTIME */
	uint64_t      order;        /* insertion order: equal deadlines fire FIFO */
	size_t        heap_idx;     /* position in the heap; SIZE_MAX when not armed */
	xmip_timer_cb cb;
	void         *arg;
};

/* The heap alone, without fds, so that the ordering logic is unit-testable. */
struct xmip_timerq {
	struct xmip_timer **heap;
	size_t              n, cap;
	uint64_t            next_order;
};

void xmip_timerq_init(struct xmip_timerq *q);
void xmip_timerq_free(struct xmip_timerq *q);
/* Insert t or move it if already armed. Returns 0 or -ENOMEM. */
int  xmip_timerq_arm(struct xmip_timerq *q, struct xmip_timer *t, uint64_t deadline_ns);
/* Remove t if armed; a no-op otherwise. */
void xmip_timerq_cancel(struct xmip_timerq *q, struct xmip_timer *t);
/* The earliest armed timer, or NULL. */
struct xmip_timer *xmip_timerq_peek(const struct xmip_timerq *q);
/* Remove and return the earliest timer whose deadline is <= now_ns, or NULL. */
struct xmip_timer *xmip_timerq_pop_due(struct xmip_timerq *q, uint64_t now_ns);


void xmip_timer_init(struct xmip_timer *t, xmip_timer_cb cb, void *arg);
bool xmip_timer_armed(const struct xmip_timer *t);

struct xmip_loop *xmip_loop_new(void);
void xmip_loop_free(struct xmip_loop *loop);

/* Watch fd for events (EPOLLIN...). One registration per fd. */
int  xmip_loop_add_fd(struct xmip_loop *loop, int fd, uint32_t events, xmip_fd_cb cb, void *arg);
void xmip_loop_del_fd(struct xmip_loop *loop, int fd);

int  xmip_loop_timer_at(struct xmip_loop *loop, struct xmip_timer *t, uint64_t deadline_ns);
int  xmip_loop_timer_in_ms(struct xmip_loop *loop, struct xmip_timer *t, uint64_t ms);
void xmip_loop_timer_cancel(struct xmip_loop *loop, struct xmip_timer *t);

/* Called on SIGHUP; without one SIGHUP is only logged. */
void xmip_loop_on_hup(struct xmip_loop *loop, xmip_hup_cb cb, void *arg);

/* Run until SIGTERM/SIGINT or xmip_loop_stop(). Returns the stopping signal or 0. */
int  xmip_loop_run(struct xmip_loop *loop);
void xmip_loop_stop(struct xmip_loop *loop);

#endif /* XMIP_LOOP_H */
