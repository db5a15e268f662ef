# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The xmip CLI against the kernel: attach/show/binding/detach in a network
namespace with a veth pair of our own. Needs root. Every namespace and pin is
named xcl* and removed even when a test fails."""
import ipaddress
import json
import os
import shutil
import socket
import struct
import subprocess
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("XMIP_BUILD", os.path.join(ROOT, "build", "opt"))
XMIP = os.path.join(BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD), "xmip")
PIN_ROOT = "/sys/fs/bpf/xmip"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def run(cmd, check=True, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} -> {p.returncode}\nstdout:{p.stdout}\nstderr:{p.stderr}")
    return p


class Env:
    """A namespace with veth xclv0 <-> xclv1 and helpers to run xmip inside it."""

    def __init__(self, tmp_path):
        tag = uuid.uuid4().hex[:6]
        self.ns = f"xcl-cli-{tag}"
        self.instance = f"xclt{tag}"
        self.pin_dir = f"{PIN_ROOT}/{self.instance}"
        self.tmp = tmp_path
        self.instances = {self.instance}
        run(["ip", "netns", "add", self.ns])
        run(["ip", "-n", self.ns, "link", "add", "xclv0", "type", "veth", "peer", "name", "xclv1"])
        for dev in ("xclv0", "xclv1", "lo"):
            run(["ip", "-n", self.ns, "link", "set", dev, "up"])

    def nsrun(self, cmd, check=True, **kw):
        # nsenter keeps the host's /sys/fs/bpf, unlike `ip netns exec`.
        return run(["nsenter", f"--net=/run/netns/{self.ns}"] + cmd, check=check, **kw)

    def xmip(self, *args, check=True):
        return self.nsrun([XMIP] + list(args), check=check)

    def conf(self, text, name="x.conf"):
        path = self.tmp / name
        path.write_text(text)
        return str(path)

    def ha_conf(self, ifaces=("xclv0",), mode="native", instance=None, max_bindings=4096):
        instance = instance or self.instance
        self.instances.add(instance)
        lines = [f"role = ha", f"instance = {instance}"]
        lines += [f"interface = {i}" for i in ifaces]
        lines += ["address = 2001:db8:1::2", "home-prefix = 2001:db8:1::/64",
                  f"xdp-mode = {mode}", f"max-bindings = {max_bindings}"]
        return self.conf("\n".join(lines) + "\n", f"{instance}.conf")

    def link_xdp(self, dev):
        out = json.loads(self.nsrun(["ip", "-j", "link", "show", dev]).stdout)[0]
        return out.get("xdp")

    def cleanup(self):
        for inst in self.instances:
            if os.path.isdir(f"{PIN_ROOT}/{inst}"):
                self.xmip("detach", "-i", inst, check=False)
                shutil.rmtree(f"{PIN_ROOT}/{inst}", ignore_errors=True)
        run(["ip", "netns", "del", self.ns], check=False)


@pytest.fixture
def env(tmp_path):
    assert os.path.exists(XMIP), f"build xmip first ({XMIP})"
    e = Env(tmp_path)
    try:
        yield e
    finally:
        e.cleanup()


def show(env, instance=None):
    out = json.loads(env.xmip("show", "-j", "-i", instance or env.instance).stdout)
    assert len(out) == 1
    return out[0]


def fw_slots(env, state):
    """The slots of the instance's fast-path table in one state (1 VALID, 3 DELETED)."""
    dump = json.loads(run(["bpftool", "-j", "map", "dump", "pinned",
                           f"{env.pin_dir}/xmip_fwtable"]).stdout)
    return [e["formatted"]["value"] for e in dump
            if e["formatted"]["key"] and e["formatted"]["value"]["state"] == state]


def map_id(path):
    return json.loads(run(["bpftool", "-j", "map", "show", "pinned", path]).stdout)["id"]


def test_attach_show_native(env):
    p = env.xmip("attach", "-c", env.ha_conf())
    assert "xclv0: XDP attached in native mode" in p.stderr
    s = show(env)
    assert s["role"] == "ha" and s["ready"] is True
    assert s["address"] == "2001:db8:1::2" and s["home_plen"] == 64
    assert s["tunnel_mtu"] == 1460  # veth MTU 1500 - 40
    assert s["max_bindings"] == 4096
    assert [i["name"] for i in s["interfaces"]] == ["xclv0"]
    iface = s["interfaces"][0]
    assert iface["xdp_mode"] == "native" and iface["prog_name"] == "xmip_ha_xdp"
    # the kernel agrees: native (mode 1) with the same program id
    xdp = env.link_xdp("xclv0")
    assert xdp["mode"] == 1 and xdp["prog"]["id"] == iface["prog_id"]
    assert "counters" in s and "encap_ok" in s["counters"]
    text = env.xmip("show", "-i", env.instance).stdout
    assert "role ha" in text and "xclv0: xdp native" in text


