// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Route optimisation as a family of the core: the correspondent node
 * (cn.c), for role cn (its address) and for role mn (its home address:
 * "every role is a correspondent for packets addressed to itself", RFC
 * 6275 §9.3; the datapath hands it HoTI, CoTI, BU and refused Home
 * Address options as family ro, bpf/ro/mn_cn.h). The mobile node's own
 * side of route optimisation is the mip6 family's (agentd/mip6/mn_ro.c).
 */
#include "ro.h"

#include "cn.h"
#include "config.h"
#include "core.h"
#include "log.h"
#include "maps.h"

static int ro_start(struct xmip_family *f)
{
	if (f->core->conf->role == XMIP_ROLE_MN && f->core->maps->bindings < 0) {
		/* Attached by a build without the MN's binding cache: the mobile
		 * node runs as before, no correspondent (attach again to have it). */
		log_warn("no xmip_bindings pinned for this mobile node: not a correspondent for "
			 "its home address until `xmip attach` runs again");
		f->state = NULL;
		return 0;
	}
	f->state = xmip_cn_new(f);
	return f->state ? 0 : -1;
}

static int ro_adopt(struct xmip_family *f)
{
	return f->state ? xmip_cn_adopt(f->state) : 0;
}

static void ro_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	if (f->state)
		xmip_cn_handle(f->state, ifindex, pkt, len);
}

static void ro_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	if (f->state)
		xmip_cn_timer(f->state, t);
}

static void ro_stop(struct xmip_family *f)
{
	xmip_cn_free(f->state);
}

const struct xmip_family_ops xmip_ro_family = {
	.name   = "ro",
	.id     = XMIP_FAMILY_RO,
	.roles  = XMIP_ROLE_BIT(XMIP_ROLE_CN) | XMIP_ROLE_BIT(XMIP_ROLE_MN),
	.start  = ro_start,
	.adopt  = ro_adopt,
	.handle = ro_handle,
	.timer  = ro_timer,
	.stop   = ro_stop,
};
