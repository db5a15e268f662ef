#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""xmip demo: a mobile node keeps its ping and its TCP stream while it moves.

Builds the namespace topology (CN, RT, HA, MN), attaches xmip on the HA and
the MN, starts both agents, then moves the MN home -> a -> b -> home while
the CN pings the MN's home address and streams TCP to it. After each move it
prints what the agents logged, the events `xmip monitor` showed on the HA,
the HA's binding cache and counters, and the traffic so far; at the end a
plot of throughput and ping over time with the moves marked (text here, SVG
in the artifacts directory). Binaries come from $XMIP_BUILD (default
build/opt).
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topology as T  # noqa: E402
from scenario import Handover  # noqa: E402
from timeline import TOPOLOGY, Timeline  # noqa: E402

BOLD, DIM, GREEN, RED, OFF = ("\033[1m", "\033[2m", "\033[32m", "\033[31m", "\033[0m") \
    if sys.stdout.isatty() else ("",) * 5


def say(msg=""):
    print(msg, flush=True)


def ok(b):
    return (GREEN + "yes" + OFF) if b else (RED + "NO" + OFF)


MONITOR = {"proc": None, "seen": 0}


def monitor_lines():
    """Lines `xmip monitor` printed on the HA since the last call."""
    p = MONITOR["proc"]
    if p is None:
        return []
    text = p.text()
    new = text[MONITOR["seen"]:]
    MONITOR["seen"] = len(text)
    return [l for l in new.splitlines() if l.strip() and not l.startswith("xmip:")]


def report(step):
    where = step["to"]
    say()
    say(BOLD + "=== MN moved to %s (%s)" % (
        where, "home link, HoA " + T.HOA if step["coa"] is None else
        "care-of address " + step["coa"]) + OFF)
    say("  registration seen by the HA after %.1f s: %s" % (step["t_binding"],
                                                         ok(step["binding_ok"])))
    for role in ("mn", "ha"):
        lines = step[role + "_log"][-6:]
        for line in lines:
            say(DIM + "  [%s agent] %s" % (role.upper(), line.strip()) + OFF)
    events = monitor_lines()
    if events:
        say("  xmip monitor (HA):")
        for line in events:
            say("    " + line)
    b = step["bindings"]
    say("  xmip binding show (HA):")
    if isinstance(b, list) and not b:
        say("    (empty: the MN is at home)")
    elif isinstance(b, list):
        for e in b:
            say("    " + json.dumps(e))
    else:
        say("    " + str(b))
    say("  xmip show (HA), non-zero counters:")
    for line in step["ha_show"].splitlines():
        if line.strip():
            say("    " + line)
    replies, sent = step["ping_replies"], step["ping_sent"]
    loss = sent - replies
    say("  ping CN -> HoA: answered again after %.1f s: %s; %d/%d answered so far "
        "(%d lost, %.1f%%)" % (step["t_ping"], ok(step["ping_ok"]), replies, sent, loss,
                               100.0 * loss / sent if sent else 0))
    say("  TCP stream CN -> HoA: progressing after %.1f s: %s; %.1f MB received, %s" % (
        step["t_tcp"], ok(step["tcp_ok"]), step["tcp_bytes"] / 1e6,
        "no reset" if step["tcp_error"] is None else RED + "error " +
        step["tcp_error"] + OFF))


def main():
    if os.geteuid() != 0:
        sys.exit("demo.py: run as root")
    workdir = os.environ.get("XMIP_DEMO_DIR") or None
    say(BOLD + "xmip demo: Mobile IPv6 home agent and mobile node, eBPF/XDP datapath" + OFF)
    say("binaries: %s" % T.build_dir())
    say(TOPOLOGY)
    with T.Topology(with_xmip=True, workdir=workdir) as topo:
        say("logs, configs and captures: %s" % topo.workdir)
        say("CN %s pings the MN's home address %s and streams TCP to it;" % (T.CN_ADDR, T.HOA))
        say("the HA %s keeps the binding; the MN moves home -> a -> b -> home." % T.HA_ADDR)
        MONITOR["proc"] = topo.spawn(T.NS_HA, "monitor-ha", [
            os.path.join(topo.bin, "xmip"), "monitor", "-i", T.HA_INSTANCE])
        h = Handover(topo, report=report)
        h.start()
        tl = Timeline(h)
        tl.start()
        start_bytes = h.tcp()[0]
        say("\nagents started:")
        for role in ("ha", "mn"):
            for line in h.new_agent_lines(role, pattern=r"."):
                say(DIM + "  [%s agent] %s" % (role.upper(), line.strip()) + OFF)
        say("\nat home: TCP stream running (%.1f MB so far), ping answering" % (
            start_bytes / 1e6))
        time.sleep(1)
        monitor_lines()
        steps = []
        for to in ("a", "b", "home"):
            tl.mark(to)
            steps.append(h.move(to, dwell=3.0))
        time.sleep(1)
        tl.stop()

        say()
        say(BOLD + "=== summary" + OFF)
        prev = start_bytes
        grew = True
        for s in steps:
            g = s["tcp_bytes"] > prev
            grew = grew and g and s["tcp_ok"]
            say("  -> %-4s binding %s  ping %s  TCP %.1f MB (+%.1f MB)" % (
                s["to"], ok(s["binding_ok"]), ok(s["ping_ok"]), s["tcp_bytes"] / 1e6,
                (s["tcp_bytes"] - prev) / 1e6))
            prev = s["tcp_bytes"]
        total, err = h.tcp()
        survived = grew and err is None and h.cli.alive()
        say("  TCP session: %s" % (
            "one connection survived every move, bytes received grew after each one"
            if survived else RED + "did NOT survive every move (%s)" % (err or "stalled") + OFF))
        replies, sent, _ = h.ping_stats()
        say("  ping: %d of %d echo requests answered" % (replies, sent))
        say()
        say(tl.text_plot())
        say(tl.summary())
        svg = os.path.join(topo.workdir, "handover.svg")
        tl.svg(svg)
        say("  the same as a picture: %s" % svg)
        good = survived and all(s["binding_ok"] and s["ping_ok"] for s in steps)
        say()
        say((GREEN + "VERDICT: PASS - the MN kept its address, its ping and its TCP session "
             "across 3 moves" + OFF) if good else
            (RED + "VERDICT: FAIL - see above and the logs in %s" % topo.workdir + OFF))
        return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
