/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internet checksum helpers: folding of bpf_csum_diff results, RFC 1624
 * incremental update, and the ICMPv6 checksum (pseudo-header + message).
 */
#ifndef XMIP_BPF_CSUM_H
#define XMIP_BPF_CSUM_H

#include "lib/common.h"

/* Fold a 32-bit one's-complement accumulator to 16 bits (not inverted). */
static __always_inline __u16 xmip_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit field changing
 * from `old` to `new` (all in network order as stored in the packet).
 */
static __always_inline __u16 xmip_csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check + (__u16)~old + new;

	return ~xmip_csum_fold(sum);
}

/* Same, for a 32-bit field (two 16-bit words). */
static __always_inline __u16 xmip_csum_replace32(__u16 check, __u32 old, __u32 new)
{
	__u32 sum = (__u16)~check;

	sum += (__u16)~(old >> 16) + (__u16)~(old & 0xffff);
	sum += (new >> 16) + (new & 0xffff);
	return ~xmip_csum_fold(sum);
}

/*
 * Partial sum of the IPv6 pseudo-header (RFC 8200 §8.1) for an upper layer
 * of `len` octets and protocol `nh`, to be fed as the seed of the sum over
 * the message itself. The return of bpf_csum_diff is a 32-bit partial sum
 * in the byte order of the data, so it can be chained as a seed.
 */
static __always_inline __s64 xmip_csum_ip6_pseudo(const struct in6_addr *src,
						  const struct in6_addr *dst,
						  __u32 len, __u8 nh)
{
	struct {
		struct in6_addr src;
		struct in6_addr dst;
		__be32 len;
		__be32 nh;
	} ph;

	ph.src = *src;
	ph.dst = *dst;
	ph.len = bpf_htonl(len);
	ph.nh = bpf_htonl(nh);
	return bpf_csum_diff(0, 0, (__be32 *)&ph, sizeof(ph), 0);
}


/* bpf_csum_diff takes at most 512 octets per call, in multiples of 4. */
#define XMIP_CSUM_CHUNK 512

/*
 * Add the packet octets [p, p + len) to `seed`. `len` must be a
 * compile-time constant multiple of 4 (the function is always inlined, so
 * every chunk size folds to a constant the verifier can check against
 * `end`). Returns the new partial sum, or negative if [p, p+len) is not
 * inside the packet.
 */
static __always_inline __s64 xmip_csum_region(void *p, void *end, const __u32 len, __s64 seed)
{
	__u32 done = 0;
	int i;

#pragma unroll
	for (i = 0; i < 16; i++) {
		__u32 n = len - done;

		if (n == 0)
			break;
		if (n > XMIP_CSUM_CHUNK)
			n = XMIP_CSUM_CHUNK;
		if (p + done + n > end)
			return -1;
		seed = bpf_csum_diff(0, 0, (__be32 *)(p + done), n, (__wsum)seed);
		if (seed < 0)
			return seed;
		done += n;
	}
	return seed;
}

#endif /* XMIP_BPF_CSUM_H */
