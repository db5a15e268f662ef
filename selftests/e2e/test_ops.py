# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""What operators see during a handover (issue 14): `xmip monitor -j` on the HA
and the MN shows the registrations, the move, a refusal with its reason and
the deregistration, in order; a real Prometheus server (Debian's) scrapes the
HA agent's metrics and its HTTP API returns the expected series afterwards;
the MN's exposition passes promtool's checks.

Prometheus runs inside the HA's namespace with a temporary configuration and
storage directory under the test's artifacts, and is stopped at the end."""
import json
import os
import shutil
import time
import urllib.parse

import pytest

import topology as T
from mip6pkt import forged_bu, mac_of
from scenario import Handover, wait_for

METRICS = "127.0.0.1:9741"
PROM = "127.0.0.1:19090"
INJECT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "inject.py")
ATTACKER_COA = "2001:db8:a::66"


@pytest.fixture
def otopo(request):
    """The e2e topology with metrics on in both agents."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    for tool in ("prometheus", "promtool", "curl"):
        if not shutil.which(tool):
            pytest.skip("%s not installed (scripts/deps.sh installs it)" % tool)
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts", request.node.name)
    shutil.rmtree(d, ignore_errors=True)
    t = T.Topology(with_xmip=True, workdir=d, log=lambda m: None)
    t.ha_extra = "metrics = %s" % METRICS
    t.mn_extra = "metrics = %s" % METRICS
    with t:
        yield t
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)


def monitor(t, ns, instance, name):
    return t.spawn(ns, name, [os.path.join(t.bin, "xmip"), "monitor", "-j", "-i", instance])


def events(proc):
    out = []
    for line in proc.text().splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def start_prometheus(t):
    d = os.path.join(t.workdir, "prometheus")
    os.makedirs(os.path.join(d, "data"), exist_ok=True)
    cfg = os.path.join(d, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                "scrape_configs:\n  - job_name: xmip\n    static_configs:\n"
                "      - targets: ['%s']\n" % METRICS)
    p = t.spawn(T.NS_HA, "prometheus", ["prometheus", "--config.file=" + cfg,
                                         "--storage.tsdb.path=" + os.path.join(d, "data"),
                                         "--web.listen-address=" + PROM,
                                         "--log.level=warn"])
    ok = wait_for(lambda: t.sh(T.NS_HA, "curl", "-sf", "http://%s/-/ready" % PROM,
                               check=False).returncode == 0, 30, step=0.3)
    assert ok, "prometheus did not get ready:\n" + p.text()
    # Its first scrape waits for target discovery (up to 5 s): before the handover.
    assert wait_for(lambda: one(t, 'up{job="xmip"}') == 1, 30, step=0.5), \
        "prometheus never scraped the HA agent:\n" + p.text()
    return p


def prom_query(t, q):
    """Instant query through Prometheus's HTTP API: {frozenset(labels): value}."""
    r = t.sh(T.NS_HA, "curl", "-sf", "http://%s/api/v1/query?query=%s" % (
        PROM, urllib.parse.quote(q)), check=False)
    if r.returncode:
        return {}
    data = json.loads(r.stdout)
    assert data["status"] == "success", data
    return {frozenset((k, v) for k, v in s["metric"].items() if k not in ("job", "instance")):
            float(s["value"][1]) for s in data["data"]["result"]}


def one(t, q):
    v = prom_query(t, q)
    return next(iter(v.values())) if len(v) == 1 else None


def kinds(evs, types=("registered", "deregistered", "refused", "expired")):
    """The events of the handover: from the first registration on (an agent
    started at home may deregister first, refused 133 by an HA with no binding)."""
    out = [e for e in evs if e["type"] in types]
    first = next((i for i, e in enumerate(out) if e["type"] == "registered"), len(out))
    return out[first:]


