/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Mobile IPv4 home agent handlers (RFC 5944 §4; docs/mip4.md, "Datapath").
 * The HA's entries (bpf/xmip_ha.bpf.c) classify once and call these; the
 * binding comes from the same one lookup in xmip_fwtable as for Mobile
 * IPv6 and DSMIPv6 (key ::ffff:<home address>, encap XMIP_ENCAP_MIP4_*,
 * coa ::ffff:a.b.c.d, or ::PORT:ffff:a.b.c.d for RFC 3519 UDP tunnelling):
 *
 *  - intercept: IPv4 to a bound home address -> IP-in-IP (RFC 2003 §3),
 *      minimal encapsulation (RFC 2004 §3, S = 1: the HA is not the
 *      original source), GRE (RFC 2784, protocol type 0x0800, no checksum),
 *      each optionally inside UDP 434 -> the NAT's port with the MIP Tunnel
 *      Data header (type 4, next header 4/55/47, RFC 3519 §3.3; UDP
 *      checksum 0 as DSMIPv6's UDP over IPv4). Inner TTL decremented once
 *      (a packet arriving with TTL 1 goes to the kernel, which answers Time
 *      Exceeded: RFC 2003 §3.1); outer TTL 64, DSCP/ECN copied (RFC 6040
 *      normal mode), DF copied (RFC 2003 §3.1). Minimal encapsulation keeps
 *      the packet's own header (TTL, DSCP, ECN, DF, Identification) and
 *      cannot carry a fragment or a header with options (RFC 2004 §3): such
 *      packets (and tc GSO packets, which the kernel could not segment)
 *      get IP-in-IP, which every mobile node and foreign agent must take
 *      (RFC 5944 §3.1, §4.1), counted MIP4_MINENC_AS_IPIP;
 *  - reverse: 4, 55, 47 or UDP 434 type 4 to the HA's IPv4 address, from a
 *      binding registered with T (RFC 3024 §4.3.2): decapsulated only when
 *      the outer source (and UDP source port) is exactly the binding's
 *      tunnel end, the inner source is its home address and the
 *      encapsulation (the type-4 Next Header) is the registered one (RFC
 *      3519 §3.3, §4.3); ECN per RFC 6040 §4.2; then passed up (the kernel
 *      forwards, decrementing the TTL). Other UDP 434 (registrations) go to
 *      the agent's socket. An IP-in-IP packet whose inner source is not a
 *      Mobile IPv4 binding is DSMIPv6's (XMIP_ACT_NEXT).
 *  - egress: the HA's own packets to a bound home address (keepalive
 *      answers of RFC 3519 §4.9 among them) through the tunnel, except its
 *      registration replies (UDP from 434), which go where the kernel
 *      routes them: to a node deregistering at home, on the home link
 *      (RFC 5944 §3.8.3.1).
 *
 * Decisions are inline helpers on packet pointers shared by XDP and tc;
 * the surgery differs. Outer IPv4 headers come from lib/udptun.h.
 */
#ifndef XMIP_BPF_MIP4_HA_H
#define XMIP_BPF_MIP4_HA_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/ipv4.h"
#include "lib/nat.h"
#include "lib/udptun.h"
#include "lib/icmp4_err.h"
#include "lib/fib.h"
#include "lib/role_ha.h"
#include "lib/report.h"
#include "mip6/ha.h"
#include "dsmip/ha.h"
#include "xmip_wire_mip4.h"
#include "mip4/tun.h"

/* The UDP port (network order) of an RFC 3519 binding; 0 without UDP. */
static __always_inline __be16 xmip_mip4_port(const struct xmip_fw_view *b)
{
	return *(const __be16 *)(b->coa + XMIP_FW_UDP_PORT_OFF);
}

/* A tunnel end no packet may go to: not ::[port]:ffff:a.b.c.d, special, the HA's own (or none). */
static __always_inline int xmip_mip4_coa_bad(const struct xmip_fw_view *b,
					     const struct xmip_ha_conf *cfg)
{
	const __u32 *w = (const __u32 *)b->coa;
	__be32 a = w[3];

	if (w[0] || w[1] || (w[2] & bpf_htonl(0xffff)) != bpf_htonl(0xffff))
		return 1;
	return !cfg->self_addr4 || a == cfg->self_addr4 || xmip_ip4_special(a);
}

/*
 * The largest inner packet b's tunnel takes here, 0: no limit. The
 * instance's tunnel_mtu (xmip attach) always; for a forwarded DF packet
 * also the tunnel's soft state of RFC 2003 §5.1: b->mtu, for a Mobile IPv4
 * binding the path MTU to the tunnel end (outer packets) that a
 * Fragmentation Needed from inside the tunnel taught the agent
 * (agentd/core/icmp4_report.c), less this packet's overhead `grow` (minimal
 * encapsulation may fall back to IP-in-IP, so it is per packet), never
 * under 68 (RFC 791). Not for packets without DF: they leave with DF clear
 * and the routers in the tunnel fragment them (the HA does not fragment,
 * and dropping them would lose what worked before the error); not for the
 * HA's own packets (fwd 0), which its stack sizes.
 */
static __always_inline __u32 xmip_mip4_tunnel_mtu(const struct xmip_fw_view *b, __u32 conf_mtu,
						  __u32 grow, bool df)
{
	__u32 mtu = conf_mtu, pm = b->mtu;

	/* As xmip_ha_tunnel_mtu for the instance's value (attach never sets less). */
	if (mtu && mtu < XMIP_IPV6_MIN_MTU)
		mtu = XMIP_IPV6_MIN_MTU;
	if (df && pm) {
		pm = pm > grow + XMIP_IP4_MIN_MTU ? pm - grow : XMIP_IP4_MIN_MTU;
		if (!mtu || pm < mtu)
			mtu = pm;
	}
	return mtu;
}

/*
 * Checks on an IPv4 packet to a home address bound to b, before surgery
 * (XDP and tc): XMIP_HA_DO_ENCAP with *in filled (in->ttl one less when
 * fwd; the caller decrements the packet's), _PASS, _DROP (counted), or _TOO_BIG with *mtu_out.
 * seg_len: the length each packet will have on the wire (tc GSO), gso: tc
 * GSO packet, fwd: forwarded here (else the HA's own, routed already).
 */
