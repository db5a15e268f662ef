/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every role is a correspondent for packets addressed to itself (RFC 6275
 * §9.3): the home agent's share (docs/DESIGN.md, "Datapath, HA", route
 * optimisation). Its binding cache is the home registrations, so:
 *  - xmip_ro_ha_hao:   XDP, a packet to the HA with a Home Address option
 *                      (not a Mobility Header): from the CoA of a live home
 *                      registration of that home address -> restored
 *                      (source = HoA, option removed: bpf/lib/hao.h, the
 *                      correspondent's own code) and passed up; noted in
 *                      xmip_ha_ro. Otherwise dropped, counted, and its
 *                      headers handed to the agent: Binding Error 1 (§9.3.3)
 *  - xmip_ro_ha_hao_tc: the same on tc ingress (xdp-mode = tc): the header
 *                      removed with bpf_skb_adjust_room, the checksum of a
 *                      CHECKSUM_COMPLETE skb kept right
 *  - xmip_ro_ha_rh2:   tc egress, the HA's own packet to a home address
 *                      that reached it with a HAO from the CoA its binding
 *                      still names -> a type-2 routing header to that CoA
 *                      (bpf/lib/rh2.h) instead of the tunnel (§9.3.2)
 * A home address that never sent a HAO keeps the tunnel for the HA's own
 * packets, as before.
 */
#ifndef XMIP_BPF_RO_HA_H
#define XMIP_BPF_RO_HA_H

#include "lib/common.h"
#include "lib/stats.h"
#include "lib/parse.h"
#include "lib/classify.h"
#include "lib/signal.h"
#include "lib/signal_tc.h"
#include "lib/hao.h"
#include "lib/rh2.h"
#include "lib/role_ha.h"
#include "xmip_ro.h"

/* Preallocated (LRU): sized for the home addresses talking to the HA itself at once. */
#define XMIP_HA_RO_MAX 16384

/* Home addresses that reached the HA with a HAO: HoA -> that CoA, when (agent: none). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XMIP_HA_RO_MAX);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_ha_ro);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ha_ro SEC(".maps");

/*
 * XDP: IPv6 to the HA carrying a Home Address option (cls->ip6.has_hao),
 * not a Mobility Header (a BU's HAO is the agent's). §9.3.1: dropped unless
 * the home address has a binding whose care-of address is the source.
 */
__noinline int xmip_ro_ha_hao(struct xdp_md *ctx, const struct xmip_cls *cls)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct xmip_binding_key key;
	struct xmip_fw_view b;
	struct xmip_ha_ro r;
	__u32 off, dlen;
	__u8 *p;

	if (!cls || (void *)(ip6 + 1) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	off = cls->ip6.hao_off;
	barrier_var(off);
	if (off > 512) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	p = (void *)ip6 + off;
	if ((void *)(p + 16) > data_end) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return XDP_DROP;
	}
	__builtin_memcpy(key.hoa, p, 16);
	if (xmip_addr_is_special(key.hoa) || xmip_ha_binding(key.hoa, &b) ||
	    (b.flags & XMIP_FW_F_LINKLOCAL) || xmip_fw_expired(&b, bpf_jiffies64()) ||
	    b.encap != XMIP_ENCAP_IP6IP6 || !xmip_addr_eq(b.coa, &ip6->saddr)) {
		/* The headers are what the Binding Error needs (§9.3.3); the
		 * agent answers, rate-limited; the packet goes nowhere. */
		xmip_count(XMIP_STAT_RO_HA_DROP_HAO);
		xmip_signal_xdp(ctx, XMIP_FAMILY_MIP6, cls->l3_off, cls->ip6.l4_off, NULL);
		return XDP_DROP;
	}
	dlen = cls->ip6.dstopts_len;
	if (cls->ip6.dstopts_off != sizeof(struct ipv6hdr) || cls->ip6.has_rh2 ||
	    cls->ip6.dstopts_n > 1 ||
	    xmip_xdp_hao_alone(ctx, cls->l3_off + sizeof(struct ipv6hdr), dlen) != 1) {
		xmip_count(XMIP_STAT_RO_HA_DROP_HAO);
		return XDP_DROP;
	}
	if (xmip_hao_strip_xdp(ctx, dlen, key.hoa)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return XDP_DROP;
	}
	xmip_addr_copy(r.coa, b.coa);
	r.last_ns = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&xmip_ha_ro, &key, &r, BPF_ANY);
	xmip_count(XMIP_STAT_RO_HA_HAO_RESTORED);
	return XDP_PASS;
}

