/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Mobile IPv4 (RFC 5944) as a family of the agent: roles ha (with [mip4]), fa and mn4. */
#ifndef XMIP_MIP4_H
#define XMIP_MIP4_H

#include "family.h"

extern const struct xmip_family_ops xmip_mip4_family;

#endif /* XMIP_MIP4_H */
