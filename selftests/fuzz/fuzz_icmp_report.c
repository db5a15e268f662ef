// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: the agent's parser of the datapath's ICMPv6 reports
 * (agentd/core/icmp_report.c), which carry packets from the network, and
 * the relay built from what it accepts. Properties: never reads past the
 * input (ASan); an accepted report is an error type we handle, its quoted
 * inner packet lies inside the input; a relay is a well-formed ICMPv6
 * Destination Unreachable code 3 whose checksum verifies, no longer than
 * 1280 octets, to the inner source.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "icmp_report.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct in6_addr self = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } };
	struct xmip_icmp_report r;
	uint8_t *buf, out[1280];
	int len;

	/* A copy of exactly `size` octets, so ASan sees any read past it. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (xmip_icmp_report_parse(buf, size, &r) == 0) {
		CHECK(r.type == 1 || r.type == 2 || r.type == 3);
		CHECK(r.inner >= buf + 88 && r.inner + r.inner_len <= buf + size);
		CHECK(r.inner_len >= 40);
		len = xmip_icmp_relay_build(&r, &self, out, sizeof(out));
		if (len >= 0) {
			CHECK(len >= 48 + 40 && len <= 1280);
			CHECK(out[0] >> 4 == 6 && out[6] == 58 && out[40] == 1 && out[41] == 3);
			CHECK(((size_t)out[4] << 8 | out[5]) == (size_t)len - 40);
			CHECK(!memcmp(out + 24, &r.in_src, 16));
			CHECK(xmip_csum_ip6(&self, &r.in_src, 58, out + 40, (size_t)len - 40) == 0);
		}
	}
	free(buf);
	return 0;
}
