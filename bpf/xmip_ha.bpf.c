// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip home agent datapath: the one XDP entry of the HA role. It
 * classifies each frame once (bpf/lib/classify.h) and hands it to the
 * handler of the family it belongs to (docs/DESIGN.md, "Datapath layout"):
 *
 *   IPv6 to the HA, Mobility Header        -> mip6: to the agent, drop
 *   IPv6 to the HA, IPv6-in-IPv6           -> mip6: reverse tunnel
 *   IPv6 to a home address with a binding  -> the binding's encapsulation
 *                                             (mip6: IPv6-in-IPv6 to the CoA)
 *   everything else, IPv4 included         -> XDP_PASS, counted
 *
 * A new family adds its handler file under bpf/<family>/ and its cases
 * here (a protocol or UDP port to the HA, an encapsulation of a binding).
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "lib/classify.h"
#include "lib/role_ha.h"
#include "mip6/ha.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xmip_ha_xdp(struct xdp_md *ctx)
{
	struct xmip_local me = { };
	struct xmip_ha_conf conf;
	struct xmip_binding b;
	struct xmip_cls c;
	int verdict = XDP_PASS;

	xmip_ha_conf_load(&conf);
	if (!conf.ready) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return XDP_PASS;
	}
	me.ip6[0] = conf.self_addr;

	switch (xmip_classify_xdp(ctx, &me, &c, &verdict)) {
	case XMIP_CLS_DONE:
		return verdict;
	case XMIP_CLS_IP6_LOCAL:
		switch (c.proto) {
		case XMIP_IPPROTO_MH:
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_mip6_ha_signal(ctx, &c);
		case XMIP_IPPROTO_IPV6:
			if (c.frag)
				return xmip_cls_pass_fragment();
			return xmip_mip6_ha_reverse(ctx, &c);
		}
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	case XMIP_CLS_IP6_TRANSIT: {
		void *data = (void *)(long)ctx->data;
		void *data_end = (void *)(long)ctx->data_end;
		struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

		if ((void *)(ip6 + 1) > data_end)   /* cannot be: classify parsed it */
			break;
		/* One binding cache for every family of the role. */
		if (xmip_binding_copy(&ip6->daddr, &b)) {
			xmip_count(XMIP_STAT_PASS_NOT_OURS);
			return XDP_PASS;
		}
		/* Dead after its lifetime even if no agent deletes it (RFC 6275 §6.1.7). */
		if (xmip_binding_expired(&b)) {
			xmip_count(XMIP_STAT_PASS_BINDING_EXPIRED);
			return XDP_PASS;
		}
		switch (b.encap) {
		case XMIP_ENCAP_IP6IP6:
			return xmip_mip6_ha_intercept(ctx, &c, &b);
		}
		/* Passed up, the kernel would send it to the home link, where
		 * the HA itself answers for the HoA: nowhere to deliver it. */
		xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
		return XDP_DROP;
	}
	case XMIP_CLS_IP4_LOCAL:
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
