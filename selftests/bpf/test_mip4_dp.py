# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The Mobile IPv4 datapath at the home agent (RFC 5944 §4; docs/mip4.md,
"Datapath"), on crafted packets through BPF_PROG_TEST_RUN, in XDP and tc
ingress mode, every output compared byte for byte with a frame built
independently: IP-in-IP and GRE by Scapy (scapy.layers.inet, l2.GRE),
UDP 434 type 4 by scapy.layers.mobileip, minimal encapsulation by hand
(RFC 2004 §3, its checksum by scapy.utils.checksum); every IPv4 checksum
recomputed by Scapy:

- to the MN: IP-in-IP (RFC 2003), minimal (RFC 2004, S = 1), GRE (RFC
  2784), each also inside UDP 434 to the NAT's port (RFC 3519 §3.3); inner
  TTL decremented once, never passed on at 1 (RFC 2003 §3.1); DSCP/ECN
  copied (RFC 6040); DF; Fragmentation Needed; minimal falls back to
  IP-in-IP for a fragment or a header with options;
- from the MN: the reverse tunnel (RFC 3024) of each form decapsulated
  with the anti-spoofing rule (outer source and port the binding's, inner
  source the home address, the encapsulation the registered one), T
  required, ECN at decapsulation (RFC 6040 §4.2), registrations on UDP 434
  left to the agent's socket, DSMIPv6's IPv4-in-IPv4 still DSMIPv6's;
- the HA's own packets (tc egress) through the tunnel, but its
  registration replies;
- ICMP errors from inside the tunnel (RFC 2003 §4) relayed to the original
  sender (Datagram Too Big with the tunnel's overhead taken off, Time
  Exceeded and unreachables as Host Unreachable), checksums verified; those
  it must not relay, minimal encapsulation's and others' left to the kernel.
