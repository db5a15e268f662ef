/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What every family handler of the mobile node role shares: the MN's
 * static configuration (load-time rodata, set by `xmip attach`) and its
 * run-time state (care-of address, home agent, away), which the agent
 * replaces whole on every move. The entries read both once per packet
 * into a struct xmip_mn_view that the handlers get.
 */
#ifndef XMIP_BPF_ROLE_MN_H
#define XMIP_BPF_ROLE_MN_H

#include "lib/common.h"

/* The MN's static configuration; `xmip attach` sets it before load (ready 0: pass all). */
const volatile struct xmip_mn_conf xmip_mn_conf = {};

/* Run-time state, one element (XMIP_MN_STATE_KEY): CoA, HA, away; replaced whole by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xmip_mn_runstate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_mn_state SEC(".maps");

/* NEMO (RFC 3963 §5.5): a mobile router's own mobile network prefixes (value: its HoA), written by its agent. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 64);
	__type(key, struct xmip_mnp_key);
	__type(value, struct xmip_mnp_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_mnp SEC(".maps");

/* Is a inside one of this mobile router's mobile network prefixes? (A
 * mobile node has none: one lookup in an empty trie.) */
static __always_inline int xmip_mn_in_mnp(const void *a)
{
	struct xmip_mnp_key k = { .prefixlen = 128 };

	xmip_addr_copy(k.prefix, a);
	return bpf_map_lookup_elem(&xmip_mnp, &k) != NULL;
}

/* What the MN's handlers know about the node, read once per packet. */
struct xmip_mn_view {
	__u8  coa[16];        /* current care-of address (:: while none) */
	__u8  ha[16];         /* its home agent (:: while not known) */
	__u8  hoa[16];        /* its home address */
	__u32 coa_ifindex;    /* interface holding the CoA */
	__u32 away;           /* 1: away from home, tunnel through the HA */
	__u32 learn;          /* 1: report new destinations ([ro] learn-correspondents) */
	__u8  gw_mac[6];      /* the CoA link's router, as the agent found it (0: unknown) */
	__u8  mode;           /* enum xmip_mn_mode (DSMIPv6: IPv4 CoA, UDP) */
	__u8  pad;
	__be32 coa4;          /* IPv4 CoA (modes ipv4, udp4), else 0 */
	__be32 ha4;           /* the HA's IPv4 address (modes ipv4, udp4), else 0 */
	__be32 hoa4;          /* IPv4 home address, 0: none */
	__be16 sport, dport;  /* udp4: our port, the HA's (network order) */
};

/*
 * Fill *v: the home address from the configuration, the rest from a copy
 * of the state element taken right after the lookup (the agent replaces
 * the element whole; nothing after this reads it again). -1 if attach
 * never configured the program. No state element yet: at home, no CoA.
 */
static __always_inline int xmip_mn_view_load(struct xmip_mn_view *v)
{
	const volatile __u32 *h = (const volatile __u32 *)xmip_mn_conf.hoa;
	__u32 *dh = (__u32 *)v->hoa;
	__u32 key = XMIP_MN_STATE_KEY;
	struct xmip_mn_runstate *st, s;

	if (!xmip_mn_conf.ready)
		return -1;
	dh[0] = h[0];
	dh[1] = h[1];
	dh[2] = h[2];
	dh[3] = h[3];
	st = bpf_map_lookup_elem(&xmip_mn_state, &key);
	if (st)
		__builtin_memcpy(&s, st, sizeof(s));
	else
		__builtin_memset(&s, 0, sizeof(s));
	xmip_addr_copy(v->coa, s.coa);
	xmip_addr_copy(v->ha, s.ha);
	v->coa_ifindex = s.coa_ifindex;
	v->away = !!(s.flags & XMIP_MN_F_AWAY);
	v->learn = !!(s.flags & XMIP_MN_F_RO_LEARN);
	__builtin_memcpy(v->gw_mac, s.gw_mac, 6);
	v->mode = s.mode;
	v->coa4 = s.coa4;
	v->ha4 = s.ha4;
	v->hoa4 = s.hoa4;
	v->sport = s.sport;
	v->dport = s.dport;
	return 0;
}

#endif /* XMIP_BPF_ROLE_MN_H */
