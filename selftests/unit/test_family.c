// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The core's families table (agentd/core/core.c, family.h): stub families
 * registered here must be started only for the roles they serve, adopted
 * after every start, handed the signalling records that name them (through
 * the same path as the ring buffer's), given the timers they armed through
 * the core in deadline order, and stopped in reverse order. No root: no
 * sockets, no maps (the ring buffer is fed by hand).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "core.h"
#include "maps.h"
#include "signal_rx.h"
#include "xmip_maps.h"

#define STUB_A_ID 1   /* XMIP_FAMILY_MIP6: the id the datapath's records carry today */
#define STUB_B_ID 7
#define STUB_C_ID 9

/* What the stubs saw, in order: "a.start", "b.msg 5 3", "a.timer t2"... */
static char events[64][48];
static size_t n_events;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	assert_true(n_events < sizeof(events) / sizeof(events[0]));
	va_start(ap, fmt);
	vsnprintf(events[n_events++], sizeof(events[0]), fmt, ap);
	va_end(ap);
}

static void expect_events(const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < n_events; i++)
		if (strcmp(events[i], want[i]) != 0)
			fail_msg("event %zu: expected '%s', got '%s'", i, want[i], events[i]);
	if (n_events != n)
		fail_msg("expected %zu events, got %zu (last '%s')", n, n_events,
			 n_events ? events[n_events - 1] : "");
}

/* A stub's state: two timers, armed at start, and where it stops the loop. */
struct stub {
	char                     name;
	struct xmip_family_timer t1, t2;
	unsigned int             timers_left;
};

static struct stub stubs[3];

static const char *stub_name(const struct xmip_family *f)
{
	return f->ops->name;
}

static int stub_start(struct xmip_family *f)
{
	struct stub *s = &stubs[f->ops->name[0] - 'a'];

	memset(s, 0, sizeof(*s));
	s->name = f->ops->name[0];
	f->state = s;
	/* Armed out of order: t2 is due first. */
	xmip_family_timer_init(f, &s->t1, "t1");
	xmip_family_timer_init(f, &s->t2, "t2");
	assert_int_equal(xmip_family_timer_in_ms(&s->t1, 20), 0);
	assert_int_equal(xmip_family_timer_in_ms(&s->t2, 1), 0);
	assert_true(xmip_family_timer_armed(&s->t1));
	s->timers_left = 2;
	note("%s.start", stub_name(f));
	return 0;
}

static int stub_adopt(struct xmip_family *f)
{
	note("%s.adopt", stub_name(f));
	return 0;
}

static void stub_handle(struct xmip_family *f, uint32_t ifindex, const uint8_t *pkt, size_t len)
{
	note("%s.msg %u %zu %02x", stub_name(f), ifindex, len, len ? pkt[0] : 0);
}

static void stub_timer(struct xmip_family *f, struct xmip_family_timer *t)
{
	struct stub *s = f->state;

	assert_ptr_equal(t->fam, f);
	assert_false(xmip_family_timer_armed(t));
	note("%s.timer %s", stub_name(f), (const char *)t->arg);
	if (--s->timers_left == 0)
		xmip_loop_stop(f->core->loop);
}

static void stub_stop(struct xmip_family *f)
{
	struct stub *s = f->state;

	xmip_family_timer_cancel(&s->t1);
	xmip_family_timer_cancel(&s->t2);
	note("%s.stop", stub_name(f));
}

#define STUB(n, ident, role_mask) {                                              \
	.name = n, .id = ident, .roles = role_mask, .start = stub_start,        \
	.adopt = stub_adopt, .handle = stub_handle, .timer = stub_timer,        \
	.stop = stub_stop,                                                      \
}

static const struct xmip_family_ops stub_a =
	STUB("a", STUB_A_ID, XMIP_ROLE_BIT(XMIP_ROLE_HA) | XMIP_ROLE_BIT(XMIP_ROLE_MN));
static const struct xmip_family_ops stub_b =
	STUB("b", STUB_B_ID, XMIP_ROLE_BIT(XMIP_ROLE_HA));
static const struct xmip_family_ops stub_c =
	STUB("c", STUB_C_ID, XMIP_ROLE_BIT(XMIP_ROLE_MN));

static const struct xmip_family_ops *const table[] = { &stub_a, &stub_b, &stub_c };

static struct xmip_agent_maps no_maps = {
	.bindings = -1, .mn_state = -1, .replay = -1, .signal = -1, .nh_gen = -1,
};

/* A ring-buffer record as the datapath writes it, fed to the core's ring-buffer callback. */
static void feed_record(struct xmip_core *core, uint16_t family, uint32_t ifindex, uint8_t first,
			uint32_t len)
{
	static struct xmip_signal_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.family = family;
	ev.hdr_len = XMIP_SIGNAL_HDR_LEN;
	ev.ifindex = ifindex;
	ev.len = len;
	ev.pkt[0] = first;
	assert_int_equal(xmip_signal_deliver(&ev, offsetof(struct xmip_signal_event, pkt) + len,
					     xmip_core_on_signal, core), 0);
}

