# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Mobile IPv4 data end to end (RFC 5944 §4, RFC 3024, RFC 3519), in namespaces:
a correspondent pings the mobile node's home address and streams TCP to it
while the node moves home -> foreign agent -> co-located address behind an
nftables NAT -> home; the connection survives every move, once for each of
IP-in-IP, minimal encapsulation and GRE.

    CN 172.16.0.10 -- RT -- home link 10.1.0.0/24 (bridge): HA 10.1.0.2, MN "home"
                      RT -- 198.51.100.2 FA (visited link 10.2.0.0/24) -- MN "fa"
                      RT -- 203.0.113.2 NAT (masquerade) -- 192.168.7.0/24 -- MN "nat"

Every node's datapath is xmip's (`xmip attach`: the HA in tc mode, the FA and
the MN with the Mobile IPv4 tc programs): the kernels here have no ipip or
gre modules, so nothing else could carry the tunnels. At the FA the reverse
tunnel (T) carries the node's packets; behind the NAT the HA tunnels in UDP
434 to the NAT's port and the node reverse-tunnels the same way. Checked:
the stream's byte count grows after each move and the connection never
breaks, pings are answered in every place, the HA's counters show its
encapsulation of the chosen kind and decapsulation, the FA's and the
node's theirs, `xmip binding show -j` the binding of the right form. With
minimal encapsulation, a narrower link inside the tunnel: the router's
Fragmentation Needed is relayed to the CN and the binding learns the
tunnel's MTU (RFC 2003 §5.1).
"""
import functools
import json
import os
import re
import signal
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nsbed  # noqa: E402
from nsbed import HERE, PREFIX, PY  # noqa: E402

NS = {n: PREFIX + "4" + n for n in ("rt", "ha", "fa", "nat", "mn", "cn")}
ART = os.path.join(HERE, "artifacts", "test_mip4_data")
STREAM = os.path.join(HERE, "tcpstream.py")
HOA, HA, COA_FA, FA_VIS = "10.1.0.100", "10.1.0.2", "198.51.100.2", "10.2.0.1"
NATIN, NATOUT, CN = "192.168.7.100", "203.0.113.2", "172.16.0.10"
MN_KEY = "00112233445566778899aabbccddeeff"
FA_KEY = "0f0e0d0c0b0a09080706050403020100"


xmip = nsbed.binary                     # xmip(): the xmip program
sh = nsbed.keyed_sh(NS)                 # ns="ha": in NS["ha"]
dump = functools.partial(nsbed.dump, ART)
INSTANCES = ("ha", "fa", "mn")          # each one's instance is named as its namespace


def cleanup():
    nsbed.cleanup(NS.values(), detach=[(NS[n], NS[n]) for n in INSTANCES],
                  pins=[NS[n] for n in INSTANCES])


def wait_for(what, cond, timeout=20):
    return nsbed.wait_for(what, cond, timeout)


def stats(inst, ns):
    """The instance's datapath counters (xmip show -j)."""
    out = json.loads(sh(xmip(), "-j", "show", "-i", NS[inst], ns=ns).stdout)
    c = out[0]["counters"] if isinstance(out, list) else out["counters"]
    return {k.upper(): v for k, v in c.items()}


