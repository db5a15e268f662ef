/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The relay agent's own state (ntm_rs.c), shared with its state file and
 * restart adoption (ntm_rs_store.c). Not an interface: only the relay's
 * files include it.
 */
#ifndef XMIP_NTM_RS_INT_H
#define XMIP_NTM_RS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "family.h"
#include "ntm_crypto.h"
#include "ntm_io.h"
#include "ntm_replay.h"
#include "ntm_rs.h"
#include "ntm_rs_core.h"
#include "ntm_wire.h"
#include "xmip_ntm_relay.h"

#define RS_MAX_PATHS  4096        /* paths the agent tracks (the table holds their entries) */
#define RS_MAX_FLOWS  16384       /* RS-N inner flows */
#define RS_SWEEP_MS   2000

struct leg {
	bool               set;
	struct xmip_ntm_ep ep;        /* the node's NAT mapping, from its Tunnel Request */
	uint64_t           sender;
	struct xmip_ntm_seqwin win;
	uint32_t           tx_seq;
};

struct path {
	bool     used;
	uint32_t id;
	uint8_t  mode;
	struct xmip_ntm_keys k;
	struct xmip_ntm_vaddrs a, b, gn;
	uint64_t expires_ms, active_ms;   /* CLOCK_BOOTTIME */
	uint64_t seen_jiffies;            /* the last last_used the sweep read */
	struct leg leg[2];                /* [0] side A, [1] side B (RS-S) */
};

struct flow {
	bool     used;
	uint32_t path_id;
	struct xmip_ntm_relay_key fwd, rev;
	uint16_t pool;
	uint8_t  pidx;                    /* proto index: 0 TCP, 1 UDP, 2 ICMP */
	uint64_t active_ms, seen_jiffies;
};

struct dcpeer {
	uint64_t id;
	struct xmip_ntm_keys k;
	struct xmip_ntm_tsfloor floor;
};

struct ntm_rs {
	struct xmip_family *fam;
	const struct xmip_ntm_conf *nc;
	int fd, raw4, raw6, relay_fd, paths_fd;
	uint64_t id, last_ts;
	uint32_t seq;
	struct dcpeer *dcs;
	size_t n_dcs;
	struct path paths[RS_MAX_PATHS];
	struct flow *flows;
	uint8_t *pool_used[3];            /* a bit per port, per protocol */
	struct xmip_ntm_counters cnt;
	uint64_t flows_made, paths_swept, pool_exhausted, flows_full;
	struct xmip_family_timer sweep;
	struct xmip_ntm_rs_io io;         /* the relay table, the socket and the clock */
};

/*
 * The state file (`state-file` in [rs]; ntm_rs_store.c): the paths'
 * keys, virtual addresses, lifetimes, legs and windows and the DCs'
 * timestamp floors, rewritten whole after every change, so that an agent
 * killed with SIGKILL and restarted adopts its paths: _adopt reads it and
 * the pinned relay table (the datapath's truth: a path whose element is
 * gone is dropped, a path the file does not know is adopted without keys
 * so the sweep ends it, RS-N flows and their pool ports come from the
 * table's entries). Both return 0 or -1.
 */
int xmip_ntm_rs_save(struct ntm_rs *r);
int xmip_ntm_rs_adopt(struct ntm_rs *r);

#endif /* XMIP_NTM_RS_INT_H */
