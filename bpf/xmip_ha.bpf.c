// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip home agent datapath: the entries of the HA role. Each classifies a
 * packet once (bpf/lib/classify.h) and hands it to the handler of the
 * family it belongs to (docs/DESIGN.md, "Datapath layout"):
 *
 *   IPv6 to the HA, Mobility Header        -> mip6: to the agent, drop
 *   IPv6 to the HA with a Home Address
 *     option (not MH)                      -> ro: restored if from the bound CoA,
 *                                             else dropped (Binding Error 1)
 *   IPv6 to the HA, IPv6-in-IPv6           -> mip6: reverse tunnel
 *   IPv6 to the HA, ICMPv6 error about one
 *     of our tunnel packets                -> to the agent (path MTU, relay)
 *   IPv6 to a home address with a binding  -> the binding's encapsulation
 *                                             (mip6: IPv6-in-IPv6 to the CoA)
 *   IPv6 to a bound MN's link-local address-> Destination Unreachable code 3
 *   IPv4 to a bound IPv4 home address      -> dsmip: the binding's encapsulation
 *   IPv4 to the HA: 41, 4, UDP 4191        -> dsmip: reverse tunnel (signalling in
 *                                             UDP 4191 passed to the agent's socket)
 *   IPv4 to a bound IPv4 home address of
 *     a Mobile IPv4 binding                -> mip4: IP-in-IP, minimal, GRE (in UDP 434)
 *   IPv4 to the HA: 4, 55, 47, UDP 434     -> mip4: reverse tunnel (RFC 3024, 3519);
 *                                             4 of no mip4 binding -> dsmip
 *   everything else                        -> to the kernel, counted
 *
 * Three programs: xmip_ha_xdp (native XDP, the fast path), xmip_ha_tc_in
 * (tc ingress: everything in xdp-mode = tc; in XDP mode only what the XDP
 * program handed on, i.e. packets whose next hop the agent has not
 * prepared) and xmip_ha_tc_out (tc egress: the HA's own packets to a
 * bound home address). Plus xmip_clock, which user space runs to read
 * jiffies (lib/fwclock.h).
 *
 * A new family adds its handler file under bpf/<family>/ and its cases
 * here (a protocol or UDP port to the HA, an encapsulation of a binding).
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "lib/classify.h"
#include "lib/role_ha.h"
#include "mip6/ha.h"
#include "dsmip/ha.h"
#include "mip4/ha.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int xmip_ha_xdp_main(struct xdp_md *ctx)
{
	struct xmip_local me = { };
	struct xmip_ha_conf conf;
	struct xmip_fw_view b;
	struct xmip_cls c;
	int verdict = XDP_PASS;

	xmip_ha_conf_load(&conf);
	if (!conf.ready) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return XDP_PASS;
	}
	me.ip6[0] = conf.self_addr;
	me.ip4 = conf.self_addr4;
	me.frag_ro = XMIP_FRAG_RO_HAO;   /* every fragment's HAO (ro/ha.h) */

	switch (xmip_classify_xdp(ctx, &me, &c, &verdict)) {
	case XMIP_CLS_DONE:
		return verdict;
	case XMIP_CLS_IP6_LOCAL:
		/* The HA as a correspondent (RFC 6275 §9.3.1, ro/ha.h). */
		if (c.ip6.has_hao && c.proto != XMIP_IPPROTO_MH)
			return xmip_ro_ha_hao(ctx, &c);
		switch (c.proto) {
		case XMIP_IPPROTO_MH:
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_mip6_ha_signal(ctx, &c);
		case XMIP_IPPROTO_IPV6: {
			int act;

			if (c.frag)
				return xmip_cls_pass_fragment();
			/* b: the binding of the inner source */
			act = xmip_mip6_ha_reverse(ctx, &c, &b);
			if (act == XMIP_ACT_NEXT)
				act = xmip_mip6_ha_retunnel(ctx, &c, &b);
			if (act == XMIP_ACT_NEXT)
				act = xmip_mip6_ha_decap(ctx, &c);
			return act;
		}
		case XMIP_IPPROTO_IPIP:
			/* IPv4-in-IPv6 from an MN's IPv6 CoA (RFC 5555 §4.1) */
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_dsmip_ha_reverse(ctx, &c);
		case XMIP_IPPROTO_ICMPV6:
			if (c.frag)
				break;
			return xmip_mip6_ha_icmp(ctx, &c);
		}
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	case XMIP_CLS_IP6_TRANSIT: {
		void *data = (void *)(long)ctx->data;
		void *data_end = (void *)(long)ctx->data_end;
		struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

		if ((void *)(ip6 + 1) > data_end)   /* cannot be: classify parsed it */
			break;
		/* One lookup, one slot: every family's bindings share the table;
		 * a second (the NEMO prefixes) only when it misses. */
		if (xmip_ha_binding_or_mnp(&ip6->daddr, &b)) {
			xmip_count(XMIP_STAT_PASS_NOT_OURS);
			return XDP_PASS;
		}
		if (b.flags & XMIP_FW_F_LINKLOCAL)
			return xmip_mip6_ha_linklocal(ctx);
		/* Dead after its lifetime even if no agent deletes it (RFC 6275 §6.1.7). */
		if (xmip_fw_expired(&b, bpf_jiffies64())) {
			xmip_count(XMIP_STAT_PASS_BINDING_EXPIRED);
			return XDP_PASS;
		}
		switch (b.encap) {
		case XMIP_ENCAP_IP6IP6:
			return xmip_mip6_ha_intercept(ctx, &c, &b);
		case XMIP_ENCAP_IP4:
		case XMIP_ENCAP_UDP4:
			return xmip_dsmip_ha_intercept(ctx, &b);
		}
		/* Passed up, the kernel would send it to the home link, where
		 * the HA itself answers for the HoA: nowhere to deliver it. */
		xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
		return XDP_DROP;
	}
	case XMIP_CLS_IP4_LOCAL:
		if (c.proto == XMIP_IPPROTO_IPIP || c.proto == XMIP_IPPROTO_GRE ||
		    c.proto == XMIP_IPPROTO_MINENC ||
		    (c.proto == XMIP_NAT_UDP && c.dport == XMIP_MIP4_PORT)) {
			int act;

			if (c.frag)
				return xmip_cls_pass_fragment();
			act = xmip_mip4_ha_reverse(ctx, &c);
			if (act != XMIP_ACT_NEXT)
				return act;
		}
		if (c.proto == XMIP_IPPROTO_IPV6 || c.proto == XMIP_IPPROTO_IPIP ||
		    (c.proto == XMIP_NAT_UDP && c.dport == XMIP_DSMIP_UDP_PORT)) {
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_dsmip_ha_reverse(ctx, &c);
		}
		if (c.proto == XMIP_NAT_ICMP && !c.frag) {
			int act = xmip_mip4_ha_icmp(ctx);   /* RFC 2003 §4: relayed on tc */

			if (act != XMIP_ACT_NEXT)
				return act;
		}
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return XDP_PASS;
	case XMIP_CLS_IP4_TRANSIT: {
		int act = xmip_dsmip_ha_lookup4(ctx, &b);   /* ::ffff:<destination> */

		if (act == XMIP_ACT_NEXT)
			act = xmip_mip4_encap(b.encap) ? xmip_mip4_ha_intercept(ctx, &b) :
							 xmip_dsmip_ha_intercept(ctx, &b);
		return act;
	}
	case XMIP_CLS_IP4_INVALID:
	case XMIP_CLS_OTHER:
		/* Not ours: the kernel's, as before. */
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return XDP_PASS;
	}
	xmip_count(XMIP_STAT_DROP_MALFORMED);
	return XDP_DROP;
}