class Bed(nsbed.Procs):
    def __init__(self):
        # agents restarted under a name (mn, once per encapsulation) add to its log
        super().__init__(ART, NS, append=True)

    def veth(self, a, a_if, b, b_if):
        nsbed.veth(NS[a], a_if, NS[b], b_if)

    def up(self):
        cleanup()
        nsbed.add_namespaces(NS.values())
        for n in NS:
            sh("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", ns=n)
        rt = lambda *c: sh(*c, ns="rt")  # noqa: E731
        rt("ip", "link", "add", "br0", "type", "bridge")
        rt("ip", "addr", "add", "10.1.0.1/24", "dev", "br0")
        rt("ip", "link", "set", "br0", "up")
        self.veth("rt", "p-ha", "ha", "eth0")
        self.veth("rt", "p-mn", "mn", "home")
        for p in ("p-ha", "p-mn"):
            rt("ip", "link", "set", p, "master", "br0", "up")
        self.veth("rt", "r-fa", "fa", "wan")
        self.veth("rt", "r-nat", "nat", "out")
        self.veth("rt", "r-cn", "cn", "eth0")
        self.veth("fa", "vis", "mn", "fa")
        self.veth("nat", "in", "mn", "nat")
        for ifn, a in (("r-fa", "198.51.100.1/24"), ("r-nat", "203.0.113.1/24"),
                       ("r-cn", "172.16.0.1/24")):
            rt("ip", "addr", "add", a, "dev", ifn)
            rt("ip", "link", "set", ifn, "up")
        for n in ("rt", "ha", "fa", "nat"):
            sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=n)
        for n, ifn, a, gw in (("ha", "eth0", HA + "/24", "10.1.0.1"),
                              ("fa", "wan", COA_FA + "/24", "198.51.100.1"),
                              ("nat", "out", NATOUT + "/24", "203.0.113.1"),
                              ("cn", "eth0", CN + "/24", "172.16.0.1")):
            sh("ip", "addr", "add", a, "dev", ifn, ns=n)
            sh("ip", "link", "set", ifn, "up", ns=n)
            sh("ip", "route", "add", "default", "via", gw, ns=n)
        sh("sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0", ns="ha")
        sh("ip", "addr", "add", "2001:db8:1::2/64", "dev", "eth0", "nodad", ns="ha")
        sh("ip", "addr", "add", FA_VIS + "/24", "dev", "vis", ns="fa")
        sh("ip", "link", "set", "vis", "up", ns="fa")
        sh("ip", "addr", "add", "192.168.7.1/24", "dev", "in", ns="nat")
        sh("ip", "link", "set", "in", "up", ns="nat")
        nsbed.masquerade(NS["nat"], "out")
        sh("ip", "link", "set", "home", "up", ns="mn")
        self.conf("ha", "role = ha\ninstance = %s\ninterface = eth0\naddress = 2001:db8:1::2\n"
                  "home-prefix = 2001:db8:1::/64\nxdp-mode = tc\n"
                  "[mip4]\naddress = %s\nhome-prefix = 10.1.0.0/24\nmax-lifetime = 300\n"
                  "keepalive = %d\nadvertise-interval = 1\nstate-file = %s\ndump-file = %s\n"
                  "[mip4-mn %s]\nspi = 4096\nkey = %s\n[mip4-peer %s]\nspi = 8192\nkey = %s\n"
                  % (NS["ha"], HA, KEEPALIVE, os.path.join(ART, "ha.state"), os.path.join(ART, "ha.json"),
                     HOA, MN_KEY, COA_FA, FA_KEY))
        self.conf("fa", "role = fa\ninstance = %s\ninterface = vis\n[mip4]\ncare-of-address = %s\n"
                  "advertise-interval = 1\ndump-file = %s\n[mip4-peer %s]\nspi = 8192\n"
                  "key = %s\n" % (NS["fa"], COA_FA, os.path.join(ART, "fa.json"), HA, FA_KEY))
        self.mn_conf("ipip")
        for n in ("ha", "fa", "mn"):
            sh(xmip(), "attach", "-c", os.path.join(ART, n + ".conf"), ns=n)
        self.agent("ha", "ha")
        self.agent("fa", "fa")
        wait_for("the HA's dump", lambda: dump("ha").get("role") == "ha")

    def mn_conf(self, encap):
        self.conf("mn", "role = mn4\ninstance = %s\ninterface = home\ninterface = fa\n"
                  "interface = nat\n[mip4]\nhome-address = %s\nhome-agent = %s\n"
                  "home-prefix = 10.1.0.0/24\nspi = 4096\nkey = %s\nlifetime = 120\n"
                  "encapsulation = %s\nreverse-tunnel = yes\nudp-tunnel = yes\ndump-file = %s\n"
                  % (NS["mn"], HOA, HA, MN_KEY, encap, os.path.join(ART, "mn.json")))

    def down(self):
        self.stop_all()
        cleanup()


@pytest.fixture(scope="module")
def bed():
    nsbed.require()
    yield from nsbed.serve_bed(Bed(), INSTANCES)


