// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Route optimisation as a family of the core: role cn runs the
 * correspondent node (cn.c). The mobile node's side of route optimisation
 * and "every role is a correspondent" (RFC 6275 §9.3) come next, as more
 * roles of this family.
 */
#include "ro.h"

#include "cn.h"
#include "config.h"
#include "core.h"

static int ro_start(struct xmip_family *f)
{
	f->state = xmip_cn_new(f);
	return f->state ? 0 : -1;
}

static int ro_adopt(struct xmip_family *f)
{
	return xmip_cn_adopt(f->state);
}

static void ro_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	xmip_cn_handle(f->state, ifindex, pkt, len);
}

static void ro_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	xmip_cn_timer(f->state, t);
}

static void ro_stop(struct xmip_family *f)
{
	xmip_cn_free(f->state);
}

const struct xmip_family_ops xmip_ro_family = {
	.name   = "ro",
	.id     = XMIP_FAMILY_RO,
	.roles  = XMIP_ROLE_BIT(XMIP_ROLE_CN),
	.start  = ro_start,
	.adopt  = ro_adopt,
	.handle = ro_handle,
	.timer  = ro_timer,
	.stop   = ro_stop,
};
