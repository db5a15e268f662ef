# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Exhausted resources on the home agent, with traffic running (issue 13;
docs/RELIABILITY.md has the table): the binding table full, the signalling
ring buffer full. Answers are read from captures decoded by tshark."""
# Line-rate floods: run alone, after the other files (selftests/run_parallel.py).
E2E_SOLO = True

import json
import os
import signal
import time

import topology as T
from mip6pkt import mac_of, signed_bu
from scenario import PROGRESS_BYTES, Capture, Handover, tshark_fields, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
INJECT = os.path.join(HERE, "inject.py")

# Two more mobile nodes the HA knows; their BUs are built by Scapy (signed_bu).
OTHERS = {
    "mn2": dict(nai="mn2@example.org", hoa="2001:db8:1::102", spi=258, coa="2001:db8:d::2",
                key="2222222222222222222222222222222222222222"),
    "mn3": dict(nai="mn3@example.org", hoa="2001:db8:1::103", spi=259, coa="2001:db8:e::2",
                key="3333333333333333333333333333333333333333"),
}


def others_conf():
    return "".join("\n[mn %s]\nhome-address = %s\nspi = %d\nkey = %s\n" % (
        m["nai"], m["hoa"], m["spi"], m["key"]) for m in OTHERS.values())


class HaEgress(Capture):
    """What the HA sends (its own port: XDP takes floods off the wire before the tap)."""

    def __init__(self, topo, name="ha-egress"):
        self.path = os.path.join(topo.workdir, name + ".pcap")
        self.proc = topo.spawn(T.NS_HA, "tcpdump-" + name,
                               ["tcpdump", "-i", "eth0", "-U", "--immediate-mode", "-n",
                                "-s", "0", "-w", self.path, "ip6[6] == 135 or ip6[6] == 43"])
        wait_for(lambda: "listening on" in self.proc.text(), 5)


def bas_to(pcap, dst):
    return [r for r in tshark_fields(pcap, ["ipv6.dst", "mip6.ba.status", "mip6.ba.seqnr"],
                                     "mip6.mhtype == 6") if r["ipv6.dst"] == dst]


def bu_of(t, name, seq):
    m = OTHERS[name]
    return signed_bu(mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home"), m["coa"], seq,
                     hoa=m["hoa"], nai=m["nai"], spi=m["spi"], key=m["key"])


def inject(t, *frames):
    t.sh(T.NS_RT, T.PY, INJECT, "h-ha", *(bytes(f).hex() for f in frames))


def tcp_moves(h, timeout=10):
    b0 = h.tcp()[0]
    return wait_for(lambda: h.tcp()[0] >= b0 + PROGRESS_BYTES, timeout)


def table(t):
    """The bindings as `xmip binding show -j` lists them: HoA -> (CoA, sequence number)."""
    return {b["hoa"]: (b["coa"], b.get("seq")) for b in t.bindings()}


def test_binding_table_full(make_topo):
    """max-bindings = 2, both taken (the MN, away with TCP and ping running,
    and mn2): a third MN's authentic BU is refused with BA status 130,
    insufficient resources (RFC 6275 §6.1.8; the binding map refuses the
    write, agentd/mip6/ha.c apply()), and no live binding is evicted (`xmip
    binding show -j` the same, the MN's TCP stream and ping keep flowing).
    At the limit a refresh of an existing binding is still accepted (mn2's
    next BU: status 0, its sequence number taken) and so is the MN's move to
    another care-of address (a new CoA for an existing binding)."""
    t = make_topo(ha_globals="max-bindings = 2", ha_conf_extra=others_conf())
    h = Handover(t)
    h.start()
    assert h.move("a")["binding_ok"]
    cap = HaEgress(t)
    inject(t, bu_of(t, "mn2", 10))
    assert wait_for(lambda: OTHERS["mn2"]["hoa"] in table(t), 10), t.agent_log("ha")[-2000:]
    full = table(t)
    assert len(full) == 2, full

    inject(t, bu_of(t, "mn3", 20))
    assert wait_for(lambda: bas_to(cap.path, OTHERS["mn3"]["coa"]), 10), t.agent_log("ha")[-2000:]
    ba = bas_to(cap.path, OTHERS["mn3"]["coa"])[0]
    assert ba["mip6.ba.status"] == "130" and ba["mip6.ba.seqnr"] == "20", ba
    assert table(t) == full, "a live binding changed when the table was full"
    assert tcp_moves(h), "the MN's TCP stream stalled after the refusal"

    # A refresh at the limit.
    inject(t, bu_of(t, "mn2", 11))
    assert wait_for(lambda: [r for r in bas_to(cap.path, OTHERS["mn2"]["coa"])
                             if r["mip6.ba.seqnr"] == "11"], 10)
    ok = [r for r in bas_to(cap.path, OTHERS["mn2"]["coa"]) if r["mip6.ba.seqnr"] == "11"][0]
    assert ok["mip6.ba.status"] == "0", ok
    assert table(t)[OTHERS["mn2"]["hoa"]][1] == 11
    # The MN's move: a new CoA for a binding that exists.
    step = h.move("b")
    assert step["binding_ok"] and step["tcp_ok"] and step["ping_ok"], step
    assert OTHERS["mn3"]["hoa"] not in table(t) and len(table(t)) == 2
    cap.stop()
    assert h.tcp()[1] is None and h.cli.alive(), "the TCP connection did not survive"


# ---- the signalling ring buffer ------------------------------------------------------

UNBOUND_HOA = "2001:db8:1::dead"     # in the home prefix, nobody's


def flood_frame(t):
    """A forged BU (made-up authenticator) naming a home address that has no
    binding, as a file for xmip_bench gen; --sources varies its source /64."""
    from mip6pkt import forged_bu
    from scapy.layers.inet6 import HAO
    f = forged_bu(mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home"), "2001:db8:f0::77",
                  seq=7)
    f[HAO].hoa = UNBOUND_HOA
    path = os.path.join(t.workdir, "flood.bin")
    with open(path, "wb") as fh:
        fh.write(bytes(f))
    return path


def start_flood(t, sources=65536):
    return t.spawn(T.NS_RT, "flood", ["taskset", "-c", "0",
                                      os.path.join(t.bin, "tools", "xmip_bench"), "gen",
                                      "--dev", "h-ha", "-i", flood_frame(t), "--sources",
                                      str(sources), "--count", "2000000000"])


def counters(t):
    data = json.loads(t.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j").stdout)
    data = data[0] if isinstance(data, list) else data
    return data["counters"]


class LinkCapture(Capture):
    """Signalling on one of the router's ports (the MN's link)."""

    def __init__(self, topo, dev):
        self.path = os.path.join(topo.workdir, "mh-%s.pcap" % dev)
        self.proc = topo.spawn(T.NS_RT, "tcpdump-" + dev,
                               ["tcpdump", "-i", dev, "-U", "--immediate-mode", "-n", "-s", "0",
                                "-w", self.path, "ip6[6] == 135 or ip6[6] == 60 or ip6[6] == 43"])
        wait_for(lambda: "listening on" in self.proc.text(), 5)


def bu_to_ba(pcap, coa, wire_drops=0):
    """Seconds from the MN's first BU from coa to the BA (status 0) answering it,
    from the capture's timestamps.

    wire_drops: frames the router's port to the HA dropped meanwhile (its
    veth TX dropped counter). A flood at the test bed's line rate fills that
    port's ring, so the MN's first BU may die there, before any code of
    ours sees it; then, and only then, the MN's next BU (its retransmission,
    a new sequence number, RFC 6275 §11.8) must be answered instead, still
    within the same second of its sending."""
    rows = tshark_fields(pcap, ["frame.time_epoch", "ipv6.src", "ipv6.dst", "mip6.mhtype",
                                "mip6.bu.seqnr", "mip6.ba.seqnr", "mip6.ba.status"],
                         "mip6.mhtype == 5 || mip6.mhtype == 6")
    bus = [r for r in rows if r["mip6.mhtype"] == "5" and r["ipv6.src"] == coa]
    assert bus, rows
    for i, bu in enumerate(bus[:2] if wire_drops else bus[:1]):
        ans = [r for r in rows if r["mip6.mhtype"] == "6" and r["ipv6.dst"] == coa and
               r["mip6.ba.seqnr"] == bu["mip6.bu.seqnr"]]
        if ans and ans[0]["mip6.ba.status"] == "0":
            if i:
                print("the first BU from %s was lost on the flooded link (%d frames dropped "
                      "by the router's port); its retransmission was answered" % (coa, wire_drops))
            return float(ans[0]["frame.time_epoch"]) - float(bu["frame.time_epoch"])
    raise AssertionError("the MN's first BU from %s was not answered (a retransmission was "
                         "needed%s):\n%s" % (coa, ", and not answered either" if wire_drops else
                                              "", rows))


def port_tx_dropped(t, ns, dev):
    """The TX dropped counter of a veth (frames its peer's ring had no room for)."""
    out = t.sh(ns, "ip", "-j", "-s", "link", "show", dev).stdout
    return json.loads(out)[0]["stats64"]["tx"]["dropped"]


def test_ring_buffer_full(make_topo):
    """The HA agent frozen (SIGSTOP: an agent that cannot keep up), forged BUs
    for no binding from 65536 /64s at the test bed's rate: the records fill
    the ring as far as the unbound class may (half of it, lib/signal.h), the
    rest is counted DROP_SIGNAL_NO_ROOM (and DROP_SIGNAL_BUDGET: the per-CPU
    budget). The MN's traffic flows meanwhile (datapath only). Once the flood
    stops and the agent runs again, it drains the backlog and the MN's next
    registration (a move) is answered within 1 s of its BU, read from a
    capture on the MN's new link."""
    t = make_topo()
    h = Handover(t)
    h.start()
    assert h.move("a")["binding_ok"]
    agent = t.agents["ha"].popen.pid
    before = counters(t)
    os.kill(agent, signal.SIGSTOP)
    try:
        gen = start_flood(t)
        try:
            assert wait_for(lambda: counters(t)["drop_signal_no_room"] >
                            before["drop_signal_no_room"] + 10000, 20, step=0.3), \
                "the ring never filled\n%s\n%s" % (gen.text(), counters(t))
            assert tcp_moves(h), "TCP stalled during the flood"
            assert gen.alive(), gen.text()
        finally:
            gen.stop()
        full = counters(t)
    finally:
        os.kill(agent, signal.SIGCONT)
    cap = LinkCapture(t, "rt-b")
    step = h.move("b")
    time.sleep(0.3)
    cap.stop()
    assert step["binding_ok"] and step["tcp_ok"], step
    delay = bu_to_ba(cap.path, T.LINKS["b"][0])
    no_room = full["drop_signal_no_room"] - before["drop_signal_no_room"]
    admitted = full["signal_to_agent"] - before["signal_to_agent"]
    print("ring full: %d records written, %d counted no room, %d over the budget; "
          "BU -> BA %.1f ms after the flood" % (admitted, no_room,
                                                full["drop_signal_budget"], delay * 1e3))
    # What was written fits in half the ring: 8-octet ring header, 12-octet
    # record header, the IPv6 packet, rounded up to 8.
    slot = (8 + 12 + os.path.getsize(os.path.join(t.workdir, "flood.bin")) - 14 + 7) // 8 * 8
    assert 0 < admitted * slot <= 256 * 1024 // 2 + slot, (admitted, slot)   # + an MN BU
    assert admitted * slot > 256 * 1024 // 2 - 2 * slot, "half the ring was not filled"
    assert delay < 1.0, "BU answered %.3f s after it was sent" % delay
    assert h.tcp()[1] is None and h.cli.alive(), "the TCP connection did not survive"
