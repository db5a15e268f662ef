# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The NTM node's tc datapath (bpf/xmip_ntm.bpf.c, bpf/ntm/node.h) through
BPF_PROG_TEST_RUN: encapsulation on the virtual interface's egress (IPv4
and IPv6 inside, IPv4 and IPv6 outside) and decapsulation on the real
interfaces' ingress, each compared byte for byte with a frame Scapy built
independently (Scapy computes the outer UDP checksum from scratch over the
whole datagram, so the program's header-only derivation is checked), and
every drop counted by its reason.

Tunnel entries are written raw (struct xmip_ntm_node_key / _val of
include/xmip_ntm_node.h, packed here) through xmip_pktrun -o ntm --relay.
"""
import ipaddress
import os
import struct
import tempfile

import pytest
from scapy.all import ICMP, IP, TCP, UDP, Ether, ICMPv6EchoRequest, IPv6, Raw

from conftest import PREFIX, Netns, assert_same, pktrun

NODE4, NODE6 = "192.168.1.2", "2001:db8:1::2"      # the node's real addresses
PEER4, PEER6 = "198.51.100.50", "2001:db8:50::1"   # the peer's (or relay's) endpoint
OWN4, OWN6 = "10.200.0.7", "fd00:a::7"             # the node's virtual addresses
PV4, PV6 = "10.201.0.9", "fd00:b::9"               # the peer's virtual addresses
PATH = 0x2a5f1c03
PORT, PPORT = 49601, 40001
MAC_A, MAC_B = "02:00:00:00:07:01", "02:00:00:00:07:02"
TX, RX = 1, 2
TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT = 0, 2, 7


def a16(a):
    ip = ipaddress.ip_address(a)
    return (ipaddress.IPv6Address("::ffff:" + a) if ip.version == 4 else ip).packed


def key(addr, kind, path=0, sport=0):
    return struct.pack("!16sIHBB", a16(addr), path, sport, kind, 0)


def val(kind, v6=False, ifindex=1):
    src, dst = (NODE6, PEER6) if v6 else (NODE4, PEER4)
    return (struct.pack("!16s16s16s16s4s4sI", a16(src), a16(dst), a16(OWN6), a16(PV6),
                        ipaddress.IPv4Address(OWN4).packed, ipaddress.IPv4Address(PV4).packed,
                        PATH) +
            struct.pack("<I", ifindex) +
            struct.pack("!HHBBBB", PORT, PPORT, 1 if v6 else 0, 1, kind, 0))


def tunnel(v6=False, sport=PPORT, path=PATH):
    """The entries the agent writes for one tunnel: TX for both peer addresses, RX for the far end."""
    far = PEER6 if v6 else PEER4
    return [(key(PV4, TX), val(TX, v6)), (key(PV6, TX), val(TX, v6)),
            (key(far, RX, path, sport), val(RX, v6))]


def run(ns, frame, entries, prog, extra=()):
    with tempfile.NamedTemporaryFile(prefix=PREFIX + "-ntm-", delete=False) as f:
        for k, v in entries:
            f.write(k + v)
        name = f.name
    try:
        return pktrun(ns, "ntm", prog, frame, ns.ifidx, ["--relay", name] + list(extra))
    finally:
        os.unlink(name)


@pytest.fixture(scope="module")
def ntm_ns():
    ns = Netns("ntm")
    try:
        ns.ip("link", "set", "lo", "up")
        ns.veth("xbnt", MAC_A)
        ns.ifidx = ns.ifindex("xbnt")
        yield ns
    finally:
        ns.close()


def thdr(inner, path=PATH):
    return struct.pack("!BBHI", 0x11, 41 if inner.version == 6 else 4, 0, path)


def outer(inner, v6=False, sport=PORT, dport=PPORT, path=PATH):
    """The tunnel packet as docs/ntmobile.md section 8 has it, checksums by Scapy."""
    tos = inner.tc if inner.version == 6 else inner.tos
    if v6:
        o = IPv6(src=NODE6, dst=PEER6, hlim=64, tc=tos)
    else:
        o = IP(src=NODE4, dst=PEER4, ttl=64, flags="DF", id=0, tos=tos)
    return o / UDP(sport=sport, dport=dport) / Raw(thdr(inner, path)) / inner


def eth(pkt):
    return Ether(src=MAC_A, dst=MAC_B) / pkt


INNERS = {
    "tcp4": lambda: IP(src=OWN4, dst=PV4, tos=0x10) / TCP(sport=5001, dport=80, flags="PA", seq=7) /
    Raw(b"x" * 301),
    "udp4": lambda: IP(src=OWN4, dst=PV4) / UDP(sport=5001, dport=53) / Raw(b"q" * 33),
    "icmp4": lambda: IP(src=OWN4, dst=PV4) / ICMP(id=9, seq=1) / Raw(b"ping" * 5),
    "tcp6": lambda: IPv6(src=OWN6, dst=PV6, tc=0x20) / TCP(sport=5002, dport=443, flags="S"),
    "icmp6": lambda: IPv6(src=OWN6, dst=PV6) / ICMPv6EchoRequest(id=3, seq=4, data=b"abc"),
}


@pytest.mark.parametrize("outer_v6", [False, True], ids=["outer4", "outer6"])
@pytest.mark.parametrize("name", sorted(INNERS))
def test_encap(ntm_ns, name, outer_v6):
    inner = INNERS[name]()
    inner = inner.__class__(bytes(inner))    # checksums filled, as the stack sends it
    r = run(ntm_ns, eth(inner), tunnel(outer_v6), "tc-out")
    assert r.retval == TC_ACT_REDIRECT, r.js
    assert r.stats == {"NTM_ENCAP_OK": 1}, r.stats
    want = eth(outer(inner, outer_v6))
    assert_same(r.out, want)
    # and the checksum we derived is the one a full sum gives (not zero)
    got = Ether(r.out)
    assert got[UDP].chksum != 0
    assert UDP(bytes(got[UDP])).chksum == got[UDP].chksum


def test_encap_gso_refusal_counted(ntm_ns):
    """BPF_PROG_TEST_RUN gives a GSO skb no gso_type, and bpf_skb_adjust_room
    refuses to encapsulate a GSO skb that is not TCP: the drop is counted,
    never silent. Real GSO (TCP super-packets, zero outer checksum, the
    kernel's UDP-tunnel segmentation) runs in selftests/e2e/test_ntm_node.py."""
    inner = INNERS["tcp4"]()
    inner = inner.__class__(bytes(inner))
    r = run(ntm_ns, eth(inner), tunnel(), "tc-out", ["--gso-size", "100"])
    assert r.retval == TC_ACT_SHOT, r.js
    assert r.stats == {"NTM_CSUM_ZERO": 1, "DROP_ADJUST_FAILED": 1}, r.stats


def test_encap_ipv4_udp_without_checksum(ntm_ns):
    """The sum of an IPv4 UDP datagram without checksum is unknown: outer IPv4 checksum zero."""
    inner = IP(src=OWN4, dst=PV4) / UDP(sport=1, dport=2, chksum=0) / Raw(b"z" * 10)
    r = run(ntm_ns, eth(inner), tunnel(), "tc-out")
    assert r.stats == {"NTM_ENCAP_OK": 1, "NTM_CSUM_ZERO": 1}, r.stats
    assert Ether(r.out)[UDP].chksum == 0


@pytest.mark.parametrize("case,counter,verdict", [
    ("no_tunnel", "DROP_NTM_NO_TUNNEL", TC_ACT_SHOT),
    ("bad_src4", "DROP_NTM_BAD_SRC", TC_ACT_SHOT),
    ("bad_src6", "DROP_NTM_BAD_SRC", TC_ACT_SHOT),
    ("multicast", "PASS_NOT_OURS", TC_ACT_OK),
    ("linklocal", "PASS_NOT_OURS", TC_ACT_OK),
    ("arp", "PASS_NOT_OURS", TC_ACT_OK),
    ("version", "DROP_MALFORMED", TC_ACT_SHOT),
])
def test_encap_refused(ntm_ns, case, counter, verdict):
    pkt = {
        "no_tunnel": lambda: eth(IP(src=OWN4, dst="10.201.0.99") / TCP()),
        "bad_src4": lambda: eth(IP(src="10.200.0.8", dst=PV4) / TCP()),
        "bad_src6": lambda: eth(IPv6(src="fd00:a::8", dst=PV6) / TCP()),
        "multicast": lambda: eth(IPv6(src=OWN6, dst="ff02::16") / Raw(b"\0" * 8)),
        "linklocal": lambda: eth(IPv6(src="fe80::1", dst="fe80::2") / Raw(b"\0" * 8)),
        "arp": lambda: Ether(src=MAC_A, dst=MAC_B, type=0x0806) / Raw(b"\0" * 28),
        # an IPv6 header behind the IPv4 ethertype (found by fuzz_bpf.py): its
        # Next Header would contradict the inner version nibble
        "version": lambda: Ether(src=MAC_A, dst=MAC_B, type=0x0800) /
        Raw(b"\x65" + bytes(IP(src=OWN4, dst=PV4) / TCP())[1:]),
    }[case]()
    r = run(ntm_ns, pkt, tunnel(), "tc-out")
    assert r.retval == verdict, r.js
    assert r.stats == {counter: 1}, r.stats


def test_not_ready_passes(ntm_ns):
    r = run(ntm_ns, eth(INNERS["tcp4"]()), tunnel(), "tc-out", ["--not-ready"])
    assert r.retval == TC_ACT_OK and r.stats == {"PASS_NOT_READY": 1}, r.js


def arriving(inner, v6=False, sport=PPORT, path=PATH, tun=None, dport=PORT):
    src, dst = (PEER6, NODE6) if v6 else (PEER4, NODE4)
    o = IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst)
    return Ether(src=MAC_B, dst=MAC_A) / o / UDP(sport=sport, dport=dport) / \
        Raw(tun if tun is not None else thdr(inner, path)) / inner


def inbound(name):
    """A packet from the peer: the INNERS shapes with the addresses swapped."""
    p = INNERS[name]()
    if p.version == 4:
        p.src, p.dst = PV4, OWN4
    else:
        p.src, p.dst = PV6, OWN6
    return p.__class__(bytes(p))


@pytest.mark.parametrize("outer_v6", [False, True], ids=["outer4", "outer6"])
@pytest.mark.parametrize("name", ["tcp4", "udp4", "tcp6", "icmp6"])
def test_decap(ntm_ns, name, outer_v6):
    inner = inbound(name)
    r = run(ntm_ns, arriving(inner, outer_v6), tunnel(outer_v6), "tc")
    assert r.retval == TC_ACT_OK, r.js
    assert r.stats == {"NTM_DECAP_OK": 1}, r.stats
    want = Ether(src=MAC_B, dst=MAC_A, type=0x86dd if inner.version == 6 else 0x0800) / inner
    assert_same(r.out, want)


@pytest.mark.parametrize("case,counter", [
    ("unknown_path", "DROP_NTM_UNKNOWN_TUNNEL"),
    ("unknown_port", "DROP_NTM_UNKNOWN_TUNNEL"),
    ("unknown_addr", "DROP_NTM_UNKNOWN_TUNNEL"),
    ("spoofed_src", "DROP_NTM_SPOOFED"),
    ("spoofed_src6", "DROP_NTM_SPOOFED"),
    ("not_our_dst", "DROP_NTM_SPOOFED"),
    ("reserved", "DROP_NTM_BAD_TUNNEL"),
    ("next_header", "DROP_NTM_BAD_TUNNEL"),
    ("version", "DROP_NTM_BAD_TUNNEL"),
    ("truncated", "DROP_MALFORMED"),
])
def test_decap_drops(ntm_ns, case, counter):
    inner = inbound("tcp4")
    pkt = {
        "unknown_path": lambda: arriving(inner, path=PATH + 1),
        "unknown_port": lambda: arriving(inner, sport=PPORT + 1),
        "unknown_addr": lambda: Ether(src=MAC_B, dst=MAC_A) / IP(src="198.51.100.51", dst=NODE4) /
        UDP(sport=PPORT, dport=PORT) / Raw(thdr(inner)) / inner,
        "spoofed_src": lambda: arriving(IP(src="10.201.0.10", dst=OWN4) / TCP()),
        "spoofed_src6": lambda: arriving(IPv6(src="fd00:b::10", dst=OWN6) / TCP()),
        "not_our_dst": lambda: arriving(IP(src=PV4, dst="10.200.0.8") / TCP()),
        "reserved": lambda: arriving(inner, tun=struct.pack("!BBHI", 0x11, 4, 1, PATH)),
        "next_header": lambda: arriving(inner, tun=struct.pack("!BBHI", 0x11, 41, 0, PATH)),
        "version": lambda: arriving(inner, tun=struct.pack("!BBHI", 0x12, 4, 0, PATH)),
        "truncated": lambda: arriving(Raw(b""), tun=b"\x11\x04"),
    }[case]()
    r = run(ntm_ns, pkt, tunnel(), "tc")
    assert r.retval == TC_ACT_SHOT, r.js
    assert r.stats == {counter: 1}, r.stats


def test_control_and_other_traffic_pass(ntm_ns):
    # a control message (0x10) to the node's port: the agent's socket
    ctl = Ether(src=MAC_B, dst=MAC_A) / IP(src=PEER4, dst=NODE4) / UDP(sport=PPORT, dport=PORT) / \
        Raw(b"\x10" + b"\0" * 40)
    r = run(ntm_ns, ctl, tunnel(), "tc")
    assert r.retval == TC_ACT_OK and r.stats == {"NTM_CONTROL": 1}, r.js
    assert_same(r.out, ctl)
    # the host's own traffic (another port, TCP, a fragment) is left alone, counted
    for p, c in ((Ether(src=MAC_B, dst=MAC_A) / IP(src=PEER4, dst=NODE4) / UDP(sport=1, dport=53),
                  "PASS_NOT_OURS"),
                 (Ether(src=MAC_B, dst=MAC_A) / IPv6(src=PEER6, dst=NODE6) / TCP(dport=22),
                  "PASS_NOT_OURS"),
                 (Ether(src=MAC_B, dst=MAC_A, type=0x0806) / Raw(b"\0" * 28), "PASS_NOT_OURS"),
                 (Ether(src=MAC_B, dst=MAC_A) / IP(src=PEER4, dst=NODE4, flags="MF") /
                  UDP(sport=PPORT, dport=PORT) / Raw(b"\x11" * 40), "PASS_FRAGMENT")):
        r = run(ntm_ns, p, tunnel(), "tc")
        assert r.retval == TC_ACT_OK and r.stats == {c: 1}, r.js
        assert_same(r.out, p)


def test_zero_udp_checksum_over_ipv6(ntm_ns):
    """docs/ntmobile.md section 8 (RFC 6935/6936): tunnel data over IPv6 may carry a
    zero UDP checksum (GSO segments from a peer or a relay): decapsulated after the
    tunnel's exact key and inner addresses matched, counted; a control message
    without a checksum over IPv6 is dropped (signalling always has one)."""
    inner = inbound("tcp4")
    o = Ether(src=MAC_B, dst=MAC_A) / IPv6(src=PEER6, dst=NODE6)
    pkt = o / UDP(sport=PPORT, dport=PORT, chksum=0) / Raw(thdr(inner, PATH)) / inner
    r = run(ntm_ns, pkt, tunnel(True), "tc")
    assert r.retval == TC_ACT_OK, r.js
    assert r.stats == {"NTM_CSUM_ZERO_RX": 1, "NTM_DECAP_OK": 1}, r.stats
    assert_same(r.out, Ether(src=MAC_B, dst=MAC_A, type=0x0800) / inner)
    # from an unknown far end the zero checksum buys nothing: dropped as before
    r = run(ntm_ns, pkt, tunnel(True, sport=PPORT + 1), "tc")
    assert r.retval == TC_ACT_SHOT and r.stats == {"DROP_NTM_UNKNOWN_TUNNEL": 1}, r.js
    ctl = o / UDP(sport=PPORT, dport=PORT, chksum=0) / Raw(b"\x10" + b"\0" * 40)
    r = run(ntm_ns, ctl, tunnel(True), "tc")
    assert r.retval == TC_ACT_SHOT and r.stats == {"DROP_NTM_NO_CSUM": 1}, r.js
