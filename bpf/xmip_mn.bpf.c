// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip mobile node datapath: the entries of the MN role (docs/DESIGN.md,
 * "Datapath layout"). Each classifies once and hands the packet to the
 * handler of its family:
 *  - XDP ingress: IPv6 to the CoA or the HoA; a Mobility Header -> mip6
 *    signalling to the agent; IPv6-in-IPv6 -> mip6 decapsulation (only
 *    from the home agent); everything else -> XDP_PASS, counted.
 *  - XDP ingress, IPv4 to the IPv4 CoA, IPv4-in-IPv6: DSMIPv6 decapsulation
 *    from the home agent (mip6/mn_dsmip.h); the BA in UDP 4191 to the agent's
 *    socket.
 *  - XDP ingress, a type-2 routing header carrying the HoA (route
 *    optimisation, ro/mn.h): removed, the HoA the destination, passed up.
 *  - XDP ingress, the MN as a correspondent (ro/mn_cn.h): a Home Address
 *    option from a peer bound at us -> restored (also after an RH2), else
 *    dropped and reported (Binding Error 1); HoTI, CoTI, BU -> the agent's
 *    correspondent (family ro).
 *  - tc egress: IPv6 -> mip6: while away, packets sourced from the HoA
 *    are tunnelled to the home agent (the agent's HoTI too), or, to a
 *    correspondent holding our binding (ro/mn.h), sent from the CoA with
 *    a Home Address option;
 *    IPv4 from the IPv4 HoA -> the DSMIPv6 tunnel (mode from the BA).
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "lib/classify.h"
#include "lib/role_mn.h"
#include "mip6/mn.h"
#include "ro/mn_cn.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xmip_mn_xdp(struct xdp_md *ctx)
{
	struct xmip_local me = { };
	struct xmip_mn_view v;
	struct xmip_cls c;
	int verdict = XDP_PASS;

	if (xmip_mn_view_load(&v)) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return XDP_PASS;
	}
	me.ip6[0] = v.coa;
	me.ip6[1] = v.hoa;
	me.ip4 = v.coa4;
	/* every fragment's RH2 (ro/mn.h) and, as a correspondent, HAO (ro/mn_cn.h) */
	me.frag_ro = XMIP_FRAG_RO_RH2 | XMIP_FRAG_RO_HAO;

	switch (xmip_classify_xdp(ctx, &me, &c, &verdict)) {
	case XMIP_CLS_DONE:
		return verdict;
	case XMIP_CLS_IP6_LOCAL:
		/* From a correspondent through its binding (RFC 6275 §11.3.3),
		 * from a peer bound at us (a HAO, §9.3.1), or both; a Mobility
		 * Header goes to the agent with its headers. */
		if (c.proto != XMIP_IPPROTO_MH) {
			int r = xmip_ro_mn_cn_ingress(ctx, &c, &v);

			if (r != XMIP_RO_MN_CN_NONE)
				return r;
		}
		switch (c.proto) {
		case XMIP_IPPROTO_MH:
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_ro_mn_cn_signal(ctx, &c);
		case XMIP_IPPROTO_IPV6:
			if (c.frag)
				return xmip_cls_pass_fragment();
			verdict = xmip_mip6_mn_decap(ctx, &c, &v);
			/* A peer's HAO inside (ro/mn_cn.h): its own frame, not decap's. */
			if (verdict == XMIP_RO_MN_CN_DECAPPED)
				return xmip_ro_mn_cn_decapped(ctx);
			return verdict;
		case XMIP_IPPROTO_IPIP:
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_dsmip_mn_decap6_ip4(ctx, &c, &v);
		case XMIP_IPPROTO_ICMPV6:
			if (c.frag)
				break;
			return xmip_mip6_mn_icmp(ctx, &c, &v);
		}
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	case XMIP_CLS_IP6_TRANSIT:
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	case XMIP_CLS_IP4_LOCAL:
		/* To the IPv4 care-of address: DSMIPv6 tunnels from the HA. */
		return xmip_dsmip_mn_decap4(ctx, &c, &v);
	case XMIP_CLS_IP4_TRANSIT:
	case XMIP_CLS_IP4_INVALID:
	case XMIP_CLS_OTHER:
		/* No IPv4 family yet: the kernel's, as before. */
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return XDP_PASS;
	}
	xmip_count(XMIP_STAT_DROP_MALFORMED);
	return XDP_DROP;
}

SEC("tc")
int xmip_mn_egress(struct __sk_buff *skb)
{
	struct xmip_mn_view v;

	if (xmip_mn_view_load(&v)) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return TC_ACT_OK;
	}
	if (skb->protocol == bpf_htons(ETH_P_IP))
		return xmip_dsmip_mn_egress4(skb, &v);
	if (skb->protocol != bpf_htons(ETH_P_IPV6)) {
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	return xmip_mip6_mn_egress(skb, &v);
}