static __always_inline int xmip_mip4_check(struct iphdr *ip4, void *data_end,
					   const struct xmip_fw_view *b,
					   const struct xmip_ha_conf *cfg, __u32 seg_len, bool gso,
					   bool fwd, struct xmip_mip4_inner *in, __u32 *mtu_out)
{
	__u32 mtu;

	if ((void *)(ip4 + 1) > data_end || ip4->version != 4 || ip4->ihl < 5) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	if (xmip_mip4_coa_bad(b, cfg)) {
		xmip_count(XMIP_STAT_DROP_BAD_COA);
		return XMIP_HA_DO_DROP;
	}
	/* The kernel would not forward these either (martian source). */
	if (xmip_ip4_special(ip4->saddr)) {
		xmip_count(XMIP_STAT_FALLBACK_SRC_SCOPE);
		return XMIP_HA_DO_PASS;
	}
	/* RFC 2003 §3.1: never tunnel a packet whose TTL would reach 0. */
	if (fwd && ip4->ttl <= 1) {
		xmip_count(XMIP_STAT_FALLBACK_HOP_LIMIT);
		return XMIP_HA_DO_PASS;
	}
	in->len = bpf_ntohs(ip4->tot_len);
	if (in->len < ip4->ihl * 4u) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	in->port = xmip_mip4_port(b);
	in->udp = in->port != 0;
	in->kind = b->encap;
	/* RFC 2004 §3: no fragments, and our header surgery takes no options. */
	if (in->kind == XMIP_ENCAP_MIP4_MINENC &&
	    (ip4->ihl != 5 || (ip4->frag_off & bpf_htons(XMIP_IP4_MF | XMIP_IP4_OFFMASK)) || gso)) {
		in->kind = XMIP_ENCAP_MIP4_IPIP;
		xmip_count(XMIP_STAT_MIP4_MINENC_AS_IPIP);
	}
	in->grow = xmip_mip4_grow(in->kind, in->udp);
	mtu = xmip_mip4_tunnel_mtu(b, cfg->tunnel_mtu, in->grow,
				   fwd && (ip4->frag_off & bpf_htons(XMIP_IP4_DF)));
	if (mtu && seg_len > mtu) {
		*mtu_out = mtu;
		return XMIP_HA_DO_TOO_BIG;
	}
	in->saddr = ip4->saddr;
	in->daddr = ip4->daddr;
	in->id = ip4->id;
	in->frag_off = ip4->frag_off;
	in->tos = ip4->tos;
	in->ttl = ip4->ttl - fwd;   /* the caller decrements the packet's (xmip_ip4_ttl_dec) */
	in->proto = ip4->protocol;
	return XMIP_HA_DO_ENCAP;
}

/*
 * XDP: IPv4 at Ethernet + 14 to a home address bound to b (a Mobile IPv4
 * encapsulation). Tunnel it through the next hop the agent prepared, or
 * hand the original to tc.
 */
