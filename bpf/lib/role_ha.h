/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every family handler of the home agent role shares: the HA's
 * static configuration (load-time rodata, set by `xmip attach`) and the
 * binding cache (one for every family of the role, keyed by a 16-octet
 * home address; an IPv4 home address would be ::ffff:a.b.c.d).
 */
#ifndef XMIP_BPF_ROLE_HA_H
#define XMIP_BPF_ROLE_HA_H

#include "lib/common.h"

#ifndef XMIP_BINDINGS_MAX
#define XMIP_BINDINGS_MAX XMIP_DEFAULT_MAX_BINDINGS
#endif

/* The HA's static configuration; `xmip attach` sets it before load (ready 0: pass all). */
const volatile struct xmip_ha_conf xmip_ha_conf = {};

/* Binding cache: home address -> binding (CoA, lifetime, encapsulation); replaced whole by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_BINDINGS_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_bindings SEC(".maps");

/*
 * The configuration as plain values on the stack. Read through the
 * volatile object, field by field: the compiler may not assume the zero
 * initializer, which the loader replaced.
 */
static __always_inline void xmip_ha_conf_load(struct xmip_ha_conf *c)
{
	const volatile __u32 *s = (const volatile __u32 *)xmip_ha_conf.self_addr;
	const volatile __u32 *p = (const volatile __u32 *)xmip_ha_conf.home_prefix;
	__u32 *ds = (__u32 *)c->self_addr, *dp = (__u32 *)c->home_prefix;

	ds[0] = s[0];
	ds[1] = s[1];
	ds[2] = s[2];
	ds[3] = s[3];
	dp[0] = p[0];
	dp[1] = p[1];
	dp[2] = p[2];
	dp[3] = p[3];
	c->home_plen = xmip_ha_conf.home_plen;
	c->ready = xmip_ha_conf.ready;
	c->tunnel_mtu = xmip_ha_conf.tunnel_mtu;
	c->pad = 0;
}

/*
 * A binding past its lifetime is dead (RFC 6275 §6.1.7) even if no agent
 * is running to delete it: the MN may have left that care-of address.
 */
static __always_inline bool xmip_binding_expired(const struct xmip_binding *b)
{
	return b->expires_ns <= bpf_ktime_get_boot_ns();
}

/*
 * Copy the binding of `hoa` into *b: 0 if there is one, else -1. The copy
 * is taken once, right after the lookup, and nothing after reads the
 * map's element again: the agent replaces elements whole, and a reader
 * that copies at once holds one version (docs/DESIGN.md, "Atomic updates").
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

#endif /* XMIP_BPF_ROLE_HA_H */
