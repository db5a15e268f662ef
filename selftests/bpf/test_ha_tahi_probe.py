# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The final probe of the TAHI ct-mipv6-ha cases (docs/CONFORMANCE.md, D3)
on the HA's datapath, through BPF_PROG_TEST_RUN (selftests/tools/xmip_pktrun).

TAHI checks each binding with an Echo Request from the CoA to the HA carrying
a Home Address option (`echo.def`, the option header of `registration.def`:
PadN with two octets of data, then the HAO, 24 octets); an Echo Reply with a
type-2 routing header means "bound", a Binding Error status 1 "not bound"
(RFC 6275 §9.3.1, §9.3.3). test_ro_mn_ha.py covers a probe from the bound
CoA, from another CoA and for an unknown home address; these are the states
of the suite's other probes:
 - HA_2_1_4, HA_2_1_8: the lifetime ran out. The datapath refuses the option
   at the binding's end even before the agent deletes it (it never passes
   an option the kernel would answer with a Parameter Problem);
 - HA_2_5_*, HA_2_7_*, HA_5_1_4, HA_6_1_2: the binding moved to a new CoA (MN0Y).
   A probe from the new CoA is restored and the HA's reply follows the new
   CoA, whatever CoA the HA's route-optimisation note held before.
"""
from scapy.all import Ether
from scapy.layers.inet6 import (HAO, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6,
                                IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, PadN)

from conftest import (COA, COA2, HA, HOA, MAC_HOME, MAC_UPLINK, MAC_UPLINK_GW, assert_same,
                      ha_args, pktrun)


def tahi_probe(src, hoa=HOA):
    """TAHI's Echo Request w/ HaO (echo.def; ext_homeaddress of registration.def)."""
    inner = IPv6(bytes(IPv6(src=hoa, dst=HA, hlim=64) /
                       ICMPv6EchoRequest(id=0xffff, seq=1, data=b"\x00" * 8)))
    dh = IPv6ExtHdrDestOpt(nh=58, options=[PadN(optdata=b"\x00\x00"), HAO(hoa=hoa)])
    pkt = IPv6(bytes(IPv6(src=src, dst=HA, hlim=64) / dh / inner[ICMPv6EchoRequest]))
    assert len(pkt[IPv6ExtHdrDestOpt]) - len(pkt[ICMPv6EchoRequest]) == 24
    return Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / pkt, inner


def test_probe_after_the_lifetime_ran_out_is_refused_and_reported(ha_ns):
    for prog, verdict in (("xdp", "XDP_DROP"), ("tc", "TC_ACT_SHOT")):
        frame, _ = tahi_probe(COA)
        r = pktrun(ha_ns, "ha", prog, frame, ha_ns.uplink,
                   ha_args(extra=["--expired-binding", "%s=%s" % (HOA, COA)]))
        assert r.verdict == verdict, (prog, r.js)
        stats = {k: v for k, v in r.stats.items() if k != "SIGNAL_SRC_NEW"}
        assert stats == {"RO_HA_DROP_HAO": 1, "SIGNAL_TO_AGENT": 1}, (prog, r.js)
        assert r.js["ha_ro"] == {}
        # The agent's Binding Error 1 needs the source and the option: the
        # headers up to the Echo Request.
        ev = r.signal[0]
        assert ev["family"] == 1 and ev["pkt"][:ev["len"]] == bytes(frame[IPv6])[:40 + 24]


def test_probe_from_the_new_coa_after_a_move_is_restored_and_answered_there(ha_ns):
    # The HA last heard a HAO from COA; the binding now names COA2 (2nd BU).
    frame, inner = tahi_probe(COA2)
    for prog, verdict in (("xdp", "XDP_PASS"), ("tc", "TC_ACT_OK")):
        r = pktrun(ha_ns, "ha", prog, frame, ha_ns.uplink,
                   ha_args((HOA, COA2), extra=["--ha-ro", "%s=%s" % (HOA, COA)]))
        assert r.verdict == verdict, (prog, r.js)
        assert r.stats == {"RO_HA_HAO_RESTORED": 1}, (prog, r.js)
        assert_same(r.out, Ether(src=MAC_UPLINK_GW, dst=MAC_UPLINK) / inner)
        assert r.js["ha_ro"] == {HOA: COA2}, (prog, r.js)
    # The kernel's Echo Reply (from the HA to the HoA) leaves for COA2 with
    # the routing header: TAHI's "MN0Y receives Echo Reply w/ RH".
    reply = IPv6(bytes(IPv6(src=HA, dst=HOA, hlim=64) /
                       ICMPv6EchoReply(id=0xffff, seq=1, data=b"\x00" * 8)))
    t = pktrun(ha_ns, "ha", "tc-out", Ether(src=MAC_HOME, dst=MAC_HOME) / reply, ha_ns.home,
               ha_args((HOA, COA2), extra=["--ha-ro", "%s=%s" % (HOA, COA2)]))
    assert t.verdict == "TC_ACT_REDIRECT" and t.stats.get("RO_HA_RH2_OK") == 1, t.js
    want = Ether(src=MAC_UPLINK, dst=MAC_UPLINK_GW) / \
        IPv6(src=HA, dst=COA2, nh=43, hlim=64, plen=reply.plen + 24) / \
        IPv6ExtHdrRouting(type=2, segleft=1, addresses=[HOA], nh=58) / reply[ICMPv6EchoReply]
    assert_same(t.out, want)
