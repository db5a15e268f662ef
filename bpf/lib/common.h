/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Includes and constants every xmip BPF object needs. */
#ifndef XMIP_BPF_COMMON_H
#define XMIP_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xmip_wire.h"
#include "xmip_maps.h"

/* vmlinux.h carries types, not the uapi #defines. */
#ifndef ETH_P_IPV6
#define ETH_P_IPV6 0x86DD
#endif
#ifndef ETH_ALEN
#define ETH_ALEN 6
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif
#ifndef TC_ACT_OK
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7
#endif

#define XMIP_ETH_HLEN  14
#define XMIP_IP6_HLEN  40
#define XMIP_IP4_HLEN  20
#define XMIP_HOP_LIMIT_OUTER 64    /* RFC 2473 §6.3: default tunnel hop limit */

/* 16-octet address compare without a libc: four 32-bit words. */
static __always_inline int xmip_addr_eq(const void *a, const void *b)
{
	const __u32 *x = a, *y = b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3])) == 0;
}

static __always_inline void xmip_addr_copy(void *dst, const void *src)
{
	__u32 *d = dst;
	const __u32 *s = src;

	d[0] = s[0];
	d[1] = s[1];
	d[2] = s[2];
	d[3] = s[3];
}

/*
 * Addresses no tunnel may lead to or come from as a unicast peer:
 * multicast (ff00::/8), link-local (fe80::/10), unspecified (::) and
 * loopback (::1). Link-scoped and multicast traffic does not cross a
 * tunnel endpoint of ours, and a tunnel to any of these loops or leaks.
 */
static __always_inline int xmip_addr_is_special(const void *a)
{
	const __u8 *b = a;
	const __u32 *w = a;

	if (b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
		return 1;
	return (w[0] | w[1] | w[2]) == 0 && (w[3] == 0 || w[3] == bpf_htonl(1));
}

static __always_inline int xmip_mac_eq(const __u8 *a, const __u8 *b)
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4]) |
		(a[5] ^ b[5])) == 0;
}

static __always_inline int xmip_mac_zero(const __u8 *a)
{
	return (a[0] | a[1] | a[2] | a[3] | a[4] | a[5]) == 0;
}

/* Is `a` inside prefix/plen? plen 0 (not configured) contains nothing. */
static __always_inline int xmip_prefix_contains(const void *prefix, __u8 plen, const void *a)
{
	const __u32 *p = prefix, *x = a;
	int i;

	if (plen == 0 || plen > 128)
		return 0;
#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 bits = plen > 32 * i ? plen - 32 * i : 0;
		__u32 mask;

		if (bits == 0)
			break;
		mask = bits >= 32 ? 0xffffffff : ~(0xffffffffu >> bits);
		if ((bpf_ntohl(p[i]) ^ bpf_ntohl(x[i])) & mask)
			return 0;
	}
	return 1;
}

/*
 * skb->data / skb->data_end read as one load from the unmodified context
 * register: clang otherwise may hoist `ctx + 76` into a register and the
 * verifier rejects a load through a modified ctx pointer.
 */
static __always_inline void *xmip_skb_data(struct __sk_buff *skb)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + %2)"
		     : "=r"(p) : "r"(skb), "i"(__builtin_offsetof(struct __sk_buff, data)));
	return p;
}

static __always_inline void *xmip_skb_data_end(struct __sk_buff *skb)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + %2)"
		     : "=r"(p) : "r"(skb), "i"(__builtin_offsetof(struct __sk_buff, data_end)));
	return p;
}

/* The same for an XDP frame (clang would otherwise hoist ctx + 4 after inlining). */
static __always_inline void *xmip_xdp_data(struct xdp_md *ctx)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + %2)"
		     : "=r"(p) : "r"(ctx), "i"(__builtin_offsetof(struct xdp_md, data)));
	return p;
}

static __always_inline void *xmip_xdp_data_end(struct xdp_md *ctx)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + %2)"
		     : "=r"(p) : "r"(ctx), "i"(__builtin_offsetof(struct xdp_md, data_end)));
	return p;
}

static __always_inline void *xmip_skb_data_meta(struct __sk_buff *skb)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + %2)"
		     : "=r"(p) : "r"(skb), "i"(__builtin_offsetof(struct __sk_buff, data_meta)));
	return p;
}

/*
 * XDP metadata that marks a packet the XDP program decided about and
 * passed to the kernel: the tc ingress program behind it leaves such a
 * packet alone (it was counted already). A packet XDP hands to the tc path
 * on purpose carries no mark.
 */
#define XMIP_META_DONE 0x786d6470u   /* "xmdp" */

static __always_inline void xmip_xdp_mark_done(struct xdp_md *ctx)
{
	void *meta, *data;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(__u32)))
		return;   /* a driver without metadata: tc decides again */
	meta = (void *)(long)ctx->data_meta;
	data = (void *)(long)ctx->data;
	if (meta + sizeof(__u32) > data)
		return;
	*(__u32 *)meta = XMIP_META_DONE;
}

static __always_inline int xmip_tc_marked_done(struct __sk_buff *skb)
{
	void *meta = xmip_skb_data_meta(skb);
	void *data = xmip_skb_data(skb);

	if (meta + sizeof(__u32) > data)
		return 0;
	return *(__u32 *)meta == XMIP_META_DONE;
}

#endif /* XMIP_BPF_COMMON_H */
