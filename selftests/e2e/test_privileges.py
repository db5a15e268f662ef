# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Privileges (docs/RELIABILITY.md, "Privileges").

After set-up each agent keeps CAP_NET_ADMIN (netlink changes at run time)
and CAP_NET_RAW (the raw socket of each unsolicited NA) and nothing else:
effective, permitted and bounding sets are exactly those two, inheritable
and ambient empty, no_new_privs set; and it still does its job with them
(the MN moves, the HA registers it and proxies for the home address, the
traffic follows). The pins `xmip attach` made are root's alone: the pin
directories 0700, every pinned map and link 0600.
"""
import os
import stat

import topology as T
from scenario import Handover

CAP_NET_ADMIN, CAP_NET_RAW = 12, 13
KEEP = 1 << CAP_NET_ADMIN | 1 << CAP_NET_RAW


def proc_status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def test_agents_keep_only_net_admin_and_net_raw(xtopo):
    h = Handover(xtopo)
    h.start()
    for role in ("ha", "mn"):
        st = proc_status(xtopo.agents[role].popen.pid)
        assert "xmip-agentd" in st["Name"], st["Name"]
        got = {k: int(st[k], 16) for k in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb")}
        assert got == {"CapEff": KEEP, "CapPrm": KEEP, "CapBnd": KEEP, "CapInh": 0,
                       "CapAmb": 0}, "%s agent: %s" % (role, {k: hex(v) for k, v in got.items()})
        assert st["NoNewPrivs"].strip() == "1", role
    # With only those, registration, proxy ND and the tunnel still work.
    step = h.move("a")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step
    step = h.move("home")
    assert step["binding_ok"] and step["ping_ok"] and step["tcp_ok"], step


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
