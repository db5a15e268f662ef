# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Route optimisation end to end with our three roles (RFC 6275 §5.2, §9,
§11.6-§11.7): xmip MN, xmip HA, xmip CN (role cn) in the demo topology.

The MN is configured with two correspondents: 2001:db8:c::2, our CN, and
2001:db8:c::3, another address of the same host that our CN does not serve
(a plain IPv6 host for it: its kernel answers the test inits with ICMPv6
Parameter Problem). After the home registration the MN runs return
routability with each (HoTI through the HA's tunnel, CoTI direct), binds
at our CN, and from then on its packets to the CN leave from the CoA with a
Home Address option and the CN's come back with a type-2 routing header:
a capture at the HA's port sees none of them, one at the CN's port sees
both headers and decodes without malformed packets (tshark). A TCP stream
from the CN survives two moves, with return routability run again after
each; the plain host keeps working through the tunnel; at home the MN has
the CN delete its binding. Last, the MN agent restarts with no configured
correspondent and learns them from its traffic instead ([ro]
learn-correspondents): the CN goes directly again, a limit, idleness and a
hold-down do what they say. One topology for the whole file.
"""
import json
import os
import re
import shutil
import time

import pytest

import topology as T
from scenario import Capture, tshark_fields, wait_for
from hashstream import expected

CN2 = "2001:db8:c::3"      # same host, not served by our CN: no route optimisation
CN_INSTANCE = T.PREFIX + "cn"


@pytest.fixture(scope="module")
def ro(tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("mnro"))
    topo = T.Topology(workdir=workdir, log=lambda m: None,
                      mn_conf_extra="[ro]\ncorrespondent = %s\ncorrespondent = %s\n"
                      % (T.CN_ADDR, CN2))
    with topo:
        # Deprecated: never the CN's own choice of source (ping, TCP use c::2).
        topo.sh(T.NS_CN, "ip", "addr", "add", CN2 + "/64", "dev", "eth0", "nodad",
                "preferred_lft", "0")
        conf = os.path.join(workdir, "cn.conf")
        with open(conf, "w") as f:
            f.write("role = cn\ninstance = %s\ninterface = eth0\naddress = %s\n"
                    % (CN_INSTANCE, T.CN_ADDR))
        topo.cn_conf = conf
        try:
            topo.xmip(T.NS_CN, "attach", "-c", conf)
            env = dict(os.environ)
            env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
            topo.agents["cn"] = topo.spawn(T.NS_CN, "agent-cn", [
                os.path.join(topo.bin, "xmip-agentd"), "-c", conf, "-f", "-v"], env=env)
            # What an operator sees of it on the MN (`xmip monitor -j`, family ro).
            topo.mon_mn = topo.spawn(T.NS_MN, "monitor-mn", [
                os.path.join(topo.bin, "xmip"), "monitor", "-j", "-i", T.MN_INSTANCE])
            wait_for(lambda: topo.mon_mn.alive(), 2)
            yield topo
            assert topo.sanitizer_errors() == []
        finally:
            topo.stop_agent("cn")
            topo.xmip(T.NS_CN, "detach", "-i", CN_INSTANCE, check=False)
            shutil.rmtree(os.path.join(T.PIN_ROOT, CN_INSTANCE), ignore_errors=True)


def cn_bindings(t):
    out = t.xmip(T.NS_CN, "binding", "show", "-i", CN_INSTANCE, "-j").stdout.strip()
    return json.loads(out) if out else []


def optimised_count(t, coa):
    return len(re.findall(r"route optimised to %s from CoA %s" % (re.escape(T.CN_ADDR),
                                                                   re.escape(coa)),
                          t.agent_log("mn")))


def wait_optimised(t, coa, n=1, timeout=15):
    ok = wait_for(lambda: optimised_count(t, coa) >= n, timeout)
    assert ok, "no route optimisation from %s:\nMN:\n%s\nCN:\n%s" % (
        coa, t.agent_log("mn")[-4000:], t.agent_log("cn")[-3000:])


def test_after_return_routability_packets_go_directly(ro):
    t = ro
    coa = T.LINKS["a"][0]
    ha_cap = Capture(t, "ha-port", filt="ip6", ns=T.NS_RT, iface="h-ha")
    t.move("a")
    t.wait_binding(coa)
    wait_optimised(t, coa)
    # The correspondent's binding cache: our HoA at the CoA.
    assert [(b["hoa"], b["coa"]) for b in cn_bindings(t)] == [(T.HOA, coa)]
    cn_cap = Capture(t, "cn-port", filt="ip6", ns=T.NS_RT, iface="rt-cn")
    time.sleep(0.5)
    r1 = t.sh(T.NS_CN, "ping", "-c", "4", "-i", "0.2", "-W", "2", T.HOA, check=False)
    r2 = t.sh(T.NS_MN, "ping", "-c", "4", "-i", "0.2", "-W", "2", "-I", T.HOA, T.CN_ADDR,
              check=False)
    ha_pcap, cn_pcap = ha_cap.stop(), cn_cap.stop()
    msg = "%s\n%s\nMN:\n%s" % (r1.stdout, r2.stdout, t.agent_log("mn")[-3000:])
    assert "4 received" in r1.stdout and "4 received" in r2.stdout, msg
    # The HoTI went through the HA (reverse tunnel, then the HoT back), the
    # CoTI did not: the HA's port saw the HoTI inside IPv6-in-IPv6.
    hoti = tshark_fields(ha_pcap, ["ipv6.src", "ipv6.dst"], "mip6.mhtype == 1")
    assert any(r["ipv6.src"] == coa and r["ipv6.dst"] == T.HA_ADDR for r in hoti), hoti
    assert not tshark_fields(ha_pcap, ["frame.number"], "mip6.mhtype == 2")
    # None of the pings crossed the HA's port.
    pings = tshark_fields(ha_pcap, ["frame.number"],
                          "(icmpv6.type == 128 || icmpv6.type == 129) && ipv6.addr == %s"
                          % T.CN_ADDR)
    assert pings == [], pings
    # At the CN: requests from the CoA with a HAO, replies to it with an RH2, both ways.
    hao = tshark_fields(cn_pcap, ["ipv6.src", "ipv6.opt.mipv6.home_address", "icmpv6.type"],
                        "ipv6.opt.mipv6.home_address && icmpv6")
    rh2 = tshark_fields(cn_pcap, ["ipv6.dst", "ipv6.routing.mipv6.home_address", "icmpv6.type"],
                        "ipv6.routing.type == 2 && icmpv6")
    assert len(hao) >= 8 and all(r["ipv6.src"] == coa and
                                 r["ipv6.opt.mipv6.home_address"] == T.HOA for r in hao), hao
    assert {r["icmpv6.type"] for r in hao} == {"128", "129"}
    assert len(rh2) >= 8 and all(r["ipv6.dst"] == coa and
                                 r["ipv6.routing.mipv6.home_address"] == T.HOA for r in rh2), rh2
    assert tshark_fields(cn_pcap, ["frame.number"], "_ws.malformed || _ws.expert.severity == error") == []


def test_bulk_tcp_both_ways_goes_directly(ro):
    """4 MiB each way between the HoA and the CN, hashed: the MN's GSO
    segments leave with the HAO (adjust_room lowers gso_size by 24), the
    CN's with the RH2; the HA's port sees no tunnel traffic meanwhile."""
    t = ro
    coa = T.LINKS["a"][0]
    assert optimised_count(t, coa) >= 1
    tun = Capture(t, "ha-tunnel", filt="ip6 and ip6[6] == 41", ns=T.NS_RT, iface="h-ha")
    n = 4 * 1024 * 1024
    up = T.transfer(t, T.NS_CN, T.CN_ADDR, T.NS_MN, T.HOA, n)
    down = T.transfer(t, T.NS_MN, T.HOA, T.NS_CN, T.CN_ADDR, n)
    pcap = tun.stop()
    assert up == expected(n) and down == expected(n), (up, down, t.agent_log("mn")[-2000:])
    tunnelled = tshark_fields(pcap, ["frame.number"], "tcp")
    assert len(tunnelled) < 5, "%d TCP segments went through the HA" % len(tunnelled)


def test_fragmented_datagrams_go_directly_and_arrive_whole(ro):
    """ping -s 3000 both ways once bound: the MN's kernel fragments for its
    tunnel-sized route and every fragment leaves with the HAO, which the CN
    restores in each (RFC 8200 §4.5: the option is in the unfragmentable
    part); the CN's kernel fragments for the /128 route its agent made while
    the HoA is bound (the CoA's path MTU less the routing header, cn_mtu.h)
    and every fragment leaves with the RH2, which the MN removes from each.
    Each side reassembles; the HA's port sees none of it."""
    t = ro
    coa = T.LINKS["a"][0]
    assert optimised_count(t, coa) >= 1
    rt = t.sh(T.NS_CN, "ip", "-6", "route", "show", T.HOA + "/128").stdout
    assert re.search(r"metric 4191 .*mtu 1476", rt), rt
    ha_cap = Capture(t, "ha-frag", filt="ip6", ns=T.NS_RT, iface="h-ha")
    cn_cap = Capture(t, "cn-frag", filt="ip6", ns=T.NS_RT, iface="rt-cn")
    r1 = t.sh(T.NS_CN, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "3000", T.HOA,
              check=False)
    r2 = t.sh(T.NS_MN, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-s", "3000", "-I", T.HOA,
              T.CN_ADDR, check=False)
    ha_pcap, cn_pcap = ha_cap.stop(), cn_cap.stop()
    msg = "%s\n%s\nMN:\n%s" % (r1.stdout, r2.stdout, t.agent_log("mn")[-2000:])
    assert "3 received" in r1.stdout and "3 received" in r2.stdout, msg
    assert tshark_fields(ha_pcap, ["frame.number"],
                         "(ipv6.fraghdr.ident || icmpv6.type == 128 || icmpv6.type == 129) "
                         "&& ipv6.addr == %s" % T.CN_ADDR) == []
    frag = "ipv6.fraghdr.ident && ipv6.src == %s && ipv6.dst == %s && %s == %s"
    hao = tshark_fields(cn_pcap, ["ipv6.fraghdr.offset"],
                        frag % (coa, T.CN_ADDR, "ipv6.opt.mipv6.home_address", T.HOA))
    rh2 = tshark_fields(cn_pcap, ["ipv6.fraghdr.offset"],
                        frag % (T.CN_ADDR, coa, "ipv6.routing.mipv6.home_address", T.HOA))
    # 6 datagrams each way, 3 fragments each; later fragments among them.
    assert len(hao) >= 12 and len(rh2) >= 12, (len(hao), len(rh2))
    assert {r["ipv6.fraghdr.offset"] != "0" for r in hao + rh2} == {True, False}


def test_tcp_survives_two_moves_with_return_routability_each_time(ro):
    t = ro
    a, b = T.LINKS["a"][0], T.LINKS["b"][0]
    srv, cli = t.start_tcp(rate_kbps=2000)
    try:
        assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > 32 * 1024, 10), srv.text()
        cn_cap = Capture(t, "cn-tcp", filt="ip6", ns=T.NS_RT, iface="rt-cn")
        for n, (where, coa) in enumerate((("b", b), ("a", a))):
            before = T.tcp_bytes(srv.text())[0]
            t.move(where)
            t.wait_binding(coa)
            wait_optimised(t, coa, n=2 if where == "a" else 1)
            assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > before + 64 * 1024, 15), \
                (srv.text()[-500:], cli.text()[-500:])
        pcap = cn_cap.stop()
        total, err = T.tcp_bytes(srv.text())
        assert err is None and cli.alive(), (srv.text()[-500:], cli.text()[-500:])
    finally:
        cli.stop()
        srv.stop()
    # The CoTI was sent again after each move (a new care-of address).
    log = t.agent_log("mn")
    assert len(re.findall(r"correspondent binding BU", log)) >= 3, log[-3000:]
    # The stream went directly, with its headers, from both CoAs; nothing malformed.
    # (Not ICMPv6 errors quoting such a segment: RT's Destination Unreachable
    # for one the CN sent to the old CoA before the new binding, for instance.)
    rh2 = tshark_fields(pcap, ["ipv6.dst"], "ipv6.routing.type == 2 && tcp && !icmpv6")
    hao = tshark_fields(pcap, ["ipv6.src"], "ipv6.opt.mipv6.home_address == %s && tcp && !icmpv6"
                        % T.HOA)
    assert {r["ipv6.dst"] for r in rh2} == {a, b}, rh2[:5]
    assert {r["ipv6.src"] for r in hao} == {a, b}, hao[:5]
    assert tshark_fields(pcap, ["frame.number"], "_ws.malformed") == []


