// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip correspondent node datapath: the entries of the CN role
 * (docs/DESIGN.md, "Datapath layout" and "Datapath, CN"). Each classifies
 * once and hands the packet to the handler of its family (bpf/ro/cn.h):
 *  - XDP ingress: IPv6 to the CN's address; a Mobility Header -> the
 *    agent; a Home Address option -> restored if from the bound care-of
 *    address, else dropped (Binding Error from the agent); a type-2
 *    routing header (the CN is no mobile node) -> dropped; everything
 *    else -> XDP_PASS, counted.
 *  - tc egress: IPv6 from the CN's address to a bound home address -> a
 *    type-2 routing header, to the care-of address.
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "lib/classify.h"
#include "lib/role_cn.h"
#include "ro/cn.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xmip_cn_xdp(struct xdp_md *ctx)
{
	struct xmip_local me = { };
	__u8 self[16];
	struct xmip_cls c;
	int verdict = XDP_PASS;

	if (xmip_cn_conf_load(self)) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return XDP_PASS;
	}
	me.ip6[0] = self;
	me.frag_ro = XMIP_FRAG_RO_HAO;   /* every fragment's HAO (ro/cn.h) */

	switch (xmip_classify_xdp(ctx, &me, &c, &verdict)) {
	case XMIP_CLS_DONE:
		return verdict;
	case XMIP_CLS_IP6_LOCAL:
		if (c.proto == XMIP_IPPROTO_MH) {
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_ro_cn_signal(ctx, &c);
		}
		if (c.ip6.has_hao)
			return xmip_ro_cn_hao(ctx, &c);
		if (c.ip6.dstopts_n > 1) {
			/* A HAO in an earlier Destination Options header: never
			 * restored (not where §6.3 puts it), never passed up unseen. */
			int r = xmip_xdp_hao_anywhere(ctx, c.l3_off);

			if (r < 0) {
				xmip_count(XMIP_STAT_DROP_MALFORMED);
				return XDP_DROP;
			}
			if (r > 0) {
				xmip_count(XMIP_STAT_RO_DROP_HAO_LAYOUT);
				return XDP_DROP;
			}
		}
		if (c.ip6.has_rh2) {
			xmip_count(XMIP_STAT_RO_DROP_RH2_TO_CN);
			return XDP_DROP;
		}
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	case XMIP_CLS_IP6_TRANSIT:
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	case XMIP_CLS_IP4_LOCAL:
	case XMIP_CLS_IP4_TRANSIT:
	case XMIP_CLS_IP4_INVALID:
	case XMIP_CLS_OTHER:
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return XDP_PASS;
	}
	xmip_count(XMIP_STAT_DROP_MALFORMED);
	return XDP_DROP;
}

SEC("tc")
int xmip_cn_egress(struct __sk_buff *skb)
{
	__u8 self[16];

	if (xmip_cn_conf_load(self)) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return TC_ACT_OK;
	}
	if (skb->protocol != bpf_htons(ETH_P_IPV6)) {
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	return xmip_ro_cn_egress(skb, self);
}
