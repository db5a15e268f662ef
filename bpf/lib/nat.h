/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Address and port translation with incremental checksums (RFC 1624):
 * the delta of what changed is computed once with bpf_csum_diff (old
 * octets against new ones, of any lengths that are multiples of 4, so an
 * IPv4 address may become an IPv6 one in a pseudo-header) and applied to
 * every checksum that covers those octets: the IPv4 header checksum, the
 * TCP/UDP/ICMPv6 checksums through their pseudo-header, an ICMP error's
 * checksum over the packet it quotes. Nothing here sums a payload.
 *
 * Checksum fields are handled as the raw 16 bits stored in the packet:
 * one's complement sums are byte-order neutral (RFC 1071 §2(B)), and
 * bpf_csum_diff returns its sum in the byte order of the data.
 */
#ifndef XMIP_BPF_NAT_H
#define XMIP_BPF_NAT_H

#include "lib/common.h"
#include "lib/csum.h"

#define XMIP_NAT_TCP    6
#define XMIP_NAT_UDP    17
#define XMIP_NAT_ICMP   1
#define XMIP_NAT_ICMP6  58

/* HC' = ~(~HC + delta): RFC 1624 eqn. 3 with every changed word's ~m + m' in delta. */
static __always_inline __u16 xmip_csum_apply(__u16 check, __s64 delta)
{
	__u64 sum = (__u16)~check;

	sum += (__u32)delta;
	return ~xmip_csum_fold(sum);
}

/* The same for a UDP checksum: 0 means "none" (IPv4), so a computed 0 is sent as 0xffff (RFC 768). */
static __always_inline __u16 xmip_csum_apply_udp(__u16 check, __s64 delta)
{
	__u16 c = xmip_csum_apply(check, delta);

	return c ? c : 0xffff;
}

/* Offset of the checksum in an upper-layer header; 0: the protocol is not one we translate. */
static __always_inline __u32 xmip_l4_csum_off(__u8 proto)
{
	switch (proto) {
	case XMIP_NAT_TCP:   return 16;
	case XMIP_NAT_UDP:   return 6;
	case XMIP_NAT_ICMP:
	case XMIP_NAT_ICMP6: return 2;
	}
	return 0;
}

/* Is the upper-layer checksum covering a pseudo-header (TCP, UDP, ICMPv6; not ICMPv4)? */
static __always_inline bool xmip_l4_has_pseudo(__u8 proto)
{
	return proto != XMIP_NAT_ICMP;
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d), as relay values store IPv4. */
static __always_inline bool xmip_addr_is_v4mapped(const void *a)
{
	const __u32 *w = a;

	return w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff);
}

static __always_inline __be32 xmip_addr_v4(const void *a)
{
	return ((const __be32 *)a)[3];
}

static __always_inline void xmip_addr_map4(void *dst, __be32 a)
{
	__u32 *d = dst;

	d[0] = 0;
	d[1] = 0;
	d[2] = bpf_htonl(0xffff);
	d[3] = a;
}

/*
 * The IPv4 or IPv6 pseudo-header's partial sum for an upper layer of `len`
 * octets (RFC 768, RFC 8200 §8.1), addresses 4 or 16 octets (a, b stack
 * copies). One call of bpf_csum_diff over a stack block.
 */
static __always_inline __s64 xmip_pseudo_sum(const void *src, const void *dst, bool v6,
					     __u32 len, __u8 proto)
{
	if (v6) {
		struct {
			__u8   s[16], d[16];
			__be32 len, nh;
		} ph;

		xmip_addr_copy(ph.s, src);
		xmip_addr_copy(ph.d, dst);
		ph.len = bpf_htonl(len);
		ph.nh = bpf_htonl(proto);
		return bpf_csum_diff(0, 0, (__be32 *)&ph, sizeof(ph), 0);
	} else {
		struct {
			__be32 s, d;
			__u8   zero, proto;
			__be16 len;
		} ph;

		ph.s = *(const __be32 *)src;
		ph.d = *(const __be32 *)dst;
		ph.zero = 0;
		ph.proto = proto;
		ph.len = bpf_htons(len);
		return bpf_csum_diff(0, 0, (__be32 *)&ph, sizeof(ph), 0);
	}
}

/*
 * Delta of an address pair (source, destination) changing from old (in
 * the packet) to new (on the stack), 4 or 16 octets each, contiguous
 * as in both IP headers. seed chains further deltas.
 */
