// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NTMobile as a family of the core: role dc runs ntm_dc.c, role ntm runs
 * ntm_node.c, role rs ntm_rs.c. Both speak UDP on sockets of their own (no datapath hands
 * them anything yet), so handle() has nothing to do: a relay or node
 * datapath that passes signalling through the ring buffer will use it.
 */
#include "ntm.h"

#include "config.h"
#include "core.h"
#include "log.h"
#include "ntm_dc.h"
#include "ntm_node.h"
#include "ntm_rs.h"

static bool is_dc(const struct xmip_family *f)
{
	return f->core->conf->role == XMIP_ROLE_DC;
}

static bool is_rs(const struct xmip_family *f)
{
	return f->core->conf->role == XMIP_ROLE_RS;
}

static int ntm_start(struct xmip_family *f)
{
	f->state = is_rs(f) ? (void *)xmip_ntm_rs_new(f) :
		   is_dc(f) ? (void *)xmip_ntm_dc_new(f) : (void *)xmip_ntm_node_new(f);
	return f->state ? 0 : -1;
}

static void ntm_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	(void)f;
	(void)pkt;
	log_debug("ntm: ring-buffer record of %zu octets on ifindex %u ignored", len, ifindex);
}

static void ntm_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	if (is_rs(f))
		xmip_ntm_rs_timer(f->state, t);
	else if (is_dc(f))
		xmip_ntm_dc_timer(f->state, t);
	else
		xmip_ntm_node_timer(f->state, t);
}

static void ntm_stop(struct xmip_family *f)
{
	if (is_rs(f))
		xmip_ntm_rs_free(f->state);
	else if (is_dc(f))
		xmip_ntm_dc_free(f->state);
	else
		xmip_ntm_node_free(f->state);
}

const struct xmip_family_ops xmip_ntm_family = {
	.name   = "ntm",
	.id     = XMIP_FAMILY_NTM,
	.roles  = XMIP_ROLE_BIT(XMIP_ROLE_DC) | XMIP_ROLE_BIT(XMIP_ROLE_NTM) |
		  XMIP_ROLE_BIT(XMIP_ROLE_RS),
	.start  = ntm_start,
	.handle = ntm_handle,
	.timer  = ntm_timer,
	.stop   = ntm_stop,
};
