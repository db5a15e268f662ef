# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(b) Unauthenticated and replayed Binding Updates are refused and change nothing.

Both are put on the HA's link from the router's port; the HA's answer is read
from a capture of that link and decoded by tshark."""
import os
import time

import topology as T
from mip6pkt import bus_in, forged_bu, mac_of
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
    # RFC 6275 §9.5.1 (sequence number) or RFC 4285 §6.1 (Mesg-ID not newer
    # than the last accepted one: MIPV6-ID-MISMATCH), whichever is checked first.
    assert replay_ba[-1]["mip6.ba.status"] in ("135", "144"), \
        "replayed BU: BA status %s, wanted 135 (sequence out of window) " \
        "or 144 (Mesg-ID mismatch)" % replay_ba
    assert same_binding(before, after), \
        "binding cache changed: %s -> %s" % (before, after)
    # And the real MN is still served.
    b0 = h.tcp()[0]
    assert wait_for(lambda: h.tcp()[0] >= b0 + PROGRESS_BYTES, 10)
