// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The route MTU toward bound home addresses (cn_mtu.h). */
#include "cn_mtu.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "netlink.h"
#include "xmip_maps.h"

#define RH2_LEN      24u     /* RFC 6275 §6.4: the header the datapath adds */
#define IPV6_MIN_MTU 1280u

uint32_t xmip_cn_mtu_for(uint32_t coa_mtu, uint32_t hoa_mtu)
{
	uint32_t mtu = coa_mtu > RH2_LEN ? coa_mtu - RH2_LEN : 0;

	if (hoa_mtu && hoa_mtu < mtu)
		mtu = hoa_mtu;
	return mtu < IPV6_MIN_MTU ? IPV6_MIN_MTU : mtu;
}

static struct xmip_nl_route_info ours(const struct in6_addr *hoa)
{
	struct xmip_nl_route_info r = {
		.table = RT_TABLE_MAIN, .dst = *hoa, .dst_len = 128,
		.priority = XMIP_CN_MTU_METRIC,
	};

	return r;
}

/* The path MTU toward a: the route's (a Packet Too Big's exception included), else its device's. */
static uint32_t path_mtu(const struct xmip_nl_route_info *r)
{
	char ifname[IF_NAMESIZE];
	int dev;

	if (r->mtu)
		return r->mtu;
	if (!r->ifindex || !if_indextoname(r->ifindex, ifname))
		return 0;
	dev = xmip_if_ipv6_mtu(ifname);
	return dev > 0 ? (uint32_t)dev : 0;
}

void xmip_cn_mtu_unbind(int nl, const struct in6_addr *hoa)
{
	struct xmip_nl_route_info r = ours(hoa);

	if (nl >= 0)
		xmip_nl_route(nl, &r, false);
}

int xmip_cn_mtu_bind(int nl, const struct in6_addr *hoa, const struct in6_addr *coa)
{
	struct xmip_nl_route_info to_coa, to_hoa, r = ours(hoa);
	uint32_t coa_mtu;
	int rc;

	if (nl < 0)
		return -EBADF;
	rc = xmip_nl_route_get(nl, coa, NULL, &to_coa);
	if (rc || to_coa.type != RTN_UNICAST || !(coa_mtu = path_mtu(&to_coa))) {
		log_warn("no route to care-of address %s: the route MTU toward %s is left as it is",
			 xmip_ip6str(coa), xmip_ip6str(hoa));
		return rc ? rc : -ENETUNREACH;
	}
	/* The kernel's own next hop toward the home address, not our route's:
	 * ours goes first (a moment without it only sends a full-size packet
	 * through the home agent). */
	xmip_nl_route(nl, &r, false);
	rc = xmip_nl_route_get(nl, hoa, NULL, &to_hoa);
	if (rc || to_hoa.type != RTN_UNICAST || !to_hoa.ifindex) {
		log_warn("no route to home address %s: its route MTU is left as it is",
			 xmip_ip6str(hoa));
		return rc ? rc : -ENETUNREACH;
	}
	r.has_gateway = to_hoa.has_gateway;
	r.gateway = to_hoa.gateway;
	r.ifindex = to_hoa.ifindex;
	r.mtu = xmip_cn_mtu_for(coa_mtu, to_hoa.mtu);
	rc = xmip_nl_route(nl, &r, true);
	if (!rc)
		log_debug("route %s/128 mtu %u (care-of address %s, path MTU %u, less the "
			  "routing header)", xmip_ip6str(hoa), r.mtu, xmip_ip6str(coa), coa_mtu);
	return rc;
}

struct adopt_ctx {
	int                           nl;
	const struct xmip_agent_maps *maps;
	uint64_t                      now;
	unsigned                      kept, dropped;
};

static bool live(const struct xmip_binding *b, uint64_t now)
{
	return b->encap == XMIP_ENCAP_RH2 && b->expires_ns > now;
}

/* A route of ours (main, /128, our metric) without a live binding: a previous agent's. */
static int adopt_route(const struct xmip_nl_route_info *r, void *arg)
{
	struct adopt_ctx *a = arg;
	struct xmip_binding b;

	if (r->table != RT_TABLE_MAIN || r->dst_len != 128 || r->priority != XMIP_CN_MTU_METRIC)
		return 0;
	if (xmip_binding_get(a->maps, r->dst.s6_addr, &b) == 0 && live(&b, a->now))
		return 0;
	xmip_cn_mtu_unbind(a->nl, &r->dst);
	a->dropped++;
	return 0;
}

static int adopt_binding(const uint8_t hoa[16], const struct xmip_binding *b, void *arg)
{
	struct adopt_ctx *a = arg;
	struct in6_addr h, c;

	if (!live(b, a->now))
		return 0;
	memcpy(h.s6_addr, hoa, 16);
	memcpy(c.s6_addr, b->coa, 16);
	if (!xmip_cn_mtu_bind(a->nl, &h, &c))
		a->kept++;
	return 0;
}

void xmip_cn_mtu_adopt(int nl, const struct xmip_agent_maps *maps, uint64_t now_ns)
{
	struct adopt_ctx a = { .nl = nl, .maps = maps, .now = now_ns };

	if (nl < 0)
		return;
	xmip_nl_dump_routes(nl, adopt_route, &a);
	xmip_binding_foreach(maps, adopt_binding, &a);
	if (a.kept || a.dropped)
		log_info("route MTU toward bound home addresses: %u route(s) made again, %u "
			 "left by a previous agent without a binding removed", a.kept, a.dropped);
}
