# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Signalling under attack, in front of the ring buffer (bpf/lib/signal.h).

One source (an IPv6 /64, an IPv4 address) gets XMIP_SIGNAL_SRC_BURST (40)
packets into the ring at once and 20 a second after that; the rest are
dropped and counted DROP_SIGNAL_RATE_LIMITED, while every other source still
gets through. Records are as long as the packet they carry (header + packet,
not a fixed 1280-octet slot), and a backlog of XMIP_SIGNAL_WAKEUP_BYTES wakes
the agent early (SIGNAL_WAKEUP_FORCED). The runs of one test share their maps
(xmip_pktrun --then), as packets arriving back to back do; a run takes a few
microseconds, so at 20 a second at most one token comes back during a test.

Packets for no binding (here: BUs whose Home Address option names an unbound
address, UNBOUND) also spend a per-CPU budget of all sources together and
may fill only half the ring; a BU naming a bound home address goes through
that address's own bucket into the whole ring (docs/DESIGN.md, "Signalling
under attack"), so spoofed BUs from any number of sources cannot keep it out.
"""
import os
import tempfile

from scapy.all import IP, UDP, Raw
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, MIP6MH_BA, MIP6MH_BU, MIP6OptUnknown
from scapy.layers.inet6 import IPv6ExtHdrRouting

from scapy.layers.inet6 import ICMPv6PacketTooBig

from conftest import COA, HA, HOA, MAC_MN, MAC_MN_GW, PKTRUN, UPLINK_GW, Result, ha_args, mn_args, sh
from test_ha_xdp import from_uplink

import json

BURST = 40          # XMIP_SIGNAL_SRC_BURST
RB_HDR = 8          # BPF_RINGBUF_HDR_SZ
WAKEUP_BYTES = 256 * 1024 // 8   # XMIP_SIGNAL_WAKEUP_BYTES
HA4 = "192.0.2.2"
UNBOUND = "2001:db8:1::999"     # in the home prefix, no binding
ANON_BURST = 200    # XMIP_SIGNAL_ANON_BURST (per CPU)
RING = 256 * 1024   # XMIP_SIGNAL_RINGBUF_BYTES


def bu(src=COA, pad=0, hoa=UNBOUND):
    opts = []
    while pad > 0:                       # unknown options of at most 200 octets each
        n = min(pad, 202) - 2
        opts.append(MIP6OptUnknown(otype=200, odata=b"\0" * max(n, 0)))
        pad -= n + 2
    return IPv6(src=src, dst=HA) / IPv6ExtHdrDestOpt(options=[HAO(hoa=hoa)]) / \
        MIP6MH_BU(seq=7, flags=0x5 << 5, mhtime=15, options=opts)


def run(ns, obj, first, repeat, then=(), args=(), ifindex=None, prog="xdp", cpu=None):
    """Run `first` `repeat` times, then each frame of `then` once, on the same maps
    (and on one CPU if `cpu`: per-CPU state)."""
    with tempfile.TemporaryDirectory(prefix="sigrate-") as d:
        paths = []
        for i, f in enumerate([first] + list(then)):
            p = os.path.join(d, "in%d" % i)
            with open(p, "wb") as fh:
                fh.write(bytes(f))
            paths.append(p)
        cmd = [] if cpu is None else ["taskset", "-c", str(cpu)]
        cmd += [PKTRUN, "--netns", ns.name, "-o", obj, "-p", prog, "-i", paths[0],
                "--repeat", str(repeat)]
        for p in paths[1:]:
            cmd += ["--then", p]
        if ifindex:
            cmd += ["-I", str(ifindex)]
        r = sh(*(cmd + list(args)), check=False)
        assert r.returncode == 0, "xmip_pktrun failed: %s\n%s" % (" ".join(cmd), r.stderr[-3000:])
        return Result(json.loads(r.stdout), b"")


def admitted_after(stats, n):
    """Packets of one source admitted out of n back to back: the burst, plus at
    most one token that came back while the runs took place."""
    got = stats.get("SIGNAL_TO_AGENT", 0)
    assert BURST <= got <= BURST + 1, stats
    assert stats.get("DROP_SIGNAL_RATE_LIMITED", 0) == n - got, stats
    return got


def test_one_source_gets_its_burst_then_is_dropped_and_counted(ha_ns):
    n = 60
    r = run(ha_ns, "ha", from_uplink(bu()), n, args=ha_args((HOA, COA)), ifindex=ha_ns.uplink)
    assert r.verdict == "XDP_DROP"
    got = admitted_after(r.stats, n)
    assert r.stats["SIGNAL_SRC_NEW"] == 1
    assert set(r.stats) <= {"SIGNAL_TO_AGENT", "DROP_SIGNAL_RATE_LIMITED", "SIGNAL_SRC_NEW"}
    # Exactly the admitted ones are in the ring, whole.
    assert len(r.signal) == got
    assert all(e["pkt"][:e["len"]] == bytes(bu()) for e in r.signal)


def test_other_sources_are_not_held_back_by_a_flooding_one(ha_ns):
    n = 60
    same_64 = "2001:db8:9::abcd"          # COA's /64: the same bucket
    other_64 = "2001:db8:8::1"
    r = run(ha_ns, "ha", from_uplink(bu()), n,
            then=[from_uplink(bu(src=same_64)), from_uplink(bu(src=other_64))],
            args=ha_args((HOA, COA)), ifindex=ha_ns.uplink)
    got = r.stats["SIGNAL_TO_AGENT"] - 1          # the other /64's one is in too
    assert BURST <= got <= BURST + 1, r.stats
    assert r.stats["DROP_SIGNAL_RATE_LIMITED"] == n - got + 1, r.stats   # + same_64's
    assert r.stats["SIGNAL_SRC_NEW"] == 2
    assert IPv6(r.signal[-1]["pkt"]).src == other_64
    assert not any(IPv6(e["pkt"]).src == same_64 for e in r.signal)


def test_records_are_as_long_as_their_packet(ha_ns):
    small, big = bu(), bu(src="2001:db8:8::1", pad=600)
    r = run(ha_ns, "ha", from_uplink(small), 1, then=[from_uplink(big)],
            args=ha_args((HOA, COA)), ifindex=ha_ns.uplink)
    assert r.stats["SIGNAL_TO_AGENT"] == 2, r.stats
    sizes = [(e["len"], e["size"], e["hdr_len"]) for e in r.signal]
    # hdr_len (12) + the packet, not 12 + 1280 as fixed slots were.
    assert sizes == [(len(small), 12 + len(small), 12), (len(big), 12 + len(big), 12)]
    assert r.signal[1]["pkt"][:len(big)] == bytes(big)


def test_a_backlog_wakes_the_agent_early(ha_ns):
    # 1200-octet BUs, none consumed: each record finds the ring fuller; from
    # the one that brings it to WAKEUP_BYTES on, the agent is woken.
    pkt = bu(pad=1200 - len(bu()) - 2)
    size = 12 + len(pkt)
    slot = (RB_HDR + size + 7) // 8 * 8
    n = BURST
    want_forced = sum(1 for i in range(n) if i > 0 and i * slot + size >= WAKEUP_BYTES)
    r = run(ha_ns, "ha", from_uplink(pkt), n, args=ha_args((HOA, COA)), ifindex=ha_ns.uplink)
    assert r.stats["SIGNAL_TO_AGENT"] == n, r.stats
    assert want_forced > 0
    assert r.stats.get("SIGNAL_WAKEUP_FORCED") == want_forced, (want_forced, r.stats)


def test_ipv4_sources_are_limited_per_address(ha_ns):
    # No IPv4 family yet: the classifier probe hands frames to this node to
    # the signalling path, as a family handler will.
    def v4(src):
        return from_uplink(IP(src=src, dst=HA4) / UDP(sport=4191, dport=4191) / Raw(b"x" * 40))
    n = 50
    args = ["--self", HA, "--self4", HA4, "--probe-signal"]
    r = run(ha_ns, "cls", v4("198.51.100.7"), n, then=[v4("198.51.100.8")], args=args,
            ifindex=ha_ns.uplink)
    got = r.stats["SIGNAL_TO_AGENT"] - 1          # .8 is another address: its own bucket
    assert BURST <= got <= BURST + 1, r.stats
    assert r.stats["DROP_SIGNAL_RATE_LIMITED"] == n - got
    assert r.stats["SIGNAL_SRC_NEW"] == 2
    assert IP(r.signal[-1]["pkt"]).src == "198.51.100.8"
    # An IPv6 source in the probe: per /64, as in the roles.
    r = run(ha_ns, "cls", from_uplink(bu()), n, then=[from_uplink(bu(src="2001:db8:9::1"))],
            args=args, ifindex=ha_ns.uplink)
    admitted_after(dict(r.stats, DROP_SIGNAL_RATE_LIMITED=r.stats["DROP_SIGNAL_RATE_LIMITED"] - 1),
                   n)


def test_the_mobile_node_limits_per_source_too(mn_ns):
    from scapy.layers.l2 import Ether
    ba = Ether(src=MAC_MN_GW, dst=MAC_MN) / IPv6(src=HA, dst=COA) / \
        IPv6ExtHdrRouting(type=2, addresses=[HOA], segleft=1) / MIP6MH_BA(status=0, seq=1)
    n = 50
    r = run(mn_ns, "mn", ba, n, args=mn_args(), ifindex=mn_ns.mn)
    assert r.verdict == "XDP_DROP"
    admitted_after(r.stats, n)


def test_tc_ingress_signalling_goes_through_the_same_admission(ha_ns):
    # The HA in xdp-mode = tc writes its records from an skb (bpf/lib/signal_tc.h):
    # same limiter, same variable-size records.
    n = 60
    r = run(ha_ns, "ha", from_uplink(bu()), n, args=ha_args((HOA, COA)), ifindex=ha_ns.uplink,
            prog="tc")
    assert r.verdict == "TC_ACT_SHOT"
    got = admitted_after(r.stats, n)
    assert len(r.signal) == got
    assert all(e["size"] == 12 + len(bu()) for e in r.signal)


def test_icmp_reports_are_admitted_per_source_in_buckets_of_their_own(ha_ns):
    """ICMPv6 errors from the tunnel path (records of family 254) are
    untrusted input: one router gets its burst of reports, the rest are
    counted DROP_ICMP_REPORT_LIMITED; its /64's signalling keeps its own
    bucket, and another router's report still gets through."""
    from test_ha_fast import tunnel_error
    n = 60
    ptb = from_uplink(tunnel_error(ICMPv6PacketTooBig(mtu=1340)))
    other = "2001:db8:8::1"
    r = run(ha_ns, "ha", ptb, n,
            then=[from_uplink(bu(src=UPLINK_GW)),
                  from_uplink(tunnel_error(ICMPv6PacketTooBig(mtu=1340), src=other))],
            args=ha_args((HOA, COA)), ifindex=ha_ns.uplink)
    got = r.stats["ICMP_TO_AGENT"] - 1            # the other router's one is in too
    assert BURST <= got <= BURST + 1, r.stats
    assert r.stats["DROP_ICMP_REPORT_LIMITED"] == n - got, r.stats
    assert r.stats["SIGNAL_TO_AGENT"] == 1, r.stats    # the router's /64 may still signal
    assert r.stats["SIGNAL_SRC_NEW"] == 3, r.stats     # report, signalling, other report
    assert "DROP_SIGNAL_RATE_LIMITED" not in r.stats
    fams = [e["family"] for e in r.signal]
    assert fams == [254] * got + [1, 254], fams
    # Records as long as their packet, cut at XMIP_ICMP_REPORT_MAX (256).
    assert all(e["size"] == 12 + e["len"] and e["len"] == min(len(ptb) - 14, 256)
               for e in r.signal if e["family"] == 254)
    assert IPv6(r.signal[-1]["pkt"]).src == other



