# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""NTMobile messages in Python, written from docs/ntmobile.md alone (not from
the C code): header, the bodies the tests look at, HKDF-SHA-256 keys,
HMAC-SHA-256, RFC 3394 key unwrap. An independent decoder for the tests."""
import hashlib
import hmac
import ipaddress
import struct
import time

from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

HDR = struct.Struct("!BBHHHQIIQ")   # ver/kind type length flags reserved sender seq req_seq ts
TYPES = {1: "reg_req", 2: "reg_resp", 3: "ka", 4: "ka_resp", 5: "dir_req", 6: "dir_resp",
         7: "info_req", 8: "info_resp", 9: "relay_req", 10: "relay_resp", 11: "route_dir",
         12: "route_ack", 13: "tun_req", 14: "tun_resp"}


def sender_id(name):
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")


def hkdf_expand(prk, info, n=32):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def psk_prk(psk):
    return hmac.new(b"xmip-ntm v1", psk, hashlib.sha256).digest()


def keys(prk):
    """(mac key, kek) of a PRK (a PSK's PRK, a session secret, a path key)."""
    return hkdf_expand(prk, b"xmip-ntm mac"), hkdf_expand(prk, b"xmip-ntm kek")


def mac_ok(mac_key, msg):
    return hmac.compare_digest(hmac.new(mac_key, msg[:-32], hashlib.sha256).digest(), msg[-32:])


def addr16(b):
    a = ipaddress.IPv6Address(b)
    return str(a.ipv4_mapped) if a.ipv4_mapped else str(a)


def ep(b):
    return addr16(b[:16]), struct.unpack("!H", b[16:18])[0]


def va(b):
    return str(ipaddress.IPv4Address(b[:4])), str(ipaddress.IPv6Address(b[4:20]))


def mapped(a):
    ip = ipaddress.ip_address(a)
    return (ipaddress.IPv6Address("::ffff:" + a) if ip.version == 4 else ip).packed


def header(msg):
    vk, typ, length, flags, res, sender, seq, req_seq, ts = HDR.unpack_from(msg)
    return dict(vk=vk, type=typ, length=length, flags=flags, reserved=res, sender=sender,
                seq=seq, req_seq=req_seq, ts=ts)


def decode(msg):
    """The header and the fields the tests use, per docs/ntmobile.md section 6."""
    h = header(msg)
    assert h["vk"] == 0x10 and h["length"] == len(msg) and h["reserved"] == 0, h
    b = msg[32:-32]
    t = h["type"]
    if t == 9:    # Relay Direction Request
        h.update(path_id=struct.unpack("!I", b[0:4])[0], mode=b[4],
                 lifetime=struct.unpack("!I", b[8:12])[0], wkey=b[16:56], a=va(b[56:76]),
                 b=va(b[76:96]), gn=va(b[96:116]))
    elif t == 11:  # Route Direction
        h.update(path_id=struct.unpack("!I", b[0:4])[0], mode=b[4], role=b[5], wkey=b[16:56],
                 tunnel=ep(b[56:76]), own=va(b[76:96]), peer=va(b[96:116]))
    elif t == 13:  # Tunnel Request
        h.update(path_id=struct.unpack("!I", b[0:4])[0], sender_va=va(b[8:28]),
                 claimed=ep(b[28:48]), peer_va=va(b[48:68]))
    elif t == 10:
        h.update(path_id=struct.unpack("!I", b[0:4])[0], status=struct.unpack("!H", b[4:6])[0])
    return h


def build(typ, sender, seq, req_seq, body, mac_key, ts=None):
    ts = ts if ts is not None else int(time.time() * 1e6)
    length = 32 + len(body) + 32
    m = HDR.pack(0x10, typ, length, 0, 0, sender_id(sender), seq, req_seq, ts) + body
    return m + hmac.new(mac_key, m, hashlib.sha256).digest()


def relay_resp_body(path_id, status, relay_addr, relay_port):
    return struct.pack("!IHH", path_id, status, 0) + mapped(relay_addr) + struct.pack("!HH", relay_port, 0)


def tun_resp_body(path_id, status, obs_addr, obs_port, responder_va=b"\0" * 20):
    return (struct.pack("!IHH", path_id, status, 0) + mapped(obs_addr) +
            struct.pack("!HH", obs_port, 0) + responder_va)


unwrap = aes_key_unwrap
wrap = aes_key_wrap
