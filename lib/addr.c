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

bool xmip_addr_not_routable(const void *addr)
{
	static const uint8_t zero[16], mapped[12] = { [10] = 0xff, [11] = 0xff };
	const uint8_t *a = addr;

	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))   /* multicast, fe80::/10 */
		return true;
	if (!memcmp(a, mapped, 12))                                   /* ::ffff:0:0/96 */
		return true;
	return !memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1);    /* ::, ::1 */
}

void xmip_addr_link_local_of(const void *addr, void *out16)
{
	uint8_t *o = out16;

	memset(o, 0, 8);
	o[0] = 0xfe;
	o[1] = 0x80;
	memcpy(o + 8, (const uint8_t *)addr + 8, 8);
}

void xmip_addr_solicited_node(const void *addr, void *out16)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t *o = out16;

	memcpy(o, pfx, 13);
	memcpy(o + 13, (const uint8_t *)addr + 13, 3);
}
