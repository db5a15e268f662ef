# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The HA's fast path and what surrounds it (issues 7 and 8), on crafted
packets through BPF_PROG_TEST_RUN, every output compared byte for byte
with a frame Scapy built independently:

- next hops the agent prepared in the binding's slot (xmip_fwtable), and
  what happens without one (the original packet to tc ingress, which
  encapsulates and has the kernel resolve the neighbour);
- tc ingress mode (xdp-mode = tc): the same encapsulation and reverse
  tunnel on skbs; tc egress: the HA's own packets to a bound HoA;
- path MTU (RFC 2473 §7): the binding's learnt MTU, Packet Too Big from the
  path handed to the agent, the MN-to-MN re-tunnel's own PTB;
- the reverse tunnel: inner length against the outer payload, trailing
  bytes, routing headers with segments left;
- ICMPv6 errors around the tunnel (RFC 2473 §8, RFC 6275 §10.4.2): errors
  about tunnel packets to the agent, Destination Unreachable code 3 for a
  bound MN's link-local address.
"""
from scapy.all import Ether, Raw, UDP
from scapy.layers.inet6 import (ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                                ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6PacketTooBig, ICMPv6TimeExceeded,
                                IPv6, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU, TCP)

from conftest import (CN, COA, COA2, COA_NO_NEIGH, HA, HOA, HOA2, MAC_HOME, MAC_HOME_ROUTER,
                      MAC_UPLINK, MAC_UPLINK_GW, UPLINK_GW, assert_same, ha_args, pktrun)

REMOTE = "2001:db8:7::1"
LL = "fe80::211:22ff:fe33:4455"   # a bound MN's link-local address (L flag)


def inner_pkt(src=CN, dst=HOA, hlim=64, size=80, tc=0x28):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=0x12345) / UDP(sport=4000, dport=5000) / \
        Raw(bytes(range(256)) * (size // 256) + bytes(size % 256))


def with_hlim(pkt, hlim):
    p = pkt.copy()
    p.hlim = hlim
    return p


def from_home(pkt):
    return Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / pkt


def from_uplink(pkt):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / pkt


def encap(inner, coa=COA, hlim=63):
    return Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=coa, nh=41, hlim=64, tc=inner.tc, fl=0, plen=len(inner)) / \
        with_hlim(inner, hlim)


def checksum_ok(frame, layer):
    """Scapy recomputes the ICMPv6 checksum: it must equal the one in the frame."""
    got = Ether(frame)
    c = got[layer].cksum
    del got[layer].cksum
    return Ether(bytes(got))[layer].cksum == c


# --- next hops prepared in the slot -----------------------------------------

def test_stale_next_hop_without_the_agents_lease_takes_the_tc_path(ha_ns):
    """The slot has a next hop, but no agent renews the lease: it is not
    trusted; the original packet goes to tc, which asks the FIB and sends."""
    inner = inner_pkt()
    frame = from_home(inner)
    args = ha_args((HOA, COA), extra=["--no-lease"])
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, args)
    assert r.verdict == "XDP_PASS" and not r.marked
    assert r.stats == {"FALLBACK_NH_TO_TC": 1}
    assert_same(r.out, frame)
    t = pktrun(ha_ns, "ha", "tc", frame, ha_ns.home, args)
    assert t.verdict == "TC_ACT_REDIRECT"
    assert t.stats == {"ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(t.out, encap(inner))


def test_passed_packets_are_marked_for_tc(ha_ns):
    """What XDP decided and passed up carries the mark tc ingress leaves alone."""
    frame = from_home(inner_pkt(dst="2001:db8:1::200"))
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS" and r.marked
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


def test_ethernet_padding_does_not_go_into_the_tunnel(ha_ns):
    inner = IPv6(src=CN, dst=HOA, hlim=64, nh=59)        # 40 octets: a 54-octet frame
    frame = bytes(from_home(inner)) + b"\xee" * 6        # padded to 60 on the wire
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert_same(r.out, encap(inner))


# --- tc ingress mode ----------------------------------------------------------

def test_tc_mode_encapsulates_like_xdp(ha_ns):
    inner = inner_pkt()
    x = pktrun(ha_ns, "ha", "xdp", from_home(inner), ha_ns.home, ha_args((HOA, COA)))
    t = pktrun(ha_ns, "ha", "tc", from_home(inner), ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_REDIRECT"
    assert t.stats == {"ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(t.out, encap(inner))
    assert t.out == x.out


def test_tc_mode_packet_too_big(ha_ns):
    inner = inner_pkt(size=1500 - 48)
    t = pktrun(ha_ns, "ha", "tc", from_home(inner), ha_ns.home, ha_args((HOA, COA), mtu=1400))
    assert t.verdict == "TC_ACT_REDIRECT"      # back out of the arrival interface
    assert t.stats == {"PTB_SENT": 1}
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
        IPv6(src=HA, dst=CN, hlim=64, tc=0, fl=0) / ICMPv6PacketTooBig(mtu=1400) / \
        Raw(bytes(inner)[:1232])
    assert_same(t.out, want)
    assert checksum_ok(t.out, ICMPv6PacketTooBig)


def test_tc_mode_reverse_tunnel_goes_up_decapsulated(ha_ns):
    inner = inner_pkt(src=HOA, dst=CN)
    frame = from_uplink(IPv6(src=COA, dst=HA) / inner)
    t = pktrun(ha_ns, "ha", "tc", frame, ha_ns.uplink, ha_args((HOA, COA)))
    # The kernel forwards it (and decrements the hop limit): GSO packets too.
    assert t.verdict == "TC_ACT_OK"
    assert t.stats == {"DECAP_OK": 1}
    assert_same(t.out, from_uplink(inner))


def test_tc_mode_signalling_goes_to_the_ring(ha_ns):
    bu = IPv6(src=COA, dst=HA) / MIP6MH_BU(seq=3, flags=0x6000 >> 8)
    t = pktrun(ha_ns, "ha", "tc", from_uplink(bu), ha_ns.uplink, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_SHOT"
    assert t.stats == {"SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert t.signal[0]["pkt"][:t.signal[0]["len"]] == bytes(bu)


def test_tc_mode_reverse_tunnel_spoofed_dropped(ha_ns):
    frame = from_uplink(IPv6(src=COA2, dst=HA) / inner_pkt(src=HOA, dst=CN))
    t = pktrun(ha_ns, "ha", "tc", frame, ha_ns.uplink, ha_args((HOA, COA), (HOA2, COA2)))
    assert t.verdict == "TC_ACT_SHOT"
    assert t.stats == {"DROP_SPOOFED_COA": 1}


# --- path MTU (RFC 2473 §7) ---------------------------------------------------

def test_the_bindings_path_mtu_sets_the_packet_too_big(ha_ns):
    """A PTB from the path taught the agent 1300 for this CoA: a 1350-octet
    packet (under the instance's 1400) gets a PTB saying 1300."""
    inner = inner_pkt(size=1350 - 48)
    r = pktrun(ha_ns, "ha", "xdp", from_home(inner), ha_ns.home,
               ha_args((HOA, COA), mtu=1400, extra=["--path-mtu", "1300"]))
    assert r.verdict == "XDP_TX"
    assert r.stats == {"PTB_SENT": 1}
    got = Ether(r.out)
    assert got[ICMPv6PacketTooBig].mtu == 1300 and got[IPv6].dst == CN
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / IPv6(src=HA, dst=CN, hlim=64) / \
        ICMPv6PacketTooBig(mtu=1300) / Raw(bytes(inner)[:1232])
    assert_same(r.out, want)
    small = pktrun(ha_ns, "ha", "xdp", from_home(inner_pkt(size=1280 - 48)), ha_ns.home,
                   ha_args((HOA, COA), mtu=1400, extra=["--path-mtu", "1300"]))
    assert small.verdict == "XDP_REDIRECT"


def tunnel_error(icmp, inner=None, src=UPLINK_GW, coa=COA):
    """An ICMPv6 error a router on the HA-CoA path returns about our tunnel packet."""
    inner = inner or inner_pkt(hlim=63)
    quoted = IPv6(src=HA, dst=coa, nh=41, hlim=64) / inner
    return IPv6(src=src, dst=HA) / icmp / Raw(bytes(quoted)[:1232])


def test_packet_too_big_from_the_path_goes_to_the_agent(ha_ns):
    ptb = tunnel_error(ICMPv6PacketTooBig(mtu=1340))
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(ptb), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"ICMP_TO_AGENT": 1, "SIGNAL_SRC_NEW": 1}
    ev = r.signal[0]
    assert ev["family"] == 254 and ev["hdr_len"] == 12     # XMIP_FAMILY_ICMP_REPORT
    assert ev["len"] == min(len(ptb), 256)
    assert ev["pkt"][:ev["len"]] == bytes(ptb)[:ev["len"]]
    rep = IPv6(ev["pkt"][:ev["len"]])
    assert rep[ICMPv6PacketTooBig].mtu == 1340
    t = pktrun(ha_ns, "ha", "tc", from_uplink(ptb), ha_ns.uplink, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_SHOT" and t.stats == {"ICMP_TO_AGENT": 1, "SIGNAL_SRC_NEW": 1}
    assert t.signal[0]["pkt"][:256] == ev["pkt"][:256]


def test_destination_unreachable_and_time_exceeded_from_the_path_go_to_the_agent(ha_ns):
    for icmp in (ICMPv6DestUnreach(code=3), ICMPv6TimeExceeded(code=0)):
        err = tunnel_error(icmp)
        r = pktrun(ha_ns, "ha", "xdp", from_uplink(err), ha_ns.uplink, ha_args((HOA, COA)))
        assert r.verdict == "XDP_DROP" and r.stats == {"ICMP_TO_AGENT": 1, "SIGNAL_SRC_NEW": 1}, icmp
        assert IPv6(r.signal[0]["pkt"][:r.signal[0]["len"]])[IPv6].payload.type == icmp.type


def test_icmp_errors_not_about_our_tunnel_are_the_kernels(ha_ns):
    # About a packet the HA sent itself (not a tunnel packet), or an echo reply.
    plain = IPv6(src=UPLINK_GW, dst=HA) / ICMPv6DestUnreach() / \
        IPv6(src=HA, dst=REMOTE) / UDP() / Raw(b"x" * 40)
    echo = IPv6(src=REMOTE, dst=HA) / ICMPv6EchoReply()
    for pkt in (plain, echo):
        r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
        assert r.verdict == "XDP_PASS" and r.stats == {"PASS_NOT_OURS": 1}
        assert r.signal == []


def test_retunnel_too_big_gets_a_packet_too_big_through_the_first_tunnel(ha_ns):
    """MN to MN through the HA (RFC 2473 §7.1 for the second tunnel): the
    PTB goes back to the inner source, inside the tunnel it came from."""
    inner = inner_pkt(src=HOA, dst=HOA2, size=1500 - 48)
    frame = from_uplink(IPv6(src=COA, dst=HA) / inner)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA), (HOA2, COA2),
                                                                mtu=1400))
    assert r.verdict == "XDP_TX"
    assert r.stats == {"PTB_SENT": 1}
    ptb = IPv6(src=HA, dst=HOA, hlim=64) / ICMPv6PacketTooBig(mtu=1400) / \
        Raw(bytes(inner)[:1232])
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA, nh=41, hlim=64, tc=0, fl=0, plen=len(ptb)) / ptb
    assert_same(r.out, want)
    got = Ether(r.out)
    assert got[ICMPv6PacketTooBig].mtu == 1400
    c = got[ICMPv6PacketTooBig].cksum
    del got[ICMPv6PacketTooBig].cksum
    assert Ether(bytes(got))[ICMPv6PacketTooBig].cksum == c


