"""Every op of the table, built-in or defined (tests/strategies.py), gets the same checks, read
from its entry: value and first and second derivatives against finite differences and PyTorch
float64 at random points and at the entry's edges, the tape against the engine, the formula
text against the rule, the LaTeX parsed.  A new op needs no test code of its own."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import OPS, Value, grad, hessian, trace
from tests.strategies import APPLY, call, edge_points, evaluate, random_points, smooth_at, torch_op

NAMES = sorted(OPS)


def same(a: float, b: float, rel: float, abs_: float = 1e-12) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def derivatives(name: str, pt: tuple[float, ...]) -> tuple[float, list[float], list[list[float]]]:
    """The engine's value, gradient and Hessian (second-order backward through the rules on Values)."""
    out, xs = call(name, *pt)
    first = grad(out, xs)
    second = hessian(lambda *vs: APPLY[name](vs[0], vs[1] if len(vs) > 1 else None), list(pt))
    return out.data, first, second


@pytest.mark.parametrize("name", NAMES)
def test_value_and_both_derivative_orders_against_finite_differences(name: str) -> None:
    op = OPS[name]
    checked = 0
    for pt in random_points(name):
        if not smooth_at(name, pt):
            continue
        value, first, second = derivatives(name, pt)
        assert value == op.value(*pt), (name, pt)
        for i in range(op.arity):
            h = 1e-6 * max(1.0, abs(pt[i]))
            up, down = list(pt), list(pt)
            up[i] += h
            down[i] -= h
            numeric = (op.value(*up) - op.value(*down)) / (2 * h)
            assert same(first[i], numeric, 1e-5, 1e-7), (name, pt, i, first[i], numeric)
            h2 = 1e-5 * max(1.0, abs(pt[i]))
            up[i], down[i] = pt[i] + h2, pt[i] - h2
            g_up, g_down = grad(*_out_and_xs(name, up)), grad(*_out_and_xs(name, down))
            for j in range(op.arity):
                numeric2 = (g_up[j] - g_down[j]) / (2 * h2)
                assert same(second[j][i], numeric2, 1e-4, 1e-6), (name, pt, i, j, second[j][i], numeric2)
        checked += 1
    assert checked >= 6, name


def _out_and_xs(name: str, pt: list[float]) -> tuple[Value, list[Value]]:
    return call(name, *pt)


try:
    import torch
except ImportError:  # torch is an optional extra: these checks skip without it
    torch = None



def torch_derivatives(f, pt: tuple[float, ...]) -> tuple[float, list[float], list[list[float]]]:
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in pt]
    out = f(*ts)
    if not out.requires_grad:  # a constant of its inputs (step)
        zeros = [0.0] * len(pt)
        return out.item(), zeros, [list(zeros) for _ in pt]
    first = torch.autograd.grad(out, ts, create_graph=True, allow_unused=True, materialize_grads=True)
    second = []
    for g in first:
        if not g.requires_grad:
            second.append([0.0] * len(pt))
        else:
            row = torch.autograd.grad(g, ts, retain_graph=True, allow_unused=True, materialize_grads=True)
            second.append([r.item() for r in row])
    return out.item(), [g.item() for g in first], second


@pytest.mark.skipif(torch is None, reason="torch is not installed")
@pytest.mark.parametrize("name", NAMES)
def test_value_and_both_derivative_orders_match_torch_float64_at_random_and_edge_points(name: str) -> None:
    op = OPS[name]
    f = torch_op(name)
    for pt in random_points(name) + edge_points(name):
        value, first, second = derivatives(name, pt)
        t_value, t_first, t_second = torch_derivatives(f, pt)
        assert same(value, t_value, 1e-13), (name, pt, value, t_value)
        if name != "relu":  # the engine's relu(−0.0) is 0.0 (torch's keeps −0.0): see ops.py
            assert math.copysign(1.0, value) == math.copysign(1.0, t_value) or value != 0, (name, pt, value, t_value)
        for i in range(op.arity):
            assert same(first[i], t_first[i], 1e-12), (name, pt, i, first[i], t_first[i])
            for j in range(op.arity):
                if (name, pt) in _SECOND_ORDER_APART:
                    continue
                assert same(second[i][j], t_second[i][j], 1e-9), (name, pt, i, j, second[i][j], t_second[i][j])


