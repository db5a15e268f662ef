// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only probes: each does one of the things the HA's encapsulation
 * path does, on a frame it leaves as it found it (so the kernel's own
 * repeat loop times it), to break the path's time down. bench_ha.bpf.c
 * times the whole shipped path; these say where that time goes.
 */
#include "lib/common.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct probe_cfg {
	__u8  src[16];               /* the HA's address */
	__u8  dst[16];               /* a CoA with a route and a neighbour */
	__u32 redirect_ifindex;
	__u32 pad;
};

/* Probe parameters (one entry). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct probe_cfg);
} probe_cfg SEC(".maps");

/* A binding cache of the HA's types, with one entry written by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} probe_bindings SEC(".maps");

/* A next-hop cache of the HA's types (like xmip_nexthops); user space fills one key on every CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct xmip_nh_key);
	__type(value, struct xmip_nh);
} probe_nexthops SEC(".maps");

/* The next-hop generation (like xmip_nh_gen). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(map_flags, BPF_F_MMAPABLE);
} probe_nh_gen SEC(".maps");

/* Per-CPU counters like xmip_stats. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} probe_stats SEC(".maps");

static __always_inline struct probe_cfg *cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&probe_cfg, &zero);
}

/* The destination address of the frame's IPv6 header, or NULL. */
static __always_inline struct ipv6hdr *ip6_of(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

	return (void *)(ip6 + 1) <= data_end ? ip6 : NULL;
}

SEC("xdp")
int probe_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Config lookup + one per-CPU counter: what every path does. */
SEC("xdp")
int probe_config_count(struct xdp_md *ctx)
{
	__u32 k = 1;
	__u64 *c;

	if (!cfg())
		return XDP_ABORTED;
	c = bpf_map_lookup_elem(&probe_stats, &k);
	if (c)
		*c += 1;
	return XDP_PASS;
}

/* The binding lookup by the frame's destination. */
SEC("xdp")
int probe_binding_lookup(struct xdp_md *ctx)
{
	struct ipv6hdr *ip6 = ip6_of(ctx);
	struct xmip_binding_key key;

	if (!ip6)
		return XDP_ABORTED;
	xmip_addr_copy(key.hoa, &ip6->daddr);
	return bpf_map_lookup_elem(&probe_bindings, &key) ? XDP_PASS : XDP_DROP;
}

/* Push and pop 40 octets of head room. */
SEC("xdp")
int probe_adjust_head_pair(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, -40))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_head(ctx, 40))
		return XDP_ABORTED;
	return XDP_PASS;
}

/* bpf_fib_lookup for the CoA, as xmip_fib_forward_xdp does it. */
SEC("xdp")
int probe_fib_lookup(struct xdp_md *ctx)
{
	struct probe_cfg *c = cfg();
	struct bpf_fib_lookup p;
	long rc;

	if (!c)
		return XDP_ABORTED;
	__builtin_memset(&p, 0, sizeof(p));
	p.family = AF_INET6;
	p.l4_protocol = 41;
	p.tot_len = 104;
	p.ifindex = ctx->ingress_ifindex;
	xmip_addr_copy(p.ipv6_src, c->src);
	xmip_addr_copy(p.ipv6_dst, c->dst);
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	return rc == BPF_FIB_LKUP_RET_SUCCESS ? XDP_PASS : XDP_DROP;
}

/* The next-hop cache hit, as xmip_fib_forward_xdp does it: generation, key, lookup, checks (age too). */
SEC("xdp")
int probe_nh_lookup(struct xdp_md *ctx)
{
	struct probe_cfg *c = cfg();
	struct xmip_nh_key key;
	struct xmip_nh *nh;
	__u32 zero = 0;
	__u64 *gen;

	if (!c)
		return XDP_ABORTED;
	gen = bpf_map_lookup_elem(&probe_nh_gen, &zero);
	if (!gen)
		return XDP_ABORTED;
	xmip_addr_copy(key.dst, c->dst);
	xmip_addr_copy(key.src, c->src);
	key.ifindex = ctx->ingress_ifindex;
	nh = bpf_map_lookup_elem(&probe_nexthops, &key);
	/* The age test costs what the shipped one does; user space cannot
	 * write jiffies, so it compares with a value no age takes. */
	return nh && nh->gen == *gen && nh->ifindex && 104 <= nh->mtu &&
	       bpf_jiffies64() - nh->filled != 1 ? XDP_PASS : XDP_DROP;
}

/* bpf_redirect's own cost (the test run does not carry the redirect out). */
SEC("xdp")
int probe_redirect(struct xdp_md *ctx)
{
	struct probe_cfg *c = cfg();

	return c ? bpf_redirect(c->redirect_ifindex, 0) : XDP_ABORTED;
}
