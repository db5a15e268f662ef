/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Replay protection (docs/ntmobile.md, "Replay protection"). Run only on
 * messages whose MAC was good; commit only what was accepted.
 *
 *  - Every message: its timestamp is within +-window of the receiver's clock.
 *  - Messages under a long-term pre-shared key (Registration, DC-DC,
 *    DC-RS): the timestamp is strictly greater than the last one accepted
 *    from that sender under that key (senders never repeat one: ts =
 *    max(now, last + 1)). Survives a sender's restart, needs no counter.
 *  - Messages under a session or path key: the sequence number is new in
 *    a 64-wide sliding window above the highest accepted one (RFC 4303
 *    §3.4.3); keys are fresh per registration and per path, so sequence
 *    numbers start at 1 and never wrap within a key's life.
 */
#ifndef XMIP_NTM_REPLAY_H
#define XMIP_NTM_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#define XMIP_NTM_SEQWIN 64

/* |ts - now| <= window (microseconds). */
bool xmip_ntm_ts_in_window(uint64_t now_us, uint64_t ts_us, uint64_t window_us);

/* Long-term keys: the newest timestamp accepted from one sender. */
struct xmip_ntm_tsfloor {
	uint64_t last_us;
};
bool xmip_ntm_tsfloor_ok(const struct xmip_ntm_tsfloor *f, uint64_t ts_us);
void xmip_ntm_tsfloor_commit(struct xmip_ntm_tsfloor *f, uint64_t ts_us);

/* Session and path keys: highest sequence number seen and the 64 below it. */
struct xmip_ntm_seqwin {
	uint32_t top;     /* highest accepted; 0: none yet */
	uint64_t bits;    /* bit i: top - i was accepted */
};
bool xmip_ntm_seqwin_ok(const struct xmip_ntm_seqwin *w, uint32_t seq);
void xmip_ntm_seqwin_commit(struct xmip_ntm_seqwin *w, uint32_t seq);

/* A sender's next timestamp: now, but strictly after the last one it used. */
uint64_t xmip_ntm_next_ts(uint64_t *last_us, uint64_t now_us);

#endif /* XMIP_NTM_REPLAY_H */
