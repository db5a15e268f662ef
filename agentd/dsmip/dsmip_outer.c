// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Outer IPv4/IPv6 | UDP headers of a DSMIPv6 packet (dsmip_outer.h). */
#include "dsmip_outer.h"

#include <string.h>

#include "csum.h"
#include "dsmip_table.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static enum xmip_dsmip_outer_err udp(const uint8_t *u, size_t room, struct xmip_dsmip_obs *obs,
				     const uint8_t **inner, size_t *inner_len)
{
	size_t ulen;

	if (room < 8)
		return XMIP_DSMIP_OUTER_TRUNCATED;
	ulen = rd16(u + 4);
	if (ulen < 8 || ulen > room)
		return XMIP_DSMIP_OUTER_BAD_UDP;
	obs->peer_port = rd16(u);
	obs->local_port = rd16(u + 2);
	*inner = u + 8;
	*inner_len = ulen - 8;
	return XMIP_DSMIP_OUTER_OK;
}

enum xmip_dsmip_outer_err xmip_dsmip_parse_outer(const uint8_t *pkt, size_t len,
						 struct xmip_dsmip_obs *obs,
						 const uint8_t **inner, size_t *inner_len)
{
	*inner = NULL;
	*inner_len = 0;
	if (len < 1)
		return XMIP_DSMIP_OUTER_TRUNCATED;
	if (pkt[0] >> 4 == 4) {
		size_t ihl = (size_t)(pkt[0] & 0xf) * 4, tot;
		struct in_addr a;

		if (len < 20)
			return XMIP_DSMIP_OUTER_TRUNCATED;
		tot = rd16(pkt + 2);
		if (ihl < 20 || tot < ihl || tot > len)
			return XMIP_DSMIP_OUTER_BAD_IP;
		/* Fragments: the kernel reassembles what reaches the socket; a
		 * record holds one frame, so a fragment is not a BU. */
		if (rd16(pkt + 6) & 0x3fff)
			return XMIP_DSMIP_OUTER_BAD_IP;
		if (xmip_csum(pkt, ihl) != 0)
			return XMIP_DSMIP_OUTER_BAD_IP;
		if (pkt[9] != 17)
			return XMIP_DSMIP_OUTER_NOT_UDP;
		memcpy(&a.s_addr, pkt + 12, 4);
		xmip_v4_mapped(a, &obs->peer);
		memcpy(&a.s_addr, pkt + 16, 4);
		xmip_v4_mapped(a, &obs->local);
		return udp(pkt + ihl, tot - ihl, obs, inner, inner_len);
	}
	if (pkt[0] >> 4 == 6) {
		size_t plen;

		if (len < 40)
			return XMIP_DSMIP_OUTER_TRUNCATED;
		plen = rd16(pkt + 4);
		if (plen > len - 40)
			return XMIP_DSMIP_OUTER_BAD_IP;
		if (pkt[6] != 17)
			return XMIP_DSMIP_OUTER_NOT_UDP;
		memcpy(&obs->peer, pkt + 8, 16);
		memcpy(&obs->local, pkt + 24, 16);
		return udp(pkt + 40, plen, obs, inner, inner_len);
	}
	return XMIP_DSMIP_OUTER_BAD_IP;
}
