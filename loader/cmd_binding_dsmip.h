/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef XMIP_CMD_BINDING_DSMIP_H
#define XMIP_CMD_BINDING_DSMIP_H

#include <stdbool.h>
#include <stdint.h>

struct xmip_json;

/*
 * Print the instance's DSMIPv6 bindings (text when j is NULL: a table of
 * its own, its header once per run via *header_done; else JSON objects
 * into the open array j). hoa_pfx NULL: all. Returns how many.
 */
int xmip_binding_show_dsmip(const char *instance, const uint8_t *hoa_pfx, unsigned int hoa_len,
			    struct xmip_json *j, bool *header_done);

#endif