# --- the reverse tunnel -------------------------------------------------------

def test_trailing_bytes_after_the_outer_payload_are_not_forwarded(ha_ns):
    inner = inner_pkt(src=HOA, dst=CN)
    frame = bytes(from_uplink(IPv6(src=COA, dst=HA) / inner)) + b"\xab" * 20
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert r.stats == {"DECAP_OK": 1, "NH_MISS": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / with_hlim(inner, 63))


def test_inner_packet_reaching_past_the_outer_payload_dropped(ha_ns):
    """The frame holds the whole inner packet, but the outer header's
    payload length says the tunnel packet ends 20 octets earlier."""
    inner = bytes(inner_pkt(src=HOA, dst=CN))
    outer = IPv6(src=COA, dst=HA, nh=41, plen=len(inner) - 20) / Raw(inner)
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(outer), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_MALFORMED": 1}


def test_routing_header_with_segments_left_is_not_for_the_ha(ha_ns):
    """The HA is only a waypoint (RFC 8200 §4.4): the kernel's, not decapsulated."""
    inner = inner_pkt(src=HOA, dst=CN)
    for segleft in (1, 2):
        pkt = IPv6(src=COA, dst=HA) / \
            IPv6ExtHdrRouting(type=0, segleft=segleft, addresses=[REMOTE, CN][:segleft]) / inner
        r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
        assert r.verdict == "XDP_PASS" and r.stats == {"PASS_RH_SEGS_LEFT": 1}
        t = pktrun(ha_ns, "ha", "tc", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
        assert t.verdict == "TC_ACT_OK" and t.stats == {"PASS_RH_SEGS_LEFT": 1}
    # A Mobility Header behind one is not signalling for the HA either.
    bu = IPv6(src=COA, dst=HA) / IPv6ExtHdrRouting(type=0, segleft=1, addresses=[REMOTE]) / \
        MIP6MH_BU(seq=1)
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(bu), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_RH_SEGS_LEFT": 1} and r.signal == []
    # Segments left 0: the HA is the final destination; decapsulated.
    pkt = IPv6(src=COA, dst=HA) / IPv6ExtHdrRouting(type=0, segleft=0, addresses=[REMOTE]) / \
        inner
    r = pktrun(ha_ns, "ha", "xdp", from_uplink(pkt), ha_ns.uplink, ha_args((HOA, COA)))
    assert r.verdict == "XDP_REDIRECT"
    assert_same(r.out, Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / with_hlim(inner, 63))


def test_reverse_tunnelled_hop_limit_one_goes_up_for_the_time_exceeded(ha_ns):
    inner = inner_pkt(src=HOA, dst=CN, hlim=1)
    frame = from_uplink(IPv6(src=COA, dst=HA) / inner)
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.uplink, ha_args((HOA, COA)))
    # The kernel sends Time Exceeded to the HoA; tc egress tunnels it.
    assert r.verdict == "XDP_PASS" and r.marked
    assert r.stats == {"DECAP_OK": 1, "FALLBACK_HOP_LIMIT": 1}
    assert_same(r.out, from_uplink(inner))


