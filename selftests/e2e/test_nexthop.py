# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The HA's prepared next hops follow a router whose MAC changes.

The MN is away (link "a"); the CN pings its HoA, so the HA's XDP program
tunnels every echo request to the CoA through the router RT, with the next
hop the agent prepared in the binding's slot of xmip_fwtable. Then RT's
home-link MAC changes; RT announces it (unsolicited NA, ndisc_notify), the
HA kernel's neighbour entry changes, the HA agent sees the RTM_NEWNEIGH of
a next hop in use and rewrites the slot (agentd/core/fwsync.c). Without
that the tunnelled packets would keep going to the old MAC, which nobody
answers to any more. With no agent running, prepared next hops are trusted
only while the agent's lease (XMIP_FW_LEASE_S, renewed every second) lasts;
after it, packets take the tc path, where the kernel resolves next hops.

Checked on a capture of RT's port towards the HA, decoded by tshark.
"""
import json
import time

import topology as T
from scenario import Capture, tshark_fields, wait_for

NEW_MAC = "02:00:00:00:77:01"


def link_mac(topo, ns, dev):
    return json.loads(topo.sh(ns, "ip", "-j", "link", "show", "dev", dev).stdout)[0]["address"]


def ha_counters(topo):
    r = topo.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j", "-a")
    return json.loads(r.stdout)[0]["counters"]


def tunnelled_times(pcap, coa):
    """(capture time, destination MAC) of the HA's tunnelled packets to coa."""
    rows = tshark_fields(pcap, ["frame.time_epoch", "eth.dst"],
                         "ipv6.nxt == 41 && ipv6.dst == %s" % coa)
    return [(float(r["frame.time_epoch"]), r["eth.dst"]) for r in rows]


def tunnelled_dst_macs(pcap, coa, since):
    """Destination MACs of the HA's tunnelled packets to coa captured after `since`."""
    rows = tshark_fields(pcap, ["frame.time_epoch", "eth.dst"],
                         "ipv6.nxt == 41 && ipv6.dst == %s" % coa)
    return [r["eth.dst"] for r in rows if float(r["frame.time_epoch"]) > since]


def away_with_ping(xtopo):
    coa = T.LINKS["a"][0]
    xtopo.move("a")
    xtopo.wait_binding(coa)
    ha_mac = link_mac(xtopo, T.NS_HA, "eth0")
    old_mac = link_mac(xtopo, T.NS_RT, "br-home")
    assert old_mac != NEW_MAC
    # A router announces a new MAC with an unsolicited NA only when told to.
    xtopo.sysctl(T.NS_RT, net__ipv6__conf__all__ndisc_notify=1)

    # The cache is per CPU: keep the ping (and so the softirq work it sets off
    # through the veths, the HA's XDP program included) on one CPU, so "the
    # entry is cached" means the same entry from one packet to the next.
    ping = xtopo.spawn(T.NS_CN, "ping", ["taskset", "-c", "0", "stdbuf", "-oL", "ping", "-n",
                                         "-O", "-i", "0.2", "-W", "1", T.HOA])
    assert wait_for(lambda: T.ping_stats(ping.text())[0] >= 3, 10), \
        "no ping through the tunnel before the change:\n" + ping.text()
    cap = Capture(xtopo, "nexthop", filt="ip6 and ether src %s" % ha_mac)
    return coa, old_mac, ping, cap


LEASE_S = 5   # agentd/core/fwsync.h XMIP_FW_LEASE_S


