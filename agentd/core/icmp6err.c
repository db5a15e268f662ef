// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* ICMPv6 errors the agent sends, rate-limited (see icmp6err.h). */
#include "icmp6err.h"

#include <string.h>

#include "addr.h"
#include "csum.h"
#include "rawsend.h"

#define IP6_HLEN      40
#define ICMP6_HLEN    8
#define IPV6_MIN_MTU  1280
#define NH_ICMPV6     58

int xmip_icmp6_build_error(uint8_t *buf, size_t cap, const struct in6_addr *src,
			   const struct in6_addr *dst, uint8_t type, uint8_t code, uint32_t param,
			   const uint8_t *inv, size_t inv_len)
{
	size_t quote = inv_len, len;
	uint8_t *icmp = buf + IP6_HLEN;
	uint16_t ck;

	if (quote > IPV6_MIN_MTU - IP6_HLEN - ICMP6_HLEN)
		quote = IPV6_MIN_MTU - IP6_HLEN - ICMP6_HLEN;
	len = IP6_HLEN + ICMP6_HLEN + quote;
	if (cap < len)
		return -1;
	memset(buf, 0, IP6_HLEN + ICMP6_HLEN);
	buf[0] = 0x60;
	buf[4] = (uint8_t)((ICMP6_HLEN + quote) >> 8);
	buf[5] = (uint8_t)(ICMP6_HLEN + quote);
	buf[6] = NH_ICMPV6;
	buf[7] = XMIP_ICMP6_ERR_HOP_LIMIT;
	memcpy(buf + 8, src, 16);
	memcpy(buf + 24, dst, 16);
	icmp[0] = type;
	icmp[1] = code;
	icmp[4] = (uint8_t)(param >> 24);
	icmp[5] = (uint8_t)(param >> 16);
	icmp[6] = (uint8_t)(param >> 8);
	icmp[7] = (uint8_t)param;
	memcpy(icmp + ICMP6_HLEN, inv, quote);
	ck = xmip_csum_ip6(src, dst, NH_ICMPV6, icmp, ICMP6_HLEN + quote);
	icmp[2] = (uint8_t)(ck >> 8);
	icmp[3] = (uint8_t)ck;
	return (int)len;
}

bool xmip_icmp6_error_allowed(const struct in6_addr *src, const struct in6_addr *dst)
{
	static const struct in6_addr zero, loop = { .s6_addr = { [15] = 1 } };

	if (src->s6_addr[0] == 0xff || xmip_addr_eq(src, &zero) || xmip_addr_eq(src, &loop))
		return false;
	return dst->s6_addr[0] != 0xff;
}

int xmip_icmp6err_init(struct xmip_icmp6err *e)
{
	memset(e, 0, sizeof(*e));
	xmip_gcra_init(&e->all, XMIP_ICMP6_ERR_PER_SEC, XMIP_ICMP6_ERR_BURST);
	return xmip_srcrate_init(&e->per_src, 1024, XMIP_ICMP6_ERR_SRC_PER_SEC,
				 XMIP_ICMP6_ERR_SRC_BURST);
}

void xmip_icmp6err_free(struct xmip_icmp6err *e)
{
	xmip_srcrate_free(&e->per_src);
}

int xmip_icmp6err_send(struct xmip_icmp6err *e, int raw_fd, uint32_t ifindex, uint8_t type,
		       uint8_t code, uint32_t param, const uint8_t *inv, size_t inv_len,
		       uint64_t now_ns)
{
	uint8_t out[IPV6_MIN_MTU];
	struct in6_addr src, dst;
	int len;

	if (inv_len < IP6_HLEN || (inv[0] >> 4) != 6)
		return -1;
	memcpy(&src, inv + 8, 16);
	memcpy(&dst, inv + 24, 16);
	if (!xmip_icmp6_error_allowed(&src, &dst))
		return -1;
	/* Per source first, so a flooding source does not use up the overall bucket. */
	if (!xmip_srcrate_take(&e->per_src, &src, now_ns) || !xmip_gcra_take(&e->all, now_ns)) {
		e->limited++;
		return 0;
	}
	/* From the address the packet was sent to, back to its source. */
	len = xmip_icmp6_build_error(out, sizeof(out), &dst, &src, type, code, param, inv, inv_len);
	if (len < 0 || xmip_rawsend(raw_fd, out, (size_t)len, ifindex))
		return -1;
	e->sent++;
	return 1;
}
