// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A ring-buffer record is checked before anything reads its packet: the
 * packet starts at the record's hdr_len (at least the 12 octets of the
 * header the agent reads, at most the record's size), and the len it
 * claims must fit in what follows; anything else is refused and counted
 * (xmip_signal_records_malformed_total), so the agent never parses bytes
 * beyond what the datapath wrote, nor the header as packet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "metrics.h"
#include "signal_rx.h"
#include "xmip_maps.h"

static void test_record_checks(void **state)
{
	static struct xmip_signal_event ev;
	size_t hdr = offsetof(struct xmip_signal_event, pkt);
	const uint8_t *pkt;
	uint32_t ifindex;
	size_t len;

	(void)state;
	ev.hdr_len = XMIP_SIGNAL_HDR_LEN;
	ev.ifindex = 3;
	ev.len = 80;
	assert_int_equal(xmip_signal_event_check(&ev, sizeof(ev), &ifindex, &pkt, &len), 0);
	assert_int_equal(ifindex, 3);
	assert_int_equal(len, 80);
	assert_ptr_equal(pkt, ev.pkt);
	/* A record trimmed to the packet is fine... */
	assert_int_equal(xmip_signal_event_check(&ev, hdr + 80, &ifindex, &pkt, &len), 0);
	/* ...one octet short is not. */
	assert_int_not_equal(xmip_signal_event_check(&ev, hdr + 79, &ifindex, &pkt, &len), 0);
	assert_int_not_equal(xmip_signal_event_check(&ev, hdr - 1, &ifindex, &pkt, &len), 0);
	ev.len = XMIP_SIGNAL_MAX_PKT + 1;
	assert_int_not_equal(xmip_signal_event_check(&ev, sizeof(ev) + 8, &ifindex, &pkt, &len), 0);
}

/* The packet is taken from hdr_len on, not from a fixed offset. */
static void test_hdr_len(void **state)
{
	static uint8_t rec[64];
	struct xmip_signal_event h = { .family = 1, .hdr_len = 16, .ifindex = 5, .len = 8 };
	const uint8_t *pkt;
	uint32_t ifindex;
	size_t len;

	(void)state;
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
	memset(rec + 12, 0xee, 4);           /* a grown header's field: not packet */
	memset(rec + 16, 0x60, 8);
	assert_int_equal(xmip_signal_event_check(rec, 24, &ifindex, &pkt, &len), 0);
	assert_ptr_equal(pkt, rec + 16);
	assert_int_equal(len, 8);
	assert_int_equal(pkt[0], 0x60);
	/* The packet must fit after the header, not after 12 octets. */
	assert_int_not_equal(xmip_signal_event_check(rec, 23, &ifindex, &pkt, &len), 0);
	/* hdr_len == size: an empty packet is a record that fits. */
	h.len = 0;
	h.hdr_len = 24;
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
	assert_int_equal(xmip_signal_event_check(rec, 24, &ifindex, &pkt, &len), 0);
	assert_ptr_equal(pkt, rec + 24);
	/* Past the record, or inside the fields read here: refused. */
	for (unsigned int bad = 0; bad < 40; bad++) {
		if (bad >= XMIP_SIGNAL_HDR_LEN && bad <= 24)
			continue;
		h.hdr_len = (uint16_t)bad;
		memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
		assert_int_not_equal(xmip_signal_event_check(rec, 24, &ifindex, &pkt, &len), 0);
	}
	h.hdr_len = 0xffff;
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
	assert_int_not_equal(xmip_signal_event_check(rec, sizeof(rec), &ifindex, &pkt, &len), 0);
}

static int calls;

static void on_record(void *arg, uint8_t family, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)family;
	(void)ifindex;
	(void)pkt;
	(void)len;
	calls++;
}

/* The value of xmip_signal_records_malformed_total in a rendering. */
static unsigned long long malformed_total(void)
{
	struct xmip_metrics_src src = { .instance = "t", .stats_fd = -1, .bindings_fd = -1 };
	const char *name = "\nxmip_signal_records_malformed_total ";
	unsigned long long v = ~0ull;
	size_t n = 0;
	char *text = NULL, *at;
	FILE *f = open_memstream(&text, &n);

	assert_non_null(f);
	assert_int_equal(xmip_metrics_render(f, &src), 0);
	fclose(f);
	at = strstr(text, name);
	assert_non_null(at);
	v = strtoull(at + strlen(name), NULL, 10);
	free(text);
	return v;
}

/* Refused records are never handed on, and each one is counted. */
static void test_refused_counted(void **state)
{
	static uint8_t rec[64];
	struct xmip_signal_event h = { .family = 1, .hdr_len = 8, .ifindex = 5, .len = 4 };
	unsigned long long before = malformed_total();

	(void)state;
	calls = 0;
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);        /* hdr_len < 12 */
	assert_int_not_equal(xmip_signal_deliver(rec, 32, on_record, NULL), 0);
	h.hdr_len = 40;                              /* hdr_len > the record */
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
	assert_int_not_equal(xmip_signal_deliver(rec, 32, on_record, NULL), 0);
	h.hdr_len = 30;                              /* len past the record */
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
	assert_int_not_equal(xmip_signal_deliver(rec, 32, on_record, NULL), 0);
	assert_int_equal(calls, 0);
	assert_int_equal(malformed_total(), before + 3);
	h.hdr_len = 28;                              /* fits exactly */
	memcpy(rec, &h, XMIP_SIGNAL_HDR_LEN);
	assert_int_equal(xmip_signal_deliver(rec, 32, on_record, NULL), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(malformed_total(), before + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_checks),
		cmocka_unit_test(test_hdr_len),
		cmocka_unit_test(test_refused_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
