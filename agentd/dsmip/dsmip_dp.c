// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The DSMIPv6 datapath seam (dsmip_dp.h): a binding becomes one record in
 * xmip_bindings per home address (the IPv6 one, and ::ffff:a.b.c.d for an
 * IPv4 one), written through the core's xmip_binding_put, which keeps the
 * fast-path slot (lib/fwtable.c) and its next hop (fwsync.c, IPv4 next
 * hops included) in step, as for Mobile IPv6 bindings. The record's coa is
 * the tunnel's far end: ::ffff:a.b.c.d for IPv6/IPv4-in-IPv4 (41, 4), the
 * same with the NAT's port in octets 8-9 (XMIP_FW_UDP_PORT_OFF) for UDP.
 * Proxy ARP and gratuitous ARP for a bound IPv4 home address follow
 * (dsmip_arp.c).
 */
#include "dsmip_dp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dsmip_arp.h"
#include "dsmip_policy.h"
#include "dsmip_table.h"
#include "log.h"
#include "maps.h"
#include "xmip_maps.h"

static const struct xmip_agent_maps *dp_maps;

void xmip_dsmip_dp_init(const struct xmip_agent_maps *maps)
{
	dp_maps = maps;
}

static const char *addr_str(const uint8_t a[16], char *buf, size_t len)
{
	if (xmip_is_v4_mapped(a))
		return inet_ntop(AF_INET, a + 12, buf, (socklen_t)len);
	return inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

int xmip_dsmip_dp_record(const struct xmip_dsmip_binding *b, struct xmip_binding *r)
{
	memset(r, 0, sizeof(*r));
	if (b->encap == XMIP_DSMIP_ENCAP_IP6) {
		/* IPv4-in-IPv6 to the IPv6 care-of address (§4.5.1) */
		if (xmip_is_v4_mapped(b->coa))
			return -1;
		r->encap = XMIP_ENCAP_IP6IP6;
		memcpy(r->coa, b->coa, 16);
		r->expires_ns = b->expires_ns;
		r->lifetime_s = b->lifetime_s;
		r->seq = b->seq;
		r->bu_flags = b->bu_flags & (uint16_t)~XMIP_BU_F_L;
		r->ifindex = b->ifindex;
		return 0;
	}
	if (!xmip_is_v4_mapped(b->observed_addr))
		return -1;   /* udp6: UDP over IPv6 is not in the datapath (docs/dsmip.md) */
	if (b->encap == XMIP_DSMIP_ENCAP_IPV4)
		r->encap = XMIP_ENCAP_IP4;
	else if (b->encap == XMIP_DSMIP_ENCAP_UDP4)
		r->encap = XMIP_ENCAP_UDP4;
	else
		return -1;
	memcpy(r->coa, b->observed_addr, 16);
	if (r->encap == XMIP_ENCAP_UDP4) {
		uint16_t port = htons(b->observed_port);

		memcpy(r->coa + XMIP_FW_UDP_PORT_OFF, &port, 2);
	}
	r->expires_ns = b->expires_ns;
	r->lifetime_s = b->lifetime_s;
	r->seq = b->seq;
	r->bu_flags = b->bu_flags & (uint16_t)~XMIP_BU_F_L;   /* no link-local alias over IPv4 */
	r->ifindex = b->ifindex;
	return 0;
}

void xmip_dsmip_dp_drop_v4(const struct xmip_dsmip_binding *old)
{
	struct xmip_binding r;

	if (!(old->flags & XMIP_DSMIP_B_IPV4_HOA))
		return;
	if (dp_maps && dp_maps->bindings >= 0 && xmip_binding_get(dp_maps, old->ipv4_hoa, &r) == 0)
		xmip_binding_del(dp_maps, old->ipv4_hoa);
	xmip_dsmip_arp_set(old->ipv4_hoa, old->ifindex, false);
}

int xmip_dsmip_dp_set(const struct xmip_dsmip_binding *b)
{
	char hoa[INET6_ADDRSTRLEN], v4[INET6_ADDRSTRLEN] = "-", dst[INET6_ADDRSTRLEN];
	bool has_v4 = b->flags & XMIP_DSMIP_B_IPV4_HOA;
	struct xmip_binding r, old;
	int rc = 0;

	addr_str(b->hoa, hoa, sizeof(hoa));
	if (has_v4)
		addr_str(b->ipv4_hoa, v4, sizeof(v4));
	if (b->encap == XMIP_DSMIP_ENCAP_NONE || xmip_dsmip_dp_record(b, &r)) {
		if (b->encap != XMIP_DSMIP_ENCAP_NONE)
			log_warn("dsmip datapath: %s: UDP over IPv6 is not carried by the datapath: "
				 "no tunnel", hoa);
		if (dp_maps && dp_maps->bindings >= 0) {
			/* Only records this family wrote: a MIPv6 binding of the HoA is mip6's. */
			if (xmip_binding_get(dp_maps, b->hoa, &old) == 0 &&
			    old.encap != XMIP_ENCAP_IP6IP6)
				xmip_binding_del(dp_maps, b->hoa);
			if (has_v4 && xmip_binding_get(dp_maps, b->ipv4_hoa, &old) == 0)
				xmip_binding_del(dp_maps, b->ipv4_hoa);
		}
		if (has_v4)
			xmip_dsmip_arp_set(b->ipv4_hoa, b->ifindex, false);
		log_info("dsmip datapath: withdraw %s%s%s", hoa, has_v4 ? " and " : "", has_v4 ? v4 : "");
		return 0;
	}
	addr_str(b->observed_addr, dst, sizeof(dst));
	if (b->encap == XMIP_DSMIP_ENCAP_IP6) {
		/* Only the IPv4 home address: the IPv6 one is the MIPv6 binding's. */
		if (dp_maps && dp_maps->bindings >= 0 && has_v4 &&
		    xmip_binding_put(dp_maps, b->ipv4_hoa, &r))
			rc = -1;
		if (has_v4)
			xmip_dsmip_arp_set(b->ipv4_hoa, b->ifindex, true);
		log_info("dsmip datapath: %s (IPv4 home address of %s) IPv4-in-IPv6 -> %s%s", v4, hoa,
			 dst, rc ? " (table refused it)" : "");
		return rc;
	}
	if (dp_maps && dp_maps->bindings >= 0) {
		if (xmip_binding_put(dp_maps, b->hoa, &r))
			rc = -1;
		if (has_v4 && xmip_binding_put(dp_maps, b->ipv4_hoa, &r))
			rc = -1;
	}
	if (has_v4)
		xmip_dsmip_arp_set(b->ipv4_hoa, b->ifindex, true);
	if (b->encap == XMIP_DSMIP_ENCAP_IPV4)
		log_info("dsmip datapath: %s%s%s IPv6/IPv4-in-IPv4 -> %s%s", hoa, has_v4 ? " and " : "",
			 has_v4 ? v4 : "", dst, rc ? " (table refused it)" : "");
	else
		log_info("dsmip datapath: %s%s%s IPv6/IPv4-in-UDP-in-IPv4 -> %s:%u%s%s", hoa,
			 has_v4 ? " and " : "", has_v4 ? v4 : "", dst, b->observed_port,
			 (b->flags & XMIP_DSMIP_B_NAT) ? " (NAT)" : "", rc ? " (table refused it)" : "");
	return rc;
}
