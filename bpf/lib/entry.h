/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The start every xmip XDP program shares: a configured instance, Ethernet, IPv6. */
#ifndef XMIP_BPF_ENTRY_H
#define XMIP_BPF_ENTRY_H

#include "common.h"
#include "maps.h"
#include "parse.h"
#include "stats.h"

/*
 * Returns the IPv6 next header (>= 0) with *cfg, *eth and *ip6 set and the
 * cursor past the IPv6 header; or -1 with *verdict set and the outcome
 * counted (not configured yet, not IPv6: pass; malformed: drop).
 */
static __always_inline int xmip_xdp_enter(struct xmip_cursor *c, struct xmip_config **cfg,
					  struct ethhdr **eth, struct ipv6hdr **ip6, int *verdict)
{
	int proto;

	*cfg = xmip_get_config();
	if (!*cfg || !((*cfg)->flags & XMIP_CFG_F_READY)) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		*verdict = XDP_PASS;
		return -1;
	}
	proto = xmip_parse_eth(c, eth);
	if (proto != ETH_P_IPV6) {
		xmip_count(proto < 0 ? XMIP_STAT_DROP_MALFORMED : XMIP_STAT_PASS_NOT_IPV6);
		*verdict = proto < 0 ? XDP_DROP : XDP_PASS;
		return -1;
	}
	proto = xmip_parse_ip6(c, ip6);
	if (proto < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		*verdict = XDP_DROP;
		return -1;
	}
	return proto;
}

/*
 * For a packet addressed to this node: walk its extension headers. Returns
 * the upper-layer protocol with *l filled in; or -1 with *verdict set and
 * counted: too many headers to walk (pass), malformed (drop), or a fragment
 * of signalling or of a tunnel packet (pass: handing on the first fragment
 * would give the agent a cut message or decapsulate half a packet; the
 * kernel has the other fragments and reassembles).
 */
static __always_inline int xmip_xdp_walk_local(struct xdp_md *ctx, struct xmip_cursor *c,
					       struct ipv6hdr *ip6, int proto,
					       struct xmip_ip6_layers *l, int *verdict)
{
	proto = xmip_parse_ext_xdp(ctx, c, ip6, sizeof(struct ethhdr), proto, l);
	if (proto == XMIP_PARSE_TOO_DEEP) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		*verdict = XDP_PASS;
		return -1;
	}
	if (proto < 0) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		*verdict = XDP_DROP;
		return -1;
	}
	if (proto == XMIP_IPPROTO_FRAGMENT ||
	    (l->frag && (proto == XMIP_IPPROTO_MH || proto == XMIP_IPPROTO_IPV6))) {
		xmip_count(XMIP_STAT_PASS_FRAGMENT);
		*verdict = XDP_PASS;
		return -1;
	}
	return proto;
}

#endif /* XMIP_BPF_ENTRY_H */
