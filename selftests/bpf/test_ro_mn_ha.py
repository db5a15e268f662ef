# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Route optimisation on the mobile node and on the home agent as a
correspondent for itself (RFC 6275 §9.3, §11.3), on crafted packets
through BPF_PROG_TEST_RUN (selftests/tools/xmip_pktrun), each output
compared byte for byte with a frame Scapy built independently.

MN (bpf/ro/mn.h): tc egress sends a packet from the HoA to a correspondent
holding our binding (xmip_mn_ro, `-b CN=COA`) from the CoA with a Home
Address option; the upper-layer checksum is left as it was and is right
for the home address, the source the correspondent restores (checked by
recomputing it here). XDP ingress removes a type-2 routing header carrying
our HoA and makes the HoA the destination; the checksum is then right as
it arrives. Everything else keeps the tunnel or is dropped, counted.

HA (bpf/ro/ha.h): XDP restores an echo request with a HAO from the CoA of
a bound home address; a HAO without such a binding is dropped, counted and
its headers handed to the agent (Binding Error 1); tc egress answers a
home address that used a HAO with a type-2 routing header.
"""
from scapy.all import Ether, Raw, UDP
from scapy.layers.inet import TCP
from scapy.layers.inet6 import (HAO, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BA, PadN)

from conftest import (CN, COA, COA2, HA, HOA, HOA2, MAC_HOME, MAC_MN, MAC_MN_GW, MAC_UPLINK,
                      MAC_UPLINK_GW, assert_same, ha_args, mn_args, pktrun)

OTHER_CN = "2001:db8:5::7"


def upper_csum(ip6, layer, src, dst):
    body = ip6[layer].copy()
    for f in ("chksum", "cksum"):
        if f in [x.name for x in body.fields_desc]:
            setattr(body, f, None)
            return getattr(IPv6(bytes(IPv6(src=src, dst=dst) / body))[layer], f)
    raise AssertionError("no checksum field in %s" % layer)


def field_csum(ip6, layer):
    body = ip6[layer]
    return body.chksum if "chksum" in [x.name for x in body.fields_desc] else body.cksum


def leaving(pkt, dst_mac=MAC_MN_GW):
    return Ether(src=MAC_MN, dst=dst_mac) / pkt


def arriving(pkt):
    return Ether(src=MAC_MN_GW, dst=MAC_MN) / pkt


def hao_hdr(nh):
    # What the MN inserts: Destination Options (len 2) with PadN(2) then the
    # HAO at offset 6 (8n+6, RFC 6275 §6.3).
    return IPv6ExtHdrDestOpt(nh=nh, len=2, options=[PadN(optdata=b"\x00\x00"), HAO(hoa=HOA)])


def ro_args(*extra, cn=CN, coa=COA, expired=False):
    return mn_args(away=True, extra=[("--expired-binding" if expired else "-b"),
                                     "%s=%s" % (cn, coa), "--gw-mac", MAC_MN_GW,
                                     "--coa-ifindex", "0"] + list(extra))


# --- MN, tc egress: the Home Address option ----------------------------------

def mn_udp():
    return IPv6(src=HOA, dst=CN, hlim=64, tc=0x20, fl=0x1234) / \
        UDP(sport=4000, dport=5000) / Raw(bytes(range(100)))


def mn_tcp():
    return IPv6(src=HOA, dst=CN, hlim=64) / \
        TCP(sport=40000, dport=80, seq=1000, flags="PA") / Raw(b"hello route optimisation")


def test_egress_to_a_bound_correspondent_gets_a_hao_from_the_coa(mn_ns):
    for pkt, l4, nh in ((mn_udp(), UDP, 17), (mn_tcp(), TCP, 6)):
        pkt = IPv6(bytes(pkt))                 # checksums filled in, as the stack did
        args = ro_args()
        args[args.index("--coa-ifindex") + 1] = str(mn_ns.mn)
        r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, args)
        assert r.verdict == "TC_ACT_OK", r.js
        assert r.stats == {"RO_MN_HAO_OK": 1}
        want = Ether(src=MAC_MN, dst=MAC_MN_GW) / \
            IPv6(src=COA, dst=CN, nh=60, hlim=64, tc=0x20 if l4 is UDP else 0,
                 fl=0x1234 if l4 is UDP else 0, plen=pkt.plen + 24) / hao_hdr(nh) / \
            pkt[l4]
        assert_same(r.out, want)
        got = Ether(r.out)[IPv6]
        assert got[HAO].hoa == HOA and got[IPv6ExtHdrDestOpt].len == 2
        # Unchanged, and right for the home address the CN restores (§9.3.1).
        assert field_csum(got, l4) == field_csum(pkt, l4)
        assert upper_csum(got, l4, HOA, CN) == field_csum(got, l4)
        assert upper_csum(got, l4, COA, CN) != field_csum(got, l4)


def test_egress_hao_packet_whose_router_is_not_known_asks_the_fib(mn_ns):
    r = pktrun(mn_ns, "mn", "tc", leaving(IPv6(bytes(mn_udp())), "02:00:00:00:00:99"), mn_ns.mn,
               ro_args())
    assert r.verdict == "TC_ACT_REDIRECT"
    assert r.stats == {"RO_MN_HAO_OK": 1, "FWD_REDIRECT_NEIGH": 1}
    assert Ether(r.out)[IPv6].src == COA and Ether(r.out)[HAO].hoa == HOA


def test_egress_tunnels_when_the_binding_is_for_another_coa_or_expired(mn_ns):
    pkt = IPv6(bytes(mn_udp()))
    for args in (ro_args(coa=COA2), ro_args(expired=True), ro_args(cn=OTHER_CN)):
        r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, args)
        assert r.stats.get("RO_MN_HAO_OK") is None and r.stats.get("MN_ENCAP_OK") == 1, r.js
        got = Ether(r.out)[IPv6]
        assert got.src == COA and got.dst == HA and got.nh == 41
        assert bytes(got.payload) == bytes(pkt)


def test_egress_with_extension_headers_of_its_own_keeps_the_tunnel(mn_ns):
    pkt = IPv6(src=HOA, dst=CN) / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * 4)]) / \
        UDP(sport=1, dport=2) / Raw(b"x" * 10)
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, ro_args())
    assert r.stats.get("RO_MN_FALLBACK_TUNNEL") == 1 and r.stats.get("MN_ENCAP_OK") == 1, r.js
    assert Ether(r.out)[IPv6].nh == 41


def test_egress_too_big_for_the_option_keeps_the_tunnel(mn_ns):
    """A single packet that would no longer fit the link MTU with 24 more
    octets is tunnelled instead (the HoA's route is sized for the tunnel,
    40 octets, so only a packet sent past it gets here)."""
    pkt = IPv6(src=HOA, dst=CN) / UDP(sport=1, dport=2) / Raw(bytes(1500 - 48 - 10))
    r = pktrun(mn_ns, "mn", "tc", leaving(pkt), mn_ns.mn, ro_args())
    assert r.stats.get("RO_MN_FALLBACK_TUNNEL") == 1, r.js
    assert r.stats.get("RO_MN_HAO_OK") is None


def test_egress_at_home_leaves_the_packet_alone(mn_ns):
    frame = leaving(IPv6(bytes(mn_udp())))
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn,
               mn_args(away=False, extra=["-b", "%s=%s" % (CN, COA)]))
    assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_MN_AT_HOME": 1}
    assert_same(r.out, frame)


# --- MN, XDP ingress: the type-2 routing header ------------------------------

def cn_tcp_via_rh2(hoa=HOA, dst=COA):
    # As our CN sends it: the checksum over the final destination, the HoA.
    inner = IPv6(bytes(IPv6(src=CN, dst=HOA, hlim=60) /
                       TCP(sport=80, dport=40000, seq=7, flags="SA") / Raw(b"answer")))
    return IPv6(src=CN, dst=dst, hlim=60, nh=43, plen=inner.plen + 24) / \
        IPv6ExtHdrRouting(type=2, segleft=1, addresses=[hoa], nh=6) / inner[TCP], inner


def test_ingress_rh2_carrying_our_hoa_is_restored(mn_ns):
    pkt, inner = cn_tcp_via_rh2()
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS", r.js
    assert r.stats == {"RO_MN_RH2_RESTORED": 1}
    assert_same(r.out, arriving(inner))
    got = Ether(r.out)[IPv6]
    assert upper_csum(got, TCP, CN, HOA) == got[TCP].chksum


def test_ingress_rh2_not_for_us_dropped(mn_ns):
    for pkt, args in ((cn_tcp_via_rh2(hoa=HOA2)[0], mn_args()),      # another HoA
                      (cn_tcp_via_rh2()[0], mn_args(away=False))):    # at home
        r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, args)
        assert r.verdict == "XDP_DROP" and r.stats == {"RO_MN_DROP_RH2": 1}, r.js


def test_ingress_ba_from_a_correspondent_with_rh2_still_goes_to_the_agent(mn_ns):
    ba = IPv6(src=CN, dst=COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) / \
        MIP6MH_BA(status=0, seq=3, mhtime=100)
    r = pktrun(mn_ns, "mn", "xdp", arriving(ba), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats.get("SIGNAL_TO_AGENT") == 1 and len(r.signal) == 1


# --- HA: a correspondent for packets to itself (RFC 6275 §9.3) ----------------

def from_uplink(pkt):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / pkt


def echo_with_hao(src=COA, hoa=HOA):
    inner = IPv6(bytes(IPv6(src=hoa, dst=HA, hlim=63) /
                       ICMPv6EchoRequest(id=9, seq=1, data=b"ro-ping" * 4)))
    pkt = IPv6(src=src, dst=HA, hlim=63, nh=60, plen=inner.plen + 24) / hao_hdr(58)
    pkt[HAO].hoa = hoa
    return pkt / inner[ICMPv6EchoRequest], inner


def test_ha_restores_an_echo_request_with_a_hao_from_the_bound_coa(ha_ns):
    pkt, inner = echo_with_hao()
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS", r.js
    assert r.stats == {"RO_HA_HAO_RESTORED": 1}
    assert_same(r.out, from_uplink(inner))
    got = Ether(r.out)[IPv6]
    assert upper_csum(got, ICMPv6EchoRequest, HOA, HA) == got[ICMPv6EchoRequest].cksum
    assert r.js["ha_ro"] == {HOA: COA}


def test_ha_drops_a_hao_without_a_binding_and_reports_it(ha_ns):
    for pkt, binds in ((echo_with_hao(src=COA2)[0], [(HOA, COA)]),     # not from its CoA
                       (echo_with_hao(hoa=HOA2)[0], [(HOA, COA)]),     # no binding at all
                       (echo_with_hao()[0], [])):
        r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args(*binds))
        assert r.verdict == "XDP_DROP", r.js
        stats = {k: v for k, v in r.stats.items() if k != "SIGNAL_SRC_NEW"}
        assert stats == {"RO_HA_DROP_HAO": 1, "SIGNAL_TO_AGENT": 1}
        assert r.js["ha_ro"] == {}
        ev = r.signal[0]
        # The headers, up to the upper layer: what the Binding Error needs.
        assert ev["family"] == 1 and ev["pkt"][:ev["len"]] == bytes(pkt)[:40 + 24]


def test_ha_hao_in_a_layout_no_mn_sends_dropped(ha_ns):
    inner = IPv6(bytes(IPv6(src=HOA, dst=HA) / ICMPv6EchoRequest()))
    pkt = IPv6(src=COA, dst=HA, nh=60) / \
        IPv6ExtHdrDestOpt(nh=58, options=[HAO(hoa=HOA), PadN(optdata=b"\x00" * 4),
                                          PadN(optdata=b"\x00" * 2)]) / \
        inner[ICMPv6EchoRequest]
    pkt[IPv6ExtHdrDestOpt].options.append(
        __import__("scapy.layers.inet6", fromlist=["HBHOptUnknown"]).HBHOptUnknown(
            otype=0x1e, optdata=b"\x00" * 6))
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(IPv6(bytes(pkt))), ha_ns.uplink,
               ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP" and r.stats == {"RO_HA_DROP_HAO": 1}, r.js


def own(pkt):
    return Ether(src=MAC_HOME, dst=MAC_HOME) / pkt


def test_ha_answers_a_home_address_that_used_a_hao_with_a_routing_header(ha_ns):
    reply = IPv6(bytes(IPv6(src=HA, dst=HOA, hlim=64) /
                       ICMPv6EchoReply(id=9, seq=1, data=b"ro-ping" * 4)))
    t = pktrun(ha_ns, "ha", "tc-out", own(reply), ha_ns.home,
               ha_args((HOA, COA), extra=["--ha-ro", "%s=%s" % (HOA, COA)]))
    assert t.verdict == "TC_ACT_REDIRECT", t.js
    assert t.stats == {"RO_HA_RH2_OK": 1, "FWD_REDIRECT": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA, nh=43, hlim=64, plen=reply.plen + 24) / \
        IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA], nh=58) / reply[ICMPv6EchoReply]
    assert_same(t.out, want)
    got = Ether(t.out)[IPv6]
    # The checksum is the stack's, over the final destination (RFC 8200 §8.1).
    assert upper_csum(got, ICMPv6EchoReply, HA, HOA) == got[ICMPv6EchoReply].cksum


def test_ha_keeps_the_tunnel_for_a_hao_from_an_older_coa(ha_ns):
    reply = IPv6(src=HA, dst=HOA) / ICMPv6EchoReply()
    t = pktrun(ha_ns, "ha", "tc-out", own(reply), ha_ns.home,
               ha_args((HOA, COA), extra=["--ha-ro", "%s=%s" % (HOA, COA2)]))
    assert t.stats.get("EGRESS_ENCAP_OK") == 1 and "RO_HA_RH2_OK" not in t.stats, t.js
    assert Ether(t.out)[IPv6].nh == 41


# --- the same on the HA in tc mode (xdp-mode = tc: tc ingress) -----------------

def test_ha_tc_mode_restores_and_refuses_the_same(ha_ns):
    pkt, inner = echo_with_hao()
    r = pktrun(ha_ns, "ha", "tc", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"RO_HA_HAO_RESTORED": 1}
    assert_same(r.out, from_uplink(inner))
    assert r.js["ha_ro"] == {HOA: COA}
    got = Ether(r.out)[IPv6]
    assert upper_csum(got, ICMPv6EchoRequest, HOA, HA) == got[ICMPv6EchoRequest].cksum
    r = pktrun(ha_ns, "ha", "tc", from_uplink(echo_with_hao(src=COA2)[0]), ha_ns.uplink,
               ha_args((HOA, COA)))
    assert r.verdict == "TC_ACT_SHOT", r.js
    assert {k: v for k, v in r.stats.items() if k != "SIGNAL_SRC_NEW"} == \
        {"RO_HA_DROP_HAO": 1, "SIGNAL_TO_AGENT": 1}
    assert r.js["ha_ro"] == {} and len(r.signal) == 1
