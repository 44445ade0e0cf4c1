"""Where a rendered drawing's text and edges land in a real browser: which edges cross which text.

Graphviz places a label beside its edge, but nothing stops another edge (or a thick edge's own
stroke) from running over it.  The browser lays the SVG out with its real fonts; this reads every
text's box and walks every edge's path and arrowhead in screen pixels, the stroke as wide as drawn.
"""

from __future__ import annotations

from pathlib import Path

# a point of an edge, widened by half its stroke, that falls inside a text's box (less SLACK px on
# every side, so an edge that ends where a box begins does not count) crosses that text
SLACK = 0.5
_SCRIPT = """
const slack = arguments[0];
const svg = document.documentElement;
const boxes = Array.from(svg.querySelectorAll('text')).filter(t => t.textContent.trim()).map(t => {
  const r = t.getBoundingClientRect();
  return {text: t.textContent.trim(), left: r.left + slack, right: r.right - slack,
          top: r.top + slack, bottom: r.bottom - slack};
});
const crossed = [];
function visit(title, points, radius) {
  for (const b of boxes) {
    if (points.some(p => p.x + radius > b.left && p.x - radius < b.right &&
                         p.y + radius > b.top && p.y - radius < b.bottom)) {
      crossed.push([b.text, title]);
    }
  }
}
for (const g of svg.querySelectorAll('g.edge')) {
  const title = (g.querySelector('title') || {}).textContent || '';
  for (const shape of g.querySelectorAll('path, polygon, polyline, ellipse')) {
    const stroke = shape.getAttribute('stroke');
    const fill = shape.getAttribute('fill');
    const drawn = v => v !== null && v !== 'none' && v !== 'transparent';
    if (!drawn(stroke) && !drawn(fill)) continue;
    const m = shape.getScreenCTM();
    const scale = Math.hypot(m.a, m.b);
    const radius = parseFloat(shape.getAttribute('stroke-width') || '1') * scale / 2;
    const length = shape.getTotalLength();
    const step = Math.max(0.25, Math.min(1, length / 400)) / scale;
    const points = [];
    for (let s = 0; s <= length + step / 2; s += step) {
      const p = shape.getPointAtLength(Math.min(s, length));
      const q = new DOMPoint(p.x, p.y).matrixTransform(m);
      points.push({x: q.x, y: q.y});
    }
    visit(title, points, radius);
  }
}
return {texts: boxes.length, crossed: crossed};
"""


def crossed_texts(driver: object, svg: str | Path, workdir: Path) -> tuple[int, list[tuple[str, str]]]:
    """How many texts the drawing ``svg`` (its source, or a file) has, and each (text, edge title) where
    an edge's stroke or arrowhead runs over a text, as headless Chromium renders it."""
    path = Path(svg) if isinstance(svg, Path) else workdir / "drawing.svg"
    if not isinstance(svg, Path):
        path.write_text(svg, encoding="utf-8")
    driver.get(path.resolve().as_uri())
    found = driver.execute_script(_SCRIPT, SLACK)
    return found["texts"], [tuple(pair) for pair in found["crossed"]]
