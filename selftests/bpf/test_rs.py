# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The NTMobile Relay Server's XDP program (bpf/xmip_rs.bpf.c) through
BPF_PROG_TEST_RUN: every relay path with its expected output frame built
independently with Scapy (which recomputes every checksum from scratch, so
each incremental update (RFC 1624) and the derived outer UDP checksum are
checked against a full sum), and every drop counted by its reason.

Relay entries are written raw (struct xmip_ntm_relay_key / _val of
include/xmip_ntm_relay.h, packed here) through xmip_pktrun --relay.
"""
import ipaddress
import os
import struct
import tempfile

import pytest
from scapy.all import ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6EchoReply, \
    ICMPv6EchoRequest, IPv6, Raw

from scapy.packet import NoPayload

from conftest import PREFIX, Netns, assert_same, pktrun

RS4, RS6 = "203.0.113.30", "2001:db8:30::1"
NAT1, NAT2 = "198.51.100.41", "198.51.100.42"     # the nodes' NAT mappings
NAT1_6 = "2001:db8:41::1"
GN4, GN6 = "198.51.100.80", "2001:db8:80::1"      # a General Node's real addresses
MN_V4, MN_V6 = "10.200.0.7", "fd00:a::7"          # the node's virtual addresses
GNV4, GNV6 = "10.200.128.1", "fd00:a::8000:1"     # the GN's virtual addresses
PORT = 49602
PATH_S, PATH_N = 0x2a5f1c03, 0x9b3e0d41
MAC_RS, MAC_GW, MAC_IN = "02:00:00:00:30:01", "02:00:00:00:30:fe", "02:00:00:00:aa:01"
POOL = 50000

TUNNEL, RSN_FWD, RSN_REV = 1, 2, 3


def a16(a):
    ip = ipaddress.ip_address(a)
    return (ipaddress.IPv6Address("::ffff:" + a) if ip.version == 4 else ip).packed


def key(addr, path, sport, dport, kind, port2=0, proto=17):
    return struct.pack("!16sIHHHBB", a16(addr), path, sport, dport, port2, proto, kind)


def val(kind, out_src, out_dst, sport, dport, path=0, inner="::", gn_vip="::", inner_port=0,
        mode=2, ifindex=0, dmac=MAC_GW, smac=MAC_RS):
    mac = lambda m: bytes.fromhex(m.replace(":", ""))  # noqa: E731
    return (struct.pack("!16s16s16s16sIHHHBB", a16(out_src), a16(out_dst), a16(inner),
                        a16(gn_vip), path, sport, dport, inner_port, kind, mode) +
            struct.pack("<I6s6sIQ", ifindex, mac(smac), mac(dmac), 0, 0))


def tun(path, inner):
    return Raw(struct.pack("!BBHI", 0x11, 41 if inner.version == 6 else 4, 0, path)) / inner


def run(ns, frame, entries, paths=(), extra=()):
    with tempfile.NamedTemporaryFile(prefix=PREFIX + "-rs-", delete=False) as f:
        for k, v in entries:
            f.write(k + v)
        name = f.name
    try:
        args = ["--self4", RS4, "--self", RS6, "--pool", "%d-%d" % (POOL, POOL + 999),
                "--relay", name] + [a for p in paths for a in ("--rs-path", hex(p))] + list(extra)
        return pktrun(ns, "rs", "xdp", frame, ns.ifidx, args)
    finally:
        os.unlink(name)


@pytest.fixture(scope="module")
def rs_ns():
    ns = Netns("rs")
    try:
        ns.ip("link", "set", "lo", "up")
        ns.run("sysctl", "-qw", "net.ipv4.ip_forward=1")   # a relay forwards
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        ns.veth("xbrs", MAC_RS)
        ns.ip("addr", "add", RS4 + "/24", "dev", "xbrs")
        ns.ip("-6", "addr", "add", RS6 + "/64", "dev", "xbrs", "nodad")
        ns.ip("route", "add", "default", "via", "203.0.113.1")
        ns.ip("neigh", "replace", "203.0.113.1", "lladdr", MAC_GW, "dev", "xbrs", "nud", "permanent")
        ns.ifidx = ns.ifindex("xbrs")
        yield ns
    finally:
        ns.close()


def eth(pkt, dst=MAC_RS, src=MAC_IN):
    return Ether(dst=dst, src=src) / pkt


def out_eth(pkt):
    return Ether(dst=MAC_GW, src=MAC_RS) / pkt


def recompute(p):
    """A copy of p with every length and checksum left for Scapy to compute."""
    p = p.__class__(bytes(p))
    layer = p
    while layer and not isinstance(layer, (Raw, NoPayload)):
        for f in ("chksum", "cksum", "len", "plen"):
            if f in layer.fields:
                del layer.fields[f]
        layer = layer.payload
    return p


INNER_TCP4 = IP(src=MN_V4, dst="10.201.0.9", ttl=64) / TCP(sport=40000, dport=80, flags="S", seq=7) / Raw(b"x" * 33)
INNER_TCP6 = IPv6(src=MN_V6, dst="fd00:b::9") / TCP(sport=40000, dport=80, flags="S") / Raw(b"y" * 21)


# ---------------------------------------------------------------- RS-S

@pytest.mark.parametrize("inner", [INNER_TCP4, INNER_TCP6], ids=["inner4", "inner6"])
@pytest.mark.parametrize("legs", ["4to4", "6to6", "4to6", "6to4"])
def test_rs_s_joins_the_legs(rs_ns, legs, inner):
    src6, dst6 = legs[0] == "6", legs[-1] == "6"
    src, rs = (NAT1_6, RS6) if src6 else (NAT1, RS4)
    out_src, out_dst = (RS6, "2001:db8:42::1") if dst6 else (RS4, NAT2)
    ip_in = (IPv6(src=src, dst=rs, hlim=50) if src6 else IP(src=src, dst=rs, ttl=50, flags="DF", id=77))
    frame = eth(ip_in / UDP(sport=40001, dport=PORT) / tun(PATH_S, inner))
    ent = [(key(src, PATH_S, 40001, PORT, TUNNEL), val(TUNNEL, out_src, out_dst, PORT, 40002))]
    r = run(rs_ns, frame, ent, [PATH_S])
    assert r.verdict == "XDP_TX", r.js
    assert r.stats == {"RS_S_RELAYED": 1, "FWD_XDP_TX": 1}
    if src6 == dst6:
        want = Ether(bytes(frame))
        want[Ether].dst, want[Ether].src = MAC_GW, MAC_RS
        if dst6:
            want[IPv6].src, want[IPv6].dst, want[IPv6].hlim = out_src, out_dst, 49
        else:
            want[IP].src, want[IP].dst, want[IP].ttl = out_src, out_dst, 49
            del want[IP].chksum
        want[UDP].sport, want[UDP].dport = PORT, 40002
        del want[UDP].chksum
    else:
        ip_out = (IPv6(src=out_src, dst=out_dst, hlim=49) if dst6 else
                  IP(src=out_src, dst=out_dst, ttl=49, flags="DF", id=0))
        want = out_eth(ip_out / UDP(sport=PORT, dport=40002) / tun(PATH_S, inner))
    assert_same(r.out, want)
    # and the checksums are right to an independent decoder
    got = Ether(r.out)
    assert got[UDP].chksum == UDP(bytes(recompute(got[UDP]))).chksum


@pytest.mark.parametrize("legs", ["4to4", "6to6", "4to6", "6to4"])
def test_rs_s_zero_udp_checksum(rs_ns, legs):
    """docs/ntmobile.md section 8 (RFC 6935/6936): tunnel data may carry a zero UDP
    checksum over IPv6 (the node's GSO segments do); the relay accepts it on a known
    path and keeps it zero on the other leg, whatever its family."""
    src6, dst6 = legs[0] == "6", legs[-1] == "6"
    src, rs = (NAT1_6, RS6) if src6 else (NAT1, RS4)
    out_src, out_dst = (RS6, "2001:db8:42::1") if dst6 else (RS4, NAT2)
    ip_in = IPv6(src=src, dst=rs, hlim=50) if src6 else IP(src=src, dst=rs, ttl=50, flags="DF", id=77)
    frame = eth(ip_in / UDP(sport=40001, dport=PORT, chksum=0) / tun(PATH_S, INNER_TCP6))
    ent = [(key(src, PATH_S, 40001, PORT, TUNNEL), val(TUNNEL, out_src, out_dst, PORT, 40002))]
    r = run(rs_ns, frame, ent, [PATH_S])
    assert r.verdict == "XDP_TX", r.js
    want_stats = {"RS_S_RELAYED": 1, "FWD_XDP_TX": 1}
    if src6:
        want_stats["RS_CSUM_ZERO"] = 1
    assert r.stats == want_stats
    ip_out = (IPv6(src=out_src, dst=out_dst, hlim=49) if dst6 else
              IP(src=out_src, dst=out_dst, ttl=49, flags="DF", id=77 if not src6 else 0))
    want = out_eth(ip_out / UDP(sport=PORT, dport=40002, chksum=0) / tun(PATH_S, INNER_TCP6))
    assert_same(r.out, want)
    got = Ether(r.out)
    assert got[UDP].chksum == 0
    # the inner packet, whose own checksum protects the payload, arrives intact
    assert bytes(got[UDP].payload)[8:] == bytes(INNER_TCP6)


def test_zero_udp_checksum_over_ipv6_elsewhere_still_dropped(rs_ns):
    """Only the tunnel's data may go without a checksum over IPv6: not its control
    messages (RFC 6936 §5), not plain UDP to a pool port, not an inner UDP datagram
    the RS-N would send on to the General Node (RFC 8200 §8.1)."""
    ctrl = eth(IPv6(src=NAT1_6, dst=RS6) / UDP(sport=40001, dport=PORT, chksum=0) /
               Raw(b"\x10\x0d" + bytes(70)))
    r = run(rs_ns, ctrl, [])
    assert (r.verdict, r.stats) == ("XDP_DROP", {"DROP_RS_NO_CSUM": 1}), r.js
    ents, pool = rsn_entries(True, 17, 40000, 53)
    reply = eth(IPv6(src=GN6, dst=RS6) / UDP(sport=53, dport=pool, chksum=0) / Raw(b"a" * 9))
    r = run(rs_ns, reply, ents)
    assert (r.verdict, r.stats) == ("XDP_DROP", {"DROP_RS_NO_CSUM": 1}), r.js
    inner = inner_fwd(True, UDP(sport=40000, dport=53, chksum=0) / Raw(b"q6"))
    fwd = eth(IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT) / tun(PATH_N, inner))
    r = run(rs_ns, fwd, ents)
    assert (r.verdict, r.stats) == ("XDP_DROP", {"DROP_RS_NO_CSUM": 1}), r.js
    # an IPv4 reply without checksum cannot be tunnelled over IPv6 (its sum is unknown)
    ents4, pool4 = rsn_entries(False, 17, 40000, 53)
    k, v = ents4[2]
    v6leg = val(RSN_REV, RS6, NAT1_6, PORT, 40001, path=PATH_N, inner=MN_V4, gn_vip=GNV4,
                inner_port=40000, mode=3)
    r = run(rs_ns, eth(IP(src=GN4, dst=RS4) / UDP(sport=53, dport=pool4, chksum=0) / Raw(b"a" * 9)),
            ents4[:2] + [(k, v6leg)])
    assert (r.verdict, r.stats) == ("XDP_DROP", {"DROP_RS_NO_CSUM": 1}), r.js


def test_rs_n_zero_udp_checksum_node_leg_over_ipv6(rs_ns):
    """RS-N: the node's GSO segments over IPv6 (zero outer checksum) are decapsulated
    and translated like any other; the GN gets a packet whose checksums are right."""
    ents, pool = rsn_entries(False, 6, 40000, 80)
    leg6 = (key(NAT1_6, PATH_N, 40001, PORT, TUNNEL), val(TUNNEL, RS6, NAT1_6, PORT, 40001, mode=3))
    k, v = ents[1]
    fwd6 = (key(NAT1_6, PATH_N, 40001, PORT, RSN_FWD, port2=40000, proto=6), v)
    inner = inner_fwd(False, TCP(sport=40000, dport=80, flags="A", seq=1, ack=2) / Raw(b"s" * 1200))
    frame = eth(IPv6(src=NAT1_6, dst=RS6) / UDP(sport=40001, dport=PORT, chksum=0) / tun(PATH_N, inner))
    r = run(rs_ns, frame, [leg6, fwd6])
    assert r.verdict == "XDP_TX", r.js
    assert r.stats == {"RS_CSUM_ZERO": 1, "RS_N_DECAP_NAT": 1, "FWD_XDP_TX": 1}
    want = inner.copy()
    want[IP].src, want[IP].dst, want[IP].ttl = RS4, GN4, 63
    want[TCP].sport = pool
    assert_same(r.out, out_eth(recompute(want)))


def test_rs_s_redirect_and_fib(rs_ns):
    frame = eth(IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT) / tun(PATH_S, INNER_TCP4))
    ent = [(key(NAT1, PATH_S, 40001, PORT, TUNNEL), val(TUNNEL, RS4, NAT2, PORT, 40002, ifindex=1))]
    r = run(rs_ns, frame, ent)
    assert r.verdict == "XDP_REDIRECT" and r.stats == {"RS_S_RELAYED": 1, "FWD_REDIRECT": 1}
    # no MAC in the entry yet: the FIB answers (default route, static neighbour)
    ent = [(key(NAT1, PATH_S, 40001, PORT, TUNNEL),
            val(TUNNEL, RS4, NAT2, PORT, 40002, dmac="00:00:00:00:00:00", smac="00:00:00:00:00:00"))]
    r = run(rs_ns, frame, ent)
    assert r.verdict == "XDP_TX", r.stats
    assert r.stats == {"RS_S_RELAYED": 1, "RS_FIB_LOOKUP": 1, "FWD_XDP_TX": 1}
    assert Ether(r.out).dst == MAC_GW and Ether(r.out).src == MAC_RS


# ---------------------------------------------------------------- RS-N

def rsn_entries(v6=False, proto=6, sport=40000, gn_port=80):
    """The tunnel leg, and one flow's forward and reverse entries."""
    mn, gnv, gn, rs = (MN_V6, GNV6, GN6, RS6) if v6 else (MN_V4, GNV4, GN4, RS4)
    pool = POOL + 7
    fwd_k = key(NAT1, PATH_N, 40001, PORT, RSN_FWD, port2=sport, proto=proto)
    fwd_v = val(RSN_FWD, rs, gn, pool, gn_port, inner=mn, gn_vip=gnv, mode=3)
    # echo: the reply's identifier is the pool port both ways
    rev_k = key(gn, 0, pool if proto in (1, 58) else gn_port, pool, RSN_REV, proto=proto)
    rev_v = val(RSN_REV, RS4, NAT1, PORT, 40001, path=PATH_N, inner=mn, gn_vip=gnv,
                inner_port=sport, mode=3)
    leg = (key(NAT1, PATH_N, 40001, PORT, TUNNEL), val(TUNNEL, RS4, NAT1, PORT, 40001, mode=3))
    return [leg, (fwd_k, fwd_v), (rev_k, rev_v)], pool


def inner_fwd(v6, l4):
    return (IPv6(src=MN_V6, dst=GNV6, hlim=64) if v6 else IP(src=MN_V4, dst=GNV4, ttl=64, id=5)) / l4


FWD_CASES = {
    "tcp4": (False, 6, 40000, 80, TCP(sport=40000, dport=80, flags="PA", seq=1, ack=2) / Raw(b"hello gn")),
    "udp4": (False, 17, 40000, 53, UDP(sport=40000, dport=53) / Raw(b"q" * 17)),
    "icmp4": (False, 1, 0x1234, 0x1234, ICMP(type=8, id=0x1234, seq=1) / Raw(b"ping")),
    "tcp6": (True, 6, 40000, 80, TCP(sport=40000, dport=80, flags="S")),
    "udp6": (True, 17, 40000, 53, UDP(sport=40000, dport=53) / Raw(b"q6")),
    "icmp6": (True, 58, 0x4321, 0x4321, ICMPv6EchoRequest(id=0x4321, seq=3) / Raw(b"ping6")),
}


@pytest.mark.parametrize("name", sorted(FWD_CASES))
def test_rs_n_forward_and_reply(rs_ns, name):
    v6, proto, sport, gport, l4 = FWD_CASES[name]
    ents, pool = rsn_entries(v6, proto, sport, gport)
    inner = inner_fwd(v6, l4)
    frame = eth(IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT) / tun(PATH_N, inner))
    r = run(rs_ns, frame, ents)
    assert r.verdict == "XDP_TX", r.js
    assert r.stats == {"RS_N_DECAP_NAT": 1, "FWD_XDP_TX": 1}
    want = inner.copy()
    if v6:
        want[IPv6].src, want[IPv6].dst, want[IPv6].hlim = RS6, GN6, 63
    else:
        want[IP].src, want[IP].dst, want[IP].ttl = RS4, GN4, 63
    if proto in (6, 17):
        want.payload.sport = pool
    else:
        want.payload.id = pool
    assert_same(r.out, out_eth(recompute(want)))

    # the GN's reply comes back to the pool port and is tunnelled to the node
    gn, rs, mn, gnv = (GN6, RS6, MN_V6, GNV6) if v6 else (GN4, RS4, MN_V4, GNV4)
    if proto == 6:
        rl4 = TCP(sport=gport, dport=pool, flags="SA", seq=9, ack=8)
        back = TCP(sport=gport, dport=sport, flags="SA", seq=9, ack=8)
    elif proto == 17:
        rl4, back = UDP(sport=gport, dport=pool) / Raw(b"a" * 9), UDP(sport=gport, dport=sport) / Raw(b"a" * 9)
    elif proto == 1:
        rl4, back = ICMP(type=0, id=pool, seq=1) / Raw(b"ping"), ICMP(type=0, id=sport, seq=1) / Raw(b"ping")
    else:
        rl4, back = ICMPv6EchoReply(id=pool, seq=3) / Raw(b"pong"), ICMPv6EchoReply(id=sport, seq=3) / Raw(b"pong")
    ip_r = IPv6(src=gn, dst=rs, hlim=60) if v6 else IP(src=gn, dst=rs, ttl=60, id=99)
    ip_b = IPv6(src=gnv, dst=mn, hlim=59) if v6 else IP(src=gnv, dst=mn, ttl=59, id=99)
    r = run(rs_ns, eth(ip_r / rl4), ents)
    assert r.verdict == "XDP_TX", r.js
    assert r.stats == {"RS_N_REV_NAT": 1, "FWD_XDP_TX": 1}
    want = out_eth(IP(src=RS4, dst=NAT1, ttl=64, flags="DF", id=0) / UDP(sport=PORT, dport=40001) /
                   tun(PATH_N, recompute(ip_b / back)))
    assert_same(r.out, want)


