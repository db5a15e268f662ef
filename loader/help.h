/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* `xmip [VERB] --help` texts (kept in step with docs/xmip.8). */
#ifndef XMIP_HELP_H
#define XMIP_HELP_H

extern const char *const xmip_help_main;
extern const char *const xmip_help_attach;
extern const char *const xmip_help_detach;
extern const char *const xmip_help_show;
extern const char *const xmip_help_binding;
extern const char *const xmip_help_relay;
extern const char *const xmip_help_monitor;   /* help_ops.c */
extern const char *const xmip_help_check;     /* help_ops.c */

#endif
