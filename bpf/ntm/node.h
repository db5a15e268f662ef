/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTM node's tunnel datapath (docs/ntmobile.md section 8 and "The
 * node datapath"), on skbs (tc), so GSO super-packets and checksum
 * offload keep working:
 *
 *  xmip_ntm_node_encap  tc egress of the virtual interface (where the
 *      routes to the peers' virtual addresses point): a packet from the
 *      node's virtual address to a peer's gets outer IPv4/IPv6 + UDP + the
 *      8-octet tunnel header (0x11, Next Header, 0, Path ID) through
 *      bpf_skb_adjust_room(BPF_F_ADJ_ROOM_ENCAP_L3_* | ENCAP_L4_UDP), so
 *      the kernel cuts a GSO packet into segments that each carry the
 *      outer headers (SKB_GSO_UDP_TUNNEL), then leaves by the tunnel's
 *      device with the kernel resolving the next hop (bpf_redirect_neigh).
 *  xmip_ntm_node_decap  tc ingress of the real interfaces: UDP to the
 *      node's port starting 0x11 from a known tunnel (outer source address
 *      and port + Path ID, the exact NAT mapping the Tunnel Request
 *      registered) whose inner source is that tunnel's peer virtual
 *      address and whose inner destination is ours loses its outer
 *      headers and goes up the stack; 0x10 (control) goes to the agent's
 *      socket; everything else to the port is dropped and counted.
 *
 * Outer UDP checksum (RFC 768; RFC 8200 §8.1 for IPv6): computed for
 * every packet that is not a GSO super-packet, without reading the
 * payload: a finished TCP, UDP or ICMPv6 segment sums to the complement
 * of its pseudo-header, and an ICMP message to zero, whether the stack
 * filled the inner checksum already or leaves it to the device (checksum
 * offload, RFC 1071 / the kernel's "LCO"). GSO segments, and the inner
 * packets whose sum is unknown (IPv4 fragments, IPv4 UDP without checksum,
 * IPv6 extension headers, other protocols), carry zero (NTM_CSUM_ZERO):
 * the kernel's UDP-tunnel segmentation without _CSUM writes zero, which
 * bpf_skb_adjust_room cannot ask otherwise.
 */
#ifndef XMIP_BPF_NTM_NODE_H
#define XMIP_BPF_NTM_NODE_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/nat.h"
#include "xmip_ntm_node.h"

#ifndef ETH_P_IP
#define ETH_P_IP 0x0800
#endif

#define XMIP_NTM_V_DATA_OCTET 0x11   /* version 1, kind 1: tunnel data (section 8) */
#define XMIP_NTM_V_CTRL_OCTET 0x10   /* version 1, kind 0: control (section 3) */
#define XMIP_NTM_TUN_HLEN     8
#define XMIP_NTM_OUTER_TTL    64
#define XMIP_NTM_IP4_MF_OFF   0x3fff /* More Fragments | offset */
#define XMIP_IP4_DF_BIT       0x4000

/* The node's static configuration; `xmip attach` sets it before load (ready 0: pass all). */
const volatile struct xmip_ntm_node_conf xmip_ntm_node_conf = {};

/* The node's tunnels: TX by peer virtual address, RX by far end + path id; replaced whole by the agent. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XMIP_NTM_NODE_MAX_TUNNELS);
	__type(key, struct xmip_ntm_node_key);
	__type(value, struct xmip_ntm_node_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ntm_tunnels SEC(".maps");

/* The host's own traffic (not to the node's port): left to the kernel, counted. */
static __always_inline int xmip_ntm_not_ours(void)
{
	xmip_count(XMIP_STAT_PASS_NOT_OURS);
	return TC_ACT_OK;
}

/* Sum of n octets (n even, a constant) as raw 16-bit words, for a ones' complement sum. */
static __always_inline __u32 xmip_ntm_sum16(const void *p, int n)
{
	const __u16 *w = p;
	__u32 s = 0;

#pragma unroll
	for (int i = 0; i < n / 2; i++)
		s += w[i];
	return s;
}

static __always_inline __u16 xmip_ntm_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/* The tunnel value's outer header, built on the stack and copied in after the room is made. */
struct xmip_ntm_outer {
	union {
		struct iphdr   ip4;
		struct ipv6hdr ip6;
	};
	struct udphdr udp;
	__u8   tun[4];
	__be32 path_id;
};

/*
 * The ones' complement sum of the inner packet (raw words), when it can be
 * known from its headers alone; -1 if not. `ip` points at the inner
 * header (bounds checked by the caller for the fixed part).
 */
static __always_inline __s64 xmip_ntm_inner_sum(const void *ip, const void *end, bool v6)
{
	__u32 s, l4len;
	__u8 proto;

	if (v6) {
		const struct ipv6hdr *h = ip;

		if ((const void *)(h + 1) > end)
			return -1;
		proto = h->nexthdr;
		l4len = bpf_ntohs(h->payload_len);
		if (proto != XMIP_NAT_TCP && proto != XMIP_NAT_UDP && proto != XMIP_NAT_ICMP6)
			return -1;
		/* The header itself, then the segment: ~(pseudo-header). */
		s = xmip_ntm_sum16(h, sizeof(*h));
		s += (__u16)~xmip_ntm_fold(xmip_ntm_sum16(&h->saddr, 32) + bpf_htons(proto) +
					    bpf_htons(l4len));
		return s;
	} else {
		const struct iphdr *h = ip;
		__u32 hl;

		if ((const void *)(h + 1) > end)
			return -1;
		hl = h->ihl * 4;
		proto = h->protocol;
		if (hl < sizeof(*h) || (h->frag_off & bpf_htons(XMIP_NTM_IP4_MF_OFF)) ||
		    bpf_ntohs(h->tot_len) < hl)
			return -1;
		l4len = bpf_ntohs(h->tot_len) - hl;
		/* A finished IPv4 header sums to -0: it adds nothing. */
		if (proto == XMIP_NAT_ICMP)
			return 0;
		if (proto == XMIP_NAT_UDP) {
			const struct udphdr *u = ip + hl;

			if (hl > 60 || (const void *)(u + 1) > end || !u->check)
				return -1;   /* no checksum: the sum of the datagram is unknown */
		} else if (proto != XMIP_NAT_TCP) {
			return -1;
		}
		s = (__u16)~xmip_ntm_fold(xmip_ntm_sum16(&h->saddr, 8) + bpf_htons(proto) +
					  bpf_htons(l4len));
		return s;
	}
}

/*
 * tc egress of the virtual interface. TC_ACT_OK for what is not unicast
 * (multicast, link-local: no tunnel leads there), the redirect for a
 * tunnelled packet, TC_ACT_SHOT (counted) otherwise.
 */
static __always_inline int xmip_ntm_node_encap(struct __sk_buff *skb)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ntm_node_key key = { .kind = XMIP_NTM_NK_TX };
	struct xmip_ntm_outer o = { };
	struct xmip_ntm_node_val tv, *tp, *t = &tv;
	struct ethhdr *eth = data;
	__u32 inner_len, olen, udp_len, sum;
	__s64 isum = -1;
	__u64 flags;
	__be16 proto;
	bool v6, ov6;
	__u8 tos;

	if (!xmip_ntm_node_conf.ready) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return TC_ACT_OK;
	}
	if ((void *)(eth + 1) > data_end)
		return xmip_ntm_not_ours();
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *h = (void *)(eth + 1);

		/* the version must agree with the ethertype: it becomes Next Header (section 8) */
		if ((void *)(h + 1) > data_end || h->version != 4) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		/* multicast, broadcast: not for a tunnel */
		if ((bpf_ntohl(h->daddr) >> 28) == 0xe || h->daddr == 0xffffffff) {
			xmip_count(XMIP_STAT_PASS_NOT_OURS);
			return TC_ACT_OK;
		}
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		*(__be32 *)&key.addr[12] = h->daddr;
		v6 = false;
		tos = h->tos;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *h = (void *)(eth + 1);

		if ((void *)(h + 1) > data_end || h->version != 6) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		if (xmip_addr_is_special(&h->daddr)) {
			xmip_count(XMIP_STAT_PASS_NOT_OURS);
			return TC_ACT_OK;
		}
		xmip_addr_copy(key.addr, &h->daddr);
		v6 = true;
		tos = (__u8)((((__u8 *)h)[0] << 4) | (((__u8 *)h)[1] >> 4));
	} else {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);
		return TC_ACT_OK;
	}

	tp = bpf_map_lookup_elem(&xmip_ntm_tunnels, &key);
	if (!tp) {
		xmip_count(XMIP_STAT_DROP_NTM_NO_TUNNEL);
		return TC_ACT_SHOT;
	}
	/* copied once, never read again (docs/DESIGN.md, "Atomic updates") */
	__builtin_memcpy(&tv, tp, sizeof(tv));
	if (t->kind != XMIP_NTM_NK_TX) {
		xmip_count(XMIP_STAT_DROP_NTM_NO_TUNNEL);
		return TC_ACT_SHOT;
	}
	/* Only the node's own virtual address goes into a tunnel (RFC 2827-style egress filter). */
	if (v6) {
		struct ipv6hdr *h = (void *)(eth + 1);

		if (!xmip_addr_eq(&h->saddr, t->own6)) {
			xmip_count(XMIP_STAT_DROP_NTM_BAD_SRC);
			return TC_ACT_SHOT;
		}
	} else {
		struct iphdr *h = (void *)(eth + 1);

		if (h->saddr != t->own4) {
			xmip_count(XMIP_STAT_DROP_NTM_BAD_SRC);
			return TC_ACT_SHOT;
		}
	}

	ov6 = t->out_v6;
	inner_len = skb->len - XMIP_ETH_HLEN;
	olen = (ov6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) + sizeof(struct udphdr) +
	       XMIP_NTM_TUN_HLEN;
	udp_len = inner_len + sizeof(struct udphdr) + XMIP_NTM_TUN_HLEN;
	if (skb->gso_size || udp_len > 0xffff)
		udp_len = 0;   /* each segment gets its own lengths */
	else
		isum = xmip_ntm_inner_sum(eth + 1, data_end, v6);

	o.udp.source = t->out_sport;
	o.udp.dest = t->out_dport;
	o.udp.len = bpf_htons(udp_len);
	o.tun[0] = XMIP_NTM_V_DATA_OCTET;
	o.tun[1] = v6 ? XMIP_IPPROTO_IPV6 : XMIP_IPPROTO_IPIP;
	o.path_id = t->path_id;
	if (ov6) {
		*(__be32 *)&o.ip6 = bpf_htonl(0x60000000 | ((__u32)tos << 20));
		o.ip6.payload_len = o.udp.len;
		o.ip6.nexthdr = XMIP_NAT_UDP;
		o.ip6.hop_limit = XMIP_NTM_OUTER_TTL;
		xmip_addr_copy(&o.ip6.saddr, t->out_src);
		xmip_addr_copy(&o.ip6.daddr, t->out_dst);
		sum = xmip_ntm_sum16(t->out_src, 32);
		flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV6;
		proto = bpf_htons(ETH_P_IPV6);
	} else {
		o.ip4.version = 4;
		o.ip4.ihl = 5;
		o.ip4.tos = tos;
		o.ip4.tot_len = bpf_htons(udp_len ? udp_len + sizeof(struct iphdr) : 0);
		o.ip4.frag_off = bpf_htons(XMIP_IP4_DF_BIT);
		o.ip4.ttl = XMIP_NTM_OUTER_TTL;
		o.ip4.protocol = XMIP_NAT_UDP;
		o.ip4.saddr = *(__be32 *)&t->out_src[12];
		o.ip4.daddr = *(__be32 *)&t->out_dst[12];
		o.ip4.check = xmip_ip4_hdr_csum(&o.ip4);
		sum = xmip_ntm_sum16(&t->out_src[12], 4) + xmip_ntm_sum16(&t->out_dst[12], 4);
		flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
		proto = bpf_htons(ETH_P_IP);
	}
	if (isum >= 0) {
		/* pseudo-header, UDP header (check 0), tunnel header, the inner packet */
		sum += bpf_htons(XMIP_NAT_UDP) + o.udp.len;
		sum += xmip_ntm_sum16(&o.udp, sizeof(o.udp) + XMIP_NTM_TUN_HLEN);
		o.udp.check = (__u16)~xmip_ntm_fold(sum + (__u32)xmip_ntm_fold((__u32)isum));
		if (!o.udp.check)
			o.udp.check = 0xffff;   /* RFC 768: a computed zero is sent as all ones */
	} else {
		xmip_count(XMIP_STAT_NTM_CSUM_ZERO);
	}
	__u32 ifindex = t->ifindex;

	/* Grows the room after the MAC header and marks the skb encapsulated
	 * (inner headers, inner protocol, SKB_GSO_UDP_TUNNEL); IPv4 <-> IPv6
	 * switches skb->protocol to the outer family. */
	if (bpf_skb_adjust_room(skb, olen, BPF_ADJ_ROOM_MAC, flags | BPF_F_ADJ_ROOM_ENCAP_L4_UDP) ||
	    bpf_skb_store_bytes(skb, __builtin_offsetof(struct ethhdr, h_proto), &proto,
				sizeof(proto), 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	if (ov6) {
		if (bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &o, sizeof(o), 0))
			goto fail;
	} else {
		if (bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &o.ip4, sizeof(o.ip4), 0) ||
		    bpf_skb_store_bytes(skb, XMIP_ETH_HLEN + sizeof(o.ip4), &o.udp,
					sizeof(o.udp) + XMIP_NTM_TUN_HLEN, 0))
			goto fail;
	}
	xmip_count(XMIP_STAT_NTM_ENCAP_OK);
	/* The kernel routes the outer header out of the tunnel's device and resolves its next hop. */
	return bpf_redirect_neigh(ifindex, NULL, 0, 0);
