#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A mobile node's side of route optimisation, written with Scapy and
Python's hmac/hashlib (independent of xmip's C), for the correspondent
node's end-to-end test. Run inside the MN's namespace (nsenter); each
command prints one JSON object.

  rr_mn.py [common] rr                      HoTI from the HoA, CoTI from the CoA;
                                            wait for HoT and CoT; keep the tokens
  rr_mn.py [common] bu --seq N --lifetime U [--ack] [--dereg] [--forge]
                       [--home-index I] [--coa-index I] [--save FILE] [--from-home]
                                            a BU with Nonce Indices and Binding
                                            Authorization Data; wait for the BA
  rr_mn.py [common] replay FILE             send FILE's packet again; wait for a BA
  rr_mn.py [common] expect-echo             wait for an echo request to the CoA with a
                                            type-2 routing header; answer it from the
                                            CoA with a Home Address option
  rr_mn.py [common] echo-hao [--from ADDR]  an echo request from ADDR (CoA) with a HAO;
                                            wait for the reply (RH2) or a Binding Error
  rr_mn.py [common] syn-hao                 a TCP SYN from the CoA with a HAO; wait for
                                            the SYN-ACK (RH2)
  rr_mn.py [common] expect-syn              wait for a TCP SYN to the CoA with RH2
  rr_mn.py [common] expect-brr SECONDS      wait for a Binding Refresh Request to the HoA
  rr_mn.py [common] flood-hoti N            N HoTIs back to back; count the HoTs in 2 s
  rr_mn.py [common] bad-mh KIND [--proto P] [--hlen L]
                                            a 16-octet Mobility Header of KIND (hoti, coti
                                            from the HoA/CoA; bu, type8 from the CoA with a
                                            HAO) with Payload Proto P, Header Len L, checksum
                                            right; wait for a Parameter Problem or a BE
  rr_mn.py [common] unreach N [--gap S]     N ICMPv6 Destination Unreachables (code 3), S
                                            seconds apart, from the CoA to the CN, quoting
                                            its echo reply to the CoA through RH2 (a router
                                            on the way to the CoA would send them)

common: --iface IF --cn ADDR --hoa ADDR --coa ADDR --state FILE [--timeout S]

Sending goes through a raw IPv6 socket (IPPROTO_RAW: the packet as built);
receiving through an AF_PACKET socket opened before sending, so nothing is
missed. Checksums of what arrives are recomputed here over the pseudo-header
RFC 6275 says (the HoA of an RH2 as destination), never trusted.
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import select
import socket
import struct
import sys
import time

from scapy.layers.inet import TCP
from scapy.layers.inet6 import (HAO, ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                                ICMPv6ParamProblem, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_BU,
                                MIP6MH_CoT, MIP6MH_CoTI, MIP6MH_HoT, MIP6MH_HoTI,
                                MIP6OptBindingAuthData, MIP6OptNonceIndices)
from scapy.layers.l2 import Ether
from scapy.all import raw
from scapy.utils import checksum

ETH_P_ALL = 0x0003


def a(s):
    return ipaddress.IPv6Address(s).packed


def pseudo_ok(src, dst, nh, upper):
    """The upper-layer checksum of `upper` (bytes, checksum field included)
    over the IPv6 pseudo-header (RFC 8200 §8.1) with src, dst."""
    ph = a(src) + a(dst) + struct.pack("!I", len(upper)) + b"\0\0\0" + bytes([nh])
    return checksum(ph + upper) == 0


def final_dst(pkt):
    """The final destination: a type-2 routing header's address (segments left 1)."""
    if IPv6ExtHdrRouting in pkt:
        rh = pkt[IPv6ExtHdrRouting]
        if rh.type == 2 and rh.segleft == 1 and rh.addresses:
            return rh.addresses[0]
    return pkt[IPv6].dst


