/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The NTMobile Relay Server datapath (docs/ntmobile.md, sections 8 and 9;
 * the relay table contract: include/xmip_ntm_relay.h). One hash lookup
 * keyed by what arrives decides each packet:
 *
 *  - UDP to the RS port, first octet 0x10: a control message, the agent's
 *    (its socket), passed and counted.
 *  - UDP to the RS port, 0x11: tunnel data. Path ID top bit clear (RS-S):
 *    the leg's entry names the other leg; outer addresses and ports are
 *    rewritten (IPv4<->IPv6 legs: the outer header replaced), checksums
 *    updated incrementally (RFC 1624), out again (XDP_TX on a one-NIC VM,
 *    redirect with two). Top bit set (RS-N): the inner flow's entry says
 *    how to translate it; the tunnel is stripped, the virtual source
 *    becomes the RS's address and a pool port, the GN's virtual address
 *    its real one. A flow's first packet (no entry yet, but the path's
 *    tunnel leg matches) goes to the agent, which allocates the pool port,
 *    writes both entries and sends that packet itself.
 *  - TCP/UDP to a pool port, ICMP echo replies with a pool identifier,
 *    and ICMP errors quoting a pool flow (RS-N replies): translated back
 *    (the quoted header too) and tunnelled to the node's NAT mapping; the
 *    outer UDP checksum is derived from the inner one (pseudo-header sums
 *    only, never a sum over the payload).
 *  - Everything else to the RS is the host's: passed, counted.
 *
 * A miss is dropped and counted: unknown path id, or known path from an
 * unknown source address or port (the second lookup, in xmip_rs_paths,
 * runs only on a miss). Family handlers are global functions, each
 * verified once on its own; they get the frame through ctx only and
 * re-check every bound, and again after every head adjustment.
 */
#ifndef XMIP_BPF_NTM_RELAY_H
#define XMIP_BPF_NTM_RELAY_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/nat.h"
#include "lib/udptun.h"
#include "lib/role_rs.h"

#ifndef AF_INET
#define AF_INET 2
#endif

#define XMIP_RS_MAX_L4_OFF 256          /* outer headers deeper than this are not ours */
#define XMIP_RS_OUTER_TTL  64           /* RFC 1122 §3.2.1.7 default TTL for the new leg */
#define XMIP_RS_IS_ICMP_ERR 0x100       /* xmip_ntm_rs_pool: "an ICMP error, not a verdict" */

/* ICMP types (RFC 792, RFC 4443) the relay translates. */
#define XMIP_ICMP4_ECHO_REPLY   0
#define XMIP_ICMP4_UNREACH      3
#define XMIP_ICMP4_ECHO         8
#define XMIP_ICMP4_TIME_EXC     11
#define XMIP_ICMP4_PARAM        12
#define XMIP_ICMP6_ECHO         128
#define XMIP_ICMP6_ECHO_REPLY   129

/* Two 16-bit fields read and written as one word (ports; ICMP echo id and sequence). */
struct xmip_rs_word {
	__be16 a;
	__be16 b;
};

/*
 * The entry for k, read in place (no copy: the packet reads only the
 * fields it needs, one lookup, no scratch); note the use (cheaply). NULL
 * on a miss. The agent replaces entries whole (bpf_map_update_elem: a
 * new element is linked in, the old one unlinked and freed to the BPF
 * memory allocator); a packet that reads an entry while it is replaced
 * may see the old value, the new one, or (if the freed element is reused
 * at once) a mix, for that packet only: the same window the former copy
 * had, since the copy was itself a read of the live element. Every field
 * the handlers use is validated as before (kind, families, inner
 * addresses), so such a packet is relayed by one of the values or dropped.
 */
static __always_inline const struct xmip_ntm_relay_val *
xmip_rs_lookup(const struct xmip_ntm_relay_key *k)
{
	struct xmip_ntm_relay_val *e = bpf_map_lookup_elem(&xmip_relay, k);
	__u64 now;

	if (!e)
		return NULL;
	/* One aligned store, and only when stale: the line is not written per packet.
	 * (bpf_jiffies64 is inlined by the verifier on 64-bit JITs: a load.) */
	now = bpf_jiffies64();
	if (now - e->last_used > XMIP_RS_TOUCH_JIFFIES)
		e->last_used = now;
	return e;
}

/* A tunnel packet that matched nothing: why. */
static __always_inline int xmip_rs_miss(__be32 path_id)
{
	if (bpf_map_lookup_elem(&xmip_rs_paths, &path_id))
		xmip_count(XMIP_STAT_DROP_RS_UNKNOWN_SOURCE);
	else
		xmip_count(XMIP_STAT_DROP_RS_UNKNOWN_PATH);
	return XDP_DROP;
}

static __always_inline int xmip_rs_drop(enum xmip_stat why)
{
	xmip_count(why);
	return XDP_DROP;
}

