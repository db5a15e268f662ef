#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Fuzz the shipped BPF programs through BPF_PROG_TEST_RUN (docs/RELIABILITY.md).

Frames are random bytes, or mutations (octet flips, truncation, growth,
addresses swapped for those of the bindings, header fields overwritten)
of the BPF tests' packets built with Scapy; the generator is seeded, so a
run is reproducible (--seed). xmip_pktrun --batch runs each frame once in
a namespace set up as for the packet tests (selftests/bpf/conftest.py:
real interfaces, routes and neighbours for bpf_fib_lookup) and reports the
verdict, the counters that moved and the output frame.

Properties checked for every frame (violations are printed with the frame):
  1. the verdict is one the path allows (HA XDP: DROP, PASS, TX, REDIRECT;
     MN XDP: DROP, PASS; MN tc: OK, SHOT, REDIRECT; CN XDP: DROP, PASS; CN
     tc: OK, SHOT, REDIRECT); never XDP_ABORTED;
  2. exactly one outcome counter moves per frame and its kind matches the
     verdict: a drop is counted under a DROP_* reason (or is signalling
     handed to the agent), a pass under PASS_*/FALLBACK_*, a frame sent on
     under FWD_*/PTB_SENT. Stage counters (ENCAP_OK, DECAP_OK, RETUNNEL_OK,
     MN_ENCAP_OK, MN_DECAP_OK, NH_*) may move beside it; MN_DECAP_OK alone
     is the outcome of a decapsulated frame passed up, and on the HA's fast
     path ENCAP_OK or RETUNNEL_OK alone that of a tunnelled frame sent on
     (one counter per encapsulation: no FWD_* beside it); the signalling
     admission's SIGNAL_SRC_NEW and SIGNAL_WAKEUP_FORCED move only beside
     SIGNAL_TO_AGENT, ICMP_TO_AGENT (a report through the same admission)
     or a DROP_SIGNAL_*/DROP_ICMP_REPORT_LIMITED reason; ICMP_TO_AGENT is
     a drop on the HA and a pass on the MN (its kernel sees the PTB too);
     the CN's refusal of a Home Address option (RO_DROP_HAO_NO_BINDING) is
     the outcome of its frame even though it also hands the headers to the
     agent (SIGNAL_TO_AGENT or the admission's DROP_SIGNAL_* beside it, for
     the Binding Error);
  3. a frame leaves (XDP_TX/REDIRECT, or passed up changed) only as
       - a tunnel from the HA (outer source = the HA) to the CoA of a live,
         usable binding whose home address is the inner destination, the
         inner source being, if the frame came through the reverse tunnel,
         a bound home address whose CoA was the outer source;
       - a decapsulated reverse-tunnelled frame whose inner source is a
         bound home address and whose outer source was that binding's CoA;
       - a Packet Too Big from the HA to the source of a frame for a bound
         home address;
       - MN: a frame from the home address, tunnelled from the CoA to the
         HA (tc), or the inner frame of a tunnel from the HA to the CoA
         whose inner destination is the home address (XDP);
       - CN (RFC 6275 §9.3): tc: a frame from the CN to a home address with
         a live correspondent binding, sent to that binding's CoA with a
         type-2 routing header naming the home address (RO_RH2_OK is a stage
         counter there: the frame's outcome is how it left, FWD_* or
         FALLBACK_FIB_*); XDP: a frame to the
         CN whose Home Address option names a home address with a live
         binding whose CoA is the frame's source, passed up from the home
         address with the option gone;
     and (CN XDP) no frame to the CN that carries a Home Address option is
     passed up unless so restored — in a non-first fragment too, where the
     HAO is in front of the Fragment header (or a first fragment of a
     Mobility Header, or a fragment whose HAO the classifier does not scan,
     PASS_FRAGMENT, which the kernel drops on the option it does not know): a HAO without a binding
     is never delivered;
  4. a ring-buffer record is produced only when SIGNAL_TO_AGENT or
     ICMP_TO_AGENT moved.

  6. HA XDP with DSMIPv6 bindings (ha4-xdp; bpf/dsmip/ha.h, entries of
     selftests/bpf/test_dsmip_dp.py; UDP 4191 bindings of an IPv6 and an
     IPv4 home address to one NAT address and port): a frame leaves only
     as IPv4 | UDP 4191 -> that address and port (outer IPv4 checksum
     right, UDP checksum 0) around a packet whose destination is a bound
     home address and which is the input, TTL / hop limit one less; as a
     Packet Too Big or an ICMP Fragmentation Needed from the HA to the
     source of a frame for a bound home address; or passed up changed only
     as the decapsulated inner packet of UDP from exactly that address and
     port to the HA's IPv4 address with a bound home address as source.
     DSMIP_ENCAP_OK alone is a frame sent on, DSMIP_DECAP_OK alone one
     passed up.

  7. HA XDP with a Mobile IPv4 binding (mip4-xdp: minimal encapsulation in
     UDP 434 to a NAT, mip4g-xdp: GRE to a care-of address, both with T;
     bpf/mip4/ha.h, entries of selftests/bpf/test_mip4_dp.py): a frame
     leaves only as IPv4 from the HA to the binding's tunnel end (outer
     checksum right; with UDP: 434 -> the NAT's port, checksum 0, type 4
     whose Next Header is the encapsulation) around the input to the bound
     home address, TTL one less, decoded by the test's own decoders (the
     minimal header's checksum checked), or as IP-in-IP where minimal
     cannot be used; as Fragmentation Needed to the source of a frame for
     the home address; or passed up changed only as the decapsulated
     packet of a tunnel from exactly the binding's end (and port) whose
     inner source is the home address. MIP4_ENCAP_OK alone is a frame
     sent on, MIP4_DECAP_OK alone one passed up.

  5. RS XDP (the NTMobile relay, bpf/xmip_rs.bpf.c, entries of
     selftests/bpf/test_rs.py): a frame leaves only if it matched a relay
     entry: RS-S out to the other leg of the tunnel leg it came from,
     RS-N decapsulated to the GN from the RS (the flow's entry), or
     tunnelled to the node's NAT mapping with the path's id; every drop
     counted by reason; never XDP_ABORTED.

  7. NTM node tc (bpf/xmip_ntm.bpf.c, entries of selftests/bpf/test_ntm_node.py:
     one tunnel, the far end over IPv4 and IPv6): ntm-tcout (the virtual
     interface's egress) sends a frame on only as outer IP | UDP from the
     node's address and port to the tunnel's far end, tunnel header 0x11
     with the path's id and the matching Next Header, around the input
     packet unchanged, whose source is the node's virtual address and whose
     destination a peer's; ntm-tc (the real interfaces' ingress) changes a
     frame only by decapsulating a tunnel packet from the registered far
     end (address, port, path id) whose inner source is the peer's virtual
     address and destination ours. One outcome counter per frame (the outer
     checksum's NTM_CSUM_ZERO is a stage beside it).

  8. HA tc ingress on ICMP errors from inside a Mobile IPv4 tunnel
     (mip4-tc: the binding of 7's mip4-xdp, minimal encapsulation in UDP
     434 to a NAT; bpf/mip4/ha.h "ICMP relay", entries of
     selftests/bpf/test_mip4_icmp.py): a frame leaves only as the relay: an
     ICMP Destination Unreachable (code 1, or 4 with an MTU of 68 or more)
     from the HA's IPv4 address, IPv4 checksum right, its ICMP checksum
     right whenever the received one was, to the source of the quoted
     inner header, whose destination is the bound home address (a quote
     restored from minimal encapsulation has its header checksum right);
     otherwise it goes on (TC_ACT_OK) unchanged. A ring record
     (ICMP_TO_AGENT, the soft state's report; one) only for a Fragmentation
     Needed to the HA quoting a packet from it. Outcome counters are not checked one by one here (a relay counts
     the relay, the route and the report).

Usage: fuzz_bpf.py [--packets N] [--seed S]
                   [--prog ha-xdp,ha4-xdp,mip4-xdp,mip4g-xdp,mip4-tc,mn-xdp,mn-tc,rs-xdp,cn-xdp,
                    cn-tc,ntm-tc,ntm-tcout]
(root; XMIP_BUILD names the build, XMIP_TEST_PREFIX the namespaces' prefix).
Exit status 1 if any property was violated.
"""
import argparse
import json
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conftest as C  # noqa: E402
from scapy.all import Ether, Raw, TCP, UDP, raw  # noqa: E402
from scapy.layers.inet import ICMP, IP  # noqa: E402
from scapy.utils import checksum  # noqa: E402
from scapy.layers.inet6 import (HAO, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,  # noqa: E402
                                ICMPv6DestUnreach, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU, MIP6MH_HoT, MIP6MH_HoTI)

HOME_PREFIX = "2001:db8:1::/64"
HOA_EXPIRED = "2001:db8:1::102"     # binding whose lifetime has passed
HOA_BADCOA = "2001:db8:1::103"      # binding to a CoA inside the home prefix
BAD_COA = "2001:db8:1::99"
OTHER = "2001:db8:77::1"
# mn-xdp, the MN as a correspondent (bpf/ro/mn_cn.h): a peer mobile node bound at us.
MNCN_PEER, MNCN_PEER_COA = "2001:db8:2::200", "2001:db8:7::200"
MN_OTHER_SRC = "2001:db8:9::200"
# The CN (bpf/xmip_cn.bpf.c): C.CN itself, its router, a bound home address
# (C.HOA at C.COA) and one whose binding has expired (C.HOA2).
CN_GW = "2001:db8:5::ff"
MAC_CN = "02:00:00:00:05:01"
MAC_CN_GW = "02:00:00:00:05:ff"

VERDICTS = {
    "ha-xdp": {"XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"},
    "ha4-xdp": {"XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"},
    "mip4-xdp": {"XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"},
    "mip4g-xdp": {"XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"},
    "mip4-tc": {"TC_ACT_OK", "TC_ACT_SHOT", "TC_ACT_REDIRECT"},
    "mn-xdp": {"XDP_DROP", "XDP_PASS"},
    "mn-tc": {"TC_ACT_OK", "TC_ACT_SHOT", "TC_ACT_REDIRECT"},
    "rs-xdp": {"XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"},
    "cn-xdp": {"XDP_DROP", "XDP_PASS"},
    "cn-tc": {"TC_ACT_OK", "TC_ACT_SHOT", "TC_ACT_REDIRECT"},
    "ntm-tc": {"TC_ACT_OK", "TC_ACT_SHOT"},
    "ntm-tcout": {"TC_ACT_OK", "TC_ACT_SHOT", "TC_ACT_REDIRECT"},
}
# What the CN's HAO refusal may count beside its outcome: the report to the agent.
CN_REPORT = {"SIGNAL_TO_AGENT", "DROP_SIGNAL_RATE_LIMITED", "DROP_SIGNAL_TOO_BIG",
             "DROP_SIGNAL_NO_ROOM"}
# Signalling admission (bpf/lib/signal.h): a source's first bucket, a forced wake-up.
SIGNAL_STAGE = {"SIGNAL_SRC_NEW", "SIGNAL_WAKEUP_FORCED"}
STAGE = {"ENCAP_OK", "DECAP_OK", "RETUNNEL_OK", "MN_ENCAP_OK", "MN_DECAP_OK",
         "NH_HIT", "NH_MISS", "NH_FILL_FAILED", "RO_RH2_OK",
         # the MN's route optimisation: a HAO inserted (then sent on), the
         # HoTI or a packet without room for the option tunnelled
         "RO_MN_HAO_OK", "RO_MN_SIGNAL_TUNNEL", "RO_MN_FALLBACK_TUNNEL"} | SIGNAL_STAGE
# The relay's stages: what was done to a frame that then left (or met the FIB).
RS_STAGE = {"RS_S_RELAYED", "RS_N_DECAP_NAT", "RS_N_REV_NAT", "RS_N_ICMP_ERR", "RS_FIB_LOOKUP"}
STAGE |= RS_STAGE
STAGE |= {"NTM_CSUM_ZERO"}     # the node's encapsulation: outer checksum left zero
# zero outer UDP checksum over IPv6 accepted on tunnel data (relay, node ingress)
STAGE |= {"RS_CSUM_ZERO", "NTM_CSUM_ZERO_RX"}
# What kind of verdict each outcome counter stands for.
SENT = {"FWD_XDP_TX", "FWD_REDIRECT", "PTB_SENT", "FWD_REDIRECT_NEIGH", "DU_SENT",
        "FRAG_NEEDED_SENT"}
# The HA's fast path: a tunnelled frame's one counter (XDP_TX / XDP_REDIRECT).
HA_FAST_SENT = {"ENCAP_OK", "RETUNNEL_OK", "DSMIP_ENCAP_OK", "MIP4_ENCAP_OK"}
HA_FAST = ("ha-xdp", "ha4-xdp", "mip4-xdp", "mip4g-xdp")
# Mobile IPv4 (property 7): program -> (encapsulation, inside UDP 434)
MIP4_PROGS = {"mip4-xdp": (5, True), "mip4g-xdp": (6, False), "mip4-tc": (5, True)}
# Stage: minimal encapsulation replaced by IP-in-IP (the frame's outcome is beside it)
STAGE_MIP4 = {"MIP4_MINENC_AS_IPIP"}
# Outcomes that hand a record to the agent.
TO_AGENT = {"SIGNAL_TO_AGENT", "ICMP_TO_AGENT"}


def outcome_kind(name, prog):
    if name.startswith("DROP_") or name == "SIGNAL_TO_AGENT":
        return "drop"
    if name == "ICMP_TO_AGENT":           # the MN's kernel gets the PTB too
        return "drop" if prog.startswith("ha") else "pass"
    if name in SENT or (prog in HA_FAST and name in HA_FAST_SENT):
        return "sent"
    if name == "NTM_ENCAP_OK":
        return "sent"
    if name in ("NTM_DECAP_OK", "NTM_CONTROL"):
        return "pass"
    if name == "FALLBACK_FIB_NO_NEIGH":    # XDP: passed up; tc: bpf_redirect_neigh
        return "sent" if prog.endswith("-tc") else "pass"
    if name.startswith("RO_DROP_") or name in ("RO_MN_DROP_RH2", "RO_HA_DROP_HAO"):
        return "drop"
    if name in ("RO_MN_RH2_RESTORED", "RO_HA_HAO_RESTORED"):
        return "pass"
    if name.startswith("PASS_") or name.startswith("FALLBACK_") or name in (
            "MN_DECAP_OK", "FWD_SAME_DEV", "RS_CONTROL", "RS_N_NEW_FLOW", "DSMIP_DECAP_OK",
            "DSMIP_SIGNAL_PASS", "RO_HAO_RESTORED", "MIP4_DECAP_OK", "MIP4_SIGNAL_PASS") or \
            name.startswith("RO_PASS_") or name.startswith("RO_FALLBACK_"):
        return "pass"
    return "?"


VERDICT_KIND = {"XDP_DROP": "drop", "TC_ACT_SHOT": "drop", "XDP_PASS": "pass", "TC_ACT_OK": "pass",
                "XDP_TX": "sent", "XDP_REDIRECT": "sent", "TC_ACT_REDIRECT": "sent"}


def a16(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


# ---------------------------------------------------------------- packets

def payload(rng, n=None):
    n = rng.randrange(0, 200) if n is None else n
    return bytes(rng.randrange(256) for _ in range(n))


def rs_base_frames():
    import test_rs as R  # noqa: PLC0415
    out = []
    tun = lambda p, i, s=R.NAT1: R.eth(IP(src=s, dst=R.RS4) / UDP(sport=40001, dport=R.PORT) /  # noqa: E731
                                       R.tun(p, i))
    out.append(tun(R.PATH_S, R.INNER_TCP4))
    out.append(tun(R.PATH_S, R.INNER_TCP6))
    out.append(R.eth(IPv6(src=R.NAT1_6, dst=R.RS6) / UDP(sport=40001, dport=R.PORT) /
                     R.tun(R.PATH_S, R.INNER_TCP4)))
    # tunnel data over IPv6 with a zero UDP checksum (allowed, docs/ntmobile.md section 8)
    out.append(R.eth(IPv6(src=R.NAT1_6, dst=R.RS6) / UDP(sport=40001, dport=R.PORT, chksum=0) /
                     R.tun(R.PATH_S, R.INNER_TCP4)))
    for v6, proto, sport, gport, l4 in R.FWD_CASES.values():
        out.append(tun(R.PATH_N, R.inner_fwd(v6, l4)))
    out.append(R.eth(IP(src=R.GN4, dst=R.RS4) / TCP(sport=80, dport=R.POOL + 7, flags="SA")))
    out.append(R.eth(IP(src=R.GN4, dst=R.RS4) / UDP(sport=53, dport=R.POOL + 7) / Raw(b"a" * 9)))
    out.append(R.eth(IPv6(src=R.GN6, dst=R.RS6) / TCP(sport=80, dport=R.POOL + 7)))
    q = IP(src=R.RS4, dst=R.GN4) / UDP(sport=R.POOL + 7, dport=53) / Raw(b"q" * 17)
    out.append(R.eth(IP(src=R.GN4, dst=R.RS4) / Raw(bytes([3, 3, 0, 0, 0, 0, 0, 0])) / q))
    out.append(R.eth(IP(src=R.NAT1, dst=R.RS4) / UDP(sport=40001, dport=R.PORT) / Raw(b"\x10" * 80)))
    return out


def rs_entries():
    import test_rs as R  # noqa: PLC0415
    ents = [(R.key(R.NAT1, R.PATH_S, 40001, R.PORT, R.TUNNEL),
             R.val(R.TUNNEL, R.RS4, R.NAT2, R.PORT, 40002)),
            (R.key(R.NAT1_6, R.PATH_S, 40001, R.PORT, R.TUNNEL),
             R.val(R.TUNNEL, R.RS6, "2001:db8:42::1", R.PORT, 40002))]
    for v6, proto, sport, gport, _ in R.FWD_CASES.values():
        e, _ = R.rsn_entries(v6, proto, sport, gport)
        ents += e
    return ents


def check_rs(inp, out, st, ents):
    """A frame that left the relay, or changed (property 5)."""
    import test_rs as R  # noqa: PLC0415
    try:
        o = Ether(out)
    except Exception:  # noqa: BLE001
        return "left unparseable"
    keys = {}
    for k, v in ents:
        keys[k] = v
    if "RS_S_RELAYED" in st or "RS_N_DECAP_NAT" in st:
        i = Ether(inp)
        ip = i[IPv6] if IPv6 in i else i[IP]
        # the input must be a registered tunnel leg (source address and port)
        legs = [(k, v) for k, v in ents if k[:16] == R.a16(ip.src) and
                struct.unpack("!H", k[20:22])[0] == i[UDP].sport]
        if not legs:
            return "relayed a frame from no registered leg"
        if "RS_S_RELAYED" in st:
            oip = o[IPv6] if IPv6 in o else o[IP]
            if not any(R.a16(oip.dst) == v[16:32] and struct.unpack("!H", v[70:72])[0] == o[UDP].dport
                       for _, v in legs):
                return "RS-S sent somewhere no entry names"
            return None
        oip = o[IPv6] if IPv6 in o else o[IP]
        if R.a16(oip.src) not in (R.a16(R.RS4), R.a16(R.RS6)) or \
                R.a16(oip.dst) not in (R.a16(R.GN4), R.a16(R.GN6)):
            return "RS-N forwarded other than RS -> GN"
        return None
    if "RS_N_REV_NAT" in st or "RS_N_ICMP_ERR" in st:
        if IP not in o or UDP not in o or o[IP].dst != R.NAT1 or o[UDP].dport != 40001 or \
                bytes(o[UDP].payload)[:1] != b"\x11" or bytes(o[UDP].payload)[4:8] != struct.pack("!I", R.PATH_N):
            return "RS-N reply tunnelled other than to the node's mapping on its path"
        return None
    return "a frame left or changed without a relay entry"


def ntm_base_frames(prog):
    import test_ntm_node as N  # noqa: PLC0415
    if prog == "ntm-tcout":
        out = [N.eth(N.INNERS[k]()) for k in sorted(N.INNERS)]
        out.append(N.eth(IP(src="10.200.0.8", dst=N.PV4) / TCP()))
        out.append(N.eth(IPv6(src=N.OWN6, dst="ff02::1") / UDP()))
        return out
    out = [N.arriving(N.inbound(k), v6) for k in ("tcp4", "udp4", "tcp6", "icmp6")
           for v6 in (False, True)]
    out.append(N.arriving(IP(src="10.201.0.10", dst=N.OWN4) / TCP()))
    z = N.arriving(N.inbound("tcp4"), True)
    z[UDP].chksum = 0   # zero UDP checksum over IPv6 on tunnel data: accepted
    out.append(z)
    out.append(Ether(src=N.MAC_B, dst=N.MAC_A) / IP(src=N.PEER4, dst=N.NODE4) /
               UDP(sport=N.PPORT, dport=N.PORT) / Raw(b"\x10" + b"\0" * 40))
    return out


def ntm_entries():
    import test_ntm_node as N  # noqa: PLC0415
    return N.tunnel() + [(N.key(N.PEER6, N.RX, N.PATH, N.PPORT), N.val(N.RX, True))]


def check_ntm(prog, inp, out, st):
    """A frame the node's programs sent on or changed (property 7)."""
    import test_ntm_node as N  # noqa: PLC0415
    try:
        i, o = Ether(inp), Ether(out)
    except Exception:  # noqa: BLE001
        return "unparseable"
    vips = {"own": {N.OWN4, N.OWN6}, "peer": {N.PV4, N.PV6}}
    if prog == "ntm-tcout":
        if "NTM_ENCAP_OK" not in st:
            return "a frame left or changed without being tunnelled"
        oip = o[IPv6] if IPv6 in o else o[IP]
        if UDP not in o or (oip.src, o[UDP].sport, oip.dst, o[UDP].dport) not in (
                (N.NODE4, N.PORT, N.PEER4, N.PPORT), (N.NODE6, N.PORT, N.PEER6, N.PPORT)):
            return "tunnelled other than node:port -> far end"
        pl = bytes(o[UDP].payload)
        inner = bytes(i)[14:]
        if pl[8:] != inner or pl[:8] != N.thdr(IPv6(inner) if inner[0] >> 4 == 6 else IP(inner)):
            return "tunnel header or inner packet not as sent"
        iip = IPv6(inner) if inner[0] >> 4 == 6 else IP(inner)
        if iip.src not in vips["own"] or iip.dst not in vips["peer"]:
            return "tunnelled a packet not from our virtual address to a peer's"
        return None
    if "NTM_DECAP_OK" not in st:
        return "a frame changed without being decapsulated"
    iip = i[IPv6] if i.type == 0x86dd else i[IP]
    if (iip.src, i[UDP].sport) not in ((N.PEER4, N.PPORT), (N.PEER6, N.PPORT)) or \
            bytes(i[UDP].payload)[4:8] != struct.pack("!I", N.PATH):
        return "decapsulated from no registered far end"
    inner = bytes(o)[14:]
    x = IPv6(inner) if inner[0] >> 4 == 6 else IP(inner)
    if x.src not in vips["peer"] or x.dst not in vips["own"]:
        return "decapsulated a packet not from the peer to us"
    return None


def dsmip_base_frames():
    """test_dsmip_dp.py's kinds of packets: to the MN and from it, through UDP 4191."""
    import test_dsmip_dp as D  # noqa: PLC0415
    home = lambda p: Ether(src=C.MAC_HOME_ROUTER, dst=C.MAC_HOME) / p      # noqa: E731
    up = lambda p: Ether(src=C.MAC_UPLINK_GW, dst=C.MAC_UPLINK) / p        # noqa: E731
    rev6 = IPv6(src=C.HOA, dst=C.CN) / TCP(sport=5000, dport=80) / Raw(b"y" * 20)
    rev4 = IP(src=D.HOA4, dst=D.CN4) / UDP(sport=5000, dport=80) / Raw(b"w" * 20)
    nat = lambda p, sport=D.NATPORT, src=D.NAT4: up(IP(src=src, dst=D.HA4) /  # noqa: E731
                                                    UDP(sport=sport, dport=4191) / p)
    return [
        home(D.v6()), home(D.v4()), home(D.v4(ttl=1)), home(D.v6(hlim=1)),
        home(D.v4(size=1400)), home(D.v4(size=1400, df=False)), home(D.v6(size=1400)),
        home(D.v4(dst="192.0.2.77")), home(D.v4(tos=0xb9)),
        home(IP(src=D.CN4, dst=D.HOA4, flags="MF") / UDP() / Raw(b"f" * 16)),
        nat(rev6), nat(rev4), nat(rev6, sport=D.NATPORT + 1), nat(rev4, src="203.0.113.8"),
        nat(IPv6(src=C.HOA, dst=C.HA) / MIP6MH_BU(seq=3)), nat(Raw(b"\0" * 40)),
        nat(IPv6(src=C.HOA, dst="ff02::1") / UDP()), up(IP(src=D.NAT4, dst=D.HA4, proto=41) / rev6),
        up(IP(src=D.NAT4, dst=D.HA4, proto=4) / rev4),
        up(IP(src=D.NAT4, dst=D.HA4, tos=3) / UDP(sport=D.NATPORT, dport=4191) / rev4),
    ]


def mip4_base_frames(prog):
    """test_mip4_dp.py's kinds of packets: to the MN in every form, and back."""
    import test_mip4_dp as M  # noqa: PLC0415
    encap, udp = MIP4_PROGS[prog]
    home = lambda p: Ether(src=C.MAC_HOME_ROUTER, dst=C.MAC_HOME) / p      # noqa: E731
    back = M.v4(src=M.HOA4, dst=M.CN4)
    frag = IP(src=M.CN4, dst=M.HOA4, flags="MF") / Raw(b"f" * 24)
    f = [home(M.v4()), home(M.v4(ttl=1)), home(M.v4(size=1400)), home(M.v4(size=1400, df=False)),
         home(frag), home(M.v4(options=b"\x01\x01\x01\x00")), home(M.v4(dst="192.0.2.77")),
         home(M.v4(tos=0xb9)),
         M.from_uplink(IP(src=M.NAT4, dst=M.HA4) / UDP(sport=5555, dport=434) / Raw(b"\x01" * 24)),
         M.rev(IP(src=M.HOA4, dst=M.HA4) / ICMP(), encap, udp),
         M.rev(back, encap, udp, tos=3), M.rev(back, encap, udp, sport=M.NATPORT + 1),
         M.rev(back, encap, udp, src="203.0.113.8"),
         M.rev(M.v4(src="192.0.2.99", dst=M.CN4), encap, udp)]
    for e in M.ENCAPS:
        for u in (False, True):
            f.append(M.rev(back, e, u))
    # ICMP errors from inside the tunnel about our packets (RFC 2003 §4): to tc.
    f += [M.icmp_from_tunnel(encap, udp, 3, 4, 1400)[0], M.icmp_from_tunnel(encap, udp, 11, 0)[0]]
    # ... minimal encapsulation's, whose quote is the modified header and the
    # forwarding header (RFC 2004 §5): long enough to relay, and too short.
    import test_mip4_icmp as T  # noqa: PLC0415
    xl = 12 if udp else 0
    f += [T.minimal_error(udp, 3, 4, 1400, 20 + xl + 12 + 8)[0],
          T.minimal_error(udp, 11, 0, 0, 20 + xl + 12 + 60)[0],
          T.minimal_error(udp, 3, 4, 1400, 20 + xl + 8)[0]]
    return f


def mip4_icmp_frames():
    """Errors from inside the tunnel about each form, quotes of several lengths (property 8)."""
    import test_mip4_dp as M  # noqa: PLC0415
    import test_mip4_icmp as T  # noqa: PLC0415
    f = []
    for e in M.ENCAPS:
        for u in (False, True):
            for t, c, m in ((3, 4, 1400), (11, 0, 0), (3, 1, 0), (3, 3, 0), (3, 4, 0)):
                if e != M.MINENC:
                    f.append(M.icmp_from_tunnel(e, u, t, c, m)[0])
    for u in (False, True):
        xl = 12 if u else 0
        for cut in (20 + xl + 8, 20 + xl + 12 + 8, 20 + xl + 12 + 60, 20 + xl + 12 + 7):
            for t, c, m in ((3, 4, 1400), (11, 0, 0), (3, 2, 0), (3, 4, 60)):
                f.append(T.minimal_error(u, t, c, m, cut)[0])
    return f


def base_frames(prog):
    """The BPF tests' kinds of packets for one program, as Ethernet frames."""
    if prog == "rs-xdp":
        return rs_base_frames()
    if prog == "mip4-tc":
        return mip4_icmp_frames()
    if prog in MIP4_PROGS:
        return mip4_base_frames(prog)
    if prog.startswith("ntm"):
        return ntm_base_frames(prog)
    if prog == "ha4-xdp":
        return dsmip_base_frames()
    if prog == "ha-xdp":
        home = lambda p: Ether(src=C.MAC_HOME_ROUTER, dst=C.MAC_HOME) / p      # noqa: E731
        up = lambda p: Ether(src=C.MAC_UPLINK_GW, dst=C.MAC_UPLINK) / p        # noqa: E731
        inner = IPv6(src=C.CN, dst=C.HOA) / UDP(sport=4000, dport=5000) / Raw(b"x" * 40)
        rev = IPv6(src=C.HOA, dst=C.CN) / TCP(sport=5000, dport=80) / Raw(b"y" * 20)
        return [
            home(inner),
            home(IPv6(src=C.CN, dst=C.HOA2) / ICMPv6EchoRequest(data=b"p" * 30)),
            home(IPv6(src=C.CN, dst=C.HOA) / UDP() / Raw(b"z" * 1500)),          # > tunnel MTU
            home(IPv6(src=C.CN, dst=HOA_EXPIRED) / UDP() / Raw(b"e" * 10)),
            home(IPv6(src=C.CN, dst=HOA_BADCOA) / UDP() / Raw(b"b" * 10)),
            home(IPv6(src="fe80::1", dst=C.HOA, hlim=255) / ICMPv6ND_NS(tgt=C.HOA)),
            home(IPv6(src=C.CN, dst=C.HOA) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / UDP()),
            home(IPv6(src=C.CN, dst=C.HOA) / IPv6ExtHdrFragment(m=1) / UDP() / Raw(b"f" * 16)),
            up(IPv6(src=C.COA, dst=C.HA) / rev),
            up(IPv6(src=C.COA, dst=C.HA) / IPv6(src=C.HOA, dst=C.HOA2) / UDP() / Raw(b"m" * 8)),
            up(IPv6(src=OTHER, dst=C.HA) / rev),                                  # spoofed CoA
            up(IPv6(src=C.COA2, dst=C.HA) / rev),                                 # other MN's CoA
            up(IPv6(src=C.COA, dst=C.HA) / IPv6(src=C.HOA, dst=C.HA) / MIP6MH_BU()),
            up(IPv6(src=C.COA, dst=C.HA) / IPv6(src=C.HOA, dst="fe80::1", hlim=255) /
               ICMPv6ND_NA(tgt="fe80::1")),
            up(IPv6(src=C.COA, dst=C.HA) / IPv6ExtHdrDestOpt() / rev),
            up(IPv6(src=C.COA, dst=C.HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=C.HOA)]) /
               MIP6MH_BU(seq=1, flags="HA", mhtime=15)),
            up(IPv6(src=C.CN, dst=C.HOA) / ICMPv6DestUnreach() / Raw(b"q" * 1400)),
            # the HA as correspondent: a HAO from the bound CoA, and from another
            up(IPv6(src=C.COA, dst=C.HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=C.HOA)]) /
               ICMPv6EchoRequest(data=b"r" * 16)),
            up(IPv6(src=C.COA2, dst=C.HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=C.HOA)]) /
               ICMPv6EchoRequest(data=b"s" * 16)),
            # ... in a non-first fragment (RFC 8200 §4.5: the HAO is in every one)
            up(IPv6(src=C.COA, dst=C.HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=C.HOA)]) /
               IPv6ExtHdrFragment(offset=100, m=1, id=3) / Raw(b"g" * 24)),
            up(IP(src="192.0.2.1", dst="192.0.2.2") / UDP(dport=4191) / Raw(b"v4")),
        ]
    if prog == "mn-xdp":
        arr = lambda p: Ether(src=C.MAC_MN_GW, dst=C.MAC_MN) / p              # noqa: E731
        inner = IPv6(src=C.CN, dst=C.HOA, hlim=63) / UDP() / Raw(b"d" * 30)
        return [
            arr(IPv6(src=C.HA, dst=C.COA) / inner),
            arr(IPv6(src=OTHER, dst=C.COA) / inner),
            arr(IPv6(src=C.HA, dst=C.COA) / IPv6(src=C.CN, dst=OTHER) / UDP()),
            arr(IPv6(src=C.HA, dst=C.COA) / IPv6(src=C.HA, dst=C.HOA) / MIP6MH_HoT()),
            arr(IPv6(src=C.HA, dst=C.COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[C.HOA]) /
                MIP6MH_BA(status=0, seq=5)),
            arr(IPv6(src=C.HA, dst=C.COA) / IPv6(src=C.CN, dst=C.HOA, hlim=255) /
                ICMPv6ND_NA(tgt=C.MN_GW)),
            arr(IPv6(src=C.CN, dst=C.COA) / TCP() / Raw(b"t" * 10)),
            arr(IPv6(src=C.HA, dst=C.COA) / IPv6ExtHdrFragment(m=1) / inner),
            # route optimisation: an RH2 for our HoA, and one for another address
            arr(IPv6(src=C.CN, dst=C.COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[C.HOA]) /
                TCP(sport=80, dport=5000) / Raw(b"r" * 20)),
            arr(IPv6(src=C.CN, dst=C.COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[C.HOA2]) /
                UDP() / Raw(b"o" * 8)),
            # ... in a non-first fragment (RFC 8200 §4.5: the RH2 is in every one)
            arr(IPv6(src=C.CN, dst=C.COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[C.HOA]) /
                IPv6ExtHdrFragment(offset=50, m=0, id=4) / Raw(b"k" * 16)),
            arr(IP(src="192.0.2.1", dst="192.0.2.2") / UDP()),
            # the MN as a correspondent: a peer's HAO (bound, unbound), behind our RH2,
            # inside our HA's tunnel
            arr(IPv6(src=MNCN_PEER_COA, dst=C.HOA) /
                IPv6ExtHdrDestOpt(options=[HAO(hoa=MNCN_PEER)]) / UDP() / Raw(b"p" * 12)),
            arr(IPv6(src=OTHER, dst=C.COA) /
                IPv6ExtHdrDestOpt(options=[HAO(hoa=MNCN_PEER)]) / TCP() / Raw(b"q" * 12)),
            arr(IPv6(src=MNCN_PEER_COA, dst=C.COA) /
                IPv6ExtHdrRouting(type=2, segleft=1, addresses=[C.HOA]) /
                IPv6ExtHdrDestOpt(options=[HAO(hoa=MNCN_PEER)]) / ICMPv6EchoRequest(data=b"e" * 8)),
            arr(IPv6(src=C.HA, dst=C.COA) / IPv6(src=MNCN_PEER_COA, dst=C.HOA) /
                IPv6ExtHdrDestOpt(options=[HAO(hoa=MNCN_PEER)]) / UDP() / Raw(b"t" * 12)),
        ]
    if prog == "cn-xdp":
        arr = lambda p: Ether(src=MAC_CN_GW, dst=MAC_CN) / p                  # noqa: E731
        hao = lambda h: IPv6ExtHdrDestOpt(options=[HAO(hoa=h)])             # noqa: E731
        return [
            arr(IPv6(src=C.COA, dst=C.CN) / hao(C.HOA) / ICMPv6EchoRequest(data=b"h" * 20)),
            arr(IPv6(src=C.COA, dst=C.CN) / hao(C.HOA) / TCP(sport=5000, dport=80)),
            arr(IPv6(src=C.COA, dst=C.CN) / hao(C.HOA) / UDP() / Raw(b"u" * 30)),
            arr(IPv6(src=C.COA2, dst=C.CN) / hao(C.HOA) / UDP()),             # other CoA
            arr(IPv6(src=C.COA, dst=C.CN) / hao(C.HOA2) / UDP()),             # expired
            arr(IPv6(src=C.COA, dst=C.CN) / hao(OTHER) / UDP()),              # no binding
            arr(IPv6(src=C.COA, dst=C.CN) / hao("ff02::1") / UDP()),
            arr(IPv6(src=C.COA, dst=C.CN) / IPv6ExtHdrDestOpt(options=[HAO(hoa=C.HOA)]) /
                IPv6ExtHdrFragment(m=1) / UDP() / Raw(b"f" * 16)),
            # non-first fragments with the HAO (RFC 8200 §4.5), bound and not
            arr(IPv6(src=C.COA, dst=C.CN) / hao(C.HOA) /
                IPv6ExtHdrFragment(offset=20, m=1, id=5) / Raw(b"l" * 24)),
            arr(IPv6(src=C.COA2, dst=C.CN) / hao(C.HOA) /
                IPv6ExtHdrFragment(offset=20, m=0, id=6) / Raw(b"n" * 8)),
            arr(IPv6(src=C.COA, dst=C.CN) / hao(C.HOA) / MIP6MH_BU(seq=1, flags="A")),
            arr(IPv6(src=C.COA, dst=C.CN) / IPv6ExtHdrRouting(type=2, segleft=1,
                                                              addresses=[C.HOA]) / UDP()),
            arr(IPv6(src=C.HOA, dst=C.CN) / TCP() / Raw(b"t" * 10)),
            arr(IPv6(src=OTHER, dst=C.HOA) / UDP()),
            arr(IP(src="192.0.2.1", dst="192.0.2.2") / UDP()),
        ]
    if prog == "cn-tc":
        out = lambda p: Ether(src=MAC_CN, dst=MAC_CN_GW) / p                  # noqa: E731
        return [
            out(IPv6(src=C.CN, dst=C.HOA) / ICMPv6EchoRequest(data=b"e" * 20)),
            out(IPv6(src=C.CN, dst=C.HOA) / TCP(sport=80, dport=5000) / Raw(b"s" * 40)),
            out(IPv6(src=C.CN, dst=C.HOA) / UDP() / Raw(b"g" * 1450)),        # no room
            out(IPv6(src=C.CN, dst=C.HOA) / IPv6ExtHdrDestOpt() / UDP()),
            out(IPv6(src=C.CN, dst=C.HOA) / IPv6ExtHdrFragment(m=1) / UDP() / Raw(b"f" * 16)),
            out(IPv6(src=C.CN, dst=C.HOA) / IPv6ExtHdrHopByHop() / UDP()),
            out(IPv6(src=C.CN, dst=C.HOA2) / UDP()),                            # expired
            out(IPv6(src=C.CN, dst=OTHER) / UDP()),
            out(IPv6(src=OTHER, dst=C.HOA) / UDP()),
            out(IPv6(src=C.CN, dst=C.HOA) / MIP6MH_BA(status=0, seq=1)),
            out(IPv6(src=C.CN, dst=C.HOA, hlim=255) / ICMPv6ND_NS(tgt=C.HOA)),
            out(IP(src="192.0.2.1", dst="192.0.2.2") / UDP()),
        ]
    leave = lambda p: Ether(src=C.MAC_MN, dst=C.MAC_MN_GW) / p                 # noqa: E731
    return [
        leave(IPv6(src=C.HOA, dst=C.CN) / TCP(sport=5000, dport=80) / Raw(b"u" * 40)),
        leave(IPv6(src=C.HOA, dst=C.CN) / UDP() / Raw(b"g" * 1300)),
        leave(IPv6(src=C.COA, dst=C.HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=C.HOA)]) /
              MIP6MH_BU(seq=1, flags="HA", mhtime=15)),
        leave(IPv6(src=MN_OTHER_SRC, dst=C.CN) / UDP()),
        leave(IPv6(src=C.HOA, dst=C.CN) / IPv6ExtHdrHopByHop() / UDP()),
        leave(IPv6(src=C.HOA, dst=C.CN) / MIP6MH_HoTI(cookie=b"c" * 8)),          # tunnelled
        leave(IPv6(src=C.HOA, dst=OTHER) / UDP() / Raw(b"n" * 20)),              # no binding
        leave(IP(src="192.0.2.1", dst="192.0.2.2") / UDP()),
    ]