class MN:
    def __init__(self, o):
        self.o = o
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.rx.bind((o.iface, 0))
        self.tx = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
        if o.ready:
            # Sockets open: whoever started us may now send what we wait for.
            open(o.ready, "w").close()
        self.state = {}
        if os.path.exists(o.state):
            with open(o.state) as f:
                self.state = json.load(f)

    def save(self):
        with open(self.o.state, "w") as f:
            json.dump(self.state, f)

    def send(self, pkt):
        data = raw(pkt)
        self.tx.sendto(data, (IPv6(data).dst, 0))
        return data

    def wait(self, match, timeout=None):
        """Frames arriving (not ours going out) until match(pkt) is true."""
        end = time.time() + (timeout if timeout is not None else self.o.timeout)
        while True:
            left = end - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.rx], [], [], left)
            if not r:
                continue
            data, addr = self.rx.recvfrom(65535)
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            pkt = Ether(data)
            if IPv6 in pkt and match(pkt):
                return pkt


def cmd_rr(mn, o):
    hcookie, ccookie = os.urandom(8), os.urandom(8)
    mn.send(IPv6(src=o.hoa, dst=o.cn) / MIP6MH_HoTI(cookie=hcookie))
    mn.send(IPv6(src=o.coa, dst=o.cn) / MIP6MH_CoTI(cookie=ccookie))
    got = {}

    def match(p):
        if MIP6MH_HoT in p and p[IPv6].dst == o.hoa:
            got["hot"] = p
        if MIP6MH_CoT in p and p[IPv6].dst == o.coa:
            got["cot"] = p
        return "hot" in got and "cot" in got
    mn.wait(match)
    res = {"hot": "hot" in got, "cot": "cot" in got}
    if "hot" in got and "cot" in got:
        hot, cot = got["hot"][MIP6MH_HoT], got["cot"][MIP6MH_CoT]
        res.update(hot_cookie_ok=hot.cookie == hcookie, cot_cookie_ok=cot.cookie == ccookie,
                   home_index=hot.index, coa_index=cot.index,
                   hot_cksum_ok=pseudo_ok(o.cn, o.hoa, 135, raw(hot)),
                   cot_cksum_ok=pseudo_ok(o.cn, o.coa, 135, raw(cot)),
                   hot_src=got["hot"][IPv6].src, cot_src=got["cot"][IPv6].src)
        mn.state.update(home_index=hot.index, coa_index=cot.index,
                        home_token=hot.token.hex(), coa_token=cot.token.hex())
        mn.save()
    print(json.dumps(res))


def authenticator(kbm, coa, cn, mh_without_auth):
    mh = bytearray(mh_without_auth)
    mh[4:6] = b"\0\0"
    return hmac.new(kbm, a(coa) + a(cn) + bytes(mh), hashlib.sha1).digest()[:12]


def build_bu(mn, o):
    st = mn.state
    home_token = bytes.fromhex(st["home_token"])
    dereg = o.dereg or o.lifetime == 0
    if dereg:
        kbm = hashlib.sha1(home_token).digest()
        auth_coa = o.hoa
    else:
        kbm = hashlib.sha1(home_token + bytes.fromhex(st["coa_token"])).digest()
        auth_coa = o.coa
    hi = st["home_index"] if o.home_index is None else o.home_index
    ci = st["coa_index"] if o.coa_index is None else o.coa_index

    def build(auth):
        bad = MIP6OptBindingAuthData(olen=12, authenticator=int.from_bytes(auth, "big"))
        mh = MIP6MH_BU(seq=o.seq, flags="A" if o.ack else "", mhtime=o.lifetime,
                       options=[MIP6OptNonceIndices(hni=hi, coni=ci, olen=4), bad])
        if o.from_home:
            return IPv6(src=o.hoa, dst=o.cn) / mh
        return IPv6(src=o.coa, dst=o.cn) / IPv6ExtHdrDestOpt(options=[HAO(hoa=o.hoa)]) / mh
    mh = raw(build(bytes(12))[MIP6MH_BU])
    auth = authenticator(kbm, auth_coa, o.cn, mh[:-12])
    if o.forge:
        auth = bytes([auth[0] ^ 0x01]) + auth[1:]
    return build(auth), kbm, auth_coa


