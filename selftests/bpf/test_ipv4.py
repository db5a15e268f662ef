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
    assert r.stats == {"SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(bu)


# --- the classifier itself (selftests/bpf/progs/xmip_cls_probe.bpf.c) -------
# What bpf/lib/classify.h decides before a role's entry maps it to a verdict:
# the class, offsets, lengths, fragment state, options and UDP ports. A
# future IPv4 family's case in an entry starts from exactly this.

CLS_DONE, CLS_IP6_LOCAL, CLS_IP6_TRANSIT, CLS_IP4_LOCAL, CLS_IP4_TRANSIT, CLS_IP4_INVALID, \
    CLS_OTHER = range(7)


def classify(ns, pkt, self4=HA4, ethertype=0x0800):
    frame = Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME, type=ethertype) / pkt
    args = ["--self", HA] + (["--self4", self4] if self4 else [])
    r = pktrun(ns, "cls", "xdp", frame, ns.home, args)
    assert_same(r.out, frame)   # the classifier only reads
    return r.js["cls"], r.stats


@pytest.mark.parametrize("name,proto,dport", [
    ("udp-dsmip-4191", 17, 4191), ("udp-mip4-434", 17, 434), ("ipip-4", 4, 0),
    ("minenc-55", 55, 0), ("gre-47", 47, 0), ("ipv6-in-ipv4-41", 41, 0), ("tcp", 6, 0),
    ("icmp", 1, 0)])
def test_classify_ipv4_to_this_node(ha_ns, name, proto, dport):
    pkt = OK[name]
    c, stats = classify(ha_ns, pkt)
    assert c["class"] == CLS_IP4_LOCAL and stats == {}
    assert (c["l3_off"], c["l4_off"], c["l3_len"]) == (14, 34, len(pkt))
    assert c["proto"] == proto and c["dport"] == dport and c["frag"] == 0
    if dport:
        assert c["sport"] == IP(bytes(pkt))[UDP].sport


def test_classify_ipv4_options_are_stepped_over(ha_ns):
    c, _ = classify(ha_ns, OK["options"])
    assert c["class"] == CLS_IP4_LOCAL and c["ip4_opts"] == 1
    assert c["l4_off"] == 14 + 9 * 4 and c["dport"] == 4191


def test_classify_ipv4_fragments(ha_ns):
    c, _ = classify(ha_ns, OK["first-fragment"])
    assert c["class"] == CLS_IP4_LOCAL and c["frag"] == 1 and c["dport"] == 4191
    # A later fragment to this node has no header to classify: the kernel's.
    c, stats = classify(ha_ns, OK["later-fragment"])
    assert c["class"] == CLS_DONE and c["verdict"] == 2 and stats == {"PASS_FRAGMENT": 1}
    # One to someone else is only transit, marked.
    c, stats = classify(ha_ns, OK["later-fragment"], self4="192.0.2.99")
    assert c["class"] == CLS_IP4_TRANSIT and c["frag"] == 2 and stats == {}


def test_classify_ipv4_to_someone_else(ha_ns):
    c, _ = classify(ha_ns, OK["udp-dsmip-4191"], self4="192.0.2.99")
    assert c["class"] == CLS_IP4_TRANSIT and c["proto"] == 17 and c["l4_off"] == 34
    assert c["dport"] == 0          # ports only for packets to this node
    c, _ = classify(ha_ns, OK["udp-dsmip-4191"], self4=None)   # no IPv4 address yet
    assert c["class"] == CLS_IP4_TRANSIT


@pytest.mark.parametrize("name", sorted(BAD))
def test_classify_ipv4_invalid(ha_ns, name):
    c, stats = classify(ha_ns, BAD[name])
    assert c["class"] == CLS_IP4_INVALID and stats == {}


def test_classify_checksum_is_checked_over_the_options_too(ha_ns):
    raw = bytearray(bytes(OK["options"]))
    raw[22] ^= 0x01                  # a bit of the record-route option
    c, _ = classify(ha_ns, Raw(bytes(raw)))
    assert c["class"] == CLS_IP4_INVALID
    c, _ = classify(ha_ns, OK["options"])
    assert c["class"] == CLS_IP4_LOCAL


def test_classify_other_ethertypes(ha_ns):
    from scapy.all import ARP
    c, _ = classify(ha_ns, ARP(pdst="192.0.2.1"), ethertype=0x0806)
    assert c["class"] == CLS_OTHER


def test_classify_ipv6_beside_ipv4(ha_ns):
    from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, MIP6MH_BU
    bu = IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / MIP6MH_BU(seq=1)
    c, _ = classify(ha_ns, bu, ethertype=0x86DD)
    assert c["class"] == CLS_IP6_LOCAL and c["proto"] == 135 and c["has_hao"] == 1
    assert c["l4_off"] == 14 + 40 + 24 and c["l3_len"] == len(bu)
    udp = IPv6(src=COA, dst=HA) / UDP(sport=7, dport=4191) / Raw(b"x")
    c, _ = classify(ha_ns, udp, ethertype=0x86DD)
    assert c["class"] == CLS_IP6_LOCAL and c["dport"] == 4191 and c["sport"] == 7
    c, _ = classify(ha_ns, IPv6(src=COA, dst=HOA) / udp[UDP], ethertype=0x86DD)
    assert c["class"] == CLS_IP6_TRANSIT and c["proto"] == 17