def test_encapsulation_follows_a_new_router_mac(xtopo):
    coa, old_mac, ping, cap = away_with_ping(xtopo)
    before = ha_counters(xtopo)
    assert before["encap_ok"] > 0, before    # the fast path is in use

    _, sent_at_change, _ = T.ping_stats(ping.text())
    t0 = time.time()
    xtopo.sh(T.NS_RT, "ip", "link", "set", "dev", "br-home", "address", NEW_MAC)
    ok = wait_for(lambda: T.ping_stats(ping.text())[2] > sent_at_change + 1, 5, step=0.05)
    time.sleep(1.5)   # more tunnelled packets for the capture
    pcap = cap.stop()

    ha_neigh = xtopo.sh(T.NS_HA, "ip", "-6", "neigh", "show", T.RT_HOME).stdout
    msg = "HA neighbour: %s\nHA log:\n%s\nping:\n%s" % (
        ha_neigh, xtopo.agent_log("ha")[-3000:], ping.text()[-1500:])
    assert NEW_MAC in ha_neigh, "the HA kernel never learnt the new MAC\n" + msg
    assert ok, "no ping answer within 5 s of the router's MAC change\n" + msg
    # (RT still takes frames to its old MAC, a bridge port's own address, so
    # the ping alone proves nothing: the capture does.)
    # "Follows within a short time": from 0.5 s after the change on, not one
    # tunnelled packet goes to the old MAC (checked below), and some go to the new.
    first_new = [t for t, mac in tunnelled_times(pcap, coa) if mac == NEW_MAC]
    assert first_new and first_new[0] - t0 < 2.0, \
        "no tunnelled packet to the new MAC within 2 s\n" + msg

    after = tunnelled_dst_macs(pcap, coa, t0 + 0.5)
    assert after, "no tunnelled packet captured after the change\n" + msg
    assert set(after) == {NEW_MAC}, \
        "tunnelled packets still sent to %s after the change\n%s" % (
            sorted(set(after) - {NEW_MAC}), msg)
    # Still the XDP fast path with the next hop prepared (at most the packet
    # or two before the agent's rewrite took the tc path).
    now = ha_counters(xtopo)
    assert now["encap_ok"] > before["encap_ok"], (before, now)
    assert now["fallback_nh_to_tc"] - before["fallback_nh_to_tc"] <= 2, (before, now)


def fresh_cache_then_no_agent(xtopo):
    """Restart the HA agent (its start renews the lease and re-resolves
    every binding's next hop), then stop it: the lease runs out LEASE_S later."""
    assert xtopo.stop_agent("ha") == 0
    xtopo.start_agent("ha")
    time.sleep(0.5)
    assert xtopo.stop_agent("ha") == 0


def test_without_the_agent_the_old_mac_stays_until_it_returns(xtopo):
    """The documented trade-off: with no HA agent running nobody rewrites
    the slot, so the prepared (old) MAC stays in use (until the lease runs
    out); the agent re-resolves when it starts again, and the traffic
    follows at once."""
    coa, old_mac, ping, cap = away_with_ping(xtopo)
    fresh_cache_then_no_agent(xtopo)
    t0 = time.time()
    xtopo.sh(T.NS_RT, "ip", "link", "set", "dev", "br-home", "address", NEW_MAC)
    assert wait_for(lambda: NEW_MAC in xtopo.sh(T.NS_HA, "ip", "-6", "neigh", "show",
                                                T.RT_HOME).stdout, 1)
    time.sleep(1.3 - (time.time() - t0))
    t1 = time.time()
    xtopo.start_agent("ha")
    time.sleep(1.5)
    pcap = cap.stop()
    msg = "HA log:\n%s\nping:\n%s" % (xtopo.agent_log("ha")[-3000:], ping.text()[-1500:])
    stale = [m for m in tunnelled_dst_macs(pcap, coa, t0 + 0.3) if m == old_mac]
    assert stale, "expected the cached old MAC while no agent ran\n" + msg
    late = tunnelled_dst_macs(pcap, coa, t1 + 0.5)
    assert late and set(late) == {NEW_MAC}, \
        "tunnelled traffic did not follow once the agent was back\n" + msg


def test_without_the_agent_entries_expire(xtopo):
    """Safety net: with no agent at all, prepared next hops are used for at
    most LEASE_S after the agent's last renewal; then the XDP program hands
    the packets to the tc path, where the kernel resolves the next hop (and
    finds the new MAC)."""
    max_age = float(LEASE_S)
    coa, old_mac, ping, cap = away_with_ping(xtopo)
    fresh_cache_then_no_agent(xtopo)
    t0 = time.time()
    xtopo.sh(T.NS_RT, "ip", "link", "set", "dev", "br-home", "address", NEW_MAC)
    time.sleep(max_age + 2.0)
    pcap = cap.stop()
    seen = [(t - t0, mac) for t, mac in tunnelled_times(pcap, coa) if t > t0 + 0.3]
    msg = "max age %.1f s; tunnelled after the change:\n%s" % (
        max_age, "\n".join("%.2f %s" % x for x in seen))
    assert any(mac == old_mac for t, mac in seen if t < 1.0), \
        "the cached old MAC was not in use right after the change\n" + msg
    late = [mac for t, mac in seen if t > max_age + 1.0]
    assert late and set(late) == {NEW_MAC}, \
        "without an agent, the new MAC was not used after the lease\n" + msg
    assert ha_counters(xtopo)["fallback_nh_to_tc"] > 0, msg
