// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "csum.h"

static uint32_t sum_bytes(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

uint16_t xmip_csum_ip6(const struct in6_addr *src, const struct in6_addr *dst,
		       uint8_t next_header, const uint8_t *data, size_t len)
{
	uint8_t tail[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
			    (uint8_t)len, 0, 0, 0, next_header };
	uint32_t sum = 0;

	sum = sum_bytes(sum, src->s6_addr, 16);
	sum = sum_bytes(sum, dst->s6_addr, 16);
	sum = sum_bytes(sum, tail, 8);
	/* Fold as we go: a 64 KiB message cannot overflow 32 bits this way. */
	for (size_t off = 0; off < len; off += 4096) {
		size_t n = len - off < 4096 ? len - off : 4096;

		sum = sum_bytes(sum, data + off, n);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t xmip_csum(const uint8_t *data, size_t len)
{
	uint32_t sum = 0;

	for (size_t off = 0; off < len; off += 4096) {
		size_t n = len - off < 4096 ? len - off : 4096;

		sum = sum_bytes(sum, data + off, n);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
