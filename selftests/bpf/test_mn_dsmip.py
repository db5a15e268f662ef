# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""DSMIPv6 mobile node datapath (bpf/mip6/mn_dsmip.h) on crafted packets:
every encapsulation the MN's tc egress makes (IPv6/IPv4 in UDP in IPv4,
IPv6/IPv4 in IPv4, IPv4 in IPv6; BPF_PROG_TEST_RUN gives an skb no gso_type, and
bpf_skb_adjust_room refuses to encapsulate a non-TCP GSO skb, so GSO is
not testable here), every decapsulation
its XDP ingress makes, and the drops. Expected bytes are built with Scapy,
and Scapy recomputes the IPv4 header checksum and the inner checksums of
what came out (RFC 5555 §4.1: UDP checksum zero over IPv4)."""
from scapy.all import Ether, IP, Raw, UDP
from scapy.layers.inet6 import IPv6, ICMPv6ND_NA, MIP6MH_BA, MIP6MH_HoT

from conftest import (CN, COA, HA, HOA, MAC_MN, MAC_MN_GW, assert_same, mn_args, pktrun)

COA4 = "198.51.100.7"      # the MN's IPv4 care-of address (or what it thinks it is)
HA4 = "203.0.113.2"        # the home agent's IPv4 address
HOA4 = "192.0.2.100"       # the MN's IPv4 home address
CN4 = "192.0.2.200"
UDP4, IPV4, IP6 = 2, 1, 0


def state(mode, coa4=COA4, ha4=HA4, hoa4=HOA4, port=4191):
    return ["--mn4", "%d,%s,%s,%s,%d" % (mode, coa4, ha4, hoa4, port),
            "--gw-mac", MAC_MN_GW]


def args(mn_ns, mode, **kw):
    return mn_args(away=True, extra=state(mode, **kw) + ["--coa-ifindex", str(mn_ns.mn)])


def v6_inner(size=64):
    return IPv6(src=HOA, dst=CN, hlim=57, tc=0xb8) / UDP(sport=5000, dport=4000) / Raw(bytes(range(size)))


def v4_inner(size=64):
    return IP(src=HOA4, dst=CN4, ttl=57, tos=0xb9, id=7) / UDP(sport=5000, dport=4000) / Raw(bytes(range(size)))


def out_frame(outer, inner):
    return Ether(src=MAC_MN, dst=MAC_MN_GW) / outer / inner


def outer4(inner, proto, tos):
    return IP(src=COA4, dst=HA4, ttl=64, flags="DF", id=0, tos=tos, proto=proto)


def check_ip4(got):
    """The IPv4 header checksum as Scapy computes it, UDP checksum zero."""
    ip = got[IP]
    want = IP(bytes(ip))
    del want.chksum
    assert IP(bytes(want)).chksum == ip.chksum


def egress(mn_ns, frame, mode, gso=0, **kw):
    a = args(mn_ns, mode, **kw) + (["--gso-size", str(gso)] if gso else [])
    # The kernel routed it (table 4191 via fe80::4191: the interface's own MAC).
    return pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, a)


def test_egress_ipv6_in_udp_in_ipv4(mn_ns):
    inner = v6_inner()
    r = egress(mn_ns, Ether(src=MAC_MN, dst=MAC_MN) / inner, UDP4)
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"MN_ENCAP4_OK": 1, "FWD_SAME_DEV": 1}
    want = out_frame(outer4(inner, 17, 0xb8) / UDP(sport=4191, dport=4191, chksum=0), inner)
    assert_same(r.out, want)
    got = Ether(r.out)
    check_ip4(got)
    assert got[UDP].chksum == 0 and got[UDP].len == 8 + len(inner)
    assert bytes(got[UDP].payload) == bytes(inner)


def test_egress_ipv6_in_udp_through_a_nat_port(mn_ns):
    inner = v6_inner()
    r = egress(mn_ns, Ether(src=MAC_MN, dst=MAC_MN) / inner, UDP4, port=40000)
    got = Ether(r.out)
    assert r.verdict == "TC_ACT_OK" and got[UDP].sport == 40000 and got[UDP].dport == 4191


def test_egress_ipv4_in_udp_in_ipv4(mn_ns):
    inner = v4_inner()
    r = egress(mn_ns, Ether(src=MAC_MN, dst=MAC_MN_GW) / inner, UDP4)
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"MN_ENCAP4_OK": 1, "FWD_SAME_DEV": 1}
    assert_same(r.out, out_frame(outer4(inner, 17, 0xb9) / UDP(sport=4191, dport=4191, chksum=0), inner))
    check_ip4(Ether(r.out))


def test_egress_ipv6_in_ipv4(mn_ns):
    inner = v6_inner()
    r = egress(mn_ns, Ether(src=MAC_MN, dst=MAC_MN) / inner, IPV4)
    assert r.verdict == "TC_ACT_OK", r.js
    assert_same(r.out, out_frame(outer4(inner, 41, 0xb8), inner))
    check_ip4(Ether(r.out))


def test_egress_ipv4_in_ipv4(mn_ns):
    inner = v4_inner()
    r = egress(mn_ns, Ether(src=MAC_MN, dst=MAC_MN_GW) / inner, IPV4)
    assert r.verdict == "TC_ACT_OK", r.js
    assert_same(r.out, out_frame(outer4(inner, 4, 0xb9), inner))
    check_ip4(Ether(r.out))


def test_egress_ipv4_in_ipv6(mn_ns):
    inner = v4_inner()
    r = egress(mn_ns, Ether(src=MAC_MN, dst=MAC_MN_GW) / inner, IP6, coa4="0.0.0.0", ha4="0.0.0.0")
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"MN_ENCAP4_OK": 1, "FWD_SAME_DEV": 1}
    want = Ether(src=MAC_MN, dst=MAC_MN_GW) / IPv6(src=COA, dst=HA, nh=4, hlim=64, tc=0xb9) / inner
    assert_same(r.out, want)


def test_egress_other_ipv4_untouched(mn_ns):
    frame = Ether(src=MAC_MN, dst=MAC_MN_GW) / IP(src=COA4, dst=CN4) / UDP() / Raw(b"x" * 20)
    r = egress(mn_ns, frame, UDP4)
    assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_NOT_IPV6": 1}
    assert_same(r.out, frame)


# --- XDP ingress ------------------------------------------------------------

def arriving(pkt):
    return Ether(src=MAC_MN_GW, dst=MAC_MN) / pkt


def ingress(mn_ns, frame, mode=UDP4, **kw):
    return pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, args(mn_ns, mode, **kw))


def test_decap_ipv6_from_udp(mn_ns):
    inner = IPv6(src=CN, dst=HOA, hlim=50) / UDP(sport=4000, dport=5000) / Raw(b"a" * 40)
    r = ingress(mn_ns, arriving(IP(src=HA4, dst=COA4) / UDP(sport=4191, dport=4191) / inner))
    assert r.verdict == "XDP_PASS" and r.stats == {"MN_DECAP4_OK": 1}, r.js
    assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x86dd) / inner)


def test_decap_ipv4_from_udp(mn_ns):
    inner = IP(src=CN4, dst=HOA4, ttl=50) / UDP(sport=4000, dport=5000) / Raw(b"a" * 40)
    r = ingress(mn_ns, arriving(IP(src=HA4, dst=COA4) / UDP(sport=4191, dport=4191) / inner))
    assert r.verdict == "XDP_PASS" and r.stats == {"MN_DECAP4_OK": 1}, r.js
    assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x0800) / inner)


def test_decap_ipv6_and_ipv4_in_ipv4(mn_ns):
    inner6 = IPv6(src=CN, dst=HOA, hlim=50) / UDP() / Raw(b"b" * 20)
    r = ingress(mn_ns, arriving(IP(src=HA4, dst=COA4, proto=41) / inner6), IPV4)
    assert r.verdict == "XDP_PASS" and r.stats == {"MN_DECAP4_OK": 1}, r.js
    assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x86dd) / inner6)
    inner4 = IP(src=CN4, dst=HOA4) / UDP() / Raw(b"b" * 20)
    r = ingress(mn_ns, arriving(IP(src=HA4, dst=COA4, proto=4) / inner4), IPV4)
    assert r.verdict == "XDP_PASS" and r.stats == {"MN_DECAP4_OK": 1}, r.js
    assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x0800) / inner4)


def test_mobility_header_in_ipv4_goes_to_the_agent(mn_ns):
    # A correspondent's Home Test or BA to the HoA, which the HA tunnels like
    # any packet while the CoA is IPv4 (route optimisation deleting a binding,
    # RFC 5555 §2.4): the kernel cannot take it, the agent gets it decapsulated.
    inner = IPv6(bytes(IPv6(src=CN, dst=HOA, hlim=63) / MIP6MH_HoT(index=3, cookie=7,
                                                                  token=9)))
    r = ingress(mn_ns, arriving(IP(src=HA4, dst=COA4, proto=41) / inner), IPV4)
    assert r.verdict == "XDP_DROP", r.js
    assert {k: v for k, v in r.stats.items() if k != "SIGNAL_SRC_NEW"} == \
        {"MN_DECAP4_OK": 1, "SIGNAL_TO_AGENT": 1}, r.js
    assert len(r.signal) == 1 and r.signal[0]["family"] == 1
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(inner)
    # To another address: the kernel's, as before.
    other = IPv6(src=CN, dst=CN) / MIP6MH_HoT(index=3)
    r = ingress(mn_ns, arriving(IP(src=HA4, dst=COA4, proto=41) / other), IPV4)
    assert "SIGNAL_TO_AGENT" not in r.stats, r.js


def test_decap_ipv4_in_ipv6(mn_ns):
    inner4 = IP(src=CN4, dst=HOA4) / UDP() / Raw(b"c" * 20)
    r = ingress(mn_ns, arriving(IPv6(src=HA, dst=COA, nh=4) / inner4), IP6, coa4="0.0.0.0",
                ha4="0.0.0.0")
    assert r.verdict == "XDP_PASS" and r.stats == {"MN_DECAP4_OK": 1}, r.js
    assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x0800) / inner4)


def test_ba_in_udp_goes_to_the_socket_whole(mn_ns):
    frame = arriving(IP(src=HA4, dst=COA4) / UDP(sport=4191, dport=4191) /
                     IPv6(src=HA, dst=HOA) / MIP6MH_BA(status=0, seq=1))
    r = ingress(mn_ns, frame)
    assert r.verdict == "XDP_PASS" and r.stats == {"MN_SIGNAL_UDP": 1}
    assert_same(r.out, frame)


def test_drops(mn_ns):
    inner = IPv6(src=CN, dst=HOA) / UDP() / Raw(b"d" * 20)
    cases = [
        # not from the HA's address, or not from port 4191
        (IP(src="198.51.100.99", dst=COA4) / UDP(sport=4191, dport=4191) / inner, "DROP_DECAP4_NOT_HA"),
        (IP(src=HA4, dst=COA4) / UDP(sport=4192, dport=4191) / inner, "DROP_DECAP4_NOT_HA"),
        (IP(src="198.51.100.99", dst=COA4, proto=41) / inner, "DROP_DECAP4_NOT_HA"),
        # inner destination not a home address
        (IP(src=HA4, dst=COA4) / UDP(sport=4191, dport=4191) / IPv6(src=CN, dst=CN) / UDP(),
         "DROP_DECAP_NOT_HOA"),
        (IP(src=HA4, dst=COA4) / UDP(sport=4191, dport=4191) / IP(src=CN4, dst=CN4) / UDP(),
         "DROP_DECAP4_NOT_HOA"),
        # forged on-link ND inside the tunnel
        (IP(src=HA4, dst=COA4) / UDP(sport=4191, dport=4191) /
         IPv6(src=CN, dst=HOA, hlim=255) / ICMPv6ND_NA(tgt=CN), "DROP_TUNNELLED_ND"),
        # protocol 41 carrying IPv4
        (IP(src=HA4, dst=COA4, proto=41) / IP(src=CN4, dst=HOA4) / UDP(), "DROP_MALFORMED"),
    ]
    for pkt, why in cases:
        r = ingress(mn_ns, arriving(pkt))
        assert r.verdict == "XDP_DROP" and r.stats == {why: 1}, (pkt.summary(), r.js)


def test_other_ipv4_to_the_coa_is_the_kernels(mn_ns):
    frame = arriving(IP(src=CN4, dst=COA4) / UDP(sport=53, dport=33000) / Raw(b"e"))
    r = ingress(mn_ns, frame)
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_MN_NOT_TUNNEL4": 1}
    assert_same(r.out, frame)
