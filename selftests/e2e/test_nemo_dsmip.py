# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""NEMO over an IPv4 care-of address, end to end (RFC 3963 with RFC 5555,
whose "mobile node" is a host or a router, §1): OUR mobile router keeps
its mobile network reachable while it moves home -> IPv6-only link ->
behind an nftables masquerade (IPv4 only, UDP 4191) -> IPv6 -> home.

Own namespaces (prefix XMIP_E2E_PREFIX + "r"):

    CN (2001:db8:5::1) -- cn  HA  home ------------------ MR home
                              |  v6 -------------------- MR v6   (IPv6 only)
                              |  wan -- N1 (masquerade) - MR n1  (IPv4 only)
                                                        MR mnet -- H (2001:db8:100::10)

The HA (XDP native, [dsmip], mobile routers served) is the router of every
link and routes the mobile network prefix via the router's home address
when the router is home (RFC 3963 §3). A TCP stream from the CN to the host
H behind the router must move on after each move, and stay open. Away, the
HA's xmip_mnp trie has the prefix and `xmip binding show` the router's
binding with it (the DSMIPv6 row behind the NAT: NAT address and port);
the router routes its network's sources by policy into table 4191 (the
tunnel's interface). Home again: no prefix in the trie, no rule left.
Every link is wire-like (checksums complete, no super-packets): a veth
would hand partial checksums to the HA's XDP, which a NIC never does.
"""
import ipaddress
import json
import os
import signal
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import topology as T  # noqa: E402
from scenario import wait_for  # noqa: E402

P = os.environ.get("XMIP_E2E_PREFIX", "xe") + "r"
NS = {n: P + n for n in ("cn", "ha", "n1", "mn", "h")}
INST_HA, INST_MN = P + "ha", P + "mn"
HA6, HOA, HA4 = "2001:db8:1::2", "2001:db8:1::100", "198.51.100.2"
CN6 = "2001:db8:5::1"
NAI, SPI, KEY = "mr@example.org", 256, "00112233445566778899aabbccddeeff01234567"
MNP_CONF, MNP = "2001:db8:100::/48", "2001:db8:100::/64"
MR_MNET, HOST = "2001:db8:100::1", "2001:db8:100::10"
NAT_PUB = "198.51.100.21"
PORT = 5004
PROGRESS = 32 * 1024
# MR interface -> (IPv6 address, its router) or (IPv4 address, its router)
LINKS = {"home": ("2001:db8:1::200/64", HA6), "v6": ("2001:db8:a::100/64", "2001:db8:a::1"),
         "n1": ("10.1.0.2/24", "10.1.0.1")}


def sh(ns, *cmd, check=True, timeout=30):
    return T.run(T.in_ns(NS[ns], cmd), check=check, timeout=timeout)


def cleanup():
    for ns in NS.values():
        for pid in T.run(["ip", "netns", "pids", ns], check=False).stdout.split():
            T.run(["kill", "-9", pid], check=False)
        T.run(["ip", "netns", "del", ns], check=False)
    for inst in (INST_HA, INST_MN):
        T.run(["rm", "-rf", os.path.join(T.PIN_ROOT, inst)], check=False)
        for ext in (".dsmip", ".rp_filter"):
            if os.path.exists("/run/xmip/%s%s" % (inst, ext)):
                os.unlink("/run/xmip/%s%s" % (inst, ext))


def veth(a, an, b, bn):
    T.run(["ip", "-n", NS[a], "link", "add", an, "type", "veth", "peer", "name", bn,
           "netns", NS[b]])
    for ns, dev in ((a, an), (b, bn)):
        # wire-like: full checksums, no GSO super-packets (see the docstring)
        sh(ns, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off")
        sh(ns, "ip", "link", "set", "dev", dev, "up")


class Bed:
    def __init__(self, work):
        self.work, self.procs, self.where = work, [], None
        self.xmip = os.path.join(T.build_dir(), "xmip")

    def spawn(self, ns, name, cmd):
        path = os.path.join(self.work, name + ".log")
        with open(path, "w") as f:
            p = subprocess.Popen(T.in_ns(NS[ns], cmd), stdout=f, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
        proc = T.Proc(name, p, path)
        self.procs.append(proc)
        return proc

    def build(self):
        for ns in NS.values():
            T.run(["ip", "netns", "add", ns])
            T.run(T.in_ns(ns, ["ip", "link", "set", "lo", "up"]))
            for k in ("all.accept_dad=0", "default.accept_dad=0", "all.accept_ra=0",
                      "default.accept_ra=0"):
                T.run(T.in_ns(ns, ["sysctl", "-qw", "net.ipv6.conf." + k]))
        veth("ha", "cn", "cn", "eth0")
        veth("ha", "home", "mn", "home")
        veth("ha", "v6", "mn", "v6")
        veth("ha", "wan", "n1", "pub")
        veth("n1", "in", "mn", "n1")
        veth("mn", "mnet", "h", "eth0")
        sh("cn", "ip", "addr", "add", CN6 + "/64", "dev", "eth0", "nodad")
        sh("cn", "ip", "-6", "route", "add", "default", "via", "2001:db8:5::2")
        for dev, a in (("cn", "2001:db8:5::2/64"), ("home", HA6 + "/64"),
                       ("v6", "2001:db8:a::1/64"), ("wan", HA4 + "/24")):
            sh("ha", "ip", "addr", "add", a, "dev", dev, "nodad")
        sh("ha", "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        sh("ha", "sysctl", "-qw", "net.ipv4.ip_forward=1")
        # RFC 3963 §3: the mobile network via the router's home address (the
        # datapath takes over while a binding exists)
        sh("ha", "ip", "-6", "route", "add", MNP_CONF, "via", HOA, "dev", "home")
        sh("n1", "ip", "addr", "add", NAT_PUB + "/24", "dev", "pub")
        sh("n1", "ip", "addr", "add", "10.1.0.1/24", "dev", "in")
        sh("n1", "ip", "route", "add", "default", "via", HA4)
        sh("n1", "sysctl", "-qw", "net.ipv4.ip_forward=1")
        sh("n1", "nft", "add table ip nat")
        sh("n1", "nft", "add chain ip nat post { type nat hook postrouting priority 100 ; }")
        sh("n1", "nft", "add rule ip nat post oifname pub masquerade")
        # the mobile network: its MTU leaves room for the tunnel
        for ns, dev in (("mn", "mnet"), ("h", "eth0")):
            sh(ns, "ip", "link", "set", "dev", dev, "mtu", "1400")
        sh("mn", "ip", "addr", "add", MR_MNET + "/64", "dev", "mnet", "nodad")
        sh("h", "ip", "addr", "add", HOST + "/64", "dev", "eth0", "nodad")
        sh("h", "ip", "-6", "route", "add", "default", "via", MR_MNET)
        # XDP_TX / redirect into a veth needs an XDP program on the peer (the
        # MR's interfaces get the MR's own)
        obj = os.path.join(self.work, "xdp_pass.o")
        T.run(["clang", "-O2", "-g", "-target", "bpf", "-c", os.path.join(HERE, "xdp_pass.c"),
               "-o", obj])
        for ns, dev in (("cn", "eth0"), ("n1", "pub")):
            sh(ns, "ip", "link", "set", "dev", dev, "xdpdrv", "obj", obj, "sec", "xdp")
        for dev in ("v6", "n1"):
            sh("mn", "ip", "link", "set", "dev", dev, "down")
        self.link_up("home")

    def link_up(self, dev):
        addr, router = LINKS[dev]
        sh("mn", "ip", "link", "set", "dev", dev, "up")
        sh("mn", "ip", "addr", "replace", addr, "dev", dev, *(("nodad",) if ":" in addr else ()))
        sh("mn", "ip", "-6" if ":" in addr else "-4", "route", "replace", "default", "via",
           router, "dev", dev)
        self.where = dev

    def move(self, to):
        sh("mn", "ip", "addr", "flush", "dev", self.where, "scope", "global")
        sh("mn", "ip", "link", "set", "dev", self.where, "down")
        self.link_up(to)

    def start(self):
        ha = os.path.join(self.work, "ha.conf")
        with open(ha, "w") as f:
            f.write(f"""role = ha
