# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""xmip_mn_xdp against tunnel packets that claim to come from the home
agent (review H12). The outer source is only an address anyone can write:
what the MN decapsulates must be what the HA would send, a packet for the
HoA that is not Neighbour Discovery. Comments give the outcome before the fix.
"""
import pytest
from scapy.all import Ether, Raw, UDP
from scapy.layers.inet6 import ICMPv6ND_NA, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, PadN

from conftest import CN, COA, HA, HOA, MAC_MN, MAC_MN_GW, assert_same, mn_args, pktrun

MN_GW = "2001:db8:9::1"


def arriving(pkt):
    return Ether(src=MAC_MN_GW, dst=MAC_MN) / pkt


def data_pkt(src=CN, dst=HOA):
    return IPv6(src=src, dst=dst, hlim=57) / UDP(sport=5000, dport=4000) / Raw(bytes(range(64)))


@pytest.mark.parametrize("dst", [COA, "2001:db8:6::1", "2001:db8:9::55", "fe80::1", "ff02::1"])
def test_tunnel_from_the_ha_for_another_destination_dropped(mn_ns, dst):
    # Before: MN_DECAP_OK, XDP_PASS: passed up as if it had arrived on the
    # CoA's link (and routed on by a host that forwards).
    frame = arriving(IPv6(src=HA, dst=COA) / data_pkt(dst=dst))
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_DECAP_NOT_HOA": 1}


def test_tunnelled_neighbour_advertisement_dropped(mn_ns):
    # A spoofed "HA" tunnels an NA (hop limit 255, override) for the MN's
    # router. Before: MN_DECAP_OK, passed up on the CoA's interface where
    # the kernel takes it as on-link and may rewrite the router's MAC.
    na = IPv6(src=CN, dst=HOA, hlim=255) / ICMPv6ND_NA(tgt=MN_GW, R=1, S=0, O=1)
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=COA) / na), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_TUNNELLED_ND": 1}


def test_first_fragment_of_a_tunnel_packet_is_left_to_the_kernel(mn_ns):
    # Before: MN_DECAP_OK of half a packet.
    inner = bytes(data_pkt())
    frame = arriving(IPv6(src=HA, dst=COA) / IPv6ExtHdrFragment(nh=41, offset=0, m=1, id=5) /
                     Raw(inner[:64]))
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_FRAGMENT": 1}
    assert_same(r.out, frame)


def test_tunnel_for_the_hoa_still_decapsulated(mn_ns):
    inner = data_pkt()
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=COA) / inner), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"MN_DECAP_OK": 1}
    assert_same(r.out, arriving(inner))


def test_tunnelled_hop_limit_255_dropped_even_behind_extension_headers(mn_ns):
    # The HA decrements what it tunnels: 255 inside is forged. An NA behind a
    # Destination Options header passed the ND check. Before: MN_DECAP_OK.
    na = IPv6(src=CN, dst=HOA, hlim=255) / IPv6ExtHdrDestOpt(options=[PadN(optdata=bytes(4))]) / \
        ICMPv6ND_NA(tgt=MN_GW, R=1, S=0, O=1)
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=COA) / na), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_TUNNELLED_ND": 1}
