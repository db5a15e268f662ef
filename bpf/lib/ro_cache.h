/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The correspondent binding cache (RFC 6275 §9.1) and its last use, for
 * every role that is a correspondent through these maps: the CN
 * (lib/role_cn.h) and the mobile node for its own home address (RFC 6275
 * §8.2, §9.3: "every role is a correspondent for packets addressed to
 * itself"; bpf/ro/mn_cn.h). Same names, keys and values as the HA's
 * binding record, so the agent's maps.c, `xmip binding` and `bpftool`
 * read them alike. An object that wants a smaller cache defines
 * XMIP_BINDINGS_MAX first (the MN: one per correspondent, not a million).
 */
#ifndef XMIP_BPF_RO_CACHE_H
#define XMIP_BPF_RO_CACHE_H

#include "lib/common.h"
#include "xmip_ro.h"

#ifndef XMIP_BINDINGS_MAX
#define XMIP_BINDINGS_MAX XMIP_DEFAULT_MAX_BINDINGS
#endif

/* Correspondent binding cache: home address -> CoA (encap RH2); replaced whole by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_bindings SEC(".maps");

/* Last use of each binding by the datapath (CLOCK_BOOTTIME), read by the agent only. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_ro_used);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ro_used SEC(".maps");

/* How many correspondent bindings the agent holds (an upper bound; 0: none), key 0. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ro_peers SEC(".maps");

/* True unless the agent says the binding cache is empty (xmip_ro_peers). */
static __always_inline int xmip_ro_any_bound(void)
{
	__u32 key = 0;
	__u32 *n = bpf_map_lookup_elem(&xmip_ro_peers, &key);

	return !n || *n;
}

/*
 * Copy the binding of `hoa` into *b: 0 if there is one, else -1. Copied
 * once, right after the lookup (docs/DESIGN.md, "Atomic updates").
 */
static __always_inline int xmip_binding_copy(const void *hoa, struct xmip_binding *b)
{
	struct xmip_binding_key key;
	struct xmip_binding *v;

	xmip_addr_copy(key.hoa, hoa);
	v = bpf_map_lookup_elem(&xmip_bindings, &key);
	if (!v)
		return -1;
	__builtin_memcpy(b, v, sizeof(*b));
	return 0;
}

/*
 * Note that the binding of `hoa` is in use at `now` (boot ns): one lookup,
 * and a write only when the last mark is a second old, so a busy flow
 * costs a lookup per packet and a write per second.
 */
static __always_inline void xmip_ro_mark_used(const void *hoa, __u64 now)
{
	struct xmip_binding_key key;
	struct xmip_ro_used *u, nu;

	xmip_addr_copy(key.hoa, hoa);
	u = bpf_map_lookup_elem(&xmip_ro_used, &key);
	if (u) {
		if (now - u->last_ns < XMIP_RO_USED_GRANULARITY_NS)
			return;
		u->last_ns = now;   /* one aligned 8-octet store; only the agent reads it */
		return;
	}
	nu.last_ns = now;
	bpf_map_update_elem(&xmip_ro_used, &key, &nu, BPF_ANY);
}

#endif /* XMIP_BPF_RO_CACHE_H */
