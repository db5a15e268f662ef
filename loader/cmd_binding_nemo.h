/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The mobile network prefixes of a binding, for `xmip binding show` (cmd_binding_nemo.c). */
#ifndef XMIP_CMD_BINDING_NEMO_H
#define XMIP_CMD_BINDING_NEMO_H

#include <stdbool.h>
#include <stdint.h>

#define XMIP_MNP_STR 48          /* "ADDRESS/LEN" */
#define XMIP_MNP_SHOW_MAX 8

/* Up to max "PREFIX/LEN" of the home address hoa in instance's xmip_mnp; their number. */
int xmip_binding_mnps(const char *instance, const uint8_t hoa[16],
		      char out[][XMIP_MNP_STR], int max);

#endif /* XMIP_CMD_BINDING_NEMO_H */
