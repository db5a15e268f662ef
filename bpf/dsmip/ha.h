/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * DSMIPv6 home agent handlers (RFC 5555 §4; docs/dsmip.md, "Datapath").
 * The HA's entries (bpf/xmip_ha.bpf.c) classify once and call these; the
 * binding comes from the same one lookup in xmip_fwtable as for Mobile
 * IPv6 (an IPv4 home address keyed ::ffff:a.b.c.d):
 *  - intercept: IPv6 to a HoA whose binding has an IPv4 CoA, or IPv4 to a
 *               bound IPv4 HoA -> IPv6/IPv4-in-IPv4 (41 / 4), IPv6/IPv4-in-
 *               UDP 4191-in-IPv4 (UDP checksum 0, §4.1), or IPv4-in-IPv6 (4)
 *               for an IPv4 HoA whose CoA is IPv6;
 *  - ip4:       IPv4 transit: the lookup of ::ffff:<destination>;
 *  - reverse:   41, 4 or UDP 4191 to the HA's IPv4 address -> signalling
 *               (a Mobility Header to the HA inside UDP) passed to the
 *               agent's socket; a tunnel packet decapsulated only when its
 *               outer source (and UDP source port) is exactly what the
 *               binding of its inner source observed, and passed up.
 * Decisions are inline helpers on packet pointers shared by XDP and tc;
 * only the surgery differs. The headers of the outer packet are built by
 * lib/udptun.h (one writer for the relay and this), checksums by
 * lib/nat.h. Outer TTL / hop limit 64, DSCP/ECN copied from the inner
 * packet (RFC 6040 normal mode), the inner TTL / hop limit decremented
 * once (a packet arriving with 1 goes to the kernel, which answers Time
 * Exceeded), DF copied from an IPv4 inner packet (set for IPv6 inner).
 */
#ifndef XMIP_BPF_DSMIP_HA_H
#define XMIP_BPF_DSMIP_HA_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/ipv4.h"
#include "lib/nat.h"
#include "lib/udptun.h"
#include "lib/icmp4_err.h"
#include "lib/fib.h"
#include "lib/role_ha.h"
#include "mip6/ha.h"
#include "xmip_dsmip.h"

#define XMIP_IPPROTO_IPIP 4
#define XMIP_ECN_MASK     0x03
#define XMIP_ECN_CE       0x03

/* An IPv4 address no packet may come from or go to (0/8, 127/8, multicast, class E, broadcast). */
static __always_inline int xmip_ip4_special(__be32 a)
{
	__u32 h = bpf_ntohl(a);

	return (h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 14;
}

/* The tunnel's UDP destination port (network order) of an XMIP_ENCAP_UDP4 binding. */
static __always_inline __be16 xmip_dsmip_port(const struct xmip_fw_view *b)
{
	return *(const __be16 *)(b->coa + XMIP_FW_UDP_PORT_OFF);
}

/*
 * An IPv4-outer binding whose CoA no tunnel may lead to: not ::ffff:a.b.c.d
 * (with the port, for UDP4), a special address, the HA's own IPv4 address
 * (or none configured), port 0.
 */
static __always_inline int xmip_dsmip_coa4_bad(const struct xmip_fw_view *b,
					       const struct xmip_ha_conf *cfg)
{
	const __u32 *w = (const __u32 *)b->coa;
	__be32 a = w[3];

	if (w[0] || w[1] || (w[2] & bpf_htonl(0xffff)) != bpf_htonl(0xffff))
		return 1;
	if (b->encap == XMIP_ENCAP_UDP4 ? !xmip_dsmip_port(b) : w[2] != bpf_htonl(0xffff))
		return 1;
	return !cfg->self_addr4 || a == cfg->self_addr4 || xmip_ip4_special(a);
}

/* What the outer header of b's packets is (XDP and tc). */
struct xmip_dsmip_out {
	struct xmip_udptun_outer o;
	__u8  proto;      /* after the outer IP header: UDP, 41 or 4 */
	__u8  udp;
	__u16 hlen;       /* octets pushed */
	__u16 ethertype;  /* of the outer packet, network order */
};

static __always_inline void xmip_dsmip_outer(const struct xmip_fw_view *b,
					     const struct xmip_ha_conf *cfg, bool inner6,
					     __u8 tos, bool no_df, struct xmip_dsmip_out *out)
{
	__builtin_memset(out, 0, sizeof(*out));
	out->o.tos = tos;
	out->o.ttl = XMIP_HOP_LIMIT_OUTER;
	if (b->encap == XMIP_ENCAP_IP6IP6) {
		/* IPv4-in-IPv6 (RFC 2473 with an IPv4 inner packet) */
		out->o.v6 = 1;
		xmip_addr_copy(out->o.src, cfg->self_addr);
		xmip_addr_copy(out->o.dst, b->coa);
		out->proto = XMIP_IPPROTO_IPIP;
		out->hlen = sizeof(struct ipv6hdr);
		out->ethertype = bpf_htons(ETH_P_IPV6);
		return;
	}
	*(__be32 *)out->o.src = cfg->self_addr4;
	*(__be32 *)out->o.dst = ((const __be32 *)b->coa)[3];
	out->o.no_df = no_df;
	out->ethertype = bpf_htons(ETH_P_IP);
	if (b->encap == XMIP_ENCAP_UDP4) {
		out->udp = 1;
		out->proto = XMIP_NAT_UDP;
		out->o.sport = bpf_htons(XMIP_DSMIP_UDP_PORT);
		out->o.dport = xmip_dsmip_port(b);
		out->hlen = sizeof(struct iphdr) + sizeof(struct udphdr);
	} else {
		out->proto = inner6 ? XMIP_IPPROTO_IPV6 : XMIP_IPPROTO_IPIP;
		out->hlen = sizeof(struct iphdr);
	}
}

/* Is b's encapsulation one this file carries for an inner packet of that family? */
static __always_inline int xmip_dsmip_encap_ok(const struct xmip_fw_view *b, bool inner6)
{
	if (b->encap == XMIP_ENCAP_IP4 || b->encap == XMIP_ENCAP_UDP4)
		return 1;
	return b->encap == XMIP_ENCAP_IP6IP6 && !inner6;
}

/*
 * What to do with an IPv4 packet `ip4` to an IPv4 HoA bound to b, before
 * any surgery (XDP and tc). Counts what it decides but ENCAP and TOO_BIG.
 */
static __always_inline int xmip_dsmip_check4(struct iphdr *ip4, const struct xmip_fw_view *b,
					     const struct xmip_ha_conf *cfg, __u32 ip_len,
					     __u32 *mtu_out)
{
	__u32 mtu;

	if (b->encap == XMIP_ENCAP_IP6IP6 ? xmip_ha_coa_bad(b->coa, cfg) :
					     xmip_dsmip_coa4_bad(b, cfg)) {
		xmip_count(XMIP_STAT_DROP_BAD_COA);
		return XMIP_HA_DO_DROP;
	}
	/* The kernel would not forward these either (martian source). */
	if (xmip_ip4_special(ip4->saddr)) {
		xmip_count(XMIP_STAT_FALLBACK_SRC_SCOPE);
		return XMIP_HA_DO_PASS;
	}
	if (ip4->ttl <= 1) {
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);   /* the kernel sends Time Exceeded */
		return XMIP_HA_DO_PASS;
	}
	mtu = xmip_ha_tunnel_mtu(b, cfg->tunnel_mtu);
	if (mtu && ip_len > mtu) {
		*mtu_out = mtu;
		return XMIP_HA_DO_TOO_BIG;
	}
	return XMIP_HA_DO_ENCAP;
}

