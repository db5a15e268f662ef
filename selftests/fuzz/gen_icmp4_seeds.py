#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write the IPv4 seeds of selftests/fuzz/icmp_report/ (fn4_*): ICMP
Fragmentation Needed messages a router inside a Mobile IPv4 tunnel returns
to the HA, as the datapath reports them (the received packet from its IPv4
header; bpf/mip4/ha.h), built by Scapy independently of the parser
(agentd/core/icmp4_report.c). The unit test selftests/unit/test_icmp4_report.c
reads them. Addresses are selftests/bpf/test_dsmip_dp.py's."""
import os
import struct

from scapy.all import IP, ICMP, UDP, Raw, GRE
from scapy.layers.mobileip import MobileIP, MobileIPTunnelData
from scapy.utils import checksum

HA4, NAT4, NATPORT, COA4, HOA4, CN4 = ("198.51.100.2", "203.0.113.7", 4660, "203.0.113.9",
                                       "192.0.2.100", "192.0.2.50")
ROUTER = "198.51.100.77"
DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icmp_report")


def inner():
    return IP(src=CN4, dst=HOA4, ttl=63, flags="DF", id=77) / UDP(sport=4000, dport=5000) / \
        Raw(bytes(range(256)) * 5 + bytes(120))   # 1400 octets: bigger than every MTU below


def minfwd(i):
    raw = bytes(i)
    h = struct.pack("!BBH4s4s", i.proto, 0x80, 0, raw[16:20], raw[12:16])
    return h[:2] + struct.pack("!H", checksum(h)) + h[4:]


def tunnel(kind, udp):
    i = IP(bytes(inner()))
    dst = NAT4 if udp else COA4
    if kind == "minenc":
        raw = bytes(i)
        rest = Raw(minfwd(i) + raw[20:])
        nh = 55
    else:
        rest = i if kind == "ipip" else GRE(proto=0x0800) / i
        nh = 4 if kind == "ipip" else 47
    if udp:
        rest = UDP(sport=434, dport=NATPORT, chksum=0) / MobileIP(type=4) / \
            MobileIPTunnelData(nexthdr=nh) / rest
    return bytes(IP(src=HA4, dst=dst, ttl=64, flags="DF", proto=17 if udp else nh) / rest)


def fn(t, cut, mtu):
    return bytes(IP(src=ROUTER, dst=HA4, ttl=60) / ICMP(type=3, code=4, nexthopmtu=mtu) /
                 Raw(t[:cut]))


def main():
    seeds = {
        "fn4_ipip": fn(tunnel("ipip", False), 20 + 28, 1300),
        "fn4_ipip_short": fn(tunnel("ipip", False), 28, 1300),       # RFC 792's 8 octets
        "fn4_gre_udp": fn(tunnel("gre", True), 20 + 12 + 4 + 28, 1280),
        "fn4_minenc": fn(tunnel("minenc", False), 20 + 12 + 8, 1400),
        "fn4_minenc_udp_short": fn(tunnel("minenc", True), 20 + 12 + 8, 1000),
        "fn4_low": fn(tunnel("ipip", False), 20 + 28, 300),          # under the floor
    }
    for name, data in seeds.items():
        with open(os.path.join(DIR, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
