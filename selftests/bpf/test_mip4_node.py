# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The Mobile IPv4 datapath of the foreign agent and of the co-located
mobile node (bpf/xmip_mip4.bpf.c, bpf/mip4/node.h; docs/mip4.md,
"Datapath"), on crafted packets through BPF_PROG_TEST_RUN (tc), outputs
compared byte for byte with frames built by Scapy (IP-in-IP, l2.GRE,
mobileip's type 4) or by hand (minimal encapsulation, test_mip4_dp.py's
builder), every IPv4 checksum recomputed by Scapy:

- FA: a tunnel from the visitor's home agent to the FA's care-of address,
  each form, decapsulated and sent to the visitor's MAC on its link (RFC
  5944 §4.2.2); from anyone else, or of another form, dropped and counted;
  the visitor's packets reverse-tunnelled to its home agent (RFC 3024
  §4.2), TTL one less, but those to the FA itself and those from another
  MAC;
- MN (co-located, behind a NAT): UDP 434 type 4 from the home agent
  decapsulated (RFC 3519 §4.3), a registration reply left to the socket;
  its packets from the home address reverse-tunnelled in UDP 434 (tc
  egress, RFC 3024 §4.1), not decremented.
"""
import socket
import struct

import pytest
from scapy.all import Ether, IP, Raw, UDP
from scapy.layers.l2 import GRE
from scapy.layers.mobileip import MobileIP, MobileIPTunnelData

from conftest import (MAC_HOME, MAC_UPLINK, MAC_UPLINK_GW, assert_same, make_ha_ns, pktrun)
from test_dsmip_dp import add_ipv4, check_scapy
from test_mip4_dp import minfwd, v4

IPIP, MINENC, GRE_E = 4, 5, 6
PROTO = {IPIP: 4, MINENC: 55, GRE_E: 47}
ENCAPS = [IPIP, MINENC, GRE_E]
HOA = "10.1.0.100"            # the visitor's (or this MN's) home address
HAR = "203.0.113.50"          # its home agent, beyond the uplink's gateway
COA = "198.51.100.2"          # the FA's (or MN's) care-of address: the uplink's
CNR = "192.0.2.77"            # a correspondent
MAC_V = "02:00:00:00:aa:01"   # the visitor's MAC on the visited link (xbth)
REV, FA = 0x1, 0x2            # XMIP_MIP4_TUN_F_*


@pytest.fixture(scope="module")
def ns():
    n = make_ha_ns()
    try:
        add_ipv4(n)
        yield n
    finally:
        n.close()


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def tun_file(tmp_path, encap, flags, ifindex, udp=False):
    """One xmip_mip4_tun record (include/xmip_mip4_dp.h), as the agents write it."""
    port = socket.htons(434) if udp else 0
    rec = socket.inet_aton(HOA) + socket.inet_aton(HAR) + socket.inet_aton(COA) + \
        struct.pack("=HHBB", port, port, encap, flags) + mac(MAC_V) + mac(MAC_HOME) + \
        struct.pack("=HI", 0, ifindex)
    p = tmp_path / "tun.bin"
    p.write_bytes(rec)
    return ["--relay", str(p)]


def tunnel(inner, encap, src, dst, udp=False, fwd_ttl=None):
    """inner in encap from src to dst (minimal: inner's header modified), by Scapy/by hand."""
    if encap == MINENC:
        raw = bytes(inner)
        rest = Raw(minfwd(inner) + raw[20:])
        if udp:
            rest = UDP(sport=434, dport=434, chksum=0) / MobileIP(type=4) / \
                MobileIPTunnelData(nexthdr=55) / rest
        return IP(src=src, dst=dst, tos=inner.tos, id=inner.id, flags=inner.flags,
                  ttl=inner.ttl, proto=17 if udp else 55) / rest
    body = inner if encap == IPIP else GRE(proto=0x0800) / inner
    if udp:
        body = UDP(sport=434, dport=434, chksum=0) / MobileIP(type=4) / \
            MobileIPTunnelData(nexthdr=PROTO[encap]) / body
    return IP(src=src, dst=dst, ttl=64, tos=inner.tos, id=0, flags=inner.flags,
              proto=17 if udp else PROTO[encap]) / body


def up(p):
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / p


def dec(p):
    q = IP(bytes(p))
    q.ttl -= 1
    del q.chksum
    return IP(bytes(q))


# --- the foreign agent ----------------------------------------------------------

@pytest.mark.parametrize("encap", ENCAPS)
def test_fa_decapsulates_to_the_visitor(ns, tmp_path, encap):
    inner = v4(src=CNR, dst=HOA, ttl=60, tos=0x28)
    a = tun_file(tmp_path, encap, FA | REV, ns.home)
    r = pktrun(ns, "mip4", "tc", up(tunnel(inner, encap, HAR, COA)), ns.uplink, a)
    assert r.verdict == "TC_ACT_REDIRECT"
    assert r.stats == {"MIP4_NODE_DECAP_OK": 1, "FWD_REDIRECT": 1}
    assert_same(r.out, Ether(src=MAC_HOME, dst=MAC_V) / IP(bytes(inner)))
    check_scapy(r.out)


def test_fa_takes_ipip_for_minimal(ns, tmp_path):
    """The HA sends IP-in-IP where minimal cannot be (RFC 2004 §3)."""
    inner = v4(src=CNR, dst=HOA)
    r = pktrun(ns, "mip4", "tc", up(tunnel(inner, IPIP, HAR, COA)), ns.uplink,
               tun_file(tmp_path, MINENC, FA | REV, ns.home))
    assert r.stats == {"MIP4_NODE_DECAP_OK": 1, "FWD_REDIRECT": 1}


@pytest.mark.parametrize("encap", ENCAPS)
def test_fa_drops_tunnels_not_from_the_home_agent(ns, tmp_path, encap):
    inner = v4(src=CNR, dst=HOA)
    a = tun_file(tmp_path, encap, FA | REV, ns.home)
    other = {IPIP: GRE_E, MINENC: GRE_E, GRE_E: MINENC}[encap]
    for f in (up(tunnel(inner, encap, "203.0.113.51", COA)),      # another source
              up(tunnel(inner, other, HAR, COA)),                 # another form
              up(tunnel(inner, encap, HAR, COA, udp=True))):      # in UDP, not registered so
        r = pktrun(ns, "mip4", "tc", f, ns.uplink, a)
        assert r.verdict == "TC_ACT_SHOT" and r.stats == {"DROP_MIP4_NODE_NOT_HA": 1}, r.stats


@pytest.mark.parametrize("encap", ENCAPS)
def test_fa_reverse_tunnels_the_visitors_packets(ns, tmp_path, encap):
    inner = v4(src=HOA, dst=CNR, ttl=64, tos=0xb9)
    f = Ether(src=MAC_V, dst=MAC_HOME) / inner
    r = pktrun(ns, "mip4", "tc", f, ns.home, tun_file(tmp_path, encap, FA | REV, ns.home))
    assert r.verdict == "TC_ACT_REDIRECT"
    assert r.stats == {"MIP4_NODE_ENCAP_OK": 1, "FWD_REDIRECT": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / tunnel(dec(inner), encap, COA, HAR)
    assert_same(r.out, want)
    check_scapy(r.out)


def test_fa_leaves_other_packets_alone(ns, tmp_path):
    a = tun_file(tmp_path, GRE_E, FA | REV, ns.home)
    for f in (Ether(src=MAC_V, dst=MAC_HOME) / v4(src=HOA, dst="192.0.2.1"),   # to the FA
              Ether(src="02:00:00:00:aa:02", dst=MAC_HOME) / v4(src=HOA, dst=CNR),
              Ether(src=MAC_V, dst=MAC_HOME) / v4(src="192.0.2.9", dst=CNR)):
        r = pktrun(ns, "mip4", "tc", f, ns.home, a)
        assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_MIP4_NODE": 1}
        assert_same(r.out, f)
    # T not granted: no reverse tunnel.
    f = Ether(src=MAC_V, dst=MAC_HOME) / v4(src=HOA, dst=CNR)
    r = pktrun(ns, "mip4", "tc", f, ns.home, tun_file(tmp_path, GRE_E, FA, ns.home))
    assert r.stats == {"PASS_MIP4_NODE": 1}


def test_fa_ttl_1_is_not_tunnelled(ns, tmp_path):
    f = Ether(src=MAC_V, dst=MAC_HOME) / v4(src=HOA, dst=CNR, ttl=1)
    r = pktrun(ns, "mip4", "tc", f, ns.home, tun_file(tmp_path, IPIP, FA | REV, ns.home))
    assert r.verdict == "TC_ACT_OK" and r.stats == {"FALLBACK_HOP_LIMIT": 1}


# --- the co-located mobile node (behind a NAT: UDP 434) -------------------------------

@pytest.mark.parametrize("encap", ENCAPS)
def test_mn_decapsulates_udp(ns, tmp_path, encap):
    inner = v4(src=CNR, dst=HOA, ttl=50)
    a = tun_file(tmp_path, encap, REV, ns.uplink, udp=True)
    r = pktrun(ns, "mip4", "tc", up(tunnel(inner, encap, HAR, COA, udp=True)), ns.uplink, a)
    assert r.verdict == "TC_ACT_OK" and r.stats == {"MIP4_NODE_DECAP_OK": 1}
    assert_same(r.out, up(IP(bytes(inner))))
    check_scapy(r.out)
    # Tunnel data from another port of the home agent: dropped.
    f = bytearray(bytes(up(tunnel(inner, encap, HAR, COA, udp=True))))
    f[34:36] = struct.pack("!H", 435)
    r = pktrun(ns, "mip4", "tc", Ether(bytes(f)), ns.uplink, a)
    assert r.stats == {"DROP_MIP4_NODE_NOT_HA": 1}


def test_mn_leaves_registration_replies_to_the_socket(ns, tmp_path):
    rrp = up(IP(src=HAR, dst=COA) / UDP(sport=434, dport=434) / Raw(bytes([3, 0]) + b"\0" * 18))
    r = pktrun(ns, "mip4", "tc", rrp, ns.uplink, tun_file(tmp_path, IPIP, REV, ns.uplink, True))
    assert r.verdict == "TC_ACT_OK" and r.stats == {"PASS_MIP4_NODE": 1}
    assert_same(r.out, rrp)


@pytest.mark.parametrize("encap", ENCAPS)
def test_mn_reverse_tunnels_in_udp(ns, tmp_path, encap):
    inner = v4(src=HOA, dst=CNR, ttl=64)
    f = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / inner
    r = pktrun(ns, "mip4", "tc-out", f, ns.uplink,
               tun_file(tmp_path, encap, REV, ns.uplink, udp=True))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"MIP4_NODE_ENCAP_OK": 1, "FWD_SAME_DEV": 1}
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        tunnel(IP(bytes(inner)), encap, COA, HAR, udp=True)     # its own: not decremented
    assert_same(r.out, want)
    check_scapy(r.out)
    got = Ether(r.out)
    assert got[MobileIP].type == 4 and got[MobileIPTunnelData].nexthdr == PROTO[encap]


def test_mn_egress_leaves_the_rest(ns, tmp_path):
    a = tun_file(tmp_path, IPIP, REV, ns.uplink, udp=True)
    for p in (v4(src=COA, dst=HAR),                                       # from the CoA
              IP(src=HOA, dst=HAR) / UDP(sport=434, dport=434) / Raw(b"\1" * 24)):
        f = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / p
        r = pktrun(ns, "mip4", "tc-out", f, ns.uplink, a)
        assert r.verdict == "TC_ACT_OK" and r.stats == {}
        assert_same(r.out, f)
    # Without T: sent as it is.
    f = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / v4(src=HOA, dst=CNR)
    r = pktrun(ns, "mip4", "tc-out", f, ns.uplink, tun_file(tmp_path, IPIP, 0, ns.uplink, True))
    assert r.stats == {} and bytes(Ether(r.out)) == bytes(f)
