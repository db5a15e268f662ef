# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(c) A flood of signalling from the home link costs the HA bounded output.

100 Mobility Headers of a type nobody handles, and 100 Binding Updates with a
made-up authenticator (from another /64), are put on the HA's link in one
burst. The datapath admits 40 of each source at once (bpf/lib/signal.h, the
rest counted DROP_SIGNAL_RATE_LIMITED); RFC 6275 §9.3.3 rate-limits Binding
Errors like ICMPv6 errors (RFC 4443 §2.4), refusing BAs are rate-limited per
source too; the agent's log must not grow with every refused packet either.
The BEs are counted in a capture decoded by tshark."""
# Line-rate floods: run alone, after the other files (selftests/run_parallel.py).
E2E_SOLO = True

import json
import os
import time

import topology as T
from mip6pkt import forged_bu, mac_of
from scapy.layers.inet6 import (HAO, IPv6, IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BE, MIP6MH_BRR,
                                MIP6MH_Generic)
from scapy.layers.l2 import Ether
from scenario import Capture, tshark_fields, wait_for

INJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject.py")
FLOODER = "2001:db8:a::77"
FLOODER2 = "2001:db8:b::77"     # another /64: its own admission bucket
N = 100
BOUND = 20          # 10 a second; a burst may straddle two one-second windows


class HaEgressCapture(Capture):
    def __init__(self, topo):
        self.path = os.path.join(topo.workdir, "ha-egress.pcap")
        self.proc = topo.spawn(T.NS_HA, "tcpdump-ha-egress",
                               ["tcpdump", "-i", "eth0", "-U", "--immediate-mode", "-n",
                                "-s", "0", "-w", self.path, "ip6[6] == 135 or ip6[6] == 43"])
        wait_for(lambda: "listening on" in self.proc.text(), 5)


def stats_of(show):
    """Counters by name from `xmip show -j` (one instance or a list of them)."""
    inst = show[0] if isinstance(show, list) else show
    c = inst.get("counters", inst.get("stats", {}))
    if isinstance(c, list):
        return {e["name"]: e["value"] for e in c}
    return c


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
    forged = [forged_bu(ha_mac, rt_mac, FLOODER2, seq=1000 + i) for i in range(N)]
    inject(t, forged)

    def answered():
        rows = tshark_fields(cap.path, ["ipv6.dst", "mip6.mhtype"], "mip6.mhtype")
        return [r for r in rows if r["ipv6.dst"] in (FLOODER, FLOODER2)]

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
    assert len(bas) <= BOUND, "%d refusing BAs for %d forged BUs: not rate-limited" % (len(bas), N)
    # The datapath let each source's burst through and counted the rest.
    stats = json.loads(t.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j").stdout)
    limited = stats_of(stats).get("drop_signal_rate_limited", 0)
    assert limited >= 2 * N - 2 * 45, "only %d packets over their source's rate" % limited
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

    # Bogus BAs (no authenticator) and Binding Errors, in one burst; the BEs
    # from another /64, as the BRRs and BAs used up the burst the MN's
    # datapath admits from the HA's /64.
    log_before = t.agent_log("mn")
    frames = [to_mn / IPv6ExtHdrRouting(type=2, addresses=[T.HOA], segleft=1) /
              MIP6MH_BA(status=0, seq=i, mhtime=15) for i in range(N)]
    frames += [Ether(dst=mn_mac, src=rt_mac) / IPv6(src="2001:db8:c::9", dst=coa, hlim=64) /
               MIP6MH_BE(status=1, ha=T.HOA) for _ in range(N)]
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


def test_bu_flood_from_one_source_does_not_delay_another_mn(make_topo):
    """Forged BUs from one source at line rate (XDP live frames out of the
    router's port into the HA, xmip_bench gen) while the MN moves: the per-
    source admission in front of the ring buffer keeps the flood to its
    bucket, so the MN's BU from another /64 reaches the agent and its BA
    comes back within 1 s (read from a capture on the MN's new link)."""
    t = make_topo(with_cn=False)
    coa_a, coa_b = T.LINKS["a"][0], T.LINKS["b"][0]
    t.move("a")
    t.wait_binding(coa_a, timeout=10)
    ha_mac, rt_mac = mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home")
    frame = os.path.join(t.workdir, "flood.bin")
    # A home address nobody has: a BU naming the MN's (bound) home address
    # would spend that address's bucket instead, the limit shown in
    # test_signal_rate.py (docs/DESIGN.md, "Signalling under attack").
    flood = forged_bu(ha_mac, rt_mac, "2001:db8:c::66", seq=7)
    flood[HAO].hoa = "2001:db8:1::dead"
    with open(frame, "wb") as f:
        f.write(bytes(flood))
    cap = LinkCapture(t, "rt-b")
    from test_exhaustion import bu_to_ba, port_tx_dropped
    port_drops = port_tx_dropped(t, T.NS_RT, "h-ha")
    before = stats_of(json.loads(t.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j").stdout))
    t_before = time.time()
    gen = t.spawn(T.NS_RT, "flood", ["taskset", "-c", "0",
                                     os.path.join(t.bin, "tools", "xmip_bench"), "gen",
                                     "--dev", "h-ha", "-i", frame, "--count", "200000000"])
    try:
        assert wait_for(lambda: stats_of(json.loads(t.xmip(
            T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j").stdout)).get(
                "drop_signal_rate_limited", 0) > before.get("drop_signal_rate_limited", 0) + 100000,
            10, step=0.2), "the flood does not reach the HA\n" + gen.text()
        t.move("b")
        t.wait_binding(coa_b, timeout=10)
        during = stats_of(json.loads(t.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j").stdout))
        t_during = time.time()
        assert gen.alive(), "the flood ended before the move was answered:\n" + gen.text()
    finally:
        gen.stop()
    time.sleep(0.3)
    cap.stop()
    rows = tshark_fields(cap.path, ["frame.time_epoch", "ipv6.src", "ipv6.dst", "mip6.mhtype",
                                    "mip6.bu.seqnr", "mip6.ba.seqnr", "mip6.ba.status"],
                         "mip6.mhtype == 5 || mip6.mhtype == 6")
    bus = [r for r in rows if r["mip6.mhtype"] == "5" and r["ipv6.src"] == coa_b]
    bas_ = [r for r in rows if r["mip6.mhtype"] == "6" and r["ipv6.dst"] == coa_b]
    assert bus and bas_, rows
    # The MN's first BU from link b was answered (no retransmission needed), in
    # 1 s; unless the flooded router port dropped it before the HA saw it.
    delay = bu_to_ba(cap.path, coa_b, port_tx_dropped(t, T.NS_RT, "h-ha") - port_drops)
    limited = during.get("drop_signal_rate_limited", 0) - before.get("drop_signal_rate_limited", 0)
    admitted = during.get("signal_to_agent", 0) - before.get("signal_to_agent", 0)
    print("flood: %d packets over their source's rate, %d to the agent in %.1f s; "
          "BU -> BA %.1f ms" % (limited, admitted, t_during - t_before, delay * 1e3))
    assert delay < 1.0, "BU seq %s answered after %.3f s" % (bus[0]["mip6.bu.seqnr"], delay)
    assert limited > 100000
    # The mechanism: the flood got its burst and 20 a second into the ring,
    # no more (the MN's own BUs besides). Without the per-source admission
    # the agent is handed ~100k forged BUs a second here and the ring is
    # full most of the time (DROP_SIGNAL_NO_ROOM), every source alike.
    assert admitted <= 40 + 20 * (t_during - t_before + 1) + 10, admitted
    assert during.get("drop_signal_no_room", 0) == before.get("drop_signal_no_room", 0)


class LinkCapture(Capture):
    """tcpdump of the signalling on one of the router's ports (the MN's link)."""

    def __init__(self, topo, dev):
        self.path = os.path.join(topo.workdir, "mh-%s.pcap" % dev)
        self.proc = topo.spawn(T.NS_RT, "tcpdump-" + dev,
                               ["tcpdump", "-i", dev, "-U", "--immediate-mode", "-n", "-s", "0",
                                "-w", self.path, "ip6[6] == 135 or ip6[6] == 60 or ip6[6] == 43"])
        wait_for(lambda: "listening on" in self.proc.text(), 5)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


# The agent allocates nothing per packet or per source: records are read in
# place from the ring, the refusal limiter is a fixed direct-mapped table
# (agentd/core/srcrate.c), log lines are rate-limited; what may become
# resident during a flood is the ring itself (256 KiB, mapped twice) and the
# allocator's and libraries' pages touched on the refusal path. Hence 2 MiB.
RSS_BOUND_KIB = 2048


def seen(c):
    """Signalling frames the HA's datapath took, whatever it did with them."""
    return sum(c.get(k, 0) for k in ("signal_to_agent", "drop_signal_rate_limited",
                                     "drop_signal_budget", "drop_signal_no_room"))


def test_spoofed_bu_flood_from_many_sources_while_the_mn_moves(make_topo):
    """Forged BUs (made-up authenticator, a home address nobody has) from
    65536 /64s at the highest rate the test bed makes (XDP live frames from
    the router's port, xmip_bench gen --sources) while the MN moves twice
    with TCP and ping running. Per-source buckets cannot stop this (every
    new source gets a burst); the unbound class's per-CPU budget and its
    half of the ring do (lib/signal.h), and the MN's BUs, which name a bound
    home address, go through that address's bucket into the other half:
    each of its registrations is answered within 1 s of its first BU (from
    captures on its new link; if the flooded router port dropped that BU
    before the HA saw it, counted on the port, within 1 s of the
    retransmission, test_exhaustion.bu_to_ba), its traffic keeps flowing, and the HA agent's
    resident memory after the flood is within RSS_BOUND_KIB of before."""
    from test_exhaustion import bu_to_ba, counters, port_tx_dropped, start_flood
    from scenario import Handover
    t = make_topo()
    h = Handover(t)
    h.start()
    assert h.move("a")["binding_ok"]
    pid = t.agents["ha"].popen.pid
    time.sleep(1)
    rss_before = rss_kib(pid)
    before = counters(t)
    t0 = time.time()
    gen = start_flood(t)
    delays = []
    try:
        assert wait_for(lambda: seen(counters(t)) > seen(before) + 100000, 20, step=0.3), \
            "the flood does not reach the HA\n" + gen.text()
        for to in ("b", "a"):
            cap = LinkCapture(t, "rt-" + to)
            dropped = port_tx_dropped(t, T.NS_RT, "h-ha")
            step = h.move(to)
            time.sleep(0.3)
            cap.stop()
            assert step["binding_ok"] and step["tcp_ok"] and step["ping_ok"], step
            delays.append(bu_to_ba(cap.path, T.LINKS[to][0],
                                   port_tx_dropped(t, T.NS_RT, "h-ha") - dropped))
        during = counters(t)
        elapsed = time.time() - t0
        assert gen.alive(), "the flood ended before the moves were answered:\n" + gen.text()
    finally:
        gen.stop()
    time.sleep(2)
    rss_after = rss_kib(pid)
    d = {k: during[k] - before.get(k, 0) for k in during}
    print("flood of %.1f s: %d frames over the budget, %d over their source's rate, %d "
          "no room, %d to the agent; BU -> BA %s ms; agent RSS %d -> %d KiB" % (
              elapsed, d["drop_signal_budget"], d["drop_signal_rate_limited"],
              d["drop_signal_no_room"], d["signal_to_agent"],
              ", ".join("%.1f" % (x * 1e3) for x in delays), rss_before, rss_after))
    assert all(x < 1.0 for x in delays), delays
    assert h.tcp()[1] is None and h.cli.alive(), "the TCP connection did not survive"
    assert rss_after - rss_before <= RSS_BOUND_KIB, (rss_before, rss_after)
    # The mechanism: what reached the agent is bounded by the budget (2000 a
    # second per CPU, bursts of 200), whatever the number of sources.
    ncpu = os.cpu_count()
    assert d["signal_to_agent"] <= ncpu * (200 + 2000 * (elapsed + 1)) + 50, d