# Where the engine's second derivative is not PyTorch's, on purpose (see ops._pow_rule):
# - x^y at x = 0 with 0 < y ≤ 1: the mixed derivative does not exist; the engine says NaN.
# - x^y at x = 0 for y = 0 or 2: the engine gives the limit, 0, where torch's y·x^(y−1)·ln x is
#   0·(−inf) = NaN.
# - x^y at y = 0, x = 2: ∂²/∂x∂y is x^(y−1) = 0.5; torch's slope in x is 0 at y = 0 as a
#   constant, which loses it (0).
# - softplus at its threshold, x = 20 itself: torch's first derivative there is σ(20) but its
#   second is 0; the engine's is σ'(20), about 2e-9, the derivative of the first.
_SECOND_ORDER_APART = {("pow", (0.0, 0.0)), ("pow", (0.0, 0.5)), ("pow", (0.0, 1.0)), ("pow", (0.0, 2.0)),
                       ("pow", (2.0, 0.0)), ("softplus", (20.0,))}


@pytest.mark.parametrize("name", NAMES)
def test_the_tape_replays_every_op_as_the_engine_computes_it(name: str) -> None:
    op = OPS[name]
    pts = random_points(name) + edge_points(name)
    rows = np.array([(*pt, 0.0)[:2] for pt in pts])
    tape = trace(lambda x, y: APPLY[name](x, y), 2, at=list(rows[0]))
    out = tape(rows)
    gx = tape.backward(np.ones(len(rows)))
    # the entry's array backend against its float backend: equal, except where numpy's own exp,
    # log or tanh is not the C library's (then to 1e-13 relative: 1 − tanh², say, turns an ulp of
    # tanh into more ulps of the slope)
    columns = [rows[:, k] for k in range(op.arity)]
    on_arrays = np.asarray(op.forward(*columns), dtype=float)
    for k, pt in enumerate(pts):
        want, xs = call(name, *pt)
        wanted = grad(want, xs)
        exact = on_arrays[k] == op.value(*pt) or (math.isnan(on_arrays[k]) and math.isnan(op.value(*pt)))
        for got, w in [(out[k], want.data), *zip(gx[k], wanted)]:
            if exact:
                assert got == w or (math.isnan(got) and math.isnan(w)), (name, pt, got, w)
            else:
                assert same(got, w, 1e-13, 1e-300), (name, pt, got, w)


@pytest.mark.parametrize("name", NAMES)
def test_formula_text_evaluates_to_the_partials(name: str) -> None:
    op = OPS[name]
    for pt in random_points(name):
        out = op.value(*pt)
        assert evaluate(op.expr, *pt) == pytest.approx(out, rel=1e-12, abs=1e-12), (name, op.expr, pt)
        rule = op.rule(*pt, out)
        for i, text in enumerate(op.partials):
            assert evaluate(text, *pt) == pytest.approx(rule[i], rel=1e-9, abs=1e-12), (name, text, pt)


@pytest.mark.parametrize("name", NAMES)
def test_latex_of_the_expression_and_every_partial_parses(name: str) -> None:
    mathtext = pytest.importorskip("matplotlib.mathtext")
    parser = mathtext.MathTextParser("path")
    op = OPS[name]
    for tex in (op.latex, *(op.latex_formula(i) for i in range(op.arity))):
        parser.parse(f"${tex}$")  # raises ValueError on LaTeX mathtext cannot read
        assert "·" not in tex and "−" not in tex and "^(" not in tex, tex


@pytest.mark.parametrize("name", ["add", "sub", "mul", "neg", "relu"])
def test_inline_ops_compute_what_their_entry_says(name: str) -> None:
    # these five are written out in value.py for speed; they must stay the table's op
    op = OPS[name]
    for pt in random_points(name) + [(0.0, 0.0), (-0.0, 0.0), (5e-324, -5e-324), (math.nan, 1.0), (1.0, math.nan),
                                     (math.inf, 1.0), (-math.inf, -math.inf)]:
        pt = pt[:op.arity]
        out, xs = call(name, *pt)
        want = op.value(*pt)
        assert out.data == want or (math.isnan(out.data) and math.isnan(want)), (name, pt)
        assert math.copysign(1.0, out.data) == math.copysign(1.0, want) or math.isnan(want), (name, pt)
        rule = op.rule(*pt, out.data)
        for got, w in zip(out.local_grads, rule):
            assert got == w or (math.isnan(got) and math.isnan(w)), (name, pt, got, w)


def test_the_latex_of_some_entries_reads_as_written() -> None:
    assert OPS["pow"].latex_formula(0) == r"\frac{\partial x^{y}}{\partial x} = y \cdot x^{y - 1}"
    assert OPS["sqrt"].latex_formula(0) == r"\frac{\partial \sqrt{x}}{\partial x} = 1/(2 \cdot \sqrt{x})"
    assert OPS["tanh"].latex_formula(0) == r"\frac{\partial \tanh(x)}{\partial x} = 1 - \tanh^{2}(x)"
    assert OPS["sigmoid"].latex == r"\sigma(x)"
    assert OPS["leaky_relu"].latex == r"\operatorname{leaky\_relu}(x, y)"
