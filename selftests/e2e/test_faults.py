# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Faults with traffic running (issue 13; docs/RELIABILITY.md has the table).

Each test runs on a fresh topology (topology.py) with the CN's ping and TCP
stream to the MN's home address, and says in its docstring what it proves.
Killed agents are killed with SIGKILL: nothing of theirs runs on the way out,
so whatever survives is what the pinned maps and the kernel hold.
"""
import os
import re
import signal
import struct
import subprocess
import time

import topology as T
from mip6pkt import bus_in
from scenario import PROGRESS_BYTES, Capture, Handover, tshark_fields, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
INJECT = os.path.join(HERE, "inject.py")


def kill9(topo, role):
    """SIGKILL the agent and reap it; returns its exit status (-9)."""
    p = topo.agents.pop(role)
    os.kill(p.popen.pid, signal.SIGKILL)
    return p.popen.wait(timeout=5)


def counter(topo, ns, inst, name):
    import json
    out = topo.xmip(ns, "show", "-i", inst, "-j").stdout
    data = json.loads(out)
    data = data[0] if isinstance(data, list) else data
    return data["counters"][name]


def tcp_moves(h, timeout=15):
    b0 = h.tcp()[0]
    return wait_for(lambda: h.tcp()[0] >= b0 + PROGRESS_BYTES, timeout)


def assert_tcp_whole(h):
    assert h.tcp()[1] is None and h.cli.alive(), \
        "the TCP connection did not survive:\n%s\n%s" % (h.srv.text()[-500:], h.cli.text()[-500:])


# ---- kill -9 of the home agent's agent ------------------------------------------

def test_ha_kill9_mid_transfer(xtopo):
    """SIGKILL of the HA agent while TCP flows through the tunnel: the binding
    (pinned map) is untouched while no agent runs and the datapath keeps
    tunnelling (the TCP stream progresses); a new agent adopts the binding
    (same CoA and sequence number) and registers the next move."""
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]
    before = xtopo.binding_for()
    assert kill9(xtopo, "ha") == -signal.SIGKILL
    during = xtopo.binding_for()
    assert during["coa"] == before["coa"] and during["seq"] == before["seq"], (before, during)
    assert tcp_moves(h), "TCP stalled with the HA agent killed"

    xtopo.start_agent("ha")
    assert wait_for(lambda: "1 binding(s) restored" in xtopo.agent_log("ha"), 5), \
        xtopo.agent_log("ha")[-2000:]
    after = xtopo.binding_for()
    assert after["coa"] == before["coa"] and after["seq"] == before["seq"], (before, after)
    assert tcp_moves(h)
    step = h.move("b")
    assert step["binding_ok"] and step["tcp_ok"], step
    assert_tcp_whole(h)


def test_ha_kill9_mid_registration(xtopo):
    """SIGKILL of the HA agent between a BU's reception and its BA: the agent
    is frozen (SIGSTOP), the MN moves and its BU reaches the HA's datapath
    (SIGNAL_TO_AGENT counts it into the ring buffer), then the agent is
    killed before it could read it. The old binding stays whole (no half
    registration); the new agent drains the queued BUs, answers, and the
    binding follows the move within seconds; the TCP connection survives."""
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]
    before = xtopo.binding_for()
    sig0 = counter(xtopo, T.NS_HA, T.HA_INSTANCE, "signal_to_agent")
    pid = xtopo.agents["ha"].popen.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        xtopo.move("b")
        assert wait_for(lambda: counter(xtopo, T.NS_HA, T.HA_INSTANCE, "signal_to_agent") > sig0,
                        10), "the MN's BU never reached the HA's datapath"
    finally:
        assert kill9(xtopo, "ha") == -signal.SIGKILL
    during = xtopo.binding_for()
    assert during["coa"] == before["coa"] and during["seq"] == before["seq"], \
        "the binding changed with the BU unanswered: %s -> %s" % (before, during)

    t0 = time.time()
    xtopo.start_agent("ha")
    xtopo.wait_binding(T.LINKS["b"][0], timeout=10)
    took = time.time() - t0
    assert tcp_moves(h, 20), "TCP did not resume after the registration completed"
    assert_tcp_whole(h)
    assert took < 10, took


# ---- kill -9 of the mobile node's agent -------------------------------------------

def test_mn_kill9_mid_transfer(xtopo):
    """SIGKILL of the MN agent while away with TCP flowing: the programs and
    xmip_mn_state keep the tunnel up (TCP progresses, the HA's binding is
    unchanged); a new agent adopts the state and the next move registers."""
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]
    before = xtopo.binding_for()
    assert kill9(xtopo, "mn") == -signal.SIGKILL
    assert tcp_moves(h), "TCP stalled with the MN agent killed"
    assert xtopo.binding_for()["coa"] == before["coa"]

    xtopo.start_agent("mn")
    assert tcp_moves(h)
    step = h.move("b")
    assert step["binding_ok"] and step["tcp_ok"], step
    assert_tcp_whole(h)


def test_mn_kill9_mid_registration(xtopo):
    """SIGKILL of the MN agent with a BU outstanding: the HA agent is frozen so
    no BA can come back, the MN moves and sends its BU, and the MN agent is
    killed while it waits for the BA. The HA then answers (to a dead agent:
    the BA lands in the MN's ring buffer). A new MN agent adopts the state,
    ignores the stale BA, registers, and the TCP connection survives."""
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]
    ha_pid = xtopo.agents["ha"].popen.pid
    sig0 = counter(xtopo, T.NS_HA, T.HA_INSTANCE, "signal_to_agent")
    os.kill(ha_pid, signal.SIGSTOP)
    try:
        xtopo.move("b")
        assert wait_for(lambda: counter(xtopo, T.NS_HA, T.HA_INSTANCE, "signal_to_agent") > sig0,
                        10), "the MN sent no BU"
        assert kill9(xtopo, "mn") == -signal.SIGKILL
    finally:
        os.kill(ha_pid, signal.SIGCONT)
    # The HA answers the queued BU(s): the binding moves even with no MN agent.
    xtopo.wait_binding(T.LINKS["b"][0], timeout=10)
    xtopo.start_agent("mn")
    assert tcp_moves(h, 20)
    step = h.move("a")
    assert step["binding_ok"] and step["tcp_ok"], step
    assert_tcp_whole(h)


# ---- the HA's wall clock stepped back --------------------------------------------

def build_faketime(workdir):
    so = os.path.join(workdir, "faketime.so")
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror",
                    os.path.join(HERE, "faketime.c"), "-o", so, "-ldl"], check=True)
    return so


def test_ha_clock_stepped_back_one_hour(xtopo):
    """The HA's CLOCK_REALTIME (which RFC 4285 Mesg-IDs are checked against)
    steps back one hour while the MN is registered and TCP flows. The step
    is made for the HA agent alone: an LD_PRELOAD shim of ours (faketime.c)
    offsets CLOCK_REALTIME for that process (a time namespace cannot: it
    offsets only CLOCK_MONOTONIC and CLOCK_BOOTTIME). The MN's next
    registration must complete within a few seconds, not be locked out, and
    the binding and traffic must follow it: the HA answers the first BU
    with 144 and its time, the MN's next BU (its clock, a newer sequence
    number) is accepted by the recovery rule (ha_policy.c, fresh()). A
    replay still fails afterwards: the BU accepted before the step (its
    Mesg-ID now an hour ahead of the HA's clock) changes nothing."""
    so = build_faketime(xtopo.workdir)
    clock = os.path.join(xtopo.workdir, "ha-clock-offset")
    with open(clock, "wb") as f:
        f.write(struct.pack("<q", 0))
    xtopo.stop_agent("ha")
    env = {"LD_PRELOAD": so, "XMIP_FAKETIME_FILE": clock,
           "ASAN_OPTIONS": "abort_on_error=0:detect_leaks=1:verify_asan_link_order=0"}
    xtopo.start_agent("ha", extra_env=env)
    cap = Capture(xtopo)
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]

    with open(clock, "r+b") as f:
        f.write(struct.pack("<q", -3600 * 10**9))
    step = h.move("b", bind_timeout=10, traffic_timeout=8)
    log = xtopo.agent_log("ha")
    assert step["binding_ok"], "MN locked out after the HA's clock stepped back:\n%s" % (
        "\n".join(l for l in log.splitlines() if re.search(r"BU|14[45]|Mesg", l))[-2000:])
    assert step["tcp_ok"]
    assert "wall clock stepped back" in log, "registered, but not by the recovery rule"
    assert_tcp_whole(h)

    # The BU accepted from link a before the step, sent again: no new binding.
    before = xtopo.binding_for()
    replays = bus_in(cap.path, src=T.LINKS["a"][0])
    assert replays, "no BU from link a captured on the HA's link"
    accepted_a = [r for r in tshark_fields(cap.path, ["ipv6.dst", "mip6.ba.status"],
                                           "mip6.mhtype == 6")
                  if r["ipv6.dst"] == T.LINKS["a"][0] and r["mip6.ba.status"] == "0"]
    assert accepted_a, "the HA's accepting BA to link a is not in the capture"
    xtopo.sh(T.NS_RT, T.PY, INJECT, "h-ha", bytes(replays[-1]).hex())
    time.sleep(1.5)
    cap.stop()
    after = xtopo.binding_for()
    assert before and after and after["coa"] == T.LINKS["b"][0] and \
        (after["coa"], after["seq"]) == (before["coa"], before["seq"]), \
        "a replayed BU from before the clock step changed the binding: %s -> %s" % (before, after)
    answers = [r for r in tshark_fields(cap.path, ["ipv6.dst", "mip6.ba.status"],
                                        "mip6.mhtype == 6")
               if r["ipv6.dst"] == T.LINKS["a"][0]]
    assert [r["mip6.ba.status"] for r in answers].count("0") == len(accepted_a), \
        "the replayed BU was accepted: %s" % answers


