"""The plan of a tape's replay: what a recorded graph folds into, and its schedule of batched steps.

``make_plan`` finds what can be folded (chains of additions into sums; sums of parameter ×
value products into matrix products) and which nodes need no row of values; ``schedule``
groups the rest by depth and op, so that one numpy call computes a group for every row, and
lays the rows out so that every group reads and writes contiguous blocks.  The steps
themselves are in :mod:`autograd.groups`; :mod:`autograd.tape` drives them.

This module is loaded with the first tape, never by ``import autograd`` (it needs numpy).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from itertools import chain
from typing import Any

import numpy as np

from .backward import _lock
from .groups import _Group, _MatMul
from .value import Value

_ADD = "add"


class Plan:
    """What the schedule folds away: additions folded into sums (``chains`` holds each remaining
    chain's terms, left to right), sums lifted into matrix products (``lifted``: weights,
    row-values, other terms, bias), and the nodes that need no row of values (``rowless``
    nonzero: _FOLDED for a folded addition, _PRODUCT for a product inside a lifted sum, _WEIGHT
    for a parameter read only as lifted weights); ``kept`` are the others, parents first,
    ``parameters`` the leaves that are not inputs or constants; ``consumers`` counts each node's
    readers (an output counts as one), ``as_weight`` each parameter's uses as a lifted weight or
    bias.  ``rowless``, ``consumers`` and ``as_weight`` are read at a node's place in the walk's
    order (its ``_place`` while backward's lock is held, see :func:`marked_walk`)."""

    def __init__(self, chains: dict[Value, list[Value]],
                 lifted: dict[Value, tuple[list[Value], list[Value], list[Value], Value | None]],
                 rowless: bytearray, kept: list[Value], parameters: list[Value],
                 consumers: list[int], as_weight: list[int]) -> None:
        self.chains, self.lifted, self.rowless = chains, lifted, rowless
        self.kept, self.parameters, self.consumers, self.as_weight = kept, parameters, consumers, as_weight


def walk(outputs: list[Value]) -> tuple[list[Value], dict[Value, int]]:
    """Every node the outputs depend on, parents before the nodes made from them (depth first,
    the left operand's graph before the right one's), and how many readers each has (an output
    counts as one): see :func:`marked_walk`, the pass the tape itself runs."""
    with _lock:
        order, count = marked_walk(outputs)
        return order, dict(zip(order, count))


def marked_walk(outputs: list[Value]) -> tuple[list[Value], list[int]]:
    """walk's order, and each node's count of readers by its place in that order, which the
    node's ``_place`` slot holds when the walk returns.

    The marks live on the nodes, as backward's counters do (a set of the nodes seen and a dict
    of their counts cost a hash each, over a graph that outgrows the caches): ``_mark`` holds
    this pass's token once a node is met (the slot backward's runs mark too, see
    :mod:`autograd.backward`), ``_place`` its place once it is placed: the caller holds
    backward's lock until it has read them, and any later pass, with a token of its own,
    ignores them.  A node is placed after its operands (which are placed already: an operand
    still on the stack would make a cycle), and adds one reader to each of them then, so each
    edge counts once."""
    token = object()
    order: list[Value] = []
    count: list[int] = []
    place, tally = order.append, count.append
    k = 0  # the next place
    for root in outputs:
        if root._mark is token:  # placed already, by an earlier output's walk
            count[root._place] += 1
            continue
        root._mark = token
        stack = [root]
        push, pop = stack.append, stack.pop
        while stack:
            n = stack[-1]
            p = n._p0
            if p is None:
                n._place = k
                k += 1
                place(pop())
                tally(0)
                continue
            if p._mark is not token:
                p._mark = token
                push(p)
                continue
            q = n._p1
            if q is not None:
                if q._mark is not token:
                    q._mark = token
                    push(q)
                    continue
                count[q._place] += 1
            count[p._place] += 1
            n._place = k
            k += 1
            place(pop())
            tally(0)
        count[root._place] += 1  # an output counts as one reader
    return order, count


def make_plan(order: list[Value], count: list[int], inputs: list[Value]) -> Plan:
    """What the graph folds into; ``order`` and ``count`` from :func:`marked_walk`,
    under backward's lock (each node's ``_place`` is its place in order)."""
    given = set(inputs)
    parameters = [n for n in order if n._p0 is None and not n._tag.constant and n not in given]
    params = bytearray(len(order))  # by place: 1 for a parameter
    for n in parameters:
        params[n._place] = 1
    rowless = bytearray(len(order))  # by place: _FOLDED, _PRODUCT, _WEIGHT, or 0 for a node with a row
    # an addition used only as the left operand of another addition is folded into that
    # one's sum: ((a + b) + c) + d is summed a, b, c, d from the left, as the engine adds it.
    # A right operand that is itself a sum, a + (b + c), is computed first (summing it into
    # the left-to-right chain would re-associate it, and floats are not associative).
    chains: dict[Value, list[Value]] = {}
    # sums of at least two parameter × value products become matrix products (see _MatMul)
    lifted: dict[Value, tuple[list[Value], list[Value], list[Value], Value | None]] = {}
    as_weight = [0] * len(order)  # by place, as count
    for n in reversed(order):  # readers first: a chain's last addition before those folded into it
        if n.op != _ADD or rowless[n._place]:
            continue
        terms: list[Any] = [n._p1]
        node: Any = n._p0
        while node.op == _ADD and count[node._place] == 1:  # read only here, as the left operand
            rowless[node._place] = _FOLDED
            terms.append(node._p1)
            node = node._p0
        terms.append(node)
        terms.reverse()
        weights: list[Any] = []
        operands: list[Any] = []
        rest: list[Any] = []
        used: list[Any] = []
        for t in terms:
            if t.op == "mul" and count[t._place] == 1:
                p0, p1 = t._p0, t._p1
                if params[p0._place]:
                    weights.append(p0)
                    operands.append(p1)
                    used.append(t)
                    continue
                if params[p1._place]:
                    weights.append(p1)
                    operands.append(p0)
                    used.append(t)
                    continue
            rest.append(t)
        if len(weights) >= 2:
            # a parameter among the other terms (a bias) is read from the parameters' vector too
            at = next((i for i, t in enumerate(rest) if params[t._place]), None)
            bias = rest.pop(at) if at is not None else None
            if bias is not None:
                as_weight[bias._place] += 1
            lifted[n] = (weights, operands, rest, bias)
            for t in used:
                rowless[t._place] = _PRODUCT
            for w in weights:
                as_weight[w._place] += 1
        elif len(terms) > 2:
            chains[n] = terms
    for w in parameters:
        if as_weight[w._place] == count[w._place]:  # (every node in order has a reader)
            rowless[w._place] = _WEIGHT
    kept = [n for n, r in zip(order, rowless) if not r]
    return Plan(chains, lifted, rowless, kept, parameters, count, as_weight)


_FOLDED, _PRODUCT, _WEIGHT = 1, 2, 3  # why a node has no row: see Plan


def schedule(plan: Plan, inputs: list[Value]) -> tuple[dict[Value, int], list[Any], list[Value], list[tuple[int, int]]]:
    """The rows of one replay and its groups, in an order that computes every operand first:
    nodes of one op at one depth together, sums folded, weighted sums of one depth that read
    the same row-values as one matrix product (with the relus that alone read them), for the
    nodes that have rows (``plan.kept``).  Rows are laid out inputs first, then
    the other leaves, then group by group, so that a group's nodes are one contiguous block
    (read and written as a slice, not gathered); likewise the parameters' vector holds each
    matrix product's weights (row by row) and then its biases as one block, then the other
    parameters: the third result is that order.  The fourth pairs each parameter that has a row
    (one read other than as a lifted weight) with its place in the vector, in the vector's order."""
    chains, lifted = plan.chains, plan.lifted
    level: dict[Value, int] = {}
    leaves: list[Value] = []
    steps: dict[tuple[int, str, int], tuple[list[Value], list[list[Value]], list[tuple[bool, ...]]]] = {}
    shapes: dict[tuple[tuple[Value, ...], int, bool], int] = {}  # a lifted sum's row-values and extra terms → an id
    deepest: dict[int, int] = {}  # a shape's row-values → the level of the deepest
    lifts: dict[tuple[int, int], tuple[list[Value], list[list[Value]], list[Value], list[list[Value]], list[Value]]]
    lifts = {}
    for n in plan.kept:
        if n._p0 is None:
            level[n] = 0
            leaves.append(n)
            continue
        if n in lifted:
            weights, operands, rest, bias = lifted[n]
            reads = (tuple(operands), len(rest), bias is None)
            shape = shapes.get(reads)
            if shape is None:  # the first sum that reads these row-values: how deep they are
                shape = shapes[reads] = len(shapes)
                deepest[shape] = max(level[t] for t in operands)
            depth = 1 + max(deepest[shape], max((level[t] for t in rest), default=0))
            level[n] = depth
            nodes, ws, _, others, biases = lifts.setdefault((depth, shape), ([], [], operands, [], []))
            nodes.append(n)
            ws.append(weights)
            others.append(rest)
            if bias is not None:
                biases.append(bias)
            continue
        if n in chains:
            terms = chains[n]
            key, operands_ = ("sum", len(terms)), terms
            depth = 1 + max(level[t] for t in terms)
        elif n._p1 is None:
            key, operands_ = (n.op, 1), [n._p0]
            depth = 1 + level[n._p0]
        else:
            key, operands_ = (n.op, 2), [n._p0, n._p1]
            depth = 1 + max(level[n._p0], level[n._p1])
        level[n] = depth
        nodes, ops, const = steps.setdefault((depth, *key), ([], [], []))
        nodes.append(n)
        ops.append(operands_)
        const.append(tuple(p._tag.constant for p in operands_))
    keys = sorted([(d, op, k) for d, op, k in steps] + [(d, "matmul", k) for d, k in lifts])
    rowed_inputs = [x for x in dict.fromkeys(inputs) if x in level]
    # a layer whose every sum has its own bias reads, after its row-values, a row of ones, and
    # its weights' block holds each sum's bias after its weights: W @ A adds the biases too
    needs_ones = {tuple(lifts[(d, k)][2]) for d, op, k in keys
                  if op == "matmul" and len(lifts[(d, k)][4]) == len(lifts[(d, k)][0])}
    ones: dict[tuple[Value, ...], int] = {}  # a block of row-values → the row of ones after it
    index: dict[Value, int] = {}
    rows = 0

    def block(nodes: list[Value]) -> None:
        nonlocal rows
        for n in nodes:
            index[n] = rows
            rows += 1
        if tuple(nodes) in needs_ones:
            ones[tuple(nodes)] = rows
            rows += 1

    block(rowed_inputs)
    block([n for n in leaves if n not in index])
    for d, op, k in keys:
        block(lifts[(d, k)][0] if op == "matmul" else steps[(d, op, k)][0])
    vector: list[Value] = []  # each parameter once, where it is first placed
    position = [-1] * len(plan.consumers)  # by place (see Plan): a parameter's place in the vector

    def put(parameters: Iterable[Value]) -> None:
        for p in parameters:
            at = p._place
            if position[at] < 0:
                position[at] = len(vector)
                vector.append(p)

    for d, op, k in keys:
        if op == "matmul":
            _, ws, reads_, _, biases = lifts[(d, k)]
            if tuple(reads_) in ones:
                put(chain.from_iterable(row + [b] for row, b in zip(ws, biases)))
            else:
                put(chain.from_iterable(ws))
                put(biases)
    put(plan.parameters)
    groups: list[Any] = []
    consumers, as_weight, given = plan.consumers, plan.as_weight, set(inputs)
    for d, op, k in keys:
        if op == "matmul":
            nodes, ws, reads_, rests, biases = lifts[(d, k)]
            one = ones.get(tuple(reads_))
            if one is not None:  # the biases as one more column of weights, read against the ones
                ws = [row + [b] for row, b in zip(ws, biases)]
                biases = []
            own = (all(consumers[x._place] == len(nodes) for x in reads_),  # read by this group's products only
                   max(as_weight[w._place] for w in chain.from_iterable(ws)) == 1,
                   all(as_weight[b._place] == 1 for b in biases))
            read_rows = [index[x] for x in reads_] + ([] if one is None else [one])
            groups.append(_MatMul([index[n] for n in nodes], [[position[w._place] for w in row] for row in ws],
                                  read_rows, [[index[t] for t in r] for r in rests],
                                  [position[b._place] for b in biases], own, all(x in given for x in reads_),
                                  ones=one))
        else:
            nodes, ops, const = steps[(d, op, k)]
            groups.append(_Group(op, [index[n] for n in nodes], [[index[p] for p in o] for o in ops], const))
    rowed = sorted((position[n._place], index[n]) for n in leaves if position[n._place] >= 0)
    return index, _fuse_relus(groups, index, plan.kept, consumers), vector, [(r, at) for at, r in rowed]


def _fuse_relus(groups: list[Any], index: dict[Value, int], kept: list[Value],
                consumers: list[int]) -> list[Any]:
    """Each group of relus that reads exactly a matrix product's sums, in order, when nothing
    else reads them, is computed by that product (one step fewer each way): see _MatMul.relu."""
    alone = {index[n] for n in kept if consumers[n._place] == 1}  # rows read once
    by_rows = {(g.out.start, g.out.stop): g for g in groups
               if g.op == "matmul" and isinstance(g.out, slice)}
    fused = []
    for g in groups:
        if g.op == "relu" and isinstance(g.out, slice) and isinstance(g.a, slice):
            m = by_rows.get((g.a.start, g.a.stop))
            if m is not None and m.relu is None and all(int(r) in alone for r in g.p0):
                m.relu = g.out
                m.kept_per_row += len(g.p0)  # its mask, kept for backward
                continue
        fused.append(g)
    return fused


# -- a batch's rows, checked as the scalar engine checks its numbers ------------------------------


def rows(X: Any, n_inputs: int) -> Any:
    """A batch X as a float array of shape (N, n_inputs), refusing what the scalar engine refuses."""
    if isinstance(X, np.ma.MaskedArray):
        raise TypeError("X is a masked array: the tape would drop its mask; fill it (X.filled(...)) or drop rows")
    try:
        A = np.asarray(X)
    except (TypeError, ValueError) as error:
        raise TypeError(f"X must be an array of numbers, shape (N, {n_inputs}): {error}") from None
    if A.dtype.kind == "O":
        for where, v in np.ndenumerate(A):
            if not isinstance(v, numbers.Real):
                raise TypeError(f"X{list(where)} must be a real number (int or float), got "
                                f"{type(v).__name__}: {v!r}")
    elif A.dtype.kind not in "biuf":
        raise TypeError(f"X must hold real numbers (int or float), shape (N, {n_inputs}); got an array of "
                        f"{A.dtype} ({_KINDS.get(A.dtype.kind, A.dtype.kind)})")
    try:
        X = A.astype(float)
    except (TypeError, ValueError, OverflowError) as error:
        raise TypeError(f"X must be an array of numbers, shape (N, {n_inputs}): {error}") from None
    if X.ndim != 2 or X.shape[1] != n_inputs or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, {n_inputs}) with N >= 1, got {X.shape}")
    bad = ~np.isfinite(X)
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise ValueError(f"X[{i}][{j}] is {X[i, j]!r}: every input must be finite")
    return X


_KINDS = {"c": "complex numbers", "U": "strings", "S": "bytes", "m": "time spans", "M": "dates", "V": "records"}


def shift_row(message: str, first_row: int) -> str:
    head, sep, tail = message.rpartition("row ")
    digits = "".join(ch for ch in tail[:20] if ch.isdigit()) if sep else ""
    if not digits or not tail.startswith(digits):
        return message
    return f"{head}row {int(digits) + first_row}{tail[len(digits):]}"


def runs(rows: list[int]) -> list[slice]:
    """Ascending row numbers as slices, one per run of consecutive ones."""
    runs: list[slice] = []
    for r in rows:
        if runs and runs[-1].stop == r:
            runs[-1] = slice(runs[-1].start, r + 1)
        else:
            runs.append(slice(r, r + 1))
    return runs


def close(got: float, want: float, rtol: float, atol: float, what: str) -> None:
    if got == want or (math.isnan(got) and math.isnan(want)):
        return
    if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
        raise AssertionError(
            f"tape.check: {what} is {got!r} on the tape but {want!r} in the scalar engine; does fn branch on "
            ".data? A traced graph is the one fn built when traced, for every row"
        )