static __always_inline __s64 xmip_nat_addr_delta(void *old_pair, const void *new_pair, bool v6,
						 __s64 seed)
{
	if (v6)
		return bpf_csum_diff((__be32 *)old_pair, 32, (__be32 *)new_pair, 32, (__wsum)seed);
	return bpf_csum_diff((__be32 *)old_pair, 8, (__be32 *)new_pair, 8, (__wsum)seed);
}

/* Delta of one 32-bit word (two 16-bit fields, e.g. a port pair) changing. */
static __always_inline __s64 xmip_nat_word_delta(__u32 old, __u32 new, __s64 seed)
{
	__u32 o = old, n = new;

	return bpf_csum_diff(&o, 4, &n, 4, (__wsum)seed);
}

/*
 * Full IPv4 header checksum of a fresh 20-octet header: five words, one
 * bpf_csum_diff. The caller has checked that the header is in the frame.
 */
static __always_inline __u16 xmip_ip4_hdr_csum(struct iphdr *ip4)
{
	__s64 s;

	ip4->check = 0;
	s = bpf_csum_diff(0, 0, (__be32 *)ip4, sizeof(*ip4), 0);
	return ~xmip_csum_fold((__u32)s);
}

/*
 * The same sums without a helper call, for the relay's per-packet path:
 * 32-bit words added into 64 bits (one's complement sums are byte-order
 * and word-size neutral, RFC 1071 §2(B),(C)), folded back to a 32-bit
 * partial sum that chains like bpf_csum_diff's. n is a constant: the
 * loops unroll to loads and adds. p may point into the packet (the
 * caller checked the bounds) or to the stack.
 */
static __always_inline __u64 xmip_sum32(const void *p, int n, __u64 acc)
{
	const __u32 *w = p;

#pragma unroll
	for (int i = 0; i < n; i++)
		acc += w[i];
	return acc;
}

/* ~old words (a one's complement subtraction, RFC 1624 eqn. 3). */
static __always_inline __u64 xmip_sum32_neg(const void *p, int n, __u64 acc)
{
	const __u32 *w = p;

#pragma unroll
	for (int i = 0; i < n; i++)
		acc += (__u32)~w[i];
	return acc;
}

static __always_inline __s64 xmip_sum_fold32(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return (__u32)s;
}

/* xmip_nat_addr_delta, inline. */
static __always_inline __s64 xmip_nat_addr_delta_inl(const void *old_pair, const void *new_pair,
						     bool v6, __s64 seed)
{
	__u64 s = (__u32)seed;

	if (v6)
		return xmip_sum_fold32(xmip_sum32(new_pair, 8, xmip_sum32_neg(old_pair, 8, s)));
	return xmip_sum_fold32(xmip_sum32(new_pair, 2, xmip_sum32_neg(old_pair, 2, s)));
}

/* xmip_nat_word_delta, inline. */
static __always_inline __s64 xmip_nat_word_delta_inl(__u32 old, __u32 new, __s64 seed)
{
	return xmip_sum_fold32((__u64)(__u32)seed + (__u32)~old + new);
}

/* xmip_pseudo_sum, inline (src, dst: 4 or 16 octets each). */
static __always_inline __s64 xmip_pseudo_sum_inl(const void *src, const void *dst, bool v6,
						 __u32 len, __u8 proto)
{
	__u64 s;

	if (v6) {
		s = xmip_sum32(dst, 4, xmip_sum32(src, 4, 0));
		s += bpf_htonl(len) + bpf_htonl(proto);
	} else {
		s = (__u64)*(const __u32 *)src + *(const __u32 *)dst;
		s += bpf_htons(len) + bpf_htons(proto);   /* the (zero, proto) and length words */
	}
	return xmip_sum_fold32(s);
}

/*
 * IPv4 TTL down by one, the header checksum updated for the TTL/protocol
 * word and for d (an address delta, or 0): RFC 1624 eqn. 3. The new word
 * is derived from the old one, not read back after a 1-octet store to half
 * of it (a load the store buffer cannot forward waits for the store). The
 * caller checked ttl > 1, so nothing borrows from the protocol octet.
 */
static __always_inline void xmip_ip4_ttl_dec_csum(struct iphdr *h, __s64 d)
{
	__u16 ow16 = *(__u16 *)&h->ttl;
	__u16 nw16 = ow16 - bpf_htons(0x0100);   /* the TTL octet, in memory order */

	h->check = xmip_csum_replace16(xmip_csum_apply(h->check, d), ow16, nw16);
	*(__u16 *)&h->ttl = nw16;
}

#endif /* XMIP_BPF_NAT_H */
