// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The agent's timers: binding expiries and BU retransmissions must fire in
 * deadline order, a cancelled timer must never fire, and re-arming must
 * move a timer rather than duplicate it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "loop.h"

static void noop(struct xmip_loop *l, struct xmip_timer *t, void *a)
{
	(void)l; (void)t; (void)a;
}

static void test_fires_in_deadline_order(void **state)
{
	static const uint64_t deadlines[] = { 50, 10, 40, 30, 20, 60, 5, 45 };
	struct xmip_timer t[8];
	struct xmip_timerq q;
	struct xmip_timer *p;
	uint64_t last = 0;
	int fired = 0;

	(void)state;
	xmip_timerq_init(&q);
	for (int i = 0; i < 8; i++) {
		xmip_timer_init(&t[i], noop, NULL);
		assert_int_equal(xmip_timerq_arm(&q, &t[i], deadlines[i]), 0);
	}
	assert_ptr_equal(xmip_timerq_peek(&q), &t[6]);
	/* Nothing is due before the earliest deadline. */
	assert_null(xmip_timerq_pop_due(&q, 4));
	while ((p = xmip_timerq_pop_due(&q, 1000))) {
		assert_true(p->deadline_ns >= last);
		assert_false(xmip_timer_armed(p));
		last = p->deadline_ns;
		fired++;
	}
	assert_int_equal(fired, 8);
	xmip_timerq_free(&q);
}

static void test_only_due_timers_pop(void **state)
{
	struct xmip_timer a, b, c;
	struct xmip_timerq q;

	(void)state;
	xmip_timerq_init(&q);
	xmip_timer_init(&a, noop, NULL);
	xmip_timer_init(&b, noop, NULL);
	xmip_timer_init(&c, noop, NULL);
	xmip_timerq_arm(&q, &a, 100);
	xmip_timerq_arm(&q, &b, 200);
	xmip_timerq_arm(&q, &c, 300);
	assert_ptr_equal(xmip_timerq_pop_due(&q, 250), &a);
	assert_ptr_equal(xmip_timerq_pop_due(&q, 250), &b);
	assert_null(xmip_timerq_pop_due(&q, 250));
	assert_true(xmip_timer_armed(&c));
	xmip_timerq_free(&q);
	assert_false(xmip_timer_armed(&c));
}

static void test_cancelled_timer_never_fires(void **state)
{
	struct xmip_timer t[6];
	struct xmip_timerq q;
	struct xmip_timer *p;

	(void)state;
	xmip_timerq_init(&q);
	for (int i = 0; i < 6; i++) {
		xmip_timer_init(&t[i], noop, NULL);
		xmip_timerq_arm(&q, &t[i], (uint64_t)(i + 1) * 10);
	}
	xmip_timerq_cancel(&q, &t[0]);  /* the root */
	xmip_timerq_cancel(&q, &t[3]);  /* an inner node */
	xmip_timerq_cancel(&q, &t[3]);  /* twice: no-op */
	assert_false(xmip_timer_armed(&t[0]));
	assert_ptr_equal(xmip_timerq_pop_due(&q, 1000), &t[1]);
	assert_ptr_equal(xmip_timerq_pop_due(&q, 1000), &t[2]);
	assert_ptr_equal(xmip_timerq_pop_due(&q, 1000), &t[4]);
	assert_ptr_equal(xmip_timerq_pop_due(&q, 1000), &t[5]);
	p = xmip_timerq_pop_due(&q, 1000);
	assert_null(p);
	xmip_timerq_free(&q);
}

static void test_rearm_moves_not_duplicates(void **state)
{
	struct xmip_timer a, b;
	struct xmip_timerq q;

	(void)state;
	xmip_timerq_init(&q);
	xmip_timer_init(&a, noop, NULL);
	xmip_timer_init(&b, noop, NULL);
	xmip_timerq_arm(&q, &a, 10);
	xmip_timerq_arm(&q, &b, 20);
	xmip_timerq_arm(&q, &a, 30);  /* a refreshed binding moves later */
	assert_int_equal(q.n, 2);
	assert_ptr_equal(xmip_timerq_pop_due(&q, 25), &b);
	assert_null(xmip_timerq_pop_due(&q, 25));
	xmip_timerq_arm(&q, &a, 5);   /* and earlier again */
	assert_ptr_equal(xmip_timerq_pop_due(&q, 25), &a);
	assert_int_equal(q.n, 0);
	xmip_timerq_free(&q);
}

