// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the NTMobile control-message parser
 * (agentd/ntm/ntm_wire.c). Properties, checked on every input:
 *  - the parser never reads past len (ASan: the input is exactly len octets);
 *  - accepted input: Length == len, and build(parse(x)) gives x again,
 *    octet for octet (MAC included: it is kept as received);
 *  - accepted input rebuilt under a key verifies under it, and no single
 *    changed octet of that message (position and value from the input)
 *    is accepted under the key: a wrong MAC is never accepted;
 *  - describe never overflows.
 * Seeds: selftests/fuzz/ntm_wire/ (the examples of docs/ntmobile.md).
 * Run: make fuzz-ntm_wire (FUZZ_SECONDS=..., FUZZ_RUNS=...).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntm_crypto.h"
#include "ntm_wire.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s\n", #c); abort(); } } while (0)

static const uint8_t key[32] = "fuzz key fuzz key fuzz key fuzz";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xmip_ntm_msg m, m2;
	static uint8_t out[XMIP_NTM_MAX_MSG], signed_[XMIP_NTM_MAX_MSG];
	struct xmip_ntm_hdr h;
	char text[8192];
	size_t n, n2;
	int rc = xmip_ntm_parse(data, size, &m);

	if (xmip_ntm_peek(data, size, &h) != XMIP_NTM_E_OK)
		CHECK(rc != XMIP_NTM_E_OK);
	if (rc != XMIP_NTM_E_OK)
		return 0;
	CHECK(m.h.length == size && size <= XMIP_NTM_MAX_MSG);
	CHECK(xmip_ntm_describe(&m, text, sizeof(text)) == 0);

	/* parse -> build is the identity */
	m2 = m;
	CHECK(xmip_ntm_build(&m2, NULL, out, sizeof(out), &n) == XMIP_NTM_E_OK);
	CHECK(n == size);
	memcpy(out + n - XMIP_NTM_MAC_LEN, m.mac, XMIP_NTM_MAC_LEN);
	CHECK(memcmp(out, data, size) == 0);

	/* under a key: verifies; any one changed octet does not */
	m2 = m;
	CHECK(xmip_ntm_build(&m2, key, signed_, sizeof(signed_), &n2) == XMIP_NTM_E_OK);
	CHECK(n2 == size && xmip_ntm_mac_ok(key, signed_, n2));
	{
		size_t at = (size_t)data[size / 2] * 7 % n2;
		uint8_t delta = data[size - 1] ? data[size - 1] : 1;

		signed_[at] ^= delta;
		CHECK(!(xmip_ntm_parse(signed_, n2, &m2) == XMIP_NTM_E_OK &&
			xmip_ntm_mac_ok(key, signed_, n2)));
	}
	/* and the input's own MAC under our key only if it is exactly the one we compute */
	if (xmip_ntm_mac_ok(key, data, size)) {
		signed_[(size_t)data[size / 2] * 7 % n2] ^= data[size - 1] ? data[size - 1] : 1;
		CHECK(memcmp(signed_, data, size) == 0);
	}
	return 0;
}
