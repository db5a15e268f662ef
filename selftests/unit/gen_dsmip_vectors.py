#!/usr/bin/python3
"""DSMIPv6 test vectors, computed here with struct/hmac/ipaddress only
(independent of agentd/mip6/mh.c): writes selftests/unit/dsmip_vectors.h
and the seeds of selftests/fuzz/dsmip/. Scapy 2.5 has no RFC 5555 options,
so the layout follows the RFC's figures and alignment rules by hand:
RFC 5555 §3.1.1, §3.1.2, §3.2.1, §3.2.2 (4n), RFC 6275 §6.2 (Pad1/PadN),
RFC 4285 §5 (8n+5 here, last), §6 (Mesg-ID at 8n+2).

    /usr/bin/python3 selftests/unit/gen_dsmip_vectors.py
"""
import hashlib, hmac, ipaddress, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

HA, HOA = "2001:db8:1::2", "2001:db8:1::100"
HA4, COA4, NAT4, NATPORT = "198.51.100.2", "10.0.0.2", "203.0.113.7", 40000
V4HOA = "192.0.2.100"
KEY = bytes.fromhex("0123456789abcdef0123456789abcdef")
SPI, NAI, TS = 256, b"mn1@example.org", 0xEAF0E58B80000000
SEQ, LIFE = 1000, 15

def a6(s): return ipaddress.IPv6Address(s).packed
def a4(s): return ipaddress.IPv4Address(s).packed
def mapped(s): return b"\0" * 10 + b"\xff\xff" + a4(s)

def csum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def pad_to(buf, x, y):
    """Pad so that the next option starts at x*n + y (RFC 6275 §6.2)."""
    n = (y - len(buf)) % x
    if n == 1: return buf + b"\x00"
    if n >= 2: return buf + bytes([1, n - 2]) + b"\0" * (n - 2)
    return buf

def v4opt(t, b0, b1, addr):   # type, len 6, two octets, IPv4 address
    return struct.pack("!BBBB4s", t, 6, b0, b1, addr)

def mh(mtype, fixed, opts_fn):
    """Header: payload proto 59, len, type, reserved, checksum 0; then fixed; then options."""
    m = bytearray(struct.pack("!BBBBH", 59, 0, mtype, 0, 0) + fixed)
    m = opts_fn(bytes(m))
    m = pad_to(m, 8, 0)
    m = bytearray(m)
    m[1] = len(m) // 8 - 1
    return bytes(m)

def add_auth_tail(m, spi=SPI):
    m = pad_to(m, 8, 5)
    return m + struct.pack("!BBBI", 9, 17, 1, spi) + b"\0" * 12

def seal(m, auth_coa, hoa, src, dst, key=KEY):
    m = bytearray(m)
    cover = bytes(m[:len(m) - 12])
    m[-12:] = hmac.new(key, auth_coa + hoa + cover, hashlib.sha1).digest()[:12]
    ph = src + dst + struct.pack("!I3xB", len(m), 135)
    struct.pack_into("!H", m, 4, csum(ph + bytes(m)))
    return bytes(m)

def ipv6(src, dst, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), 135, 64, src, dst) + payload

def bu(flags, v4hoa, plen, p, v4coa, nai=NAI, seq=SEQ, ts=TS, spi=SPI, key=KEY, hoa=HOA,
       life=LIFE):
    def opts(m):
        m += struct.pack("!BBB", 8, 1 + len(nai), 1) + nai          # MN-ID, no alignment
        if v4hoa is not None:
            m = pad_to(m, 4, 0) + v4opt(29, plen << 2 | (2 if p else 0), 0, a4(v4hoa))
        if v4coa is not None:
            m = pad_to(m, 4, 0) + v4opt(32, 0, 0, a4(v4coa))
        m = pad_to(m, 8, 2) + struct.pack("!BBQ", 10, 8, ts)        # Mesg-ID 8n+2
        return add_auth_tail(m, spi)
    m = mh(5, struct.pack("!HHH", seq, flags, life), opts)
    return seal(m, mapped(v4coa or NAT4), a6(hoa), a6(hoa), a6(HA), key)

def ba(status, ack, nat):
    def opts(m):
        m = pad_to(m, 8, 2) + struct.pack("!BBQ", 10, 8, TS)
        if ack is not None:
            st, plen, addr = ack
            m = pad_to(m, 4, 0) + v4opt(30, st, plen << 2, a4(addr))
        if nat is not None:
            f, refresh = nat
            m = pad_to(m, 4, 0) + struct.pack("!BBBBI", 31, 6, 0x80 if f else 0, 0, refresh)
        return add_auth_tail(m)
    m = mh(6, struct.pack("!BBHH", status, 0, SEQ, LIFE), opts)
    return seal(m, mapped(COA4), a6(HOA), a6(HA), a6(HOA))

