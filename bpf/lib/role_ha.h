/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every family handler of the home agent role shares: the HA's
 * static configuration (load-time rodata, set by `xmip attach`) and the
 * binding cache (one for every family of the role, keyed by a 16-octet
 * home address; an IPv4 home address would be ::ffff:a.b.c.d): the
 * authoritative record xmip_bindings, which no program reads, and its
 * fast-path index xmip_fwtable, which every packet for a home address
 * looks up once (lib/fwtable.h).
 */
#ifndef XMIP_BPF_ROLE_HA_H
#define XMIP_BPF_ROLE_HA_H

#include "lib/common.h"
#include "lib/fwtable.h"

#ifndef XMIP_BINDINGS_MAX
#define XMIP_BINDINGS_MAX XMIP_DEFAULT_MAX_BINDINGS
#endif

/* The HA's static configuration; `xmip attach` sets it before load (ready 0: pass all). */
const volatile struct xmip_ha_conf xmip_ha_conf = {};

/* Binding records: home address -> binding (CoA, lifetime, sequence...); the agent's and the CLI's, no program reads it. */
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
	c->mode = xmip_ha_conf.mode;
	c->fw_seed = xmip_ha_conf.fw_seed;
	c->fw_mask = xmip_ha_conf.fw_mask;
	c->self_addr4 = xmip_ha_conf.self_addr4;
}

/*
 * The binding of `hoa` (or of a bound MN's link-local address), copied
 * from its one slot of xmip_fwtable: 0, or -1 if there is none.
 */
static __always_inline int xmip_ha_binding(const void *hoa, struct xmip_fw_view *b)
{
	return xmip_fw_lookup(hoa, xmip_ha_conf.fw_seed, xmip_ha_conf.fw_mask, b);
}

/* NEMO (RFC 3963 §6.5): registered mobile network prefix -> its mobile router's home address. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XMIP_MNP_MAX);
	__type(key, struct xmip_mnp_key);
	__type(value, struct xmip_mnp_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_mnp SEC(".maps");

/*
 * The binding that serves `addr`: its own (a home address, one lookup),
 * else, for an address inside a mobile network prefix a router
 * registered, that router's (RFC 3963 §6.5, example 1: "a route to the
 * Mobile Network Prefix with the next hop set to the Mobile Router's Home
 * Address"): one more lookup only when the first misses. A prefix entry
 * never leads to a link-local alias. 0, or -1 if none.
 */
static __always_inline int xmip_ha_binding_or_mnp_c(const void *addr, struct xmip_fw_view *b,
						    bool count)
{
	struct xmip_mnp_key k = { .prefixlen = 128 };
	struct xmip_mnp_val *v;

	if (!xmip_ha_binding(addr, b))
		return 0;
	xmip_addr_copy(k.prefix, addr);
	v = bpf_map_lookup_elem(&xmip_mnp, &k);
	if (!v || xmip_ha_binding(v->hoa, b) || (b->flags & XMIP_FW_F_LINKLOCAL))
		return -1;
	if (count)
		xmip_count(XMIP_STAT_NEMO_PREFIX_HIT);
	return 0;
}

static __always_inline int xmip_ha_binding_or_mnp(const void *addr, struct xmip_fw_view *b)
{
	return xmip_ha_binding_or_mnp_c(addr, b, true);
}

/* The largest inner packet for b's CoA: its path MTU, the instance's, 0: unknown. */
static __always_inline __u32 xmip_ha_tunnel_mtu(const struct xmip_fw_view *b, __u32 conf_mtu)
{
	__u32 mtu = conf_mtu;

	if (b->mtu && (!mtu || b->mtu < mtu))
		mtu = b->mtu;
	/* An IPv6 tunnel carries at least 1280 octets (RFC 2473 §7.1). */
	if (mtu && mtu < XMIP_IPV6_MIN_MTU)
		mtu = XMIP_IPV6_MIN_MTU;
	return mtu;
}

/* A CoA no tunnel may lead to: multicast, link-local, ::, ::1, the HA, the home prefix. */
static __always_inline int xmip_ha_coa_bad(const void *coa, const struct xmip_ha_conf *cfg)
{
	return xmip_addr_is_special(coa) || xmip_addr_eq(coa, cfg->self_addr) ||
	       xmip_prefix_contains(cfg->home_prefix, cfg->home_plen, coa);
}

#endif /* XMIP_BPF_ROLE_HA_H */
