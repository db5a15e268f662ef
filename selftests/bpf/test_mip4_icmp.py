# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""ICMP from inside the home agent's Mobile IPv4 tunnels (RFC 2003 §4, §5;
RFC 2004 §5; docs/mip4.md, "ICMP errors from inside the tunnel"), through
BPF_PROG_TEST_RUN, outputs compared byte for byte with frames Scapy builds
(scapy.layers.inet) and checksums verified independently
(scapy.utils.checksum):

- minimal encapsulation: a router's error quoting the modified header, the
  forwarding header and 8 octets or more of the payload is relayed to the
  original source with the original header restored in the quote
  (RFC 2004 §3); a quote shorter than that is counted and left to the
  kernel;
- every Fragmentation Needed about a tunnel packet goes to the agent as a
  report (the received packet as it was), relayed or not: the tunnel's MTU
  soft state (§5.1); the agent's side is selftests/unit/test_icmp4_report.c;
- with that soft state (the binding's path MTU, --path-mtu), a later DF
  packet too big for it less the packet's tunnel overhead gets a
  Fragmentation Needed from the HA with that MTU; one that fits, and one
  without DF, are still tunnelled; the HA's own packets are not limited;
- the HA's ICMP Redirects to a bound home address never enter the tunnel.
"""
import pytest
from scapy.all import Ether, IP, ICMP, Raw, UDP
from scapy.utils import checksum

from conftest import MAC_HOME, MAC_HOME_ROUTER, assert_same, pktrun
from test_dsmip_dp import check_scapy, HA4, COA4, HOA4, CN4
from test_mip4_dp import (ns, cn_neigh, args, v4, dec, to_mn, from_home, from_uplink_frame,  # noqa: F401
                          own, IPIP, MINENC, GRE_E, COA, UDP_COA, ROUTER, REPORT_FAMILY, REV, COLOC)

GROW = {IPIP: 20, MINENC: 12, GRE_E: 24}      # octets each form adds (UDP 434: 12 more)


def minimal_error(udp, typ, code, mtu, cut):
    """A router's error quoting `cut` octets of our minimal-encapsulation tunnel packet."""
    inner = dec(v4())
    t = bytes(to_mn(inner, MINENC, udp))[14:]
    ic = ICMP(type=typ, code=code, nexthopmtu=mtu) if typ == 3 else ICMP(type=typ, code=code)
    f = from_uplink_frame(IP(src=ROUTER, dst=HA4, ttl=60) / ic / Raw(t[:cut]))
    return f, inner


def relayed(code, mtu, quote):
    return Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
        IP(src=HA4, dst=CN4, ttl=64, id=0, flags=0, tos=0) / \
        ICMP(type=3, code=code, nexthopmtu=mtu) / Raw(quote)


# --- minimal encapsulation (RFC 2004 §5 -> RFC 2003 §4) -----------------------

@pytest.mark.parametrize("udp", [False, True])
@pytest.mark.parametrize("payload", [8, 60])
def test_minimal_error_relayed_with_the_original_header(ns, cn_neigh, udp, payload):
    xlen = 12 if udp else 0
    coa = UDP_COA if udp else COA
    for typ, code, mtu, want_code in ((3, 4, 1400, 4), (11, 0, 0, 1), (3, 0, 0, 1), (3, 2, 0, 1)):
        f, inner = minimal_error(udp, typ, code, mtu, 20 + xlen + 12 + payload)
        r = pktrun(ns, "ha", "tc", f, ns.uplink, args(MINENC, coa, REV | (COLOC if udp else 0)))
        assert r.verdict == "TC_ACT_REDIRECT", (typ, code)
        want_stats = {"MIP4_ICMP_RELAYED": 1, "FWD_REDIRECT": 1}
        if want_code == 4:
            want_stats.update(ICMP_TO_AGENT=1, SIGNAL_SRC_NEW=1)
        assert r.stats == want_stats, (typ, code, r.stats)
        # §4.1: the MTU less the tunnel's overhead (forwarding header, UDP 434)
        nh = mtu - 12 - xlen if want_code == 4 else 0
        # the quote: the original packet's header (RFC 2004 §3, decapsulation) and payload
        assert_same(r.out, relayed(want_code, nh, bytes(inner)[:20 + payload]))
        out = bytes(r.out)
        assert checksum(out[34:]) == 0, "relayed ICMP checksum"
        assert checksum(out[14:34]) == 0 and checksum(out[42:62]) == 0, "IPv4 header checksums"
        q = IP(out[42:])
        assert (q.src, q.dst, q.proto, q.len) == (CN4, HOA4, 17, inner.len)
        check_scapy(r.out)
    # XDP hands it to tc unchanged
    x = pktrun(ns, "ha", "xdp", f, ns.uplink, args(MINENC, coa, REV | (COLOC if udp else 0)))
    assert x.verdict == "XDP_PASS" and x.stats == {"PASS_MIP4_ICMP_TO_TC": 1} and not x.marked


@pytest.mark.parametrize("udp", [False, True])
def test_minimal_short_quote_counted_not_relayed(ns, cn_neigh, udp):
    xlen = 12 if udp else 0
    coa = UDP_COA if udp else COA
    a = args(MINENC, coa, REV | (COLOC if udp else 0))
    # RFC 792's 8 octets (original destination only), the forwarding header
    # without payload, 7 octets of payload: none can be relayed.
    for cut in (20 + xlen + 8, 20 + xlen + 12, 20 + xlen + 12 + 7):
        for code in (4, 1):
            f, _ = minimal_error(udp, 3, code, 1400, cut)
            r = pktrun(ns, "ha", "tc", f, ns.uplink, a)
            assert r.verdict == "TC_ACT_OK", (cut, code)
            want = {"PASS_MIP4_ICMP_SHORT": 1}
            if code == 4:       # the soft state learns from it all the same
                want.update(ICMP_TO_AGENT=1, SIGNAL_SRC_NEW=1)
                assert r.signal[0]["family"] == REPORT_FAMILY
                assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(f)[14:]
            assert r.stats == want, (cut, code, r.stats)
            assert_same(r.out, f)


def test_ipip_short_quote_reported_not_relayed(ns, cn_neigh):
    """RFC 2003 §5: 8 octets past the outer header hold no inner header; the report still goes."""
    inner = dec(v4())
    t = bytes(to_mn(inner, IPIP))[14:]
    f = from_uplink_frame(IP(src=ROUTER, dst=HA4) / ICMP(type=3, code=4, nexthopmtu=1300) /
                          Raw(t[:28]))
    r = pktrun(ns, "ha", "tc", f, ns.uplink, args(IPIP))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_MIP4_ICMP_SHORT": 1, "ICMP_TO_AGENT": 1, "SIGNAL_SRC_NEW": 1}
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(f)[14:]
    assert_same(r.out, f)


# --- the tunnel's MTU soft state (RFC 2003 §5.1) -------------------------------

PMTU = 1300     # what a Fragmentation Needed taught the agent (outer packets)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
@pytest.mark.parametrize("encap", [IPIP, MINENC, GRE_E])
@pytest.mark.parametrize("udp", [False, True])
def test_learnt_tunnel_mtu(ns, prog, encap, udp):
    coa = UDP_COA if udp else COA
    a = args(encap, coa, REV | (COLOC if udp else 0), mtu=1500, extra=["--path-mtu", str(PMTU)])
    limit = PMTU - GROW[encap] - (12 if udp else 0)
    big = v4(size=limit - 28 + 1)                 # one octet more than the tunnel takes
    r = pktrun(ns, "ha", prog, from_home(big), ns.home, a)
    assert r.verdict in ("XDP_TX", "TC_ACT_REDIRECT") and r.stats == {"FRAG_NEEDED_SENT": 1}
    want = Ether(src=MAC_HOME, dst=MAC_HOME_ROUTER) / \
        IP(src=HA4, dst=CN4, ttl=64, id=0, flags=0) / ICMP(type=3, code=4, nexthopmtu=limit) / \
        Raw(bytes(big)[:548])
    assert_same(r.out, want)
    check_scapy(r.out)
    # exactly the limit: tunnelled, an outer packet of PMTU octets
    fits = v4(size=limit - 28)
    r = pktrun(ns, "ha", prog, from_home(fits), ns.home, a)
    assert "MIP4_ENCAP_OK" in r.stats and "FRAG_NEEDED_SENT" not in r.stats
    assert_same(r.out, to_mn(dec(fits), encap, udp))
    assert len(r.out) - 14 == PMTU
    # without DF: tunnelled as before (DF clear outside too; the routers fragment)
    nodf = v4(size=limit - 28 + 1, df=False)
    r = pktrun(ns, "ha", prog, from_home(nodf), ns.home, a)
    assert "MIP4_ENCAP_OK" in r.stats, r.stats
    want = to_mn(dec(nodf), encap, udp)
    if encap != MINENC:         # an outer header without DF gets an Identification (RFC 6864)
        assert Ether(r.out)[IP].id != 0
        want[IP].id = Ether(r.out)[IP].id
    assert_same(r.out, Ether(bytes(want)))


def test_learnt_mtu_minimal_falling_back_to_ipip_counts_ipips_overhead(ns):
    """A fragment cannot go minimal (RFC 2004 §3): its IP-in-IP overhead is the one taken off."""
    a = args(MINENC, mtu=1500, extra=["--path-mtu", str(PMTU)])
    frag = v4(size=PMTU - 20 - 28 + 1, df=True, frag=0)
    frag.flags = "DF+MF"
    r = pktrun(ns, "ha", "tc", from_home(frag), ns.home, a)
    assert r.stats.get("FRAG_NEEDED_SENT") == 1, r.stats
    assert Ether(r.out)[ICMP].nexthopmtu == PMTU - 20


def test_learnt_mtu_does_not_limit_the_has_own_packets(ns):
    p = IP(src=HA4, dst=HOA4, ttl=64, flags="DF", id=9) / ICMP(type=0, id=7) / Raw(b"x" * 1400)
    t = pktrun(ns, "ha", "tc-out", own(p), ns.home,
               args(IPIP, mtu=1500, extra=["--path-mtu", str(PMTU)]))
    assert t.verdict == "TC_ACT_REDIRECT" and t.stats == {"EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(t.out, to_mn(IP(bytes(p)), IPIP))


# --- ICMP Redirects (never into the tunnel) ---------------------------------------

def redirect(dst):
    return IP(src=HA4, dst=dst, ttl=64) / ICMP(type=5, code=1, gw=CN4) / \
        Raw(bytes(IP(src=dst, dst=CN4, ttl=63) / UDP(sport=5000, dport=4000))[:28])


@pytest.mark.parametrize("encap", [IPIP, MINENC, GRE_E, 2])    # 2: DSMIPv6's IPv4 home address
def test_redirect_to_a_bound_home_address_is_dropped(ns, encap):
    t = pktrun(ns, "ha", "tc-out", own(redirect(HOA4)), ns.home, args(encap))
    assert t.verdict == "TC_ACT_SHOT" and t.stats == {"DROP_MIP4_REDIRECT": 1}


def test_redirect_to_others_and_other_icmp_untouched(ns):
    t = pktrun(ns, "ha", "tc-out", own(redirect("10.1.0.77")), ns.home, args(IPIP))
    assert t.verdict == "TC_ACT_OK" and t.stats == {}
    assert_same(t.out, own(redirect("10.1.0.77")))
    # an echo reply to the bound address still goes through the tunnel
    p = IP(src=HA4, dst=HOA4, ttl=64, id=3, flags="DF") / ICMP(type=0, id=7) / Raw(b"ping")
    t = pktrun(ns, "ha", "tc-out", own(p), ns.home, args(IPIP))
    assert t.stats == {"EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(t.out, to_mn(IP(bytes(p)), IPIP))


def test_relay_leaves_the_frames_padding_out(ns, cn_neigh):
    """Octets after the error's Total Length (Ethernet padding) are not quoted in the relay."""
    for encap, mk in ((IPIP, None), (MINENC, True)):
        if mk:
            f, inner = minimal_error(False, 3, 1, 0, 20 + 12 + 8)
            quote = bytes(inner)[:28]
        else:
            inner = dec(v4())
            t = bytes(to_mn(inner, IPIP))[14:]
            f = from_uplink_frame(IP(src=ROUTER, dst=HA4) / ICMP(type=3, code=1) / Raw(t[:48]))
            quote = t[20:48]
        r = pktrun(ns, "ha", "tc", bytes(f) + b"\xaa\x55\x01", ns.uplink, args(encap))
        assert r.stats == {"MIP4_ICMP_RELAYED": 1, "FWD_REDIRECT": 1}, r.stats
        assert_same(r.out, relayed(1, 0, quote))
        assert checksum(bytes(r.out)[34:]) == 0
