/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The static configuration of an attached instance, read back from the
 * .rodata map of its programs, which `xmip attach` pins as xmip_rodata.
 * The variable is found by name through the map's BTF (its DATASEC), so
 * the reader depends on no offset; which variable is there says the role.
 */
#ifndef XMIP_RODATA_H
#define XMIP_RODATA_H

#include <stddef.h>

#include "xmip_maps.h"
#include "xmip_mip4_dp.h"
#include "xmip_ntm_relay.h"
#include "xmip_ntm_node.h"
#include "xmip_ro.h"

struct xmip_rodata {
	int                 role;   /* XMIP_ROLE_HA, XMIP_ROLE_MN, XMIP_ROLE_RS or XMIP_ROLE_CN */
	struct xmip_ha_conf ha;     /* role HA */
	struct xmip_mn_conf mn;     /* role MN */
	struct xmip_rs_conf rs;     /* role RS */
	struct xmip_cn_conf cn;     /* role CN */
	struct xmip_ntm_node_conf ntm;  /* role NTM (the node datapath) */
	struct xmip_mip4_node_conf mip4; /* roles FA, MN4 (xmip_mip4.bpf.c) */
};

/* Read <pin_dir>/xmip_rodata. 0, or -1 with err (not pinned, no BTF, no known variable). */
int xmip_rodata_read(const char *pin_dir, struct xmip_rodata *out, char *err, size_t errlen);

#endif
