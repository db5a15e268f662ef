#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Write the committed seed corpora of the libFuzzer harnesses.

Packets are built with Scapy (Debian python3-scapy, independent of our
builder) with the addresses, key, NAI and Mesg-ID of the unit tests'
vectors (selftests/unit/mip6_vectors.h); authenticators with Python's hmac.
Each seed is named after what it is. Run from the repository root:

    /usr/bin/python3 selftests/fuzz/make_seeds.py

A harness's input format is described at the top of its fuzz_<name>.c; the
prefixes written here (mode octets, record headers) follow it.
"""
import hashlib
import hmac
import ipaddress
import os
import struct

from scapy.all import raw
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrHopByHop,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR,
                                MIP6MH_BU, MIP6MH_Generic, MIP6OptAltCoA,
                                MIP6OptBRAdvice, MIP6OptMNID, MIP6OptMsgAuth,
                                MIP6OptReplayProtection, MIP6OptUnknown, Pad1, PadN)

HERE = os.path.dirname(os.path.abspath(__file__))
HA, HOA, COA = "2001:db8:1::2", "2001:db8:1::100", "2001:db8:2::100"
HOA2 = "2001:db8:1::101"
KEY = bytes.fromhex("0123456789abcdef0123456789abcdef")
SPI, NAI, TS = 256, b"mn1@example.org", 0xEAF0E58B80000000


def a(s):
    return ipaddress.IPv6Address(s).packed


def write(harness, name, data):
    d = os.path.join(HERE, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def mh_of(p):
    for layer in (MIP6MH_BU, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR, MIP6MH_Generic):
        if layer in p:
            return raw(p[layer])
    raise ValueError("no MH")


def signed(build, coa, hoa, key=KEY):
    """build(authdata) -> packet; returns the packet with the right authenticator."""
    mh = bytearray(mh_of(build(b"\0" * 12)))
    mh[4:6] = b"\0\0"   # RFC 4285 §5.1: the checksum counts as zero
    auth = hmac.new(key, a(coa) + a(hoa) + bytes(mh[:len(mh) - 12]), hashlib.sha1).digest()[:12]
    return raw(build(auth))


def bu(seq=1000, flags="HA", life=15, coa=COA, hoa=HOA, ts=TS, alt=None, extra=()):
    def build(auth):
        opts = [MIP6OptMNID(id=NAI), PadN(optdata=b"\0\0"),
                MIP6OptReplayProtection(timestamp=ts), Pad1(),
                MIP6OptMsgAuth(mspi=SPI, authdata=auth)]
        if alt:
            opts = [MIP6OptMNID(id=NAI), PadN(optdata=b"\0" * 4), MIP6OptAltCoA(acoa=alt),
                    PadN(optdata=b"\0" * 2), MIP6OptReplayProtection(timestamp=ts), Pad1(),
                    MIP6OptMsgAuth(mspi=SPI, authdata=auth)]
        mh = MIP6MH_BU(seq=seq, flags=flags, mhtime=life, res=0, autopad=0,
                       options=list(extra) + opts)
        if coa == hoa:
            return IPv6(src=coa, dst=HA, hlim=64) / mh
        return IPv6(src=coa, dst=HA, hlim=64) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / mh
    return signed(build, coa, hoa)


def ba(status=0, seq=1000, life=15, ts=TS, refresh=None, coa=COA, hoa=HOA):
    def build(auth):
        opts = [PadN(optdata=b"\0" * 4), MIP6OptReplayProtection(timestamp=ts), Pad1(),
                MIP6OptMsgAuth(mspi=SPI, authdata=auth)]
        if refresh is not None:
            opts = [PadN(optdata=b"\0" * 4), MIP6OptReplayProtection(timestamp=ts),
                    MIP6OptBRAdvice(rinter=refresh), PadN(optdata=b"\0" * 3),
                    MIP6OptMsgAuth(mspi=SPI, authdata=auth)]
        mh = MIP6MH_BA(status=status, flags=0, res=0, res2=0, seq=seq, mhtime=life,
                       autopad=0, options=opts)
        if coa == hoa:
            return IPv6(src=HA, dst=coa, hlim=64) / mh
        return IPv6(src=HA, dst=coa, hlim=64) / IPv6ExtHdrRouting(type=2, segleft=1,
                                                                 addresses=[hoa]) / mh
    return signed(build, coa, hoa)


def packets():
    """Whole IPv6 packets carrying a Mobility Header: name -> bytes."""
    p = {
        "bu_away": bu(),
        "bu_home_dereg": bu(coa=HOA, life=0),
        "bu_dereg_away": bu(life=0),
        "bu_alt_coa": bu(alt="2001:db8:3::100"),
        "bu_wrong_hoa": bu(hoa=HOA2),
        "bu_router_flag": bu(flags="HAR"),
        "bu_unknown_option": bu(extra=[MIP6OptUnknown(otype=0x7f, odata=b"\0" * 6)]),
        "ba_accepted": ba(),
        "ba_refresh": ba(refresh=10),
        "ba_135": ba(status=135, seq=999),
        "ba_144": ba(status=144, ts=TS + (3600 << 32)),
        "ba_at_home": ba(coa=HOA, life=0),
        "be_status2": raw(IPv6(src=HA, dst=COA, hlim=64) / MIP6MH_BE(status=2, ha=HOA)),
        "brr": raw(IPv6(src=HA, dst=HOA, hlim=64) / MIP6MH_BRR()),
        "unknown_type_9": raw(IPv6(src=COA, dst=HA, hlim=64) /
                              MIP6MH_Generic(mhtype=9, msg=b"\0" * 10)),
        "hbh_then_dstopt": raw(IPv6(src=COA, dst=HA, hlim=64) / IPv6ExtHdrHopByHop() /
                               IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
                               MIP6MH_BU(seq=7, flags="HA", mhtime=1, options=[])),
    }
    return p


def mh_msgs(pkts):
    return {k: mh_of(IPv6(v)) for k, v in pkts.items()}


def main():
    pkts = packets()
    for name, pkt in pkts.items():
        write("mh_pkt", name, pkt)
    for name, mh in mh_msgs(pkts).items():
        write("mh_msg", name, mh)

    # ha_bu: mode octet (bit 0 reseal, 1 current binding, 2 replay state,
    # 3 replay valid), last seq delta (s16), clock skew s (s16), replay
    # Mesg-ID delta s (s16), then the packet.
    def ha(mode, seq_d, skew, mid_d, pkt):
        return struct.pack(">Bhhh", mode, seq_d, skew, mid_d) + pkt
    write("ha_bu", "first_registration", ha(0, 0, 0, 0, pkts["bu_away"]))
    write("ha_bu", "refresh", ha(0x0e, -1, 1, -5, pkts["bu_away"]))
    write("ha_bu", "replayed_seq", ha(0x0e, 0, 0, -1, pkts["bu_away"]))
    write("ha_bu", "retransmission", ha(0x0e, 0, 0, 0, pkts["bu_away"]))
    write("ha_bu", "clock_far", ha(0, 0, 3600, 0, pkts["bu_away"]))
    write("ha_bu", "dereg", ha(0x0e, -1, 0, -5, pkts["bu_dereg_away"]))
    write("ha_bu", "dereg_home", ha(0x0e, -1, 0, -5, pkts["bu_home_dereg"]))
    write("ha_bu", "alt_coa", ha(0, 0, 0, 0, pkts["bu_alt_coa"]))
    write("ha_bu", "reseal_unknown_opt", ha(1, 0, 0, 0, pkts["bu_unknown_option"]))
    write("ha_bu", "wrong_hoa", ha(1, 0, 0, 0, pkts["bu_wrong_hoa"]))
    write("ha_bu", "unknown_type", ha(0, 0, 0, 0, pkts["unknown_type_9"]))

    # mn_ba: mode octet (bit 0 reseal, 1 pending, 2 pending dereg), our seq
    # delta (s16), our last Mesg-ID delta s (s16), then the packet.
    def mn(mode, seq_d, mid_d, pkt):
        return struct.pack(">Bhh", mode, seq_d, mid_d) + pkt
    write("mn_ba", "accepted", mn(2, 0, 0, pkts["ba_accepted"]))
    write("mn_ba", "refresh_advice", mn(2, 0, 0, pkts["ba_refresh"]))
    write("mn_ba", "seq_135", mn(2, 5, 0, pkts["ba_135"]))
    write("mn_ba", "mesg_id_144", mn(2, 0, 0, pkts["ba_144"]))
    write("mn_ba", "dereg_at_home", mn(6, 0, 0, pkts["ba_at_home"]))
    write("mn_ba", "stale_seq", mn(2, 1, 0, pkts["ba_accepted"]))
    write("mn_ba", "not_pending", mn(0, 0, 0, pkts["ba_accepted"]))

    # signal_rec: ring-buffer records, header (family u16, hdr_len u16,
    # ifindex u32, len u32, host order) then the packet.
    for name, pkt in (("bu", pkts["bu_away"]), ("ba", pkts["ba_accepted"])):
        write("signal_rec", name, struct.pack("=HHII", 1, 12, 3, len(pkt)) + pkt)
    write("signal_rec", "len_past_record",
          struct.pack("=HHII", 1, 12, 3, 2000) + pkts["be_status2"])
    write("signal_rec", "unknown_family", struct.pack("=HHII", 300, 12, 1, 4) + b"\x60\0\0\0")
    # hdr_len: a grown header (16: the packet after 4 more octets), one
    # shorter than the fields the agent reads, one past the record.
    bu = pkts["bu_away"]
    write("signal_rec", "hdr_len_16", struct.pack("=HHII", 1, 16, 3, len(bu)) + b"\xee" * 4 + bu)
    write("signal_rec", "hdr_len_8", struct.pack("=HHII", 1, 8, 3, len(bu)) + bu)
    write("signal_rec", "hdr_len_past_record", struct.pack("=HHII", 1, 400, 3, 0) + bu)
    ha_list_seeds()


def ha_list_seeds():
    """ha_list: records (flags, source low octet, ifindex, seconds, length u16)
    each followed by a Router Advertisement's ICMPv6 part (fuzz_ha_list.c)."""
    from scapy.layers.inet6 import (ICMPv6ND_RA, ICMPv6NDOptHAInfo, ICMPv6NDOptPrefixInfo,
                                    ICMPv6NDOptSrcLLAddr)

    def icmp(p, src="fe80::3"):
        return raw(IPv6(src=src, dst="ff02::1", hlim=255) / p)[40:]

    def rec(msg, flags=0, low=3, ifx=2, dt=0):
        return struct.pack(">BBBBH", flags, low, ifx, dt, len(msg)) + msg

    def pi(addr, **kw):
        return ICMPv6NDOptPrefixInfo(prefixlen=64, R=1, prefix=addr, **kw)
    ha = icmp(ICMPv6ND_RA(H=1, routerlifetime=1800) /
              ICMPv6NDOptHAInfo(res=0x8000, pref=30, lifetime=90) /
              pi("2001:db8:1::3", L=1, validlifetime=86400) / pi("2001:db8:99::3") /
              ICMPv6NDOptSrcLLAddr(lladdr="02:00:00:00:00:03"))
    noinfo = icmp(ICMPv6ND_RA(H=1, routerlifetime=60) / pi("2001:db8:1::4", validlifetime=30),
                  "fe80::4")
    plain = icmp(ICMPv6ND_RA(H=0, routerlifetime=1800) / pi("2001:db8:1::3"))
    gone = icmp(ICMPv6ND_RA(H=1, routerlifetime=1800) / ICMPv6NDOptHAInfo(pref=30, lifetime=0) /
                pi("2001:db8:1::3"))
    mine = icmp(ICMPv6ND_RA(H=1, routerlifetime=1800) / pi("2001:db8:1::2"))
    write("ha_list", "ha_info", rec(ha))
    write("ha_list", "ha_then_mr_asks", rec(ha, flags=8) + rec(ha, flags=4, dt=30))
    write("ha_list", "no_ha_info_expires", rec(noinfo, low=4) + rec(ha, dt=61))
    write("ha_list", "h_cleared", rec(ha) + rec(plain, dt=1))
    write("ha_list", "lifetime_zero", rec(ha) + rec(gone, dt=1))
    write("ha_list", "own_ra", rec(mine, low=2))
    write("ha_list", "off_link", rec(ha, flags=2))
    write("ha_list", "global_source", rec(ha, flags=1))
    write("ha_list", "truncated_option", rec(ha[:-3]))


