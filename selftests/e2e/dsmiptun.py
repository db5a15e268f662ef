#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""A stand-in for the DSMIPv6 mobile node's datapath (being written
elsewhere), from RFC 5555 §4.1 alone: a TUN device carrying the node's IPv6
and IPv4 home addresses, and one UDP socket that carries each packet whole
as the payload of UDP to the home agent's port 4191 (IPv4 outer; IPv6 or
IPv4 told apart by the version nibble), and writes what the HA sends back
into the TUN device. The kernel's own ping and TCP run through it.

  dsmiptun.py --tun DEV --ha A4 --hoa6 A6 --hoa4 A4 --route6 P --route4 P --bu HEX

It first sends the Binding Update it is given (built by the test with an
independent encoder) from its port 4191 and prints "up" when the HA's BA
(status 0) comes back to that port. Then it copies packets both ways until
killed; "rx N tx N" on SIGTERM.
"""
import argparse
import fcntl
import os
import select
import signal
import socket
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def main():
    a = argparse.ArgumentParser()
    for k in ("tun", "ha", "hoa6", "hoa4", "route6", "route4", "bu"):
        a.add_argument("--" + k, required=True)
    a.add_argument("--mtu", type=int, default=1400)
    o = a.parse_args()
    ha = (o.ha, 4191)
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", o.tun.encode(), IFF_TUN | IFF_NO_PI))
    for cmd in (["ip", "link", "set", o.tun, "mtu", str(o.mtu), "up"],
                ["ip", "-6", "addr", "add", o.hoa6 + "/128", "dev", o.tun, "nodad"],
                ["ip", "addr", "add", o.hoa4 + "/32", "dev", o.tun],
                ["ip", "-6", "route", "add", o.route6, "dev", o.tun, "src", o.hoa6],
                ["ip", "route", "add", o.route4, "dev", o.tun, "src", o.hoa4]):
        subprocess.run(cmd, check=True)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", 4191))
    u.settimeout(1.0)
    bu = bytes.fromhex(o.bu)
    for _ in range(10):
        u.sendto(bu, ha)
        try:
            d, src = u.recvfrom(4096)
        except socket.timeout:
            continue
        # IPv6 | MH BA (type 6), status octet 6 of the MH
        if src == ha and len(d) > 48 and d[0] >> 4 == 6 and d[6] == 135 and d[42] == 6:
            print("up status %d" % d[46], flush=True)
            break
    else:
        print("no BA", flush=True)
        return 1
    u.setblocking(False)
    counts = {"rx": 0, "tx": 0}

    def bye(*_):
        print("rx %(rx)d tx %(tx)d" % counts, flush=True)
        os._exit(0)
    signal.signal(signal.SIGTERM, bye)
    while True:
        r, _, _ = select.select([tun, u], [], [])
        if tun in r:
            pkt = os.read(tun, 65535)
            if pkt and pkt[0] >> 4 in (4, 6):
                u.sendto(pkt, ha)
                counts["tx"] += 1
        if u in r:
            try:
                d, src = u.recvfrom(65535)
            except BlockingIOError:
                continue
            # data from the HA only; signalling (a BA) is not for the TUN device
            if src == ha and d and d[0] >> 4 in (4, 6) and not (d[0] >> 4 == 6 and d[6] == 135):
                os.write(tun, d)
                counts["rx"] += 1


if __name__ == "__main__":
    sys.exit(main())