/* Role MN: a and c run (b serves only HA); records and timers reach their family. */
static void test_role_mn(void **state)
{
	static const char *const want[] = {
		"a.start", "c.start", "a.adopt", "c.adopt",
		"a.msg 4 60 60",                 /* a ring-buffer record: MIPv6 today */
		"c.msg 5 2 aa",                  /* dispatched by family id */
		"a.timer t2", "c.timer t2", "a.timer t1", "c.timer t1",
		"c.stop", "a.stop",
	};
	struct xmip_conf conf = { .role = XMIP_ROLE_MN };
	struct xmip_loop *loop = xmip_loop_new();
	const uint8_t two[2] = { 0xaa, 0xbb };
	struct xmip_core core;

	(void)state;
	n_events = 0;
	assert_non_null(loop);
	xmip_core_init(&core, loop, &conf, &no_maps);
	assert_int_equal(xmip_core_start(&core, table, 3), 0);
	assert_int_equal(core.n_fams, 2);
	assert_non_null(xmip_core_family(&core, "c"));
	assert_null(xmip_core_family(&core, "b"));

	feed_record(&core, STUB_A_ID, 4, 0x60, 60);
	xmip_core_dispatch(&core, STUB_C_ID, 5, two, sizeof(two));
	/* b is not running in this role: nobody gets its record, and it is counted. */
	xmip_core_dispatch(&core, STUB_B_ID, 6, two, sizeof(two));
	assert_int_equal(core.unclaimed, 1);

	/* Each stub stops the loop after its second timer: run until both did. */
	assert_int_equal(xmip_loop_run(loop), 0);
	if (stubs[2].timers_left)
		assert_int_equal(xmip_loop_run(loop), 0);
	assert_int_equal(stubs[0].timers_left + stubs[2].timers_left, 0);

	xmip_core_stop(&core);
	assert_int_equal(core.n_fams, 0);
	expect_events(want, sizeof(want) / sizeof(want[0]));
	xmip_loop_free(loop);
}

/* Role HA: a and b run; a malformed record reaches nobody; c's id is unclaimed. */
static void test_role_ha(void **state)
{
	static const char *const want[] = {
		"a.start", "b.start", "a.adopt", "b.adopt",
		"b.msg 2 1 01", "a.msg 3 40 60",
		"b.stop", "a.stop",
	};
	struct xmip_conf conf = { .role = XMIP_ROLE_HA };
	struct xmip_loop *loop = xmip_loop_new();
	static struct xmip_signal_event bad;
	const uint8_t one = 1;
	struct xmip_core core;

	(void)state;
	n_events = 0;
	assert_non_null(loop);
	xmip_core_init(&core, loop, &conf, &no_maps);
	assert_int_equal(xmip_core_start(&core, table, 3), 0);
	xmip_core_dispatch(&core, STUB_B_ID, 2, &one, 1);
	feed_record(&core, STUB_A_ID, 3, 0x60, 40);
	xmip_core_dispatch(&core, STUB_C_ID, 2, &one, 1);
	bad.hdr_len = XMIP_SIGNAL_HDR_LEN;
	bad.len = 100;  /* longer than the record */
	assert_int_not_equal(xmip_signal_deliver(&bad, offsetof(struct xmip_signal_event, pkt) + 10,
						 xmip_core_on_signal, &core), 0);
	assert_int_equal(core.unclaimed, 1);
	xmip_core_stop(&core);
	expect_events(want, sizeof(want) / sizeof(want[0]));
	xmip_loop_free(loop);
}

static int failing_start(struct xmip_family *f)
{
	note("%s.start failed", stub_name(f));
	return -1;
}

/* A family that fails to start stops the ones already started, in reverse order. */
static void test_start_failure(void **state)
{
	static const char *const want[] = { "a.start", "x.start failed", "a.stop" };
	static const struct xmip_family_ops failing = {
		.name = "x", .id = 3, .roles = XMIP_ROLE_BIT(XMIP_ROLE_HA),
		.start = failing_start, .handle = stub_handle, .timer = stub_timer,
		.stop = stub_stop,
	};
	const struct xmip_family_ops *const tbl[] = { &stub_a, &failing, &stub_b };
	struct xmip_conf conf = { .role = XMIP_ROLE_HA };
	struct xmip_loop *loop = xmip_loop_new();
	struct xmip_core core;

	(void)state;
	n_events = 0;
	xmip_core_init(&core, loop, &conf, &no_maps);
	assert_int_equal(xmip_core_start(&core, tbl, 3), -1);
	assert_int_equal(core.n_fams, 0);
	expect_events(want, sizeof(want) / sizeof(want[0]));
	xmip_loop_free(loop);
}

/* The family named in the record's header picks the handler; no family, or one nobody runs: nobody. */
static void test_record_names_its_family(void **state)
{
	static const char *const want[] = {
		"a.start", "b.start", "a.adopt", "b.adopt",
		"b.msg 7 20 45", "a.msg 8 40 60",
		"b.stop", "a.stop",
	};
	struct xmip_conf conf = { .role = XMIP_ROLE_HA };
	struct xmip_loop *loop = xmip_loop_new();
	struct xmip_core core;

	(void)state;
	n_events = 0;
	xmip_core_init(&core, loop, &conf, &no_maps);
	assert_int_equal(xmip_core_start(&core, table, 3), 0);
	feed_record(&core, STUB_B_ID, 7, 0x45, 20);     /* an IPv4 family's record */
	feed_record(&core, STUB_A_ID, 8, 0x60, 40);
	feed_record(&core, XMIP_FAMILY_NONE, 9, 0x60, 40);
	feed_record(&core, STUB_C_ID, 9, 0x60, 40);     /* c serves only the MN */
	feed_record(&core, 0x100 + STUB_A_ID, 9, 0x60, 40);   /* not a one-octet id */
	assert_int_equal(core.unclaimed, 3);
	xmip_core_stop(&core);
	expect_events(want, sizeof(want) / sizeof(want[0]));
	xmip_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_mn),
		cmocka_unit_test(test_role_ha),
		cmocka_unit_test(test_start_failure),
		cmocka_unit_test(test_record_names_its_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
