// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The families table: one line per agentd/<family>/ folder. The core
 * starts, in this order, every family that serves the configured role.
 */
#include "families.h"

#include "mip4/mip4.h"
#include "dsmip/dsmip.h"
#include "mip6/mip6.h"
#include "ntm/ntm.h"
#include "ro/ro.h"

const struct xmip_family_ops *const xmip_families[] = {
	&xmip_mip6_family,
	&xmip_dsmip_family,
	&xmip_ntm_family,
	&xmip_mip4_family,
	&xmip_ro_family,
};

const size_t xmip_n_families = sizeof(xmip_families) / sizeof(xmip_families[0]);