def test_rs_n_icmp_errors_translated(rs_ns):
    # v4: the GN's port unreachable about the UDP datagram the RS sent from its pool port
    ents, pool = rsn_entries(False, 17, 40000, 53)
    quoted = IP(src=RS4, dst=GN4, ttl=63, id=5) / UDP(sport=pool, dport=53) / Raw(b"q" * 17)
    err = IP(src=GN4, dst=RS4, ttl=64) / ICMP(type=3, code=3) / quoted
    r = run(rs_ns, eth(err), ents)
    assert r.verdict == "XDP_TX", r.js
    assert r.stats == {"RS_N_ICMP_ERR": 1, "FWD_XDP_TX": 1}
    back_q = IP(src=MN_V4, dst=GNV4, ttl=63, id=5) / UDP(sport=40000, dport=53) / Raw(b"q" * 17)
    back = IP(src=GNV4, dst=MN_V4, ttl=63) / ICMP(type=3, code=3) / recompute(back_q)
    want = out_eth(IP(src=RS4, dst=NAT1, ttl=64, flags="DF", id=0) / UDP(sport=PORT, dport=40001) /
                   tun(PATH_N, recompute(back)))
    assert_same(r.out, want)
    # a router on the way (not the GN) keeps its own address; TCP quoted
    ents, pool = rsn_entries(False, 6, 40000, 80)
    quoted = IP(src=RS4, dst=GN4, ttl=1, id=6) / TCP(sport=pool, dport=80, flags="S")
    err = IP(src="198.51.100.1", dst=RS4, ttl=64) / ICMP(type=11, code=0) / quoted
    r = run(rs_ns, eth(err), ents)
    assert r.verdict == "XDP_TX" and r.stats.get("RS_N_ICMP_ERR") == 1, r.js
    back_q = IP(src=MN_V4, dst=GNV4, ttl=1, id=6) / TCP(sport=40000, dport=80, flags="S")
    back = IP(src="198.51.100.1", dst=MN_V4, ttl=63) / ICMP(type=11, code=0) / recompute(back_q)
    assert_same(r.out, out_eth(IP(src=RS4, dst=NAT1, ttl=64, flags="DF", id=0) /
                               UDP(sport=PORT, dport=40001) / tun(PATH_N, recompute(back))))
    # v6: destination unreachable from the GN, quoting an echo request
    ents, pool = rsn_entries(True, 58, 0x4321, 0x4321)
    quoted = IPv6(src=RS6, dst=GN6, hlim=63) / ICMPv6EchoRequest(id=pool, seq=3) / Raw(b"ping6")
    err = IPv6(src=GN6, dst=RS6, hlim=64) / ICMPv6DestUnreach(code=1) / quoted
    r = run(rs_ns, eth(err), ents)
    assert r.verdict == "XDP_TX", r.js
    back_q = IPv6(src=MN_V6, dst=GNV6, hlim=63) / ICMPv6EchoRequest(id=0x4321, seq=3) / Raw(b"ping6")
    back = IPv6(src=GNV6, dst=MN_V6, hlim=63) / ICMPv6DestUnreach(code=1) / recompute(back_q)
    assert_same(r.out, out_eth(IP(src=RS4, dst=NAT1, ttl=64, flags="DF", id=0) /
                               UDP(sport=PORT, dport=40001) / tun(PATH_N, recompute(back))))


