# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The operations side of the CLI without a datapath: `xmip check` names the
right file, line and key for every error of a broken configuration and
warns about risky values, with its documented exit statuses; every verb's
error is a JSON object in -j mode; `xmip monitor` says why it cannot start;
the scripts run again through sudo for a user who has it and say what to do
for one who has not."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from opsutil import ROOT, build_dir, run

XMIP = os.path.join(build_dir(), "xmip")

GOOD_HA = """role = ha
instance = home
interface = eth0
address = 2001:db8:1::2
home-prefix = 2001:db8:1::/64
max-lifetime = 600

[mn mn1@example.org]
home-address = 2001:db8:1::100
spi = 256
key = 00112233445566778899aabbccddeeff01234567
"""


def check(tmp_path, text, *extra, name="x.conf"):
    path = tmp_path / name
    path.write_text(text)
    return run([XMIP, "check", "-c", str(path)] + list(extra), check=False), str(path)


def test_check_valid_file(tmp_path):
    p, path = check(tmp_path, GOOD_HA)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip() == "%s: valid (0 errors, 0 warnings)" % path


def test_check_names_every_error_line_and_key(tmp_path):
    lines = GOOD_HA.splitlines()
    lines[3] = "address = 2001:db8:1::zz"        # line 4: bad value
    lines.insert(5, "tunnel-mtu = 1200")         # line 6: below the IPv6 minimum
    lines.insert(6, "max-lifetme = 600")         # line 7: typo
    lines.append("lifetime = 60")                # line 14: MN key in [mn]
    lines.append("[mip7]")                       # line 15: unknown section
    lines.append("foo = 1")                      # its keys are not read
    p, path = check(tmp_path, "\n".join(lines) + "\n")
    assert p.returncode == 2, p.stdout + p.stderr
    errs = [l for l in p.stdout.splitlines() if ": error: " in l]
    assert errs == [
        "%s:4: error: address: '2001:db8:1::zz' is not an IPv6 address" % path,
        "%s:6: error: tunnel-mtu: 1200 is below 1280, the IPv6 minimum link MTU (RFC 8200 §5)"
        % path,
        "%s:7: error: unknown key 'max-lifetme'" % path,
        "%s:14: error: key 'lifetime' is not valid inside [mn mn1@example.org] (only "
        "home-address, spi, key, ipv4-home-address, mobile-network-prefix); it goes in [mip6]" % path,
        "%s:15: error: unknown section '[mip7]'" % path,
    ], p.stdout
    assert p.stdout.splitlines()[-1] == "%s: invalid (5 errors, 0 warnings)" % path
    j = json.loads(run([XMIP, "-j", "check", "-c", path], check=False).stdout)
    assert j["valid"] is False and j["file"] == path
    assert [(e["line"], e["key"]) for e in j["errors"]] == [
        (4, "address"), (6, "tunnel-mtu"), (7, "max-lifetme"), (14, "lifetime"), (15, None)]


def test_check_cross_key_errors(tmp_path):
    # Checks over the whole file name the line of the key they are about.
    p, path = check(tmp_path, GOOD_HA.replace("home-address = 2001:db8:1::100",
                                              "home-address = 2001:db8:2::100"))
    assert p.returncode == 2
    assert "%s:8: error: [mn mn1@example.org]: home-address is not inside home-prefix" % path \
        in p.stdout, p.stdout
    p, path = check(tmp_path, "role = ha\ninstance = x\naddress = 2001:db8:1::2\n"
                              "home-prefix = 2001:db8:1::/64\n")
    assert p.returncode == 2 and "missing required key 'interface' for role ha" in p.stdout