def test_binding_add_dump_show(env):
    env.xmip("attach", "-c", env.ha_conf())
    env.xmip("binding", "add", "-i", env.instance, "2001:db8:1::100", "2001:db8:2::5", "600")
    dump = json.loads(run(["bpftool", "-j", "map", "dump", "pinned",
                           f"{env.pin_dir}/xmip_bindings"]).stdout)
    assert len(dump) == 1
    # bpftool prints named fields thanks to BTF
    key, val = dump[0]["formatted"]["key"], dump[0]["formatted"]["value"]
    assert bytes(key["hoa"]) == bytes.fromhex("20010db8000100000000000000000100")
    assert bytes(val["coa"]) == bytes.fromhex("20010db8000200000000000000000005")
    assert val["lifetime_s"] == 600 and val["seq"] == 0 and val["bu_flags"] == 0x4000
    text = run(["bpftool", "map", "dump", "pinned", f"{env.pin_dir}/xmip_bindings"]).stdout
    assert '"lifetime_s": 600' in text and '"coa": [' in text
    b = json.loads(env.xmip("binding", "show", "-j", "-i", env.instance).stdout)
    assert len(b) == 1
    b = b[0]
    assert (b["hoa"], b["coa"], b["lifetime"], b["seq"], b["flags"]) == \
        ("2001:db8:1::100", "2001:db8:2::5", 600, 0, "H")
    assert 590 <= b["remaining"] <= 600
    table = env.xmip("binding", "show", "-i", env.instance).stdout
    assert "2001:db8:1::100" in table and "2001:db8:2::5" in table
    # The datapath's slot for it, in the fast-path table (BTF names too).
    assert [s["coa"] for s in fw_slots(env, 1)] == [list(bytes.fromhex("20010db8000200000000000000000005"))]
    env.xmip("binding", "del", "-i", env.instance, "2001:db8:1::100")
    assert json.loads(env.xmip("binding", "show", "-j", "-i", env.instance).stdout) == []
    # Retired (deleted, in quarantine), never VALID again.
    assert fw_slots(env, 1) == [] and len(fw_slots(env, 3)) == 1
    p = env.xmip("binding", "del", "-i", env.instance, "2001:db8:1::100", check=False)
    assert p.returncode == 1 and "no binding for 2001:db8:1::100" in p.stderr


def test_reattach_keeps_bindings_and_maps(env):
    conf = env.ha_conf()
    env.xmip("attach", "-c", conf)
    env.xmip("binding", "add", "-i", env.instance, "2001:db8:1::100", "2001:db8:2::5")
    before = show(env)["interfaces"][0]
    mid = map_id(f"{env.pin_dir}/xmip_bindings")
    p = env.xmip("attach", "-c", conf)
    assert "replaced XDP program in link" in p.stderr
    after = show(env)["interfaces"][0]
    assert map_id(f"{env.pin_dir}/xmip_bindings") == mid
    assert after["link_id"] == before["link_id"]        # same link, updated in place
    assert after["prog_id"] != before["prog_id"]        # new program
    assert env.link_xdp("xclv0")["prog"]["id"] == after["prog_id"]
    b = json.loads(env.xmip("binding", "show", "-j", "-i", env.instance).stdout)
    assert [x["hoa"] for x in b] == ["2001:db8:1::100"]


def test_detach_removes_everything(env):
    env.xmip("attach", "-c", env.ha_conf(ifaces=("xclv0", "xclv1")))
    assert env.link_xdp("xclv0") and env.link_xdp("xclv1")
    env.xmip("detach", "-i", env.instance)
    assert not os.path.exists(env.pin_dir)
    assert env.link_xdp("xclv0") is None and env.link_xdp("xclv1") is None
    p = env.xmip("show", "-i", env.instance, check=False)
    assert p.returncode == 1 and f"instance '{env.instance}' is not attached" in p.stderr
    p = env.xmip("detach", "-i", env.instance, check=False)
    assert p.returncode == 1 and "not attached" in p.stderr


def test_interface_dropped_from_config_is_detached(env):
    env.xmip("attach", "-c", env.ha_conf(ifaces=("xclv0", "xclv1")))
    env.xmip("attach", "-c", env.ha_conf(ifaces=("xclv0",)))
    assert env.link_xdp("xclv1") is None and env.link_xdp("xclv0")
    assert [i["name"] for i in show(env)["interfaces"]] == ["xclv0"]


def test_missing_interface(env):
    p = env.xmip("attach", "-c", env.ha_conf(ifaces=("xclv0", "xclnope")), check=False)
    assert p.returncode == 1
    assert "interface 'xclnope' does not exist" in p.stderr
    assert not os.path.exists(env.pin_dir)
    assert env.link_xdp("xclv0") is None


def test_bad_config_is_usage_error(env):
    path = env.conf("role = ha\ninstnce = x\n")
    p = env.xmip("attach", "-c", path, check=False)
    assert p.returncode == 2
    assert f"{path}:2: unknown key 'instnce'" in p.stderr
    path = env.conf("role = mn\nspi = 17\n")
    p = env.xmip("attach", "-c", path, check=False)
    assert p.returncode == 2 and f"{path}:2: spi: 17 is reserved" in p.stderr


def test_usage_errors(env):
    for args in (["frobnicate"], ["attach"], ["detach"], ["--bogus", "show"],
                 ["binding", "add", "-i", env.instance, "not-an-address", "::1"],
                 ["show", "-i", "../etc"]):
        p = env.xmip(*args, check=False)
        assert p.returncode == 2, (args, p.stderr)
        assert p.stderr.startswith("xmip: ") or "Try 'xmip" in p.stderr


