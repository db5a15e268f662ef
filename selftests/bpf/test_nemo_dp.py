# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""NEMO (RFC 3963) in the datapath, on crafted packets.

HA (ha_ns): a packet to an address inside a mobile network prefix a
mobile router registered (the LPM trie xmip_mnp, `xmip_pktrun --mnp`) is
tunnelled to the router's CoA through the router's binding, one more
lookup only after the exact home-address lookup missed (RFC 3963 §6.5);
the reverse tunnel accepts inner sources from the router's prefixes, from
that router's CoA only (§6.4, anti-spoofing extended).
MR (mn_ns): its tc egress tunnels what it forwards from its mobile network
(§5.5); its XDP decapsulation delivers what the HA tunnels to its mobile
network prefixes, and still nothing else.
"""
from scapy.all import Ether, Raw, UDP
from scapy.layers.inet6 import IPv6

from conftest import (CN, COA, COA2, HA, HOA, HOA2, MAC_HOME, MAC_HOME_ROUTER, MAC_MN,
                      MAC_MN_GW, MAC_UPLINK, MAC_UPLINK_GW, assert_same, ha_args, mn_args,
                      pktrun)

MNP = "2001:db8:100::/48"         # the router's mobile network prefix
HOST = "2001:db8:100:5::10"       # a host behind the router
HOST_OTHER = "2001:db8:200::10"   # a host behind another router (HOA2's)


def pkt(src, dst, hlim=64, size=80):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=0x28, fl=0x12345) / \
        UDP(sport=4000, dport=5000) / Raw(bytes(range(size)))


def hl(p, h):
    p = p.copy()
    p.hlim = h
    return p


def mnp_args(*bindings, mnps=((MNP, HOA),)):
    extra = []
    for prefix, hoa in mnps:
        extra += ["--mnp", "%s=%s" % (prefix, hoa)]
    return ha_args(*bindings, extra=extra)


# --- HA: prefix forwarding --------------------------------------------------

def test_ha_tunnels_a_prefix_destination_to_the_routers_coa(ha_ns):
    inner = pkt(CN, HOST)
    r = pktrun(ha_ns, "ha", "xdp", Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / inner,
               ha_ns.home, mnp_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "ENCAP_OK": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA, nh=41, hlim=64, tc=0x28, fl=0, plen=len(inner)) / hl(inner, 63)
    assert_same(r.out, want)


def test_ha_home_address_needs_no_prefix_lookup(ha_ns):
    # The exact lookup hits: no NEMO_PREFIX_HIT, the same output as without prefixes.
    inner = pkt(CN, HOA)
    r = pktrun(ha_ns, "ha", "xdp", Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / inner,
               ha_ns.home, mnp_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert r.stats == {"ENCAP_OK": 1}


def test_ha_longest_prefix_picks_the_router(ha_ns):
    # 2001:db8:100:5::/64 belongs to HOA2's router inside HOA's /48.
    inner = pkt(CN, HOST)
    r = pktrun(ha_ns, "ha", "xdp", Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / inner,
               ha_ns.home, mnp_args((HOA, COA), (HOA2, COA2),
                                    mnps=((MNP, HOA), ("2001:db8:100:5::/64", HOA2))))
    assert r.verdict == "XDP_REDIRECT"
    assert Ether(r.out)[IPv6].dst == COA2


def test_ha_prefix_without_binding_passes(ha_ns):
    # The router deregistered (or its binding expired): the prefix entry
    # leads nowhere, the kernel routes the packet (e.g. via the HoA at home).
    frame = Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / pkt(CN, HOST)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, mnp_args((HOA2, COA2)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home,
               ha_args(extra=["--expired-binding", "%s=%s" % (HOA, COA), "--mnp",
                              "%s=%s" % (MNP, HOA)]))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "PASS_BINDING_EXPIRED": 1}


def test_ha_outside_every_prefix_passes(ha_ns):
    frame = Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / pkt(CN, "2001:db8:101::1")
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, mnp_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_OURS": 1}


def test_ha_tc_path_tunnels_a_prefix_destination_too(ha_ns):
    inner = pkt(CN, HOST)
    r = pktrun(ha_ns, "ha", "tc", Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / inner,
               ha_ns.home, mnp_args((HOA, COA)))
    assert r.verdict == "TC_ACT_REDIRECT", r.js
    assert r.stats["NEMO_PREFIX_HIT"] == 1 and r.stats["ENCAP_OK"] == 1
    got = Ether(r.out)
    assert got[IPv6].src == HA and got[IPv6].dst == COA and got[IPv6].nh == 41
    assert bytes(got[IPv6].payload) == bytes(hl(inner, 63))


def test_ha_egress_tunnels_its_own_packet_into_the_prefix(ha_ns):
    # E.g. the HA's Time Exceeded to a host behind the router, routed via the
    # router's HoA (whose neighbour entry points at the HA itself).
    te = IPv6(src=HA, dst=HOST, hlim=64) / Raw(b"x" * 40)
    frame = Ether(src=MAC_HOME, dst=MAC_HOME) / te
    r = pktrun(ha_ns, "ha", "tc-out", frame, ha_ns.home, mnp_args((HOA, COA)))
    assert r.verdict == "TC_ACT_REDIRECT", r.js
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA, nh=41, hlim=64, tc=0, fl=0, plen=len(te)) / te
    assert_same(r.out, want)


# --- HA: reverse tunnel, anti-spoofing extended -----------------------------

def test_ha_reverse_tunnel_accepts_a_prefix_source_from_the_routers_coa(ha_ns):
    inner = pkt(HOST, CN)
    frame = Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / IPv6(src=COA, dst=HA) / inner
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, mnp_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "DECAP_OK": 1, "NH_MISS": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / hl(inner, 63))


def test_ha_reverse_tunnel_prefix_source_from_another_coa_dropped(ha_ns):
    # HOA2's router (CoA2) may not send for HOA's prefix.
    frame = Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / IPv6(src=COA2, dst=HA) / pkt(HOST, CN)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, mnp_args((HOA, COA), (HOA2, COA2)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "DROP_SPOOFED_COA": 1}


def test_ha_reverse_tunnel_source_outside_the_prefixes_dropped(ha_ns):
    frame = Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / IPv6(src=COA, dst=HA) / \
        pkt(HOST_OTHER, CN)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, mnp_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_UNKNOWN_HOA": 1}


# --- the mobile router ------------------------------------------------------

def mr_args(extra=()):
    return mn_args(away=True, extra=["--mnp", "%s=%s" % (MNP, HOA)] + list(extra))


def test_mr_decap_delivers_to_the_mobile_network(mn_ns):
    inner = pkt(CN, HOST, hlim=57)
    frame = Ether(src=MAC_MN_GW, dst=MAC_MN) / IPv6(src=HA, dst=COA) / inner
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mr_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"MN_DECAP_OK": 1}
    assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN) / inner)


def test_mr_decap_outside_its_prefixes_still_dropped(mn_ns):
    frame = Ether(src=MAC_MN_GW, dst=MAC_MN) / IPv6(src=HA, dst=COA) / pkt(CN, HOST_OTHER)
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mr_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_DECAP_NOT_HOA": 1}
    # ... and a mobile node (no prefixes) drops the prefix destination too.
    frame = Ether(src=MAC_MN_GW, dst=MAC_MN) / IPv6(src=HA, dst=COA) / pkt(CN, HOST)
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_DECAP_NOT_HOA": 1}


def test_mr_egress_tunnels_what_it_forwards_from_the_mobile_network(mn_ns):
    inner = pkt(HOST, CN, hlim=63)
    frame = Ether(src=MAC_MN, dst="02:00:00:00:00:99") / inner
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mr_args())
    assert r.verdict == "TC_ACT_REDIRECT", r.js
    assert r.stats == {"MN_ENCAP_OK": 1, "FWD_REDIRECT_NEIGH": 1}
    want = Ether(src=MAC_MN, dst="02:00:00:00:00:99") / \
        IPv6(src=COA, dst=HA, nh=41, hlim=64, tc=0x28, fl=0, plen=len(inner)) / inner
    assert_same(r.out, want)


def test_mr_egress_other_sources_and_at_home_untouched(mn_ns):
    frame = Ether(src=MAC_MN, dst="02:00:00:00:00:99") / pkt(HOST_OTHER, CN)
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mr_args())
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)
    frame = Ether(src=MAC_MN, dst="02:00:00:00:00:99") / pkt(HOST, CN)
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn,
               mn_args(away=False, extra=["--mnp", "%s=%s" % (MNP, HOA)]))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_MN_AT_HOME": 1}
    assert_same(r.out, frame)
