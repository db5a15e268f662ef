# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""DSMIPv6 (RFC 5555) home agent signalling through a NAT, end to end.

Own namespaces (prefix XMIP_E2E_PREFIX + "d"): HA (198.51.100.2 and
2001:db8:1::2, xmip attached, agent running with a [dsmip] section), NAT
(nftables masquerade, as home routers do: 10.0.0.0/24 and 10.0.1.0/24
behind 198.51.100.1), two mobile nodes M1 (10.0.0.2) and M2 (10.0.1.2).
The MNs are Python: their BUs are built with struct + hmac
(selftests/unit/gen_dsmip_vectors.py, not our code), sent from UDP port 4191
to the HA's 4191; the BAs are checked with Scapy and, from a capture on the
HA, with tshark decoding UDP 4191 as IPv6 (`-d udp.port==4191,ipv6`: tshark
has no MIPv6-in-UDP dissector of its own; the IPv6 dissector then decodes
the Mobility Header and the RFC 5555 options). Checked: both nodes behind
the one NAT address are registered at once (two bindings, two ports); the
BA carries NAT Detection (F, refresh time = nat-keepalive) and the IPv4
Address Acknowledgement (success, the pool's address); a BU from a new NAT
port with a wrong authenticator gets 146 and moves nothing; the same node's
authenticated BU from the new port moves the binding (nat-rebound).
"""
import json
import os
import socket
import struct
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "unit"))
import topology as T  # noqa: E402
import gen_dsmip_vectors as V  # noqa: E402

P = os.environ.get("XMIP_E2E_PREFIX", "xe") + "d"
NS_HA, NS_NAT, NS_M1, NS_M2 = P + "ha", P + "nat", P + "m1", P + "m2"
ALL = (NS_HA, NS_NAT, NS_M1, NS_M2)
INST = P + "ha"
HA4, NAT_PUB = "198.51.100.2", "198.51.100.1"
M1, M2 = "10.0.0.2", "10.0.1.2"
KEY2 = bytes.fromhex("00112233445566778899aabbccddeeff")
HOA2 = "2001:db8:1::101"
NAI2 = b"mn2@example.org"


def sh(ns, *cmd, check=True, timeout=30):
    return T.run(T.in_ns(ns, cmd), check=check, timeout=timeout)


def nat_rules(action):
    sh(NS_NAT, "nft", "add table ip nat")
    sh(NS_NAT, "nft", "add chain ip nat post { type nat hook postrouting priority 100 ; }")
    sh(NS_NAT, "nft", "add rule ip nat post oifname pub " + action)


def cleanup():
    for ns in ALL:
        T.run(["ip", "netns", "del", ns], check=False)
    T.run(["rm", "-rf", os.path.join(T.PIN_ROOT, INST)], check=False)
    for f in ("/run/xmip/%s.dsmip" % INST,):
        if os.path.exists(f):
            os.unlink(f)


def now_ntp():
    t = time.time()
    return (int(t) + 2208988800) << 32 | int((t % 1) * (1 << 32))


def bu_pkt(seq, coa4, nai=V.NAI, hoa=V.HOA, key=V.KEY, spi=V.SPI, v4hoa="0.0.0.0"):
    inner = V.bu(0x8000 | 0x4000, v4hoa, 32, False, coa4, nai=nai, seq=seq, ts=now_ntp(),
                 spi=spi, key=key, hoa=hoa)
    return V.ipv6(V.a6(hoa), V.a6(V.HA), inner)


MN_SCRIPT = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[3])))
s.settimeout(3)
s.sendto(bytes.fromhex(sys.argv[2]), (sys.argv[1], 4191))
try:
    d, a = s.recvfrom(2048)
    print(d.hex(), a[0], a[1])
except socket.timeout:
    print("timeout")
"""


def mn_send(ns, pkt, sport=4191):
    """Send one BU from ns's port sport; the BA's hex and its source, or None."""
    r = sh(ns, T.PY, "-c", MN_SCRIPT, HA4, pkt.hex(), str(sport), timeout=10)
    out = r.stdout.strip()
    if out == "timeout":
        return None
    h, addr, port = out.split()
    return bytes.fromhex(h), addr, int(port)


@pytest.fixture
def dtopo(request):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    cleanup()
    work = os.path.join(HERE, "artifacts", request.node.name)
    os.makedirs(work, exist_ok=True)
    procs = []
    try:
        for ns in ALL:
            T.run(["ip", "netns", "add", ns])
            sh(ns, "ip", "link", "set", "lo", "up")
            sh(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0")
        T.run(["ip", "-n", NS_NAT, "link", "add", "pub", "type", "veth", "peer", "name",
               "eth0", "netns", NS_HA])
        for ns, dev, net in ((NS_M1, "m1", "10.0.0"), (NS_M2, "m2", "10.0.1")):
            T.run(["ip", "-n", NS_NAT, "link", "add", dev, "type", "veth", "peer", "name",
                   "eth0", "netns", ns])
            sh(NS_NAT, "ip", "addr", "add", net + ".1/24", "dev", dev)
            sh(NS_NAT, "ip", "link", "set", dev, "up")
            sh(ns, "ip", "addr", "add", net + ".2/24", "dev", "eth0")
            sh(ns, "ip", "link", "set", "eth0", "up")
            sh(ns, "ip", "route", "add", "default", "via", net + ".1")
        sh(NS_NAT, "ip", "addr", "add", NAT_PUB + "/24", "dev", "pub")
        sh(NS_NAT, "ip", "link", "set", "pub", "up")
        sh(NS_NAT, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        nat_rules("masquerade")
        sh(NS_HA, "ip", "addr", "add", HA4 + "/24", "dev", "eth0")
        sh(NS_HA, "ip", "addr", "add", V.HA + "/64", "dev", "eth0", "nodad")
        sh(NS_HA, "ip", "link", "set", "eth0", "up")
        conf = os.path.join(work, "ha.conf")
        with open(conf, "w") as f:
            f.write(f"""role = ha
instance = {INST}
interface = eth0
address = {V.HA}
home-prefix = 2001:db8:1::/64
xdp-mode = tc
dad-transmits = 0

[dsmip]
ipv4-address = {HA4}
ipv4-hoa-pool = 192.0.2.0/29
nat-keepalive = 30

[mn {V.NAI.decode()}]
home-address = {V.HOA}
spi = {V.SPI}
key = {V.KEY.hex()}

[mn {NAI2.decode()}]
home-address = {HOA2}
spi = 257
key = {KEY2.hex()}
""")
        xmip = os.path.join(T.build_dir(), "xmip")
        sh(NS_HA, xmip, "check", "-c", conf)
        sh(NS_HA, xmip, "attach", "-c", conf)
        pcap = os.path.join(work, "ha.pcap")
        cap = subprocess.Popen(T.in_ns(NS_HA, ["tcpdump", "-U", "-n", "-i", "eth0", "-w", pcap,
                                                "udp", "port", "4191"]),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(cap)
        log = open(os.path.join(work, "agent.log"), "w")
        env = dict(os.environ, ASAN_OPTIONS="abort_on_error=0:detect_leaks=1")
        agent = subprocess.Popen(T.in_ns(NS_HA, [os.path.join(T.build_dir(), "xmip-agentd"),
                                                 "-c", conf, "-f", "-v"]),
                                 stdout=log, stderr=subprocess.STDOUT, env=env)
        procs.append(agent)
        time.sleep(1.0)
        assert agent.poll() is None, open(log.name).read()
        yield {"conf": conf, "pcap": pcap, "log": log.name, "xmip": xmip, "agent": agent,
               "cap": cap}
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        if procs:
            text = open(os.path.join(work, "agent.log")).read()
            assert "ERROR: AddressSanitizer" not in text and "runtime error:" not in text, text
        T.run(T.in_ns(NS_HA, [os.path.join(T.build_dir(), "xmip"), "detach", "-i", INST]),
              check=False)
        cleanup()


def bindings(d):
    r = sh(NS_HA, d["xmip"], "binding", "show", "-i", INST, "-j")
    return [b for b in json.loads(r.stdout) if b.get("family") == "dsmip"]


def scapy_ba(raw):
    """Decode the BA with Scapy (IPv6 + MH; RFC 5555 options as raw TLVs)."""
    code = r"""
import sys
from scapy.layers.inet6 import IPv6, MIP6MH_BA
p = IPv6(bytes.fromhex(sys.argv[1]))
ba = p[MIP6MH_BA]
opts = bytes(ba.options) if isinstance(ba.options, bytes) else b"".join(bytes(o) for o in ba.options)
print(p.src, p.dst, ba.status, ba.seq, opts.hex())
"""
    r = T.run([T.PY, "-c", code, raw.hex()])
    src, dst, status, seq, opts = r.stdout.split()
    return src, dst, int(status), int(seq), bytes.fromhex(opts)


def tlvs(opts):
    out, i = {}, 0
    while i < len(opts):
        if opts[i] == 0:
            i += 1
            continue
        out.setdefault(opts[i], opts[i + 2:i + 2 + opts[i + 1]])
        i += 2 + opts[i + 1]
    return out


def test_dsmip_nat_two_mns_and_rebinding(dtopo):
    d = dtopo
    # M1 registers from behind the NAT, asking for a dynamic IPv4 home address.
    r1 = mn_send(NS_M1, bu_pkt(100, M1))
    assert r1, open(d["log"]).read()
    ba, src, sport = r1
    assert (src, sport) == (HA4, 4191)
    s, dst, status, seq, opts = scapy_ba(ba)
    assert (s, dst, status, seq) == (V.HA, V.HOA, 0, 100)
    o = tlvs(opts)
    assert o[31][0] & 0x80, "NAT Detection without F"
    assert struct.unpack("!I", o[31][2:6])[0] == 30, "refresh time is not nat-keepalive"
    assert o[30][0] == 0 and o[30][1] >> 2 == 32
    assert socket.inet_ntoa(o[30][2:6]) == "192.0.2.1"
    # M2 behind the same NAT address: a second binding, told apart by port.
    r2 = mn_send(NS_M2, bu_pkt(7, M2, nai=NAI2, hoa=HOA2, key=KEY2, spi=257))
    assert r2 and scapy_ba(r2[0])[2] == 0
    bs = {b["hoa"]: b for b in bindings(d)}
    assert set(bs) == {V.HOA, HOA2}, bs
    b1, b2 = bs[V.HOA], bs[HOA2]
    assert b1["observed_addr"] == b2["observed_addr"] == NAT_PUB
    assert b1["observed_port"] != b2["observed_port"]
    assert b1["nat"] and b1["encap"] == "udp4" and b1["keepalive"] == 30
    assert b1["coa"] == M1 and b1["ipv4_hoa"] == "192.0.2.1" and b2["ipv4_hoa"] == "192.0.2.2"
    assert 0 < b1["remaining"] <= b1["lifetime"]
    text = sh(NS_HA, d["xmip"], "binding", "show", "-i", INST).stdout
    assert "%s:%d" % (NAT_PUB, b1["observed_port"]) in text and "udp4" in text, text

    # The NAT rebinds M1 to a new port: a BU with a wrong authenticator from there
    # gets 146 and changes nothing.
    # (Stood in for by the MN's next packets leaving from another source port:
    # the NAT maps them to a new public port, as a rebinding NAT does.)
    bad = bytearray(bu_pkt(101, M1))
    bad[-1] ^= 0xff                                  # authenticator
    # the MH checksum must stay right so the HA gets as far as authentication
    mh = bytearray(bad[40:])
    mh[4:6] = b"\0\0"
    ph = V.a6(V.HOA) + V.a6(V.HA) + struct.pack("!I3xB", len(mh), 135)
    mh[4:6] = struct.pack("!H", V.csum(ph + bytes(mh)))
    bad[40:] = mh
    r = mn_send(NS_M1, bytes(bad), sport=4192)
    assert r and scapy_ba(r[0])[2] == 146
    assert bindings(d) and {b["hoa"]: b for b in bindings(d)}[V.HOA]["observed_port"] == \
        b1["observed_port"], "an unauthenticated BU moved the binding"
    # The node's own BU from the new port: followed.
    r = mn_send(NS_M1, bu_pkt(102, M1), sport=4192)
    assert r and scapy_ba(r[0])[2] == 0
    nb = {b["hoa"]: b for b in bindings(d)}[V.HOA]
    assert nb["observed_port"] not in (b1["observed_port"], b2["observed_port"]), nb
    assert nb["ipv4_hoa"] == "192.0.2.1"
    log = open(d["log"]).read()
    assert "followed the NAT" in log, log
    assert "IPv6/IPv4-in-UDP-in-IPv4" in log     # the datapath seam's line

    # tshark decodes the capture (UDP 4191 as IPv6): BU and BA with the options.
    time.sleep(0.5)
    d["cap"].terminate()
    d["cap"].wait(5)
    r = T.run(["tshark", "-r", d["pcap"], "-d", "udp.port==4191,ipv6", "-T", "fields",
               "-e", "mip6.mhtype", "-e", "mip6.ipv4coa.addr", "-e", "mip6.ipv4aa.sts",
               "-e", "mip6.natd.f_flag", "-e", "mip6.natd.refresh_t", "-e", "_ws.malformed"])
    rows = [line.split("\t") for line in r.stdout.splitlines() if line.strip()]
    assert any(x[0] == "5" and x[1] == M1 for x in rows), rows
    assert any(x[0] == "6" and x[2] == "0" and x[3] in ("1", "True") and x[4] == "30"
               for x in rows), rows
    assert not any(x[5] for x in rows), rows