instance = {INST_HA}
interface = cn
interface = home
interface = v6
interface = wan
address = {HA6}
home-prefix = 2001:db8:1::/64
xdp-mode = native
dad-transmits = 0
max-lifetime = 600

[dsmip]
ipv4-address = {HA4}
nat-keepalive = 4

[mn {NAI}]
home-address = {HOA}
spi = {SPI}
key = {KEY}
mobile-network-prefix = {MNP_CONF}
""")
        mn = os.path.join(self.work, "mn.conf")
        with open(mn, "w") as f:
            f.write(f"""role = mn
instance = {INST_MN}
interface = home
interface = v6
interface = n1
home-address = {HOA}
home-agent = {HA6}
home-prefix = 2001:db8:1::/64
nai = {NAI}
spi = {SPI}
key = {KEY}
lifetime = 60
mobile-router = yes
nemo-mode = explicit
mobile-network-prefix = {MNP}

[dsmip]
home-agent-ipv4 = {HA4}
""")
        sh("ha", self.xmip, "attach", "-c", ha)
        sh("mn", self.xmip, "attach", "-c", mn)
        for role, conf in (("ha", ha), ("mn", mn)):
            p = self.spawn(role, "agent-" + role, [
                "env", "ASAN_OPTIONS=abort_on_error=0:detect_leaks=1",
                os.path.join(T.build_dir(), "xmip-agentd"), "-c", conf, "-f", "-v"])
            setattr(self, "agent_" + role, p)
        time.sleep(1.0)
        assert self.agent_ha.alive() and self.agent_mn.alive(), \
            self.agent_ha.text() + self.agent_mn.text()

    def binding(self):
        r = sh("ha", self.xmip, "binding", "show", "-i", INST_HA, "-j", check=False)
        try:
            rows = [b for b in json.loads(r.stdout or "[]") if b.get("hoa") == HOA]
        except ValueError:
            return None
        return rows[0] if rows else None

    def prefixes(self):
        """The HA's xmip_mnp trie: [(prefix/len, HoA)]."""
        pin = os.path.join(T.PIN_ROOT, INST_HA, "xmip_mnp")
        out = sh("ha", "bpftool", "-j", "map", "dump", "pinned", pin, check=False).stdout
        got = []
        for e in json.loads(out or "[]"):
            k, v = e.get("formatted", e)["key"], e.get("formatted", e)["value"]
            got.append(("%s/%d" % (ipaddress.IPv6Address(bytes(k["prefix"])), k["prefixlen"]),
                        str(ipaddress.IPv6Address(bytes(v["hoa"])))))
        return got

    def counters(self, ns, inst):
        out = json.loads(sh(ns, self.xmip, "show", "-i", inst, "-j", "-a").stdout)
        inst = out[0] if isinstance(out, list) else out
        return inst.get("counters", inst.get("stats", {}))

    def rules(self):
        return sh("mn", "ip", "-6", "rule", "show").stdout

    def diag(self):
        return "\nbinding %s\nHA log:\n%s\nMR log:\n%s" % (
            self.binding(), self.agent_ha.text()[-4000:], self.agent_mn.text()[-4000:])

    def stop(self):
        for p in reversed(self.procs):
            p.stop(signal.SIGTERM, timeout=5)
        for ns, inst in (("ha", INST_HA), ("mn", INST_MN)):
            sh(ns, self.xmip, "detach", "-i", inst, check=False)


