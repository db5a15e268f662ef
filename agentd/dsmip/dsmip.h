/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The DSMIPv6 family (RFC 5555), as the core's table lists it. */
#ifndef XMIP_DSMIP_FAMILY_H
#define XMIP_DSMIP_FAMILY_H

#include "family.h"

extern const struct xmip_family_ops xmip_dsmip_family;

#endif
