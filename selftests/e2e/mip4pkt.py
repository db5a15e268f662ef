# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Mobile IPv4 registration messages written from RFC 5944 alone, for the
end-to-end tests: the fixed parts with Scapy (scapy.layers.mobileip), the
extensions with struct and the HMAC-MD5 authenticators with Python's hmac
(§3.5.1: over the message up to and including the SPI). Nothing here
comes from the agent's code, so a test that uses it checks our messages
against an independent reading of the RFC."""
import hashlib
import hmac
import struct

from scapy.layers.mobileip import MobileIP, MobileIPRRP, MobileIPRRQ  # noqa: F401

REQUEST, REPLY = 1, 3
EXT_MN_HA, EXT_MN_FA, EXT_FA_HA = 32, 33, 34
EXT_NAI, EXT_UDP_REQ, EXT_UDP_REP = 131, 144, 44


def ext(t, data):
    return bytes([t, len(data)]) + data


def sign(msg, typ, spi, key):
    """msg with an authentication extension of typ appended (HMAC-MD5)."""
    cover = msg + bytes([typ, 20]) + struct.pack("!I", spi)
    return cover + hmac.new(key, cover, hashlib.md5).digest()


def request(hoa, ha, coa, ident, lifetime=120, flags=0, exts=b""):
    from scapy.all import raw
    return raw(MobileIP(type=REQUEST) / MobileIPRRQ(flags=flags, lifetime=lifetime, homeaddr=hoa,
                                                     haaddr=ha, coaddr=coa, id=ident)) + exts


def extensions(msg):
    """[(type, offset, data)] after the fixed part; padding (type 0) included."""
    off = 24 if msg[0] == REQUEST else 20
    out = []
    while off < len(msg):
        t = msg[off]
        if t == 0:
            out.append((0, off, b""))
            off += 1
            continue
        n = msg[off + 1]
        out.append((t, off, msg[off + 2:off + 2 + n]))
        off += 2 + n
    return out


def auth_ok(msg, typ, spi, key):
    """Exactly one extension of typ, with spi and a correct HMAC-MD5 authenticator."""
    found = [(o, d) for t, o, d in extensions(msg) if t == typ]
    if len(found) != 1:
        return False
    off, data = found[0]
    if len(data) != 20 or struct.unpack("!I", data[:4])[0] != spi:
        return False
    want = hmac.new(key, msg[:off + 6], hashlib.md5).digest()
    return hmac.compare_digest(want, data[4:])


def udp_tunnel_reply(msg):
    """(code, forced, keepalive) of the UDP Tunnel Reply extension, or None."""
    for t, _, d in extensions(msg):
        if t == EXT_UDP_REP and len(d) == 6:
            flags, ka = struct.unpack("!HH", d[2:6])
            return d[1], bool(flags & 0x8000), ka
    return None


def ntp_now():
    import time
    t = time.time()
    return (int(t) + 2208988800) << 32 | int((t % 1) * (1 << 32))
