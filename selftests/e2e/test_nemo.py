# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""NEMO (RFC 3963) and home agent discovery (RFC 6275 §11.4), end to end.

The MN of the demo topology is a mobile router with a mobile network
behind it (namespace <prefix>mh: one host, 2001:db8:100::10, on the MR's
interface mnet), configured with its home prefix but NO home-agent: it
finds the HA through DHAAD (ICMPv6 144/145 to the Home-Agents anycast
address) on its first move, then registers with the R flag and its
Mobile Network Prefix (explicit mode). A TCP stream from the CN to the
host behind the MR must survive home -> a -> b -> home, the HA forwarding
the whole prefix to the CoA and taking the host's packets from the
reverse tunnel. Routes, as an operator would set them: the home router
sends the prefix to the HA; the HA, for when the MR is home, via the MR's
home address (RFC 3963 §3, static routes). One topology for the file.
"""
import json
import os

import pytest

import topology as T
from scenario import wait_for

NS_HOST = T.PREFIX + "mh"
MNP_CONF = "2001:db8:100::/48"      # the HA's prefix table for the MR
MNP = "2001:db8:100::/64"           # what the MR registers (explicit mode)
MR_MNET = "2001:db8:100::1"
HOST = "2001:db8:100::10"
PORT = 5003


class NemoTopology(T.Topology):
    def build(self):
        super().build()
        self.namespaces = self.namespaces + (NS_HOST,)
        T.run(["ip", "netns", "add", NS_HOST])
        self.sh(NS_HOST, "ip", "link", "set", "lo", "up")
        self.sh(T.NS_MN, "ip", "link", "add", "mnet", "type", "veth", "peer", "name", "eth0",
                "netns", NS_HOST)
        # The tunnel's 40 octets: the mobile network's MTU leaves room for them.
        self.sh(T.NS_MN, "ip", "link", "set", "mnet", "mtu", "1400", "up")
        self.sh(NS_HOST, "ip", "link", "set", "eth0", "mtu", "1400", "up")
        self.sh(T.NS_MN, "ip", "addr", "add", MR_MNET + "/64", "dev", "mnet", "nodad")
        self.sh(NS_HOST, "ip", "addr", "add", HOST + "/64", "dev", "eth0", "nodad")
        self.sh(NS_HOST, "ip", "-6", "route", "add", "default", "via", MR_MNET)
        self.sh(T.NS_RT, "ip", "-6", "route", "add", MNP_CONF, "via", T.HA_ADDR)
        self.sh(T.NS_HA, "ip", "-6", "route", "add", MNP_CONF, "via", T.HOA, "dev", "eth0")

    def write_configs(self):
        super().write_configs()
        with open(self.mn_conf) as f:
            lines = [ln for ln in f.read().splitlines() if not ln.startswith("home-agent")]
        lines += ["mobile-router = yes", "nemo-mode = explicit",
                  "mobile-network-prefix = " + MNP, ""]
        with open(self.mn_conf, "w") as f:
            f.write("\n".join(lines))


@pytest.fixture(scope="module")
def ntopo():
    if os.geteuid() != 0:
        pytest.skip("needs root")
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts", "test_nemo")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    t = NemoTopology(with_xmip=True, workdir=d, log=lambda m: None,
                     ha_conf_extra="mobile-network-prefix = %s\n" % MNP_CONF)
    with t:
        yield t
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)


def logs(t):
    return "\nHA log:\n" + t.agent_log("ha")[-3000:] + "\nMR log:\n" + t.agent_log("mn")[-3000:]


def ha_prefixes(t):
    """The HA's xmip_mnp trie: [(prefix/len, HoA)]."""
    pin = os.path.join(T.PIN_ROOT, T.HA_INSTANCE, "xmip_mnp")
    out = T.run(T.in_ns(T.NS_HA, ["bpftool", "-j", "map", "dump", "pinned", pin])).stdout
    got = []
    for e in json.loads(out or "[]"):
        k, v = e.get("formatted", e)["key"], e.get("formatted", e)["value"]
        import ipaddress
        got.append(("%s/%d" % (ipaddress.IPv6Address(bytes(k["prefix"])), k["prefixlen"]),
                    str(ipaddress.IPv6Address(bytes(v["hoa"])))))
    return got


def proxy_flags(t):
    """The flags of the HA's proxy neighbour entry for the HoA, None without one."""
    out = t.sh(T.NS_HA, "ip", "-6", "-j", "-d", "neigh", "show", "proxy").stdout
    for e in json.loads(out or "[]"):
        if e.get("dst") == T.HOA:
            return [k for k in ("router", "proxy") if k in e] + e.get("flags", [])
    return None


