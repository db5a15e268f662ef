// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* RFC 5944 §5.7.1 timestamp Identification. */
#include "mip4_ident.h"

#include "clock.h"

uint64_t xmip_mip4_ntp_from_ns(uint64_t ns)
{
	uint64_t sec = ns / 1000000000u + XMIP_MIP4_NTP_UNIX_OFFSET;
	uint64_t frac = ((ns % 1000000000u) << 32) / 1000000000u;

	return sec << 32 | frac;
}

uint64_t xmip_mip4_ntp_now(void)
{
	return xmip_mip4_ntp_from_ns(xmip_realtime_ns());
}

enum xmip_mip4_id_verdict xmip_mip4_id_check(uint64_t id, uint64_t now, uint32_t window_s,
					     bool has_last, uint64_t last)
{
	uint64_t window = (uint64_t)window_s << 32;
	uint64_t dist = id >= now ? id - now : now - id;

	if (dist > window)
		return XMIP_MIP4_ID_SKEW;
	if (has_last && id <= last)
		return XMIP_MIP4_ID_REPLAY;
	return XMIP_MIP4_ID_OK;
}

uint64_t xmip_mip4_id_mismatch(uint64_t req_id, uint64_t now)
{
	return (now & 0xffffffff00000000ull) | (req_id & 0xffffffffull);
}

uint64_t xmip_mip4_id_next(uint64_t now, uint64_t last, uint32_t rnd)
{
	uint64_t id = (now & ~0xfffull) | (rnd & 0xfffu);

	return id > last ? id : last + 1;
}

int64_t xmip_mip4_id_offset(uint64_t reply_id, uint64_t now)
{
	return (int64_t)(reply_id >> 32) - (int64_t)(now >> 32);
}
