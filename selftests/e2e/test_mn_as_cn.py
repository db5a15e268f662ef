# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Two xmip mobile nodes, both away, optimise the route to each other (RFC
6275 §8.2, §9.3: each is a correspondent for its own home address).

The demo topology without its CN, plus a second mobile node (namespace
<prefix>mn2, its interface wlan on RT's rt-d, 2001:db8:d::/64) with home address
2001:db8:1::101 at the same home agent. Each names the other's home address
as its correspondent ([ro] correspondent); each answers the other's return
routability and accepts its BU ([ro] accept-bindings, on by default). Then a
ping and a TCP stream between the home addresses go directly, from CoA to
CoA with a type-2 routing header and a Home Address option each way: a
capture at the HA's port sees none of them. An echo request with a Home
Address option from a source bound nowhere gets a Binding Error status 1
from the mobile node (through its reverse tunnel, as everything from its
home address). Back home, the first has its binding at the second deleted
and keeps the second's: its pings leave from home with an RH2 (the
correspondent's egress on a mobile node). Lean: one topology, three tests.
"""
import os
import re
import shutil
import signal
import time

import pytest

import topology as T
from scenario import Capture, tshark_fields, wait_for
from hashstream import expected

NS_M2 = T.PREFIX + "mn2"
MN2_INSTANCE = T.PREFIX + "mn2"
HOA2 = "2001:db8:1::101"
NAI2 = "mn2@example.org"
KEY2 = "99887766554433221100ffeeddccbbaa99887766"
COA2 = "2001:db8:d::100"
RT_D = "2001:db8:d::1"
STRANGER_HOA = "2001:db8:1::555"

PROBE = """
import sys
from scapy.all import send
from scapy.layers.inet6 import HAO, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt
src, dst, hoa = sys.argv[1:4]
for i in range(3):
    send(IPv6(src=src, dst=dst) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) /
         ICMPv6EchoRequest(id=4545, seq=i, data=b"mn-as-cn" * 4), verbose=False)
