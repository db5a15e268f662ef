/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef XMIP_CMD_BINDING_MIP4_H
#define XMIP_CMD_BINDING_MIP4_H

#include <stdbool.h>
#include <stdint.h>

#include "xmip_maps.h"

struct xmip_json;

/*
 * One Mobile IPv4 record of xmip_bindings (encap XMIP_ENCAP_MIP4_*, the
 * encoding of agentd/mip4/dp.c): text in a table of its own (its header
 * once per run via *header_done) when j is NULL, else one JSON object into
 * the open array j. now: CLOCK_BOOTTIME ns.
 */
void xmip_binding_show_mip4(const char *instance, const uint8_t hoa[16],
			    const struct xmip_binding *b, uint64_t now, struct xmip_json *j,
			    bool *header_done);

#endif