ADDRS = [C.HA, C.HOA, C.HOA2, C.COA, C.COA2, C.CN, HOA_EXPIRED, HOA_BADCOA, OTHER,
         "fe80::1", "ff02::1", "::", "::1"]


def mutate(rng, frame):
    b = bytearray(frame)
    for _ in range(rng.randrange(1, 4)):
        op = rng.randrange(8)
        if op == 0 and b:                        # flip octets
            for _ in range(rng.randrange(1, 9)):
                b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        elif op == 1 and len(b) > 1:             # truncate
            del b[rng.randrange(1, len(b)):]
        elif op == 2:                            # grow
            b += payload(rng, rng.randrange(1, 64))
        elif op == 3 and len(b) >= 14 + 40:      # an address of ours somewhere
            at = rng.choice([22, 38] + [rng.randrange(14, len(b) - 15)])
            if at + 16 <= len(b):
                b[at:at + 16] = a16(rng.choice(ADDRS))
        elif op == 4 and len(b) >= 14 + 8:       # IPv6 fixed-header fields
            f = rng.choice([(18, 2), (20, 1), (21, 1)])   # payload length, next header, hop limit
            b[14 + f[0] - 14:14 + f[0] - 14 + f[1]] = payload(rng, f[1])
        elif op == 5 and len(b) >= 14 + 40:      # a next header or length anywhere past IPv6
            i = rng.randrange(54, len(b)) if len(b) > 54 else 54
            if i < len(b):
                b[i] = rng.choice([0, 4, 6, 17, 41, 43, 44, 58, 59, 60, 135, 255, rng.randrange(256)])
        elif op == 6 and len(b) >= 14:           # ethertype
            b[12:14] = rng.choice([b"\x86\xdd", b"\x08\x00", b"\x81\x00", payload(rng, 2)])
        elif op == 7 and len(b) > 20:            # splice a piece of itself
            i, j = sorted(rng.randrange(len(b)) for _ in range(2))
            k = rng.randrange(len(b))
            b[k:k] = b[i:j]
    # At most 3000 octets: test runs refuse frames past about a page.
    return bytes(b[:3000])