SEC("xdp")
int xmip_ha_xdp(struct xdp_md *ctx)
{
	int act = xmip_ha_xdp_main(ctx);

	/* Handed on to tc on purpose: unmarked, so tc ingress takes it. */
	if (act == XMIP_ACT_TO_TC)
		return XDP_PASS;
	/* Decided (and counted) here: tc ingress leaves it alone. */
	if (act == XDP_PASS)
		xmip_xdp_mark_done(ctx);
	return act;
}

static __always_inline int xmip_tc_verdict(int xdp_verdict)
{
	return xdp_verdict == XDP_DROP ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int xmip_ha_tc_in(struct __sk_buff *skb)
{
	struct xmip_local me = { };
	struct xmip_ha_conf conf;
	struct xmip_fw_view b;
	struct xmip_cls c;
	int verdict = XDP_PASS;

	if (xmip_tc_marked_done(skb))
		return TC_ACT_OK;
	xmip_ha_conf_load(&conf);
	if (!conf.ready) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return TC_ACT_OK;
	}
	if (xmip_tc_pull(skb)) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	me.ip6[0] = conf.self_addr;
	me.ip4 = conf.self_addr4;
	me.frag_ro = XMIP_FRAG_RO_HAO;   /* every fragment's HAO (ro/ha.h) */

	switch (xmip_classify_tc(skb, &me, &c, &verdict)) {
	case XMIP_CLS_DONE:
		return xmip_tc_verdict(verdict);
	case XMIP_CLS_IP6_LOCAL:
		if (c.ip6.has_hao && c.proto != XMIP_IPPROTO_MH)
			return xmip_ro_ha_hao_tc(skb, &c);
		switch (c.proto) {
		case XMIP_IPPROTO_MH:
			if (c.frag)
				return xmip_tc_verdict(xmip_cls_pass_fragment());
			xmip_mip6_ha_signal_tc(skb, &c);
			return TC_ACT_SHOT;
		case XMIP_IPPROTO_IPV6: {
			int act;

			if (c.frag)
				return xmip_tc_verdict(xmip_cls_pass_fragment());
			act = xmip_mip6_ha_reverse_tc(skb, &c, &b);
			if (act == XMIP_ACT_NEXT)
				act = xmip_mip6_ha_retunnel_tc(skb, &c, &b);
			if (act == XMIP_ACT_NEXT)
				act = xmip_mip6_ha_decap_tc(skb, &c);
			return act;
		}
		case XMIP_IPPROTO_IPIP:
			if (c.frag)
				return xmip_tc_verdict(xmip_cls_pass_fragment());
			return xmip_dsmip_ha_reverse_tc(skb, &c);
		case XMIP_IPPROTO_ICMPV6:
			if (c.frag)
				break;
			return xmip_mip6_ha_icmp_tc(skb, &c);
		}
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return TC_ACT_OK;
	case XMIP_CLS_IP6_TRANSIT: {
		void *data = xmip_skb_data(skb);
		void *data_end = xmip_skb_data_end(skb);
		struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

		if ((void *)(ip6 + 1) > data_end)
			break;
		if (xmip_ha_binding_or_mnp(&ip6->daddr, &b)) {
			xmip_count(XMIP_STAT_PASS_NOT_OURS);
			return TC_ACT_OK;
		}
		if (b.flags & XMIP_FW_F_LINKLOCAL)
			return xmip_mip6_ha_linklocal_tc(skb);
		if (xmip_fw_expired(&b, bpf_jiffies64())) {
			xmip_count(XMIP_STAT_PASS_BINDING_EXPIRED);
			return TC_ACT_OK;
		}
		switch (b.encap) {
		case XMIP_ENCAP_IP6IP6:
			return xmip_mip6_ha_intercept_tc(skb, &c, &b);
		case XMIP_ENCAP_IP4:
		case XMIP_ENCAP_UDP4:
			return xmip_dsmip_ha_intercept_tc(skb, &b);
		}
		xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
		return TC_ACT_SHOT;
	}
	case XMIP_CLS_IP4_LOCAL:
		if (c.proto == XMIP_IPPROTO_IPIP || c.proto == XMIP_IPPROTO_GRE ||
		    c.proto == XMIP_IPPROTO_MINENC ||
		    (c.proto == XMIP_NAT_UDP && c.dport == XMIP_MIP4_PORT)) {
			int act;

			if (c.frag)
				return xmip_tc_verdict(xmip_cls_pass_fragment());
			act = xmip_mip4_ha_reverse_tc(skb, &c);
			if (act != XMIP_ACT_NEXT)
				return act;
		}
		if (c.proto == XMIP_IPPROTO_IPV6 || c.proto == XMIP_IPPROTO_IPIP ||
		    (c.proto == XMIP_NAT_UDP && c.dport == XMIP_DSMIP_UDP_PORT)) {
			if (c.frag)
				return xmip_tc_verdict(xmip_cls_pass_fragment());
			return xmip_dsmip_ha_reverse_tc(skb, &c);
		}
		if (c.proto == XMIP_NAT_ICMP && !c.frag) {
			int act = xmip_mip4_ha_icmp_tc(skb);   /* RFC 2003 §4 */

			if (act != XMIP_ACT_NEXT)
				return act;
		}
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	case XMIP_CLS_IP4_TRANSIT: {
		int act = xmip_dsmip_ha_lookup4_tc(skb, &b);

		if (act == XMIP_ACT_NEXT)
			act = xmip_mip4_encap(b.encap) ? xmip_mip4_ha_intercept_tc(skb, &b) :
							 xmip_dsmip_ha_intercept_tc(skb, &b);
		return act;
	}
	case XMIP_CLS_IP4_INVALID:
	case XMIP_CLS_OTHER:
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	xmip_count(XMIP_STAT_DROP_MALFORMED);
	return TC_ACT_SHOT;
}

SEC("tc")
int xmip_ha_tc_out(struct __sk_buff *skb)
{
	int act;

	if (!xmip_ha_conf.ready)
		return TC_ACT_OK;
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		act = xmip_mip4_ha_egress(skb);     /* to a home address bound through MIPv4 */
		if (act == XMIP_ACT_NEXT)
			act = xmip_dsmip_ha_egress(skb);   /* ... through DSMIPv6 */
		return act;
	}
	if (skb->protocol != bpf_htons(ETH_P_IPV6))
		return TC_ACT_OK;
	act = xmip_mip6_ha_egress(skb);
	if (act == XMIP_ACT_NEXT)
		act = xmip_dsmip_ha_egress(skb);    /* bound through DSMIPv6 */
	return act;
}

/* Jiffies for user space (lib/fwclock.h): run by BPF_PROG_RUN, never attached. */
SEC("syscall")
int xmip_clock(struct xmip_clock_ctx *c)
{
	c->jiffies = bpf_jiffies64();
	c->mono_ns = bpf_ktime_get_ns();
	c->boot_ns = bpf_ktime_get_boot_ns();
	return 0;
}
