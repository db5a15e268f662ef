// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: the agent's parser of the datapath's ICMPv6 reports
 * (agentd/core/icmp_report.c), which carry packets from the network, and
 * the relay built from what it accepts. Properties: never reads past the
 * input (ASan); an accepted report is an error type we handle, its quoted
 * inner packet lies inside the input; a relay is a well-formed ICMPv6
 * Destination Unreachable code 3 whose checksum verifies, no longer than
 * 1280 octets, to the inner source.
 * The same input through the IPv4 parser (agentd/core/icmp4_report.c, a
 * Fragmentation Needed from inside a Mobile IPv4 tunnel): an accepted one
 * names a tunnel encapsulation; the tunnel MTU a binding through its tunnel
 * end learns is 0 or between the floor and the reported MTU, and only goes
 * down (learning it again changes nothing).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "icmp4_report.h"
#include "icmp_report.h"
#include "xmip_maps.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void fuzz_icmp4(const uint8_t *buf, size_t size)
{
	struct xmip_icmp4_report r;
	struct xmip_binding b;
	uint16_t port, m;

	if (xmip_icmp4_report_parse(buf, size, &r))
		return;
	CHECK(r.proto == 4 || r.proto == 47 || r.proto == 55);
	/* A Mobile IPv4 binding through the reported tunnel end. */
	memset(&b, 0, sizeof(b));
	b.encap = XMIP_ENCAP_MIP4_IPIP;
	b.coa[10] = b.coa[11] = 0xff;
	memcpy(b.coa + 12, &r.tun_dst, 4);
	port = (uint16_t)(r.port >> 8 | r.port << 8);
	memcpy(b.coa + XMIP_FW_UDP_PORT_OFF, &port, 2);
	m = xmip_icmp4_pmtu(&r, r.tun_src, r.has_hoa ? r.hoa : 0x01020304, &b);
	if (!m)
		return;
	CHECK(r.tun_src != 0);
	CHECK(m >= XMIP_PMTU4_FLOOR && (m == XMIP_PMTU4_FLOOR || m == r.mtu));
	CHECK(r.mtu && r.mtu < r.quoted_len);
	b.path_mtu = m;
	CHECK(xmip_icmp4_pmtu(&r, r.tun_src, r.has_hoa ? r.hoa : 0x01020304, &b) == 0);
}

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
	fuzz_icmp4(buf, size);
	free(buf);
	return 0;
}
