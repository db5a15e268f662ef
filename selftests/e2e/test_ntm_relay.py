# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The relay's data plane end to end (docs/ntmobile.md sections 8 and 9):
real kernel TCP between virtual addresses through our XDP relay (role rs).

               public 203.0.113.0/24 (a bridge in RT; DC stand-in .1)
   RS .30 (xmip attach role rs + xmip-agentd)        GN .80 (nothing of ours)
   NAT1 .41 -- 192.168.1.0/24 -- A 192.168.1.2       (nftables masquerade)
   NAT2 .42 -- 192.168.2.0/24 -- B 192.168.2.2       (nftables masquerade)

The NTM node's tunnel datapath does not exist yet, so A and B run
ntmtun.py: a TUN device with the node's virtual address and a UDP socket
speaking the tunnel format, which first sends the Tunnel Request (K_path)
from the socket the data uses. The test plays the DC: it sends the relay its
Relay Directions (K_rs) for an RS-S path A<->B and an RS-N path A->GN.

Checked: TCP A -> B (virtual 10.200.0.7 -> 10.201.0.9) through RS-S, and
A -> the GN's virtual address 10.200.128.1 through RS-N, to a plain TCP
server on the GN that sees the relay's address and a pool port; the bytes
arrive intact both ways (SHA-256), and the relay's counters show the
packets were switched/translated by XDP (not by the kernel). A tunnel packet
from an unknown source, and one with an unknown path, are dropped and
counted. `xmip monitor -j -c CONF` on the relay shows relay-path-created for
both paths the DC directed, with their legs, once each, and relay-path-removed
when they end idle; xmip_relay_paths follows (1, 1, then 0, 0).

test_rs_kill9_mid_transfer: the relay agent killed with SIGKILL while a TCP
transfer runs through RS-S; the XDP relay forwards from the pinned table
while no agent runs; the restarted agent adopts its paths (state file and
pinned table) and answers a Keep Alive and a Tunnel Request under the old
path key; the transfer's bytes arrive intact both ways.

Namespaces, processes and pins are removed even on failure.
"""
import hashlib
import ipaddress
import json
import os
import signal
import struct
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nsbed  # noqa: E402
import ntmpkt as P  # noqa: E402
from nsbed import HERE, PREFIX, PY, build_dir, wait_for  # noqa: E402

NS = {n: PREFIX + "d" + n for n in ("rt", "rs", "nat1", "nat2", "gn", "a", "b")}
INST = PREFIX + "drs"
ART = os.path.join(HERE, "artifacts", "test_ntm_relay")
PUB = {"rs": "203.0.113.30", "nat1": "203.0.113.41", "nat2": "203.0.113.42", "gn": "203.0.113.80"}
DC = "203.0.113.1"
K_RS = os.urandom(32)
K_S, K_N = os.urandom(32), os.urandom(32)          # the two paths' keys
PATH_S, PATH_N = 0x2a5f1c03, 0x9b3e0d41           # RS-N: top bit set
VA_A, VA_B = ("10.200.0.7", "fd00:a::7"), ("10.201.0.9", "fd00:b::9")
VA_GN = ("10.200.128.1", "fd00:a::8000:1")
UP_OCTETS, DOWN_OCTETS = 1536 * 1024, 1024 * 1024


sh = nsbed.keyed_sh(NS, timeout=60)     # ns="rs": in NS["rs"]


def xmip(*args, check=True):
    return sh(os.path.join(build_dir(), "xmip"), *args, ns="rs", check=check)


def cleanup():
    nsbed.cleanup(NS.values(), detach=[(NS["rs"], INST)], pins=[INST])


def wire_like(ns, dev):
    # Every veth (nsbed.wire_like): the relay's XDP sees what a NIC would.
    nsbed.wire_like(NS[ns], dev)


def up():
    cleanup()
    nsbed.add_namespaces(NS.values())
    nsbed.bridge(NS, "rt", DC + "/24", PUB, wire=True)
    for nat, host, net in (("nat1", "a", "192.168.1"), ("nat2", "b", "192.168.2")):
        nsbed.veth(NS[nat], "in", NS[host], "eth0")
        sh("ip", "addr", "add", net + ".1/24", "dev", "in", ns=nat)
        sh("ip", "link", "set", "in", "up", ns=nat)
        sh("ip", "addr", "add", net + ".2/24", "dev", "eth0", ns=host)
        sh("ip", "link", "set", "eth0", "up", ns=host)
        sh("ip", "route", "add", "default", "via", net + ".1", ns=host)
        wire_like(nat, "in")
        wire_like(host, "eth0")
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=nat)
        nsbed.masquerade(NS[nat], "pub")
    # the relay answers through the FIB (no next-hop MACs from the agent): forwarding on
    sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns="rs")
    nsbed.xdp_pass(NS["rt"], "p-rs", ART)


def va_bytes(v):
    return ipaddress.IPv4Address(v[0]).packed + ipaddress.IPv6Address(v[1]).packed


def relay_direction(seq, path, mode, key, a, b, gn):
    """The DC's Relay Direction Request (section 6.6) under mac(K_rs), key wrapped with kek(K_rs)."""
    mac, kek = P.keys(P.psk_prk(K_RS))
    body = (struct.pack("!IB3sI4s", path, mode, b"", 3600, b"") + P.wrap(kek, key) + a + b + gn)
    return P.build(9, "a.example", seq, 0, body, mac)


