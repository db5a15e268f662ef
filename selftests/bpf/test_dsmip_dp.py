# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The DSMIPv6 datapath at the home agent (RFC 5555 §4.1; docs/dsmip.md,
"Datapath"), on crafted packets through BPF_PROG_TEST_RUN, in XDP and tc
ingress mode, every output compared byte for byte with a frame Scapy
built, and its IPv4, UDP and inner checksums recomputed by Scapy:

- to the MN: IPv6 and IPv4 in UDP 4191 in IPv4 (UDP checksum 0), IPv6-in-
  IPv4 (41), IPv4-in-IPv4 (4), IPv4-in-IPv6 (4) for an IPv4 home address
  with an IPv6 care-of address; TTL / hop limit decremented once and never
  passed on at 1; DSCP/ECN copied (RFC 6040); DF; path MTU (Packet Too Big,
  Fragmentation Needed, counted drop without DF);
- from the MN: decapsulation with the anti-spoofing rule (outer address
  and UDP port of the inner source's binding; IPv4-in-IPv6 from exactly the
  IPv6 CoA of the IPv4 home address's binding), signalling in UDP 4191 left
  to the agent's socket, ECN at decapsulation (RFC 6040 §4.2).
"""
import pytest
from scapy.all import Ether, IP, ICMP, Raw, UDP
from scapy.layers.inet6 import IPv6, ICMPv6PacketTooBig, MIP6MH_BU

from conftest import (CN, COA, HA, HOA, MAC_HOME, MAC_HOME_ROUTER, MAC_UPLINK, MAC_UPLINK_GW,
                      UPLINK_GW, assert_same, make_ha_ns, pktrun)

HA4 = "198.51.100.2"        # the HA's IPv4 address (uplink)
GW4 = "198.51.100.1"        # its IPv4 gateway
NAT4 = "203.0.113.7"        # the NAT's public address (the binding's observed address)
NATPORT = 4660              # the NAT's port for the MN
COA4 = "203.0.113.9"        # an IPv4 CoA without NAT
HOA4 = "192.0.2.100"        # the MN's IPv4 home address
HOME4 = "192.0.2.1"         # the HA on the home link
CN4 = "192.0.2.50"          # an IPv4 correspondent on the home link

UDP4, IP4 = 3, 2            # enum xmip_encap
UDP_COA = "::%x:ffff:%s" % (NATPORT, NAT4)   # ::PORT:ffff:a.b.c.d (XMIP_FW_UDP_PORT_OFF)
IP4_COA = "::ffff:" + COA4
HOA4_KEY = "::ffff:" + HOA4


def add_ipv4(n):
    """IPv4 on the HA namespace's home link and uplink (also fuzz_bpf.py's ha4-xdp)."""
    n.ip("addr", "add", HOME4 + "/24", "dev", "xbth")
    n.ip("addr", "add", HA4 + "/24", "dev", "xbtu")
    n.ip("route", "add", "default", "via", GW4, "dev", "xbtu")
    n.ip("neigh", "replace", GW4, "lladdr", MAC_UPLINK_GW, "dev", "xbtu", "nud", "permanent")
    n.run("sysctl", "-qw", "net.ipv4.ip_forward=1")


@pytest.fixture(scope="module")
def ns():
    n = make_ha_ns()
    try:
        add_ipv4(n)
        yield n
    finally:
        n.close()


def args(encap, *bindings, mtu=1400, extra=()):
    a = ["--self", HA, "--self4", HA4, "--mtu", str(mtu), "--binding-encap", str(encap)]
    for hoa, coa in bindings:
        a += ["-b", "%s=%s" % (hoa, coa)]
    return a + list(extra)


def v6(src=CN, dst=HOA, hlim=64, tc=0x28, size=80):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=0x12345) / UDP(sport=4000, dport=5000) / \
        Raw(bytes(range(256)) * (size // 256) + bytes(size % 256))


def v4(src=CN4, dst=HOA4, ttl=64, tos=0x28, df=True, size=80, ident=77):
    return IP(src=src, dst=dst, ttl=ttl, tos=tos, id=ident, flags="DF" if df else 0) / \
        UDP(sport=4000, dport=5000) / Raw(bytes(range(256)) * (size // 256) + bytes(size % 256))


def from_home(p):
    return Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / p


def from_uplink(p):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / p


def dec(p):
    """What the HA forwards: TTL / hop limit one less (Scapy recomputes the IPv4 checksum)."""
    q = p.__class__(bytes(p))
    if isinstance(q, IPv6):
        q.hlim -= 1
    else:
        q.ttl -= 1
        del q.chksum
    return q.__class__(bytes(q))


def out4(inner, proto, dst, tos, df=True, ident=0):
    return Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IP(src=HA4, dst=dst, ttl=64, tos=tos, id=ident, flags="DF" if df else 0, proto=proto) / inner


def udp4(inner, tos):
    return out4(UDP(sport=4191, dport=NATPORT, chksum=0) / inner, 17, NAT4, tos)


def check_scapy(frame):
    """Every checksum in the frame is what Scapy computes from scratch."""
    got = Ether(frame)
    ref = got.copy()
    for layer in (IP, UDP, ICMP):
        i = 1
        while ref.getlayer(layer, i) is not None:
            lay = ref.getlayer(layer, i)
            if layer is UDP and lay.chksum == 0:
                i += 1
                continue
            del lay.chksum
            i += 1
    assert bytes(Ether(bytes(ref))) == bytes(got), "a checksum differs from Scapy's"


# --- to the mobile node -------------------------------------------------------

@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ipv6_in_udp_in_ipv4(ns, prog):
    inner = v6()
    r = pktrun(ns, "ha", prog, from_home(inner), ns.home, args(UDP4, (HOA, UDP_COA)))
    want = udp4(dec(inner), 0x28)
    if prog == "xdp":
        assert r.verdict == "XDP_REDIRECT" and r.stats == {"DSMIP_ENCAP_OK": 1}
    else:
        assert r.verdict == "TC_ACT_REDIRECT"
        assert r.stats == {"DSMIP_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, want)
    check_scapy(r.out)
    assert Ether(r.out)[UDP].chksum == 0        # RFC 5555 §4.1 over IPv4


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ipv4_in_udp_in_ipv4(ns, prog):
    inner = v4()
    r = pktrun(ns, "ha", prog, from_home(inner), ns.home, args(UDP4, (HOA4_KEY, UDP_COA)))
    assert r.stats.get("DSMIP_ENCAP_OK") == 1
    assert_same(r.out, udp4(dec(inner), 0x28))
    check_scapy(r.out)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ipv6_in_ipv4_and_ipv4_in_ipv4(ns, prog):
    a = args(IP4, (HOA, IP4_COA), (HOA4_KEY, IP4_COA))
    i6, i4 = v6(tc=0xb9), v4(tos=0xb9)          # DSCP 46, ECN CE: copied (RFC 6040)
    r6 = pktrun(ns, "ha", prog, from_home(i6), ns.home, a)
    assert_same(r6.out, out4(dec(i6), 41, COA4, 0xb9))
    r4 = pktrun(ns, "ha", prog, from_home(i4), ns.home, a)
    assert_same(r4.out, out4(dec(i4), 4, COA4, 0xb9))
    check_scapy(r6.out)
    check_scapy(r4.out)


def test_ipv4_without_df_keeps_df_clear(ns):
    inner = v4(df=False)
    r = pktrun(ns, "ha", "xdp", from_home(inner), ns.home, args(IP4, (HOA4_KEY, IP4_COA)))
    got = Ether(r.out)
    assert got[IP].flags == 0                    # RFC 2003 §3.1: DF copied
    assert_same(r.out, out4(dec(inner), 4, COA4, 0x28, df=False, ident=got[IP].id))
    check_scapy(r.out)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ipv4_in_ipv6_for_an_ipv4_home_address(ns, prog):
    inner = v4()
    r = pktrun(ns, "ha", prog, from_home(inner), ns.home, args(0, (HOA4_KEY, COA)))
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA, nh=4, hlim=64, tc=0x28, fl=0) / dec(inner)
    assert r.stats.get("DSMIP_ENCAP_OK") == 1
    assert_same(r.out, want)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ttl_and_hop_limit_1_go_to_the_kernel(ns, prog):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA))
    for p in (v6(hlim=1), v4(ttl=1)):
        r = pktrun(ns, "ha", prog, from_home(p), ns.home, a)
        assert r.verdict in ("XDP_PASS", "TC_ACT_OK")
        assert r.stats == {"FALLBACK_HOP_LIMIT": 1}
        assert_same(r.out, from_home(p))


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_too_big(ns, prog):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA), mtu=1300)
    # IPv4 with DF: Fragmentation Needed with the tunnel's MTU (RFC 1191).
    big4 = v4(size=1400)
    r = pktrun(ns, "ha", prog, from_home(big4), ns.home, a)
    assert r.stats == {"FRAG_NEEDED_SENT": 1}
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
        IP(src=HA4, dst=CN4, ttl=64, id=0, flags=0) / ICMP(type=3, code=4, nexthopmtu=1300) / \
        Raw(bytes(big4)[:548])
    assert_same(r.out, want)
    check_scapy(r.out)
    # Without DF: dropped and counted (the HA does not fragment).
    r = pktrun(ns, "ha", prog, from_home(v4(size=1400, df=False)), ns.home, a)
    assert r.verdict in ("XDP_DROP", "TC_ACT_SHOT") and r.stats == {"DROP_DSMIP_TOO_BIG": 1}
    # IPv6: Packet Too Big, as for the IPv6 tunnel.
    r = pktrun(ns, "ha", prog, from_home(v6(size=1400)), ns.home, a)
    assert r.stats == {"PTB_SENT": 1}
    assert Ether(r.out)[ICMPv6PacketTooBig].mtu == 1300


def test_bad_ipv4_coa_is_dropped(ns):
    for coa in ("::ffff:" + HA4, "::ffff:127.0.0.1", "::ffff:224.0.0.1", "::ffff:0.0.0.0"):
        r = pktrun(ns, "ha", "xdp", from_home(v6()), ns.home, args(IP4, (HOA, coa)))
        assert r.verdict == "XDP_DROP" and r.stats == {"DROP_BAD_COA": 1}, coa


def test_unbound_ipv4_is_the_kernels(ns):
    p = from_home(v4(dst="192.0.2.77"))
    r = pktrun(ns, "ha", "xdp", p, ns.home, args(UDP4, (HOA4_KEY, UDP_COA)))
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_NOT_IPV6": 1}
    assert_same(r.out, p)


# --- from the mobile node -----------------------------------------------------

def from_nat(inner, sport=NATPORT, src=NAT4, tos=0):
    return from_uplink(IP(src=src, dst=HA4, tos=tos) / UDP(sport=sport, dport=4191) / inner)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_reverse_udp(ns, prog):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA))
    for inner in (v6(src=HOA, dst=CN), v4(src=HOA4, dst=CN4)):
        r = pktrun(ns, "ha", prog, from_nat(inner), ns.uplink, a)
        assert r.verdict in ("XDP_PASS", "TC_ACT_OK")
        assert r.stats == {"DSMIP_DECAP_OK": 1}
        # Up to the kernel as it came (it forwards and decrements).
        assert_same(r.out, from_uplink(inner))


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_reverse_ip_in_ip(ns, prog):
    a = args(IP4, (HOA, IP4_COA), (HOA4_KEY, IP4_COA))
    for inner, proto in ((v6(src=HOA, dst=CN), 41), (v4(src=HOA4, dst=CN4), 4)):
        f = from_uplink(IP(src=COA4, dst=HA4, proto=proto) / inner)
        r = pktrun(ns, "ha", prog, f, ns.uplink, a)
        assert r.stats == {"DSMIP_DECAP_OK": 1}
        assert_same(r.out, from_uplink(inner))


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_reverse_spoofed_port_address_or_inner_source_dropped(ns, prog):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA))
    inner = v6(src=HOA, dst=CN)
    for f, reason in ((from_nat(inner, sport=NATPORT + 1), "DROP_DSMIP_SPOOFED"),
                      (from_nat(inner, src="203.0.113.8"), "DROP_DSMIP_SPOOFED"),
                      (from_nat(v4(src=HOA4, dst=CN4), sport=999), "DROP_DSMIP_SPOOFED"),
                      (from_nat(v6(src="2001:db8:1::999", dst=CN)), "DROP_DSMIP_UNKNOWN_HOA"),
                      (from_nat(Raw(b"\x00" * 30)), "DROP_DSMIP_NOT_TUNNEL"),
                      (from_uplink(IP(src=NAT4, dst=HA4, proto=41) / inner), "DROP_DSMIP_SPOOFED")):
        r = pktrun(ns, "ha", prog, f, ns.uplink, a)
        assert r.verdict in ("XDP_DROP", "TC_ACT_SHOT"), reason
        assert r.stats == {reason: 1}


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_reverse_ipv4_in_ipv6(ns, prog):
    """IPv4-in-IPv6 from the MN's IPv6 CoA (RFC 5555 §4.1): decapsulated only
    from the CoA of the inner source's binding; ECN CE applied (RFC 6040)."""
    a = args(0, (HOA, COA), (HOA4_KEY, COA))
    inner = v4(src=HOA4, dst=CN4)
    r = pktrun(ns, "ha", prog, from_uplink(IPv6(src=COA, dst=HA, nh=4) / inner), ns.uplink, a)
    assert r.verdict in ("XDP_PASS", "TC_ACT_OK")
    assert r.stats == {"DSMIP_DECAP_OK": 1}
    assert_same(r.out, from_uplink(inner))
    check_scapy(r.out)
    ce = IPv6(src=COA, dst=HA, nh=4, tc=0x03) / v4(src=HOA4, dst=CN4, tos=0x2a)
    r = pktrun(ns, "ha", prog, from_uplink(ce), ns.uplink, a)
    assert r.stats == {"DSMIP_DECAP_OK": 1}
    assert Ether(r.out)[IP].tos == 0x2b
    check_scapy(r.out)
    for f, reason in (
            # another IPv6 address than the binding's CoA
            (IPv6(src="2001:db8:a::999", dst=HA, nh=4) / inner, "DROP_DSMIP_SPOOFED"),
            # an inner source with no binding
            (IPv6(src=COA, dst=HA, nh=4) / v4(src="192.0.2.99", dst=CN4), "DROP_DSMIP_UNKNOWN_HOA"),
            # not an IPv4 packet, or a bad header checksum
            (IPv6(src=COA, dst=HA, nh=4) / v6(src=HOA, dst=CN), "DROP_MALFORMED"),
            (IPv6(src=COA, dst=HA, nh=4) / IP(bytes(inner)[:10] + b"\x00\x00" + bytes(inner)[12:]),
             "DROP_MALFORMED"),
            # not-ECT inner under a CE outer (RFC 6040 §4.2)
            (IPv6(src=COA, dst=HA, nh=4, tc=0x03) / v4(src=HOA4, dst=CN4, tos=0x28),
             "DROP_DSMIP_ECN")):
        r = pktrun(ns, "ha", prog, from_uplink(f), ns.uplink, a)
        assert r.verdict in ("XDP_DROP", "TC_ACT_SHOT"), reason
        assert r.stats == {reason: 1}, reason
    # an IPv4 home address bound over IPv4 is not accepted from an IPv6 CoA
    r = pktrun(ns, "ha", prog, from_uplink(IPv6(src=COA, dst=HA, nh=4) / inner), ns.uplink,
               args(IP4, (HOA4_KEY, IP4_COA)))
    assert r.stats == {"DROP_DSMIP_SPOOFED": 1}


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_signalling_in_udp_goes_to_the_agents_socket(ns, prog):
    """A BU from anywhere (a new NAT port included) reaches the socket untouched."""
    bu = IPv6(src=HOA, dst=HA) / MIP6MH_BU(seq=3, flags=0x4000 >> 8)
    f = from_nat(bu, sport=5555)
    r = pktrun(ns, "ha", prog, f, ns.uplink, args(UDP4, (HOA, UDP_COA)))
    assert r.verdict in ("XDP_PASS", "TC_ACT_OK")
    assert r.stats == {"DSMIP_SIGNAL_PASS": 1}
    assert_same(r.out, f)


