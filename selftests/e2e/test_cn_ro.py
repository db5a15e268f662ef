# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""xmip as a correspondent node (role cn) against a mobile node written
with Scapy and Python's hmac (rr_mn.py): Return Routability, the
correspondent Binding Update and its authenticated BA (RFC 6275 §5.2,
§9.4, §9.5), then the datapath: what the CN sends to the home address
leaves with a type-2 routing header to the care-of address, and what the
MN sends from its care-of address with a Home Address option reaches the
CN's stack as from the home address and is answered (§9.3). Forged,
stale and replayed Binding Updates change nothing. Captures on the CN's
wire are decoded by tshark, which must find nothing malformed.

Topology: ro_topology.py. Namespaces and pins start with XMIP_E2E_PREFIX.
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import hashstream  # noqa: E402
import ro_topology as R  # noqa: E402

ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")


def workdir(request):
    d = os.path.join(ARTIFACTS, request.node.name)
    if os.path.isdir(d):
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
    return d


def topo(request, ro_conf=""):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    return R.RoTopology(workdir(request), ro_conf)


def tshark(pcap, fields, display):
    r = subprocess.run(["tshark", "-r", pcap, "-Y", display, "-T", "fields"] +
                       sum((["-e", f] for f in fields), []),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [line.split("\t") for line in r.stdout.splitlines() if line.strip()]


def no_malformed(pcap):
    bad = tshark(pcap, ["frame.number", "_ws.expert.message"],
                 "_ws.malformed || _ws.expert.severity >= 8388608")   # error and above
    assert bad == [], "tshark finds malformed frames in %s: %s" % (pcap, bad)


def settle(pcap, display, timeout=5.0):
    """Wait until the capture holds a frame matching display (tcpdump writes
    behind the traffic on a loaded machine), before stopping it."""
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(pcap) and tshark(pcap, ["frame.number"], display):
            return
        time.sleep(0.3)


def register(t, seq, lifetime=100, save=None):
    rr = t.mn("rr")
    assert rr["hot"] and rr["cot"], rr
    args = ["bu", "--seq", str(seq), "--lifetime", str(lifetime), "--ack"]
    if save:
        args += ["--save", save]
    ba = t.mn(*args)["ba"]
    assert ba is not None, "no BA"
    return rr, ba


def ba_of(t, *args, **kw):
    """Send what args say from the Scapy MN and return the BA it got (one must come)."""
    ba = t.mn(*args, **kw)["ba"]
    assert ba is not None, "no BA for %s" % (args,)
    return ba


def check_ba_ok(ba, seq, lifetime):
    # §6.1.8, §9.5.4: accepted, K clear, through RH2 to the HoA, authenticated (§5.2.6).
    assert ba["status"] == 0
    assert ba["seq"] == seq and ba["lifetime"] == lifetime
    assert not ba["k"]
    assert ba["rh2"] and ba["rh2_hoa"] == R.HOA
    assert ba["cksum_ok"]
    assert ba["has_bad"] and ba["auth_ok"]


def test_rr_binding_and_route_optimised_traffic(request):
    t = topo(request)
    with t:
        cap, pcap = t.capture("cn-wire")
        # Return Routability: HoT to the HoA, CoT to the CoA, cookies echoed,
        # checksums right (§6.1.5, §6.1.6, §9.4.3, §9.4.4).
        rr, ba = register(t, seq=5, lifetime=100)
        assert rr["hot_cookie_ok"] and rr["cot_cookie_ok"]
        assert rr["hot_cksum_ok"] and rr["cot_cksum_ok"]
        assert rr["hot_src"] == R.CN and rr["cot_src"] == R.CN
        check_ba_ok(ba, 5, 100)
        b = t.binding()
        assert b is not None and b["coa"] == R.COA and b["seq"] == 5 and b["lifetime"] == 400

        # CN -> HoA: ping leaves with RH2 to the CoA, checksum right for the
        # HoA only; the MN answers from the CoA with a HAO, which the CN's XDP
        # restores: ping gets its reply.
        echo = t.mn_bg("expect-echo", "expect-echo")
        time.sleep(1.0)
        ping = t.sh(R.NS_C, "ping", "-c1", "-W3", R.HOA, check=False)
        echo.popen.wait(timeout=10)
        e = json.loads(echo.text().strip().splitlines()[-1])["echo"]
        assert e is not None, "no echo request reached the CoA"
        assert e["rh2"] and e["rh2_type"] == 2 and e["segleft"] == 1
        assert e["dst"] == R.COA and e["rh2_hoa"] == R.HOA and e["src"] == R.CN
        assert e["cksum_ok_hoa"] and not e["cksum_ok_coa"]
        assert ping.returncode == 0, ping.stdout + ping.stderr

        # MN -> CN from the CoA with a HAO: answered, with RH2 (§9.3.1, §9.3.2).
        rep = t.mn("echo-hao")
        assert rep["be"] is None and rep["reply"] is not None
        assert rep["reply"]["rh2"] and rep["reply"]["rh2_hoa"] == R.HOA
        assert rep["reply"]["cksum_ok_hoa"] and rep["reply"]["data_ok"]

        # TCP: a SYN from the CoA with a HAO reaches the CN's listener as from
        # the HoA; the SYN-ACK leaves with RH2. And the CN's own connect to
        # the HoA leaves with RH2.
        t.spawn(R.NS_C, "listener", ["/usr/bin/python3", "-c",
                                     "import socket,time\ns=socket.socket(socket.AF_INET6)\n"
                                     "s.bind(('%s',5001));s.listen(5);time.sleep(60)" % R.CN])
        time.sleep(0.5)
        sa = t.mn("syn-hao")["synack"]
        assert sa is not None and sa["flags"] == "SA"
        assert sa["rh2"] and sa["rh2_hoa"] == R.HOA and sa["cksum_ok_hoa"]
        syn_wait = t.mn_bg("expect-syn", "expect-syn")
        time.sleep(1.0)
        t.spawn(R.NS_C, "connect", ["/usr/bin/python3", "-c",
                                    "import socket\ns=socket.socket(socket.AF_INET6)\n"
                                    "s.settimeout(2)\ntry: s.connect(('%s',5001))\n"
                                    "except Exception: pass" % R.HOA])
        syn_wait.popen.wait(timeout=10)
        syn = json.loads(syn_wait.text().strip().splitlines()[-1])["syn"]
        assert syn is not None and syn["flags"] == "S"
        assert syn["rh2"] and syn["rh2_hoa"] == R.HOA and syn["cksum_ok_hoa"]

        # A HAO from an address that is not the binding's CoA: dropped, and a
        # Binding Error status 1 to that source carrying the HAO (§9.3.1, §9.3.3).
        rep = t.mn("echo-hao", coa=R.COA2)
        assert rep["reply"] is None
        assert rep["be"] == {"status": 1, "hoa": R.HOA, "dst": R.COA2, "cksum_ok": True}

        c = t.counters()
        assert c["ro_rh2_ok"] >= 3 and c["ro_hao_restored"] >= 2
        assert c["ro_drop_hao_no_binding"] >= 1
        settle(pcap, "mip6.mhtype == 7")
        cap.stop(signal.SIGINT)

        # tshark's view of the CN's wire.
        no_malformed(pcap)
        types = {int(x[0]) for x in tshark(pcap, ["mip6.mhtype"], "mipv6")}
        assert {1, 2, 3, 4, 5, 6, 7} <= types, types     # HoTI CoTI HoT CoT BU BA BE
        ba = tshark(pcap, ["mip6.ba.status", "mip6.bad.auth", "ipv6.routing.type"],
                    "mip6.mhtype == 6")
        assert ba and ba[0][0] == "0" and ba[0][1] and ba[0][2] == "2"
        bu = tshark(pcap, ["mip6.ni.hni", "mip6.ni.cni", "mip6.bad.auth",
                           "ipv6.opt.mipv6.home_address"], "mip6.mhtype == 5")
        assert bu and bu[0][3] == R.HOA
        rh2 = tshark(pcap, ["ipv6.dst", "ipv6.routing.mipv6.home_address"],
                     "ipv6.src == %s && ipv6.routing.type == 2 && (icmpv6 || tcp)" % R.CN)
        assert rh2 and all(r == [R.COA, R.HOA] for r in rh2), rh2
        hao = tshark(pcap, ["ipv6.src", "ipv6.opt.mipv6.home_address"],
                     "ipv6.dst == %s && ipv6.opt.mipv6.home_address && (icmpv6 || tcp)" % R.CN)
        assert [R.COA, R.HOA] in hao and [R.COA2, R.HOA] in hao
        be = tshark(pcap, ["mip6.be.status", "mip6.be.haddr", "ipv6.dst"], "mip6.mhtype == 7")
        assert be == [["1", R.HOA, R.COA2]]

        # The agent restarts: the binding stays, the datapath keeps using it
        # both ways (an echo request with RH2, its reply with a HAO restored).
        t.stop_agent()
        b = t.binding()
        assert b is not None and b["coa"] == R.COA, t.bindings()
        t.start_agent()
        echo = t.mn_bg("expect-echo-2", "expect-echo")
        time.sleep(1.0)
        ping = t.sh(R.NS_C, "ping", "-c1", "-W3", R.HOA, check=False)
        echo.popen.wait(timeout=10)
        e = json.loads(echo.text().strip().splitlines()[-1])["echo"]
        assert e is not None and e["rh2"] and e["rh2_hoa"] == R.HOA
        assert ping.returncode == 0, ping.stdout + ping.stderr
        assert "1 correspondent bindings left by a previous agent" in t.agent_log()
    assert t.sanitizer_errors() == []


def test_forged_stale_replayed_change_nothing(request):
    # Nonces every second, accepted 20 s: stale indices within the test's
    # time, with room for each step's Python start (Scapy's import alone is
    # over a second, several on a loaded machine).
    t = topo(request, "[ro]\nnonce-interval = 1\nnonce-lifetime = 20\n")
    with t:
        saved = os.path.join(t.workdir, "bu-10.json")
        _, ba = register(t, seq=10, save=saved)
        check_ba_ok(ba, 10, 100)
        before = t.binding()
        assert before is not None and before["seq"] == 10

        # A wrong authenticator: silently discarded (§9.5.1), nothing changes.
        assert t.mn("bu", "--seq", "11", "--lifetime", "50", "--ack", "--forge",
                    "--wait", "1.5")["ba"] is None
        assert t.binding() == before
        # The accepted BU replayed: 135 with the last accepted number,
        # authenticated (§9.5.1, §9.5.4); nothing changes.
        ba = ba_of(t, "replay", saved)
        assert ba["status"] == 135 and ba["seq"] == 10 and ba["auth_ok"]
        assert t.binding() == before
        # A lower number with the current tokens: 135 too.
        ba = ba_of(t, "bu", "--seq", "9", "--lifetime", "50", "--ack")
        assert ba["status"] == 135 and ba["seq"] == 10
        assert t.binding() == before

        # Stale indices. Two RRs 10 s apart; 20.5 s after the first, its
        # nonce is gone and the second's is not (for 9.5 s more: three BUs,
        # each a Python start with Scapy, on a loaded machine).
        t0 = time.time()
        first = t.mn("rr")
        time.sleep(10)
        second = t.mn("rr")
        assert second["home_index"] != first["home_index"]
        time.sleep(max(0, 20.5 - (time.time() - t0)))
        old, new = first["home_index"], second["home_index"]
        for hi, ci, status in ((old, new, 136), (new, old, 137), (old, old, 138)):
            ba = ba_of(t, "bu", "--seq", "20", "--lifetime", "50", "--ack", "--home-index",
                       str(hi), "--coa-index", str(ci))
            # §9.5.4: no Binding Authorization Data with 136-138.
            assert ba["status"] == status and not ba["has_bad"] and ba["seq"] == 20, ba
            assert t.binding() == before
        # A replay after the nonces expired: 136-138, nothing changes.
        time.sleep(max(0, 31 - (time.time() - t0)))
        ba = ba_of(t, "replay", saved)
        assert ba["status"] in (136, 137, 138) and not ba["has_bad"]
        assert t.binding() == before

        # Deregistration with fresh tokens, then replays: nothing comes back
        # (§5.2.8, §9.5.3: the sequence number outlives the binding).
        saved2 = os.path.join(t.workdir, "bu-30.json")
        _, ba = register(t, seq=30, lifetime=50, save=saved2)
        check_ba_ok(ba, 30, 50)
        dereg = os.path.join(t.workdir, "bu-31.json")
        ba = ba_of(t, "bu", "--seq", "31", "--lifetime", "0", "--ack", "--save", dereg)
        assert ba["status"] == 0 and ba["auth_ok"] and ba["lifetime"] == 0
        assert t.binding() is None
        for f in (saved2, dereg):
            ba = ba_of(t, "replay", f)
            assert ba["status"] == 135 and ba["seq"] == 31 and ba["auth_ok"], ba
            assert t.binding() is None
        log = t.agent_log()
        assert "wrong authenticator" in log and "binding deleted" in log
    assert t.sanitizer_errors() == []


def test_tcp_stream_over_rh2(request):
    """4 MiB from the CN to the HoA: the CN's TCP (with TSO, so GSO packets
    reach its tc program) goes out with RH2; a stand-in for the MN's RO
    receive path strips it (rh2_strip.c); every octet arrives."""
    t = topo(request)
    with t:
        _, ba = register(t, seq=1, lifetime=100)
        check_ba_ok(ba, 1, 100)
        t.strip_rh2_at_mn()
        # The CN's wire (as RT receives it: GSO super-packets, checksums only
        # seeded, as veth hands them over) and the MN's (as RT sends it out:
        # segmented in software, checksums complete).
        cap, pcap = t.capture("cn-wire")
        cap_mn, pcap_mn = t.capture("mn-wire", dev="rta", snaplen=0)
        n = 4 << 20
        srv = t.spawn(R.NS_M, "server", ["/usr/bin/python3", "-c", hashstream.SERVER, R.HOA])
        for _ in range(50):
            if "ready" in srv.text():
                break
            time.sleep(0.1)
        before = t.counters()
        cli = t.spawn(R.NS_C, "client", ["/usr/bin/python3", "-c", hashstream.CLIENT, R.CN,
                                         R.HOA, str(n)])
        assert cli.popen.wait(timeout=60) == 0, cli.text()
        srv.popen.wait(timeout=30)
        assert srv.text().strip().splitlines()[-1] == hashstream.expected(n)
        after = t.counters()
        inserted = after["ro_rh2_ok"] - before["ro_rh2_ok"]
        fallback = after["ro_fallback_too_big"] - before["ro_fallback_too_big"]
        # GSO super-packets grew by 24 octets each; single full-size segments
        # that would no longer fit went as they were (through the HA path).
        assert inserted > 0
        print("rh2 inserted %d, too big (sent as they were) %d" % (inserted, fallback))
        settle(pcap, "tcp.flags.fin == 1")
        settle(pcap_mn, "tcp.flags.fin == 1")
        cap.stop(signal.SIGINT)
        cap_mn.stop(signal.SIGINT)
        no_malformed(pcap)
        no_malformed(pcap_mn)
        rh2 = "ipv6.src == %s && ipv6.routing.type == 2 && ipv6.dst == %s && tcp.len > 0" % (
            R.CN, R.COA)
        assert tshark(pcap, ["tcp.len"], rh2 + " && tcp.len > 1500"), \
            "no GSO super-packet with RH2 left the CN"
        # On the MN's wire: every segment carries the RH2 and fits the MTU
        # (GSO lowered gso_size by 24), and tshark finds each TCP checksum
        # good for the final destination, the HoA (RFC 8200 §8.1).
        segs = subprocess.run(["tshark", "-r", pcap_mn, "-o", "tcp.check_checksum:TRUE",
                               "-Y", rh2, "-T", "fields", "-e", "frame.len", "-e",
                               "tcp.checksum.status"], capture_output=True, text=True).stdout
        segs = [line.split("\t") for line in segs.splitlines()]
        assert len(segs) >= 1000, len(segs)
        assert max(int(x[0]) for x in segs) <= 14 + 1500
        assert all(x[1] == "1" for x in segs), sorted(set(x[1] for x in segs))
    assert t.sanitizer_errors() == []


def test_brr_before_expiry_then_expiry(request):
    # Binding Refresh Requests 6 s before the end of a 12 s binding in use (§9.5.5).
    t = topo(request, "[ro]\nbrr-lead = 6\n")
    with t:
        _, ba = register(t, seq=3, lifetime=3)
        check_ba_ok(ba, 3, 3)
        t0 = time.time()
        ping = t.spawn(R.NS_C, "ping", ["ping", "-n", "-i", "0.5", "-W", "1", R.HOA])
        brr = t.mn("expect-brr", "10", timeout=10)["brr"]
        elapsed = time.time() - t0
        assert brr is not None, "no Binding Refresh Request"
        assert brr["src"] == R.CN and not brr["rh2"] and brr["cksum_ok"]
        assert 4 <= elapsed <= 9, elapsed
        # No BU came: the binding ends at 12 s, the datapath stops inserting RH2.
        time.sleep(max(0, 13.5 - (time.time() - t0)))
        assert t.binding() is None
        c1 = t.counters()["ro_rh2_ok"]
        time.sleep(1.5)
        assert t.counters()["ro_rh2_ok"] == c1
        ping.stop()
        log = t.agent_log()
        assert "Binding Refresh Request 1/3" in log and "binding expired" in log
    assert t.sanitizer_errors() == []


def test_cache_full_and_rate_limits(request):
    # One binding at most; answers to forgeable packets 20 a second (burst 20).
    t = topo(request, "max-bindings = 1\n[ro]\nrr-rate = 20\n")
    with t:
        _, ba = register(t, seq=1)
        check_ba_ok(ba, 1, 100)
        # A second home address, proved by its own RR: no room, 130 (§9.5.2),
        # authenticated; nothing written.
        rr = t.mn("rr", hoa=R.HOA2)
        assert rr["hot"] and rr["cot"]
        ba = ba_of(t, "bu", "--seq", "1", "--lifetime", "100", "--ack", hoa=R.HOA2)
        assert ba["status"] == 130 and ba["auth_ok"]
        assert [b["hoa"] for b in t.bindings()] == [R.HOA]
        assert "binding cache full" in t.agent_log()
        # 300 Home Test Inits back to back: at most a burst and a refill answered.
        time.sleep(1.5)    # the bucket is full again
        fl = t.mn("flood-hoti", "300")
        limit = 20 + 20 * (fl["send_seconds"] + 2.5)
        assert 1 <= fl["hot"] <= limit, fl
    assert t.sanitizer_errors() == []


def test_malformed_mh_answers_and_unreachable_coa(request):
    """RFC 6275 §9.2 on the wire: a Payload Proto other than 59 or a Header
    Len too short for the type gets an ICMPv6 Parameter Problem code 0
    pointing at the field (TAHI CN-2-1-3/5, CN-2-2-3/5, CN-2-3-3/5: pointers
    40, 41, 64, 65), quoting the packet; an unknown MH type gets Binding
    Error 2 to the source, with the HAO's address (CN-2-4-1). Nothing is
    bound. Then §9.3.4 (CN-6-1): a binding whose care-of address draws
    Destination Unreachables, three over two seconds, is deleted; two are
    not enough."""
    t = topo(request)
    with t:
        cap, pcap = t.capture("cn-wire")
        for kind, kw, ptr in (("hoti", ["--proto", "6"], 40), ("coti", ["--hlen", "0"], 41),
                              ("bu", ["--proto", "6"], 64), ("bu", ["--hlen", "0"], 65)):
            r = t.mn("bad-mh", kind, *kw)
            assert r["pp"] == {"code": 0, "ptr": ptr, "quote_ok": True}, (kind, kw, r)
            time.sleep(1.0)   # the core's per-source limit: 1 a second, burst 3
        r = t.mn("bad-mh", "type8")
        assert r["be"] == {"status": 2, "hoa": R.HOA, "cksum_ok": True}, r
        # Well-formed, the same init gets no error (a HoT).
        assert t.mn("bad-mh", "hoti", timeout=1.5) == {"pp": None, "be": None}
        assert t.bindings() == []
        settle(pcap, "mip6.mhtype == 7")
        cap.stop()
        pps = tshark(pcap, ["icmpv6.pointer"], "icmpv6.type == 4 && icmpv6.code == 0")
        assert sorted(int(p[0]) for p in pps) == [40, 41, 64, 65]
        # §9.3.4: two errors leave the binding, a third two seconds after
        # the first deletes it; the probe then gets Binding Error 1.
        _, ba = register(t, seq=1)
        check_ba_ok(ba, 1, 100)
        t.mn("unreach", "2", "--gap", "1.0")
        time.sleep(0.5)
        assert [b["hoa"] for b in t.bindings()] == [R.HOA]
        t.mn("unreach", "1")
        end = time.time() + 5
        while t.bindings() and time.time() < end:
            time.sleep(0.2)
        assert t.bindings() == []
        assert "Destination Unreachables" in t.agent_log()
        r = t.mn("echo-hao")
        assert r["reply"] is None and r["be"]["status"] == 1 and r["be"]["hoa"] == R.HOA, r
    assert t.sanitizer_errors() == []


def test_cn_after_capability_drop_events_and_metrics(request):
    """The correspondent's agent drops every capability but CAP_NET_ADMIN
    and CAP_NET_RAW like every role (agentd/core/privs.c), in every thread
    (the metrics exporter's too), and still does its job: RR, the BU and its
    BA, Binding Errors. What it does shows in `xmip monitor` (family ro:
    registered, refreshed, deregistered) and in its Prometheus metrics
    (messages by type and direction, the BA's status, the binding count
    from xmip_bindings by family)."""
    from test_privileges import assert_only_two
    t = topo(request, ro_conf="metrics = 127.0.0.1:9741\n")
    with t:
        mon = t.spawn(R.NS_C, "monitor", [os.path.join(t.bin, "xmip"), "monitor", "-j",
                                          "-i", R.INSTANCE])
        time.sleep(0.5)
        assert_only_two("cn", t.agent.popen.pid, min_threads=2)
        check_ba_ok(register(t, seq=5, lifetime=100)[1], 5, 100)
        check_ba_ok(ba_of(t, "bu", "--seq", "6", "--lifetime", "100", "--ack"), 6, 100)
        ba = ba_of(t, "bu", "--seq", "7", "--lifetime", "0", "--ack")
        assert ba["status"] == 0
        assert t.binding() is None
        end = time.time() + 5
        while time.time() < end and '"deregistered"' not in mon.text():
            time.sleep(0.2)
        evs = [json.loads(line) for line in mon.text().splitlines() if line.startswith("{")]
        kinds = [(e.get("type"), e.get("family"), e.get("role")) for e in evs]
        for k in ("registered", "refreshed", "deregistered"):
            assert (k, "ro", "cn") in kinds, mon.text()
        reg = [e for e in evs if e.get("type") == "registered"][0]
        assert reg["hoa"] == R.HOA and reg["coa"] == R.COA, reg
        mon.stop()
        body = t.sh(R.NS_C, "curl", "-sf", "http://127.0.0.1:9741/metrics").stdout
        want = ['xmip_signalling_messages_total{family="ro",role="cn",type="binding_update",'
                'direction="received"} 3',
                'type="home_test_init",direction="received"',
                'type="care_of_test",direction="sent"',
                'type="binding_ack",direction="sent",status="accepted"} 3',
                'xmip_events_total{family="ro",role="cn",type="registered"} 1',
                'xmip_bindings{family="ro",role="cn"} 0']
        for w in want:
            assert w in body, "%s not in metrics:\n%s" % (w, body)
        assert_only_two("cn", t.agent.popen.pid, min_threads=2)