def test_native_unsupported_and_auto_fallback(env):
    p = env.xmip("attach", "-c", env.ha_conf(ifaces=("lo",), mode="native"), check=False)
    assert p.returncode == 1 and "lo: native XDP attach failed" in p.stderr
    assert "set xdp-mode = auto or tc" in p.stderr
    assert not os.path.exists(env.pin_dir)
    # An HA falls back to tc (never to generic XDP).
    p = env.xmip("attach", "-c", env.ha_conf(ifaces=("lo",), mode="auto"))
    assert "lo: native XDP failed" in p.stderr and "falling back to tc mode" in p.stderr
    iface = show(env)["interfaces"][0]
    assert iface["xdp_mode"] == "tc" and iface["tc_ingress"]["prog_name"] == "xmip_ha_tc_in"
    assert env.link_xdp("lo") is None
    # An MN falls back to generic XDP, as before.
    inst = env.instance + "m"
    env.instances.add(inst)
    conf = env.conf(MN_CONF.format(inst=inst).replace("xclv0", "lo"))
    p = env.xmip("attach", "-c", conf)
    assert "falling back to generic (SKB) mode" in p.stderr
    assert show(env, inst)["interfaces"][0]["xdp_mode"] == "generic"
    assert env.link_xdp("lo")["mode"] == 2  # XDP_ATTACHED_SKB


def test_generic_xdp_refused_for_the_ha_and_tc_for_the_mn(env):
    p = env.xmip("attach", "-c", env.ha_conf(mode="generic"), check=False)
    assert p.returncode == 1
    assert "xdp-mode = generic is refused for the home agent" in p.stderr
    assert "use xdp-mode = tc" in p.stderr
    assert not os.path.exists(env.pin_dir) and env.link_xdp("xclv0") is None
    inst = env.instance + "m"
    env.instances.add(inst)
    conf = env.conf(MN_CONF.format(inst=inst) + "xdp-mode = tc\n")
    p = env.xmip("attach", "-c", conf, check=False)
    assert p.returncode == 1 and "xdp-mode = tc is for the home agent" in p.stderr


def test_tc_mode(env):
    env.xmip("attach", "-c", env.ha_conf(mode="tc"))
    iface = show(env)["interfaces"][0]
    assert iface["xdp_mode"] == "tc" and iface["link_id"] == 0
    assert iface["tc_ingress"]["prog_name"] == "xmip_ha_tc_in"
    assert iface["tc_egress"]["prog_name"] == "xmip_ha_tc_out"
    assert env.link_xdp("xclv0") is None
    filters = json.loads(env.nsrun(["tc", "-j", "filter", "show", "dev", "xclv0", "ingress"]).stdout)
    assert any(f.get("options", {}).get("prog", {}).get("id") == iface["tc_ingress"]["prog_id"]
               for f in filters)
    assert "xclv0: tc (no XDP)" in env.xmip("show", "-i", env.instance).stdout
    env.xmip("detach", "-i", env.instance)
    for where in ("ingress", "egress"):
        filters = json.loads(env.nsrun(["tc", "-j", "filter", "show", "dev", "xclv0",
                                        where]).stdout)
        assert not any("options" in f for f in filters), where


def test_mn_tc_egress(env):
    inst = env.instance + "m"
    env.instances.add(inst)
    conf = env.conf(f"""role = mn
instance = {inst}
interface = xclv0
home-address = 2001:db8:1::100
home-agent = 2001:db8:1::2
home-prefix = 2001:db8:1::/64
nai = mn1@example.org
spi = 256
key = 0123456789abcdef0123456789abcdef
""")
    env.xmip("attach", "-c", conf)
    s = show(env, inst)
    assert s["role"] == "mn" and s["home_agent"] == "2001:db8:1::2" and s["away"] is False
    tc = s["interfaces"][0]["tc_egress"]
    assert tc and tc["prog_name"] == "xmip_mn_egress"
    filters = json.loads(env.nsrun(["tc", "-j", "filter", "show", "dev", "xclv0", "egress"]).stdout)
    assert any(f.get("options", {}).get("prog", {}).get("id") == tc["prog_id"] for f in filters)
    p = env.xmip("binding", "add", "-i", inst, "2001:db8:1::100", "::1", check=False)
    assert p.returncode == 1 and "not a home agent" in p.stderr
    env.xmip("detach", "-c", conf)
    filters = json.loads(env.nsrun(["tc", "-j", "filter", "show", "dev", "xclv0", "egress"]).stdout)
    assert not any("options" in f for f in filters)
    assert env.link_xdp("xclv0") is None


def test_incompatible_pinned_map(env):
    # A map pinned by an older build with another layout must not be silently replaced.
    os.makedirs(env.pin_dir, exist_ok=True)
    run(["bpftool", "map", "create", f"{env.pin_dir}/xmip_stats", "type", "array",
         "key", "4", "value", "8", "entries", "1", "name", "xmip_stats"])
    p = env.xmip("attach", "-c", env.ha_conf(), check=False)
    assert p.returncode == 1
    assert "does not match this build's layout" in p.stderr
    assert "verifier log" in p.stderr  # the libbpf log tail is shown
    assert env.link_xdp("xclv0") is None


def test_smaller_stats_pin_replaced(env):
    # The counters an older build pinned with fewer slots start again from
    # zero, with a message; the attach goes on.
    os.makedirs(env.pin_dir, exist_ok=True)
    run(["bpftool", "map", "create", f"{env.pin_dir}/xmip_stats", "type", "percpu_array",
         "key", "4", "value", "8", "entries", "128", "name", "xmip_stats"])
    p = env.xmip("attach", "-c", env.ha_conf())
    assert "xmip_stats: 128 counters pinned, this build has" in p.stdout + p.stderr
    info = json.loads(run(["bpftool", "-j", "map", "show", "pinned",
                           f"{env.pin_dir}/xmip_stats"]).stdout)
    assert info["max_entries"] > 128
    assert env.link_xdp("xclv0") is not None


