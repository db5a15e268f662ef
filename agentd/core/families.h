/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Every protocol family this agent is built with (families.c). */
#ifndef XMIP_FAMILIES_H
#define XMIP_FAMILIES_H

#include <stddef.h>

#include "family.h"

extern const struct xmip_family_ops *const xmip_families[];
extern const size_t xmip_n_families;

#endif /* XMIP_FAMILIES_H */
