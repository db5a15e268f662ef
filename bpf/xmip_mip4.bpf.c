// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip Mobile IPv4 datapath of the foreign agent (role fa) and of the
 * mobile node with a co-located care-of address (role mn4): tc ingress and
 * egress on the role's interfaces (bpf/mip4/node.h; docs/mip4.md,
 * "Datapath"). The home agent's is in xmip_ha.bpf.c (bpf/mip4/ha.h).
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "mip4/node.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Which role loaded the programs (set by xmip attach; read back by xmip show). */
const volatile struct xmip_mip4_node_conf xmip_mip4_node_conf = { 0 };

SEC("tc")
int xmip_mip4_in(struct __sk_buff *skb)
{
	return xmip_mip4_node_ingress(skb);
}

SEC("tc")
int xmip_mip4_out(struct __sk_buff *skb)
{
	return xmip_mip4_node_egress(skb);
}