"""
import struct

import pytest
from scapy.all import Ether, IP, ICMP, Raw, UDP
from scapy.layers.l2 import GRE
from scapy.layers.mobileip import MobileIP, MobileIPTunnelData
from scapy.utils import checksum

from conftest import (HA, MAC_HOME, MAC_HOME_ROUTER, MAC_UPLINK, MAC_UPLINK_GW,
                      assert_same, make_ha_ns, pktrun)
from test_dsmip_dp import add_ipv4, check_scapy, HA4, NAT4, NATPORT, COA4, HOA4, HOME4, CN4

IPIP, MINENC, GRE_E = 4, 5, 6                # enum xmip_encap (XMIP_ENCAP_MIP4_*)
REV, COLOC = 0x1, 0x2                        # XMIP_MIP4_REC_* in bu_flags
KEY = "::ffff:" + HOA4
COA = "::ffff:" + COA4
UDP_COA = "::%x:ffff:%s" % (NATPORT, NAT4)
PROTO = {IPIP: 4, MINENC: 55, GRE_E: 47}


@pytest.fixture(scope="module")
def ns():
    n = make_ha_ns()
    try:
        add_ipv4(n)
        yield n
    finally:
        n.close()


def args(encap, coa=COA, flags=REV, mtu=1400, extra=()):
    return ["--self", HA, "--self4", HA4, "--mtu", str(mtu), "--binding-encap", str(encap),
            "--binding-flags", str(flags), "-b", "%s=%s" % (KEY, coa)] + list(extra)


def v4(src=CN4, dst=HOA4, ttl=64, tos=0x28, df=True, size=80, ident=77, **kw):
    return IP(src=src, dst=dst, ttl=ttl, tos=tos, id=ident, flags="DF" if df else 0, **kw) / \
        UDP(sport=4000, dport=5000) / Raw(bytes(range(256)) * (size // 256) + bytes(size % 256))


def from_home(p):
    return Ether(src=MAC_HOME_ROUTER, dst=MAC_HOME) / p


def from_uplink(p):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / p


def dec(p):
    q = IP(bytes(p))
    q.ttl -= 1
    del q.chksum
    return IP(bytes(q))


def minfwd(inner):
    """RFC 2004 §3.1 forwarding header with the original source (S = 1), by hand."""
    h = struct.pack("!BBH4s4s", inner.proto, 0x80, 0, bytes(inner)[16:20], bytes(inner)[12:16])
    return h[:2] + struct.pack("!H", checksum(h)) + h[4:]


def to_mn(inner, encap, udp=False, dst=None):
    """What the HA sends for `inner` (already decremented), built independently."""
    dst = dst or (NAT4 if udp else COA4)
    eth = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW)
    df = "DF" if inner.flags.DF else 0
    if encap == MINENC:
        raw = bytes(inner)
        rest = Raw(minfwd(inner) + raw[20:])
        if udp:
            rest = UDP(sport=434, dport=NATPORT, chksum=0) / MobileIP(type=4) / \
                MobileIPTunnelData(nexthdr=55) / rest
        return eth / IP(src=HA4, dst=dst, tos=inner.tos, id=inner.id, flags=df, ttl=inner.ttl,
                        proto=17 if udp else 55) / rest
    body = inner if encap == IPIP else GRE(proto=0x0800) / inner
    if udp:
        body = UDP(sport=434, dport=NATPORT, chksum=0) / MobileIP(type=4) / \
            MobileIPTunnelData(nexthdr=PROTO[encap]) / body
        proto = 17
    else:
        proto = PROTO[encap]
    return eth / IP(src=HA4, dst=dst, ttl=64, tos=inner.tos, id=0, flags=df, proto=proto) / body


def decode_minimal(frame, udp=False):
    """An independent RFC 2004 decapsulator: the original packet back."""
    raw = bytes(frame)[14:]
    off = 20 + (12 if udp else 0)
    mf = raw[off:off + 12]
    assert checksum(mf) == 0, "minimal forwarding header checksum"
    assert mf[1] & 0x80
    hdr = bytearray(raw[:20])
    hdr[9] = mf[0]
    hdr[12:16] = mf[8:12]
    hdr[16:20] = mf[4:8]
    payload = raw[off + 12:]
    hdr[2:4] = struct.pack("!H", 20 + len(payload))
    hdr[10:12] = b"\0\0"
    hdr[10:12] = struct.pack("!H", checksum(bytes(hdr)))
    return IP(bytes(hdr) + payload)


ENCAPS = [IPIP, MINENC, GRE_E]


# --- to the mobile node -------------------------------------------------------

@pytest.mark.parametrize("prog", ["xdp", "tc"])
@pytest.mark.parametrize("encap", ENCAPS)
@pytest.mark.parametrize("udp", [False, True])
def test_to_the_mn(ns, prog, encap, udp):
    inner = v4(tos=0xb9)                       # DSCP 46, ECN CE: copied (RFC 6040)
    r = pktrun(ns, "ha", prog, from_home(inner), ns.home,
               args(encap, UDP_COA if udp else COA, REV | (COLOC if udp else 0)))
    want = to_mn(dec(inner), encap, udp)
    if prog == "xdp":
        assert r.verdict == "XDP_REDIRECT" and r.stats == {"MIP4_ENCAP_OK": 1}
    else:
        assert r.verdict == "TC_ACT_REDIRECT"
        assert r.stats == {"MIP4_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, want)
    check_scapy(r.out)
    got = Ether(r.out)
    if udp:
        assert got[UDP].sport == 434 and got[UDP].dport == NATPORT and got[UDP].chksum == 0
        assert got[MobileIP].type == 4 and got[MobileIPTunnelData].nexthdr == PROTO[encap]
    if encap == MINENC:
        back = decode_minimal(r.out, udp)
        assert bytes(back) == bytes(dec(inner)) if not udp else True
        if not udp:
            # the modified header carries the tunnel's ends; the original is restored
            assert back.src == CN4 and back.dst == HOA4 and back.ttl == 63
    elif encap == GRE_E:
        # Scapy does not dissect GRE behind the type-4 header: from its bytes
        g = GRE(bytes(got[MobileIPTunnelData].payload)) if udp else got[GRE]
        assert g.proto == 0x0800 and bytes(g)[:2] == b"\0\0"
        assert bytes(g.payload) == bytes(dec(inner))
    else:
        assert bytes(got[IP].payload if not udp else got[MobileIPTunnelData].payload) == \
            bytes(dec(inner))


@pytest.mark.parametrize("prog", ["xdp", "tc"])
@pytest.mark.parametrize("encap", ENCAPS)
def test_ttl_1_goes_to_the_kernel(ns, prog, encap):
    p = from_home(v4(ttl=1))
    r = pktrun(ns, "ha", prog, p, ns.home, args(encap))
    assert r.verdict in ("XDP_PASS", "TC_ACT_OK") and r.stats == {"FALLBACK_HOP_LIMIT": 1}
    assert_same(r.out, p)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_minimal_falls_back_to_ipip_for_fragments_and_options(ns, prog):
    frag = IP(src=CN4, dst=HOA4, ttl=64, tos=0x28, id=77, flags="MF") / Raw(b"x" * 64)
    for inner in (frag, v4(options=b"\x01\x01\x01\x00")):
        r = pktrun(ns, "ha", prog, from_home(inner), ns.home, args(MINENC))
        assert r.stats.get("MIP4_MINENC_AS_IPIP") == 1 and r.stats.get("MIP4_ENCAP_OK") == 1
        got = Ether(r.out)
        assert got[IP].proto == 4
        assert bytes(got[IP].payload) == bytes(dec(inner))
        check_scapy(r.out)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_too_big(ns, prog):
    big = v4(size=1400)
    r = pktrun(ns, "ha", prog, from_home(big), ns.home, args(GRE_E, mtu=1300))
    assert r.stats == {"FRAG_NEEDED_SENT": 1}
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
        IP(src=HA4, dst=CN4, ttl=64, id=0, flags=0) / ICMP(type=3, code=4, nexthopmtu=1300) / \
        Raw(bytes(big)[:548])
    assert_same(r.out, want)
    check_scapy(r.out)
    r = pktrun(ns, "ha", prog, from_home(v4(size=1400, df=False)), ns.home, args(GRE_E, mtu=1300))
    assert r.verdict in ("XDP_DROP", "TC_ACT_SHOT") and r.stats == {"DROP_DSMIP_TOO_BIG": 1}


def test_bad_tunnel_end_is_dropped(ns):
    for coa in ("::ffff:" + HA4, "::ffff:127.0.0.1", "::ffff:224.0.0.1", "::ffff:0.0.0.0"):
        r = pktrun(ns, "ha", "xdp", from_home(v4()), ns.home, args(IPIP, coa))
        assert r.verdict == "XDP_DROP" and r.stats == {"DROP_BAD_COA": 1}, coa


# --- from the mobile node (reverse tunnel, RFC 3024) ---------------------------

def rev(inner, encap, udp=False, src=None, sport=NATPORT, tos=0):
    """A reverse-tunnelled packet as the MN (co-located) or the FA sends it."""
    src = src or (NAT4 if udp else COA4)
    if encap == MINENC:
        raw = bytes(inner)
        rest = Raw(minfwd(inner) + raw[20:])
        if udp:
            rest = UDP(sport=sport, dport=434) / MobileIP(type=4) / \
                MobileIPTunnelData(nexthdr=55) / rest
        return from_uplink(IP(src=src, dst=HA4, tos=inner.tos, id=inner.id, ttl=inner.ttl,
                              flags=inner.flags, proto=17 if udp else 55) / rest)
    body = inner if encap == IPIP else GRE(proto=0x0800) / inner
    if udp:
        body = UDP(sport=sport, dport=434) / MobileIP(type=4) / \
            MobileIPTunnelData(nexthdr=PROTO[encap]) / body
    return from_uplink(IP(src=src, dst=HA4, tos=tos, proto=17 if udp else PROTO[encap]) / body)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
@pytest.mark.parametrize("encap", ENCAPS)
@pytest.mark.parametrize("udp", [False, True])
def test_reverse(ns, prog, encap, udp):
    inner = v4(src=HOA4, dst=CN4)
    a = args(encap, UDP_COA if udp else COA)
    r = pktrun(ns, "ha", prog, rev(inner, encap, udp), ns.uplink, a)
    assert r.verdict in ("XDP_PASS", "TC_ACT_OK")
    assert r.stats == {"MIP4_DECAP_OK": 1}
    # Up to the kernel as the MN sent it (it forwards and decrements).
    assert_same(r.out, from_uplink(IP(bytes(inner))))
    check_scapy(r.out)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_reverse_spoofing_and_mismatches_dropped(ns, prog):
    inner = v4(src=HOA4, dst=CN4)
    cases = [
        (args(IPIP), rev(inner, IPIP, src="203.0.113.8"), "DROP_MIP4_SPOOFED"),
        (args(GRE_E), rev(inner, GRE_E, src="203.0.113.8"), "DROP_MIP4_SPOOFED"),
        (args(MINENC), rev(inner, MINENC, src="203.0.113.8"), "DROP_MIP4_SPOOFED"),
        # the encapsulation is not the registered one (RFC 3519 §3.3)
        (args(GRE_E), rev(inner, MINENC), "DROP_MIP4_SPOOFED"),
        (args(IPIP, UDP_COA), rev(inner, GRE_E, udp=True), "DROP_MIP4_SPOOFED"),
        # another port of the NAT (only a registration moves a binding)
        (args(IPIP, UDP_COA), rev(inner, IPIP, udp=True, sport=NATPORT + 1), "DROP_MIP4_SPOOFED"),
        # plain IP-in-IP from the NAT for a UDP binding
        (args(GRE_E, UDP_COA), rev(inner, GRE_E, src=NAT4), "DROP_MIP4_SPOOFED"),
        # an inner source with no binding
        (args(GRE_E), rev(v4(src="192.0.2.99", dst=CN4), GRE_E), "DROP_MIP4_UNKNOWN_HOA"),
        # registered without T (RFC 3024)
        (args(GRE_E, flags=0), rev(inner, GRE_E), "DROP_MIP4_NO_REVERSE"),
        # GRE with the checksum bit or another protocol type
        (args(GRE_E), from_uplink(IP(src=COA4, dst=HA4, proto=47) / GRE(chksum_present=1) /
                                  inner), "DROP_MIP4_BAD_TUNNEL"),
        (args(GRE_E), from_uplink(IP(src=COA4, dst=HA4, proto=47) / GRE(proto=0x86dd) /
                                  Raw(b"\0" * 40)), "DROP_MIP4_BAD_TUNNEL"),
    ]
    bad_mf = bytearray(bytes(rev(inner, MINENC)))
    bad_mf[14 + 20 + 2] ^= 0xff                 # minimal header checksum broken
    cases.append((args(MINENC), Ether(bytes(bad_mf)), "DROP_MIP4_BAD_TUNNEL"))
    for a, f, reason in cases:
        r = pktrun(ns, "ha", prog, f, ns.uplink, a)
        assert r.verdict in ("XDP_DROP", "TC_ACT_SHOT"), reason
        assert r.stats == {reason: 1}, (reason, r.stats)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_keepalive_reaches_the_ha_without_t(ns, prog):
    """RFC 3519 §4.9: an ICMP echo to the HA inside the UDP tunnel, T or not."""
    ka = IP(src=HOA4, dst=HA4, ttl=64) / ICMP(type=8, id=1, seq=1)
    f = rev(ka, IPIP, udp=True)
    r = pktrun(ns, "ha", prog, f, ns.uplink, args(IPIP, UDP_COA, flags=COLOC))
    assert r.stats == {"MIP4_DECAP_OK": 1}
    assert_same(r.out, from_uplink(IP(bytes(ka))))


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_registration_on_434_goes_to_the_agents_socket(ns, prog):
    rrq = from_uplink(IP(src=NAT4, dst=HA4) / UDP(sport=5555, dport=434) /
                      Raw(bytes([1, 0x02]) + b"\0" * 22))
    r = pktrun(ns, "ha", prog, rrq, ns.uplink, args(IPIP, UDP_COA))
    assert r.verdict in ("XDP_PASS", "TC_ACT_OK") and r.stats == {"MIP4_SIGNAL_PASS": 1}
    assert_same(r.out, rrq)


def test_reverse_ecn(ns):
    inner = v4(src=HOA4, dst=CN4, tos=0x2a)            # ECT(0)
    r = pktrun(ns, "ha", "xdp", rev(inner, GRE_E, tos=0x03), ns.uplink, args(GRE_E))
    want = inner.copy()
    want.tos = 0x2b                                     # CE (RFC 6040 §4.2)
    del want.chksum
    assert_same(r.out, from_uplink(IP(bytes(want))))
    check_scapy(r.out)
    r = pktrun(ns, "ha", "xdp", rev(v4(src=HOA4, dst=CN4, tos=0x28), IPIP, tos=0x03),
               ns.uplink, args(IPIP))
    assert r.verdict == "XDP_DROP" and r.stats == {"DROP_DSMIP_ECN": 1}


def test_dsmip_ipv4_in_ipv4_is_still_dsmips(ns):
    """Protocol 4 whose inner source is a DSMIPv6 binding: DSMIPv6's reverse path."""
    inner = v4(src=HOA4, dst=CN4)
    r = pktrun(ns, "ha", "xdp", rev(inner, IPIP), ns.uplink, args(2))
    assert r.stats == {"DSMIP_DECAP_OK": 1}


