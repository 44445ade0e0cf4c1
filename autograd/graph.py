"""Walking a graph: topological order, backward, grad, hessian, and finding non-finite derivatives.

backward counts, for every inner node, how many edges reach it from the output
(pass 1), then pushes gradients from the output down, releasing a node once all
its consumers have added their share (pass 2).  Both passes use an explicit
stack, so depth is limited by memory, not by Python's recursion limit, and both
visit parents in recorded order, so every run is the same.

The counters live on the nodes (a dict would cost a hash per edge), but each one
is valid only for the run that stamped it: a run marks a node with its own
token when it first meets it.  A run that is interrupted (Ctrl-C, at any point)
leaves nothing that a later run reads, so there is nothing to clean up.  One
lock serialises backward passes across threads, so two threads running backward
over shared nodes both get exact gradients.

An interrupted backward may have added part of its contribution to the leaves'
``grad`` (as in PyTorch): zero the grads before running it again.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .checks import real
from .ops import OPS
from .tags import _Tag
from .value import Number, Value, _lift, _node, backward_runs

_lock = threading.RLock()


def topological(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before the nodes made from them.

    Deterministic: parents are visited in recorded order.  Iterative, so any depth works.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological() needs a Value, got {type(root).__name__}")
    order: list[Value] = []
    done: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        p0, p1 = node._p0, node._p1
        # pushed last is popped first: p0 is explored before p1
        if p1 is not None and p1 not in done:
            stack.append((p1, False))
        if p0 is not None and p0 not in done:
            stack.append((p0, False))
    return order


def backward(root: Value, grad: Number = 1.0, create_graph: bool = False) -> None:
    """``root.backward(grad, create_graph)``: see :meth:`Value.backward`."""
    seed = real(grad, "backward grad")
    with _lock:
        if create_graph:
            leaves = {}
            for node in topological(root):
                if node._p0 is None and node.grad != 0.0:
                    leaves[node] = node.grad_value or _constant(node.grad)
        backward_runs[0] += 1  # from here on, every grad_value made before is stale
        run = backward_runs[0]
        _backward(root, seed)
        if create_graph:
            grads = _push(root, _constant(seed), _value_partials, leaves)
            for node, g in grads.items():
                if not node.is_constant:
                    node._gv = (run, g)  # see Value.__slots__


def _backward(root: Value, seed: float) -> None:
    if root._p0 is None:
        root.grad += seed
        return
    run = object()  # this run's token: a counter stamped by another run is stale
    stack = [root]
    # Pass 1: count the edges into each inner node from the graph above it, and clear its grad.
    while stack:
        node = stack.pop()
        node.grad = 0.0
        p = node._p0
        if p._p0 is not None:
            if p._mark is run:
                p._pending += 1
            else:
                p._mark = run
                p._pending = 1
                stack.append(p)
        p = node._p1
        if p is not None and p._p0 is not None:
            if p._mark is run:
                p._pending += 1
            else:
                p._mark = run
                p._pending = 1
                stack.append(p)
    # Pass 2: a node is ready once every consumer has added its share.
    root.grad = seed
    stack.append(root)
    while stack:
        node = stack.pop()
        g = node.grad
        p = node._p0
        p.grad += node._g0 * g
        if p._p0 is not None:
            p._pending -= 1
            if not p._pending:
                stack.append(p)
        p = node._p1
        if p is not None:
            p.grad += node._g1 * g
            if p._p0 is not None:
                p._pending -= 1
                if not p._pending:
                    stack.append(p)


# -- gradients as values: grad() and create_graph ------------------------------------


def _constant(x: float) -> Value:
    return _lift(float(x))


def _float_partials(node: Value) -> tuple[float, ...]:
    return node.local_grads


def _value_partials(node: Value) -> tuple[Any, ...]:
    # the op table's rules run on Values, so each partial is a graph of its own; constant
    # operands go in as plain numbers, so that (say) the 2 of x**2 stays a constant in 2·x^1
    operands = [p.data if p.is_constant else p for p in node.parents]
    return OPS[node.op].rule(*operands, node)


def _push(
    root: Value,
    seed: Any,
    partials: Callable[[Value], Sequence[Any]],
    start: dict[Value, Any] | None = None,
    record: list[tuple[Value, int, Value, Any, Any, Any]] | None = None,
) -> dict[Value, Any]:
    """The two passes of backward with counters and sums in dicts, so no node is touched.

    Nodes are processed, and contributions added, in the same order as ``_backward``,
    so floats come out bit for bit the same; ``start`` gives leaves what they held.
    ``record`` gets (node, slot, parent, local, upstream, parent's grad after) per share.
    """
    counts: dict[Value, int] = {}
    stack = [root]
    while stack:
        for p in stack.pop().parents:
            if p._p0 is not None:
                c = counts.get(p, 0)
                if not c:
                    stack.append(p)
                counts[p] = c + 1
    grads: dict[Value, Any] = dict(start or {})
    grads[root] = seed
    stack.append(root)
    while stack:
        node = stack.pop()
        if node._p0 is None:
            continue
        g = grads[node]
        for slot, (p, local) in enumerate(zip(node.parents, partials(node))):
            if local.__class__ is float and local == 1.0:
                share = g  # the same number as 1.0 * g, with no node for it
            elif local.__class__ is float and local == -1.0:
                share = -g
            else:
                share = local * g
            old = grads.get(p)
            grads[p] = share if old is None else old + share
            if record is not None:
                record.append((node, slot, p, local, g, grads[p]))
            if p._p0 is not None:
                counts[p] -= 1
                if not counts[p]:
                    stack.append(p)
    return grads


def backward_steps(root: Value) -> list[tuple[Value, list[tuple[int, Value, float, float, float]]]]:
    """What ``root.backward()`` does, step by step, without doing it (no ``.grad`` changes).

    One entry per node in the order backward processes it, with the updates it makes:
    (parent slot, parent, local derivative ∂node/∂parent, upstream grad ∂root/∂node,
    the parent's grad after ``parent.grad += local × upstream``).  Grads start from zero,
    so the last value each node gets is what backward leaves in a freshly zeroed graph.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps() needs a Value, got {type(root).__name__}")
    record: list[tuple[Value, int, Value, Any, Any, Any]] = []
    with _lock:
        _push(root, 1.0, _float_partials, record=record)
    steps: list[tuple[Value, list[tuple[int, Value, float, float, float]]]] = []
    for node, slot, p, local, upstream, after in record:
        if not steps or steps[-1][0] is not node:
            steps.append((node, []))
        steps[-1][1].append((slot, p, local, upstream, after))
    return steps


def _as_inputs(inputs: Value | Sequence[Value]) -> list[Value]:
    if isinstance(inputs, Value):
        return [inputs]
    if isinstance(inputs, (str, bytes)) or not hasattr(inputs, "__iter__"):
        raise TypeError(f"inputs must be a Value or a sequence of Values, got {type(inputs).__name__}")
    xs = list(inputs)
    for i, x in enumerate(xs):
        if not isinstance(x, Value):
            raise TypeError(f"inputs[{i}] must be a Value, got {type(x).__name__}")
    return xs


def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂x for each x in ``inputs``, without changing any ``.grad``.

    With ``create_graph=False`` the answers are floats.  With ``create_graph=True``
    they are Values whose graphs compute the derivatives from the same leaves, so
    ``grad`` (or ``backward``) can be applied to them again: repeat for third
    derivatives and beyond.  An input that does not reach ``output`` gets 0.0 (or a
    constant Value 0).
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() needs a Value as output, got {type(output).__name__}")
    xs = _as_inputs(inputs)
    with _lock:
        if create_graph:
            grads = _push(output, _constant(1.0), _value_partials)
        else:
            grads = _push(output, 1.0, _float_partials)
    if create_graph:
        return [grads[x] if x in grads else _constant(0.0) for x in xs]
    return [float(grads.get(x, 0.0)) for x in xs]


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The matrix ∂²f/∂xᵢ∂xⱼ at ``xs``, exact (second-order backward, no finite differences).

    ``f`` takes one Value per entry of ``xs`` and returns a Value.
    """
    if isinstance(xs, (str, bytes)) or not hasattr(xs, "__iter__"):
        raise TypeError(f"xs must be a sequence of numbers, got {type(xs).__name__}")
    point = [Value(real(x, f"xs[{i}]"), label=f"x{i}") for i, x in enumerate(xs)]
    out = f(*point)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    first = grad(out, point, create_graph=True)
    return [grad(g, point) for g in first]


# -- non-finite numbers ------------------------------------------------------------


def check_finite(root: Value) -> None:
    """Raise FloatingPointError naming the first node (parents first) whose value or local
    derivative is not finite; do nothing when all are.

    A gradient can be NaN or infinite with every value finite: ``log`` at 1e-320 has
    derivative 1/1e-320, which no float holds, and inf·0 further down gives NaN.
    """
    if not isinstance(root, Value):
        raise TypeError(f"check_finite() needs a Value, got {type(root).__name__}")
    for i, node in enumerate(topological(root)):
        name = node.label or f"node {i}"
        if not math.isfinite(node.data):
            made = f"{node.op} of {[p.data for p in node.parents]}" if node.op else "a leaf"
            raise FloatingPointError(f"{name} ({made}) has the value {node.data!r}")
        for j, g in enumerate(node.local_grads):
            if not math.isfinite(g):
                raise FloatingPointError(
                    f"{name} = {node.op}(…) at {[q.data for q in node.parents]}: its local derivative "
                    f"∂/∂{'xy'[j]} is {g!r} ({OPS[node.op].formula(j)}), so gradients through it "
                    "are not finite"
                )


# -- pickling and copying, flat so that any depth works ----------------------------


def _leaf(data: float, grad: float, tag: _Tag) -> Value:
    v = _node(data, "", None, None, 0.0, 0.0)
    v.grad = grad
    v._tag = tag
    return v


def _flatten(root: Value) -> list[tuple[Any, ...]]:
    """The inner nodes below ``root`` as a list, parents first; a parent is an index into
    the list (an inner node) or the leaf Value itself, which pickles on its own (and once,
    so leaves shared with other pickled objects stay shared).  Inner nodes are rebuilt."""
    index: dict[Value, int] = {}
    rows = []
    for node in topological(root):
        if node._p0 is None:
            continue
        index[node] = len(rows)
        p0, p1 = node._p0, node._p1
        rows.append((
            node.data, node.grad, node.op, node._tag,
            index.get(p0, p0), index.get(p1, p1) if p1 is not None else None,
            node._g0, node._g1,
        ))
    return rows


def _unflatten(rows: list[tuple[Any, ...]]) -> Value:
    if not isinstance(rows, list) or not rows:
        raise ValueError("a pickled Value graph must be a non-empty list of nodes")
    nodes: list[Value] = []
    for data, grad_, op, tag, p0, p1, g0, g1 in rows:
        v = _node(data, op, nodes[p0] if type(p0) is int else p0, nodes[p1] if type(p1) is int else p1, g0, g1)
        v.grad = grad_
        v._tag = tag
        nodes.append(v)
    return nodes[-1]


def _warm_up() -> None:
    # CPython 3.11 rewrites a function's bytecode into its faster, specialised form only
    # after the function's 8th call.  backward runs once per training step but loops over
    # the whole graph, so on a fresh interpreter its first seven calls would run about
    # 2.5 times slower than the rest.  A few calls on a small graph at import avoid that.
    x = Value(0.5)
    h = x * x + 1.0
    y = h * h - x
    for _ in range(10):
        y.backward()
    x.grad = 0.0


_warm_up()
