# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The Debian package `make deb` built (build/deb/xmip_*.deb): lintian finds
no error; it holds the binaries, man pages, units, example configuration and
bash completion; apt would install it here; its units verify; and the demo's
HA configuration runs with the packaged binaries (attach, agent, metrics,
stop, detach) in a namespace of our own.

The package is unpacked with dpkg -x into a temporary root, not installed:
the host is left as it was for the tests that come after."""
import glob
import os
import re
import signal
import subprocess
import time

import pytest

from opsutil import PREFIX, ROOT, have, run, verify_units

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")

DEB_DIR = os.path.join(ROOT, "build", "deb")
NS = PREFIX + "-deb"
INSTANCE = PREFIX + "debha"
PIN_DIR = "/sys/fs/bpf/xmip/" + INSTANCE


def the_deb():
    debs = [d for d in glob.glob(os.path.join(DEB_DIR, "xmip_*.deb"))]
    if not debs:
        pytest.fail("no package in %s: run make deb first (make check-deb does)" % DEB_DIR)
    return debs[0]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    r = str(tmp_path_factory.mktemp("debroot"))
    run(["dpkg", "-x", the_deb(), r])
    return r


def test_lintian_no_errors():
    if not have("lintian"):
        pytest.skip("lintian not installed")
    p = run(["lintian", "--fail-on", "error", the_deb()], check=False)
    errors = [l for l in p.stdout.splitlines() if l.startswith("E:")]
    assert p.returncode == 0 and not errors, p.stdout + p.stderr


def test_contents(root):
    for path in ("usr/sbin/xmip", "usr/sbin/xmip-agentd"):
        assert os.access(os.path.join(root, path), os.X_OK), path
    for path in ("usr/share/man/man8/xmip.8.gz", "usr/share/man/man8/xmip-agentd.8.gz",
                 "lib/systemd/system/xmip@.service", "lib/systemd/system/xmip-detach@.service",
                 "usr/share/doc/xmip/examples/home.conf", "usr/share/doc/xmip/examples/mn.conf",
                 "usr/share/bash-completion/completions/xmip", "usr/share/doc/xmip/copyright"):
        assert os.path.exists(os.path.join(root, path)), path
    # The man pages render without a complaint from man/groff.
    for page in ("xmip", "xmip-agentd"):
        p = run(["man", "--warnings", "-l", os.path.join(root, "usr/share/man/man8",
                                                         page + ".8.gz")],
                env=dict(os.environ, MANWIDTH="80", MAN_KEEP_STDERR="1"), check=False)
        assert p.returncode == 0 and "xmip" in p.stdout and not p.stderr.strip(), p.stderr
    # The completion loads in bash and offers the verbs.
    comp = os.path.join(root, "usr/share/bash-completion/completions/xmip")
    p = run(["bash", "-c", ". /usr/share/bash-completion/bash_completion 2>/dev/null; . %s; "
             "COMP_WORDS=(xmip mo); COMP_CWORD=1; COMP_LINE='xmip mo'; COMP_POINT=7; _xmip; "
             "echo ${COMPREPLY[@]}" % comp], check=False)
    assert p.stdout.split() == ["monitor"], p.stdout + p.stderr


def test_apt_would_install():
    p = run(["apt-get", "install", "--simulate", "-q", the_deb()], check=False)
    assert p.returncode == 0 and "Inst xmip" in p.stdout, p.stdout + p.stderr


def test_packaged_units_verify(root):
    if not have("systemd-analyze"):
        pytest.skip("no systemd-analyze")
    p = verify_units(root)
    assert p.returncode == 0 and not (p.stdout + p.stderr).strip(), p.stdout + p.stderr


def ns(*cmd):
    return ["nsenter", "--net=/run/netns/" + NS] + list(cmd)


@pytest.fixture
def netns():
    run(["ip", "netns", "del", NS], check=False)
    run(["ip", "netns", "add", NS])
    try:
        run(["ip", "-n", NS, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0"])
        for dev in ("lo", "eth0", "peer0"):
            run(["ip", "-n", NS, "link", "set", dev, "up"])
        run(["ip", "-n", NS, "addr", "add", "2001:db8:1::2/64", "dev", "eth0", "nodad"])
        yield NS
    finally:
        run(["ip", "netns", "del", NS], check=False)
        subprocess.run(["rm", "-rf", PIN_DIR])


def test_demo_ha_configuration_runs(root, netns, tmp_path):
    """The packaged example (the demo's HA) with the packaged binaries."""
    xmip, agentd = os.path.join(root, "usr/sbin/xmip"), os.path.join(root, "usr/sbin/xmip-agentd")
    with open(os.path.join(root, "usr/share/doc/xmip/examples/home.conf")) as f:
        conf_text = f.read().replace("instance = home", "instance = " + INSTANCE)
    conf = str(tmp_path / "home.conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    assert run([xmip, "check", "-c", conf]).stdout.strip().endswith("valid (0 errors, 0 warnings)")
    run(ns(xmip, "attach", "-c", conf))
    log = open(str(tmp_path / "agent.log"), "w")
    # As under systemd: $JOURNAL_STREAM names the file stderr is (dev:inode).
    st = os.fstat(log.fileno())
    env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
    agent = subprocess.Popen(ns(agentd, "-c", conf, "-f", "-v"), stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True, env=env)
    try:
        deadline = time.time() + 10
        body = ""
        while time.time() < deadline and "xmip_build_info" not in body:
            time.sleep(0.2)
            body = run(ns("curl", "-s", "http://127.0.0.1:9741/metrics"), check=False).stdout
        assert 'xmip_instance_info{xmip_instance="%s",role="ha"} 1' % INSTANCE in body, \
            open(log.name).read()
        assert os.path.exists("/run/xmip/%s.sock" % INSTANCE)
        show = run(ns(xmip, "show", "-j", "-i", INSTANCE)).stdout
        assert '"role":"ha"' in show and '"ready":true' in show, show
    finally:
        agent.send_signal(signal.SIGTERM)
        rc = agent.wait(timeout=10)
        log.close()
    text = open(log.name).read()
    assert rc == 0, text
    # Journal priorities (sd-daemon prefixes) instead of time stamps, line by line.
    lines = text.splitlines()
    assert lines and all(re.match(r"<[0-7]>", l) for l in lines), text
    assert any(l.startswith("<6>instance %s: home agent running" % INSTANCE) for l in lines), text
    assert any(l.startswith("<7>") for l in lines), text
    # Stopping the agent leaves the datapath attached; detach takes it down.
    sock = "/run/xmip/%s.sock" % INSTANCE
    assert os.path.exists(PIN_DIR + "/xmip_bindings")
    assert not os.path.exists(sock)
    # An agent killed outright leaves its socket; the next detach tidies it.
    agent = subprocess.Popen(ns(agentd, "-c", conf, "-f"), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 10
    while time.time() < deadline and not os.path.exists(sock):
        time.sleep(0.1)
    agent.kill()
    agent.wait(timeout=10)
    assert os.path.exists(sock)
    run(ns(xmip, "detach", "-c", conf))
    assert not os.path.exists(PIN_DIR)
    assert not os.path.exists(sock)
