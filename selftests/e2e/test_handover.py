# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(a) The demo scenario: ping and one TCP stream survive home -> a -> b -> home."""
import json

import topology as T
from scenario import Handover, wait_for


def mac_of(topo, ns, dev):
    return json.loads(topo.sh(ns, "ip", "-j", "link", "show", "dev", dev).stdout)[0]["address"]


def ha_proxies_hoa(topo):
    out = topo.sh(T.NS_HA, "ip", "-6", "-j", "neigh", "show", "proxy").stdout
    return any(e.get("dst") == T.HOA for e in json.loads(out or "[]"))


def router_lladdr_of_hoa(topo):
    """The MAC the home router sends the HoA's packets to (its neighbour cache)."""
    out = topo.sh(T.NS_RT, "ip", "-6", "-j", "neigh", "show", "to", T.HOA).stdout
    entries = [e for e in json.loads(out or "[]") if "lladdr" in e]
    return entries[0]["lladdr"] if entries else None


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
        # Proxy ND (RFC 6275 §10.4.1): while away the HA answers for the HoA
        # and the home router delivers its packets to the HA's MAC; once
        # home, the MN's own NA (Override) takes the router's cache back.
        away = step["coa"] is not None
        owner = mac_of(xtopo, T.NS_HA, "eth0") if away else mac_of(xtopo, T.NS_MN, "home")
        assert wait_for(lambda: ha_proxies_hoa(xtopo) == away, 5), \
            "HA proxy ND entry for the HoA should be %s\n%s" % ("present" if away else "gone", msg)
        assert wait_for(lambda: router_lladdr_of_hoa(xtopo) == owner, 5), \
            "home router sends the HoA's packets to %s, not %s\n%s" % (
                router_lladdr_of_hoa(xtopo), owner, msg)
