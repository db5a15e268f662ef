# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""The BPF programs fuzzed through BPF_PROG_TEST_RUN, check mode: 3000
frames per program (HA XDP, HA XDP with DSMIPv6 bindings, HA XDP with a Mobile IPv4
binding (minimal in UDP 434, GRE), HA tc ingress on ICMP errors from inside
a Mobile IPv4 tunnel, MN XDP, MN tc, RS XDP, CN XDP, CN tc,
NTM node tc ingress and egress), random and mutated from the
packet tests' frames, fixed seed, every property of fuzz_bpf.py checked
(allowed verdicts only, never XDP_ABORTED; one outcome counter per frame,
of the verdict's kind; a frame leaves only through a live binding and the
anti-spoofing rule; a routing header only to a bound home address's CoA, a
Home Address option passed up only when restored from its binding's CoA). `make fuzz-bpf` runs many more (FUZZ_BPF_PACKETS)."""
import fuzz_bpf


def test_fuzz_bpf_check_mode(capsys):
    rc = fuzz_bpf.main(["--packets", "3000", "--seed", "1"])
    out = capsys.readouterr().out
    print(out)
    assert rc == 0, out
    # Every program saw drops and passes, the HA sent frames on.
    assert "ha-xdp: 3000 frames" in out and "mn-xdp: 3000 frames" in out
    assert "mn-tc: 3000 frames" in out and "rs-xdp: 3000 frames" in out
    assert "ha4-xdp: 3000 frames" in out
    assert "mip4-xdp: 3000 frames" in out and "mip4g-xdp: 3000 frames" in out
    assert "mip4-tc: 3000 frames" in out
    assert "cn-xdp: 3000 frames" in out and "cn-tc: 3000 frames" in out
    assert "ntm-tc: 3000 frames" in out and "ntm-tcout: 3000 frames" in out