def src64(i):
    return "2001:db8:%x::1" % (0x1000 + i)


def test_many_sources_without_a_binding_share_one_budget(ha_ns):
    """Each of n new /64s sends one BU for no binding: every one gets a
    bucket (SIGNAL_SRC_NEW), but all of them together get only the CPU's
    budget (200 at once, 2000 a second) into the ring, the rest counted
    DROP_SIGNAL_BUDGET; a BU naming a bound home address still gets in."""
    n = 230
    frames = [from_uplink(bu(src=src64(i))) for i in range(n)]
    r = run(ha_ns, "ha", frames[0], 1, then=frames[1:] + [from_uplink(bu(hoa=HOA))],
            args=ha_args((HOA, COA)), ifindex=ha_ns.uplink, cpu=0)
    admitted = r.stats["SIGNAL_TO_AGENT"] - 1
    # A few tokens come back while the runs take place (one each 0.5 ms).
    assert ANON_BURST <= admitted <= ANON_BURST + 20, r.stats
    assert r.stats["DROP_SIGNAL_BUDGET"] == n - admitted, r.stats
    assert r.stats["SIGNAL_SRC_NEW"] == n + 1, r.stats      # + the bound HoA's bucket
    assert "DROP_SIGNAL_NO_ROOM" not in r.stats
    assert IPv6ExtHdrDestOpt in IPv6(r.signal[-1]["pkt"]) and \
        IPv6(r.signal[-1]["pkt"])[HAO].hoa == HOA


