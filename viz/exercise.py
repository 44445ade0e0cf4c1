"""Exercises on the teacher's own graph: ask for ∂J/∂θ (or one factor of the chain), check the
learner's answer with the quiz's rule, give hints that name the factors, reveal the answer.

>>> from autograd import Value
>>> import viz
>>> x = Value(3.0, label="x")
>>> J = x * x
>>> ex = viz.exercise(J, x)
>>> ex.check("6.0", quiet=True), ex.check(5.9, quiet=True), ex.check(6, quiet=True)
(True, False, True)

The rule (the quiz's, viz.quiz, see :func:`grade`): a typed number is right when it equals the
truth rounded to the significant figures typed, with at least 2 (−0.69, −0.693 and −0.6932 are
all right for −0.693178; −0.7 has too few figures; −0.694 is wrong; −0.1 is right for −0.1001,
being −0.10); a fraction (``"1/4"``, ``"-2/3"``, a ``Fraction``) is right when it matches to 3
significant figures.
Answers come from the engine: J's backward on the graph as it is, checked against the sum
over paths.
"""

from __future__ import annotations

import fractions
import math
import re
from dataclasses import dataclass

from autograd import OPS, Value

from .chain import ChainRule, Factor, chain_rule
from .text import fmt

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_FRACTION = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*/\s*([+-]?(?:\d+\.?\d*|\.\d+))")


def significant_figures(typed: str) -> int:
    """How many significant figures a typed decimal number has: its mantissa's digits after the
    leading zeros (``0.0690`` → 3, ``-7`` → 1, ``500`` → 3, ``0`` → 0)."""
    mantissa = re.split(r"[eE]", typed.lstrip("+-"))[0]
    return len(mantissa.replace(".", "").lstrip("0"))


def grade(answer: object, truth: float) -> str:
    """The quiz's verdict on ``answer`` for ``truth``: "right", "wrong", "too few figures" or
    "not a number".  viz.quiz's rule when it is there (the player's own), else the same rule here."""
    try:
        from . import quiz  # type: ignore[attr-defined]
    except ImportError:
        quiz = None
    if quiz is not None and hasattr(quiz, "judge") and hasattr(quiz, "as_text"):
        text = quiz.as_text(answer)
        if text is None:
            return "not a number"
        verdict = quiz.judge(text, truth)
        if verdict.verdict == "not-a-number":
            return "not a number"
        return "too few figures" if verdict.note == "too-few-figures" else verdict.verdict
    return _grade(answer, truth)


def _grade(answer: object, truth: float) -> str:
    if isinstance(answer, bool) or answer is None:
        return "not a number"
    if isinstance(answer, fractions.Fraction):
        return _to_3(float(answer), truth)
    if isinstance(answer, (int, float)):
        if not math.isfinite(answer):
            return "not a number"
        return _to_typed(repr(float(answer)) if isinstance(answer, float) else str(answer), truth)
    if not isinstance(answer, str):
        return "not a number"
    text = answer.strip().replace("−", "-").replace("–", "-").replace("÷", "/")
    if _NUMBER.fullmatch(text):
        return _to_typed(text, truth)
    m = _FRACTION.fullmatch(text)
    if m:
        denominator = float(m.group(2))
        return "not a number" if denominator == 0 else _to_3(float(m.group(1)) / denominator, truth)
    return "not a number"


def _to_typed(typed: str, truth: float) -> str:
    value = float(typed)
    n = significant_figures(typed)
    if n == 0 or truth == 0:  # a typed zero is right for a zero truth only, and only it is
        return "right" if value == truth == 0 else "wrong"
    shown = max(n, 2)  # at least 2 figures: -0.1 stands for -0.10
    if f"{value:.{shown - 1}e}" == f"{truth:.{shown - 1}e}":
        return "right"
    if n < 2 and f"{value:.{n - 1}e}" == f"{truth:.{n - 1}e}":
        return "too few figures"
    return "wrong"


def _to_3(value: float, truth: float) -> str:
    return "right" if f"{value:.2e}" == f"{truth:.2e}" else "wrong"