def random_frame(rng, prog):
    kind = rng.randrange(3)
    if kind == 0:                                # noise
        return payload(rng, rng.randrange(0, 300))
    eth = (a16("::")[:0] + bytes.fromhex("020000000164" if not prog.startswith("ha") else "020000000102") +
           bytes.fromhex("020000000901") + b"\x86\xdd")
    src, dst = (rng.choice(ADDRS) for _ in range(2))
    nh = rng.choice([0, 6, 17, 41, 43, 44, 58, 60, 135, rng.randrange(256)])
    body = payload(rng, rng.randrange(0, 120))
    if prog.startswith("cn") and nh == 60 and rng.random() < 0.7:
        # A Destination Options header with a Home Address option, of any address.
        body = struct.pack(">BBBB", rng.choice([6, 17, 58, 135, 44, 59]), 2, 1, 2) + \
            b"\0\0\xc9\x10" + a16(rng.choice(ADDRS)) + body
    if kind == 2 and nh != 41:                   # a tunnel of random inner
        inner = struct.pack(">IHBB", 0x60000000, len(body), nh, rng.randrange(256)) + \
            a16(rng.choice(ADDRS)) + a16(rng.choice(ADDRS)) + body
        nh, body = 41, inner
    plen = len(body) if rng.random() < 0.8 else rng.randrange(65536)
    ip = struct.pack(">IHBB", 0x60000000, plen, nh, rng.randrange(256)) + a16(src) + a16(dst)
    return eth + ip + body


