from __future__ import annotations

import pytest

from viz.rendering import _pure, _system

RENDERERS = [name for name, found in (("dot", _system()), ("graphviz-pure", _pure())) if found]


@pytest.fixture(params=RENDERERS or [pytest.param(None, marks=pytest.mark.skip(reason="no renderer"))])
def renderer(request, monkeypatch) -> str:
    """Each renderer this machine has, chosen through CHAINRULE_RENDERER."""
    monkeypatch.setenv("CHAINRULE_RENDERER", request.param)
    return request.param


@pytest.fixture
def no_renderer(monkeypatch) -> None:
    monkeypatch.setattr("viz.rendering.find_renderer", lambda: None)
