#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write selftests/unit/nemo_vectors.h: NEMO and DHAAD test vectors.

Built independently of xmip's C code: the packets with Scapy (Debian
python3-scapy), which computes the MH and ICMPv6 checksums; the RFC 4285
authenticator with Python's hmac; the Home-Agents anycast addresses from
RFC 2526 with Python's ipaddress. test_nemo.c checks our builders and
parsers against them.

    /usr/bin/python3 selftests/unit/gen_nemo_vectors.py > selftests/unit/nemo_vectors.h
    /usr/bin/python3 selftests/unit/gen_nemo_vectors.py --seeds selftests/fuzz/dhaad

The second form writes the ICMPv6 messages (from the ICMPv6 header, as a
raw socket gives them) as seeds of selftests/fuzz/fuzz_dhaad.c.
"""
import hashlib
import hmac
import ipaddress
import os
import sys

from scapy.all import raw
from scapy.layers.inet6 import (HAO, IPv6ExtHdrRouting, MIP6MH_BA, ICMPv6HAADReply, ICMPv6HAADRequest, ICMPv6MPAdv,
                                ICMPv6MPSol, ICMPv6NDOptPrefixInfo, IPv6, IPv6ExtHdrDestOpt,
                                MIP6MH_BU, MIP6OptMNID, MIP6OptMobNetPrefix, MIP6OptMsgAuth,
                                MIP6OptReplayProtection, Pad1, PadN)

HA, HOA, COA = "2001:db8:1::2", "2001:db8:1::100", "2001:db8:2::100"
HA2 = "2001:db8:1::3"
KEY = bytes.fromhex("0123456789abcdef0123456789abcdef")
SPI, NAI, TS = 256, b"mn1@example.org", 0xEAF0E58B80000000
MNP1, MNP2 = "2001:db8:100::", "2001:db8:200:8000::"


def a(s):
    return ipaddress.IPv6Address(s).packed


def bu_pkt(auth):
    # Our layout: MN-ID@12, MNP@8n+4 (36, 60), Mesg-ID@8n+2 (82), Auth@8n+5 (93).
    return (IPv6(src=COA, dst=HA, hlim=64) /
            IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
            MIP6MH_BU(seq=1000, flags="AHR", mhtime=15, res=0, autopad=0,
                      cksum=0 if auth is None else None,
                      options=[MIP6OptMNID(id=NAI), PadN(optdata=b"\0" * 4),
                               MIP6OptMobNetPrefix(plen=48, prefix=MNP1), PadN(optdata=b"\0" * 2),
                               MIP6OptMobNetPrefix(plen=65, prefix=MNP2), PadN(optdata=b""),
                               MIP6OptReplayProtection(timestamp=TS), Pad1(),
                               MIP6OptMsgAuth(mspi=SPI, authdata=auth or b"\0" * 12)]))


def sign(p):
    mh = raw(p[MIP6MH_BU])
    return hmac.new(KEY, a(COA) + a(HOA) + mh[:len(mh) - 12], hashlib.sha1).digest()[:12]


def ba_pkt(status, flags, lifetime, auth):
    # The HA's BA: RH2 (HoA), PadN, Mesg-ID@18 (the BU's, echoed), Pad1, Auth@29
    return (IPv6(src=HA, dst=COA, hlim=64) /
            IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) /
            MIP6MH_BA(status=status, flags=flags, res=0, res2=0, seq=1000, mhtime=lifetime,
                      autopad=0, cksum=0 if auth is None else None,
                      options=[PadN(optdata=b"\0" * 4), MIP6OptReplayProtection(timestamp=TS),
                               Pad1(), MIP6OptMsgAuth(mspi=SPI, authdata=auth or b"\0" * 12)]))


def signed_ba(status, flags, lifetime):
    mh = raw(ba_pkt(status, flags, lifetime, None)[MIP6MH_BA])
    auth = hmac.new(KEY, a(COA) + a(HOA) + mh[:len(mh) - 12], hashlib.sha1).digest()[:12]
    return raw(ba_pkt(status, flags, lifetime, auth))


def anycast(prefix, plen):
    """RFC 2526 §2: EUI-64 format for /64, else all ones but the 7-bit ID 126."""
    p = int(ipaddress.IPv6Address(prefix))
    if plen == 64:
        iid = 0xFDFFFFFFFFFFFF80 | 126
        return str(ipaddress.IPv6Address(p | iid))
    ones = ((1 << (121 - plen)) - 1) << 7
    return str(ipaddress.IPv6Address(p | ones | 126))


ANY64 = anycast("2001:db8:1::", 64)
ANY48 = anycast("2001:db8:1::", 48)
ANY60 = anycast("2001:db8:1:10::", 60)

bu = raw(bu_pkt(sign(bu_pkt(None))))
req = raw(IPv6(src=COA, dst=ANY64, hlim=64) / ICMPv6HAADRequest(id=0x1234, R=0))
req_r = raw(IPv6(src=COA, dst=ANY64, hlim=64) / ICMPv6HAADRequest(id=0x1235, R=1))
rep = raw(IPv6(src=HA, dst=COA, hlim=64) / ICMPv6HAADReply(id=0x1234, R=0, addresses=[HA, HA2]))
rep_r = raw(IPv6(src=HA, dst=COA, hlim=64) / ICMPv6HAADReply(id=0x1235, R=1, addresses=[HA]))
mps = raw(IPv6(src=HOA, dst=HA, hlim=64) / ICMPv6MPSol(id=0x4321))
mpa = raw(IPv6(src=HA, dst=HOA, hlim=64) / ICMPv6MPAdv(id=0x4321, flags=0) /
          ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=1, R=0, validlifetime=2592000,
                                preferredlifetime=604800, prefix="2001:db8:1::"))

VECS = [
    ("ba_r_accepted", signed_ba(0, "R", 15), "BA 0 with R (RFC 3963 4.2), seq 1000, 15 units"),
    ("ba_141", signed_ba(141, 0, 0), "BA 141 Invalid Prefix, Mesg-ID echoed, authenticated"),
    ("ba_142", signed_ba(142, 0, 0), "BA 142 Not Authorized for Prefix"),
    ("ba_143", signed_ba(143, 0, 0), "BA 143 Forwarding Setup failed"),
    ("nemo_bu", bu, "BU CoA->HA, HAO, R set: MN-ID@12, MNP 2001:db8:100::/48 @36, "
     "MNP 2001:db8:200:8000::/65 @60, Mesg-ID@82, Pad1, Auth@93"),
    ("haad_req", req, "DHAAD request CoA -> Home-Agents anycast of 2001:db8:1::/64, id 0x1234"),
    ("haad_req_r", req_r, "... from a mobile router (R, RFC 3963 7.1), id 0x1235"),
    ("haad_rep", rep, "DHAAD reply HA -> CoA, id 0x1234, [HA, HA2]"),
    ("haad_rep_r", rep_r, "DHAAD reply with R, id 0x1235, [HA]"),
    ("mps", mps, "Mobile Prefix Solicitation HoA -> HA, id 0x4321"),
    ("mpa", mpa, "Mobile Prefix Advertisement HA -> HoA, id 0x4321, PI 2001:db8:1::/64 L A, "
     "valid 2592000 preferred 604800"),
]

if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
    os.makedirs(sys.argv[2], exist_ok=True)
    for name, b, _ in VECS:
        if not name.startswith(("haad", "mps", "mpa")):
            continue
        with open(os.path.join(sys.argv[2], name), "wb") as f:
            f.write(b[40:])
    sys.exit(0)

print("/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */")
print("/* Generated by selftests/unit/gen_nemo_vectors.py (Scapy %s); do not edit. */"
      % __import__("scapy").__version__)
print("#ifndef XMIP_TEST_NEMO_VECTORS_H\n#define XMIP_TEST_NEMO_VECTORS_H\n\n#include <stdint.h>\n")
print('#define N_ANY64 "%s"   /* 2001:db8:1::/64 */' % ANY64)
print('#define N_ANY48 "%s"   /* 2001:db8:1::/48 */' % ANY48)
print('#define N_ANY60 "%s"   /* 2001:db8:1:10::/60 */' % ANY60)
print('#define N_HA2 "%s"\n' % HA2)
for name, b, what in VECS:
    print("/* %s */" % what)
    print("static const uint8_t v_%s[%d] = {" % (name, len(b)))
    for i in range(0, len(b), 12):
        print("\t" + " ".join("0x%02x," % x for x in b[i:i + 12]))
    print("};\n")
print("#endif")
