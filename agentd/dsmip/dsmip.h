/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The DSMIPv6 family (RFC 5555), as the core's table lists it. */
#ifndef XMIP_DSMIP_FAMILY_H
#define XMIP_DSMIP_FAMILY_H

#include <stdint.h>

#include "family.h"

extern const struct xmip_family_ops xmip_dsmip_family;

/*
 * The MIPv6 home agent accepted a registration or deregistration of hoa
 * (an IPv6 care-of address, or home): the DSMIPv6 binding of that home
 * address, if any, ends (RFC 5555 §4.4.2.1), its IPv4 home address with
 * it, leaving the MIPv6 record and proxy ND alone. No-op without [dsmip].
 */
void xmip_dsmip_mip6_took(const uint8_t hoa[16]);

#endif