# --- the HA's own packets (tc egress) -----------------------------------------

def own(p):
    return Ether(src=MAC_HOME, dst=MAC_HOME) / p


@pytest.mark.parametrize("encap", ENCAPS)
def test_egress_tunnels_the_has_own_packets(ns, encap):
    p = IP(src=HA4, dst=HOA4, ttl=64, flags="DF", id=9) / ICMP(type=0, id=7) / Raw(b"ping" * 8)
    t = pktrun(ns, "ha", "tc-out", own(p), ns.home, args(encap, UDP_COA, COLOC))
    assert t.verdict == "TC_ACT_REDIRECT"
    assert t.stats == {"EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(t.out, to_mn(IP(bytes(p)), encap, udp=True))    # not decremented
    check_scapy(t.out)


def test_egress_leaves_registration_replies_alone(ns):
    rrp = IP(src=HOME4, dst=HOA4) / UDP(sport=434, dport=434) / Raw(bytes([3, 0]) + b"\0" * 18)
    t = pktrun(ns, "ha", "tc-out", own(rrp), ns.home, args(IPIP))
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, own(rrp))


# --- ICMP errors from inside the tunnel (RFC 2003 §4) --------------------------

ROUTER = "198.51.100.77"       # a router inside the tunnel, beyond the uplink
REPORT_FAMILY = 254            # XMIP_FAMILY_ICMP_REPORT


