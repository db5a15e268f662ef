# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The correspondent node's datapath (bpf/xmip_cn.bpf.c, bpf/ro/cn.h) on
crafted packets through BPF_PROG_TEST_RUN (selftests/tools/xmip_pktrun -o cn).

tc egress: a packet from the CN to a bound home address gets a type-2
routing header (RFC 6275 §6.4, §9.3.2) and goes to the care-of address;
its upper-layer checksum is left as it was and is right for the home
address, the final destination (RFC 8200 §8.1), which we recompute here
independently. XDP ingress: a packet from the bound care-of address with
a Home Address option comes out as from the home address, without the
option (§9.3.1), its checksum right for that source; everything else with
a HAO is dropped, counted and reported to the agent. Expected frames are
built by Scapy; IPv6ExtHdrSegmentRouting is not RH2, IPv6ExtHdrRouting(type=2) is.

Topology (cn_ns): the CN on cbc (2001:db8:c::2), not forwarding (a host),
default route via 2001:db8:c::1 with a static neighbour entry.
"""
import json
import os
import socket
import struct
import tempfile

import pytest
from scapy.all import raw
from scapy.layers.inet import TCP, UDP
from scapy.layers.inet6 import (HAO, ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NS, IPv6,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, MIP6MH_BU, MIP6MH_HoT, MIP6MH_HoTI, PadN)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import checksum

from conftest import BUILD, PREFIX, REPO, Netns, assert_same, sh

PKTRUN = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD),
                      "tools", "xmip_pktrun")
CN = "2001:db8:c::2"
CN_GW = "2001:db8:c::1"
OTHER_CN_ADDR = "2001:db8:c::3"   # another address of the same host
HOA = "2001:db8:1::100"
HOA2 = "2001:db8:1::101"
COA = "2001:db8:a::100"
COA_OTHER = "2001:db8:a::200"
MAC_CN = "02:00:00:00:0c:02"
MAC_GW = "02:00:00:00:0c:01"
RO_FAMILY = 5                     # XMIP_FAMILY_RO


@pytest.fixture(scope="module")
def cn_ns():
    if not os.path.exists(PKTRUN):
        pytest.fail("%s not built (make, or set XMIP_BUILD)" % PKTRUN)
    ns = Netns("cn")
    try:
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
        ns.ip("link", "set", "lo", "up")
        ns.veth("cbc", MAC_CN)
        ns.ip("-6", "addr", "add", CN + "/64", "dev", "cbc", "nodad")
        ns.ip("-6", "addr", "add", OTHER_CN_ADDR + "/64", "dev", "cbc", "nodad")
        ns.ip("-6", "route", "add", "default", "via", CN_GW, "dev", "cbc")
        ns.ip("-6", "neigh", "replace", CN_GW, "lladdr", MAC_GW, "dev", "cbc", "nud",
              "permanent")
        ns.cbc = ns.ifindex("cbc")
        yield ns
    finally:
        ns.close()


class Result:
    def __init__(self, js, out):
        self.verdict = js["verdict"]
        # The signalling admission's own bookkeeping (a bucket made for a new
        # source, issue 7's per-source token bucket) is not this path's outcome.
        self.stats = {k: v for k, v in js["stats"].items() if k != "SIGNAL_SRC_NEW"}
        self.signal = [dict(e, pkt=bytes.fromhex(e["pkt"])) for e in js["signal"]]
        self.used = js["used"]
        self.out = out
        self.ns = js["ns_per_packet"]


def run(ns, prog, frame, args=(), ifindex=None):
    with tempfile.TemporaryDirectory(prefix=PREFIX + "-") as d:
        pin, pout = os.path.join(d, "in"), os.path.join(d, "out")
        with open(pin, "wb") as f:
            f.write(bytes(frame))
        cmd = [PKTRUN, "--netns", ns.name, "-o", "cn", "-p", prog, "-i", pin, "-w", pout,
               "--self", CN, "-I", str(ns.cbc if ifindex is None else ifindex)] + list(args)
        r = sh(*cmd, check=False)
        assert r.returncode == 0, "xmip_pktrun -o cn failed: %s\n%s" % (" ".join(cmd), r.stderr[-3000:])
        with open(pout, "rb") as f:
            return Result(json.loads(r.stdout), f.read())


def bound(*extra):
    return ["-b", "%s=%s" % (HOA, COA)] + list(extra)


def a(s):
    return socket.inet_pton(socket.AF_INET6, s)


def upper_ok(src, dst, nh, upper):
    """Checksum over the pseudo-header with these addresses (RFC 8200 §8.1)."""
    ph = a(src) + a(dst) + struct.pack("!I", len(upper)) + b"\0\0\0" + bytes([nh])
    return checksum(ph + bytes(upper)) == 0


def leaving(pkt):
    # As the kernel hands it to tc egress: routed and resolved for the HoA.
    return Ether(src=MAC_CN, dst=MAC_GW) / pkt


def arriving(pkt):
    return Ether(src=MAC_GW, dst=MAC_CN) / pkt


def with_rh2(ip, upper_bytes, nh):
    """What a correspondent sends (§9.3.2): destination the CoA, RH2 with the HoA."""
    return (IPv6(src=ip.src, dst=COA, hlim=ip.hlim, tc=ip.tc, fl=ip.fl) /
            IPv6ExtHdrRouting(type=2, segleft=1, addresses=[ip.dst], nh=nh) /
            Raw(upper_bytes))


def from_coa_with_hao(upper, coa=COA, hoa=HOA, hlim=61):
    """A mobile node's packet (§11.3.1): source the CoA, HAO with the HoA, the
    upper-layer checksum the one for source = HoA (computed by Scapy on a
    packet really from the HoA)."""
    real = IPv6(raw(IPv6(src=hoa, dst=CN) / upper))
    return (IPv6(src=coa, dst=CN, hlim=hlim) /
            IPv6ExtHdrDestOpt(nh=real.nh, options=[HAO(hoa=hoa)]) /
            Raw(raw(real.payload))), real


# ---------------------------------------------------------------- tc egress

@pytest.mark.parametrize("upper,nh", [
    (ICMPv6EchoRequest(id=7, seq=1, data=b"abcdefgh" * 4), 58),
    (UDP(sport=5000, dport=4000) / Raw(bytes(range(100))), 17),
    (TCP(sport=40000, dport=5001, flags="S", seq=12345), 6),
], ids=["icmp", "udp", "tcp"])
def test_egress_inserts_rh2(cn_ns, upper, nh):
    ip = IPv6(raw(IPv6(src=CN, dst=HOA, hlim=64, tc=0xb8, fl=0x12345) / upper))
    r = run(cn_ns, "tc", leaving(ip), bound())
    # A host does not forward: bpf_fib_lookup says so, the kernel routes the
    # new destination itself (bpf_redirect_neigh).
    assert r.verdict == "TC_ACT_REDIRECT"
    assert r.stats == {"RO_RH2_OK": 1, "FWD_REDIRECT_NEIGH": 1}
    want = leaving(with_rh2(ip, raw(ip.payload), nh))
    assert_same(r.out, want)
    got = Ether(r.out)
    rh = got[IPv6ExtHdrRouting]
    assert (got[IPv6].dst, got[IPv6].nh, got[IPv6].plen) == (COA, 43, ip.plen + 24)
    assert (rh.type, rh.len, rh.segleft, rh.addresses, rh.nh) == (2, 2, 1, [HOA], nh)
    # The upper-layer checksum is right for the final destination (the HoA)...
    assert upper_ok(CN, HOA, nh, raw(rh.payload))
    # ... and only for it: the CoA in the pseudo-header would not verify.
    assert not upper_ok(CN, COA, nh, raw(rh.payload))
    assert HOA in r.used


def test_egress_behind_destination_options(cn_ns):
    # Destination options for the final destination come after the routing
    # header (RFC 8200 §4.1): the RH2 goes right after the IPv6 header.
    ip = IPv6(raw(IPv6(src=CN, dst=HOA) / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")]) /
                  ICMPv6EchoRequest(id=1)))
    r = run(cn_ns, "tc", leaving(ip), bound())
    assert r.stats.get("RO_RH2_OK") == 1
    assert_same(r.out, leaving(with_rh2(ip, raw(ip.payload), 60)))


def test_egress_every_fragment_gets_rh2(cn_ns):
    later = IPv6(src=CN, dst=HOA) / IPv6ExtHdrFragment(offset=100, m=0, id=9, nh=17) / \
        Raw(bytes(64))
    r = run(cn_ns, "tc", leaving(later), bound())
    assert r.stats.get("RO_RH2_OK") == 1
    ip = IPv6(raw(later))
    assert_same(r.out, leaving(with_rh2(ip, raw(ip.payload), 44)))


@pytest.mark.parametrize("pkt,counter", [
    (IPv6(src=CN, dst=HOA2) / ICMPv6EchoRequest(), "RO_PASS_NO_BINDING"),
    (IPv6(src=CN, dst="ff02::1") / ICMPv6EchoRequest(), "RO_PASS_NO_BINDING"),
    (IPv6(src=OTHER_CN_ADDR, dst=HOA) / ICMPv6EchoRequest(), "RO_PASS_OTHER_SRC"),
    # §6.1: Mobility Header messages bypass the binding cache.
    (IPv6(src=CN, dst=HOA) / MIP6MH_HoT(index=1), "RO_PASS_MH_ND"),
    (IPv6(src=CN, dst=HOA) / IPv6ExtHdrDestOpt() / MIP6MH_HoT(index=1), "RO_PASS_MH_ND"),
    # §9.3.2: never for Neighbour Discovery.
    (IPv6(src=CN, dst=HOA, hlim=255) / ICMPv6ND_NS(tgt=HOA), "RO_PASS_MH_ND"),
    # A second routing header would have to go in between: sent as it is.
    (IPv6(src=CN, dst=HOA) / IPv6ExtHdrHopByHop() / ICMPv6EchoRequest(), "RO_FALLBACK_LAYOUT"),
    (IPv6(src=CN, dst=HOA) / IPv6ExtHdrRouting(type=0, segleft=0, addresses=[COA]) /
     ICMPv6EchoRequest(), "RO_FALLBACK_LAYOUT"),
], ids=["no-binding", "multicast", "other-source", "mh", "mh-behind-dstopts", "nd", "hbh",
        "routing"])
def test_egress_sent_as_it_is(cn_ns, pkt, counter):
    frame = leaving(pkt)
    r = run(cn_ns, "tc", frame, bound())
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {counter: 1}
    assert_same(r.out, frame)
    assert r.used == {}


def test_egress_expired_or_home_registration_binding_unused(cn_ns):
    frame = leaving(IPv6(src=CN, dst=HOA) / ICMPv6EchoRequest())
    r = run(cn_ns, "tc", frame, ["--expired-binding", "%s=%s" % (HOA, COA)])
    assert r.stats == {"PASS_BINDING_EXPIRED": 1}
    assert_same(r.out, frame)
    # A binding of another kind (IPv6-in-IPv6, a home registration) is no
    # correspondent binding: no routing header from it.
    r = run(cn_ns, "tc", frame, bound("--binding-encap", "0"))
    assert r.stats == {"RO_PASS_NO_BINDING": 1}
    assert_same(r.out, frame)


def test_egress_mtu(cn_ns):
    # 1476 octets + 24 = the veth's 1500: fits. 1477: no room, sent as it
    # is (it reaches the MN through its home agent), counted.
    fits = leaving(IPv6(src=CN, dst=HOA) / UDP(sport=1, dport=2) / Raw(bytes(1476 - 48)))
    r = run(cn_ns, "tc", fits, bound())
    assert r.stats.get("RO_RH2_OK") == 1
    assert len(r.out) == 14 + 1500
    big = leaving(IPv6(src=CN, dst=HOA) / UDP(sport=1, dport=2) / Raw(bytes(1477 - 48)))
    r = run(cn_ns, "tc", big, bound())
    assert r.stats == {"RO_FALLBACK_TOO_BIG": 1}
    assert_same(r.out, big)


def test_egress_udp_gso_left_alone(cn_ns):
    # The kernel refuses to grow a UDP GSO packet without FIXED_GSO (its
    # gso_size delineates datagrams): left as it was, counted.
    frame = leaving(IPv6(src=CN, dst=HOA) / UDP(sport=1, dport=2) / Raw(bytes(3000)))
    r = run(cn_ns, "tc", frame, bound("--gso-size", "1400"))
    assert r.stats == {"RO_FALLBACK_TOO_BIG": 1}
    assert_same(r.out, frame)


def test_egress_not_ready(cn_ns):
    frame = leaving(IPv6(src=CN, dst=HOA) / ICMPv6EchoRequest())
    r = run(cn_ns, "tc", frame, bound("--not-ready"))
    assert r.stats == {"PASS_NOT_READY": 1}
    assert_same(r.out, frame)


# ---------------------------------------------------------------- XDP ingress

@pytest.mark.parametrize("upper,nh", [
    (ICMPv6EchoReply(id=7, seq=1, data=b"abcdefgh" * 4), 58),
    (TCP(sport=40000, dport=5001, flags="S", seq=777), 6),
    (UDP(sport=4000, dport=5000) / Raw(b"x" * 33), 17),
], ids=["icmp", "tcp", "udp"])
def test_ingress_restores_hao(cn_ns, upper, nh):
    pkt, real = from_coa_with_hao(upper)
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"RO_HAO_RESTORED": 1}
    # Exactly what the mobile node would have sent from home (§9.3.1).
    assert_same(r.out, arriving(IPv6(src=HOA, dst=CN, hlim=61, nh=nh) / Raw(raw(real.payload))))
    got = Ether(r.out)
    assert (got[IPv6].src, got[IPv6].nh, got[IPv6].plen) == (HOA, nh, len(raw(real.payload)))
    assert upper_ok(HOA, CN, nh, raw(got[IPv6].payload))
    assert HOA in r.used
    assert r.signal == []


def test_ingress_hao_alone_with_pad1(cn_ns):
    # HAO then Pad1 padding instead of PadN in front: still only the option.
    opts = bytes([0xc9, 16]) + bytes.fromhex("20010db8000100000000000000000100") + bytes(4)
    pkt = IPv6(src=COA, dst=CN, nh=60) / Raw(bytes([58, 2]) + opts) / \
        Raw(raw(ICMPv6EchoReply(id=3, cksum=0)))
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.stats == {"RO_HAO_RESTORED": 1}
    got = Ether(r.out)
    assert got[IPv6].src == HOA and got[IPv6].nh == 58 and len(raw(got[IPv6].payload)) == 8


@pytest.mark.parametrize("args,src", [
    ([], COA),                                             # no binding at all
    (None, COA_OTHER),                                     # bound, but another CoA
    (["--expired-binding", "%s=%s" % (HOA, COA)], COA),    # bound, expired (§9.6)
    (["-b", "%s=%s" % (HOA, COA), "--binding-encap", "0"], COA),  # not a correspondent binding
], ids=["unbound", "other-coa", "expired", "other-kind"])
def test_ingress_hao_without_binding_dropped_and_reported(cn_ns, args, src):
    pkt, _ = from_coa_with_hao(ICMPv6EchoRequest(id=5, data=bytes(400)), coa=src)
    r = run(cn_ns, "xdp", arriving(pkt), bound() if args is None else args)
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"RO_DROP_HAO_NO_BINDING": 1, "SIGNAL_TO_AGENT": 1}
    # For the Binding Error (§9.3.3): the headers only, wire source and HAO intact.
    assert len(r.signal) == 1
    ev = r.signal[0]
    assert ev["family"] == RO_FAMILY and ev["ifindex"] == cn_ns.cbc
    assert ev["len"] == 64
    assert ev["pkt"][:64] == raw(pkt)[:64]
    assert r.used == {}


@pytest.mark.parametrize("hoa", ["fe80::1", "ff02::1", "::"])
def test_ingress_hao_not_unicast_routable(cn_ns, hoa):
    pkt = IPv6(src=COA, dst=CN) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / ICMPv6EchoReply()
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"RO_DROP_HAO_BAD_HOA": 1}
    assert r.signal == []


def test_ingress_hao_with_other_options_dropped(cn_ns):
    # Not removable alone (Linux drops more than 7 octets of PadN): counted.
    opts = [HAO(hoa=HOA), PadN(otype=0x1e, optdata=b"\0\0\0\0")]
    pkt = IPv6(src=COA, dst=CN) / IPv6ExtHdrDestOpt(options=opts) / ICMPv6EchoReply()
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"RO_DROP_HAO_LAYOUT": 1}
    # A HAO behind a Hop-by-Hop header: not the first header, not ours to move.
    pkt = IPv6(src=COA, dst=CN) / IPv6ExtHdrHopByHop() / \
        IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / ICMPv6EchoReply()
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.stats == {"RO_DROP_HAO_LAYOUT": 1}


PADN4 = [PadN(otype=1, optdata=b"\0\0\0\0")]   # an 8-octet header of padding alone


@pytest.mark.parametrize("chain", [
    [IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]), IPv6ExtHdrDestOpt(options=PADN4)],
    [IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]), IPv6ExtHdrFragment(offset=0, m=0, id=7),
     IPv6ExtHdrDestOpt(options=PADN4)],
    [IPv6ExtHdrDestOpt(options=PADN4), IPv6ExtHdrDestOpt(options=PADN4),
     IPv6ExtHdrDestOpt(options=[PadN(otype=1, optdata=b"\0\0"), HAO(hoa=HOA)]),
     IPv6ExtHdrDestOpt(options=PADN4)],
], ids=["first-of-two", "before-fragment", "third-of-four"])
@pytest.mark.parametrize("args", [(), None], ids=["bound", "unbound"])
def test_ingress_hao_in_earlier_destination_options_dropped(cn_ns, chain, args):
    # The classifier scans only the last Destination Options header; a HAO
    # in an earlier one (found by fuzz_bpf.py) is dropped too, counted,
    # never passed up to a stack that cannot process it (RFC 6275 §6.3:
    # the HAO is in the Destination Options header after the routing
    # header, the one the CN restores only when it is the first and alone).
    pkt = IPv6(src=COA, dst=CN)
    for h in chain:
        pkt = pkt / h.copy()
    pkt = pkt / ICMPv6EchoRequest()
    r = run(cn_ns, "xdp", arriving(pkt), bound() if args is not None else ())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"RO_DROP_HAO_LAYOUT": 1}
    assert r.signal == []


def test_ingress_two_destination_options_without_hao_pass(cn_ns):
    # The control: the same chains without a HAO are not ours and go up.
    frame = arriving(IPv6(src=COA, dst=CN) / IPv6ExtHdrDestOpt(options=PADN4) /
                     IPv6ExtHdrDestOpt(options=PADN4) / ICMPv6EchoRequest())
    r = run(cn_ns, "xdp", frame, bound())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


@pytest.mark.parametrize("pkt", [
    IPv6(src=HOA, dst=CN) / MIP6MH_HoTI(cookie=b"12345678"),
    IPv6(src=COA, dst=CN) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / MIP6MH_BU(seq=1),
], ids=["hoti", "bu-with-hao"])
def test_ingress_mobility_header_to_agent(cn_ns, pkt):
    # With or without a binding: signalling is the agent's (§9.3.1 lets an MH with HAO through).
    r = run(cn_ns, "xdp", arriving(pkt), [])
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["family"] == RO_FAMILY
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == raw(pkt)


def test_ingress_rh2_to_cn_dropped(cn_ns):
    pkt = IPv6(src=COA, dst=CN) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) / \
        ICMPv6EchoRequest()
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"RO_DROP_RH2_TO_CN": 1}


@pytest.mark.parametrize("pkt", [
    IPv6(src=COA, dst=CN) / ICMPv6EchoRequest(),       # to the CN, no HAO
    IPv6(src=COA, dst=HOA) / ICMPv6EchoRequest(),      # not to the CN
], ids=["plain", "transit"])
def test_ingress_other_traffic_passes(cn_ns, pkt):
    frame = arriving(pkt)
    r = run(cn_ns, "xdp", frame, bound())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


def test_ingress_truncated_hao_dropped(cn_ns):
    pkt = IPv6(src=COA, dst=CN, nh=60) / Raw(bytes([58, 2, 1, 2, 0, 0, 0xc9, 16]) + bytes(8))
    r = run(cn_ns, "xdp", arriving(pkt), bound())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_MALFORMED": 1}


def test_ingress_not_ready(cn_ns):
    pkt, _ = from_coa_with_hao(ICMPv6EchoReply())
    r = run(cn_ns, "xdp", arriving(pkt), bound("--not-ready"))
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_READY": 1}
