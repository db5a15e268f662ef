# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""`make bench` part 1, the correspondent node: program time per packet of
the CN's datapath (bpf/xmip_cn.bpf.c) through BPF_PROG_TEST_RUN, beside a
trivial program of the same type timed the same way.

Each figure is the mean kernel-measured duration of `runs` separate test
runs of one repetition, each on the same fresh input (tc cannot undo a
bpf_skb_adjust_room for the next repetition, so both paths are timed this
way; selftests/tools/xmip_pktrun -o cn --repeat). Before anything counts, the
output is checked with Scapy (the routing header is there and the upper
layer untouched; the HAO is gone and the source is the HoA), and the
datapath's counter must equal the number of runs: every timed run took the
timed path. Namespace xbn-cn-*, removed on exit.
"""
import json
import os
import subprocess
import tempfile
import uuid

from scapy.all import raw
from scapy.layers.inet import UDP
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting
from scapy.layers.l2 import Ether
from scapy.packet import Raw

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP_BUILD", "build/opt")
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD)
PKTRUN = os.path.join(BUILD, "tools", "xmip_pktrun")

CN = "2001:db8:c::2"
HOA = "2001:db8:1::100"
COA = "2001:db8:a::100"
MAC_CN, MAC_GW = "02:00:00:00:0c:02", "02:00:00:00:0c:01"


def sh(*a, check=True):
    return subprocess.run([str(x) for x in a], check=check, capture_output=True, text=True)


def out_frame(size):
    f = Ether(src=MAC_CN, dst=MAC_GW) / IPv6(src=CN, dst=HOA) / UDP(sport=4000, dport=5000)
    return f / Raw(b"\xa5" * (size - len(f)))


def in_frame(size):
    up = UDP(sport=5000, dport=4000) / Raw(b"\x5a" * (size - 14 - 40 - 24 - 8))
    real = IPv6(raw(IPv6(src=HOA, dst=CN) / up))     # the checksum for source = HoA
    return (Ether(src=MAC_GW, dst=MAC_CN) / IPv6(src=COA, dst=CN, nh=60) /
            IPv6ExtHdrDestOpt(nh=17, options=[HAO(hoa=HOA)]) / Raw(raw(real.payload)))


def out_frame_unbound(size):
    f = Ether(src=MAC_CN, dst=MAC_GW) / IPv6(src=CN, dst="2001:db8:77::1") / \
        UDP(sport=4000, dport=5000)
    return f / Raw(b"\xa5" * (size - len(f)))


def check_rh2(inp, out):
    o, i = Ether(out), Ether(inp)
    if IPv6ExtHdrRouting not in o:
        return "no routing header"
    rh = o[IPv6ExtHdrRouting]
    if (o[IPv6].dst, rh.type, rh.segleft, rh.addresses) != (COA, 2, 1, [HOA]):
        return "routing header wrong: " + o.summary()
    return None if raw(rh.payload) == raw(i[IPv6].payload) else "upper layer changed"


def check_hao(inp, out):
    o, i = Ether(out), Ether(inp)
    if IPv6ExtHdrDestOpt in o or o[IPv6].src != HOA or o[IPv6].nh != 17:
        return "HAO not restored: " + o.summary()
    return None if raw(o[IPv6].payload) == raw(i[IPv6ExtHdrDestOpt].payload) else "upper layer changed"


CASES = [
    # name, prog, frame, counter, check
    ("CN routing header out (tc egress)", "tc", out_frame, "RO_RH2_OK", check_rh2),
    ("CN Home Address option in (XDP ingress)", "xdp", in_frame, "RO_HAO_RESTORED", check_hao),
    ("CN not bound (tc egress, one lookup)", "tc", out_frame_unbound, "RO_PASS_NO_BINDING",
     None),
]


def run(ns, prog, path, runs, trivial=False):
    args = [PKTRUN, "--netns", ns, "-o", "cn", "-p", prog, "-i", path, "-w", path + ".out",
            "--self", CN,
            "-b", "%s=%s" % (HOA, COA), "--repeat", runs]
    r = sh(*(args + (["--pass"] if trivial else [])))
    return json.loads(r.stdout), open(path + ".out", "rb").read()


def bench(quick, fail):
    """Rows of the per-packet table; fail(msg) records a failed check."""
    runs = 50 if quick else 20000
    ns = "xbn-cn-" + uuid.uuid4().hex[:6]
    sh("ip", "netns", "add", ns)
    rows = []
    try:
        sh("ip", "-n", ns, "link", "add", "cb0", "address", MAC_CN, "type", "veth", "peer",
           "name", "cb1")
        for d in ("lo", "cb0", "cb1"):
            sh("ip", "-n", ns, "link", "set", d, "up")
        sh("ip", "-n", ns, "-6", "addr", "add", CN + "/64", "dev", "cb0", "nodad")
        sh("ip", "-n", ns, "-6", "route", "add", "default", "via", "2001:db8:c::1", "dev", "cb0")
        with tempfile.TemporaryDirectory(prefix="xbn-cn-") as tmp:
            for name, prog, frame, counter, check in CASES:
                for size in (64, 1400):
                    f = raw(frame(size if prog == "tc" else size + 24))
                    path = os.path.join(tmp, "in")
                    open(path, "wb").write(f)
                    run(ns, prog, path, min(runs, 200))     # warm the caches first
                    res, out = run(ns, prog, path, runs)
                    base, _ = run(ns, prog, path, runs, trivial=True)
                    err = None
                    if res["stats"].get(counter) != runs:
                        err = "counter %s = %s over %d runs" % (counter, res["stats"].get(counter),
                                                                 runs)
                    elif check:
                        err = check(f, out)
                    if err:
                        fail("per-packet %s %d B: %s" % (name, len(f), err))
                    rows.append(dict(path=name, frame=len(f), verified=err is None, error=err,
                                     program_ns=res["ns_per_packet"],
                                     trivial_ns=base["ns_per_packet"], runs=runs,
                                     trivial=("XDP_PASS" if prog == "xdp" else "TC_ACT_OK")))
                    print("  %-44s %5d B  %6.1f ns (trivial %s %5.1f ns)  (%s)" % (
                        name, len(f), res["ns_per_packet"], rows[-1]["trivial"],
                        base["ns_per_packet"], "verified" if err is None else err), flush=True)
    finally:
        sh("ip", "netns", "del", ns, check=False)
    return rows


def table_rows(rows):
    out = []
    for r in rows:
        out.append("| 1 | %s, %d B frame: program ns/packet%s | %.1f ns (trivial %s: %.1f ns) | | |" % (
            r["path"], r["frame"], "" if r["verified"] else " (NOT VERIFIED)", r["program_ns"],
            r["trivial"], r["trivial_ns"]))
    return out
