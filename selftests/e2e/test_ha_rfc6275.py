# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The home agent to the letter of RFC 6275 §9.5.1, §10.3.1, §10.3.2, §10.4.1.

Lean topologies (no correspondent node). What the HA sends is read from a
capture of the home link (the router's port towards the HA) decoded by
tshark; the binding cache from `xmip binding show -j`; proxy entries from
`ip -6 neigh show proxy`.

- A node on the home link that owns the MN's home address answers the HA's
  duplicate address detection: the registration is refused with 134, and no
  binding or proxy entry is made (§10.3.1). Once the address is free, the
  next move registers.
- With L=1 the HA defends the MN's link-local address (same interface
  identifier as the HoA) while the MN is away: it answers a Neighbor
  Solicitation and a DAD probe for it; after the deregistration it stops
  (§10.4.1, §10.3.2).
- A deregistration followed by a registration with a lower sequence number
  is accepted (§9.5.1: with no binding, any number); a deregistration and a
  registration back to back, in either order, leave binding and proxy
  entry consistent (one BU per home address at a time, in arrival order).
"""
import json
import time

import topology as T
from mip6pkt import mac_of, signed_bu
from scapy.layers.inet6 import ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6
from scapy.layers.l2 import Ether
from scenario import Capture, tshark_fields, wait_for
import os

INJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject.py")
ND_FILTER = "icmp6 or ip6[6] == 135 or ip6[6] == 60 or ip6[6] == 43"
LL = "fe80::100"                  # the MN's link-local address with the HoA's identifier
SOLICITED_LL = "ff02::1:ff00:100"


def inject(topo, dev, *frames):
    topo.sh(T.NS_RT, T.PY, INJECT, dev, *(bytes(f).hex() for f in frames))


def proxies(topo):
    out = topo.sh(T.NS_HA, "ip", "-6", "-j", "neigh", "show", "proxy").stdout
    return sorted(e["dst"] for e in json.loads(out or "[]"))


def bas(pcap):
    return tshark_fields(pcap, ["frame.time_epoch", "ipv6.dst", "mip6.ba.status",
                                "mip6.ba.seqnr"], "mip6.mhtype == 6")


def ha_agent_up(t):
    assert wait_for(lambda: "home agent" in t.agent_log("ha"), 10), t.agent_log("ha")


def test_dad_conflict_refuses_with_134_and_makes_nothing(make_topo):
    t = make_topo(with_cn=False)
    ha_agent_up(t)
    # The router's side of the home link takes the MN's home address.
    t.sh(T.NS_RT, "ip", "addr", "add", T.HOA + "/64", "dev", "br-home", "nodad")
    cap = Capture(t, "dad", filt=ND_FILTER)
    rt_mac = mac_of(t, T.NS_RT, "br-home")
    coa_a = T.LINKS["a"][0]
    t.move("a")
    assert wait_for(lambda: "status 134" in t.agent_log("mn"), 10), t.agent_log("ha")[-3000:]
    time.sleep(0.5)
    cap.stop()

    refused = [r for r in bas(cap.path) if r["ipv6.dst"] == coa_a]
    assert refused and all(r["mip6.ba.status"] == "134" for r in refused), refused
    # The HA probed (NS from ::, RFC 4862 §5.4.2), the router defended (NA).
    probes = tshark_fields(cap.path, ["ipv6.dst", "ipv6.hlim"],
                           "icmpv6.type == 135 && ipv6.src == :: && "
                           "icmpv6.nd.ns.target_address == %s" % T.HOA)
    assert probes and probes[0]["ipv6.dst"] == "ff02::1:ff00:100" and probes[0]["ipv6.hlim"] == "255"
    defence = tshark_fields(cap.path, ["eth.src"], "icmpv6.type == 136 && "
                            "icmpv6.nd.na.target_address == %s" % T.HOA)
    assert any(r["eth.src"] == rt_mac for r in defence), defence
    assert t.bindings() == []
    assert T.HOA not in proxies(t)
    assert "in use on the home link" in t.agent_log("ha")

    # Once nobody else has it, the next move registers (after its DAD).
    t.sh(T.NS_RT, "ip", "addr", "del", T.HOA + "/64", "dev", "br-home")
    t.move("b")
    t.wait_binding(T.LINKS["b"][0], timeout=10)
    assert T.HOA in proxies(t)


def ns_frames(topo):
    """From the router on the home link: a Neighbor Solicitation for the MN's
    link-local address (as address resolution sends it) and a DAD probe."""
    rt_mac = mac_of(topo, T.NS_RT, "br-home")
    rt_ll = T.RT_HOME              # the router's address on the home link
    mcast = Ether(dst="33:33:ff:00:01:00", src=rt_mac)
    ns = mcast / IPv6(src=rt_ll, dst=SOLICITED_LL, hlim=255) / ICMPv6ND_NS(tgt=LL) / \
        ICMPv6NDOptSrcLLAddr(lladdr=rt_mac)
    dad = mcast / IPv6(src="::", dst=SOLICITED_LL, hlim=255) / ICMPv6ND_NS(tgt=LL)
    return ns, dad, rt_ll


def answers_for_ll(pcap, ha_mac, after):
    rows = tshark_fields(pcap, ["frame.time_epoch", "ipv6.dst", "icmpv6.nd.na.flag.s",
                                "icmpv6.nd.na.flag.o"],
                         "icmpv6.type == 136 && icmpv6.nd.na.target_address == %s && "
                         "eth.src == %s" % (LL, ha_mac))
    return [r for r in rows if float(r["frame.time_epoch"]) > after]


def test_link_local_defended_while_away_and_not_after(make_topo):
    t = make_topo(with_cn=False, mn_conf_extra="link-local-compat = yes\n")
    ha_agent_up(t)
    ha_mac = mac_of(t, T.NS_HA, "eth0")
    cap = Capture(t, "ll", filt=ND_FILTER)
    t0 = time.time()
    t.move("a")
    b = t.wait_binding(T.LINKS["a"][0], timeout=10)
    assert "L" in b["flags"], b
    assert proxies(t) == sorted([T.HOA, LL])
    # Registration: DAD probes for both, then unsolicited NAs (Override) for both.
    time.sleep(0.5)
    probes = tshark_fields(cap.path, ["icmpv6.nd.ns.target_address"],
                           "icmpv6.type == 135 && ipv6.src == ::")
    assert {r["icmpv6.nd.ns.target_address"] for r in probes} >= {T.HOA, LL}, probes
    unsolicited = answers_for_ll(cap.path, ha_mac, t0)
    assert any(r["ipv6.dst"] == "ff02::1" and r["icmpv6.nd.na.flag.o"] == "1" for r in unsolicited)

    # Away: the HA answers address resolution and defends against a DAD probe.
    ns, dad, rt_ll = ns_frames(t)
    t1 = time.time()
    inject(t, "br-home", ns, dad)
    got = wait_for(lambda: len({r["ipv6.dst"] for r in answers_for_ll(cap.path, ha_mac, t1)}) >= 2,
                   5, step=0.3)
    rows = answers_for_ll(cap.path, ha_mac, t1)
    assert got, "no NA for %s from the HA: %s" % (LL, rows)
    solicited = [r for r in rows if r["ipv6.dst"] == rt_ll]
    defended = [r for r in rows if r["ipv6.dst"] == "ff02::1"]
    assert solicited and solicited[0]["icmpv6.nd.na.flag.s"] == "1"
    assert defended and defended[0]["icmpv6.nd.na.flag.s"] == "0"

    # Home: deregistered, the HA stops answering for the link-local address.
    t.move("home")
    t.wait_binding(None)
    assert LL not in proxies(t) and T.HOA not in proxies(t)
    t2 = time.time()
    inject(t, "br-home", ns, dad)
    time.sleep(2.5)            # longer than the kernel's proxy delay (0.8 s)
    cap.stop()
    assert answers_for_ll(cap.path, ha_mac, t2) == []


def test_deregistration_then_lower_sequence_number(make_topo):
    t = make_topo(with_cn=False)
    ha_agent_up(t)
    coa = T.LINKS["a"][0]
    t.move("a")
    seq = t.wait_binding(coa, timeout=10)["seq"]
    t.stop_agent("mn")            # from here on, the BUs are ours (the binding stays)
    ha_mac, rt_mac = mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home")
    cap = Capture(t, "seq")

    inject(t, "h-ha", signed_bu(ha_mac, rt_mac, coa, (seq + 1) & 0xFFFF, lifetime_s=0))
    t.wait_binding(None)
    lower = (seq - 1000) & 0xFFFF            # "less than" the last accepted, modulo 2^16
    time.sleep(0.01)                        # a newer Mesg-ID
    inject(t, "h-ha", signed_bu(ha_mac, rt_mac, coa, lower))
    b = t.wait_binding(coa, timeout=10)      # after the DAD of a first registration
    assert b["seq"] == lower
    assert T.HOA in proxies(t)
    time.sleep(0.3)
    cap.stop()
    got = {(r["mip6.ba.seqnr"], r["mip6.ba.status"]) for r in bas(cap.path)}
    assert (str((seq + 1) & 0xFFFF), "0") in got and (str(lower), "0") in got, got


def test_back_to_back_bus_leave_consistent_state(make_topo):
    """One BU per home address at a time, in arrival order: a deregistration
    from the home link followed at once by a registration, and a first
    registration (waiting for its DAD) followed at once by a deregistration,
    end with binding and proxy entry agreeing, as the last BU says."""
    t = make_topo(with_cn=False)
    ha_agent_up(t)
    coa = T.LINKS["a"][0]
    t.move("a")
    seq = t.wait_binding(coa, timeout=10)["seq"]
    t.stop_agent("mn")
    ha_mac, rt_mac = mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home")

    # Deregistration from home (source HoA, no HAO), then a registration.
    dereg = signed_bu(ha_mac, rt_mac, T.HOA, (seq + 1) & 0xFFFF, lifetime_s=0)
    time.sleep(0.01)
    reg = signed_bu(ha_mac, rt_mac, coa, (seq + 2) & 0xFFFF)
    inject(t, "h-ha", dereg, reg)
    b = t.wait_binding(coa, timeout=10)
    assert b["seq"] == (seq + 2) & 0xFFFF
    assert T.HOA in proxies(t)

    # Deregistered again; then a first registration and, while its DAD runs,
    # a deregistration: held, answered after it; nothing is left.
    time.sleep(0.01)
    inject(t, "h-ha", signed_bu(ha_mac, rt_mac, T.HOA, (seq + 3) & 0xFFFF, lifetime_s=0))
    t.wait_binding(None)
    time.sleep(0.01)
    reg = signed_bu(ha_mac, rt_mac, coa, (seq + 4) & 0xFFFF)
    time.sleep(0.01)
    dereg = signed_bu(ha_mac, rt_mac, coa, (seq + 5) & 0xFFFF, lifetime_s=0)
    inject(t, "h-ha", reg, dereg)
    assert wait_for(lambda: "deregistered: HoA %s seq %d" % (T.HOA, (seq + 5) & 0xFFFF)
                    in t.agent_log("ha"), 10), t.agent_log("ha")[-3000:]
    log = t.agent_log("ha")
    assert log.index("seq %d (1 x" % ((seq + 4) & 0xFFFF)) < \
        log.index("binding: HoA %s -> CoA %s lifetime 60 s seq %d" % (T.HOA, coa, (seq + 4) & 0xFFFF)) < \
        log.index("deregistered: HoA %s seq %d" % (T.HOA, (seq + 5) & 0xFFFF))
    assert t.bindings() == []
    assert T.HOA not in proxies(t)