def test_a_correspondent_without_route_optimisation_keeps_the_tunnel(ro):
    t = ro
    assert wait_for(lambda: re.search(r"route optimisation to %s: .*Parameter Problem"
                                      % re.escape(CN2), t.agent_log("mn")), 15), \
        t.agent_log("mn")[-3000:]
    r = t.sh(T.NS_MN, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", T.HOA, CN2, check=False)
    assert "3 received" in r.stdout, r.stdout
    assert "route optimised to %s" % CN2 not in t.agent_log("mn")


PROBE = """
import sys
from scapy.all import send
from scapy.layers.inet6 import HAO, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt
src, dst, hoa, ident = sys.argv[1:5]
for i in range(3):
    send(IPv6(src=src, dst=dst) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) /
         ICMPv6EchoRequest(id=int(ident), seq=i, data=b"ha-as-cn" * 4), verbose=False)
"""


def test_the_home_agent_is_a_correspondent_for_itself(ro):
    """RFC 6275 §9.3, TAHI's final probe: an echo request with a Home Address
    option from the bound CoA to the HA gets its reply with a type-2 routing
    header to the CoA; with a home address the HA has no binding for, a
    Binding Error status 1 (and no reply). Seen on RT's port toward the MN."""
    t = ro
    coa = T.LINKS[t.where][0]
    t.wait_binding(coa)
    cap = Capture(t, "ha-as-cn", filt="ip6", ns=T.NS_RT, iface="rt-" + t.where)
    t.sh(T.NS_MN, T.PY, "-c", PROBE, coa, T.HA_ADDR, T.HOA, "4242")
    t.sh(T.NS_MN, T.PY, "-c", PROBE, coa, T.HA_ADDR, "2001:db8:1::555", "4343")
    time.sleep(0.5)
    pcap = cap.stop()
    replies = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "ipv6.routing.mipv6.home_address",
                                   "icmpv6.echo.identifier"], "icmpv6.type == 129")
    assert len(replies) == 3 and all(
        r["ipv6.src"] == T.HA_ADDR and r["ipv6.dst"] == coa and
        r["ipv6.routing.mipv6.home_address"] == T.HOA and int(r["icmpv6.echo.identifier"], 0) == 4242
        for r in replies), (replies, t.ha_show())
    be = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "mip6.be.status", "mip6.be.haddr"],
                       "mip6.mhtype == 7")
    assert be and all(r["ipv6.src"] == T.HA_ADDR and r["ipv6.dst"] == coa and
                      r["mip6.be.status"] == "1" and r["mip6.be.haddr"] == "2001:db8:1::555"
                      for r in be), (be, t.agent_log("ha")[-2000:])
    assert "ro_ha_hao_restored" in t.ha_show() and "ro_ha_drop_hao" in t.ha_show()


