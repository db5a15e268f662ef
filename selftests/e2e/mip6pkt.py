# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Mobile IPv6 packets built and read with Scapy, an implementation independent of ours."""
import hashlib
import hmac
import json
import os
import socket
import struct
import time

from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, MIP6MH_BU,
                                MIP6OptMNID, MIP6OptMsgAuth, MIP6OptReplayProtection)
from scapy.layers.l2 import Ether
from scapy.packet import Raw
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


def _auth_opt_offset(mh):
    """Offset of the Authentication option (type 9) in a Mobility Header."""
    pos = 12                                    # BU fixed part
    while pos < len(mh):
        if mh[pos] == 0:                        # Pad1
            pos += 1
            continue
        if mh[pos] == 9:
            return pos
        pos += 2 + mh[pos + 1]
    raise ValueError("no Authentication option")


def _mh_checksum(src, dst, mh):
    ph = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) +
          struct.pack("!I", len(mh)) + b"\0\0\0\x87")
    return checksum(ph + bytes(mh))


def signed_bu(ha_mac, src_mac, coa, seq, lifetime_s=60, flags="AH", mesg_id=None, hoa=None,
              nai=None, spi=None, key=None):
    """A genuine home-registration BU, as the MN would send it: MN-ID, Mesg-ID
    (now, or mesg_id), RFC 4285 MN-HA authenticator = First(96, HMAC-SHA1(key,
    CoA | HoA | MH up to the SPI, checksum 0)), MH checksum over the pseudo-
    header with the HoA as source. From the home link (coa == hoa) without a
    Home Address option. nai, spi, key: another MN's (default the topology's)."""
    hoa = hoa or T.HOA
    nai, spi, key = nai or T.NAI, spi or T.SPI, key or T.KEY
    ts = mesg_id if mesg_id is not None else ntp_now()

    def mh_bytes(auth):
        return bytearray(bytes(MIP6MH_BU(seq=seq, flags=flags, mhtime=lifetime_s // 4, cksum=0,
                                         options=[MIP6OptMNID(id=nai.encode()),
                                                  MIP6OptReplayProtection(timestamp=ts),
                                                  MIP6OptMsgAuth(mspi=spi, authdata=auth)])))
    mh = mh_bytes(b"\0" * 12)
    off = _auth_opt_offset(mh)
    key = bytes.fromhex(key)
    cover = (socket.inet_pton(socket.AF_INET6, coa) + socket.inet_pton(socket.AF_INET6, hoa) +
             bytes(mh[:off + 7]))
    mh = mh_bytes(hmac.new(key, cover, hashlib.sha1).digest()[:12])
    mh[4:6] = struct.pack("!H", _mh_checksum(hoa, T.HA_ADDR, mh))
    eth = Ether(dst=ha_mac, src=src_mac)
    if coa == hoa:
        return eth / IPv6(src=coa, dst=T.HA_ADDR, hlim=64, nh=135) / Raw(bytes(mh))
    return (eth / IPv6(src=coa, dst=T.HA_ADDR, hlim=64) /
            IPv6ExtHdrDestOpt(nh=135, options=[HAO(hoa=hoa)]) / Raw(bytes(mh)))


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
