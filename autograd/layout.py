"""The schedule of a tape's replay: the nodes that keep rows, grouped into batched steps.

``schedule`` takes a plan (see :mod:`autograd.replay`) and groups the nodes that have rows by
depth and op, so that one numpy call computes a group for every row: nodes of one op at one
depth together, folded chains as sums, and the lifted sums of one depth that read the same
row-values as one matrix product (with the relus that alone read them).  Rows are laid out
inputs first, then the other leaves, then group by group, so that every group reads and
writes contiguous blocks; the parameters' vector likewise holds each matrix product's
weights (row by row) and then its biases as one block, then the other parameters.  The
steps themselves are in :mod:`autograd.groups`.

This module is loaded with the first tape, never by ``import autograd`` (it needs numpy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .groups import _Group, _MatMul
from .replay import Plan, objects
from .value import Value


class Layout:
    """A schedule: ``groups``, the batched steps in an order that computes every operand
    first; ``index``, each node that has a row → its row (``rows`` of them in all, the rows of
    ones that layers' biases are read against included); ``parameters``, the parameters'
    vector's order; ``rowed``, (row, place in the vector) of each parameter that has a row (a
    read other than as a lifted weight), in the vector's order; ``constants``, (row, value) of
    each constant."""

    def __init__(self, index: dict[Value, int], groups: list[Any], parameters: list[Value],
                 rowed: list[tuple[int, int]], constants: list[tuple[int, float]], rows: int) -> None:
        self.index, self.groups, self.parameters = index, groups, parameters
        self.rowed, self.constants, self.rows = rowed, constants, rows


def schedule(plan: Plan) -> Layout:
    """The rows of one replay and its groups: see :class:`Layout`."""
    g = plan.graph
    n = len(g.nodes)
    kept = np.flatnonzero(plan.rowless == 0)
    lift_of = np.full(n, -1, dtype=np.intp)
    lift_of[plan.lift_heads] = np.arange(len(plan.lift_heads))
    sum_of = np.full(n, -1, dtype=np.intp)
    sum_of[plan.sum_heads] = np.arange(len(plan.sum_heads))
    reads_of, w_at = plan.lift_x, plan.w_at.tolist()
    rest, r_at, bias = plan.lift_rest.tolist(), plan.r_at.tolist(), plan.lift_bias.tolist()
    terms, s_at = plan.sum_terms.tolist(), plan.s_at.tolist()
    level = [0] * n  # by node: its depth (only read for nodes that have rows)
    leaves: list[int] = []
    steps: dict[tuple[Any, ...], tuple[list[int], list[list[int]]]] = {}  # (depth, op, arity) → nodes, operands
    shapes: dict[tuple[bytes, int, bool], int] = {}  # a lifted sum's row-values, other terms, no bias → an id
    deepest: dict[int, int] = {}  # a shape's id → the depth of its deepest row-value
    lifts: dict[tuple[int, int], list[int]] = {}  # (depth, shape) → its lifted sums' numbers
    for i, a, b, op, li, si in zip(kept.tolist(), g.p0[kept].tolist(), g.p1[kept].tolist(), g.op[kept].tolist(),
                                   lift_of[kept].tolist(), sum_of[kept].tolist()):
        if li >= 0:
            reads = reads_of[w_at[li]:w_at[li + 1]]
            others = rest[r_at[li]:r_at[li + 1]]
            key = (reads.tobytes(), len(others), bias[li] < 0)
            shape = shapes.get(key)
            if shape is None:  # the first sum that reads these row-values: how deep they are
                shape = shapes[key] = len(shapes)
                deepest[shape] = max(level[t] for t in reads.tolist())
            depth = 1 + max(deepest[shape], max((level[t] for t in others), default=0))
            level[i] = depth
            lifts.setdefault((depth, shape), []).append(li)
            continue
        if a < 0:
            leaves.append(i)
            continue
        if si >= 0:
            operands = terms[s_at[si]:s_at[si + 1]]
            step: tuple[Any, ...] = ("sum", len(operands))
        elif b < 0:
            operands, step = [a], (op, 1)
        else:
            operands, step = [a, b], (op, 2)
        depth = 1 + max(level[t] for t in operands)
        level[i] = depth
        nodes, ops = steps.setdefault((depth, *step), ([], []))
        nodes.append(i)
        ops.append(operands)
    keys: list[tuple[Any, ...]] = sorted([*steps] + [(d, "matmul", k) for d, k in lifts])
    layers = {key: _layer(plan, lifts[(key[0], key[2])]) for key in keys if key[1] == "matmul"}
    # a layer whose every sum has its own bias reads, after its row-values, a row of ones, and
    # its weights' block holds each sum's bias after its weights: W @ A adds the biases too
    needs_ones = {reads.tobytes() for _, _, _, biases, reads in layers.values() if (biases >= 0).all()}
    ones: dict[bytes, int] = {}  # a block of row-values → the row of ones after it
    row_of = np.full(n, -1, dtype=np.intp)
    rows = 0

    def block(nodes: Any) -> None:
        nonlocal rows
        nodes = np.asarray(nodes, dtype=np.intp)
        row_of[nodes] = np.arange(rows, rows + len(nodes))
        rows += len(nodes)
        if nodes.tobytes() in needs_ones:
            ones[nodes.tobytes()] = rows
            rows += 1

    given = [x for x in dict.fromkeys(g.inputs) if x >= 0]
    block(given)
    seen = set(given)
    block([i for i in leaves if i not in seen])
    for key in keys:
        block(layers[key][0] if key[1] == "matmul" else steps[key][0])
    # the parameters' vector: each parameter once, where it is first placed
    placed = []
    for _, weights, _, biases, reads in layers.values():
        if reads.tobytes() in ones and (biases >= 0).all():  # (a layer without biases reading
            # the same row-values has no column for the ones)
            placed.append(np.column_stack([weights, biases]).ravel())
        else:
            placed += [weights.ravel(), biases[biases >= 0]]
    lifted = np.concatenate(placed) if placed else np.zeros(0, dtype=np.intp)
    if not (plan.as_weight[lifted] == 1).all():  # a weight used twice: keep where it first is
        _, first = np.unique(lifted, return_index=True)
        lifted = lifted[np.sort(first)]
    position = np.full(n, -1, dtype=np.intp)
    position[lifted] = np.arange(len(lifted))
    others = np.flatnonzero(plan.param & (position < 0))  # then the other parameters, in order
    position[others] = np.arange(len(lifted), len(lifted) + len(others))
    vector = np.concatenate([lifted, others])
    groups: list[Any] = []
    count, as_weight = plan.count, plan.as_weight
    for key in keys:
        if key[1] == "matmul":
            heads, weights, others_, biases, reads = layers[key]
            one = ones.get(reads.tobytes()) if (biases >= 0).all() else None
            if one is not None:  # the biases as one more column of weights, read against the ones
                weights, biases = np.column_stack([weights, biases]), biases[:0]
            biases = biases[biases >= 0]
            own = (bool((count[reads] == len(heads)).all()),  # read by this group's products only
                   int(as_weight[weights].max()) == 1, bool((as_weight[biases] == 1).all()))
            read_rows = row_of[reads].tolist() + ([] if one is None else [one])
            groups.append(_MatMul(row_of[heads].tolist(), position[weights], read_rows, row_of[others_].tolist(),
                                  position[biases].tolist(), own, bool(plan.given[reads].all()), ones=one))
        else:
            nodes, ops = steps[key]
            operands = np.array(ops, dtype=np.intp)
            groups.append(_Group(str(key[1]), row_of[nodes].tolist(), row_of[operands].tolist(),
                                 plan.constant[operands].tolist()))
    rowed = sorted((int(position[i]), int(row_of[i])) for i in leaves if position[i] >= 0)
    alone = set(row_of[kept[count[kept] == 1]].tolist())  # rows read once
    nodes = objects(g.nodes)
    index = dict(zip(nodes[kept].tolist(), row_of[kept].tolist()))
    constants = [(int(row_of[i]), g.nodes[i].data) for i in leaves if plan.constant[i]]
    return Layout(index, _fuse_relus(groups, alone), nodes[vector].tolist(),
                  [(row, at) for at, row in rowed], constants, rows)


def _layer(plan: Plan, sums: list[int]) -> tuple[Any, Any, Any, Any, Any]:
    """The lifted sums ``sums`` (numbers among the plan's, which read the same row-values and
    have as many other terms each) as arrays: their heads, weights (sums × row-values), other
    terms (sums × terms), biases (−1: none) and the row-values."""
    at = np.array(sums, dtype=np.intp)
    first = plan.w_at[at]
    width = int(plan.w_at[at[0] + 1] - first[0])
    weights = plan.lift_w[first[:, None] + np.arange(width)]
    starts = plan.r_at[at]
    others = plan.lift_rest[starts[:, None] + np.arange(int(plan.r_at[at[0] + 1] - starts[0]))]
    reads = plan.lift_x[first[0]:first[0] + width]
    return plan.lift_heads[at], weights, others, plan.lift_bias[at], reads


def _fuse_relus(groups: list[Any], alone: set[int]) -> list[Any]:
    """Each group of relus that reads exactly a matrix product's sums, in order, when nothing
    else reads them (``alone``: the rows read once), is computed by that product (one step
    fewer each way): see _MatMul.relu."""
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
