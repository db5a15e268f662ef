# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""NTMobile control plane end to end (docs/ntmobile.md), in namespaces:

                       public 203.0.113.0/24 (a bridge in RT)
   DNS .53 (dnsmasq)  DC a.example .10  DC b.example .20  RS stub .30  CN .50
   NAT1 .41 -- 192.168.1.0/24 -- MN 192.168.1.2      (nftables masquerade)
   NAT2 .42 -- 192.168.2.0/24 -- CN2 192.168.2.2     (nftables masquerade)

dnsmasq serves _ntm TXT records for a.example and b.example, and only an A
record for the General Node www.c.example. MN (mn.a.example, behind NAT1)
asks for directions to cn.b.example (public: direct), cn2.b.example (behind
NAT2: RS-S) and www.c.example (General Node: RS-N). The relay is ours
(role rs: `xmip attach` of its XDP relay table, then xmip-agentd): it checks
the DC's Relay Direction and the nodes' Tunnel Requests and writes their
legs into the pinned relay table, read back with `xmip relay show -j`-like
bpftool dumps. State is read back from the agents' dump files (JSON).

Then: captured Route Directions (DC -> node, DC -> DC) and Relay Direction
Responses are replayed, and forged copies (one octet changed) are sent:
every one is counted as rejected and no state changes. Finally DC a is
killed (-9) and restarted: its registrations come back from its state
file, and the node's Keep Alives under the old session are accepted.
"""
import functools
import ipaddress
import json
import os
import signal
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nsbed  # noqa: E402
import ntmpkt as P  # noqa: E402
from nsbed import PREFIX, PY, build_dir, sh, wait_for  # noqa: E402

NS = {n: PREFIX + n for n in ("rt", "dns", "dca", "dcb", "rs", "cn", "nat1", "mn", "nat2", "cn2")}
ART = os.path.join(nsbed.HERE, "artifacts", "test_ntm")
PUB = {"dns": "203.0.113.53", "dca": "203.0.113.10", "dcb": "203.0.113.20", "rs": "203.0.113.30",
       "cn": "203.0.113.50", "nat1": "203.0.113.41", "nat2": "203.0.113.42"}
GN_ADDR = "203.0.113.80"
KEY = {n: os.urandom(32).hex() for n in ("mn", "cn", "cn2", "dd", "rs")}
dump = functools.partial(nsbed.dump, ART)


def cleanup():
    nsbed.cleanup(NS.values(), detach=[(NS["rs"], PREFIX + "rs")])


class Bed(nsbed.Procs):
    def __init__(self):
        super().__init__(ART, NS)

    def up(self):
        cleanup()
        nsbed.add_namespaces(NS.values())
        nsbed.bridge(NS, "rt", "203.0.113.1/24", PUB)
        for nat, host, net in (("nat1", "mn", "192.168.1"), ("nat2", "cn2", "192.168.2")):
            nsbed.veth(NS[nat], "in", NS[host], "eth0")
            sh("ip", "addr", "add", net + ".1/24", "dev", "in", ns=NS[nat])
            sh("ip", "link", "set", "in", "up", ns=NS[nat])
            sh("ip", "addr", "add", net + ".2/24", "dev", "eth0", ns=NS[host])
            sh("ip", "link", "set", "eth0", "up", ns=NS[host])
            sh("ip", "route", "add", "default", "via", net + ".1", ns=NS[host])
            sh("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=NS[nat])
            nsbed.masquerade(NS[nat], "pub")

    def down(self):
        self.stop_all()
        cleanup()


def dc_conf(name, inst, vip4, vip6, nodes, peer, relay):
    t = ("role = dc\ninstance = %s\n[dc]\nname = %s\nvip4-pool = %s\nvip6-pool = %s\n"
         "keepalive = 5\ndns-server = %s\nstate-file = %s\ndump-file = %s\n"
         % (PREFIX + inst, name, vip4, vip6, PUB["dns"], os.path.join(ART, inst + ".state"),
            os.path.join(ART, inst + ".json")))
    for n in nodes:
        t += "[node %s.%s]\nkey = %s\n" % (n, name, KEY[n])
    t += "[peer-dc %s]\nkey = %s\n" % (peer, KEY["dd"])
    if relay:
        t += "[relay rs1.a.example]\naddress = %s\nkey = %s\n" % (PUB["rs"], KEY["rs"])
    return t


def node_conf(n, domain, dc, connect=()):
    return ("role = ntm\ninstance = %s\n[ntm]\nfqdn = %s.%s\nkey = %s\ndc = %s\ndc-name = %s\n"
            "dump-file = %s\n%s" % (PREFIX + n, n, domain, KEY[n], PUB[dc], domain,
                                    os.path.join(ART, n + ".json"),
                                    "".join("connect = %s\n" % c for c in connect)))


def rs_conf():
    return ("role = rs\ninstance = %s\ninterface = pub\n[rs]\nname = rs1.a.example\naddress = %s\n"
            "dump-file = %s\n[rs-dc a.example]\nkey = %s\n[rs-dc b.example]\nkey = %s\n"
            % (PREFIX + "rs", PUB["rs"], os.path.join(ART, "rs.json"), KEY["rs"], KEY["rs"]))


def relay_table():
    """The pinned relay table, as bpftool reads it (BTF: named fields)."""
    r = sh("bpftool", "-j", "map", "dump", "pinned",
           "/sys/fs/bpf/xmip/%srs/xmip_relay" % PREFIX, check=False)
    return json.loads(r.stdout or "[]")


def node_by(d, fqdn):
    return next(n for n in d["nodes"] if n["fqdn"] == fqdn)


def in_net(a, net):
    return ipaddress.ip_address(a) in ipaddress.ip_network(net)


def pcap_payloads(path, typ, src=None):
    """UDP payloads of NTMobile type typ in a capture (read with Scapy)."""
    from scapy.all import IP, UDP, rdpcap  # noqa: PLC0415
    out = []
    for pkt in rdpcap(path):
        if IP in pkt and UDP in pkt:
            pl = bytes(pkt[UDP].payload)
            if len(pl) >= 64 and pl[0] == 0x10 and pl[1] == typ and (src is None or pkt[IP].src == src):
                out.append((pkt[IP].src, pkt[UDP].sport, pkt[IP].dst, pkt[UDP].dport, pl))
    return out


def inject(ns, src, sport, dst, dport, payload):
    """Send one UDP datagram with a chosen source from a namespace (Scapy, raw)."""
    code = ("from scapy.all import IP, UDP, Raw, send; send(IP(src=%r, dst=%r)/UDP(sport=%d, "
            "dport=%d)/Raw(bytes.fromhex(%r)), verbose=0)" % (src, dst, sport, dport, payload.hex()))
    sh(PY, "-c", code, ns=NS[ns])


@pytest.fixture
def bed():
    nsbed.require("dnsmasq", "nft", "tcpdump")
    yield from nsbed.serve_bed(Bed())


def test_ntm_control_plane(bed):
    b = bed
    b.start("dns", "dns", ["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv",
                           "--no-hosts", "--user=root", "--pid-file=", "--bind-interfaces",
                           "--listen-address=" + PUB["dns"], "--log-queries",
                           "--local=/a.example/", "--local=/b.example/", "--local=/c.example/",
                           '--txt-record=_ntm.a.example,v=ntm1 dc=a.example addr=%s' % PUB["dca"],
                           '--txt-record=_ntm.b.example,v=ntm1 dc=b.example addr=%s' % PUB["dcb"],
                           "--host-record=www.c.example," + GN_ADDR])
    rsc = b.conf("rs", rs_conf())
    sh(os.path.join(build_dir(), "xmip"), "attach", "-c", rsc, ns=NS["rs"])
    b.agent("rs", "rs", rs_conf())
    # captures: what reaches MN (behind NAT1) and DC b
    caps = [b.start("cap-mn", "mn", ["tcpdump", "-i", "eth0", "-U", "-w",
                                     os.path.join(ART, "mn.pcap"), "udp"]),
            b.start("cap-dcb", "dcb", ["tcpdump", "-i", "pub", "-U", "-w",
                                       os.path.join(ART, "dcb.pcap"), "udp port 49600"]),
            b.start("cap-dca", "dca", ["tcpdump", "-i", "pub", "-U", "-w",
                                       os.path.join(ART, "dca.pcap"), "udp port 49600"])]
    b.agent("dca", "dca", dc_conf("a.example", "dca", "10.200.0.0/16", "fd00:a::/64", ["mn"],
                                  "b.example", True))
    b.agent("dcb", "dcb", dc_conf("b.example", "dcb", "10.201.0.0/16", "fd00:b::/64",
                                  ["cn", "cn2"], "a.example", True))
    wait_for("the relay", lambda: dump("rs").get("role") == "rs")
    time.sleep(1.0)   # tcpdump ready
    b.agent("cn", "cn", node_conf("cn", "b.example", "dcb"))
    b.agent("cn2", "cn2", node_conf("cn2", "b.example", "dcb"))
    wait_for("cn, cn2 registered", lambda: dump("cn").get("registered") and dump("cn2").get("registered"))
    b.agent("mn", "mn", node_conf("mn", "a.example", "dca",
                                  ("cn.b.example", "cn2.b.example", "www.c.example")))

    def all_up():
        d = dump("mn")
        ups = [t for t in d.get("tunnels", []) if t["state"] == "up"]
        return d if len(ups) == 3 and all(x["answered"] for x in d["directions"]) else None
    mn = wait_for("MN's three directions and tunnels up", all_up, 40)
    cn, cn2, dca, dcb = dump("cn"), dump("cn2"), dump("dca"), dump("dcb")

    # --- all of that with CAP_NET_ADMIN and CAP_NET_RAW only (privs.c): the
    # UDP sockets were bound before the drop, state and dump files are root's ---
    for name, p in b.procs.items():
        if name in ("dca", "dcb", "cn", "cn2", "mn", "rs"):
            with open("/proc/%d/status" % p.pid) as f:
                st = dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)
            assert "xmip-agentd" in st["Name"] and int(st["CapEff"], 16) == 0x3000 and \
                int(st["CapBnd"], 16) == 0x3000 and st["NoNewPrivs"].strip() == "1", (name, st)

    # --- registration: virtual addresses from each DC's pools, NAT detection ---
    assert in_net(mn["vip4"], "10.200.0.0/16") and in_net(mn["vip6"], "fd00:a::/64")
    assert in_net(cn["vip4"], "10.201.0.0/16") and in_net(cn2["vip6"], "fd00:b::/64")
    assert cn["vip4"] != cn2["vip4"] and cn["vip6"] != cn2["vip6"]
    assert mn["nat"] and cn2["nat"] and not cn["nat"]
    assert mn["observed"].startswith(PUB["nat1"] + ":") and mn["claimed"] == "192.168.1.2:49601"
    assert cn["observed"] == cn["claimed"] == PUB["cn"] + ":49601"
    assert node_by(dca, "mn.a.example")["nat"] and node_by(dca, "mn.a.example")["vip4"] == mn["vip4"]
    assert not node_by(dcb, "cn.b.example")["nat"] and node_by(dcb, "cn2.b.example")["nat"]

    # --- route decisions ---
    dirs = {d["target"]: d for d in mn["directions"]}
    tuns = {t["peer"]: t for t in mn["tunnels"]}
    assert all(d["status"] == "ok" for d in dirs.values()), dirs
    assert dirs["cn.b.example"]["mode"] == "direct"           # the peer is reachable
    assert dirs["cn2.b.example"]["mode"] == "rs-s"            # both behind NATs
    assert dirs["www.c.example"]["mode"] == "rs-n"            # a General Node
    assert dirs["cn.b.example"]["peer_vip4"] == cn["vip4"] and dirs["cn.b.example"]["peer_vip6"] == cn["vip6"]
    assert dirs["cn2.b.example"]["peer_vip4"] == cn2["vip4"]
    gn_vip4 = dirs["www.c.example"]["peer_vip4"]
    assert in_net(gn_vip4, "10.200.0.0/16") and gn_vip4 != mn["vip4"]
    assert int(dirs["www.c.example"]["path_id"], 16) & 0x80000000          # RS-N bit
    assert not int(dirs["cn2.b.example"]["path_id"], 16) & 0x80000000
    # tunnels: MN initiates to CN directly; through the relay to CN2 and the GN
    assert tuns["cn.b.example"]["role"] == "initiator"
    assert tuns["cn.b.example"]["endpoint"] == PUB["cn"] + ":49601"
    assert tuns["cn2.b.example"]["endpoint"] == tuns["www.c.example"]["endpoint"] == PUB["rs"] + ":49602"
    cn_t = wait_for("CN's tunnel up", lambda: [t for t in dump("cn").get("tunnels", []) if t["state"] == "up"])
    assert cn_t[0]["role"] == "responder" and cn_t[0]["peer"] == "mn.a.example"
    assert cn_t[0]["endpoint"].startswith(PUB["nat1"] + ":")     # the NAT's mapping, learnt
    assert cn_t[0]["path_id"] == dirs["cn.b.example"]["path_id"]
    cn2_t = wait_for("CN2's tunnel up", lambda: [t for t in dump("cn2").get("tunnels", []) if t["state"] == "up"])
    assert cn2_t[0]["mode"] == "rs-s" and cn2_t[0]["role"] == "initiator"
    assert cn2_t[0]["endpoint"] == PUB["rs"] + ":49602"

    # --- the relay got the Relay Directions and both legs' Tunnel Requests ---
    rs = wait_for("the relay's legs", lambda: (
        lambda d: d if len([p for p in d.get("paths", []) if p["legs"]]) == 2 and
        any(len(p["legs"]) == 2 for p in d["paths"]) else None)(dump("rs")))
    paths = {p["mode"]: p for p in rs["paths"]}
    assert set(paths) == {"rs-s", "rs-n"}, rs
    assert int(paths["rs-s"]["path_id"], 16) == int(dirs["cn2.b.example"]["path_id"], 16)
    assert int(paths["rs-n"]["path_id"], 16) == int(dirs["www.c.example"]["path_id"], 16)
    # both ends of the RS-S path proved the path key to the relay, each from its NAT
    assert {e.rsplit(":", 1)[0] for e in paths["rs-s"]["legs"]} == {PUB["nat1"], PUB["nat2"]}, rs
    for k in ("rx_bad_mac", "rx_replay", "rx_malformed", "rx_unknown_sender"):
        assert rs["counters"][k] == 0, rs["counters"]
    # and the datapath's table holds the two RS-S legs and the RS-N leg (bpftool, BTF)
    tab = relay_table()
    legs = [e for e in tab if e["formatted"]["key"]["kind"] == 1]
    assert len(legs) == 3, tab
    # --- forged and replayed messages change nothing ---
    time.sleep(1.0)
    for p in caps:
        p.send_signal(signal.SIGINT)
        p.wait(5)
    def keep(d):
        # the state, without counters and the seconds left of a registration
        d = {k: v for k, v in d.items() if k != "counters"}
        for n in d.get("nodes", []):
            n.pop("expires_in", None)
        return d
    before = {n: dump(n) for n in ("mn", "cn", "dca", "dcb")}
    rs_before = dump("rs")

    # 1. a Route Direction DC a sent to MN, replayed and forged, through NAT1's mapping
    rd = pcap_payloads(os.path.join(ART, "mn.pcap"), 11, PUB["dca"])
    assert rd, "no Route Direction captured at MN"
    _, sport, _, _, payload = rd[0]
    nat_port = int(mn["observed"].rsplit(":", 1)[1])
    inject("dca", PUB["dca"], sport, PUB["nat1"], nat_port, payload)
    forged = bytearray(payload)
    forged[32 + 56 + 15] ^= 0x01       # the tunnel endpoint, MAC left as it was
    inject("dca", PUB["dca"], sport, PUB["nat1"], nat_port, bytes(forged))
    # 2. a DC -> DC Route Direction, replayed and forged at DC b
    rdd = pcap_payloads(os.path.join(ART, "dcb.pcap"), 11, PUB["dca"])
    assert rdd, "no DC-to-DC Route Direction captured"
    inject("dca", PUB["dca"], 49600, PUB["dcb"], 49600, rdd[0][4])
    forged = bytearray(rdd[0][4])
    forged[32 + 16] ^= 0x80            # the wrapped path key
    inject("dca", PUB["dca"], 49600, PUB["dcb"], 49600, bytes(forged))
    # 3. the relay's Relay Direction Response, replayed and forged at DC a
    rr = pcap_payloads(os.path.join(ART, "dca.pcap"), 10, PUB["rs"])
    assert rr, "no Relay Direction Response captured at DC a"
    resp = rr[0][4]
    inject("rs", PUB["rs"], 49602, PUB["dca"], 49600, resp)
    forged = bytearray(resp)
    forged[32 + 8 + 15] ^= 0x01        # the relay endpoint
    inject("rs", PUB["rs"], 49602, PUB["dca"], 49600, bytes(forged))

    wait_for("rejections counted", lambda: dump("mn")["counters"]["rx_replay"] >= 1 and
             dump("mn")["counters"]["rx_bad_mac"] >= 1 and dump("dcb")["counters"]["rx_replay"] >= 1 and
             dump("dcb")["counters"]["rx_bad_mac"] >= 1 and dump("dca")["counters"]["rx_replay"] >= 1 and
             dump("dca")["counters"]["rx_bad_mac"] >= 1, 10)
    time.sleep(0.5)
    after = {n: dump(n) for n in ("mn", "cn", "dca", "dcb")}
    for n in after:
        assert keep(after[n]) == keep(before[n]), n
    # nothing was acted on: no new Route Direction from DC b to CN, none accepted by MN
    assert after["dcb"]["counters"]["tx_route_dir"] == before["dcb"]["counters"]["tx_route_dir"]
    assert after["dcb"]["counters"]["rx_route_dir"] == before["dcb"]["counters"]["rx_route_dir"]
    assert after["mn"]["counters"]["rx_route_dir"] == before["mn"]["counters"]["rx_route_dir"]
    assert after["dca"]["counters"]["rx_relay_resp"] == before["dca"]["counters"]["rx_relay_resp"]
    # 4. a Relay Direction captured at the relay's DC, replayed and forged at the relay
    rq = pcap_payloads(os.path.join(ART, "dca.pcap"), 9, PUB["dca"])
    assert rq, "no Relay Direction captured at DC a"
    if rq:
        inject("dca", PUB["dca"], 49600, PUB["rs"], 49602, rq[0][4])
        forged = bytearray(rq[0][4])
        forged[32 + 56] ^= 0x01         # side A's virtual address
        inject("dca", PUB["dca"], 49600, PUB["rs"], 49602, bytes(forged))
        wait_for("the relay's rejections", lambda: dump("rs")["counters"]["rx_replay"] +
                 dump("rs")["counters"]["rx_stale"] >= 1 and dump("rs")["counters"]["rx_bad_mac"] >= 1, 10)
        assert dump("rs")["paths"] == rs_before["paths"]

    # --- kill -9 DC a and start it again: no registration lost ---
    p = b.procs.pop("dca")
    p.kill()
    p.wait(5)
    os.unlink(os.path.join(ART, "dca.json"))
    b.start("dca2", "dca", [os.path.join(build_dir(), "xmip-agentd"), "-c",
                            os.path.join(ART, "dca.conf"), "-f", "-v"])
    d2 = wait_for("DC a back, with MN's Keep Alive accepted", lambda: (
        dump("dca").get("counters", {}).get("rx_ka", 0) >= 1 and dump("dca")), 20)
    m2 = node_by(d2, "mn.a.example")
    assert m2["registered"] and m2["vip4"] == mn["vip4"] and m2["vip6"] == mn["vip6"] and m2["nat"]
    assert d2["counters"]["rx_reg_req"] == 0          # the old session goes on
    assert d2["counters"]["rx_bad_mac"] == 0 and d2["counters"]["rx_replay"] == 0
    assert dump("mn")["registered"]
    assert oct(os.stat(os.path.join(ART, "dca.state")).st_mode & 0o777) == "0o600"


def test_dc_kill9_with_nodes_registered(bed):
    """kill -9 of a DC (issue 13) while a node is registered and its Keep
    Alives run: nothing of the DC's runs on the way out, so what comes back
    is what its state file held. The new DC adopts the registration (same
    virtual addresses, no new Registration Request), accepts the node's
    next Keep Alive under the old session (no MAC or replay failure), and
    answers another node's Direction Request for it from the adopted state:
    the peer's virtual addresses are the ones assigned before the kill."""
    b = bed
    dc = dc_conf("a.example", "dca", "10.200.0.0/16", "fd00:a::/64", ["mn", "cn"], "b.example",
                 False)
    b.agent("dca", "dca", dc)
    b.agent("mn", "mn", node_conf("mn", "a.example", "dca"))
    mn = wait_for("mn registered", lambda: dump("mn").get("registered") and dump("mn"))
    wait_for("a Keep Alive answered", lambda: dump("mn").get("counters", {}).get(
        "rx_ka_resp", 0) >= 1, 15)
    p = b.procs.pop("dca")
    p.send_signal(signal.SIGKILL)
    assert p.wait(5) == -signal.SIGKILL
    os.unlink(os.path.join(ART, "dca.json"))
    b.start("dca2", "dca", [os.path.join(build_dir(), "xmip-agentd"), "-c",
                            os.path.join(ART, "dca.conf"), "-f", "-v"])
    d2 = wait_for("DC back, MN's Keep Alive accepted", lambda: (
        dump("dca").get("counters", {}).get("rx_ka", 0) >= 1 and dump("dca")), 20)
    m2 = node_by(d2, "mn.a.example")
    assert m2["registered"] and m2["vip4"] == mn["vip4"] and m2["vip6"] == mn["vip6"]
    assert d2["counters"]["rx_reg_req"] == 0          # the old session goes on
    assert d2["counters"]["rx_bad_mac"] == 0 and d2["counters"]["rx_replay"] == 0
    # Another node's signalling about the adopted one.
    b.agent("cn", "cn", node_conf("cn", "a.example", "dca", ("mn.a.example",)))
    cn = wait_for("cn's direction to mn answered", lambda: (
        [d for d in dump("cn").get("directions", []) if d["answered"]] and dump("cn")), 20)
    d = cn["directions"][0]
    assert d["status"] == "ok" and d["peer_vip4"] == mn["vip4"] and \
        d["peer_vip6"] == mn["vip6"], d
    assert dump("mn")["registered"] and dump("mn")["vip4"] == mn["vip4"]
    assert dump("dca")["counters"]["rx_bad_mac"] == 0
