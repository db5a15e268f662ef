// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only programs for the packet-rate runs in namespaces:
 *  - bench_gen:  a traffic generator run by BPF_PROG_TEST_RUN with
 *                BPF_F_TEST_XDP_LIVE_FRAMES; pages are recycled, so every
 *                send rewrites the frame's headers from a template first.
 *  - bench_pass: XDP_PASS, on the HA's ingress for the kernel baselines
 *                (a veth delivers XDP frames only to a peer running XDP).
 *  - bench_redirect: bpf_redirect without parsing: the ceiling of the path.
 *  - bench_ntm_encap / bench_ntm_decap: a bench-only NTM node end in tc
 *                (the relay's TCP run): IPv4 to the GN's virtual address
 *                into the NTMobile UDP tunnel to the RS, and back.
 *  - bench_sink: the receiver; classifies and counts what arrives, drops it
 *                (the HA's IPv6 classes, or one IPv4 flow: the relay's output).
 */
#include "lib/common.h"
#include "bench_restore.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct bench_net_cfg {
	__u32 redirect_ifindex;      /* bench_redirect's target */
	__u32 pad;
	__u8  hoa[16];               /* sink: the home address the sender targets */
	__u8  coa[16];               /* sink: care-of address 1 */
	__u8  coa2[16];              /* sink: care-of address 2 (latency runs) */
	__be32 m4_src, m4_dst;       /* sink: the relay's output flow (IPv4) ... */
	__be16 m4_sport, m4_dport;   /* ... its ports (UDP or TCP) ... */
	__u8  m4_proto, m4_ttl, m4_pad[2];  /* ... protocol (0: no IPv4 class), TTL (0: 63) */
	__be32 t_src, t_dst;         /* NTM node end: outer addresses (node, RS) ... */
	__be16 t_sport, t_dport;     /* ... outer ports ... */
	__be32 t_path;               /* ... path id ... */
	__be32 t_vip;                /* ... and the inner destination tunnelled (GN's virtual) */
};

/* Configuration of these programs (one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bench_net_cfg);
} bench_net_cfg SEC(".maps");

enum bench_sink_class {
	SINK_TOTAL = 0,
	SINK_ENCAP_COA,              /* IPv6-in-IPv6 to coa, inner destination hoa */
	SINK_ENCAP_COA2,             /* IPv6-in-IPv6 to coa2, inner destination hoa */
	SINK_PLAIN_HOA,              /* not tunnelled, destination hoa, hop limit 63 */
	SINK_OTHER,
	SINK_IP4_MATCH,              /* IPv4, m4_* addresses, protocol and ports, TTL m4_ttl (63) */
	SINK__MAX,
};

/* Packets seen by the sink, by class. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK__MAX);
	__type(key, __u32);
	__type(value, __u64);
} bench_sink_count SEC(".maps");

enum bench_sink_time {
	SINK_T_FIRST = 0,            /* CLOCK_MONOTONIC ns of the first packet */
	SINK_T_LAST,                 /* ... of the latest packet */
	SINK_T_FIRST_COA2,           /* ... of the first packet tunnelled to coa2 */
	SINK_T__MAX,
};

/* Timestamps for rates and the BU-to-datapath latency. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SINK_T__MAX);
	__type(key, __u32);
	__type(value, __u64);
} bench_sink_time SEC(".maps");

static __always_inline struct bench_net_cfg *net_cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&bench_net_cfg, &zero);
}

SEC("xdp")
int bench_gen(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct bench_tmpl *t = bpf_map_lookup_elem(&bench_tmpl, &zero);

	if (!t || bench_rewrite_xdp(ctx, t))
		return XDP_ABORTED;
	return XDP_TX;   /* live frames: transmitted out of ctx->ingress_ifindex */
}

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int bench_redirect(struct xdp_md *ctx)
{
	struct bench_net_cfg *cfg = net_cfg();

	return cfg ? bpf_redirect(cfg->redirect_ifindex, 0) : XDP_ABORTED;
}

static __always_inline void sink_count(__u32 cls)
{
	__u64 *c = bpf_map_lookup_elem(&bench_sink_count, &cls);

	if (c)
		*c += 1;
}

static __always_inline void sink_time(__u32 slot, __u64 now, int only_first)
{
	__u64 *t = bpf_map_lookup_elem(&bench_sink_time, &slot);

	if (t && (!only_first || !*t))
		*t = now;
}

static __always_inline __u32 sink_classify(struct xdp_md *ctx, struct bench_net_cfg *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1), *in;
	struct iphdr *ip4 = (void *)(eth + 1);

	if ((void *)(ip4 + 1) <= data_end && eth->h_proto == bpf_htons(0x0800) && cfg->m4_proto) {
		__be16 *ports = (void *)(ip4 + 1);

		if (ip4->ihl != 5 || (void *)(ports + 2) > data_end)
			return SINK_OTHER;
		return ip4->saddr == cfg->m4_src && ip4->daddr == cfg->m4_dst &&
		       ip4->protocol == cfg->m4_proto && ip4->ttl == (cfg->m4_ttl ? cfg->m4_ttl : 63) &&
		       ports[0] == cfg->m4_sport && ports[1] == cfg->m4_dport ?
		       SINK_IP4_MATCH : SINK_OTHER;
	}
	if ((void *)(ip6 + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IPV6))
		return SINK_OTHER;
	if (ip6->nexthdr != 41)
		return xmip_addr_eq(&ip6->daddr, cfg->hoa) && ip6->hop_limit == 63 ?
		       SINK_PLAIN_HOA : SINK_OTHER;
	in = ip6 + 1;
	if ((void *)(in + 1) > data_end || !xmip_addr_eq(&in->daddr, cfg->hoa))
		return SINK_OTHER;
	if (xmip_addr_eq(&ip6->daddr, cfg->coa))
		return SINK_ENCAP_COA;
	if (xmip_addr_eq(&ip6->daddr, cfg->coa2))
		return SINK_ENCAP_COA2;
	return SINK_OTHER;
}