def test_reverse_ecn(ns):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA))
    # Outer CE, inner ECT(0): inner becomes CE (RFC 6040 §4.2), checksum updated.
    inner = v4(src=HOA4, dst=CN4, tos=0x2a)
    r = pktrun(ns, "ha", "xdp", from_nat(inner, tos=0x03), ns.uplink, a)
    want = inner.copy()
    want.tos = 0x2b
    del want.chksum
    assert_same(r.out, from_uplink(IP(bytes(want))))
    check_scapy(r.out)
    # Outer CE, inner not-ECT: dropped.
    r = pktrun(ns, "ha", "xdp", from_nat(v6(src=HOA, dst=CN, tc=0x28), tos=0x03), ns.uplink, a)
    assert r.verdict == "XDP_DROP" and r.stats == {"DROP_DSMIP_ECN": 1}


# --- the HA's own packets (tc egress) -----------------------------------------

def own(p):
    """As the HA's kernel sends it: to its own MAC (the HoA's neighbour entry, fwsync.c)."""
    return Ether(src=MAC_HOME, dst=MAC_HOME) / p


def test_egress_tunnels_the_has_own_packets(ns):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA))
    from scapy.layers.inet6 import ICMPv6EchoReply
    for p in (IPv6(src=HA, dst=HOA, hlim=64) / ICMPv6EchoReply(id=7, seq=1, data=b"ping" * 8),
              IP(src=HOME4, dst=HOA4, ttl=64, flags="DF") / ICMP(type=0, id=7) / Raw(b"ping" * 8)):
        t = pktrun(ns, "ha", "tc-out", own(p), ns.home, a)
        assert t.verdict == "TC_ACT_REDIRECT"        # out of the uplink, towards the NAT
        assert t.stats == {"EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
        want = p.__class__(bytes(p))                   # not decremented: the HA's own
        assert_same(t.out, udp4(want, 0))
        check_scapy(t.out)


def test_egress_leaves_signalling_and_unbound_alone(ns):
    a = args(UDP4, (HOA, UDP_COA), (HOA4_KEY, UDP_COA))
    from scapy.layers.inet6 import MIP6MH_BA
    # The BA stays on the home link, to the HoA's solicited-node MAC (never the
    # HA's own, where the neighbour entry points: test_ha_fast.py says why).
    ba = IPv6(src=HA, dst=HOA) / MIP6MH_BA(seq=1)
    t = pktrun(ns, "ha", "tc-out", own(ba), ns.home, a)
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    sn = "33:33:ff:%02x:%02x:%02x" % tuple(bytes(IPv6(dst=HOA))[37:40])
    assert_same(t.out, Ether(src=own(ba).src, dst=sn) / ba)
    p = IP(src=HOME4, dst="192.0.2.77") / UDP()
    t = pktrun(ns, "ha", "tc-out", own(p), ns.home, a)
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, own(p))