def test_rs_n_first_packet_of_a_flow_goes_to_the_agent(rs_ns):
    ents, _ = rsn_entries(False, 6)
    inner = inner_fwd(False, TCP(sport=41000, dport=80, flags="S"))   # no flow for 41000
    frame = eth(IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT) / tun(PATH_N, inner))
    r = run(rs_ns, frame, ents)
    assert r.verdict == "XDP_PASS" and r.stats == {"RS_N_NEW_FLOW": 1}
    assert_same(r.out, frame)
    # the inner addresses must be the path's
    bad = inner_fwd(False, TCP(sport=40000, dport=80)).copy()
    bad[IP].src = "10.200.0.8"
    r = run(rs_ns, eth(IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT) / tun(PATH_N, bad)), ents)
    assert r.verdict == "XDP_DROP" and r.stats == {"DROP_RS_N_BAD_INNER": 1}


# ---------------------------------------------------------------- drops and passes

def test_drops_counted_by_reason(rs_ns):
    ent = [(key(NAT1, PATH_S, 40001, PORT, TUNNEL), val(TUNNEL, RS4, NAT2, PORT, 40002))]
    good = IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT)
    cases = {
        "unknown path": (eth(good / tun(0x1111, INNER_TCP4)), "DROP_RS_UNKNOWN_PATH"),
        "unknown source port": (eth(IP(src=NAT1, dst=RS4) / UDP(sport=40009, dport=PORT) /
                                    tun(PATH_S, INNER_TCP4)), "DROP_RS_UNKNOWN_SOURCE"),
        "unknown source address": (eth(IP(src="198.51.100.99", dst=RS4) / UDP(sport=40001, dport=PORT) /
                                       tun(PATH_S, INNER_TCP4)), "DROP_RS_UNKNOWN_SOURCE"),
        "truncated tunnel header": (eth(good / Raw(b"\x11\x04\x00")), "DROP_MALFORMED"),
        "empty datagram": (eth(good), "DROP_MALFORMED"),
        "not ntm": (eth(good / Raw(b"\x45" + bytes(40))), "DROP_RS_BAD_TUNNEL"),
        "reserved set": (eth(good / Raw(struct.pack("!BBHI", 0x11, 4, 1, PATH_S)) / INNER_TCP4),
                         "DROP_RS_BAD_TUNNEL"),
        "next header lies": (eth(good / Raw(struct.pack("!BBHI", 0x11, 41, 0, PATH_S)) / INNER_TCP4),
                             "DROP_RS_BAD_TUNNEL"),
        "pool port without flow": (eth(IP(src=GN4, dst=RS4) / TCP(sport=80, dport=POOL + 3)),
                                   "DROP_RS_N_NO_FLOW"),
        "ttl exhausted": (eth(IP(src=NAT1, dst=RS4, ttl=1) / UDP(sport=40001, dport=PORT) /
                              tun(PATH_S, INNER_TCP4)), "DROP_RS_TTL"),
    }
    for name, (frame, why) in cases.items():
        r = run(rs_ns, frame, ent, [PATH_S])
        assert (r.verdict, r.stats) == ("XDP_DROP", {why: 1}), (name, r.js)


def test_the_hosts_traffic_is_left_alone(rs_ns):
    cases = {
        "control message": (eth(IP(src=NAT1, dst=RS4) / UDP(sport=40001, dport=PORT) /
                                Raw(b"\x10\x0d" + bytes(70))), "RS_CONTROL"),
        "ssh to the RS": (eth(IP(src=NAT1, dst=RS4) / TCP(sport=5555, dport=22)), "PASS_NOT_OURS"),
        "ping the RS": (eth(IP(src=NAT1, dst=RS4) / ICMP()), "PASS_NOT_OURS"),
        "not to the RS": (eth(IP(src=NAT1, dst="203.0.113.31") / UDP(dport=PORT)), "PASS_NOT_OURS"),
        "fragment": (eth(IP(src=NAT1, dst=RS4, flags="MF") / UDP(sport=1, dport=PORT) / Raw(b"\x11" * 40)),
                     "PASS_FRAGMENT"),
    }
    for name, (frame, why) in cases.items():
        r = run(rs_ns, frame, [])
        assert (r.verdict, r.stats) == ("XDP_PASS", {why: 1}), (name, r.js)
        assert_same(r.out, frame)