def test_check_dsmip_errors(tmp_path):
    # [dsmip] (docs/dsmip.md): every error with its file and line.
    base = GOOD_HA.rstrip("\n") + "\n"
    n = len(base.splitlines())
    p, path = check(tmp_path, base + "[dsmip]\nipv4-address = 198.51.100.2\n"
                              "ipv4-hoa-pool = 192.0.2.1/28\nnat-keepalive = 0\n")
    assert p.returncode == 2
    assert "%s:%d: error: ipv4-hoa-pool: 192.0.2.1/28 has bits set past /28" % (path, n + 3) \
        in p.stdout, p.stdout
    assert "%s:%d: error: nat-keepalive:" % (path, n + 4) in p.stdout, p.stdout
    p, path = check(tmp_path, base + "[dsmip]\nipv4-hoa-pool = 192.0.2.0/28\n")
    assert p.returncode == 2
    assert "%s:%d: error: [dsmip]: missing required key 'ipv4-address'" % (path, n + 1) \
        in p.stdout, p.stdout
    p, path = check(tmp_path, base + "ipv4-home-address = 192.0.2.7\n")
    assert p.returncode == 2
    assert "%s:%d: error: [mn mn1@example.org]: ipv4-home-address needs a [dsmip]" % (
        path, n + 1) in p.stdout, p.stdout
    p, path = check(tmp_path, base + "ipv4-home-address = 192.0.2.7\n[dsmip]\n"
                              "ipv4-address = 198.51.100.2\nipv4-hoa-pool = 192.0.2.0/28\n")
    assert p.returncode in (0, 3), p.stdout


def test_check_lifetime_beyond_the_rfc(tmp_path):
    p, path = check(tmp_path, GOOD_HA.replace("max-lifetime = 600", "max-lifetime = 262144"))
    assert p.returncode == 2
    assert "%s:6: error: max-lifetime: 262144 s is beyond what a Binding Update can carry: " \
           "4..262140 s (16 bits in units of 4 s, RFC 6275 §6.1.7)" % path in p.stdout, p.stdout


def test_check_warns_about_risky_values(tmp_path):
    text = GOOD_HA.replace("max-lifetime = 600", "max-lifetime = 601\nmesg-id-window = 300\n"
                           "metrics = 0.0.0.0:9741")
    text = text.replace("key = 00112233445566778899aabbccddeeff01234567", "key = 0011223344")
    p, path = check(tmp_path, text)
    assert p.returncode == 3, p.stdout + p.stderr
    warns = [l.split(": warning: ")[0][len(path) + 1:] + " " + l.split(": warning: ")[1].split(":")[0]
             for l in p.stdout.splitlines() if ": warning: " in l]
    assert warns == ["6 max-lifetime", "7 mesg-id-window", "8 metrics", "13 key"], p.stdout
    assert "5 octets in [mn mn1@example.org] is short" in p.stdout
    assert "so 600 s is what is sent" in p.stdout
    p, path = check(tmp_path, GOOD_HA.replace("tunnel", "").split("[mn")[0])
    assert p.returncode == 3 and "no [mn NAI] section" in p.stdout, p.stdout


MIP4_HA = GOOD_HA + """
[mip4]
address = 10.1.0.2
home-prefix = 10.1.0.0/24
replay-window = 7

[mip4-mn 10.1.0.100]
spi = 4096
key = 00112233445566778899aabbccddeeff

[mip4-peer 198.51.100.2]
spi = 8192
key = 0f0e0d0c0b0a09080706050403020100
"""


