# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(c) A flood of signalling from the home link costs the HA bounded output.

100 Mobility Headers of a type nobody handles, and 100 Binding Updates with a
made-up authenticator, are put on the HA's link in one burst. RFC 6275 §9.3.3
rate-limits Binding Errors like ICMPv6 errors (RFC 4443 §2.4); the agent's log
must not grow with every refused packet either. The BEs are counted in a
capture decoded by tshark."""
import os
import time

import topology as T
from mip6pkt import forged_bu, mac_of
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR,
                                MIP6MH_Generic)
from scapy.layers.l2 import Ether
from scenario import Capture, tshark_fields, wait_for

INJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject.py")
FLOODER = "2001:db8:a::77"
N = 100
BOUND = 20          # 10 a second; a burst may straddle two one-second windows


class HaEgressCapture(Capture):
    def __init__(self, topo):
        self.path = os.path.join(topo.workdir, "ha-egress.pcap")
        self.proc = topo.spawn(T.NS_HA, "tcpdump-ha-egress",
                               ["tcpdump", "-i", "eth0", "-U", "--immediate-mode", "-n",
                                "-s", "0", "-w", self.path, "ip6[6] == 135 or ip6[6] == 43"])
        wait_for(lambda: "listening on" in self.proc.text(), 5)


def inject(topo, frames):
    topo.sh(T.NS_RT, T.PY, INJECT, "h-ha", *(bytes(f).hex() for f in frames))


def test_binding_error_and_refusal_floods_are_rate_limited(xtopo):
    t = xtopo
    assert wait_for(lambda: "home agent" in t.agent_log("ha"), 10), t.agent_log("ha")
    # On the HA's own port: its XDP program takes the flood off the wire
    # before the tap, so this capture holds only what the HA sends and
    # does not lose frames in the burst as one on the router's side does.
    cap = HaEgressCapture(t)
    ha_mac = mac_of(t, T.NS_HA, "eth0")
    rt_mac = mac_of(t, T.NS_RT, "br-home")

    unknown = [Ether(dst=ha_mac, src=rt_mac) /
               IPv6(src=FLOODER, dst=T.HA_ADDR, hlim=64) /
               MIP6MH_Generic(mhtype=20, msg=b"\0\0") for _ in range(N)]
    inject(t, unknown)
    forged = [forged_bu(ha_mac, rt_mac, FLOODER, seq=1000 + i) for i in range(N)]
    inject(t, forged)

    def answered():
        rows = tshark_fields(cap.path, ["ipv6.dst", "mip6.mhtype"], "mip6.mhtype")
        return [r for r in rows if r["ipv6.dst"] == FLOODER]

    # The BAs (146) to the forged BUs are the last answers: wait for them.
    wait_for(lambda: sum(r["mip6.mhtype"] == "6" for r in answered()) >= 1, 10)
    time.sleep(1)
    cap.stop()
    rows = answered()
    bes = [r for r in rows if r["mip6.mhtype"] == "7"]
    bas = [r for r in rows if r["mip6.mhtype"] == "6"]
    log = t.agent_log("ha")

    assert bes, "no Binding Error at all for an unknown MH type\n" + log[-3000:]
    assert len(bes) <= BOUND, "%d Binding Errors for %d packets: not rate-limited" % (len(bes), N)
    assert bas, "the forged BUs were not answered\n" + log[-3000:]
    be_lines = log.count("Binding Error status")
    refused_lines = log.count("BU refused")
    assert 0 < be_lines <= BOUND, "%d log lines about Binding Errors" % be_lines
    assert 0 < refused_lines <= BOUND, "%d log lines about refused BUs" % refused_lines
    # A second later the HA answers again, and says how many it held back.
    time.sleep(1.1)
    inject(t, unknown[:1])
    assert wait_for(lambda: "rate-limited, not sent" in t.agent_log("ha"), 5), \
        "suppressed Binding Errors are not accounted for\n" + t.agent_log("ha")[-2000:]


def test_mobile_node_is_not_driven_by_spoofed_signalling(xtopo):
    """Binding Refresh Requests are not authenticated (RFC 4285 covers BU/BA
    only): anyone can send them to the care-of address in the HA's name. The
    MN answers one with a BU, but never more than MAX_UPDATE_RATE (3) BUs a
    second (RFC 6275 §11.8, §12). Bogus BAs and BEs are ignored without a
    log line each."""
    t = xtopo
    t.move("a")
    coa = T.LINKS["a"][0]
    t.wait_binding(coa)
    time.sleep(1.5)   # let the registration's own BUs leave the rate window
    mn_mac = mac_of(t, T.NS_MN, "a")
    rt_mac = mac_of(t, T.NS_RT, "rt-a")
    to_mn = Ether(dst=mn_mac, src=rt_mac) / IPv6(src=T.HA_ADDR, dst=coa, hlim=64)

    bus_before = t.agent_log("mn").count(" BU seq ")
    start = time.time()
    for _ in range(20):           # one BRR every ~50-100 ms (a process each)
        t.sh(T.NS_RT, T.PY, INJECT, "rt-a", bytes(to_mn / MIP6MH_BRR()).hex())
    elapsed = time.time() - start
    time.sleep(0.5)
    bus = t.agent_log("mn").count(" BU seq ") - bus_before
    allowed = 3 * (int(elapsed) + 2)
    assert 1 <= bus <= allowed, \
        "%d BUs for 20 spoofed BRRs in %.1f s (at most %d allowed)" % (bus, elapsed, allowed)

    # Bogus BAs (no authenticator) and Binding Errors, in one burst.
    log_before = t.agent_log("mn")
    frames = [to_mn / IPv6ExtHdrRouting(type=2, addresses=[T.HOA], segleft=1) /
              MIP6MH_BA(status=0, seq=i, mhtime=15) for i in range(N)]
    frames += [to_mn / MIP6MH_BE(status=1, ha=T.HOA) for _ in range(N)]
    t.sh(T.NS_RT, T.PY, INJECT, "rt-a", *(bytes(f).hex() for f in frames))
    time.sleep(1)
    new = t.agent_log("mn")[len(log_before):]
    assert "ignored" in new and "Binding Error" in new, new[-2000:]
    assert new.count("ignored") <= BOUND, "%d log lines for %d bogus BAs" % (
        new.count("ignored"), N)
    assert new.count("Binding Error") <= BOUND, "%d log lines for %d BEs" % (
        new.count("Binding Error"), N)
    # And the registration is untouched.
    assert t.binding_for()["coa"] == coa