DC_SEND = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], 49600)); s.settimeout(2)
for i, m in enumerate(sys.argv[3:]):
    for _ in range(5):
        s.sendto(bytes.fromhex(m), (sys.argv[2], 49602))
        try:
            r, _ = s.recvfrom(2048)
        except socket.timeout:
            continue
        print(r.hex(), flush=True); break
"""

TCP_SERVER = r"""
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(60)
print("ready", flush=True)
c, peer = s.accept(); c.settimeout(30); h = hashlib.sha256(); n = 0; want = int(sys.argv[3])
while n < want:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
print("peer %s:%d got %d %s" % (peer[0], peer[1], n, h.hexdigest()), flush=True)
blk = bytes((i * 7) & 0xff for i in range(65536)); m = int(sys.argv[4]); sent = 0
while sent < m:
    k = min(len(blk), m - sent); c.sendall(blk[:k]); sent += k
c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
"""

TCP_CLIENT = r"""
import hashlib, socket, sys
s = socket.socket(); s.bind((sys.argv[1], 0)); s.settimeout(30)
s.connect((sys.argv[2], int(sys.argv[3])))
blk = bytes(range(256)) * 256; n = int(sys.argv[4]); sent = 0
while sent < n:
    k = min(len(blk), n - sent); s.sendall(blk[:k]); sent += k
h = hashlib.sha256(); got = 0
while True:
    b = s.recv(1 << 16)
    if not b: break
    h.update(b); got += len(b)
print("got %d %s" % (got, h.hexdigest()), flush=True)
s.close()
"""


def pattern_sha(n, blk):
    h, sent = hashlib.sha256(), 0
    while sent < n:
        k = min(len(blk), n - sent)
        h.update(blk[:k])
        sent += k
    return h.hexdigest()


def counters():
    return json.loads(xmip("show", "-j", "-i", INST).stdout)[0]["counters"]


def transfer(procs, name, ns_srv, srv_addr, port, ns_cli, cli_src, dst):
    """One TCP connection: UP_OCTETS from the client, DOWN_OCTETS back; both hashed."""
    procs.start(name + "-srv", ns_srv, [PY, "-c", TCP_SERVER, srv_addr, str(port), str(UP_OCTETS),
                                        str(DOWN_OCTETS)])
    wait_for(name + " server", lambda: "ready" in procs.log(name + "-srv"), 10)
    cli = sh(PY, "-c", TCP_CLIENT, cli_src, dst, str(port), str(UP_OCTETS), ns=ns_cli, timeout=120)
    srv = wait_for(name + " server's hash", lambda: (lambda t: t if "got" in t else None)(
        procs.log(name + "-srv")), 10)
    up_line = srv.split("peer ", 1)[1].split()
    assert up_line[1:] == ["got", str(UP_OCTETS), pattern_sha(UP_OCTETS, bytes(range(256)) * 256)], srv
    assert cli.stdout.split() == ["got", str(DOWN_OCTETS),
                                  pattern_sha(DOWN_OCTETS, bytes((i * 7) & 0xff for i in range(65536)))], \
        cli.stdout + cli.stderr
    return up_line[0]      # the peer as the server saw it


@pytest.fixture
def bed():
    nsbed.require("nft", "clang", "ethtool")
    procs = nsbed.Procs(ART, NS)
    try:
        up()
        yield procs
    finally:
        procs.stop_all()
        cleanup()


def relay_up(procs, idle=65):
    """The relay attached and its agent running; the monitor following it (-c: by its configuration)."""
    conf = os.path.join(ART, "rs.conf")
    with open(conf, "w") as f:
        f.write("role = rs\ninstance = %s\ninterface = pub\nmetrics = 127.0.0.1:9752\n[rs]\nname = rs1.a.example\n"
                "address = %s\ndump-file = %s\nstate-file = %s\nidle = %d\n[rs-dc a.example]\nkey = %s\n"
                % (INST, PUB["rs"], os.path.join(ART, "rs.json"), os.path.join(ART, "rs.state"), idle,
                   K_RS.hex()))
    xmip("attach", "-c", conf)
    procs.start("rs", "rs", [os.path.join(build_dir(), "xmip-agentd"), "-c", conf, "-f", "-v"])
    wait_for("the relay agent", lambda: os.path.exists(os.path.join(ART, "rs.json")))
    procs.start("monitor", "rs", [os.path.join(build_dir(), "xmip"), "monitor", "-j", "-c", conf])
    # neighbours resolved before the first relayed packet (else it goes to the kernel, counted)
    for n in ("nat1", "nat2", "gn"):
        sh("ping", "-c1", "-W2", PUB[n], ns="rs")
    return conf


def monitor_events(procs, typ):
    out = []
    for line in procs.log("monitor").splitlines():
        if line.startswith("{"):
            ev = json.loads(line)
            if ev["type"] == typ:
                out.append(ev)
    return out


SCRAPE = r"""
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:9752/metrics", timeout=5).read().decode())
"""


def relay_paths_metric():
    """xmip_relay_paths by mode, from the agent's exporter (docs/metrics.md)."""
    body = sh(PY, "-c", SCRAPE, ns="rs").stdout
    return {m: float(l.rsplit(" ", 1)[1]) for m in ("rs_s", "rs_n") for l in body.splitlines()
            if l.startswith('xmip_relay_paths{family="ntm",mode="%s",role="rs"} ' % m)}


