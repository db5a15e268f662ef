# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The handover scenario shared by demo.py and the e2e tests.

CN pings the MN's home address and streams TCP to it while the MN moves
home -> a -> b -> home. After each move we wait for: the HA's binding to
point at the new CoA (none at home), a ping answer to an echo sent after the
move, and TCP progress. Every step is returned (and reported) so the demo
can print it and the tests can assert on it.
"""
import os
import re
import signal
import subprocess
import time

import topology as T

PROGRESS_BYTES = 64 * 1024  # "the stream moved on" = this much more data arrived


def wait_for(pred, timeout, step=0.1):
    deadline = time.time() + timeout
    while True:
        v = pred()
        if v or time.time() >= deadline:
            return v
        time.sleep(step)


class Capture:
    """tcpdump of the Mobility Header traffic on the HA's link (RT's port to the HA).

    Captured on the RT side because signalling the HA's XDP program takes
    off the wire never reaches a tap on the HA's own interface."""

    def __init__(self, topo, name="signalling", filt="ip6[6] == 135 or ip6[6] == 60 or ip6[6] == 43",
                 ns=T.NS_RT, iface="h-ha"):
        self.path = os.path.join(topo.workdir, name + ".pcap")
        self.proc = topo.spawn(ns, "tcpdump-" + name,
                               ["tcpdump", "-i", iface, "-U", "--immediate-mode", "-n", "-s", "0",
                                "-w", self.path, filt])
        wait_for(lambda: "listening on" in self.proc.text(), 5)

    def stop(self):
        time.sleep(0.5)  # let the last frames reach the file
        self.proc.stop(signal.SIGINT)
        return self.path


def tshark_fields(pcap, fields, display_filter=None):
    cmd = ["tshark", "-r", pcap, "-n", "-T", "fields", "-E", "separator=|",
           "-E", "occurrence=f"]
    if display_filter:
        cmd += ["-Y", display_filter]
    for f in fields:
        cmd += ["-e", f]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=60)
    if r.returncode != 0:
        raise RuntimeError("tshark failed: %s" % r.stderr)
    rows = []
    for line in r.stdout.splitlines():
        rows.append(dict(zip(fields, line.split("|"))))
    return rows


class Handover:
    def __init__(self, topo, report=None, rate_kbps=4000):
        self.topo = topo
        self.report = report or (lambda step: None)
        self.rate_kbps = rate_kbps
        self.steps = []
        self.log_marks = {"ha": 0, "mn": 0}

    def start(self):
        t = self.topo
        self.ping = t.start_ping()
        self.srv, self.cli = t.start_tcp(self.rate_kbps)
        ok = wait_for(lambda: T.tcp_bytes(self.srv.text())[0] >= PROGRESS_BYTES, 15)
        if not ok:
            raise AssertionError("TCP stream made no progress at home:\n%s\n%s" % (
                self.srv.text(), self.cli.text()))
        wait_for(lambda: T.ping_stats(self.ping.text())[0] > 0, 5)

    def tcp(self):
        return T.tcp_bytes(self.srv.text())

    def ping_stats(self):
        return T.ping_stats(self.ping.text())

    def new_agent_lines(self, role, pattern=r"(?i)\b(BU|BA|bind|regist|dereg|move|coa|home)"):
        text = self.topo.agent_log(role)
        new = text[self.log_marks[role]:]
        self.log_marks[role] = len(text)
        return [l for l in new.splitlines() if re.search(pattern, l)]

    def move(self, to, bind_timeout=15, traffic_timeout=20, dwell=0.0):
        """Move, wait for registration and traffic, then stay dwell seconds."""
        t = self.topo
        step = {"to": to, "coa": None}
        _, sent_before, _ = self.ping_stats()
        bytes_before, _ = self.tcp()
        t0 = time.time()
        t.move(to)
        step["coa"] = t.coa()
        try:
            step["binding"] = t.wait_binding(step["coa"], timeout=bind_timeout)
            step["binding_ok"] = True
        except AssertionError as e:
            step["binding"] = str(e)
            step["binding_ok"] = False
        step["t_binding"] = time.time() - t0
        ok = wait_for(lambda: self.ping_stats()[2] > sent_before, traffic_timeout)
        step["ping_ok"] = bool(ok)
        step["t_ping"] = time.time() - t0
        ok = wait_for(lambda: self.tcp()[0] >= bytes_before + PROGRESS_BYTES,
                      traffic_timeout)
        step["tcp_ok"] = bool(ok)
        step["t_tcp"] = time.time() - t0
        time.sleep(dwell)
        step["tcp_bytes"], step["tcp_error"] = self.tcp()
        step["tcp_client_alive"] = self.cli.alive()
        replies, sent, _ = self.ping_stats()
        step["ping_replies"], step["ping_sent"] = replies, sent
        step["bindings"] = self._safe(t.bindings)
        step["ha_show"] = t.ha_show()
        step["ha_log"] = self.new_agent_lines("ha")
        step["mn_log"] = self.new_agent_lines("mn")
        self.steps.append(step)
        self.report(step)
        return step

    @staticmethod
    def _safe(fn):
        try:
            return fn()
        except Exception as e:  # reported, asserted on by the caller
            return "error: %s" % e

    def run(self, path=("a", "b", "home"), dwell=0.0):
        for to in path:
            self.move(to, dwell=dwell)
        return self.steps
