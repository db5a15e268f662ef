# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Network-namespace plumbing for the e2e tests that build a bed of their own
(test_ntm*.py, test_mip4_*.py) rather than topology.py's IPv6 demo topology.

Each test keeps its own map of namespaces, key -> name (PREFIX, a tag of the
test, the key: "xe4rt"), so that tests never share one; what is here takes
full namespace names, or the map where a test names namespaces by key.
Commands run through `nsenter --net=...`, not `ip netns exec`, which remounts
/sys and so hides the bpffs where xmip pins its maps (see topology.py).

Teardown (cleanup()) is the same whether the test passed, failed or an earlier
run was interrupted: detach xmip, kill every process left in our namespaces,
delete them, then remove pins and control sockets an agent killed with SIGKILL
leaves behind.
"""
import json
import os
import shutil
import signal
import subprocess
import time

PREFIX = os.environ.get("XMIP_E2E_PREFIX", "xe")
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PY = "/usr/bin/python3"
PIN_ROOT = "/sys/fs/bpf/xmip"
SOCK_DIR = "/run/xmip"


def build_dir():
    d = os.environ.get("XMIP_BUILD", "build/opt")
    return d if os.path.isabs(d) else os.path.join(REPO, d)


def binary(name="xmip"):
    """The path of one of our programs (xmip, xmip-agentd) in the build."""
    return os.path.join(build_dir(), name)


def sh(*cmd, ns=None, check=True, timeout=30):
    """Run cmd, in the network namespace named ns if one is given; raise if it fails
    (unless check is false). Returns the CompletedProcess (text stdout/stderr)."""
    cmd = (["nsenter", "--net=/run/netns/" + ns] if ns else []) + list(cmd)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode:
        raise RuntimeError("%s: %s%s" % (" ".join(cmd), r.stdout, r.stderr))
    return r


def keyed_sh(names, timeout=30):
    """sh() for a test that names its namespaces by key: ns="rt" runs in names["rt"]."""
    def run(*cmd, ns=None, check=True, timeout=timeout):
        return sh(*cmd, ns=names[ns] if ns else None, check=check, timeout=timeout)
    return run


def namespaces():
    """The network namespaces that exist now (ours and everyone's)."""
    return [line.split(" ")[0] for line in
            sh("ip", "netns", "list", check=False).stdout.splitlines() if line.strip()]


def cleanup(names, detach=(), pins=(), sockets=()):
    """Remove our namespaces (names: their full names) and what lives in them.

    detach: (namespace, instance) pairs, `xmip detach`ed first while their namespace
    exists; pins: instances whose pin directories go; sockets: instances whose control
    sockets go (an agent killed with SIGKILL cannot remove its own)."""
    listed = namespaces()
    for ns, inst in detach:
        if ns in listed:
            sh(binary(), "detach", "-i", inst, ns=ns, check=False)
    for ns in listed:
        if ns in names:
            # Whatever still runs in one of our namespaces was started by us.
            for pid in sh("ip", "netns", "pids", ns, check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            sh("ip", "netns", "del", ns, check=False)
    for inst in pins:
        shutil.rmtree(os.path.join(PIN_ROOT, inst), ignore_errors=True)
    for inst in sockets:
        try:
            os.unlink(os.path.join(SOCK_DIR, inst + ".sock"))
        except OSError:
            pass


def add_namespaces(names):
    """Create the namespaces (full names), each with its loopback up."""
    for ns in names:
        sh("ip", "netns", "add", ns)
        sh("ip", "link", "set", "lo", "up", ns=ns)


def veth(a, a_if, b, b_if):
    """A veth pair: a_if in namespace a, b_if in namespace b (full names)."""
    sh("ip", "link", "add", a_if, "netns", a, "type", "veth", "peer", "name", b_if, "netns", b)


def bridge(names, rt, rt_addr, hosts, wire=False):
    """One link for several namespaces (names: key -> namespace): a bridge br0 in
    names[rt] with rt_addr ("a.b.c.d/len"); for each host key -> its address (same
    length) a veth, "pub" in the host and "p-<key>" on the bridge, both up.
    wire: both ends wire_like()."""
    r, plen = names[rt], rt_addr.split("/")[1]
    sh("ip", "link", "add", "br0", "type", "bridge", ns=r)
    sh("ip", "link", "set", "br0", "up", ns=r)
    sh("ip", "addr", "add", rt_addr, "dev", "br0", ns=r)
    for n, addr in hosts.items():
        veth(names[n], "pub", r, "p-" + n)
        if wire:
            wire_like(names[n], "pub")
            wire_like(r, "p-" + n)
        sh("ip", "link", "set", "p-" + n, "master", "br0", "up", ns=r)
        sh("ip", "addr", "add", "%s/%s" % (addr, plen), "dev", "pub", ns=names[n])
        sh("ip", "link", "set", "pub", "up", ns=names[n])


def wire_like(ns, dev):
    """Full checksums and no GSO on a veth, as on a wire: an XDP program sees what a NIC
    would (veth hands over CHECKSUM_PARTIAL otherwise)."""
    sh("ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off", ns=ns)


def mac(ns, ifname):
    return json.loads(sh("ip", "-j", "link", "show", "dev", ifname, ns=ns).stdout)[0]["address"]


def masquerade(ns, oifname, families=("ip",)):
    """A NAT in namespace ns: nftables masquerade of what leaves through oifname."""
    for fam in families:
        sh("nft", "add table %s nat; add chain %s nat post { type nat hook postrouting "
           "priority 100 ; } ; add rule %s nat post oifname \"%s\" masquerade"
           % (fam, fam, fam, oifname), ns=ns)


def xdp_pass(ns, dev, art):
    """An XDP program that passes everything, on dev in ns: XDP_TX into a veth is
    delivered only if the peer runs an XDP program (topology.py)."""
    obj = os.path.join(art, "xdp_pass.o")
    subprocess.run(["clang", "-O2", "-g", "-target", "bpf", "-c", os.path.join(HERE, "xdp_pass.c"),
                    "-o", obj], check=True)
    sh("ip", "link", "set", "dev", dev, "xdpdrv", "obj", obj, "sec", "xdp", ns=ns)


def wait_for(what, cond, timeout=30, on_timeout=None):
    """cond()'s first true value, polled every 0.2 s; AssertionError after timeout s
    (on_timeout() first, e.g. to save diagnostics)."""
    end = time.time() + timeout
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    if on_timeout:
        on_timeout()
    raise AssertionError("timed out waiting for " + what)


def dump(art, name):
    """An agent's dump file art/<name>.json ({} while it is missing or half written)."""
    try:
        with open(os.path.join(art, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def read_log(art, name):
    """A process's output art/<name>.log ("" while there is none)."""
    try:
        with open(os.path.join(art, name + ".log"), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def require(*tools):
    """Skip the test unless we are root and every tool is installed."""
    import pytest  # noqa: PLC0415
    if os.geteuid() != 0:
        pytest.skip("needs root")
    for tool in tools:
        if not shutil.which(tool):
            pytest.skip(tool + " is not installed (scripts/deps.sh)")


def sanitizer_reports(art, names=None):
    """The logs in art (names: only those processes') that hold a sanitizer report."""
    logs = [n + ".log" for n in names] if names is not None else \
        sorted(f for f in os.listdir(art) if f.endswith(".log"))
    return [f for f in logs if "runtime error:" in read_log(art, f[:-4]) or
            "AddressSanitizer" in read_log(art, f[:-4])]


def serve_bed(bed, logs=None):
    """The body of a bed fixture (`yield from`): bed.up(), the test, bed.down() even when
    either failed; then no sanitizer report may stand in bed's logs (logs: only those
    processes')."""
    try:
        bed.up()
        yield bed
    finally:
        bed.down()
    bad = sanitizer_reports(bed.art, logs)
    assert not bad, "sanitizer reports in " + ", ".join(bad)


class Procs:
    """Background processes in a test's namespaces (names: key -> namespace), each
    one's output in art/<name>.log; art is emptied first. append: a process started
    again under a name it had adds to its log (else the log starts over)."""

    def __init__(self, art, names, append=False):
        self.art, self.names, self.mode = art, names, "a" if append else "w"
        self.procs = {}
        os.makedirs(art, exist_ok=True)
        for f in os.listdir(art):
            os.unlink(os.path.join(art, f))

    def start(self, name, ns, cmd):
        with open(os.path.join(self.art, name + ".log"), self.mode) as out:
            p = subprocess.Popen(["nsenter", "--net=/run/netns/" + self.names[ns]] + list(cmd),
                                 stdout=out, stderr=subprocess.STDOUT)
        self.procs[name] = p
        return p

    def stop(self, name, sig=signal.SIGTERM):
        """Signal the process and forget it; SIGKILL if it lingers 5 s."""
        p = self.procs.pop(name, None)
        if p and p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)

    def stop_all(self):
        for name in list(self.procs):
            self.stop(name)

    def log(self, name):
        return read_log(self.art, name)

    def conf(self, name, text):
        """Write art/<name>.conf; returns its path."""
        path = os.path.join(self.art, name + ".conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def agent(self, name, ns, text=None):
        """xmip-agentd in the foreground with art/<name>.conf (written first from text
        if given)."""
        conf = self.conf(name, text) if text is not None else os.path.join(self.art, name + ".conf")
        return self.start(name, ns, [binary("xmip-agentd"), "-c", conf, "-f", "-v"])