def direct_and_tunnel(procs):
    """The DC's two Relay Directions, then the nodes' tunnels (Tunnel Requests through their NATs)."""
    # --- the DC directs the relay: an RS-S path A<->B and an RS-N path A->GN ---
    gn_real = ipaddress.IPv4Address(PUB["gn"]).packed + bytes(16)
    msgs = [relay_direction(1, PATH_S, 2, K_S, va_bytes(VA_A), va_bytes(VA_B), bytes(20)),
            relay_direction(2, PATH_N, 3, K_N, va_bytes(VA_A), va_bytes(VA_GN), gn_real)]
    out = sh(PY, "-c", DC_SEND, DC, PUB["rs"], *[m.hex() for m in msgs], ns="rt").stdout.split()
    assert len(out) == 2, out
    for r in out:
        resp = bytes.fromhex(r)
        assert P.mac_ok(P.keys(P.psk_prk(K_RS))[0], resp) and P.decode(resp)["status"] == 0, r

    # --- the nodes' tunnels: Tunnel Request from the data socket, through their NATs ---
    shim = os.path.join(HERE, "ntmtun.py")
    common = ["--relay", PUB["rs"] + ":49602"]
    va = lambda v: ",".join(v)  # noqa: E731
    procs.start("tun-a", "a", [PY, shim, "--tun", "ntms", "--vip4", VA_A[0], "--route", VA_B[0],
                               "--path", "%08x" % PATH_S, "--key", K_S.hex(), "--name", "mn.a.example",
                               "--sender-va", va(VA_A), "--peer-va", va(VA_B)] + common)
    procs.start("tun-b", "b", [PY, shim, "--tun", "ntms", "--vip4", VA_B[0], "--route", VA_A[0],
                               "--path", "%08x" % PATH_S, "--key", K_S.hex(), "--name", "cn2.b.example",
                               "--sender-va", va(VA_B), "--peer-va", va(VA_A)] + common)
    procs.start("tun-an", "a", [PY, shim, "--tun", "ntmn", "--vip4", VA_A[0], "--route", VA_GN[0],
                                "--port", "49611", "--path", "%08x" % PATH_N, "--key", K_N.hex(),
                                "--name", "mn.a.example", "--sender-va", va(VA_A),
                                "--peer-va", va(VA_GN)] + common)
    for n, nat in (("tun-a", "nat1"), ("tun-b", "nat2"), ("tun-an", "nat1")):
        line = wait_for(n + " up", lambda: next((l for l in procs.log(n).splitlines()
                                                  if l.startswith(("up ", "tunnel"))), None), 20)
        assert line.startswith("up " + PUB[nat] + ":"), (n, line)   # the relay saw the NAT's mapping
    legs = json.loads(xmip("relay", "show", "-j", "-i", INST, "kind", "tunnel").stdout)
    assert sorted((l["path_id"], l["addr"]) for l in legs) == sorted(
        [("%08x" % PATH_S, PUB["nat1"]), ("%08x" % PATH_S, PUB["nat2"]), ("%08x" % PATH_N, PUB["nat1"])]), legs
    return legs