def test_check_mip4_sections(tmp_path):
    """Mobile IPv4's sections ([mip4], [mip4-mn], [mip4-peer]; roles ha, fa, mn4) are
    checked like the others: valid, errors with file, line and key, its warnings."""
    p, path = check(tmp_path, MIP4_HA)
    assert p.returncode == 0 and "valid (0 errors, 0 warnings)" in p.stdout, p.stdout
    # Errors: an unknown key, a short key, a key of another role, a section of another role.
    text = MIP4_HA.replace("replay-window = 7", "replay-window = 7\nfoo = 1") \
        .replace("key = 00112233445566778899aabbccddeeff", "key = 0011")
    p, path = check(tmp_path, text)
    assert p.returncode == 2, p.stdout
    assert "%s:17: error: unknown key 'foo' in section [mip4]" % path in p.stdout, p.stdout
    assert "%s:21: error: key: 2 octets is too short" % path in p.stdout, p.stdout
    mn4 = ("role = mn4\ninstance = m\ninterface = w\n[mip4]\nhome-address = 10.1.0.100\n"
           "home-agent = 10.1.0.2\nhome-prefix = 10.1.0.0/24\nspi = 4096\n"
           "key = 00112233445566778899aabbccddeeff\n")
    p, path = check(tmp_path, mn4)
    assert p.returncode == 0, p.stdout
    p, path = check(tmp_path, mn4 + "care-of-address = 10.2.0.1\n")
    assert p.returncode == 2 and "%s:10: error: key 'care-of-address' is not valid for role " \
        "mn4" % path in p.stdout, p.stdout
    p, path = check(tmp_path, mn4 + "[mip4-mn 10.1.0.100]\nspi = 1\n")
    assert p.returncode == 2 and "%s:10: error: [mip4-mn] sections are only valid with role " \
        "= ha or fa" % path in p.stdout, p.stdout
    # Warnings: a long replay window, and an HA serving no Mobile IPv4 node.
    p, path = check(tmp_path, MIP4_HA.replace("replay-window = 7", "replay-window = 300"))
    assert p.returncode == 3 and "%s:16: warning: replay-window: 300 s" % path in p.stdout, \
        p.stdout
    p, path = check(tmp_path, MIP4_HA.split("[mip4-mn")[0])
    assert p.returncode == 3 and "no [mip4-mn ID] section" in p.stdout, p.stdout
    j = json.loads(run([XMIP, "-j", "check", "-c", path], check=False).stdout)
    assert j["valid"] and [w["line"] for w in j["warnings"]] == [13], j


def test_check_touches_nothing(tmp_path):
    # An instance that is not attached and interfaces that do not exist: still valid.
    p, _ = check(tmp_path, GOOD_HA.replace("eth0", "nosuchif9"))
    assert p.returncode == 0
    p = run([XMIP, "check", "-c", str(tmp_path / "absent.conf")], check=False)
    assert p.returncode == 1 and "No such file" in p.stderr


@pytest.mark.parametrize("args", [
    ["bogus"], ["show", "-i", "xob-not-attached"], ["binding", "show", "-i", "xob-not-attached"],
    ["binding", "show", "hoa", "nonsense"], ["binding", "show", "family", "mip9"],
    ["binding", "add", "-i", "xob-not-attached", "2001:db8::1"],
    ["binding", "del", "-i", "xob-not-attached", "2001:db8::1"],
    ["detach", "-i", "xob-not-attached"], ["attach", "-c", "/nonexistent.conf"],
    ["monitor", "-i", "xob-not-attached"], ["check"], ["--nosuchoption", "show"], ["-i"],
])
def test_json_errors_for_every_verb(args):
    for flag in ("-j", "-p"):
        p = run([XMIP, flag] + args, check=False)
        assert p.returncode in (1, 2), (args, p.returncode)
        doc = json.loads(p.stdout)
        assert list(doc) == ["error"] and doc["error"], (args, p.stdout)
        assert "Try 'xmip" not in p.stdout + p.stderr
    # Without -j: the same message as text on stderr, nothing on stdout.
    p = run([XMIP] + args, check=False)
    assert p.returncode in (1, 2) and p.stdout == "" and p.stderr.startswith("xmip: "), args


