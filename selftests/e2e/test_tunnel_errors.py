# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""ICMPv6 errors around the tunnel (RFC 2473 §8, RFC 6275 §10.4), and the
HA's own packets to an away MN.

- A router on the tunnel path (RT) answers the HA's tunnel packets with
  Destination Unreachable (an unreachable route to the CoA) and with Time
  Exceeded (their hop limit forced to 1 by nftables): the HA relays both to the
  correspondent as Destination Unreachable code 3, address unreachable,
  quoting the CN's own packet (RFC 2473 §8.2), read by tshark off the CN's
  link and seen by the CN's ping.
- The MN pings the HA while away: the HA's echo replies (which the HA
  sends itself, so no XDP program sees them) go through the tunnel (tc
  egress), read off the MN's link as IPv6-in-IPv6.
- The MN sends a packet with hop limit 1 through the reverse tunnel: the
  Time Exceeded comes back to it through the tunnel.
"""
import re
import subprocess

import topology as T
from scenario import Capture, tshark_fields, wait_for

DU_HOA, DU_COA = "2001:db8:1::150", "2001:db8:77::99"  # RT has an unreachable route to DU_COA
TE_HOA, TE_COA = "2001:db8:1::151", "2001:db8:b::99"   # RT gives them hop limit 1

NFT = """
table ip6 xmiptest {
    chain early {
        type filter hook prerouting priority -300; policy accept;
        ip6 daddr %s ip6 hoplimit set 1
    }
}
""" % TE_COA


def static_binding(topo, hoa, coa):
    topo.xmip(T.NS_HA, "binding", "add", "-i", T.HA_INSTANCE, hoa, coa, "600")
    # `binding add` makes no proxy ND entry (the agent does, on registration).
    topo.sh(T.NS_HA, "ip", "-6", "neigh", "add", "proxy", hoa, "dev", "eth0")


def test_errors_from_the_tunnel_path_are_relayed_to_the_correspondent(xtopo):
    subprocess.run(T.in_ns(T.NS_RT, ["nft", "-f", "-"]), input=NFT, text=True, check=True)
    # (An nftables reject would not do: it never answers a packet whose
    # upper layer it cannot checksum, as IPv6-in-IPv6.)
    xtopo.sh(T.NS_RT, "ip", "-6", "route", "add", "unreachable", "2001:db8:77::/64")
    static_binding(xtopo, DU_HOA, DU_COA)
    static_binding(xtopo, TE_HOA, TE_COA)
    cap = Capture(xtopo, "relay", filt="icmp6", ns=T.NS_CN, iface="eth0")
    out = {}
    for hoa in (DU_HOA, TE_HOA):
        out[hoa] = xtopo.sh(T.NS_CN, "ping", "-c", "3", "-i", "0.3", "-W", "1", hoa,
                            check=False).stdout
    pcap = cap.stop()
    rows = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "icmpv6.type", "icmpv6.code"],
                         "icmpv6.type == 1")
    msg = "HA log:\n%s\nping:\n%s\nrows: %s" % (xtopo.agent_log("ha")[-2500:], out, rows)
    for hoa in (DU_HOA, TE_HOA):
        assert re.search(r"Destination unreachable: Address unreachable", out[hoa]), msg
        # From the HA to the CN, code 3, quoting the CN's own echo request to
        # that HoA (tshark matches ipv6.dst inside the quote too).
        q = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "icmpv6.code"],
                          "icmpv6.type == 1 && ipv6.dst == %s" % hoa)
        assert q and all(r["ipv6.src"] == T.HA_ADDR and r["ipv6.dst"] == T.CN_ADDR and
                         r["icmpv6.code"] == "3" for r in q), msg


def test_the_mn_pings_the_ha_and_gets_its_replies_through_the_tunnel(xtopo):
    coa = T.LINKS["a"][0]
    xtopo.move("a")
    xtopo.wait_binding(coa)
    cap = Capture(xtopo, "ha-ping", filt="ip6", ns=T.NS_RT, iface="rt-a")
    r = xtopo.sh(T.NS_MN, "ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", T.HOA, T.HA_ADDR,
                 check=False)
    # And one packet with hop limit 1 through the reverse tunnel: the HA's
    # Time Exceeded must come back the same way.
    te = xtopo.sh(T.NS_MN, "ping", "-c", "1", "-t", "1", "-W", "2", "-I", T.HOA, T.CN_ADDR,
                  check=False)
    pcap = cap.stop()
    msg = "ping:\n%s\n%s\nHA:\n%s" % (r.stdout, te.stdout, xtopo.ha_show())
    assert re.search(r"3 received", r.stdout), msg
    # Echo replies from the HA to the HoA, inside IPv6-in-IPv6 to the CoA.
    rows = tshark_fields(pcap, ["ipv6.src", "ipv6.dst", "ipv6.nxt"],
                         "icmpv6.type == 129 && ipv6.nxt == 41")
    assert len(rows) >= 3 and all(r["ipv6.src"] == T.HA_ADDR and r["ipv6.dst"] == coa
                                  for r in rows), msg
    assert "Time exceeded: Hop limit" in te.stdout, msg
    rows = tshark_fields(pcap, ["ipv6.src", "ipv6.dst"], "icmpv6.type == 3 && ipv6.nxt == 41")
    assert rows and rows[0]["ipv6.dst"] == coa, msg
    c = wait_for(lambda: "egress_encap_ok" in xtopo.ha_show(), 2)
    assert c, msg