def test_tcp_through_rs_s_and_rs_n(bed):
    procs = bed
    relay_up(procs, idle=15)      # short: the paths' end is checked at the end
    legs = direct_and_tunnel(procs)
    # the monitor: one relay-path-created per path the DC directed, with its legs as the relay saw them
    made = wait_for("relay-path-created twice", lambda: (lambda e: e if len(e) >= 2 else None)(
        monitor_events(procs, "relay-path-created")), 10)
    port = {(l["path_id"], l["addr"]): l["sport"] for l in legs}
    by_id = {e["id"]: e for e in made}
    assert sorted(by_id) == sorted(["%08x rs-n" % PATH_N, "%08x rs-s" % PATH_S]) and len(made) == 2, made
    es, en = by_id["%08x rs-s" % PATH_S], by_id["%08x rs-n" % PATH_N]
    assert es["family"] == "ntm" and es["role"] == "rs" and es["instance"] == INST, es
    assert {(es["coa"], es["coa_port"]), (es["peer"], es["prev_port"])} == {
        (PUB["nat1"], port[("%08x" % PATH_S, PUB["nat1"])]),
        (PUB["nat2"], port[("%08x" % PATH_S, PUB["nat2"])])}, (es, legs)
    assert (en["coa"], en["coa_port"], en["peer"]) == (
        PUB["nat1"], port[("%08x" % PATH_N, PUB["nat1"])], PUB["gn"]), (en, legs)
    assert relay_paths_metric() == {"rs_s": 1, "rs_n": 1}

    # --- TCP A -> B through RS-S ---
    c0 = counters()
    peer = transfer(procs, "rss", "b", VA_B[0], 5001, "a", VA_A[0], VA_B[0])
    assert peer.startswith(VA_A[0] + ":"), peer            # B sees A's virtual address
    c1 = counters()
    relayed = c1.get("rs_s_relayed", 0) - c0.get("rs_s_relayed", 0)
    # at least every data segment (MSS 1360) of both directions went through XDP
    assert relayed >= (UP_OCTETS + DOWN_OCTETS) // 1360, (relayed, c1)
    assert c1.get("fwd_xdp_tx", 0) - c0.get("fwd_xdp_tx", 0) >= relayed, c1

    # --- TCP A -> the GN (plain host) through RS-N ---
    peer = transfer(procs, "rsn", "gn", PUB["gn"], 5002, "a", VA_A[0], VA_GN[0])
    addr, port = peer.rsplit(":", 1)
    assert addr == PUB["rs"] and 50000 <= int(port) <= 59999, peer   # the relay's pool port
    c2 = counters()
    fwd = c2.get("rs_n_decap_nat", 0) - c1.get("rs_n_decap_nat", 0)
    rev = c2.get("rs_n_rev_nat", 0) - c1.get("rs_n_rev_nat", 0)
    assert c2.get("rs_n_new_flow", 0) - c1.get("rs_n_new_flow", 0) == 1, c2   # the SYN, to the agent
    assert fwd >= UP_OCTETS // 1360 and rev >= DOWN_OCTETS // 1360, (fwd, rev, c2)
    flows = json.loads(xmip("relay", "show", "-j", "-i", INST, "path", "%08x" % PATH_N).stdout)
    fk = {f["kind"]: f for f in flows}
    assert set(fk) == {"tunnel", "rsn-fwd", "rsn-rev"}, flows
    assert fk["rsn-fwd"]["out_sport"] == int(port) and fk["rsn-rev"]["dport"] == int(port)
    assert fk["rsn-fwd"]["inner_addr"] == VA_A[0] and fk["rsn-fwd"]["gn_vip"] == VA_GN[0]
    for k in ("drop_rs_unknown_source", "drop_rs_unknown_path", "drop_rs_bad_tunnel",
              "drop_rs_n_no_flow", "drop_rs_n_bad_inner", "drop_malformed"):
        assert c2.get(k, 0) == c0.get(k, 0), (k, c2)

    # --- tunnel packets from an unknown source / with an unknown path: dropped, counted ---
    inner = bytes.fromhex("4500001c00004000400100000ac900090ac80007") + bytes(8)
    sh(PY, "-c", "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); "
       "s.bind(('0.0.0.0',49601)); [s.sendto(bytes.fromhex(m),(sys.argv[1],49602)) for m in sys.argv[2:]]",
       PUB["rs"], (struct.pack("!BBHI", 0x11, 4, 0, PATH_S) + inner).hex(),
       (struct.pack("!BBHI", 0x11, 4, 0, 0x12345678) + inner).hex(), ns="gn")
    c3 = wait_for("the drops counted", lambda: (lambda c: c if c.get("drop_rs_unknown_path", 0) > c2.get("drop_rs_unknown_path", 0) else None)(
        counters()), 5)
    assert c3.get("drop_rs_unknown_source", 0) == c2.get("drop_rs_unknown_source", 0) + 1, c3
    assert c3.get("drop_rs_unknown_path", 0) == c2.get("drop_rs_unknown_path", 0) + 1, c3
    assert c3.get("rs_s_relayed", 0) == c2.get("rs_s_relayed", 0), c3
    agent = json.load(open(os.path.join(ART, "rs.json")))
    assert agent["counters"]["rx_bad_mac"] == 0 and agent["flows"] == 1, agent

    # --- idle paths end: relay-path-removed for each, the gauge back to 0, the table empty ---
    gone = wait_for("relay-path-removed twice", lambda: (lambda e: e if len(e) >= 2 else None)(
        monitor_events(procs, "relay-path-removed")), 40)
    assert sorted(e["id"] for e in gone) == sorted(by_id) and len(gone) == 2, gone
    assert relay_paths_metric() == {"rs_s": 0, "rs_n": 0}
    assert json.loads(xmip("relay", "show", "-j", "-i", INST).stdout) == []


