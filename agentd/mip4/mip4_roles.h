/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The three Mobile IPv4 roles at run time: the home agent (ha.c, role ha
 * with [mip4], beside Mobile IPv6), the foreign agent (fa.c, role fa) and
 * the mobile node (mn.c, role mn4). family.c starts the one the role asks
 * for; each owns its sockets, timers and files.
 */
#ifndef XMIP_MIP4_ROLES_H
#define XMIP_MIP4_ROLES_H

#include "family.h"

struct mip4_ha;
struct mip4_fa;
struct mip4_mn;

struct mip4_ha *xmip_mip4_ha_new(struct xmip_family *f);
int  xmip_mip4_ha_adopt(struct mip4_ha *ha);    /* bindings and replay state from state-file */
void xmip_mip4_ha_free(struct mip4_ha *ha);

struct mip4_fa *xmip_mip4_fa_new(struct xmip_family *f);
void xmip_mip4_fa_free(struct mip4_fa *fa);

struct mip4_mn *xmip_mip4_mn_new(struct xmip_family *f);
void xmip_mip4_mn_free(struct mip4_mn *mn);

#endif /* XMIP_MIP4_ROLES_H */