/* Decrement an IPv4 TTL, its header checksum updated (RFC 1624). */
static __always_inline void xmip_ip4_ttl_dec(struct iphdr *ip4)
{
	__u8 ttl = ip4->ttl, proto = ip4->protocol;

	/* The 16-bit word (TTL, protocol) as it lies in the packet. */
	ip4->check = xmip_csum_replace16(ip4->check, bpf_htons((__u16)ttl << 8 | proto),
					 bpf_htons((__u16)(ttl - 1) << 8 | proto));
	ip4->ttl = ttl - 1;
}

/* Set an IPv4 packet's ECN field to CE, its header checksum updated. */
static __always_inline void xmip_ip4_set_ce(struct iphdr *ip4)
{
	__u8 vi = *(__u8 *)ip4, tos = ip4->tos;

	/* The 16-bit word (version/IHL, TOS) as it lies in the packet. */
	ip4->check = xmip_csum_replace16(ip4->check, bpf_htons((__u16)vi << 8 | tos),
					 bpf_htons((__u16)vi << 8 | (tos | XMIP_ECN_CE)));
	ip4->tos = tos | XMIP_ECN_CE;
}

/* The inner packet of a to-the-MN decision. */
struct xmip_dsmip_in {
	__u32 len;       /* its IP length */
	__u8  v6;
	__u8  tos;       /* DSCP + ECN octet */
	__u8  no_df;     /* IPv4 without DF */
	__u8  pad;
};

/* ------------------------------------------------------------------ reverse */

/* What the reverse check found, for the surgery. */
struct xmip_dsmip_rev {
	__u32 strip;     /* octets after Ethernet up to the inner packet */
	__u32 ilen;      /* inner packet's IP length */
	__u8  v6;        /* inner packet is IPv6 */
	__u8  pad[3];
};

#define XMIP_DSMIP_SIGNAL 0x102   /* reverse check: signalling, pass it to the socket */

/*
 * 41, 4 or UDP 4191 to the HA's IPv4 address (the class said so, l4_off
 * is after the outer IPv4 header). Returns XMIP_HA_DO_ENCAP (decapsulate
 * per *r), XMIP_DSMIP_SIGNAL, or XMIP_HA_DO_DROP (counted). Applies the
 * in-place changes decapsulation needs (ECN, RFC 6040 §4.2; hop limit
 * 255 -> 254).
 */
