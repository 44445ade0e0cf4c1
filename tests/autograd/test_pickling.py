"""Pickling and copying a graph (value.py): flat, so any depth works, with shared leaves kept shared."""

from __future__ import annotations

import copy
import pickle
import pickletools

import pytest

from autograd import Value, scope, topological


@pytest.mark.parametrize("clone", [lambda v: pickle.loads(pickle.dumps(v)), copy.deepcopy])
def test_a_deep_graph_pickles_and_copies(clone) -> None:
    x = Value(0.5, label="x")
    with scope("chain"):
        h = x
        for _ in range(40_000):  # recursive pickling failed past ~250
            h = h * 1.0 + 0.0
    h.label = "end"
    h.backward()
    twin = clone(h)
    order, twin_order = topological(h), topological(twin)
    assert len(twin_order) == len(order)
    assert [(n.data, n.grad, n.op, n.label, n.scope) for n in twin_order[-50:]] == [
        (n.data, n.grad, n.op, n.label, n.scope) for n in order[-50:]
    ]
    twin.backward()
    assert twin_order[0].grad == x.grad + 1.0  # the copy's leaf accumulated, x did not
    assert twin_order[0] is not x


def test_leaves_shared_between_pickled_objects_stay_shared() -> None:
    w = Value(2.0, label="w")
    a, b = w * 3.0, w + 1.0
    a2, b2 = pickle.loads(pickle.dumps((a, b)))
    assert a2.parents[0] is b2.parents[0]
    assert a2.parents[0] is not w and a2.parents[0].label == "w"


def _globals(data: bytes) -> set[str]:
    """The "module name" of every global a protocol-2 pickle loads (GLOBAL opcodes)."""
    return {arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"}


def test_a_pickle_names_only_value_py_and_scopes_py_of_the_engine() -> None:
    x = Value(0.5, label="x")
    with scope("s"):
        y = (x * 2.0).tanh() + x
    names = _globals(pickle.dumps(y, protocol=2)) | _globals(pickle.dumps(x, protocol=2))
    ours = {n for n in names if n.startswith("autograd")}
    assert ours == {"autograd.value _unflatten", "autograd.value _leaf", "autograd.scopes _Tag"}


def test_a_pickled_graph_of_no_nodes_is_refused() -> None:
    from autograd.value import _unflatten

    for rows in ([], (), None):
        with pytest.raises(ValueError, match="^a pickled Value graph must be a non-empty list of nodes$"):
            _unflatten(rows)