PACED_CLIENT = r"""
import hashlib, socket, sys, time
s = socket.socket(); s.bind((sys.argv[1], 0)); s.settimeout(30)
s.connect((sys.argv[2], int(sys.argv[3])))
blk = bytes(range(256)) * 256; n = int(sys.argv[4]); step = int(sys.argv[5]); sent = 0
print("connected", flush=True)
while sent < n:
    k = min(step, n - sent); s.sendall(blk[:k]); sent += k; time.sleep(0.02)
h = hashlib.sha256(); got = 0
while True:
    b = s.recv(1 << 16)
    if not b: break
    h.update(b); got += len(b)
print("got %d %s" % (got, h.hexdigest()), flush=True)
s.close()
"""

# One request from a socket of its own in the node's namespace, the answer printed in hex.
ASK = r"""
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", int(sys.argv[3]))); u.settimeout(2)
for _ in range(5):
    u.sendto(bytes.fromhex(sys.argv[4]), (sys.argv[1], int(sys.argv[2])))
    try:
        print(u.recvfrom(2048)[0].hex(), flush=True); break
    except socket.timeout:
        pass
"""


def ask(ns, port, msg):
    out = sh(PY, "-c", ASK, PUB["rs"], "49602", str(port), msg.hex(), ns=ns).stdout.split()
    assert out, "no answer from the relay"
    return bytes.fromhex(out[0])