/*
 * tc ingress, the same decision on an skb (xdp-mode = tc). Only the layout
 * every mobile node sends is restored here (24 octets: PadN(2) then the HAO
 * at 8n+6, RFC 6275 §6.3; ours, UMIP's, Scapy's): a scan of arbitrary
 * option lists on an skb multiplies the verifier's paths, and XDP mode has
 * the general one. Anything else is dropped, counted. The header goes with
 * bpf_skb_adjust_room(-24, BPF_ADJ_ROOM_NET) (which keeps skb->csum of a
 * CHECKSUM_COMPLETE skb right) and the IPv6 header is rewritten with
 * BPF_F_RECOMPUTE_CSUM.
 */
__noinline int xmip_ro_ha_hao_tc(struct __sk_buff *skb, const struct xmip_cls *cls)
{
	struct xmip_binding_key key;
	struct xmip_fw_view b;
	struct ipv6hdr ip6;
	struct xmip_ha_ro r;
	__u8 d[8];
	__u32 off;

	if (!cls) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	off = cls->ip6.hao_off;
	if (cls->l3_off != XMIP_ETH_HLEN || off > 512 ||
	    bpf_skb_load_bytes(skb, XMIP_ETH_HLEN, &ip6, sizeof(ip6)) ||
	    bpf_skb_load_bytes(skb, XMIP_ETH_HLEN + off, key.hoa, 16)) {
		xmip_count(XMIP_STAT_DROP_MALFORMED);
		return TC_ACT_SHOT;
	}
	if (xmip_addr_is_special(key.hoa) || xmip_ha_binding(key.hoa, &b) ||
	    (b.flags & XMIP_FW_F_LINKLOCAL) || xmip_fw_expired(&b, bpf_jiffies64()) ||
	    b.encap != XMIP_ENCAP_IP6IP6 || !xmip_addr_eq(b.coa, &ip6.saddr)) {
		xmip_count(XMIP_STAT_RO_HA_DROP_HAO);
		xmip_signal_tc(skb, XMIP_FAMILY_MIP6, cls->l3_off, cls->ip6.l4_off, NULL);
		return TC_ACT_SHOT;
	}
	if (cls->ip6.dstopts_off != sizeof(struct ipv6hdr) || cls->ip6.has_rh2 ||
	    cls->ip6.dstopts_n > 1 || cls->ip6.dstopts_len != XMIP_HAO_HDR_LEN ||
	    bpf_ntohs(ip6.payload_len) < XMIP_HAO_HDR_LEN ||
	    bpf_skb_load_bytes(skb, XMIP_ETH_HLEN + sizeof(ip6), d, sizeof(d)) ||
	    d[1] != XMIP_HAO_HDR_LEN / 8 - 1 || d[2] != 1 || d[3] != 2 ||
	    d[6] != XMIP_OPT_HOME_ADDRESS || d[7] != XMIP_OPT_HOME_ADDRESS_LEN) {
		xmip_count(XMIP_STAT_RO_HA_DROP_HAO);
		return TC_ACT_SHOT;
	}
	ip6.nexthdr = d[0];
	ip6.payload_len = bpf_htons(bpf_ntohs(ip6.payload_len) - XMIP_HAO_HDR_LEN);
	xmip_addr_copy(&ip6.saddr, key.hoa);
	if (bpf_skb_adjust_room(skb, -XMIP_HAO_HDR_LEN, BPF_ADJ_ROOM_NET, 0) ||
	    bpf_skb_store_bytes(skb, XMIP_ETH_HLEN, &ip6, sizeof(ip6), BPF_F_RECOMPUTE_CSUM)) {
		xmip_count(XMIP_STAT_DROP_ADJUST_FAILED);
		return TC_ACT_SHOT;
	}
	xmip_addr_copy(r.coa, b.coa);
	r.last_ns = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&xmip_ha_ro, &key, &r, BPF_ANY);
	xmip_count(XMIP_STAT_RO_HA_HAO_RESTORED);
	return TC_ACT_OK;
}

/*
 * tc egress: should the HA's own packet `ip6` to a home address bound to
 * b->coa carry a type-2 routing header (its source the HA's address, the
 * home address talked to us with a HAO from that CoA, no Hop-by-Hop or
 * routing header of its own)? The caller excepted MH and ND (§6.1, §9.3.2).
 */
static __always_inline int xmip_ro_ha_wants_rh2(const struct ipv6hdr *ip6,
						const struct xmip_fw_view *b,
						const struct xmip_ha_conf *cfg)
{
	struct xmip_binding_key key;
	struct xmip_ha_ro *r;

	if (!xmip_addr_eq(&ip6->saddr, cfg->self_addr) ||
	    ip6->nexthdr == XMIP_IPPROTO_HOPOPTS || ip6->nexthdr == XMIP_IPPROTO_ROUTING)
		return 0;
	xmip_addr_copy(key.hoa, &ip6->daddr);
	r = bpf_map_lookup_elem(&xmip_ha_ro, &key);
	return r && xmip_addr_eq(r->coa, b->coa);
}

#endif /* XMIP_BPF_RO_HA_H */
