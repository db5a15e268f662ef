# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Shared set-up for the BPF packet tests.

Each test is a PKTGEN / SETUP / CHECK triple (Cilium style): Scapy builds
the input frame, xmip_pktrun runs one program on it through
BPF_PROG_TEST_RUN inside a network namespace of ours (so bpf_fib_lookup
sees real interfaces, routes and static neighbours), and the test compares
the output frame byte for byte with one Scapy built independently.
"""
import json
import os
import subprocess
import tempfile
import uuid

import pytest

import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import bpffs_tidy  # noqa: E402

_BPFFS_BEFORE = bpffs_tidy.snapshot()


def pytest_sessionfinish(session, exitstatus):
    bpffs_tidy.restore(_BPFFS_BEFORE)

BUILD = os.environ.get("XMIP_BUILD", "build/opt")
# Names of our namespaces, pins and temporary files start with this, so two
# runs side by side (XMIP_TEST_PREFIX=xbr ...) never touch each other's.
PREFIX = os.environ.get("XMIP_TEST_PREFIX", "xbt")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKTRUN = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD),
                      "tools", "xmip_pktrun")

# Addresses of the test topology (documentation prefixes only).
HA = "2001:db8:1::2"          # home agent, on the home link
HOME_ROUTER = "2001:db8:1::1"  # router on the home link, towards CN_NET
CN = "2001:db8:5::1"          # correspondent behind the home router
HOA = "2001:db8:1::100"       # mobile node's home address
HOA2 = "2001:db8:1::101"      # a second bound home address
COA = "2001:db8:9::100"       # mobile node's care-of address
COA2 = "2001:db8:9::101"
UPLINK_HA = "2001:db8:ff::2"
UPLINK_GW = "2001:db8:ff::1"   # the HA's default gateway
NO_NEIGH_GW = "2001:db8:ff::99"  # a gateway with no neighbour entry
COA_NO_NEIGH = "2001:db8:99::100"
MN_GW = "2001:db8:9::1"        # the MN's router on the foreign link

MAC_HOME = "02:00:00:00:01:02"
MAC_HOME_ROUTER = "02:00:00:00:01:01"
MAC_UPLINK = "02:00:00:00:ff:02"
MAC_UPLINK_GW = "02:00:00:00:ff:01"
MAC_MN = "02:00:00:00:09:64"
MAC_MN_GW = "02:00:00:00:09:01"
MAC_REMOTE = "02:00:00:00:aa:aa"   # some sender's MAC


def sh(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


class Netns:
    """A namespace named <prefix>-<role>-<random>, removed on close even after a failure."""

    def __init__(self, role, prefix=None):
        self.name = "%s-%s-%s" % (prefix or PREFIX, role, uuid.uuid4().hex[:8])
        sh("ip", "netns", "add", self.name)

    def ip(self, *args):
        return sh("ip", "-n", self.name, *args)

    def run(self, *args, check=True):
        return sh("ip", "netns", "exec", self.name, *args, check=check)

    def ifindex(self, dev):
        out = self.ip("-j", "link", "show", "dev", dev).stdout
        return json.loads(out)[0]["ifindex"]

    def veth(self, dev, mac):
        self.ip("link", "add", dev, "address", mac, "type", "veth", "peer", "name", dev + "p")
        self.ip("link", "set", dev, "up")
        self.ip("link", "set", dev + "p", "up")

    def close(self):
        sh("ip", "netns", "del", self.name, check=False)


def make_ha_ns(prefix=None):
    """The HA: home link xbth (HA address), uplink xbtu (default route).
    The caller closes it."""
    if not os.path.exists(PKTRUN):
        pytest.fail("%s not built (make, or set XMIP_BUILD)" % PKTRUN)
    ns = Netns("ha", prefix)
    try:
        ns.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        ns.ip("link", "set", "lo", "up")
        ns.veth("xbth", MAC_HOME)
        ns.veth("xbtu", MAC_UPLINK)
        ns.ip("-6", "addr", "add", HA + "/64", "dev", "xbth", "nodad")
        ns.ip("-6", "addr", "add", UPLINK_HA + "/64", "dev", "xbtu", "nodad")
        ns.ip("-6", "route", "add", "2001:db8:5::/64", "via", HOME_ROUTER, "dev", "xbth")
        ns.ip("-6", "route", "add", "2001:db8:99::/48", "via", NO_NEIGH_GW, "dev", "xbtu")
        ns.ip("-6", "route", "add", "default", "via", UPLINK_GW, "dev", "xbtu")
        ns.ip("-6", "neigh", "replace", HOME_ROUTER, "lladdr", MAC_HOME_ROUTER,
              "dev", "xbth", "nud", "permanent")
        ns.ip("-6", "neigh", "replace", UPLINK_GW, "lladdr", MAC_UPLINK_GW,
              "dev", "xbtu", "nud", "permanent")
        ns.ip("-6", "route", "add", "blackhole", "2001:db8:dead::/48")
        ns.home = ns.ifindex("xbth")
        ns.uplink = ns.ifindex("xbtu")
    except BaseException:
        ns.close()
        raise
    return ns


@pytest.fixture(scope="session")
def ha_ns():
    """The HA: home link xbth (HA address), uplink xbtu (default route)."""
    ns = make_ha_ns()
    try:
        yield ns
    finally:
        ns.close()


@pytest.fixture(scope="session")
def mn_ns():
    """The MN away from home: CoA on xbtm, HoA on lo, default route via MN_GW."""
    if not os.path.exists(PKTRUN):
        pytest.fail("%s not built (make, or set XMIP_BUILD)" % PKTRUN)
    ns = Netns("mn")
    try:
        ns.ip("link", "set", "lo", "up")
        ns.veth("xbtm", MAC_MN)
        ns.ip("-6", "addr", "add", COA + "/64", "dev", "xbtm", "nodad")
        ns.ip("-6", "addr", "add", HOA + "/128", "dev", "lo", "nodad")
        ns.ip("-6", "route", "add", "default", "via", MN_GW, "dev", "xbtm")
        ns.ip("-6", "neigh", "replace", MN_GW, "lladdr", MAC_MN_GW,
              "dev", "xbtm", "nud", "permanent")
        ns.mn = ns.ifindex("xbtm")
        yield ns
    finally:
        ns.close()


class Result:
    def __init__(self, js, out):
        self.verdict = js["verdict"]
        self.retval = js["retval"]
        self.stats = js["stats"]
        self.signal = [dict(e, pkt=bytes.fromhex(e["pkt"])) for e in js["signal"]]
        # XDP_PASS: decided in XDP (marked, tc leaves it) or handed to tc (not).
        self.marked = js.get("marked", False)
        self.out = out
        self.js = js


def pktrun(ns, obj, prog, frame, ifindex=0, args=(), cpu=None):
    """Run one program on one frame in namespace `ns`; returns a Result.
    cpu: pin the runner to that CPU (per-CPU state such as the next-hop
    cache is then the same from one run to the next)."""
    with tempfile.TemporaryDirectory(prefix=PREFIX + "-") as d:
        pin, pout = os.path.join(d, "in"), os.path.join(d, "out")
        with open(pin, "wb") as f:
            f.write(bytes(frame))
        cmd = [] if cpu is None else ["taskset", "-c", str(cpu)]
        cmd += [PKTRUN, "--netns", ns.name, "-o", obj, "-p", prog, "-i", pin, "-w", pout]
        if ifindex:
            cmd += ["-I", str(ifindex)]
        cmd += list(args)
        r = sh(*cmd, check=False)
        assert r.returncode == 0, "xmip_pktrun failed: %s\n%s" % (" ".join(cmd), r.stderr[-3000:])
        with open(pout, "rb") as f:
            out = f.read()
        return Result(json.loads(r.stdout), out)


def ha_args(*bindings, mtu=1400, extra=()):
    a = ["--self", HA, "--mtu", str(mtu)]
    for hoa, coa in bindings:
        a += ["-b", "%s=%s" % (hoa, coa)]
    return a + list(extra)


def mn_args(away=True, extra=()):
    a = ["--self", COA, "--peer", HA, "--hoa", HOA]
    if away:
        a.append("--away")
    return a + list(extra)


def assert_same(got, want):
    """Byte-exact comparison that says where the frames differ."""
    want = bytes(want)
    if got != want:
        n = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                 min(len(got), len(want)))
        raise AssertionError("frames differ at octet %d (got %d octets, want %d)\n got: %s\nwant: %s"
                             % (n, len(got), len(want), got[max(0, n - 8):n + 24].hex(),
                                want[max(0, n - 8):n + 24].hex()))
