// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "addr.h"

#include <stdint.h>
#include <string.h>

bool xmip_addr_eq(const void *a, const void *b)
{
	return memcmp(a, b, 16) == 0;
}

bool xmip_in_prefix(const void *addr, const void *prefix, unsigned int plen)
{
	const uint8_t *a = addr, *p = prefix;
	unsigned int full = plen / 8, rest = plen % 8;

	if (plen > 128 || memcmp(a, p, full))
		return false;
	return !rest || ((a[full] ^ p[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}