def wait_ba(mn, o, kbm, auth_coa, timeout=None):
    """The BA to the BU's source, checked: checksum, RH2, K, authenticator."""
    src = o.hoa if getattr(o, "from_home", False) else o.coa
    p = mn.wait(lambda p: MIP6MH_BA in p and p[IPv6].dst == src, timeout)
    if p is None:
        return None
    ba = p[MIP6MH_BA]
    body = raw(ba)
    res = {"status": ba.status, "seq": ba.seq, "lifetime": ba.mhtime,
           "k": bool(int(ba.flags) & 0x80), "rh2": IPv6ExtHdrRouting in p,
           "rh2_hoa": p[IPv6ExtHdrRouting].addresses[0] if IPv6ExtHdrRouting in p else None,
           "cksum_ok": pseudo_ok(p[IPv6].src, final_dst(p), 135, body),
           "has_bad": MIP6OptBindingAuthData in ba}
    if res["has_bad"] and kbm is not None:
        res["auth_ok"] = body[-14] == 5 and body[-13] == 12 and \
            authenticator(kbm, auth_coa, o.cn, body[:-12]) == body[-12:]
    return res


def cmd_bu(mn, o):
    pkt, kbm, auth_coa = build_bu(mn, o)
    data = mn.send(pkt)
    if o.save:
        with open(o.save, "w") as f:
            json.dump({"pkt": data.hex(), "kbm": kbm.hex(), "auth_coa": auth_coa}, f)
    print(json.dumps({"ba": wait_ba(mn, o, kbm, auth_coa, o.wait)}))


def cmd_replay(mn, o):
    with open(o.file) as f:
        saved = json.load(f)
    data = bytes.fromhex(saved["pkt"])
    mn.tx.sendto(data, (IPv6(data).dst, 0))
    print(json.dumps({"ba": wait_ba(mn, o, bytes.fromhex(saved["kbm"]), saved["auth_coa"],
                                    o.wait)}))


def with_hao(src, hoa, cn, upper):
    """A packet from src with a Home Address option; the upper layer's checksum
    is the one for source = the home address (RFC 6275 §11.3.1), computed by
    Scapy over a packet that really comes from the HoA."""
    field = "chksum" if TCP in upper else "cksum"   # Scapy names it so for TCP and UDP
    cksum = getattr(IPv6(raw(IPv6(src=hoa, dst=cn) / upper)).payload, field)
    up = upper.copy()
    setattr(up, field, cksum)
    return IPv6(src=src, dst=cn) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / up


def cmd_expect_echo(mn, o):
    p = mn.wait(lambda p: ICMPv6EchoRequest in p and p[IPv6].dst == o.coa)
    if p is None:
        print(json.dumps({"echo": None}))
        return
    req = p[ICMPv6EchoRequest]
    res = {"rh2": IPv6ExtHdrRouting in p, "src": p[IPv6].src, "dst": p[IPv6].dst,
           "rh2_type": p[IPv6ExtHdrRouting].type if IPv6ExtHdrRouting in p else None,
           "segleft": p[IPv6ExtHdrRouting].segleft if IPv6ExtHdrRouting in p else None,
           "rh2_hoa": final_dst(p), "id": req.id, "seq": req.seq,
           "cksum_ok_hoa": pseudo_ok(p[IPv6].src, final_dst(p), 58, raw(req)),
           "cksum_ok_coa": pseudo_ok(p[IPv6].src, p[IPv6].dst, 58, raw(req))}
    mn.send(with_hao(o.coa, o.hoa, p[IPv6].src,
                     ICMPv6EchoReply(id=req.id, seq=req.seq, data=req.data)))
    print(json.dumps({"echo": res}))