__noinline int xmip_mip4_ha_intercept(struct xdp_md *ctx, const struct xmip_fw_view *b)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_mip4_inner in = { };
	struct iphdr *ip4 = data + XMIP_ETH_HLEN;
	struct ethhdr *eth;
	__u32 mtu = 0, grow;
	int act;

	xmip_ha_conf_load(cfg);
	if (!b || (void *)(ip4 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	act = xmip_mip4_check(ip4, data_end, b, cfg, bpf_ntohs(ip4->tot_len), false, true, &in,
			      &mtu);
	if (act == XMIP_HA_DO_TOO_BIG) {
		/* RFC 1191: DF set -> Fragmentation Needed with the tunnel's MTU;
		 * without DF the HA would have to fragment: dropped, counted. */
		if (!(ip4->frag_off & bpf_htons(XMIP_IP4_DF))) {
			xmip_count(XMIP_STAT_DROP_DSMIP_TOO_BIG);
			return XDP_DROP;
		}
		if (!xmip_icmp4_err_allowed(ip4, data_end) || !xmip_rate_allowed(XMIP_RATE_PTB)) {
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
	if (act == XMIP_HA_DO_PASS)
		return XDP_PASS;
	if (act != XMIP_HA_DO_ENCAP)
		return XDP_DROP;
	if (!xmip_fw_nh_ok(b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_FALLBACK_NH_TO_TC);   /* unchanged: tc decides again */
		return XMIP_ACT_TO_TC;
	}
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	ip4 = data + XMIP_ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end)
		return XDP_DROP;
	xmip_ip4_ttl_dec(ip4);
	grow = in.grow;
	if (grow > 64 || xmip_xdp_trim(ctx, in.len) ||
	    xmip_udptun_adjust(ctx, -(int)grow, bpf_htons(ETH_P_IP))) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	data = xmip_xdp_data(ctx);
	data_end = xmip_xdp_data_end(ctx);
	if (xmip_mip4_write(data + XMIP_ETH_HLEN, data_end, &in, cfg->self_addr4,
			    ((const __be32 *)b->coa)[3], in.len)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	xmip_count(XMIP_STAT_MIP4_ENCAP_OK);
	return xmip_ha_emit_xdp(ctx, eth, b);
}

/* ------------------------------------------------------------------ reverse */

/* What the reverse check found, for the surgery. */
struct xmip_mip4_rev {
	__u32 strip;     /* octets removed: after Ethernet (ipip, gre), or after the IP header (minimal) */
	__u32 ilen;      /* the decapsulated packet's IP length */
	__u8  minenc;    /* the IP header stays, rewritten as hdr */
	__u8  pad[3];
	struct iphdr hdr;   /* minimal: the restored header (RFC 2004 §3, decapsulation) */
};

/*
 * 4, 55, 47 or UDP 434 to the HA's IPv4 address (l4_off after the outer
 * header). XMIP_HA_DO_ENCAP (decapsulate per *r), XMIP_DSMIP_SIGNAL (UDP
 * 434 not tunnel data: to the socket), XMIP_ACT_NEXT (IP-in-IP of no
 * Mobile IPv4 binding: DSMIPv6's), or XMIP_HA_DO_DROP (counted).
 */
static __always_inline int xmip_mip4_reverse_check(void *data, void *data_end,
						   const struct xmip_cls *cls,
						   const struct xmip_ha_conf *cfg,
						   struct xmip_mip4_rev *r)
{
	struct iphdr *outer = data + XMIP_ETH_HLEN;
	struct udphdr *udp = NULL;
	struct xmip_fw_view b;
	__u32 off = cls->l4_off, avail, oecn;
	__u8 key[16], nh = cls->proto, iecn;
	__be32 isrc;

	barrier_var(off);
	if ((void *)(outer + 1) > data_end || off < XMIP_ETH_HLEN + 20 || off > XMIP_ETH_HLEN + 60 ||
	    cls->l3_len < off - XMIP_ETH_HLEN) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XMIP_HA_DO_DROP;
	}
	avail = cls->l3_len - (off - XMIP_ETH_HLEN);
	if (nh == XMIP_NAT_UDP) {
		struct xmip_mip4_tunnel_data *t;
		__u32 ulen;

		udp = data + off;
		t = (void *)(udp + 1);
		/* Not tunnel data (a registration): the agent's socket takes it. */
		if ((void *)(t + 1) > data_end || t->type != XMIP_MIP4_TUNNEL_DATA) {
			xmip_count(XMIP_STAT_MIP4_SIGNAL_PASS);
			return XMIP_DSMIP_SIGNAL;
		}
		ulen = bpf_ntohs(udp->len);
		if (ulen < XMIP_MIP4_UDP_HLEN || ulen > avail) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		nh = t->next_header;
		avail = ulen - XMIP_MIP4_UDP_HLEN;
		off += XMIP_MIP4_UDP_HLEN;
	}
	if (nh == XMIP_IPPROTO_GRE) {
		__be16 *g = data + off;

		if ((void *)(g + 2) > data_end || avail < XMIP_GRE_HLEN) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		/* RFC 2784 §2: no checksum (we send none), Reserved0 and Version 0, IPv4. */
		if (g[0] != 0 || g[1] != bpf_htons(ETH_P_IP)) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		off += XMIP_GRE_HLEN;
		avail -= XMIP_GRE_HLEN;
	}
	oecn = outer->tos & XMIP_ECN_MASK;
	r->minenc = nh == XMIP_IPPROTO_MINENC;
	if (r->minenc) {
		struct xmip_mip4_minenc *m = data + off;
		__u32 mlen;
		__s64 s;

		if ((void *)(m + 1) > data_end || outer->ihl != 5 || avail < 8) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		mlen = (m->s_reserved & XMIP_MIP4_MINENC_S) ? 12 : 8;
		s = bpf_csum_diff(0, 0, (__be32 *)m, 12, 0);
		if (mlen == 8)
			s = bpf_csum_diff(0, 0, (__be32 *)m, 8, 0);
		if (xmip_csum_fold((__u32)s) != 0xffff || avail < mlen) {
			xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
			return XMIP_HA_DO_DROP;
		}
		/* RFC 2004 §3: the original header back from the modified one. */
		__builtin_memcpy(&r->hdr, outer, sizeof(r->hdr));
		isrc = mlen == 12 ? m->orig_src : outer->saddr;
		r->hdr.protocol = m->protocol;
		r->hdr.daddr = m->orig_dst;
		r->hdr.saddr = isrc;
		r->ilen = 20 + avail - mlen;
		r->hdr.tot_len = bpf_htons(r->ilen);
		r->strip = off + mlen - XMIP_ETH_HLEN - 20;
	} else if (nh == XMIP_IPPROTO_IPIP || nh == XMIP_IPPROTO_GRE) {
		struct iphdr *ip4 = data + off;

		if ((void *)(ip4 + 1) > data_end || ip4->version != 4 || ip4->ihl < 5 ||
		    !xmip_ip4_csum_ok(ip4, ip4->ihl * 4, data_end)) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XMIP_HA_DO_DROP;
		}
		r->ilen = bpf_ntohs(ip4->tot_len);
		if (r->ilen > avail || r->ilen < ip4->ihl * 4u) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return XMIP_HA_DO_DROP;
		}
		isrc = ip4->saddr;
		r->strip = off - XMIP_ETH_HLEN;
	} else {
		xmip_count(XMIP_STAT_DROP_MIP4_BAD_TUNNEL);
		return XMIP_HA_DO_DROP;
	}
	/* Anti-spoofing (RFC 3024 §4.3.2, RFC 3519 §4.3): the inner source is
	 * the home address of a live binding, the outer source (and port) its
	 * tunnel end, the encapsulation the one registered. */
	xmip_addr_map4(key, isrc);
	if (xmip_ha_binding(key, &b) || (b.flags & XMIP_FW_F_LINKLOCAL)) {
		if (cls->proto == XMIP_IPPROTO_IPIP)
			return XMIP_ACT_NEXT;
		xmip_count(XMIP_STAT_DROP_MIP4_UNKNOWN_HOA);
		return XMIP_HA_DO_DROP;
	}
	if (!xmip_mip4_encap(b.encap)) {
		if (cls->proto == XMIP_IPPROTO_IPIP)
			return XMIP_ACT_NEXT;
		xmip_count(XMIP_STAT_DROP_MIP4_SPOOFED);
		return XMIP_HA_DO_DROP;
	}
	if (xmip_fw_expired(&b, bpf_jiffies64())) {
		xmip_count(XMIP_STAT_DROP_BINDING_EXPIRED);
		return XMIP_HA_DO_DROP;
	}
	if (((__be32 *)b.coa)[3] != outer->saddr || nh != xmip_mip4_proto(b.encap) ||
	    (udp ? udp->source != xmip_mip4_port(&b) : xmip_mip4_port(&b) != 0)) {
		xmip_count(XMIP_STAT_DROP_MIP4_SPOOFED);
		return XMIP_HA_DO_DROP;
	}
	if (r->minenc) {
		if (xmip_ip4_special(r->hdr.daddr)) {
			xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
			return XMIP_HA_DO_DROP;
		}
		/* RFC 3519 §4.9 keepalives reach the HA without T. */
		if (!(b.flags & XMIP_FW_F_REVERSE) && !(udp && r->hdr.daddr == cfg->self_addr4)) {
			xmip_count(XMIP_STAT_DROP_MIP4_NO_REVERSE);
			return XMIP_HA_DO_DROP;
		}
		r->hdr.check = xmip_ip4_hdr_csum(&r->hdr);
	} else {
		struct iphdr *ip4 = data + off;

		if ((void *)(ip4 + 1) > data_end)
			return XMIP_HA_DO_DROP;
		if (xmip_ip4_special(ip4->daddr)) {
			xmip_count(XMIP_STAT_DROP_INNER_SCOPE);
			return XMIP_HA_DO_DROP;
		}
		if (!(b.flags & XMIP_FW_F_REVERSE) && !(udp && ip4->daddr == cfg->self_addr4)) {
			xmip_count(XMIP_STAT_DROP_MIP4_NO_REVERSE);
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

/* XDP: 4, 55, 47 or UDP 434 to the HA's IPv4 address. Decapsulated packets go up. */
__noinline int xmip_mip4_ha_reverse(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = xmip_xdp_data(ctx);
	void *data_end = xmip_xdp_data_end(ctx);
	struct xmip_ha_conf conf;
	struct xmip_mip4_rev r = { };
	struct iphdr *ip;
	int act;

	xmip_ha_conf_load(&conf);
	if (!cls)
		return XDP_DROP;
	act = xmip_mip4_reverse_check(data, data_end, cls, &conf, &r);
	if (act == XMIP_DSMIP_SIGNAL)
		return XDP_PASS;
	if (act == XMIP_ACT_NEXT)
		return act;
	if (act != XMIP_HA_DO_ENCAP)
		return XDP_DROP;
	if (r.strip > 128 || xmip_udptun_adjust(ctx, (int)r.strip, bpf_htons(ETH_P_IP))) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	if (r.minenc) {
		data = xmip_xdp_data(ctx);
		data_end = xmip_xdp_data_end(ctx);
		ip = data + XMIP_ETH_HLEN;
		if ((void *)(ip + 1) > data_end)
			return XDP_DROP;
		__builtin_memcpy(ip, &r.hdr, sizeof(*ip));
	}
	if (xmip_xdp_trim(ctx, r.ilen)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_count(XMIP_STAT_MIP4_DECAP_OK);
	return XDP_PASS;
}

/* ------------------------------------------------------------------ ICMP relay */

/*
 * RFC 2003 §4: an ICMP error from a router inside a tunnel, to the HA's IPv4
 * address, quoting one of our tunnel packets (outer source the HA, protocol
 * 4, 47 or 55, or UDP from 434 with type 4 and Next Header 4, 47 or 55),
 * whose inner destination is bound to that tunnel end. Relayed to the inner
 * source as Destination Unreachable: code 4 with the MTU less the tunnel's
 * overhead (§4.1, §5.1), Host Unreachable for codes 0, 1, 2 and for Time
 * Exceeded (§4.1, §4.4); codes 3 and 5 and other types are not.
 *  - IP-in-IP, GRE: the quote must hold the inner IPv4 header (§5); the
 *    outer headers are cut off.
 *  - Minimal encapsulation (RFC 2004 §5 -> RFC 2003): the quote is the
 *    modified original header and the forwarding header; it must hold the
 *    whole forwarding header (the original source: the HA always sets S)
 *    and the 8 octets after it (RFC 792: what the sender matches the error
 *    with). The original header is restored into the quote (RFC 2004 §3,
 *    decapsulation) and the forwarding header (and UDP 434) cut.
 * A quote too short for that is not relayed (MIP4_ICMP_QUOTE_SHORT). Every
 * Fragmentation Needed about one of our tunnel packets (relayed or not) also
 * goes to the agent as a report (lib/report.h), which lowers the tunnel's
 * MTU soft state (§5.1; xmip_mip4_tunnel_mtu).
 */
struct xmip_mip4_icmp {
	__u32 cut;          /* octets removed after the IP header */
	__be32 to;          /* the original sender */
	__u8  type, code;   /* of the relayed message */
	__u16 mtu;          /* code 4: the next-hop MTU for the inner packet */
	__u16 old_csum;
	__u8  old_type, old_code;
	__be32 old_rest;    /* the received ICMP header's second word */
	__u32 removed_sum;  /* one's complement sum of the removed quote octets */
	__u32 len;          /* the received packet's Total Length */
	__u8  minenc;       /* minimal: write qhdr after the new ICMP header */
	__u8  report;       /* a Fragmentation Needed about our tunnel packet: to the agent */
	__u8  pad[2];
	struct iphdr qhdr;  /* minimal: the quoted original header, restored */
};

#define XMIP_MIP4_ICMP_RELAY 0x103
#define XMIP_MIP4_ICMP_SHORT 0x104   /* ours, but the quote cannot be relayed */

/* The relayed type and code (and MTU) for the received one; -1: not relayed. */
static __always_inline int xmip_mip4_icmp_map(const __u8 *icmp, __u32 overhead,
					      struct xmip_mip4_icmp *ic)
{
	ic->old_type = icmp[0];
	ic->old_code = icmp[1];
	ic->old_csum = *(__u16 *)(icmp + 2);
	ic->old_rest = *(__be32 *)(icmp + 4);
	ic->type = 3;
	if (icmp[0] == 11 || icmp[1] <= 2) {
		ic->code = 1;
	} else if (icmp[1] == 4) {
		__u32 m = bpf_ntohs(*(__be16 *)(icmp + 6));

		ic->code = 4;
		/* the tunnel's overhead off, never under 68 */
		m = m > overhead + XMIP_IP4_MIN_MTU ? m - overhead : XMIP_IP4_MIN_MTU;
		ic->mtu = (__u16)m;
	} else {
		return -1;   /* port unreachable, source route failed, ...: not relayed */
	}
	return 0;
}

/*
 * 0: not about one of our tunnel packets (the kernel's); 1: ours, not
 * relayed; XMIP_MIP4_ICMP_SHORT; XMIP_MIP4_ICMP_RELAY with *ic filled.
 * ic->report is set for a Fragmentation Needed about our tunnel packet.
 */
static __always_inline int xmip_mip4_icmp_check(void *data, void *data_end,
						const struct xmip_ha_conf *cfg,
						struct xmip_mip4_icmp *ic)
{
	struct iphdr *ip = data + XMIP_ETH_HLEN, *q, *in;
	struct xmip_fw_view b;
	__u8 *icmp, *x, key[16], nh;
	__u32 xlen = 0;
	__be16 *g;
	__s64 s;

	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != XMIP_NAT_ICMP ||
	    ip->daddr != cfg->self_addr4 || !cfg->self_addr4)
		return 0;
	icmp = (void *)(ip + 1);
	q = (void *)(icmp + 8);
	if ((void *)(q + 1) > data_end || (icmp[0] != 3 && icmp[0] != 11))
		return 0;
	if (q->ihl != 5 || q->saddr != cfg->self_addr4)
		return 0;
	/* What the ICMP checksum covers: up to Total Length (not a frame's padding). */
	ic->len = bpf_ntohs(ip->tot_len);
	if (ic->len < 20 + 8 + 20 || ic->len > (__u32)(data_end - (void *)ip))
		return 1;
	x = (void *)(q + 1);
	nh = q->protocol;
	if (nh == XMIP_NAT_UDP) {
		struct udphdr *u = (void *)x;
		struct xmip_mip4_tunnel_data *t = (void *)(u + 1);

		if ((void *)(t + 1) > data_end || u->source != bpf_htons(XMIP_MIP4_PORT) ||
		    t->type != XMIP_MIP4_TUNNEL_DATA)
			return 0;
		nh = t->next_header;
		xlen = XMIP_MIP4_UDP_HLEN;
	}
	if (nh != XMIP_IPPROTO_IPIP && nh != XMIP_IPPROTO_GRE && nh != XMIP_IPPROTO_MINENC)
		return 0;
	/* RFC 2003 §5.1: the agent learns the tunnel's MTU from it, quote or not. */
	ic->report = icmp[0] == 3 && icmp[1] == 4;
	if (nh == XMIP_IPPROTO_MINENC) {
		struct xmip_mip4_minenc *m;
		__u32 qlen;

		if (xlen > XMIP_MIP4_UDP_HLEN)
			return 1;
		m = (void *)(x + xlen);
		barrier_var(m);
		/* The forwarding header and 8 octets of the original payload. */
		if ((void *)(m + 1) + 8 > data_end)
			return XMIP_MIP4_ICMP_SHORT;
		qlen = bpf_ntohs(q->tot_len);
		if (!(m->s_reserved & XMIP_MIP4_MINENC_S) || qlen < 20 + xlen + XMIP_MIP4_MF_LEN)
			return 1;   /* we always send S = 1 */
		xmip_addr_map4(key, m->orig_dst);
		if (xmip_ha_binding(key, &b) || !xmip_mip4_encap(b.encap) ||
		    ((__be32 *)b.coa)[3] != q->daddr || xmip_ip4_special(m->orig_src))
			return 1;
		if (xmip_mip4_icmp_map(icmp, XMIP_MIP4_MF_LEN + xlen, ic))
			return 1;
		ic->to = m->orig_src;
		/* RFC 2004 §3, decapsulation: the original header back. */
		__builtin_memcpy(&ic->qhdr, q, sizeof(ic->qhdr));
		ic->qhdr.protocol = m->protocol;
		ic->qhdr.saddr = m->orig_src;
		ic->qhdr.daddr = m->orig_dst;
		ic->qhdr.tot_len = bpf_htons(qlen - xlen - XMIP_MIP4_MF_LEN);
		ic->qhdr.check = xmip_ip4_hdr_csum(&ic->qhdr);
		ic->minenc = 1;
		ic->cut = xlen + XMIP_MIP4_MF_LEN;
		/* The sum of what the new ICMP header and quoted header replace:
		 * ICMP header, quoted header, (UDP, type 4,) forwarding header. */
		s = -1;   /* (the bounds were checked above through m; again for the verifier) */
		if (xlen && (void *)icmp + 8 + 20 + 12 + 12 <= data_end)
			s = bpf_csum_diff(0, 0, (__be32 *)icmp, 8 + 20 + 12 + 12, 0);
		else if (!xlen && (void *)icmp + 8 + 20 + 12 <= data_end)
			s = bpf_csum_diff(0, 0, (__be32 *)icmp, 8 + 20 + 12, 0);
		if (s < 0)
			return XMIP_MIP4_ICMP_SHORT;
		ic->removed_sum = (__u32)s;
		return XMIP_MIP4_ICMP_RELAY;
	}
	if (nh == XMIP_IPPROTO_GRE)
		xlen += XMIP_GRE_HLEN;
	if (xlen > XMIP_MIP4_UDP_HLEN + XMIP_GRE_HLEN)
		return 1;
	in = (void *)(x + xlen);
	barrier_var(in);
	if ((void *)(in + 1) > data_end)
		return XMIP_MIP4_ICMP_SHORT;   /* the quote ends before the inner header (§5) */
	if (nh == XMIP_IPPROTO_GRE) {
		g = (void *)(in) - XMIP_GRE_HLEN;
		if ((void *)(g + 2) > data_end || g[1] != bpf_htons(ETH_P_IP))
			return 1;
	}
	/* Only for a live binding of the inner destination through this tunnel end. */
	xmip_addr_map4(key, in->daddr);
	if (xmip_ha_binding(key, &b) || !xmip_mip4_encap(b.encap) ||
	    ((__be32 *)b.coa)[3] != q->daddr || xmip_ip4_special(in->saddr))
		return 1;
	if (xmip_mip4_icmp_map(icmp, 20 + xlen, ic))
		return 1;
	ic->to = in->saddr;
	ic->cut = 20 + xlen;
	/* The removed quote octets' sum: 20 + 0/4/12/16, read in two constant pieces. */
	s = bpf_csum_diff(0, 0, (__be32 *)q, 20, 0);
	if (xlen == 4)
		s = bpf_csum_diff(0, 0, (__be32 *)x, 4, (__u32)s);
	else if (xlen == 12)
		s = bpf_csum_diff(0, 0, (__be32 *)x, 12, (__u32)s);
	else if (xlen == 16)
		s = bpf_csum_diff(0, 0, (__be32 *)x, 16, (__u32)s);
	ic->removed_sum = (__u32)s;
	return XMIP_MIP4_ICMP_RELAY;
}

/*
 * tc ingress: send a packet the HA originates here on as the kernel would
 * route it (a forwarding lookup from the arrival interface: the output
 * lookup of lib/fib.h pins the output to the arrival interface).
 */
static __always_inline int xmip_mip4_route_tc(struct __sk_buff *skb, struct iphdr *ip4)
{
	struct bpf_fib_lookup p;
	struct ethhdr *eth;
	long rc;

	if ((void *)(ip4 + 1) > xmip_skb_data_end(skb))
		return TC_ACT_SHOT;
	__builtin_memset(&p, 0, sizeof(p));
	p.family = 2;   /* AF_INET */
	p.l4_protocol = ip4->protocol;
	p.ipv4_src = ip4->saddr;
	p.ipv4_dst = ip4->daddr;
	p.ifindex = skb->ingress_ifindex;
	rc = bpf_fib_lookup(skb, &p, sizeof(p), 0);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH) {
		xmip_count(XMIP_STAT_FALLBACK_FIB_NO_NEIGH);
		return bpf_redirect_neigh(p.ifindex, NULL, 0, 0);
	}
	if (rc != BPF_FIB_LKUP_RET_SUCCESS) {
		xmip_count(XMIP_STAT_FALLBACK_FIB_OTHER);
		return TC_ACT_SHOT;
	}
	eth = xmip_skb_data(skb);
	if ((void *)(eth + 1) > xmip_skb_data_end(skb))
		return TC_ACT_SHOT;
	__builtin_memcpy(eth->h_dest, p.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, p.smac, ETH_ALEN);
	xmip_count(XMIP_STAT_FWD_REDIRECT);
	return bpf_redirect(p.ifindex, 0);
}

/* tc: relay it (the checks passed); the frame is the received ICMP packet. */
static __always_inline int xmip_mip4_icmp_relay_tc(struct __sk_buff *skb,
						   const struct xmip_ha_conf *cfg,
						   const struct xmip_mip4_icmp *ic)
{
	struct iphdr *ip;
	__u8 *icmp;
	void *data, *data_end;
	__s32 cut = ic->cut;
	__be32 oldw[2], neww[2];
	__u32 sum;
	__s64 s;

	if (!xmip_rate_allowed(XMIP_RATE_PTB)) {
		xmip_count(XMIP_STAT_PASS_MIP4_ICMP);
		return TC_ACT_OK;
	}
	/* Octets after Total Length (Ethernet padding) are no part of the error. */
	if (skb->len > XMIP_ETH_HLEN + ic->len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + ic->len, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	/* Remove the quoted outer headers: the 8 octets before the inner header
	 * become the new ICMP header (the removal starts after the IP header).
	 * Minimal: the 28 octets after the cut become the new ICMP header and
	 * the restored original header. */
	if (cut < XMIP_MIP4_MF_LEN || cut > 36 ||
	    bpf_skb_adjust_room(skb, -cut, BPF_ADJ_ROOM_NET, 0) ||
	    xmip_tc_pull(skb)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip = data + XMIP_ETH_HLEN;
	icmp = (void *)(ip + 1);
	if ((void *)(icmp + 8) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	/* The new ICMP checksum from the received one (RFC 1624): the quote
	 * octets removed, the header's two words replaced. */
	oldw[0] = bpf_htonl((__u32)ic->old_type << 24 | (__u32)ic->old_code << 16);
	oldw[1] = ic->old_rest;
	neww[0] = bpf_htonl((__u32)ic->type << 24 | (__u32)ic->code << 16);
	neww[1] = ic->code == 4 ? bpf_htonl(ic->mtu) : 0;
	if (ic->minenc) {
		struct iphdr *qh = (void *)(icmp + 8);

		/* The received message summed to -0: the part kept (the payload
		 * quote) sums to minus the part replaced (removed_sum, its
		 * checksum field included); add the new part's sum. */
		if ((void *)(qh + 1) > data_end) {
			xmip_count(XMIP_STAT_DROP_MALFORMED);
			return TC_ACT_SHOT;
		}
		*(__be32 *)icmp = neww[0];
		*(__be32 *)(icmp + 4) = neww[1];
		__builtin_memcpy(qh, &ic->qhdr, sizeof(*qh));
		s = bpf_csum_diff(0, 0, (__be32 *)icmp, 28, 0);
		sum = xmip_csum_fold((__u32)s);
	} else {
		sum = (__u16)~ic->old_csum;
		s = bpf_csum_diff(oldw, 8, neww, 8, sum);
		sum = xmip_csum_fold((__u32)s);
		*(__be32 *)icmp = neww[0];
		*(__be32 *)(icmp + 4) = neww[1];
	}
	/* minus the removed octets: add their complement */
	sum += (__u16)~xmip_csum_fold(ic->removed_sum);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	*(__u16 *)(icmp + 2) = (__u16)~sum;
	*(__u8 *)ip = 0x45;
	ip->tos = 0;
	ip->tot_len = bpf_htons(skb->len - XMIP_ETH_HLEN);
	ip->id = 0;
	ip->frag_off = 0;
	ip->ttl = XMIP_HOP_LIMIT_OUTER;
	ip->protocol = XMIP_NAT_ICMP;
	ip->saddr = cfg->self_addr4;
	ip->daddr = ic->to;
	ip->check = xmip_ip4_hdr_csum(ip);
	xmip_count(XMIP_STAT_MIP4_ICMP_RELAYED);
	return xmip_mip4_route_tc(skb, ip);
}

/* tc ingress: ICMP to the HA's IPv4 address. XMIP_ACT_NEXT: not about our tunnels. */
__noinline int xmip_mip4_ha_icmp_tc(struct __sk_buff *skb)
{
	struct xmip_ha_conf conf;
	struct xmip_mip4_icmp ic = { };
	int r;

	xmip_ha_conf_load(&conf);
	if (!skb)
		return TC_ACT_OK;
	r = xmip_mip4_icmp_check(xmip_skb_data(skb), xmip_skb_data_end(skb), &conf, &ic);
	if (r == 0)
		return XMIP_ACT_NEXT;
	/* RFC 2003 §5.1 soft state: the agent lowers the tunnel's MTU (before
	 * the relay rewrites the packet). */
	if (ic.report)
		xmip_report_tc(skb, XMIP_ETH_HLEN, skb->len - XMIP_ETH_HLEN);
	if (r == XMIP_MIP4_ICMP_SHORT) {
		xmip_count(XMIP_STAT_PASS_MIP4_ICMP_SHORT);
		return TC_ACT_OK;
	}
	if (r != XMIP_MIP4_ICMP_RELAY) {
		xmip_count(XMIP_STAT_PASS_MIP4_ICMP);
		return TC_ACT_OK;
	}
	return xmip_mip4_icmp_relay_tc(skb, &conf, &ic);
}

/* XDP: an ICMP error about one of our tunnel packets goes to tc, which relays it. */
__noinline int xmip_mip4_ha_icmp(struct xdp_md *ctx)
{
	struct xmip_ha_conf conf;
	struct xmip_mip4_icmp ic = { };

	xmip_ha_conf_load(&conf);
	if (!ctx)
		return XDP_PASS;
	if (xmip_mip4_icmp_check(xmip_xdp_data(ctx), xmip_xdp_data_end(ctx), &conf, &ic) == 0)
		return XMIP_ACT_NEXT;
	xmip_count(XMIP_STAT_PASS_MIP4_ICMP_TO_TC);
	return XMIP_ACT_TO_TC;   /* unmarked: tc ingress decides and counts again */
}

/* ------------------------------------------------------------------ tc */

/*
 * tc: insert in->grow octets after Ethernet, write the outer headers, and
 * send the skb to b's next hop (prepared, else the kernel's). GSO packets
 * stay GSO: the ENCAP flags tell the kernel the new layout (the MIP Tunnel
 * Data header and GRE ride as the tunnel's "L2" between UDP and the inner
 * IPv4 header).
 */
static __always_inline int xmip_mip4_push_tc(struct __sk_buff *skb, const struct xmip_fw_view *b,
					     const struct xmip_ha_conf *cfg,
					     const struct xmip_mip4_inner *in, bool ingress)
{
	void *data, *data_end;
	struct ethhdr *eth;
	__u32 plen, grow = in->grow;
	__u64 flags = 0;

	plen = skb->len - XMIP_ETH_HLEN;
	if (plen + grow > 0xffff)
		plen = 0xffff - grow;
	if (in->kind != XMIP_ENCAP_MIP4_MINENC) {
		flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4;
		if (in->udp)
			flags |= BPF_F_ADJ_ROOM_ENCAP_L4_UDP |
				 BPF_F_ADJ_ROOM_ENCAP_L2(in->kind == XMIP_ENCAP_MIP4_GRE ? 8 : 4);
		else if (in->kind == XMIP_ENCAP_MIP4_GRE)
			flags |= BPF_F_ADJ_ROOM_ENCAP_L4_GRE;
	}
	barrier_var(grow);
	if (grow < XMIP_MIP4_MF_LEN || grow > 64 ||
	    bpf_skb_adjust_room(skb, grow, BPF_ADJ_ROOM_MAC, flags)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	if (xmip_tc_pull(skb)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	eth = data;
	if ((void *)(eth + 1) > data_end ||
	    xmip_mip4_write(data + XMIP_ETH_HLEN, data_end, in, cfg->self_addr4,
			    ((const __be32 *)b->coa)[3], plen)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	eth->h_proto = bpf_htons(ETH_P_IP);
	xmip_count(ingress ? XMIP_STAT_MIP4_ENCAP_OK : XMIP_STAT_EGRESS_ENCAP_OK);
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

/* tc ingress: xmip_mip4_ha_intercept on an skb. */
__noinline int xmip_mip4_ha_intercept_tc(struct __sk_buff *skb, const struct xmip_fw_view *b)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_mip4_inner in = { };
	struct iphdr *ip4 = data + XMIP_ETH_HLEN;
	__u32 mtu = 0, gso;
	int act;

	xmip_ha_conf_load(cfg);
	if (!b || (void *)(ip4 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	gso = skb->gso_size;
	barrier_var(gso);   /* loaded here: a ctx field read late is a modified ctx pointer */
	act = xmip_mip4_check(ip4, data_end, b, cfg, xmip_tc_seg_ip4_len(skb, ip4, data_end),
			      gso != 0, true, &in, &mtu);
	if (act == XMIP_HA_DO_TOO_BIG) {
		if (!(ip4->frag_off & bpf_htons(XMIP_IP4_DF))) {
			xmip_count(XMIP_STAT_DROP_DSMIP_TOO_BIG);
			return TC_ACT_SHOT;
		}
		if (!xmip_icmp4_err_allowed(ip4, data_end) || !xmip_rate_allowed(XMIP_RATE_PTB)) {
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
	if (act == XMIP_HA_DO_PASS)
		return TC_ACT_OK;
	if (act != XMIP_HA_DO_ENCAP)
		return TC_ACT_SHOT;
	xmip_ip4_ttl_dec(ip4);
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + in.len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + in.len, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	return xmip_mip4_push_tc(skb, b, cfg, &in, true);
}

/* tc ingress: the reverse direction on an skb; decapsulated packets go up the stack. */
__noinline int xmip_mip4_ha_reverse_tc(struct __sk_buff *skb, const struct xmip_cls *cls)
{
	struct xmip_ha_conf conf;
	struct xmip_mip4_rev r = { };
	__u64 flags = BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	__s32 strip;
	int act;

	xmip_ha_conf_load(&conf);
	if (!cls)
		return TC_ACT_SHOT;
	act = xmip_mip4_reverse_check(xmip_skb_data(skb), xmip_skb_data_end(skb), cls, &conf, &r);
	if (act == XMIP_DSMIP_SIGNAL)
		return TC_ACT_OK;
	if (act == XMIP_ACT_NEXT)
		return act;
	if (act != XMIP_HA_DO_ENCAP)
		return TC_ACT_SHOT;
	strip = r.strip;
	if (r.minenc) {
		/* Cut the UDP/type-4 and minimal headers after the IP header, then restore it. */
		flags = 0;
		if (strip > 64 || bpf_skb_adjust_room(skb, -strip, BPF_ADJ_ROOM_NET, 0) ||
		    bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &r.hdr, sizeof(r.hdr), 0)) {
			xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
			return TC_ACT_SHOT;
		}
	} else if (strip > 128 || bpf_skb_adjust_room(skb, -strip, BPF_ADJ_ROOM_MAC, flags)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + r.ilen &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + r.ilen, 0)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_count(XMIP_STAT_MIP4_DECAP_OK);
	return TC_ACT_OK;
}

/*
 * tc egress: an ICMP Redirect (type 5) the HA's stack sends to a bound IPv4
 * home address (any family's). The kernel sends one when it forwards a
 * packet out of the interface it came in on to an on-link source: a
 * reverse-tunnelled packet from the home address, decapsulated on the home
 * link's interface, to a correspondent reached through that interface.
 * Routed to the home address, it would go into the tunnel, where it means
 * nothing (the node is not on the home link; RFC 5944 §4.2.1 has a node
 * away ignore redirects). Dropped, counted, here rather than by turning
 * send_redirects off: Linux sends them if conf/all *or* the interface's
 * is on, so that would change the whole namespace, and the HA's redirects
 * to hosts actually on its links are still right. 1: dropped.
 */
static __always_inline int xmip_mip4_ha_redirect(struct __sk_buff *skb)
{
	void *data = xmip_skb_data(skb);
	void *data_end = xmip_skb_data_end(skb);
	struct iphdr *ip4 = data + XMIP_ETH_HLEN;
	struct xmip_fw_view b;
	__u8 *icmp, key[16];

	if ((void *)(ip4 + 1) > data_end || ip4->version != 4 || ip4->ihl != 5 ||
	    ip4->protocol != XMIP_NAT_ICMP)
		return 0;
	icmp = (void *)(ip4 + 1);
	if ((void *)(icmp + 1) > data_end || *icmp != 5)
		return 0;
	xmip_addr_map4(key, ip4->daddr);
	if (xmip_ha_binding(key, &b))
		return 0;
	xmip_count(XMIP_STAT_DROP_MIP4_REDIRECT);
	return 1;
}

/*
 * tc egress: the HA's own IPv4 packet (or, in tc mode, one it forwards) to
 * a home address bound through Mobile IPv4 goes through the binding's
 * tunnel. Not decremented: the kernel routed it. XMIP_ACT_NEXT when the
 * address has no Mobile IPv4 binding (DSMIPv6's egress looks next).
 */
__noinline int xmip_mip4_ha_egress(struct __sk_buff *skb)
{
	struct xmip_ha_conf conf, *cfg = &conf;
	struct xmip_mip4_inner in = { };
	struct xmip_fw_view b;
	void *data, *data_end;
	struct iphdr *ip4;
	__u8 key[16];
	__u32 mtu = 0, gso;
	int act;

	xmip_ha_conf_load(cfg);
	if (!skb || xmip_tc_pull(skb))
		return XMIP_ACT_NEXT;
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip4 = data + XMIP_ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end || ip4->version != 4 || ip4->ihl < 5)
		return XMIP_ACT_NEXT;
	if (xmip_mip4_ha_redirect(skb))
		return TC_ACT_SHOT;
	data = xmip_skb_data(skb);
	data_end = xmip_skb_data_end(skb);
	ip4 = data + XMIP_ETH_HLEN;
	if ((void *)(ip4 + 1) > data_end)
		return XMIP_ACT_NEXT;
	xmip_addr_map4(key, ip4->daddr);
	if (xmip_ha_binding(key, &b) || !xmip_mip4_encap(b.encap))
		return XMIP_ACT_NEXT;
	if (xmip_fw_expired(&b, bpf_jiffies64()))
		return TC_ACT_OK;
	/* Registration replies: to where the request came from (RFC 5944 §3.8.3.1). */
	if (ip4->protocol == XMIP_NAT_UDP && ip4->ihl == 5) {
		struct udphdr *u = (void *)(ip4 + 1);

		if ((void *)(u + 1) <= data_end && u->source == bpf_htons(XMIP_MIP4_PORT))
			return TC_ACT_OK;
	}
	gso = skb->gso_size;
	barrier_var(gso);
	act = xmip_mip4_check(ip4, data_end, &b, cfg, xmip_tc_seg_ip4_len(skb, ip4, data_end),
			      gso != 0, false, &in, &mtu);
	if (act == XMIP_HA_DO_TOO_BIG) {
		xmip_count(XMIP_STAT_DROP_EGRESS_TOO_BIG);
		return TC_ACT_SHOT;
	}
	if (act != XMIP_HA_DO_ENCAP)
		return TC_ACT_OK;
	if (!skb->gso_size && skb->len > XMIP_ETH_HLEN + in.len &&
	    bpf_skb_change_tail(skb, XMIP_ETH_HLEN + in.len, 0))
		return TC_ACT_SHOT;
	return xmip_mip4_push_tc(skb, &b, cfg, &in, false);
}

#endif /* XMIP_BPF_MIP4_HA_H */
