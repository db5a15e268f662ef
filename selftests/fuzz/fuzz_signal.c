// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer harness: a ring-buffer record as the agent's core receives it
 * (xmip_signal_deliver). Records are variable-size; a record is handed on
 * only if its header fits and the packet length it claims fits in the
 * record. Properties: nothing read past the record (ASan), and what is
 * handed on lies inside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "signal_rx.h"
#include "xmip_maps.h"

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static const uint8_t *rec_start;
static size_t rec_size;

static void cb(void *arg, uint8_t family, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)family;
	(void)ifindex;
	CHECK(pkt >= rec_start + XMIP_SIGNAL_HDR_LEN && pkt + len <= rec_start + rec_size);
	CHECK(len <= XMIP_SIGNAL_MAX_PKT);
	if (len)
		CHECK(pkt[0] == pkt[0] && pkt[len - 1] == pkt[len - 1]);   /* readable */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *rec = malloc(size ? size : 1);

	CHECK(rec);
	memcpy(rec, data, size);
	rec_start = rec;
	rec_size = size;
	(void)xmip_signal_deliver(rec, size, cb, NULL);
	free(rec);
	return 0;
}
