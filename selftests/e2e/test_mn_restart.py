# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(d') Restarting the MOBILE NODE's agent loses no binding and does not stop the traffic.

Away on link a, with a TCP stream and ping from the CN to the HoA: SIGTERM
leaves the datapath (XDP/tc programs, xmip_mn_state), the policy rules and the
HA's binding alone and sends nothing; a new agent adopts that state and
refreshes the binding. It cannot know the last sequence number the old one
used (it starts from a random one), so its first BU is refused with 135
about half the time and must resynchronise from the BA: the agent is
restarted until both cases were seen. At home, a restart sends at most one
deregistration and never registers. And after moves made while no agent ran,
the new agent follows them and leaves no policy rule of the old CoA behind.
"""
import json
import re
import time

import topology as T
from scenario import PROGRESS_BYTES, Capture, Handover, tshark_fields, wait_for

DOWN_S = 2.0            # how long the agent stays down
QUIET_S = 2.5           # after a restart: longer than the first retransmission timeout (1.5 s)
MAX_RESTARTS = 12       # P(never a 135 in 12 restarts) = 2^-12
MN_F_AWAY = 0x1  # XMIP_MN_F_AWAY (include/xmip_maps.h)
FIELDS = ["frame.time_epoch", "ipv6.src", "mip6.mhtype", "mip6.bu.seqnr", "mip6.bu.lifetime",
          "mip6.ba.status", "mip6.ba.seqnr"]


def seq_newer(new, last):
    """RFC 6275 §9.5.1: new is greater than last modulo 2^16."""
    return 1 <= (new - last) % 65536 <= 32767


def datapath(topo):
    """What the datapath runs on: attached programs per interface, and xmip_mn_state."""
    show = topo.xmip(T.NS_MN, "show", "-i", T.MN_INSTANCE).stdout
    progs = sorted(re.findall(r"^\s*(\w+): (xdp \w+ prog \d+|tc egress prog \d+)", show, re.M))
    cfg = topo.sh(T.NS_MN, "bpftool", "-j", "map", "dump", "pinned",
                  "%s/%s/xmip_mn_state" % (T.PIN_ROOT, T.MN_INSTANCE)).stdout
    entry = json.loads(cfg)[0]
    return progs, entry.get("formatted", entry)["value"]


def policy(topo):
    """(rules of table 4191 as (from, to), routes of table 4191)."""
    rules = json.loads(topo.sh(T.NS_MN, "ip", "-6", "-j", "rule", "show").stdout or "[]")
    ours = sorted((r.get("src"), r.get("dst")) for r in rules if r.get("table") == "4191")
    # The table does not exist (an error) until a route was put in it.
    r = topo.sh(T.NS_MN, "ip", "-6", "-j", "route", "show", "table", "4191", check=False)
    routes = json.loads(r.stdout or "[]") if r.returncode == 0 else []
    return ours, routes


def assert_policy_for(topo, coa, via):
    rules, routes = policy(topo)
    assert rules == sorted([(T.HOA, None), (coa, T.HA_ADDR)]), \
        "ip -6 rule: want one 'from HoA lookup 4191' and one 'from %s to HA': %s" % (coa, rules)
    assert len(routes) == 1 and routes[0]["dst"] == "default" and \
        routes[0].get("gateway") == via, "table 4191: %s" % routes


def signalling(pcap):
    rows = tshark_fields(pcap, FIELDS, "mipv6")
    for r in rows:
        r["t"] = float(r["frame.time_epoch"])
    bus = [r for r in rows if r["mip6.mhtype"] == "5"]
    bas = [r for r in rows if r["mip6.mhtype"] == "6"]
    return bus, bas


def within(rows, t0, t1):
    return [r for r in rows if t0 <= r["t"] < t1]


class Traffic:
    """Ping replies and TCP bytes since a mark."""

    def __init__(self, h):
        self.h = h
        self.mark()

    def mark(self):
        self.replies, self.sent, _ = self.h.ping_stats()
        self.bytes = self.h.tcp()[0]

    def flowing(self, timeout):
        """TCP moved on by PROGRESS_BYTES and echoes sent since the mark were answered."""
        ok_tcp = wait_for(lambda: self.h.tcp()[0] >= self.bytes + PROGRESS_BYTES, timeout)

        def answered():
            # Several echoes since the mark, all answered but one in flight.
            replies, sent, _ = self.h.ping_stats()
            return sent - self.sent >= 4 and replies - self.replies >= sent - self.sent - 1
        ok_ping = wait_for(answered, timeout)
        return ok_tcp, ok_ping, (self.replies, self.sent) + self.h.ping_stats()[:2]


def test_mn_agent_restart_away_keeps_binding_and_traffic(xtopo):
    t = xtopo
    cap = Capture(t)
    h = Handover(t)
    h.start()
    step = h.move("a")
    assert step["binding_ok"] and step["tcp_ok"] and step["ping_ok"], step
    coa, router = T.LINKS["a"]
    assert_policy_for(t, coa, router)
    dp_before = datapath(t)
    assert dp_before[1]["flags"] == MN_F_AWAY, "xmip_mn_state not AWAY: %s" % dp_before[1]
    traffic = Traffic(h)
    windows = []      # (t_stop, t_start, t_settled, first BU seq, HA seq before)
    seen = {"accepted": 0, "resynced": 0}

    for n in range(MAX_RESTARTS):
        before = t.binding_for()
        assert before and before["coa"] == coa, before
        t_stop = time.time()
        rc = t.stop_agent("mn")
        assert rc == 0, "MN agent did not exit cleanly on SIGTERM (rc %s)" % rc
        traffic.mark()
        time.sleep(DOWN_S)
        # Down: the datapath keeps going on its own and nothing changed.
        ok_tcp, ok_ping, counts = traffic.flowing(10)
        assert ok_tcp, "TCP stalled while the MN agent was down"
        assert ok_ping, "ping unanswered while the MN agent was down: %s" % (counts,)
        during = t.binding_for()
        assert during and (during["coa"], during["seq"]) == (before["coa"], before["seq"]), \
            "HA binding changed while the MN agent was down: %s -> %s" % (before, during)
        assert datapath(t) == dp_before, "datapath changed by SIGTERM"
        assert_policy_for(t, coa, router)

        mark = len(t.agent_log("mn"))
        t_start = time.time()
        t.start_agent("mn")
        new_log = lambda: t.agent_log("mn")[mark:]
        assert wait_for(lambda: "BA: status 0" in new_log(), 10), \
            "restarted MN agent did not refresh its binding:\n%s\nHA:\n%s" % (
                new_log(), t.agent_log("ha")[-2000:])
        first = int(re.search(r"binding BU seq (\d+)", new_log()).group(1))
        traffic.mark()
        time.sleep(QUIET_S)
        after = t.binding_for()
        assert after and after["coa"] == coa, after
        assert seq_newer(after["seq"], before["seq"]), \
            "HA binding not refreshed by the new agent: %s -> %s" % (before, after)
        assert after["remaining"] >= after["lifetime"] - QUIET_S - 2, after
        # The refresh timer is armed for before the lifetime ends.
        m = re.search(r"lifetime (\d+) s, refresh in (\d+) s", new_log())
        assert m and 0 < int(m.group(2)) < int(m.group(1)), new_log()
        assert "deregistration" not in new_log(), new_log()
        if seq_newer(first, before["seq"]):
            assert "status 135" not in new_log(), new_log()
            seen["accepted"] += 1
        else:
            assert "status 135" in new_log() and "resynchronised" in new_log(), new_log()
            seen["resynced"] += 1
        ok_tcp, ok_ping, counts = traffic.flowing(10)
        assert ok_tcp, "TCP stalled after the MN agent restarted"
        assert ok_ping, "ping unanswered after the MN agent restarted: %s" % (counts,)
        assert h.tcp()[1] is None and h.cli.alive(), h.cli.text()
        assert datapath(t)[0] == dp_before[0], "programs replaced by the new agent"
        assert datapath(t)[1] == dp_before[1], "xmip_mn_state changed by the new agent"
        assert_policy_for(t, coa, router)
        windows.append((t_stop, t_start, time.time(), first, before["seq"]))
        if seen["accepted"] and seen["resynced"]:
            break
    assert seen["accepted"] and seen["resynced"], \
        "%d restarts never hit both cases (first BU accepted / refused with 135): %s" % (
            len(windows), seen)

    # The restarted agent still does its job: the next move registers.
    step = h.move("b")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step
    assert step["tcp_error"] is None and step["tcp_client_alive"], h.cli.text()
    assert wait_for(lambda: policy(t)[0] == sorted([(T.HOA, None), (T.LINKS["b"][0], T.HA_ADDR)]),
                    5), policy(t)
    assert_policy_for(t, *T.LINKS["b"])

    # What the wire says, read by tshark.
    bus, bas = signalling(cap.stop())
    for t_stop, t_start, t_settled, first, ha_seq in windows:
        assert within(bus, t_stop, t_start) == [], \
            "BU sent while the MN agent was down (deregistration on SIGTERM?)"
        sent = within(bus, t_start, t_settled)
        answers = within(bas, t_start, t_settled)
        assert sent and int(sent[0]["mip6.bu.seqnr"]) == first, sent
        assert all(int(b["mip6.bu.lifetime"]) > 0 for b in sent), "deregistration sent: %s" % sent
        if seq_newer(first, ha_seq):
            want = ["0"]
        else:
            want = ["135", "0"]
            # The resynchronised BU continues from the HA's seq in the 135 BA.
            assert int(answers[0]["mip6.ba.seqnr"]) == ha_seq, answers
            assert int(sent[1]["mip6.bu.seqnr"]) == (ha_seq + 1) % 65536, sent
        assert [a["mip6.ba.status"] for a in answers] == want, answers
        assert len(sent) == len(want), "BU storm after the restart: %s" % sent


def test_mn_agent_restart_at_home_is_quiet(xtopo):
    t = xtopo
    cap = Capture(t)
    h = Handover(t)
    h.start()
    # The first agent's start-up exchange (one deregistration, 133) is over.
    assert wait_for(lambda: "BA: deregistered" in t.agent_log("mn"), 5), t.agent_log("mn")
    progs, cfg = datapath(t)
    assert cfg["flags"] == 0, cfg   # at home: not AWAY

    t_stop = time.time()
    assert t.stop_agent("mn") == 0
    traffic = Traffic(h)
    time.sleep(DOWN_S)
    ok_tcp, ok_ping, counts = traffic.flowing(10)
    assert ok_tcp and ok_ping, "traffic at home stopped with the agent: %s" % (counts,)

    mark = len(t.agent_log("mn"))
    t_start = time.time()
    t.start_agent("mn")
    bindings = []
    deadline = time.time() + QUIET_S
    while time.time() < deadline:  # no registration, not even briefly
        bindings.append(t.binding_for())
        time.sleep(0.2)
    assert bindings and all(b is None for b in bindings), bindings
    new_log = t.agent_log("mn")[mark:]
    assert "at home on home" in new_log, new_log
    assert "binding BU" not in new_log, new_log
    traffic.mark()
    ok_tcp, ok_ping, counts = traffic.flowing(10)
    assert ok_tcp and ok_ping, "traffic at home stopped after the restart: %s" % (counts,)
    assert h.tcp()[1] is None and h.cli.alive(), h.cli.text()
    assert datapath(t) == (progs, cfg), "datapath changed by the restart at home"
    assert policy(t) == ([], []), "policy rules or routes at home: %s" % (policy(t),)
    t_end = time.time()

    # A move afterwards registers as usual.
    step = h.move("a")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step

    bus, _ = signalling(cap.stop())
    assert within(bus, t_stop, t_start) == [], "BU sent on SIGTERM at home"
    sent = within(bus, t_start, t_end)
    # At most the one deregistration (the agent cannot know whether the HA
    # still holds a binding); never a registration, never a storm.
    assert len(sent) <= 1 and all(int(b["mip6.bu.lifetime"]) == 0 for b in sent), sent


def test_mn_agent_restarted_after_moves_made_while_it_was_down(xtopo):
    """The new agent adopts what the old one left even when the MN moved in
    between: the tunnel rule of the old CoA goes (it used to stay for good),
    the binding follows, and home again it deregisters."""
    t = xtopo
    h = Handover(t)
    h.start()
    step = h.move("a")
    assert step["binding_ok"] and step["tcp_ok"], step
    for to in ("b", "home"):
        assert t.stop_agent("mn") == 0
        t.move(to)  # no agent: the datapath still tunnels from the old CoA
        mark = len(t.agent_log("mn"))
        t.start_agent("mn")
        traffic = Traffic(h)
        t.wait_binding(t.coa())
        ok_tcp, ok_ping, counts = traffic.flowing(20)
        new_log = t.agent_log("mn")[mark:]
        assert ok_tcp and ok_ping, "traffic did not resume at %s: %s\n%s" % (to, counts, new_log)
        assert h.tcp()[1] is None and h.cli.alive(), h.cli.text()
        if to == "home":
            assert wait_for(lambda: policy(t) == ([], []), 5), \
                "policy rules or routes left at home: %s" % (policy(t),)
            assert "BA: deregistered" in t.agent_log("mn")[mark:], new_log
        else:
            assert_policy_for(t, *T.LINKS[to])
