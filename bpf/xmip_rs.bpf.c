// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip NTMobile Relay Server datapath: the one XDP entry of the RS role
 * (RS-S and RS-N alike, docs/ntmobile.md section 9). It classifies each
 * frame once (bpf/lib/classify.h) and hands what is addressed to the
 * relay to the ntm family's handlers (bpf/ntm/relay.h):
 *
 *   UDP to the RS port                      -> ntm: control to the agent,
 *                                              tunnel data relayed
 *   TCP, UDP, ICMP, ICMPv6 to the RS        -> ntm: RS-N replies (pool
 *                                              ports) and ICMP errors;
 *                                              the host's otherwise
 *   fragments to the RS                     -> XDP_PASS, counted
 *   everything else                         -> XDP_PASS, counted
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "lib/classify.h"
#include "lib/role_rs.h"
#include "ntm/relay.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xmip_rs_xdp(struct xdp_md *ctx)
{
	const volatile __u32 *s6 = (const volatile __u32 *)xmip_rs_conf.self6;
	struct xmip_local me = { };
	__u32 self6[4];
	struct xmip_cls c;
	int verdict = XDP_PASS, cls;
	bool v6;

	if (!xmip_rs_conf.ready) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return XDP_PASS;
	}
	/* A copy, read through the volatile object: the compiler may not assume
	 * the zero initializer that the loader replaced. */
	self6[0] = s6[0];
	self6[1] = s6[1];
	self6[2] = s6[2];
	self6[3] = s6[3];
	if (self6[0] | self6[1] | self6[2] | self6[3])
		me.ip6[0] = self6;
	me.ip4 = xmip_rs_conf.self4;

	cls = xmip_classify_xdp(ctx, &me, &c, &verdict);
	switch (cls) {
	case XMIP_CLS_DONE:
		return verdict;
	case XMIP_CLS_IP4_LOCAL:
	case XMIP_CLS_IP6_LOCAL:
		if (c.frag)
			return xmip_cls_pass_fragment();
		v6 = cls == XMIP_CLS_IP6_LOCAL;
		if (c.proto == XMIP_NAT_UDP && c.dport == xmip_rs_conf.port)
			return xmip_ntm_rs_tunnel(ctx, c.l4_off, v6);
		verdict = xmip_ntm_rs_pool(ctx, c.l4_off, v6, c.proto);
		if (verdict == XMIP_RS_IS_ICMP_ERR)
			return xmip_ntm_rs_icmp_err(ctx, c.l4_off, v6);
		return verdict;
	case XMIP_CLS_IP4_TRANSIT:
	case XMIP_CLS_IP6_TRANSIT:
	case XMIP_CLS_IP4_INVALID:
	case XMIP_CLS_OTHER:
		/* Not to the relay: the kernel's (the RS host's own traffic). */
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return XDP_PASS;
	}
	xmip_count(XMIP_STAT_DROP_MALFORMED);
	return XDP_DROP;
}