def stream_bytes(b, name):
    m = re.findall(r"bytes=(\d+)", b.log(name))
    err = re.findall(r"error=(\S+)", b.log(name))
    assert not err, "the TCP connection broke: %s" % err
    return int(m[-1]) if m else 0


def replies_since(b, name, t):
    """Echo replies the CN's ping (-D) logged after time t."""
    n = 0
    for line in b.log(name).splitlines():
        m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from", line)
        if m and float(m.group(1)) >= t:
            n += 1
    return n


def flows(b, srv, ping, what):
    """Both flows go on: 64 KB more of the stream and 3 echo replies, within 15 s."""
    t, n0 = time.time(), stream_bytes(b, srv)
    wait_for("the stream to grow " + what, lambda: stream_bytes(b, srv) > n0 + 65536, 15)
    wait_for("pings answered " + what, lambda: replies_since(b, ping, t) >= 3, 15)


def mip4_binding():
    out = json.loads(sh(xmip(), "-j", "binding", "show", "-i", NS["ha"], ns="ha").stdout)
    rows = [r for r in out if r.get("family") == "mip4"]
    return rows[0] if len(rows) == 1 else None


KIND = {"ipip": "ipip", "minimal": "minimal", "gre": "gre"}
PROTO = {"ipip": 4, "minimal": 55, "gre": 47}
KEEPALIVE = 10   # s, the HA's UDP Tunnel Reply; RFC 3519 §4.10's least


def keepalives(path):
    """(echo requests HOA -> HA, echo replies HA -> HOA) carried in UDP 434 type 4 between
    the NAT and the HA (RFC 3519 §4.9), each inner packet's checksums verified by Scapy."""
    from scapy.all import ICMP, IP, UDP, rdpcap
    req, rep = 0, 0
    for p in rdpcap(path):
        if UDP not in p or 434 not in (p[UDP].sport, p[UDP].dport):
            continue
        pl = bytes(p[UDP].payload)
        if len(pl) < 4 + 28 or pl[0] != 4 or pl[1] != 4:
            continue
        inner = IP(pl[4:])
        if ICMP not in inner:
            continue
        ic, cc = inner[ICMP].chksum, inner.chksum
        del inner[ICMP].chksum
        del inner.chksum
        again = IP(bytes(inner))
        assert again.chksum == cc and again[ICMP].chksum == ic, "keepalive checksum wrong"
        if (p[IP].src, p[UDP].sport, inner.src, inner.dst, inner[ICMP].type) == \
                (NATOUT, p[UDP].sport, HOA, HA, 8):
            req += 1
        elif (p[IP].src, inner.src, inner.dst, inner[ICMP].type) == (HA, HA, HOA, 0):
            rep += 1
    return req, rep


def nat_mapping():
    """The NAT's external port for the node's UDP 434, from its conntrack table (None: none)."""
    out = sh("conntrack", "-L", "-p", "udp", "--orig-src", NATIN, "--orig-port-src", "434",
             ns="nat", check=False).stdout
    m = re.search(r"src=%s dst=%s sport=434 dport=(\d+)" % (re.escape(HA), re.escape(NATOUT)), out)
    return int(m.group(1)) if m else None


def capture(b, name, ifname):
    path = os.path.join(ART, name + ".pcap")
    b.start("cap-" + name, "rt", ["tcpdump", "-q", "-U", "--immediate-mode", "-i", ifname,
                                  "-w", path, "host", HA, "and", "not", "port", "434", "or", "udp", "port",
                                  "434"])
    wait_for("the capture " + name, lambda: os.path.exists(path) and os.path.getsize(path) > 0, 10)
    return path