def test_not_root(env):
    conf = env.ha_conf()
    p = run(["nsenter", f"--net=/run/netns/{env.ns}", "setpriv", "--reuid=65534",
             "--regid=65534", "--clear-groups", XMIP, "attach", "-c", conf], check=False)
    assert p.returncode == 1 and "needs root" in p.stderr
    assert not os.path.exists(env.pin_dir)


def test_mounts_bpffs_when_missing(env):
    # In a private mount namespace without bpffs: attach mounts one and works.
    script = (f"umount -l /sys/fs/bpf 2>/dev/null; "
              f"{XMIP} attach -c {env.ha_conf()} && {XMIP} show -j -i {env.instance} && "
              f"{XMIP} detach -i {env.instance}")
    p = run(["nsenter", f"--net=/run/netns/{env.ns}", "unshare", "-m", "--propagation",
             "private", "sh", "-c", script], check=False)
    assert p.returncode == 0, p.stderr
    assert "bpffs was not mounted; mounted it at /sys/fs/bpf" in p.stderr
    assert "private mount namespace (ip netns exec?)" in p.stderr
    assert json.loads(p.stdout.strip())[0]["role"] == "ha"
    assert env.link_xdp("xclv0") is None


@pytest.mark.parametrize("verb", [[], ["attach"], ["detach"], ["show"], ["binding"], ["relay"]])
def test_help(verb):
    p = run([XMIP] + verb + ["--help"])
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "FILES"):
        assert section in p.stdout, (verb, section)
    p = run([XMIP, "-V"])
    assert p.stdout.startswith("xmip ")


def test_reattach_mode_change_and_recreated_interface(env):
    env.xmip("attach", "-c", env.ha_conf(mode="native"))
    p = env.xmip("attach", "-c", env.ha_conf(mode="tc"))
    assert "xclv0: XDP detached (tc mode)" in p.stderr
    assert show(env)["interfaces"][0]["xdp_mode"] == "tc"
    assert env.link_xdp("xclv0") is None
    p = env.xmip("attach", "-c", env.ha_conf(mode="native"))
    assert "XDP attached in native mode" in p.stderr
    assert show(env)["interfaces"][0]["xdp_mode"] == "native"
    # The interface disappears and comes back under the same name: the pinned
    # link is stale and must be replaced, not updated.
    env.nsrun(["ip", "link", "del", "xclv0"])
    s = show(env)
    assert s["interfaces"][0]["ifindex"] == 0
    assert "interface gone" in env.xmip("show", "-i", env.instance).stdout
    env.nsrun(["ip", "link", "add", "xclv0", "type", "veth", "peer", "name", "xclv1"])
    env.nsrun(["ip", "link", "set", "xclv0", "up"])
    p = env.xmip("attach", "-c", env.ha_conf(mode="native"))
    assert "pinned link is stale" in p.stderr
    iface = show(env)["interfaces"][0]
    assert iface["xdp_mode"] == "native"
    assert env.link_xdp("xclv0")["prog"]["id"] == iface["prog_id"]


def test_binding_cache_full_and_size_kept(env):
    env.xmip("attach", "-c", env.ha_conf(max_bindings=2))
    env.xmip("binding", "add", "-i", env.instance, "2001:db8:1::1", "2001:db8:2::1")
    env.xmip("binding", "add", "-i", env.instance, "2001:db8:1::2", "2001:db8:2::1")
    p = env.xmip("binding", "add", "-i", env.instance, "2001:db8:1::3", "2001:db8:2::1",
                 check=False)
    assert p.returncode == 1 and "binding cache full" in p.stderr
    # replacing an existing binding still works when full
    env.xmip("binding", "add", "-i", env.instance, "2001:db8:1::2", "2001:db8:2::9", "60")
    # a bigger max-bindings cannot apply to the pinned map without losing bindings
    p = env.xmip("attach", "-c", env.ha_conf(max_bindings=8))
    assert "keeping the pinned size 2" in p.stderr
    s = show(env)
    assert s["max_bindings"] == 2 and s["bindings"] == 2


BROKEN_HA = r'''
// A home agent object the verifier must reject: a hash lookup used unchecked.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "xmip_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_binding);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_bindings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_replay_state);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_replay SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct xmip_binding_key);
	__type(value, struct xmip_ident);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_ident SEC(".maps");

const volatile struct xmip_ha_conf xmip_ha_conf = {};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65);
	__type(key, __u32);
	__type(value, struct xmip_fw_slot);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} xmip_fwtable SEC(".maps");

SEC("tc")
int xmip_ha_tc_in(struct __sk_buff *skb)
{
	return 0;
}

SEC("tc")
int xmip_ha_tc_out(struct __sk_buff *skb)
{
	return 0;
}

SEC("syscall")
int xmip_clock(struct xmip_clock_ctx *c)
{
	c->jiffies = bpf_jiffies64();
	return 0;
}

SEC("xdp")
int xmip_ha_xdp(struct xdp_md *ctx)
{
	struct xmip_binding_key k = {};
	struct xmip_binding *b = bpf_map_lookup_elem(&xmip_bindings, &k);

	if (xmip_ha_conf.ready)   /* attach sets it: the path is verified */
		b->seq = 1;       /* no NULL check: rejected */
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
'''


