"""autograd.dot builds the very graph the operators build: start + w1*x1 + … , from the left."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, dot, scope, topological
from autograd.recording import Recording


def shape(root, shared) -> list[tuple]:
    """root's graph, node by node in topological order: what it holds and where its operands are
    (a shared leaf by its identity, a node made on the way by its place)."""
    order = topological(root)
    place = {n: i for i, n in enumerate(order)}
    rows = []
    for n in order:
        if n in shared:
            rows.append(("shared", shared.index(n)))
            continue
        parents = tuple(place[p] for p in n.parents)
        rows.append((repr(n.data), n.op, parents, tuple(map(repr, n.local_grads)), n.label, n.scope, n.is_constant))
    return rows


def by_operators(ws, xs, start):
    z = start
    for w, x in zip(ws, xs):
        z = w * x if z is None else z + w * x
    return z


big = st.sampled_from([1e200, -1e200, 1.7e308, math.inf, -math.inf, math.nan, 0.0, -0.0, 5e-324])
number = st.one_of(st.floats(-4, 4), st.integers(-3, 3), big)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(1, 6))
def test_dot_makes_the_operators_graph_node_for_node(data, n) -> None:
    ws = [Value(data.draw(number), label=f"w{i}") for i in range(n)]
    xs = [Value(v) if data.draw(st.booleans()) else v for v in data.draw(st.lists(number, min_size=n, max_size=n))]
    start = data.draw(st.sampled_from(["none", "value", "number"]))
    b = None if start == "none" else Value(0.25, label="b") if start == "value" else 1.5
    shared = ws + [x for x in xs if isinstance(x, Value)] + ([b] if isinstance(b, Value) else [])
    try:
        want = by_operators(ws, xs, b)
    except OverflowError as error:  # finite operands whose product or sum does not fit: the same error
        with pytest.raises(OverflowError) as raised:
            dot(ws, xs, b)
        assert str(raised.value) == str(error)
        with pytest.raises(OverflowError) as raised, Recording():  # and while a trace records
            dot(ws, xs, b)
        assert str(raised.value) == str(error)
        return
    got = dot(ws, xs, b)
    assert shape(got, shared) == shape(want, shared)
    with Recording() as recording:  # while a trace records: written down as one entry when it can be
        recorded = dot(ws, xs, b)
    assert shape(recorded, shared) == shape(want, shared)
    assert len(recording.chains) == (n >= 2 and all(isinstance(x, Value) for x in xs) and start != "number")


def test_dot_keeps_scopes_labels_and_mixed_operands() -> None:
    w1, w2, x = Value(2.0, label="w1"), Value(-3.0, label="w2"), Value(0.5, label="x")
    with scope("layer1"):
        got = dot([w1, w2, 4.0], [x, 7, w1], start=Value(1.0, label="b"))  # a plain number as a weight
    assert got.scope == "layer1" and got.data == 1.0 + 1.0 - 21.0 + 8.0
    with scope("layer1"):
        want = Value(1.0, label="b") + w1 * x + w2 * 7 + 4.0 * w1
    assert [(n.op, n.data, n.scope) for n in topological(got)] == [(n.op, n.data, n.scope) for n in topological(want)]
    got.backward()
    assert (w1.grad, w2.grad, x.grad) == (0.5 + 4.0, 7.0, 2.0)


def test_dot_refuses_what_cannot_pair_up_or_be_multiplied() -> None:
    w = [Value(1.0), Value(2.0)]
    with pytest.raises(ValueError, match="2 weights but 1 operands"):
        dot(w, [Value(1.0)])
    with pytest.raises(ValueError, match="nothing to sum"):
        dot([], [])
    assert dot([], [], start=w[0]) is w[0]
    for odd in ("a", None, [1.0], True):  # whatever the operators make of an operand, dot does too
        try:
            want = w[0] * 1.0 + w[1] * odd
        except TypeError as error:
            with pytest.raises(TypeError) as raised:
                dot(w, [1.0, odd])
            assert str(raised.value) == str(error)
        else:
            assert shape(dot(w, [1.0, odd]), w) == shape(want, w)
    assert dot([2.0], [3.0]) == 6.0  # no Value anywhere: a plain product, as the operators give


@pytest.mark.parametrize("ws, xs, op", [([1e200], [1e200], "mul"), ([1.7e308, 1.7e308], [1.0, 1.0], "add"),
                                        ([1.7e308, -1.7e308], [1.0, 1.0], None), ([math.inf], [2.0], None)])
def test_dot_overflows_where_the_operators_do_and_only_there(ws, xs, op) -> None:
    weights = [Value(w) for w in ws]
    if op is None:  # a finite result, or an infinite operand: the IEEE result stands
        assert repr(dot(weights, xs).data) == repr(by_operators(weights, xs, None).data)
        return
    with pytest.raises(OverflowError, match=f"^{op}: result out of range for finite operands"):
        dot(weights, xs)
