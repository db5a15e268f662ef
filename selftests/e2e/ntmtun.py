#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A stand-in for the NTM node's tunnel datapath (which does not exist yet),
written from docs/ntmobile.md alone: a TUN device carrying the node's virtual
address, and one UDP socket that speaks the tunnel format of section 8
(0x11 | Next Header | Reserved | Path ID, then the inner packet) to a relay.
The kernel's own TCP runs between virtual addresses through it.

  ntmtun.py --tun DEV --vip4 A --route PEER4 --port P --relay ADDR:PORT
            --path HEX --key HEX --name FQDN --sender-va V4,V6 --peer-va V4,V6

Before any data it sends a Tunnel Request (section 6.8, under K_path) from
the same socket, so the relay learns the NAT mapping the data comes from,
and prints "up OBSERVED" once the relay's Tunnel Response checks out.
Then it copies packets both ways until killed; "rx N tx N" on SIGTERM.
"""
import argparse
import fcntl
import ipaddress
import os
import select
import signal
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntmpkt as P  # noqa: E402

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def va(s):
    v4, v6 = s.split(",")
    return ipaddress.IPv4Address(v4).packed + ipaddress.IPv6Address(v6).packed


def main():
    a = argparse.ArgumentParser()
    for k in ("tun", "vip4", "route", "relay", "path", "key", "name", "sender-va", "peer-va"):
        a.add_argument("--" + k, required=True)
    a.add_argument("--port", type=int, default=49601)
    a.add_argument("--mtu", type=int, default=1400)
    o = a.parse_args()
    relay = (o.relay.rsplit(":", 1)[0], int(o.relay.rsplit(":", 1)[1]))
    path = int(o.path, 16)
    mac, _ = P.keys(bytes.fromhex(o.key))          # K_path: P is the key itself (section 16)

    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", o.tun.encode(), IFF_TUN | IFF_NO_PI))
    # IPv4 only: no IPv6 router or listener reports through the tunnel
    for cmd in (["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % o.tun],
                ["ip", "link", "set", o.tun, "mtu", str(o.mtu), "up"],
                ["ip", "addr", "add", o.vip4 + "/32", "dev", o.tun],
                ["ip", "route", "add", o.route + "/32", "dev", o.tun, "src", o.vip4]):
        subprocess.run(cmd, check=True)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", o.port))
    local = u.getsockname()
    own = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    own.connect(relay)                              # only to learn the source address
    claimed = P.mapped(own.getsockname()[0]) + struct.pack("!HH", local[1], 0)
    own.close()

    # Tunnel Request, retried until the relay answers (section 6.8)
    seq = 0
    u.settimeout(1.0)
    while True:
        seq += 1
        body = struct.pack("!II", path, 0) + va(o.sender_va) + claimed + va(o.peer_va)
        u.sendto(P.build(13, o.name, seq, 0, body, mac), relay)
        try:
            msg, _ = u.recvfrom(2048)
        except socket.timeout:
            continue
        if msg[0] != 0x10 or not P.mac_ok(mac, msg):
            continue
        h = P.header(msg)
        b = msg[32:-32]
        st = struct.unpack("!H", b[4:6])[0]
        if h["type"] == 14 and h["req_seq"] == seq and st == 0:
            print("up %s:%d" % P.ep(b[8:28]), flush=True)
            break
        print("tunnel response status %d" % st, flush=True)
        return 1
    u.setblocking(False)

    counts = {"rx": 0, "tx": 0}

    def bye(*_):
        print("rx %(rx)d tx %(tx)d" % counts, flush=True)
        os._exit(0)
    signal.signal(signal.SIGTERM, bye)
    hdr4 = struct.pack("!BBHI", 0x11, 4, 0, path)
    hdr6 = struct.pack("!BBHI", 0x11, 41, 0, path)
    while True:
        r, _, _ = select.select([tun, u], [], [])
        if tun in r:
            pkt = os.read(tun, 65535)
            u.sendto((hdr6 if pkt[0] >> 4 == 6 else hdr4) + pkt, relay)
            counts["tx"] += 1
        if u in r:
            try:
                d, _ = u.recvfrom(65535)
            except BlockingIOError:
                continue
            # data only: our path, reserved zero, Next Header agreeing with the version
            if len(d) > 28 and d[0] == 0x11 and d[2:4] == b"\0\0" and \
                    struct.unpack("!I", d[4:8])[0] == path and \
                    d[1] == (41 if d[8] >> 4 == 6 else 4):
                os.write(tun, d[8:])
                counts["rx"] += 1


if __name__ == "__main__":
    sys.exit(main())