def cmd_echo_hao(mn, o):
    src = o.src or o.coa
    ident = os.getpid() & 0xffff
    mn.send(with_hao(src, o.hoa, o.cn, ICMPv6EchoRequest(id=ident, seq=1, data=b"xmip-ro" * 8)))

    def match(p):
        return ((ICMPv6EchoReply in p and p[ICMPv6EchoReply].id == ident) or
                (MIP6MH_BE in p and p[IPv6].dst == src))
    p = mn.wait(match)
    if p is None:
        print(json.dumps({"reply": None, "be": None}))
    elif MIP6MH_BE in p:
        be = p[MIP6MH_BE]
        print(json.dumps({"reply": None, "be": {"status": be.status, "hoa": be.ha,
                                                "dst": p[IPv6].dst,
                                                "cksum_ok": pseudo_ok(p[IPv6].src, p[IPv6].dst,
                                                                      135, raw(be))}}))
    else:
        rep = p[ICMPv6EchoReply]
        print(json.dumps({"reply": {"rh2": IPv6ExtHdrRouting in p, "dst": p[IPv6].dst,
                                    "rh2_hoa": final_dst(p),
                                    "cksum_ok_hoa": pseudo_ok(p[IPv6].src, final_dst(p), 58,
                                                              raw(rep)),
                                    "data_ok": rep.data == b"xmip-ro" * 8}, "be": None}))


def tcp_info(p, o):
    t = p[TCP]
    return {"rh2": IPv6ExtHdrRouting in p, "dst": p[IPv6].dst, "rh2_hoa": final_dst(p),
            "flags": str(t.flags), "sport": t.sport, "dport": t.dport,
            "cksum_ok_hoa": pseudo_ok(p[IPv6].src, final_dst(p), 6, raw(t))}


def cmd_syn_hao(mn, o):
    sport = 40000 + (os.getpid() % 20000)
    mn.send(with_hao(o.coa, o.hoa, o.cn, TCP(sport=sport, dport=o.port, flags="S", seq=1000)))
    p = mn.wait(lambda p: TCP in p and p[TCP].dport == sport)
    print(json.dumps({"synack": tcp_info(p, o) if p is not None else None}))


def cmd_expect_syn(mn, o):
    p = mn.wait(lambda p: TCP in p and p[IPv6].dst == o.coa and p[TCP].dport == o.port)
    print(json.dumps({"syn": tcp_info(p, o) if p is not None else None}))


def cmd_expect_brr(mn, o):
    p = mn.wait(lambda p: MIP6MH_BRR in p and p[IPv6].dst == o.hoa, o.seconds)
    print(json.dumps({"brr": None if p is None else {
        "src": p[IPv6].src, "rh2": IPv6ExtHdrRouting in p,
        "cksum_ok": pseudo_ok(p[IPv6].src, p[IPv6].dst, 135, raw(p[MIP6MH_BRR]))}}))


def cmd_flood_hoti(mn, o):
    pkts = [raw(IPv6(src=o.hoa, dst=o.cn) / MIP6MH_HoTI(cookie=struct.pack("!Q", i)))
            for i in range(o.n)]
    t0 = time.time()
    for data in pkts:
        mn.tx.sendto(data, (o.cn, 0))
    sent_s = time.time() - t0
    got = []
    mn.wait(lambda p: MIP6MH_HoT in p and p[IPv6].dst == o.hoa and got.append(1) and False,
            2.0)
    print(json.dumps({"sent": o.n, "send_seconds": sent_s, "hot": len(got)}))


def quoted_as_sent(quote, sent):
    """An ICMPv6 error's quote (from the frame as it came: Ethernet, IPv6
    without extension headers, ICMPv6 header) is the packet sent, but for
    the hop limit the router between us took one off."""
    q, s = bytearray(quote[:len(sent)]), bytearray(sent)
    q[7] = s[7] = 0
    return q == s