# ---- an interface removed and re-added under an attached program -------------------

def recreate_ha_link(topo):
    """The HA's home link as topology.build() makes it (veth h-ha <-> eth0)."""
    rt = lambda *a: topo.sh(T.NS_RT, *a)          # noqa: E731
    rt("ip", "link", "add", "h-ha", "type", "veth", "peer", "name", "eth0", "netns", T.NS_HA)
    rt("ethtool", "-K", "h-ha", "gro", "on")
    topo.sh(T.NS_HA, "ethtool", "-K", "eth0", "gro", "on")
    rt("ip", "link", "set", "dev", "h-ha", "xdpdrv", "obj", topo._xdp_pass_obj(), "sec", "xdp")
    rt("ethtool", "-K", "h-ha", "tx", "off", "tso", "off", "gso", "off")
    rt("ip", "link", "set", "h-ha", "master", "br-home")
    rt("ip", "link", "set", "h-ha", "up")
    topo.sh(T.NS_HA, "ip", "addr", "add", T.HA_ADDR + "/64", "dev", "eth0", "nodad")
    topo.sh(T.NS_HA, "ip", "link", "set", "eth0", "up")
    topo.sh(T.NS_HA, "ip", "-6", "route", "add", "default", "via", T.RT_HOME)


def test_interface_removed_and_readded(xtopo):
    """The HA's interface is deleted (veth pair removed) under its attached
    XDP program while the MN is away with traffic, then created again. The
    agent survives and keeps its binding; `xmip show` says the interface is
    gone (the pinned link remains) and exits 0; `xmip attach` again attaches
    to the new interface (new ifindex) keeping the maps; traffic flows again
    and the next move registers."""
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]
    before = xtopo.binding_for()
    xtopo.sh(T.NS_RT, "ip", "link", "del", "h-ha")
    time.sleep(1)
    assert xtopo.agents["ha"].alive(), xtopo.agent_log("ha")[-2000:]
    show = xtopo.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE)
    assert "eth0: interface gone" in show.stdout, show.stdout
    assert xtopo.binding_for()["coa"] == before["coa"]

    recreate_ha_link(xtopo)
    xtopo.xmip(T.NS_HA, "attach", "-c", xtopo.ha_conf)
    show = xtopo.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE).stdout
    assert re.search(r"eth0: xdp \w+ prog \d+", show), show
    assert xtopo.binding_for()["coa"] == before["coa"], "attach again lost the binding"
    assert xtopo.agents["ha"].alive()
    step = h.move("b", traffic_timeout=30)
    assert step["binding_ok"] and step["ping_ok"], step
    assert xtopo.agents["ha"].alive()


