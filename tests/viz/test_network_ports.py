"""Each input's weight edges leave from the middle of its own east side, so edges from x1 and x2
do not cross at the boxes (picture 10's W1₁₂ used to leave x2's top corner and climb along x1).

Read from the SVG dot writes: every node's outline and where every edge's path starts.
"""

from __future__ import annotations

import re

import pytest

import viz
from tests.viz.test_network_labels import CASES

NUMBER = r"-?\d+(?:\.\d+)?"


def _points(d: str) -> list[tuple[float, float]]:
    values = [float(v) for v in re.findall(NUMBER, d)]
    return list(zip(values[::2], values[1::2]))


def _geometry(svg: str) -> tuple[dict[str, tuple[float, float, float, float]], list[tuple[str, list]]]:
    """Each node's box (left, right, top, bottom) and each edge's (tail name, points)."""
    boxes, edges = {}, []
    for kind, body in re.findall(r'<g id="[^"]*" class="(node|edge)">(.*?)</g>', svg, re.S):
        title = re.search(r"<title>(.*?)</title>", body).group(1)
        path = re.search(r'<(?:path|polygon) [^>]*(?:d|points)="([^"]+)"', body)
        if path is None:
            continue
        pts = _points(path.group(1))
        if kind == "node":
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            boxes[title] = (min(xs), max(xs), min(ys), max(ys))
        else:
            edges.append((title.split("&#45;&gt;")[0].split(":")[0], pts))
    return boxes, edges


@pytest.mark.parametrize("case", ["picture 10", "picture 11", "zero init", "three layers"])
def test_each_inputs_edges_leave_from_its_own_side(case: str) -> None:
    make, x, grads = CASES[case]
    svg = viz.render(viz.draw_network(make(), x=x, show_grad=grads).source, "svg").decode("utf-8")
    boxes, edges = _geometry(svg)
    inputs = sorted(name for name in boxes if re.fullmatch(r"x\d+", name))
    assert len(inputs) >= 2
    starts = {}
    for tail, pts in edges:
        if tail not in inputs:
            continue
        left, right, top, bottom = boxes[tail]
        sx, sy = pts[0]
        assert abs(sx - right) <= 1.5, f"{tail}'s edge starts at x = {sx}, not on its east side at {right}"
        middle = (top + bottom) / 2
        # the middle half of the side, away from both corners
        assert abs(sy - middle) <= (bottom - top) / 4, f"{tail}'s edge leaves at y = {sy}, near a corner"
        starts.setdefault(tail, set()).add(round(sy, 1))
    assert set(starts) == set(inputs)
    # so, the boxes stacked top to bottom, every edge of one input leaves above every edge of the next
    ordered = sorted(inputs, key=lambda name: boxes[name][2])
    for upper, lower in zip(ordered, ordered[1:]):
        assert max(starts[upper]) < min(starts[lower])
