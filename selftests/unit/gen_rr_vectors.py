#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write selftests/unit/rr_vectors.h: Return Routability test vectors.

Everything here is computed independently of xmip's C code: the tokens,
Kbm and authenticators with Python's hmac and hashlib, exactly as RFC 6275
§5.2.5 and §6.2.7 write them; the packets with Scapy (Debian
python3-scapy), which also computes the Mobility Header checksums. The
unit tests (test_rr.c, test_cn_policy.c) check our code against them.

    /usr/bin/python3 selftests/unit/gen_rr_vectors.py > selftests/unit/rr_vectors.h
    /usr/bin/python3 selftests/unit/gen_rr_vectors.py --seeds selftests/fuzz/rr

The second form writes the same packets, one file each, as the seeds of
the libFuzzer harness selftests/fuzz/fuzz_rr.c.
"""
import hashlib
import hmac
import ipaddress
import os
import struct
import sys

from scapy.all import raw
from scapy.utils import checksum
from scapy.layers.inet6 import (HAO, ICMPv6EchoReply, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BRR, MIP6MH_BU, MIP6MH_CoT, MIP6MH_CoTI, MIP6MH_HoT,
                                MIP6MH_HoTI, MIP6OptAltCoA, MIP6OptBindingAuthData,
                                MIP6OptNonceIndices, PadN)

CN = "2001:db8:c::2"
HOA = "2001:db8:1::100"
COA = "2001:db8:a::100"
ALT_COA = "2001:db8:b::100"
KCN = bytes(range(0x40, 0x40 + 20))           # node key, 20 octets (§5.2.1)
NONCE = bytes.fromhex("0123456789abcdef")      # 64-bit nonce (§5.2.2)
NONCE_INDEX = 0x1234
KCN2 = bytes(range(0x80, 0x80 + 20))           # the next nonce's key (care-of test)
NONCE2 = bytes.fromhex("fedcba9876543210")
NONCE_INDEX2 = 0x1235
HOME_COOKIE = bytes.fromhex("1122334455667788")
COA_COOKIE = bytes.fromhex("99aabbccddeeff00")


def a(s):
    return ipaddress.IPv6Address(s).packed


def token(kcn, addr, nonce, which):
    return hmac.new(kcn, a(addr) + nonce + bytes([which]), hashlib.sha1).digest()[:8]


def authenticator(kbm, coa, cn, mh_without_auth):
    """First(96, HMAC_SHA1(Kbm, CoA | CN | MH Data)), MH Data with checksum 0."""
    mh = bytearray(mh_without_auth)
    mh[4:6] = b"\0\0"
    return hmac.new(kbm, a(coa) + a(cn) + bytes(mh), hashlib.sha1).digest()[:12]


HOME_TOKEN = token(KCN, HOA, NONCE, 0)
COA_TOKEN = token(KCN2, COA, NONCE2, 1)
ALT_COA_TOKEN = token(KCN2, ALT_COA, NONCE2, 1)
KBM = hashlib.sha1(HOME_TOKEN + COA_TOKEN).digest()
KBM_DEREG = hashlib.sha1(HOME_TOKEN).digest()
KBM_ALT = hashlib.sha1(HOME_TOKEN + ALT_COA_TOKEN).digest()


def bu_packet(seq, lifetime_units, kbm, auth_coa, src=COA, flags="A", alt=None, hao=True):
    opts = [MIP6OptNonceIndices(hni=NONCE_INDEX, coni=NONCE_INDEX2, olen=4)]
    if alt:
        opts += [PadN(optdata=b"\0\0"), MIP6OptAltCoA(acoa=alt), PadN(optdata=b"")]
    # Build with a zero authenticator, compute it over the MH without it, rebuild.
    def build(auth):
        bad = MIP6OptBindingAuthData(olen=12, authenticator=int.from_bytes(auth, "big"))
        mh = MIP6MH_BU(seq=seq, flags=flags, mhtime=lifetime_units, options=opts + [bad])
        ip = IPv6(src=src, dst=CN, hlim=64)
        return ip / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) / mh if hao else ip / mh
    mh = raw(build(bytes(12))[MIP6MH_BU])
    assert mh[-14] == 5 and mh[-13] == 12, "BAD is last"
    auth = authenticator(kbm, auth_coa, CN, mh[:-12])
    pkt = raw(build(auth))
    return pkt, auth


def ba_packet(status, seq, lifetime_units, kbm, auth_coa, dst=COA):
    def build(auth):
        opts = []
        if auth is not None:
            opts = [PadN(optdata=b"\0\0\0\0"),
                    MIP6OptBindingAuthData(olen=12, authenticator=int.from_bytes(auth, "big"))]
        else:
            opts = [PadN(optdata=b"\0\0")]
        return (IPv6(src=CN, dst=dst, hlim=64) /
                IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) /
                MIP6MH_BA(status=status, flags=0, seq=seq, mhtime=lifetime_units,
                          options=opts))   # K = 0 from a correspondent (§6.1.8)
    if kbm is None:
        return raw(build(None))
    mh = raw(build(bytes(12))[MIP6MH_BA])
    return raw(build(authenticator(kbm, auth_coa, CN, mh[:-12])))


def mh_checksum_ok(pkt, mh_cls, src, dst):
    """Recompute the MH checksum over the pseudo-header RFC 6275 §6.1.1 says
    (HoA as source with a HAO, HoA as destination with an RH2): not trusting
    Scapy for it."""
    mh = bytearray(raw(IPv6(pkt)[mh_cls]))
    want = mh[4] << 8 | mh[5]
    mh[4:6] = b"\0\0"
    ph = a(src) + a(dst) + struct.pack("!I", len(mh)) + b"\0\0\0\x87"
    return checksum(ph + bytes(mh)) == want


def c_array(name, data):
    if name.endswith("_pkt"):
        SEEDS[name[4:-4]] = bytes(data)
    body = ", ".join("0x%02x" % b for b in data)
    lines, line = [], "\t"
    for item in body.split(", "):
        if len(line) + len(item) + 2 > 88:
            lines.append(line.rstrip())
            line = "\t"
        line += item + ", "
    lines.append(line.rstrip().rstrip(","))
    return "static const uint8_t %s[%d] = {\n%s\n};\n" % (name, len(data), "\n".join(lines))


SEEDS = {}


def main():
    out = []
    out.append("/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */\n")
    out.append("/*\n * Return Routability vectors (RFC 6275 §5.2.5, §6.2.7), written by\n"
               " * selftests/unit/gen_rr_vectors.py: tokens, Kbm and authenticators from\n"
               " * Python's hmac and hashlib, packets and MH checksums from Scapy. Do not\n"
               " * edit; regenerate.\n */\n")
    out.append("#ifndef XMIP_RR_VECTORS_H\n#define XMIP_RR_VECTORS_H\n\n#include <stdint.h>\n\n")
    out.append('#define RRV_CN      "%s"\n#define RRV_HOA     "%s"\n#define RRV_COA     "%s"\n'
               '#define RRV_ALT_COA "%s"\n' % (CN, HOA, COA, ALT_COA))
    out.append("#define RRV_NONCE_INDEX  0x%04x\n#define RRV_NONCE_INDEX2 0x%04x\n\n"
               % (NONCE_INDEX, NONCE_INDEX2))
    for name, data in (("rrv_kcn", KCN), ("rrv_nonce", NONCE), ("rrv_kcn2", KCN2),
                       ("rrv_nonce2", NONCE2), ("rrv_home_cookie", HOME_COOKIE),
                       ("rrv_coa_cookie", COA_COOKIE), ("rrv_home_token", HOME_TOKEN),
                       ("rrv_coa_token", COA_TOKEN), ("rrv_alt_coa_token", ALT_COA_TOKEN),
                       ("rrv_kbm", KBM), ("rrv_kbm_dereg", KBM_DEREG), ("rrv_kbm_alt", KBM_ALT)):
        out.append(c_array(name, data))

    # HoTI (from the HoA) and CoTI (from the CoA), and the HoT / CoT answering them
    # with nonce index 1 / 2 respectively.
    hoti = raw(IPv6(src=HOA, dst=CN, hlim=64) / MIP6MH_HoTI(cookie=HOME_COOKIE))
    coti = raw(IPv6(src=COA, dst=CN, hlim=64) / MIP6MH_CoTI(cookie=COA_COOKIE))
    hot = raw(IPv6(src=CN, dst=HOA, hlim=64) /
              MIP6MH_HoT(index=NONCE_INDEX, cookie=HOME_COOKIE, token=HOME_TOKEN))
    cot = raw(IPv6(src=CN, dst=COA, hlim=64) /
              MIP6MH_CoT(index=NONCE_INDEX2, cookie=COA_COOKIE, token=COA_TOKEN))
    brr = raw(IPv6(src=CN, dst=HOA, hlim=64) / MIP6MH_BRR())
    out += [c_array("rrv_hoti_pkt", hoti), c_array("rrv_coti_pkt", coti),
            c_array("rrv_hot_pkt", hot), c_array("rrv_cot_pkt", cot), c_array("rrv_brr_pkt", brr)]

    bu, bu_auth = bu_packet(seq=7, lifetime_units=100, kbm=KBM, auth_coa=COA)
    bu_dereg, _ = bu_packet(seq=8, lifetime_units=0, kbm=KBM_DEREG, auth_coa=HOA)
    bu_home, _ = bu_packet(seq=9, lifetime_units=0, kbm=KBM_DEREG, auth_coa=HOA, src=HOA,
                           hao=False)
    bu_alt, _ = bu_packet(seq=10, lifetime_units=50, kbm=KBM_ALT, auth_coa=ALT_COA,
                          alt=ALT_COA)
    bu_noack, _ = bu_packet(seq=11, lifetime_units=200, kbm=KBM, auth_coa=COA, flags="")
    for pkt in (bu, bu_dereg, bu_alt, bu_noack):
        assert mh_checksum_ok(pkt, MIP6MH_BU, HOA, CN)
    assert mh_checksum_ok(bu_home, MIP6MH_BU, HOA, CN)
    out += [c_array("rrv_bu_pkt", bu), c_array("rrv_bu_auth", bu_auth),
            c_array("rrv_bu_dereg_pkt", bu_dereg), c_array("rrv_bu_home_pkt", bu_home),
            c_array("rrv_bu_alt_pkt", bu_alt), c_array("rrv_bu_noack_pkt", bu_noack)]

    # The CN's answers: accepted (lifetime 100 units), 135 with the last
    # sequence number 7, and 136 (no Binding Authorization Data, §9.5.4).
    bas = (("rrv_ba_ok_pkt", ba_packet(0, 7, 100, KBM, COA)),
           ("rrv_ba_135_pkt", ba_packet(135, 7, 0, KBM, COA)),
           ("rrv_ba_136_pkt", ba_packet(136, 7, 0, None, COA)),
           ("rrv_ba_dereg_pkt", ba_packet(0, 8, 0, KBM_DEREG, HOA)))
    for name, pkt in bas:
        assert mh_checksum_ok(pkt, MIP6MH_BA, CN, HOA), name
        out.append(c_array(name, pkt))
    out.append("\n#endif /* XMIP_RR_VECTORS_H */\n")
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        # Also what the datapath reports for a refused HAO: the BU's headers
        # in front of ICMPv6, cut after them (bpf/ro/cn.h).
        report = bytearray(SEEDS["bu"][:64])
        report[40] = 58
        SEEDS["hao_report"] = bytes(report)
        # An ICMPv6 Destination Unreachable quoting the CN's echo reply to the
        # CoA through a type-2 routing header (RFC 6275 §9.3.4, cn.c).
        quoted = raw(IPv6(src=CN, dst=COA) /
                     IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) /
                     ICMPv6EchoReply(id=1, seq=1))
        SEEDS["unreach"] = bytes([1, 3, 0, 0, 0, 0, 0, 0]) + quoted
        os.makedirs(sys.argv[2], exist_ok=True)
        for name, data in sorted(SEEDS.items()):
            with open(os.path.join(sys.argv[2], name), "wb") as f:
                f.write(data)
        return
    print("".join(out), end="")


if __name__ == "__main__":
    main()
