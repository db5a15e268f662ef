/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* NTMobile as a family of the agent's core (docs/ntmobile.md): role dc and role ntm. */
#ifndef XMIP_NTM_FAMILY_H
#define XMIP_NTM_FAMILY_H

#include "family.h"

extern const struct xmip_family_ops xmip_ntm_family;

#endif /* XMIP_NTM_FAMILY_H */
