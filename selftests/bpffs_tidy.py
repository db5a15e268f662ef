# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Leave bpffs as a test run found it.

`xmip attach` makes /sys/fs/bpf/xmip; iproute2 makes /sys/fs/bpf/tc/globals
(and the links ip, xdp to it) the first time it loads an object. Each test
layer takes a snapshot before it starts and removes, after it ends, those
of them that it brought into being and that are empty by then.
"""
import os

TIDY = ["/sys/fs/bpf/ip", "/sys/fs/bpf/xdp", "/sys/fs/bpf/tc/globals", "/sys/fs/bpf/tc",
        "/sys/fs/bpf/xmip"]   # children before parents


def snapshot():
    return {p for p in TIDY if os.path.lexists(p)}


def restore(before):
    # Under selftests/run_parallel.py, several runs share bpffs: the runner
    # tidies once, when all of them are over.
    if os.environ.get("XMIP_BPFFS_TIDY") == "runner":
        return
    for p in TIDY:
        if p in before:
            continue
        try:
            os.unlink(p) if os.path.islink(p) else os.rmdir(p)
        except OSError:
            pass   # absent, or not empty: someone else's
