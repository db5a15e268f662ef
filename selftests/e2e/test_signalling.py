# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""(c) The signalling on the HA's link is Mobile IPv6 as tshark and Scapy read it."""
import topology as T
from mip6pkt import checksum_agrees
from scapy.utils import rdpcap
from scenario import Capture, Handover, tshark_fields

FIELDS = ["frame.number", "ipv6.src", "ipv6.dst", "mip6.mhtype",
          "mip6.bu.seqnr", "mip6.bu.lifetime", "mip6.bu.a_flag", "mip6.bu.h_flag",
          "mip6.ba.status", "mip6.ba.seqnr", "mip6.ba.lifetime"]


def test_bu_ba_decode_as_mobile_ipv6(xtopo):
    t = xtopo
    cap = Capture(t)
    h = Handover(t)
    h.start()
    for to in ("a", "b", "home"):
        assert h.move(to)["binding_ok"], h.steps[-1]
    path = cap.stop()

    malformed = tshark_fields(path, ["frame.number"], "_ws.malformed || _ws.expert.severity == error")
    assert malformed == [], "tshark finds malformed/error frames: %s" % malformed

    rows = tshark_fields(path, FIELDS, "mipv6")
    bus = [r for r in rows if r["mip6.mhtype"] == "5"]
    bas = [r for r in rows if r["mip6.mhtype"] == "6"]
    assert len(bus) >= 3 and len(bas) >= 3, rows
    for bu in bus:
        assert bu["mip6.bu.a_flag"] in ("1", "True") and bu["mip6.bu.h_flag"] in ("1", "True"), bu
    # Every accepted BA acknowledges a BU with the same sequence number.
    ok_bas = [r for r in bas if r["mip6.ba.status"] == "0"]
    bu_seqs = {r["mip6.bu.seqnr"] for r in bus}
    assert len(ok_bas) >= 3, bas
    for ba in ok_bas:
        assert ba["mip6.ba.seqnr"] in bu_seqs, (ba, bu_seqs)
    # Registrations from a and b ask for and get a lifetime; coming home is
    # a deregistration (lifetime 0).
    coas = {T.LINKS["a"][0]: None, T.LINKS["b"][0]: None}
    for coa in coas:
        reg = [r for r in bus if r["ipv6.src"] == coa]
        assert reg and int(reg[-1]["mip6.bu.lifetime"]) > 0, (coa, bus)
        acks = [r for r in ok_bas if r["ipv6.dst"] == coa]
        assert acks and int(acks[-1]["mip6.ba.lifetime"]) > 0, (coa, bas)
    assert int(bus[-1]["mip6.bu.lifetime"]) == 0, "last BU is not a deregistration: %s" % bus[-1]
    # Sequence numbers of successive registrations increase (RFC 6275 §11.7.1).
    seqs = [int(r["mip6.bu.seqnr"]) for r in bus]
    assert all(((b - a) & 0xFFFF) < 32768 for a, b in zip(seqs, seqs[1:])), seqs

    # Scapy agrees with our Mobility Header checksums (HAO/RH2 pseudo-header).
    frames = [p for p in rdpcap(path) if any(l.__name__.startswith("MIP6MH_") for l in p.layers())]
    bad = [p.summary() for p in frames if not checksum_agrees(p)]
    assert frames and not bad, "MH checksum disagrees with Scapy: %s" % bad
