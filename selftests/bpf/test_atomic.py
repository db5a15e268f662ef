# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Map updates are atomic for the datapath (docs/DESIGN.md, "Atomic updates").

xmip_atomic (selftests/tools/xmip_atomic.c) rewrites the MN's run-time state
(xmip_mn_state) and the HA's binding of HOA, alternating between version A
and version B whose every field differs, thousands of times a second, while
one thread per CPU runs the shipped HA XDP program and MN tc egress program
through BPF_PROG_TEST_RUN on both CPUs. The binding goes through the HA's
fast-path table as the agent writes it (lib/fwtable.c: a new slot, the old
one retired; slots reused after 2 ms here instead of 100, so the protocol
runs ~50 times as often). Every frame that comes out is compared whole,
with its verdict, to the frames Scapy built here for A and for B: outer
source and destination, MACs (the next hop the version's slot carries, or
the FIB's for the MN) and verdict must all be one version's. The control
runs the same programs with the state map turned into an ARRAY rewritten
in place (what xmip_config was) and the binding's slot rewritten in place,
field by field: there the comparison must find torn frames of both
programs, so the test can fail.
"""
import json
import os
import tempfile

import pytest
from scapy.all import UDP, Ether, Raw
from scapy.layers.inet6 import IPv6

from conftest import BUILD, PREFIX, REPO, Netns, sh

ATOMIC = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD),
                      "tools", "xmip_atomic")

HA_SELF = "2001:db8:1::2"
HOME_PREFIX = "2001:db8:1::/64"
HOA = "2001:db8:1::100"
CN = "2001:db8:5::1"
# Two versions that differ in every 32-bit word of every address (a torn
# copy of any word shows), in the interface (so in the MACs) and in every
# other field of the binding (xmip_atomic sets those).
VER = {
    "a": {"coa": "2001:db8:a1:a2:a3:a4:a5:a6", "ha": "2001:db8:c1:c2:c3:c4:c5:c6",
          "dev": "xa", "mac": "02:00:00:00:0a:01", "gw": "fe80::a", "gwmac": "02:00:00:00:0a:99"},
    "b": {"coa": "3fff:b0:b1:b2:b3:b4:b5:b6", "ha": "3fff:d0:d1:d2:d3:d4:d5:d6",
          "dev": "xb", "mac": "02:00:00:00:0b:01", "gw": "fe80::b", "gwmac": "02:00:00:00:0b:99"},
}
MAC_HOME = "02:00:00:00:01:02"
MAC_REMOTE = "02:00:00:00:aa:aa"
XDP_REDIRECT, TC_ACT_OK, TC_ACT_REDIRECT = 4, 0, 7


@pytest.fixture(scope="module")
def atom_ns():
    if not os.path.exists(ATOMIC):
        pytest.fail("%s not built (make, or set XMIP_BUILD)" % ATOMIC)
    ns = Netns("atom")
    try:
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        ns.ip("link", "set", "lo", "up")
        ns.veth("xh", MAC_HOME)
        ns.ip("-6", "addr", "add", HA_SELF + "/64", "dev", "xh", "nodad")
        for v in VER.values():
            ns.veth(v["dev"], v["mac"])
            ns.ip("-6", "neigh", "replace", v["gw"], "lladdr", v["gwmac"], "dev", v["dev"],
                  "nud", "permanent")
            for dst in (v["coa"], v["ha"]):
                ns.ip("-6", "route", "add", dst + "/128", "via", v["gw"], "dev", v["dev"])
            v["ifindex"] = ns.ifindex(v["dev"])
        ns.home = ns.ifindex("xh")
        yield ns
    finally:
        ns.close()


def frames():
    """Input and expected output frames, independently of the datapath."""
    ha_inner = IPv6(src=CN, dst=HOA, hlim=64, tc=0x28, fl=0x12345) / \
        UDP(sport=4000, dport=5000) / Raw(bytes(range(80)))
    mn_inner = IPv6(src=HOA, dst=CN, hlim=57, tc=0xb8) / UDP(sport=5000, dport=4000) / \
        Raw(bytes(range(64)))
    f = {"ha_in": Ether(src=MAC_REMOTE, dst=MAC_HOME) / ha_inner,
         "mn_in": Ether(src=VER["a"]["mac"], dst="02:00:00:00:00:99") / mn_inner}
    for k, v in VER.items():
        hop = ha_inner.copy()
        hop.hlim = 63
        f["ha_" + k] = Ether(src=v["mac"], dst=v["gwmac"]) / \
            IPv6(src=HA_SELF, dst=v["coa"], nh=41, hlim=64, tc=0x28, fl=0, plen=len(ha_inner)) / hop
        f["mn_" + k] = Ether(src=v["mac"], dst=v["gwmac"]) / \
            IPv6(src=v["coa"], dst=v["ha"], nh=41, hlim=64, tc=0xb8, fl=0, plen=len(mn_inner)) / \
            mn_inner
    return f


def run_atomic(ns, seconds, rate, inplace=False):
    with tempfile.TemporaryDirectory(prefix=PREFIX + "-") as d:
        args = [ATOMIC, "--netns", ns.name, "--seconds", str(seconds), "--rate", str(rate),
                "--cpus", "0,1", "--self", HA_SELF, "--hoa", HOA, "--home-prefix", HOME_PREFIX,
                "--mtu", "1400", "--ha-ifindex", str(ns.home),
                "--mn-ifindex", str(VER["a"]["ifindex"]),
                "--ha-rv-a", str(XDP_REDIRECT), "--ha-rv-b", str(XDP_REDIRECT),
                "--mn-rv-a", str(TC_ACT_OK), "--mn-rv-b", str(TC_ACT_REDIRECT),
                "--quarantine-ms", "2"]
        for k, v in VER.items():
            # The binding's slot carries the next hop the agent prepared:
            # the version's interface and MACs.
            args += ["--" + k, "%s,%s,%d,%s,%s" % (v["coa"], v["ha"], v["ifindex"], v["mac"],
                                                   v["gwmac"])]
        for name, frame in frames().items():
            path = os.path.join(d, name)
            with open(path, "wb") as fh:
                fh.write(bytes(frame))
            args += ["--" + name.replace("_", "-"), path]
        if inplace:
            args.append("--inplace-array")
        r = sh(*args, check=False)
        assert r.returncode == 0, "xmip_atomic failed (%d): %s\n%s" % (r.returncode, r.stdout,
                                                                       r.stderr[-3000:])
        return json.loads(r.stdout)


def torn(res, prog):
    return sum(c[prog][2] for c in res["cpus"])


def test_updates_are_atomic_while_traffic_runs_on_both_cpus(atom_ns):
    res = run_atomic(atom_ns, seconds=3, rate=5000)
    assert all(c["error"] == 0 for c in res["cpus"]), res
    # Thousands of whole-version rewrites a second while the programs ran
    # (one key's 8 slots, each back from quarantine after 2 ms, bound them).
    assert res["writes"] >= 3 * 1000, res
    for c in res["cpus"]:
        # Both CPUs ran both programs and saw both versions, many times...
        for prog in ("ha", "mn"):
            assert c[prog][0] >= 100 and c[prog][1] >= 100, res
    # ...and not one frame mixed them.
    assert torn(res, "ha") == 0 and torn(res, "mn") == 0, res


def test_the_check_sees_an_in_place_rewrite(atom_ns):
    # Control: the same programs and writer, but the MN state is an ARRAY
    # that each write copies over in place, as xmip_config was, and the
    # binding's slot is overwritten in place, without the protocol. Torn
    # frames (a CoA of one version with the HA, interface or MACs of the
    # other) must show up for both programs, or the test above could not
    # fail. Repeated a few times at most: a tear needs a write to land
    # inside a packet's read.
    seen = {"ha": 0, "mn": 0}
    for _ in range(8):
        res = run_atomic(atom_ns, seconds=2, rate=0, inplace=True)
        assert all(c["error"] == 0 for c in res["cpus"]), res
        for prog in seen:
            if torn(res, prog) and not seen[prog]:
                seen[prog] = torn(res, prog)
                check_torn(prog, res)
        if all(seen.values()):
            break
    assert seen["mn"] > 0, "no torn MN frame from an in-place rewrite: the check cannot fail"
    assert seen["ha"] > 0, "no torn HA frame from an in-place slot rewrite: the check cannot fail"


def check_torn(prog, res):
    bad = next(c[prog + "_torn"] for c in res["cpus"] if c[prog][2])
    got = Ether(bytes.fromhex(bad["frame"]))
    # Decoded independently: some field of A beside some field of B.
    if prog == "mn":
        fields = [str(got[IPv6].src), str(got[IPv6].dst), got.src, bad["verdict"]]
        assert fields not in ([VER[k]["coa"], VER[k]["ha"], VER[k]["mac"], rv]
                              for k, rv in (("a", TC_ACT_OK), ("b", TC_ACT_REDIRECT)))
    else:
        fields = [str(got[IPv6].dst), got.src, got.dst]
        assert fields not in ([VER[k]["coa"], VER[k]["mac"], VER[k]["gwmac"]] for k in VER)
