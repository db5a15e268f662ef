# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The NTM node's tunnel datapath end to end (docs/ntmobile.md section 8,
"The node datapath"): kernel TCP between virtual addresses through our tc
programs (role ntm: `xmip attach` makes the virtual interface ntm0 and the
pinned tunnel table; xmip-agentd writes it), in each case with a node that
moves mid-transfer while one TCP connection keeps running on the same
virtual addresses.

                 public 203.0.113.0/24 (a bridge in RT)
   DNS .53  DC a.example .10  DC b.example .20  RS .30  GN .80 (nothing of ours)
   C .50 (c.a.example)   D .51 -> .52 (d.b.example)      both reachable: direct
   NAT1 .41 -- 192.168.1.0/24 -- A eth0 (a.a.example)    (nftables masquerade)
   NAT3 .43 -- 192.168.3.0/24 -- A eth1 (after the move)
   NAT2 .42 -- 192.168.2.0/24 -- B (b.b.example)

Three transfers run at once: A -> B through the RS-S (both behind NATs),
A -> the General Node's virtual address through the RS-N (the GN sees the
relay's address and a pool port), D -> C directly. DC a knows the relay
by its IPv6 address (2001:db8:113::30), so both relayed transfers run over
IPv6 outer headers (NAT66 in NAT1-3): A's TCP super-packets are cut by the
kernel's UDP-tunnel GSO into segments with a zero UDP checksum, which the
relay and B accept (docs/ntmobile.md section 8, RFC 6935/6936). Mid-transfer A moves
from NAT1 to NAT3 (new address, new NAT mapping) and D from .51 to .52; the
nodes see the move from the address change (netlink), register again, are
re-directed, and move their tunnels (Tunnel Request from the new mapping).
Each transfer's SHA-256 is checked at the far end, bytes flowed after the
move, IPv6 between the virtual IPv6 addresses goes through the same moved
tunnels, and the tunnel tables (bpftool, BTF; `xmip show -j`) show the new
endpoints.
"""
import functools
import ipaddress
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nsbed  # noqa: E402
from nsbed import PREFIX, PY, build_dir, sh  # noqa: E402

NS = {n: PREFIX + "n" + n for n in ("rt", "dns", "dca", "dcb", "rs", "gn", "nat1", "nat2", "nat3",
                                     "a", "b", "c", "d")}
ART = os.path.join(nsbed.HERE, "artifacts", "test_ntm_node")
PUB = {"dns": "203.0.113.53", "dca": "203.0.113.10", "dcb": "203.0.113.20", "rs": "203.0.113.30",
       "gn": "203.0.113.80", "nat1": "203.0.113.41", "nat2": "203.0.113.42",
       "nat3": "203.0.113.43", "c": "203.0.113.50", "d": "203.0.113.51"}
D_MOVED = "203.0.113.52"
PUB6 = {n: "2001:db8:113::" + PUB[n].split(".")[-1] for n in ("dca", "rs", "nat1", "nat2", "nat3")}
KEY = {n: os.urandom(32).hex() for n in ("a", "b", "c", "d", "dd", "rs")}
INST = {n: PREFIX + "n" + n for n in ("a", "b", "c", "d", "rs")}
dump = functools.partial(nsbed.dump, ART)
log = functools.partial(nsbed.read_log, ART)

# A paced sender: BLOCK octets every PACE s until the file STOP exists;
# prints "sent N" as it goes and "done N SHA256" at the end.
CLIENT = r"""
import hashlib, os, socket, sys, time
src, dst, stop = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind((src, 0)); s.settimeout(90); s.connect((dst, 5001))
h = hashlib.sha256(); n = i = 0
while not os.path.exists(stop):
    blk = bytes(((i * 7 + k) & 0xff for k in range(256))) * 64   # 16 KiB, varying
    s.sendall(blk); h.update(blk); n += len(blk); i += 1
    print("sent", n, flush=True); time.sleep(0.05)
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print("done", n, h.hexdigest(), flush=True)
"""
SERVER = r"""
import hashlib, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 5001)); s.listen(1); s.settimeout(60)
print("ready", flush=True)
c, peer = s.accept(); c.settimeout(60); h = hashlib.sha256(); n = 0
print("peer", peer[0], peer[1], flush=True)
while True:
    b = c.recv(1 << 16)
    if not b: break
    h.update(b); n += len(b)
    print("got", n, "%.2f" % time.time(), flush=True)