"""


def drop_ns(ns):
    if os.path.exists("/run/netns/" + ns):
        for pid in T.run(["ip", "netns", "pids", ns], check=False).stdout.split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        T.run(["ip", "netns", "del", ns], check=False)


def add_mn2(t):
    drop_ns(NS_M2)
    shutil.rmtree(os.path.join(T.PIN_ROOT, MN2_INSTANCE), ignore_errors=True)
    T.run(["ip", "netns", "add", NS_M2])
    for k in ("all.accept_dad", "default.accept_dad", "all.accept_ra", "default.accept_ra"):
        t.sh(NS_M2, "sysctl", "-qw", "net.ipv6.conf.%s=0" % k)
    t.sh(NS_M2, "ip", "link", "set", "lo", "up")
    t.sh(T.NS_RT, "ip", "link", "add", "rt-d", "type", "veth", "peer", "name", "wlan",
         "netns", NS_M2)
    t.sh(T.NS_RT, "ethtool", "-K", "rt-d", "gro", "on")
    t.sh(NS_M2, "ethtool", "-K", "wlan", "gro", "on")
    t.sh(T.NS_RT, "ip", "addr", "add", RT_D + "/64", "dev", "rt-d")
    t.sh(T.NS_RT, "ip", "link", "set", "rt-d", "up")
    t.sh(NS_M2, "ip", "link", "set", "dev", "wlan", "up")
    t.sh(NS_M2, "ip", "addr", "add", COA2 + "/64", "dev", "wlan", "nodad")
    t.sh(NS_M2, "ip", "-6", "route", "add", "default", "via", RT_D, "dev", "wlan")
    conf = os.path.join(t.workdir, "mn2.conf")
    with open(conf, "w") as f:
        f.write("role = mn\ninstance = %s\ninterface = wlan\nhome-address = %s\n"
                "home-agent = %s\nhome-prefix = %s\nnai = %s\nspi = 257\nkey = %s\n"
                "lifetime = 60\n[ro]\ncorrespondent = %s\n"
                % (MN2_INSTANCE, HOA2, T.HA_ADDR, T.HOME_PREFIX, NAI2, KEY2, T.HOA))
    t.xmip(NS_M2, "attach", "-c", conf)
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    t.agents["mn2"] = t.spawn(NS_M2, "agent-mn2", [os.path.join(t.bin, "xmip-agentd"),
                                                   "-c", conf, "-f", "-v"], env=env)


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("mncn"))
    topo = T.Topology(workdir=workdir, log=lambda m: None, with_cn=False,
                      ha_conf_extra="[mn %s]\nhome-address = %s\nspi = 257\nkey = %s\n"
                      % (NAI2, HOA2, KEY2),
                      mn_conf_extra="[ro]\ncorrespondent = %s\n" % HOA2)
    with topo:
        try:
            add_mn2(topo)
            yield topo
            assert topo.sanitizer_errors() == []
        finally:
            topo.stop_agent("mn2")
            topo.xmip(NS_M2, "detach", "-i", MN2_INSTANCE, check=False)
            drop_ns(NS_M2)
            shutil.rmtree(os.path.join(T.PIN_ROOT, MN2_INSTANCE), ignore_errors=True)


def optimised(t, role, peer, coa):
    return re.search(r"route optimised to %s from CoA %s" % (re.escape(peer), re.escape(coa)),
                     t.agent_log(role))


def test_two_mobile_nodes_away_go_directly(two):
    t = two
    coa1 = T.LINKS["a"][0]
    t.move("a")
    t.wait_binding(coa1)
    ok = wait_for(lambda: optimised(t, "mn", HOA2, coa1) and optimised(t, "mn2", T.HOA, COA2),
                  30)
    assert ok, "no route optimisation:\nMN1:\n%s\nMN2:\n%s" % (
        t.agent_log("mn")[-4000:], t.agent_log("mn2")[-4000:])
    # Each holds the other's binding (the CN's code, on the MN's own cache).
    for ns, inst, hoa, coa in ((T.NS_MN, T.MN_INSTANCE, HOA2, COA2),
                               (NS_M2, MN2_INSTANCE, T.HOA, coa1)):
        out = t.xmip(ns, "binding", "show", "-i", inst, "-j", check=False).stdout
        assert hoa in out and coa in out, (inst, out)
    ha_cap = Capture(t, "ha-port", filt="ip6", ns=T.NS_RT, iface="h-ha")
    d_cap = Capture(t, "mn2-port", filt="ip6", ns=T.NS_RT, iface="rt-d")
    time.sleep(0.3)
    r = t.sh(T.NS_MN, "ping", "-c", "4", "-i", "0.2", "-W", "2", "-I", T.HOA, HOA2,
             check=False)
    n = 1024 * 1024
    up = T.transfer(t, NS_M2, HOA2, T.NS_MN, T.HOA, n)
    ha_pcap, d_pcap = ha_cap.stop(), d_cap.stop()
    assert "4 received" in r.stdout, (r.stdout, t.agent_log("mn")[-2000:],
                                      t.agent_log("mn2")[-2000:])
    assert up == expected(n), up
    # The HA's port saw none of it, not even inside the tunnel.
    seen = tshark_fields(ha_pcap, ["frame.number"],
                         "(icmpv6.type == 128 || icmpv6.type == 129 || tcp) && "
                         "ipv6.addr == %s && ipv6.addr == %s" % (T.HOA, HOA2))
    assert seen == [], seen
    # On MN2's link: CoA to CoA, the RH2 carrying the destination's HoA, the
    # HAO the source's, both ways (RFC 6275 §6.3, §6.4).
    rows = tshark_fields(d_pcap, ["ipv6.src", "ipv6.dst", "ipv6.routing.mipv6.home_address",
                                  "ipv6.opt.mipv6.home_address", "icmpv6.type"],
                         "icmpv6.type == 128 || icmpv6.type == 129")
    want = {(coa1, COA2, HOA2, T.HOA), (COA2, coa1, T.HOA, HOA2)}
    assert len(rows) >= 8 and {(x["ipv6.src"], x["ipv6.dst"],
                                x["ipv6.routing.mipv6.home_address"],
                                x["ipv6.opt.mipv6.home_address"]) for x in rows} == want, rows
    tcp = tshark_fields(d_pcap, ["ipv6.src", "ipv6.dst"], "tcp")
    assert len(tcp) > 10 and {(x["ipv6.src"], x["ipv6.dst"]) for x in tcp} == \
        {(coa1, COA2), (COA2, coa1)}
    assert tshark_fields(d_pcap, ["frame.number"],
                         "_ws.malformed || _ws.expert.severity == error") == []


def test_hao_from_an_unbound_source_gets_binding_error_1(two):
    t = two
    cap = Capture(t, "be", filt="ip6", ns=T.NS_RT, iface="rt-d")
    # From the router on MN2's link, a home address bound nowhere.
    t.sh(T.NS_RT, T.PY, "-c", PROBE, RT_D, COA2, STRANGER_HOA)
    t.sh(T.NS_RT, T.PY, "-c", PROBE, RT_D, HOA2, STRANGER_HOA)
    time.sleep(1.0)
    pcap = cap.stop()
    # The Binding Error leaves from MN2's HoA, so through its reverse tunnel:
    # tshark decodes the inner packet.
    be = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "mip6.be.status", "mip6.be.haddr"],
                       "mip6.mhtype == 7")
    assert be and all(r["mip6.be.status"] == "1" and r["mip6.be.haddr"] == STRANGER_HOA
                      for r in be), (be, t.agent_log("mn2")[-2000:])
    assert not tshark_fields(pcap, ["frame.number"], "icmpv6.type == 129 && ipv6.addr == %s"
                             % RT_D)
    assert "Binding Error status 1" in t.agent_log("mn2")
    show = t.xmip(NS_M2, "show", "-i", MN2_INSTANCE, check=False).stdout
    assert "ro_drop_hao_no_binding" in show, show


def test_at_home_the_peer_deletes_our_binding_and_we_keep_its(two):
    """MN1 comes home: its binding at MN2 is deleted (BU lifetime 0, §11.5.4,
    taken by MN2's correspondent code), while MN2's binding at MN1 stays: MN1's
    pings now leave from home with an RH2 to MN2's CoA (the correspondent's
    egress on the mobile node), MN2's replies come with its HAO only."""
    t = two
    t.move("home")
    t.wait_binding(None)

    def mn2_holds_hoa1():
        return T.HOA in t.xmip(NS_M2, "binding", "show", "-i", MN2_INSTANCE, "-j",
                               check=False).stdout
    assert wait_for(lambda: not mn2_holds_hoa1(), 20), (t.agent_log("mn")[-3000:],
                                                        t.agent_log("mn2")[-3000:])
    assert "binding deleted: HoA %s" % T.HOA in t.agent_log("mn2")
    out = t.xmip(T.NS_MN, "binding", "show", "-i", T.MN_INSTANCE, "-j").stdout
    assert HOA2 in out and COA2 in out, out
    cap = Capture(t, "home", filt="ip6", ns=T.NS_RT, iface="rt-d")
    time.sleep(0.3)
    r = t.sh(T.NS_MN, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", T.HOA, HOA2,
             check=False)
    pcap = cap.stop()
    assert "3 received" in r.stdout, (r.stdout, t.agent_log("mn")[-2000:])
    rows = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "ipv6.routing.mipv6.home_address",
                                "ipv6.opt.mipv6.home_address"],
                         "icmpv6.type == 128 || icmpv6.type == 129")
    got = {(x["ipv6.src"], x["ipv6.dst"], x["ipv6.routing.mipv6.home_address"],
            x["ipv6.opt.mipv6.home_address"]) for x in rows}
    assert got == {(T.HOA, COA2, HOA2, ""), (COA2, T.HOA, "", HOA2)}, rows
