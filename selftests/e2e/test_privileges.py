# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Privileges (docs/RELIABILITY.md, "Privileges").

After set-up each agent keeps CAP_NET_ADMIN (netlink changes at run time)
and CAP_NET_RAW (the raw sockets of unsolicited NAs and of DAD) and nothing
else: effective, permitted and bounding sets are exactly those two,
inheritable and ambient empty, no_new_privs set, in every thread (the
metrics exporter's included: capabilities are per thread, so it must start
after the drop); and it still does its job with them (the MN moves, the HA
registers it and proxies for the home address, the traffic follows, the
metrics are served, `xmip monitor` connects). A metrics port below 1024
cannot be bound without CAP_NET_BIND_SERVICE: the agent says so and stops.
The pins `xmip attach` made are root's alone: the pin directories 0700,
every pinned map and link 0600.
"""
import os
import stat
import subprocess

import pytest

import topology as T
from conftest import _workdir
from scenario import Handover, wait_for

CAP_NET_ADMIN, CAP_NET_RAW = 12, 13
KEEP = 1 << CAP_NET_ADMIN | 1 << CAP_NET_RAW


def proc_status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


METRICS = "127.0.0.1:9741"


def thread_caps(pid):
    """{tid: (status dict)} for every thread of the process."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
            out[int(tid)] = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return out


def assert_only_two(role, pid, min_threads=1):
    threads = thread_caps(pid)
    assert len(threads) >= min_threads, "%s agent: %d thread(s), wanted %d" % (
        role, len(threads), min_threads)
    for tid, st in threads.items():
        assert "xmip-agentd" in st["Name"] or tid != pid, st["Name"]
        got = {k: int(st[k], 16) for k in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb")}
        assert got == {"CapEff": KEEP, "CapPrm": KEEP, "CapBnd": KEEP, "CapInh": 0,
                       "CapAmb": 0}, "%s agent, thread %d (%s): %s" % (
            role, tid, st["Name"], {k: hex(v) for k, v in got.items()})
        assert st["NoNewPrivs"].strip() == "1", (role, tid)


@pytest.fixture
def mtopo(request):
    """The e2e topology with the metrics exporter on in both agents."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    t = T.Topology(with_xmip=True, workdir=_workdir(request), log=lambda m: None)
    t.ha_extra = "metrics = %s" % METRICS
    t.mn_extra = "metrics = %s" % METRICS
    with t:
        yield t
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)


def test_agents_keep_only_net_admin_and_net_raw(mtopo):
    h = Handover(mtopo)
    h.start()
    for role in ("ha", "mn"):
        # The loop thread and the metrics exporter's thread (at least).
        assert_only_two(role, mtopo.agents[role].popen.pid, min_threads=2)
    # With only those, registration, proxy ND and the tunnel still work...
    step = h.move("a")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step
    step = h.move("home")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step
    # ...the metrics are served and `xmip monitor` connects to the agent.
    for ns in (T.NS_HA, T.NS_MN):
        body = mtopo.sh(ns, "curl", "-sf", "http://%s/metrics" % METRICS).stdout
        assert "xmip_build_info{" in body and "xmip_signal_records_malformed_total 0" in body, \
            body[:500]
    mon = mtopo.spawn(T.NS_HA, "monitor", [os.path.join(mtopo.bin, "xmip"), "monitor", "-j",
                                           "-i", T.HA_INSTANCE])
    h.move("a")
    assert wait_for(lambda: '"registered"' in mon.text() or '"refreshed"' in mon.text(), 10), \
        mon.text()
    mon.stop()
    for role in ("ha", "mn"):
        assert_only_two(role, mtopo.agents[role].popen.pid, min_threads=2)


def test_metrics_port_below_1024_refused(xtopo):
    """Bound after the capability drop, a port below 1024 needs
    CAP_NET_BIND_SERVICE, which the agent no longer has: it refuses to start
    and says why (rather than run with a capability it needs once)."""
    xtopo.stop_agent("ha")
    conf = os.path.join(xtopo.workdir, "ha-port80.conf")
    with open(xtopo.ha_conf) as f:
        text = f.read()
    with open(conf, "w") as f:
        f.write(text.replace("[mn ", "metrics = 127.0.0.1:80\n[mn ", 1))
    r = subprocess.run(T.in_ns(T.NS_HA, [os.path.join(xtopo.bin, "xmip-agentd"), "-c", conf,
                                          "-f"]),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
    assert r.returncode == 1, r.stdout
    assert "below 1024" in r.stdout and "CAP_NET_BIND_SERVICE" in r.stdout, r.stdout
    xtopo.start_agent("ha")


def test_pins_are_root_only(xtopo):
    root = os.stat(T.PIN_ROOT)
    assert stat.S_IMODE(root.st_mode) == 0o700 and root.st_uid == 0, oct(root.st_mode)
    for inst in (T.HA_INSTANCE, T.MN_INSTANCE):
        d = os.path.join(T.PIN_ROOT, inst)
        st = os.stat(d)
        assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == 0, (d, oct(st.st_mode))
        names = os.listdir(d)
        assert names, d
        for n in names:
            st = os.lstat(os.path.join(d, n))
            assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 0, \
                (n, oct(st.st_mode))
    # A directory an older build or a person left open is closed again.
    os.chmod(os.path.join(T.PIN_ROOT, T.HA_INSTANCE), 0o755)
    xtopo.xmip(T.NS_HA, "attach", "-c", xtopo.ha_conf)
    st = os.stat(os.path.join(T.PIN_ROOT, T.HA_INSTANCE))
    assert stat.S_IMODE(st.st_mode) == 0o700, oct(st.st_mode)
