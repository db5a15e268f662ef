/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `xmip show` for roles fa and mn4: the tunnel table xmip_mip4_tun, text and JSON (show_mip4.c). */
#ifndef XMIP_SHOW_MIP4_H
#define XMIP_SHOW_MIP4_H

#include "json.h"

void xmip_show_mip4_text(const char *instance);
void xmip_show_mip4_json(struct xmip_json *j, const char *instance);

#endif /* XMIP_SHOW_MIP4_H */
