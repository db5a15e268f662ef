// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Families' timers: kept by the core's loop, delivered to the family's timer operation. */
#include "core.h"

static void deliver(struct xmip_loop *loop, struct xmip_timer *lt, void *arg)
{
	struct xmip_family_timer *t = arg;

	(void)loop;
	(void)lt;
	t->fam->ops->timer(t->fam, t);
}

void xmip_family_timer_init(struct xmip_family *f, struct xmip_family_timer *t, void *arg)
{
	xmip_timer_init(&t->lt, deliver, t);
	t->fam = f;
	t->arg = arg;
}

int xmip_family_timer_at(struct xmip_family_timer *t, uint64_t deadline_ns)
{
	return xmip_loop_timer_at(t->fam->core->loop, &t->lt, deadline_ns);
}

int xmip_family_timer_in_ms(struct xmip_family_timer *t, uint64_t ms)
{
	return xmip_loop_timer_in_ms(t->fam->core->loop, &t->lt, ms);
}

void xmip_family_timer_cancel(struct xmip_family_timer *t)
{
	xmip_loop_timer_cancel(t->fam->core->loop, &t->lt);
}

bool xmip_family_timer_armed(const struct xmip_family_timer *t)
{
	return xmip_timer_armed(&t->lt);
}