def test_at_home_the_correspondent_deletes_the_binding(ro):
    t = ro
    t.move("home")
    t.wait_binding(None)
    assert wait_for(lambda: cn_bindings(t) == [], 15), (cn_bindings(t), t.agent_log("mn")[-2000:])
    assert "deleted our binding" in t.agent_log("mn")
    # ... and with it the CN's /128 route sized for the routing header (cn_mtu.h).
    rt = t.sh(T.NS_CN, "ip", "-6", "route", "show", T.HOA + "/128").stdout
    assert "metric 4191" not in rt, rt
    # The monitor saw it all, family ro, the correspondent as peer.
    a, b = T.LINKS["a"][0], T.LINKS["b"][0]
    evs = [json.loads(line) for line in t.mon_mn.text().splitlines() if line.startswith("{")]
    ro = [(e["type"], e.get("peer"), e.get("coa"), e.get("prev_coa")) for e in evs
          if e.get("family") == "ro" and e.get("peer") == T.CN_ADDR]
    assert ro == [("registered", T.CN_ADDR, a, None), ("registered", T.CN_ADDR, b, a),
                  ("registered", T.CN_ADDR, a, b), ("deregistered", T.CN_ADDR, None, None)], \
        t.mon_mn.text()
    refused = [e for e in evs if e.get("family") == "ro" and e.get("peer") == CN2]
    assert refused and all(e["type"] == "refused" and "Parameter Problem" in e["status_name"]
                           for e in refused), refused
    r = t.sh(T.NS_CN, "ping", "-c", "2", "-i", "0.2", "-W", "2", T.HOA, check=False)
    assert "2 received" in r.stdout, r.stdout


