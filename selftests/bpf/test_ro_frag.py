# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Route optimisation headers in every fragment (RFC 8200 §4.5, RFC 6275
§6.3, §6.4), through BPF_PROG_TEST_RUN (selftests/tools/xmip_pktrun).

A Destination Options header with the Home Address option, and a type-2
routing header, belong to the unfragmentable part: a fragmented packet
carries them in every fragment, and our kernels (no CONFIG_IPV6_MIP6) drop
each fragment on them. The fragment trains here are Scapy's (fragment6) of
a packet as the sender's stack built it, each fragment then given the header
as the sender's tc egress gives it; every fragment must come out exactly as
Scapy's fragment without the header (bytes compared), and Scapy's
defragment6 of the outputs must be the original packet, its upper-layer
checksum right for the home address. Without a binding every fragment is
dropped, counted and reported as an unfragmented packet would be.

 - CN XDP (bpf/ro/cn.h): a HAO restored in every fragment from the bound CoA;
 - HA XDP and tc ingress (bpf/ro/ha.h): the same for the HA's own packets;
 - MN XDP (bpf/ro/mn.h): the RH2 carrying our HoA removed from every fragment;
 - MN tc egress: a locally fragmented packet gets the HAO in every fragment,
   CN tc egress the RH2 (and the CN's XDP undoes the MN's, fragment by fragment).
