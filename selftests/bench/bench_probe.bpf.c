// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Bench-only probes: each does one of the things the HA's encapsulation
 * path does, on a frame it leaves as it found it (so the kernel's own
 * repeat loop times it), to break the path's time down. bench_ha.bpf.c
 * times the whole shipped path; these say where that time goes. And the
 * yardstick of the scale runs: a pointer chase over an array map of the
 * fast-path table's kind, larger than the last-level cache.
 */
#include "lib/common.h"
#include "lib/fwtable.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Static configuration as the shipped programs have it: load-time rodata. */
const volatile struct xmip_ha_conf probe_conf = {};

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

/* A binding cache of the HA's record types (a hash map: what the datapath used to look up). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} probe_bindings SEC(".maps");

/* Per-CPU counters like xmip_stats. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} probe_stats SEC(".maps");

/*
 * The pointer chase: elements of the fast-path table's size and kind (an
 * mmapable ARRAY, 64-octet values, 4 KiB pages), each naming the next one
 * of a random cycle that user space laid over all of them; far more of
 * them than the last-level cache holds, so every step is a cache miss and,
 * with random pages, mostly a TLB miss too, as a lookup in a table of a
 * million bindings is.
 */
struct chase_elem {
	__u32 next;
	__u32 pad[15];
};

#ifndef PROBE_CHASE_ELEMS
#define PROBE_CHASE_ELEMS (4u << 20)     /* 256 MiB */
#endif
#define PROBE_CHASE_STEPS 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PROBE_CHASE_ELEMS);
	__type(key, __u32);
	__type(value, struct chase_elem);
	__uint(map_flags, BPF_F_MMAPABLE);
} probe_chase SEC(".maps");

/* Where the chase goes on from (so repetitions never walk the same steps twice). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} probe_chase_pos SEC(".maps");

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

/* The static configuration (rodata) and one per-CPU counter: what every packet costs. */
SEC("xdp")
int probe_config_count(struct xdp_md *ctx)
{
	__u32 k = 1;
	__u64 *c;

	if (!probe_conf.ready)
		return XDP_ABORTED;
	c = bpf_map_lookup_elem(&probe_stats, &k);
	if (c)
		*c += 1;
	return XDP_PASS;
}

/* The fast-path lookup of the frame's destination: hash, one slot, its copy. */
SEC("xdp")
int probe_fw_lookup(struct xdp_md *ctx)
{
	struct ipv6hdr *ip6 = ip6_of(ctx);
	struct xmip_fw_view v;

	if (!ip6)
		return XDP_ABORTED;
	if (xmip_fw_lookup(&ip6->daddr, probe_conf.fw_seed, probe_conf.fw_mask, &v))
		return XDP_DROP;
	return v.ifindex ? XDP_PASS : XDP_DROP;
}

/* The expiry and next-hop lease checks: bpf_jiffies64 (inlined) and the header slot. */
SEC("xdp")
int probe_jiffies_lease(struct xdp_md *ctx)
{
	struct xmip_fw_view v = { .flags = XMIP_FW_F_NH, .expires = ~0ull };
	__u64 now = bpf_jiffies64();

	return !xmip_fw_expired(&v, now) && xmip_fw_nh_ok(&v, now) ? XDP_PASS : XDP_DROP;
}

/* A hash map lookup by the frame's destination (the binding record's map). */
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

/* bpf_fib_lookup for the CoA: what the fast path no longer does. */
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

/* bpf_redirect's own cost (the test run does not carry the redirect out). */
SEC("xdp")
int probe_redirect(struct xdp_md *ctx)
{
	struct probe_cfg *c = cfg();

	return c ? bpf_redirect(c->redirect_ifindex, 0) : XDP_ABORTED;
}

/* PROBE_CHASE_STEPS dependent loads through probe_chase. */
SEC("xdp")
int probe_chase_steps(struct xdp_md *ctx)
{
	__u32 zero = 0, *pos = bpf_map_lookup_elem(&probe_chase_pos, &zero), i, idx;

	if (!pos)
		return XDP_ABORTED;
	idx = *pos;
	for (i = 0; i < PROBE_CHASE_STEPS; i++) {
		struct chase_elem *e = bpf_map_lookup_elem(&probe_chase, &idx);

		if (!e)
			return XDP_DROP;
		idx = e->next;
	}
	*pos = idx;
	return XDP_PASS;
}