static __always_inline int xmip_dsmip_reverse_check(void *data, void *data_end,
						    const struct xmip_cls *cls,
						    const struct xmip_ha_conf *cfg,
						    struct xmip_dsmip_rev *r)
{
	struct iphdr *outer = data + XMIP_ETH_HLEN;
	struct udphdr *udp = NULL;
	struct xmip_fw_view b;
	__u32 off = cls->l4_off, avail, oecn;
	__u8 key[16], *inner, iecn;
	bool is_udp = cls->proto == XMIP_NAT_UDP;

	barrier_var(off);
	if ((void *)(outer + 1) > data_end || off < XMIP_ETH_HLEN + 20 || off > XMIP_ETH_HLEN + 60 ||
	    cls->l3_len < off - XMIP_ETH_HLEN) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	avail = cls->l3_len - (off - XMIP_ETH_HLEN);
	if (is_udp) {
		__u32 ulen;

		udp = data + off;
		if ((void *)(udp + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_DSMIP_NOT_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		ulen = bpf_ntohs(udp->len);
		if (ulen < sizeof(*udp) || ulen > avail) {
			xmip_count(XMIP_STAT_DROP_DSMIP_NOT_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		avail = ulen - sizeof(*udp);
		off += sizeof(*udp);
	}
	inner = data + off;
	if ((void *)(inner + 20) > data_end) {
		xmip_count(is_udp ? XMIP_STAT_DROP_DSMIP_NOT_TUNNEL : XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	r->strip = off - XMIP_ETH_HLEN;
	oecn = outer->tos & XMIP_ECN_MASK;
	if ((inner[0] >> 4) == 6 && (is_udp || cls->proto == XMIP_IPPROTO_IPV6)) {
		struct ipv6hdr *ip6 = (void *)inner;

		if ((void *)(ip6 + 1) > data_end) {
			xmip_count(is_udp ? XMIP_STAT_DROP_DSMIP_NOT_TUNNEL : XMIP_STAT_DROP_MALFORMED);
			return XMIP_HA_DO_DROP;
		}
		r->v6 = 1;
		r->ilen = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		if (r->ilen > avail) {
			xmip_count(is_udp ? XMIP_STAT_DROP_DSMIP_NOT_TUNNEL : XMIP_STAT_DROP_MALFORMED);
			return XMIP_HA_DO_DROP;
		}
		/* A BU (or its refresh, the NAT keepalive, RFC 5555 §4.3): the
		 * agent's UDP socket takes it as the control plane always did. */
		if (is_udp && ip6->nexthdr == XMIP_IPPROTO_MH &&
		    xmip_addr_eq(&ip6->daddr, cfg->self_addr)) {
			xmip_count(XMIP_STAT_DSMIP_SIGNAL_PASS);
			return XMIP_DSMIP_SIGNAL;
		}
		xmip_addr_copy(key, &ip6->saddr);
	} else if ((inner[0] >> 4) == 4 && (is_udp || cls->proto == XMIP_IPPROTO_IPIP)) {
		struct iphdr *ip4 = (void *)inner;

		if ((void *)(ip4 + 1) > data_end || ip4->ihl < 5 ||
		    !xmip_ip4_csum_ok(ip4, ip4->ihl * 4, data_end)) {
			xmip_count(is_udp ? XMIP_STAT_DROP_DSMIP_NOT_TUNNEL : XMIP_STAT_DROP_MALFORMED);
			return XMIP_HA_DO_DROP;
		}
		r->v6 = 0;
		r->ilen = bpf_ntohs(ip4->tot_len);
		if (r->ilen > avail || r->ilen < ip4->ihl * 4u) {
			xmip_count(is_udp ? XMIP_STAT_DROP_DSMIP_NOT_TUNNEL : XMIP_STAT_DROP_MALFORMED);
			return XMIP_HA_DO_DROP;
		}
		xmip_addr_map4(key, ip4->saddr);
	} else {
		xmip_count(is_udp ? XMIP_STAT_DROP_DSMIP_NOT_TUNNEL : XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	/* Anti-spoofing: the inner source is a HoA of a live binding, or (IPv6)
	 * inside a mobile network prefix its mobile router registered (RFC 3963
	 * §6.4, over an IPv4 care-of address: RFC 5555 §1 keeps NEMO), and the
	 * outer source address (and port) is what that binding observed. */
	if ((r->v6 ? xmip_ha_binding_or_mnp(key, &b) : xmip_ha_binding(key, &b)) ||
	    (b.flags & XMIP_FW_F_LINKLOCAL)) {
		xmip_count(XMIP_STAT_DROP_DSMIP_UNKNOWN_HOA);
		return XMIP_HA_DO_DROP;
	}
	if (xmip_fw_expired(&b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_DROP_BINDING_EXPIRED);
		return XMIP_HA_DO_DROP;
	}
	if (b.encap != (is_udp ? XMIP_ENCAP_UDP4 : XMIP_ENCAP_IP4) ||
	    ((__be32 *)b.coa)[3] != outer->saddr || (udp && udp->source != xmip_dsmip_port(&b))) {
		xmip_count(XMIP_STAT_DROP_DSMIP_SPOOFED);
		return XMIP_HA_DO_DROP;
	}
	if (r->v6) {
		struct ipv6hdr *ip6 = (void *)inner;

		if ((void *)(ip6 + 1) > data_end)
			return XMIP_HA_DO_DROP;
		if (xmip_addr_is_special(&ip6->daddr)) {
			xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
			return XMIP_HA_DO_DROP;
		}
		if (xmip_is_nd_message(ip6, data_end)) {
			xmip_count(XMIP_STAT_DROP_TUNNELLED_ND);
			return XMIP_HA_DO_DROP;
		}
		if (ip6->nexthdr == XMIP_IPPROTO_MH && xmip_addr_eq(&ip6->daddr, cfg->self_addr)) {
			xmip_count(XMIP_STAT_DROP_TUNNELLED_MH);
			return XMIP_HA_DO_DROP;
		}
		iecn = (ip6->flow_lbl[0] >> 4) & XMIP_ECN_MASK;
		if (oecn == XMIP_ECN_CE && !iecn) {
			xmip_count(XMIP_STAT_DROP_DSMIP_ECN);
			return XMIP_HA_DO_DROP;
		}
		if (oecn == XMIP_ECN_CE)
			ip6->flow_lbl[0] |= XMIP_ECN_CE << 4;
		/* never the on-link proof of Neighbour Discovery (RFC 4861 §7.1.2) */
		if (ip6->hop_limit == 255)
			ip6->hop_limit = 254;
	} else {
		struct iphdr *ip4 = (void *)inner;

		if ((void *)(ip4 + 1) > data_end)
			return XMIP_HA_DO_DROP;
		if (xmip_ip4_special(ip4->daddr)) {
			xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
			return XMIP_HA_DO_DROP;
		}
		iecn = ip4->tos & XMIP_ECN_MASK;
		if (oecn == XMIP_ECN_CE && !iecn) {
			xmip_count(XMIP_STAT_DROP_DSMIP_ECN);
			return XMIP_HA_DO_DROP;
		}
		if (oecn == XMIP_ECN_CE && iecn != XMIP_ECN_CE)
			xmip_ip4_set_ce(ip4);
	}
	return XMIP_HA_DO_ENCAP;
}

/*
 * IPv4-in-IPv6 from the MN (RFC 5555 §4.1, §4.4.1: an IPv4 home address
 * while the node is on an IPv6 network): IPv6 next header 4 to the HA's
 * address (the class said so; l4_off is the inner IPv4 header). Decapsulated
 * only when the inner source is a bound IPv4 home address whose binding's
 * care-of address (IPv6, encap IP6IP6) is the outer source; anything else
 * is dropped and counted. Returns XMIP_HA_DO_ENCAP (decapsulate per *r) or
 * XMIP_HA_DO_DROP; applies ECN (RFC 6040 §4.2) in place.
 */
static __always_inline int xmip_dsmip_reverse6_check(void *data, void *data_end,
						     const struct xmip_cls *cls,
						     struct xmip_dsmip_rev *r)
{
	struct ipv6hdr *outer = data + XMIP_ETH_HLEN;
	__u32 off = cls->l4_off, avail;
	struct xmip_fw_view b;
	struct iphdr *ip4;
	__u8 key[16], oecn, iecn;

	barrier_var(off);
	if ((void *)(outer + 1) > data_end || off < XMIP_ETH_HLEN + 40 ||
	    off > XMIP_ETH_HLEN + 128 || cls->l3_len < off - XMIP_ETH_HLEN) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	avail = cls->l3_len - (off - XMIP_ETH_HLEN);
	ip4 = data + off;
	if ((void *)(ip4 + 1) > data_end || ip4->version != 4 || ip4->ihl < 5 ||
	    !xmip_ip4_csum_ok(ip4, ip4->ihl * 4, data_end)) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	r->v6 = 0;
	r->strip = off - XMIP_ETH_HLEN;
	r->ilen = bpf_ntohs(ip4->tot_len);
	if (r->ilen > avail || r->ilen < ip4->ihl * 4u) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	xmip_addr_map4(key, ip4->saddr);
	if (xmip_ha_binding(key, &b) || (b.flags & XMIP_FW_F_LINKLOCAL)) {
		xmip_count(XMIP_STAT_DROP_DSMIP_UNKNOWN_HOA);
		return XMIP_HA_DO_DROP;
	}
	if (xmip_fw_expired(&b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_DROP_BINDING_EXPIRED);
		return XMIP_HA_DO_DROP;
	}
	if (b.encap != XMIP_ENCAP_IP6IP6 || !xmip_addr_eq(b.coa, &outer->saddr)) {
		xmip_count(XMIP_STAT_DROP_DSMIP_SPOOFED);
		return XMIP_HA_DO_DROP;
	}
	if (xmip_ip4_special(ip4->daddr)) {
		xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
		return XMIP_HA_DO_DROP;
	}
	oecn = (outer->flow_lbl[0] >> 4) & XMIP_ECN_MASK;
	iecn = ip4->tos & XMIP_ECN_MASK;
	if (oecn == XMIP_ECN_CE && !iecn) {
		xmip_count(XMIP_STAT_DROP_DSMIP_ECN);
		return XMIP_HA_DO_DROP;
	}
	if (oecn == XMIP_ECN_CE && iecn != XMIP_ECN_CE)
		xmip_ip4_set_ce(ip4);
	return XMIP_HA_DO_ENCAP;
}

/* Which reverse check: by the outer header's family. */
static __always_inline int xmip_dsmip_reverse_any(void *data, void *data_end,
						  const struct xmip_cls *cls,
						  const struct xmip_ha_conf *cfg,
						  struct xmip_dsmip_rev *r)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return XMIP_HA_DO_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return xmip_dsmip_reverse6_check(data, data_end, cls, r);
	return xmip_dsmip_reverse_check(data, data_end, cls, cfg, r);
}

/* ------------------------------------------------------------------ XDP */

/*
 * XDP: the packet at Ethernet + 14 (IPv6 or IPv4) to a HoA bound to b,
 * whose encapsulation is one of this family's. Tunnel it through the next
 * hop the agent prepared, or hand the original to tc.
 */
__noinline int xmip_dsmip_ha_intercept(struct xdp_md *ctx, const struct xmip_fw_view *b)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_dsmip_out out;
	struct xmip_dsmip_in in = { };
	struct ethhdr *eth = data;
	__u8 *l3 = data + XMIP_ETH_HLEN;
	__u32 mtu = 0;
	int act;

	xmip_ha_conf_load(cfg);
	if (!b || (void *)(l3 + sizeof(struct iphdr)) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	in.v6 = eth->h_proto == bpf_htons(ETH_P_IPV6);
	if (!xmip_dsmip_encap_ok(b, in.v6)) {
		xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
		return XDP_DROP;
	}
	if (in.v6) {
		struct ipv6hdr *ip6 = (void *)l3;

		if ((void *)(ip6 + 1) > data_end)
			return XDP_DROP;
		if (xmip_dsmip_coa4_bad(b, cfg)) {
			xmip_count(XMIP_STAT_DROP_BAD_COA);
			return XDP_DROP;
		}
		in.len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		in.tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
		act = xmip_ha_intercept_check(ip6, data_end, b, cfg, in.len, &mtu);
		if (act == XMIP_HA_DO_TOO_BIG) {
			if (!xmip_ha_err_allowed(ip6, xmip_xdp_is_icmp6_error(ctx, XMIP_ETH_HLEN),
						 cfg->self_addr, XMIP_RATE_PTB))
				return XDP_DROP;
			return xmip_ha_icmp_err_xdp(ctx, cfg->self_addr, XMIP_ICMP6_PKT_TOO_BIG, 0,
						    mtu, XMIP_STAT_PTB_SENT);
		}
	} else {
		struct iphdr *ip4 = (void *)l3;

		if ((void *)(ip4 + 1) > data_end)
			return XDP_DROP;
		in.len = bpf_ntohs(ip4->tot_len);
		in.tos = ip4->tos;
		in.no_df = !(ip4->frag_off & bpf_htons(XMIP_IP4_DF));
		act = xmip_dsmip_check4(ip4, b, cfg, in.len, &mtu);
		if (act == XMIP_HA_DO_TOO_BIG) {
			/* RFC 1191: DF set -> Fragmentation Needed with the tunnel's
			 * MTU; without DF the HA would have to fragment: dropped. */
			if (in.no_df) {
				xmip_count(XMIP_STAT_DROP_DSMIP_TOO_BIG);
				return XDP_DROP;
			}
			if (!cfg->self_addr4 || !xmip_icmp4_err_allowed(ip4, data_end) ||
			    !xmip_rate_allowed(XMIP_RATE_PTB)) {
				xmip_count(XMIP_STAT_DROP_FRAG_NEEDED_LIMITED);
				return XDP_DROP;
			}
			if (xmip_build_icmp4_err_xdp(ctx, cfg->self_addr4, (__u16)mtu)) {
				xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
				return XDP_DROP;
			}
			xmip_count(XMIP_STAT_FRAG_NEEDED_SENT);
			return XDP_TX;
		}
	}
	if (act == XMIP_HA_DO_PASS)
		return XDP_PASS;
	if (act == XMIP_HA_DO_DROP)
		return XDP_DROP;
	if (!xmip_fw_nh_ok(b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_FALLBACK_NH_TO_TC);
		return XMIP_ACT_TO_TC;
	}
	/* Re-derive: the checks above may have been compiled across calls. */
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	l3 = data + XMIP_ETH_HLEN;
	if (in.v6) {
		struct ipv6hdr *ip6 = (void *)l3;

		if ((void *)(ip6 + 1) > data_end)
			return XDP_DROP;
		ip6->hop_limit--;
	} else {
		struct iphdr *ip4 = (void *)l3;

		if ((void *)(ip4 + 1) > data_end)
			return XDP_DROP;
		xmip_ip4_ttl_dec(ip4);
	}
	xmip_dsmip_outer(b, cfg, in.v6, in.tos, in.no_df, &out);
	if (xmip_xdp_trim(ctx, in.len) || xmip_udptun_adjust(ctx, -(int)out.hlen, out.ethertype)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	if ((out.udp ? xmip_udptun_write(data + XMIP_ETH_HLEN, data_end, &out.o, in.len, 0) :
		       xmip_tun_ip_write(data + XMIP_ETH_HLEN, data_end, &out.o, in.len, out.proto)) < 0) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	xmip_count(XMIP_STAT_DSMIP_ENCAP_OK);
	return xmip_ha_emit_xdp(ctx, eth, b);
}

/*
 * XDP: IPv4 not to the HA: the binding of ::ffff:<destination> into *b and
 * XMIP_ACT_NEXT (the entry then calls xmip_dsmip_ha_intercept: two global
 * functions, not nested, so their stacks do not add up), or a verdict.
 */
__noinline int xmip_dsmip_ha_lookup4(struct xdp_md *ctx, struct xmip_fw_view *b)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct iphdr *ip4 = data + XMIP_ETH_HLEN;
	__u8 key[16];

	if (!b || (void *)(ip4 + 1) > data_end)
		return XDP_DROP;
	xmip_addr_map4(key, ip4->daddr);
	if (xmip_ha_binding(key, b) || (b->flags & XMIP_FW_F_LINKLOCAL)) {
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return XDP_PASS;
	}
	if (xmip_fw_expired(b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_PASS_BINDING_EXPIRED);
		return XDP_PASS;
	}
	return XMIP_ACT_NEXT;
}

/* XDP: 41, 4 or UDP 4191 to the HA's IPv4 address. Decapsulated packets go up (the kernel forwards). */
__noinline int xmip_dsmip_ha_reverse(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_ha_conf conf;
	struct xmip_dsmip_rev r = { };
	int act;

	xmip_ha_conf_load(&conf);
	if (!cls)
		return XDP_DROP;
	act = xmip_dsmip_reverse_any(data, data_end, cls, &conf, &r);
	if (act == XMIP_DSMIP_SIGNAL)
		return XDP_PASS;
	if (act != XMIP_HA_DO_ENCAP)
		return XDP_DROP;
	if (r.strip > 128 || xmip_udptun_adjust(ctx, (int)r.strip, xmip_udptun_ethertype(r.v6)) ||
	    xmip_xdp_trim(ctx, r.ilen)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_DSMIP_DECAP_OK);
	return XDP_PASS;
}

/* ------------------------------------------------------------------ tc */

/* tc: the IP length of each packet the skb will be (GSO: headers + segment size). */
static __always_inline __u32 xmip_tc_seg_ip4_len(struct __sk_buff *skb, struct iphdr *ip4,
						 void *data_end)
{
	__u32 len = skb->len - XMIP_ETH_HLEN, hl = ip4->ihl * 4;

	if (!skb->gso_size)
		return len;
	if (ip4->protocol == XMIP_NAT_TCP) {
		struct tcphdr *t = (void *)ip4 + hl;

		barrier_var(t);
		if (hl <= 60 && (void *)(t + 1) <= data_end)
			return hl + t->doff * 4 + skb->gso_size;
	} else if (ip4->protocol == XMIP_NAT_UDP) {
		return hl + sizeof(struct udphdr) + skb->gso_size;
	}
	return len;
}

/*
 * tc: push b's outer headers in front of the skb's packet (described by
 * *in) and send it: through the prepared next hop, else where the kernel
 * routes the outer header. `ingress`: from tc ingress (never "go on" up the
 * stack), else from tc egress (the HA's own packet).
 */
static __always_inline int xmip_dsmip_push_tc(struct __sk_buff *skb, const struct xmip_fw_view *b,
					      const struct xmip_ha_conf *cfg,
					      const struct xmip_dsmip_in *in, bool ingress)
{
	void *data, *data_end;
	struct xmip_dsmip_out out;
	struct ethhdr *eth;
	__u32 plen, hl;
	__u64 flags;

	xmip_dsmip_outer(b, cfg, in->v6, in->tos, in->no_df, &out);
	/* Lengths of a GSO super-packet are rewritten per segment. */
	plen = skb->len - XMIP_ETH_HLEN;
	if (plen + out.hlen > 0xffff)
		plen = 0xffff - out.hlen;
	flags = out.o.v6 ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 : BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
	if (out.udp)
		flags |= BPF_F_ADJ_ROOM_ENCAP_L4_UDP;
	hl = out.hlen;
	barrier_var(hl);   /* bound and use the same register (verifier) */
	if (hl < sizeof(struct iphdr) || hl > sizeof(struct ipv6hdr) ||
	    bpf_skb_adjust_room(skb, hl, BPF_ADJ_ROOM_MAC, flags)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	/* The room is made in the linear head: written in place. */
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	if ((void *)(eth + 1) > data_end ||
	    (out.udp ? xmip_udptun_write(data + XMIP_ETH_HLEN, data_end, &out.o, plen, 0) :
		       xmip_tun_ip_write(data + XMIP_ETH_HLEN, data_end, &out.o, plen, out.proto)) < 0) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	eth->h_proto = out.ethertype;
	xmip_count(ingress ? XMIP_STAT_DSMIP_ENCAP_OK : XMIP_STAT_EGRESS_ENCAP_OK);
	if (out.o.v6)
		return xmip_ha_emit_tc(skb, b, bpf_jiffies64(), ingress);
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	if ((void *)(eth + 1) + sizeof(struct iphdr) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (xmip_fw_nh_ok(b, bpf_jiffies64())) {
		__builtin_memcpy(eth->h_dest, b->dmac, ETH_ALEN);
		__builtin_memcpy(eth->h_source, b->smac, ETH_ALEN);
		if (!ingress && b->ifindex == skb->ifindex) {
			xmip_count(XMIP_STAT_FWD_SAME_DEV);
			return TC_ACT_OK;
		}
		xmip_count(XMIP_STAT_FWD_REDIRECT);
		return bpf_redirect(b->ifindex, 0);
	}
	return xmip_fib_output_tc4(skb, (void *)(eth + 1), b->ifindex, ingress);
}


/* tc ingress: xmip_dsmip_ha_intercept on an skb (GSO packets stay GSO: ENCAP flags). */
__noinline int xmip_dsmip_ha_intercept_tc(struct __sk_buff *skb, const struct xmip_fw_view *b)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_dsmip_in in = { };
	struct ethhdr *eth = data;
	__u8 *l3 = data + XMIP_ETH_HLEN;
	__u32 mtu = 0;
	int act;

	xmip_ha_conf_load(cfg);
	if (!b || (void *)(l3 + sizeof(struct iphdr)) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	in.v6 = eth->h_proto == bpf_htons(ETH_P_IPV6);
	if (!xmip_dsmip_encap_ok(b, in.v6)) {
		xmip_count(XMIP_STAT_DROP_ENCAP_UNKNOWN);
		return TC_ACT_SHOT;
	}
	if (in.v6) {
		struct ipv6hdr *ip6 = (void *)l3;

		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_SHOT;
		if (xmip_dsmip_coa4_bad(b, cfg)) {
			xmip_count(XMIP_STAT_DROP_BAD_COA);
			return TC_ACT_SHOT;
		}
		in.len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		in.tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
		act = xmip_ha_intercept_check(ip6, data_end, b, cfg,
					      xmip_tc_seg_ip_len(skb, ip6, data_end), &mtu);
		if (act == XMIP_HA_DO_TOO_BIG) {
			if (!xmip_ha_err_allowed(ip6, xmip_skb_is_icmp6_error(skb, XMIP_ETH_HLEN),
						 cfg->self_addr, XMIP_RATE_PTB))
				return TC_ACT_SHOT;
			return xmip_ha_icmp_err_tc(skb, cfg->self_addr, XMIP_ICMP6_PKT_TOO_BIG, 0, mtu,
						   XMIP_STAT_PTB_SENT);
		}
		if (act == XMIP_HA_DO_ENCAP)
			ip6->hop_limit--;
	} else {
		struct iphdr *ip4 = (void *)l3;

		if ((void *)(ip4 + 1) > data_end)
			return TC_ACT_SHOT;
		in.len = bpf_ntohs(ip4->tot_len);
		in.tos = ip4->tos;
		in.no_df = !(ip4->frag_off & bpf_htons(XMIP_IP4_DF));
		act = xmip_dsmip_check4(ip4, b, cfg, xmip_tc_seg_ip4_len(skb, ip4, data_end), &mtu);
		if (act == XMIP_HA_DO_TOO_BIG) {
			if (in.no_df) {
				xmip_count(XMIP_STAT_DROP_DSMIP_TOO_BIG);
				return TC_ACT_SHOT;
			}
			if (!cfg->self_addr4 || !xmip_icmp4_err_allowed(ip4, data_end) ||
			    !xmip_rate_allowed(XMIP_RATE_PTB)) {
				xmip_count(XMIP_STAT_DROP_FRAG_NEEDED_LIMITED);
				return TC_ACT_SHOT;
			}
			if (xmip_build_icmp4_err_tc(skb, cfg->self_addr4, (__u16)mtu)) {
				xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
				return TC_ACT_SHOT;
			}
			xmip_count(XMIP_STAT_FRAG_NEEDED_SENT);
			return bpf_redirect(skb->ifindex, 0);
		}
		if (act == XMIP_HA_DO_ENCAP)
			xmip_ip4_ttl_dec(ip4);
	}
	if (act == XMIP_HA_DO_PASS)
		return TC_ACT_OK;
	if (act == XMIP_HA_DO_DROP)
		return TC_ACT_SHOT;
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + in.len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + in.len, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	return xmip_dsmip_push_tc(skb, b, cfg, &in, true);
}

/* tc ingress: xmip_dsmip_ha_lookup4 on an skb. */
__noinline int xmip_dsmip_ha_lookup4_tc(struct __sk_buff *skb, struct xmip_fw_view *b)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct iphdr *ip4 = data + XMIP_ETH_HLEN;
	__u8 key[16];

	if (!b || (void *)(ip4 + 1) > data_end)
		return TC_ACT_SHOT;
	xmip_addr_map4(key, ip4->daddr);
	if (xmip_ha_binding(key, b) || (b->flags & XMIP_FW_F_LINKLOCAL)) {
		xmip_count(XMIP_STAT_PASS_NOT_IPV6);
		return TC_ACT_OK;
	}
	if (xmip_fw_expired(b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_PASS_BINDING_EXPIRED);
		return TC_ACT_OK;
	}
	return XMIP_ACT_NEXT;
}

/* tc ingress: the reverse direction on an skb; decapsulated packets go up the stack. */
__noinline int xmip_dsmip_ha_reverse_tc(struct __sk_buff *skb, const struct xmip_cls *cls)
{
	struct xmip_ha_conf conf;
	struct xmip_dsmip_rev r = { };
	__be16 proto;
	int act;

	xmip_ha_conf_load(&conf);
	if (!cls)
		return TC_ACT_SHOT;
	act = xmip_dsmip_reverse_any(xmip_skb_data(skb), xmip_skb_data_end(skb), cls, &conf, &r);
	if (act == XMIP_DSMIP_SIGNAL)
		return TC_ACT_OK;
	if (act != XMIP_HA_DO_ENCAP)
		return TC_ACT_SHOT;
	proto = xmip_udptun_ethertype(r.v6);
	if (r.strip > 128 ||
	    bpf_skb_adjust_room(skb, -(__s32)r.strip, BPF_ADJ_ROOM_MAC,
				r.v6 ? BPF_F_ADJ_ROOM_DECAP_L3_IPV6 : BPF_F_ADJ_ROOM_DECAP_L3_IPV4) ||
	    bpf_skb_store_bytes(skb, __builtin_offsetof(struct ethhdr, h_proto), &proto, 2, 0) ||
	    (!skb->gso_size && skb->len > XMIP_ETH_HLEN + r.ilen &&
	     bpf_skb_change_tail(skb, XMIP_ETH_HLEN + r.ilen, 0))) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_DSMIP_DECAP_OK);
	return TC_ACT_OK;
}

/*
 * tc egress: a packet the HA itself sends (or forwards, in tc mode) to a
 * home address bound through DSMIPv6 (IPv6, or IPv4 to ::ffff:dst) goes
 * through the binding's tunnel, as xmip_mip6_ha_egress does for IPv6-in-
 * IPv6 (which hands such IPv6 packets on here). Not decremented: the
 * kernel has routed it. Counts only what it tunnels or drops.
 */
__noinline int xmip_dsmip_ha_egress(struct __sk_buff *skb)
{
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_dsmip_in in = { };
	struct xmip_fw_view b;
	void *data, *data_end;
	__u8 key[16], *l3;
	__u32 len, mtu;

	xmip_ha_conf_load(cfg);
	if (!skb || xmip_tc_pull(skb))
		return TC_ACT_OK;
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	l3 = data + XMIP_ETH_HLEN;
	if ((void *)(l3 + sizeof(struct ipv6hdr)) > data_end &&
	    (void *)(l3 + sizeof(struct iphdr)) > data_end)
		return TC_ACT_OK;
	in.v6 = skb->protocol == bpf_htons(ETH_P_IPV6);
	if (in.v6) {
		struct ipv6hdr *ip6 = (void *)l3;

		if ((void *)(ip6 + 1) > data_end)
			return TC_ACT_OK;
		xmip_addr_copy(key, &ip6->daddr);
		in.len = bpf_ntohs(ip6->payload_len) + sizeof(*ip6);
		in.tos = (ip6->priority << 4) | (ip6->flow_lbl[0] >> 4);
		len = xmip_tc_seg_ip_len(skb, ip6, data_end);
	} else {
		struct iphdr *ip4 = (void *)l3;

		if ((void *)(ip4 + 1) > data_end || ip4->version != 4)
			return TC_ACT_OK;
		xmip_addr_map4(key, ip4->daddr);
		in.len = bpf_ntohs(ip4->tot_len);
		in.tos = ip4->tos;
		in.no_df = !(ip4->frag_off & bpf_htons(XMIP_IP4_DF));
		len = xmip_tc_seg_ip4_len(skb, ip4, data_end);
	}
	/* An IPv6 destination inside a mobile router's prefix (RFC 3963 §6.5)
	 * takes its router's binding, as in xmip_mip6_ha_egress, which hands
	 * such a packet on here when the router's care-of address is IPv4
	 * (and has counted NEMO_PREFIX_HIT: not again). */
	if ((in.v6 ? xmip_ha_binding_or_mnp_c(key, &b, false) : xmip_ha_binding(key, &b)) ||
	    (b.flags & XMIP_FW_F_LINKLOCAL) ||
	    !xmip_dsmip_encap_ok(&b, in.v6) || xmip_fw_expired(&b, bpf_jiffies64()))
		return TC_ACT_OK;
	if (b.encap == XMIP_ENCAP_IP6IP6 ? xmip_ha_coa_bad(b.coa, cfg) : xmip_dsmip_coa4_bad(&b, cfg))
		return TC_ACT_OK;
	mtu = xmip_ha_tunnel_mtu(&b, cfg->tunnel_mtu);
	if (mtu && len > mtu) {
		xmip_count(XMIP_STAT_DROP_EGRESS_TOO_BIG);
		return TC_ACT_SHOT;
	}
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + in.len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + in.len, 0))
		return TC_ACT_SHOT;
	return xmip_dsmip_push_tc(skb, &b, cfg, &in, false);
}

#endif /* XMIP_BPF_DSMIP_HA_H */
