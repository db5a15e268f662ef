# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""xmip_mn_xdp (ingress) and xmip_mn_egress (tc) on crafted packets.

Topology (mn_ns): the MN away from home, CoA on xbtm, HoA on lo, default
route via MN_GW (static neighbour entry).
"""
from scapy.all import Ether, Raw, UDP
from scapy.layers.inet6 import (HAO, ICMPv6PacketTooBig, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrRouting, MIP6MH_BA, MIP6MH_BU, MIP6MH_HoT, MIP6MH_HoTI)

import json
import os
import subprocess
import uuid

from conftest import (CN, COA, HA, HOA, MAC_MN, MAC_MN_GW, PREFIX, assert_same, mn_args, pktrun)

OTHER = "2001:db8:6::1"
MN_ROUTER = "2001:db8:9::1"


def data_pkt(src=CN, dst=HOA, size=64):
    return IPv6(src=src, dst=dst, hlim=57, tc=0xb8) / UDP(sport=5000, dport=4000) / \
        Raw(bytes(range(size)))


def arriving(pkt):
    return Ether(src=MAC_MN_GW, dst=MAC_MN) / pkt


def leaving(pkt):
    # As the kernel hands it to tc: already routed and neighbour-resolved
    # for the inner destination (deliberately a wrong MAC, to see the rewrite).
    return Ether(src=MAC_MN, dst="02:00:00:00:00:99") / pkt


# --- XDP ingress ------------------------------------------------------------

def test_decap_from_home_agent(mn_ns):
    inner = data_pkt()
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=COA) / inner), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"MN_DECAP_OK": 1}
    assert_same(r.out, arriving(inner))
    got = Ether(r.out)
    assert got[IPv6].src == CN and got[IPv6].dst == HOA and got[IPv6].hlim == 57


def test_tunnel_from_someone_else_dropped(mn_ns):
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=OTHER, dst=COA) / data_pkt()), mn_ns.mn,
               mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_DECAP_NOT_HA": 1}


def test_tunnel_to_the_hoa_dropped_even_from_the_ha(mn_ns):
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=HOA) / data_pkt()), mn_ns.mn,
               mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_DECAP_NOT_HA": 1}


def test_ba_with_type2_routing_header_goes_to_ring_buffer(mn_ns):
    ba = IPv6(src=HA, dst=COA) / IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA]) / \
        MIP6MH_BA(status=0, seq=7, mhtime=15)
    r = pktrun(mn_ns, "mn", "xdp", arriving(ba), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert len(r.signal) == 1
    ev = r.signal[0]
    assert ev["ifindex"] == mn_ns.mn
    assert ev["pkt"][:ev["len"]] == bytes(ba)
    assert IPv6(ev["pkt"][:ev["len"]])[MIP6MH_BA].seq == 7


def test_mh_without_rh2_to_hoa_goes_to_ring_buffer(mn_ns):
    be = IPv6(src=HA, dst=HOA) / MIP6MH_BA(status=0, seq=9)
    r = pktrun(mn_ns, "mn", "xdp", arriving(be), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(be)


def test_mh_inside_the_tunnel_goes_to_ring_buffer(mn_ns):
    hot = IPv6(src=CN, dst=HOA) / MIP6MH_HoT(index=1)
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=COA) / hot), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"MN_DECAP_OK": 1, "SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(hot)


def test_plain_traffic_to_the_coa_passes(mn_ns):
    frame = arriving(data_pkt(dst=COA))
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


def test_mh_for_someone_else_passes(mn_ns):
    frame = arriving(IPv6(src=HA, dst=OTHER) / MIP6MH_BA(seq=1))
    r = pktrun(mn_ns, "mn", "xdp", frame, mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.signal == []


def test_mn_truncated_ext_header_dropped(mn_ns):
    pkt = IPv6(src=HA, dst=COA, nh=43) / Raw(bytes([135, 2, 2, 1]) + bytes(4))
    r = pktrun(mn_ns, "mn", "xdp", arriving(pkt), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_MALFORMED": 1}


# --- tc egress --------------------------------------------------------------

def outer_for(inner):
    return IPv6(src=COA, dst=HA, nh=41, hlim=64, tc=0xb8, fl=0, plen=len(inner))


def test_egress_away_tunnels_hoa_traffic_to_the_ha(mn_ns):
    # A host that does not forward (the usual MN): bpf_fib_lookup refuses
    # (FWD_DISABLED), so the outer packet goes to bpf_redirect_neigh, which
    # routes it by its outer header; the test run reports the redirect.
    inner = data_pkt(src=HOA, dst=CN)
    frame = leaving(inner)
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mn_args(away=True))
    assert r.verdict == "TC_ACT_REDIRECT", r.js
    assert r.stats == {"MN_ENCAP_OK": 1, "FWD_REDIRECT_NEIGH": 1}
    assert_same(r.out, Ether(src=MAC_MN, dst="02:00:00:00:00:99") / outer_for(inner) / inner)
    got = Ether(r.out)
    assert got[IPv6].nh == 41 and got[IPv6].payload.src == HOA and got[UDP].sport == 5000


def test_egress_away_on_a_forwarding_host_rewrites_the_next_hop(mn_ns):
    mn_ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    try:
        inner = data_pkt(src=HOA, dst=CN)
        r = pktrun(mn_ns, "mn", "tc", leaving(inner), mn_ns.mn, mn_args(away=True))
    finally:
        mn_ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"MN_ENCAP_OK": 1, "FWD_SAME_DEV": 1}
    assert_same(r.out, Ether(src=MAC_MN, dst=MAC_MN_GW) / outer_for(inner) / inner)


def test_egress_away_through_the_router_the_agent_found_needs_no_lookup(mn_ns):
    """The kernel routed the inner packet (from the HoA: table 4191, via the
    CoA link's router) and resolved that router: if it is the one the agent
    wrote into xmip_mn_state (gw_mac), on the CoA's interface, the frame's
    MACs are already the outer packet's: sent as it is, no FIB lookup."""
    inner = data_pkt(src=HOA, dst=CN)
    frame = Ether(src=MAC_MN, dst=MAC_MN_GW) / inner
    args = mn_args(away=True, extra=["--gw-mac", MAC_MN_GW, "--coa-ifindex", str(mn_ns.mn)])
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, args)
    assert r.verdict == "TC_ACT_OK", r.js
    assert r.stats == {"MN_ENCAP_OK": 1}
    assert_same(r.out, Ether(src=MAC_MN, dst=MAC_MN_GW) / outer_for(inner) / inner)
    # Another next hop (the kernel's choice is not the router's): the slow path.
    r = pktrun(mn_ns, "mn", "tc", leaving(inner), mn_ns.mn, args)
    assert r.verdict == "TC_ACT_REDIRECT"
    assert r.stats == {"MN_ENCAP_OK": 1, "FWD_REDIRECT_NEIGH": 1}