if __name__ == "__main__":
    main()


def netlink_seeds():
    """fuzz_netlink: real kernel answers, captured in a namespace of ours
    holding only documentation addresses (needs root; skipped otherwise).
    Format: op octet, then datagrams of 2-octet length, flags octet (bit
    0: the harness writes the request's sequence number), bytes."""
    import socket
    import subprocess
    import uuid
    if os.geteuid() != 0:
        print("netlink seeds need root: skipped")
        return
    ns = "zbseed-" + uuid.uuid4().hex[:6]
    sh = lambda *a: subprocess.run(a, check=True)  # noqa: E731
    sh("ip", "netns", "add", ns)
    try:
        for c in (["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                  ["link", "set", "v0", "up"], ["link", "set", "v1", "up"],
                  ["-6", "addr", "add", "2001:db8:1::2/64", "dev", "v0", "nodad"],
                  ["-6", "route", "add", "default", "via", "2001:db8:1::1", "dev", "v0"],
                  ["-6", "route", "add", "2001:db8:5::/64", "via", "2001:db8:1::1",
                   "dev", "v0", "mtu", "1400", "table", "4191"],
                  ["-6", "route", "add", "2001:db8:6::/64", "nexthop", "via", "2001:db8:1::1",
                   "dev", "v0", "nexthop", "via", "2001:db8:1::3", "dev", "v0"]):
            sh("ip", "-n", ns, *c)
        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        pid = os.fork()
        if pid == 0:
            import ctypes
            if ctypes.CDLL(None, use_errno=True).setns(fd, 0x40000000):   # CLONE_NEWNET
                os._exit(1)
            out = {}
            for name, typ, fam_hdr in (("addrs", 22, b"\x0a" + b"\0" * 7),        # RTM_GETADDR
                                       ("routes", 26, b"\x0a" + b"\0" * 11)):     # RTM_GETROUTE
                s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
                s.bind((0, 0))
                req = struct.pack("=IHHII", 16 + len(fam_hdr), typ, 0x301, 1, 0) + fam_hdr
                s.send(req)
                dgrams = []
                while True:
                    d = s.recv(65536)
                    dgrams.append(d)
                    off, end = 0, False
                    while off + 16 <= len(d):
                        ln, ty = struct.unpack_from("=IH", d, off)
                        end |= ty in (2, 3)   # NLMSG_ERROR, NLMSG_DONE
                        off += (ln + 3) & ~3
                    if end:
                        break
                out[name] = dgrams
            op = {"addrs": 0, "routes": 1}
            for name, dgrams in out.items():
                body = b"".join(struct.pack(">HB", len(d), 1) + d for d in dgrams)
                write("netlink", "dump_" + name, bytes([op[name]]) + body)
                write("netlink", "monitor_" + name, bytes([6]) + body)
                first = dgrams[0]
                write("netlink", "route_parse_" + name, bytes([7]) + first[:struct.unpack_from("=I", first)[0]])
            err = struct.pack("=IHHII", 36, 2, 0, 1, 0) + struct.pack("=i", -17) + req[:16]
            for op_ in (2, 3, 4, 5):
                write("netlink", "change_%d_eexist" % op_,
                      bytes([op_]) + struct.pack(">HB", len(err), 1) + err)
            os._exit(0)   # the child never returns into the caller's finally
        os.waitpid(pid, 0)
        os.close(fd)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


if __name__ == "__main__" and os.geteuid() == 0:
    netlink_seeds()
