"""Backward: ``Value.backward`` and ``backward_steps``, the reverse-mode pass over a graph.

backward counts, for every inner node, how many edges reach it from the output
(pass 1), then pushes gradients from the output down, releasing a node once all
its consumers have added their share (pass 2).  Both passes use an explicit
stack, so depth is limited by memory, not by Python's recursion limit, and both
visit parents in recorded order, so every run is the same.

The counters live on the nodes (a dict would cost a hash per edge), in two slots of
their own: ``_mark``, the token of the run that counted the node, and ``_pending``, that
run's count of consumers yet to add their share.  A run marks a node with its own token
when it first meets it, so a count is read only by the run that made it.  A run that is
interrupted (Ctrl-C, at any point) leaves nothing that a later run reads, so there is
nothing to clean up.  One lock serialises backward passes across threads, so two threads
running backward over shared nodes both get exact gradients.

An interrupted backward may have added part of its contribution to the leaves'
``grad`` (as in PyTorch): zero the grads before running it again.

``_push`` is the same two passes with counters and sums in dicts, so that no node is
touched: ``grad``, ``backward_steps``, ``create_graph`` and forward mode's helpers run on
it, with float partials or with the op table's rules on Values.

Why this module and value.py import each other: ``Value.backward()`` is a method (as in
PyTorch and micrograd), so value.py must reach this pass, and this pass makes Values (the
gradient graphs of ``create_graph``), so it must reach value.py.  The edge from value.py is
one import inside ``Value.backward``, made when it is first called; nothing else crosses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from . import checks
from .ops import OPS
from .value import Number, Value, _lift, backward_runs, topological

_lock = threading.RLock()


def backward(root: Value, grad: Number = 1.0, create_graph: bool = False) -> None:
    """``root.backward(grad, create_graph)``: see :meth:`Value.backward`."""
    seed = checks.real(grad, "backward grad")
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
    stack: list[Any] = [root]  # inner nodes only, whose _p0 is never None
    # Pass 1: count the edges into each inner node from the graph above it, and clear its grad.
    # The two parents are written out, not looped over: a loop would build a tuple per node.
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
    checks.instance(root, Value, "backward_steps()")
    record: list[tuple[Value, int, Value, Any, Any, Any]] = []
    with _lock:
        _push(root, 1.0, _float_partials, record=record)
    steps: list[tuple[Value, list[tuple[int, Value, float, float, float]]]] = []
    for node, slot, p, local, upstream, after in record:
        if not steps or steps[-1][0] is not node:
            steps.append((node, []))
        steps[-1][1].append((slot, p, local, upstream, after))
    return steps
