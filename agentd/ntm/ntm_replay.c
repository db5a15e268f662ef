// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "ntm_replay.h"

bool xmip_ntm_ts_in_window(uint64_t now_us, uint64_t ts_us, uint64_t window_us)
{
	return ts_us >= now_us ? ts_us - now_us <= window_us : now_us - ts_us <= window_us;
}

bool xmip_ntm_tsfloor_ok(const struct xmip_ntm_tsfloor *f, uint64_t ts_us)
{
	return ts_us > f->last_us;
}

void xmip_ntm_tsfloor_commit(struct xmip_ntm_tsfloor *f, uint64_t ts_us)
{
	if (ts_us > f->last_us)
		f->last_us = ts_us;
}

bool xmip_ntm_seqwin_ok(const struct xmip_ntm_seqwin *w, uint32_t seq)
{
	if (seq == 0)
		return false;                       /* never sent: senders start at 1 */
	if (seq > w->top)
		return true;
	if (w->top - seq >= XMIP_NTM_SEQWIN)
		return false;                       /* too old to tell: refuse */
	return !(w->bits & (1ull << (w->top - seq)));
}

void xmip_ntm_seqwin_commit(struct xmip_ntm_seqwin *w, uint32_t seq)
{
	if (seq > w->top) {
		uint32_t shift = seq - w->top;

		w->bits = shift >= XMIP_NTM_SEQWIN ? 0 : w->bits << shift;
		w->bits |= 1;
		w->top = seq;
	} else if (w->top - seq < XMIP_NTM_SEQWIN) {
		w->bits |= 1ull << (w->top - seq);
	}
}

uint64_t xmip_ntm_next_ts(uint64_t *last_us, uint64_t now_us)
{
	*last_us = now_us > *last_us ? now_us : *last_us + 1;
	return *last_us;
}
