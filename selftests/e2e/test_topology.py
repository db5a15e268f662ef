# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The topology itself, without xmip: proves the test bed before blaming the product."""
import time

import topology as T
from scenario import wait_for


def test_cn_reaches_mn_at_home_and_on_each_link(bare_topo):
    t = bare_topo
    r = t.sh(T.NS_CN, "ping", "-c", "2", "-i", "0.2", "-W", "2", T.HOA, check=False)
    assert r.returncode == 0, "CN cannot ping the MN at home:\n" + r.stdout
    for link in ("a", "b", "home"):
        t.move(link)
        addr = T.LINKS[link][0]
        r = t.sh(T.NS_CN, "ping", "-c", "2", "-i", "0.2", "-W", "2", addr, check=False)
        assert r.returncode == 0, "CN cannot ping the MN on %s (%s):\n%s" % (link, addr, r.stdout)
        # Only the current link is up: a moved-away MN is unreachable there.
        for other in set(T.LINKS) - {link}:
            state = t.sh(T.NS_MN, "ip", "-br", "link", "show", "dev", other).stdout
            assert " DOWN " in state or "DOWN" in state.split()[1], state


def test_ha_reaches_cn_and_tcp_stream_flows(bare_topo):
    t = bare_topo
    r = t.sh(T.NS_HA, "ping", "-c", "1", "-W", "2", T.CN_ADDR, check=False)
    assert r.returncode == 0, r.stdout
    srv, cli = t.start_tcp(rate_kbps=8000)
    assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > 256 * 1024, 10), srv.text()
    # Without xmip a move breaks the path to the HoA: the stream stalls.
    t.move("a")
    time.sleep(1.0)
    stalled = T.tcp_bytes(srv.text())[0]
    time.sleep(1.5)
    assert T.tcp_bytes(srv.text())[0] == stalled, "HoA still reachable without xmip?"