def test_monitor_without_an_agent(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    os.makedirs("/sys/fs/bpf/xmip/xobmon", exist_ok=True)
    try:
        # Looks attached enough for instance selection? No: instance_check wants xmip_stats.
        p = run([XMIP, "monitor", "-i", "xobmon"], check=False)
        assert p.returncode == 1 and "not attached" in p.stderr, p.stderr
    finally:
        os.rmdir("/sys/fs/bpf/xmip/xobmon")


def test_monitor_follows_an_agent_without_a_datapath(tmp_path):
    """Roles without a datapath (dc, ntm, fa, mn4) pin nothing: xmip monitor finds their
    agent by its socket, named by -i or by -c's configuration (here a DC's), and prints
    what it sends; a name with neither pins nor socket is still an error."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    import socket
    import struct
    import threading
    inst = "xobmondc"
    path = "/run/xmip/%s.sock" % inst
    os.makedirs("/run/xmip", exist_ok=True)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    if os.path.exists(path):
        os.unlink(path)
    srv.bind(path)
    srv.listen(4)
    # struct xmip_event (include/xmip_events.h): a relay-path-created (type 7) of family ntm (4)
    ev = struct.pack("=HHHBBQII16s16s16s16sHHHHI48s256s", 1, 408, 7, 4, 3, 0, 0x208, 0, b"",
                     b"", b"", b"", 0, 0, 0, 0, 0, b"", b"0000abcd rs-s") + bytes(4)

    def serve():
        for _ in range(2):
            c, _ = srv.accept()
            c.send(ev)
            c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    conf = tmp_path / "dc.conf"
    conf.write_text("role = dc\ninstance = %s\n[dc]\nname = a.example\nvip4-pool = 10.200.0.0/16\n"
                    "vip6-pool = fd00:a::/64\n" % inst)
    try:
        for sel in (["-i", inst], ["-c", str(conf)]):
            p = subprocess.Popen([XMIP, "monitor", "-j"] + sel, stdout=subprocess.PIPE, text=True)
            line = p.stdout.readline()
            p.kill()
            p.wait()
            doc = json.loads(line)
            assert (doc["instance"], doc["type"], doc["family"], doc["id"]) == (
                inst, "relay-path-created", "ntm", "0000abcd rs-s"), (sel, line)
    finally:
        srv.close()
        os.unlink(path)
    p = run([XMIP, "monitor", "-i", inst], check=False)
    assert p.returncode == 1 and "no agent socket" in p.stderr, p.stderr


def as_nobody(cmd, env):
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd,
                          capture_output=True, text=True, env=env, timeout=30)


@pytest.fixture
def shared_tmp():
    """A directory another user can reach (pytest's tmp_path is root's, mode 0700)."""
    d = tempfile.mkdtemp(prefix="xob-scripts-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("script", ["demo.sh", "test.sh", "deps.sh"])
def test_scripts_need_root_or_sudo(script, shared_tmp):
    if os.geteuid() != 0:
        pytest.skip("needs root (to become another user)")
    path = os.path.join(ROOT, "scripts", script)
    env = {"PATH": "/usr/bin:/bin", "HOME": shared_tmp}
    if not os.path.exists("/usr/bin/sudo") and not os.path.exists("/bin/sudo"):
        # No sudo anywhere: a clear message, nothing run.
        p = as_nobody(["bash", path], env)
        assert p.returncode == 1 and "needs root" in p.stderr and "root shell" in p.stderr, \
            p.stderr
    # A sudo on the PATH: the script runs itself again through it, with its arguments.
    fake = os.path.join(shared_tmp, "bin")
    os.mkdir(fake)
    log = os.path.join(shared_tmp, "sudo.log")
    with open(os.path.join(fake, "sudo"), "w") as f:
        f.write("#!/bin/sh\necho \"$@\" > %s\n" % log)
    os.chmod(os.path.join(fake, "sudo"), 0o755)
    os.chmod(shared_tmp, 0o777)
    p = as_nobody(["bash", path, "arg1"], dict(env, PATH=fake + ":/usr/bin:/bin",
                                               XMIP_E2E_PREFIX="zz"))
    assert p.returncode == 0, p.stderr
    with open(log) as f:
        words = f.read().split()
    assert words[0].startswith("--preserve-env=") and "XMIP_E2E_PREFIX" in words[0]
    assert words[1:] == ["--", path, "arg1"], words
