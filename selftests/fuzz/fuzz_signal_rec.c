// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agent's check of one ring-buffer record (agentd/core/signal_rx.c:
 * xmip_signal_event_check, xmip_signal_deliver), as the datapath writes
 * them (struct xmip_signal_event: family, hdr_len, ifindex, len, packet).
 * The ring buffer is writable by whoever can write the pinned map, so the
 * record is input like any other. Properties:
 *  - a record accepted hands on the packet that starts at its hdr_len
 *    (at least the 12-octet header, at most the record's size) and lies
 *    inside the record (pkt + len <= record + size), of at most
 *    XMIP_SIGNAL_MAX_PKT octets; the ifindex and length are the record's;
 *    a record with hdr_len < 12 or beyond its size is refused;
 *  - the family handed on is the record's, or none for one beyond an
 *    octet; the callback runs exactly once for an accepted record and
 *    never for a refused one.
 */
#include "fuzz_common.h"

#include "signal_rx.h"
#include "xmip_maps.h"

struct seen {
	const uint8_t *rec;
	size_t size;
	int calls;
	uint8_t family;
	uint32_t ifindex;
	const uint8_t *pkt;
	size_t len;
};

static void on_record(void *arg, uint8_t family, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	struct seen *s = arg;
	volatile uint8_t sum = 0;

	s->calls++;
	s->family = family;
	s->ifindex = ifindex;
	s->pkt = pkt;
	s->len = len;
	for (size_t i = 0; i < len; i++)   /* ASan: every octet handed on is readable */
		sum ^= pkt[i];
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmip_signal_event hdr;
	struct seen s = { .rec = NULL };
	uint8_t *rec;
	int rc;

	/* A heap copy of exactly size octets: ASan sees any read past it
	 * (the ring buffer hands out pointers into its own pages). */
	rec = malloc(size ? size : 1);
	if (!rec)
		return 0;
	memcpy(rec, data, size);
	s.rec = rec;
	s.size = size;
	rc = xmip_signal_deliver(rec, size, on_record, &s);
	if (rc) {
		FUZZ_CHECK(s.calls == 0, "a refused record was handed on");
		free(rec);
		return 0;
	}
	FUZZ_CHECK(s.calls == 1 && size >= XMIP_SIGNAL_HDR_LEN);
	memcpy(&hdr, rec, XMIP_SIGNAL_HDR_LEN);
	FUZZ_CHECK(hdr.hdr_len >= XMIP_SIGNAL_HDR_LEN && hdr.hdr_len <= size,
		   "accepted with hdr_len %u in a %zu-octet record", hdr.hdr_len, size);
	FUZZ_CHECK(s.pkt == rec + hdr.hdr_len && s.pkt + s.len <= rec + size,
		   "packet [%td, +%zu) not at hdr_len %u or outside the %zu-octet record",
		   s.pkt - rec, s.len, hdr.hdr_len, size);
	FUZZ_CHECK(s.len <= XMIP_SIGNAL_MAX_PKT && s.len == hdr.len && s.ifindex == hdr.ifindex);
	FUZZ_CHECK(s.family == (hdr.family > 255 ? XMIP_FAMILY_NONE : hdr.family));
	free(rec);
	return 0;
}
