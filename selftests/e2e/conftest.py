# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Fixtures for the end-to-end tests: a fresh topology per test, always torn down."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topology as T  # noqa: E402

ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")


def _workdir(request):
    d = os.path.join(ARTIFACTS, request.node.name)
    if os.path.isdir(d):
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
    return d


@pytest.fixture
def bare_topo(request):
    """The namespaces and links only, no xmip."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    with T.Topology(with_xmip=False, workdir=_workdir(request), log=lambda m: None) as t:
        yield t


def _xtopo(request, **kw):
    if os.geteuid() != 0:
        pytest.skip("needs root")
    t = T.Topology(with_xmip=True, workdir=_workdir(request), log=lambda m: None, **kw)
    with t:
        yield t
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)


@pytest.fixture
def xtopo_tc(request):
    """xtopo with the HA in tc mode (xdp-mode = tc) and every offload left on."""
    yield from _xtopo(request, ha_mode="tc")


@pytest.fixture
def xtopo(request):
    """The topology with xmip attached on HA and MN and both agents running.

    Logs, configs and captures stay in selftests/e2e/artifacts/<test>/.
    After the test, no agent log may hold a sanitizer report."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    t = T.Topology(with_xmip=True, workdir=_workdir(request), log=lambda m: None)
    with t:
        yield t
        t.stop_agent("mn")
        t.stop_agent("ha")
    errors = t.sanitizer_errors()
    assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)


@pytest.fixture
def make_topo(request):
    """A topology built the way the test asks (T.Topology's keywords: with_cn,
    mn_conf_extra, ha_conf_extra...), xmip attached and both agents running;
    torn down after the test, and no agent log may hold a sanitizer report.
    Lean tests leave out what they do not need (with_cn=False)."""
    if os.geteuid() != 0:
        pytest.skip("needs root")
    made = []

    def make(**kw):
        assert not made, "one topology per test"
        t = T.Topology(with_xmip=True, workdir=_workdir(request), log=lambda m: None, **kw)
        t.__enter__()
        made.append(t)
        return t
    yield make
    for t in made:
        try:
            t.stop_agent("mn")
            t.stop_agent("ha")
        finally:
            t.__exit__(None, None, None)
        errors = t.sanitizer_errors()
        assert not errors, "sanitizer reports in agent logs:\n" + "\n".join(errors)
