// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "icmp_report.h"
#include "icmp4_report.h"

#include <errno.h>
#include <string.h>

#include "addr.h"
#include "clock.h"
#include "core.h"
#include "csum.h"
#include "log.h"
#include "maps.h"
#include "rawsend.h"
#include "srcrate.h"
#include "xmip_wire.h"

#define IP6_HLEN    40
#define ICMP6_HLEN  8
#define ICMP6_DU    1
#define ICMP6_PTB   2
#define ICMP6_TE    3
#define RELAY_MAX   XMIP_IPV6_MIN_MTU   /* an ICMPv6 error fits the minimum MTU */
/* Relays: at most this many a second, in bursts of RELAY_BURST (RFC 4443 §2.4(f)). */
#define RELAY_PER_SEC 100
#define RELAY_BURST   20

/* The relays' token bucket (per agent), the agent's one GCRA (srcrate.h). */
static bool relay_allowed(void)
{
	static struct xmip_gcra g;

	if (!g.interval_ns)
		xmip_gcra_init(&g, RELAY_PER_SEC, RELAY_BURST);
	return xmip_gcra_take(&g, xmip_now_ns());
}

static void ha_report(struct xmip_core *c, const struct xmip_icmp_report *r)
{
	const struct in6_addr *self = &c->conf->address;
	struct xmip_binding b;
	uint8_t out[RELAY_MAX];
	int len;

	/* Our tunnel packet for a live binding, or nothing we act on. */
	if (!xmip_addr_eq(&r->tun_src, self) || xmip_binding_get(c->maps, r->in_dst.s6_addr, &b) ||
	    !xmip_addr_eq(b.coa, &r->tun_dst) || b.expires_ns <= xmip_now_ns()) {
		log_debug("ICMPv6 type %u from %s about a tunnel packet to %s: no such binding",
			  r->type, xmip_ip6str(&r->from), xmip_ip6str(&r->tun_dst));
		return;
	}
	if (r->type == ICMP6_PTB) {
		uint32_t in = r->info > IP6_HLEN ? r->info - IP6_HLEN : 0;

		if (in < XMIP_IPV6_MIN_MTU)
			in = XMIP_IPV6_MIN_MTU;   /* RFC 2473 §7.1: the tunnel carries 1280 */
		if (in > 65535 || (b.path_mtu && in >= b.path_mtu))
			return;
		b.path_mtu = (uint16_t)in;
		if (xmip_binding_put(c->maps, r->in_dst.s6_addr, &b) == 0) {
			xmip_core_pmtu_learnt(c, r->in_dst.s6_addr);   /* forgotten in 10 min */
			log_info("path MTU to CoA %s is %u (Packet Too Big from %s): HoA %s takes "
				 "inner packets of at most %u", xmip_ip6str(&r->tun_dst), r->info,
				 xmip_ip6str(&r->from), xmip_ip6str(&r->in_dst), in);
		}
		return;
	}
	if (!relay_allowed())
		return;
	len = xmip_icmp_relay_build(r, self, out, sizeof(out));
	if (len < 0)
		return;
	if (xmip_rawsend(c->raw, out, (size_t)len, 0) == 0)
		log_debug("relayed ICMPv6 type %u code %u from %s (tunnel to %s) to %s as "
			  "Destination Unreachable code 3", r->type, r->code, xmip_ip6str(&r->from),
			  xmip_ip6str(&r->tun_dst), xmip_ip6str(&r->in_src));
}

static void mn_report(struct xmip_core *c, const struct xmip_icmp_report *r)
{
	uint32_t in;

	if (r->type != ICMP6_PTB || !xmip_addr_eq(&r->tun_dst, &c->conf->home_agent))
		return;
	in = r->info > IP6_HLEN ? r->info - IP6_HLEN : 0;
	if (in < XMIP_IPV6_MIN_MTU)
		in = XMIP_IPV6_MIN_MTU;
	log_info("Packet Too Big from %s: %u on the path to the home agent", xmip_ip6str(&r->from),
		 r->info);
	for (size_t i = 0; i < c->n_fams; i++)
		if (c->fams[i].ops->tunnel_mtu)
			c->fams[i].ops->tunnel_mtu(&c->fams[i], &r->tun_src, in);
}

void xmip_icmp_report_handle(struct xmip_core *c, uint32_t ifindex, const uint8_t *pkt,
			     size_t len)
{
	struct xmip_icmp_report r;

	(void)ifindex;
	/* IPv4: a Fragmentation Needed from inside a Mobile IPv4 tunnel. */
	if (len && pkt[0] >> 4 == 4) {
		xmip_icmp4_report_handle(c, pkt, len);
		return;
	}
	if (xmip_icmp_report_parse(pkt, len, &r)) {
		log_debug("ICMPv6 report of %zu octets not understood", len);
		return;
	}
	if (c->conf->role == XMIP_ROLE_HA)
		ha_report(c, &r);
	else
		mn_report(c, &r);
}
