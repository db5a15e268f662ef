/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Loose reverse-path filtering on a DSMIPv6 home agent's interfaces
 * (rpfilter.c, docs/dsmip.md "Reverse-path filtering").
 */
#ifndef XMIP_LOADER_RPFILTER_H
#define XMIP_LOADER_RPFILTER_H

#include <stdbool.h>

struct xmip_conf;

#define XMIP_RPF_KEEP   (-1)   /* nothing to change */
#define XMIP_RPF_CANNOT (-2)   /* only `all` could: not ours to change */
/*
 * The value net.ipv4.conf.<if>.rp_filter needs so that decapsulated IPv4
 * from home addresses passes (Linux: the mode is max(all, if)): 2 (loose)
 * where it is strict and the interface has an IPv4 address; 0 where it has
 * none (any mode drops it there); else XMIP_RPF_KEEP or _CANNOT.
 */
int xmip_rpf_target(int all, int ifv, bool has_ipv4);
/* The configuration binds IPv4 home addresses (role ha, [dsmip], static or pool). */
bool xmip_rpf_wanted(const struct xmip_conf *conf);
/*
 * After an attach: on each of conf's interfaces, set rp_filter to
 * xmip_rpf_target()'s value and remember the previous one in
 * XMIP_RUN_DIR/<instance>.rp_filter; interfaces set by an earlier attach
 * that no longer need it are restored. Says what it did.
 */
void xmip_rpf_attach(const struct xmip_conf *conf);
/* At detach: put back every value xmip_rpf_attach changed (if still what it set). */
void xmip_rpf_detach(const char *instance);

#endif /* XMIP_LOADER_RPFILTER_H */
