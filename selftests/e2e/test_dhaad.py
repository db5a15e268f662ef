# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Two home agents on one home link (RFC 6275 §10.5.1, §11.4.1; RFC 3963 §5.4).

HA1 (the demo's HA, 2001:db8:1::2) has `mobile-routers = no`; HA2
(2001:db8:1::3, namespace <prefix>h2) serves routers, preference 10, and
knows of HA1 only from a Router Advertisement: one with the H bit, a Home
Agent Information option (preference 30, RFC 3963's R flag) and a Prefix
Information option with the Router Address bit naming HA1's global address,
built by Scapy as radvd would send it for HA1 (AdvHomeAgentFlag,
AdvHomeAgentInfo, HomeAgentPreference 30, AdvMobRtrSupportFlag,
AdvRouterAddr). The home router sends the Home-Agents anycast address to
HA2 (a static route: which HA answers is otherwise the neighbour cache's
pick), so HA2 answers the mobile router's DHAAD request with [HA1, HA2].
The mobile router, configured with its home prefix but no home-agent,
registers with HA1, which refuses it with 140 (signed), then with HA2,
which accepts it. What crossed the wire (the DHAAD reply, both BAs) is read
back with Scapy from a capture on the router's port to the foreign link.
The second case: HA1's agent is stopped before the move (its datapath stays),
so HA1 never answers; after 3 Binding Updates (1.5 + 3 + 6 s) the router
registers with HA2.
"""
import json
import os
import shutil

import pytest

import topology as T
from scenario import Capture, wait_for

NS_HA2 = T.PREFIX + "h2"
HA2_INSTANCE = T.PREFIX + "h2"
HA2_ADDR = "2001:db8:1::3"
ANYCAST = "2001:db8:1:0:fdff:ffff:ffff:fffe"   # RFC 2526 ID 126 of the home prefix
MNP_CONF = "2001:db8:100::/48"
MNP = "2001:db8:100::/64"

SEND_RA = r"""
import sys
from scapy.all import Ether, IPv6, sendp, conf
from scapy.layers.inet6 import (ICMPv6ND_RA, ICMPv6NDOptHAInfo, ICMPv6NDOptPrefixInfo,
                                ICMPv6NDOptSrcLLAddr)
conf.verb = 0
ll, mac, addr = sys.argv[1:4]
ra = (Ether(src=mac, dst="33:33:00:00:00:01") /
      IPv6(src=ll, dst="ff02::1", hlim=255) /
      ICMPv6ND_RA(H=1, routerlifetime=1800) /
      ICMPv6NDOptHAInfo(res=0x8000, pref=30, lifetime=60) /
      ICMPv6NDOptPrefixInfo(prefixlen=64, L=1, A=0, R=1, validlifetime=86400,
                            preferredlifetime=14400, prefix=addr) /
      ICMPv6NDOptSrcLLAddr(lladdr=mac))
sendp(ra, iface="eth0", count=2, inter=0.2)
"""


class TwoHaTopology(T.Topology):
    def build(self):
        super().build()
        self.namespaces = self.namespaces + (NS_HA2,)
        T.run(["ip", "netns", "add", NS_HA2])
        self.sysctl(NS_HA2, net__ipv6__conf__all__accept_dad=0,
                    net__ipv6__conf__default__accept_dad=0,
                    net__ipv6__conf__all__accept_ra=0, net__ipv6__conf__default__accept_ra=0,
                    net__ipv6__conf__all__forwarding=1)
        self.sh(NS_HA2, "ip", "link", "set", "lo", "up")
        rt = lambda *a: self.sh(T.NS_RT, *a)
        rt("ip", "link", "add", "h-ha2", "type", "veth", "peer", "name", "eth0", "netns", NS_HA2)
        # As for HA1 (topology.py): NAPI for XDP_TX into the veth, a wire-like link.
        rt("ethtool", "-K", "h-ha2", "gro", "on")
        self.sh(NS_HA2, "ethtool", "-K", "eth0", "gro", "on")
        rt("ip", "link", "set", "dev", "h-ha2", "xdpdrv", "obj", self._xdp_pass_obj(), "sec", "xdp")
        rt("ethtool", "-K", "h-ha2", "tx", "off", "tso", "off", "gso", "off")
        rt("ip", "link", "set", "h-ha2", "master", "br-home")
        rt("ip", "link", "set", "h-ha2", "up")
        self.sh(NS_HA2, "ip", "addr", "add", HA2_ADDR + "/64", "dev", "eth0")
        self.sh(NS_HA2, "ip", "link", "set", "eth0", "up")
        self.sh(NS_HA2, "ip", "-6", "route", "add", "default", "via", T.RT_HOME)
        rt("ip", "-6", "route", "add", ANYCAST + "/128", "via", HA2_ADDR, "dev", "br-home")

    def write_configs(self):
        super().write_configs()
        mn = "[mn %s]\nhome-address = %s\nspi = %d\nkey = %s\n" % (T.NAI, T.HOA, T.SPI, T.KEY)
        # HA1: no mobile routers; knows the router's NAI, so its 140 is signed.
        with open(self.ha_conf) as f:
            ha1 = f.read().replace("[mn ", "mobile-routers = no\n\n[mn ", 1)
        with open(self.ha_conf, "w") as f:
            f.write(ha1)
        self.ha2_conf = os.path.join(self.workdir, "ha2.conf")
        with open(self.ha2_conf, "w") as f:
            f.write("role = ha\ninstance = %s\ninterface = eth0\naddress = %s\n"
                    "home-prefix = %s\nmax-lifetime = 600\nxdp-mode = native\n"
                    "mesg-id-window = 7\nhome-agent-preference = 10\n\n%s"
                    "mobile-network-prefix = %s\n" % (HA2_INSTANCE, HA2_ADDR, T.HOME_PREFIX,
                                                      mn, MNP_CONF))
        with open(self.mn_conf) as f:
            lines = [ln for ln in f.read().splitlines() if not ln.startswith("home-agent")]
        lines += ["mobile-router = yes", "nemo-mode = explicit",
                  "mobile-network-prefix = " + MNP, ""]
        with open(self.mn_conf, "w") as f:
            f.write("\n".join(lines))

    def start_xmip(self):
        super().start_xmip()
        self.xmip(NS_HA2, "attach", "-c", self.ha2_conf)
        env = dict(os.environ, ASAN_OPTIONS="abort_on_error=0:detect_leaks=1",
                   UBSAN_OPTIONS="print_stacktrace=1")
        self.agents["h2"] = self.spawn(NS_HA2, "agent-h2", [
            os.path.join(self.bin, "xmip-agentd"), "-c", self.ha2_conf, "-f", "-v"], env=env)

    def teardown(self):
        if self.built:
            p = self.agents.pop("h2", None)
            if p:
                p.stop()
            if os.access(os.path.join(self.bin, "xmip"), os.X_OK):
                T.run(T.in_ns(NS_HA2, [os.path.join(self.bin, "xmip"), "detach", "-i",
                                       HA2_INSTANCE]), check=False)
        super().teardown()
        shutil.rmtree(os.path.join(T.PIN_ROOT, HA2_INSTANCE), ignore_errors=True)

    def ha2_binding(self):
        out = self.xmip(NS_HA2, "binding", "show", "-i", HA2_INSTANCE, "-j").stdout.strip()
        data = json.loads(out) if out else []
        if isinstance(data, dict):
            data = data.get("bindings", data.get(HA2_INSTANCE, []))
        return next((b for b in data if b.get("hoa") == T.HOA), None)


def logs(t):
    return "".join("\n%s log:\n%s" % (r, t.agent_log(r)[-2500:]) for r in ("ha", "h2", "mn"))


def link_local(t, ns):
    for a in json.loads(t.sh(ns, "ip", "-j", "addr", "show", "dev", "eth0").stdout):
        mac = a["address"]
        for i in a.get("addr_info", []):
            if i.get("family") == "inet6" and i.get("scope") == "link":
                return i["local"], mac
    raise AssertionError("no link-local address on %s eth0" % ns)


@pytest.mark.parametrize("first", ["refuses", "silent"])
def test_router_registers_with_the_next_home_agent(first):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    from scapy.all import rdpcap
    from scapy.layers.inet6 import ICMPv6HAADReply, MIP6MH_BA as BA, MIP6MH_BU

    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts", "test_dhaad_" + first)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    t = TwoHaTopology(with_xmip=True, workdir=d, log=lambda m: None, with_cn=False)
    with t:
        assert wait_for(lambda: "DHAAD: answering" in t.agent_log("h2"), 5), logs(t)
        # HA1's Router Advertisement, as radvd would send it (module doc).
        ll, mac = link_local(t, T.NS_HA)
        t.sh(T.NS_HA, T.PY, "-c", SEND_RA, ll, mac, T.HA_ADDR)
        assert wait_for(lambda: "Home Agents List: %s added: preference 30" % ll
                        in t.agent_log("h2"), 5), logs(t)
        if first == "silent":
            t.stop_agent("ha")
        cap = Capture(t, name="foreign", filt="ip6", ns=T.NS_RT, iface="rt-a")
        t.move("a")
        coa = T.LINKS["a"][0]
        assert wait_for(lambda: (t.ha2_binding() or {}).get("coa") == coa,
                        20 if first == "refuses" else 30), logs(t)
        b = t.ha2_binding()
        assert "R" in b["flags"] and b.get("mobile_network_prefixes") == [MNP], b
        # No binding at HA1.
        assert t.binding_for() is None, logs(t)
        # The tunnel to HA2 carries the router's own traffic.
        r = t.sh(T.NS_MN, "ping", "-c", "2", "-i", "0.2", "-W", "2", "-I", T.HOA, HA2_ADDR,
                 check=False)
        assert r.returncode == 0, r.stdout + logs(t)
        pcap = cap.stop()

        pkts = rdpcap(pcap)
        replies = [p[ICMPv6HAADReply] for p in pkts if ICMPv6HAADReply in p]
        assert replies, "no DHAAD reply on the wire" + logs(t)
        # §10.5: HA2's list, HA1 (learnt, preference 30) before HA2 (10);
        # RFC 3963 §7.2: both serve routers (HA1 by its RA), R set.
        assert list(replies[0].addresses) == [T.HA_ADDR, HA2_ADDR], replies[0].addresses
        assert replies[0].R == 1
        bas = [(p["IPv6"].src, p[BA].status) for p in pkts if BA in p]
        mr = t.agent_log("mn")
        assert "trying the next one of the DHAAD reply, %s" % HA2_ADDR in mr, logs(t)
        if first == "refuses":
            assert (T.HA_ADDR, 140) in bas and (HA2_ADDR, 0) in bas, bas
            assert bas.index((T.HA_ADDR, 140)) < bas.index((HA2_ADDR, 0)), bas
            assert "status 140" in mr, logs(t)
        else:
            # RFC 6275 §11.4.1: 3 BUs to HA1, at least 1.5 s apart, then HA2.
            bus = [(p.time, p["IPv6"].dst) for p in pkts if MIP6MH_BU in p]
            to_ha1 = [tm for tm, dst in bus if dst == T.HA_ADDR]
            first_ha2 = min(tm for tm, dst in bus if dst == HA2_ADDR)
            assert len(to_ha1) == 3 and first_ha2 - to_ha1[0] >= 10, bus
            assert not [b for b in bas if b[0] == T.HA_ADDR] and (HA2_ADDR, 0) in bas, bas
            assert "no BA to 3 BUs" in mr, logs(t)
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)
