#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A stand-in Relay Server for the NTMobile end-to-end test, written from
docs/ntmobile.md (ntmpkt.py), not from our C code. It checks every Relay
Direction Request's MAC (K_rs) and freshness, unwraps the path key,
answers with a Relay Direction Response, then answers Tunnel Requests on
those paths (checking their MAC under the path key). It relays no data.
Every event is a JSON line in LOG; the bytes of its responses too, so a
test can replay them.

usage: ntm_rs_stub.py NAME KEY_HEX ADDR PORT LOG
"""
import json
import socket
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import ntmpkt as P  # noqa: E402

name, key_hex, addr, port, log_path = sys.argv[1:6]
port = int(port)
mac_rs, kek_rs = P.keys(P.psk_prk(bytes.fromhex(key_hex)))
paths = {}
last_ts = {}
seq = 0
log = open(log_path, "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, port))
log.write(json.dumps({"event": "ready"}) + "\n")


def emit(**kw):
    log.write(json.dumps(kw) + "\n")


while True:
    msg, src = s.recvfrom(2048)
    try:
        h = P.decode(msg)
    except Exception as e:  # noqa: BLE001
        emit(event="malformed", error=str(e), src=src)
        continue
    t = h["type"]
    if t == 9:
        if not P.mac_ok(mac_rs, msg):
            emit(event="bad_mac", type=t)
            continue
        if abs(h["ts"] - time.time() * 1e6) > 30e6 or h["ts"] <= last_ts.get(h["sender"], 0):
            emit(event="replay", type=t)
            continue
        last_ts[h["sender"]] = h["ts"]
        key = P.unwrap(kek_rs, h["wkey"])
        paths[h["path_id"]] = key
        seq += 1
        resp = P.build(10, name, seq, h["seq"], P.relay_resp_body(h["path_id"], 0, addr, port), mac_rs)
        s.sendto(resp, src)
        emit(event="relay_req", src=src, path_id=h["path_id"], mode=h["mode"], a=h["a"], b=h["b"],
             gn=h["gn"], lifetime=h["lifetime"], path_key=key.hex(), sender=h["sender"],
             response=resp.hex())
    elif t == 13:
        key = paths.get(h["path_id"])
        if key is None:
            emit(event="unknown_path", path_id=h["path_id"])
            continue
        mac_p, _ = P.keys(key)
        if not P.mac_ok(mac_p, msg):
            emit(event="bad_mac", type=t, path_id=h["path_id"])
            continue
        seq += 1
        resp = P.build(14, name, seq, h["seq"], P.tun_resp_body(h["path_id"], 0, src[0], src[1]), mac_p)
        s.sendto(resp, src)
        emit(event="tun_req", src=src, path_id=h["path_id"], sender_va=h["sender_va"],
             peer_va=h["peer_va"], claimed=h["claimed"])
    else:
        emit(event="other", type=t, src=src)