def test_packet_too_big_about_the_tunnel_goes_to_the_agent_and_the_kernel(mn_ns):
    """A router between CoA and HA says our tunnel packet was too big: the
    agent lowers the HoA's route MTU (table 4191); the kernel sees it too."""
    inner = IPv6(src=HOA, dst=CN) / UDP(sport=5000, dport=4000) / Raw(bytes(1400))
    quoted = IPv6(src=COA, dst=HA, nh=41, hlim=64) / inner
    ptb = IPv6(src=MN_ROUTER, dst=COA) / ICMPv6PacketTooBig(mtu=1400) / Raw(bytes(quoted)[:1232])
    r = pktrun(mn_ns, "mn", "xdp", arriving(ptb), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS"
    assert r.stats == {"ICMP_TO_AGENT": 1, "SIGNAL_SRC_NEW": 1}
    ev = r.signal[0]
    assert ev["family"] == 254 and ev["pkt"][:ev["len"]] == bytes(ptb)[:ev["len"]]
    assert_same(r.out, arriving(ptb))
    # Not about our tunnel (another source in the quote): the kernel's alone.
    other = IPv6(src=MN_ROUTER, dst=COA) / ICMPv6PacketTooBig(mtu=1400) / \
        Raw(bytes(IPv6(src=HOA, dst=CN) / Raw(bytes(100))))
    r = pktrun(mn_ns, "mn", "xdp", arriving(other), mn_ns.mn, mn_args())
    assert r.verdict == "XDP_PASS" and r.stats == {"PASS_NOT_OURS": 1} and r.signal == []


def test_egress_at_home_untouched(mn_ns):
    frame = leaving(data_pkt(src=HOA, dst=CN))
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mn_args(away=False))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_MN_AT_HOME": 1}
    assert_same(r.out, frame)


def test_egress_away_tunnels_the_home_test_init(mn_ns):
    """The agent's HoTI leaves from the HoA: it must reach the correspondent
    through the home agent (RFC 6275 §5.2.5), so it is tunnelled like data,
    never left alone (the MN used to exempt every Mobility Header) -- even
    to a correspondent that holds our binding."""
    hoti = IPv6(src=HOA, dst=CN) / MIP6MH_HoTI(cookie=b"12345678")
    r = pktrun(mn_ns, "mn", "tc", leaving(hoti), mn_ns.mn,
               mn_args(away=True, extra=["-b", "%s=%s" % (CN, COA)]))
    assert r.verdict == "TC_ACT_REDIRECT", r.js
    assert r.stats == {"RO_MN_SIGNAL_TUNNEL": 1, "MN_ENCAP_OK": 1, "FWD_REDIRECT_NEIGH": 1}
    got = Ether(r.out)
    assert got[IPv6].src == COA and got[IPv6].dst == HA and got[IPv6].nh == 41
    assert bytes(got[IPv6].payload) == bytes(hoti)


