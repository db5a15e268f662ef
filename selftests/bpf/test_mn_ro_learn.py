# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Learning correspondents on the mobile node ([ro] learn-correspondents,
bpf/ro/mn.h xmip_ro_mn_learn), through BPF_PROG_TEST_RUN: the MN's tc egress
reports the first packet from the home address to each destination that
may be a correspondent to the agent (a ring record of family
XMIP_FAMILY_RO_LEARN carrying that packet's IPv6 header), once per
destination (the element of xmip_mn_ro_seen it leaves), never for the home
agent, link-local, multicast, IPv4-mapped destinations or the home prefix's
own addresses, nor for another source, at home, or while learning is off
(no XMIP_MN_F_RO_LEARN in the state). A report over the per-CPU rate is
counted and not remembered. The packets themselves are tunnelled as before.
Several frames share their maps (xmip_pktrun --then).
"""
import json
import os
import tempfile

from scapy.all import Ether, Raw, UDP
from scapy.layers.inet6 import IPv6, MIP6MH_HoTI

from conftest import COA, HA, HOA, MAC_MN, MAC_MN_GW, PKTRUN, Result, mn_args, sh

FAMILY_RO_LEARN = 253
HOME_PREFIX = "2001:db8:1::/64"
CN_A = "2001:db8:5::1"
CN_B = "2001:db8:77::2"
RATE_BURST = 50        # XMIP_ICMP_BURST: the per-CPU bucket XMIP_RATE_LEARN shares the size of


def frame(dst, src=HOA, payload=b"learn me"):
    return Ether(src=MAC_MN, dst=MAC_MN_GW) / \
        IPv6(bytes(IPv6(src=src, dst=dst, hlim=64) / UDP(sport=4000, dport=5000) / Raw(payload)))


def args(ns, learn=True, away=True, extra=()):
    # The router's MAC and the CoA's interface as the agent writes them: the
    # tunnel packets leave as they are (no FIB lookup in the counters).
    a = mn_args(away=away, extra=["--home-prefix", HOME_PREFIX, "--gw-mac", MAC_MN_GW,
                                  "--coa-ifindex", str(ns.mn)] + list(extra))
    return a + (["--ro-learn"] if learn else [])


def run(ns, frames, a, cpu=0):
    """Each frame once, in order, on the same maps, on one CPU (per-CPU rate)."""
    with tempfile.TemporaryDirectory(prefix="rolearn-") as d:
        paths = []
        for i, f in enumerate(frames):
            p = os.path.join(d, "in%d" % i)
            with open(p, "wb") as fh:
                fh.write(bytes(f))
            paths.append(p)
        cmd = ["taskset", "-c", str(cpu), PKTRUN, "--netns", ns.name, "-o", "mn", "-p", "tc",
               "-i", paths[0], "-I", str(ns.mn)]
        for p in paths[1:]:
            cmd += ["--then", p]
        r = sh(*(cmd + list(a)), check=False)
        assert r.returncode == 0, "xmip_pktrun failed: %s\n%s" % (" ".join(cmd), r.stderr[-3000:])
        return Result(json.loads(r.stdout), b"")


def reported(r):
    assert all(e["family"] == FAMILY_RO_LEARN and e["len"] == 40 for e in r.signal), r.signal
    return [IPv6(e["pkt"]).dst for e in r.signal]


def test_first_packet_to_each_destination_is_reported_once(mn_ns):
    frames = [frame(CN_A), frame(CN_A), frame(CN_B), frame(CN_A, payload=b"x" * 300),
              frame(CN_B)]
    r = run(mn_ns, frames, args(mn_ns))
    assert reported(r) == [CN_A, CN_B]
    # The record is the packet's own IPv6 header, from the home address.
    assert r.signal[0]["pkt"] == bytes(frames[0][IPv6])[:40]
    assert r.stats == {"RO_MN_LEARN_REPORT": 2, "MN_ENCAP_OK": 5}, r.stats


def test_nothing_is_reported_while_learning_is_off_or_at_home(mn_ns):
    frames = [frame(CN_A), frame(CN_B)]
    r = run(mn_ns, frames, args(mn_ns, learn=False))
    assert r.signal == [] and r.stats == {"MN_ENCAP_OK": 2}, r.js
    r = run(mn_ns, frames, args(mn_ns, away=False))
    assert r.signal == [] and r.stats == {"PASS_MN_AT_HOME": 2}, r.js


def test_excluded_destinations_and_sources_are_never_reported(mn_ns):
    excluded = [HA,                      # the home agent (its own correspondent, §9.3)
                "2001:db8:1::55",        # the home prefix's own addresses
                "fe80::1",               # link-local
                "ff0e::1",               # multicast
                "::ffff:192.0.2.1"]      # IPv4-mapped: reached over IPv4
    frames = [frame(d) for d in excluded]
    frames.append(frame(CN_A, src=COA))                # not from the home address
    frames.append(Ether(src=MAC_MN, dst=MAC_MN_GW) /   # our own HoTI (tunnelled, not learnt)
                  IPv6(bytes(IPv6(src=HOA, dst=CN_B) / MIP6MH_HoTI(cookie=b"12345678"))))
    r = run(mn_ns, frames, args(mn_ns))
    assert r.signal == [], reported(r)
    assert "RO_MN_LEARN_REPORT" not in r.stats and "RO_MN_LEARN_LIMITED" not in r.stats, r.stats
    assert r.stats.get("RO_MN_SIGNAL_TUNNEL") == 1, r.stats
    # And the control: the same run with one learnable destination reports it.
    r = run(mn_ns, frames + [frame(CN_A)], args(mn_ns))
    assert reported(r) == [CN_A] and r.stats["RO_MN_LEARN_REPORT"] == 1, r.stats


def test_reports_over_the_rate_are_counted_and_retried(mn_ns):
    """A burst of new destinations: the per-CPU bucket lets its burst through,
    the rest is counted RO_MN_LEARN_LIMITED and not remembered, so the same
    destination's next packet is reported once tokens are back."""
    n = 3 * RATE_BURST
    dests = ["2001:db8:100::%x" % (i + 1) for i in range(n)]
    r = run(mn_ns, [frame(d) for d in dests], args(mn_ns))
    got, limited = r.stats.get("RO_MN_LEARN_REPORT", 0), r.stats.get("RO_MN_LEARN_LIMITED", 0)
    assert got >= RATE_BURST and limited >= 1 and got + limited == n, r.stats
    assert len(r.signal) == got and len(set(reported(r))) == got
    assert r.stats["MN_ENCAP_OK"] == n      # no packet lost to its report
    # A limited destination is not marked as reported: its next packet tries
    # again (here after a fresh start of the bucket: every one gets through).
    last = [d for d in dests if d not in set(reported(r))][-1]
    r = run(mn_ns, [frame(last), frame(last)], args(mn_ns))
    assert reported(r) == [last]
