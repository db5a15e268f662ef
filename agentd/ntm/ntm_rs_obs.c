// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What the relay reports of its paths (ntm_rs.h): the events
 * relay-path-created / relay-path-removed for `xmip monitor`, and the gauge
 * xmip_relay_paths by mode (docs/metrics.md). A path counts from the moment
 * its relay entries are complete (RS-S: both legs; RS-N: its tunnel leg),
 * that is from when the datapath forwards it, until it is torn down.
 *
 * The decision compares the path set's element in the pinned map
 * (xmip_rs_paths) before and after the agent's write, so it needs no state
 * of its own and says nothing twice: a refresh, a second Tunnel Request or
 * an agent restarted over the same table announces nothing again.
 */
#include "ntm_rs.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "metrics.h"
#include "ntm_wire.h"
#include "xmip_maps.h"
#include "xmip_ntm.h"
#include "xmip_ntm_relay.h"

static int64_t n_paths[2];   /* complete paths: [0] RS-S, [1] RS-N */

static bool complete(const struct xmip_ntm_rs_path *v)
{
	return v && v->legs >= (v->mode == XMIP_NTM_MODE_RS_S ? 2u : 1u);
}

static int mode_idx(uint8_t mode)
{
	return mode == XMIP_NTM_MODE_RS_S ? 0 : mode == XMIP_NTM_MODE_RS_N ? 1 : -1;
}

static void publish(void)
{
	xmip_metrics_relay_paths_set("ntm", "rs_s", n_paths[0]);
	xmip_metrics_relay_paths_set("ntm", "rs_n", n_paths[1]);
}

static void emit(int type, uint32_t id, uint8_t mode, const struct xmip_ntm_ep *a,
		 const struct xmip_ntm_ep *b, const struct xmip_ntm_vaddrs *gn)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct xmip_event ev = {
		.type = (__u16)type, .family = XMIP_FAMILY_NTM,
		.fields = XMIP_EVF_COA | XMIP_EVF_PORTS | XMIP_EVF_PEER | XMIP_EVF_ID,
	};

	/* coa: side A's leg as the relay sees it (its NAT mapping), coa_port its port;
	 * peer: side B's leg (RS-S), or the General Node's real address (RS-N). */
	memcpy(ev.coa, a->addr, 16);
	ev.coa_port = a->port;
	if (b) {
		memcpy(ev.peer, b->addr, 16);
		ev.prev_port = b->port;
	} else if (memcmp(gn->v4, "\0\0\0\0", 4)) {
		memcpy(ev.peer, v4mapped, 12);
		memcpy(ev.peer + 12, gn->v4, 4);
	} else {
		memcpy(ev.peer, gn->v6, 16);
	}
	snprintf(ev.id, sizeof(ev.id), "%08x %s", id, xmip_ntm_mode_name(mode));
	xmip_event_emit(&ev);
}

void xmip_ntm_rs_observe(int paths_fd, uint32_t id, const struct xmip_ntm_rs_path *now,
			 const struct xmip_ntm_ep *a, const struct xmip_ntm_ep *b,
			 const struct xmip_ntm_vaddrs *gn)
{
	struct xmip_ntm_rs_path old;
	uint32_t nid = htonl(id);
	bool was, is = complete(now);
	int m;

	if (paths_fd < 0)
		return;   /* no relay table: nothing is forwarded, nothing to report */
	was = bpf_map_lookup_elem(paths_fd, &nid, &old) == 0 && complete(&old);
	if (was == is)
		return;
	m = mode_idx(is ? now->mode : old.mode);
	if (m >= 0)
		n_paths[m] += is ? 1 : -1;
	publish();
	emit(is ? XMIP_EV_RELAY_PATH_CREATED : XMIP_EV_RELAY_PATH_REMOVED, id,
	     is ? now->mode : old.mode, a, b, gn);
}

void xmip_ntm_rs_observe_count(int paths_fd)
{
	struct xmip_ntm_rs_path v;
	uint32_t k, next;
	void *prev = NULL;
	int m;

	n_paths[0] = n_paths[1] = 0;
	while (paths_fd >= 0 && bpf_map_get_next_key(paths_fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(paths_fd, &k, &v) == 0 && complete(&v) &&
		    (m = mode_idx(v.mode)) >= 0)
			n_paths[m]++;
	}
	publish();
}
