# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The MN's policy route keeps packets from the HoA small enough for the tunnel.

    CN xmtc ---- xmtrc  R  bridge xmtbr (home link 2001:db8:1::/64) ---- xmth HA
    2001:db8:5::1        |          `--- xmtrm ........ xmthm MN (home interface)
                         xmtrf (foreign link 2001:db8:9::/64) ---- xmtf MN (CoA)
                         xmtrg (second foreign link 2001:db8:a::/64, MTU 1400) -- xmtg MN

Real `xmip attach` and `xmip-agentd -f -v` on the HA and the MN. While away,
the MN's tc egress adds 40 octets to every packet from the HoA; a TCP upload
sized for the 1500-octet link would be lost (1540 > 1500, no PTB: the
oversized frame dies in the MN's own veth). The MN agent's rule
"from HoA lookup 4191" and the route in table 4191 (mtu 1460) must make a
20 MiB upload arrive intact, and both must go when the MN is home again.
XMIP_AGENTD overrides the agent binary (to show an older one failing).
"""
import json
import os
import sys
import signal
import subprocess
import time
import uuid

import pytest
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hashstream import CLIENT, SERVER, expected  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP_BUILD", "build/opt")
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD)
XMIP = os.path.join(BUILD, "xmip")
AGENTD = os.environ.get("XMIP_AGENTD", os.path.join(BUILD, "xmip-agentd"))
PKTRUN = os.path.join(BUILD, "tools", "xmip_pktrun")

CN, CN_GW = "2001:db8:5::1", "2001:db8:5::2"
HA, HOME_GW = "2001:db8:1::2", "2001:db8:1::1"
HOA, HOME_ADDR = "2001:db8:1::100", "2001:db8:1::200"
COA, FOREIGN_GW = "2001:db8:9::100", "2001:db8:9::1"
COA2, FOREIGN2_GW = "2001:db8:a::100", "2001:db8:a::1"
LINK2_MTU = 1400
TABLE, PREF = 4191, 4191        # agentd/mip6/mn.c HOA_TABLE, HOA_RULE_PREF
LINK_MTU = 1500
KEY = "0123456789abcdef0123456789abcdef"
MB = 1024 * 1024



def sh(*args, check=True, timeout=60):
    r = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode:
        raise AssertionError("%s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout,
                                                    r.stderr[-3000:]))
    return r


class Ns:
    """Namespace xmt-<role>-<tag>; commands through nsenter (which keeps bpffs)."""

    def __init__(self, role, tag):
        self.name = "xmt-%s-%s" % (role, tag)
        sh("ip", "netns", "add", self.name)
        self.run("ip", "link", "set", "lo", "up")

    def cmd(self, *args):
        return ["nsenter", "--net=/var/run/netns/" + self.name] + list(args)

    def run(self, *args, check=True, timeout=60):
        return sh(*self.cmd(*args), check=check, timeout=timeout)

    def ipj(self, *args):
        out = self.run("ip", "-6", "-j", *args).stdout.strip()
        return json.loads(out) if out else []

    def close(self):
        sh("ip", "netns", "del", self.name, check=False)


class Topo:
    def __init__(self, tmp):
        self.tmp = tmp
        self.tag = uuid.uuid4().hex[:6]
        self.nss, self.agents, self.attached = [], {}, []

    def ns(self, role):
        n = Ns(role, self.tag)
        self.nss.append(n)
        return n

    def build(self):
        t = self.tag
        self.cn, self.r, self.ha, self.mn = (self.ns(x) for x in ("cn", "r", "ha", "mn"))
        cn, r, ha, mn = self.cn, self.r, self.ha, self.mn
        for a, an, b, bn in ((cn, "xmtc", r, "xmtrc"), (ha, "xmth", r, "xmtrh"),
                             (mn, "xmtf", r, "xmtrf"), (mn, "xmthm", r, "xmtrm"),
                             (mn, "xmtg", r, "xmtrg")):
            sh("ip", "link", "add", an, "netns", a.name, "type", "veth",
               "peer", "name", bn, "netns", b.name)
        r.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        r.run("ip", "link", "add", "xmtbr", "type", "bridge")
        for d in ("xmtrh", "xmtrm"):
            r.run("ip", "link", "set", d, "master", "xmtbr")
        r.run("ip", "link", "set", "xmtrg", "mtu", str(LINK2_MTU))
        for d in ("xmtbr", "xmtrh", "xmtrm", "xmtrc", "xmtrf", "xmtrg"):
            r.run("ip", "link", "set", d, "up")
        r.run("ip", "-6", "addr", "add", CN_GW + "/64", "dev", "xmtrc", "nodad")
        r.run("ip", "-6", "addr", "add", HOME_GW + "/64", "dev", "xmtbr", "nodad")
        r.run("ip", "-6", "addr", "add", FOREIGN_GW + "/64", "dev", "xmtrf", "nodad")
        r.run("ip", "-6", "addr", "add", FOREIGN2_GW + "/64", "dev", "xmtrg", "nodad")
        cn.run("ip", "link", "set", "xmtc", "up")
        cn.run("ip", "-6", "addr", "add", CN + "/64", "dev", "xmtc", "nodad")
        cn.run("ip", "-6", "route", "add", "default", "via", CN_GW)
        ha.run("ip", "link", "set", "xmth", "up")
        ha.run("ip", "-6", "addr", "add", HA + "/64", "dev", "xmth", "nodad")
        ha.run("ip", "-6", "route", "add", "default", "via", HOME_GW)
        mn.run("ip", "link", "set", "xmtf", "up")
        mn.run("ip", "-6", "addr", "add", COA + "/64", "dev", "xmtf", "nodad")
        mn.run("ip", "link", "set", "xmtg", "mtu", str(LINK2_MTU), "up")
        mn.run("ip", "-6", "addr", "add", COA2 + "/64", "dev", "xmtg", "nodad")
        # veth leaves checksums partial; a frame that crosses an XDP redirect
        # loses that state: checksum in software on the senders.
        cn.run("ethtool", "-K", "xmtc", "tx", "off")
        mn.run("ethtool", "-K", "xmtf", "tx", "off")
        mn.run("ethtool", "-K", "xmthm", "tx", "off")
        mn.run("ethtool", "-K", "xmtg", "tx", "off")
        # The HA's XDP_TX reaches R only if R's end runs NAPI: give it an
        # XDP program (ours, never made ready, passes everything).
        sh(PKTRUN, "--netns", r.name, "-o", "mn", "-p", "xdp", "--attach", "xmtrh",
           "--not-ready")
        self.ha_conf = self.conf("ha", """role = ha
instance = xmtha%s
interface = xmth
address = %s
home-prefix = 2001:db8:1::/64
max-lifetime = 600

[mn mn1@example.org]
home-address = %s
spi = 256
key = %s
""" % (t, HA, HOA, KEY))
        self.mn_conf = self.conf("mn", """role = mn
instance = xmtmn%s
interface = xmtf
interface = xmthm
interface = xmtg
home-address = %s
home-agent = %s
home-prefix = 2001:db8:1::/64
nai = mn1@example.org
spi = 256
key = %s
lifetime = 60
""" % (t, HOA, HA, KEY))
        ha.run(XMIP, "attach", "-c", self.ha_conf)
        self.attached.append((ha, self.ha_conf))
        mn.run(XMIP, "attach", "-c", self.mn_conf)
        self.attached.append((mn, self.mn_conf))

    def conf(self, role, text):
        path = os.path.join(self.tmp, "%s.conf" % role)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_agent(self, role):
        ns, conf = (self.ha, self.ha_conf) if role == "ha" else (self.mn, self.mn_conf)
        log = open(os.path.join(self.tmp, "%s.log" % role), "a")
        p = subprocess.Popen(ns.cmd(AGENTD, "-c", conf, "-f", "-v"), stdout=log, stderr=log)
        self.agents[role] = p
        return p

    def stop_agent(self, role):
        p = self.agents.pop(role)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=10) == 0

    def log(self, role):
        path = os.path.join(self.tmp, "%s.log" % role)
        return open(path).read() if os.path.exists(path) else ""

    def close(self):
        for p in self.agents.values():
            p.kill()
            p.wait()
        for ns, conf in self.attached:
            ns.run(XMIP, "detach", "-c", conf, check=False)
        for ns in self.nss:
            ns.close()


def wait_for(what, fn, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


def our_rules(mn):
    return [r for r in mn.ipj("rule", "show") if str(r.get("table")) == str(TABLE)]


def rule_map(mn):
    """{source: destination or None} of our rules: the HoA's, and the tunnel's (CoA -> HA)."""
    return {r["src"]: r.get("dst") for r in our_rules(mn)}


def our_routes(mn):
    r = mn.run("ip", "-6", "-j", "route", "show", "table", str(TABLE), check=False)
    if r.returncode and "table does not exist" in r.stderr:
        return []   # never used (a rule lookup into it creates it)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout) if r.stdout.strip() else []


def route_mtu(route):
    for m in route.get("metrics", []):
        if "mtu" in m:
            return m["mtu"]
    return None


def upload(topo, n):
    """MN (from the HoA) -> CN; returns what the CN received ("octets sha256")."""
    srv = subprocess.Popen(topo.cn.cmd("/usr/bin/python3", "-c", SERVER, CN),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == "ready"
        c = topo.mn.run("/usr/bin/python3", "-c", CLIENT, HOA, CN, str(n), check=False,
                        timeout=120)
        out, _ = srv.communicate(timeout=60)
        return out.strip(), c
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()


@pytest.fixture
def topo(tmp_path):
    for b in (XMIP, AGENTD, PKTRUN):
        if not os.path.exists(b):
            pytest.fail("%s not built (make, or set XMIP_BUILD)" % b)
    t = Topo(str(tmp_path))
    try:
        t.build()
        yield t
    finally:
        t.close()


def test_upload_from_hoa_fits_the_tunnel_and_policy_route_follows_the_mn(topo):
    mn = topo.mn
    topo.start_agent("ha")
    # The MN's router is not known yet: the agent must pick it up from a
    # route event later, not only at the move.
    topo.start_agent("mn")
    wait_for("MN away", lambda: "moved: away" in topo.log("mn") or
             "moved: left home" in topo.log("mn"))
    time.sleep(0.5)
    assert our_routes(mn) == []
    mn.run("ip", "-6", "route", "add", "default", "via", FOREIGN_GW, "dev", "xmtf")
    wait_for("the policy route", lambda: our_routes(mn))
    wait_for("the registration", lambda: "BA: status 0" in topo.log("mn"), timeout=20)

    rules = our_rules(mn)
    # From the HoA: everything; from the CoA: only the tunnel to the HA.
    assert rule_map(mn) == {HOA: None, COA: HA}, rules
    # iproute2 leaves "srclen"/"dstlen" out for a /128.
    assert all(r.get("srclen", 128) == 128 and r["priority"] == PREF for r in rules), rules
    routes = our_routes(mn)
    assert len(routes) == 1, routes
    rt = routes[0]
    assert (rt["dst"], rt["gateway"], rt["dev"]) == ("default", FOREIGN_GW, "xmtf"), rt
    assert route_mtu(rt) == LINK_MTU - 40, rt
    got = mn.run("ip", "-6", "route", "get", CN, "from", HOA).stdout
    assert "table %d" % TABLE in got and "mtu %d" % (LINK_MTU - 40) in got, got

    got, client = upload(topo, 20 * MB)
    assert got == expected(20 * MB), (got, client.stderr[-2000:], topo.log("mn")[-3000:])
    # Nothing was too big for the foreign link (a veth drops those silently).
    link = mn.run("ip", "-j", "-s", "link", "show", "dev", "xmtf").stdout
    assert json.loads(link)[0]["stats64"]["tx"]["dropped"] == 0, link

    # SIGTERM leaves the rule and the route: the datapath keeps running.
    topo.stop_agent("mn")
    assert rule_map(mn) == {HOA: None, COA: HA} and len(our_routes(mn)) == 1
    # A restarted agent takes them over without duplicating the rule.
    topo.start_agent("mn")
    wait_for("the new agent's BA", lambda: topo.log("mn").count("BA: status 0") >= 2, timeout=20)
    assert len(our_rules(mn)) == 2 and len(our_routes(mn)) == 1, our_rules(mn)

    # Home again (an address of the home prefix on the home interface; the
    # foreign interface keeps its CoA): both must go.
    mn.run("ip", "link", "set", "xmthm", "up")
    mn.run("ip", "-6", "addr", "add", HOME_ADDR + "/64", "dev", "xmthm", "nodad")
    wait_for("MN home", lambda: "at home on xmthm" in topo.log("mn"))
    wait_for("the rule removed", lambda: not our_rules(mn))
    assert our_routes(mn) == [], our_routes(mn)
    wait_for("the deregistration", lambda: "deregistered" in topo.log("mn"), timeout=20)
    assert not our_rules(mn) and our_routes(mn) == []


def test_policy_route_follows_a_move_and_the_new_link_mtu(topo):
    mn = topo.mn
    # The dead link's default route stays in main (ignore_routes_with_linkdown
    # is off): the agent must send its BUs out of the CoA's interface anyway.
    mn.run("ip", "-6", "route", "add", "default", "via", FOREIGN_GW, "dev", "xmtf")
    mn.run("ip", "-6", "route", "add", "default", "via", FOREIGN2_GW, "dev", "xmtg",
           "metric", "2048")
    topo.start_agent("ha")
    topo.start_agent("mn")
    wait_for("the registration", lambda: "BA: status 0" in topo.log("mn"), timeout=20)
    rt = wait_for("the policy route", lambda: our_routes(mn))[0]
    assert (rt["gateway"], rt["dev"], route_mtu(rt)) == (FOREIGN_GW, "xmtf", LINK_MTU - 40), rt

    # The first foreign link loses carrier: its address and routes stay (so
    # the old table-4191 route must be replaced, not just re-added), and
    # the MN moves to xmtg, whose MTU is smaller.
    topo.r.run("ip", "link", "set", "xmtrf", "down")
    wait_for("the move", lambda: "new CoA %s on xmtg" % COA2 in topo.log("mn"))
    wait_for("the new registration",
             lambda: ("CoA %s, lifetime" % COA2) in topo.log("mn"), timeout=20)
    rt = wait_for("the route via xmtg",
                  lambda: [r for r in our_routes(mn) if r.get("dev") == "xmtg"])[0]
    assert (rt["gateway"], route_mtu(rt)) == (FOREIGN2_GW, LINK2_MTU - 40), rt
    assert len(our_routes(mn)) == 1
    wait_for("the tunnel rule on the new CoA", lambda: rule_map(mn) == {HOA: None, COA2: HA})

    got, client = upload(topo, 20 * MB)
    assert got == expected(20 * MB), (got, client.stderr[-2000:], topo.log("mn")[-3000:])
    link = mn.run("ip", "-j", "-s", "link", "show", "dev", "xmtg").stdout
    assert json.loads(link)[0]["stats64"]["tx"]["dropped"] == 0, link