def test_rs_kill9_mid_transfer(bed):
    """kill -9 of the relay agent mid-transfer (issue 13): nothing lost.

    A TCP transfer A -> B through RS-S is paced over ~6 s; the RS agent gets
    SIGKILL in the middle. Proves: the XDP relay keeps switching the path from
    the pinned table with no agent (rs_s_relayed grows while it is dead); the
    restarted agent adopts the paths (its log, its dump: both paths, both
    legs; the relay table unchanged) and announces none again; it answers the
    node's next Keep Alive (K_path MAC, status 0, the NAT mapping observed) and
    a Tunnel Request that moves B's leg (status 0, the responder A's virtual
    addresses: the adopted path's addresses and key); every byte of the
    transfer arrives intact both ways (SHA-256)."""
    procs = bed
    conf = relay_up(procs)
    legs = direct_and_tunnel(procs)
    wait_for("relay-path-created twice", lambda: len(monitor_events(procs, "relay-path-created")) >= 2, 10)
    up_octets = 2 * 1024 * 1024
    procs.start("k9-srv", "b", [PY, "-c", TCP_SERVER, VA_B[0], "5003", str(up_octets), str(DOWN_OCTETS)])
    wait_for("server", lambda: "ready" in procs.log("k9-srv"), 10)
    c0 = counters()
    cli = procs.start("k9-cli", "a", [PY, "-c", PACED_CLIENT, VA_A[0], VA_B[0], "5003", str(up_octets),
                                      "8192"])
    wait_for("client connected", lambda: "connected" in procs.log("k9-cli"), 10)
    time.sleep(1.5)
    agent = procs.procs["rs"]
    agent.send_signal(signal.SIGKILL)
    agent.wait(5)
    c1 = counters()
    time.sleep(1.5)                                   # no agent: the datapath alone
    c2 = counters()
    assert c1.get("rs_s_relayed", 0) > c0.get("rs_s_relayed", 0), (c0, c1)
    assert c2.get("rs_s_relayed", 0) - c1.get("rs_s_relayed", 0) >= 20, (c1, c2)
    assert cli.poll() is None, procs.log("k9-cli")    # mid-transfer indeed
    procs.start("rs2", "rs", [os.path.join(build_dir(), "xmip-agentd"), "-c", conf, "-f", "-v"])
    wait_for("the adoption", lambda: "adopted 2 paths (0 of them without keys" in procs.log("rs2"), 10)
    # the transfer completes, every byte intact
    cli.wait(60)
    got = procs.log("k9-cli").split("\n")
    assert ["got", str(DOWN_OCTETS), pattern_sha(DOWN_OCTETS, bytes((i * 7) & 0xff for i in range(65536)))] \
        in [l.split() for l in got], got
    srv = wait_for("server's hash", lambda: (lambda t: t if "got" in t else None)(procs.log("k9-srv")), 10)
    assert srv.split("peer ", 1)[1].split()[1:] == ["got", str(up_octets),
                                                  pattern_sha(up_octets, bytes(range(256)) * 256)], srv
    leg_id = lambda ls: sorted((l["path_id"], l["addr"], l["sport"], l["out_dst"], l["out_dport"])  # noqa: E731
                               for l in ls)
    assert leg_id(json.loads(xmip("relay", "show", "-j", "-i", INST, "kind", "tunnel").stdout)) == leg_id(legs)
    dump = wait_for("the new agent's dump", lambda: (lambda d: d if len(d["paths"]) == 2 else None)(
        json.load(open(os.path.join(ART, "rs.json")))), 10)
    assert sorted(len(p["legs"]) for p in dump["paths"]) == [1, 2], dump
    # a Keep Alive from A (its name, a sequence number past the tunnel's) under the old K_path
    mac_s = P.keys(K_S)[0]
    ka = ask("a", 49621, P.build(3, "mn.a.example", 1000, 0, struct.pack("!II", PATH_S, 0), mac_s))
    h = P.header(ka)
    assert P.mac_ok(mac_s, ka) and h["type"] == 4 and h["req_seq"] == 1000, h
    path_id, status = struct.unpack("!IH", ka[32:38])
    assert (path_id, status) == (PATH_S, 0) and P.ep(ka[40:60])[0] == PUB["nat1"], ka.hex()
    # a Tunnel Request from B's side, from another port: the leg moves, answered with A's addresses
    claimed = P.mapped("192.168.2.2") + struct.pack("!HH", 49622, 0)
    body = struct.pack("!II", PATH_S, 0) + va_bytes(VA_B) + claimed + va_bytes(VA_A)
    tr = ask("b", 49622, P.build(13, "cn2.b.example", 1000, 0, body, mac_s))
    h = P.header(tr)
    assert P.mac_ok(mac_s, tr) and h["type"] == 14 and h["req_seq"] == 1000, h
    b = tr[32:-32]
    assert struct.unpack("!IH", b[0:6]) == (PATH_S, 0) and b[28:48] == va_bytes(VA_A), tr.hex()
    legs2 = json.loads(xmip("relay", "show", "-j", "-i", INST, "kind", "tunnel").stdout)
    assert sorted((l["path_id"], l["addr"]) for l in legs2) == sorted((l["path_id"], l["addr"]) for l in legs)
    assert [l["sport"] for l in legs2 if l["addr"] == PUB["nat2"]] != \
        [l["sport"] for l in legs if l["addr"] == PUB["nat2"]], (legs, legs2)
    assert relay_paths_metric() == {"rs_s": 1, "rs_n": 1}    # counted from the adopted table
    # announced once: the restart and the leg's move made no new relay-path-created
    assert len(monitor_events(procs, "relay-path-created")) == 2, procs.log("monitor")
    assert json.load(open(os.path.join(ART, "rs.json")))["counters"]["rx_bad_mac"] == 0
