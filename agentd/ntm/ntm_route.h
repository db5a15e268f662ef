/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The DC's pure decisions (docs/ntmobile.md sections 10 and 12): the
 * route between two nodes, and virtual addresses from the pools, stable
 * per name. No I/O: unit-tested alone.
 */
#ifndef XMIP_NTM_ROUTE_H
#define XMIP_NTM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntm_wire.h"

/* One end as the decision sees it. */
struct xmip_ntm_side {
	bool               gn;            /* a General Node (target only) */
	uint16_t           flags;         /* XMIP_NTM_F_NAT, XMIP_NTM_F_UNREACHABLE */
	struct xmip_ntm_ep ep;            /* real endpoint as its DC sees it */
};

struct xmip_ntm_decision {
	uint16_t status;                  /* 0, or XMIP_NTM_ERR_NO_RELAY */
	uint8_t  mode;
	bool     requester_initiates;
	bool     target_initiates;
};

#define XMIP_NTM_RELAY_MODE_S (1u << 0)   /* a relay offering RS-S is configured */
#define XMIP_NTM_RELAY_MODE_N (1u << 1)   /* ... RS-N */

bool xmip_ntm_reachable(const struct xmip_ntm_side *s);
void xmip_ntm_decide(const struct xmip_ntm_side *req, const struct xmip_ntm_side *tgt,
		     uint32_t relay_modes, struct xmip_ntm_decision *d);

/* A new path id for mode: random, never 0, top bit set iff RS-N. 0 or -1. */
int xmip_ntm_path_id(uint8_t mode, uint32_t *id);

/* ---- virtual address pools ---- */

struct xmip_ntm_vip {
	char    name[XMIP_NTM_FQDN_MAX + 4];   /* "mn.a.example" or "gn:www.c.example" */
	uint8_t v4[4];
	uint8_t v6[16];
};

struct xmip_ntm_pool {
	uint8_t p4[4], plen4;
	uint8_t p6[16], plen6;
	struct xmip_ntm_vip *e;
	size_t n, cap;
};

void xmip_ntm_pool_init(struct xmip_ntm_pool *p, const uint8_t p4[4], uint8_t plen4,
			const uint8_t p6[16], uint8_t plen6);
void xmip_ntm_pool_free(struct xmip_ntm_pool *p);
/* The addresses of name, allocating them the first time. 0 found, 1 new, -1 exhausted. */
int  xmip_ntm_pool_get(struct xmip_ntm_pool *p, const char *name, uint8_t v4[4], uint8_t v6[16]);
/* An assignment read back from the state file: 0, or -1 if outside the pools or taken. */
int  xmip_ntm_pool_restore(struct xmip_ntm_pool *p, const char *name, const uint8_t v4[4],
			   const uint8_t v6[16]);

#endif /* XMIP_NTM_ROUTE_H */