@dataclass
class Exercise:
    """One question on a graph.  ``check(answer)`` says right or wrong (with a hint after a wrong
    answer); ``answer()`` reveals the value and how it is made."""

    J: Value
    theta: Value
    rule: ChainRule
    truth: float
    asks: str  # what the learner gives, e.g. "∂J/∂θ1" or "∂a3/∂z3"
    factor: Factor | None = None
    tries: int = 0
    hints: int = 0

    @property
    def question(self) -> str:
        if self.factor is None:
            J, theta = self.rule.name(self.J), self.rule.name(self.theta)
            return f"What is {self.asks} (that is, {theta}.grad after {J}.backward())?"
        return f"In {self.rule.text().splitlines()[0]}, what is the factor {self.asks}?"

    def hint(self) -> str:
        """The next hint: first the factors to multiply (or the local derivative's formula), then
        their numbers."""
        self.hints += 1
        if self.factor is not None:
            formulas = _factor_formulas(self.rule, self.factor)
            if self.hints == 1:
                return f"{self.asks} = {' · '.join(formulas)}: the local derivative(s) between them, from the op table"
            numbers = " · ".join(f"({fmt(g)})" for g in _factor_steps(self.rule, self.factor))
            return f"{self.asks} = {numbers}"
        formula, numbers, _ = derivation(self.rule)
        if self.hints == 1:
            return f"{formula}: multiply the factors along each path, add the paths"
        return f"{self.asks} = {numbers}"

    def check(self, answer: object, quiet: bool = False) -> bool:
        """Whether ``answer`` is right by the quiz's rule; prints the verdict (and a hint when it is
        wrong) unless ``quiet``."""
        verdict = grade(answer, self.truth)
        self.tries += 1
        if not quiet:
            if verdict == "right":
                print(f"✓ right: {self.asks} = {fmt(self.truth)}")
            elif verdict == "not a number":
                print(f"{answer!r} is not a number: give {self.asks} as a number such as -0.69, 6.9e-1 or 1/4")
            elif verdict == "too few figures":
                print(f"{answer!r} has too few figures: give at least 2 significant figures")
            else:
                print(f"✗ not quite. Hint: {self.hint()}")
        return verdict == "right"

    def answer(self, quiet: bool = False) -> float:
        """The answer (the engine's), printed with its derivation unless ``quiet``."""
        if not quiet:
            if self.factor is None:
                formula, numbers, total = derivation(self.rule)
                print(f"{formula}\n   = {numbers}\n   = {total}")
            else:
                print(f"{self.asks} = {' · '.join(_factor_formulas(self.rule, self.factor))} = {fmt(self.truth)}")
        return self.truth

    def __repr__(self) -> str:
        return f"Exercise({self.question!r})"


def derivation(rule: ChainRule, terms: int = 8) -> tuple[str, str, str]:
    """∂J/∂θ as (the formula, its numbers, the result), from the factors of each path (the first
    ``terms`` paths written out)."""
    lhs = f"∂{rule.name(rule.J)}/∂{rule.name(rule.theta)}"
    shown = [rule.factors(k) for k in range(min(terms, len(rule.paths)))]
    more = f" + … ({rule.count - len(shown)} more paths)" if rule.count > len(shown) else ""
    formula = " + ".join(" · ".join(f"∂{rule.name(f.upper)}/∂{rule.name(f.lower)}" for f in fs) for fs in shown)
    numbers = " + ".join("".join(f"({fmt(f.value)})" for f in fs) for fs in shown)
    return f"{lhs} = {formula}{more}", numbers + more, fmt(rule.total)


def _factor_links(rule: ChainRule, factor: Factor) -> list[tuple[Value, int]]:
    """The (node, parent slot) links of path 0 that make up one factor, upper to lower."""
    path, slots = rule.paths[0], rule.slots[0]
    start = path.index(factor.upper)
    out = []
    for node, slot, lower in zip(path[start:], slots[start:], path[start + 1:]):
        out.append((node, slot))
        if lower is factor.lower:
            break
    return out


def _factor_steps(rule: ChainRule, factor: Factor) -> list[float]:
    """The local derivatives that make up one factor of path 0, upper to lower."""
    return [node.local_grads[slot] for node, slot in _factor_links(rule, factor)]


def _factor_formulas(rule: ChainRule, factor: Factor) -> list[str]:
    out = []
    for node, slot in _factor_links(rule, factor):
        op = OPS.get(node.op)
        operands = [fmt(p.data) if p.is_constant else rule.names.get(p, "·") for p in node.parents]
        out.append(op.render(*operands, text=op.partials[slot]) if op else fmt(node.local_grads[slot]))
    return out


def exercise(J: Value, theta: Value, factor: int | None = None) -> Exercise:
    """A question on J's graph: ∂J/∂θ, or (``factor=k``) the k-th factor of the first path from J
    to θ (0 is the one at J).  The answer is the engine's: J's backward on the graph as it is."""
    if not isinstance(J, Value) or not isinstance(theta, Value):
        bad = J if not isinstance(J, Value) else theta
        raise TypeError(f"exercise(J, theta) takes two Values, got {type(bad).__name__}")
    rule = chain_rule(J, theta)
    if rule.count == 0:
        raise ValueError(f"{rule.name(theta)} does not reach {rule.name(J)}: ∂{rule.name(J)}/∂{rule.name(theta)} "
                         "is 0 and there is no chain to ask about")
    truth = _engine_grad(J, theta)
    if not math.isclose(truth, rule.total, rel_tol=1e-9, abs_tol=1e-12):
        raise RuntimeError(f"the engine's backward ({truth!r}) and the sum over paths ({rule.total!r}) disagree")
    if factor is None:
        return Exercise(J, theta, rule, truth, f"∂{rule.name(J)}/∂{rule.name(theta)}")
    factors = rule.factors(0)
    if isinstance(factor, bool) or not isinstance(factor, int):
        raise TypeError(f"factor must be an int, got {type(factor).__name__}")
    if not 0 <= factor < len(factors):
        raise IndexError(f"factor {factor}: the first path has factors 0 … {len(factors) - 1}")
    f = factors[factor]
    return Exercise(J, theta, rule, f.value, f"∂{rule.name(f.upper)}/∂{rule.name(f.lower)}", factor=f)


def _engine_grad(J: Value, theta: Value) -> float:
    """∂J/∂θ from the engine's backward, leaving every .grad of the graph as it was."""
    from autograd import topological

    order = topological(J)
    saved = [n.grad for n in order]
    try:
        for n in order:
            n.grad = 0.0
        J.backward()
        return theta.grad
    finally:
        for n, g in zip(order, saved):
            n.grad = g