def test_verifier_rejection_prints_log_tail(env, tmp_path):
    # Build a copy of xmip whose HA object the verifier rejects.
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("build", ".git", "__pycache__"))
    (src / "bpf" / "xmip_ha.bpf.c").write_text(BROKEN_HA)
    clean_env = {k: v for k, v in os.environ.items()
                 if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SANITIZE")}
    run(["make", "-C", str(src), "-s", "SANITIZE=0", "build/opt/xmip"], env=clean_env)
    p = env.nsrun([str(src / "build/opt/xmip"), "attach", "-c", env.ha_conf()], check=False)
    assert p.returncode == 1
    assert "the kernel verifier rejected program 'xmip_ha_xdp'" in p.stderr
    assert "invalid mem access 'map_value_or_null'" in p.stderr  # the reason, from the log tail
    assert not os.path.exists(env.pin_dir)                        # first attach rolled back
    assert env.link_xdp("xclv0") is None


MN_CONF = """role = mn
instance = {inst}
interface = xclv0
home-address = 2001:db8:1::100
home-agent = 2001:db8:1::2
home-prefix = 2001:db8:1::/64
nai = mn1@example.org
spi = 256
key = 0123456789abcdef0123456789abcdef
"""


def test_mn_reattach_keeps_agent_state(env):
    # The agent sets the CoA and AWAY on a move; re-attaching (an upgrade)
    # must not reset them, or the MN's traffic stops being tunnelled.
    inst = env.instance + "m"
    env.instances.add(inst)
    conf = env.conf(MN_CONF.format(inst=inst))
    env.xmip("attach", "-c", conf)
    path = f"{PIN_ROOT}/{inst}/xmip_mn_state"
    cur = json.loads(run(["bpftool", "-j", "map", "lookup", "pinned", path,
                          "key", "0", "0", "0", "0"]).stdout)
    value = bytearray(int(x, 16) for x in cur["value"])
    assert len(value) == 68   # struct xmip_mn_runstate (48 of MIPv6, 20 of DSMIPv6)
    assert value[16:32] == bytes.fromhex("20010db8000100000000000000000002")  # ha, from CONF
    value[0:16] = bytes.fromhex("20010db8000900000000000000000007")  # coa
    value[36:40] = (0x1).to_bytes(4, "little")                       # flags AWAY
    # As the agent does: the whole element in one update.
    run(["bpftool", "map", "update", "pinned", path, "key", "0", "0", "0", "0", "value"] +
        [str(b) for b in value])
    assert show(env, inst)["away"] is True
    env.xmip("attach", "-c", conf)
    s = show(env, inst)
    assert s["away"] is True and s["ready"] is True
    assert s["care_of_address"] == "2001:db8:9::7"
    assert s["home_agent"] == "2001:db8:1::2"


def test_static_configuration_is_rodata_readable_by_name(env):
    # xmip show reads the pinned .rodata of the programs; bpftool prints it
    # with field names; a re-attach with another address replaces it (and
    # the program, atomically inside the same link).
    env.xmip("attach", "-c", env.ha_conf())
    dump = json.loads(run(["bpftool", "-j", "map", "dump", "pinned",
                           f"{env.pin_dir}/xmip_rodata"]).stdout)
    sec = dump[0]["formatted"]["value"][".rodata"]
    conf = next(v["xmip_ha_conf"] for v in sec if "xmip_ha_conf" in v)
    assert bytes(conf["self_addr"]) == bytes.fromhex("20010db8000100000000000000000002")
    assert conf["ready"] == 1 and conf["tunnel_mtu"] == 1460 and conf["home_plen"] == 64
    def link():
        li = json.loads(run(["bpftool", "-j", "link", "show", "pinned",
                             f"{env.pin_dir}/link_xdp_xclv0"]).stdout)
        return li["id"], li["prog_id"]
    link_before = link()
    path = env.ha_conf().replace(".conf", "-b.conf")
    with open(env.ha_conf()) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("address = 2001:db8:1::2", "address = 2001:db8:1::3"))
    env.xmip("attach", "-c", path)
    assert show(env, env.instance)["address"] == "2001:db8:1::3"
    link_after = link()
    assert link_after[0] == link_before[0] and link_after[1] != link_before[1]  # same link, new program
    # No configuration map pinned any more; the role's maps are.
    assert not os.path.exists(f"{env.pin_dir}/xmip_config")
    assert not os.path.exists(f"{env.pin_dir}/xmip_mn_state")


def test_attach_over_an_older_builds_pins(env):
    # An instance an older build attached: its xmip_config (an MN's care-of
    # state) is carried into xmip_mn_state once, then removed; the maps both
    # builds share are reused.
    inst = env.instance + "o"
    env.instances.add(inst)
    pin = f"{PIN_ROOT}/{inst}"
    os.makedirs(pin, exist_ok=True)
    run(["bpftool", "map", "create", f"{pin}/xmip_config", "type", "array",
         "key", "4", "value", "80", "entries", "1", "name", "xmip_config"])
    old = bytearray(80)
    old[0:16] = bytes.fromhex("20010db8000900000000000000000007")    # self_addr = CoA
    old[16:32] = bytes.fromhex("20010db8000100000000000000000002")   # peer = HA
    old[65] = 2                                                      # role MN
    old[68:72] = (0x1 | 0x2).to_bytes(4, "little")                   # AWAY | READY
    old[72:76] = (5).to_bytes(4, "little")                           # coa_ifindex
    run(["bpftool", "map", "update", "pinned", f"{pin}/xmip_config", "key", "0", "0", "0", "0",
         "value"] + [str(b) for b in old])
    env.xmip("attach", "-c", env.conf(MN_CONF.format(inst=inst)))
    s = show(env, inst)
    assert s["away"] is True and s["care_of_address"] == "2001:db8:9::7"
    assert sorted(f for f in os.listdir(pin) if not f.startswith("link_")) == [
        "xmip_bindings", "xmip_mn_ro", "xmip_mn_ro_seen", "xmip_mn_state", "xmip_mnp",
        "xmip_ro_peers", "xmip_ro_used", "xmip_rodata", "xmip_signal", "xmip_stats"]


