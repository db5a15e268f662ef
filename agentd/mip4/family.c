// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Mobile IPv4 as a family of the core. Role ha runs ha.c when the
 * configuration has a [mip4] section (beside Mobile IPv6 on the same
 * instance and interfaces); role fa runs fa.c, role mn4 mn.c. Registration
 * messages reach an ordinary UDP socket on port 434 (the kernel delivers
 * them), so handle() has nothing to do: the datapath to come keeps its
 * ring-buffer records for itself.
 */
#include "mip4.h"

#include "config.h"
#include "core.h"
#include "log.h"
#include "mip4_roles.h"
#include "mip4_rt.h"

static bool wanted(const struct xmip_conf *conf)
{
	return conf->role != XMIP_ROLE_HA || xmip_conf_has_section(conf, "mip4");
}

static int mip4_start(struct xmip_family *f)
{
	switch (f->core->conf->role) {
	case XMIP_ROLE_HA:  f->state = xmip_mip4_ha_new(f); break;
	case XMIP_ROLE_FA:  f->state = xmip_mip4_fa_new(f); break;
	case XMIP_ROLE_MN4: f->state = xmip_mip4_mn_new(f); break;
	default:            f->state = NULL; break;
	}
	return f->state ? 0 : -1;
}

static int mip4_adopt(struct xmip_family *f)
{
	return f->core->conf->role == XMIP_ROLE_HA ? xmip_mip4_ha_adopt(f->state) : 0;
}

static void mip4_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	(void)f;
	(void)pkt;
	log_debug("mip4: ring-buffer record of %zu octets on ifindex %u ignored", len, ifindex);
}

static void mip4_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	struct xmip_mip4_timer *mt = t->arg;

	(void)f;
	mt->fn(mt->obj);
}

static void mip4_stop(struct xmip_family *f)
{
	switch (f->core->conf->role) {
	case XMIP_ROLE_HA:  xmip_mip4_ha_free(f->state); break;
	case XMIP_ROLE_FA:  xmip_mip4_fa_free(f->state); break;
	case XMIP_ROLE_MN4: xmip_mip4_mn_free(f->state); break;
	default: break;
	}
}

const struct xmip_family_ops xmip_mip4_family = {
	.name   = "mip4",
	.id     = XMIP_FAMILY_MIP4,
	.roles  = XMIP_ROLE_BIT(XMIP_ROLE_HA) | XMIP_ROLE_BIT(XMIP_ROLE_FA) |
		  XMIP_ROLE_BIT(XMIP_ROLE_MN4),
	.wanted = wanted,
	.start  = mip4_start,
	.adopt  = mip4_adopt,
	.handle = mip4_handle,
	.timer  = mip4_timer,
	.stop   = mip4_stop,
};