def frames(prog, n, seed):
    rng = random.Random("%s-%d" % (prog, seed))
    bases = [raw(f) for f in base_frames(prog)]
    out = list(bases)
    while len(out) < n:
        r = rng.random()
        if prog in MIP4_PROGS and r >= 0.25:
            out.append(mutate4(rng, rng.choice(bases)))
            continue
        out.append(random_frame(rng, prog) if r < 0.25 else mutate(rng, rng.choice(bases)))
    return out[:n]


ADDRS4 = ["198.51.100.2", "203.0.113.7", "203.0.113.9", "192.0.2.100", "192.0.2.50",
          "0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255"]


def mutate4(rng, frame):
    """mutate(), plus IPv4 addresses of the test, protocols and UDP ports anywhere."""
    b = bytearray(mutate(rng, frame) if rng.random() < 0.5 else frame)
    for _ in range(rng.randrange(1, 3)):
        if len(b) < 34:
            break
        op = rng.randrange(3)
        at = rng.choice([26, 30, 23, 34, 36, 38, 46, 50] + [rng.randrange(14, len(b) - 4)])
        if at + 4 > len(b):
            continue
        if op == 0:
            b[at:at + 4] = socket.inet_aton(rng.choice(ADDRS4))
        elif op == 1:
            b[at] = rng.choice([4, 17, 47, 55, 1, 0x45, 0x46, 0x80, 0, 255])
        else:
            b[at:at + 2] = struct.pack("!H", rng.choice([434, 4660, 0x0800, 0x86dd, 0, 0x8000]))
    return bytes(b[:3000])


