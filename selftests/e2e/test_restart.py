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
