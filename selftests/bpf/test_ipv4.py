# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""IPv4 through the role entries: classified by the IPv4 parser (bpf/lib/ipv4.h)
and, with no IPv4 family in this build, left to the kernel untouched and
counted PASS_NOT_IPV6, exactly as before the parser existed. Well-formed and
malformed IPv4 alike: the kernel drops what is malformed, and what a later
IPv4 family (DSMIPv6 UDP 4191, Mobile IPv4 UDP 434 and protocols 4/55/47,
the NTMobile relay) will take is not taken yet.
"""
import pytest
from scapy.all import GRE, ICMP, IP, TCP, UDP, Ether, Raw
from scapy.layers.inet import IPOption_RR

from conftest import (COA, HA, HOA, MAC_HOME, MAC_HOME_ROUTER, MAC_MN, MAC_MN_GW, assert_same,
                      ha_args, mn_args, pktrun)

HA4 = "192.0.2.2"
PEER4 = "198.51.100.7"


def ip4_cases():
    pay = Raw(bytes(range(64)))
    ok = {
        "udp-dsmip-4191": IP(src=PEER4, dst=HA4) / UDP(sport=40000, dport=4191) / pay,
        "udp-mip4-434": IP(src=PEER4, dst=HA4) / UDP(sport=434, dport=434) / pay,
        "ipip-4": IP(src=PEER4, dst=HA4, proto=4) / IP(src="10.0.0.1", dst="10.0.0.2") / pay,
        "minenc-55": IP(src=PEER4, dst=HA4, proto=55) / pay,
        "gre-47": IP(src=PEER4, dst=HA4) / GRE() / IP(src="10.0.0.1", dst="10.0.0.2") / pay,
        "ipv6-in-ipv4-41": IP(src=PEER4, dst=HA4, proto=41) / pay,
        "tcp": IP(src=PEER4, dst=HA4) / TCP(sport=1, dport=80) / pay,
        "icmp": IP(src=PEER4, dst=HA4) / ICMP() / pay,
        "options": IP(src=PEER4, dst=HA4, options=[IPOption_RR(routers=["0.0.0.0"] * 3)]) /
        UDP(dport=4191) / pay,
        "first-fragment": IP(src=PEER4, dst=HA4, flags="MF", frag=0) / UDP(dport=4191) / pay,
        "later-fragment": IP(src=PEER4, dst=HA4, frag=8, proto=17) / pay,
    }
    bad = {
        "bad-checksum": IP(src=PEER4, dst=HA4, chksum=0x1234) / UDP(dport=4191) / pay,
        "total-length-beyond-frame": IP(src=PEER4, dst=HA4, len=400) / UDP(dport=4191) / pay,
        "total-length-below-header": IP(src=PEER4, dst=HA4, len=12) / UDP(dport=4191) / pay,
        "ihl-below-5": IP(src=PEER4, dst=HA4, ihl=4) / UDP(dport=4191) / pay,
        "ihl-beyond-frame": Raw(bytes(IP(src=PEER4, dst=HA4, ihl=15, len=40) / Raw(bytes(20)))),
        "truncated-header": Raw(bytes(IP(src=PEER4, dst=HA4))[:12]),
        "version-6-in-ipv4-ethertype": Raw(bytes(IP(src=PEER4, dst=HA4) / pay)[:0] +
                                           bytes([0x65]) + bytes(IP(src=PEER4, dst=HA4) / pay)[1:]),
    }
    return ok, bad


OK, BAD = ip4_cases()
ALL = dict(OK, **BAD)


def test_cases_are_what_they_say():
    # The well-formed ones are well-formed to an independent decoder, the
    # broken ones broken where the name says.
    for name, pkt in OK.items():
        got = IP(bytes(pkt))
        want = IP(bytes(pkt))
        del want.chksum
        assert IP(bytes(want)).chksum == got.chksum, name
    assert IP(bytes(BAD["bad-checksum"])).chksum == 0x1234
    assert IP(bytes(OK["options"])).ihl == 9   # 20 + RR option (15, padded to 16)
    assert IP(bytes(OK["later-fragment"])).frag == 8


@pytest.mark.parametrize("name", sorted(ALL))
def test_ha_leaves_ipv4_to_the_kernel(ha_ns, name):
    frame = Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME, type=0x0800) / ALL[name]
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args((HOA, COA)))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_IPV6": 1}
    assert r.signal == []
    assert_same(r.out, frame)


@pytest.mark.parametrize("name", sorted(ALL))
def test_mn_leaves_ipv4_to_the_kernel(mn_ns, name):
    frame = Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x0800) / ALL[name]
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_IPV6": 1}
    assert_same(r.out, frame)


@pytest.mark.parametrize("name", ["udp-dsmip-4191", "ipip-4", "options"])
def test_mn_egress_leaves_ipv4_alone_even_away(mn_ns, name):
    frame = Ether(src=MAC_MN, dst=MAC_MN_GW) / OK[name]
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mn_args(away=True))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_NOT_IPV6": 1}
    assert_same(r.out, frame)


def test_ipv4_not_ready_counts_not_ready(ha_ns):
    frame = Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / OK["udp-dsmip-4191"]
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args(extra=["--not-ready"]))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_READY": 1}


def test_ipv6_still_classified_beside_ipv4(ha_ns):
    # The IPv4 branch did not disturb the IPv6 one: a Mobility Header to the
    # HA still reaches the agent.
    from scapy.layers.inet6 import IPv6, MIP6MH_BU
    bu = IPv6(src=COA, dst=HA) / MIP6MH_BU(seq=1)
    frame = Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / bu
    r = pktrun(ha_ns, "ha", "xdp", frame, ha_ns.home, ha_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(bu)
