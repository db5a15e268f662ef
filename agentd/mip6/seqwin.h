/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Binding Update sequence numbers (RFC 6275 §9.5.1): 16-bit, compared
 * modulo 2^16. A new number is accepted iff it is "greater" than the last
 * accepted one, i.e. (uint16_t)(new - last) is in 1..32767. Equal, or
 * 32768 and more ahead (= behind), is rejected with BA status 135.
 */
#ifndef XMIP_SEQWIN_H
#define XMIP_SEQWIN_H

#include <stdbool.h>
#include <stdint.h>

static inline bool xmip_seq_newer(uint16_t new_seq, uint16_t last_seq)
{
	uint16_t delta = (uint16_t)(new_seq - last_seq);

	return delta >= 1 && delta <= 32767;
}

#endif /* XMIP_SEQWIN_H */
