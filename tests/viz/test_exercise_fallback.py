"""viz.exercise's own rule, used where viz.quiz is missing: it gives the verdicts the quiz's rule
gives (typed numbers rounded to the figures typed, at least 2; fractions to 3 figures)."""

from __future__ import annotations

import fractions

import pytest

from viz import quiz
from viz.exercise import _grade

TRUTH = -0.6931781


@pytest.mark.parametrize("typed, truth", [
    ("-0.69", TRUTH), ("-0.7", TRUTH), ("-0.70", TRUTH), ("-0.694", TRUTH), ("5", 5.3), ("5", 5.04),
    ("4", 4.2), ("-0.1", -0.1051), ("-0.11", -0.1051), ("-0.1", -0.100129), ("0.5", 0.0),
])
# (not at a printed half such as 5.05, which the quiz rounds as printed, up to 5.1, and this rule
# as the binary float 5.04999…, down to 5.0)
def test_typed_numbers_get_the_quizs_verdict(typed: str, truth: float) -> None:
    v = quiz.judge(typed, truth)
    expected = "too few figures" if v.note == "too-few-figures" else v.verdict
    assert _grade(typed, truth) == expected


def test_fractions_are_held_to_three_figures() -> None:
    # 2/3 = 0.6667: to 3 figures 0.667, which 0.671 is not (to 2 figures both are 0.67)
    assert _grade(fractions.Fraction(2, 3), 0.671) == "wrong"
    assert _grade("2/3", 0.671) == "wrong"
    assert _grade(fractions.Fraction(2, 3), 0.6668) == "right"
    assert _grade("-52/75", TRUTH) == "right" and _grade("-9/13", TRUTH) == "wrong"
