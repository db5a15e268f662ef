/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Typed access to the pinned maps of one instance
 * (/sys/fs/bpf/xmip/<instance>/<map>). The agent never creates maps: if
 * they are missing the instance is not attached.
 */
#ifndef XMIP_AGENT_MAPS_H
#define XMIP_AGENT_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include "nh_gen.h"
#include "xmip_maps.h"

struct xmip_fwsync;

struct xmip_agent_maps {
	int bindings;   /* HA, CN: HASH xmip_binding_key -> xmip_binding; -1 on the MN */
	int mn_state;   /* MN: HASH[1] xmip_mn_state, replaced whole; -1 on the HA */
	int replay;     /* HA: HASH xmip_binding_key -> xmip_replay_state; -1 on the MN */
	int signal;     /* RINGBUF */
	int nh_gen;     /* ARRAY[1] __u64 next-hop generation; -1 if absent (older attach) */
	int mnp;        /* HA, MN: LPM_TRIE xmip_mnp_key -> xmip_mnp_val (NEMO); -1 if absent */
	/* HA: the fast-path table the datapath reads (fwsync.h), kept in step with
	 * every binding written here; set by the core once it runs, NULL before. */
	struct xmip_fwsync *fw;
};

/*
 * Open the pinned maps of the instance's role (enum xmip_role): the HA's
 * signal, bindings, replay (nh_gen if there), the MN's signal and
 * mn_state, the CN's signal and bindings. On error returns -errno and explains in err.
 */
int  xmip_maps_open(const char *instance, int role, struct xmip_agent_maps *m,
		    char *err, size_t errlen);
void xmip_maps_close(struct xmip_agent_maps *m);

/*
 * The binding cache. xmip_bindings holds the record; put and del also
 * write the datapath's fast-path table (when m->fw is set): a put the
 * table cannot take (-ENOSPC: the home address's slots are all in use)
 * leaves the record as it was. A put for the CoA the record has already,
 * with path_mtu 0, keeps the record's path_mtu (a BU refresh does not
 * forget a Packet Too Big). 0, -ENOENT or another -errno.
 */
int xmip_binding_get(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		     struct xmip_binding *b);
int xmip_binding_put(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		     const struct xmip_binding *b);
/* The record (and its slot) without its path_mtu: 1, 0 (none learnt, or no binding), -errno. */
int xmip_binding_mtu_forget(const struct xmip_agent_maps *m, const uint8_t hoa[16]);
int xmip_binding_del(const struct xmip_agent_maps *m, const uint8_t hoa[16]);
/* Calls cb for each binding; a non-zero return stops the walk and is returned. */
int xmip_binding_foreach(const struct xmip_agent_maps *m,
			 int (*cb)(const uint8_t hoa[16], const struct xmip_binding *b, void *arg),
			 void *arg);

int xmip_replay_get(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		    struct xmip_replay_state *r);
int xmip_replay_put(const struct xmip_agent_maps *m, const uint8_t hoa[16],
		    const struct xmip_replay_state *r);

/* The MN's run-time state: read it, or replace it whole (one update). 0 or -errno. */
int xmip_mn_state_get(const struct xmip_agent_maps *m, struct xmip_mn_runstate *st);
int xmip_mn_state_put(const struct xmip_agent_maps *m, const struct xmip_mn_runstate *st);

#endif /* XMIP_AGENT_MAPS_H */
