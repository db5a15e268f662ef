// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: a Neighbor Solicitation or Advertisement received on
 * the home link while the HA runs duplicate address detection
 * (xmip_nd_parse, then the DAD state machine). Properties: nothing read
 * past len (ASan), no undefined behaviour (UBSan), and what parses is an
 * NS or NA of at least 24 octets with hop limit 255 and code 0, whose
 * target is the one on the wire and not multicast; a detection becomes
 * IN_USE only through a message about one of its targets, never through
 * its own probe.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dad.h"
#include "nd.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t nonce[XMIP_ND_NONCE_LEN] = { 7, 7, 7, 7, 7, 7 };
	struct in6_addr src, dst, hoa;
	struct xmip_nd_msg m;
	struct xmip_dad d;
	uint8_t *icmp, hops;

	if (size < 34)
		return 0;
	memcpy(&src, data, 16);
	memcpy(&dst, data + 16, 16);
	hops = data[32];
	inet_pton(AF_INET6, "2001:db8:1::100", &hoa);
	xmip_dad_init(&d, &hoa, data[33] & 1, 1, 1000, nonce);
	data += 34;
	size -= 34;
	icmp = malloc(size ? size : 1);
	CHECK(icmp);
	memcpy(icmp, data, size);
	if (xmip_nd_parse(icmp, size, &src, &dst, hops, &m) == 0) {
		CHECK(size >= 24 && hops == 255 && icmp[1] == 0);
		CHECK(m.type == XMIP_ND_NS || m.type == XMIP_ND_NA);
		CHECK(m.target.s6_addr[0] != 0xff);
		CHECK(!memcmp(&m.target, icmp + 8, 16));
		if (xmip_dad_rx(&d, &m)) {
			CHECK(d.state == XMIP_DAD_IN_USE && xmip_dad_concerns(&d, &m));
			CHECK(!(m.type == XMIP_ND_NS && m.has_nonce &&
				!memcmp(m.nonce, nonce, sizeof(nonce))));
		}
	}
	free(icmp);
	return 0;
}
