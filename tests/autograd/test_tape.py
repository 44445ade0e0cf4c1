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


# -- sums in the engine's own order ---------------------------------------------------------


def _bits_equal(a, b) -> bool:
    return np.array_equal(np.asarray(a, dtype=float).view(np.int64), np.asarray(b, dtype=float).view(np.int64))


def test_a_right_nested_sum_is_not_reassociated() -> None:
    f = lambda x: x * 1e16 + (x * -1e16 + 1.0)  # noqa: E731 — the engine gives 0.0 (1e16 + 1 rounds to 1e16)
    tape = trace(f, 1)
    X = np.array([[1.0], [3.0], [-7.0]])
    assert [f(Value(float(x))).data for (x,) in X] == [0.0, 0.0, 0.0]
    assert _bits_equal(tape(X), [0.0, 0.0, 0.0])
    tape.check(X, rows=3)


@st.composite
def sum_trees(draw: st.DrawFn, leaves: int = 8):
    """A random binary tree of additions over products x·c_i with wildly different scales."""
    scales = draw(st.lists(st.sampled_from([1e-16, 1.0, 3.0, 1e8, -1e8, 1e16, -1e16, 0.1]),
                           min_size=2, max_size=leaves))
    shape = draw(st.lists(st.booleans(), min_size=len(scales) - 1, max_size=len(scales) - 1))
    return scales, shape


def _build(x, y, scales, shape):
    terms = [x * c if i % 2 else y * c for i, c in enumerate(scales)]
    while len(terms) > 1:  # join neighbours, left or right first, so chains nest both ways
        left = shape.pop() if shape else True
        if left:
            terms[:2] = [terms[0] + terms[1]]
        else:
            terms[-2:] = [terms[-2] + terms[-1]]
    return terms[0] + 1.0


@settings(max_examples=150, deadline=None)
@given(tree=sum_trees(), data=st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=1, max_size=5))
def test_ill_conditioned_chains_of_additions_match_the_engine_to_the_last_bit(tree, data) -> None:
    scales, shape = tree
    fn = lambda x, y: _build(x, y, scales, list(shape))  # noqa: E731
    X = np.array(data)
    out = trace(fn, 2)(X)
    want = [fn(Value(float(a)), Value(float(b))).data for a, b in X]
    assert _bits_equal(out, want)


def test_a_neurons_weighted_sum_is_one_matrix_product() -> None:
    ws = [Value(float(i), label=f"w{i}") for i in range(5)]
    b = Value(0.5, label="b")
    tape = trace(lambda *xs: sum((w * x for w, x in zip(ws, xs)), b), 5)
    assert [g.op for g in tape._groups] == ["matmul"]
    constants = trace(lambda *xs: sum((float(i) * x for i, x in enumerate(xs)), b), 5)  # no parameter: kept
    assert [g.op for g in constants._groups] == ["mul", "sum"]


# -- forward state: checks and threads ---------------------------------------------------


def test_check_leaves_the_forward_state_and_every_grad_as_it_found_them() -> None:
    w = Value(0.8, label="w")
    w.grad = 0.25
    tape = trace(lambda x: (w * x).tanh() * x, 1)
    X, X2 = np.array([[0.5], [1.5]]), np.array([[-2.0], [3.0], [0.1]])
    tape(X)
    tape.check(X2, rows=3)
    assert w.grad == 0.25
    gx = tape.backward(np.ones(2))  # the gradients for X, not for X2
    want = [grad((w * Value(x)).tanh() * x, [w]) for (x,) in X]
    assert gx.shape == (2, 1)
    assert math.isclose(w.grad - 0.25, sum(g[0] for g in want), rel_tol=1e-12)


def test_a_failing_check_also_leaves_the_state_and_grads() -> None:
    w = Value(2.0, label="w")
    w.grad = -1.5
    branching = trace(lambda x: x * w if x.data > 0 else x + w, 1)
    X = np.array([[1.0], [4.0]])
    branching(X)
    with pytest.raises(AssertionError):
        branching.check(np.array([[-1.0], [-2.0]]), rows=2)
    assert w.grad == -1.5
    assert np.array_equal(branching.backward(np.ones(2)), [[2.0], [2.0]])  # X's rows, where x > 0
    assert w.grad == -1.5 + 5.0


