# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The correspondent node's test bed: xmip as a CN, a router, and a mobile
node whose route-optimisation side is Scapy (rr_mn.py), not xmip (that
comes with the mobile node's RO code).

    CN 2001:db8:c::2 (xmip role cn) -- RT -- 2001:db8:a::/64 -- MN
                                                CoA 2001:db8:a::100 (and ::200)
                                                HoA 2001:db8:1::100 (on lo)

RT routes the home prefix 2001:db8:1::/64 to the MN's CoA: a stand-in for
the home agent's tunnel, so that the HoTI from the HoA and the HoT to it
travel the "home" path, and so that what the CN sends to the HoA without a
routing header still arrives. The MN's kernel would answer a Mobility Header
or a type-2 routing header with ICMPv6 Parameter Problem: nftables drops
both at its input (the Scapy MN reads them from an AF_PACKET socket first).
The router's interfaces send full checksums and no GSO super-packets (as a
wire does), so the CN's XDP program sees what a NIC would give it; the
CN's own transmissions keep TSO, so its tc program gets GSO packets.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import time

import topology as T

PREFIX = T.PREFIX
NS_C, NS_R, NS_M = PREFIX + "rocn", PREFIX + "rort", PREFIX + "romn"
ALL = (NS_C, NS_R, NS_M)
INSTANCE = PREFIX + "rocn"
CN = "2001:db8:c::2"
RT_C = "2001:db8:c::1"
RT_A = "2001:db8:a::1"
COA = "2001:db8:a::100"
COA2 = "2001:db8:a::200"
HOA = "2001:db8:1::100"
HOA2 = "2001:db8:1::101"   # a second mobile node's home address, same MN namespace
HERE = os.path.dirname(os.path.abspath(__file__))
RR_MN = os.path.join(HERE, "rr_mn.py")
STRIP_SRC = os.path.join(HERE, "rh2_strip.c")