"""
from scapy.all import Ether, Raw, raw
from scapy.layers.inet import UDP
from scapy.layers.inet6 import (HAO, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrRouting, PadN, defragment6,
                                fragment6)

import test_cn as C
from conftest import (CN, COA, COA2, HA, HOA, MAC_MN, MAC_MN_GW, MAC_UPLINK, MAC_UPLINK_GW,
                      assert_same, ha_args, mn_args, pktrun)
from test_cn import cn_ns  # noqa: F401  (the CN's namespace fixture)

FRAG_ID = 0x5eed


def train(src, dst, upper, size=1280):
    """The sender's stack: the packet, and Scapy's fragments of it."""
    whole = IPv6(raw(IPv6(src=src, dst=dst, hlim=64) / upper))
    frags = fragment6(IPv6(src=src, dst=dst, hlim=64) / IPv6ExtHdrFragment(id=FRAG_ID) / upper,
                      size)
    frags = [IPv6(raw(f)) for f in frags]
    assert len(frags) >= 3 and all(f[IPv6ExtHdrFragment].offset for f in frags[1:])
    return whole, frags


def hao_hdr(hoa):
    # As the MN inserts it (bpf/lib/hao.h): PadN(2), then the HAO at 8n+6.
    return IPv6ExtHdrDestOpt(nh=44, len=2, options=[PadN(optdata=b"\x00\x00"), HAO(hoa=hoa)])


def with_hao(frag, coa, hoa):
    """A fragment as it leaves the MN: from the CoA, the HAO before the Fragment header."""
    return IPv6(src=coa, dst=frag.dst, hlim=frag.hlim, nh=60, plen=frag.plen + 24) / \
        hao_hdr(hoa) / Raw(raw(frag.payload))


def with_rh2(frag, coa):
    """A fragment as it leaves a correspondent: to the CoA, the RH2 before the Fragment header."""
    return IPv6(src=frag.src, dst=coa, hlim=frag.hlim, nh=43, plen=frag.plen + 24) / \
        IPv6ExtHdrRouting(type=2, segleft=1, addresses=[frag.dst], nh=44) / \
        Raw(raw(frag.payload))


def reassembled(outs):
    return IPv6(raw(defragment6([Ether(o)[IPv6] for o in outs])))


def mn_udp_to(dst):
    return UDP(sport=4000, dport=5000) / Raw(bytes(range(256)) * 12)


# --- CN, XDP: the HAO in every fragment ----------------------------------------

def test_cn_restores_the_hao_of_every_fragment(cn_ns):  # noqa: F811
    whole, frags = train(HOA, C.CN, mn_udp_to(C.CN))
    outs = []
    for f in frags:
        r = C.run(cn_ns, "xdp", C.arriving(with_hao(f, C.COA, HOA)), C.bound())
        assert r.verdict == "XDP_PASS" and r.stats == {"RO_HAO_RESTORED": 1}, r.stats
        # Exactly the MN stack's fragment: source the HoA, no option.
        assert_same(r.out, C.arriving(f))
        assert HOA in r.used and r.signal == []
        outs.append(r.out)
    got = reassembled(outs)
    assert raw(got) == raw(whole)
    assert C.upper_ok(HOA, C.CN, 17, raw(got[UDP]))


def test_cn_drops_and_reports_every_fragment_of_an_unbound_hao(cn_ns):  # noqa: F811
    _, frags = train(HOA, C.CN, mn_udp_to(C.CN))
    for args, src in (([], C.COA), (C.bound(), C.COA_OTHER)):
        for f in frags:
            pkt = with_hao(f, src, HOA)
            r = C.run(cn_ns, "xdp", C.arriving(pkt), args)
            assert r.verdict == "XDP_DROP", r.stats
            assert r.stats == {"RO_DROP_HAO_NO_BINDING": 1, "SIGNAL_TO_AGENT": 1}
            # The Binding Error's material (§9.3.3): the headers in front of
            # the upper layer, or of the Fragment header in a later fragment.
            ev = r.signal[0]
            want = 64 if f[IPv6ExtHdrFragment].offset else 64 + 8
            assert ev["len"] == want and ev["pkt"][:64] == raw(pkt)[:64], ev["len"]


def test_cn_later_fragment_without_hao_still_passes(cn_ns):  # noqa: F811
    _, frags = train(HOA, C.CN, mn_udp_to(C.CN))
    r = C.run(cn_ns, "xdp", C.arriving(frags[1]), C.bound())
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_FRAGMENT": 1}
    assert_same(r.out, C.arriving(frags[1]))


def test_cn_egress_gives_every_fragment_the_rh2(cn_ns):  # noqa: F811
    whole, frags = train(C.CN, HOA, UDP(sport=5000, dport=4000) / Raw(b"z" * 3000))
    for f in frags:
        r = C.run(cn_ns, "tc", C.leaving(f), C.bound())
        assert r.stats.get("RO_RH2_OK") == 1, r.stats
        assert_same(r.out, C.leaving(with_rh2(f, C.COA)))


# --- HA as a correspondent: XDP and tc ingress ----------------------------------

def from_uplink(pkt):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / pkt


def test_ha_restores_the_hao_of_every_fragment_xdp_and_tc(ha_ns):
    whole, frags = train(HOA, HA, ICMPv6EchoRequest(id=9, seq=1, data=b"big-ro-ping" * 300))
    for prog, ok in (("xdp", "XDP_PASS"), ("tc", "TC_ACT_OK")):
        outs = []
        for f in frags:
            r = pktrun(ha_ns, "ha", prog, from_uplink(with_hao(f, COA, HOA)), ha_ns.uplink,
                       ha_args((HOA, COA)))
            assert r.verdict == ok and r.stats == {"RO_HA_HAO_RESTORED": 1}, (prog, r.js)
            assert_same(r.out, from_uplink(f))
            assert r.js["ha_ro"] == {HOA: COA}
            outs.append(r.out)
        got = reassembled(outs)
        assert raw(got) == raw(whole), prog
        assert IPv6(raw(IPv6(src=HOA, dst=HA) / got[ICMPv6EchoRequest].copy())) \
            [ICMPv6EchoRequest].cksum == got[ICMPv6EchoRequest].cksum


def test_ha_drops_and_reports_every_fragment_of_an_unbound_hao(ha_ns):
    _, frags = train(HOA, HA, ICMPv6EchoRequest(id=9, seq=1, data=b"big-ro-ping" * 300))
    for prog, drop in (("xdp", "XDP_DROP"), ("tc", "TC_ACT_SHOT")):
        for f in frags:
            pkt = with_hao(f, COA2, HOA)
            r = pktrun(ha_ns, "ha", prog, from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
            stats = {k: v for k, v in r.stats.items() if k != "SIGNAL_SRC_NEW"}
            assert r.verdict == drop and stats == {"RO_HA_DROP_HAO": 1, "SIGNAL_TO_AGENT": 1}, \
                (prog, r.js)
            assert r.js["ha_ro"] == {} and r.signal[0]["pkt"][:64] == raw(pkt)[:64]


# --- MN: the RH2 in every fragment (XDP), the HAO in every fragment (tc) -------

def test_mn_removes_the_rh2_of_every_fragment(mn_ns):
    whole, frags = train(CN, HOA, UDP(sport=5000, dport=4000) / Raw(b"y" * 3000))
    arriving = lambda p: Ether(src=MAC_MN_GW, dst=MAC_MN) / p  # noqa: E731
    outs = []
    for f in frags:
        r = pktrun(mn_ns, "mn", "xdp", arriving(with_rh2(f, COA)), mn_ns.mn, mn_args())
        assert r.verdict == "XDP_PASS" and r.stats == {"RO_MN_RH2_RESTORED": 1}, r.js
        assert_same(r.out, arriving(f))
        outs.append(r.out)
    got = reassembled(outs)
    assert raw(got) == raw(whole)
    # At home, or carrying another address: every fragment dropped, counted.
    for f in frags:
        r = pktrun(mn_ns, "mn", "xdp", arriving(with_rh2(f, COA)), mn_ns.mn,
                   mn_args(away=False))
        assert r.verdict == "XDP_DROP" and r.stats == {"RO_MN_DROP_RH2": 1}, r.js


def test_mn_gives_every_fragment_of_its_own_the_hao(mn_ns):
    # The MN's stack fragments for the HoA's route (the tunnel's MTU, so 24
    # more octets fit); tc egress sees each fragment.
    whole, frags = train(HOA, CN, mn_udp_to(CN))
    args = mn_args(away=True, extra=["-b", "%s=%s" % (CN, COA), "--gw-mac", MAC_MN_GW,
                                     "--coa-ifindex", str(mn_ns.mn)])
    for f in frags:
        r = pktrun(mn_ns, "mn", "tc", Ether(src=MAC_MN, dst=MAC_MN_GW) / f, mn_ns.mn, args)
        assert r.verdict == "TC_ACT_OK" and r.stats == {"RO_MN_HAO_OK": 1}, r.js
        assert_same(r.out, Ether(src=MAC_MN, dst=MAC_MN_GW) / with_hao(f, COA, HOA))


# --- MN as a correspondent (ro/mn_cn.h): a peer's HAO, with or without our RH2 --

def test_mn_as_correspondent_restores_every_fragment_of_a_peer(mn_ns):
    from test_mn_cn import PEER_COA, PEER_HOA, bound
    arriving = lambda p: Ether(src=MAC_MN_GW, dst=MAC_MN) / p  # noqa: E731
    whole, frags = train(PEER_HOA, HOA, UDP(sport=7000, dport=7001) / Raw(b"q" * 3000))
    for rh2 in (False, True):
        outs = []
        for f in frags:
            pkt = with_hao(f, PEER_COA, PEER_HOA)
            if rh2:   # both away: to our CoA, RH2 (our HoA), then the HAO (§6.3, §6.4)
                pkt = IPv6(src=PEER_COA, dst=COA, hlim=f.hlim, nh=43, plen=pkt.plen + 24) / \
                    IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA], nh=60) / \
                    Raw(raw(pkt.payload))
            r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, bound())
            want = {"RO_HAO_RESTORED": 1}
            if rh2:
                want["RO_MN_RH2_RESTORED"] = 1
            assert r.verdict == "XDP_PASS" and r.stats == want, (rh2, r.js)
            assert_same(r.out, arriving(f))
            outs.append(r.out)
        assert raw(reassembled(outs)) == raw(whole), rh2
    # Not bound at us: every fragment dropped and reported (Binding Error 1).
    for f in frags:
        r = pktrun(mn_ns, "mn", "xdp", arriving(with_hao(f, PEER_COA, PEER_HOA)), mn_ns.mn,
                   mn_args())
        stats = {k: v for k, v in r.stats.items() if k != "SIGNAL_SRC_NEW"}
        assert r.verdict == "XDP_DROP" and stats == {"RO_DROP_HAO_NO_BINDING": 1,
                                                      "SIGNAL_TO_AGENT": 1}, r.js
