"""The op table's text is checked as math: every op's ``expr`` and ``partials``, read as formulas and
evaluated at random points, give the engine's value and the numbers ``rule`` (and the engine) compute."""

from __future__ import annotations

import random

import pytest

from autograd import OPS, Value
from tests.strategies import APPLY, as_python, evaluate


def apply(name: str, x: Value, y: Value | None) -> Value:
    """The engine's own op on Values."""
    return APPLY[name](x, y)


def inside(name: str, *xs: float) -> bool:
    return all(d.ok(*xs) for d in OPS[name].domain)


def points(name: str, n: int = 25) -> list[tuple[float, float | None]]:
    rng = random.Random(name)
    out = []
    for _ in range(n):
        x = rng.uniform(-3.0, 3.0)
        y = rng.uniform(-3.0, 3.0)
        if name == "pow" or not inside(name, *(x, y)[:OPS[name].arity]):
            x = rng.uniform(0.1, 3.0)  # a positive base: both partials of x^y exist (and log's, sqrt's x)
        if name == "leaky_relu":
            y = rng.uniform(0.0, 0.5)
        if abs(x) < 1e-3:
            x = 0.5  # away from every kink at 0
        out.append((x, y if OPS[name].arity == 2 else None))
    return out


def test_every_op_in_the_table_is_covered() -> None:
    assert {"add", "sub", "mul", "div", "neg", "pow", "exp", "log", "tanh", "sigmoid", "relu",
            "leaky_relu", "step"} <= set(OPS)
    assert {"sin", "cos", "sqrt", "abs", "softplus", "silu", "elu", "maximum", "minimum"} <= set(OPS)
    for op in OPS.values():
        for text in (op.expr, *op.partials):
            compile(as_python(text), op.name, "eval")  # every formula reads as one


@pytest.mark.parametrize("name", sorted(OPS))
def test_expr_and_partials_text_agree_with_rule_and_engine(name: str) -> None:
    op = OPS[name]
    for x, y in points(name):
        xv = Value(x)
        yv = None if y is None else Value(y)
        out = apply(name, xv, yv)
        assert evaluate(op.expr, x, y) == pytest.approx(out.data, rel=1e-12, abs=1e-12), (op.expr, x, y)
        operands = (x,) if y is None else (x, y)
        rule = op.rule(*operands, out.data)
        assert len(rule) == op.arity == len(out.local_grads)
        for i, text in enumerate(op.partials):
            by_text = evaluate(text, x, y)
            assert by_text == pytest.approx(rule[i], rel=1e-9, abs=1e-12), (name, i, text, x, y)
            assert by_text == pytest.approx(out.local_grads[i], rel=1e-9, abs=1e-12), (name, i, text, x, y)


@pytest.mark.parametrize("name", sorted(OPS))
def test_partials_text_is_the_derivative_of_expr(name: str) -> None:
    # central differences of the expr text itself, away from kinks
    op = OPS[name]
    h = 1e-6
    for x, y in points(name, 10):
        if abs(x) < 1e-2 or (y is not None and abs(x - y) < 1e-2):
            continue  # near a kink (relu's at 0, maximum's at x = y)
        for i in range(op.arity):
            up = [x, y][: op.arity]
            down = list(up)
            up[i] += h
            down[i] -= h
            numeric = (evaluate(op.expr, *up) - evaluate(op.expr, *down)) / (2 * h)
            assert evaluate(op.partials[i], x, y) == pytest.approx(numeric, rel=1e-5, abs=1e-6), (name, i, x, y)


def test_formula_brackets_an_infix_expr() -> None:
    assert OPS["add"].formula(0) == "∂(x + y)/∂x = 1"
    assert OPS["div"].formula(1) == "∂(x / y)/∂y = −x/y²"
    assert OPS["tanh"].formula(0) == "∂tanh(x)/∂x = 1 − tanh²(x)"
    assert OPS["pow"].formula(0) == "∂x^y/∂x = y·x^(y−1)"