def test_two_threads_on_one_tape_each_get_their_own_forward() -> None:
    import threading

    w = Value(1.5, label="w")
    tape = trace(lambda x: w * x * x, 1)
    barrier = threading.Barrier(2)
    results: dict[str, np.ndarray] = {}

    def work(name: str, X: np.ndarray) -> None:
        tape(X)
        barrier.wait()  # both forwards done before either backward
        results[name] = tape.backward(np.ones(len(X)))

    a, b = np.array([[1.0], [2.0]]), np.array([[10.0], [20.0], [30.0]])
    threads = [threading.Thread(target=work, args=("a", a)), threading.Thread(target=work, args=("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert np.array_equal(results["a"], 2 * 1.5 * a)
    assert np.array_equal(results["b"], 2 * 1.5 * b)
    assert w.grad == 1 + 4 + 100 + 400 + 900


def test_backward_in_a_thread_that_made_no_forward_is_refused() -> None:
    import threading

    tape = trace(lambda x: x * 2.0, 1)
    tape(np.ones((2, 1)))
    errors = []
    t = threading.Thread(target=lambda: errors.append(pytest.raises(RuntimeError, tape.backward, np.ones(2))))
    t.start()
    t.join()
    assert "in this thread" in str(errors[0].value)


# -- inputs the scalar engine refuses ----------------------------------------------------------


@pytest.mark.parametrize("X, words", [
    (np.array([[1 + 2j]]), "complex"),
    ([["1.0"]], "strings"),
    ([[b"1"]], "bytes"),
    (np.array([[np.timedelta64(1, "s")]]), "time spans"),
    (np.array([["2020-01-01"]], dtype="datetime64[D]"), "dates"),
    (np.ma.array([[1.0], [2.0]], mask=[[False], [True]]), "masked"),
    (np.array([[1.0], ["a"]], dtype=object), r"X\[1, 0\].*str"),
    (np.array([[1.0], [None]], dtype=object), "NoneType"),
    (np.array([[1.0], [1 + 1j]], dtype=object), "complex"),
])
def test_inputs_the_engine_refuses_are_refused(X, words) -> None:
    if not isinstance(X, np.ma.MaskedArray):
        with pytest.raises(TypeError):  # the same kind of error as the scalar engine's
            last = np.asarray(X).ravel()[-1]
            Value(last.item() if isinstance(last, np.generic) else last)
    tape = trace(lambda x: x * 2.0, 1)
    with pytest.raises(TypeError, match=words):
        tape(X)


def test_real_kinds_the_engine_accepts_are_accepted() -> None:
    from fractions import Fraction

    tape = trace(lambda x: x * 2.0, 1)
    for X in (np.array([[1], [2]], dtype=np.int8), np.array([[True], [False]]),
              np.array([[Fraction(1, 2)], [3]], dtype=object), np.array([[1.5]], dtype=np.float32)):
        assert np.array_equal(tape(X), 2.0 * np.asarray(X, dtype=float)[:, 0])


def test_a_negative_base_to_an_infinite_power_is_refused_as_by_the_engine() -> None:
    with pytest.raises(ValueError, match="fractional"):
        Value(-2.0) ** float("inf")
    tape = trace(lambda x: x ** float("inf"), 1)
    assert tape(np.array([[0.5]]))[0] == 0.0
    with pytest.raises(ValueError, match="pow.*row 1"):
        tape(np.array([[0.5], [-2.0]]))


@pytest.mark.parametrize("rows", [0, -1, True, 1.0, "3"])
def test_check_needs_a_positive_number_of_rows(rows) -> None:
    tape = trace(lambda x: x * 2.0, 1)
    with pytest.raises(ValueError, match="rows must be a positive int"):
        tape.check(np.ones((3, 1)), rows=rows)


def test_check_with_one_row_checks_that_row() -> None:
    tape = trace(lambda x: x * 2.0 if x.data > 0 else x * 3.0, 1)
    tape.check(np.array([[1.0], [-1.0]]), rows=1)  # row 0 only, where the traced branch holds
    with pytest.raises(AssertionError, match="row 0"):
        tape.check(np.array([[-1.0], [1.0]]), rows=1)


# -- memory: chunks of rows ---------------------------------------------------------------------


def test_a_large_batch_is_replayed_in_chunks_with_the_same_results() -> None:
    import nn

    model = nn.MLP(2, [4, 4, 1], seed=1)
    tape = trace(lambda a, b: model([a, b]), 2)
    X = np.random.default_rng(0).normal(size=(1000, 2))
    seed = np.linspace(-1, 1, 1000)
    whole_out = tape(X)
    whole_gx = tape.backward(seed)
    whole = [p.grad for p in model.parameters()]
    model.zero_grad()
    tape.max_bytes = 40 * tape._row_bytes  # 40 rows a chunk: 25 chunks
    assert tape.chunk_rows == 40
    out = tape(X)
    model.layers[0].neurons[0].w[0].data += 1.0  # a step between forward and backward is not seen
    gx = tape.backward(seed)
    model.layers[0].neurons[0].w[0].data -= 1.0
    assert _bits_equal(out, whole_out)
    assert _bits_equal(gx, whole_gx)
    for got, want in zip((p.grad for p in model.parameters()), whole):
        assert math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
    tape.check(X, rows=5)


def test_a_chunked_replay_names_the_row_of_the_whole_batch() -> None:
    tape = trace(lambda x: x.log(), 1)
    tape.max_bytes = 3 * tape._row_bytes
    X = np.ones((10, 1))
    X[7, 0] = -1.0
    with pytest.raises(ValueError, match="row 7"):
        tape(X)


def test_memory_for_a_million_rows_stays_bounded() -> None:
    w = Value(0.3, label="w")
    tape = trace(lambda x: (w * x).tanh() * x, 1)
    tape.max_bytes = 2**20
    assert tape.chunk_rows * tape._row_bytes <= 2**20
    X = np.ones((10**6, 1))
    out = tape(X)
    assert out.shape == (10**6,) and out[0] == out[-1] == math.tanh(0.3)
    assert tape._last["V"] is None  # nothing nodes × rows was kept


@pytest.mark.parametrize("bad", [0, -5, 1.5, True])
def test_max_bytes_must_be_a_positive_int(bad) -> None:
    tape = trace(lambda x: x * 2.0, 1)
    tape.max_bytes = bad
    with pytest.raises(ValueError, match="max_bytes"):
        tape(np.ones((2, 1)))


# -- several outputs -------------------------------------------------------------------------


def test_a_function_of_several_outputs_gives_one_tape_of_shape_n_by_k() -> None:
    w = Value(0.7, label="w")

    def fn(x, y):
        h = (w * x + y) * (x - 0.25)  # shared by all three outputs (no tanh: numpy's may differ in the last bit)
        return [h * x, h + y * y, h]

    tape = trace(fn, 2)
    X = np.array([[0.5, -1.0], [2.0, 0.3], [-1.5, 1.5]])
    out = tape(X)
    assert out.shape == (3, 3)
    for i, (a, b) in enumerate(X):
        assert _bits_equal(out[i], [o.data for o in fn(Value(float(a)), Value(float(b)))])
    seed = np.array([[1.0, 0.5, -2.0], [0.0, 1.0, 0.0], [3.0, 0.0, 1.0]])
    gx = tape.backward(seed)
    want_w, want_x = 0.0, []
    for (a, b), s_row in zip(X, seed):
        xs = [Value(float(a)), Value(float(b))]
        outs = fn(*xs)
        total = sum((float(s) * o for s, o in zip(s_row, outs)), Value(0.0))
        g = grad(total, xs + [w])
        want_x.append(g[:2])
        want_w += g[2]
    assert np.allclose(gx, want_x, rtol=1e-12, atol=1e-12)
    assert math.isclose(w.grad, want_w, rel_tol=1e-12)
    tape.check(X, rows=3)


def test_the_same_node_twice_among_the_outputs_gets_both_seeds() -> None:
    tape = trace(lambda x: [x * 3.0, x * 3.0 + 0.0, x], 1)
    same = trace(lambda x: (lambda h: [h, h])(x * 3.0), 1)
    X = np.array([[2.0]])
    same(X)
    assert np.array_equal(same.backward(np.array([[1.0, 10.0]])), [[33.0]])
    tape(X)
    assert np.array_equal(tape.backward(np.array([[1.0, 10.0, 100.0]])), [[133.0]])


def test_an_output_that_is_also_inside_a_longer_sum_or_a_layer_is_computed() -> None:
    # s is an output and the left operand of s + a: it must not be folded into that sum; the
    # products w·a and w2·b are outputs and terms of a lifted sum: they keep their rows
    w, w2 = Value(0.5, label="w"), Value(-1.5, label="w2")

    def f(a: Value, b: Value) -> list[Value]:
        s = a * 2.0 + b
        p, q = w * a, w2 * b
        return [s, s + a, p, p + q, q]

    tape = trace(f, 2)
    X = np.array([[1.0, 2.0], [3.0, -4.0]])
    rows = [[v.data for v in f(Value(x0), Value(x1))] for x0, x1 in X]
    assert np.array_equal(tape(X), rows)
    tape.check(X, rows=2)


def test_several_outputs_chunked_match_one_replay() -> None:
    import nn

    model = nn.MLP(2, [5, 3], seed=2)
    tape = trace(lambda a, b: model([a, b]), 2)
    X = np.random.default_rng(1).normal(size=(300, 2))
    seed = np.random.default_rng(2).normal(size=(300, 3))
    whole, gx_whole = tape(X), tape.backward(seed)
    tape.max_bytes = 7 * tape._row_bytes
    assert _bits_equal(tape(X), whole)
    assert _bits_equal(tape.backward(seed), gx_whole)


def test_several_outputs_bad_seeds_and_bad_functions() -> None:
    tape = trace(lambda x: [x, x * 2.0], 1)
    tape(np.ones((4, 1)))
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        tape.backward(np.ones(4))
    with pytest.raises(TypeError, match="non-empty list of Values"):
        trace(lambda x: [], 1)
    with pytest.raises(TypeError, match="holding float"):
        trace(lambda x: [x, 2.0], 1)
    branching = trace(lambda x: [x, x] if x.data > 0 else [x], 1)
    with pytest.raises(AssertionError, match="returned 1 outputs"):
        branching.check(np.array([[-1.0]]), rows=1)


# -- weighted sums lifted into matrix products -------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_weighted_sums_in_any_shape_match_the_scalar_engine(data) -> None:
    n_in = data.draw(st.integers(1, 4))
    ws = [Value(data.draw(st.floats(-2, 2)), label=f"w{i}") for i in range(data.draw(st.integers(1, 5)))]
    layers = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    picks = data.draw(st.lists(st.integers(0, 10**6), min_size=200, max_size=200))

    def fn(*xs):
        values, k = list(xs), 0
        for width in layers:
            out = []
            for u in range(width):
                terms = []
                for j, v in enumerate(values + values[:1]):  # the first value read twice
                    w = ws[(picks[k % 200] + j) % len(ws)]
                    k += 1
                    terms.append(w * v if picks[k % 200] % 3 else v * w)  # the weight on either side
                bias = ws[u % len(ws)] if picks[k % 200] % 2 else Value(0.0) * 1.0
                z = sum(terms[1:], terms[0] + bias) if picks[k % 200] % 4 else sum(terms, bias)
                out.append(z.tanh() if u % 2 else z)
            values = out
        return sum(values[1:], values[0] * ws[0])

    rows = data.draw(st.lists(st.lists(st.floats(-3, 3), min_size=n_in, max_size=n_in), min_size=1, max_size=5))
    X = np.array(rows)
    tape = trace(fn, n_in)
    assert any(g.op == "matmul" for g in tape._groups)
    seed = np.linspace(0.5, 1.5, len(X))
    out = tape(X)
    gx = tape.backward(seed)
    outs, gxs, gps = scalar_rows(fn, X, ws)
    assert all(close(a, b) for a, b in zip(out, outs))
    for i in range(len(X)):
        assert all(close(gx[i, j], seed[i] * gxs[i][j]) for j in range(n_in))
    for j, w in enumerate(ws):
        want = sum(seed[i] * gps[i][j] for i in range(len(X)))
        assert math.isclose(w.grad, want, rel_tol=1e-11, abs_tol=1e-12)


def test_a_lifted_sum_keeps_the_number_rules() -> None:
    w1, w2 = Value(1e300, label="w1"), Value(1e300, label="w2")
    tape = trace(lambda x, y: w1 * x + w2 * y, 2)
    assert [g.op for g in tape._groups] == ["matmul"]
    with pytest.raises(OverflowError, match="row 1"):
        tape(np.array([[1.0, -1.0], [1e10, 1.0]]))
    nan_w = Value(math.nan, label="w")
    assert np.isnan(trace(lambda x, y: nan_w * x + w1 * y, 2)(np.array([[1.0, 0.0]]))).all()


def test_relu_on_the_tape_matches_the_engine_bit_for_bit_at_its_edges() -> None:
    w = Value(1.0, label="w")
    tape = trace(lambda x: (x * w).relu(), 1)
    xs = [-0.0, 0.0, 5e-324, -5e-324, 2.0, -3.0]
    X = np.array([[v] for v in xs])
    out = tape(X)
    gx = tape.backward(np.ones(len(xs)))
    want = [(Value(v) * w).relu() for v in xs]
    assert _bits_equal(out, [o.data for o in want])
    assert _bits_equal(gx[:, 0], [grad(o, [o.parents[0]])[0] for o in want])
    nan_w = Value(math.nan, label="w")
    nan_tape = trace(lambda x: (x * nan_w).relu() + x, 1)
    nan_tape(np.array([[1.0], [2.0]]))
    assert np.isnan(nan_tape.backward(np.ones(2))).all()


def test_an_mlp_replays_from_contiguous_blocks_with_no_rows_for_folded_nodes() -> None:
    # the layout the replay's speed rests on: each group's rows are one block (slices, no gathers),
    # each layer's weights and biases are read from the parameters' vector, and additions folded
    # into a sum, lifted products and weights get no row of values
    import nn

    model = nn.MLP(3, [4, 2], seed=0)
    tape = trace(lambda *xs: model(list(xs)), 3)
    # two steps: the first layer's matrix product computes its relus too (nothing else reads its sums)
    assert [g.op for g in tape._groups] == ["matmul", "matmul"]
    first, last = tape._groups
    assert isinstance(first.relu, slice) and last.relu is None
    assert all(isinstance(g.out, slice) and isinstance(g.a, slice) for g in tape._groups)
    # each layer's weights are one block of the parameters' vector, each sum's bias after its
    # weights, read against a row of ones after the row-values: W @ A adds the biases too
    assert all(isinstance(g.weight_block, slice) and g.bias is None and g.ones == g.a.stop - 1
               for g in tape._groups)
    assert [g.shape for g in tape._groups] == [(4, 3 + 1), (2, 4 + 1)]
    # each layer's row-values and weights are its own: backward writes them, adding nothing
    assert all(g.own_a and g.own_w for g in tape._groups)
    assert first.inputs_only and not last.inputs_only
    assert tape._nodes == 3 + 1 + 4 + 4 + 1 + 2  # the inputs and ones, then each group's outputs (and ones)
    X = np.random.default_rng(1).normal(size=(7, 3))
    tape(X)
    tape.check(X, rows=3)