# ------------------------------------------------------------------ checks

def ip6_walk(b, off):
    """(next header, offset of the upper layer) after the IPv6 header at off."""
    if len(b) < off + 40:
        return None, None
    nh, at = b[off + 6], off + 40
    for _ in range(8):
        if nh in (0, 43, 60) and len(b) >= at + 2:
            nh, at = b[at], at + (b[at + 1] + 1) * 8
        elif nh == 44 and len(b) >= at + 8:
            nh, at = b[at], at + 8
        else:
            break
    return nh, at


class Bindings:
    """What the program was given: live, usable bindings hoa -> coa."""

    def __init__(self, live, self_addr):
        self.live = {a16(h): a16(c) for h, c in live}
        self.self = a16(self_addr)


def check_ha_sent(inp, out, st, b):
    """A frame that left the HA (property 3)."""
    if len(out) < 54 or out[12:14] != b"\x86\xdd":
        return "left without an IPv6 header"
    o_src, o_dst, o_nh = out[22:38], out[38:54], out[20]
    i_src, i_dst = inp[22:38], inp[38:54]
    if "PTB_SENT" in st:
        if o_src != b.self or o_dst != i_src or o_nh != 58 or out[54] != 2:
            return "Packet Too Big not from the HA to the source"
        if i_dst not in b.live:
            return "Packet Too Big for a frame to no bound home address"
        return None
    if o_src == b.self and o_nh == 41:           # a tunnel to a CoA
        inner_dst = out[54 + 24:54 + 40]
        if inner_dst not in b.live or b.live[inner_dst] != o_dst:
            return "tunnelled to a CoA that is not the inner destination's binding"
        if "RETUNNEL_OK" in st:                  # came through the reverse tunnel
            nh, at = ip6_walk(inp, 14)
            inner_src = inp[at + 8:at + 24] if at else b""
            if inp[38:54] != b.self or inner_src not in b.live or b.live[inner_src] != i_src:
                return "re-tunnelled a frame that fails the anti-spoofing rule"
        elif i_dst != inner_dst:
            return "tunnelled a frame for another address"
        return None
    if "DECAP_OK" in st:
        if o_src not in b.live or b.live[o_src] != i_src or i_dst != b.self:
            return "decapsulated a frame whose outer source is not its binding's CoA"
        return None
    if "RO_HA_HAO_RESTORED" in st:               # RFC 6275 §9.3.1, the HA as correspondent
        if o_src not in b.live or b.live[o_src] != i_src or i_dst != b.self or o_dst != b.self:
            return "restored a HAO that is not from its home address's CoA"
        if out[54:] != inp[54 + (inp[55] + 1) * 8:]:
            return "HAO restored, but the upper layer changed"
        return None
    return "a frame left that is neither a tunnel, a decapsulation nor a PTB"


def check_mn_cn(inp, out):
    """mn-xdp restored a peer's HAO: only from the bound CoA, as from its home
    address, to one of ours, the upper layer as it came (bpf/ro/mn_cn.h)."""
    try:
        i, o = Ether(inp), Ether(out)[IPv6]
        srcs = [h.src for h in i.iterpayloads() if isinstance(h, IPv6)]
    except (IndexError, AttributeError, TypeError, struct.error) as e:
        return "output not decodable: %s" % e
    if not srcs or srcs[-1] != MNCN_PEER_COA:
        return "restored a HAO that is not from the bound CoA"
    if o.src != MNCN_PEER or o.dst not in (C.HOA, C.COA):
        return "restored to something other than the peer's home address to us"
    # Only headers came off the front: what follows the IPv6 header is the input's tail.
    if len(out) < 54 or inp[len(inp) - (len(out) - 54):] != out[54:]:
        return "HAO restored, but the upper layer changed"
    return None


