# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The HA in tc mode (xdp-mode = tc) with every offload as the kernel sets
it: GSO on the senders, GRO on every veth, checksum offload (packets reach
the HA's tc ingress as GRO'd super-packets with CHECKSUM_PARTIAL).

- The handover scenario (ping and one TCP stream, home -> a -> b -> home)
  survives, as with XDP.
- A bulk transfer from the CN to the away MN arrives intact (SHA-256), and
  the HA encapsulated far fewer packets than there were 1460-octet segments:
  it tunnelled GSO packets whole, bpf_skb_adjust_room with
  BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 leaving the segmentation to the kernel.
"""
import json

import topology as T
from scenario import Handover
from test_handover import describe

MB = 1024 * 1024


def ha_counters(topo):
    r = topo.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j", "-a")
    return json.loads(r.stdout)[0]["counters"]


def offloads(topo, ns, dev):
    out = topo.sh(ns, "ethtool", "-k", dev).stdout
    return {k.strip(): v.strip() for k, _, v in (l.partition(":") for l in out.splitlines()) if v}


def test_tc_mode_attach_and_no_offload_turned_off(xtopo_tc):
    show = json.loads(xtopo_tc.xmip(T.NS_HA, "show", "-i", T.HA_INSTANCE, "-j").stdout)[0]
    iface = show["interfaces"][0]
    assert iface["xdp_mode"] == "tc" and iface["link_id"] == 0, iface
    assert iface["tc_ingress"]["prog_name"] == "xmip_ha_tc_in", iface
    assert iface["tc_egress"]["prog_name"] == "xmip_ha_tc_out", iface
    # Nothing in front of the HA makes its link wire-like in this mode.
    rt = offloads(xtopo_tc, T.NS_RT, "h-ha")
    ha = offloads(xtopo_tc, T.NS_HA, "eth0")
    for k in ("tx-checksumming", "generic-segmentation-offload", "generic-receive-offload"):
        assert rt[k].startswith("on") and ha[k].startswith("on"), (k, rt, ha)


def test_tc_mode_handover_keeps_ping_and_tcp(xtopo_tc):
    h = Handover(xtopo_tc)
    h.start()
    last = h.tcp()[0]
    for to in ("a", "b", "home"):
        step = h.move(to)
        msg = describe(step) + "\nHA log:\n" + xtopo_tc.agent_log("ha")[-3000:]
        assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], msg
        assert step["tcp_error"] is None and step["tcp_client_alive"], msg
        assert step["tcp_bytes"] > last, msg
        last = step["tcp_bytes"]
    c = ha_counters(xtopo_tc)
    assert c["encap_ok"] > 0 and c["decap_ok"] > 0, c
    for bad in ("drop_adjust_failed", "drop_malformed", "drop_spoofed_coa"):
        assert c[bad] == 0, c


def test_tc_mode_bulk_tcp_gso_through_the_tunnel(xtopo_tc):
    xtopo_tc.move("a")
    xtopo_tc.wait_binding(T.LINKS["a"][0])
    before = ha_counters(xtopo_tc)
    n = 20 * MB
    got = T.transfer(xtopo_tc, T.NS_MN, T.HOA, T.NS_CN, T.CN_ADDR, n)
    from hashstream import expected  # noqa: E402 (topology put it on the path)
    assert got == expected(n), got
    after = ha_counters(xtopo_tc)
    encap = after["encap_ok"] - before["encap_ok"]
    segments = n // 1400
    # GSO packets tunnelled whole: far fewer than one per segment.
    assert 0 < encap < segments // 2, (encap, segments, after)
    assert after["drop_adjust_failed"] == before["drop_adjust_failed"], after
    # And the MN to the CN (reverse tunnel: GRO'd tunnel packets decapsulated).
    got = T.transfer(xtopo_tc, T.NS_CN, T.CN_ADDR, T.NS_MN, T.HOA, 8 * MB)
    assert got == expected(8 * MB), got
