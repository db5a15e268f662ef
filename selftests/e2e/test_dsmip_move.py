# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Issue 9 end to end: OUR mobile node moves through IPv6, IPv4 and NATs to
OUR home agent, and every connection survives (RFC 5555; no stand-ins).

Own namespaces (prefix XMIP_E2E_PREFIX + "m"):

    CN (2001:db8:5::1, 203.0.113.50) -- cn  HA  home -- H (bridge: home link)
                                            |  v6 ------------------ MN v6 (IPv6 only)
                                            |  wan -- SW (bridge, 198.51.100.0/24)
                                                        |-- MN v4 (public IPv4 only)
                                                        |-- N1 (masquerade) -- MN n1
                                                        `-- N2o (masquerade) -- N2i (masquerade) -- MN n2

The HA (xmip attached, XDP native or tc mode: the file runs both; agent
with [dsmip], nat-keepalive 4 s)
is the router of every link. The MN runs xmip-agentd role mn with a static
IPv4 home address. The CN keeps an IPv6 ping, an IPv4 ping, and one TCP
stream to each home address (tcpstream.py) while the MN goes home -> v6 ->
v4 -> n1 -> n2 -> home -> v4 (the CN runs our correspondent role, and the MN
route-optimises to it on the IPv6 leg; on the IPv4 leg after it the MN has
the CN delete that binding through the tunnel, RFC 5555 §2.4). After each move: the HA's binding names the
new care-of address (IPv6, or the IPv4 CoA with the NAT's address and
port; on v6 the IPv4 home address bound IPv4-in-IPv6), both streams are
alive and make progress, and a host on the home link reaches both home
addresses through the HA's proxy ND / ARP (the MN's own MAC at home).
Behind one NAT (random ports) its conntrack table is flushed mid-transfer:
the streams go on within one keepalive interval. Behind two NATs a 16 MiB
transfer from the home address with GSO on at the MN arrives intact. A
capture of UDP 4191 signalling on the IPv4 "internet" decodes in tshark as
BU/BA with the RFC 5555 options, no malformed packet.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import topology as T  # noqa: E402
from scenario import wait_for  # noqa: E402
sys.path.insert(0, os.path.dirname(HERE))
from hashstream import expected  # noqa: E402

P = os.environ.get("XMIP_E2E_PREFIX", "xe") + "m"
NS = {n: P + n for n in ("cn", "ha", "h", "sw", "n1", "n2o", "n2i", "mn")}
INST_HA, INST_MN, INST_CN = P + "ha", P + "mn", P + "cn"
HA6, HOA, HA4, HOA4 = "2001:db8:1::2", "2001:db8:1::100", "198.51.100.2", "192.0.2.100"
CN6, CN4 = "2001:db8:5::1", "203.0.113.50"
NAI, SPI, KEY = "mn1@example.org", 256, "00112233445566778899aabbccddeeff01234567"
KEEPALIVE = 4
LIFETIME = 8         # the MN's: a refresh every 6 s (80 %), several per leg; 8 s, not
                     # 4: correspondent BUs need 4 s of the home registration left (mn_ro.c)
PORT6, PORT4 = 5001, 5002
# MN interface -> (IPv6 address or None, IPv4 address or None) on that link, and its routers
LINKS = {
    "home": ("2001:db8:1::200", "%s/24" % HOA4, HA6, "192.0.2.254"),
    "v6": ("2001:db8:a::100", None, "2001:db8:a::1", None),
    "v4": (None, "198.51.100.10/24", None, HA4),
    "n1": (None, "10.1.0.2/24", None, "10.1.0.1"),
    "n2": (None, "192.168.1.2/24", None, "192.168.1.1"),
}
PUBLIC = {"v4": "198.51.100.10", "n1": "198.51.100.21", "n2": "198.51.100.22"}
PROGRESS = 48 * 1024
RPF_ATTACHED = (("cn", "2"), ("home", "2"), ("v6", "0"), ("wan", "2"))
RPF_IFS = tuple(d for d, _ in RPF_ATTACHED)


def sh(ns, *cmd, check=True, timeout=30):
    return T.run(T.in_ns(NS[ns], cmd), check=check, timeout=timeout)


def cleanup():
    for ns in NS.values():
        for pid in T.run(["ip", "netns", "pids", ns], check=False).stdout.split():
            T.run(["kill", "-9", pid], check=False)
        T.run(["ip", "netns", "del", ns], check=False)
    for inst in (INST_HA, INST_MN, INST_CN):
        T.run(["rm", "-rf", os.path.join(T.PIN_ROOT, inst)], check=False)
        for ext in (".dsmip", ".rp_filter"):
            if os.path.exists("/run/xmip/%s%s" % (inst, ext)):
                os.unlink("/run/xmip/%s%s" % (inst, ext))


def veth(a, an, b, bn):
    T.run(["ip", "-n", NS[a], "link", "add", an, "type", "veth", "peer", "name", bn,
           "netns", NS[b]])
    sh(a, "ip", "link", "set", "dev", an, "up")
    sh(b, "ip", "link", "set", "dev", bn, "up")


def bridge(ns, ports, addrs=()):
    sh(ns, "ip", "link", "add", "br0", "type", "bridge", "forward_delay", "0", "stp_state", "0")
    for p in ports:
        sh(ns, "ip", "link", "set", p, "master", "br0")
    for a in addrs:
        sh(ns, "ip", "addr", "add", a, "dev", "br0", "nodad")
    sh(ns, "ip", "link", "set", "br0", "up")


def masquerade(ns, out, how="masquerade"):
    sh(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1")
    sh(ns, "nft", "add table ip nat")
    sh(ns, "nft", "add chain ip nat post { type nat hook postrouting priority 100 ; }")
    sh(ns, "nft", "add rule ip nat post oifname %s %s" % (out, how))


class Move:
    """The topology, agents and traffic of the file (one per module)."""

    def __init__(self, work, mode):
        self.work, self.procs, self.where, self.mode = work, [], None, mode
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
        veth("ha", "home", "h", "ha")
        veth("h", "mn", "mn", "home")
        veth("ha", "v6", "mn", "v6")
        veth("ha", "wan", "sw", "ha")
        veth("sw", "mn", "mn", "v4")
        veth("sw", "n1", "n1", "pub")
        veth("sw", "n2", "n2o", "pub")
        veth("n1", "in", "mn", "n1")
        veth("n2o", "in", "n2i", "out")
        veth("n2i", "in", "mn", "n2")
        bridge("h", ("ha", "mn"), ("2001:db8:1::9/64", "192.0.2.9/24"))
        bridge("sw", ("ha", "mn", "n1", "n2"))
        # CN, routed through the HA
        sh("cn", "ip", "addr", "add", CN6 + "/64", "dev", "eth0", "nodad")
        sh("cn", "ip", "addr", "add", CN4 + "/24", "dev", "eth0")
        sh("cn", "ip", "-6", "route", "add", "default", "via", "2001:db8:5::2")
        sh("cn", "ip", "route", "add", "default", "via", "203.0.113.1")
        sh("h", "ip", "-6", "route", "add", "default", "via", HA6)
        sh("h", "ip", "route", "add", "default", "via", "192.0.2.254")
        # HA: the router of every link
        for dev, addrs in (("cn", ("2001:db8:5::2/64", "203.0.113.1/24")),
                           ("home", (HA6 + "/64", "192.0.2.254/24")),
                           ("v6", ("2001:db8:a::1/64",)), ("wan", (HA4 + "/24",))):
            for a in addrs:
                sh("ha", "ip", "addr", "add", a, "dev", dev, "nodad")
        # strict reverse-path filtering on every interface, as some
        # distributions ship (default.rp_filter = 1): xmip attach changes it
        # where IPv4 from home addresses is decapsulated
        for k in ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1") + tuple(
                "net.ipv4.conf.%s.rp_filter=1" % d for d in RPF_IFS):
            sh("ha", "sysctl", "-qw", k)
        # NATs: masquerade as home routers do; two in a row for n2
        sh("n1", "ip", "addr", "add", PUBLIC["n1"] + "/24", "dev", "pub")
        sh("n1", "ip", "addr", "add", "10.1.0.1/24", "dev", "in")
        sh("n1", "ip", "route", "add", "default", "via", HA4)
        # random ports: a flushed mapping comes back on another port, which
        # the HA follows only after the next (authenticated) keepalive BU
        masquerade("n1", "pub", "masquerade random")
        sh("n2o", "ip", "addr", "add", PUBLIC["n2"] + "/24", "dev", "pub")
        sh("n2o", "ip", "addr", "add", "10.2.0.1/24", "dev", "in")
        sh("n2o", "ip", "route", "add", "default", "via", HA4)
        masquerade("n2o", "pub")
        sh("n2i", "ip", "addr", "add", "10.2.0.2/24", "dev", "out")
        sh("n2i", "ip", "addr", "add", "192.168.1.1/24", "dev", "in")
        sh("n2i", "ip", "route", "add", "default", "via", "10.2.0.1")
        masquerade("n2i", "out")
        # XDP_TX / redirect into a veth needs an XDP program on the peer (the
        # MN has its own on v6); and
        # the HA's links like wires (full checksums, no super-packets).
        obj = os.path.join(self.work, "xdp_pass.o")
        T.run(["clang", "-O2", "-g", "-target", "bpf", "-c", os.path.join(HERE, "xdp_pass.c"),
               "-o", obj])
        # (the CN's own: our correspondent's program, attached in start())
        for ns, dev in (("cn", "eth0"), ("h", "ha"), ("sw", "ha")):
            if ns != "cn":
                sh(ns, "ip", "link", "set", "dev", dev, "xdpdrv", "obj", obj, "sec", "xdp")
            sh(ns, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off")
        # The MN's own link straight to the HA's XDP: a veth would hand its
        # CHECKSUM_PARTIAL TCP segments to the HA unfinished (a NIC completes
        # them); on the IPv4 links the bridge in SW completes them, and there
        # the MN keeps every offload (GSO through its UDP tunnel).
        sh("mn", "ethtool", "-K", "v6", "tx", "off", "tso", "off", "gso", "off")
        # the MN starts at home; all its other links down
        for dev in LINKS:
            if dev != "home":
                sh("mn", "ip", "link", "set", "dev", dev, "down")
        self.link_up("home")

    def link_up(self, dev):
        a6, a4, r6, r4 = LINKS[dev]
        sh("mn", "ip", "link", "set", "dev", dev, "up")
        if a6:
            sh("mn", "ip", "addr", "replace", a6 + "/64", "dev", dev, "nodad")
            sh("mn", "ip", "-6", "route", "replace", "default", "via", r6, "dev", dev)
        if a4:
            sh("mn", "ip", "addr", "replace", a4, "dev", dev)
            sh("mn", "ip", "route", "replace", "default", "via", r4, "dev", dev)
        self.where = dev

    def move(self, to):
        sh("mn", "ip", "addr", "flush", "dev", self.where, "scope", "global")
        sh("mn", "ip", "link", "set", "dev", self.where, "down")
        self.link_up(to)

    def configs(self):
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
xdp-mode = {self.mode}
dad-transmits = 0
max-lifetime = 600

[dsmip]
ipv4-address = {HA4}
nat-keepalive = {KEEPALIVE}

[mn {NAI}]
home-address = {HOA}
spi = {SPI}
key = {KEY}
ipv4-home-address = {HOA4}
""")
        mn = os.path.join(self.work, "mn.conf")
        with open(mn, "w") as f:
            f.write(f"""role = mn
instance = {INST_MN}
interface = home
interface = v6
interface = v4
interface = n1
interface = n2
home-address = {HOA}
home-agent = {HA6}
home-prefix = 2001:db8:1::/64
nai = {NAI}
spi = {SPI}
key = {KEY}
lifetime = {LIFETIME}

[dsmip]
home-agent-ipv4 = {HA4}
ipv4-home-address = {HOA4}

[ro]
correspondent = {CN6}
""")
        cn = os.path.join(self.work, "cn.conf")
        with open(cn, "w") as f:
            f.write(f"role = cn\ninstance = {INST_CN}\ninterface = eth0\naddress = {CN6}\n")
        return ha, mn, cn

    def start(self):
        ha, mn, cn = self.configs()
        sh("ha", self.xmip, "attach", "-c", ha)
        # IPv4 home addresses configured: loose rp_filter where the HA has an
        # IPv4 address, off on v6 (IPv6 only: Linux drops a source not routed
        # through an interface without IPv4 address in either mode)
        assert self.rp_filter() == dict(RPF_ATTACHED), self.rp_filter()
        sh("mn", self.xmip, "attach", "-c", mn)
        sh("cn", self.xmip, "attach", "-c", cn)
        for role, ns, conf in (("ha", "ha", ha), ("mn", "mn", mn), ("cn", "cn", cn)):
            env_cmd = ["env", "ASAN_OPTIONS=abort_on_error=0:detect_leaks=1"]
            p = self.spawn(ns, "agent-" + role, env_cmd + [
                os.path.join(T.build_dir(), "xmip-agentd"), "-c", conf, "-f", "-v"])
            setattr(self, "agent_" + role, p)
        time.sleep(1.0)
        assert self.agent_ha.alive() and self.agent_mn.alive() and self.agent_cn.alive(), \
            self.agent_ha.text() + self.agent_mn.text() + self.agent_cn.text()

    def bindings(self):
        r = sh("ha", self.xmip, "binding", "show", "-i", INST_HA, "-j", check=False)
        try:
            return [b for b in json.loads(r.stdout or "[]") if b.get("hoa") == HOA]
        except ValueError:
            return []

    def binding(self):
        """The binding of the IPv6 home address (the MIPv6 one on an IPv6 CoA)."""
        mine = sorted(self.bindings(), key=lambda b: b.get("family") != "mip6")
        return mine[0] if mine else None

    def cn_bindings(self):
        r = sh("cn", self.xmip, "binding", "show", "-i", INST_CN, "-j", check=False)
        try:
            return [(b["hoa"], b["coa"]) for b in json.loads(r.stdout or "[]")]
        except (ValueError, KeyError):
            return []

    def counters(self, ns, inst):
        out = json.loads(sh(ns, self.xmip, "show", "-i", inst, "-j", "-a").stdout)
        inst = out[0] if isinstance(out, list) else out
        return inst.get("counters", inst.get("stats", {}))

    def traffic(self):
        ts = os.path.join(HERE, "tcpstream.py")
        self.srv6 = self.spawn("mn", "srv6", [T.PY, "-u", ts, "server", HOA, str(PORT6)])
        self.srv4 = self.spawn("mn", "srv4", [T.PY, "-u", ts, "server", "::ffff:" + HOA4,
                                              str(PORT4)])
        assert wait_for(lambda: "listening" in self.srv6.text() + "" and
                        "listening" in self.srv4.text(), 5)
        self.cli6 = self.spawn("cn", "cli6", [T.PY, "-u", ts, "client", HOA, str(PORT6), "3000"])
        self.cli4 = self.spawn("cn", "cli4", [T.PY, "-u", ts, "client", "::ffff:" + HOA4,
                                              str(PORT4), "3000"])
        self.ping6 = self.spawn("cn", "ping6", ["stdbuf", "-oL", "ping", "-n", "-O", "-i", "0.2",
                                                "-W", "1", HOA])
        self.ping4 = self.spawn("cn", "ping4", ["stdbuf", "-oL", "ping", "-n", "-O", "-i", "0.2",
                                                "-W", "1", HOA4])

    def stream(self, fam):
        return T.tcp_bytes((self.srv6 if fam == 6 else self.srv4).text())

    def ping(self, fam):
        return T.ping_stats((self.ping6 if fam == 6 else self.ping4).text())

    def progress(self, fams, timeout=20):
        """Wait until each family's stream and ping moved on; return the ones that did not."""
        start = {f: (self.stream(f)[0], self.ping(f)[1]) for f in fams}
        stuck = []
        for f in fams:
            ok = wait_for(lambda: self.stream(f)[0] >= start[f][0] + PROGRESS and
                          self.ping(f)[2] > start[f][1], timeout)
            if not ok:
                stuck.append(f)
        return stuck

    def alive(self):
        """Both connections still open (no reset, no close) on both ends."""
        bad = []
        for f, srv, cli in ((6, self.srv6, self.cli6), (4, self.srv4, self.cli4)):
            if self.stream(f)[1] or not srv.alive() or not cli.alive():
                bad.append("%d: %s %s" % (f, srv.text()[-200:], cli.text()[-200:]))
        return bad

    def home_link(self):
        """What a host on the home link sees: (ping to the IPv6 HoA ok, the MAC
        its neighbour cache then gives the HoA, the same for the IPv4 HoA)."""
        out = []
        for a in (HOA, HOA4):
            sh("h", "ip", "neigh", "flush", "to", a, check=False)
            ok = " 0% packet loss" in sh("h", "ping", "-c", "2", "-i", "0.2", "-W", "2", a,
                                         check=False).stdout
            n = json.loads(sh("h", "ip", "-j", "neigh", "show", "to", a).stdout or "[]")
            out += [ok, n[0].get("lladdr") if n else None]
        return tuple(out)

    def mac(self, ns, dev):
        return json.loads(sh(ns, "ip", "-j", "link", "show", "dev", dev).stdout)[0]["address"]

    def diag(self):
        return "\nbinding %s\nHA log:\n%s\nMN log:\n%s" % (
            self.binding(), self.agent_ha.text()[-4000:], self.agent_mn.text()[-4000:])

    def rp_filter(self):
        return {d: sh("ha", "sysctl", "-n", "net.ipv4.conf.%s.rp_filter" % d,
                      check=False).stdout.strip() for d in RPF_IFS}

    def stop(self):
        for p in reversed(self.procs):
            p.stop(signal.SIGTERM, timeout=5)
        for ns, inst in (("ha", INST_HA), ("mn", INST_MN), ("cn", INST_CN)):
            sh(ns, self.xmip, "detach", "-i", inst, check=False)
        self.rpf_after = self.rp_filter()   # detach puts the values back


def refreshes_over_ipv6(m, garp):
    """Binding refreshes from the IPv6 care-of address carry the IPv4 home
    address each time (RFC 5555 §4.4.2): each is an update in place. While a
    refresh happens (and over the leg's earlier ones) the IPv4 home address is one binding in `xmip binding show -j`
    at every look (never withdrawn, never listed twice), the agent never ends
    the binding to make it again, the ping to it loses nothing, and the home
    link hears no gratuitous ARP for it after the one of the registration."""
    said = "IPv4 home address %s for %s over its IPv6 care-of address" % (HOA4, HOA)
    ended = "binding of %s ended" % HOA     # the DSMIPv6 binding withdrawn
    n0, e0 = m.agent_ha.text().count(said), m.agent_ha.text().count(ended)
    g0 = garp.text().count("ethertype ARP")
    assert n0 >= 1 and g0 >= 1, (n0, garp.text()) + (m.diag(),)
    lost = lambda st: st[1] - st[0]   # noqa: E731  (sent, resolved, unanswered)
    lost0, seen = lost(m.ping(4)), []
    deadline = time.time() + 2 * LIFETIME
    while m.agent_ha.text().count(said) < n0 + 1 and time.time() < deadline:
        rows = [b for b in json.loads(sh("ha", m.xmip, "binding", "show", "-i", INST_HA, "-j",
                                         check=False).stdout or "[]")
                if HOA4 in (b.get("hoa"), b.get("ipv4_hoa"))]
        seen.append(rows)
    assert m.agent_ha.text().count(said) >= n0 + 1, "no refresh" + m.diag()
    assert m.agent_ha.text().count(ended) == e0, "a refresh withdrew the binding" + m.diag()
    bad = [r for r in seen if len([b for b in r if b.get("family") == "dsmip"]) != 1 or
           len(r) != len(seen[0])]
    assert not bad and seen, (seen[0] if seen else None, bad[:3])
    time.sleep(0.5)
    g1 = garp.text().count("ethertype ARP")
    assert g1 == 1, "gratuitous ARP at a refresh:\n" + garp.text()
    # no ping to the IPv4 home address lost over the refreshes
    assert lost(m.ping(4)) <= lost0 + 1, (lost0, m.ping(4))


def gso_bulk(m, n=16 << 20):
    """A bulk TCP transfer from the IPv6 home address behind both NATs, GSO
    and TSO left on at the MN: every byte arrives (SHA-256), no drop at the
    MN's tc egress, and it encapsulated super-packets (fewer encapsulations
    than MTU-sized segments: the kernel segments after the UDP tunnel)."""
    feats = sh("mn", "ethtool", "-k", "n2").stdout
    assert re.search(r"tcp-segmentation-offload: on", feats), feats
    c0 = m.counters("mn", INST_MN)
    t0 = time.time()
    out = T.transfer(None, NS["cn"], CN6, NS["mn"], HOA, n)
    took = time.time() - t0
    c1 = m.counters("mn", INST_MN)
    d = {k: c1[k] - c0.get(k, 0) for k in c1 if c1[k] != c0.get(k, 0)}
    assert out == expected(n), (out, d)
    assert not [k for k in d if k.startswith("drop_")], d
    assert 0 < d.get("mn_encap4_ok", 0) < n // 1400, d
    print("bulk through the UDP tunnel behind two NATs: %d octets in %.2f s (%.0f Mbit/s), "
          "%d encapsulations" % (n, took, n * 8 / took / 1e6, d["mn_encap4_ok"]))


@pytest.fixture(scope="module", params=["native", "tc"])
def move(request):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    cleanup()
    work = os.path.join(HERE, "artifacts", "test_dsmip_move-" + request.param)
    os.makedirs(work, exist_ok=True)
    m = Move(work, request.param)
    try:
        m.build()
        m.start()
        yield m
    finally:
        m.stop()
        cleanup()
    bad = [l for l in (m.agent_ha.text() + m.agent_mn.text() + m.agent_cn.text()).splitlines()
           if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:", l)]
    assert not bad, bad
    assert m.rpf_after == {d: "1" for d in RPF_IFS}, m.rpf_after


def test_move_through_ipv6_ipv4_and_nats(move):
    m = move
    cap_path = os.path.join(m.work, "signalling.pcap")
    # UDP 4191 whose payload is IPv6 with a Mobility Header: the signalling
    cap = m.spawn("sw", "tcpdump", ["tcpdump", "-i", "br0", "-U", "-n", "-s", "0", "-w", cap_path,
                                    "udp port 4191 and udp[8] & 0xf0 == 0x60 and udp[14] == 135"])
    # at home: the CN reaches both home addresses on the home link
    wait_for(lambda: "listening on" in cap.text(), 5)
    m.traffic()
    assert m.progress((6, 4)) == [], "no traffic at home" + m.diag()

    ha_mac, mn_mac = m.mac("ha", "home"), m.mac("mn", "home")
    # gratuitous ARP for the IPv4 home address from the HA on the home link
    # (sender and target address both the HoA): RFC 5944 §4.6 announces a new
    # binding, not a refresh
    garp = m.spawn("h", "garp", ["tcpdump", "-i", "br0", "-l", "-n", "-e", "ether src %s and "
                                 "arp and arp[14:4] = 0x%s and arp[24:4] = 0x%s"
                                 % ((ha_mac,) + (socket.inet_aton(HOA4).hex(),) * 2)])
    wait_for(lambda: "listening on" in garp.text(), 5)
    # the last leg: the first registration since the node came home is over IPv4
    garps = lambda: garp.text().count("ethertype ARP")   # noqa: E731
    for leg, to in enumerate(("v6", "v4", "n1", "n2", "home", "v4")):
        t_leg, g_leg, hoa4_n = time.time(), garps(), m.agent_ha.text().count("IPv4 home address")
        m.move(to)
        if to == "home":
            want = None
        elif LINKS[to][0]:
            want = LINKS[to][0]
        else:
            want = PUBLIC[to]
        ok = wait_for(lambda: (m.binding() is None) if want is None else
                      (m.binding() or {}).get("observed_addr", (m.binding() or {}).get("coa"))
                      == want, 15, 0.3)
        assert ok, "%s: HA binding not %s" % (to, want) + m.diag()
        # on the IPv6-only link the IPv4 home address runs IPv4-in-IPv6
        stuck = m.progress((6, 4))
        assert stuck == [], "%s: no progress for IPv%s" % (to, stuck) + m.diag()
        assert m.alive() == [], "%s: connection broken %s" % (to, m.alive()) + m.diag()
        if to in ("n1", "n2"):
            b = m.binding()
            assert b["nat"] and b["encap"] == "udp4" and b.get("ipv4_hoa") == HOA4, b
        elif to == "v4":
            b = m.binding()
            assert not b["nat"] and b["encap"] == "ipv4" and b.get("ipv4_hoa") == HOA4, b
        if to == "v6":
            # our correspondent (role cn, [ro] correspondent at the MN): route
            # optimised from the IPv6 CoA
            assert wait_for(lambda: m.cn_bindings() == [(HOA, LINKS["v6"][0])], 15), \
                m.cn_bindings() + [m.agent_cn.text()[-2000:]]
        elif to == "v4" and leg == 1:
            # RFC 5555 §2.4: none from the IPv4 CoA; the binding naming the
            # IPv6 CoA left behind is deleted by a BU from the HoA through the
            # IPv4 tunnel (not left to expire), its BA back through the tunnel
            said = "binding deleted: HoA %s" % HOA
            assert wait_for(lambda: said in m.agent_cn.text() and
                            "deleted our binding" in m.agent_mn.text(), 10), \
                m.agent_cn.text()[-2000:] + m.diag()
            assert m.cn_bindings() == [] and "CoTI" not in m.agent_mn.text().split(
                "IPv4 care-of address: asking")[-1], m.diag()
        if to == "v6":
            b4 = [b for b in m.bindings() if b.get("family") == "dsmip"]
            assert len(b4) == 1 and b4[0]["decided_encap"] == "ip6" and b4[0]["ipv4_hoa"] == HOA4 \
                and b4[0]["coa"] == LINKS["v6"][0], b4
            refreshes_over_ipv6(m, garp)
        # the home link: the HA defends both home addresses while the node is
        # away (proxy ND whatever the care-of address's family, proxy ARP),
        # the node itself at home
        want_mac = mn_mac if to == "home" else ha_mac
        seen = m.home_link()
        assert seen == (True, want_mac, True, want_mac), \
            "%s: home link sees %s, want %s" % (to, seen, want_mac) + m.diag()
        print("leg %s: %.1f s" % (to, time.time() - t_leg))
        if to == "n2":
            gso_bulk(m)
        if to == "n1":
            # a NAT mapping flushed mid-transfer: the NAT maps the next packet
            # to another port; back within one keepalive interval
            port0 = m.binding()["observed_port"]
            sh("n1", "conntrack", "-F")
            t0 = time.time()
            stuck = m.progress((6, 4), timeout=KEEPALIVE + 6)
            assert stuck == [], "no recovery after conntrack -F" + m.diag()
            b = m.binding()
            took = time.time() - t0
            assert b["observed_port"] != port0 and took < KEEPALIVE + 3, (port0, b, took)
            # the node had nothing to send (the CN sends, its packets died at
            # the NAT): its keepalive BU made the new mapping, and the HA
            # followed it as a rebinding of the authenticated node
            assert "followed the NAT" in m.agent_ha.text(), m.diag()
        if to in ("v4", "n1", "n2") and leg < 4:
            # a move or refresh of a binding whose IPv4 home address is
            # proxied already announces nothing (RFC 5944 §4.6: a new binding)
            assert wait_for(lambda: m.agent_ha.text().count("IPv4 home address") > hoa4_n + 1,
                            2 * LIFETIME), "%s: no refresh" % to + m.diag()
            assert garps() == g_leg, "%s: gratuitous ARP at a move or refresh:\n%s" % (
                to, garp.text())
    assert m.alive() == [], m.alive()
    time.sleep(0.5)
    cap.stop(signal.SIGINT)
    r = T.run(["tshark", "-r", cap_path, "-d", "udp.port==4191,ipv6", "-T", "fields",
               "-e", "mip6.mhtype", "-e", "mip6.ipv4coa.addr", "-e", "mip6.ipv4aa.sts",
               "-e", "mip6.natd.f_flag", "-e", "mip6.natd.refresh_t", "-e", "_ws.malformed",
               "-e", "ip.src"])
    rows = [line.split("\t") for line in r.stdout.splitlines() if line.strip()]
    assert rows, "no signalling captured"
    assert not [x for x in rows if x[5]], rows
    bus = [x for x in rows if x[0] == "5"]
    bas = [x for x in rows if x[0] == "6"]
    # BUs from the public link and from behind both NATs, each with option 32
    assert {x[6] for x in bus} >= set(PUBLIC.values()), bus
    assert all(x[1] for x in bus), bus
    # BAs: the IPv4 Address Ack (success) everywhere, NAT Detection with F and
    # our keepalive behind the NATs, without F on the public link
    assert bas and all(x[2] == "0" for x in bas), bas
    assert any(x[3] in ("1", "True") and x[4] == str(KEEPALIVE) for x in bas), bas
    assert any(x[3] in ("0", "False") for x in bas), bas
