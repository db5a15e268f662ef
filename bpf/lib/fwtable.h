/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The HA's fast-path table, xmip_fwtable (include/xmip_maps.h): one lookup
 * per packet for a home address, one cache line read, giving everything
 * the packet needs (CoA, output interface, MACs, path MTU, expiry in
 * jiffies). Written only by lib/fwtable.c; the reader's half of the
 * protocol is here (docs/DESIGN.md, "The fast-path table"):
 *  - load the slot's state; EMPTY ends the search, anything but VALID or
 *    REPLACED is skipped;
 *  - only then (ordered after the state load) compare the key and copy the
 *    fields, once, into the caller's view; nothing reads the slot again;
 *  - a VALID slot wins; a REPLACED one (an older version, whole, in
 *    quarantine) is used only when the window holds no VALID one, which
 *    happens when a reader passes the new version's slot before it was
 *    published and reaches the old one after it was retired.
 * Element 0 is the table's header (the next-hop lease).
 */
#ifndef XMIP_BPF_FWTABLE_H
#define XMIP_BPF_FWTABLE_H

#include "lib/common.h"

#ifndef XMIP_FW_SLOTS
#define XMIP_FW_SLOTS (4 * XMIP_DEFAULT_MAX_BINDINGS)   /* attach sizes it to max-bindings */
#endif

/* Fast-path index of the bindings: element 0 header, then slots (open addressing). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1 + XMIP_FW_SLOTS);
	__type(key, __u32);
	__type(value, struct xmip_fw_slot);
	__uint(map_flags, BPF_F_MMAPABLE);   /* the writers map it and store in place */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_fwtable SEC(".maps");

/* What a packet for a bound address needs: a copy of one slot's fields. */
struct xmip_fw_view {
	__u8  coa[16];
	__u64 expires;         /* jiffies */
	__u32 ifindex;
	__u16 mtu;
	__u8  flags;
	__u8  encap;
	__u8  smac[6];
	__u8  dmac[6];
};

/*
 * `p`, made to depend on the value `v` just loaded: the loads through the
 * result are ordered after the load of v on every CPU (an address
 * dependency; arm64 honours it in hardware, x86 orders loads anyway). BPF
 * before load-acquire instructions (kernel 6.15, clang 21) has no other
 * way to say "acquire". The verifier sees p + 0.
 */
static __always_inline void *xmip_dep(void *p, __u64 v)
{
	asm volatile("%[v] &= 0; %[p] += %[v]" : [p] "+r"(p), [v] "+r"(v));
	return p;
}

static __always_inline struct xmip_fw_slot *xmip_fw_elem(__u32 idx)
{
	return bpf_map_lookup_elem(&xmip_fwtable, &idx);   /* inlined by the verifier */
}

static __always_inline void xmip_fw_copy(struct xmip_fw_view *v, const struct xmip_fw_slot *s)
{
	__builtin_memcpy(v->coa, s->coa, 16);
	v->expires = s->expires;
	v->ifindex = s->ifindex;
	v->mtu = s->mtu;
	v->flags = s->flags;
	v->encap = s->encap;
	__builtin_memcpy(v->smac, s->smac, 6);
	__builtin_memcpy(v->dmac, s->dmac, 6);
}

/*
 * Find `addr` (16 octets) with the table's seed and mask (the role's
 * rodata) and copy its slot into *v: 0, or -1 if it has none.
 */
static __always_inline int xmip_fw_lookup(const void *addr, __u32 seed, __u32 mask,
					  struct xmip_fw_view *v)
{
	__u32 key[4], h, fb = 0;
	int i;

	xmip_addr_copy(key, addr);
	h = xmip_fw_hash(key, seed);
#pragma unroll
	for (i = 0; i < XMIP_FW_PROBE; i++) {
		__u32 idx = 1 + ((h + i) & mask);
		struct xmip_fw_slot *s = xmip_fw_elem(idx);
		__u8 st;

		if (!s)
			return -1;
		st = *(volatile __u8 *)&s->state;
		if (st == XMIP_FW_EMPTY)
			break;
		if (st != XMIP_FW_VALID && st != XMIP_FW_REPLACED)
			continue;
		s = xmip_dep(s, st);
		if (!xmip_addr_eq(s->key, key))
			continue;
		if (st == XMIP_FW_REPLACED) {
			if (!fb)
				fb = idx;
			continue;
		}
		xmip_fw_copy(v, s);
		return 0;
	}
	if (fb) {
		struct xmip_fw_slot *s = xmip_fw_elem(fb);

		if (s) {
			xmip_fw_copy(v, s);
			return 0;
		}
	}
	return -1;
}

/* The binding is dead after its lifetime, agent or not (RFC 6275 §6.1.7). */
static __always_inline int xmip_fw_expired(const struct xmip_fw_view *v, __u64 now)
{
	return v->expires <= now;
}

/*
 * The slot's next hop may be used: the agent resolved it, and the agent
 * is alive (its lease in the header, renewed every second, has not run
 * out). Otherwise the packet goes where the kernel resolves next hops.
 */
static __always_inline int xmip_fw_nh_ok(const struct xmip_fw_view *v, __u64 now)
{
	struct xmip_fw_hdr *h;

	if (!(v->flags & XMIP_FW_F_NH))
		return 0;
	h = (struct xmip_fw_hdr *)xmip_fw_elem(0);
	return h && now < h->nh_lease;
}

#endif /* XMIP_BPF_FWTABLE_H */
