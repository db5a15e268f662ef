/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `xmip show` for role ntm: the node's tunnel table, text and JSON (show_ntm.c). */
#ifndef XMIP_SHOW_NTM_H
#define XMIP_SHOW_NTM_H

#include "json.h"

void xmip_show_ntm_text(const char *instance);
void xmip_show_ntm_json(struct xmip_json *j, const char *instance);

#endif /* XMIP_SHOW_NTM_H */
