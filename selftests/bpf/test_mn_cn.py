# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The mobile node as a correspondent for packets addressed to itself
(RFC 6275 §8.2, §9.3; bpf/ro/mn_cn.h), on crafted packets through
BPF_PROG_TEST_RUN (xmip_pktrun -o mn), each output compared byte for byte
with a frame Scapy built, the upper-layer checksum recomputed by Scapy.

A peer mobile node (PEER_HOA, away at PEER_COA) registered with us
(`--cn-binding PEER_HOA=PEER_COA`: our correspondent binding cache,
xmip_bindings, encap RH2). Its packets carry a Home Address option: from
the bound CoA they are restored (source the peer's HoA, the option gone),
otherwise dropped, counted and their headers reported to the agent for a
Binding Error 1 (family ro). When we are away too and the peer holds our
binding, its packets arrive with a type-2 routing header (our HoA) and the
HAO: both come off. HoTI, CoTI and BU to us go to the agent as family ro
(the correspondent's), the mobile node's own messages as mip6.
"""
import pytest
from scapy.all import Ether, Raw, raw
from scapy.layers.inet import TCP, UDP
from scapy.layers.inet6 import (HAO, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE, MIP6MH_BU, MIP6MH_CoTI,
                                MIP6MH_Generic, MIP6MH_HoTI, PadN)

from conftest import COA, HA, HOA, MAC_MN, MAC_MN_GW, assert_same, mn_args, pktrun

PEER_HOA = "2001:db8:2::200"     # the other mobile node's home address
PEER_COA = "2001:db8:7::200"     # ... and its care-of address
OTHER_COA = "2001:db8:7::201"
RO_FAMILY = 5                    # XMIP_FAMILY_RO
MIP6_FAMILY = 1


def arriving(pkt):
    return Ether(src=MAC_MN_GW, dst=MAC_MN) / pkt


def bound(away=True, extra=()):
    return mn_args(away=away, extra=["--cn-binding", "%s=%s" % (PEER_HOA, PEER_COA)] +
                   list(extra))


def hao_hdr(nh, hoa=PEER_HOA):
    # What a mobile node inserts (ours, UMIP's): PadN(2) then the HAO at 8n+6.
    return IPv6ExtHdrDestOpt(nh=nh, len=2, options=[PadN(optdata=b"\x00\x00"), HAO(hoa=hoa)])


def from_peer(upper, dst, src=PEER_COA, hoa=PEER_HOA, rh2=False, hlim=60):
    """The peer's packet from its CoA with a HAO (§11.3.1), the upper-layer
    checksum the one for source = its HoA (Scapy, on a packet really from
    there), destination our HoA; rh2: to our CoA with an RH2 carrying our HoA
    (§6.4: IPv6, RH2, Destination Options, upper layer)."""
    real = IPv6(raw(IPv6(src=hoa, dst=HOA, hlim=hlim) / upper))
    body = hao_hdr(real.nh, hoa) / Raw(raw(real.payload))
    if rh2:
        pkt = IPv6(src=src, dst=COA, hlim=hlim) / \
            IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA], nh=60) / body
    else:
        pkt = IPv6(src=src, dst=dst, hlim=hlim) / body
    return pkt, real


def restored(real):
    return arriving(IPv6(src=PEER_HOA, dst=HOA, hlim=real.hlim, nh=real.nh) /
                    Raw(raw(real.payload)))


def check_upper(out, nh):
    """Scapy recomputes the upper-layer checksum of the restored packet."""
    got = Ether(out)[IPv6]
    layer = {58: ICMPv6EchoRequest, 6: TCP, 17: UDP}[nh]
    field = "cksum" if nh == 58 else "chksum"
    have = getattr(got[layer], field)
    fresh = got.copy()
    setattr(fresh[layer], field, None)
    assert getattr(IPv6(raw(fresh))[layer], field) == have
    assert got.src == PEER_HOA and got.dst == HOA


UPPERS = [
    (ICMPv6EchoRequest(id=11, seq=1, data=b"mn-as-cn" * 4), 58),
    (TCP(sport=40000, dport=5001, flags="PA", seq=99) / Raw(b"hello peer"), 6),
    (UDP(sport=4000, dport=5000) / Raw(bytes(range(60))), 17),
]
IDS = ["icmp", "tcp", "udp"]


@pytest.mark.parametrize("upper,nh", UPPERS, ids=IDS)
@pytest.mark.parametrize("away", [True, False], ids=["away", "home"])
def test_hao_from_the_bound_coa_is_restored(mn_ns, upper, nh, away):
    pkt, real = from_peer(upper, HOA)
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, bound(away=away))
    assert r.verdict == "XDP_PASS", r.js
    assert r.stats == {"RO_HAO_RESTORED": 1}, r.js
    assert_same(r.out, restored(real))
    check_upper(r.out, nh)
    assert PEER_HOA in r.js["used"]
    assert r.signal == []


def test_hao_to_the_coa_is_restored_too(mn_ns):
    pkt, real = from_peer(UPPERS[0][0], COA)
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, bound())
    assert r.stats == {"RO_HAO_RESTORED": 1}, r.js
    got = Ether(r.out)[IPv6]
    assert (got.src, got.dst, got.nh) == (PEER_HOA, COA, 58)


@pytest.mark.parametrize("args,src", [
    (mn_args(), PEER_COA),                                             # no binding
    (None, OTHER_COA),                                                 # another CoA
    (mn_args(extra=["--cn-expired", "%s=%s" % (PEER_HOA, PEER_COA)]), PEER_COA),  # §9.6
], ids=["unbound", "other-coa", "expired"])
def test_hao_without_binding_dropped_and_reported(mn_ns, args, src):
    pkt, _ = from_peer(ICMPv6EchoRequest(id=5, data=bytes(200)), HOA, src=src)
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, bound() if args is None else args)
    assert r.verdict == "XDP_DROP"
    assert r.stats.get("RO_DROP_HAO_NO_BINDING") == 1 and r.stats.get("SIGNAL_TO_AGENT") == 1
    assert "RO_HAO_RESTORED" not in r.stats
    # The headers, for the agent's Binding Error 1 (§9.3.3): wire source and HAO.
    assert len(r.signal) == 1
    ev = r.signal[0]
    assert ev["family"] == RO_FAMILY and ev["len"] == 64
    assert ev["pkt"][:64] == raw(pkt)[:64]


@pytest.mark.parametrize("upper,nh", UPPERS, ids=IDS)
def test_rh2_and_hao_both_come_off(mn_ns, upper, nh):
    # Both away, each bound at the other: RH2 (our HoA) then the HAO.
    pkt, real = from_peer(upper, COA, rh2=True)
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, bound())
    assert r.verdict == "XDP_PASS", r.js
    assert r.stats == {"RO_MN_RH2_RESTORED": 1, "RO_HAO_RESTORED": 1}, r.js
    assert_same(r.out, restored(real))
    check_upper(r.out, nh)


def test_rh2_and_hao_unbound_dropped_and_reported(mn_ns):
    pkt, real = from_peer(UPPERS[0][0], COA, rh2=True)
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats.get("RO_DROP_HAO_NO_BINDING") == 1
    assert len(r.signal) == 1 and r.signal[0]["family"] == RO_FAMILY
    # Reported as it stands after the RH2 came off: from the peer's CoA to our HoA.
    rep = IPv6(r.signal[0]["pkt"])
    assert (rep.src, rep.dst, rep.nh, rep[HAO].hoa) == (PEER_COA, HOA, 60, PEER_HOA)


def test_hao_in_an_earlier_destination_options_header_dropped(mn_ns):
    pkt = IPv6(src=PEER_COA, dst=HOA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=PEER_HOA)]) / \
        IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * 4)]) / ICMPv6EchoRequest()
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, bound())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"RO_DROP_HAO_LAYOUT": 1}, r.js


def tunnelled(inner):
    return IPv6(src=HA, dst=COA, hlim=63) / inner


@pytest.mark.parametrize("upper,nh", UPPERS[:2], ids=IDS[:2])
def test_hao_through_our_home_agent_is_restored(mn_ns, upper, nh):
    # The peer holds a binding at us, we none at it: it sends to our HoA,
    # which our home agent tunnels to the CoA.
    pkt, real = from_peer(upper, HOA)
    r = pktrun(mn_ns, "mn", "xdp", arriving(tunnelled(pkt)), mn_ns.mn, bound())
    assert r.verdict == "XDP_PASS", r.js
    assert r.stats.get("RO_HAO_RESTORED") == 1, r.js
    assert_same(r.out, restored(real))
    check_upper(r.out, nh)


def test_hao_through_our_home_agent_unbound_reported(mn_ns):
    pkt, _ = from_peer(UPPERS[0][0], HOA)
    r = pktrun(mn_ns, "mn", "xdp", arriving(tunnelled(pkt)), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats.get("RO_DROP_HAO_NO_BINDING") == 1
    assert [e["family"] for e in r.signal] == [RO_FAMILY]
    assert IPv6(r.signal[0]["pkt"]).src == PEER_COA


@pytest.mark.parametrize("mh,family,via_ha", [
    (IPv6(src=PEER_HOA, dst=HOA) / MIP6MH_HoTI(cookie=7), RO_FAMILY, True),
    (IPv6(src=PEER_COA, dst=HOA) / MIP6MH_CoTI(cookie=8), RO_FAMILY, True),
    (IPv6(src=PEER_COA, dst=HOA) / hao_hdr(135) / MIP6MH_BU(seq=5, flags=0x8000, mhtime=100),
     RO_FAMILY, True),
    (IPv6(src=PEER_COA, dst=COA) / MIP6MH_CoTI(cookie=9), RO_FAMILY, False),
    (IPv6(src=PEER_COA, dst=COA) / hao_hdr(135) / MIP6MH_BU(seq=6, mhtime=100),
     RO_FAMILY, False),
    (IPv6(src=HA, dst=HOA) / MIP6MH_BA(status=0, seq=3, mhtime=100), MIP6_FAMILY, True),
    (IPv6(src=HA, dst=COA) / MIP6MH_BA(status=0, seq=3, mhtime=100), MIP6_FAMILY, False),
    # A type RFC 6275 does not know (8, FBU of RFC 5568): the correspondent's
    # code answers it with Binding Error 2 (§9.2).
    (IPv6(src=PEER_COA, dst=COA) / MIP6MH_Generic(mhtype=8, msg=b"\0\0"), RO_FAMILY, False),
    (IPv6(src=PEER_HOA, dst=HOA) / MIP6MH_Generic(mhtype=8, msg=b"\0\0"), RO_FAMILY, True),
    (IPv6(src=HA, dst=COA) / MIP6MH_BE(status=1, ha=PEER_HOA), MIP6_FAMILY, False),
], ids=["hoti-tunnel", "coti-tunnel", "bu-hao-tunnel", "coti", "bu-hao", "ba-tunnel", "ba",
        "unknown-type", "unknown-type-tunnel", "be"])
def test_mobility_header_family(mn_ns, mh, family, via_ha):
    mh = IPv6(raw(mh))
    r = pktrun(mn_ns, "mn", "xdp", arriving(tunnelled(mh) if via_ha else mh), mn_ns.mn,
               mn_args())
    assert r.verdict == "XDP_DROP", r.js
    assert len(r.signal) == 1, r.js
    assert r.signal[0]["family"] == family
    assert r.signal[0]["pkt"] == raw(mh)


# --- tc egress: a type-2 routing header to a peer bound at us ---------------

def leaving(pkt, dst_mac=MAC_MN_GW):
    return Ether(src=MAC_MN, dst=dst_mac) / pkt


def to_peer(upper):
    # As the stack sends it: from our HoA to the peer's HoA, checksums filled in.
    return IPv6(raw(IPv6(src=HOA, dst=PEER_HOA, hlim=64) / upper))


def rh2_hdr(nh):
    return IPv6ExtHdrRouting(type=2, segleft=1, addresses=[PEER_HOA], nh=nh)


def check_upper_out(out, nh):
    """Scapy: the checksum is the stack's, right for HoA -> peer HoA, the
    addresses the peer restores (RH2's final destination, HAO's source)."""
    got = Ether(out)[IPv6]
    layer = {58: ICMPv6EchoRequest, 6: TCP, 17: UDP}[nh]
    field = "cksum" if nh == 58 else "chksum"
    body = got[layer].copy()
    setattr(body, field, None)
    fresh = IPv6(raw(IPv6(src=HOA, dst=PEER_HOA) / body))
    assert getattr(fresh[layer], field) == getattr(got[layer], field)


@pytest.mark.parametrize("upper,nh", UPPERS, ids=IDS)
def test_egress_at_home_to_a_bound_peer_gets_rh2(mn_ns, upper, nh):
    pkt = to_peer(upper)
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, bound(away=False))
    assert r.stats == {"RO_RH2_OK": 1, "FWD_REDIRECT_NEIGH": 1} or \
        r.stats == {"RO_RH2_OK": 1}, r.js
    got = Ether(r.out)[IPv6]
    want = IPv6(src=HOA, dst=PEER_COA, hlim=64, nh=43, plen=pkt.plen + 24) / rh2_hdr(nh) / \
        Raw(raw(pkt.payload))
    assert raw(got) == raw(want)
    check_upper_out(r.out, nh)
    assert PEER_HOA in r.js["used"]


def test_egress_at_home_unbound_left_alone(mn_ns):
    frame = leaving(to_peer(UPPERS[2][0]))
    for args in (mn_args(away=False),
                 mn_args(away=False, extra=["--cn-expired", "%s=%s" % (PEER_HOA, PEER_COA)])):
        r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, args)
        assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_MN_AT_HOME": 1}, r.js
        assert_same(r.out, frame)


def test_egress_with_no_peer_counted_skips_the_cache(mn_ns):
    """While the agent says it holds no binding (xmip_ro_peers 0) the tc egress
    does not look at xmip_bindings: a binding there is not used (at home the
    packet leaves as it is; away, with our binding at the peer, the HAO alone)."""
    pkt = to_peer(UPPERS[2][0])
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn,
               bound(away=False) + ["--ro-peers", "0"])
    assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_MN_AT_HOME": 1}, r.js
    assert_same(r.out, leaving(pkt))
    args = both_bound() + ["--ro-peers", "0"]
    args[args.index("--coa-ifindex") + 1] = str(mn_ns.mn)
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, args)
    assert r.stats == {"RO_MN_HAO_OK": 1}, r.js
    assert Ether(r.out)[IPv6].dst == PEER_HOA


def both_bound():
    # The peer bound at us (--cn-binding) and we at it (-b: xmip_mn_ro, our CoA).
    return bound(extra=["-b", "%s=%s" % (PEER_HOA, COA), "--gw-mac", MAC_MN_GW,
                        "--coa-ifindex", "0"])


@pytest.mark.parametrize("upper,nh", UPPERS, ids=IDS)
def test_egress_away_both_bound_gets_rh2_and_hao(mn_ns, upper, nh):
    pkt = to_peer(upper)
    args = both_bound()
    args[args.index("--coa-ifindex") + 1] = str(mn_ns.mn)
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, args)
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"RO_MN_HAO_OK": 1, "RO_RH2_OK": 1}, r.js
    # RFC 6275 §6.3/§6.4: IPv6, RH2, Destination Options (HAO), upper layer.
    want = leaving(IPv6(src=COA, dst=PEER_COA, hlim=64, nh=43, plen=pkt.plen + 48) /
                   rh2_hdr(60) /
                   IPv6ExtHdrDestOpt(nh=nh, len=2, options=[PadN(optdata=b"\x00\x00"),
                                                            HAO(hoa=HOA)]) /
                   Raw(raw(pkt.payload)))
    assert_same(r.out, want)
    check_upper_out(r.out, nh)
    assert PEER_HOA in r.js["used"]


def test_egress_away_bound_only_at_us_keeps_the_tunnel(mn_ns):
    pkt = to_peer(UPPERS[2][0])
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, bound())
    assert r.stats.get("MN_ENCAP_OK") == 1 and "RO_RH2_OK" not in r.stats, r.js
    got = Ether(r.out)[IPv6]
    assert (got.src, got.dst, got.nh) == (COA, HA, 41) and raw(got.payload) == raw(pkt)


def test_egress_away_bound_only_at_the_peer_gets_the_hao_alone(mn_ns):
    pkt = to_peer(UPPERS[2][0])
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn,
               mn_args(extra=["-b", "%s=%s" % (PEER_HOA, COA), "--gw-mac", MAC_MN_GW,
                              "--coa-ifindex", str(mn_ns.mn)]))
    assert r.stats == {"RO_MN_HAO_OK": 1}, r.js
    got = Ether(r.out)[IPv6]
    assert (got.src, got.dst, got.nh) == (COA, PEER_HOA, 60)


def test_egress_away_our_signalling_to_a_bound_peer_is_tunnelled(mn_ns):
    # Our HoT, BA, BE from the HoA: an MH bypasses the binding cache (§6.1).
    pkt = IPv6(raw(IPv6(src=HOA, dst=PEER_HOA) / MIP6MH_BA(status=0, seq=1, mhtime=10)))
    args = both_bound()
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, args)
    assert r.stats.get("RO_MN_SIGNAL_TUNNEL") == 1 and "RO_RH2_OK" not in r.stats, r.js
    assert Ether(r.out)[IPv6].nh == 41
