// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Parsing the datapath's ICMPv6 reports and building relays: pure code (icmp_report.h). */
#include "icmp_report.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "addr.h"
#include "icmp6err.h"
#include <linux/types.h>

#include "xmip_wire.h"

#define IP6_HLEN    40
#define ICMP6_HLEN  8
#define ICMP6_DU    1
#define ICMP6_PTB   2
#define ICMP6_TE    3
#define DU_ADDR_UNREACH 3

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int xmip_icmp_report_parse(const uint8_t *buf, size_t len, struct xmip_icmp_report *r)
{
	const uint8_t *icmp = buf + IP6_HLEN, *tun = icmp + ICMP6_HLEN, *in = tun + IP6_HLEN;
	size_t plen;

	memset(r, 0, sizeof(*r));
	if (!buf || len < IP6_HLEN + ICMP6_HLEN + IP6_HLEN + IP6_HLEN)
		return -EINVAL;
	if ((buf[0] >> 4) != 6 || buf[6] != XMIP_IPPROTO_ICMPV6)
		return -EINVAL;
	plen = (size_t)buf[4] << 8 | buf[5];
	/* The report may be cut short of the packet; never longer. */
	if (IP6_HLEN + plen < IP6_HLEN + ICMP6_HLEN + IP6_HLEN + IP6_HLEN)
		return -EINVAL;
	if (len > IP6_HLEN + plen)
		len = IP6_HLEN + plen;
	memcpy(&r->from, buf + 8, 16);
	memcpy(&r->to, buf + 24, 16);
	r->type = icmp[0];
	r->code = icmp[1];
	r->info = rd32(icmp + 4);
	if (r->type != ICMP6_DU && r->type != ICMP6_PTB && r->type != ICMP6_TE)
		return -EINVAL;
	/* The quoted tunnel header: IPv6, next header 41 (no extension headers:
	 * ours have none), then the inner IPv6 header. */
	if ((tun[0] >> 4) != 6 || tun[6] != XMIP_IPPROTO_IPV6 || (in[0] >> 4) != 6)
		return -EINVAL;
	memcpy(&r->tun_src, tun + 8, 16);
	memcpy(&r->tun_dst, tun + 24, 16);
	r->inner = in;
	r->inner_len = len - (size_t)(in - buf);
	memcpy(&r->in_src, in + 8, 16);
	memcpy(&r->in_dst, in + 24, 16);
	r->in_nh = in[6];
	if (r->in_nh == XMIP_IPPROTO_ICMPV6 && r->inner_len > IP6_HLEN)
		r->in_icmp_type = in[IP6_HLEN];
	return 0;
}

int xmip_icmp_relay_build(const struct xmip_icmp_report *r, const struct in6_addr *self,
			  uint8_t *out, size_t cap)
{
	/* No error about an error (RFC 4443 §2.4(e.1)), none to a source that
	 * takes none (§2.4(e): icmp6err.c's rule), none to ourselves. */
	if ((r->in_nh == XMIP_IPPROTO_ICMPV6 && (r->inner_len <= IP6_HLEN || r->in_icmp_type < 128)) ||
	    !xmip_icmp6_error_allowed(&r->in_src, &r->in_dst) || xmip_addr_eq(&r->in_src, self))
		return -1;
	/* RFC 2473 §8.2: whatever went wrong inside the tunnel (hop limit,
	 * unreachable node) reaches the original source as "address
	 * unreachable"; built by the agent's one ICMPv6 error builder. */
	return xmip_icmp6_build_error(out, cap, self, &r->in_src, ICMP6_DU, DU_ADDR_UNREACH, 0,
				      r->inner, r->inner_len);
}
