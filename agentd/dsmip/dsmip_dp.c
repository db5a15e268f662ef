// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The DSMIPv6 datapath seam (dsmip_dp.h): logs what it would program. */
#include "dsmip_dp.h"

#include <arpa/inet.h>
#include <stdio.h>

#include "dsmip_policy.h"
#include "dsmip_table.h"
#include "log.h"

static const char *addr_str(const uint8_t a[16], char *buf, size_t len)
{
	if (xmip_is_v4_mapped(a))
		return inet_ntop(AF_INET, a + 12, buf, (socklen_t)len);
	return inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

int xmip_dsmip_dp_set(const struct xmip_dsmip_binding *b)
{
	char hoa[INET6_ADDRSTRLEN], v4[INET6_ADDRSTRLEN] = "-", dst[INET6_ADDRSTRLEN],
	     src[INET6_ADDRSTRLEN];
	bool has_v4 = b->flags & XMIP_DSMIP_B_IPV4_HOA;

	addr_str(b->hoa, hoa, sizeof(hoa));
	if (has_v4)
		addr_str(b->ipv4_hoa, v4, sizeof(v4));
	if (b->encap == XMIP_DSMIP_ENCAP_NONE) {
		log_info("dsmip datapath: withdraw %s%s%s", hoa, has_v4 ? " and " : "", has_v4 ? v4 : "");
		return 0;
	}
	addr_str(b->observed_addr, dst, sizeof(dst));
	addr_str(b->local_addr, src, sizeof(src));
	if (b->encap == XMIP_DSMIP_ENCAP_IPV4)
		log_info("dsmip datapath: %s IPv6-in-IPv4 %s -> %s%s%s%s", hoa, src, dst,
			 has_v4 ? "; " : "", has_v4 ? v4 : "", has_v4 ? " IPv4-in-IPv4 (same ends)" : "");
	else
		log_info("dsmip datapath: %s%s%s IPv6%s-in-UDP-in-%s %s:%u -> %s:%u%s", hoa,
			 has_v4 ? " and " : "", has_v4 ? v4 : "", has_v4 ? "/IPv4" : "",
			 b->encap == XMIP_DSMIP_ENCAP_UDP4 ? "IPv4" : "IPv6", src, b->local_port, dst,
			 b->observed_port, (b->flags & XMIP_DSMIP_B_NAT) ? " (NAT)" : "");
	return 0;
}