# --- a bound MN's link-local address (RFC 6275 §10.4.2) -----------------------

def test_packet_to_a_bound_link_local_address_gets_destination_unreachable_3(ha_ns):
    pkt = IPv6(src=CN, dst=LL, hlim=64) / UDP(sport=1, dport=2) / Raw(b"ll" * 30)
    for prog in ("xdp", "tc"):
        r = pktrun(ha_ns, "ha", prog, from_home(pkt), ha_ns.home,
                   ha_args((HOA, COA), extra=["--ll-binding", "%s=%s" % (LL, COA)]))
        assert r.verdict == ("XDP_TX" if prog == "xdp" else "TC_ACT_REDIRECT"), prog
        assert r.stats == {"DU_SENT": 1}, prog
        # Independent construction: the whole packet quoted (rounded down
        # to whole words), code 3, back to the sender's MAC.
        quote = bytes(pkt)[:len(pkt) & ~3]
        want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / IPv6(src=HA, dst=CN, hlim=64) / \
            ICMPv6DestUnreach(code=3) / Raw(quote)
        assert_same(r.out, want)
        assert checksum_ok(r.out, ICMPv6DestUnreach)


def test_link_local_neighbour_discovery_stays_with_proxy_nd(ha_ns):
    ns = IPv6(src="fe80::1", dst=LL, hlim=255) / ICMPv6ND_NS(tgt=LL)
    r = pktrun(ha_ns, "ha", "xdp", from_home(ns), ha_ns.home,
               ha_args((HOA, COA), extra=["--ll-binding", "%s=%s" % (LL, COA)]))
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_ND_FOR_HOA": 1}


