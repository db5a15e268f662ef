# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""`make bench` part 1 for the route-optimisation datapaths (bench_cn.py: the
correspondent node's; bench_ro.py: the mobile node's): program time per packet
through BPF_PROG_TEST_RUN, beside a trivial program of the same type timed the
same way.

Each figure is the mean kernel-measured duration of `runs` separate test runs
of one repetition, each on the same fresh input (tc cannot undo a
bpf_skb_adjust_room for the next repetition, so both paths are timed this way;
selftests/tools/xmip_pktrun --repeat). Before anything counts, the output is
checked (the case's check, with Scapy) and the datapath's counter must equal
the number of runs: every timed run took the timed path.
"""
import json
import os
import subprocess
import tempfile
import uuid

from scapy.all import raw

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP_BUILD", "build/opt")
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD)
PKTRUN = os.path.join(BUILD, "tools", "xmip_pktrun")


def sh(*a, check=True):
    return subprocess.run([str(x) for x in a], check=check, capture_output=True, text=True)


def bench(tag, role, cases, quick, fail, link, role_args):
    """Rows of the per-packet table; fail(msg) records a failed check.

    tag: the namespace's (xbn-<tag>-*, removed on exit); role: xmip_pktrun -o;
    cases: (name, prog, frame(size), counter, check(in, out) -> error or None, or no
    check); link: (veth, its MAC, its IPv6 address, the default router), the veth's
    peer being veth[:-1] + "1"; role_args(ifindex): xmip_pktrun's arguments of the
    role (its own address, bindings...), ifindex being the veth's."""
    runs = 50 if quick else 20000
    dev, mac, addr, gw = link
    ns = "xbn-%s-%s" % (tag, uuid.uuid4().hex[:6])
    sh("ip", "netns", "add", ns)
    rows = []
    try:
        sh("ip", "-n", ns, "link", "add", dev, "address", mac, "type", "veth", "peer",
           "name", dev[:-1] + "1")
        for d in ("lo", dev, dev[:-1] + "1"):
            sh("ip", "-n", ns, "link", "set", d, "up")
        sh("ip", "-n", ns, "-6", "addr", "add", addr + "/64", "dev", dev, "nodad")
        sh("ip", "-n", ns, "-6", "route", "add", "default", "via", gw, "dev", dev)
        ifindex = json.loads(sh("ip", "-n", ns, "-j", "link", "show", dev).stdout)[0]["ifindex"]
        with tempfile.TemporaryDirectory(prefix="xbn-%s-" % tag) as tmp:
            for name, prog, frame, counter, check in cases:
                for size in (64, 1400):
                    f = raw(frame(size if prog == "tc" else size + 24))
                    path = os.path.join(tmp, "in")
                    open(path, "wb").write(f)
                    args = [PKTRUN, "--netns", ns, "-o", role, "-p", prog, "-i", path,
                            "-w", path + ".out"] + role_args(ifindex)

                    def run(n, trivial=False):
                        r = sh(*(args + ["--repeat", n] + (["--pass"] if trivial else [])))
                        return json.loads(r.stdout), open(path + ".out", "rb").read()
                    run(min(runs, 200))     # warm the caches first
                    res, out = run(runs)
                    base, _ = run(runs, trivial=True)
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
    return ["| 1 | %s, %d B frame: program ns/packet%s | %.1f ns (trivial %s: %.1f ns) | | |" % (
        r["path"], r["frame"], "" if r["verified"] else " (NOT VERIFIED)", r["program_ns"],
        r["trivial"], r["trivial_ns"]) for r in rows]