def test_second_instance_on_same_interface_refused(env):
    env.xmip("attach", "-c", env.ha_conf())
    other = env.instance + "b"
    p = env.xmip("attach", "-c", env.ha_conf(instance=other), check=False)
    assert p.returncode == 1
    assert "another XDP program" in p.stderr and "was not attached by this instance" in p.stderr
    assert not os.path.exists(f"{PIN_ROOT}/{other}")
    assert show(env)["interfaces"][0]["xdp_mode"] == "native"  # the first one is untouched


RELAY_KEY = struct.Struct("!16sIHHHBB")                 # include/xmip_ntm_relay.h, 28 octets
RELAY_VAL = struct.Struct("=16s16s16s16s4sHHHBBI6s6sIQ")  # 104 octets


def v4m(a):
    return ipaddress.IPv6Address("::ffff:" + a).packed


def relay_put(env, key, val):
    hexs = lambda b: [f"{x:02x}" for x in b]  # noqa: E731
    run(["bpftool", "map", "update", "pinned", f"{env.pin_dir}/xmip_relay", "key", "hex"] +
        hexs(key) + ["value", "hex"] + hexs(val))


def test_relay_show(env):
    """`xmip relay show|paths` read an rs instance's pinned relay table: every
    kind of entry as text and JSON, the filters, and errors as {"error": ...}."""
    conf = env.conf(f"role = rs\ninstance = {env.instance}\ninterface = xclv0\n[rs]\n"
                    "name = rs1.a.example\naddress = 203.0.113.30\n[rs-dc a.example]\n"
                    f"key = {'40' * 32}\n", "rs.conf")
    env.xmip("attach", "-c", conf)
    assert show(env)["role"] == "rs" and show(env)["ready"] is True
    assert env.xmip("relay", "show", "-i", env.instance).stdout == "no relay entries\n"
    assert json.loads(env.xmip("relay", "show", "-j").stdout) == []
    rs, nat1, nat2, gn = v4m("203.0.113.30"), v4m("198.51.100.7"), v4m("198.51.100.9"), v4m("198.51.100.80")
    mn_vip, gn_vip = v4m("10.200.0.7"), v4m("10.200.128.1")
    be = lambda v: struct.pack("!I", v)  # noqa: E731
    # RS-S leg from NAT1 to NAT2, path 0x2a5f1c03
    relay_put(env, RELAY_KEY.pack(nat1, 0x2a5f1c03, 40001, 49602, 0, 17, 1),
              RELAY_VAL.pack(rs, nat2, b"\0" * 16, b"\0" * 16, be(0x2a5f1c03), socket.htons(49602),
                             socket.htons(40002), 0, 1, 2, 0, b"\0" * 6, b"\0" * 6, 0, 777))
    # RS-N forward and reverse of a TCP flow on path 0x9b3e0d41, pool port 50000
    relay_put(env, RELAY_KEY.pack(nat1, 0x9b3e0d41, 40001, 49602, 33000, 6, 2),
              RELAY_VAL.pack(rs, gn, mn_vip, gn_vip, be(0x9b3e0d41), socket.htons(50000),
                             socket.htons(80), 0, 2, 3, 0, b"\0" * 6, b"\0" * 6, 0, 0))
    relay_put(env, RELAY_KEY.pack(gn, 0, 80, 50000, 0, 6, 3),
              RELAY_VAL.pack(rs, nat1, mn_vip, gn_vip, be(0x9b3e0d41), socket.htons(49602),
                             socket.htons(40001), socket.htons(33000), 3, 3, 0, b"\0" * 6,
                             b"\0" * 6, 0, 0))
    for pid, mode in ((0x2a5f1c03, 2), (0x9b3e0d41, 3)):
        run(["bpftool", "map", "update", "pinned", f"{env.pin_dir}/xmip_rs_paths", "key", "hex"] +
            [f"{x:02x}" for x in be(pid)] + ["value", "hex", f"{mode:02x}", "00", "00", "00",
                                              "01", "00", "00", "00"])
    rows = json.loads(env.xmip("relay", "show", "-j", "-i", env.instance).stdout)
    by = {r["kind"]: r for r in rows}
    assert len(rows) == 3 and set(by) == {"tunnel", "rsn-fwd", "rsn-rev"}
    t = by["tunnel"]
    assert (t["path_id"], t["mode"], t["addr"], t["sport"], t["dport"], t["proto"]) == \
        ("2a5f1c03", "rs-s", "198.51.100.7", 40001, 49602, "udp")
    assert (t["out_src"], t["out_sport"], t["out_dst"], t["out_dport"], t["last_used"]) == \
        ("203.0.113.30", 49602, "198.51.100.9", 40002, 777)
    f = by["rsn-fwd"]
    assert (f["proto"], f["inner_sport"], f["inner_addr"], f["gn_vip"], f["out_sport"], f["out_dst"]) == \
        ("tcp", 33000, "10.200.0.7", "10.200.128.1", 50000, "198.51.100.80")
    r = by["rsn-rev"]
    assert (r["path_id"], r["addr"], r["sport"], r["dport"], r["inner_port"], r["out_dst"]) == \
        ("9b3e0d41", "198.51.100.80", 80, 50000, 33000, "198.51.100.7")
    text = env.xmip("relay", "show").stdout
    assert text.startswith("INSTANCE") and len(text.splitlines()) == 4
    assert "198.51.100.7:40001>49602" in text and "203.0.113.30:49602>198.51.100.9:40002" in text
    assert "tcp to 10.200.0.7:33000 from 10.200.128.1" in text
    # filters
    sel = lambda *a: [x["kind"] for x in json.loads(env.xmip("relay", "show", "-j", *a).stdout)]  # noqa: E731
    assert sorted(sel("path", "9b3e0d41")) == ["rsn-fwd", "rsn-rev"]
    assert sel("path", "0x2a5f1c03") == ["tunnel"]
    assert sel("path", "9b3e0d41", "kind", "rsn-rev") == ["rsn-rev"]
    assert sorted(sel("addr", "198.51.100.9")) == ["tunnel"]
    assert sorted(sel("addr", "10.200.0.7")) == ["rsn-fwd", "rsn-rev"]
    assert sel("addr", "2001:db8::1") == []
    assert env.xmip("relay", "show", "addr", "2001:db8::1").stdout == "no relay entries match\n"
    # the path set
    paths = json.loads(env.xmip("relay", "paths", "-j").stdout)
    assert sorted((p["path_id"], p["mode"], p["legs"], p["entries"]) for p in paths) == \
        [("2a5f1c03", "rs-s", 1, 1), ("9b3e0d41", "rs-n", 1, 2)]
    lines = env.xmip("relay", "paths", "path", "9b3e0d41").stdout.splitlines()
    assert lines[0].split() == ["INSTANCE", "PATH", "MODE", "LEGS", "ENTRIES"]
    assert lines[1].split() == [env.instance, "9b3e0d41", "rs-n", "1", "2"] and len(lines) == 2
    # usage errors (2) and runtime errors (1), as JSON with -j
    for args in (["relay", "show", "path", "xyz"], ["relay", "show", "kind", "x"],
                 ["relay", "show", "addr"], ["relay", "frob"], ["relay", "paths", "kind", "tunnel"]):
        p = env.xmip(*args, check=False)
        assert p.returncode == 2 and p.stderr.startswith("xmip: "), (args, p.stderr)
        p = env.xmip("-j", *args, check=False)
        assert p.returncode == 2 and "error" in json.loads(p.stdout), (args, p.stdout)
    p = env.xmip("relay", "show", "-j", "-i", "xclnosuch", check=False)
    assert p.returncode == 1 and "not attached" in json.loads(p.stdout)["error"]
    ha = env.ha_conf(instance=env.instance + "h", ifaces=("xclv1",))
    env.xmip("attach", "-c", ha)
    p = env.xmip("relay", "show", "-j", "-i", env.instance + "h", check=False)
    assert p.returncode == 1 and "not a relay server" in json.loads(p.stdout)["error"]
    # without -i the HA instance is skipped, not an error
    assert len(json.loads(env.xmip("relay", "show", "-j").stdout)) >= 3


