/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The route optimisation family (correspondent node now), as the core's table lists it. */
#ifndef XMIP_RO_FAMILY_H
#define XMIP_RO_FAMILY_H

#include "family.h"

extern const struct xmip_family_ops xmip_ro_family;

#endif /* XMIP_RO_FAMILY_H */