def test_unbound_signalling_fills_half_the_ring_a_bound_bu_the_rest(ha_ns):
    """Large BUs for no binding from many /64s, none consumed: they are
    written while the ring holds at most half its size, then counted
    DROP_SIGNAL_NO_ROOM; a BU for a bound home address (from a /64 never
    seen) is still written, into the other half, and another unbound one
    after it is not."""
    n = 120
    pkt = bu(pad=1200 - len(bu()) - 2)
    size = 12 + len(pkt)
    slot = (RB_HDR + size + 7) // 8 * 8
    fit = sum(1 for k in range(n) if k * slot + size <= RING // 2)
    assert fit < n
    frames = [from_uplink(bu(src=src64(i), pad=1200 - len(bu()) - 2)) for i in range(n)]
    bound = from_uplink(bu(src="2001:db8:7777::1", hoa=HOA, pad=1200 - len(bu()) - 2))
    late = from_uplink(bu(src="2001:db8:7778::1"))
    r = run(ha_ns, "ha", frames[0], 1, then=frames[1:] + [bound, late],
            args=ha_args((HOA, COA)), ifindex=ha_ns.uplink, cpu=0)
    assert r.stats["SIGNAL_TO_AGENT"] == fit + 1, (fit, r.stats)
    assert r.stats["DROP_SIGNAL_NO_ROOM"] == n - fit + 1, (fit, r.stats)
    assert "DROP_SIGNAL_BUDGET" not in r.stats


def test_whoever_names_a_bound_home_address_shares_its_bucket(ha_ns):
    """The limit of the bound class: BUs naming a bound home address, from
    any source, spend that one address's bucket (40 at once, 20 a second);
    an attacker who knows the address can delay that MN's registration, and
    nobody else's (another bound address, unbound sources keep theirs)."""
    n = 45
    other_hoa = "2001:db8:1::101"
    r = run(ha_ns, "ha", from_uplink(bu(hoa=HOA)), n,
            then=[from_uplink(bu(src="2001:db8:8::1", hoa=HOA)),
                  from_uplink(bu(src="2001:db8:8::1", hoa=other_hoa)),
                  from_uplink(bu(src="2001:db8:8::1"))],
            args=ha_args((HOA, COA), (other_hoa, COA)), ifindex=ha_ns.uplink, cpu=0)
    got = r.stats["SIGNAL_TO_AGENT"] - 2                  # other_hoa's and the unbound one
    assert BURST <= got <= BURST + 1, r.stats
    assert r.stats["DROP_SIGNAL_RATE_LIMITED"] == n + 1 - got, r.stats
    assert r.stats["SIGNAL_SRC_NEW"] == 3, r.stats           # HOA, other_hoa, 2001:db8:8::/64
    hoas = [IPv6(e["pkt"])[HAO].hoa for e in r.signal[-2:]]
    assert hoas == [other_hoa, UNBOUND], hoas