def test_monitor_and_prometheus_during_handover(otopo):
    t = otopo
    prom = start_prometheus(t)
    mon_ha = monitor(t, T.NS_HA, T.HA_INSTANCE, "monitor-ha")
    mon_mn = monitor(t, T.NS_MN, T.MN_INSTANCE, "monitor-mn")
    time.sleep(0.5)
    assert mon_ha.alive() and mon_mn.alive(), mon_ha.text() + mon_mn.text()

    h = Handover(t)
    h.start()
    assert h.move("a")["binding_ok"]
    assert h.move("b")["binding_ok"]
    # Prometheus sees the binding while the MN is away (scraped every second).
    assert wait_for(lambda: one(t, 'xmip_bindings{family="mip6",role="ha"}') == 1, 10, step=0.5)
    # A Binding Update with a made-up authenticator: refused, status 146.
    before = t.binding_for()
    ha_mac, rt_mac = mac_of(t, T.NS_HA, "eth0"), mac_of(t, T.NS_RT, "br-home")
    t.sh(T.NS_RT, T.PY, INJECT, "h-ha",
         bytes(forged_bu(ha_mac, rt_mac, ATTACKER_COA, seq=(before["seq"] + 1) & 0xFFFF)).hex())
    assert wait_for(lambda: any(e["type"] == "refused" for e in events(mon_ha)), 5), \
        mon_ha.text()
    assert h.move("home")["binding_ok"]

    a, b = T.LINKS["a"][0], T.LINKS["b"][0]
    # ---- xmip monitor -j: the sequence of the handover, on both sides
    ha_seq = wait_for(lambda: (lambda k: k if len(k) >= 4 else None)(kinds(events(mon_ha))), 5)
    got = [(e["type"], e.get("coa"), e.get("prev_coa")) for e in kinds(events(mon_ha))]
    assert got == [("registered", a, None), ("registered", b, a),
                   ("refused", ATTACKER_COA, None), ("deregistered", None, b)], \
        "HA monitor:\n" + mon_ha.text()
    refused = ha_seq[2]
    assert refused["status"] == 146 and refused["status_name"] == "MIPV6-AUTH-FAIL", refused
    for e in ha_seq:
        assert e["instance"] == T.HA_INSTANCE and e["family"] == "mip6" and e["role"] == "ha"
        assert e["hoa"] == T.HOA, e
    assert ha_seq[0]["lifetime"] > 0 and ha_seq[0]["id"] == T.NAI, ha_seq[0]
    assert ha_seq[1]["seq"] != ha_seq[0]["seq"]
    assert wait_for(lambda: len(kinds(events(mon_mn))) >= 3, 5), mon_mn.text()
    got = [(e["type"], e.get("coa"), e.get("prev_coa")) for e in kinds(events(mon_mn))]
    assert got == [("registered", a, None), ("registered", b, a), ("deregistered", None, b)], \
        "MN monitor:\n" + mon_mn.text()
    assert all(e["role"] == "mn" for e in events(mon_mn))

    # ---- Prometheus scraped the HA agent; its API returns the series
    def series_ready():
        return (one(t, 'xmip_events_total{type="deregistered",role="ha"}') or 0) >= 1 and \
            one(t, 'xmip_bindings{family="mip6",role="ha"}') == 0
    assert wait_for(series_ready, 20, step=0.5), \
        "Prometheus has no deregistration yet:\n" + prom.text()
    assert one(t, 'xmip_build_info') == 1
    assert one(t, 'xmip_instance_info{xmip_instance="%s",role="ha"}' % T.HA_INSTANCE) == 1
    assert one(t, 'xmip_events_total{family="mip6",role="ha",type="registered"}') >= 2
    assert one(t, 'xmip_events_total{family="mip6",role="ha",type="refused"}') >= 1
    assert one(t, 'max_over_time(xmip_bindings{family="mip6",role="ha"}[10m])') == 1, \
        t.sh(T.NS_HA, "curl", "-s", "http://%s/api/v1/query?query=%s" % (
            PROM, urllib.parse.quote('xmip_bindings[10m]'))).stdout
    assert one(t, 'xmip_signalling_messages_total{type="binding_update",'
                  'direction="received"}') >= 4
    assert one(t, 'xmip_signalling_messages_total{type="binding_ack",direction="sent",'
                  'status="accepted"}') >= 3
    assert one(t, 'xmip_signalling_messages_total{type="binding_ack",direction="sent",'
                  'status="mipv6_auth_fail"}') >= 1
    assert one(t, 'xmip_registration_latency_seconds_count{family="mip6",role="ha"}') >= 4
    # BU received -> BA sent at the HA: well under a second, above nothing.
    p99 = one(t, 'histogram_quantile(0.99, xmip_registration_latency_seconds_bucket'
                 '{family="mip6",role="ha"})')
    assert p99 is not None and 0 < p99 <= 1, p99
    assert one(t, 'xmip_datapath_packets_total{outcome="encap_ok"}') > 0
    assert one(t, 'xmip_datapath_packets_total{outcome="decap_ok"}') > 0
    assert one(t, 'xmip_datapath_packets_total{outcome="signal_to_agent"}') >= 4
    drops = prom_query(t, 'xmip_datapath_drops_total')
    assert drops and all(dict(k)["reason"] and not dict(k)["reason"].startswith("drop_")
                         for k in drops), drops

    # ---- the MN's exposition: its own view, valid for promtool
    body = t.sh(T.NS_MN, "curl", "-sf", "http://%s/metrics" % METRICS).stdout
    assert 'xmip_bindings{family="mip6",role="mn"} 0' in body, body
    count = [l for l in body.splitlines()
             if l.startswith('xmip_registration_latency_seconds_count{family="mip6",role="mn"}')]
    assert count and int(count[0].split()[-1]) >= 3, body
    assert 'type="binding_update",direction="sent"' in body
    lint = t.sh(T.NS_MN, "sh", "-c", "curl -sf http://%s/metrics | promtool check metrics"
                % METRICS, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert t.sh(T.NS_MN, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "http://%s/nothing" % METRICS).stdout == "404"
    prom.stop()
