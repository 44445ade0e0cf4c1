"""trace: a graph recorded once and replayed on whole batches, against the scalar engine row by row."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, trace
from tests.strategies import APPLY, programs, run


def scalar_rows(fn, X: np.ndarray, params: list[Value]) -> tuple[list[float], list[list[float]], list[list[float]]]:
    """The scalar engine on each row: output, ∂out/∂x and ∂out/∂p (no .grad touched)."""
    outs, gxs, gps = [], [], []
    for row in X:
        xs = [Value(float(v)) for v in row]
        out = fn(*xs)
        g = grad(out, xs + params)
        outs.append(out.data)
        gxs.append(g[: len(xs)])
        gps.append(g[len(xs):])
    return outs, gxs, gps


def close(a, b) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))


rows = st.lists(st.lists(st.floats(-3, 3, allow_nan=False), min_size=4, max_size=4), min_size=1, max_size=6)


@settings(max_examples=80, deadline=None)
@given(program=programs(max_inputs=4, max_ops=14), data=rows, weights=st.lists(st.floats(-2, 2), min_size=4,
                                                                                   max_size=4))
def test_random_graphs_match_the_scalar_engine_row_by_row(program, data, weights) -> None:
    n = program[0]
    k = max(1, n - 1)  # the first k leaves are inputs, the rest parameters
    params = [Value(w, label=f"p{i}") for i, w in enumerate(weights[: n - k])]

    def fn(*xs):
        return run(program, *xs, *params)

    X = np.array(data)[:, :k]
    tape = trace(fn, k)
    out = tape(X)
    seed = np.linspace(0.5, 1.5, len(X))
    gx = tape.backward(seed)
    outs, gxs, gps = scalar_rows(fn, X, params)
    assert all(close(a, b) for a, b in zip(out, outs))
    for i in range(len(X)):
        assert all(close(gx[i, j], seed[i] * gxs[i][j]) for j in range(k))
    for j, p in enumerate(params):
        want = sum(seed[i] * gps[i][j] for i in range(len(X)))
        assert math.isclose(p.grad, want, rel_tol=1e-12, abs_tol=1e-12)


POINTS = np.array([[0.7, 1.3], [-1.6, 0.4], [2.5, -0.8], [0.0, 0.5], [-0.3, 2.0], [1e-3, 3.0]])


@pytest.mark.parametrize("name", sorted(APPLY))
def test_every_op_replays_with_the_engines_rules(name) -> None:
    fn = APPLY[name]
    good = []
    for x, y in POINTS:  # the rows the scalar engine accepts
        try:
            fn(Value(x), Value(y))
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        good.append([x, y])
    X = np.array(good)
    tape = trace(fn, 2, at=good[0])
    out = tape(X)
    gx = tape.backward(np.ones(len(X)))
    outs, gxs, _ = scalar_rows(fn, X, [])
    assert all(close(a, b) for a, b in zip(out, outs)), name
    assert all(close(gx[i, j], gxs[i][j]) for i in range(len(X)) for j in range(2)), name


def test_nan_propagates_like_the_engine() -> None:
    w = Value(float("nan"), label="w")
    tape = trace(lambda x: (x * w).relu() + (x * w).step(), 1)
    assert np.isnan(tape(np.array([[1.0], [2.0]]))).all()


def test_parameters_are_read_on_every_call_and_grads_compose_with_scalar_backward() -> None:
    w, b = Value(0.5, label="w"), Value(-0.2, label="b")
    tape = trace(lambda x: (w * x + b).tanh(), 1)
    X = np.array([[0.1], [0.4], [-0.3]])
    first = tape(X)
    w.data = 1.5  # an optimiser step between calls
    second = tape(X)
    assert np.all(second != first)
    assert math.isclose(second[1], math.tanh(1.5 * 0.4 - 0.2), rel_tol=1e-15)  # numpy's tanh, to the last bit or so
    reg = 0.1 * w * w  # a regulariser built with scalar Values
    reg.backward()
    tape.backward(np.ones(3))
    rows = sum(1 - math.tanh(1.5 * x - 0.2) ** 2 for (x,) in X)
    assert math.isclose(b.grad, rows, rel_tol=1e-12)
    assert math.isclose(w.grad, 0.2 * 1.5 + sum(x * (1 - math.tanh(1.5 * x - 0.2) ** 2) for (x,) in X),
                        rel_tol=1e-12)


def test_check_passes_on_an_honest_function_and_fails_on_one_that_branches_on_data() -> None:
    w = Value(0.8, label="w")
    honest = trace(lambda x, y: (w * x - y).sigmoid() * y, 2)
    X = np.array([[0.5, -1.0], [2.0, 0.3], [-1.5, 1.5], [0.2, 0.2]])
    honest.check(X, rows=4)
    grads_before = w.grad
    branching = trace(lambda x, y: x * y if x.data > 0 else x + y, 2)  # traced at x = 0.5: always x·y
    with pytest.raises(AssertionError, match="branch on .data"):
        branching.check(X, rows=4)
    assert w.grad == grads_before  # checking changes no .grad


@pytest.mark.parametrize("call, error, words", [
    (lambda t: t(np.ones((3, 3))), ValueError, r"shape \(N, 2\)"),
    (lambda t: t(np.ones(3)), ValueError, "shape"),
    (lambda t: t(np.array([[1.0, 2.0], [float("nan"), 1.0]])), ValueError, r"X\[1\]\[0\]"),
    (lambda t: t([["a", "b"]]), TypeError, "numbers"),
    (lambda t: t.backward(np.ones(2)), RuntimeError, "forward pass first"),
])
def test_bad_input(call, error, words) -> None:
    tape = trace(lambda x, y: x * y, 2)
    with pytest.raises(error, match=words):
        call(tape)


def test_bad_functions_and_seeds() -> None:
    with pytest.raises(TypeError, match="must return a Value"):
        trace(lambda x: 3.0, 1)
    with pytest.raises(ValueError, match="n_inputs"):
        trace(lambda x: x, 0)
    tape = trace(lambda x: x.log(), 1)
    with pytest.raises(ValueError, match="log.*row 1"):
        tape(np.array([[1.0], [-1.0]]))
    tape(np.array([[1.0], [2.0]]))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        tape.backward(np.ones(3))
    with pytest.raises(OverflowError, match="exp.*row 0"):
        trace(lambda x: x.exp(), 1)(np.array([[800.0]]))
