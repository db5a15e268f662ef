# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""`make bench` part 1, the correspondent node: program time per packet of
the CN's datapath (bpf/xmip_cn.bpf.c) through BPF_PROG_TEST_RUN, beside a
trivial program of the same type timed the same way (perpacket.py;
xmip_pktrun -o cn). Before anything counts, the output is checked with Scapy
(the routing header is there and the upper layer untouched; the HAO is gone
and the source is the HoA), and the datapath's counter must equal the number
of runs. Namespace xbn-cn-*, removed on exit.
"""
import os
import sys

from scapy.all import raw
from scapy.layers.inet import UDP
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting
from scapy.layers.l2 import Ether
from scapy.packet import Raw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import perpacket  # noqa: E402

CN = "2001:db8:c::2"
HOA = "2001:db8:1::100"
COA = "2001:db8:a::100"
MAC_CN, MAC_GW = "02:00:00:00:0c:02", "02:00:00:00:0c:01"


def out_frame(size):
    f = Ether(src=MAC_CN, dst=MAC_GW) / IPv6(src=CN, dst=HOA) / UDP(sport=4000, dport=5000)
    return f / Raw(b"\xa5" * (size - len(f)))


def in_frame(size):
    up = UDP(sport=5000, dport=4000) / Raw(b"\x5a" * (size - 14 - 40 - 24 - 8))
    real = IPv6(raw(IPv6(src=HOA, dst=CN) / up))     # the checksum for source = HoA
    return (Ether(src=MAC_GW, dst=MAC_CN) / IPv6(src=COA, dst=CN, nh=60) /
            IPv6ExtHdrDestOpt(nh=17, options=[HAO(hoa=HOA)]) / Raw(raw(real.payload)))


def out_frame_unbound(size):
    f = Ether(src=MAC_CN, dst=MAC_GW) / IPv6(src=CN, dst="2001:db8:77::1") / \
        UDP(sport=4000, dport=5000)
    return f / Raw(b"\xa5" * (size - len(f)))


def check_rh2(inp, out):
    o, i = Ether(out), Ether(inp)
    if IPv6ExtHdrRouting not in o:
        return "no routing header"
    rh = o[IPv6ExtHdrRouting]
    if (o[IPv6].dst, rh.type, rh.segleft, rh.addresses) != (COA, 2, 1, [HOA]):
        return "routing header wrong: " + o.summary()
    return None if raw(rh.payload) == raw(i[IPv6].payload) else "upper layer changed"


def check_hao(inp, out):
    o, i = Ether(out), Ether(inp)
    if IPv6ExtHdrDestOpt in o or o[IPv6].src != HOA or o[IPv6].nh != 17:
        return "HAO not restored: " + o.summary()
    return None if raw(o[IPv6].payload) == raw(i[IPv6ExtHdrDestOpt].payload) else "upper layer changed"


CASES = [
    # name, prog, frame, counter, check
    ("CN routing header out (tc egress)", "tc", out_frame, "RO_RH2_OK", check_rh2),
    ("CN Home Address option in (XDP ingress)", "xdp", in_frame, "RO_HAO_RESTORED", check_hao),
    ("CN not bound (tc egress, one lookup)", "tc", out_frame_unbound, "RO_PASS_NO_BINDING",
     None),
]


def bench(quick, fail):
    """Rows of the per-packet table; fail(msg) records a failed check."""
    return perpacket.bench("cn", "cn", CASES, quick, fail, ("cb0", MAC_CN, CN, "2001:db8:c::1"),
                           lambda ifindex: ["--self", CN, "-b", "%s=%s" % (HOA, COA)])


table_rows = perpacket.table_rows
