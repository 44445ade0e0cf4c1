"""The quiz's rule, one table of answers through Python (viz.quiz) and the page's JavaScript (viz/quiz.js)
in a real Chromium, on both sides of every threshold."""

from __future__ import annotations

import random
from importlib import resources

import pytest

from tests.browser import browser  # noqa: F401 - the fixture
from viz import quiz

A3 = -0.6931770202613652  # a3.grad of the notes' network: shown as −0.6932

# (typed, truth, verdict, note); verdicts worked out by hand from the rule
TABLE = [
    # the truth rounded to the figures typed, at least 2
    ("-0.69", A3, "right", ""), ("-0.693", A3, "right", ""), ("-0.6932", A3, "right", ""),
    ("-0.69318", A3, "right", ""), ("-0.69317", A3, "wrong", ""), ("-0.6931", A3, "wrong", ""),
    ("-0.6933", A3, "wrong", ""), ("-0.694", A3, "wrong", ""), ("-0.70", A3, "wrong", ""),
    ("-0.68", A3, "wrong", ""), ("-0.7", A3, "wrong", "too-few-figures"), ("-0.6", A3, "wrong", ""),
    ("0.69", A3, "wrong", ""), ("-0.6931770202613652", A3, "right", ""),
    ("-0.69317702026136520000", A3, "right", ""), ("-0.6931770202613653", A3, "wrong", ""),
    ("-0.39", -0.3855, "right", ""), ("-0.386", -0.3855, "right", ""), ("-0.385", -0.3855, "wrong", ""),
    ("-0.38", -0.3855, "wrong", ""), ("-0.1", -0.10012908645609886, "right", ""),
    ("-0.10", -0.10012908645609886, "right", ""), ("-0.101", -0.10012908645609886, "wrong", ""),
    # half away from zero, of the truth as printed
    ("0.13", 0.125, "right", ""), ("0.12", 0.125, "wrong", ""), ("-0.13", -0.125, "right", ""),
    ("0.15", 0.145, "right", ""), ("0.14", 0.145, "wrong", ""), ("0.14", 0.1449, "right", ""),
    # a rounding that carries, zeros that count
    ("0.10", 0.0996, "right", ""), ("0.1", 0.0996, "right", ""), ("0.099", 0.0996, "wrong", ""),
    ("0.100", 0.0996, "wrong", ""), ("10", 9.96, "right", ""), ("10.", 9.96, "right", ""),
    ("1.0e1", 9.96, "right", ""), ("9.9", 9.96, "wrong", ""), ("500", 499.6, "right", ""),
    ("5e2", 499.6, "right", ""), ("5", 5.3, "wrong", "too-few-figures"), ("5", 5.04, "right", ""),
    ("5", 5.05, "wrong", "too-few-figures"), ("1", 1.0, "right", ""), ("1e400", 5.0, "wrong", ""),
    ("1e-400", 5.0, "wrong", ""), ("12345678901234567000e-19", 1.2345678901234567, "right", ""),
    ("12345678901234567890e-19", 1.2345678901234567, "wrong", ""),
    # zero
    ("-0", 0.0, "right", ""), ("0.00", 0.0, "right", ""), ("+0", -0.0, "right", ""),
    ("0", 1e-20, "wrong", ""), ("1e-300", 0.0, "wrong", ""), ("0e5", 0.0, "right", ""),
    # how it may be written
    ("+0.5", 0.5, "right", ""), (".5", 0.5, "right", ""), ("5.", 5.0, "right", ""), ("5e-1", 0.5, "right", ""),
    ("5E-1", 0.5, "right", ""), ("6.9e-1", -0.69, "wrong", ""), ("−6.9e-1", -0.69, "right", ""),
    ("\u2212" + "0.69", A3, "right", ""), ("\u2013" + "0.69", A3, "right", ""), ("  -0.69 \t", A3, "right", ""),
    ("\u00a0-0.69\n", A3, "right", ""),
    # fractions and expressions: 3 significant figures
    ("1/4", 0.25, "right", ""), ("1/4", 0.2504, "right", ""), ("1/4", 0.2505, "wrong", ""),
    ("1/4", 0.2495, "right", ""), ("1/4", 0.2494, "wrong", ""), ("-2/3", -0.6667, "right", ""),
    ("−2/3", -0.6672, "right", ""), ("-2/3", -0.6675, "wrong", ""), ("2/3", -0.6667, "wrong", ""),
    ("2 * (1 - 0.75)", 0.5, "right", ""), ("3 × 0.5 ÷ 3", 0.5, "right", ""), ("(1/3)", 0.333, "right", ""),
    ("1 / 3", 0.334, "wrong", ""), ("-(1/4)", -0.25, "right", ""),
    # not a number (not "wrong")
    ("abc", A3, "not-a-number", ""), ("", A3, "not-a-number", ""), ("   ", A3, "not-a-number", ""),
    ("1/0", A3, "not-a-number", ""), ("1/(2-2)", A3, "not-a-number", ""), ("0,69", A3, "not-a-number", ""),
    ("1e", A3, "not-a-number", ""), ("e5", A3, "not-a-number", ""), ("inf", A3, "not-a-number", ""),
    ("nan", A3, "not-a-number", ""), ("Infinity", A3, "not-a-number", ""), ("1/", A3, "not-a-number", ""),
    ("(1", A3, "not-a-number", ""), ("0x10", A3, "not-a-number", ""), ("1_000", A3, "not-a-number", ""),
    ("1e400/1", A3, "not-a-number", ""), ("\u0665", A3, "not-a-number", ""), ("1..2", A3, "not-a-number", ""),
    ("(" * 3000 + "1" + ")" * 3000, 1.0, "not-a-number", ""),
    ("(" * 100 + "1" + ")" * 100, 1.0, "right", ""), ("(" * 101 + "1" + ")" * 101, 1.0, "not-a-number", ""),
    ("-0.69abc", A3, "not-a-number", ""),
]


