// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "csum.h"

static uint32_t add_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t xmip_ip6_upper_csum(const struct in6_addr *src, const struct in6_addr *dst, uint8_t nh,
			     const uint8_t *buf, size_t len)
{
	uint8_t tail[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			    (uint8_t)len, 0, 0, 0, nh };
	uint32_t sum = 0;

	sum = add_bytes(sum, src->s6_addr, 16);
	sum = add_bytes(sum, dst->s6_addr, 16);
	sum = add_bytes(sum, tail, 8);
	sum = add_bytes(sum, buf, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
