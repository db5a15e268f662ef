/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The relay agent's decisions without its I/O (ntm_rs.c): what it does with
 * a received datagram (Relay Direction, Tunnel Request, Keep Alive, an RS-N
 * flow's first packet) and with its paths at a sweep, against a relay
 * table, a sender and a clock given as functions. xmip_ntm_rs_new() wires
 * them to the pinned map, its UDP socket and CLOCK_BOOTTIME; the unit tests
 * (selftests/unit/test_ntm_rs.c) to an in-memory table, a capture of what
 * it sends and a clock they move, as agentd/mip6's policy files are tested.
 */
#ifndef XMIP_NTM_RS_CORE_H
#define XMIP_NTM_RS_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "conf_ntm.h"
#include "ntm_io.h"
#include "ntm_wire.h"
#include "xmip_ntm_relay.h"

struct ntm_rs;

struct xmip_ntm_rs_io {
	void *ctx;
	/* The relay table: write (whole), read (0, or -1 when absent), delete. */
	int  (*put)(void *ctx, const struct xmip_ntm_relay_key *k, const struct xmip_ntm_relay_val *v);
	int  (*get)(void *ctx, const struct xmip_ntm_relay_key *k, struct xmip_ntm_relay_val *v);
	void (*del)(void *ctx, const struct xmip_ntm_relay_key *k);
	/* A built, authenticated message out to `to`: 0 or -1. */
	int  (*send)(void *ctx, const struct xmip_ntm_ep *to, const uint8_t *buf, size_t len);
	/* CLOCK_BOOTTIME in ms (lifetimes and idle times). */
	uint64_t (*now_ms)(void *ctx);
};

/* An agent without sockets, pins or timers (io NULL: the real table/socket/clock). */
struct ntm_rs *xmip_ntm_rs_core_new(const struct xmip_ntm_conf *nc, const struct xmip_ntm_rs_io *io);
/* One datagram received on the RS port from `from` (buf may be rewritten). */
void xmip_ntm_rs_receive(struct ntm_rs *r, uint8_t *buf, size_t len, const struct xmip_ntm_ep *from);
/* End idle flows and paths (no traffic and no Keep Alive for rs_idle_s) and expired paths. */
void xmip_ntm_rs_sweep(struct ntm_rs *r);

struct xmip_ntm_rs_stats {
	const struct xmip_ntm_counters *cnt;
	uint64_t paths, flows, flows_made, paths_swept;
	uint64_t pool_exhausted;   /* RS-N first packets dropped: no pool port left */
	uint64_t flows_full;       /* RS-N first packets dropped: no flow slot left */
};
void xmip_ntm_rs_stats(const struct ntm_rs *r, struct xmip_ntm_rs_stats *st);

#endif /* XMIP_NTM_RS_CORE_H */
