# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Mobile IPv6 packets built and read with Scapy, an implementation independent of ours."""
import json
import os
import socket
import struct
import time

from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BU,
                                MIP6OptMNID, MIP6OptMsgAuth, MIP6OptReplayProtection)
from scapy.layers.l2 import Ether
from scapy.utils import checksum, rdpcap

import topology as T

NTP_UNIX_OFFSET = 2208988800


def ntp_now():
    """RFC 4285 Mesg-ID: 64-bit NTP timestamp."""
    now = time.time()
    return ((int(now) + NTP_UNIX_OFFSET) << 32) | int((now % 1) * (1 << 32))


def mac_of(topo, ns, dev):
    # Not /sys/class/net: nsenter keeps the root namespace's sysfs.
    return json.loads(topo.sh(ns, "ip", "-j", "link", "show", "dev", dev).stdout)[0]["address"]


def forged_bu(ha_mac, src_mac, coa, seq, lifetime_s=60, authenticator=None):
    """A home-registration BU for our HoA from coa, with MN-ID, a fresh Mesg-ID
    and an MN-HA Authentication option whose authenticator is wrong."""
    bu = MIP6MH_BU(seq=seq, flags="AH", mhtime=lifetime_s // 4,
                   options=[MIP6OptMNID(id=T.NAI.encode()),
                            MIP6OptReplayProtection(timestamp=ntp_now()),
                            MIP6OptMsgAuth(mspi=T.SPI,
                                           authdata=authenticator or os.urandom(12))])
    return (Ether(dst=ha_mac, src=src_mac) /
            IPv6(src=coa, dst=T.HA_ADDR, hlim=64) /
            IPv6ExtHdrDestOpt(options=[HAO(hoa=T.HOA)]) / bu)


def bus_in(pcap, src=None):
    """Binding Updates in a capture (Ether frames), optionally from one source."""
    out = []
    for p in rdpcap(pcap):
        if MIP6MH_BU in p and IPv6 in p and (src is None or p[IPv6].src == src):
            out.append(p)
    return out


def mh_layer(frame):
    for layer in frame.layers():
        if layer.__name__.startswith("MIP6MH_"):
            return frame[layer]
    return None


def checksum_agrees(frame):
    """Recompute the MH checksum from Scapy's parse: pseudo-header source is
    the HoA of a Home Address option, destination the RH2's final address
    (RFC 6275 §6.1.1, §6.3, §6.4). (Scapy's own in6_chksum only honours an
    HAO that is alone in its header, i.e. never with the padding.)"""
    mh = mh_layer(frame)
    if mh is None:
        return False
    src, dst = frame[IPv6].src, frame[IPv6].dst
    u = mh.underlayer
    while u is not None and not isinstance(u, IPv6):
        if isinstance(u, IPv6ExtHdrDestOpt):
            for o in u.options:
                if isinstance(o, HAO):
                    src = o.hoa
        if isinstance(u, IPv6ExtHdrRouting) and u.type == 2 and u.segleft > 0 and u.addresses:
            dst = u.addresses[-1]
        u = u.underlayer
    body = bytearray(bytes(mh))
    body[4:6] = b"\0\0"
    ph = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
          struct.pack("!I", len(body)) + b"\0\0\0\x87")
    return checksum(ph + bytes(body)) == mh.cksum
