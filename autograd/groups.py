"""The batched steps of a tape's replay: one numpy call (or a few) for a whole group of nodes.

A group's nodes sit at one depth of the graph and do one op; each node's values over the
batch are one row of the replay's array V (its gradients, one row of G), and a group's rows
are one contiguous block (see :func:`autograd.replay.schedule`), so it reads and writes
slices.  Three kinds: an op of the table for a group (``_Group``, with the op's domain, value,
overflow rule and partials from its entry), a folded chain of additions (``_Group`` "sum"),
and sums of parameter × value products lifted into one matrix product (``_MatMul``),
optionally with the relu that reads them fused in.

This module is loaded with the first tape, never by ``import autograd`` (it needs numpy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops import OPS, Op
from .rules import positive


class _Group:
    """Nodes of one op at one depth, computed together for every row.  ``sum`` groups are
    chains of additions folded into one summed step (operands in the chain's order)."""

    def __init__(self, op: str, nodes: list[int], operands: list[list[int]], constant: list[tuple[bool, ...]]) -> None:
        self.op = op
        self.nodes = np.array(nodes, dtype=np.intp)
        self.out = _rows_of(self.nodes)  # where the group's values go (a slice: see schedule)
        self.kept_per_row = 0 if op in ("sum", "add", "sub", "neg") else len(nodes) * len(operands[0])
        if op == "sum":  # every sum of a group has the same number of terms (see schedule)
            self.terms = np.array(operands, dtype=np.intp)  # (nodes, terms)
            self.columns = [_rows_of(self.terms[:, j]) for j in range(self.terms.shape[1])]
            self.owner = np.repeat(np.arange(len(nodes)), self.terms.shape[1])
            self.scatter: tuple[_Scatter, ...] = (_Scatter(self.terms.ravel()),)
        else:
            self.p0 = np.array([ops[0] for ops in operands], dtype=np.intp)
            self.p1 = np.array([ops[1] for ops in operands], dtype=np.intp) if len(operands[0]) > 1 else None
            self.a = _rows_of(self.p0)
            self.b = _rows_of(self.p1) if self.p1 is not None else None
            self.constant = np.array(constant, dtype=bool)  # (nodes, operands): which operands are constants
            self.entry = OPS[op]
            self.scatter = tuple(_Scatter(p) for p in (self.p0, self.p1) if p is not None)

    def forward(self, V: Any, P: Any) -> tuple[Any, ...]:
        if self.op == "sum":
            out = V[self.out]  # the sums are written in place, term by term
            np.copyto(out, V[self.columns[0]])
            for column in self.columns[1:]:  # left to right, as the chain of additions does
                out += V[column]
            if not isinstance(self.out, slice):  # (a group's rows are one block: see schedule)
                V[self.out] = out
            total = out.sum()
            if total - total != 0.0:  # an inf or a NaN somewhere (or a sum too large): look closer
                hit = np.isinf(out)
                finite = np.isfinite(V[self.terms]).all(axis=1)  # (nodes, rows)
                if (hit & finite).any():  # finite terms, infinite sum
                    _, row = _first(hit & finite)
                    raise OverflowError(f"add: result out of range for finite operands, at row {row}")
            return ()
        a = V[self.a]
        b = V[self.b] if self.b is not None else None
        out, local = _kernel(self.entry, a, b, self)
        V[self.out] = out
        return local

    def backward(self, G: Any, local: tuple[Any, ...], dP: Any, inputs: bool = True) -> None:
        g = G[self.out]
        if self.op == "sum":
            self.scatter[0].add(G, g[self.owner])
            return
        if self.op in ("add", "sub"):
            shares: tuple[Any, ...] = (g, g if self.op == "add" else -g)
        elif self.op == "neg":
            shares = (-g,)
        else:
            shares = tuple(part * g for part in local)
        for scatter, share in zip(self.scatter, shares):
            scatter.add(G, share)


class _Scatter:
    """Adds rows of shares into G at given node indices, some of which may repeat (an input
    every neuron of a layer reads): repeated ones are summed first, with one reduceat."""

    def __init__(self, where: Any) -> None:
        self.where = _rows_of(where)
        self.unique = self.where.__class__ is slice or _distinct(where)
        if not self.unique:
            self.where = where
            self.order = np.argsort(where, kind="stable")
            sorted_where = where[self.order]
            self.starts = np.flatnonzero(np.r_[True, sorted_where[1:] != sorted_where[:-1]])
            self.targets = sorted_where[self.starts]

    def add(self, G: Any, shares: Any) -> None:
        if self.unique:
            G[self.where] += shares
        else:
            G[self.targets] += np.add.reduceat(shares[self.order], self.starts, axis=0)


class _MatMul:
    """Sums of parameter × row-value products that read the same row-values in the same order
    (an MLP layer: every neuron's b + w1·x1 + … + wm·xm), lifted into one matrix product
    W @ A; its backward is two, Wᵀ @ g into the row-values and g @ Aᵀ into the weights.  The
    products are never made one by one.  (np.dot, not matmul: with a transposed operand and
    one side of one row, numpy's matmul leaves BLAS and is several times slower.)  A matrix
    product adds in its own order, so these sums agree with the scalar engine to rounding
    (about 1e-15 relative), not to the last bit.

    ``relu``: the rows of the relus that read this group's sums, one each in order, when
    nothing else reads the sums; the product then writes into those rows and the relu is
    taken there in place (the sums' own rows are never touched; see replay._fuse_relus).
    ``own``: the flags that let backward write with ``out=`` instead of adding — the
    row-values are read by nothing else (``own_a``), the weights and biases are used
    nowhere else (``own_w``, ``own_b``); ``inputs_only``: every row-value is an input."""

    op = "matmul"

    def __init__(self, nodes: list[int], weights: list[list[int]], operands: list[int], rest: list[list[int]],
                 biases: list[int], own: tuple[bool, bool, bool] = (False, False, False),
                 inputs_only: bool = False, ones: int | None = None) -> None:
        self.nodes = np.array(nodes, dtype=np.intp)
        self.out = _rows_of(self.nodes)
        self.W = np.array(weights, dtype=np.intp)  # (k, m): the weights' places in the parameters' vector
        self.shape = self.W.shape
        self.A = np.array(operands, dtype=np.intp)  # (m,): the row-values every sum reads
        self.a = _rows_of(self.A)
        self.rest = np.array(rest, dtype=np.intp) if rest and rest[0] else None  # (k, r): other terms
        self.columns = [_rows_of(self.rest[:, j]) for j in range(self.rest.shape[1])] if self.rest is not None \
            else []
        self.scatter_a = _Scatter(self.A)
        self.scatter_rest: Any = _Scatter(self.rest.ravel()) if self.rest is not None else None
        self.owner = np.repeat(np.arange(len(nodes)), self.rest.shape[1]) if self.rest is not None else None
        places = self.W.ravel()
        block = _rows_of(places)
        # the weights' gradients go back into the parameters' vector: a slice when the weights
        # are one block of it (a layer's, in order), an index when each weight is used once
        self.weight_places: Any = block if isinstance(block, slice) else places
        self.weight_block = block if isinstance(block, slice) else None
        self.weights_unique = self.weight_block is not None or _distinct(places)
        # the biases' places in the parameters' vector (one per sum), or None
        self.bias = np.array(biases, dtype=np.intp) if biases else None
        self.bias_unique = self.bias is not None and _distinct(self.bias)
        if self.bias_unique:
            self.bias = _rows_of(self.bias)
        own_a, own_w, own_b = own
        sliced = isinstance(self.out, slice)
        self.own_a = own_a and sliced and isinstance(self.a, slice) and self.scatter_a.unique
        self.own_w = own_w and self.weight_block is not None and self.weights_unique
        self.own_b = own_b and isinstance(self.bias, slice)
        self.inputs_only = inputs_only
        # ``ones``: the row of ones read last, against a last column of weights that are the
        # biases (W @ A adds them); the row-values proper are the others
        self.ones = ones
        self.relu: slice | None = None
        self.kept_per_row = len(operands)

    def forward(self, V: Any, P: Any) -> tuple[Any, ...]:
        A = V[self.a]
        W = P[self.weight_block].reshape(self.shape) if self.weight_block is not None else P[self.W]
        # the sums go to their rows, or with fused relus straight to the relus' rows, where the
        # relu is then taken in place (the sums' own rows, read by nothing else, stay untouched)
        into = self.out if self.relu is None else self.relu
        sliced = into.__class__ is slice
        out = np.dot(W, A, out=V[into]) if sliced else np.dot(W, A)
        for column in self.columns:
            out += V[column]
        if self.bias is not None:
            out += P[self.bias][:, None]
        total = _sum(out, None)
        clean = total - total == 0.0  # no inf, no NaN (a sum too large also says no: look closer)
        if not clean:
            self._overflow(out, A, W, V, P)
        if not sliced:
            V[into] = out
        if self.relu is None:
            return (A, W)
        mask = out > 0.0 if clean else positive(out)  # relu's derivative: 1, 0, NaN at NaN
        np.maximum(out, 0.0, out=out)  # relu(z) for every sum z, as the engine's relu gives it
        # −0.0 becomes 0.0.  A sum with a bias is −0.0 only where the bias is −0.0 (x + y is −0.0
        # only when both are), so a large layer whose biases are not is spared the pass
        biases = P[self.bias] if self.bias is not None else W[:, -1] if self.ones is not None else None
        if out.shape[1] < 256 or biases is None or self.rest is not None \
                or (biases.view(np.int64) == _MINUS_ZERO).any():
            out += 0.0
        return (A, W, mask)

    def _overflow(self, out: Any, A: Any, W: Any, V: Any, P: Any) -> None:
        """Raise where finite operands gave a sum that is not finite (a product or the sum overflowed)."""
        finite = np.isfinite(A).all(axis=0) & np.isfinite(W).all()
        if self.rest is not None:
            finite = finite & np.isfinite(V[self.rest]).all(axis=(0, 1))
        if self.bias is not None:
            finite = finite & bool(np.isfinite(P[self.bias]).all())
        hit = ~np.isfinite(out) & finite
        if hit.any():
            _, row = _first(hit)
            raise OverflowError(f"add: result out of range for finite operands, at row {row}")

    def backward(self, G: Any, local: tuple[Any, ...], dP: Any, inputs: bool = True) -> None:
        """Gradients into G (the row-values') and dP (the weights' and biases', summed over the
        rows); with ``inputs`` False, the row-values' are skipped when they are all inputs."""
        if self.relu is None:
            A, W = local
            g = G[self.out]
        else:  # the sums are read by their relus only: their gradient is the relus', masked (in place)
            A, W, mask = local
            g = np.multiply(G[self.relu], mask, out=G[self.relu])
        if inputs or not self.inputs_only:
            if self.own_a:
                np.dot(W.T, g, out=G[self.a])
            else:
                self.scatter_a.add(G, np.dot(W.T, g))
        if self.own_w:
            np.dot(g, A.T, out=dP[self.weight_block].reshape(self.shape))
        elif self.weights_unique:
            dP[self.weight_places] += np.dot(g, A.T).ravel()
        else:
            np.add.at(dP, self.weight_places, np.dot(g, A.T).ravel())
        if self.bias is not None:
            if self.own_b:
                np.sum(g, axis=1, out=dP[self.bias])
            elif self.bias_unique:
                dP[self.bias] += g.sum(axis=1)
            else:
                np.add.at(dP, self.bias, g.sum(axis=1))
        if self.rest is not None:
            self.scatter_rest.add(G, g[self.owner])


def _distinct(where: Any) -> bool:
    """Whether no index repeats."""
    flat = np.sort(np.asarray(where).ravel())
    return bool((flat[1:] != flat[:-1]).all())


def _rows_of(where: Any) -> Any:
    """An index array as a slice when it is one contiguous ascending block (a view, not a copy)."""
    flat = np.asarray(where).ravel()
    if flat.size and (flat.size == 1 or (np.diff(flat) == 1).all()):
        if np.asarray(where).ndim == 1:
            return slice(int(flat[0]), int(flat[-1]) + 1)
    return where


# -- each op, for a whole group at once, from its entry of the table ----------------------------


def _first(mask: Any) -> tuple[int, int]:
    k, row = np.argwhere(mask)[0]
    return int(k), int(row)


def _kernel(op: Op, a: Any, b: Any, group: _Group) -> tuple[Any, tuple]:
    """One op of the table for a whole group, every row: its domain checks (naming the first row
    outside), its value, the overflow rule, and its partials, all from the op's entry."""
    xs = (a,) if b is None else (a, b)
    for d in op.domain:
        bad = ~np.broadcast_to(np.asarray(d.ok(*xs), dtype=bool), a.shape)
        if d.nan_passes:
            for x in xs:
                bad = bad & ~np.isnan(x)
        if d.unless_constant is not None:
            bad = bad & ~group.constant[:, d.unless_constant][:, None]
        if bad.any():
            _, row = _first(bad)
            raise d.error(f"{op.name}: {d.message}, at row {row}")
    try:
        out = op.forward(*xs)
    except TypeError:  # a user's value written for floats only: row by row
        out = np.vectorize(op.value, otypes=[float])(*xs)
    if out.__class__ is not np.ndarray or out.shape != a.shape or out.dtype != float:
        out = np.broadcast_to(np.asarray(out, dtype=float), a.shape)
    hit = np.isinf(out)
    if hit.any():
        for x in xs:
            hit = hit & np.isfinite(x)
        if hit.any():
            _, row = _first(hit)
            raise OverflowError(f"{op.name}: result out of range for finite operands, at row {row}")
    if op.name in _SHARES:
        return out, ()
    try:
        local = op.local(*xs, out)
    except TypeError:
        local = np.vectorize(op.rule, otypes=[float] * op.arity)(*xs, out)
    return out, tuple(local)


_sum = np.add.reduce
_MINUS_ZERO = np.float64(-0.0).view(np.int64)  # −0.0's bits
_SHARES = ("add", "sub", "neg")  # constant partials: backward passes the gradient on as it is, or negated