def udp4(src, sport, dst, dport, payload):
    ulen = 8 + len(payload)
    ph = a4(src) + a4(dst) + struct.pack("!BBH", 0, 17, ulen)
    u = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(ph + u) or 0xffff
    u = u[:6] + struct.pack("!H", c) + u[8:]
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0x4000, 64, 17, 0,
                               a4(src), a4(dst)))
    struct.pack_into("!H", ip, 10, csum(bytes(ip)))
    return bytes(ip) + u

BU_F = 0x8000 | 0x4000   # A H

def main():
    bu_nat = ipv6(a6(HOA), a6(HA), bu(BU_F, "0.0.0.0", 32, False, COA4))
    bu_forced = ipv6(a6(HOA), a6(HA), bu(BU_F | 0x0100, V4HOA, 32, False, COA4))
    bu_plain = ipv6(a6(HOA), a6(HA), bu(BU_F, None, 0, False, COA4))
    ba_nat = ipv6(a6(HA), a6(HOA), ba(0, (0, 32, V4HOA), (True, 110)))
    ba_nonat = ipv6(a6(HA), a6(HOA), ba(0, None, (False, 0xffffffff)))
    outer_bu = udp4(NAT4, NATPORT, HA4, 4191, bu_nat)

    def carr(name, b):
        lines = []
        for i in range(0, len(b), 12):
            lines.append("\t" + " ".join("0x%02x," % x for x in b[i:i + 12]))
        return "static const uint8_t %s[%d] = {\n%s\n};\n" % (name, len(b), "\n".join(lines))

    hdr = ["/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */",
           "/* Generated by selftests/unit/gen_dsmip_vectors.py (struct + hmac, not our code). */",
           "#ifndef XMIP_TEST_DSMIP_VECTORS_H", "#define XMIP_TEST_DSMIP_VECTORS_H", "",
           "#include <stdint.h>", "",
           '#define D_HA    "%s"' % HA, '#define D_HOA   "%s"' % HOA, '#define D_HA4   "%s"' % HA4,
           '#define D_COA4  "%s"' % COA4, '#define D_NAT4  "%s"' % NAT4, "#define D_NATPORT %d" % NATPORT,
           '#define D_V4HOA "%s"' % V4HOA, '#define D_NAI   "%s"' % NAI.decode(),
           "#define D_SPI %d" % SPI, "#define D_SEQ %d" % SEQ, "#define D_LIFE %d" % LIFE,
           "#define D_MESG_ID 0x%XULL" % TS, "",
           "/* BU A|H, IPv4 HoA 0.0.0.0/32, IPv4 CoA 10.0.0.2; inner IPv6 packet */", carr("d_bu_nat", bu_nat),
           "/* BU A|H|F, IPv4 HoA 192.0.2.100/32, IPv4 CoA 10.0.0.2 */", carr("d_bu_forced", bu_forced),
           "/* BU A|H, IPv4 CoA only */", carr("d_bu_plain", bu_plain),
           "/* BA 0, IPv4 Ack (0, /32, 192.0.2.100), NAT Detection F, 110 s */", carr("d_ba_nat", ba_nat),
           "/* BA 0, NAT Detection (no F, all ones) */", carr("d_ba_nonat", ba_nonat),
           "/* d_bu_nat in IPv4 203.0.113.7:40000 -> 198.51.100.2:4191 */", carr("d_outer_bu", outer_bu),
           "#endif"]
    open(os.path.join(HERE, "dsmip_vectors.h"), "w").write("\n".join(hdr) + "\n")

    seeds = os.path.join(ROOT, "selftests", "fuzz", "dsmip")
    os.makedirs(seeds, exist_ok=True)
    for name, pkt in [("bu_nat", outer_bu),
                      ("bu_forced", udp4(COA4, 4191, HA4, 4191, bu_forced)),
                      ("bu_plain_nonat", udp4(COA4, 4191, HA4, 4191, bu_plain)),
                      ("bu_bad_auth", udp4(NAT4, 40001, HA4, 4191, bu_nat[:-1] + bytes([bu_nat[-1] ^ 1]))),
                      ("ba_nat", udp4(HA4, 4191, NAT4, NATPORT, ba_nat))]:
        # fuzz_dsmip's input: a mode octet (bit 0: re-seal), then the packet.
        for mode in (0, 1):
            open(os.path.join(seeds, "m%d_%s" % (mode, name)), "wb").write(bytes([mode]) + pkt)
    # The MIPv6 codec's harnesses get the RFC 5555 options too.
    fz = os.path.join(ROOT, "selftests", "fuzz")
    for name, pkt in (("bu_dsmip", bu_forced), ("ba_dsmip", ba_nat)):
        open(os.path.join(fz, "mh_msg", name), "wb").write(pkt[40:])
        open(os.path.join(fz, "mh_pkt", name), "wb").write(pkt)
    print("wrote", os.path.join(HERE, "dsmip_vectors.h"), "and", seeds)


if __name__ == "__main__":
    main()