def test_egress_away_leaves_coa_traffic_alone(mn_ns):
    frame = leaving(IPv6(src=COA, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=HOA)]) /
                    MIP6MH_BU(seq=3))
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mn_args(away=True))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_NOT_OURS": 1}
    assert_same(r.out, frame)


def test_egress_not_ready_untouched(mn_ns):
    frame = leaving(data_pkt(src=HOA, dst=CN))
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mn_args(extra=["--not-ready"]))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_NOT_READY": 1}
    assert_same(r.out, frame)


# --- the MN's maps -----------------------------------------------------------

def test_mn_map_set_and_state_readable_by_name(mn_ns):
    # The MN's object carries only what its programs use (docs/DESIGN.md,
    # "Map set per role"), and bpftool shows the state with field names.
    os.makedirs("/sys/fs/bpf/xmip", exist_ok=True)
    pin = "/sys/fs/bpf/xmip/" + PREFIX + "-%s" % uuid.uuid4().hex[:8]
    os.makedirs(pin)
    try:
        r = pktrun(mn_ns, "mn", "tc", leaving(data_pkt(src=HOA, dst=CN)), mn_ns.mn,
                   mn_args(away=True, extra=["--pin-dir", pin, "--coa-ifindex", str(mn_ns.mn)]))
        assert r.verdict in ("TC_ACT_REDIRECT", "TC_ACT_OK")
        # xmip_bindings, xmip_ro_peers, xmip_ro_used: its correspondent binding
        # cache (bpf/ro/mn_cn.h).
        assert sorted(os.listdir(pin)) == ["xmip_bindings", "xmip_mn_ro", "xmip_mn_ro_seen",
                                           "xmip_mn_state", "xmip_mnp", "xmip_ro_peers",
                                           "xmip_ro_used", "xmip_signal", "xmip_stats"]
        dump = json.loads(subprocess.run(
            ["bpftool", "-j", "map", "dump", "pinned", os.path.join(pin, "xmip_mn_state")],
            check=True, capture_output=True, text=True).stdout)
        assert len(dump) == 1
        st = dump[0]["formatted"]["value"]
        assert st["flags"] == 1 and st["coa_ifindex"] == mn_ns.mn
        assert bytes(st["coa"]) == bytes.fromhex("20010db8000900000000000000000100")  # COA
        assert bytes(st["ha"]) == bytes.fromhex("20010db8000100000000000000000002")   # HA
    finally:
        for f in os.listdir(pin):
            os.unlink(os.path.join(pin, f))
        os.rmdir(pin)


def test_no_state_yet_is_at_home(mn_ns):
    # Attached, no agent has written the state: at home, HoA traffic untouched.
    frame = leaving(data_pkt(src=HOA, dst=CN))
    r = pktrun(mn_ns, "mn", "tc", frame, mn_ns.mn, mn_args(away=True, extra=["--no-state"]))
    assert r.verdict == "TC_ACT_OK"
    assert r.stats == {"PASS_MN_AT_HOME": 1}
    assert_same(r.out, frame)


def test_no_state_yet_signalling_to_the_hoa_still_reaches_the_agent(mn_ns):
    # The home address is static configuration (rodata), not state.
    ba = IPv6(src=HA, dst=HOA) / MIP6MH_BA(status=0, seq=3)
    r = pktrun(mn_ns, "mn", "xdp", arriving(ba), mn_ns.mn, mn_args(extra=["--no-state"]))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"SIGNAL_SRC_NEW": 1, "SIGNAL_TO_AGENT": 1}
    assert r.signal[0]["family"] == 1
    assert r.signal[0]["pkt"][:r.signal[0]["len"]] == bytes(ba)


def test_no_state_yet_tunnel_packets_dropped(mn_ns):
    # No CoA, no home agent known: nobody may tunnel to us.
    r = pktrun(mn_ns, "mn", "xdp", arriving(IPv6(src=HA, dst=HOA) / data_pkt()), mn_ns.mn,
               mn_args(extra=["--no-state"]))
    assert r.verdict == "XDP_DROP"
    assert r.stats == {"DROP_DECAP_NOT_HA": 1}