MIP4_TUN_KEY = struct.Struct("!4s")                       # include/xmip_mip4_dp.h
MIP4_TUN = struct.Struct("=4s4sHHBB6s6sHI")                # struct xmip_mip4_tun, 32 octets


def mip4_tun_put(env, inst, hoa, val):
    hexs = lambda b: [f"{x:02x}" for x in b]  # noqa: E731
    run(["bpftool", "map", "update", "pinned", f"{PIN_ROOT}/{inst}/xmip_mip4_tun", "key", "hex"] +
        hexs(MIP4_TUN_KEY.pack(socket.inet_aton(hoa))) + ["value", "hex"] + hexs(val))


@pytest.mark.parametrize("role", ["fa", "mn4"])
def test_mip4_node_show(env, role):
    """`xmip show` of a Mobile IPv4 foreign agent or mobile node: its role (from the
    programs' pinned .rodata) and its tunnel table xmip_mip4_tun, text and JSON."""
    inst = env.instance + role[0]
    env.instances.add(inst)
    if role == "fa":
        text = (f"role = fa\ninstance = {inst}\ninterface = xclv0\n[mip4]\n"
                "care-of-address = 198.51.100.2\n[mip4-peer 10.1.0.2]\nspi = 8192\n"
                f"key = {'0f' * 16}\n")
    else:
        text = (f"role = mn4\ninstance = {inst}\ninterface = xclv0\n[mip4]\n"
                "home-address = 10.1.0.100\nhome-agent = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n"
                f"spi = 4096\nkey = {'00' * 16}\n")
    env.xmip("attach", "-c", env.conf(text, f"{role}.conf"))
    s = show(env, inst)
    assert s["role"] == role and s["ready"] is True and s["tunnels"] == []
    tc = s["interfaces"][0]
    assert tc["tc_ingress"]["prog_name"] == "xmip_mip4_in"
    assert tc["tc_egress"]["prog_name"] == "xmip_mip4_out"
    out = env.xmip("show", "-i", inst).stdout
    assert f"{inst}: role {role}\n" in out and "xmip_mip4_tun" in out and "(none)" in out
    a = socket.inet_aton
    if role == "fa":   # a visitor, GRE, reverse tunnel
        val = MIP4_TUN.pack(a("10.1.0.2"), a("198.51.100.2"), 0, 0, 6, 0x03,
                            bytes.fromhex("020000000a07"), bytes.fromhex("020000000b01"), 0, 7)
    else:              # co-located behind a NAT: IP-in-IP in UDP 434
        val = MIP4_TUN.pack(a("10.1.0.2"), a("192.168.7.100"), socket.htons(434),
                            socket.htons(434), 4, 0x01, b"\0" * 6, b"\0" * 6, 0, 5)
    mip4_tun_put(env, inst, "10.1.0.100", val)
    t = show(env, inst)["tunnels"]
    assert len(t) == 1, t
    t = t[0]
    assert (t["home_address"], t["home_agent"], t["reverse"]) == ("10.1.0.100", "10.1.0.2", True)
    out = env.xmip("show", "-i", inst).stdout
    if role == "fa":
        assert (t["care_of_address"], t["encap"], t["via"], t["visitor_mac"], t["ifindex"],
                t["ha_port"]) == ("198.51.100.2", "gre", "fa", "02:00:00:00:0a:07", 7, 0)
        assert "10.1.0.100" in out and "visitor 02:00:00:00:0a:07 ifindex 7" in out
    else:
        assert (t["care_of_address"], t["encap"], t["via"], t["udp_port"], t["ha_port"],
                t["ifindex"]) == ("192.168.7.100", "ipip", "co-located", 434, 434, 5)
        assert "udp 434->434 reverse co-located ifindex 5" in out