def test_a_correspondent_learnt_from_the_traffic_goes_directly(ro):
    """[ro] learn-correspondents = yes, learn-max = 1, learn-idle = 10 and no
    configured correspondent (the MN agent restarted with that
    configuration): the first ping from the HoA to the CN is reverse-
    tunnelled and reported by the MN's tc egress; the agent runs return
    routability with the CN and binds there, and from then on a capture at
    the HA's port sees none of their packets. The plain host CN2 finds
    learn-max reached: tunnel, no test, a warning. Idle for 10 s, the CN has
    its binding deleted (a BU with lifetime 0 from the CoA) and is forgotten,
    which frees the slot: CN2's next packet is reported again, CN2 is tested
    once, answers with a Parameter Problem and is held down (not tried again
    on its next packets). The home agent itself is never learnt."""
    t = ro
    t.stop_agent("mn")
    t.mn_conf_extra = "[ro]\nlearn-correspondents = yes\nlearn-max = 1\nlearn-idle = 10\n"
    t.write_configs()
    log0 = len(t.agent_log("mn"))
    t.start_agent("mn")
    coa = T.LINKS["b"][0]
    t.move("b")
    t.wait_binding(coa)
    new = lambda: t.agent_log("mn")[log0:]
    ping = lambda ns, dst, n, *a: t.sh(ns, "ping", "-c", str(n), "-i", "0.2", "-W", "2", *a, dst,
                                       check=False)
    assert "learnt from the traffic" not in new()    # nothing before there is traffic
    r = ping(T.NS_MN, T.CN_ADDR, 3, "-I", T.HOA)
    assert "3 received" in r.stdout, r.stdout
    assert wait_for(lambda: re.search(r"route optimised to %s from CoA %s"
                                      % (re.escape(T.CN_ADDR), re.escape(coa)), new()), 15), \
        new()[-3000:]
    assert "correspondent %s learnt from the traffic (1 of 1)" % T.CN_ADDR in new()
    assert [(b["hoa"], b["coa"]) for b in cn_bindings(t)] == [(T.HOA, coa)]
    cap = Capture(t, "ha-learnt", filt="ip6", ns=T.NS_RT, iface="h-ha")
    rs = [(ping(T.NS_MN, T.CN_ADDR, 4, "-I", T.HOA), 4), (ping(T.NS_CN, T.HOA, 4), 4),
          (ping(T.NS_MN, CN2, 2, "-I", T.HOA), 2), (ping(T.NS_MN, T.HA_ADDR, 2, "-I", T.HOA), 2)]
    pcap = cap.stop()
    for r, n in rs:
        assert "%d received" % n in r.stdout, (r.stdout, new()[-2000:])
    # No packet between the HoA and the CN crossed the HA's port, tunnelled or not.
    pings = tshark_fields(pcap, ["frame.number"],
                          "(icmpv6.type == 128 || icmpv6.type == 129) && ipv6.addr == %s"
                          % T.CN_ADDR)
    assert pings == [], pings
    # CN2 over learn-max: its pings through the tunnel, no Home Test Init, a warning.
    assert tshark_fields(pcap, ["frame.number"], "icmpv6.type == 128 && ipv6.dst == %s" % CN2)
    assert tshark_fields(pcap, ["frame.number"], "mip6.mhtype == 1") == []
    assert re.search(r"learn-max \(1\) reached, %s" % re.escape(CN2), new()), new()[-2000:]
    assert "correspondent %s learnt" % T.HA_ADDR not in new()
    assert "ro_mn_learn_report" in t.xmip(T.NS_MN, "show", "-i", T.MN_INSTANCE).stdout

    # Idle: the binding at the CN is deleted from the CoA, the CN forgotten.
    assert wait_for(lambda: cn_bindings(t) == [], 20), (cn_bindings(t), new()[-3000:])
    assert re.search(r"learnt correspondent %s idle for 10 s: deleting our binding"
                     % re.escape(T.CN_ADDR), new()), new()[-3000:]
    assert "deleted our binding" in new() and "learnt correspondent forgotten" in new()
    # The slot is free: CN2 is reported again, tested once, refused, held down.
    cap = Capture(t, "ha-held", filt="ip6", ns=T.NS_RT, iface="h-ha")
    r = ping(T.NS_MN, CN2, 2, "-I", T.HOA)
    assert wait_for(lambda: re.search(r"learnt correspondent %s: .*Parameter Problem.*hold-down"
                                      % re.escape(CN2), new()), 10), new()[-3000:]
    r2 = ping(T.NS_MN, CN2, 3, "-I", T.HOA)
    pcap = cap.stop()
    assert "2 received" in r.stdout and "3 received" in r2.stdout, (r.stdout, r2.stdout)
    # (Counted reverse-tunnelled, outer destination the HA: the HA sends it on
    # out of the same port.)
    hoti = tshark_fields(pcap, ["ipv6.dst"], "mip6.mhtype == 1")
    assert len([h for h in hoti if h["ipv6.dst"] == T.HA_ADDR]) == 1, hoti
    assert new().count("correspondent %s learnt" % CN2) == 1, new()[-3000:]
