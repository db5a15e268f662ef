// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * DSMIPv6 (RFC 5555) as a family of the core: runs on the HA when its
 * configuration has a [dsmip] section. Signalling arrives on its own UDP
 * sockets (the stack delivers UDP 4191); handle() takes the same packets
 * whole from the ring buffer, for a datapath that hands them over.
 */
#include "dsmip.h"

#include "config.h"
#include "core.h"
#include "dsmip_ha.h"

static bool dsmip_wanted(const struct xmip_conf *conf)
{
	return conf->dsmip.on;
}

static int dsmip_start(struct xmip_family *f)
{
	f->state = xmip_dsmip_ha_new(f);
	return f->state ? 0 : -1;
}

static int dsmip_adopt(struct xmip_family *f)
{
	return xmip_dsmip_ha_adopt(f->state);
}

static void dsmip_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	xmip_dsmip_ha_record(f->state, ifindex, pkt, len);
}

static void dsmip_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	xmip_dsmip_ha_timer(f->state, t);
}

static void dsmip_stop(struct xmip_family *f)
{
	xmip_dsmip_ha_free(f->state);
}

const struct xmip_family_ops xmip_dsmip_family = {
	.name   = "dsmip",
	.id     = XMIP_FAMILY_DSMIP,
	.roles  = XMIP_ROLE_BIT(XMIP_ROLE_HA),
	.wanted = dsmip_wanted,
	.start  = dsmip_start,
	.adopt  = dsmip_adopt,
	.handle = dsmip_handle,
	.timer  = dsmip_timer,
	.stop   = dsmip_stop,
};
