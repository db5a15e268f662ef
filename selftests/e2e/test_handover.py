# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(a) The demo scenario: ping and one TCP stream survive home -> a -> b -> home."""
import topology as T
from scenario import Handover


def describe(step):
    return ("move to %(to)s: binding=%(binding)s ping_ok=%(ping_ok)s tcp_ok=%(tcp_ok)s "
            "tcp_bytes=%(tcp_bytes)s tcp_error=%(tcp_error)s" % step)


def test_handover_keeps_ping_and_tcp(xtopo):
    h = Handover(xtopo)
    h.start()
    last_bytes = h.tcp()[0]
    for to in ("a", "b", "home"):
        step = h.move(to)
        msg = describe(step) + "\nHA log:\n" + xtopo.agent_log("ha")[-3000:] + \
            "\nMN log:\n" + xtopo.agent_log("mn")[-3000:]
        assert step["binding_ok"], msg
        bindings = step["bindings"]
        assert isinstance(bindings, list), msg
        if step["coa"] is None:
            assert [b for b in bindings if b.get("hoa") == T.HOA] == [], \
                "binding left after coming home: %s" % bindings
        else:
            mine = [b for b in bindings if b.get("hoa") == T.HOA]
            assert len(mine) == 1 and mine[0]["coa"] == step["coa"], msg
            assert mine[0].get("lifetime", 0) > 0, msg
        assert step["ping_ok"], "no ping answer after the move\n" + msg
        assert step["tcp_ok"], "TCP stream stalled after the move\n" + msg
        assert step["tcp_error"] is None and step["tcp_client_alive"], \
            "TCP stream broken\n" + msg + "\nclient: " + h.cli.text()
        assert step["tcp_bytes"] > last_bytes, msg
        last_bytes = step["tcp_bytes"]
