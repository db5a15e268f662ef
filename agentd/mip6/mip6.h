/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The Mobile IPv6 family (home agent and mobile node), as the core's table lists it. */
#ifndef XMIP_MIP6_H
#define XMIP_MIP6_H

#include "family.h"

extern const struct xmip_family_ops xmip_mip6_family;

#endif /* XMIP_MIP6_H */
