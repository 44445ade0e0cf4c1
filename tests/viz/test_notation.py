"""One notation everywhere: integer powers as superscripts, folded factors as formulas of the names."""

from __future__ import annotations

import pytest

import viz
from autograd import OPS, Value
from viz.notation import html_powers, latex_formula, text_powers


@pytest.mark.parametrize("written, text, page", [
    ("(a3 − 1)^2", "(a3 − 1)²", "(a3 − 1)<sup>2</sup>"),
    ("x^(−1)", "x⁻¹", "x<sup>−1</sup>"),
    ("r^12 + r^3", "r¹² + r³", "r<sup>12</sup> + r<sup>3</sup>"),
    ("x^0.5", "x^0.5", "x<sup>0.5</sup>"),  # no superscript point in text: the caret stays
    ("x^p", "x^p", "x<sup>p</sup>"),
    ("a < b", "a < b", "a &lt; b"),
])
def test_powers_in_each_medium(written: str, text: str, page: str) -> None:
    assert text_powers(written) == text
    assert html_powers(written) == page


def test_formulas_in_latex() -> None:
    assert latex_formula("(a3 − 1)·a2") == r"(a_{3} - 1) \cdot a_{2}"
    assert latex_formula("σ(z3)·(1 − σ(z3))") == r"\sigma(z_{3}) \cdot (1 - \sigma(z_{3}))"
    assert latex_formula("2·(x − 1)²·θ2") == r"2 \cdot (x - 1)^{2} \cdot \theta_{2}"


def edge_label(J: Value, theta: Value) -> list[str]:
    import re

    source = viz.draw_chain_rule(J, theta).source
    return re.findall(r"<TD>(∂[^<]*)</TD>", source)


def test_folded_edges_are_formulas_of_named_quantities() -> None:
    a = Value(0.25, label="a")
    b = Value(2.0, label="b")
    h = a * b
    h.label = "h"
    J = 3.0 * (h - 1.0) ** 2 - h / 4.0 + (-h)  # three folded routes from J to h, none of them named
    J.backward()
    rule = viz.chain_rule(J, a)
    labels = edge_label(J, a)
    # 3·2·(h − 1) and the constants −1/4 and −1, each on its own drawn edge, with the numbers
    assert labels == ["∂h/∂a = b = 2", "∂J/∂h = 6·(h − 1) = −3", "∂J/∂h = −0.25", "∂J/∂h = −1"]
    assert rule.total == a.grad == (6 * (0.5 - 1) - 0.25 - 1) * 2.0


def test_the_glyphs_the_notation_writes_are_drawn_in_png() -> None:
    pytest.importorskip("resvg_py")
    from tests.viz.test_export import glyph_image

    missing, blank = glyph_image("\ue000"), glyph_image(" ")
    for ch in "₍₎₁₂⁰¹²³⁴⁵⁶⁷⁸⁹⁻·∂σθ✓−":
        assert glyph_image(ch) not in (missing, blank), ch


@pytest.mark.parametrize("name", sorted(n for n, op in OPS.items() if op.builtin and op.expr.startswith(n + "(")))
def test_a_built_in_ops_name_in_a_formula_is_an_operator_not_a_drawn_name(name: str) -> None:
    # a name written as name(x) in the table (softsign, leaky_relu …) stays one word in LaTeX
    written = latex_formula(f"{name}(a3)·w1")
    assert "mathrm" not in written and written.endswith(r"\cdot w_{1}"), written
