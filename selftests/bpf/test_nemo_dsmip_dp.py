# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""NEMO over an IPv4 care-of address (RFC 3963 with RFC 5555: "mobile node"
there means host or router, §1), on crafted packets through
BPF_PROG_TEST_RUN, every output compared byte for byte with what Scapy
builds (checksums recomputed by Scapy).

HA: a packet to an address inside a mobile network prefix (xmip_mnp) goes
into the IPv4 tunnel of the router's binding (UDP 4191 through a NAT, or
41), XDP, tc ingress and the HA's own packets at tc egress (RFC 3963
§6.5); the reverse tunnel accepts an inner source in the router's
prefixes only from that router's observed address and port (§6.4).
MR: its tc egress tunnels sources in its prefixes over IPv4 (§5.5), its
XDP decapsulation of IPv6-in-IPv4 / UDP accepts destinations in them.
"""
import pytest
from scapy.all import Ether, IP, Raw, UDP
from scapy.layers.inet6 import IPv6

from conftest import (CN, HA, HOA, HOA2, MAC_HOME, MAC_MN, MAC_MN_GW, assert_same,
                      make_ha_ns, mn_args, pktrun)
from test_dsmip_dp import (HA4 as HA4_HA, IP4, NAT4, NATPORT, UDP4, UDP_COA, IP4_COA, COA4,
                           add_ipv4, args, check_scapy, dec, from_home, from_nat, from_uplink,
                           udp4, out4)

MNP = "2001:db8:100::/48"         # the router's mobile network prefix
HOST = "2001:db8:100:5::10"       # a host behind the router
HOST_OTHER = "2001:db8:200::10"   # in no prefix
UDP_COA2 = "::%x:ffff:%s" % (NATPORT + 1, NAT4)   # another router behind the same NAT


@pytest.fixture(scope="module")
def ns():
    n = make_ha_ns()
    try:
        add_ipv4(n)
        yield n
    finally:
        n.close()


def nargs(encap, *bindings, mnps=((MNP, HOA),)):
    extra = []
    for prefix, hoa in mnps:
        extra += ["--mnp", "%s=%s" % (prefix, hoa)]
    return args(encap, *bindings, extra=extra)


def v6(src=CN, dst=HOST, hlim=64, tc=0x28):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=0x12345) / \
        UDP(sport=4000, dport=5000) / Raw(bytes(range(80)))


# --- HA: to the mobile network -------------------------------------------------

@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ha_tunnels_a_prefix_destination_into_udp(ns, prog):
    inner = v6()
    r = pktrun(ns, "ha", prog, from_home(inner), ns.home, nargs(UDP4, (HOA, UDP_COA)))
    want = {"NEMO_PREFIX_HIT": 1, "DSMIP_ENCAP_OK": 1}
    if prog == "tc":
        want["FWD_REDIRECT"] = 1
    assert r.verdict in ("XDP_REDIRECT", "TC_ACT_REDIRECT"), r.js
    assert r.stats == want
    assert_same(r.out, udp4(dec(inner), 0x28))
    check_scapy(r.out)


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ha_tunnels_a_prefix_destination_ipv6_in_ipv4(ns, prog):
    inner = v6()
    r = pktrun(ns, "ha", prog, from_home(inner), ns.home, nargs(IP4, (HOA, IP4_COA)))
    assert r.stats.get("NEMO_PREFIX_HIT") == 1 and r.stats.get("DSMIP_ENCAP_OK") == 1, r.js
    assert_same(r.out, out4(dec(inner), 41, COA4, 0x28))
    check_scapy(r.out)


def test_ha_prefix_outside_or_router_gone_is_the_kernels(ns):
    frame = from_home(v6(dst=HOST_OTHER))
    r = pktrun(ns, "ha", "xdp", frame, ns.home, nargs(UDP4, (HOA, UDP_COA)))
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)
    # the router's binding is gone: its prefix entry leads nowhere
    frame = from_home(v6())
    r = pktrun(ns, "ha", "xdp", frame, ns.home, nargs(UDP4, (HOA2, UDP_COA2)))
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


def test_ha_egress_tunnels_its_own_packet_into_the_prefix(ns):
    # e.g. its Time Exceeded to a host behind the router: the kernel routes it
    # via the router's home address, whose neighbour entry is the HA's own MAC
    from scapy.layers.inet6 import ICMPv6TimeExceeded
    p = IPv6(src=HA, dst=HOST, hlim=64) / ICMPv6TimeExceeded() / Raw(b"x" * 48)
    r = pktrun(ns, "ha", "tc-out", Ether(src=MAC_HOME, dst=MAC_HOME) / p, ns.home,
               nargs(UDP4, (HOA, UDP_COA)))
    assert r.verdict == "TC_ACT_REDIRECT", r.js
    # counted once (mip6's egress looked it up and handed it on)
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "EGRESS_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, udp4(IPv6(bytes(p)), 0))
    check_scapy(r.out)


# --- HA: from the mobile network (reverse tunnel, anti-spoofing) ----------------

@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ha_reverse_accepts_a_prefix_source_from_the_router(ns, prog):
    inner = v6(src=HOST, dst=CN)
    r = pktrun(ns, "ha", prog, from_nat(inner), ns.uplink, nargs(UDP4, (HOA, UDP_COA)))
    assert r.verdict in ("XDP_PASS", "TC_ACT_OK"), r.js
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "DSMIP_DECAP_OK": 1}
    assert_same(r.out, from_uplink(inner))
    # IPv6-in-IPv4 (41) from the router's care-of address
    f = from_uplink(IP(src=COA4, dst=HA4_HA, proto=41) / inner)
    r = pktrun(ns, "ha", prog, f, ns.uplink, nargs(IP4, (HOA, IP4_COA)))
    assert r.stats == {"NEMO_PREFIX_HIT": 1, "DSMIP_DECAP_OK": 1}
    assert_same(r.out, from_uplink(inner))


@pytest.mark.parametrize("prog", ["xdp", "tc"])
def test_ha_reverse_prefix_source_from_another_node_dropped(ns, prog):
    # HOA2's node behind the same NAT (another port) may not send for HOA's prefix,
    # nor may anyone from another address or port, nor for a source in no prefix.
    a = nargs(UDP4, (HOA, UDP_COA), (HOA2, UDP_COA2))
    for f, want in ((from_nat(v6(src=HOST, dst=CN), sport=NATPORT + 1),
                     {"NEMO_PREFIX_HIT": 1, "DROP_DSMIP_SPOOFED": 1}),
                    (from_nat(v6(src=HOST, dst=CN), src="203.0.113.8"),
                     {"NEMO_PREFIX_HIT": 1, "DROP_DSMIP_SPOOFED": 1}),
                    (from_uplink(IP(src=NAT4, dst=HA4_HA, proto=41) / v6(src=HOST, dst=CN)),
                     {"NEMO_PREFIX_HIT": 1, "DROP_DSMIP_SPOOFED": 1}),
                    (from_nat(v6(src=HOST_OTHER, dst=CN)), {"DROP_DSMIP_UNKNOWN_HOA": 1})):
        r = pktrun(ns, "ha", prog, f, ns.uplink, a)
        assert r.verdict in ("XDP_DROP", "TC_ACT_SHOT"), want
        assert r.stats == want


# --- the mobile router over its IPv4 care-of address ---------------------------

MR_COA4 = "198.51.100.7"
MR_HA4 = "203.0.113.2"
MR_UDP4, MR_IPV4 = 2, 1      # enum xmip_mn_mode


def mr_args(mn_ns, mode, prefixes=True):
    extra = ["--mn4", "%d,%s,%s,0.0.0.0,4191" % (mode, MR_COA4, MR_HA4), "--gw-mac", MAC_MN_GW,
             "--coa-ifindex", str(mn_ns.mn)]
    if prefixes:
        extra += ["--mnp", "%s=%s" % (MNP, HOA)]
    return mn_args(away=True, extra=extra)


def to_mr(outer_l4, inner):
    return Ether(src=MAC_MN_GW, dst=MAC_MN) / IP(src=MR_HA4, dst=MR_COA4) / outer_l4 / inner


def test_mr_egress_tunnels_its_network_over_ipv4(mn_ns):
    inner = v6(src=HOST, dst=CN, hlim=63)
    for mode, l4, proto in ((MR_UDP4, UDP(sport=4191, dport=4191, chksum=0), 17),
                            (MR_IPV4, None, 41)):
        r = pktrun(mn_ns, "mn", "tc", Ether(src=MAC_MN, dst=MAC_MN) / inner, mn_ns.mn,
                   mr_args(mn_ns, mode))
        assert r.verdict == "TC_ACT_OK", r.js
        assert r.stats == {"MN_ENCAP4_OK": 1, "FWD_SAME_DEV": 1}
        outer = IP(src=MR_COA4, dst=MR_HA4, ttl=64, flags="DF", id=0, tos=0x28, proto=proto)
        want = Ether(src=MAC_MN, dst=MAC_MN_GW) / (outer / l4 / inner if l4 else outer / inner)
        assert_same(r.out, want)
        check_scapy(r.out)


def test_mr_egress_other_sources_untouched(mn_ns):
    frame = Ether(src=MAC_MN, dst=MAC_MN) / v6(src=HOST_OTHER, dst=CN)
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mr_args(mn_ns, MR_UDP4))
    assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


def test_mr_decap_delivers_to_its_network(mn_ns):
    inner = v6(src=CN, dst=HOST, hlim=57)
    for outer in (UDP(sport=4191, dport=4191, chksum=0), None):
        f = to_mr(outer, inner) if outer else \
            Ether(src=MAC_MN_GW, dst=MAC_MN) / IP(src=MR_HA4, dst=MR_COA4, proto=41) / inner
        r = pktrun(mn_ns, "mn", "xdp", f, mn_ns.mn,
                   mr_args(mn_ns, MR_UDP4 if outer else MR_IPV4))
        assert r.verdict == "XDP_PASS", r.js
        assert r.stats == {"MN_DECAP4_OK": 1}
        assert_same(r.out, Ether(src=MAC_MN_GW, dst=MAC_MN, type=0x86dd) / inner)


def test_mr_decap_outside_its_prefixes_and_a_plain_node_drop(mn_ns):
    udp = UDP(sport=4191, dport=4191, chksum=0)
    r = pktrun(mn_ns, "mn", "xdp", to_mr(udp, v6(src=CN, dst=HOST_OTHER)), mn_ns.mn,
               mr_args(mn_ns, MR_UDP4))
    assert r.verdict == "XDP_DROP" and r.stats == {"DROP_DECAP_NOT_HOA": 1}
    r = pktrun(mn_ns, "mn", "xdp", to_mr(udp, v6(src=CN, dst=HOST)), mn_ns.mn,
               mr_args(mn_ns, MR_UDP4, prefixes=False))
    assert r.verdict == "XDP_DROP" and r.stats == {"DROP_DECAP_NOT_HOA": 1}
