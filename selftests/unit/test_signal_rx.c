// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A ring-buffer record whose len claims more than the record holds must be
 * refused, so the agent never parses bytes beyond what the datapath wrote.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