@pytest.fixture
def cn_neigh(ns):
    """The original sender's MAC, so the relayed error has a prepared next hop."""
    ns.ip("neigh", "replace", CN4, "lladdr", MAC_HOME_ROUTER, "dev", "xbth", "nud", "permanent")
    yield
    ns.ip("neigh", "del", CN4, "dev", "xbth")


def icmp_from_tunnel(encap, udp, typ, code, mtu=0):
    """A router's error quoting our tunnel packet: outer header(s), inner header and 8 octets."""
    inner = dec(v4())
    t = bytes(to_mn(inner, encap, udp))[14:]
    xlen = (12 if udp else 0) + (4 if encap == GRE_E else 0)
    quote = t[:20 + xlen + 28]
    ic = ICMP(type=typ, code=code, nexthopmtu=mtu) if typ == 3 else ICMP(type=typ, code=code)
    f = from_uplink_frame(IP(src=ROUTER, dst=HA4, ttl=60) / ic / Raw(quote))
    return f, quote[20 + xlen:], xlen


def from_uplink_frame(p):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / p


@pytest.mark.parametrize("encap,udp", [(IPIP, False), (GRE_E, False), (IPIP, True), (GRE_E, True)])
def test_icmp_relayed_to_the_original_sender(ns, cn_neigh, encap, udp):
    coa = UDP_COA if udp else COA
    for typ, code, mtu, want_code in ((3, 4, 1400, 4), (11, 0, 0, 1), (3, 0, 0, 1), (3, 1, 0, 1)):
        f, inner_quote, xlen = icmp_from_tunnel(encap, udp, typ, code, mtu)
        r = pktrun(ns, "ha", "tc", f, ns.uplink, args(encap, coa))
        assert r.verdict == "TC_ACT_REDIRECT", (typ, code)
        if want_code == 4:
            # RFC 2003 §5.1: the Fragmentation Needed also goes to the agent
            # (the tunnel's MTU soft state), as received, before the relay.
            assert r.stats == {"MIP4_ICMP_RELAYED": 1, "FWD_REDIRECT": 1, "ICMP_TO_AGENT": 1,
                               "SIGNAL_SRC_NEW": 1}, r.stats
            assert [e["family"] for e in r.signal] == [REPORT_FAMILY]
            assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(f)[14:]
        else:
            assert r.stats == {"MIP4_ICMP_RELAYED": 1, "FWD_REDIRECT": 1}, r.stats
            assert r.signal == []
        nh = mtu - 20 - xlen if want_code == 4 else 0
        want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
            IP(src=HA4, dst=CN4, ttl=64, id=0, flags=0, tos=0) / \
            ICMP(type=3, code=want_code, nexthopmtu=nh) / Raw(inner_quote)
        assert_same(r.out, want)
        assert checksum(bytes(r.out)[34:]) == 0, "relayed ICMP checksum"
        assert checksum(bytes(r.out)[14:34]) == 0, "relayed IPv4 header checksum"
    # XDP hands it to tc, unmarked (tc ingress takes it), the frame unchanged.
    x = pktrun(ns, "ha", "xdp", f, ns.uplink, args(encap, coa))
    assert x.verdict == "XDP_PASS" and x.stats == {"PASS_MIP4_ICMP_TO_TC": 1}
    assert not x.marked
    assert_same(x.out, f)


def test_icmp_not_relayed(ns, cn_neigh):
    for encap, typ, code in ((IPIP, 3, 3), (IPIP, 3, 5), (MINENC, 3, 3)):
        f, _, _ = icmp_from_tunnel(encap, False, typ, code, 1400)
        r = pktrun(ns, "ha", "tc", f, ns.uplink, args(encap))
        assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_MIP4_ICMP": 1}, (encap, code)
        assert_same(r.out, f)
    # The quote names a tunnel end that is not the inner destination's binding's.
    f, _, _ = icmp_from_tunnel(IPIP, False, 3, 1)
    r = pktrun(ns, "ha", "tc", f, ns.uplink, args(IPIP, "::ffff:203.0.113.99"))
    assert r.stats == {"PASS_MIP4_ICMP": 1}
    # Not about one of our tunnel packets at all: the kernel's.
    f = from_uplink_frame(IP(src=ROUTER, dst=HA4) / ICMP(type=3, code=1) /
                          Raw(bytes(IP(src="198.51.100.9", dst="1.2.3.4") / UDP())))
    r = pktrun(ns, "ha", "tc", f, ns.uplink, args(IPIP))
    assert r.stats == {"PASS_NOT_IPV6": 1}
