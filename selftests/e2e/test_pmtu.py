# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Path MTU through the tunnel (RFC 2473 §7, §8.1): a router between the
tunnel's ends with a smaller MTU than the tunnel entry assumed.

- To the MN: the router RT's side of link "a" has MTU 1400 (the MN's side
  keeps 1500, so the MN advertises a TCP MSS for 1460-octet packets). The HA tunnels 1500-octet outer packets (inner 1460, its tunnel
  MTU); RT answers Packet Too Big (1400) to the HA; the HA lowers the
  binding's path MTU to 1360, and the next too-big inner packet gets a
  Packet Too Big saying 1360 from the HA. A 20 MiB transfer from the CN
  arrives intact (SHA-256); tshark reads both PTBs off the HA's link.
- From the MN: the home link has MTU 1400; the MN's tunnel packets (inner
  1460, table 4191) are 1500 octets; RT answers Packet Too Big to the CoA,
  the MN agent lowers the table-4191 route to 1360, and a 20 MiB upload
  arrives intact.
"""

import topology as T
from scenario import Capture, tshark_fields, wait_for
from hashstream import expected

MB = 1024 * 1024


def binding(topo):
    return topo.binding_for()


def ptbs(pcap):
    rows = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "icmpv6.mtu"], "icmpv6.type == 2")
    return [(r["ipv6.src"], r["ipv6.dst"], int(r["icmpv6.mtu"])) for r in rows]


def test_a_smaller_mtu_towards_the_mn_lowers_the_bindings_path_mtu(xtopo):
    coa = T.LINKS["a"][0]
    xtopo.sh(T.NS_RT, "ip", "link", "set", "dev", "rt-a", "mtu", "1400")
    xtopo.move("a")
    xtopo.wait_binding(coa)
    cap = Capture(xtopo, "pmtu", filt="icmp6")
    n = 20 * MB
    got = T.transfer(xtopo, T.NS_MN, T.HOA, T.NS_CN, T.CN_ADDR, n)
    pcap = cap.stop()
    msg = "HA log:\n%s\nPTBs: %s" % (xtopo.agent_log("ha")[-3000:], ptbs(pcap))
    assert got == expected(n), msg
    seen = ptbs(pcap)
    # RT about our tunnel packet (to the HA), then the HA to the CN, with
    # what is left inside the tunnel (RFC 2473 §7.1: 1400 - 40).
    assert (T.RT_HOME, T.HA_ADDR, 1400) in seen, msg
    assert (T.HA_ADDR, T.CN_ADDR, 1360) in seen, msg
    b = binding(xtopo)
    assert b["coa"] == coa and b["path_mtu"] == 1360, b
    assert "path MTU to CoA %s is 1400" % coa in xtopo.agent_log("ha"), msg
    # The CN learnt it too (its route cache for the HoA).
    route = xtopo.sh(T.NS_CN, "ip", "-6", "route", "get", T.HOA).stdout
    assert "mtu 1360" in route, route
    # A refresh for the same CoA (a restarted MN agent registers again,
    # newer sequence number) keeps what the Packet Too Big taught.
    xtopo.stop_agent("mn")
    xtopo.start_agent("mn")
    assert wait_for(lambda: (binding(xtopo) or {}).get("seq") != b["seq"], 15), \
        "no refresh after the MN agent's restart"
    b2 = binding(xtopo)
    assert b2["coa"] == coa and b2["path_mtu"] == 1360, (b, b2)


def test_a_smaller_mtu_towards_the_ha_lowers_the_mns_route(xtopo):
    coa = T.LINKS["a"][0]
    xtopo.move("a")
    xtopo.wait_binding(coa)
    route = lambda: xtopo.sh(T.NS_MN, "ip", "-6", "-j", "route", "show", "table",  # noqa: E731
                             "4191").stdout
    assert wait_for(lambda: '"mtu":1460' in route().replace(" ", ""), 10), route()
    # The home link shrinks to 1400 (every port of it, and the HA).
    for dev in ("br-home", "h-ha", "h-mn"):
        xtopo.sh(T.NS_RT, "ip", "link", "set", "dev", dev, "mtu", "1400")
    xtopo.sh(T.NS_HA, "ip", "link", "set", "dev", "eth0", "mtu", "1400")
    cap = Capture(xtopo, "pmtu-up", filt="icmp6", iface="rt-a")
    n = 20 * MB
    got = T.transfer(xtopo, T.NS_CN, T.CN_ADDR, T.NS_MN, T.HOA, n)
    pcap = cap.stop()
    msg = "MN log:\n%s\nPTBs: %s" % (xtopo.agent_log("mn")[-3000:], ptbs(pcap))
    assert got == expected(n), msg
    assert (T.LINKS["a"][1], coa, 1400) in ptbs(pcap), msg
    assert "path MTU through the tunnel from %s: 1360" % coa in xtopo.agent_log("mn"), msg
    assert wait_for(lambda: '"mtu":1360' in route().replace(" ", ""), 5), route()
