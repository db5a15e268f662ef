# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Helpers of the operations tests (selftests/ops/): paths, commands, and
systemd-analyze verify run on installed units without installing anything
on the host."""
import os
import shutil
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PREFIX = os.environ.get("XMIP_TEST_PREFIX", "xob")


def build_dir():
    d = os.environ.get("XMIP_BUILD", "build/opt")
    return d if os.path.isabs(d) else os.path.join(ROOT, d)


def run(cmd, check=True, **kw):
    kw.setdefault("timeout", 120)
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError("%s -> %d\nstdout:%s\nstderr:%s" % (cmd, p.returncode, p.stdout,
                                                                p.stderr))
    return p


def verify_units(root, units=("xmip@home.service", "xmip-detach@home.service")):
    """systemd-analyze verify on the units installed under root. It checks
    that ExecStart binaries exist and that Documentation= man pages open, so
    it runs in a mount namespace of its own where /usr/sbin is a tmpfs
    holding root's binaries, with MANPATH at root's man pages: the host is
    left as it was. Returns the CompletedProcess (rc, stdout, stderr)."""
    unit_dir = os.path.join(root, "lib", "systemd", "system")
    script = ('mount -t tmpfs xmip-verify /usr/sbin && cp -a "$1"/usr/sbin/. /usr/sbin/ && '
              'cd "$2" && shift 2 && exec systemd-analyze verify "$@"')
    env = dict(os.environ, MANPATH=os.path.join(root, "usr", "share", "man"),
               SYSTEMD_LOG_LEVEL="notice")
    return run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "verify",
                root, unit_dir] + list(units), check=False, env=env)


def have(tool):
    return shutil.which(tool) is not None