def check_mn(prog, inp, out, st, coa, ha, hoa):
    if prog == "mn-xdp" and "RO_HAO_RESTORED" in st:
        return check_mn_cn(inp, out)
    if prog == "mn-tc" and "RO_MN_HAO_OK" in st:
        # From the CoA with a HAO = the HoA, to the bound correspondent, upper layer as it was.
        if inp[22:38] != hoa or out[22:38] != coa or out[38:54] != a16(C.CN) or out[20] != 60:
            return "HAO inserted on a frame not from the HoA to the bound correspondent"
        if out[54 + 8:54 + 24] != hoa or out[54 + 6] != 0xC9 or out[54:55] != inp[20:21] or \
                out[54 + 24:] != inp[54:]:
            return "HAO header wrong or the upper layer changed"
        return None
    if prog == "mn-xdp" and "RO_MN_RH2_RESTORED" in st:
        if inp[38:54] != coa or inp[54 + 8:54 + 24] != hoa or out[38:54] != hoa or \
                out[54:] != inp[54 + 24:] or out[20] != inp[54]:
            return "RH2 restored on a frame not to the CoA for our HoA, or the rest changed"
        return None
    if prog == "mn-tc":
        if "MN_ENCAP_OK" in st:
            if out[22:38] != coa or out[38:54] != ha or out[20] != 41 or out[54 + 8:54 + 24] != hoa:
                return "tunnel not CoA -> HA with the home address inside"
            if inp[22:38] != hoa:
                return "a frame not from the home address was tunnelled"
        elif out[12:] != inp[12:]:
            return "a frame changed beyond its MACs without being tunnelled"
        return None
    if "MN_DECAP_OK" in st:
        if inp[22:38] != ha or inp[38:54] != coa:
            return "decapsulated a tunnel that is not from the HA to the CoA"
        if out[38:54] != hoa:
            return "decapsulated a frame for another address"
        return None
    return "a frame changed without being decapsulated"


def check_ha4_sent(inp, out, st):
    """A frame that left the HA with DSMIPv6 bindings, or was passed up changed (property 6)."""
    import test_dsmip_dp as D  # noqa: PLC0415
    o, i = Ether(out), Ether(inp)
    bound = {C.HOA, D.HOA4}
    ip_in = i[IPv6] if IPv6 in i and i.type == 0x86dd else (i[IP] if IP in i else None)
    if "DSMIP_DECAP_OK" in st:
        if IP not in i or i[IP].dst != D.HA4 or i[IP].src != D.NAT4 or UDP not in i or \
                i[UDP].sport != D.NATPORT or i[UDP].dport != 4191:
            return "decapsulated a frame not from the binding's NAT address and port"
        src = o[IPv6].src if o.type == 0x86dd else o[IP].src
        if src not in bound or bytes(o)[14:] != bytes(i[UDP].payload)[:len(out) - 14]:
            return "decapsulated something other than a bound home address's inner packet"
        return None
    if "PTB_SENT" in st or "FRAG_NEEDED_SENT" in st:
        if ip_in is None or ip_in.dst not in bound:
            return "too-big error for a frame to no bound home address"
        err = o[IPv6] if "PTB_SENT" in st else o[IP]
        if err.dst != ip_in.src or err.src not in (C.HA, D.HA4):
            return "too-big error not from the HA to the source"
        return None
    if IP not in o or o[IP].src != D.HA4 or o[IP].dst != D.NAT4 or UDP not in o or \
            o[UDP].sport != 4191 or o[UDP].dport != D.NATPORT or o[UDP].chksum != 0:
        return "left other than in UDP 4191 to the binding's NAT address and port"
    c = o[IP].chksum
    del o[IP].chksum
    if IP(bytes(o[IP]))[IP].chksum != c:
        return "outer IPv4 checksum wrong"
    inner = bytes(Ether(out)[UDP].payload)
    if ip_in is None or bytes(ip_in)[:1] != inner[:1] or ip_in.dst not in bound:
        return "tunnelled a frame for no bound home address"
    want = ip_in.__class__(bytes(ip_in))
    if isinstance(want, IPv6):
        want.hlim -= 1
    else:
        want.ttl -= 1
        del want.chksum
    if bytes(want.__class__(bytes(want)))[:len(inner)] != inner[:len(bytes(want))]:
        return "the tunnelled packet is not the input (TTL / hop limit one less)"
    return None


def mip4_decode(prog, out):
    """The packet inside a tunnel frame the HA sent, by the tests' own decoders; or why not."""
    import test_mip4_dp as M  # noqa: PLC0415
    encap, udp = MIP4_PROGS[prog]
    o = Ether(out)
    if IP not in o or o.type != 0x0800 or o[IP].ihl != 5:
        return None, "left without a plain outer IPv4 header"
    if o[IP].src != M.HA4 or o[IP].dst != (M.NAT4 if udp else M.COA4):
        return None, "left other than from the HA to the binding's tunnel end"
    h = bytes(o)[14:34]
    if checksum(h) != 0:
        return None, "outer IPv4 checksum wrong"
    raw, nh = bytes(o)[34:], o[IP].proto
    if udp:
        if nh != 17 or len(raw) < 12 or raw[0:2] != b"\x01\xb2" or \
                raw[2:4] != struct.pack("!H", M.NATPORT) or raw[6:8] != b"\0\0" or raw[8] != 4:
            return None, "not UDP 434 -> the NAT's port, checksum 0, type 4"
        nh, raw = raw[9], raw[12:]
    if nh == 55 and encap == 5:
        return M.decode_minimal(out, udp), None
    if nh == 47 and encap == 6:
        if raw[:4] != b"\0\0\x08\x00":
            return None, "GRE header not 0 / 0x0800"
        return IP(raw[4:]), None
    if nh == 4:
        return IP(raw), None
    return None, "encapsulation %d is not the binding's" % nh


def check_mip4_tc(inp, out, v, st, sig):
    """Property 8: the relay of an ICMP error from inside a Mobile IPv4 tunnel, or nothing."""
    import test_mip4_dp as M  # noqa: PLC0415
    if v not in VERDICTS["mip4-tc"]:
        return "verdict %s not allowed" % v
    i = Ether(inp)
    if sig and not TO_AGENT & set(st):
        return "a ring-buffer record without SIGNAL_TO_AGENT or ICMP_TO_AGENT"
    if "ICMP_TO_AGENT" in st:
        # (--batch gives the number of records; test_mip4_icmp.py checks their bytes)
        if sig != 1:
            return "%s ring records with ICMP_TO_AGENT" % sig
        b = inp[14:]
        if len(b) < 48 or b[0] != 0x45 or b[9] != 1 or b[16:20] != socket.inet_aton(M.HA4) or \
                b[20] != 3 or b[21] != 4 or b[28 + 12:28 + 16] != socket.inet_aton(M.HA4):
            return "reported what is not a Fragmentation Needed to the HA about its packet"
    if "MIP4_ICMP_RELAYED" not in st:
        if v == "TC_ACT_REDIRECT" or (v == "TC_ACT_OK" and out and out != inp):
            return "changed or sent on without MIP4_ICMP_RELAYED"
        return None
    if v == "TC_ACT_SHOT":
        return None if "FALLBACK_FIB_OTHER" in st else "relay dropped without FALLBACK_FIB_OTHER"
    o = bytes(out)
    if len(o) < 14 + 20 + 8 + 20 or o[14] != 0x45 or o[23] != 1:
        return "relay is not a plain IPv4 ICMP packet"
    if checksum(o[14:34]) != 0:
        return "relay's IPv4 checksum wrong"
    if o[26:30] != socket.inet_aton(M.HA4):
        return "relay not from the HA"
    if (o[16] << 8 | o[17]) != len(o) - 14:
        return "relay's Total Length is not its length"
    if o[34] != 3 or o[35] not in (1, 4) or (o[35] == 4 and (o[40] << 8 | o[41]) < 68):
        return "relay not Destination Unreachable 1, or 4 with an MTU of 68 or more"
    rin = inp[14 + (inp[14] & 15) * 4:]
    if checksum(rin[:(i[IP].len if IP in i else len(rin)) - (inp[14] & 15) * 4]) == 0 and \
            checksum(o[34:]) != 0:
        return "relay's ICMP checksum wrong (the received one was right)"
    q = o[42:]
    if q[16:20] != socket.inet_aton(M.HOA4) or o[30:34] != q[12:16]:
        return "relay not to the quoted inner source, or about another destination"
    if rin[28 + 9] == 55 or (rin[28 + 9] == 17 and len(rin) > 57 and rin[28 + 29] == 55):
        if checksum(q[:20]) != 0:
            return "restored original header's checksum wrong"
    return None


