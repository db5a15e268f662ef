#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Run a directory's pytest files in parallel workers (make check-e2e, check-bpf).

The e2e tests spend most of their time waiting (lifetimes, retransmission
timers, TCP streams at a fixed rate), not computing, so two files side by
side take little longer than one; the BPF packet tests are short processes
whose verifier time spreads over both cores. Each worker runs one file at a
time with its own name prefix (XMIP_E2E_PREFIX, XMIP_TEST_PREFIX), so two
runs never share a namespace, a pin or a control socket; artifacts are per
test already. bpffs is tidied once, after the last file (bpffs_tidy.py).

Files are taken longest first, by the durations the last run recorded in
$XMIP_BUILD/<dir>-durations.json (file size as a stand-in for a file never
timed), so the long ones do not end up last on one worker.
A file that sets `E2E_SOLO = True` at module level runs after the pool,
alone (for a test whose outcome depends on an otherwise idle machine).

Usage: run_parallel.py --dir DIR --prefix-var VAR --prefix P [--jobs N] [FILE...]
(default FILEs: every test_*.py in DIR)
Exit status: 0 when every file passed, 1 otherwise.
"""
import argparse
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bpffs_tidy  # noqa: E402

REPO = os.path.dirname(HERE)
BUILD = os.environ.get("XMIP_BUILD", "build/opt")
BUILD_DIR = BUILD if os.path.isabs(BUILD) else os.path.join(REPO, BUILD)


def worker_prefix(base, k):
    """Worker k's name prefix: the base with its last letter moved on by k
    (xe, xf, ...), so names keep their length (interface names are at most
    15 octets)."""
    if k == 0:
        return base
    return base[:-1] + chr((ord(base[-1]) - ord("a") + k) % 26 + ord("a"))


def is_solo(path):
    with open(path, encoding="utf-8") as f:
        return any(line.startswith("E2E_SOLO = True") for line in f)


def load_durations(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


class Runner:
    def __init__(self, prefix_var):
        self.prefix_var = prefix_var
        self.lock = threading.Lock()
        self.children = set()
        self.results = {}      # file -> (rc, seconds)
        self.stopping = False

    def run_file(self, path, prefix):
        env = dict(os.environ, XMIP_BPFFS_TIDY="runner")
        env[self.prefix_var] = prefix
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
        with self.lock:
            self.children.add(p)
        out, _ = p.communicate()
        secs = time.monotonic() - t0
        with self.lock:
            self.children.discard(p)
            self.results[path] = (p.returncode, secs)
            name = os.path.basename(path)
            sys.stdout.write("\n----- %s (prefix %s): %s in %.0f s\n" %
                             (name, prefix, "PASS" if p.returncode == 0 else
                              "FAIL exit %d" % p.returncode, secs))
            sys.stdout.write(out.decode(errors="replace"))
            sys.stdout.flush()

    def pool(self, files, jobs, base):
        q = queue.Queue()
        for f in files:
            q.put(f)

        def work(k):
            prefix = worker_prefix(base, k)
            while not self.stopping:
                try:
                    f = q.get_nowait()
                except queue.Empty:
                    return
                self.run_file(f, prefix)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(jobs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def stop(self, signum, _frame):
        """Pass a TERM/INT on to every pytest, so their fixtures tear down."""
        self.stopping = True
        with self.lock:
            for p in self.children:
                try:
                    os.killpg(p.pid, signum)
                except ProcessLookupError:
                    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", required=True, help="the test directory (selftests/e2e)")
    ap.add_argument("--prefix-var", required=True,
                    help="the environment variable that names the tests' prefix")
    ap.add_argument("--prefix", required=True, help="its value when the environment has none")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("XMIP_TEST_JOBS", "2")),
                    help="files run at once (default 2, or $XMIP_TEST_JOBS)")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    base = os.environ.get(a.prefix_var) or a.prefix
    layer = os.path.basename(os.path.normpath(a.dir))
    files = a.files or sorted(os.path.join(a.dir, f) for f in os.listdir(a.dir)
                              if f.startswith("test_") and f.endswith(".py"))
    durations = os.path.join(BUILD_DIR, layer + "-durations.json")
    known = load_durations(durations)
    weight = {f: known.get(os.path.basename(f), os.path.getsize(f) / 1000.0) for f in files}
    files.sort(key=lambda f: -weight[f])
    solo = [f for f in files if is_solo(f)]
    shared = [f for f in files if f not in solo]

    r = Runner(a.prefix_var)
    signal.signal(signal.SIGTERM, r.stop)
    signal.signal(signal.SIGINT, r.stop)
    bpffs_before = bpffs_tidy.snapshot()
    t0 = time.monotonic()
    try:
        r.pool(shared, max(1, a.jobs), base)
        r.pool(solo, 1, base)
    finally:
        bpffs_tidy.restore(bpffs_before)

    # Remember this run's durations for the next one's order.
    known.update({os.path.basename(f): round(s, 1) for f, (_, s) in r.results.items()})
    try:
        with open(durations, "w", encoding="utf-8") as f:
            json.dump(known, f, indent=1, sort_keys=True)
    except OSError:
        pass

    failed = sorted(os.path.basename(f) for f, (rc, _) in r.results.items() if rc != 0)
    missing = sorted(os.path.basename(f) for f in files if f not in r.results)
    print("\n===== %s: %d files, %d workers, %.0f s; %d failed%s" %
          (layer, len(files), a.jobs, time.monotonic() - t0, len(failed),
           (": " + " ".join(failed)) if failed else ""))
    if missing:
        print("not run: " + " ".join(missing))
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
