// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "signal_rx.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "family.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "xmip_maps.h"

struct xmip_signal_rx {
	struct xmip_loop   *loop;
	struct ring_buffer *rb;
	int                 epfd;
	xmip_signal_cb      cb;
	void               *arg;
	struct xmip_timer   drain;   /* every XMIP_SIGNAL_DRAIN_MS */
};

int xmip_signal_event_check(const void *data, size_t size, uint32_t *ifindex,
			    const uint8_t **pkt, size_t *len)
{
	const struct xmip_signal_event *ev = data;
	size_t hdr;

	if (size < XMIP_SIGNAL_HDR_LEN)
		return -EINVAL;
	/*
	 * The packet starts at hdr_len (bpf/lib/signal.h writes the header's
	 * size there, so the header may grow): never inside the fields read
	 * here, never past the record. Records are variable-size (header +
	 * packet): len must fit in what follows the header as the ring gave
	 * the record, and in the struct.
	 */
	hdr = ev->hdr_len;
	if (hdr < XMIP_SIGNAL_HDR_LEN || hdr > size)
		return -EINVAL;
	if (ev->len > XMIP_SIGNAL_MAX_PKT || ev->len > size - hdr)
		return -EINVAL;
	*ifindex = ev->ifindex;
	*pkt = (const uint8_t *)data + hdr;
	*len = ev->len;
	return 0;
}

/* The family a record belongs to (the datapath's record header names it): the one place that reads it. */
static uint8_t record_family(const void *data)
{
	const struct xmip_signal_event *ev = data;

	/* A family id beyond one octet reaches no family (counted unclaimed). */
	return ev->family > XMIP_FAMILY__MAX ? XMIP_FAMILY_NONE : (uint8_t)ev->family;
}

int xmip_signal_deliver(const void *data, size_t size, xmip_signal_cb cb, void *arg)
{
	const uint8_t *pkt;
	uint32_t ifindex;
	size_t len;

	if (xmip_signal_event_check(data, size, &ifindex, &pkt, &len)) {
		/* Only the datapath, or whoever can write its pinned ring, writes
		 * records: counted (xmip_signal_records_malformed_total), logged
		 * at most 10 times a second. */
		static struct xmip_ratelimit rl = XMIP_RATELIMIT_INIT(10);
		unsigned int more;

		xmip_metrics_signal_malformed();
		if (xmip_log_ratelimit(&rl, &more))
			log_warn("signal ring: malformed record of %zu octets dropped%s", size,
				 more ? " (and earlier ones not logged)" : "");
		return -EINVAL;
	}
	cb(arg, record_family(data), ifindex, pkt, len);
	return 0;
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct xmip_signal_rx *rx = ctx;

	xmip_signal_deliver(data, size, rx->cb, rx->arg);
	return 0;
}

static void drain(struct xmip_signal_rx *rx)
{
	int n = ring_buffer__consume(rx->rb);

	if (n < 0)
		log_err("signal ring consume: %s", strerror(-n));
}

static void on_readable(struct xmip_loop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	drain(arg);
}

/*
 * The datapath batches wake-ups (bpf/lib/signal.h): a record written
 * while earlier ones were pending wakes nobody, on the grounds that the
 * consumer reads on until the ring is empty. One written just after that
 * last look would wait for the next wake-up; this timer bounds the wait.
 * Consuming an empty ring is two loads from shared memory, no system call.
 */
static void on_drain_timer(struct xmip_loop *loop, struct xmip_timer *t, void *arg)
{
	struct xmip_signal_rx *rx = arg;

	drain(rx);
	xmip_loop_timer_in_ms(loop, t, XMIP_SIGNAL_DRAIN_MS);
}

struct xmip_signal_rx *xmip_signal_rx_new(struct xmip_loop *loop, int map_fd,
					  xmip_signal_cb cb, void *arg)
{
	struct xmip_signal_rx *rx = calloc(1, sizeof(*rx));
	int err;

	if (!rx)
		return NULL;
	rx->loop = loop;
	rx->cb = cb;
	rx->arg = arg;
	rx->rb = ring_buffer__new(map_fd, on_sample, rx, NULL);
	if (!rx->rb) {
		log_err("ring_buffer__new on %s: %s", XMIP_MAP_SIGNAL, strerror(errno));
		free(rx);
		return NULL;
	}
	/* The ring buffer's own epoll fd nests in ours: readable when data is waiting. */
	rx->epfd = ring_buffer__epoll_fd(rx->rb);
	err = xmip_loop_add_fd(loop, rx->epfd, EPOLLIN, on_readable, rx);
	if (err) {
		log_err("signal ring: cannot watch: %s", strerror(-err));
		ring_buffer__free(rx->rb);
		free(rx);
		return NULL;
	}
	/* Drain what queued while no agent was running, then on a timer. */
	drain(rx);
	xmip_timer_init(&rx->drain, on_drain_timer, rx);
	xmip_loop_timer_in_ms(loop, &rx->drain, XMIP_SIGNAL_DRAIN_MS);
	return rx;
}

void xmip_signal_rx_free(struct xmip_signal_rx *rx)
{
	if (!rx)
		return;
	xmip_loop_timer_cancel(rx->loop, &rx->drain);
	xmip_loop_del_fd(rx->loop, rx->epfd);
	ring_buffer__free(rx->rb);
	free(rx);
}