def _js(driver, cases):
    driver.get("about:blank")
    driver.execute_script(resources.files("viz").joinpath("quiz.js").read_text(encoding="utf-8"))
    return driver.execute_script(
        "return arguments[0].map(function (c) { var v = window.chainruleQuiz.judge(c[0], c[1]);"
        " return [v.verdict, v.note]; });", [[a, t] for a, t in cases])


@pytest.mark.parametrize("typed, truth, verdict, note", TABLE)
def test_python_rule(typed, truth, verdict, note) -> None:
    got = quiz.judge(typed, truth)
    assert (got.verdict, got.note) == (verdict, note)


def test_the_pages_rule_is_the_same_table(browser) -> None:  # noqa: F811
    got = _js(browser, [(a, t) for a, t, _, _ in TABLE])
    want = [[v, n] for _, _, v, n in TABLE]
    assert [(row[0][:30], g) for row, g, w in zip(TABLE, got, want) if g != w] == []
    assert got == want


def _random_cases() -> list[tuple[str, float]]:
    """Truths of every size, answers rounded to 1..17 figures and nudged by one in the last place."""
    rng = random.Random(18)
    cases = []
    for _ in range(400):
        truth = rng.choice([-1, 1]) * rng.random() * 10 ** rng.randint(-12, 12)
        n = rng.randint(1, 17)
        shown = f"{truth:.{n - 1}e}"
        mantissa, exp = shown.split("e")
        last = 10 ** -(n - 1) * rng.choice([-1, 0, 0, 1])
        typed = f"{float(mantissa) + last:.{n - 1}f}e{int(exp)}"
        cases.append((typed, truth))
        cases.append((f"{truth:.{n}g}", truth))
        cases.append((f"{rng.randint(-9, 9)}/{rng.randint(1, 9)}", truth))
    return cases


def test_python_and_the_page_agree_on_random_answers(browser) -> None:  # noqa: F811
    cases = _random_cases()
    got = _js(browser, cases)
    want = [[quiz.judge(a, t).verdict, quiz.judge(a, t).note] for a, t in cases]
    assert sum(v == "right" for v, _ in want) > 200 and sum(v == "wrong" for v, _ in want) > 200
    assert [c for c, g, w in zip(cases, got, want) if g != w] == []


def test_bad_truths_and_answers_are_refused() -> None:
    with pytest.raises(TypeError, match="str"):
        quiz.judge(0.5, 0.5)
    for truth in (float("nan"), float("inf"), True, "0.5"):
        with pytest.raises(ValueError, match="finite"):
            quiz.judge("0.5", truth)
