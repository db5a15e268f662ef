/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The 64-bit Identification of registration messages with timestamp
 * replay protection (RFC 5944 §5.7.1): an NTP-format time (seconds since
 * 1900 in the high 32 bits, fraction in the low 32), strictly increasing
 * per mobile node, within a window of the home agent's clock. Pure
 * arithmetic; the caller reads the clock. Nonces (§5.7.2, optional) are
 * not implemented: see docs/mip4.md.
 */
#ifndef XMIP_MIP4_IDENT_H
#define XMIP_MIP4_IDENT_H

#include <stdbool.h>
#include <stdint.h>

#define XMIP_MIP4_NTP_UNIX_OFFSET 2208988800ull   /* 1900-01-01 to 1970-01-01, seconds */

/* CLOCK_REALTIME nanoseconds as an NTP timestamp. */
uint64_t xmip_mip4_ntp_from_ns(uint64_t realtime_ns);
/* The current time, so (reads CLOCK_REALTIME). */
uint64_t xmip_mip4_ntp_now(void);

enum xmip_mip4_id_verdict {
	XMIP_MIP4_ID_OK = 0,
	XMIP_MIP4_ID_SKEW,      /* more than the window away from the home agent's clock */
	XMIP_MIP4_ID_REPLAY,    /* not greater than the last accepted one */
};

/* §5.7.1: valid iff within window_s seconds of now and greater than last (if any). */
enum xmip_mip4_id_verdict xmip_mip4_id_check(uint64_t id, uint64_t now, uint32_t window_s,
					     bool has_last, uint64_t last);

/* §5.7.1: the Identification of a 133 reply: our time above, the request's low 32 bits below. */
uint64_t xmip_mip4_id_mismatch(uint64_t req_id, uint64_t now);

/*
 * The mobile node's next Identification: now (already corrected by the
 * offset learnt from a 133) with the low 12 bits of the fraction (below
 * a microsecond, which the clock does not give) from rnd, and always
 * greater than last.
 */
uint64_t xmip_mip4_id_next(uint64_t now, uint64_t last, uint32_t rnd);

/* The seconds to add to our clock so it reads as the home agent's, from a 133's Identification. */
int64_t  xmip_mip4_id_offset(uint64_t reply_id, uint64_t now);

#endif /* XMIP_MIP4_IDENT_H */
