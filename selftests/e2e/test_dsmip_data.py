# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""DSMIPv6 data through the home agent's datapath, end to end (RFC 5555 §4.1).

Own namespaces (prefix XMIP_E2E_PREFIX + "u"): a correspondent CN
(2001:db8:5::1 and 203.0.113.50) routed through the HA; the HA (xmip
attached in XDP or tc mode, agent running with [dsmip]); a home link with a
neighbour H (192.0.2.9) that asks ARP for the MN's IPv4 home address; a
NAT (nftables masquerade) and behind it the mobile node M, whose datapath
is selftests/e2e/dsmiptun.py (a TUN device and a UDP socket, written from
RFC 5555 alone). M registers through the NAT with a BU built by an
independent encoder (selftests/unit/gen_dsmip_vectors.py), asking for an
IPv4 home address; then the CN's ping and a TCP transfer (checked by
SHA-256) reach both home addresses through the UDP tunnel, both ways; H's
ARP request for the IPv4 home address is answered with the HA's MAC; and a
tunnel packet from the NAT's address but another port is dropped and
counted (DROP_DSMIP_SPOOFED) and moves nothing.
"""
import json
import os
import socket
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "unit"))
sys.path.insert(0, os.path.dirname(HERE))
import topology as T  # noqa: E402
import gen_dsmip_vectors as V  # noqa: E402
from hashstream import expected  # noqa: E402

P = os.environ.get("XMIP_E2E_PREFIX", "xe") + "u"
NS_CN, NS_HA, NS_H, NS_NAT, NS_M = P + "cn", P + "ha", P + "h", P + "nat", P + "m"
ALL = (NS_CN, NS_HA, NS_H, NS_NAT, NS_M)
INST = P + "ha"
HA4, NAT_PUB, M4 = "198.51.100.2", "198.51.100.1", "10.0.0.2"
CN6, CN4 = "2001:db8:5::1", "203.0.113.50"
HOA4 = "192.0.2.1"            # the pool's first address: what the HA assigns


def sh(ns, *cmd, check=True, timeout=30):
    return T.run(T.in_ns(ns, cmd), check=check, timeout=timeout)


def cleanup():
    for ns in ALL:
        pids = T.run(["ip", "netns", "pids", ns], check=False).stdout.split()
        for pid in pids:
            T.run(["kill", "-9", pid], check=False)
        T.run(["ip", "netns", "del", ns], check=False)
    T.run(["rm", "-rf", os.path.join(T.PIN_ROOT, INST)], check=False)
    for ext in (".dsmip", ".rp_filter"):
        if os.path.exists("/run/xmip/%s%s" % (INST, ext)):
            os.unlink("/run/xmip/%s%s" % (INST, ext))


def now_ntp():
    t = time.time()
    return (int(t) + 2208988800) << 32 | int((t % 1) * (1 << 32))


def veth(a_ns, a, b_ns, b):
    T.run(["ip", "-n", a_ns, "link", "add", a, "type", "veth", "peer", "name", b, "netns", b_ns])
    sh(a_ns, "ip", "link", "set", "dev", a, "up")
    sh(b_ns, "ip", "link", "set", "dev", b, "up")


def counters(xmip):
    out = json.loads(sh(NS_HA, xmip, "show", "-i", INST, "-j", "-a").stdout)
    inst = out[0] if isinstance(out, list) else out
    return inst.get("counters", inst.get("stats", {}))


@pytest.fixture(params=["native", "tc"])
def utopo(request):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    mode = request.param
    cleanup()
    work = os.path.join(HERE, "artifacts", request.node.name)
    os.makedirs(work, exist_ok=True)
    procs = []
    xmip = os.path.join(T.build_dir(), "xmip")
    try:
        for ns in ALL:
            T.run(["ip", "netns", "add", ns])
            sh(ns, "ip", "link", "set", "lo", "up")
            sh(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0")
        veth(NS_HA, "cn", NS_CN, "eth0")
        veth(NS_HA, "home", NS_H, "eth0")
        veth(NS_HA, "wan", NS_NAT, "pub")
        veth(NS_NAT, "in", NS_M, "eth0")
        # CN: behind the HA (its packets to the home addresses are transit there)
        sh(NS_CN, "ip", "addr", "add", CN6 + "/64", "dev", "eth0", "nodad")
        sh(NS_CN, "ip", "addr", "add", CN4 + "/24", "dev", "eth0")
        sh(NS_CN, "ip", "-6", "route", "add", "default", "via", "2001:db8:5::2")
        sh(NS_CN, "ip", "route", "add", "default", "via", "203.0.113.1")
        sh(NS_CN, "ip", "link", "set", "eth0", "mtu", "1400")
        sh(NS_HA, "ip", "addr", "add", "2001:db8:5::2/64", "dev", "cn", "nodad")
        sh(NS_HA, "ip", "addr", "add", "203.0.113.1/24", "dev", "cn")
        sh(NS_HA, "ip", "link", "set", "cn", "mtu", "1400")
        # home link (IPv6 home prefix and the IPv4 home subnet)
        sh(NS_HA, "ip", "addr", "add", V.HA + "/64", "dev", "home", "nodad")
        sh(NS_HA, "ip", "addr", "add", "192.0.2.254/24", "dev", "home")
        sh(NS_H, "ip", "addr", "add", "192.0.2.9/24", "dev", "eth0")
        # uplink to the NAT
        sh(NS_HA, "ip", "addr", "add", HA4 + "/24", "dev", "wan")
        sh(NS_HA, "ip", "route", "add", "10.0.0.0/8", "via", NAT_PUB)
        # strict reverse-path filtering: xmip attach loosens it on the HA's
        # interfaces (IPv4 from the pool's home addresses is decapsulated on wan)
        for k in ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                  "net.ipv4.conf.all.rp_filter=1"):   # strict everywhere
            sh(NS_HA, "sysctl", "-qw", k)
        sh(NS_NAT, "ip", "addr", "add", NAT_PUB + "/24", "dev", "pub")
        sh(NS_NAT, "ip", "addr", "add", "10.0.0.1/24", "dev", "in")
        sh(NS_NAT, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        sh(NS_NAT, "nft", "add table ip nat")
        sh(NS_NAT, "nft", "add chain ip nat post { type nat hook postrouting priority 100 ; }")
        sh(NS_NAT, "nft", "add rule ip nat post oifname pub masquerade")
        sh(NS_M, "ip", "addr", "add", M4 + "/24", "dev", "eth0")
        sh(NS_M, "ip", "route", "add", "default", "via", "10.0.0.1")
        # The CN's link like a wire: full checksums (veth would pass on
        # CHECKSUM_PARTIAL packets whose TCP checksum holds only the pseudo-
        # header sum; the kernel completes it only on a device without
        # checksum offload, and the MN's userspace shim would see it unfinished).
        sh(NS_CN, "ethtool", "-K", "eth0", "tx", "off", "tso", "off", "gso", "off")
        if mode == "native":
            # XDP_TX / redirect into a veth needs an XDP program on the peer
            obj = os.path.join(work, "xdp_pass.o")
            T.run(["clang", "-O2", "-g", "-target", "bpf", "-c",
                   os.path.join(HERE, "xdp_pass.c"), "-o", obj])
            for ns, dev in ((NS_CN, "eth0"), (NS_NAT, "pub"), (NS_H, "eth0")):
                sh(ns, "ip", "link", "set", "dev", dev, "xdpdrv", "obj", obj, "sec", "xdp")
                sh(ns, "ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off")
        conf = os.path.join(work, "ha.conf")
        with open(conf, "w") as f:
            f.write(f"""role = ha