def check_mip4(prog, inp, out, st):
    """A frame that left the HA with a Mobile IPv4 binding, or was passed up changed (property 7)."""
    import test_mip4_dp as M  # noqa: PLC0415
    encap, udp = MIP4_PROGS[prog]
    i = Ether(inp)
    if "MIP4_DECAP_OK" in st:
        if IP not in i or i[IP].dst != M.HA4 or i[IP].src != (M.NAT4 if udp else M.COA4) or \
                (udp and (UDP not in i or i[UDP].sport != M.NATPORT)):
            return "decapsulated a frame not from the binding's tunnel end"
        o = Ether(out)
        if IP not in o or o[IP].src != M.HOA4:
            return "decapsulated a packet whose source is not the home address"
        if checksum(bytes(o)[14:14 + o[IP].ihl * 4]) != 0:
            return "decapsulated packet's IPv4 checksum wrong"
        return None
    if "FRAG_NEEDED_SENT" in st:
        if IP not in i or i[IP].dst != M.HOA4 or Ether(out)[IP].dst != i[IP].src:
            return "Fragmentation Needed for a frame to no bound home address"
        return None
    if "MIP4_ENCAP_OK" not in st:
        return "left or changed without MIP4_ENCAP_OK"
    inner, why = mip4_decode(prog, out)
    if why:
        return why
    want = IP(bytes(i[IP]))
    want.ttl -= 1
    del want.chksum
    want = bytes(IP(bytes(want)))[:i[IP].len]
    if i[IP].dst != M.HOA4 or bytes(inner) != want:
        return "the tunnelled packet is not the input to the home address, TTL one less"
    return None


def ext_walk(b, off, by_plen=False):
    """[(next header of, offset)] of the extension headers after the IPv6
    header at off, as far as they are whole; and the home address of the
    first Home Address option found in a Destination Options header.
    by_plen: the packet ends where its payload length says (what the
    kernel's stack will see of a frame passed up), not at the frame's end."""
    hao, hdrs = None, []
    ext_walk.hao_at = None
    if len(b) < off + 40:
        return hdrs, hao
    if by_plen:
        b = b[:off + 40 + (b[off + 4] << 8 | b[off + 5])]
    nh, at = b[off + 6], off + 40
    for _ in range(8):
        if nh in (0, 43, 60) and len(b) >= at + 2:
            end = at + (b[at + 1] + 1) * 8
            if nh == 60 and hao is None and end <= len(b):
                i = at + 2
                while i < end:
                    if b[i] == 0:
                        i += 1
                        continue
                    if i + 1 >= end:
                        break
                    if b[i] == 0xC9 and b[i + 1] == 16 and i + 18 <= end:
                        hao = b[i + 2:i + 18]
                        ext_walk.hao_at = at
                    i += 2 + b[i + 1]
            hdrs.append((nh, at))
            nh, at = b[at], end
        elif nh == 44 and len(b) >= at + 8:
            hdrs.append((nh, at))
            nh, at = b[at], at + 8
        else:
            break
    # Whole: the chain ends in an upper layer inside the packet.
    ext_walk.whole = nh not in (0, 43, 44, 60) and at <= len(b)
    return hdrs, hao


def check_cn(prog, inp, out, v, st, b):
    """The CN's frames (property 3): what changed, and no HAO delivered unbound."""
    if len(inp) < 54 or inp[12:14] != b"\x86\xdd":
        return "a non-IPv6 frame changed" if out and out != inp else None
    i_src, i_dst = inp[22:38], inp[38:54]
    if prog == "cn-tc":
        if not out or out == inp:
            return None
        if "RO_RH2_OK" not in st:
            return "a frame changed without a routing header being inserted"
        if i_src != b.self or i_dst not in b.live:
            return "a routing header on a frame not from the CN to a bound home address"
        hdrs, _ = ext_walk(out, 14)
        rh = [at for nh, at in hdrs if nh == 43]
        if out[38:54] != b.live[i_dst] or not rh or out[rh[0] + 2] != 2 or \
                out[rh[0] + 8:rh[0] + 24] != i_dst:
            return "routing header not to the binding's CoA naming the home address"
        return None
    hdrs, hao = ext_walk(inp, 14, by_plen=True)
    # A fragment passed whole (PASS_FRAGMENT, as every role does): the HAO
    # sits in front of the Fragment header, and a kernel without MIP6 drops
    # the frame on it (option type 0xC9: discard, RFC 8200 §4.2). Not delivered.
    frag_after_hao = "PASS_FRAGMENT" in st and any(nh == 44 for nh, _ in hdrs)
    # Known and open (docs/RELIABILITY.md): a HAO in a chain the payload
    # length cuts short is passed up unchanged (PASS_NOT_OURS...), and so is
    # one in front of a routing header with segments left (the CN is not the
    # final destination yet: PASS_RH_SEGS_LEFT, the kernel's to process);
    # the kernel drops either frame on the option: counted apart, not delivered.
    # A HAO in a Destination Options header before the last one is dropped
    # (RO_DROP_HAO_LAYOUT, lib/hao.h xmip_xdp_hao_anywhere): a violation if
    # passed up.
    whole = ext_walk.whole
    if v == "XDP_PASS" and hao is not None and i_dst == b.self and \
            "RO_HAO_RESTORED" not in st and not frag_after_hao:
        if not whole or "PASS_RH_SEGS_LEFT" in st:
            if out and out != inp:
                return "a frame with a Home Address option changed without being restored"
            check_cn.unseen += 1
            return None
        return "a frame to the CN with a Home Address option passed up unrestored"
    if "RO_HAO_RESTORED" in st:
        if hao is None or b.live.get(hao) != i_src or i_dst != b.self:
            return "restored a Home Address option without a live binding from its CoA"
        if not out or out[22:38] != hao or ext_walk(out, 14)[1] is not None:
            return "restored frame not from the home address, or still with the option"
        return None
    if out and out != inp:
        return "a frame changed without a Home Address option restored"
    return None


check_cn.unseen = 0