def test_dsmip_rp_filter_set_at_attach_and_restored_at_detach(env):
    """A DSMIPv6 HA with IPv4 home addresses (docs/dsmip.md "Reverse-path
    filtering"): strict rp_filter becomes loose (2) on an interface with an
    IPv4 address, off (0) on one without (either mode drops there); previous
    values back at detach, or at a re-attach that no longer needs them; with
    all = 1 the interface without IPv4 address cannot be helped: said."""
    def rpf():
        return [env.nsrun(["sysctl", "-n", "net.ipv4.conf.%s.rp_filter" % d]).stdout.strip()
                for d in ("xclv0", "xclv1")]

    def conf(v4_hoa):
        base = open(env.ha_conf(ifaces=("xclv0", "xclv1"), mode="tc")).read()
        return env.conf(base + "\n[dsmip]\nipv4-address = 198.51.100.2\n\n[mn mn1@example.org]\n"
                        "home-address = 2001:db8:1::100\nspi = 256\nkey = 00112233445566778899\n" +
                        ("ipv4-home-address = 192.0.2.100\n" if v4_hoa else ""), "d.conf")

    state = "/run/xmip/%s.rp_filter" % env.instance
    env.nsrun(["ip", "addr", "add", "198.51.100.2/24", "dev", "xclv0"])
    for dev, v in (("all", 0), ("xclv0", 1), ("xclv1", 1)):
        env.nsrun(["sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=%d" % (dev, v)])
    p = env.xmip("attach", "-c", conf(True))
    assert rpf() == ["2", "0"], (rpf(), p.stderr)
    assert "xclv0: rp_filter 1 (all: 0) set to 2 (loose" in p.stderr, p.stderr
    assert "xclv1: rp_filter 1 (all: 0) set to 0 (off" in p.stderr, p.stderr
    assert os.path.exists(state)
    # attached again without an IPv4 home address: nothing to decapsulate, put back
    p = env.xmip("attach", "-c", conf(False))
    assert rpf() == ["1", "1"] and not os.path.exists(state), (rpf(), p.stderr)
    env.xmip("attach", "-c", conf(True))
    assert rpf() == ["2", "0"]
    env.xmip("detach", "-i", env.instance)
    assert rpf() == ["1", "1"] and not os.path.exists(state)
    # all = 1: loose on xclv0 still works per interface; xclv1 cannot be helped
    env.nsrun(["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1"])
    p = env.xmip("attach", "-c", conf(True))
    assert rpf() == ["2", "1"], (rpf(), p.stderr)
    assert "xclv1: has no IPv4 address and net.ipv4.conf.all.rp_filter is 1" in p.stderr
    # someone changed xclv0 since: detach leaves their value
    env.nsrun(["sysctl", "-qw", "net.ipv4.conf.xclv0.rp_filter=0"])
    env.xmip("detach", "-i", env.instance)
    assert rpf() == ["0", "1"] and not os.path.exists(state)


def test_mip4_ha_rp_filter_loose_at_attach(env):
    """A Mobile IPv4 HA decapsulates reverse tunnels (RFC 3024) whose inner
    source is a home address: strict rp_filter on the tunnel's interface
    becomes loose at attach, and comes back at detach."""
    env.nsrun(["ip", "addr", "add", "10.1.0.2/24", "dev", "xclv0"])
    env.nsrun(["sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0"])
    env.nsrun(["sysctl", "-qw", "net.ipv4.conf.xclv0.rp_filter=1"])
    base = open(env.ha_conf(mode="tc")).read()
    conf = env.conf(base + "\n[mip4]\naddress = 10.1.0.2\nhome-prefix = 10.1.0.0/24\n\n"
                    "[mip4-mn 10.1.0.100]\nspi = 4096\n"
                    "key = 00112233445566778899aabbccddeeff\n", "m4.conf")
    p = env.xmip("attach", "-c", conf)
    rpf = lambda: env.nsrun(["sysctl", "-n", "net.ipv4.conf.xclv0.rp_filter"]).stdout.strip()
    assert rpf() == "2", p.stderr
    assert "xclv0: rp_filter 1 (all: 0) set to 2 (loose" in p.stderr, p.stderr
    env.xmip("detach", "-i", env.instance)
    assert rpf() == "1"