def tunnel_forms(path, peer):
    """(protocols HA -> peer, protocols peer -> HA) of the tunnel packets in a capture, every
    outer IPv4 checksum verified by Scapy; UDP 434 counts by its type-4 Next Header."""
    from scapy.all import IP, UDP, rdpcap
    fwd, rev = set(), set()
    for p in rdpcap(path):
        if IP not in p or p[IP].src not in (HA, peer) or p[IP].dst not in (HA, peer):
            continue
        c = p[IP].chksum
        del p[IP].chksum
        assert IP(bytes(p[IP])).chksum == c, "outer IPv4 checksum wrong"
        proto = p[IP].proto
        if proto == 1:
            # Not a tunnel packet: an ICMP error between the ends, e.g. the FA kernel's
            # Protocol Unreachable for tunnel packets that beat its visitor entry.
            continue
        if UDP in p:
            pl = bytes(p[UDP].payload)
            if len(pl) < 4 or pl[0] != 4:
                continue                   # a registration
            proto = pl[1]
        (fwd if p[IP].src == HA else rev).add(proto)
    return fwd, rev


@pytest.mark.parametrize("encap", ["ipip", "minimal", "gre"])
def test_connection_survives_every_move(bed, encap):
    b = bed
    b.mn_conf(encap)
    b.agent("mn", "mn")
    port = 7000 + ["ipip", "minimal", "gre"].index(encap)
    srv, cli, ping = "srv-" + encap, "cli-" + encap, "ping-" + encap
    try:
        wait_for("MN at home", lambda: dump("mn").get("state") == "home")
        sh("ip", "route", "replace", "default", "via", "10.1.0.1", "dev", "home", ns="mn")
        b.start(srv, "mn", [PY, STREAM, "server", "::ffff:" + HOA, str(port)])
        wait_for("the server", lambda: "listening" in b.log(srv), 10)
        b.start(cli, "cn", [PY, STREAM, "client", HOA, str(port), "2000"])
        b.start(ping, "cn", ["ping", "-D", "-i", "0.2", HOA])
        flows(b, srv, ping, "at home")
        ha0 = stats("ha", "ha")

        # To the foreign agent: IP-in-IP/minimal/GRE to its care-of address, reverse tunnel.
        cap_fa = capture(b, "fa-" + encap, "r-fa")
        sh("ip", "link", "set", "home", "down", ns="mn")
        sh("ip", "link", "set", "fa", "up", ns="mn")
        sh("ip", "route", "replace", "default", "via", FA_VIS, "dev", "fa", "onlink", ns="mn")
        wait_for("registered via the FA", lambda: dump("mn").get("state") == "registered" and
                 dump("mn").get("mode") == "fa")
        bd = wait_for("the datapath binding via the FA", lambda: (lambda r: r if r and
                      r["tunnel_end"] == COA_FA else None)(mip4_binding()))
        assert bd["encap"] == KIND[encap] and bd["via"] == "fa" and bd["reverse"], bd
        flows(b, srv, ping, "via the FA")
        b.stop("cap-fa-" + encap, signal.SIGINT)
        fwd, rev = tunnel_forms(cap_fa, COA_FA)
        # Minimal encapsulation falls back to IP-in-IP for GSO packets (RFC 2004 §3).
        assert PROTO[encap] in fwd and fwd <= {PROTO[encap], 4}, fwd
        assert PROTO[encap] in rev and rev <= {PROTO[encap], 4}, rev
        fa_st = stats("fa", "fa")
        assert fa_st.get("MIP4_NODE_DECAP_OK", 0) > 0 and fa_st.get("MIP4_NODE_ENCAP_OK", 0) > 0
        if encap == "minimal":
            # A narrower link inside the tunnel (RFC 2003 §5.1): RT answers the HA's DF
            # tunnel packets with Fragmentation Needed (its quote holds the forwarding
            # header: relayed to the CN, RFC 2004 §5), and the binding learns the tunnel's
            # MTU (soft state, `path_mtu`); the stream goes on in smaller packets.
            st0 = stats("ha", "ha")
            sh("ip", "link", "set", "r-fa", "mtu", "1400", ns="rt")
            try:
                wait_for("the tunnel MTU learnt", lambda: (lambda r: r and
                         r.get("path_mtu") == 1400)(mip4_binding()), 15)
                flows(b, srv, ping, "through the narrower link")
            finally:
                sh("ip", "link", "set", "r-fa", "mtu", "1500", ns="rt")
            st = stats("ha", "ha")
            for k in ("MIP4_ICMP_RELAYED", "ICMP_TO_AGENT"):
                assert st.get(k, 0) > st0.get(k, 0), (k, st)

        # Co-located behind the NAT: in UDP 434 both ways (RFC 3519).
        cap_nat = capture(b, "nat-" + encap, "r-nat")
        sh("ip", "link", "set", "fa", "down", ns="mn")
        sh("ip", "addr", "add", NATIN + "/24", "dev", "nat", ns="mn")
        sh("ip", "link", "set", "nat", "up", ns="mn")
        sh("ip", "route", "replace", "default", "via", "192.168.7.1", "dev", "nat", ns="mn")
        wait_for("registered behind the NAT", lambda: dump("mn").get("udp_tunnel") and
                 dump("mn").get("state") == "registered" and dump("mn").get("coa") == NATIN)
        bd = wait_for("the datapath binding behind the NAT", lambda: (lambda r: r if r and
                      r["tunnel_end"] == NATOUT else None)(mip4_binding()))
        assert bd["udp"] and bd["nat_port"] > 0 and bd["via"] == "co-located", bd
        flows(b, srv, ping, "behind the NAT")
        b.stop("cap-nat-" + encap, signal.SIGINT)
        fwd, rev = tunnel_forms(cap_nat, NATOUT)
        assert PROTO[encap] in fwd and fwd <= {PROTO[encap], 4}, fwd
        assert PROTO[encap] in rev and rev <= {PROTO[encap], 4}, rev
        if encap == "ipip":
            # The NAT forgets every mapping mid-transfer (before the first keepalive, K s
            # after the registration). The node's next packet makes a new mapping, on
            # another port when the HA's packets got there first; then only the node's
            # re-registration moves the binding: RFC 3519 §4.9 keepalives from the care-of
            # address's port 434, unanswered through the new mapping, make the node
            # register again (§4.10). The stream must go on within K s and the retries.
            cap_ka = capture(b, "ka", "r-nat")
            port0 = bd["nat_port"]
            sh("conntrack", "-F", ns="nat")
            t0, n0 = time.time(), stream_bytes(b, srv)
            wait_for("the stream to grow after the NAT's flush",
                     lambda: stream_bytes(b, srv) > n0 + 65536, KEEPALIVE + 20)
            port, bd, st = nat_mapping(), mip4_binding(), dump("mn")
            b.stop("cap-ka", signal.SIGINT)
            assert bd and port and bd["nat_port"] == port, (bd, port)
            # A new port can only have come from a re-registration, and that from lost
            # keepalives (the HA refuses the node's packets from a port not its binding's).
            req, _ = keepalives(cap_ka)   # their bytes (inner checksums) checked there
            assert port == port0 or (st["counters"]["ka_lost"] >= 1 and req >= 1), \
                (port0, port, req, st)
            print("recovered in %.1f s, NAT port %d -> %d, keepalives sent %d, losses %d" %
                  (time.time() - t0, port0, port, st["counters"]["ka_tx"],
                   st["counters"]["ka_lost"]))
        mn_st = stats("mn", "mn")
        assert mn_st.get("MIP4_NODE_DECAP_OK", 0) > 0 and mn_st.get("MIP4_NODE_ENCAP_OK", 0) > 0

        # Home again.
        sh("ip", "route", "del", "default", ns="mn", check=False)
        sh("ip", "addr", "flush", "dev", "nat", ns="mn")
        sh("ip", "link", "set", "nat", "down", ns="mn")
        sh("ip", "link", "set", "home", "up", ns="mn")
        wait_for("MN home", lambda: dump("mn").get("state") == "home")
        sh("ip", "route", "replace", "default", "via", "10.1.0.1", "dev", "home", ns="mn")
        wait_for("no binding", lambda: mip4_binding() is None)
        flows(b, srv, ping, "home again")
        ha1 = stats("ha", "ha")
        assert ha1.get("MIP4_ENCAP_OK", 0) > ha0.get("MIP4_ENCAP_OK", 0)
        assert ha1.get("MIP4_DECAP_OK", 0) > ha0.get("MIP4_DECAP_OK", 0)
        stream_bytes(b, srv)   # no error line
    finally:
        for n in (ping, cli, srv):
            b.stop(n, signal.SIGKILL)
        b.stop("mn")
