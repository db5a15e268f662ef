# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(d) Restarting the HA agent loses no binding and does not stop the traffic."""
import topology as T
from scenario import Handover, PROGRESS_BYTES, wait_for


def test_ha_agent_restart_keeps_binding_and_tcp(xtopo):
    h = Handover(xtopo)
    h.start()
    step = h.move("a")
    assert step["binding_ok"] and step["tcp_ok"], step
    before = xtopo.binding_for()
    assert before and before["coa"] == T.LINKS["a"][0], before

    rc = xtopo.stop_agent("ha")  # SIGTERM
    assert rc == 0, "agent did not exit cleanly on SIGTERM (rc %s)" % rc
    during = xtopo.binding_for()
    assert during and during["coa"] == before["coa"] and during["seq"] == before["seq"], \
        "binding changed while the agent was down: %s -> %s" % (before, during)
    # The datapath keeps forwarding on its own.
    b0 = h.tcp()[0]
    assert wait_for(lambda: h.tcp()[0] >= b0 + PROGRESS_BYTES, 10), \
        "TCP stalled while the HA agent was down"

    xtopo.start_agent("ha")
    assert wait_for(lambda: "1 binding(s) restored" in xtopo.agent_log("ha"), 5), \
        "restarted agent did not pick up the binding:\n" + xtopo.agent_log("ha")[-2000:]
    after = xtopo.binding_for()
    assert after and after["coa"] == before["coa"] and after["seq"] == before["seq"], \
        "binding lost or changed over the restart: %s -> %s\n%s" % (
            before, after, xtopo.agent_log("ha")[-2000:])
    b1 = h.tcp()[0]
    assert wait_for(lambda: h.tcp()[0] >= b1 + PROGRESS_BYTES, 10), "TCP stalled after restart"
    assert h.tcp()[1] is None and h.cli.alive(), h.cli.text()

    # The restarted agent still does its job: the next move registers.
    step = h.move("b")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step


def test_restart_keeps_only_bindings_still_configured(make_topo):
    """A new agent keeps a binding only if its configuration still has the
    binding's home address, NAI and SPI together (xmip_ident): restarted
    with the same configuration it keeps it; with another SPI for that MN
    it drops it (binding, proxy entry) with a log line; a binding without an
    identity record (as an older agent left it) is kept and recorded."""
    import json
    t = make_topo(with_cn=False)
    coa = T.LINKS["a"][0]
    t.move("a")
    t.wait_binding(coa, timeout=10)
    ident = "/sys/fs/bpf/xmip/%s/xmip_ident" % T.HA_INSTANCE

    def proxied():
        out = t.sh(T.NS_HA, "ip", "-6", "-j", "neigh", "show", "proxy").stdout
        return T.HOA in [e["dst"] for e in json.loads(out or "[]")]

    def records():
        out = T.run(["bpftool", "-j", "map", "dump", "pinned", ident]).stdout
        return len(json.loads(out or "[]"))

    assert records() == 1
    # As an older agent would have left it: no identity record.
    T.run(["bpftool", "map", "delete", "pinned", ident, "key"] +
          [str(b) for b in bytes.fromhex("20010db8000100000000000000000100")])
    t.stop_agent("ha")
    t.start_agent("ha")
    assert wait_for(lambda: "1 binding(s) restored" in t.agent_log("ha"), 5), t.agent_log("ha")
    assert "no identity record" in t.agent_log("ha")
    assert records() == 1 and t.binding_for()["coa"] == coa and proxied()

    # The same MN with another SPI now: the binding was made for the old one.
    t.stop_agent("ha")
    with open(t.ha_conf) as f:
        conf = f.read()
    with open(t.ha_conf, "w") as f:
        f.write(conf.replace("spi = %d" % T.SPI, "spi = %d" % (T.SPI + 1)))
    t.start_agent("ha")
    assert wait_for(lambda: "1 dropped" in t.agent_log("ha"), 5), t.agent_log("ha")
    assert "made for another NAI or SPI" in t.agent_log("ha")
    assert t.bindings() == [] and not proxied() and records() == 0
