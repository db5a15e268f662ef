/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * UDP tunnels over IPv4 or IPv6 in XDP: write a fresh outer header (IP,
 * UDP, an 8-octet tunnel header) in front of a packet, strip one, or
 * replace an outer IP header by one of the other family, keeping the
 * Ethernet header. Every helper re-reads data/data_end after its
 * bpf_xdp_adjust_head and checks every bound again before writing: the
 * old pointers are dead after an adjustment.
 *
 * Used by the NTMobile relay (bpf/ntm/relay.h); the same shapes serve
 * DSMIPv6's UDP 4191 and any later UDP encapsulation.
 */
#ifndef XMIP_BPF_UDPTUN_H
#define XMIP_BPF_UDPTUN_H

#include "lib/common.h"
#include "lib/nat.h"

#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif

#define XMIP_IP4_DF 0x4000

/*
 * What the outer header says: addresses (4 or 16 octets used), ports
 * (network order), TTL, the DSCP/ECN octet (copied from the inner packet,
 * RFC 6040 normal mode; 0 for the relay) and, over IPv4, no_df to leave DF
 * clear (an IPv4 inner packet without DF, RFC 2003 §3.1) with a random
 * Identification.
 */
struct xmip_udptun_outer {
	__u8   src[16];
	__u8   dst[16];
	__be16 sport;
	__be16 dport;
	__u8   v6;
	__u8   ttl;
	__u8   tos;
	__u8   no_df;
};

/*
 * Write an outer IP header at `ip` for `payload_len` octets of protocol
 * `proto` behind it (UDP, or 41 / 4 for IP-in-IP without UDP). Returns
 * the header's length (20 or 40), or -1 if the frame is too short.
 */
static __always_inline int xmip_tun_ip_write(void *ip, void *end, const struct xmip_udptun_outer *o,
					     __u32 payload_len, __u8 proto)
{
	if (o->v6) {
		struct ipv6hdr *h = ip;

		if ((void *)(h + 1) > end)
			return -1;
		*(__be32 *)h = bpf_htonl(0x60000000 | ((__u32)o->tos << 20));
		h->payload_len = bpf_htons(payload_len);
		h->nexthdr = proto;
		h->hop_limit = o->ttl;
		xmip_addr_copy(&h->saddr, o->src);
		xmip_addr_copy(&h->daddr, o->dst);
		return sizeof(*h);
	} else {
		struct iphdr *h = ip;
		/* The header's 16-bit words as they will sit in memory, summed
		 * from the values (RFC 1071): reading the header back would load
		 * words that several smaller stores just wrote, which the store
		 * buffer cannot forward. */
		__be16 vt = bpf_htons(0x4500 | o->tos);
		__be16 len = bpf_htons(payload_len + sizeof(*h));
		__be16 id = o->no_df ? (__be16)bpf_get_prandom_u32() : 0;
		__be16 frag = o->no_df ? 0 : bpf_htons(XMIP_IP4_DF);
		__be16 tp = bpf_htons(((__u16)o->ttl << 8) | proto);
		__be32 sa = *(const __be32 *)o->src, da = *(const __be32 *)o->dst;

		if ((void *)(h + 1) > end)
			return -1;
		*(__be16 *)h = vt;
		h->tot_len = len;
		h->id = id;
		h->frag_off = frag;
		*(__be16 *)&h->ttl = tp;
		h->saddr = sa;
		h->daddr = da;
		h->check = ~xmip_csum_fold((__u64)vt + len + id + frag + tp + sa + da);
		return sizeof(*h);
	}
}

/*
 * Write outer IP + UDP at `ip` for a UDP payload of payload_len octets;
 * UDP checksum `check` (already computed). Returns 0, or -1 if the frame
 * is too short (cannot be after a successful adjust, re-checked anyway).
 */
static __always_inline int xmip_udptun_write(void *ip, void *end, const struct xmip_udptun_outer *o,
					     __u32 payload_len, __u16 check)
{
	struct udphdr *udp;
	int hl = xmip_tun_ip_write(ip, end, o, payload_len + sizeof(*udp), XMIP_NAT_UDP);

	if (hl < 0)
		return -1;
	udp = ip + (o->v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr));
	if ((void *)(udp + 1) > end)
		return -1;
	udp->source = o->sport;
	udp->dest = o->dport;
	udp->len = bpf_htons(payload_len + sizeof(*udp));
	udp->check = check;
	return 0;
}

/*
 * Move the Ethernet header from `old_off` to `new_off` octets into the
 * frame... done as: save it, adjust the head by `delta` (positive strips,
 * negative grows), write it back with `proto`. 0, or -1 (adjust failed or
 * the frame is too short afterwards).
 */
static __always_inline int xmip_udptun_adjust(struct xdp_md *ctx, int delta, __be16 proto)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct ethhdr *eth = data, saved;

	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(&saved, eth, sizeof(saved));
	if (bpf_xdp_adjust_head(ctx, delta))
		return -1;
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memcpy(eth, &saved, sizeof(saved));
	eth->h_proto = proto;
	return 0;
}

/* The ethertype of an IP family. */
static __always_inline __be16 xmip_udptun_ethertype(bool v6)
{
	return v6 ? bpf_htons(ETH_P_IPV6) : bpf_htons(ETH_P_IP);
}

#endif /* XMIP_BPF_UDPTUN_H */
