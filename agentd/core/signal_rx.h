/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Consumer of the pinned xmip_signal ring buffer: every signalling packet
 * the datapath took off the wire, from the IPv6 header on, handed on with
 * the family it belongs to. Woken by the ring (the datapath batches
 * wake-ups) and every XMIP_SIGNAL_DRAIN_MS, so no record waits longer.
 */
#ifndef XMIP_SIGNAL_RX_H
#define XMIP_SIGNAL_RX_H

#include <stddef.h>
#include <stdint.h>

/* The longest a record written without a wake-up can wait to be read. */
#define XMIP_SIGNAL_DRAIN_MS 20

struct xmip_loop;
struct xmip_signal_rx;

/* pkt/len are only valid during the call; family is an enum xmip_family_id. */
typedef void (*xmip_signal_cb)(void *arg, uint8_t family, uint32_t ifindex,
			       const uint8_t *pkt, size_t len);

/* Register the ring buffer behind map_fd with the loop. NULL on error (logged). */
struct xmip_signal_rx *xmip_signal_rx_new(struct xmip_loop *loop, int map_fd,
					  xmip_signal_cb cb, void *arg);
void xmip_signal_rx_free(struct xmip_signal_rx *rx);

/* Sanity checks on one ring-buffer record; exposed for unit tests. */
int xmip_signal_event_check(const void *data, size_t size, uint32_t *ifindex,
			    const uint8_t **pkt, size_t *len);

/*
 * One record as the ring buffer gives it: checked, then handed to cb with
 * its family. -EINVAL (logged, not handed on) when malformed.
 */
int xmip_signal_deliver(const void *data, size_t size, xmip_signal_cb cb, void *arg);

#endif /* XMIP_SIGNAL_RX_H */
