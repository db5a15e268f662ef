# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Mobile IPv4 signalling end to end (RFC 5944, RFC 3519), in namespaces.
No data traffic: the Mobile IPv4 datapath is not built yet.

    home link 10.1.0.0/24 (bridge br0 in RT)     RT 10.1.0.1
      HA 10.1.0.2 (role ha + [mip4], xmip attached)   MN "home" (HoA 10.1.0.100)
    RT 198.51.100.1 -- FA 198.51.100.2 (care-of address) -- visited 10.2.0.0/24 -- MN "fa"
    RT 10.3.0.1 ---------- 10.3.0.0/24 --------------------------------------- MN "colo"
    RT 203.0.113.1 -- NAT 203.0.113.2 (nftables masquerade) -- 192.168.7.0/24 -- MN "nat"

The mobile node (role mn4) starts at home, moves to the foreign agent's
link, to a co-located address, behind the NAT and home again. Checked at
each step, from the agents' JSON dumps and from captures read with
tshark and Scapy: the advertisements (ICMP Router Advertisement with the
Mobility Agent extension) on the visited link; the FA relays and keeps a
visitor list; the HA's binding (care-of address, via FA or co-located,
the NAT's address and port with the UDP Tunnel Reply behind the NAT);
proxy ARP for the home address while away and gratuitous ARP at
registration and deregistration; a request with a bad authenticator gets
131 and a replayed Identification 133 carrying the HA's time, and
neither changes the binding; a restarted HA agent adopts the binding
from its state file; a binding whose node died expires after its
lifetime and proxy ARP stops; every registration decodes in tshark (mip) without
a malformed packet, and each authenticator verifies under Python's hmac.
All of it runs after the agents' capability drop (agentd/core/privs.c): each
agent keeps exactly CAP_NET_ADMIN and CAP_NET_RAW, so the UDP 434 socket and
the AF_PACKET sockets of proxy ARP and agent discovery are opened before it.
`xmip monitor -j` on the HA shows the family's events (family "mip4"):
registrations with the previous care-of address, the NAT's port, the
refusals 131 and 133, the deregistration and the expiry.
"""
import functools
import json
import os
import signal
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mip4pkt as P  # noqa: E402
import nsbed  # noqa: E402
from nsbed import HERE, PREFIX, PY, build_dir  # noqa: E402

NS = {n: PREFIX + n for n in ("rt", "ha", "fa", "nat", "mn")}
ART = os.path.join(HERE, "artifacts", "test_mip4_signalling")
HOA, HA, COA_FA, FA_VIS = "10.1.0.100", "10.1.0.2", "198.51.100.2", "10.2.0.1"
COLO, NATIN, NATOUT = "10.3.0.100", "192.168.7.100", "203.0.113.2"
MN_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
FA_KEY = bytes.fromhex("0f0e0d0c0b0a09080706050403020100")
MN_SPI, FA_SPI = 4096, 8192


sh = nsbed.keyed_sh(NS)                 # ns="ha": in NS["ha"]
dump = functools.partial(nsbed.dump, ART)


def cleanup():
    # Only the HA is attached; the agent killed with SIGKILL (the expiry case) leaves
    # its control socket.
    nsbed.cleanup(NS.values(), detach=[(NS["ha"], PREFIX + "ha")], pins=[PREFIX + "ha"],
                  sockets=[PREFIX + i for i in ("ha", "fa", "mn")])


def veth(a, a_if, b, b_if):
    nsbed.veth(NS[a], a_if, NS[b], b_if)


def mac(ns, ifname):
    return nsbed.mac(NS[ns], ifname)


class Bed(nsbed.Procs):
    def __init__(self):
        # a process started again under its name adds to its log
        super().__init__(ART, NS, append=True)

    def up(self):
        cleanup()
        nsbed.add_namespaces(NS.values())
        rt = lambda *c: sh(*c, ns="rt")  # noqa: E731
        rt("ip", "link", "add", "br0", "type", "bridge")
        rt("ip", "addr", "add", "10.1.0.1/24", "dev", "br0")
        rt("ip", "link", "set", "br0", "up")
        veth("rt", "p-ha", "ha", "eth0")
        veth("rt", "p-mn", "mn", "home")
        for p in ("p-ha", "p-mn"):
            rt("ip", "link", "set", p, "master", "br0", "up")
        veth("rt", "r-fa", "fa", "wan")
        veth("rt", "r-co", "mn", "colo")
        veth("rt", "r-nat", "nat", "out")
        veth("fa", "vis", "mn", "fa")
        veth("nat", "in", "mn", "nat")
        for ifn, a in (("r-fa", "198.51.100.1/24"), ("r-co", "10.3.0.1/24"),
                       ("r-nat", "203.0.113.1/24")):
            rt("ip", "addr", "add", a, "dev", ifn)
            rt("ip", "link", "set", ifn, "up")
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns="rt")
        sh("sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0", ns="ha")
        sh("ip", "addr", "add", HA + "/24", "dev", "eth0", ns="ha")
        sh("ip", "addr", "add", "2001:db8:1::2/64", "dev", "eth0", "nodad", ns="ha")
        sh("ip", "link", "set", "eth0", "up", ns="ha")
        sh("ip", "route", "add", "default", "via", "10.1.0.1", ns="ha")
        sh("ip", "addr", "add", COA_FA + "/24", "dev", "wan", ns="fa")
        sh("ip", "link", "set", "wan", "up", ns="fa")
        sh("ip", "route", "add", "default", "via", "198.51.100.1", ns="fa")
        sh("ip", "addr", "add", FA_VIS + "/24", "dev", "vis", ns="fa")
        sh("ip", "link", "set", "vis", "up", ns="fa")
        sh("ip", "addr", "add", NATOUT + "/24", "dev", "out", ns="nat")
        sh("ip", "addr", "add", "192.168.7.1/24", "dev", "in", ns="nat")
        sh("ip", "link", "set", "out", "up", ns="nat")
        sh("ip", "link", "set", "in", "up", ns="nat")
        sh("ip", "route", "add", "default", "via", "203.0.113.1", ns="nat")
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns="nat")
        nsbed.masquerade(NS["nat"], "out")
        # The MN starts at home: that link up (no address: the agent puts the HoA there).
        sh("ip", "link", "set", "home", "up", ns="mn")

    def capture(self, name, ns, ifname):
        path = os.path.join(ART, name + ".pcap")
        self.start("cap-" + name, ns, ["tshark", "-q", "-i", ifname, "-w", path])
        return path

    def down(self):
        self.stop_all()
        cleanup()


CAP_NET_ADMIN, CAP_NET_RAW = 12, 13
KEEP = 1 << CAP_NET_ADMIN | 1 << CAP_NET_RAW


def caps(pid):
    with open("/proc/%d/status" % pid) as f:
        st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return {k: int(st[k], 16) for k in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb")}


def assert_dropped(b, name):
    """The agent kept CAP_NET_ADMIN and CAP_NET_RAW only (test_privileges.py's rule)."""
    p = b.procs[name]
    assert p.poll() is None, "%s agent died:\n%s" % (name, b.log(name))
    got = caps(p.pid)
    assert got == {"CapEff": KEEP, "CapPrm": KEEP, "CapBnd": KEEP, "CapInh": 0, "CapAmb": 0}, \
        (name, {k: hex(v) for k, v in got.items()})


def events(b, name):
    out = []
    for line in b.log(name).splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def v4(a):
    return a[7:] if a and a.startswith("::ffff:") else a


def wait_for(what, cond, timeout=20):
    return nsbed.wait_for(what, cond, timeout)


def binding():
    b = dump("ha").get("bindings", [])
    return b[0] if len(b) == 1 else None


def arp_who_has(target, iface="br0", ns="rt"):
    """Answers to one ARP request for target on the home link: [(hwsrc)]."""
    code = ("from scapy.all import *\nconf.verb=0\n"
            "ans,_=srp(Ether(dst='ff:ff:ff:ff:ff:ff')/ARP(pdst='%s',psrc='10.1.0.1'),"
            "iface='%s',timeout=2,multi=True)\n"
            "print(' '.join(sorted(set(r[ARP].hwsrc for _,r in ans if r[ARP].op==2))))\n"
            % (target, iface))
    # Asked up to three times: on a loaded machine Scapy's sniffer can start
    # after a quick answer went by (no test expects no answer at all).
    for _ in range(3):
        got = sh(PY, "-c", code, ns=ns, timeout=20).stdout.split()
        if got:
            break
    return got


def send_from_rt(payload, dst=HA, src=None, timeout=3.0):
    """Send a UDP payload to dst:434 from RT's namespace; return the reply payload or None."""
    code = ("import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
            "s.bind((%r,0))\ns.settimeout(%r)\ns.sendto(bytes.fromhex(%r),(%r,434))\n"
            "try:\n d,_=s.recvfrom(2048)\n print(d.hex())\nexcept socket.timeout:\n print('')\n"
            % (src or "10.1.0.1", timeout, payload.hex(), dst))
    out = sh(PY, "-c", code, ns="rt", timeout=timeout + 10).stdout.strip()
    return bytes.fromhex(out) if out else None


def tshark(path, *args):
    return sh("tshark", "-r", path, *args, timeout=60).stdout


def udp_payloads(path, dport=None, sport=None):
    """(src, sport, dst, dport, payload) of the UDP packets in a capture (Scapy)."""
    from scapy.all import IP, UDP, rdpcap
    out = []
    for p in rdpcap(path):
        if IP in p and UDP in p and (dport is None or p[UDP].dport == dport) and \
           (sport is None or p[UDP].sport == sport):
            out.append((p[IP].src, p[UDP].sport, p[IP].dst, p[UDP].dport, bytes(p[UDP].payload)))
    return out


@pytest.fixture(scope="module")
def bed():
    nsbed.require()
    yield from nsbed.serve_bed(Bed(), ("ha", "ha2", "fa", "mn"))


def test_mip4_signalling(bed):
    b = bed
    b.conf("ha", "role = ha\ninstance = %sha\ninterface = eth0\naddress = 2001:db8:1::2\n"
           "home-prefix = 2001:db8:1::/64\n"
           "[mip4]\naddress = %s\nhome-prefix = 10.1.0.0/24\nmax-lifetime = 300\nkeepalive = 25\n"
           "advertise-interval = 1\nstate-file = %s\ndump-file = %s\n"
           "[mip4-mn %s]\nspi = %d\nkey = %s\n[mip4-peer %s]\nspi = %d\nkey = %s\n"
           % (PREFIX, HA, os.path.join(ART, "ha.state"), os.path.join(ART, "ha.json"), HOA,
              MN_SPI, MN_KEY.hex(), COA_FA, FA_SPI, FA_KEY.hex()))
    b.conf("fa", "role = fa\ninstance = %sfa\ninterface = vis\n[mip4]\ncare-of-address = %s\n"
           "advertise-interval = 1\ndump-file = %s\n[mip4-peer %s]\nspi = %d\nkey = %s\n"
           % (PREFIX, COA_FA, os.path.join(ART, "fa.json"), HA, FA_SPI, FA_KEY.hex()))
    b.conf("mn", "role = mn4\ninstance = %smn\ninterface = home\ninterface = fa\n"
           "interface = colo\ninterface = nat\n[mip4]\nhome-address = %s\nhome-agent = %s\n"
           "home-prefix = 10.1.0.0/24\nspi = %d\nkey = %s\nlifetime = 120\nreverse-tunnel = yes\n"
           "udp-tunnel = yes\ndump-file = %s\n"
           % (PREFIX, HOA, HA, MN_SPI, MN_KEY.hex(), os.path.join(ART, "mn.json")))
    cap_home = b.capture("home", "rt", "br0")
    cap_ha = b.capture("ha", "ha", "eth0")
    cap_vis = b.capture("visited", "fa", "vis")
    cap_nat = b.capture("nat", "nat", "in")
    cap_mnhome = b.capture("mnhome", "mn", "home")
    # tshark writes its file's header once it captures: wait for all five (on a loaded
    # machine a fixed 2 s was not enough, and the FA relayed before the visited link's
    # capture started).
    wait_for("the captures", lambda: all(os.path.exists(c) and os.path.getsize(c) > 0 for c in
                                         (cap_home, cap_ha, cap_vis, cap_nat, cap_mnhome)), 30)
    time.sleep(0.5)
    sh(os.path.join(build_dir(), "xmip"), "attach", "-c", os.path.join(ART, "ha.conf"), ns="ha")
    b.agent("ha", "ha")
    b.agent("fa", "fa")
    wait_for("the HA's dump", lambda: dump("ha").get("role") == "ha")
    b.start("mon-ha", "ha", [os.path.join(build_dir(), "xmip"), "monitor", "-j", "-i",
                             PREFIX + "ha"])
    b.agent("mn", "mn")
    ha_mac, mn_home_mac = mac("ha", "eth0"), mac("mn", "home")

    # 1. At home: the HA's advertisement (H) tells the MN; it deregisters once.
    wait_for("MN at home", lambda: dump("mn").get("state") == "home")
    # Everything below runs with what the agents kept after set-up.
    for name in ("ha", "fa", "mn"):
        assert_dropped(b, name)
    assert not dump("ha").get("bindings"), dump("ha")
    assert HOA in sh("ip", "-4", "addr", "show", "dev", "home", ns="mn").stdout

    # 2. To the foreign agent's link.
    sh("ip", "link", "set", "home", "down", ns="mn")
    sh("ip", "link", "set", "fa", "up", ns="mn")
    wait_for("registered via the FA", lambda: dump("mn").get("state") == "registered" and
             dump("mn").get("mode") == "fa")
    mn = dump("mn")
    assert mn["coa"] == COA_FA and mn["agent"] == FA_VIS, mn
    bd = wait_for("the HA's binding via the FA", lambda: binding() if binding() and
                  binding()["coa"] == COA_FA else None)
    assert bd["via"] == "fa" and bd["fa"] == COA_FA and bd["dst"] == COA_FA, bd
    assert bd["encap"] == "ipip" and bd["reverse"] and not bd["udp"], bd
    # (The FA relays the reply before it writes its dump.)
    vis = wait_for("the FA's visitor", lambda: [v for v in dump("fa").get("visitors", [])
                                                 if v["hoa"] == HOA and v["registered"]])
    assert len(vis) == 1 and vis[0]["mac"] == mac("mn", "fa"), vis
    assert vis[0]["coa"] == COA_FA and vis[0]["home_agent"] == HA and vis[0]["reverse"], vis
    # Proxy ARP: the HA answers for the home address with its own MAC.
    assert arp_who_has(HOA) == [ha_mac]
    assert HOA not in sh("ip", "-4", "addr", "show", "dev", "fa", ns="mn").stdout

    # 3. A co-located care-of address (no NAT: the UDP tunnel is declined).
    sh("ip", "link", "set", "fa", "down", ns="mn")
    sh("ip", "addr", "add", COLO + "/24", "dev", "colo", ns="mn")
    sh("ip", "link", "set", "colo", "up", ns="mn")
    sh("ip", "route", "add", "default", "via", "10.3.0.1", ns="mn")
    bd = wait_for("the co-located binding", lambda: binding() if binding() and
                  binding()["coa"] == COLO else None)
    assert bd["via"] == "colocated" and bd["dst"] == COLO and not bd["udp"], bd
    wait_for("MN registered co-located", lambda: dump("mn").get("mode") == "colocated" and
             dump("mn").get("state") == "registered")
    assert not dump("mn")["udp_tunnel"]

    # 4. Behind the NAT: the HA sees another source than the care-of address.
    sh("ip", "route", "del", "default", ns="mn")
    sh("ip", "addr", "flush", "dev", "colo", ns="mn")
    sh("ip", "link", "set", "colo", "down", ns="mn")
    sh("ip", "addr", "add", NATIN + "/24", "dev", "nat", ns="mn")
    sh("ip", "link", "set", "nat", "up", ns="mn")
    sh("ip", "route", "add", "default", "via", "192.168.7.1", ns="mn")
    bd = wait_for("the binding behind the NAT", lambda: binding() if binding() and
                  binding()["coa"] == NATIN else None)
    assert bd["udp"] and bd["dst"] == NATOUT and bd["dport"] > 0 and bd["keepalive"] == 25, bd
    wait_for("MN registered with a UDP tunnel", lambda: dump("mn").get("udp_tunnel") and
             dump("mn").get("state") == "registered")
    assert dump("mn")["keepalive"] == 25
    nat_binding = binding()

    # 5. A bad authenticator: 131; a replayed Identification: 133 with the HA's time.
    forged = P.sign(P.request(HOA, HA, "203.0.113.99", P.ntp_now(), flags=0x20), P.EXT_MN_HA,
                    MN_SPI, b"not the key, not the key")
    rep = send_from_rt(forged)
    assert rep is not None and rep[0] == P.REPLY and rep[1] == 131, rep
    assert P.auth_ok(rep, P.EXT_MN_HA, MN_SPI, MN_KEY), "131 reply not authenticated"
    # The genuine request of step 4, as the HA received it (NAT's address and port).
    sh("sleep", "1")
    reqs = [p for p in udp_payloads(cap_ha, dport=434) if p[0] == NATOUT and p[4][0] == 1]
    assert reqs, "no request from the NAT in the HA's capture"
    genuine = reqs[-1][4]
    assert P.auth_ok(genuine, P.EXT_MN_HA, MN_SPI, MN_KEY)
    before = P.ntp_now() >> 32
    rep = send_from_rt(genuine)
    assert rep is not None and rep[1] == 133, rep
    assert P.auth_ok(rep, P.EXT_MN_HA, MN_SPI, MN_KEY)
    rid, qid = int.from_bytes(rep[12:20], "big"), int.from_bytes(genuine[16:24], "big")
    assert rid & 0xffffffff == qid & 0xffffffff, (hex(rid), hex(qid))
    assert abs((rid >> 32) - before) <= 3, "133 does not carry the HA's time"
    time.sleep(0.5)
    after = binding()
    for k in ("coa", "dst", "dport", "udp", "id"):
        assert after[k] == nat_binding[k], (k, after, nat_binding)
    codes = dump("ha")["counters"]["codes"]
    assert codes.get("131", 0) >= 1 and codes.get("133", 0) >= 1, codes

    # 6. The HA's agent restarts: the binding comes back from its state file. (The new
    # agent grants this node 5 s at most, for step 8.)
    b.stop("ha")
    with open(os.path.join(ART, "ha.conf")) as f:
        b.conf("ha2", f.read().replace("[mip4-mn %s]\n" % HOA,
                                       "[mip4-mn %s]\nmax-lifetime = 5\n" % HOA))
    b.agent("ha2", "ha")
    # "agent running" comes after the capability drop; "restored" (xmip_bindings, then
    # mip4's state file) before it, so waiting for that raced assert_dropped.
    wait_for("the restarted HA running", lambda: "agent running" in b.log("ha2"))
    assert_dropped(b, "ha2")
    assert "1 binding(s) restored" in b.log("ha2"), b.log("ha2")
    wait_for("the adopted binding", lambda: binding() and binding()["coa"] == NATIN)
    assert binding()["dport"] == nat_binding["dport"] and binding()["remaining"] > 0
    assert arp_who_has(HOA) == [ha_mac]

    # 7. Home again: gratuitous ARP from the MN and from the HA (with the MN's MAC).
    t_home = time.time()
    sh("ip", "route", "del", "default", ns="mn")
    sh("ip", "addr", "flush", "dev", "nat", ns="mn")
    sh("ip", "link", "set", "nat", "down", ns="mn")
    sh("ip", "link", "set", "home", "up", ns="mn")
    wait_for("MN home", lambda: dump("mn").get("state") == "home")
    wait_for("no binding", lambda: dump("ha").get("bindings") == [])
    time.sleep(2.5)   # the gratuitous ARPs are repeated a second apart
    assert arp_who_has(HOA) == [mn_home_mac], "the HA still proxies, or the MN does not answer"

    # 8. Expiry: registered for 5 s with a co-located address, the MN's agent dies.
    sh("ip", "link", "set", "home", "down", ns="mn")
    sh("ip", "addr", "add", COLO + "/24", "dev", "colo", ns="mn")
    sh("ip", "link", "set", "colo", "up", ns="mn")
    sh("ip", "route", "add", "default", "via", "10.3.0.1", ns="mn")
    bd = wait_for("a 5 s binding", lambda: binding() if binding() and
                  binding()["coa"] == COLO else None)
    assert bd["lifetime"] == 5, bd
    t_reg = time.time()
    b.stop("mn", signal.SIGKILL)
    assert arp_who_has(HOA) == [ha_mac]
    wait_for("the binding's expiry", lambda: dump("ha").get("bindings") == [], timeout=10)
    assert "binding 10.1.0.100 -> 10.3.0.100 expired" in b.log("ha2")
    assert time.time() - t_reg >= 3.5, "expired before its lifetime"
    assert arp_who_has(HOA) == [], "proxy ARP after the binding expired"

    for name in list(b.procs):
        if name.startswith("cap-"):
            b.stop(name, signal.SIGINT)

    # The HA's events, as xmip monitor -j shows them (refreshes left out: a retransmitted
    # request may refresh a binding): the moves, the refusals, home again, the expiry.
    seq = wait_for("the expiry event", lambda: (lambda e: e if e and e[-1]["type"] ==
                   "expired" else None)([e for e in events(b, "mon-ha")
                                         if e["type"] != "refreshed"]), timeout=5)
    assert all(e["family"] == "mip4" and e["role"] == "ha" and v4(e["hoa"]) == HOA
               for e in seq), seq
    got = [(e["type"], v4(e.get("coa")), v4(e.get("prev_coa")), e.get("status")) for e in seq]
    assert got == [("registered", COA_FA, None, None), ("registered", COLO, COA_FA, None),
                   ("registered", NATIN, COLO, None), ("refused", "203.0.113.99", None, 131),
                   ("refused", NATIN, None, 133), ("deregistered", None, NATIN, None),
                   ("registered", COLO, None, None), ("expired", COLO, None, None)], \
        b.log("mon-ha")
    assert seq[2]["coa_port"] == nat_binding["dport"] and seq[2]["lifetime"] == 120, seq[2]
    assert seq[3]["status_name"] == "mn_auth_failed" and seq[3]["id"] == HOA, seq[3]
    assert seq[7]["lifetime"] == 5, seq[7]

    # Gratuitous ARP on the home link: at registration (HA's MAC) and back home
    # (the MN's, sent by the MN and by the HA).
    garps = tshark(cap_home, "-Y", "arp.src.proto_ipv4 == %s && arp.dst.proto_ipv4 == %s"
                   % (HOA, HOA), "-T", "fields", "-e", "frame.time_epoch", "-e", "arp.src.hw_mac",
                   "-e", "eth.src").split("\n")
    garps = [g.split("\t") for g in garps if g.strip()]
    assert any(g[1] == ha_mac for g in garps), garps
    home = [g for g in garps if float(g[0]) >= t_home]
    assert any(g[1] == mn_home_mac and g[2] == mn_home_mac for g in home), home
    assert any(g[1] == mn_home_mac and g[2] == ha_mac for g in home), home

    # Advertisements on the visited link: ICMP Router Advertisement + agent extension.
    adv = tshark(cap_vis, "-Y", "icmp.type == 9", "-T", "fields", "-e", "ip.ttl", "-e",
                 "icmp.mip.f", "-e", "icmp.mip.rt", "-e", "icmp.mip.coa").split("\n")
    adv = [a.split("\t") for a in adv if a.strip()]
    assert adv and all(a[0] == "1" and a[1] in ("1", "True") and a[3] == COA_FA for a in adv), adv
    # The MN's request to the FA (TTL 255, from the home address) and the relayed reply.
    vis = tshark(cap_vis, "-Y", "mip", "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e",
                 "ip.ttl", "-e", "mip.type", "-e", "mip.code").split("\n")
    vis = [v.split("\t") for v in vis if v.strip()]
    assert ["10.1.0.100", FA_VIS, "255", "1", ""] in vis, vis
    assert [FA_VIS, HOA, "64", "3", "0"] in vis, vis

    # Every registration decodes, and nothing is malformed anywhere.
    for cap in (cap_home, cap_ha, cap_vis, cap_nat):
        bad = tshark(cap, "-Y", "_ws.malformed || _ws.expert.severity >= error", "-T", "fields",
                     "-e", "frame.number", "-e", "_ws.col.Info")
        assert not bad.strip(), "%s: %s" % (cap, bad)
    rows = tshark(cap_ha, "-Y", "mip", "-T", "fields", "-e", "ip.src", "-e", "mip.type", "-e",
                  "mip.code", "-e", "mip.coa", "-e", "mip.ext.utrp.code", "-e",
                  "mip.ext.utrp.keepalive", "-e", "mip.auth.spi").split("\n")
    rows = [r.split("\t") for r in rows if r.strip()]
    # The FA's relayed request carries MN-HA and FA-HA (both SPIs), its CoA.
    assert any(r[0] == COA_FA and r[1] == "1" and r[3] == COA_FA and
               r[6] == "0x%08x,0x%08x" % (MN_SPI, FA_SPI) for r in rows), rows
    # Behind the NAT the reply says: will tunnel (0), keepalive 25.
    assert any(r[0] == HA and r[1] == "3" and r[2] == "0" and r[4] == "0" and r[5] == "25"
               for r in rows), rows
    # Co-located without NAT: declined (64).
    assert any(r[1] == "3" and r[4] == "64" for r in rows), rows
    assert any(r[1] == "3" and r[2] == "131" for r in rows) and \
        any(r[1] == "3" and r[2] == "133" for r in rows), rows

    # Independent checks with Scapy and hmac of every message the HA saw and sent.
    for src, sport, dst, dport, pl in udp_payloads(cap_ha):
        if 434 not in (sport, dport) or pl[0] not in (1, 3):
            continue
        from scapy.layers.mobileip import MobileIP, MobileIPRRP, MobileIPRRQ
        m = MobileIP(pl)
        if pl[0] == 1:
            assert MobileIPRRQ in m and m[MobileIPRRQ].homeaddr == HOA
            if src == COA_FA:
                assert P.auth_ok(pl, P.EXT_FA_HA, FA_SPI, FA_KEY), pl.hex()
        else:
            assert MobileIPRRP in m and m[MobileIPRRP].haaddr == HA
            assert P.auth_ok(pl, P.EXT_MN_HA, MN_SPI, MN_KEY), pl.hex()
            if dst == COA_FA:
                assert P.auth_ok(pl, P.EXT_FA_HA, FA_SPI, FA_KEY), pl.hex()
    # The reply behind the NAT went to the NAT's address and port, and reached the MN.
    nat_rep = [p for p in udp_payloads(cap_nat, sport=434) if p[4][0] == 3]
    assert nat_rep and P.udp_tunnel_reply(nat_rep[-1][4]) == (0, False, 25), nat_rep[-1:]