def test_mobile_router_found_by_dhaad_keeps_its_network_connected(ntopo):
    t = ntopo
    # At home: the stream runs through the HA's kernel route via the HoA.
    srv = t.spawn(NS_HOST, "nemo-server", [T.PY, "-u", T.TCPSTREAM, "server", HOST, str(PORT)])
    assert wait_for(lambda: "listening" in srv.text(), 5), srv.text()
    cli = t.spawn(T.NS_CN, "nemo-client", [T.PY, "-u", T.TCPSTREAM, "client", HOST, str(PORT),
                                          "2000"])
    assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > 20000, 15), srv.text() + logs(t)

    for to in ("a", "b", "home"):
        before = T.tcp_bytes(srv.text())[0]
        t.move(to)
        coa = t.coa()
        b = t.wait_binding(coa, timeout=20)
        if coa:
            # RFC 3963 §6.6: registered as a router; the prefix is in the trie.
            assert b["coa"] == coa, logs(t)
            assert "R" in b["flags"] and b.get("mobile_network_prefixes") == [MNP], b
            assert wait_for(lambda: (MNP, T.HOA) in ha_prefixes(t), 5), \
                "%s\n%s" % (ha_prefixes(t), logs(t))
            # §6.2: the HA defends the router's HoA as a router (NA with R).
            assert wait_for(lambda: proxy_flags(t) is not None and "router" in proxy_flags(t), 5), \
                "proxy entry %s\n%s" % (proxy_flags(t), logs(t))
        else:
            # §6.7: deregistered, its prefixes no longer forwarded.
            assert wait_for(lambda: ha_prefixes(t) == [], 5), "%s\n%s" % (ha_prefixes(t), logs(t))
        assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > before + 20000, 20), \
            "TCP to the host behind the MR stalled after the move to %s\n%s%s" % (
                to, srv.text()[-500:], logs(t))
        assert T.tcp_bytes(srv.text())[1] is None and cli.alive(), cli.text() + logs(t)
        # The host answers pings from the CN wherever the MR is.
        r = t.sh(T.NS_CN, "ping", "-c", "2", "-i", "0.2", "-W", "2", HOST, check=False)
        assert r.returncode == 0, r.stdout + logs(t)

    mr = t.agent_log("mn")
    ha = t.agent_log("ha")
    # DHAAD (RFC 6275 §11.4.1): the MR had no home-agent and learnt it.
    assert "DHAAD: reply" in mr and "home agent %s" % T.HA_ADDR in mr, logs(t)
    assert "DHAAD: reply id" in ha and "mobile router asked" in ha, logs(t)
    # §11.4.2: once registered it solicited the home prefix and got it.
    assert "MPA: prefix 2001:db8:1::/64" in mr, logs(t)
    cli.stop()
    srv.stop()


class DhaadTopology(T.Topology):
    """A plain mobile node configured with its home prefix only; the HA lists a
    peer home agent of lower preference after itself."""

    def write_configs(self):
        super().write_configs()
        with open(self.mn_conf) as f:
            lines = [ln for ln in f.read().splitlines() if not ln.startswith("home-agent")]
        with open(self.mn_conf, "w") as f:
            f.write("\n".join(lines) + "\n")


def test_mobile_node_without_home_agent_registers_through_dhaad():
    if os.geteuid() != 0:
        pytest.skip("needs root")
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts", "test_nemo_dhaad")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    t = DhaadTopology(with_xmip=True, workdir=d, log=lambda m: None, with_cn=False,
                      ha_globals="home-agent-preference = 20\npeer-home-agent = 2001:db8:1::3 5\n")
    with t:
        assert "home-agent" not in open(t.mn_conf).read()
        t.move("a")
        b = t.wait_binding(T.LINKS["a"][0], timeout=20)
        assert b["coa"] == T.LINKS["a"][0], logs(t)
        mr = t.agent_log("mn")
        # RFC 6275 §10.5: this HA (preference 20) first, then the peer (5).
        assert "home agent %s (2 listed)" % T.HA_ADDR in mr, logs(t)
        assert "mobile router asked" not in t.agent_log("ha"), logs(t)
        # The tunnel carries the node's own traffic: the HA answers its HoA's ping.
        r = t.sh(T.NS_MN, "ping", "-c", "2", "-i", "0.2", "-W", "2", "-I", T.HOA, T.HA_ADDR,
                 check=False)
        assert r.returncode == 0, r.stdout + logs(t)
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)
