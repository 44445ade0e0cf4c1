"""TikZ output of Graphviz's drawing operations: every Bézier segment of an edge becomes a curve,
and a fully transparent colour draws nothing."""

from __future__ import annotations

from viz.tikz import _Pen, _shape


def _path(kind: str, points: list[list[float]], pen: _Pen | None = None) -> list[str]:
    out: list[str] = []
    _shape(kind, {"points": points}, pen or _Pen({}), out)
    return out


def test_every_bezier_segment_is_a_curve() -> None:
    one = [[0, 0], [1, 0], [2, 1], [3, 1]]
    two = one + [[4, 1], [5, 0], [6, 0]]
    (line,) = _path("b", one)
    assert line.count(".. controls") == 1 and line.endswith("(3.00,1.00);")
    (line,) = _path("b", two)
    assert line.count(".. controls") == 2 and line.endswith("(6.00,0.00);")


def test_a_transparent_colour_is_none_and_an_opaque_one_a_colour() -> None:
    pen = _Pen({})
    assert pen.colour("#ff000000") is None and pen.colour("transparent") is None
    assert pen.colour("#ff0000ff") == pen.colour("#FF0000") == "c0"
    assert pen.colour("#00ff0080") == "c1"  # half transparent is still drawn
    pen.stroke = pen.colour("#12345600")
    assert _path("b", [[0, 0], [1, 0], [2, 1], [3, 1]], pen) == []  # no stroke, no fill: nothing drawn
