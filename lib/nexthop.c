// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "nexthop.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "fwtable.h"
#include "netlink.h"

#define TUNNEL_HDR 40   /* the outer IPv6 header (RFC 2473) */

/* Octets of outer header an encapsulation adds (enum xmip_encap; coa: a UDP port?). */
static uint32_t tunnel_hdr(uint8_t encap, const uint8_t coa[16])
{
	/* Mobile IPv4 in UDP 434: UDP and the MIP Tunnel Data header (RFC 3519 §3.3). */
	uint32_t udp = (coa[XMIP_FW_UDP_PORT_OFF] || coa[XMIP_FW_UDP_PORT_OFF + 1]) ? 8 + 4 : 0;

	switch (encap) {
	case XMIP_ENCAP_IP4:  return 20;        /* IPv4 (RFC 5555 §4.1) */
	case XMIP_ENCAP_UDP4: return 20 + 8;    /* IPv4 + UDP */
	case XMIP_ENCAP_MIP4_IPIP:   return 20 + udp;       /* RFC 2003 */
	case XMIP_ENCAP_MIP4_MINENC: return 12 + udp;       /* RFC 2004, S = 1 */
	case XMIP_ENCAP_MIP4_GRE:    return 20 + 4 + udp;   /* RFC 2784, no options */
	}
	return TUNNEL_HDR;
}

int xmip_nh_resolve(int nl, const struct in6_addr *src, const struct in6_addr *dst_in,
		    struct xmip_nh_info *out)
{
	struct xmip_nl_route_info r;
	struct xmip_nl_neigh_info ni;
	char ifname[IF_NAMESIZE];
	struct in6_addr d = *dst_in, *dst = &d;
	int rc;

	memset(out, 0, sizeof(*out));
	/* A UDP tunnel end (::PORT:ffff:a.b.c.d, XMIP_FW_UDP_PORT_OFF) is
	 * routed as its IPv4 address. */
	if (!d.s6_addr32[0] && !d.s6_addr32[1] && d.s6_addr[10] == 0xff && d.s6_addr[11] == 0xff)
		d.s6_addr[8] = d.s6_addr[9] = 0;
	rc = xmip_nl_route_get(nl, dst, src, &r);
	if (rc == -ENETUNREACH || rc == -EHOSTUNREACH || rc == -EACCES || rc == -EINVAL)
		return 0;   /* no route: not routed */
	if (rc)
		return rc;
	if (r.type != RTN_UNICAST || !r.ifindex)
		return 0;
	out->routed = true;
	out->ifindex = r.ifindex;
	out->via = r.has_gateway ? r.gateway : *dst;
	out->mtu = r.mtu;
	if (if_indextoname(r.ifindex, ifname)) {
		int dev = xmip_if_ipv6_mtu(ifname);

		if (dev > 0 && (!out->mtu || (uint32_t)dev < out->mtu))
			out->mtu = (uint32_t)dev;
		if (xmip_if_hwaddr(ifname, out->smac))
			return 0;   /* no MAC: not an Ethernet device we can prepare */
	} else {
		return 0;
	}
	rc = xmip_nl_neigh_get(nl, r.ifindex, &out->via, &ni);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	if (ni.has_mac && xmip_nl_neigh_usable(ni.state)) {
		memcpy(out->dmac, ni.mac, 6);
		out->resolved = true;
	}
	return 0;
}

void xmip_fw_entry_set_nh(struct xmip_fw_entry *e, const struct xmip_nh_info *nh)
{
	if (!nh->routed)
		return;
	e->ifindex = nh->ifindex;
	if (nh->mtu > tunnel_hdr(e->encap, e->coa)) {
		uint32_t in = nh->mtu - tunnel_hdr(e->encap, e->coa);

		if (in < 1280)
			in = 1280;
		if (!e->mtu || in < e->mtu)
			e->mtu = (uint16_t)(in > 65535 ? 65535 : in);
	}
	if (nh->resolved) {
		memcpy(e->smac, nh->smac, 6);
		memcpy(e->dmac, nh->dmac, 6);
		e->flags |= XMIP_FW_F_NH;
	}
}
