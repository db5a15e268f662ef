/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Direction Coordinator (role dc, docs/ntmobile.md): its state, shared
 * by ntm_dc.c (protocol), ntm_store.c (the state file) and ntm_dump.c.
 */
#ifndef XMIP_NTM_DC_H
#define XMIP_NTM_DC_H

#include <stdbool.h>
#include <stdint.h>

#include "family.h"
#include "ntm_crypto.h"
#include "ntm_io.h"
#include "ntm_replay.h"
#include "ntm_route.h"
#include "ntm_wire.h"

#define DC_MAX_JOBS   64
#define DC_MAX_TXNS   256
#define DC_MAX_PATHS  1024
#define DC_SEQ_BLOCK  1024   /* outgoing session sequence numbers reserved ahead in the state file */

/* A peer DC or a relay: a long-term key and the newest timestamp taken from it. */
struct dc_peer {
	char                    name[XMIP_NTM_FQDN_MAX + 1];
	uint64_t                id;
	struct xmip_ntm_keys    k;
	struct xmip_ntm_tsfloor floor;
	struct xmip_ntm_ep      ep;       /* relay: configured; peer DC: from its TXT record */
	uint32_t                modes;    /* relay: XMIP_NTM_RELAY_MODE_* */
};

/* A node this DC serves ([node FQDN]) and its registration. */
struct dc_node {
	char                    fqdn[XMIP_NTM_FQDN_MAX + 1];
	uint64_t                id;
	uint8_t                 prk[32];  /* PRK(K_node) */
	struct xmip_ntm_keys    lt;       /* mac/kek of K_node */
	struct xmip_ntm_tsfloor reg_floor;
	bool                    registered;
	uint64_t                expires_s;           /* CLOCK_REALTIME seconds */
	struct xmip_ntm_ep      ep, claimed;
	uint16_t                flags;               /* XMIP_NTM_F_NAT, _UNREACHABLE */
	uint8_t                 vip4[4], vip6[16];
	uint8_t                 secret[32];          /* K_s */
	struct xmip_ntm_keys    sk;
	struct xmip_ntm_seqwin  rx;
	uint32_t                tx_seq, tx_reserved;
};

struct dc_path {
	bool               used;
	bool               foreign;       /* directed by the peer's DC; we forwarded it */
	uint32_t           id;
	uint8_t            mode;
	char               req[XMIP_NTM_FQDN_MAX + 1], tgt[XMIP_NTM_FQDN_MAX + 1];
	uint8_t            key[32];
	struct xmip_ntm_ep relay_ep;      /* RS modes */
	char               relay[XMIP_NTM_FQDN_MAX + 1];
};

enum dc_keyref_kind { KR_NODE, KR_PEER, KR_RELAY };
struct dc_keyref {
	enum dc_keyref_kind kind;
	int                 idx;
};

struct dc_job;

/* An outstanding request, retransmitted until answered. */
enum dc_txn_kind { TXN_INFO, TXN_RELAY, TXN_ROUTE_NODE, TXN_ROUTE_DC };
struct dc_txn {
	bool                     used;
	enum dc_txn_kind         kind;
	struct dc_keyref         key;
	struct xmip_ntm_ep       to;
	struct xmip_ntm_msg      m;
	int                      tries;
	struct xmip_family_timer timer;
	struct dc_job           *job;
	struct ntm_dc           *dc;
};

/* A Direction Request being worked on. */
enum dc_stage { ST_TXT_NODE, ST_TXT_DOMAIN, ST_A, ST_AAAA, ST_INFO, ST_RELAY };
struct dc_job {
	bool                     used;
	struct ntm_dc           *dc;
	int                      req;          /* nodes[] */
	char                     target[XMIP_NTM_FQDN_MAX + 1];
	uint32_t                 dir_seq;      /* the latest Direction Request's seq */
	enum dc_stage            stage;
	int                      local;        /* nodes[] of a local target, or -1 */
	int                      peer;         /* peers[] of the target's DC, or -1 */
	bool                     gn;
	uint8_t                  gn_real4[4], gn_real6[16];
	struct xmip_ntm_nodeinfo tinfo;        /* the target as its DC sees it */
	struct xmip_ntm_decision dec;
	struct dc_path          *path;
	int                      relay;        /* relays[] */
};

struct ntm_dc {
	struct xmip_family          *fam;
	const struct xmip_conf      *conf;
	const struct xmip_ntm_conf  *nc;
	uint64_t                     id;
	int                          fd;
	struct xmip_ntm_dns         *dns;
	struct dc_node              *nodes;
	size_t                       n_nodes;
	struct dc_peer              *peers, *relays;
	size_t                       n_peers, n_relays;
	struct xmip_ntm_pool         pool;
	struct dc_path               paths[DC_MAX_PATHS];
	struct dc_job                jobs[DC_MAX_JOBS];
	struct dc_txn                txns[DC_MAX_TXNS];
	uint64_t                     last_ts;     /* our Timestamps: strictly increasing */
	uint32_t                     lt_seq;      /* sequence numbers under long-term keys */
	struct xmip_ntm_counters     cnt;
};

struct ntm_dc *xmip_ntm_dc_new(struct xmip_family *f);
void xmip_ntm_dc_timer(struct ntm_dc *dc, struct xmip_family_timer *t);
void xmip_ntm_dc_free(struct ntm_dc *dc);

/* ntm_store.c: the state file (docs/ntmobile.md section 19). 0 or -1 (logged). */
int  xmip_ntm_dc_save(struct ntm_dc *dc);
int  xmip_ntm_dc_load(struct ntm_dc *dc);
/* ntm_dump.c: dump-file, if configured. */
void xmip_ntm_dc_dump(struct ntm_dc *dc);

#endif /* XMIP_NTM_DC_H */
