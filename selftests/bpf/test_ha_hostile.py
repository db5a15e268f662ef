# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""xmip_ha_xdp against hostile or broken input (review H12): bindings whose
care-of address would loop or leak, Packet Too Big to sources that must not
get one and its rate limit, reverse-tunnelled packets that would reach link
scope or the HA's own stack, fragmented signalling and tunnel packets.
Each test states the outcome the datapath had before the fix in a comment.
"""
import pytest
from scapy.all import Ether, Raw, UDP
from scapy.layers.inet6 import (HAO, ICMPv6DestUnreach, ICMPv6EchoRequest, ICMPv6ND_NA,
                                ICMPv6PacketTooBig, IPv6, PadN,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, MIP6MH_BU, MIP6MH_HoTI)

from conftest import (CN, COA, COA2, HA, HOA, HOA2, MAC_HOME, MAC_HOME_ROUTER, MAC_UPLINK,
                      MAC_UPLINK_GW, UPLINK_GW, assert_same, ha_args, pktrun)

HOME_PREFIX = "2001:db8:1::/64"


def inner_pkt(src=CN, dst=HOA, hlim=64, size=80):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=0x28, fl=0x12345) / UDP(sport=4000, dport=5000) / \
        Raw(bytes(range(256)) * (size // 256) + bytes(size % 256))


def from_home(pkt, src=MAC_HOME_ROUTER):
    return Ether(src=src, dst=MAC_HOME) / pkt


def from_uplink(pkt):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / pkt


def with_hlim(pkt, hlim):
    p = pkt.copy()
    p.hlim = hlim
    return p


# --- care-of addresses no tunnel may lead to ---------------------------------
# Before: ENCAP_OK to ff02::1 / fe80::1 / :: / ::1 / the HA / another HoA (a
# packet to HoA2 then comes back to the HA's own XDP and is tunnelled again).

@pytest.mark.parametrize("bad_coa", ["ff02::1", "ff05::2", "fe80::1", "::", "::1", HA, HOA2])
def test_binding_to_a_bad_coa_is_never_used(ha_ns, bad_coa):
    r = pktrun(ha_ns, "ha", "xdp", from_home(inner_pkt()), ha_ns.home,
               ha_args((HOA, bad_coa), extra=["--home-prefix", HOME_PREFIX]))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_BAD_COA": 1}


def test_good_coa_with_home_prefix_configured_still_encapsulates(ha_ns):
    inner = inner_pkt()
    r = pktrun(ha_ns, "ha", "xdp", from_home(inner), ha_ns.home,
               ha_args((HOA, COA), extra=["--home-prefix", HOME_PREFIX]))
    assert r.verdict == "XDP_REDIRECT"
    assert r.stats == {"ENCAP_OK": 1}
    assert_same(r.out, Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) /
                IPv6(src=HA, dst=COA, nh=41, hlim=64, tc=0x28, fl=0) / with_hlim(inner, 63))


# --- sources the tunnel must not carry, Packet Too Big ---------------------------
# ip6_forward never forwards a link-local, multicast or loopback source, and
# RFC 4291 §2.5.2 forbids forwarding ::. Before: ENCAP_OK (small packet) or
# PTB_SENT, an XDP_TX of a PTB to ff02::1 / :: / ::1 (RFC 4443 §2.4(e)).

@pytest.mark.parametrize("size", [80, 1500 - 48])
@pytest.mark.parametrize("src", ["ff02::1", "ff0e::1", "fe80::1", "::", "::1"])
def test_scoped_or_unspecified_source_is_not_tunnelled(ha_ns, src, size):
    frame = from_home(inner_pkt(src=src, size=size))
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args((HOA, COA), mtu=1400))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"FALLBACK_SRC_SCOPE": 1}
    assert_same(r.out, frame)


def test_no_packet_too_big_to_the_ha_itself(ha_ns):
    # Before: PTB_SENT, an XDP_TX of a PTB from the HA to the HA.
    inner = inner_pkt(src=HA, size=1500 - 48)
    r = pktrun(ha_ns, "ha", "xdp", from_home(inner), ha_ns.home, ha_args((HOA, COA), mtu=1400))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_NO_PTB_BAD_SRC": 1}


def test_packet_too_big_is_rate_limited(ha_ns):
    # RFC 4443 §2.4(f). Before: 300 PTBs for 300 oversized packets. The
    # bucket is per CPU (pinned here) with a burst of 50 at 1000/s: 300
    # runs take well under 250 ms, so most are refused, and every packet is
    # either answered or counted.
    n = 300
    r = pktrun(ha_ns, "ha", "xdp", from_home(inner_pkt(size=1500 - 48)), ha_ns.home,
               ha_args((HOA, COA), mtu=1400, extra=["--repeat", str(n)]), cpu=0)
    sent = r.stats.get("PTB_SENT", 0)
    limited = r.stats.get("DROP_PTB_RATE_LIMITED", 0)
    assert set(r.stats) == {"PTB_SENT", "DROP_PTB_RATE_LIMITED"}
    assert sent + limited == n
    assert 50 <= sent < n // 2, r.stats


# --- reverse tunnel: what an authentic MN may still not do ---------------------

@pytest.mark.parametrize("dst", ["ff02::1", "ff02::1:ff00:1", "fe80::1", "::1", "::"])
def test_reverse_tunnel_to_link_scope_or_multicast_dropped(ha_ns, dst):
    # Before: DECAP_OK, then bpf_fib_lookup (which does not apply
    # ip6_forward's scope checks) forwarded or passed it up as on-link.
    frame = from_uplink(IPv6(src=COA, dst=HA) / inner_pkt(src=HOA, dst=dst))
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_INNER_SCOPE": 1}


def test_reverse_tunnelled_neighbour_advertisement_dropped(ha_ns):
    # An NA (hop limit 255, override) for the HA's uplink gateway inside the
    # tunnel. Before: decapsulated and passed up on the uplink (FALLBACK_LOCAL,
    # hop limit restored to 255): the kernel takes it as on-link.
    na = IPv6(src=HOA, dst=HA, hlim=255) / ICMPv6ND_NA(tgt=UPLINK_GW, R=0, S=0, O=1)
    frame = from_uplink(IPv6(src=COA, dst=HA) / na)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_TUNNELLED_ND": 1}


def test_reverse_tunnelled_bu_to_the_ha_dropped(ha_ns):
    # Before: decapsulated and passed up (the kernel, without MIP6, answers
    # a Parameter Problem); not for the agent either (it would read as a
    # BU from home).
    bu = IPv6(src=HOA, dst=HA) / MIP6MH_BU(seq=9, flags=0x5 << 5, mhtime=0)
    frame = from_uplink(IPv6(src=COA, dst=HA) / bu)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_TUNNELLED_MH": 1}
    assert r.signal == []


def test_reverse_tunnelled_hoti_to_a_cn_is_forwarded(ha_ns):
    # Return routability: the HoTI must go through the HA to the CN.
    hoti = IPv6(src=HOA, dst=CN, hlim=64) / MIP6MH_HoTI(cookie=bytes.fromhex("1122334455667788"))
    frame = from_uplink(IPv6(src=COA, dst=HA) / hoti)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert r.stats == {"DECAP_OK": 1, "NH_MISS": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / with_hlim(hoti, 63))


def test_reverse_tunnelled_echo_to_the_ha_still_goes_up(ha_ns):
    echo = IPv6(src=HOA, dst=HA, hlim=64) / ICMPv6EchoRequest(id=1, seq=1)
    frame = from_uplink(IPv6(src=COA, dst=HA) / echo)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"DECAP_OK": 1, "NH_MISS": 1, "FALLBACK_LOCAL": 1}
    assert_same(r.out, from_uplink(echo))


# --- fragments -------------------------------------------------------------

def bu_bytes():
    return bytes(MIP6MH_BU(seq=7, flags=0x5 << 5, mhtime=15))


def test_first_fragment_of_a_bu_is_left_to_the_kernel(ha_ns):
    # Before: SIGNAL_TO_AGENT with the first 8 octets of the BU only.
    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / \
        IPv6ExtHdrFragment(nh=135, offset=0, m=1, id=77) / Raw(bu_bytes()[:8])
    frame = from_uplink(pkt)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_FRAGMENT": 1}
    assert r.signal == []
    assert_same(r.out, frame)


def test_non_first_fragment_to_the_ha_is_counted_as_a_fragment(ha_ns):
    # Before: PASS_NOT_OURS.
    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrFragment(nh=135, offset=1, m=0, id=77) / \
        Raw(bu_bytes()[8:])
    frame = from_uplink(pkt)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_FRAGMENT": 1}
    assert_same(r.out, frame)


def test_atomic_fragment_of_a_bu_is_signalled(ha_ns):
    # Offset 0 and no More Fragments (RFC 6946): the whole message is here.
    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / \
        IPv6ExtHdrFragment(nh=135, offset=0, m=0, id=78) / Raw(bu_bytes())
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(pkt)


def test_hop_by_hop_not_first_is_malformed(ha_ns):
    # RFC 8200 §4.1; the kernel rejects it. Before: SIGNAL_TO_AGENT.
    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / \
        IPv6ExtHdrHopByHop() / MIP6MH_BU(seq=7, flags=0x5 << 5, mhtime=15)
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_MALFORMED": 1}
    assert r.signal == []


def test_first_fragment_of_a_reverse_tunnel_packet_is_left_to_the_kernel(ha_ns):
    # Before: DECAP_OK then DROP_MALFORMED (the cut inner packet).
    inner = bytes(inner_pkt(src=HOA, dst=CN, size=200))
    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrFragment(nh=41, offset=0, m=1, id=79) / \
        Raw(inner[:120])
    frame = from_uplink(pkt)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_FRAGMENT": 1}
    assert_same(r.out, frame)


# --- no ICMPv6 error for an ICMPv6 error, behind extension headers too ---------

def test_no_ptb_for_an_icmp_error_behind_extension_headers(ha_ns):
    # RFC 4443 §2.4(e.1). Before: PTB_SENT (only the header right after the
    # IPv6 header was looked at).
    pkt = IPv6(src=CN, dst=HOA) / IPv6ExtHdrDestOpt(options=[PadN(optdata=bytes(4))]) / \
        ICMPv6DestUnreach() / Raw(bytes(1500))
    r = pktrun(ha_ns, "ha", "xdp", from_home(pkt), ha_ns.home, ha_args((HOA, COA), mtu=1400))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_NO_PTB_FOR_ICMP_ERR": 1}


def test_ptb_for_an_echo_request_behind_extension_headers(ha_ns):
    pkt = IPv6(src=CN, dst=HOA) / IPv6ExtHdrDestOpt(options=[PadN(optdata=bytes(4))]) / \
        ICMPv6EchoRequest(data=bytes(1500))
    frame = from_home(pkt)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args((HOA, COA), mtu=1400))
    assert r.verdict == "XDP_TX"
    assert r.stats == {"PTB_SENT": 1}
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
        IPv6(src=HA, dst=CN, hlim=64, tc=0, fl=0) / ICMPv6PacketTooBig(mtu=1400) / \
        Raw(bytes(pkt)[:1232])
    assert_same(r.out, want)


# --- mobile node to mobile node through the HA ----------------------------------

def test_reverse_tunnel_to_another_bound_hoa_is_tunnelled_on(ha_ns):
    # Before: DECAP_OK, then the kernel got a packet for HoA2 on the home link
    # (FALLBACK_FIB_NO_NEIGH), where only the HA's own proxy ND would answer.
    inner = inner_pkt(src=HOA, dst=HOA2)
    frame = from_uplink(IPv6(src=COA, dst=HA, hlim=50) / inner)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA), (HOA2, COA2)))
    assert r.verdict == "XDP_TX"
    assert r.stats == {"RETUNNEL_OK": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA2, nh=41, hlim=64, tc=0, fl=0, plen=len(inner)) / with_hlim(inner, 63)
    assert_same(r.out, want)


def test_reverse_tunnel_to_a_hoa_bound_to_a_bad_coa_dropped(ha_ns):
    frame = from_uplink(IPv6(src=COA, dst=HA) / inner_pkt(src=HOA, dst=HOA2))
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA), (HOA2, "ff02::2")))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_BAD_COA": 1}


def test_reverse_tunnelled_nd_behind_extension_headers_goes_up_below_255(ha_ns):
    # The ND check sees only the first header; the local delivery never
    # restores 255 (the kernel's ndisc then ignores it). Before: hop limit 255.
    na = IPv6(src=HOA, dst=HA, hlim=255) / IPv6ExtHdrDestOpt(options=[PadN(optdata=bytes(4))]) / \
        ICMPv6ND_NA(tgt=UPLINK_GW, R=0, S=0, O=1)
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(IPv6(src=COA, dst=HA) / na), ha_ns.uplink,
               ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"DECAP_OK": 1, "NH_MISS": 1, "FALLBACK_LOCAL": 1}
    assert_same(r.out, from_uplink(with_hlim(na, 254)))
