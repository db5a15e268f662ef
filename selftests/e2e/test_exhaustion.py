# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Exhausted resources on the home agent, with traffic running (issue 13;
docs/RELIABILITY.md has the table): the binding table full, the signalling
ring buffer full. Answers are read from captures decoded by tshark."""
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