instance = {INST}
interface = wan
interface = cn
interface = home
address = {V.HA}
home-prefix = 2001:db8:1::/64
xdp-mode = {mode}
dad-transmits = 0

[dsmip]
ipv4-address = {HA4}
ipv4-hoa-pool = 192.0.2.0/29
nat-keepalive = 30

[mn {V.NAI.decode()}]
home-address = {V.HOA}
spi = {V.SPI}
key = {V.KEY.hex()}
""")
        sh(NS_HA, xmip, "attach", "-c", conf)
        assert sh(NS_HA, "sysctl", "-n", "net.ipv4.conf.wan.rp_filter").stdout.strip() == "2"
        log = open(os.path.join(work, "agent.log"), "w")
        agent = subprocess.Popen(T.in_ns(NS_HA, [os.path.join(T.build_dir(), "xmip-agentd"),
                                                 "-c", conf, "-f", "-v"]),
                                 stdout=log, stderr=subprocess.STDOUT)
        procs.append(agent)
        time.sleep(1.0)
        assert agent.poll() is None, open(log.name).read()
        inner = V.bu(0x8000 | 0x4000, "0.0.0.0", 32, False, M4, seq=5, ts=now_ntp())
        bu = V.ipv6(V.a6(V.HOA), V.a6(V.HA), inner)
        mnlog = open(os.path.join(work, "mn.log"), "w")
        mn = subprocess.Popen(T.in_ns(NS_M, [T.PY, os.path.join(HERE, "dsmiptun.py"),
                                             "--tun", "tun0", "--ha", HA4, "--hoa6", V.HOA,
                                             "--hoa4", HOA4, "--route6", CN6 + "/128",
                                             "--route4", CN4 + "/32", "--bu", bu.hex()]),
                              stdout=mnlog, stderr=subprocess.STDOUT)
        procs.append(mn)
        for _ in range(50):
            if "up" in open(mnlog.name).read() or mn.poll() is not None:
                break
            time.sleep(0.2)
        assert "up status 0" in open(mnlog.name).read(), \
            open(mnlog.name).read() + open(log.name).read()
        time.sleep(0.5)   # the agent writes the slot right after the BA
        yield {"xmip": xmip, "log": log.name, "mnlog": mnlog.name, "mode": mode, "mn": mn}
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        T.run(T.in_ns(NS_HA, [xmip, "detach", "-i", INST]), check=False)
        cleanup()


def dsmip_binding(d):
    r = sh(NS_HA, d["xmip"], "binding", "show", "-i", INST, "-j")
    return [b for b in json.loads(r.stdout) if b.get("family") == "dsmip"][0]


def test_ping_tcp_and_arp_through_the_udp_tunnel(utopo):
    d = utopo
    b = dsmip_binding(d)
    assert b["encap"] == "udp4" and b["nat"] and b["ipv4_hoa"] == HOA4, b
    # the CN's ping to both home addresses, through the tunnel both ways
    for dst in (V.HOA, HOA4):
        r = sh(NS_CN, "ping", "-c", "3", "-i", "0.2", "-W", "2", dst, check=False)
        assert " 0% packet loss" in r.stdout, (dst, r.stdout, open(d["log"]).read())
    # a TCP transfer to each, checked end to end
    for srv, cli in ((V.HOA, CN6), ("::ffff:" + HOA4, "::ffff:" + CN4)):
        try:
            out = T.transfer(None, NS_M, srv, NS_CN, cli, 300000)
        except RuntimeError as e:
            raise AssertionError("%s: %s\ncounters %s\n%s" % (
                srv, e, {k: v for k, v in counters(d["xmip"]).items() if v},
                open(d["mnlog"]).read()))
        assert out == expected(300000), (srv, out)
    c = counters(d["xmip"])
    assert c.get("dsmip_encap_ok", 0) > 0 and c.get("dsmip_decap_ok", 0) > 0, c
    # proxy ARP on the home link for the IPv4 home address: the HA's MAC
    code = ("import sys; from scapy.all import Ether, ARP, srp1; "
            "r = srp1(Ether(dst='ff:ff:ff:ff:ff:ff') / ARP(pdst=sys.argv[1], psrc='192.0.2.9'), "
            "iface='eth0', timeout=3, verbose=0); print(r[ARP].hwsrc if r else 'none')")
    r = sh(NS_H, T.PY, "-c", code, HOA4, check=False)
    ha_mac = json.loads(sh(NS_HA, "ip", "-j", "link", "show", "dev", "home").stdout)[0]["address"]
    assert r.stdout.strip().lower() == ha_mac.lower(), r.stdout + r.stderr + open(d["log"]).read()


def test_unregistered_port_is_dropped_and_changes_nothing(utopo):
    d = utopo
    before = dsmip_binding(d)
    spoofed0 = counters(d["xmip"]).get("drop_dsmip_spoofed", 0)
    # The MN's own home address as inner source, from another source port:
    # the NAT gives it another public port, which no binding has.
    pkt = V.ipv6(V.a6(V.HOA), V.a6(CN6), b"")
    pkt = pkt[:6] + bytes([59]) + pkt[7:]      # no next header
    code = ("import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
            "s.bind(('0.0.0.0',5555)); [s.sendto(bytes.fromhex(sys.argv[1]),(sys.argv[2],4191)) "
            "for _ in range(3)]")
    sh(NS_M, T.PY, "-c", code, pkt.hex(), HA4)
    time.sleep(0.5)
    assert counters(d["xmip"]).get("drop_dsmip_spoofed", 0) >= spoofed0 + 3
    after = dsmip_binding(d)
    assert (after["observed_addr"], after["observed_port"]) == \
        (before["observed_addr"], before["observed_port"])
    # and the tunnel still works
    r = sh(NS_CN, "ping", "-c", "2", "-i", "0.2", "-W", "2", V.HOA, check=False)
    assert " 0% packet loss" in r.stdout, r.stdout