def test_no_destination_unreachable_to_a_multicast_source(ha_ns):
    pkt = IPv6(src="ff02::1", dst=LL) / UDP() / Raw(b"x" * 20)
    r = pktrun(ha_ns, "ha", "xdp", from_home(pkt), ha_ns.home,
               ha_args((HOA, COA), extra=["--ll-binding", "%s=%s" % (LL, COA)]))
    assert r.verdict == "XDP_DROP" and r.stats == {"DROP_NO_PTB_BAD_SRC": 1}


def test_unbound_link_local_destination_is_the_kernels(ha_ns):
    pkt = IPv6(src=CN, dst="fe80::99") / UDP() / Raw(b"x" * 20)
    r = pktrun(ha_ns, "ha", "xdp", from_home(pkt), ha_ns.home,
               ha_args((HOA, COA), extra=["--ll-binding", "%s=%s" % (LL, COA)]))
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_NOT_OURS": 1}


# --- tc egress: the HA's own packets to a bound home address -------------------

def own(pkt):
    # As the HA's kernel hands it to tc egress of its home interface, with
    # the HoA's neighbour entry the agent points at the HA itself.
    return Ether(src=MAC_HOME, dst=MAC_HOME) / pkt


def test_egress_tunnels_the_has_echo_reply_to_the_mn(ha_ns):
    reply = IPv6(src=HA, dst=HOA, hlim=64) / ICMPv6EchoReply(id=7, seq=1, data=b"ping" * 8)
    t = pktrun(ha_ns, "ha", "tc-out", own(reply), ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_REDIRECT"          # out of the uplink, towards the CoA
    assert t.stats == {"EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA, nh=41, hlim=64, tc=0, fl=0, plen=len(reply)) / reply
    assert_same(t.out, want)


def test_egress_time_exceeded_for_a_reverse_tunnelled_packet_goes_through_the_tunnel(ha_ns):
    expired = inner_pkt(src=HOA, dst=CN, hlim=1)
    te = IPv6(src=HA, dst=HOA, hlim=64) / ICMPv6TimeExceeded() / expired
    t = pktrun(ha_ns, "ha", "tc-out", own(te), ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_REDIRECT"
    assert Ether(t.out)[IPv6].dst == COA
    assert bytes(Ether(t.out)[IPv6].payload) == bytes(te)


def test_egress_leaves_other_destinations_alone(ha_ns):
    other = Ether(src=MAC_HOME, dst=MAC_UPLINK_GW) / IPv6(src=HA, dst=CN) / UDP() / \
        Raw(b"x" * 10)
    t = pktrun(ha_ns, "ha", "tc-out", other, ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, other)


def test_egress_signalling_to_the_hoa_stays_on_the_home_link(ha_ns):
    """The BA of a deregistration from home can leave while the binding's
    slot and the HoA's neighbour entry (pointed at the HA itself) are still
    there: it is not tunnelled, and goes to the HoA's solicited-node
    multicast MAC, which the MN at home hears, never to the HA's own MAC
    (where it was lost and the MN retransmitted after 1 s)."""
    ba = IPv6(src=HA, dst=HOA) / MIP6MH_BA(seq=1)
    t = pktrun(ha_ns, "ha", "tc-out", own(ba), ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, Ether(src=MAC_HOME, dst="33:33:ff:00:01:00") / ba)
    # Its slot already gone, the neighbour entry not yet: the same.
    t = pktrun(ha_ns, "ha", "tc-out", own(ba), ha_ns.home, ha_args())
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, Ether(src=MAC_HOME, dst="33:33:ff:00:01:00") / ba)
    # A BA whose neighbour entry is the MN's own MAC is not touched.
    mn_mac = "02:00:00:00:01:00"
    t = pktrun(ha_ns, "ha", "tc-out", Ether(src=MAC_HOME, dst=mn_mac) / ba, ha_ns.home,
               ha_args((HOA, COA)))
    assert_same(t.out, Ether(src=MAC_HOME, dst=mn_mac) / ba)


def test_egress_neighbour_discovery_to_the_hoa_stays_on_the_home_link(ha_ns):
    """The MN may be home again, its deregistration not processed yet: an NA
    to the HoA goes to its solicited-node multicast MAC, not to the HA."""
    na = IPv6(src=HA, dst=HOA, hlim=255) / ICMPv6ND_NA(tgt=HA, S=1, O=1)
    t = pktrun(ha_ns, "ha", "tc-out", own(na), ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, Ether(src=MAC_HOME, dst="33:33:ff:00:01:00") / na)


def test_egress_too_big_for_the_tunnel_dropped_and_counted(ha_ns):
    big = IPv6(src=HA, dst=HOA) / ICMPv6EchoRequest(data=bytes(1420))
    t = pktrun(ha_ns, "ha", "tc-out", own(big), ha_ns.home, ha_args((HOA, COA), mtu=1400))
    assert t.verdict == "TC_ACT_SHOT" and t.stats == {"DROP_EGRESS_TOO_BIG": 1}


def test_egress_without_a_prepared_next_hop_has_the_kernel_resolve_it(ha_ns):
    reply = IPv6(src=HA, dst=HOA) / ICMPv6EchoReply()
    t = pktrun(ha_ns, "ha", "tc-out", own(reply), ha_ns.home, ha_args((HOA, COA_NO_NEIGH)))
    assert t.verdict == "TC_ACT_REDIRECT"
    assert t.stats == {"EGRESS_ENCAP_OK": 1, "FALLBACK_FIB_NO_NEIGH": 1}
    assert Ether(t.out)[IPv6].dst == COA_NO_NEIGH


def test_tcp_syn_to_a_bound_hoa_is_encapsulated_in_tc_mode_with_segment_size(ha_ns):
    syn = IPv6(src=CN, dst=HOA, hlim=64) / TCP(sport=40000, dport=80, flags="S",
                                                 options=[("MSS", 1440)])
    t = pktrun(ha_ns, "ha", "tc", from_home(syn), ha_ns.home, ha_args((HOA, COA)))
    assert t.verdict == "TC_ACT_REDIRECT"
    assert_same(t.out, encap(syn))


def test_tc_mode_gso_packet_whose_segments_are_too_big_gets_one_packet_too_big(ha_ns):
    """A GRO'd packet: what matters is each segment (headers + gso_size),
    not the super-packet. Segments of 1500 octets do not fit 1460: one PTB,
    quoting the start of the super-packet, as the kernel's own forwarding
    would answer the first segment."""
    seg = TCP(sport=40000, dport=80, flags="A", seq=1) / Raw(bytes(1440))
    big = IPv6(src=CN, dst=HOA, hlim=64) / TCP(sport=40000, dport=80, flags="A", seq=1) / \
        Raw(bytes(range(256)) * 11 + bytes(64))
    t = pktrun(ha_ns, "ha", "tc", from_home(big), ha_ns.home,
               ha_args((HOA, COA), mtu=1460, extra=["--gso-size", "1440"]))
    assert 40 + len(seg) == 1500
    assert t.verdict == "TC_ACT_REDIRECT" and t.stats == {"PTB_SENT": 1}
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / IPv6(src=HA, dst=CN, hlim=64) / \
        ICMPv6PacketTooBig(mtu=1460) / Raw(bytes(big)[:1232])
    assert_same(t.out, want)
