/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The _ntm TXT record (docs/ntmobile.md, "DC discovery"):
 *   v=ntm1 dc=<DC name> addr=<IPv4|IPv6> [addr=<...>] [port=<1-65535>]
 * Parsed from (buf, len): the record's character-strings already joined.
 */
#ifndef XMIP_NTM_TXT_H
#define XMIP_NTM_TXT_H

#include <stddef.h>
#include <stdint.h>

#include "ntm_wire.h"

struct xmip_ntm_txt {
	char     dc[XMIP_NTM_FQDN_MAX + 1];
	uint8_t  addr[2][16];     /* IPv4 as ::ffff:a.b.c.d */
	int      n_addr;
	uint16_t port;            /* default XMIP_NTM_PORT_DC */
};

/* 0: a valid record; 1: not ours (no "v=ntm1" first); -1: ours but invalid. */
int xmip_ntm_txt_parse(const char *buf, size_t len, struct xmip_ntm_txt *out);

#endif /* XMIP_NTM_TXT_H */
