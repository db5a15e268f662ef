# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""`make bench` part 8, route optimisation: how long after a move the mobile
node's packets to its correspondent go directly again (RFC 6275 §11.7.2).

Our MN, HA and CN (role cn) in the e2e topology (selftests/e2e/topology.py,
namespaces xbr*), the MN configured with the CN as its correspondent. The
MN moves between links a and b; for each move two figures:
 - return routability + correspondent BU: from the home agent's BA for the
   new CoA to the correspondent's authenticated BA, as the MN agent measures
   it (its log line "return routability and BU in N ms"): the care-of test
   (CoTI/CoT) and the BU/BA, the home token being still fresh (§11.6.1);
 - move -> route optimised: from the new link coming up to that log line,
   polled every 5 ms (movement detection, the home registration, RR, BU).
The first registration (home test too) is reported apart. Checked before it
counts: the CN's binding cache names the last CoA.
"""
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

from scapy.all import raw
from scapy.layers.inet import UDP
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting
from scapy.layers.l2 import Ether
from scapy.packet import Raw

HERE = os.path.dirname(os.path.abspath(__file__))
E2E = os.path.join(os.path.dirname(HERE), "e2e")
sys.path.insert(0, HERE)
import perpacket  # noqa: E402


def _med(v):
    return statistics.median(v) if v else 0.0


def bench(quick, fail):
    os.environ["XMIP_E2E_PREFIX"] = "xbr"     # before topology reads it
    sys.path.insert(0, E2E)
    import topology as T  # noqa: PLC0415

    cn_inst = T.PREFIX + "cn"
    trials = 2 if quick else 10
    tmp = tempfile.mkdtemp(prefix="xbn-ro-")
    res = dict(first_ms=None, rr_bu_ms=[], move_ms=[], trials=trials)
    pat = re.compile(r"route optimised to %s from CoA (\S+): .* in ([\d.]+) ms" % re.escape(T.CN_ADDR))
    try:
        with T.Topology(workdir=tmp, log=lambda m: None,
                        mn_conf_extra="[ro]\ncorrespondent = %s\n" % T.CN_ADDR) as t:
            conf = os.path.join(tmp, "cn.conf")
            open(conf, "w").write("role = cn\ninstance = %s\ninterface = eth0\naddress = %s\n"
                                  % (cn_inst, T.CN_ADDR))
            try:
                t.xmip(T.NS_CN, "attach", "-c", conf)
                t.agents["cn"] = t.spawn(T.NS_CN, "agent-cn", [
                    os.path.join(t.bin, "xmip-agentd"), "-c", conf, "-f"])
                for i in range(trials + 1):
                    where = "a" if i % 2 == 0 else "b"
                    coa = T.LINKS[where][0]
                    seen = len(pat.findall(t.agent_log("mn")))
                    t0 = time.monotonic()
                    t.move(where)
                    hit = None
                    while time.monotonic() - t0 < 20:
                        found = pat.findall(t.agent_log("mn"))
                        if len(found) > seen:
                            hit = found[seen]
                            break
                        time.sleep(0.005)
                    wall = (time.monotonic() - t0) * 1000
                    if not hit or hit[0] != coa:
                        fail("route optimisation after a move to %s: %s" % (where, hit))
                        break
                    if i == 0:
                        res["first_ms"] = float(hit[1])
                    else:
                        res["rr_bu_ms"].append(float(hit[1]))
                        res["move_ms"].append(wall)
                out = t.xmip(T.NS_CN, "binding", "show", "-i", cn_inst, "-j").stdout.strip()
                b = json.loads(out) if out else []
                if [x.get("coa") for x in b] != [T.LINKS["a" if trials % 2 == 0 else "b"][0]]:
                    fail("route optimisation: the CN's binding cache %s" % b)
            finally:
                t.stop_agent("cn")
                t.xmip(T.NS_CN, "detach", "-i", cn_inst, check=False)
                shutil.rmtree(os.path.join(T.PIN_ROOT, cn_inst), ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("  first registration (home and care-of tests, BU): %s ms" % res["first_ms"], flush=True)
    print("  after a move: RR + BU median %.2f ms %s; move -> route optimised median %.0f ms" % (
        _med(res["rr_bu_ms"]), res["rr_bu_ms"], _med(res["move_ms"])), flush=True)
    return res


def table_rows(r):
    if not r or not r.get("rr_bu_ms"):
        return []
    return [
        "| 8 | route optimisation after a move: care-of test + correspondent BU → BA (MN agent, "
        "median of %d) | %.2f ms (%.2f..%.2f) | | |" % (len(r["rr_bu_ms"]), _med(r["rr_bu_ms"]),
                                                    min(r["rr_bu_ms"]), max(r["rr_bu_ms"])),
        "| 8 | route optimisation after a move: new link up → packets direct again (home "
        "registration, RR, BU) | %.0f ms (%.0f..%.0f) | | |" % (_med(r["move_ms"]),
                                                               min(r["move_ms"]),
                                                               max(r["move_ms"])),
        "| 8 | route optimisation, first registration: home + care-of tests + BU → BA | %.1f ms | | |"
        % r["first_ms"],
    ]


# ---- the MN's route-optimisation datapath: program time per packet -------------
# As bench_cn.py does for the CN (perpacket.py): BPF_PROG_TEST_RUN through
# xmip_pktrun -o mn, the output checked with Scapy and the counter equal to the runs.

MN_HOA, MN_COA, MN_HA, MN_CN = "2001:db8:1::100", "2001:db8:a::100", "2001:db8:1::2", "2001:db8:c::2"
MAC_MN, MAC_GW = "02:00:00:00:0a:64", "02:00:00:00:0a:01"


def _hao_out(size):
    f = Ether(src=MAC_MN, dst=MAC_GW) / IPv6(src=MN_HOA, dst=MN_CN) / UDP(sport=4000, dport=5000)
    return f / Raw(b"\xa5" * (size - len(f)))


def _rh2_in(size):
    up = UDP(sport=5000, dport=4000) / Raw(b"\x5a" * (size - 14 - 40 - 24 - 8))
    real = IPv6(raw(IPv6(src=MN_CN, dst=MN_HOA) / up))
    return (Ether(src=MAC_GW, dst=MAC_MN) / IPv6(src=MN_CN, dst=MN_COA, nh=43) /
            IPv6ExtHdrRouting(type=2, segleft=1, addresses=[MN_HOA], nh=17) / Raw(raw(real.payload)))


def _check_hao(inp, out):
    o, i = Ether(out), Ether(inp)
    if IPv6ExtHdrDestOpt not in o or HAO not in o or o[HAO].hoa != MN_HOA or o[IPv6].src != MN_COA:
        return "no HAO / not from the CoA: " + o.summary()
    return None if raw(o[IPv6ExtHdrDestOpt].payload) == raw(i[IPv6].payload) else "upper layer changed"


def _check_rh2(inp, out):
    o, i = Ether(out), Ether(inp)
    if IPv6ExtHdrRouting in o or o[IPv6].dst != MN_HOA or o[IPv6].nh != 17:
        return "RH2 not restored: " + o.summary()
    return None if raw(o[IPv6].payload) == raw(i[IPv6ExtHdrRouting].payload) else "upper layer changed"


MN_CASES = [
    ("MN Home Address option out (tc egress)", "tc", _hao_out, "RO_MN_HAO_OK", _check_hao),
    ("MN routing header in (XDP ingress)", "xdp", _rh2_in, "RO_MN_RH2_RESTORED", _check_rh2),
]


def per_packet(quick, fail):
    return perpacket.bench("ro", "mn", MN_CASES, quick, fail,
                           ("mb0", MAC_MN, MN_COA, "2001:db8:a::1"),
                           lambda ifindex: ["-I", ifindex, "--self", MN_COA, "--peer", MN_HA,
                                            "--hoa", MN_HOA, "--away", "--coa-ifindex", ifindex,
                                            "--gw-mac", MAC_GW, "-b", "%s=%s" % (MN_CN, MN_COA)])


per_packet_rows = perpacket.table_rows
