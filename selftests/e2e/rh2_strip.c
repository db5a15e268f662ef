/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Test scaffolding, not xmip: the receive half of a mobile node's route
 * optimisation datapath, for the correspondent node's TCP test
 * (test_cn_ro.py), until xmip's mobile node has its own. tc ingress: an
 * IPv6 packet whose first extension header is a type-2 routing header
 * with segments left 1 gets its destination replaced by the header's home
 * address and the header removed (RFC 6275 §6.4 processing, done before a
 * kernel without CONFIG_IPV6_MIP6 would refuse it). Compiled on the fly by
 * ro_topology.py.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

SEC("tc")
int rh2_strip(struct __sk_buff *skb)
{
	__u8 h[14 + 40 + 24];
	__u8 ip6[40];
	__u16 plen;

	if (skb->protocol != bpf_htons(0x86DD))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, 0, h, sizeof(h)))
		return TC_ACT_OK;
	/* next header 43, routing type 2, length 2, segments left 1 */
	if (h[14 + 6] != 43 || h[54 + 1] != 2 || h[54 + 2] != 2 || h[54 + 3] != 1)
		return TC_ACT_OK;
	__builtin_memcpy(ip6, h + 14, 40);
	ip6[6] = h[54];
	plen = ((__u16)h[14 + 4] << 8 | h[14 + 5]) - 24;
	ip6[4] = plen >> 8;
	ip6[5] = plen & 0xff;
	__builtin_memcpy(ip6 + 24, h + 54 + 8, 16);
	if (bpf_skb_adjust_room(skb, -24, BPF_ADJ_ROOM_NET, 0))
		return TC_ACT_SHOT;
	if (bpf_skb_store_bytes(skb, 14, ip6, sizeof(ip6), BPF_F_RECOMPUTE_CSUM))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
