# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Real traffic through the attached programs (not BPF_PROG_TEST_RUN).

    CN (xbtc) ---- (xbtx) HA (xbtf) ---- (xbtm) MN
    2001:db8:5::1     HA 2001:db8:1::2 on lo     CoA 2001:db8:9::100, HoA on lo

The HA runs xmip_ha_xdp natively on both of its veths, the MN runs
xmip_mn_xdp and xmip_mn_egress on xbtm, with the binding HoA -> CoA. TCP
between CN and HoA works only if: the HA encapsulates (XDP_REDIRECT between
veths), the MN decapsulates, the MN's tc egress encapsulates TCP GSO
super-packets correctly (gso_size shrunk, SKB_GSO_IPXIP6: segments must
still fit the 1500-octet veth), and the HA decapsulates with its
anti-spoofing checks. A ping too big for the tunnel must come back as an
ICMPv6 Packet Too Big that the CN's kernel accepts (it caches the MTU).
"""
import json
import os
import sys
import re
import subprocess
import uuid

import pytest

from conftest import CN, COA, HA, HOA, PKTRUN, PREFIX, REPO, Netns, sh
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from hashstream import CLIENT, SERVER, expected  # noqa: E402

TUNNEL_MTU = 1460
MB = 1024 * 1024



def stat_names():
    text = open(os.path.join(REPO, "include", "xmip_maps.h")).read()
    return re.findall(r"\bX\((\w+),", text)


def read_stats(pin):
    out = sh("bpftool", "-j", "map", "dump", "pinned", os.path.join(pin, "xmip_stats")).stdout
    names = stat_names()
    stats = {}
    for e in json.loads(out):
        f = e["formatted"]           # bpftool decodes with the map's BTF
        total = sum(v["value"] for v in f["values"])
        if total:
            stats[names[f["key"]]] = total
    return stats


def attach(ns, obj, prog, dev, pin, args):
    r = sh(PKTRUN, "--netns", ns.name, "-o", obj, "-p", prog, "--attach", dev,
           "--pin-dir", pin, *args, check=False)
    assert r.returncode == 0, r.stderr[-2000:]


def transfer(server_ns, server_addr, client_ns, client_addr, n):
    srv = subprocess.Popen(["ip", "netns", "exec", server_ns.name, "/usr/bin/python3", "-c",
                            SERVER, server_addr], stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == "ready"
        client_ns.run("/usr/bin/python3", "-c", CLIENT, client_addr, server_addr, str(n))
        out, _ = srv.communicate(timeout=30)
        return out.strip()
    finally:
        if srv.poll() is None:
            srv.kill()
            srv.wait()


@pytest.fixture
def topo():
    if not os.path.exists(PKTRUN):
        pytest.fail("%s not built" % PKTRUN)
    os.makedirs("/sys/fs/bpf/xmip", exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    pins = ["/sys/fs/bpf/xmip/" + PREFIX + "-%s-%s" % (tag, role) for role in ("ha", "mn", "cn")]
    nss = []
    try:
        cn, ha, mn = Netns("cn"), Netns("hat"), Netns("mnt")
        nss += [cn, ha, mn]
        sh("ip", "link", "add", "xbtc", "netns", cn.name, "type", "veth",
           "peer", "name", "xbtx", "netns", ha.name)
        sh("ip", "link", "add", "xbtm", "netns", mn.name, "type", "veth",
           "peer", "name", "xbtf", "netns", ha.name)
        for ns, devs in ((cn, ["lo", "xbtc"]), (ha, ["lo", "xbtx", "xbtf"]), (mn, ["lo", "xbtm"])):
            for d in devs:
                ns.ip("link", "set", d, "up")
        cn.ip("-6", "addr", "add", CN + "/64", "dev", "xbtc", "nodad")
        cn.ip("-6", "route", "add", "default", "via", "2001:db8:5::2")
        # veth leaves TCP checksums CHECKSUM_PARTIAL (pseudo-header only) for
        # its peer to trust; a frame that crosses an XDP redirect loses that
        # state. Checksum in software, as on a wire, on both senders: on the
        # MN this also makes GSO compute inner checksums of our tunnel
        # packets from the inner headers bpf_skb_adjust_room recorded.
        cn.run("ethtool", "-K", "xbtc", "tx", "off")
        ha.run("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
        ha.ip("-6", "addr", "add", "2001:db8:5::2/64", "dev", "xbtx", "nodad")
        ha.ip("-6", "addr", "add", "2001:db8:9::1/64", "dev", "xbtf", "nodad")
        ha.ip("-6", "addr", "add", HA + "/128", "dev", "lo")
        mn.ip("-6", "addr", "add", COA + "/64", "dev", "xbtm", "nodad")
        mn.ip("-6", "addr", "add", HOA + "/128", "dev", "lo")
        mn.run("ethtool", "-K", "xbtm", "tx", "off")
        # The agent's job on a move: HoA traffic must fit the tunnel.
        mn.ip("-6", "route", "add", "default", "via", "2001:db8:9::1", "mtu", str(TUNNEL_MTU))
        for p in pins:
            os.makedirs(p)
        # The next hop the binding's slot gets (lib/nexthop.c) is the
        # CoA's neighbour entry; with none yet, packets would take the tc
        # path until an agent prepared one (test_ha_xdp covers that).
        mn_mac = json.loads(mn.ip("-j", "link", "show", "xbtm").stdout)[0]["address"]
        ha.ip("-6", "neigh", "replace", COA, "lladdr", mn_mac, "dev", "xbtf", "nud", "permanent")
        ha_args = ["--self", HA, "--mtu", str(TUNNEL_MTU), "-b", "%s=%s" % (HOA, COA)]
        attach(ha, "ha", "xdp", "xbtx", pins[0], ha_args)
        attach(ha, "ha", "xdp", "xbtf", pins[0], ha_args)
        attach(ha, "ha", "tc", "xbtx", pins[0], ha_args)
        attach(ha, "ha", "tc", "xbtf", pins[0], ha_args)
        mn_args = ["--self", COA, "--peer", HA, "--hoa", HOA, "--away",
                   "--coa-ifindex", str(mn.ifindex("xbtm"))]
        attach(mn, "mn", "xdp", "xbtm", pins[1], mn_args)
        attach(mn, "mn", "tc", "xbtm", pins[1], mn_args)
        # XDP_TX/REDIRECT into a veth reaches its peer only if the peer runs
        # NAPI; "gro on" did not suffice here for XDP_TX (the PTB was lost),
        # an XDP program does. Any one will do: ours, never made ready,
        # passes everything.
        attach(cn, "mn", "xdp", "xbtc", pins[2], ["--not-ready"])
        yield cn, ha, mn, pins
    finally:
        for ns in nss:
            ns.close()
        for p in pins:
            if os.path.isdir(p):
                for f in os.listdir(p):
                    os.unlink(os.path.join(p, f))
                os.rmdir(p)


def test_tcp_both_ways_through_the_tunnels(topo):
    cn, ha, mn, (ha_pin, mn_pin, _) = topo
    # MN -> CN: the MN's tc egress encapsulates GSO super-packets.
    assert transfer(cn, CN, mn, HOA, 16 * MB) == expected(16 * MB)
    # CN -> MN: the HA encapsulates, the MN decapsulates.
    assert transfer(mn, HOA, cn, CN, 16 * MB) == expected(16 * MB)

    hs, ms = read_stats(ha_pin), read_stats(mn_pin)
    for bad in ("DROP_SPOOFED_COA", "DROP_UNKNOWN_HOA", "DROP_MALFORMED", "DROP_ADJUST_FAILED",
                "DROP_DECAP_NOT_HA"):
        assert bad not in hs and bad not in ms, (hs, ms)
    assert hs.get("ENCAP_OK", 0) > 1000 and hs.get("DECAP_OK", 0) > 1000, hs
    assert ms.get("MN_DECAP_OK", 0) > 1000, ms
    # Far fewer encapsulations than 1460-octet segments: the tc program saw
    # (and correctly encapsulated) GSO super-packets.
    assert 0 < ms.get("MN_ENCAP_OK", 0) < (16 * MB) // TUNNEL_MTU // 2, ms


def test_too_big_for_the_tunnel_gets_a_ptb_the_cn_accepts(topo):
    cn, ha, mn, (ha_pin, _, _) = topo
    r = cn.run("ping", "-6", "-c", "2", "-W", "2", "-s", "1452", HOA, check=False)
    # The first echo is too big for the tunnel: PTB, then the CN fragments.
    assert read_stats(ha_pin).get("PTB_SENT", 0) >= 1
    route = cn.ip("-6", "route", "get", HOA).stdout
    assert "mtu %d" % TUNNEL_MTU in route, route
    # Later echoes (fragmented to fit) get through both tunnels.
    r = cn.run("ping", "-6", "-c", "2", "-W", "2", "-s", "1452", HOA, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
