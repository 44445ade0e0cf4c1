"""An edge that skips a row of the drawing (J = n1 + x: x feeds J directly and through n1) runs
as one smooth curve with its label beside it.

dot used to pull such an edge straight against the rows it passes: in the notes' three-paths
figure x → J ran right, hooked back on itself and climbed to J, its label ∂J/∂x = 1 stranded far
from the line.  The geometry is read from the SVG dot writes: the edge's cubic Béziers, sampled,
and where its label's text begins.
"""

from __future__ import annotations

import math
import re

import viz
from autograd import Value

FLOAT = r"-?\d+(?:\.\d+)?"


def _edge(svg: str, title: str) -> tuple[list[tuple[float, float]], tuple[float, float]]:
    """The points along edge ``title`` (sampled from its Béziers) and where its label's text starts."""
    for group in re.findall(r'<g id="[^"]*" class="edge">(.*?)</g>', svg, re.S):
        if re.search(r"<title>(.*?)</title>", group).group(1) != title:
            continue
        d = re.search(r'<path [^>]*d="([^"]+)"', group).group(1)
        nums = [float(v) for v in re.findall(FLOAT, d)]
        pts = list(zip(nums[::2], nums[1::2]))
        curve = [pts[0]]
        for i in range(1, len(pts) - 2, 3):
            p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
            for k in range(1, 21):
                t = k / 20
                curve.append(tuple(
                    (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t * t * c + t ** 3 * e
                    for a, b, c, e in zip(p0, p1, p2, p3)))
        text = re.search(rf'<text [^>]*x="({FLOAT})" y="({FLOAT})"', group)
        return curve, (float(text.group(1)), float(text.group(2)))
    raise AssertionError(f"no edge {title} in the drawing")


def _three_paths() -> str:
    x = Value(3.0, label="x")
    J = x * x + x
    J.backward()
    return viz.render(viz.draw_chain_rule(J, x).source, "svg").decode("utf-8")


def test_the_direct_edge_climbs_without_doubling_back() -> None:
    curve, _ = _edge(_three_paths(), "n0&#45;&gt;n2")
    ys = [y for _, y in curve]  # bottom to top: x is below J, so y only falls along the edge
    rises = [b - a for a, b in zip(ys, ys[1:]) if b > a]
    assert max(rises, default=0.0) < 0.5, f"the edge x → J turns back down by {max(rises):.1f} px"
    xs = [x for x, _ in curve]
    turns = sum(1 for a, b, c in zip(xs, xs[1:], xs[2:]) if (b - a) * (c - b) < -1e-6)
    assert turns <= 1, f"the edge x → J changes sideways direction {turns} times (one bow at most)"


def test_the_direct_edges_label_sits_by_its_line() -> None:
    curve, (tx, ty) = _edge(_three_paths(), "n0&#45;&gt;n2")
    # at the label's own height (its baseline, give or take a line), how far the line passes from it
    gap = min(math.hypot(px - tx, 0.0) for px, py in curve if abs(py - ty) < 8)
    assert gap < 15, f"∂J/∂x = 1 begins {gap:.0f} px from its edge"  # 17 px when it hooked, 12 now