static void test_equal_deadlines_fire_fifo(void **state)
{
	struct xmip_timer t[5];
	struct xmip_timerq q;

	(void)state;
	xmip_timerq_init(&q);
	for (int i = 0; i < 5; i++) {
		xmip_timer_init(&t[i], noop, NULL);
		xmip_timerq_arm(&q, &t[i], 42);
	}
	for (int i = 0; i < 5; i++)
		assert_ptr_equal(xmip_timerq_pop_due(&q, 42), &t[i]);
	xmip_timerq_free(&q);
}

/* Many random arms, re-arms and cancels against a brute-force model. */
static void test_random_against_model(void **state)
{
	enum { N = 300 };
	static struct xmip_timer t[N];
	static uint64_t model[N];  /* 0 = not armed */
	struct xmip_timerq q;
	uint64_t now = 0;

	(void)state;
	srand(7);
	xmip_timerq_init(&q);
	for (int i = 0; i < N; i++)
		xmip_timer_init(&t[i], noop, NULL);
	for (int step = 0; step < 20000; step++) {
		int i = rand() % N, op = rand() % 4;
		struct xmip_timer *p;

		if (op <= 1) {
			model[i] = now + 1 + (uint64_t)(rand() % 1000);
			xmip_timerq_arm(&q, &t[i], model[i]);
		} else if (op == 2) {
			model[i] = 0;
			xmip_timerq_cancel(&q, &t[i]);
		} else {
			now += (uint64_t)(rand() % 50);
			while ((p = xmip_timerq_pop_due(&q, now))) {
				int k = (int)(p - t);

				assert_true(model[k] != 0 && model[k] <= now);
				/* Nothing armed may be earlier than what just fired. */
				for (int j = 0; j < N; j++)
					if (model[j] && j != k)
						assert_true(model[j] >= model[k]);
				model[k] = 0;
			}
			for (int j = 0; j < N; j++)
				assert_true(model[j] == 0 || model[j] > now);
		}
		for (int j = 0; j < N; j++)
			assert_int_equal(xmip_timer_armed(&t[j]), model[j] != 0);
	}
	xmip_timerq_free(&q);
}

/* Through the real timerfd: callbacks run in order and may re-arm. */
static int fired_order[4], n_fired;

static void record(struct xmip_loop *l, struct xmip_timer *t, void *a)
{
	(void)t;
	fired_order[n_fired++] = (int)(intptr_t)a;
	if (n_fired == 4)
		xmip_loop_stop(l);
}

static void rearm_once(struct xmip_loop *l, struct xmip_timer *t, void *a)
{
	(void)a;
	fired_order[n_fired++] = 0;
	t->cb = record;
	t->arg = (void *)(intptr_t)9;
	xmip_loop_timer_in_ms(l, t, 15);
}

static void test_loop_runs_timers(void **state)
{
	struct xmip_loop *l = xmip_loop_new();
	struct xmip_timer a, b, c, cancelled;

	(void)state;
	assert_non_null(l);
	xmip_timer_init(&a, record, (void *)(intptr_t)1);
	xmip_timer_init(&b, record, (void *)(intptr_t)2);
	xmip_timer_init(&c, rearm_once, NULL);
	xmip_timer_init(&cancelled, record, (void *)(intptr_t)7);
	xmip_loop_timer_in_ms(l, &b, 10);
	xmip_loop_timer_in_ms(l, &a, 5);
	xmip_loop_timer_in_ms(l, &c, 1);
	xmip_loop_timer_in_ms(l, &cancelled, 2);
	xmip_loop_timer_cancel(l, &cancelled);
	assert_int_equal(xmip_loop_run(l), 0);
	assert_int_equal(n_fired, 4);
	assert_int_equal(fired_order[0], 0);
	assert_int_equal(fired_order[1], 1);
	assert_int_equal(fired_order[2], 2);
	assert_int_equal(fired_order[3], 9);
	xmip_loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fires_in_deadline_order),
		cmocka_unit_test(test_only_due_timers_pop),
		cmocka_unit_test(test_cancelled_timer_never_fires),
		cmocka_unit_test(test_rearm_moves_not_duplicates),
		cmocka_unit_test(test_equal_deadlines_fire_fifo),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_loop_runs_timers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
