// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test-only: runs the datapath's classifier (bpf/lib/classify.h) on a frame
 * and stores what it decided, so the packet tests can check the IPv4 and
 * IPv6 parsing itself (class, offsets, lengths, fragment state, options,
 * UDP ports), not only the verdict the role entries derive from it.
 * xmip_pktrun -o cls runs it and prints the result. With probe_signal set
 * (xmip_pktrun --probe-signal), a frame to this node, IPv6 or IPv4, is then
 * handed to the signalling path (bpf/lib/signal.h) as a family handler
 * would: the per-source admission is checked for both address families,
 * though no IPv4 family exists yet.
 */
#include "lib/common.h"
#include "lib/classify.h"
#include "lib/signal.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* This node's addresses for the probe (set through the skeleton). */
const volatile __u8 probe_ip6[16] = {};
const volatile __be32 probe_ip4 = 0;
const volatile __u8 probe_signal = 0;

struct probe_result {
	__s32 class;             /* enum xmip_class */
	__s32 verdict;           /* set when class is XMIP_CLS_DONE */
	struct xmip_cls cls;
};

/* The last classification (one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_result);
} probe_result SEC(".maps");

SEC("xdp")
int xmip_cls_probe(struct xdp_md *ctx)
{
	struct xmip_local me = { };
	struct probe_result *r;
	__u8 ip6[16];
	__u32 zero = 0;
	int i;

	for (i = 0; i < 16; i++)
		ip6[i] = probe_ip6[i];
	me.ip6[0] = ip6;
	me.ip4 = probe_ip4;
	r = bpf_map_lookup_elem(&probe_result, &zero);
	if (!r)
		return XDP_ABORTED;
	r->verdict = -1;
	r->class = xmip_classify_xdp(ctx, &me, &r->cls, &r->verdict);
	if (probe_signal && (r->class == XMIP_CLS_IP6_LOCAL || r->class == XMIP_CLS_IP4_LOCAL)) {
		xmip_signal_xdp(ctx, XMIP_FAMILY_NONE, r->cls.l3_off, r->cls.l3_len, NULL);
		return XDP_DROP;
	}
	return XDP_PASS;
}