# ---- xmip detach during traffic -------------------------------------------------

def test_detach_during_traffic(xtopo):
    """`xmip detach` on the HA and the MN while the MN is away with TCP and
    ping running: nothing stays pinned for either instance, no XDP or tc
    program stays on their interfaces, traffic is the kernel's again (the
    HA's own address still answers ping through the kernel), and neither
    agent crashes (their logs carry no sanitizer report)."""
    h = Handover(xtopo)
    h.start()
    assert h.move("a")["binding_ok"]
    xtopo.xmip(T.NS_HA, "detach", "-c", xtopo.ha_conf)
    xtopo.xmip(T.NS_MN, "detach", "-c", xtopo.mn_conf)
    for inst in (T.HA_INSTANCE, T.MN_INSTANCE):
        assert not os.path.exists(os.path.join(T.PIN_ROOT, inst)), \
            os.listdir(os.path.join(T.PIN_ROOT, inst))
    assert "xdp" not in xtopo.sh(T.NS_HA, "ip", "link", "show", "eth0").stdout
    for dev in ("home", "a", "b"):
        assert "xdp" not in xtopo.sh(T.NS_MN, "ip", "link", "show", dev).stdout
        tc = xtopo.sh(T.NS_MN, "tc", "filter", "show", "dev", dev, "egress", check=False).stdout
        assert "bpf" not in tc, tc
    r = xtopo.sh(T.NS_CN, "ping", "-c", "3", "-i", "0.2", "-W", "1", T.HA_ADDR, check=False)
    assert r.returncode == 0, r.stdout
    time.sleep(1)
    assert xtopo.sanitizer_errors() == []