fail:
	xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
	return TC_ACT_SHOT;
}

/*
 * tc ingress of a real interface. TC_ACT_OK for everything not addressed
 * to the node's port (the host's: PASS_NOT_OURS, PASS_FRAGMENT) and for
 * control messages; decapsulated tunnel packets go up as TC_ACT_OK too;
 * TC_ACT_SHOT (counted) for the rest.
 */
static __always_inline int xmip_ntm_node_decap(struct __sk_buff *skb)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ntm_node_key key = { .kind = XMIP_NTM_NK_RX };
	struct xmip_ntm_node_val tv, *tp, *t = &tv;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	__u8 *tun, *inner;
	__u32 l3len;
	__u64 flags;
	__be16 proto;
	bool ov6, v6;

	if (!xmip_ntm_node_conf.ready) {
		xmip_count(XMIP_STAT_PASS_NOT_READY);
		return TC_ACT_OK;
	}
	if ((void *)(eth + 1) > data_end)
		return xmip_ntm_not_ours();
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *h = (void *)(eth + 1);

		if ((void *)(h + 1) > data_end || h->protocol != XMIP_NAT_UDP)
			return xmip_ntm_not_ours();
		/* fragments: the kernel reassembles them (for the agent's socket, or the host's) */
		if (h->frag_off & bpf_htons(XMIP_NTM_IP4_MF_OFF)) {
			xmip_count(XMIP_STAT_PASS_FRAGMENT);
			return TC_ACT_OK;
		}
		l3len = h->ihl * 4;
		if (l3len < sizeof(*h) || l3len > 60)
			return xmip_ntm_not_ours();
		key.addr[10] = 0xff;
		key.addr[11] = 0xff;
		*(__be32 *)&key.addr[12] = h->saddr;
		ov6 = false;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *h = (void *)(eth + 1);

		if ((void *)(h + 1) > data_end || h->nexthdr != XMIP_NAT_UDP)
			return xmip_ntm_not_ours();
		xmip_addr_copy(key.addr, &h->saddr);
		l3len = sizeof(*h);
		ov6 = true;
	} else {
		return xmip_ntm_not_ours();
	}
	udp = (void *)(eth + 1) + l3len;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(xmip_ntm_node_conf.port))
		return xmip_ntm_not_ours();
	tun = (void *)(udp + 1);
	if ((void *)(tun + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (tun[0] == XMIP_NTM_V_CTRL_OCTET) {
		/* Signalling always carries a checksum over IPv6 (RFC 6936 §5: zero is for
		 * the tunnel's data only; RFC 8200 §8.1). The kernel would drop it too. */
		if (ov6 && !udp->check) {
			xmip_count(XMIP_STAT_DROP_NTM_NO_CSUM);
			return TC_ACT_SHOT;
		}
		xmip_count(XMIP_STAT_NTM_CONTROL);
		return TC_ACT_OK;
	}
	inner = tun + XMIP_NTM_TUN_HLEN;
	if ((void *)(inner + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	/* section 8: 0x11, Next Header agreeing with the inner version, Reserved 0 */
	v6 = (inner[0] >> 4) == 6;
	if (tun[0] != XMIP_NTM_V_DATA_OCTET || tun[2] || tun[3] ||
	    tun[1] != (v6 ? XMIP_IPPROTO_IPV6 : XMIP_IPPROTO_IPIP) ||
	    (!v6 && (inner[0] >> 4) != 4)) {
		xmip_count(XMIP_STAT_DROP_NTM_BAD_TUNNEL);
		return TC_ACT_SHOT;
	}
	key.path_id = *(__be32 *)(tun + 4);
	key.sport = udp->source;
	tp = bpf_map_lookup_elem(&xmip_ntm_tunnels, &key);
	if (!tp) {
		xmip_count(XMIP_STAT_DROP_NTM_UNKNOWN_TUNNEL);
		return TC_ACT_SHOT;
	}
	__builtin_memcpy(&tv, tp, sizeof(tv));   /* copied once, never read again */
	if (t->kind != XMIP_NTM_NK_RX) {
		xmip_count(XMIP_STAT_DROP_NTM_UNKNOWN_TUNNEL);
		return TC_ACT_SHOT;
	}
	/* Anti-spoofing: a tunnel carries only its peer's packets, and only to us. */
	if (v6) {
		struct ipv6hdr *h = (void *)inner;

		if ((void *)(h + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		if (!xmip_addr_eq(&h->saddr, t->peer6) || !xmip_addr_eq(&h->daddr, t->own6)) {
			xmip_count(XMIP_STAT_DROP_NTM_SPOOFED);
			return TC_ACT_SHOT;
		}
	} else {
		struct iphdr *h = (void *)inner;

		if ((void *)(h + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		if (h->saddr != t->peer4 || h->daddr != t->own4) {
			xmip_count(XMIP_STAT_DROP_NTM_SPOOFED);
			return TC_ACT_SHOT;
		}
	}
	/* Tunnel data over IPv6 may carry a zero UDP checksum (RFC 6935 §5,
	 * docs/ntmobile.md section 8; GSO segments do): accepted only here,
	 * after the exact tunnel key and the inner addresses matched (RFC 6936
	 * §5: the tunnel end checks the path); the inner packet's own checksum
	 * is checked by the stack after decapsulation. */
	if (ov6 && !udp->check)
		xmip_count(XMIP_STAT_NTM_CSUM_ZERO_RX);
	/* Strip outer IP, UDP and the tunnel header; the family may change. The
	 * inner GSO size stays (FIXED_GSO); a CHECKSUM_UNNECESSARY that was the
	 * outer UDP's is reset by the helper (the stack checks the inner one). */
	flags = BPF_F_ADJ_ROOM_FIXED_GSO;
	if (v6 != ov6)
		flags |= v6 ? BPF_F_ADJ_ROOM_DECAP_L3_IPV6 : BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	proto = v6 ? bpf_htons(ETH_P_IPV6) : bpf_htons(ETH_P_IP);
	l3len += sizeof(struct udphdr) + XMIP_NTM_TUN_HLEN;
	barrier_var(l3len);
	if (l3len > 60 + sizeof(struct udphdr) + XMIP_NTM_TUN_HLEN ||
	    bpf_skb_adjust_room(skb, -(__s32)l3len, BPF_ADJ_ROOM_MAC, flags) ||
	    bpf_skb_store_bytes(skb, __builtin_offsetof(struct ethhdr, h_proto), &proto,
				sizeof(proto), 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_NTM_DECAP_OK);
	return TC_ACT_OK;
}

#endif /* XMIP_BPF_NTM_NODE_H */
