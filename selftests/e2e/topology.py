#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The xmip demo topology in network namespaces, for the demo and the e2e tests.

    CN ---- 2001:db8:c::/64 ---- RT ---- 2001:db8:a::/64 ---- (MN "a")
                                 |  `--- 2001:db8:b::/64 ---- (MN "b")
                       br-home 2001:db8:1::/64
                          |            |
                          HA         (MN "home")

RT routes between the four links. HA (2001:db8:1::2) serves the MN's home
address 2001:db8:1::100. The MN has one interface per link and "moves" by
taking the old one down and bringing the new one up with a static address
and default route (standing in for router advertisements and SLAAC).

Everything runs through `nsenter --net=...`, not `ip netns exec`: the latter
remounts /sys, which hides the bpffs at /sys/fs/bpf where xmip pins its maps.

Teardown is always attempted (context manager and atexit), and stale
namespaces and pins with our prefix are removed before a new build.
"""

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import bpffs_tidy  # noqa: E402

BPFFS_BEFORE = bpffs_tidy.snapshot()
import time

PREFIX = os.environ.get("XMIP_E2E_PREFIX", "xe")
NS_CN, NS_RT, NS_HA, NS_MN = (PREFIX + n for n in ("cn", "rt", "ha", "mn"))
ALL_NS = (NS_CN, NS_RT, NS_HA, NS_MN)
HA_INSTANCE = PREFIX + "ha"
MN_INSTANCE = PREFIX + "mn"
PIN_ROOT = "/sys/fs/bpf/xmip"

HOME_PREFIX = "2001:db8:1::/64"
RT_HOME = "2001:db8:1::1"
HA_ADDR = "2001:db8:1::2"
HOA = "2001:db8:1::100"
CN_ADDR = "2001:db8:c::2"
RT_CN = "2001:db8:c::1"
# MN interface -> (its address there, the router on that link). On the home
# link the MN also gets an address besides the HoA, as SLAAC would give it;
# that is how the MN agent recognises home.
LINKS = {
    "home": ("2001:db8:1::200", RT_HOME),
    "a": ("2001:db8:a::100", "2001:db8:a::1"),
    "b": ("2001:db8:b::100", "2001:db8:b::1"),
}
NAI = "mn1@example.org"
SPI = 256
KEY = "00112233445566778899aabbccddeeff01234567"  # 20 octets
TCP_PORT = 5001

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TCPSTREAM = os.path.join(REPO, "selftests", "e2e", "tcpstream.py")
PY = "/usr/bin/python3"


def build_dir():
    d = os.environ.get("XMIP_BUILD", "build/opt")
    return d if os.path.isabs(d) else os.path.join(REPO, d)


def run(cmd, check=True, timeout=30, capture=True):
    """Run a command (list) in the root namespace; return CompletedProcess."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE if capture else None,
                       stderr=subprocess.PIPE if capture else None,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("command failed (%d): %s\n%s%s" % (
            r.returncode, " ".join(cmd), r.stdout or "", r.stderr or ""))
    return r


def in_ns(ns, cmd):
    return ["nsenter", "--net=/run/netns/" + ns] + list(cmd)


def existing_namespaces():
    r = run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def cleanup_stale(log=print):
    """Remove what an earlier, interrupted run with our prefix left behind."""
    stale = [ns for ns in existing_namespaces() if ns.startswith(PREFIX)]
    for ns in stale:
        # Processes still inside a stale namespace were started by us then.
        pids = run(["ip", "netns", "pids", ns], check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        run(["ip", "netns", "del", ns], check=False)
    pins = [p for p in (os.listdir(PIN_ROOT) if os.path.isdir(PIN_ROOT) else [])
            if p.startswith(PREFIX)]
    for p in pins:
        shutil.rmtree(os.path.join(PIN_ROOT, p), ignore_errors=True)
    if stale or pins:
        log("topology: removed stale namespaces %s and pins %s" % (stale, pins))


class Proc:
    """A background process in a namespace with its output in a file."""

    def __init__(self, name, popen, path):
        self.name, self.popen, self.path = name, popen, path

    def alive(self):
        return self.popen.poll() is None

    def text(self):
        try:
            with open(self.path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=5):
        """Signal the process (by pid) and wait; SIGKILL if it lingers."""
        if self.popen.poll() is None:
            try:
                self.popen.send_signal(sig)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)
            except ProcessLookupError:
                pass
        return self.popen.returncode


class Topology:
    def __init__(self, with_xmip=True, workdir=None, log=print, with_cn=True, mn_conf_extra="",
                 ha_conf_extra="", ha_mode="native", ha_globals=""):
        """with_cn=False leaves the correspondent out (tests of signalling alone);
        *_conf_extra: lines appended to the agents' configuration files;
        ha_globals: lines for the HA's global part (before its [mn] sections).
        ha_mode: the HA's xdp-mode. native: XDP on the HA, and its home
        link made wire-like (below); tc: tc ingress on the HA, every offload
        as the kernel sets it (GSO, GRO, checksum offload)."""
        self.with_xmip = with_xmip
        self.with_cn = with_cn
        self.namespaces = ALL_NS if with_cn else tuple(n for n in ALL_NS if n != NS_CN)
        self.mn_conf_extra = mn_conf_extra
        self.ha_conf_extra = ha_conf_extra
        self.ha_mode = ha_mode
        self.log = log
        self.workdir = workdir or tempfile.mkdtemp(prefix="xmip-e2e-")
        os.makedirs(self.workdir, exist_ok=True)
        self.procs = []
        self.agents = {}
        self.where = None
        self.built = False
        self.bin = build_dir()
        # Extra configuration lines (flat keys, e.g. "metrics = 127.0.0.1:9741").
        self.ha_extra = ha_globals
        self.mn_extra = ""

    # ---- helpers -------------------------------------------------------
    def sh(self, ns, *cmd, check=True, timeout=30):
        return run(in_ns(ns, cmd), check=check, timeout=timeout)

    def spawn(self, ns, name, cmd, env=None):
        path = os.path.join(self.workdir, name + ".log")
        f = open(path, "a")
        p = subprocess.Popen(in_ns(ns, cmd), stdout=f, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True,
                             env=env)
        f.close()
        proc = Proc(name, p, path)
        self.procs.append(proc)
        return proc

    def sysctl(self, ns, **kv):
        for k, v in kv.items():
            self.sh(ns, "sysctl", "-qw", "%s=%s" % (k.replace("__", "."), v))

    def xmip(self, ns, *args, check=True, timeout=30):
        return self.sh(ns, os.path.join(self.bin, "xmip"), *args, check=check,
                       timeout=timeout)

    # ---- life cycle ----------------------------------------------------
    def __enter__(self):
        try:
            self.build()
            if self.with_xmip:
                self.start_xmip()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False

    def build(self):
        cleanup_stale(self.log)
        atexit.register(self.teardown)
        self.built = True
        for ns in self.namespaces:
            run(["ip", "netns", "add", ns])
            # Before any interface exists, so every new one inherits it.
            self.sysctl(ns, net__ipv6__conf__all__accept_dad=0,
                        net__ipv6__conf__default__accept_dad=0,
                        net__ipv6__conf__all__accept_ra=0,
                        net__ipv6__conf__default__accept_ra=0)
            self.sh(ns, "ip", "link", "set", "lo", "up")
        self.sysctl(NS_RT, net__ipv6__conf__all__forwarding=1)
        # The HA is a router (XDP fallbacks go through the kernel's forwarding).
        # proxy_ndp on its interface is the agent's business, not ours.
        self.sysctl(NS_HA, net__ipv6__conf__all__forwarding=1)

        rt = lambda *a: self.sh(NS_RT, *a)
        rt("ip", "link", "add", "br-home", "type", "bridge", "forward_delay", "0",
           "stp_state", "0")
        # veth pairs: RT side name, other namespace, other side name
        pairs = [("h-ha", NS_HA, "eth0"), ("h-mn", NS_MN, "home"),
                 ("rt-cn", NS_CN, "eth0"), ("rt-a", NS_MN, "a"), ("rt-b", NS_MN, "b")]
        if not self.with_cn:
            pairs = [p for p in pairs if p[1] != NS_CN]
        for rname, ons, oname in pairs:
            rt("ip", "link", "add", rname, "type", "veth", "peer", "name", oname,
               "netns", ons)
            # XDP_TX / redirect into a veth needs NAPI on the receiving peer:
            # GRO on (older kernels) or an XDP program there (see below).
            rt("ethtool", "-K", rname, "gro", "on")
            self.sh(ons, "ethtool", "-K", oname, "gro", "on")
        if self.ha_mode == "native":
            # GRO alone does not get XDP_TX frames delivered into a veth peer on
            # our 6.18 kernel (tested); an XDP program on the peer does.
            rt("ip", "link", "set", "dev", "h-ha", "xdpdrv", "obj", self._xdp_pass_obj(),
               "sec", "xdp")
            # Make the home link behave like a wire toward the HA: full checksums
            # (veth would hand over CHECKSUM_PARTIAL packets whose checksum field
            # holds only the pseudo-header sum) and no GSO super-packets larger
            # than the MTU. A NIC's XDP program never sees either. (In tc mode
            # none of this: the HA handles GSO packets and partial checksums.)
            rt("ethtool", "-K", "h-ha", "tx", "off", "tso", "off", "gso", "off")
        for port in ("h-ha", "h-mn"):
            rt("ip", "link", "set", port, "master", "br-home")
        rt("ip", "addr", "add", RT_HOME + "/64", "dev", "br-home")
        rt("ip", "addr", "add", LINKS["a"][1] + "/64", "dev", "rt-a")
        rt("ip", "addr", "add", LINKS["b"][1] + "/64", "dev", "rt-b")
        for dev in ("br-home", "h-ha", "h-mn", "rt-a", "rt-b"):
            rt("ip", "link", "set", "dev", dev, "up")

        if self.with_cn:
            rt("ip", "addr", "add", RT_CN + "/64", "dev", "rt-cn")
            rt("ip", "link", "set", "dev", "rt-cn", "up")
            self.sh(NS_CN, "ip", "addr", "add", CN_ADDR + "/64", "dev", "eth0")
            self.sh(NS_CN, "ip", "link", "set", "eth0", "up")
            self.sh(NS_CN, "ip", "-6", "route", "add", "default", "via", RT_CN)

        self.sh(NS_HA, "ip", "addr", "add", HA_ADDR + "/64", "dev", "eth0")
        self.sh(NS_HA, "ip", "link", "set", "eth0", "up")
        self.sh(NS_HA, "ip", "-6", "route", "add", "default", "via", RT_HOME)

        for dev in ("a", "b"):
            self.sh(NS_MN, "ip", "link", "set", "dev", dev, "down")
        self._link_up("home")
        self.where = "home"
        self.log("topology: namespaces %s up, MN at home" % " ".join(self.namespaces))

    def _xdp_pass_obj(self):
        src = os.path.join(REPO, "selftests", "e2e", "xdp_pass.c")
        obj = os.path.join(self.workdir, "xdp_pass.o")
        run(["clang", "-O2", "-g", "-target", "bpf", "-c", src, "-o", obj])
        return obj

    def _link_up(self, dev):
        addr, router = LINKS[dev]
        self.sh(NS_MN, "ip", "link", "set", "dev", dev, "up")
        self.sh(NS_MN, "ip", "addr", "replace", addr + "/64", "dev", dev, "nodad")
        self.sh(NS_MN, "ip", "-6", "route", "replace", "default", "via", router,
                "dev", dev)
        if dev == "home" and not self.with_xmip:
            # With xmip the MN agent puts the HoA on the home interface (and on
            # lo, so sockets bound to it survive moves); without, we do.
            self.sh(NS_MN, "ip", "addr", "replace", HOA + "/64", "dev", dev, "nodad")

    def _link_down(self, dev):
        self.sh(NS_MN, "ip", "addr", "flush", "dev", dev, "scope", "global")
        self.sh(NS_MN, "ip", "link", "set", "dev", dev, "down")

    def move(self, to):
        """Move the MN: old interface down, new one up (static stand-in for SLAAC)."""
        assert to in LINKS, to
        if to == self.where:
            return
        self._link_down(self.where)
        self._link_up(to)
        self.log("topology: MN moved %s -> %s (%s)" % (self.where, to, LINKS[to][0]))
        self.where = to

    def coa(self):
        return None if self.where == "home" else LINKS[self.where][0]

    # ---- xmip ------------------------------------------------------------
    def write_configs(self):
        self.ha_conf = os.path.join(self.workdir, "ha.conf")
        self.mn_conf = os.path.join(self.workdir, "mn.conf")
        with open(self.ha_conf, "w") as f:
            f.write(f"""# HA of the e2e topology
role = ha
instance = {HA_INSTANCE}
interface = eth0
address = {HA_ADDR}
home-prefix = {HOME_PREFIX}
max-lifetime = 600
xdp-mode = {self.ha_mode}
mesg-id-window = 7
{self.ha_extra}
[mn {NAI}]
home-address = {HOA}
spi = {SPI}
key = {KEY}
{self.ha_conf_extra}""")
        with open(self.mn_conf, "w") as f:
            f.write(f"""# MN of the e2e topology
role = mn
instance = {MN_INSTANCE}
interface = home
interface = a
interface = b
home-address = {HOA}
home-agent = {HA_ADDR}
home-prefix = {HOME_PREFIX}
nai = {NAI}
spi = {SPI}
key = {KEY}
lifetime = 60
{self.mn_extra}
{self.mn_conf_extra}""")

    def start_xmip(self):
        for b in ("xmip", "xmip-agentd"):
            if not os.access(os.path.join(self.bin, b), os.X_OK):
                raise RuntimeError("%s/%s not built (run make)" % (self.bin, b))
        self.write_configs()
        self.xmip(NS_HA, "attach", "-c", self.ha_conf)
        self.xmip(NS_MN, "attach", "-c", self.mn_conf)
        self.start_agent("ha")
        self.start_agent("mn")

    def start_agent(self, role, extra_env=None):
        ns, conf = (NS_HA, self.ha_conf) if role == "ha" else (NS_MN, self.mn_conf)
        env = dict(os.environ, **(extra_env or {}))
        # Sanitizer builds: report to the log and keep going on leaks at exit
        # so the report lands in the log where sanitizer_errors() finds it.
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        p = self.spawn(ns, "agent-" + role,
                       [os.path.join(self.bin, "xmip-agentd"), "-c", conf, "-f", "-v"],
                       env=env)
        self.agents[role] = p
        time.sleep(0.3)
        if not p.alive():
            raise RuntimeError("xmip-agentd (%s) exited at start:\n%s" % (role, p.text()))
        return p

    def stop_agent(self, role, sig=signal.SIGTERM):
        p = self.agents.pop(role, None)
        return p.stop(sig) if p else None

    def bindings(self):
        """`xmip binding show -j` on the HA, as a list of dicts."""
        r = self.xmip(NS_HA, "binding", "show", "-i", HA_INSTANCE, "-j")
        out = r.stdout.strip()
        data = json.loads(out) if out else []
        if isinstance(data, dict):  # tolerate {"bindings": [...]} or per-instance maps
            data = data.get("bindings", data.get(HA_INSTANCE, []))
        return data

    def binding_for(self, hoa=HOA):
        for b in self.bindings():
            if b.get("hoa") == hoa:
                return b
        return None

    def wait_binding(self, coa, timeout=15):
        """Wait until the HA's binding for the HoA points at coa (None: no binding)."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                last = self.binding_for()
            except (RuntimeError, ValueError) as e:
                last = "error: %s" % e
            if (coa is None and last is None) or (
                    isinstance(last, dict) and last.get("coa") == coa):
                return last
            time.sleep(0.2)
        raise AssertionError("HA binding for %s: wanted CoA %s, have %s" % (HOA, coa, last))

    def ha_show(self):
        return self.xmip(NS_HA, "show", "-i", HA_INSTANCE, check=False).stdout

    def agent_log(self, role):
        p = self.agents.get(role)
        path = p.path if p else os.path.join(self.workdir, "agent-%s.log" % role)
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def sanitizer_errors(self):
        """Sanitizer reports in any agent log (ASan, UBSan, LSan)."""
        found = []
        for name in os.listdir(self.workdir):
            if name.startswith("agent-") and name.endswith(".log"):
                with open(os.path.join(self.workdir, name), errors="replace") as f:
                    for line in f:
                        if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", line):
                            found.append("%s: %s" % (name, line.strip()))
        return found

    # ---- traffic -----------------------------------------------------------
    def start_ping(self, name="ping"):
        return self.spawn(NS_CN, name, ["stdbuf", "-oL", "ping", "-n", "-O", "-i", "0.2",
                                         "-W", "1", HOA])

    def start_tcp(self, rate_kbps=4000):
        """A long TCP stream CN -> MN's HoA; returns (server, client) Procs."""
        srv = self.spawn(NS_MN, "tcp-server", [PY, "-u", TCPSTREAM, "server", HOA,
                                               str(TCP_PORT)])
        deadline = time.time() + 5
        while "listening" not in srv.text():
            if time.time() > deadline or not srv.alive():
                raise RuntimeError("tcp server did not start:\n" + srv.text())
            time.sleep(0.05)
        cli = self.spawn(NS_CN, "tcp-client", [PY, "-u", TCPSTREAM, "client", HOA,
                                               str(TCP_PORT), str(rate_kbps)])
        return srv, cli

    # ---- teardown ------------------------------------------------------------
    def teardown(self):
        if not self.built:
            return
        self.built = False
        for p in reversed(self.procs):
            p.stop(signal.SIGTERM, timeout=5)
        if self.with_xmip:
            for ns, inst in ((NS_HA, HA_INSTANCE), (NS_MN, MN_INSTANCE)):
                xmip = os.path.join(self.bin, "xmip")
                if os.access(xmip, os.X_OK):
                    run(in_ns(ns, [xmip, "detach", "-i", inst]), check=False)
        for ns in self.namespaces:
            run(["ip", "netns", "del", ns], check=False)
        for inst in (HA_INSTANCE, MN_INSTANCE):
            shutil.rmtree(os.path.join(PIN_ROOT, inst), ignore_errors=True)
        bpffs_tidy.restore(BPFFS_BEFORE)


# ---- reading traffic results ----------------------------------------------------

def transfer(topo, server_ns, server_addr, client_ns, client_addr, n, timeout=120):
    """A bulk TCP transfer of n octets (selftests/hashstream.py); returns
    what the server printed: "<octets> <sha256>" (compare with expected(n))."""
    sys.path.insert(0, os.path.join(REPO, "selftests"))
    from hashstream import CLIENT, SERVER  # noqa: E402

    srv = subprocess.Popen(in_ns(server_ns, [PY, "-c", SERVER, server_addr]),
                           stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == "ready"
        run(in_ns(client_ns, [PY, "-c", CLIENT, client_addr, server_addr, str(n)]),
            timeout=timeout)
        out, _ = srv.communicate(timeout=60)
        return out.strip()
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()

def ping_stats(text):
    """(replies, highest icmp_seq sent, last reply seq) from `ping -O` output."""
    replies = set(int(m) for m in re.findall(r"bytes from .*icmp_seq=(\d+)", text))
    seqs = [int(m) for m in re.findall(r"icmp_seq=(\d+)", text)]
    return len(replies), (max(seqs) if seqs else 0), (max(replies) if replies else 0)


def tcp_bytes(server_text):
    """Bytes the TCP server has received so far, and any error it reported."""
    total, err = 0, None
    for line in server_text.splitlines():
        m = re.match(r"bytes=(\d+)", line)
        if m:
            total = int(m.group(1))
        if line.startswith("error="):
            err = line[6:]
    return total, err


if __name__ == "__main__":
    # Manual use: build the bare topology, ping the MN at home, tear down.
    with Topology(with_xmip="--xmip" in sys.argv) as t:
        print(t.sh(NS_CN, "ping", "-c", "3", "-i", "0.2", HOA).stdout)