SEC("xdp")
int bench_sink(struct xdp_md *ctx)
{
	struct bench_net_cfg *cfg = net_cfg();
	__u64 now = bpf_ktime_get_ns();
	__u32 cls;

	if (!cfg)
		return XDP_DROP;
	cls = sink_classify(ctx, cfg);
	sink_count(SINK_TOTAL);
	sink_count(cls);
	sink_time(SINK_T_FIRST, now, 1);
	sink_time(SINK_T_LAST, now, 0);
	if (cls == SINK_ENCAP_COA2)
		sink_time(SINK_T_FIRST_COA2, now, 1);
	return XDP_DROP;
}

/*
 * The TCP receiver's decapsulation when the HA runs in tc mode: tc ingress,
 * IPv6-in-IPv6 to the CoA popped, GSO packets as they are. Not the MN's XDP
 * program: native XDP on a veth makes the kernel turn segmentation offload
 * off on its peer (the HA's side), which would make the HA segment in
 * software what the plain forwarding baseline does not.
 */
SEC("tc")
int bench_tc_decap(struct __sk_buff *skb)
{
	struct bench_net_cfg *cfg = net_cfg();
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

	if (!cfg || (void *)(ip6 + 1) > data_end || ip6->nexthdr != 41 ||
	    !xmip_addr_eq(&ip6->daddr, cfg->coa))
		return TC_ACT_OK;
	return bpf_skb_adjust_room(skb, -40, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_DECAP_L3_IPV6) ?
	       TC_ACT_SHOT : TC_ACT_OK;
}

/* Outer IPv4 + UDP + NTMobile tunnel header (docs/ntmobile.md section 8). */
struct bench_ntm_outer {
	struct iphdr ip;
	struct udphdr udp;
	__u8  ver_kind, next;
	__be16 reserved;
	__be32 path_id;
};

#define BENCH_NTM_OUTER 36
_Static_assert(sizeof(struct bench_ntm_outer) == BENCH_NTM_OUTER, "outer header layout");
/* uapi's BPF_F_ADJ_ROOM_ENCAP_L2(len): the tunnel header before the inner IP header */
#define BENCH_ENCAP_L2(len) (((__u64)(len) & 0xff) << 56)

/*
 * The node's egress: IPv4 to t_vip goes into the tunnel, unchanged inside.
 * The outer UDP checksum is 0 (IPv4: none, RFC 768); the relay does not
 * need one to strip the tunnel.
 */
SEC("tc")
int bench_ntm_encap(struct __sk_buff *skb)
{
	struct bench_net_cfg *cfg = net_cfg();
	void *data = xmip_skb_data(skb), *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct bench_ntm_outer o = { };
	__u16 inner_len;
	__s64 sum;

	if (!cfg || (void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(0x0800) ||
	    ip->daddr != cfg->t_vip)
		return TC_ACT_OK;
	inner_len = bpf_ntohs(ip->tot_len);
	if (bpf_skb_adjust_room(skb, BENCH_NTM_OUTER, BPF_ADJ_ROOM_MAC,
				BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
				BENCH_ENCAP_L2(8)))
		return TC_ACT_SHOT;
	o.ip.version = 4;
	o.ip.ihl = 5;
	o.ip.tot_len = bpf_htons(inner_len + BENCH_NTM_OUTER);
	o.ip.ttl = 64;
	o.ip.protocol = 17;
	o.ip.saddr = cfg->t_src;
	o.ip.daddr = cfg->t_dst;
	sum = bpf_csum_diff(0, 0, (__be32 *)&o.ip, sizeof(o.ip), 0);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	o.ip.check = ~(__u16)sum;
	o.udp.source = cfg->t_sport;
	o.udp.dest = cfg->t_dport;
	o.udp.len = bpf_htons(inner_len + BENCH_NTM_OUTER - sizeof(o.ip));
	o.ver_kind = 0x11;
	o.next = 4;
	o.path_id = cfg->t_path;
	return bpf_skb_store_bytes(skb, sizeof(struct ethhdr), &o, sizeof(o), 0) ?
	       TC_ACT_SHOT : TC_ACT_OK;
}

/* The node's ingress: tunnel data from the RS (t_dst:t_dport -> t_sport), stripped. */
SEC("tc")
int bench_ntm_decap(struct __sk_buff *skb)
{
	struct bench_net_cfg *cfg = net_cfg();
	void *data = xmip_skb_data(skb), *data_end = xmip_skb_data_end(skb);
	struct ethhdr *eth = data;
	struct bench_ntm_outer *o = (void *)(eth + 1);

	if (!cfg || (void *)(o + 1) > data_end || eth->h_proto != bpf_htons(0x0800) ||
	    o->ip.ihl != 5 || o->ip.protocol != 17 || o->ip.saddr != cfg->t_dst ||
	    o->udp.source != cfg->t_dport || o->udp.dest != cfg->t_sport || o->ver_kind != 0x11)
		return TC_ACT_OK;
	return bpf_skb_adjust_room(skb, -BENCH_NTM_OUTER, BPF_ADJ_ROOM_MAC,
				   BPF_F_ADJ_ROOM_DECAP_L3_IPV4) ? TC_ACT_SHOT : TC_ACT_OK;
}