class RoTopology:
    def __init__(self, workdir, ro_conf=""):
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.ro_conf = ro_conf
        self.bin = T.build_dir()
        self.procs = []
        self.agent = None
        self.state = os.path.join(workdir, "mn-state.json")

    # ---- helpers ----
    def sh(self, ns, *cmd, check=True, timeout=30):
        return T.run(T.in_ns(ns, cmd), check=check, timeout=timeout)

    def spawn(self, ns, name, cmd, env=None):
        path = os.path.join(self.workdir, name + ".log")
        with open(path, "a") as f:
            p = subprocess.Popen(T.in_ns(ns, cmd), stdout=f, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        proc = T.Proc(name, p, path)
        self.procs.append(proc)
        return proc

    def xmip(self, *args, check=True):
        return self.sh(NS_C, os.path.join(self.bin, "xmip"), *args, check=check)

    # ---- life cycle ----
    def __enter__(self):
        try:
            self.build()
            self.attach()
            self.start_agent()
        except BaseException:
            self.teardown()
            raise
        return self

    def __exit__(self, *exc):
        self.teardown()
        return False

    def cleanup_stale(self):
        for ns in ALL:
            if os.path.exists("/run/netns/" + ns):
                for pid in T.run(["ip", "netns", "pids", ns], check=False).stdout.split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except (ProcessLookupError, ValueError):
                        pass
                T.run(["ip", "netns", "del", ns], check=False)
        shutil.rmtree(os.path.join(T.PIN_ROOT, INSTANCE), ignore_errors=True)

    def build(self):
        self.cleanup_stale()
        for ns in ALL:
            T.run(["ip", "netns", "add", ns])
            for k in ("all.accept_dad", "default.accept_dad", "all.accept_ra",
                      "default.accept_ra"):
                self.sh(ns, "sysctl", "-qw", "net.ipv6.conf.%s=0" % k)
            self.sh(ns, "ip", "link", "set", "lo", "up")
        self.sh(NS_R, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        r = lambda *a: self.sh(NS_R, *a)
        r("ip", "link", "add", "rtc", "type", "veth", "peer", "name", "eth0", "netns", NS_C)
        r("ip", "link", "add", "rta", "type", "veth", "peer", "name", "mna", "netns", NS_M)
        # A wire's view: full checksums, no super-packets into the CN's XDP
        # and toward the MN (RT segments the CN's GSO packets in software).
        r("ethtool", "-K", "rtc", "tx", "off", "tso", "off", "gso", "off")
        r("ethtool", "-K", "rta", "tx", "off", "tso", "off", "gso", "off")
        self.sh(NS_M, "ethtool", "-K", "mna", "tx", "off", "tso", "off", "gso", "off")
        r("ip", "addr", "add", RT_C + "/64", "dev", "rtc")
        r("ip", "addr", "add", RT_A + "/64", "dev", "rta")
        r("ip", "link", "set", "rtc", "up")
        r("ip", "link", "set", "rta", "up")
        r("ip", "-6", "route", "add", "2001:db8:1::/64", "via", COA, "dev", "rta")
        self.sh(NS_C, "ip", "addr", "add", CN + "/64", "dev", "eth0", "nodad")
        self.sh(NS_C, "ip", "link", "set", "eth0", "up")
        self.sh(NS_C, "ip", "-6", "route", "add", "default", "via", RT_C)
        for a in (COA, COA2):
            self.sh(NS_M, "ip", "addr", "add", a + "/64", "dev", "mna", "nodad")
        for h in (HOA, HOA2):
            self.sh(NS_M, "ip", "addr", "add", h + "/128", "dev", "lo", "nodad")
        self.sh(NS_M, "ip", "link", "set", "mna", "up")
        self.sh(NS_M, "ip", "-6", "route", "add", "default", "via", RT_A)
        for rule in ("add table inet mnro",
                     "add chain inet mnro in { type filter hook input priority 0; }",
                     "add rule inet mnro in meta l4proto 135 drop",
                     "add rule inet mnro in rt type 2 drop"):
            self.sh(NS_M, "nft", rule)
        # Neighbours resolved once, so the first packets of a test are not lost to ND.
        for ns, a in ((NS_C, RT_C), (NS_M, RT_A)):
            self.sh(ns, "ping", "-c1", "-W2", a, check=False)

    def write_conf(self):
        self.conf = os.path.join(self.workdir, "cn.conf")
        with open(self.conf, "w") as f:
            f.write("# correspondent node of the RO e2e test\nrole = cn\ninstance = %s\n"
                    "interface = eth0\naddress = %s\n%s" % (INSTANCE, CN, self.ro_conf))

    def attach(self):
        self.write_conf()
        self.xmip("attach", "-c", self.conf)

    def start_agent(self):
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
        self.agent = self.spawn(NS_C, "agent-cn", [os.path.join(self.bin, "xmip-agentd"),
                                                   "-c", self.conf, "-f", "-v"], env=env)
        time.sleep(0.3)
        if not self.agent.alive():
            raise RuntimeError("xmip-agentd exited at start:\n" + self.agent.text())

    def stop_agent(self):
        if self.agent:
            self.agent.stop()
            self.agent = None

    def teardown(self):
        self.stop_agent()
        for p in self.procs:
            p.stop(signal.SIGKILL, timeout=2)
        if os.path.exists("/run/netns/" + NS_C):
            T.run(T.in_ns(NS_C, [os.path.join(self.bin, "xmip"), "detach", "-i", INSTANCE]),
                  check=False)
        self.cleanup_stale()

    # ---- the Scapy mobile node ----
    def mn(self, *args, coa=COA, hoa=HOA, timeout=5.0):
        state = self.state if hoa == HOA else self.state + "." + hoa
        cmd = ["/usr/bin/python3", RR_MN, "--iface", "mna", "--cn", CN, "--hoa", hoa,
               "--coa", coa, "--state", state, "--timeout", str(timeout)] + list(args)
        r = self.sh(NS_M, *cmd, timeout=60)
        return json.loads(r.stdout.strip().splitlines()[-1])

    def mn_bg(self, name, *args, timeout=5.0):
        # Back once its sockets are open: importing Scapy alone can take more
        # than a second on a loaded machine, and a packet sent before is lost.
        ready = os.path.join(self.workdir, name + ".ready")
        if os.path.exists(ready):
            os.unlink(ready)
        cmd = ["/usr/bin/python3", RR_MN, "--iface", "mna", "--cn", CN, "--hoa", HOA,
               "--coa", COA, "--state", self.state, "--timeout", str(timeout),
               "--ready", ready] + list(args)
        proc = self.spawn(NS_M, name, cmd)
        end = time.time() + 20
        while not os.path.exists(ready) and proc.popen.poll() is None and time.time() < end:
            time.sleep(0.05)
        return proc

    # ---- state ----
    def bindings(self):
        out = self.xmip("binding", "show", "-i", INSTANCE, "-j").stdout.strip()
        return json.loads(out) if out else []

    def binding(self):
        """The binding of the HoA without its "remaining" (which ticks)."""
        for b in self.bindings():
            if b["hoa"] == HOA:
                return {k: v for k, v in b.items() if k != "remaining"}
        return None

    def counters(self):
        return json.loads(self.xmip("show", "-i", INSTANCE, "-j").stdout)[0]["counters"]

    def agent_log(self):
        return self.agent.text() if self.agent else open(os.path.join(self.workdir,
                                                                       "agent-cn.log")).read()

    def sanitizer_errors(self):
        path = os.path.join(self.workdir, "agent-cn.log")
        if not os.path.exists(path):
            return []
        with open(path, errors="replace") as f:
            return [l.strip() for l in f
                    if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", l)]

    # ---- captures ----
    def capture(self, name, ns=NS_R, dev="rtc", snaplen=256):
        path = os.path.join(self.workdir, name + ".pcap")
        p = self.spawn(ns, "tcpdump-" + name, ["tcpdump", "-i", dev, "-n", "-U", "-s",
                                               str(snaplen), "-w", path, "ip6"])
        time.sleep(0.8)
        return p, path

    def strip_rh2_at_mn(self):
        """Stand-in for the mobile node's RO datapath on receive (tc ingress)."""
        obj = os.path.join(self.workdir, "rh2_strip.o")
        T.run(["clang", "-O2", "-g", "-target", "bpf", "-I/usr/include/%s-linux-gnu" %
               os.uname().machine, "-c", STRIP_SRC, "-o", obj])
        self.sh(NS_M, "tc", "qdisc", "add", "dev", "mna", "clsact")
        self.sh(NS_M, "tc", "filter", "add", "dev", "mna", "ingress", "bpf", "da", "obj", obj,
                "sec", "tc")