@pytest.fixture(scope="module")
def bed():
    if os.geteuid() != 0:
        pytest.skip("needs root")
    work = os.path.join(HERE, "artifacts", "test_nemo_dsmip")
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):
        os.unlink(os.path.join(work, f))
    cleanup()
    b = Bed(work)
    try:
        b.build()
        b.start()
        yield b
    finally:
        b.stop()
        cleanup()
    errs = [ln for p in b.procs if p.name.startswith("agent-")
            for ln in p.text().splitlines() if "Sanitizer" in ln or "runtime error" in ln]
    assert not errs, errs


def test_mobile_network_follows_the_router_over_ipv4_behind_a_nat(bed):
    b = bed
    ts = os.path.join(HERE, "tcpstream.py")
    srv = b.spawn("h", "server", [T.PY, "-u", ts, "server", HOST, str(PORT)])
    assert wait_for(lambda: "listening" in srv.text(), 5), srv.text()
    cli = b.spawn("cn", "client", [T.PY, "-u", ts, "client", HOST, str(PORT), "2000"])
    assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > PROGRESS, 15), srv.text() + b.diag()

    # ... and back from IPv4 to IPv6 once: the MIPv6 registration takes the
    # prefixes over from the DSMIPv6 binding, which must not take them along
    for to in ("v6", "n1", "v6", "home"):
        before = T.tcp_bytes(srv.text())[0]
        c0 = {r: b.counters(r, i) for r, i in (("ha", INST_HA), ("mn", INST_MN))}
        b.move(to)
        if to == "v6":
            want = lambda r: r and r.get("coa") == "2001:db8:a::100"   # noqa: E731
        elif to == "n1":
            want = lambda r: r and r.get("family") == "dsmip" and r.get("nat") and \
                r.get("observed_addr") == NAT_PUB                       # noqa: E731
        else:
            want = lambda r: r is None                                  # noqa: E731
        assert wait_for(lambda: want(b.binding()), 20), "move to %s%s" % (to, b.diag())
        if to != "home":
            # RFC 3963 §6.6: a router's binding, its prefix forwarded to it
            assert b.binding().get("mobile_network_prefixes") == [MNP], b.binding()
            assert wait_for(lambda: (MNP, HOA) in b.prefixes(), 5), b.prefixes()
            assert "from %s lookup 4191" % MNP in b.rules(), b.rules()
            assert "to %s lookup main" % MNP in b.rules(), b.rules()
        else:
            # §6.7: deregistered, nothing forwarded to the tunnel, no rule left
            assert wait_for(lambda: b.prefixes() == [], 5), b.prefixes()
            assert MNP not in b.rules(), b.rules()
        assert wait_for(lambda: T.tcp_bytes(srv.text())[0] > before + PROGRESS, 20), \
            "TCP to the host behind the router stalled after the move to %s\n%s%s" % (
                to, srv.text()[-300:], b.diag())
        assert T.tcp_bytes(srv.text())[1] is None and cli.alive(), cli.text() + b.diag()
        r = sh("cn", "ping", "-c", "2", "-i", "0.2", "-W", "2", HOST, check=False)
        assert r.returncode == 0, "ping at %s: %s%s" % (to, r.stdout, b.diag())
        if to == "n1":
            # both directions took the datapath: the HA's trie served the
            # prefix into UDP and took the host's packets out of it; the
            # router tunnelled its network's packets and unwrapped theirs
            d = {r: {k: v - c0[r].get(k, 0) for k, v in b.counters(r, i).items()}
                 for r, i in (("ha", INST_HA), ("mn", INST_MN))}
            assert d["ha"].get("nemo_prefix_hit", 0) > 20, d["ha"]
            assert d["ha"].get("dsmip_encap_ok", 0) > 20, d["ha"]
            assert d["ha"].get("dsmip_decap_ok", 0) > 20, d["ha"]
            assert d["mn"].get("mn_encap4_ok", 0) > 20, d["mn"]
            assert d["mn"].get("mn_decap4_ok", 0) > 20, d["mn"]
            assert not [k for k in d["mn"] if k.startswith("drop_") and d["mn"][k]], d["mn"]
            assert not [k for k in ("drop_dsmip_spoofed", "drop_dsmip_unknown_hoa")
                        if d["ha"].get(k)], d["ha"]

    # every BU of the router was accepted, over UDP (as a router: R in the BA,
    # else the MR agent would have said so) and over the Mobility Header
    ha, mr = b.agent_ha.text(), b.agent_mn.text()
    udp = [ln for ln in ha.splitlines() if "dsmip: BU seq" in ln]
    assert udp and all("status 0 " in ln for ln in udp), "\n".join(udp) + b.diag()
    assert "BA without R" not in mr and "BA: refused" not in mr, b.diag()
    cli.stop()
    srv.stop()
