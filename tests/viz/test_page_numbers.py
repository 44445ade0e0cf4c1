"""The page's own arithmetic against the engine's: each op's JavaScript (value and partials) at
the op table's edges, and domain.js's pyrepr against Python's repr."""

from __future__ import annotations

import math
from importlib import resources

import pytest

from autograd import OPS
from tests.browser import browser  # noqa: F401 - the fixture

_EVAL = """
var exprs = arguments[0], points = arguments[1], out = [];
points.forEach(function (p) {
  var x = parseFloat(p[0]), y = parseFloat(p[1]), value = new Function("x", "y", "return " + exprs[0])(x, y);
  var row = [String(value)];
  for (var i = 1; i < exprs.length; i++) {
    row.push(String(new Function("x", "y", "out", "return " + exprs[i])(x, y, value)));
  }
  out.push(row);
});
return out;
"""


def _js(x: float) -> str:
    """x as a string JavaScript's parseFloat reads back exactly."""
    return "NaN" if x != x else ("Infinity" if x == math.inf else ("-Infinity" if x == -math.inf else repr(x)))


def _same(a: float, b: float) -> bool:
    return (a != a and b != b) or a == b


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.builtin and op.js and op.edges])
def test_the_pages_op_agrees_with_the_engine_at_every_edge(browser, name: str) -> None:  # noqa: F811
    op = OPS[name]
    points = [tuple(float(v) for v in e) for e in op.edges]
    got = browser.execute_script(_EVAL, list(op.js), [[_js(v) for v in p] + ["0"] * (2 - len(p)) for p in points])
    for p, row in zip(points, got):
        out = op.forward(*p)
        engine = [float(out), *(float(g) for g in op.local(*p, out))]
        page = [float(v) for v in row]
        assert all(_same(a, b) for a, b in zip(page, engine)), (name, p, page, engine)


FLOATS = [1.0, -0.5, 0.1, 1e16, 1e15, 9999999999999998.0, 1.5e16, 123456789012345680.0, 1e22, 1e-4, 1e-5,
          -1.25e-7, 0.0001234, 5e-324, 1.7976931348623157e308, 100.0, 12345.678, -0.0, 0.0, math.inf, -math.inf,
          math.nan]


def test_pyrepr_is_pythons_repr(browser) -> None:  # noqa: F811
    browser.get("about:blank")
    browser.execute_script(resources.files("viz").joinpath("domain.js").read_text(encoding="utf-8"))
    got = browser.execute_script(
        "return arguments[0].map(function (s) { return window.chainruleDomain.pyrepr(parseFloat(s)); });",
        [_js(x) for x in FLOATS])
    assert got == [repr(x) for x in FLOATS]
