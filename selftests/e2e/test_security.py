# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(b) Unauthenticated and replayed Binding Updates are refused and change nothing.

Both are put on the HA's link from the router's port; the HA's answer is read
from a capture of that link and decoded by tshark. A replay inside its Mesg-ID
window gets 135 (RFC 6275 §9.5.1: its sequence number is not newer), one after
the window no answer at all (RFC 4285 §6: not fresh; a signed answer would
make the HA a signing oracle for captured traffic). A Mobility Header with a
Payload Proto other than 59, or a Header Len too short for its type, gets an
ICMPv6 Parameter Problem pointing at that field (RFC 6275 §9.2)."""
import os
import struct
import time

import topology as T
from mip6pkt import _mh_checksum, bus_in, forged_bu, mac_of, signed_bu
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt
from scapy.packet import Raw
from scenario import PROGRESS_BYTES, Capture, Handover, tshark_fields, wait_for

INJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject.py")
ATTACKER_COA = "2001:db8:a::66"


def inject(topo, frame_bytes):
    topo.sh(T.NS_RT, T.PY, INJECT, "h-ha", frame_bytes.hex())


def bas_to(pcap, dst):
    rows = tshark_fields(pcap, ["ipv6.dst", "mip6.ba.status", "mip6.ba.seqnr"],
                         "mip6.mhtype == 6")
    return [r for r in rows if r["ipv6.dst"] == dst]


def wait_ba(cap_path, dst, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.5)
        rows = bas_to(cap_path, dst)
        if rows:
            return rows
    return []


def same_binding(a, b):
    return a and b and a["coa"] == b["coa"] and a["seq"] == b["seq"] and \
        a.get("flags") == b.get("flags")


def test_unauthenticated_and_replayed_bu_are_refused(xtopo):
    t = xtopo
    cap = Capture(t)
    h = Handover(t)
    h.start()
    assert h.move("a")["binding_ok"]
    assert h.move("b")["binding_ok"]
    before = t.binding_for()
    assert before and before["coa"] == T.LINKS["b"][0], before

    ha_mac = mac_of(t, T.NS_HA, "eth0")
    rt_mac = mac_of(t, T.NS_RT, "br-home")

    # 1. A BU with the right SPI, NAI and a fresh sequence number and
    #    Mesg-ID, but an authenticator made up by someone without the key.
    forged = forged_bu(ha_mac, rt_mac, ATTACKER_COA, seq=(before["seq"] + 1) & 0xFFFF)
    inject(t, bytes(forged))
    # 2. The genuine BU the MN sent from link a, sent again now it is on b.
    replays = bus_in(cap.path, src=T.LINKS["a"][0])
    assert replays, "no BU from link a captured on the HA's link"
    inject(t, bytes(replays[-1]))

    auth_ba = wait_ba(cap.path, ATTACKER_COA)
    replay_ba = [r for r in wait_ba(cap.path, T.LINKS["a"][0])
                 if r["mip6.ba.status"] != "0"]
    cap.stop()
    time.sleep(0.5)
    after = t.binding_for()
    log = t.agent_log("ha")[-3000:]

    assert auth_ba, "no BA answered the unauthenticated BU\n" + log
    assert auth_ba[-1]["mip6.ba.status"] == "146", \
        "unauthenticated BU: BA status %s, wanted 146 (MIPV6-AUTH-FAIL)" % auth_ba
    assert replay_ba, "no refusing BA answered the replayed BU\n" + log
    # Inside its Mesg-ID window: RFC 6275 §9.5.1, its number is not newer.
    assert replay_ba[-1]["mip6.ba.status"] == "135", \
        "replayed BU: BA status %s, wanted 135 (sequence out of window)" % replay_ba
    assert same_binding(before, after), \
        "binding cache changed: %s -> %s" % (before, after)
    # And the real MN is still served.
    b0 = h.tcp()[0]
    assert wait_for(lambda: h.tcp()[0] >= b0 + PROGRESS_BYTES, 10)


def test_duplicate_replay_and_malformed_mobility_headers(make_topo):
    t = make_topo(with_cn=False)
    coa = T.LINKS["a"][0]
    cap = Capture(t, "dup", filt="icmp6 or ip6[6] == 135 or ip6[6] == 60 or ip6[6] == 43")
    t.move("a")
    before = t.wait_binding(coa, timeout=10)
    time.sleep(0.3)
    accepted = [p for p in bus_in(cap.path, src=coa)
                if p.getlayer("MIP6MH_BU").seq == before["seq"]]
    assert accepted, "the MN's BU is not in the capture"
    dup = bytes(accepted[-1])

    # The very BU accepted, again: 135 carrying the last accepted number.
    inject(t, dup)
    rows = wait_ba(cap.path, coa)
    dup_bas = [r for r in rows if r["mip6.ba.status"] == "135"]
    assert dup_bas and dup_bas[-1]["mip6.ba.seqnr"] == str(before["seq"]), rows
    # After its Mesg-ID window (7 s): no answer at all.
    time.sleep(7.5)
    n = len(bas_to(cap.path, coa))
    inject(t, dup)
    assert wait_for(lambda: "no answer" in t.agent_log("ha"), 5), t.agent_log("ha")[-2000:]
    time.sleep(1)
    assert len(bas_to(cap.path, coa)) == n, "the replay after its window was answered"

    # Payload Proto 58 (a BU piggybacked on an Echo Request): Parameter
    # Problem, code 0, pointer 64 (40 IPv6 + 24 Destination Options).
    ha_mac, rt_mac = mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home")
    bu = signed_bu(ha_mac, rt_mac, "2001:db8:b::99", 4000)
    mh = bytearray(bytes(bu[IPv6ExtHdrDestOpt].payload))
    mh[0] = 58
    mh[4:6] = b"\0\0"
    mh[4:6] = struct.pack("!H", _mh_checksum(T.HOA, T.HA_ADDR, mh))
    piggy = bu.copy()
    piggy[IPv6ExtHdrDestOpt].remove_payload()
    piggy = piggy / Raw(bytes(mh)) / ICMPv6EchoRequest()
    piggy[IPv6].plen = None
    # Header Len 0, shorter than any BU: pointer 65.
    mh = bytearray(bytes(bu[IPv6ExtHdrDestOpt].payload))
    mh[1] = 0
    mh[4:6] = b"\0\0"
    mh[4:6] = struct.pack("!H", _mh_checksum(T.HOA, T.HA_ADDR, mh))
    short = bu.copy()
    short[IPv6ExtHdrDestOpt].remove_payload()
    short = short / Raw(bytes(mh))
    inject(t, bytes(piggy))
    inject(t, bytes(short))

    def problems():
        return tshark_fields(cap.path, ["ipv6.src", "ipv6.dst", "icmpv6.code", "icmpv6.pointer"],
                             "icmpv6.type == 4")
    assert wait_for(lambda: len(problems()) >= 2, 5, step=0.3), problems()
    cap.stop()
    got = {(r["ipv6.src"], r["ipv6.dst"], r["icmpv6.code"], r["icmpv6.pointer"]) for r in problems()}
    assert got == {(T.HA_ADDR, "2001:db8:b::99", "0", "64"),
                   (T.HA_ADDR, "2001:db8:b::99", "0", "65")}, got
    assert t.binding_for()["seq"] == before["seq"]
