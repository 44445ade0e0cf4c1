"""The text helpers' exact output: signs, infinities, fences, LaTeX indices, backslashes."""

from __future__ import annotations

import math

from viz.text import dot_html, fmt, latex_name, markdown_fence


def test_fmt_signs_and_infinities() -> None:
    assert fmt(math.inf) == "∞" and fmt(-math.inf) == "−∞" and fmt(math.nan) == "NaN"
    assert fmt(-0.5) == "−0.5" and fmt(3e-5) == "3e−05" and fmt(0.0) == "0"


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert markdown_fence("plain") == "```\nplain\n```"
    assert markdown_fence("a ``` b").startswith("````\n")
    assert markdown_fence("a ````` b").startswith("``````\n")


def test_latex_indices() -> None:
    assert latex_name("a3") == "a_{3}" and latex_name("z(3)") == "z^{(3)}" and latex_name("θ2") == r"\theta_{2}"


def test_backslashes_survive_graphviz() -> None:
    assert dot_html("q\\N\\G") == "q\\\\N\\\\G"
