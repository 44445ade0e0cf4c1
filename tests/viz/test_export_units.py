"""viz.export's sizes: a CSS px (or a bare number) is 3/4 of a point, a pt is a point."""

from __future__ import annotations

import pytest

from viz import export


@pytest.mark.parametrize("head, size", [
    ('<svg width="96px" height="48px">', (72.0, 36.0)),
    ('<svg width="96" height="48">', (72.0, 36.0)),
    ('<svg width="96pt" height="48pt">', (96.0, 48.0)),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="4px"\n height="1.5px">', (3.0, 1.125)),
])
def test_svg_size_in_points(head: str, size: tuple[float, float]) -> None:
    assert export.svg_size(head + "</svg>") == size