def run(prog, pkts, ns, tmp, verbose=False):
    obj, sec = prog.split("-")
    obj = "ha" if obj in ("ha4", "mip4", "mip4g") else obj
    sec = "tc-out" if sec == "tcout" else sec
    path = os.path.join(tmp, prog + ".bin")
    with open(path, "wb") as f:
        for p in pkts:
            f.write(struct.pack("<I", len(p)) + p)
    ents = None
    if prog == "rs-xdp":
        import test_rs as R  # noqa: PLC0415
        ents = rs_entries()
        rel = os.path.join(tmp, "relay.bin")
        with open(rel, "wb") as f:
            for k, v in ents:
                f.write(k + v)
        args = ["--self4", R.RS4, "--self", R.RS6, "--pool", "%d-%d" % (R.POOL, R.POOL + 999),
                "--relay", rel, "--rs-path", hex(R.PATH_S), "--rs-path", hex(R.PATH_N)]
        ifindex = ns.ifidx
    elif prog == "ha-xdp":
        binds = [(C.HOA, C.COA), (C.HOA2, C.COA2), (HOA_BADCOA, BAD_COA)]
        args = C.ha_args(*binds, extra=["--home-prefix", HOME_PREFIX,
                                        "--expired-binding", "%s=%s" % (HOA_EXPIRED, C.COA)])
        ifindex = ns.home
        b = Bindings(binds[:2], C.HA)
    elif prog == "ha4-xdp":
        import test_dsmip_dp as D  # noqa: PLC0415
        args = D.args(D.UDP4, (C.HOA, D.UDP_COA), (D.HOA4_KEY, D.UDP_COA),
                      extra=["--home-prefix", HOME_PREFIX])
        ifindex = ns.home
    elif prog in MIP4_PROGS:
        import test_mip4_dp as M  # noqa: PLC0415
        encap, udp = MIP4_PROGS[prog]
        args = M.args(encap, M.UDP_COA if udp else M.COA, M.REV | (M.COLOC if udp else 0),
                      extra=["--home-prefix", HOME_PREFIX])
        ifindex = ns.uplink if prog == "mip4-tc" else ns.home
    elif obj == "ntm":
        ents = ntm_entries()
        rel = os.path.join(tmp, "tunnels.bin")
        with open(rel, "wb") as f:
            for k, v in ents:
                f.write(k + v)
        args = ["--relay", rel]
        ifindex = ns.ifidx
    elif obj == "cn":
        args = ["--self", C.CN, "-b", "%s=%s" % (C.HOA, C.COA),
                "--expired-binding", "%s=%s" % (C.HOA2, C.COA)]
        ifindex = ns.cn
        b = Bindings([(C.HOA, C.COA)], C.CN)
    else:
        args = C.mn_args(extra=["--coa-ifindex", str(ns.mn), "--home-prefix", HOME_PREFIX,
                                "-b", "%s=%s" % (C.CN, C.COA),     # a correspondent bound
                                # a peer bound at us (the MN as a correspondent)
                                "--cn-binding", "%s=%s" % (MNCN_PEER, MNCN_PEER_COA)])
        ifindex = ns.mn
    cmd = [C.PKTRUN, "--netns", ns.name, "-o", obj, "-p", sec, "-i", path, "-I", str(ifindex),
           "--batch"] + args
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("xmip_pktrun: %s\n%s" % (" ".join(cmd), r.stderr[-2000:]))
    lines = r.stdout.splitlines()
    if len(lines) != len(pkts):
        raise RuntimeError("%d results for %d frames" % (len(lines), len(pkts)))
    bad, verdicts, outcomes, sent, refused = [], {}, {}, 0, 0
    for line in lines:
        j = json.loads(line)
        inp = pkts[j["i"]]
        if "error" in j:
            # The kernel refuses frames shorter than an Ethernet header, and
            # for tc an IPv4/IPv6 ethertype with less than its fixed header.
            refused += 1
            if len(inp) >= (14 if "-tc" not in prog else 14 + 40):
                bad.append((j["i"], "test run refused a %d-octet frame (errno %d)"
                            % (len(inp), j["error"])))
            continue
        v, st = j["verdict"], j["stats"]
        verdicts[v] = verdicts.get(v, 0) + 1
        why = None
        out = bytes.fromhex(j.get("out", ""))
        final = [k for k in st if k not in STAGE]
        if not final and "MN_DECAP_OK" in st:
            final = ["MN_DECAP_OK"]
        # The HA's fast path counts one counter per tunnelled frame (no FWD_*
        # beside it): ENCAP_OK or RETUNNEL_OK alone is the outcome "sent on".
        final = [k for k in final if k not in STAGE_MIP4]
        if not final and prog in HA_FAST and len(st) - len(STAGE_MIP4 & set(st)) == 1 and \
                set(st) - STAGE_MIP4 <= HA_FAST_SENT:
            final = list(set(st) - STAGE_MIP4)
        if prog == "mn-xdp" and "RO_MN_RH2_RESTORED" in final and len(final) > 1:
            # RH2 then HAO (bpf/ro/mn_cn.h): the RH2's removal is a stage of the HAO's outcome.
            final = [k for k in final if k != "RO_MN_RH2_RESTORED"]
        if "RO_DROP_HAO_NO_BINDING" in final and set(final) - {"RO_DROP_HAO_NO_BINDING"} <= \
                CN_REPORT | SIGNAL_STAGE:
            final = ["RO_DROP_HAO_NO_BINDING"]   # its report to the agent beside it
        if "RO_HA_DROP_HAO" in final and set(final) - {"RO_HA_DROP_HAO"} <= \
                CN_REPORT | SIGNAL_STAGE:
            final = ["RO_HA_DROP_HAO"]           # the HA's report for a Binding Error 1
        if prog == "mip4-tc":
            try:
                why = check_mip4_tc(inp, out, v, st, j["signal"])
            except (IndexError, AttributeError, TypeError, struct.error) as e:
                why = "output not decodable: %s" % e
        elif v not in VERDICTS[prog]:
            why = "verdict %s (retval %d) not allowed" % (v, j["retval"])
        elif len(final) != 1 or any(n != 1 for n in st.values() if n):
            why = "counters %s: not exactly one outcome" % st
        elif outcome_kind(final[0], prog) != VERDICT_KIND[v]:
            why = "verdict %s counted as %s" % (v, final[0])
        elif SIGNAL_STAGE & set(st) and not (final[0] in TO_AGENT or
                                             final[0].startswith("DROP_SIGNAL_") or
                                             final[0] == "DROP_ICMP_REPORT_LIMITED" or
                                             final[0] in ("RO_DROP_HAO_NO_BINDING",
                                                          "RO_HA_DROP_HAO")):
            why = "signalling admission counted beside %s" % final[0]
        elif j["signal"] and not TO_AGENT & set(st):
            why = "a ring-buffer record without SIGNAL_TO_AGENT or ICMP_TO_AGENT"
        elif out and prog == "rs-xdp":
            why = check_rs(inp, out, st, ents)
        elif obj == "ntm":
            why = check_ntm(prog, inp, out, st) if out else None
        elif obj == "cn":
            why = check_cn(prog, inp, out, v, st, b)
        elif out and prog == "ha-xdp":
            why = check_ha_sent(inp, out, st, b)
        elif out and prog == "ha4-xdp":
            try:
                why = check_ha4_sent(inp, out, st)
            except (IndexError, AttributeError, TypeError) as e:
                why = "output not decodable: %s" % e
        elif out and prog in MIP4_PROGS:
            try:
                why = check_mip4(prog, inp, out, st)
            except (IndexError, AttributeError, TypeError, struct.error) as e:
                why = "output not decodable: %s" % e
        elif out and prog not in ("ha-xdp", "rs-xdp", "ha4-xdp"):
            why = check_mn(prog, inp, out, st, a16(C.COA), a16(C.HA), a16(C.HOA))
        elif not out and VERDICT_KIND[v] == "sent":
            why = "sent on, but no output frame"
        if final:
            outcomes[final[0]] = outcomes.get(final[0], 0) + 1
        sent += VERDICT_KIND.get(v) == "sent"
        if why:
            bad.append((j["i"], why))
    verdicts["refused by the kernel"] = refused
    return bad, verdicts, outcomes, sent


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packets", type=int, default=3000, help="frames per program")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prog", default="ha-xdp,ha4-xdp,mip4-xdp,mip4g-xdp,mip4-tc,mn-xdp,mn-tc,"
                    "rs-xdp,cn-xdp,cn-tc,ntm-tc,ntm-tcout")
    ap.add_argument("--chunk", type=int, default=20000, help="frames per xmip_pktrun run")
    args = ap.parse_args(argv)
    failed = 0
    ha_ns = C.make_ha_ns()
    ha4_ns = make_ha4_ns()
    mip4_ns = make_ha4_ns(relay=True)
    mn_ns = make_mn_ns()
    rs_ns = make_rs_ns()
    cn_ns = make_cn_ns()
    ntm_ns = make_ntm_ns()
    try:
        with tempfile.TemporaryDirectory(prefix=C.PREFIX + "-fz-") as tmp:
            for prog in args.prog.split(","):
                total_bad, verdicts, outcomes, sent = [], {}, {}, 0
                pkts = frames(prog, args.packets, args.seed)
                for i in range(0, len(pkts), args.chunk):
                    part = pkts[i:i + args.chunk]
                    ns = {"ha-xdp": ha_ns, "ha4-xdp": ha4_ns, "mip4-xdp": ha4_ns,
                          "mip4g-xdp": ha4_ns, "mip4-tc": mip4_ns, "rs-xdp": rs_ns,
                          "cn-xdp": cn_ns, "cn-tc": cn_ns, "ntm-tc": ntm_ns,
                          "ntm-tcout": ntm_ns}.get(prog, mn_ns)
                    bad, v, o, s = run(prog, part, ns, tmp)
                    total_bad += [(k + i, w) for k, w in bad]
                    for d, src in ((verdicts, v), (outcomes, o)):
                        for k, n in src.items():
                            d[k] = d.get(k, 0) + n
                    sent += s
                print("%s: %d frames (seed %d), verdicts %s, %d sent on, %d outcomes: %s"
                      % (prog, len(pkts), args.seed, json.dumps(verdicts, sort_keys=True), sent,
                         len(outcomes), ", ".join("%s %d" % kv for kv in sorted(outcomes.items()))))
                if prog == "cn-xdp":
                    print("cn-xdp: %d frames passed up unchanged with a Home Address option in a "
                          "chain the payload length cuts short or before a routing header with segments left "
                          "(the kernel drops them on it)"
                          % check_cn.unseen)
                    check_cn.unseen = 0
                for i, why in total_bad[:20]:
                    print("  VIOLATION frame %d: %s\n    %s%s" % (i, why, pkts[i][:160].hex(),
                                                             "..." if len(pkts[i]) > 160 else ""))
                if total_bad:
                    print("%s: %d violations" % (prog, len(total_bad)))
                failed += len(total_bad)
    finally:
        ha_ns.close()
        ha4_ns.close()
        mip4_ns.close()
        mn_ns.close()
        rs_ns.close()
        cn_ns.close()
        ntm_ns.close()
    return 1 if failed else 0


def make_ntm_ns():
    """The NTM node's namespace, as test_ntm_node.py's fixture."""
    import test_ntm_node as N  # noqa: PLC0415
    ns = C.Netns("ntm")
    try:
        ns.ip("link", "set", "lo", "up")
        ns.veth("xbnt", N.MAC_A)
        ns.ifidx = ns.ifindex("xbnt")
    except BaseException:
        ns.close()
        raise
    return ns


def make_rs_ns():
    """The relay's namespace, as test_rs.py's rs_ns fixture."""
    import test_rs as R  # noqa: PLC0415
    ns = C.Netns("rs")
    try:
        ns.ip("link", "set", "lo", "up")
        ns.run("sysctl", "-qw", "net.ipv4.ip_forward=1")
        ns.veth("xbrs", R.MAC_RS)
        ns.ip("addr", "add", R.RS4 + "/24", "dev", "xbrs")
        ns.ip("-6", "addr", "add", R.RS6 + "/64", "dev", "xbrs", "nodad")
        ns.ifidx = ns.ifindex("xbrs")
    except BaseException:
        ns.close()
        raise
    return ns


def make_ha4_ns(relay=False):
    """The HA's namespace with IPv4 on both links, as test_dsmip_dp.py's fixture;
    relay: with the original sender's neighbour entry (test_mip4_dp.py's cn_neigh)."""
    import test_dsmip_dp as D  # noqa: PLC0415
    ns = C.make_ha_ns()
    try:
        D.add_ipv4(ns)
        if relay:
            ns.ip("neigh", "replace", D.CN4, "lladdr", C.MAC_HOME_ROUTER, "dev", "xbth", "nud",
                  "permanent")
    except BaseException:
        ns.close()
        raise
    return ns


def make_mn_ns():
    """As conftest's mn_ns fixture, for use outside pytest."""
    ns = C.Netns("mn")
    try:
        ns.ip("link", "set", "lo", "up")
        ns.veth("xbtm", C.MAC_MN)
        ns.ip("-6", "addr", "add", C.COA + "/64", "dev", "xbtm", "nodad")
        ns.ip("-6", "addr", "add", C.HOA + "/128", "dev", "lo", "nodad")
        ns.ip("-6", "route", "add", "default", "via", C.MN_GW, "dev", "xbtm")
        ns.ip("-6", "neigh", "replace", C.MN_GW, "lladdr", C.MAC_MN_GW, "dev", "xbtm",
              "nud", "permanent")
        ns.mn = ns.ifindex("xbtm")
    except BaseException:
        ns.close()
        raise
    return ns


def make_cn_ns():
    """The CN (as selftests/bpf/test_cn.py's namespace): its address on
    xbtc, a default route and a permanent neighbour for bpf_fib_lookup."""
    ns = C.Netns("cn")
    try:
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
        ns.ip("link", "set", "lo", "up")
        ns.veth("xbtc", MAC_CN)
        ns.ip("-6", "addr", "add", C.CN + "/64", "dev", "xbtc", "nodad")
        ns.ip("-6", "route", "add", "default", "via", CN_GW, "dev", "xbtc")
        ns.ip("-6", "neigh", "replace", CN_GW, "lladdr", MAC_CN_GW, "dev", "xbtc",
              "nud", "permanent")
        ns.cn = ns.ifindex("xbtc")
    except BaseException:
        ns.close()
        raise
    return ns


if __name__ == "__main__":
    sys.exit(main())
