"""The tape trained on the parameters' vector: tape(X, params), tape.gradients(seed),
parameter_vector() and set_parameters(v); and the fused layer's number rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Value, grad, trace


def mlp_tape(seed: int = 0, sizes: tuple[int, ...] = (3, [5, 4, 1])) -> tuple[object, object]:
    model = nn.MLP(sizes[0], sizes[1], seed=seed)
    return model, trace(lambda *xs: model(list(xs)), sizes[0])


def test_the_vector_is_the_parameters_data_in_the_tapes_order() -> None:
    _, tape = mlp_tape()
    v = tape.parameter_vector()
    assert v.shape == (len(tape.parameters),)
    assert v.tolist() == [p.data for p in tape.parameters]
    v2 = v * 0.5 - 0.25
    tape.set_parameters(v2)
    assert [p.data for p in tape.parameters] == v2.tolist()
    assert all(type(p.data) is float for p in tape.parameters)


def test_a_forward_on_a_vector_equals_one_on_the_values_holding_it() -> None:
    _, tape = mlp_tape(1)
    X = np.random.default_rng(2).normal(size=(9, 3))
    before = [p.data for p in tape.parameters]
    v = tape.parameter_vector() + 0.125
    out = tape(X, v)
    assert [p.data for p in tape.parameters] == before  # the Values are not touched
    tape.set_parameters(v)
    assert np.array_equal(tape(X), out)  # to the last bit


def test_gradients_are_backwards_sums_and_touch_no_grad() -> None:
    _, tape = mlp_tape(3)
    X = np.random.default_rng(4).normal(size=(11, 3))
    seed = np.random.default_rng(5).normal(size=11)
    tape(X)
    g = tape.gradients(seed)
    assert all(p.grad == 0.0 for p in tape.parameters)
    tape.backward(seed)
    assert g.tolist() == [p.grad for p in tape.parameters]  # the same sums, to the last bit
    # and the scalar engine's, row by row, to the promised 1e-12
    want = [0.0] * len(tape.parameters)
    for row, s in zip(X, seed):
        out = tape.fn(*[Value(float(v)) for v in row])
        for k, d in enumerate(grad(out, tape.parameters)):
            want[k] += s * d
    assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) for a, b in zip(g, want))


def test_gradients_use_the_vector_as_it_was_at_the_forward() -> None:
    _, tape = mlp_tape(6)
    X = np.random.default_rng(7).normal(size=(5, 3))
    v = tape.parameter_vector()
    tape(X, v)
    first = tape.gradients(np.ones(5))
    v[:] = 9.0  # the caller's vector, changed in place after the forward
    assert np.array_equal(tape.gradients(np.ones(5)), first)


def test_training_on_the_vector_matches_training_the_values() -> None:
    # three SGD steps on the vector (one write-back each) against three through .grad
    X = np.random.default_rng(8).normal(size=(16, 3))
    y = np.sign(X[:, 0] + 0.1)
    _, a = mlp_tape(9)
    _, b = mlp_tape(9)
    theta = a.parameter_vector()
    for _ in range(3):
        margins = 1.0 - y * a(X, theta)
        theta -= 0.1 * a.gradients(np.where(margins > 0, -y, 0.0) / len(X))
        a.set_parameters(theta)
        margins_b = 1.0 - y * b(X)
        for p in b.parameters:
            p.grad = 0.0
        b.backward(np.where(margins_b > 0, -y, 0.0) / len(X))
        for p in b.parameters:
            p.data -= 0.1 * p.grad
    assert [p.data for p in a.parameters] == [p.data for p in b.parameters]


def test_a_chunked_replay_gives_the_same_gradients_on_the_vector() -> None:
    _, tape = mlp_tape(10)
    X = np.random.default_rng(11).normal(size=(50, 3))
    v = tape.parameter_vector()
    tape(X, v)
    whole = tape.gradients(np.ones(50))
    tape.max_bytes = 7 * tape._row_bytes
    tape(X, v)
    chunked = tape.gradients(np.ones(50))
    assert np.allclose(chunked, whole, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("bad, error, words", [
    (np.zeros(3), ValueError, "shape"),
    (np.zeros((2, 2)), ValueError, "one number per parameter"),
    ("abc", TypeError, "numbers"),
    ([object()], TypeError, "numbers"),
])
def test_a_bad_vector_is_refused_by_name(bad, error, words) -> None:
    _, tape = mlp_tape()
    with pytest.raises(error, match=words):
        tape.set_parameters(bad)
    with pytest.raises(error, match=words):
        tape(np.zeros((2, 3)), bad)


def test_gradients_need_a_forward_and_a_seed_of_the_right_shape() -> None:
    _, tape = mlp_tape(12)
    with pytest.raises(RuntimeError, match=r"tape.gradients\(\) needs a forward pass"):
        tape.gradients(np.ones(3))
    tape(np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"tape.gradients: seed must have shape \(3,\)"):
        tape.gradients(np.ones(4))


def test_a_fused_relu_passes_nan_to_the_gradient_as_the_engine_does() -> None:
    w = [Value(math.nan, label="w0"), Value(1.0, label="w1")]
    v = [Value(1.0, label="v0"), Value(2.0, label="v1")]

    def fn(x: Value, y: Value) -> Value:
        h = (w[0] * x + w[1] * y).relu()
        return v[0] * h + v[1] * h

    tape = trace(fn, 2)
    assert tape._groups[0].relu is not None
    tape(np.array([[1.0, 2.0]]))
    gx = tape.backward(np.ones(1))
    x, y = Value(1.0), Value(2.0)
    want = grad(fn(x, y), [x, y])
    assert np.isnan(gx[0]).tolist() == [math.isnan(d) for d in want]


def test_products_overflowing_to_opposite_infinities_are_refused_as_by_the_engine() -> None:
    ws = [Value(1e300, label="w1"), Value(1e300, label="w2"), Value(-1e300, label="w3"), Value(-1e300, label="w4")]
    with pytest.raises(OverflowError):
        ws[0] * Value(1e10)  # the engine refuses the first product
    tape = trace(lambda *xs: sum((w * x for w, x in zip(ws, xs)), Value(0.0)), 4)
    assert [g.op for g in tape._groups] == ["matmul"]
    X = np.array([[1.0] * 4, [1e10] * 4])
    with np.errstate(all="ignore"):
        assert np.isnan(np.dot([[1e300, 1e300, -1e300, -1e300]], X.T)[0, 1])  # a matrix product gives NaN here
    with pytest.raises(OverflowError, match="row 1"):  # refused, not passed on as a NaN
        tape(X)


def test_tracing_pauses_the_collector_and_gives_it_back_even_when_fn_fails() -> None:
    import gc

    seen = []

    def fn(x: Value) -> Value:
        seen.append(gc.isenabled())
        return x * 2.0

    assert gc.isenabled()
    trace(fn, 1)
    assert seen == [False] and gc.isenabled()

    def broken(x: Value) -> Value:
        raise KeyError("inside fn")

    with pytest.raises(KeyError):
        trace(broken, 1)
    assert gc.isenabled()
    gc.disable()
    try:  # a collector the caller had paused stays paused
        trace(fn, 1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_walk_places_every_node_once_after_its_operands_and_counts_its_readers() -> None:
    from autograd.replay import walk

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    s = a * b
    d = s + s  # one node read twice by the same op
    e = (d * a).relu()
    outs = [e, s, e]  # an output twice, and an output that is read inside the graph
    order, count = walk(outs)
    assert len(order) == len(set(order)) == 6
    place = {n: i for i, n in enumerate(order)}
    assert all(place[p] < place[n] for n in order for p in (n._p0, n._p1) if p is not None)
    readers = {n: 0 for n in order}
    for n in order:
        for p in (n._p0, n._p1):
            if p is not None:
                readers[p] += 1
    for o in outs:
        readers[o] += 1
    assert count == readers
    assert count[s] == 2 + 1 and count[e] == 2 and count[a] == 2


@pytest.mark.parametrize("h", [3, 30])
def test_a_wider_mlp_is_the_same_few_steps_and_rows_grow_with_its_neurons_not_its_weights(h) -> None:
    # the work counted, not timed: an MLP 2-h-h-1 has about 2h² products, but its replay is three
    # matrix products whatever h, and one row per input, neuron, relu and row of ones
    model = nn.MLP(2, [h, h, 1], seed=0)
    tape = trace(lambda *xs: model(list(xs)), 2)
    assert [g.op for g in tape._groups] == ["matmul"] * 3
    assert [g.relu is not None for g in tape._groups] == [True, True, False]
    assert tape._nodes == 2 + 1 + (h + h) + 1 + (h + h) + 1 + 1
    assert len(tape.parameters) == 3 * h + h * (h + 1) + h + 1


def test_tracing_counts_in_backwards_slots_without_disturbing_a_backward_before_or_after() -> None:
    # the walk keeps its marks in the nodes (_mark, as backward does, and _place): a graph that a
    # backward has just counted, traced as part of fn, then run backward again, gives every pass
    # its own exact answer (small integers: every sum is exact, in any order)
    a, b = Value(1.5, label="a"), Value(-2.0, label="b")
    s = a * b
    inner = (s + s) * a + s  # 2a²b + ab, s read three times
    inner.backward()
    assert (a.grad, b.grad) == (-14.0, 6.0)  # 4ab + b, 2a² + a
    pending = [getattr(n, "_pending", None) for n in (a, b, s, inner)]

    tape = trace(lambda x: inner * x + s, 1)  # the traced graph holds inner's nodes
    assert [getattr(n, "_pending", None) for n in (a, b, s, inner)] == pending  # backward's counters are its own
    assert tape(np.array([[0.5], [3.0]])).tolist() == [-9.0, -39.0]
    a.grad = b.grad = 0.0
    gx = tape.backward(np.ones(2))
    assert gx.tolist() == [[-12.0], [-12.0]]  # ∂out/∂x = inner
    assert (a.grad, b.grad) == (3.5 * -14.0 - 2.0 * 2.0, 3.5 * 6.0 + 2.0 * 1.5)  # Σx·∂inner + 2·∂s

    a.grad = b.grad = 0.0
    inner.backward()  # counted afresh: the tape's marks are not read
    assert (a.grad, b.grad) == (-14.0, 6.0)
    order, count = walk_of(inner)
    assert count[s] == 3 and count[inner] == 1 and len(order) == 6


def walk_of(root: Value) -> tuple[list[Value], dict[Value, int]]:
    from autograd.replay import walk

    return walk([root])