print("done", n, h.hexdigest(), flush=True)
"""


def xmip(ns, *args, check=True):
    return sh(os.path.join(build_dir(), "xmip"), *args, ns=NS[ns], check=check)


def cleanup():
    nsbed.cleanup(NS.values(), detach=[(NS[n], INST[n]) for n in ("rs", "a", "b", "c", "d")])


def v6net(net):
    """The IPv6 prefix (NAT66 inside) beside 192.168.N.0/24."""
    return "fd10:%s::" % net.split(".")[-1]


def veth(a, a_if, b, b_if):
    nsbed.veth(NS[a], a_if, NS[b], b_if)
    # Full checksums and no GSO on every wire (veth), as on a NIC: the relay's XDP
    # sees finished checksums. The nodes' virtual interfaces keep TSO: their TCP
    # sends GSO super-packets, which our tc egress encapsulates and the kernel
    # segments at the real interface.
    for ns, dev in ((a, a_if), (b, b_if)):
        nsbed.wire_like(NS[ns], dev)


class Bed(nsbed.Procs):
    def __init__(self):
        super().__init__(ART, NS)

    def up(self):
        cleanup()
        nsbed.add_namespaces(NS.values())
        nsbed.bridge(NS, "rt", "203.0.113.1/24", PUB, wire=True)
        for n, a in PUB6.items():
            sh("ip", "addr", "add", a + "/64", "dev", "pub", "nodad", ns=NS[n])
        for nat, host, dev, net in (("nat1", "a", "eth0", "192.168.1"),
                                    ("nat3", "a", "eth1", "192.168.3"),
                                    ("nat2", "b", "eth0", "192.168.2")):
            veth(nat, "in", host, dev)
            sh("ip", "addr", "add", net + ".1/24", "dev", "in", ns=NS[nat])
            sh("ip", "addr", "add", v6net(net) + "1/64", "dev", "in", "nodad", ns=NS[nat])
            sh("ip", "link", "set", "in", "up", ns=NS[nat])
            sh("ip", "link", "set", dev, "up", ns=NS[host])
            sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=NS[nat])
            sh("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", ns=NS[nat])
            nsbed.masquerade(NS[nat], "pub", ("ip", "ip6"))
        nsbed.xdp_pass(NS["rt"], "p-rs", ART)
        for host, net in (("a", "192.168.1"), ("b", "192.168.2")):
            sh("ip", "addr", "add", net + ".2/24", "dev", "eth0", ns=NS[host])
            sh("ip", "route", "add", "default", "via", net + ".1", ns=NS[host])
            sh("ip", "addr", "add", v6net(net) + "2/64", "dev", "eth0", "nodad", ns=NS[host])
            sh("ip", "-6", "route", "add", "default", "via", v6net(net) + "1", ns=NS[host])

    def down(self):
        self.stop_all()
        cleanup()


def dc_conf(name, inst, vip4, vip6, nodes, peer, relay=PUB["rs"]):
    t = ("role = dc\ninstance = %s\n[dc]\nname = %s\nvip4-pool = %s\nvip6-pool = %s\n"
         "keepalive = 5\ndns-server = %s\nstate-file = %s\ndump-file = %s\n"
         % (PREFIX + "n" + inst, name, vip4, vip6, PUB["dns"], os.path.join(ART, inst + ".state"),
            os.path.join(ART, inst + ".json")))
    for n in nodes:
        t += "[node %s.%s]\nkey = %s\n" % (n, name, KEY[n])
    t += "[peer-dc %s]\nkey = %s\n" % (peer, KEY["dd"])
    t += "[relay rs1.a.example]\naddress = %s\nkey = %s\n" % (relay, KEY["rs"])
    return t


def node_conf(n, domain, dc, ifs, connect=()):
    return ("role = ntm\ninstance = %s\n%s[ntm]\nfqdn = %s.%s\nkey = %s\ndc = %s\n"
            "dc-name = %s\ndump-file = %s\n%s"
            % (INST[n], "".join("interface = %s\n" % i for i in ifs), n, domain, KEY[n],
               PUB[dc], domain, os.path.join(ART, n + ".json"),
               "".join("connect = %s\n" % c for c in connect)))


def rs_conf():
    return ("role = rs\ninstance = %s\ninterface = pub\n[rs]\nname = rs1.a.example\naddress = %s\n"
            "address = %s\ndump-file = %s\n[rs-dc a.example]\nkey = %s\n[rs-dc b.example]\n"
            "key = %s\n" % (INST["rs"], PUB["rs"], PUB6["rs"], os.path.join(ART, "rs.json"),
                             KEY["rs"], KEY["rs"]))


def diag():
    """What the datapaths counted, into the artifacts (read after a failure)."""
    with open(os.path.join(ART, "diag.txt"), "w") as f:
        for n in ("a", "b", "c", "d", "rs"):
            f.write(xmip(n, "show", "-i", INST[n], check=False).stdout)
            f.write(json.dumps(tunnels(n)) if n != "rs" else "")
            f.write("\n")


def wait_for(what, cond, timeout=30):
    return nsbed.wait_for(what, cond, timeout, on_timeout=diag)


def bpftool_dump(ns, path):
    """A pinned map as bpftool reads it: its BTF names every field ("formatted")."""
    r = sh("bpftool", "-j", "map", "dump", "pinned", path, ns=ns, check=False)
    return [e["formatted"] for e in json.loads(r.stdout or "[]")]


def tunnels(n):
    """The node's pinned tunnel table."""
    return bpftool_dump(NS[n], "/sys/fs/bpf/xmip/%s/xmip_ntm_tunnels" % INST[n])