/* No next hop in the entry (agent not done resolving): ask the FIB for the outer destination. */
static __always_inline int xmip_rs_fib(struct xdp_md *ctx, bool v6)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	struct ethhdr *eth = data;
	struct bpf_fib_lookup p;
	long rc;

	xmip_count(XMIP_STAT_RS_FIB_LOOKUP);
	__builtin_memset(&p, 0, sizeof(p));
	if (v6) {
		struct ipv6hdr *h = (void *)(eth + 1);

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		p.family = AF_INET6;
		p.l4_protocol = h->nexthdr;
		p.tot_len = bpf_ntohs(h->payload_len) + sizeof(*h);
		xmip_addr_copy(p.ipv6_src, &h->saddr);
		xmip_addr_copy(p.ipv6_dst, &h->daddr);
	} else {
		struct iphdr *h = (void *)(eth + 1);

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		p.family = AF_INET;
		p.l4_protocol = h->protocol;
		p.tos = h->tos;
		p.tot_len = bpf_ntohs(h->tot_len);
		p.ipv4_src = h->saddr;
		p.ipv4_dst = h->daddr;
	}
	p.ifindex = ctx->ingress_ifindex;
	rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
	switch (rc) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);
		if (p.ifindex == ctx->ingress_ifindex) {
			xmip_count(XMIP_STAT_FWD_XDP_TX);
			return XDP_TX;
		}
		xmip_count(XMIP_STAT_FWD_REDIRECT);
		return bpf_redirect(p.ifindex, 0);
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		/* The kernel forwards it and resolves the neighbour. */
		xmip_count(XMIP_STAT_FALLBACK_FIB_NO_NEIGH);
		return XDP_PASS;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return xmip_rs_drop(XMIP_STAT_DROP_FIB_BLACKHOLE);
	}
	xmip_count(XMIP_STAT_FALLBACK_FIB_OTHER);
	return XDP_PASS;
}

/* Out with the entry's next hop: XDP_TX (ifindex 0 or the arrival one) or a redirect. */
static __always_inline int xmip_rs_emit(struct xdp_md *ctx, const struct xmip_ntm_relay_val *v,
					bool v6)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	if (xmip_mac_zero(v->dmac))
		return xmip_rs_fib(ctx, v6);
	__builtin_memcpy(eth->h_dest, v->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, v->smac, ETH_ALEN);
	if (!v->ifindex || v->ifindex == ctx->ingress_ifindex) {
		xmip_count(XMIP_STAT_FWD_XDP_TX);
		return XDP_TX;
	}
	xmip_count(XMIP_STAT_FWD_REDIRECT);
	return bpf_redirect(v->ifindex, 0);
}

/* The key's address: the packet's IPv4 source as ::ffff:a.b.c.d, or its IPv6 source. */
static __always_inline int xmip_rs_key_src(void *data, void *end, bool v6, __u8 *addr)
{
	if (v6) {
		struct ipv6hdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return -1;
		xmip_addr_copy(addr, &h->saddr);
	} else {
		struct iphdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return -1;
		xmip_addr_map4(addr, h->saddr);
	}
	return 0;
}

/* ------------------------------------------------------------------ RS-S */

/*
 * Join the legs: the outer header gets the other leg's addresses and
 * ports. Same family and a plain header: rewritten in place; otherwise
 * (IPv4 options, IPv6 extension headers, or the other leg of the other
 * family) a fresh outer header replaces the old one.
 */
