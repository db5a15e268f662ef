# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Throughput and ping over time during the demo, with the moves marked: a
sampler thread, a text plot for the terminal and an SVG for the artifacts."""
import re
import threading
import time

import topology as T

SERVER = re.compile(r"^bytes=(\d+) t=([\d.]+)$", re.M)
REPLY = re.compile(r"icmp_seq=(\d+) .*time=([\d.]+) ms")
NO_ANSWER = re.compile(r"no answer yet for icmp_seq=(\d+)")
BLOCKS = " ▁▂▃▄▅▆▇█"


class Timeline:
    """Samples the TCP byte count and the ping log every `period` seconds."""

    def __init__(self, handover, period=0.25):
        self.h = handover
        self.period = period
        self.samples = []      # (t, tcp_bytes) as sampled
        self.offset = None     # our t minus the TCP server's own t (its lines are exact)
        self.pings = {}        # icmp_seq -> (t_seen, rtt_ms or None)
        self.moves = []        # (t, label)
        self.t0 = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.t0 = time.time()
        self._thread.start()

    def mark(self, label):
        self.moves.append((time.time() - self.t0, label))

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self):
        while not self._stop.is_set():
            t = time.time() - self.t0
            self.samples.append((t, self.h.tcp()[0]))
            last = SERVER.findall(self.h.srv.text())
            if last:
                off = t - float(last[-1][1])
                self.offset = off if self.offset is None else min(self.offset, off)
            for line in self.h.ping.text().splitlines():
                m = REPLY.search(line)
                if m:
                    seq = int(m.group(1))
                    if self.pings.get(seq, (0, None))[1] is None:
                        self.pings[seq] = (self.pings.get(seq, (t, None))[0], float(m.group(2)))
                    continue
                m = NO_ANSWER.search(line)
                if m and int(m.group(1)) not in self.pings:
                    self.pings[int(m.group(1))] = (t, None)
            self._stop.wait(self.period)

    # ---- series ------------------------------------------------------------------
    def tcp_series(self):
        """(t, bytes) from the server's own lines (every 0.2 s), on our clock."""
        if self.offset is None:
            return list(self.samples)
        return [(float(t) + self.offset, int(b)) for b, t in SERVER.findall(self.h.srv.text())
                if float(t) + self.offset <= self.samples[-1][0]]

    @staticmethod
    def at(series, t):
        """Bytes at time t, interpolated."""
        if not series or t <= series[0][0]:
            return series[0][1] if series else 0
        for (t0, b0), (t1, b1) in zip(series, series[1:]):
            if t0 <= t <= t1:
                return b0 + (b1 - b0) * ((t - t0) / (t1 - t0) if t1 > t0 else 1)
        return series[-1][1]

    def bins(self, width=0.5):
        """Per bin: (t, Mbit/s, answered, lost, mean rtt ms)."""
        if len(self.samples) < 2:
            return []
        series = self.tcp_series()
        end = self.samples[-1][0]
        n = int(end / width) + 1
        out = []
        for i in range(n):
            lo, hi = i * width, (i + 1) * width
            mbit = (self.at(series, hi) - self.at(series, lo)) * 8 / width / 1e6
            pings = [p for p in self.pings.values() if lo <= p[0] < hi]
            answered = [p[1] for p in pings if p[1] is not None]
            out.append((lo, max(mbit, 0.0), len(answered), len(pings) - len(answered),
                        sum(answered) / len(answered) if answered else None))
        return out

    # ---- text ----------------------------------------------------------------------
    def text_plot(self, width=0.5, height=5):
        b = self.bins(width)
        if not b:
            return "(no samples)"
        peak = max(x[1] for x in b) or 1.0
        lines = ["throughput CN -> HoA (TCP, Mbit/s) and ping over time; ▲ = a move"]
        for row in range(height, 0, -1):
            cells = []
            for x in b:
                level = x[1] / peak * height - (row - 1)
                cells.append(BLOCKS[max(0, min(8, int(round(level * 8))))] if level > 0 else " ")
            label = "%5.1f ┤" % (peak * row / height) if row in (height, 1) else "      │"
            lines.append(label + "".join(cells))
        ping = []
        for x in b:
            ping.append(" " if x[2] + x[3] == 0 else "●" if x[3] == 0 else "○" if x[2] == 0
                        else "◐")
        lines.append(" ping │" + "".join(ping) + "   ● answered  ○ lost  ◐ some lost")
        marks = [" "] * len(b)
        names = [" "] * (len(b) + 12)
        for t, label in self.moves:
            i = min(int(t / width), len(b) - 1)
            marks[i] = "▲"
            for k, ch in enumerate(label):
                if i + k < len(names):
                    names[i + k] = ch
        lines.append("      │" + "".join(marks))
        lines.append("      │" + "".join(names).rstrip())
        axis = [" "] * len(b)
        for i in range(0, len(b), 10):
            for k, ch in enumerate("%ds" % int(i * width)):
                if i + k < len(axis):
                    axis[i + k] = ch
        lines.append("  time└" + "".join(axis))
        return "\n".join(lines)

    def summary(self):
        """One line per move: the longest TCP pause and the pings lost around it."""
        series = self.tcp_series()
        out = []
        for i, (t, label) in enumerate(self.moves):
            end = self.moves[i + 1][0] if i + 1 < len(self.moves) else t + 5
            grew = [s[0] for a, s in zip(series, series[1:])
                    if s[1] > a[1] and t - 0.5 <= s[0] <= end]
            pause = max((b - a for a, b in zip([t] + grew, grew)), default=end - t)
            pings = [p for p in self.pings.values() if t - 0.2 <= p[0] < end]
            lost = sum(1 for p in pings if p[1] is None)
            rtts = [p[1] for p in pings if p[1] is not None]
            out.append("  move to %-4s at %5.1f s: longest TCP pause %.1f s, %d of %d pings "
                       "lost, ping rtt %s" % (label, t, pause, lost, len(pings),
                                              ("%.2f ms" % (sum(rtts) / len(rtts))) if rtts
                                              else "-"))
        return "\n".join(out)

    # ---- SVG -------------------------------------------------------------------------
    def svg(self, path, width=0.5):
        b = self.bins(width)
        if not b:
            return
        W, H, L, R, TOP, MID, BOT = 900, 360, 60, 20, 30, 200, 320
        tmax = b[-1][0] + width
        peak = max(x[1] for x in b) or 1.0
        rtts = [x[4] for x in b if x[4] is not None]
        rmax = max(rtts) if rtts else 1.0
        X = lambda t: L + (W - L - R) * t / tmax  # noqa: E731
        e = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'font-family="sans-serif" font-size="12">' % (W, H),
             '<rect width="100%" height="100%" fill="white"/>',
             '<text x="%d" y="18">xmip demo: TCP throughput CN -&gt; HoA (Mbit/s) and ping '
             'RTT (ms) over time; dashed lines are moves</text>' % L]
        pts = " ".join("%.1f,%.1f" % (X(x[0] + width / 2), MID - (MID - TOP) * x[1] / peak)
                       for x in b)
        e.append('<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="%s"/>' % pts)
        e.append('<text x="4" y="%d">%.1f</text><text x="4" y="%d">0</text>' % (TOP + 4, peak,
                                                                               MID))
        e.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#999"/>' % (L, MID, W - R, MID))
        for x in b:
            cx = X(x[0] + width / 2)
            if x[4] is not None:
                cy = BOT - (BOT - MID - 20) * x[4] / rmax
                e.append('<circle cx="%.1f" cy="%.1f" r="3" fill="#2ca02c"/>' % (cx, cy))
            if x[3]:
                e.append('<text x="%.1f" y="%d" fill="#d62728" text-anchor="middle">×</text>'
                         % (cx, BOT + 4))
        e.append('<text x="4" y="%d">ping</text>' % (BOT - 40))
        e.append('<text x="4" y="%d">%.2f ms</text>' % (MID + 30, rmax))
        for t, label in self.moves:
            e.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#d62728" '
                     'stroke-dasharray="4,3"/>' % (X(t), TOP, X(t), BOT))
            e.append('<text x="%.1f" y="%d" fill="#d62728">→ %s</text>' % (X(t) + 3, TOP + 12,
                                                                          label))
        for s in range(0, int(tmax) + 1, 5):
            e.append('<text x="%.1f" y="%d" text-anchor="middle">%ds</text>' % (X(s), H - 12, s))
        e.append("</svg>")
        with open(path, "w") as f:
            f.write("\n".join(e) + "\n")


TOPOLOGY = r"""
            CN {cn}
                  |
                  |  2001:db8:c::/64
                  |
 +----------------------------------+   link a 2001:db8:a::/64
 |  RT (router)                     |----------------------------  MN interface a   {a}
 |                                  |   link b 2001:db8:b::/64
 |                                  |----------------------------  MN interface b   {b}
 +----------------------------------+
                  |  home link {home} (bridge)
        +---------+----------------------+
        |                                |
   HA {ha}                  MN interface home  {mnhome}
   xmip XDP + xmip-agentd          home address {hoa} (always)
""".format(cn=T.CN_ADDR, a=T.LINKS["a"][0], b=T.LINKS["b"][0], home=T.HOME_PREFIX,
           ha=T.HA_ADDR, mnhome=T.LINKS["home"][0], hoa=T.HOA)
