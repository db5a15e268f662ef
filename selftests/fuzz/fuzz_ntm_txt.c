// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness for the _ntm TXT record parser (agentd/ntm/ntm_txt.c).
 * Properties: never reads past len; a valid record has a valid DC name,
 * 1-2 addresses and a port; any input that is not "v=ntm1" first is
 * "not ours" (1), never valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ntm_txt.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "property failed: %s\n", #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmip_ntm_txt t;
	int rc = xmip_ntm_txt_parse((const char *)data, size, &t);

	CHECK(rc >= -1 && rc <= 1);
	if (size < 6 || memcmp(data, "v=ntm1", 6) || (size > 6 && data[6] != ' '))
		CHECK(rc == 1);
	if (rc == 0) {
		CHECK(xmip_ntm_fqdn_valid(t.dc, strlen(t.dc)));
		CHECK(t.n_addr >= 1 && t.n_addr <= 2 && t.port >= 1);
	}
	return 0;
}