def a16(b):
    """bpftool's array of octets (decimal or hex strings) as an address."""
    raw = bytes(int(x, 0) if isinstance(x, str) else x for x in b)
    ip = ipaddress.IPv6Address(raw)
    return str(ip.ipv4_mapped or ip)


def rx_far_ends(n):
    return sorted("%s:%d" % (a16(e["key"]["addr"]), int.from_bytes(
        (e["key"]["sport"]).to_bytes(2, "little"), "big"))
        for e in tunnels(n) if e["key"]["kind"] == 2)


def last_count(name, word):
    n = 0
    for line in log(name).splitlines():
        f = line.split()
        if len(f) >= 2 and f[0] == word:
            n = int(f[1])
    return n


@pytest.fixture(scope="module")
def bed():
    nsbed.require("dnsmasq", "nft", "bpftool", "clang", "ethtool")
    yield from nsbed.serve_bed(Bed())


def test_tcp_survives_moves(bed):
    b = bed
    b.start("dns", "dns", ["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
                           "--no-hosts", "--user=root", "--pid-file=", "--bind-interfaces",
                           "--listen-address=" + PUB["dns"],
                           "--local=/a.example/", "--local=/b.example/", "--local=/c.example/",
                           '--txt-record=_ntm.a.example,v=ntm1 dc=a.example addr=%s' % PUB["dca"],
                           '--txt-record=_ntm.b.example,v=ntm1 dc=b.example addr=%s' % PUB["dcb"],
                           "--host-record=www.c.example," + PUB["gn"]])
    # the relay answers through the FIB (no next-hop MACs from the agent): forwarding on,
    # neighbours resolved before the first relayed packet
    sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=NS["rs"])
    sh("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", ns=NS["rs"])
    for n in ("nat1", "nat2", "nat3", "gn"):
        sh("ping", "-c1", "-W2", PUB[n], ns=NS["rs"])
        if n in PUB6:
            sh("ping", "-6", "-c1", "-W2", PUB6[n], ns=NS["rs"])
    xmip("rs", "attach", "-c", b.conf("rs", rs_conf()))
    b.agent("rs", "rs", rs_conf())
    b.agent("dca", "dca", dc_conf("a.example", "dca", "10.200.0.0/16", "fd00:a::/64", ["a", "c"],
                                  "b.example", PUB6["rs"]))
    b.agent("dcb", "dcb", dc_conf("b.example", "dcb", "10.201.0.0/16", "fd00:b::/64", ["b", "d"],
                                  "a.example"))
    confs = {"a": node_conf("a", "a.example", "dca", ["eth0", "eth1"],
                            ("b.b.example", "www.c.example")),
             "b": node_conf("b", "b.example", "dcb", ["eth0"]),
             "c": node_conf("c", "a.example", "dca", ["pub"]),
             "d": node_conf("d", "b.example", "dcb", ["pub"], ("c.a.example",))}
    for n in ("b", "c", "a", "d"):
        out = xmip(n, "attach", "-c", b.conf(n, confs[n])).stdout + \
            xmip(n, "show", "-i", INST[n]).stdout
        assert "ntm0: tc egress" in out, out
    wait_for("the relay", lambda: dump("rs").get("role") == "rs")
    for n in ("b", "c"):
        b.agent(n, n, confs[n])
    wait_for("b, c registered", lambda: dump("b").get("registered") and dump("c").get("registered"))
    for n in ("a", "d"):
        b.agent(n, n, confs[n])

    def ups(n, k):
        d = dump(n)
        u = [t for t in d.get("tunnels", []) if t["state"] == "up"]
        return d if len(u) == k else None
    a, d = wait_for("A's two tunnels up", lambda: ups("a", 2), 40), wait_for("D's tunnel", lambda: ups("d", 1), 40)
    bb, c = wait_for("B's tunnel", lambda: ups("b", 1)), wait_for("C's tunnel", lambda: ups("c", 1))
    modes = {t["peer"]: t["mode"] for t in a["tunnels"]}
    assert modes == {"b.b.example": "rs-s", "www.c.example": "rs-n"}, modes
    assert d["tunnels"][0]["mode"] == "direct"
    gn_vip = next(x["peer_vip4"] for x in a["directions"] if x["target"] == "www.c.example")
    # the virtual addresses live on the virtual interface
    assert a["vip4"] in sh("ip", "-4", "addr", "show", "dev", "ntm0", ns=NS["a"]).stdout

    # --- three transfers, kernel TCP between virtual addresses ---
    stop = os.path.join(ART, "stop")
    flows = {"ab": ("a", "b", a["vip4"], bb["vip4"], bb["vip4"]),
             "agn": ("a", "gn", a["vip4"], gn_vip, PUB["gn"]),
             "dc": ("d", "c", d["vip4"], c["vip4"], c["vip4"])}
    for f, (src, dst, sva, dva, listen) in flows.items():
        b.start("srv-" + f, dst, [PY, "-c", SERVER, listen])
    for f in flows:
        wait_for("server " + f, lambda f=f: "ready" in log("srv-" + f))
    for f, (src, dst, sva, dva, listen) in flows.items():
        b.start("cli-" + f, src, [PY, "-c", CLIENT, sva, dva, stop])
    wait_for("bytes flowing", lambda: all(last_count("srv-" + f, "got") > 200000 for f in flows), 30)
    # the GN saw the relay (RS-N: its address and a pool port), not a virtual address
    peer = log("srv-agn").split("peer ")[1].split()
    assert peer[0] == PUB["rs"] and 50000 <= int(peer[1]) <= 59999, peer
    rx_a, rx_c = rx_far_ends("a"), rx_far_ends("c")
    assert rx_a == ["%s:49602" % PUB6["rs"]] * 2, rx_a         # both of A's tunnels: the relay, IPv6
    assert rx_c == ["%s:49601" % PUB["d"]], rx_c                # C takes D's packets from D

    # --- the moves: A to NAT3 (new address, new NAT), D to a new public address ---
    sh("ip", "addr", "add", "fd10:3::2/64", "dev", "eth1", "nodad", ns=NS["a"])
    sh("ip", "-6", "route", "replace", "default", "via", "fd10:3::1", ns=NS["a"])
    sh("ip", "addr", "del", "fd10:1::2/64", "dev", "eth0", ns=NS["a"])
    sh("ip", "addr", "add", "192.168.3.2/24", "dev", "eth1", ns=NS["a"])
    sh("ip", "route", "replace", "default", "via", "192.168.3.1", ns=NS["a"])
    sh("ip", "addr", "del", "192.168.1.2/24", "dev", "eth0", ns=NS["a"])
    sh("sysctl", "-qw", "net.ipv4.conf.pub.promote_secondaries=1", ns=NS["d"])
    sh("ip", "addr", "add", D_MOVED + "/24", "dev", "pub", ns=NS["d"])
    sh("ip", "addr", "del", PUB["d"] + "/24", "dev", "pub", ns=NS["d"])
    moved_at = {f: last_count("srv-" + f, "got") for f in flows}

    wait_for("A registered from NAT3", lambda: dump("a").get("observed", "").startswith(PUB["nat3"]), 30)
    wait_for("D registered from its new address",
             lambda: dump("d").get("observed", "").startswith(D_MOVED), 30)
    # both saw their own move from the host's address change (netlink), not a Keep Alive later
    for n, addr in (("a", "192.168.3.2"), ("d", D_MOVED)):
        assert "our address toward the DC is now %s" % addr in log(n), log(n)[-2000:]
    wait_for("C's tunnel moved to D's new address",
             lambda: rx_far_ends("c") == ["%s:49601" % D_MOVED], 30)
    # and bytes flow again on every connection (well past what was in flight)
    wait_for("bytes after the moves",
             lambda: all(last_count("srv-" + f, "got") > moved_at[f] + 300000 for f in flows), 45)
    with open(stop, "w"):
        pass
    for f in flows:
        wait_for("transfer %s done" % f, lambda f=f: "done" in log("cli-" + f) and
                 "done" in log("srv-" + f), 60)
        sent = log("cli-" + f).split("done ")[1].split()
        got = log("srv-" + f).split("done ")[1].split()
        assert sent == got, (f, sent, got)             # every octet, in order: SHA-256
        assert "error" not in log("cli-" + f)
    # IPv6 inside the same (moved) IPv4 tunnels: the virtual IPv6 addresses work too
    for src, sva, dva in (("a", a["vip6"], bb["vip6"]), ("d", d["vip6"], c["vip6"])):
        r = sh("ping", "-6", "-c", "2", "-W", "3", "-I", sva, dva, ns=NS[src], check=False)
        assert r.returncode == 0, r.stdout + r.stderr
    # the relay moved A's legs: A's RS-S/RS-N tunnel packets come from NAT3 now
    rs = bpftool_dump(NS["rs"], "/sys/fs/bpf/xmip/%s/xmip_relay" % INST["rs"])
    srcs = {a16(e["key"]["addr"]) for e in rs if e["key"]["kind"] == 1}
    assert PUB6["nat3"] in srcs and PUB6["nat1"] not in srcs, srcs
    # the relayed legs ran over IPv6 with GSO: zero-checksum segments accepted, none refused
    rs_c = json.loads(xmip("rs", "show", "-j", "-i", INST["rs"]).stdout)[0]["counters"]
    b_c = json.loads(xmip("b", "show", "-j", "-i", INST["b"]).stdout)[0]["counters"]
    assert rs_c.get("rs_csum_zero", 0) > 100 and not rs_c.get("drop_rs_no_csum"), rs_c
    assert b_c.get("ntm_csum_zero_rx", 0) > 100, b_c
    # `xmip show`: the tunnel table after the move, and the tc programs did the work
    st = json.loads(xmip("a", "show", "-j", "-i", INST["a"]).stdout)[0]
    assert st["role"] == "ntm" and st["ready"], st
    tx = {t["peer_address"]: t for t in st["tunnels"] if t["kind"] == "tx"}
    for vip in (bb["vip4"], gn_vip):
        assert tx[vip]["out_src"] == "fd10:3::2" and tx[vip]["out_dst"] == PUB6["rs"], tx
    # (encap_ok counts TSO super-packets: a few dozen carry the whole transfer)
    assert st["counters"]["ntm_encap_ok"] > 20 and st["counters"]["ntm_decap_ok"] > 100, st
    assert not any(v for k, v in st["counters"].items() if k.startswith("drop_")), st["counters"]
    text = xmip("a", "show", "-i", INST["a"]).stdout
    assert "tx %s" % bb["vip4"] in text and "rx %s:49602" % PUB6["rs"] in text, text
