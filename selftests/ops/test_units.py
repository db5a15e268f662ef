# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The systemd units as `make install` writes them: systemd-analyze verify
passes without a word; attach before the agent, restart on failure, the
datapath left running on stop, detach only through xmip-detach@."""
import os

import pytest

from opsutil import ROOT, build_dir, have, run, verify_units

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not have("systemd-analyze"),
                                reason="needs root (mount namespace) and systemd-analyze")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("install"))
    o = os.path.relpath(build_dir(), ROOT)
    run(["make", "-C", ROOT, "install", "DESTDIR=" + root, "PREFIX=/usr",
         "UNITDIR=/lib/systemd/system", "SANITIZE=" + ("1" if "/san" in o else "0")])
    return root


def unit(root, name):
    with open(os.path.join(root, "lib/systemd/system", name)) as f:
        return f.read()


def test_systemd_analyze_verify(installed):
    p = verify_units(installed)
    assert p.returncode == 0 and not p.stderr.strip() and not p.stdout.strip(), \
        "systemd-analyze verify:\n" + p.stdout + p.stderr


def test_verify_can_fail(installed, tmp_path):
    """Control: the same check on a unit with an unknown key and a missing binary says so."""
    bad = str(tmp_path)
    os.makedirs(bad + "/lib/systemd/system")
    os.makedirs(bad + "/usr/sbin")
    with open(bad + "/lib/systemd/system/xmip@.service", "w") as f:
        f.write(unit(installed, "xmip@.service").replace("Restart=on-failure",
                                                        "Restart=on-failure\nBogusKey=1"))
    p = verify_units(bad, units=("xmip@home.service",))
    assert "BogusKey" in p.stderr and "/usr/sbin/xmip" in p.stderr, p.stderr


def test_unit_contents(installed):
    u = unit(installed, "xmip@.service")
    lines = [l.strip() for l in u.splitlines() if l.strip() and not l.startswith("#")]
    assert "ExecStartPre=/usr/sbin/xmip attach -c /etc/xmip/%i.conf" in lines
    assert "ExecStart=/usr/sbin/xmip-agentd -c /etc/xmip/%i.conf -f" in lines
    assert "Restart=on-failure" in lines
    # Stopping must not detach: no ExecStop/ExecStopPost touching the datapath.
    assert not [l for l in lines if l.startswith(("ExecStop", "ExecStopPost")) and "detach" in l]
    d = unit(installed, "xmip-detach@.service")
    assert "Conflicts=xmip@%i.service" in d and \
        "ExecStart=/usr/sbin/xmip detach -c /etc/xmip/%i.conf" in d