def cmd_bad_mh(mn, o):
    """RFC 6275 §9.2's cases, as TAHI's CN-2-1-3/5, CN-2-2-3/5, CN-2-3-3/5 and
    CN-2-4-1 send them: 16 octets of MH whatever Header Len says, the checksum
    over all of them (pseudo-header source: the HAO's home address)."""
    mhtype = {"hoti": 1, "coti": 2, "bu": 5, "type8": 8}[o.kind]
    body = bytes(10)
    if o.kind == "bu":   # sequence 1, A, lifetime 1, then PadN to 16 octets
        body = struct.pack("!HHH", 1, 0x8000, 1) + b"\x01\x02\0\0"
    mh = bytearray(bytes([o.proto, o.hlen, mhtype, 0, 0, 0]) + body)
    src = {"hoti": o.hoa}.get(o.kind, o.coa)
    hao = o.kind in ("bu", "type8")
    ph = a(o.hoa if hao else src) + a(o.cn) + struct.pack("!I", len(mh)) + b"\0\0\0\x87"
    mh[4:6] = struct.pack("!H", checksum(ph + bytes(mh)))
    if hao:
        pkt = IPv6(src=src, dst=o.cn) / IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=o.hoa)])
    else:
        pkt = IPv6(src=src, dst=o.cn, nh=135)
    sent = mn.send(pkt / bytes(mh))
    p = mn.wait(lambda p: p[IPv6].dst == src and p[IPv6].src == o.cn and
                (ICMPv6ParamProblem in p or MIP6MH_BE in p))
    res = {"pp": None, "be": None}
    if p is not None and ICMPv6ParamProblem in p:
        pp = p[ICMPv6ParamProblem]
        res["pp"] = {"code": pp.code, "ptr": pp.ptr,
                     "quote_ok": quoted_as_sent(p.original[14 + 40 + 8:], sent)}
    elif p is not None:
        be = p[MIP6MH_BE]
        res["be"] = {"status": be.status, "hoa": be.ha,
                     "cksum_ok": pseudo_ok(p[IPv6].src, p[IPv6].dst, 135, raw(be))}
    print(json.dumps(res))


def cmd_unreach(mn, o):
    quoted = raw(IPv6(src=o.cn, dst=o.coa, hlim=63) /
                 IPv6ExtHdrRouting(type=2, segleft=1, addresses=[o.hoa]) /
                 ICMPv6EchoReply(id=7, seq=1, data=b"xmip-ro" * 8))
    for i in range(o.n):
        if i:
            time.sleep(o.gap)
        mn.send(IPv6(src=o.coa, dst=o.cn) / ICMPv6DestUnreach(code=3) / quoted)
    print(json.dumps({"sent": o.n}))


def main():
    ap = argparse.ArgumentParser()
    for k in ("iface", "cn", "hoa", "coa", "state"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--ready", help="a file made once the sockets are open")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("rr")
    b = sub.add_parser("bu")
    b.add_argument("--seq", type=int, required=True)
    b.add_argument("--lifetime", type=int, required=True)
    b.add_argument("--ack", action="store_true")
    b.add_argument("--dereg", action="store_true")
    b.add_argument("--forge", action="store_true")
    b.add_argument("--from-home", action="store_true")
    b.add_argument("--home-index", type=int)
    b.add_argument("--coa-index", type=int)
    b.add_argument("--save")
    b.add_argument("--wait", type=float)
    r = sub.add_parser("replay")
    r.add_argument("file")
    r.add_argument("--wait", type=float)
    sub.add_parser("expect-echo")
    e = sub.add_parser("echo-hao")
    e.add_argument("--src")
    for name in ("syn-hao", "expect-syn"):
        s = sub.add_parser(name)
        s.add_argument("--port", type=int, default=5001)
    br = sub.add_parser("expect-brr")
    br.add_argument("seconds", type=float)
    fl = sub.add_parser("flood-hoti")
    fl.add_argument("n", type=int)
    bm = sub.add_parser("bad-mh")
    bm.add_argument("kind", choices=("hoti", "coti", "bu", "type8"))
    bm.add_argument("--proto", type=int, default=59)
    bm.add_argument("--hlen", type=int, default=1)
    un = sub.add_parser("unreach")
    un.add_argument("n", type=int)
    un.add_argument("--gap", type=float, default=1.0)
    o = ap.parse_args()
    mn = MN(o)
    {"rr": cmd_rr, "bu": cmd_bu, "replay": cmd_replay, "expect-echo": cmd_expect_echo,
     "echo-hao": cmd_echo_hao, "syn-hao": cmd_syn_hao, "expect-syn": cmd_expect_syn,
     "expect-brr": cmd_expect_brr, "flood-hoti": cmd_flood_hoti,
     "bad-mh": cmd_bad_mh, "unreach": cmd_unreach}[o.cmd](mn, o)


if __name__ == "__main__":
    sys.exit(main())