static __always_inline int xmip_rs_s_switch(struct xdp_md *ctx, __u32 l4_off, bool in6,
					    const struct xmip_ntm_relay_val *v)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	bool out6 = !xmip_addr_is_v4mapped(v->out_dst);
	struct xmip_rs_word ow, nw = { .a = v->out_sport, .b = v->out_dport };
	struct xmip_udptun_outer o;
	struct udphdr *udp;
	__u16 check, ulen;
	__u8 ttl;
	__s64 d;

	if (out6 == xmip_addr_is_v4mapped(v->out_src))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_ENTRY);
	barrier_var(l4_off);
	if (l4_off > XMIP_RS_MAX_L4_OFF)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	udp = data + l4_off;
	if ((void *)(udp + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	__builtin_memcpy(&ow, udp, sizeof(ow));
	check = udp->check;
	ulen = bpf_ntohs(udp->len);
	/* A zero checksum (counted by the caller) stays zero on either leg: the
	 * tunnel over IPv6 may carry one (docs/ntmobile.md section 8, RFC 6935
	 * §5), over IPv4 it means "none" (RFC 768). */

	if (in6 == out6 && l4_off == XMIP_ETH_HLEN + (in6 ? XMIP_IP6_HLEN : XMIP_IP4_HLEN)) {
		if (in6) {
			struct ipv6hdr *h = data + XMIP_ETH_HLEN;
			struct { __u8 s[16], d[16]; } na;

			if ((void *)(h + 1) > end)
				return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
			if (h->hop_limit <= 1)
				return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
			xmip_addr_copy(na.s, v->out_src);
			xmip_addr_copy(na.d, v->out_dst);
			d = xmip_nat_addr_delta_inl(&h->saddr, &na, true, 0);
			if (check) {
				d = xmip_nat_word_delta_inl(*(__u32 *)&ow, *(__u32 *)&nw, d);
				udp->check = xmip_csum_apply_udp(check, d);
			}
			xmip_addr_copy(&h->saddr, na.s);
			xmip_addr_copy(&h->daddr, na.d);
			h->hop_limit--;
		} else {
			struct iphdr *h = data + XMIP_ETH_HLEN;
			struct { __be32 s, d; } na = { xmip_addr_v4(v->out_src), xmip_addr_v4(v->out_dst) };

			if ((void *)(h + 1) > end)
				return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
			if (h->ttl <= 1)
				return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
			d = xmip_nat_addr_delta_inl(&h->saddr, &na, false, 0);
			xmip_ip4_ttl_dec_csum(h, d);
			if (check) {
				d = xmip_nat_word_delta_inl(*(__u32 *)&ow, *(__u32 *)&nw, d);
				udp->check = xmip_csum_apply_udp(check, d);
			}
			h->saddr = na.s;
			h->daddr = na.d;
		}
		__builtin_memcpy(udp, &nw, sizeof(nw));
		xmip_count(XMIP_STAT_RS_S_RELAYED);
		return xmip_rs_emit(ctx, v, out6);
	}

	/* A new outer header: the UDP checksum follows the pseudo-header's addresses (zero stays zero). */
	if (ulen < sizeof(*udp) + XMIP_NTM_TUNHDR_LEN || (void *)udp + ulen > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	__builtin_memset(&o, 0, sizeof(o));
	if (in6) {
		struct ipv6hdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		ttl = h->hop_limit;
		if (out6) {
			xmip_addr_copy(o.src, v->out_src);
			xmip_addr_copy(o.dst, v->out_dst);
			d = bpf_csum_diff((__be32 *)&h->saddr, 32, (__be32 *)o.src, 32, 0);
		} else {
			((__be32 *)o.src)[0] = xmip_addr_v4(v->out_src);
			((__be32 *)o.src)[1] = xmip_addr_v4(v->out_dst);
			d = bpf_csum_diff((__be32 *)&h->saddr, 32, (__be32 *)o.src, 8, 0);
			((__be32 *)o.dst)[0] = ((__be32 *)o.src)[1];
		}
	} else {
		struct iphdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		ttl = h->ttl;
		if (out6) {
			xmip_addr_copy(o.src, v->out_src);
			xmip_addr_copy(o.dst, v->out_dst);
			d = bpf_csum_diff((__be32 *)&h->saddr, 8, (__be32 *)o.src, 32, 0);
		} else {
			((__be32 *)o.src)[0] = xmip_addr_v4(v->out_src);
			((__be32 *)o.src)[1] = xmip_addr_v4(v->out_dst);
			d = bpf_csum_diff((__be32 *)&h->saddr, 8, (__be32 *)o.src, 8, 0);
			((__be32 *)o.dst)[0] = ((__be32 *)o.src)[1];
		}
	}
	if (ttl <= 1)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
	d = xmip_nat_word_delta_inl(*(__u32 *)&ow, *(__u32 *)&nw, d);
	check = check ? xmip_csum_apply_udp(check, d) : 0;
	o.sport = v->out_sport;
	o.dport = v->out_dport;
	o.v6 = out6;
	o.ttl = ttl - 1;
	if (xmip_udptun_adjust(ctx, (int)(l4_off - XMIP_ETH_HLEN) -
			       (out6 ? XMIP_IP6_HLEN : XMIP_IP4_HLEN), xmip_udptun_ethertype(out6)))
		return xmip_rs_drop(XMIP_STAT_DROP_ADJUST_FAILED);
	data = xmip_xdp_data(ctx);
	end = xmip_xdp_data_end(ctx);
	if (xmip_udptun_write(data + XMIP_ETH_HLEN, end, &o, ulen - sizeof(*udp), check))
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	xmip_count(XMIP_STAT_RS_S_RELAYED);
	return xmip_rs_emit(ctx, v, out6);
}

/* ------------------------------------------------------------------ RS-N */

/*
 * Delta of the upper layer's checksum for a changed address pair (d,
 * TCP/UDP/ICMPv6 only) and port word, written into the packet. A UDP
 * checksum of 0 over IPv4 stays 0 (none). csum points at the field.
 */
static __always_inline void xmip_rs_l4_fix(__u16 *csum, __u8 proto, bool v6, __s64 d_addr,
					   __u32 ow, __u32 nw)
{
	__s64 d = xmip_nat_word_delta_inl(ow, nw, xmip_l4_has_pseudo(proto) ? d_addr : 0);

	if (proto == XMIP_NAT_UDP) {
		if (v6 || *csum)
			*csum = xmip_csum_apply_udp(*csum, d);
		return;
	}
	*csum = xmip_csum_apply(*csum, d);
}

/*
 * The upper layer of an inner packet at ioff (IPv4 without options, not a
 * fragment; IPv6 straight to TCP, UDP or ICMPv6): its offset, protocol
 * and where its port word is (0 for TCP/UDP, 4 for an ICMP echo's id).
 * want_echo: the ICMP type accepted (echo request forward). -1: not one
 * we translate.
 */
static __always_inline int xmip_rs_inner_l4(void *data, void *end, __u32 ioff, bool i6,
					    __u8 want_echo4, __u8 want_echo6,
					    __u8 *proto, __u32 *woff)
{
	__u32 l4;
	__u8 *t;

	if (ioff > XMIP_RS_MAX_L4_OFF)
		return -1;
	if (i6) {
		struct ipv6hdr *h = data + ioff;

		if ((void *)(h + 1) > end)
			return -1;
		*proto = h->nexthdr;
		l4 = ioff + sizeof(*h);
	} else {
		struct iphdr *h = data + ioff;

		if ((void *)(h + 1) > end)
			return -1;
		if (h->ihl != 5 || (h->frag_off & bpf_htons(XMIP_IP4_MF | XMIP_IP4_OFFMASK)))
			return -1;
		*proto = h->protocol;
		l4 = ioff + sizeof(*h);
	}
	*woff = 0;
	t = data + l4;
	switch (*proto) {
	case XMIP_NAT_TCP:
		if ((void *)t + 20 > end)
			return -1;
		return l4;
	case XMIP_NAT_UDP:
		if ((void *)t + 8 > end)
			return -1;
		return l4;
	case XMIP_NAT_ICMP:
	case XMIP_NAT_ICMP6:
		if ((*proto == XMIP_NAT_ICMP) == i6 || (void *)t + 8 > end)
			return -1;
		if (t[0] != (i6 ? want_echo6 : want_echo4) || t[1] != 0)
			return -1;
		*woff = 4;
		return l4;
	}
	return -1;
}

/*
 * RS-N, node -> GN: find the inner flow, translate, strip the tunnel.
 * tk is the tunnel leg's key (kind 1); the flow's key is built in it (and
 * made the leg's again on a miss).
 * caller's, so that the two do not take stack twice.
 */
static __always_inline int xmip_rs_n_fwd(struct xdp_md *ctx, __u32 l4_off, bool i6,
					 struct xmip_ntm_relay_key *tk)
{
	const struct xmip_ntm_relay_val *vp;
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	__u32 ioff = l4_off + sizeof(struct udphdr) + XMIP_NTM_TUNHDR_LEN;
	struct xmip_rs_word ow, nw;
	__u32 woff = 0;
	__u16 *csum;
	__u8 proto = 0;
	__s64 d;
	int l4;

	barrier_var(ioff);
	l4 = xmip_rs_inner_l4(data, end, ioff, i6, XMIP_ICMP4_ECHO, XMIP_ICMP6_ECHO, &proto, &woff);
	if (l4 < 0 || l4 > XMIP_RS_MAX_L4_OFF + 40)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_N_PROTO);
	if (data + l4 + woff + 4 > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	__builtin_memcpy(&ow, data + l4 + woff, sizeof(ow));
	/* The inner datagram is plain UDP to the GN: over IPv6 it needs its checksum (RFC 8200 §8.1). */
	if (i6 && proto == XMIP_NAT_UDP && data + l4 + 8 <= end && !*(__u16 *)(data + l4 + 6))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_NO_CSUM);

	tk->kind = XMIP_NTM_RK_RSN_FWD;
	tk->proto = proto;
	tk->port2 = ow.a;
	vp = xmip_rs_lookup(tk);
	if (!vp) {
		/* No flow yet: the agent makes it if the leg is the path's. */
		tk->kind = XMIP_NTM_RK_TUNNEL;
		tk->proto = XMIP_NAT_UDP;
		tk->port2 = 0;
		if (bpf_map_lookup_elem(&xmip_relay, tk)) {
			xmip_count(XMIP_STAT_RS_N_NEW_FLOW);
			return XDP_PASS;
		}
		return xmip_rs_miss(tk->path_id);
	}
	if (vp->kind != XMIP_NTM_RK_RSN_FWD || xmip_addr_is_v4mapped(vp->out_dst) == i6 ||
	    xmip_addr_is_v4mapped(vp->out_src) == i6)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_ENTRY);

	if (i6) {
		struct ipv6hdr *h = data + ioff;
		struct { __u8 s[16], d[16]; } na;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		if (!xmip_addr_eq(&h->saddr, vp->inner_addr) || !xmip_addr_eq(&h->daddr, vp->gn_vip))
			return xmip_rs_drop(XMIP_STAT_DROP_RS_N_BAD_INNER);
		if (h->hop_limit <= 1)
			return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
		xmip_addr_copy(na.s, vp->out_src);
		xmip_addr_copy(na.d, vp->out_dst);
		d = xmip_nat_addr_delta_inl(&h->saddr, &na, true, 0);
		xmip_addr_copy(&h->saddr, na.s);
		xmip_addr_copy(&h->daddr, na.d);
		h->hop_limit--;
	} else {
		struct iphdr *h = data + ioff;
		struct { __be32 s, d; } na = { xmip_addr_v4(vp->out_src), xmip_addr_v4(vp->out_dst) };

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		if (!xmip_addr_is_v4mapped(vp->inner_addr) || !xmip_addr_is_v4mapped(vp->gn_vip) ||
		    h->saddr != xmip_addr_v4(vp->inner_addr) || h->daddr != xmip_addr_v4(vp->gn_vip))
			return xmip_rs_drop(XMIP_STAT_DROP_RS_N_BAD_INNER);
		if (h->ttl <= 1)
			return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
		d = xmip_nat_addr_delta_inl(&h->saddr, &na, false, 0);
		xmip_ip4_ttl_dec_csum(h, d);
		h->saddr = na.s;
		h->daddr = na.d;
	}
	nw = ow;
	nw.a = vp->out_sport;
	if (data + l4 + 20 > end && proto == XMIP_NAT_TCP)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	if (data + l4 + 8 > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	csum = data + l4 + xmip_l4_csum_off(proto);
	if ((void *)(csum + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	xmip_rs_l4_fix(csum, proto, i6, d, *(__u32 *)&ow, *(__u32 *)&nw);
	if (data + l4 + woff + 4 > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	__builtin_memcpy(data + l4 + woff, &nw, sizeof(nw));

	if (xmip_udptun_adjust(ctx, (int)(ioff - XMIP_ETH_HLEN), xmip_udptun_ethertype(i6)))
		return xmip_rs_drop(XMIP_STAT_DROP_ADJUST_FAILED);
	xmip_count(XMIP_STAT_RS_N_DECAP_NAT);
	return xmip_rs_emit(ctx, vp, i6);
}

/*
 * The outer UDP checksum of an inner packet about to be tunnelled, without
 * summing it: a packet whose checksums are valid sums to a known value.
 * An IPv4 header with its checksum sums to 0 (0xffff); an upper layer
 * with its checksum sums to the complement of its pseudo-header (TCP, UDP,
 * ICMPv6), or to 0 (ICMPv4). So the tunnel's checksum needs only the
 * outer pseudo-header, the UDP and tunnel headers, the inner IPv6 header
 * (40 octets, no checksum of its own) and the inner pseudo-header.
 * nocsum: the inner UDP over IPv4 has no checksum (0), so nothing is
 * known: 0 for an IPv4 outer header (none), -1 for IPv6 (cannot).
 */
static __always_inline int xmip_rs_n_outer_csum(void *data, void *end, __u32 ihl_off, bool i6,
						__u8 proto, __u32 l4_len, __u32 inner_len,
						const struct xmip_udptun_outer *o, __u8 next,
						__be32 path_id, bool nocsum, __u16 *out)
{
	__u32 ulen = inner_len + sizeof(struct udphdr) + XMIP_NTM_TUNHDR_LEN;
	__u64 sum;

	if (nocsum) {
		*out = 0;
		return o->v6 ? -1 : 0;
	}
	/* The outer pseudo-header, the UDP header (checksum 0) and the tunnel
	 * header, as 16-bit words in memory order summed from their values
	 * (no stack copy read back as words: see xmip_tun_ip_write). */
	sum = (__u32)xmip_pseudo_sum_inl(o->src, o->dst, o->v6, ulen, XMIP_NAT_UDP);
	sum += o->sport + o->dport + bpf_htons(ulen);
	sum += bpf_htons(((__u16)XMIP_NTM_V_DATA << 8) | next) + path_id;   /* reserved: 0 */
	if (ihl_off > XMIP_RS_MAX_L4_OFF)
		return -1;
	if (i6) {
		struct ipv6hdr *h = data + ihl_off;

		if ((void *)(h + 1) > end)
			return -1;
		sum = xmip_sum32(h, sizeof(*h) / 4, sum);
		if (xmip_l4_has_pseudo(proto))
			sum += (__u16)~xmip_csum_fold((__u32)xmip_pseudo_sum_inl(&h->saddr, &h->daddr, true,
									     l4_len, proto));
	} else {
		struct iphdr *h = data + ihl_off;

		if ((void *)(h + 1) > end)
			return -1;
		if (xmip_l4_has_pseudo(proto)) {
			__be32 a = h->saddr, b = h->daddr;

			sum += (__u16)~xmip_csum_fold((__u32)xmip_pseudo_sum_inl(&a, &b, false, l4_len, proto));
		}
	}
	*out = ~xmip_csum_fold(sum);
	if (!*out)
		*out = 0xffff;
	return 0;
}

/*
 * Tunnel the (translated) inner packet at the frame's IP header back to
 * the node: outer header from the entry, tunnel header with its path id.
 */
static __always_inline int xmip_rs_n_push(struct xdp_md *ctx, const struct xmip_ntm_relay_val *v,
					  bool i6, __u8 proto, bool nocsum, enum xmip_stat done)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	bool out6 = !xmip_addr_is_v4mapped(v->out_dst);
	__u8 next = i6 ? 41 : 4;
	__be32 path_id = v->path_id;
	struct xmip_udptun_outer o;
	__u32 inner_len, hl, l4_len;
	struct xmip_ntm_tunhdr *t;
	__u16 check;

	if (out6 == xmip_addr_is_v4mapped(v->out_src))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_ENTRY);
	if (i6) {
		struct ipv6hdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		l4_len = bpf_ntohs(h->payload_len);
		inner_len = l4_len + sizeof(*h);
	} else {
		struct iphdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		inner_len = bpf_ntohs(h->tot_len);
		l4_len = inner_len - h->ihl * 4;
	}
	__builtin_memset(&o, 0, sizeof(o));
	if (out6) {
		xmip_addr_copy(o.src, v->out_src);
		xmip_addr_copy(o.dst, v->out_dst);
	} else {
		((__be32 *)o.src)[0] = xmip_addr_v4(v->out_src);
		((__be32 *)o.dst)[0] = xmip_addr_v4(v->out_dst);
	}
	o.sport = v->out_sport;
	o.dport = v->out_dport;
	o.v6 = out6;
	o.ttl = XMIP_RS_OUTER_TTL;
	if (xmip_rs_n_outer_csum(data, end, XMIP_ETH_HLEN, i6, proto, l4_len, inner_len, &o, next,
				 path_id, nocsum, &check))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_NO_CSUM);

	hl = out6 ? XMIP_IP6_HLEN : XMIP_IP4_HLEN;
	if (xmip_udptun_adjust(ctx, -(int)(hl + sizeof(struct udphdr) + XMIP_NTM_TUNHDR_LEN),
			       xmip_udptun_ethertype(out6)))
		return xmip_rs_drop(XMIP_STAT_DROP_ADJUST_FAILED);
	data = xmip_xdp_data(ctx);
	end = xmip_xdp_data_end(ctx);
	if (xmip_udptun_write(data + XMIP_ETH_HLEN, end, &o, inner_len + XMIP_NTM_TUNHDR_LEN, check))
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	t = data + XMIP_ETH_HLEN + hl + sizeof(struct udphdr);
	if ((void *)(t + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	t->ver_kind = XMIP_NTM_V_DATA;
	t->next = next;
	t->reserved = 0;
	t->path_id = path_id;
	xmip_count(done);
	return xmip_rs_emit(ctx, v, out6);
}

/*
 * Translate the inner IP header of a GN -> node packet: source (the GN's
 * real address) to its virtual one, destination (the RS) to the node's
 * virtual address; TTL down by one. *d gets the address delta (for the
 * upper layer's pseudo-header). 0 or a drop reason.
 */
static __always_inline int xmip_rs_n_rev_ip(void *data, void *end, bool v6,
					    const struct xmip_ntm_relay_val *v, __s64 *d)
{
	if (v6) {
		struct ipv6hdr *h = data + XMIP_ETH_HLEN;
		struct { __u8 s[16], d[16]; } na;

		if ((void *)(h + 1) > end)
			return XMIP_STAT_DROP_MALFORMED;
		if (h->hop_limit <= 1)
			return XMIP_STAT_DROP_RS_TTL;
		xmip_addr_copy(na.s, v->gn_vip);
		xmip_addr_copy(na.d, v->inner_addr);
		*d = xmip_nat_addr_delta_inl(&h->saddr, &na, true, 0);
		xmip_addr_copy(&h->saddr, na.s);
		xmip_addr_copy(&h->daddr, na.d);
		h->hop_limit--;
	} else {
		struct iphdr *h = data + XMIP_ETH_HLEN;
		struct { __be32 s, d; } na = { xmip_addr_v4(v->gn_vip), xmip_addr_v4(v->inner_addr) };

		if ((void *)(h + 1) > end)
			return XMIP_STAT_DROP_MALFORMED;
		if (h->ttl <= 1)
			return XMIP_STAT_DROP_RS_TTL;
		*d = xmip_nat_addr_delta_inl(&h->saddr, &na, false, 0);
		xmip_ip4_ttl_dec_csum(h, *d);
		h->saddr = na.s;
		h->daddr = na.d;
	}
	return 0;
}

/* Is the entry's inner family the packet's? */
static __always_inline bool xmip_rs_n_family_ok(const struct xmip_ntm_relay_val *v, bool v6)
{
	return v->kind == XMIP_NTM_RK_RSN_REV &&
	       xmip_addr_is_v4mapped(v->inner_addr) == !v6 &&
	       xmip_addr_is_v4mapped(v->gn_vip) == !v6;
}

/*
 * An ICMP error to the RS quoting a packet the RS sent for a flow (RFC 792,
 * RFC 4443 §2.4(c)): its flow is found from the quote; the outer
 * destination becomes the node's virtual address, the outer source the
 * GN's virtual one when the GN itself sent it, and the quoted header is
 * translated back (source: node's virtual address and port; destination:
 * GN's virtual address), with the quoted IPv4 and upper-layer checksums
 * and the ICMP checksum over all of it updated. Then tunnelled like a reply.
 */
__noinline int xmip_ntm_rs_icmp_err(struct xdp_md *ctx, __u32 l4_off, __u32 is6)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	bool v6 = is6;
	__u32 q, ql4, woff = 0, qcoff;
	struct xmip_ntm_relay_key k;
	const struct xmip_ntm_relay_val *v;
	struct xmip_rs_word ow, nw;
	__u16 *icsum, *qcs, old16;
	__s64 od = 0, qd, dd;
	__u8 qproto = 0;
	union {
		struct { __u8 s[16], d[16]; } a6;
		struct { __be32 s, d; } a4;
	} na;   /* one for the quoted and the outer header: the stack is tight */

	barrier_var(l4_off);
	if (!ctx || l4_off > XMIP_RS_MAX_L4_OFF)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	q = l4_off + 8;
	__builtin_memset(&k, 0, sizeof(k));
	/* The quoted packet: RS -> GN, its echo request or segment. */
	if (v6) {
		struct ipv6hdr *h = data + q;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		qproto = h->nexthdr;
		xmip_addr_copy(k.addr, &h->daddr);
		ql4 = q + sizeof(*h);
	} else {
		struct iphdr *h = data + q;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		if (h->ihl != 5)
			return xmip_rs_drop(XMIP_STAT_DROP_RS_N_PROTO);
		qproto = h->protocol;
		xmip_addr_map4(k.addr, h->daddr);
		ql4 = q + sizeof(*h);
	}
	if (ql4 > XMIP_RS_MAX_L4_OFF + 40 || data + ql4 + 8 > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	switch (qproto) {
	case XMIP_NAT_TCP:
	case XMIP_NAT_UDP:
		__builtin_memcpy(&ow, data + ql4, sizeof(ow));
		k.sport = ow.b;
		k.dport = ow.a;
		break;
	case XMIP_NAT_ICMP:
	case XMIP_NAT_ICMP6: {
		__u8 *t = data + ql4;

		if ((qproto == XMIP_NAT_ICMP) == v6 ||
		    t[0] != (v6 ? XMIP_ICMP6_ECHO : XMIP_ICMP4_ECHO))
			return xmip_rs_drop(XMIP_STAT_DROP_RS_N_PROTO);
		woff = 4;
		__builtin_memcpy(&ow, data + ql4 + 4, sizeof(ow));
		k.sport = ow.a;
		k.dport = ow.a;
		break;
	}
	default:
		return xmip_rs_drop(XMIP_STAT_DROP_RS_N_PROTO);
	}
	if (bpf_ntohs(ow.a) < xmip_rs_conf.pool_lo || bpf_ntohs(ow.a) > xmip_rs_conf.pool_hi) {
		xmip_count(XMIP_STAT_PASS_NOT_OURS);   /* about the host's own traffic */
		return XDP_PASS;
	}
	k.proto = qproto;
	k.kind = XMIP_NTM_RK_RSN_REV;
	v = xmip_rs_lookup(&k);
	if (!v)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_N_NO_FLOW);
	if (!xmip_rs_n_family_ok(v, v6))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_ENTRY);

	icsum = data + l4_off + 2;
	if ((void *)(icsum + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);

	/* The quoted header: source RS -> node's virtual address, destination GN -> its virtual one. */
	if (v6) {
		struct ipv6hdr *h = data + q;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		xmip_addr_copy(na.a6.s, v->inner_addr);
		xmip_addr_copy(na.a6.d, v->gn_vip);
		qd = xmip_nat_addr_delta_inl(&h->saddr, &na, true, 0);
		xmip_addr_copy(&h->saddr, na.a6.s);
		xmip_addr_copy(&h->daddr, na.a6.d);
		dd = qd;
	} else {
		struct iphdr *h = data + q;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		na.a4.s = xmip_addr_v4(v->inner_addr);
		na.a4.d = xmip_addr_v4(v->gn_vip);
		qd = xmip_nat_addr_delta_inl(&h->saddr, &na, false, 0);
		old16 = h->check;
		h->check = xmip_csum_apply(h->check, qd);
		/* The ICMP checksum covers the quoted header: its addresses and checksum changed. */
		dd = xmip_nat_word_delta_inl(old16, h->check, qd);
		h->saddr = na.a4.s;
		h->daddr = na.a4.d;
	}
	/* The quoted port (or echo id) and, if quoted, the quoted upper-layer checksum. */
	nw = ow;
	nw.a = v->inner_port;
	dd = xmip_nat_word_delta_inl(*(__u32 *)&ow, *(__u32 *)&nw, dd);
	qcoff = xmip_l4_csum_off(qproto);
	qcs = data + ql4 + qcoff;
	if ((void *)(qcs + 1) <= end) {
		old16 = *qcs;
		xmip_rs_l4_fix(qcs, qproto, v6, qd, *(__u32 *)&ow, *(__u32 *)&nw);
		dd = xmip_nat_word_delta_inl(old16, *qcs, dd);
	}
	if (data + ql4 + woff + 4 > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	__builtin_memcpy(data + ql4 + woff, &nw, sizeof(nw));

	/* The outer header: to the node's virtual address; from the GN's virtual one if the GN sent it. */
	if (v6) {
		struct ipv6hdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		if (h->hop_limit <= 1)
			return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
		xmip_addr_copy(na.a6.s, xmip_addr_eq(&h->saddr, k.addr) ? v->gn_vip : (void *)&h->saddr);
		xmip_addr_copy(na.a6.d, v->inner_addr);
		od = xmip_nat_addr_delta_inl(&h->saddr, &na, true, 0);
		xmip_addr_copy(&h->saddr, na.a6.s);
		xmip_addr_copy(&h->daddr, na.a6.d);
		h->hop_limit--;
		icsum = data + l4_off + 2;
		if ((void *)(icsum + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		/* ICMPv6: the quoted changes, then its pseudo-header's (RFC 4443 §2.3). */
		*icsum = xmip_csum_apply(xmip_csum_apply(*icsum, dd), od);
	} else {
		struct iphdr *h = data + XMIP_ETH_HLEN;

		if ((void *)(h + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		if (h->ttl <= 1)
			return xmip_rs_drop(XMIP_STAT_DROP_RS_TTL);
		na.a4.s = h->saddr == xmip_addr_v4(k.addr) ? xmip_addr_v4(v->gn_vip) : h->saddr;
		na.a4.d = xmip_addr_v4(v->inner_addr);
		od = xmip_nat_addr_delta_inl(&h->saddr, &na, false, 0);
		xmip_ip4_ttl_dec_csum(h, od);
		h->saddr = na.a4.s;
		h->daddr = na.a4.d;
		icsum = data + l4_off + 2;
		if ((void *)(icsum + 1) > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		*icsum = xmip_csum_apply(*icsum, dd);
	}
	return xmip_rs_n_push(ctx, v, v6, v6 ? XMIP_NAT_ICMP6 : XMIP_NAT_ICMP, false,
			      XMIP_STAT_RS_N_ICMP_ERR);
}

/*
 * RS-N, GN -> node: a packet to the RS that is not tunnel traffic. TCP or
 * UDP to a pool port, an ICMP echo reply whose identifier is a pool port,
 * an ICMP error: the relay's; anything else is the host's. Returns a
 * verdict, or XMIP_RS_IS_ICMP_ERR for an ICMP error (the caller hands it
 * to xmip_ntm_rs_icmp_err: two global frames in a row would not fit the
 * 512-octet stack).
 */
__noinline int xmip_ntm_rs_pool(struct xdp_md *ctx, __u32 l4_off, __u32 is6, __u32 proto)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	bool v6 = is6, nocsum = false;
	struct xmip_ntm_relay_key k;
	const struct xmip_ntm_relay_val *v;
	struct xmip_rs_word ow, nw;
	__u32 woff = 0;
	__u16 *csum;
	__s64 d = 0;
	__u8 *t;
	int why;

	barrier_var(l4_off);
	if (!ctx || l4_off > XMIP_RS_MAX_L4_OFF)
		goto not_ours;
	t = data + l4_off;
	if ((void *)t + 8 > end)
		goto not_ours;
	switch (proto) {
	case XMIP_NAT_TCP:
		if ((void *)t + 20 > end)
			return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
		break;
	case XMIP_NAT_UDP:
		nocsum = !*(__u16 *)(t + 6);
		if (nocsum && v6)   /* not a tunnel: RFC 8200 §8.1 (the kernel drops it too) */
			return xmip_rs_drop(XMIP_STAT_DROP_RS_NO_CSUM);
		break;
	case XMIP_NAT_ICMP:
	case XMIP_NAT_ICMP6:
		if ((proto == XMIP_NAT_ICMP) == v6)
			goto not_ours;
		if (t[0] == (v6 ? XMIP_ICMP6_ECHO_REPLY : XMIP_ICMP4_ECHO_REPLY)) {
			woff = 4;
			break;
		}
		if (v6 ? (t[0] >= 1 && t[0] <= 4) :
			 (t[0] == XMIP_ICMP4_UNREACH || t[0] == XMIP_ICMP4_TIME_EXC ||
			  t[0] == XMIP_ICMP4_PARAM))
			return XMIP_RS_IS_ICMP_ERR;   /* the entry calls xmip_ntm_rs_icmp_err (stack depth) */
		goto not_ours;
	default:
		goto not_ours;
	}
	if ((void *)t + woff + 4 > end)
		goto not_ours;
	__builtin_memcpy(&ow, t + woff, sizeof(ow));
	/* Our port: the destination port, or the echo identifier. */
	{
		__u16 port = bpf_ntohs(woff ? ow.a : ow.b);

		if (port < xmip_rs_conf.pool_lo || port > xmip_rs_conf.pool_hi)
			goto not_ours;
	}
	__builtin_memset(&k, 0, sizeof(k));
	if (xmip_rs_key_src(data, end, v6, k.addr))
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	k.sport = ow.a;
	k.dport = woff ? ow.a : ow.b;
	k.proto = proto;
	k.kind = XMIP_NTM_RK_RSN_REV;
	v = xmip_rs_lookup(&k);
	if (!v)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_N_NO_FLOW);
	if (!xmip_rs_n_family_ok(v, v6))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_ENTRY);

	why = xmip_rs_n_rev_ip(data, end, v6, v, &d);
	if (why)
		return xmip_rs_drop(why);
	nw = ow;
	if (woff)
		nw.a = v->inner_port;
	else
		nw.b = v->inner_port;
	csum = data + l4_off + xmip_l4_csum_off(proto);
	if ((void *)(csum + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	xmip_rs_l4_fix(csum, proto, v6, d, *(__u32 *)&ow, *(__u32 *)&nw);
	if (data + l4_off + woff + 4 > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	__builtin_memcpy(data + l4_off + woff, &nw, sizeof(nw));
	return xmip_rs_n_push(ctx, v, v6, proto, nocsum, XMIP_STAT_RS_N_REV_NAT);

not_ours:
	xmip_count(XMIP_STAT_PASS_NOT_OURS);
	return XDP_PASS;
}

/*
 * UDP to the RS port: a control message for the agent, or tunnel data to
 * relay (RS-S) or to decapsulate and translate (RS-N).
 */
__noinline int xmip_ntm_rs_tunnel(struct xdp_md *ctx, __u32 l4_off, __u32 is6)
{
	void *data = xmip_xdp_data(ctx);
	void *end = xmip_xdp_data_end(ctx);
	struct xmip_ntm_relay_key k;
	const struct xmip_ntm_relay_val *v;
	struct xmip_ntm_tunhdr *th;
	struct udphdr *udp;
	bool v6 = is6;
	__u8 *inner;

	barrier_var(l4_off);
	if (!ctx || l4_off > XMIP_RS_MAX_L4_OFF)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	udp = data + l4_off;
	th = (void *)(udp + 1);
	if ((void *)&th->next > end)   /* not even the first octet */
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	if (th->ver_kind == XMIP_NTM_V_CONTROL) {
		/* Signalling never goes without a checksum over IPv6 (RFC 6936 §5: zero only
		 * for the tunnel's data, not its control traffic; RFC 8200 §8.1). */
		if (v6 && !udp->check)
			return xmip_rs_drop(XMIP_STAT_DROP_RS_NO_CSUM);
		xmip_count(XMIP_STAT_RS_CONTROL);
		return XDP_PASS;
	}
	if (th->ver_kind != XMIP_NTM_V_DATA)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_TUNNEL);
	/* Tunnel data over IPv6 may carry a zero checksum (RFC 6935 §5, docs/ntmobile.md
	 * section 8): the kernel's UDP-tunnel GSO writes one. Accepted only on the NTM port
	 * and only if the relay table's exact key (outer source, ports, path id) matches
	 * below; the inner packet's own checksums protect its payload. */
	if (v6 && !udp->check)
		xmip_count(XMIP_STAT_RS_CSUM_ZERO);
	inner = (void *)(th + 1);
	if ((void *)(inner + 1) > end)
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	if (th->reserved || !((th->next == 4 && (*inner >> 4) == 4) ||
			      (th->next == 41 && (*inner >> 4) == 6)))
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_TUNNEL);

	__builtin_memset(&k, 0, sizeof(k));
	if (xmip_rs_key_src(data, end, v6, k.addr))
		return xmip_rs_drop(XMIP_STAT_DROP_MALFORMED);
	k.path_id = th->path_id;
	k.sport = udp->source;
	k.dport = udp->dest;
	k.proto = XMIP_NAT_UDP;
	k.kind = XMIP_NTM_RK_TUNNEL;
	if (th->path_id & bpf_htonl(XMIP_NTM_PATH_RSN_BIT))
		return xmip_rs_n_fwd(ctx, l4_off, th->next == 41, &k);
	v = xmip_rs_lookup(&k);
	if (!v)
		return xmip_rs_miss(k.path_id);
	if (v->kind != XMIP_NTM_RK_TUNNEL)
		return xmip_rs_drop(XMIP_STAT_DROP_RS_BAD_ENTRY);
	return xmip_rs_s_switch(ctx, l4_off, v6, v);
}

#endif /* XMIP_BPF_NTM_RELAY_H */
