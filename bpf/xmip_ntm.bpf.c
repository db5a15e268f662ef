// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xmip NTMobile node datapath (role ntm, docs/ntmobile.md section 8 and
 * "The node datapath"): two tc programs around the node's tunnel table
 * (bpf/ntm/node.h):
 *
 *   xmip_ntm_egress   tc egress of the virtual interface: packets from the
 *                     node's virtual address to a peer's -> UDP tunnel
 *   xmip_ntm_ingress  tc ingress of the real interfaces: tunnel packets of
 *                     a known tunnel -> decapsulated, to the kernel;
 *                     control messages -> the agent's socket
 */
#include "lib/common.h"
#include "lib/stats.h"
#include "ntm/node.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int xmip_ntm_egress(struct __sk_buff *skb)
{
	return xmip_ntm_node_encap(skb);
}

SEC("tc")
int xmip_ntm_ingress(struct __sk_buff *skb)
{
	return xmip_ntm_node_decap(skb);
}
