"""The replay behind a tape: a recorded graph as a few batched steps, and each op for a batch.

``make_plan`` finds what can be folded (chains of additions into sums; sums of parameter ×
value products into matrix products) and which nodes need no row of values; ``schedule``
groups the rest by depth and op, so that one numpy call computes a group for every row.
Each op's kernel comes from its entry in the op table (value, partials, domain), with the
scalar engine's rules at its edges (NaN through, overflow), naming the row where one
fails.  :mod:`autograd.tape` drives it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .ops import OPS, Op
from .value import Value

_ADD = "add"


# -- the schedule: nodes grouped by depth and op ------------------------------------------


class _Group:
    """Nodes of one op at one depth, computed together for every row.  ``sum`` groups are
    chains of additions folded into one summed step (operands in the chain's order)."""

    def __init__(self, op: str, nodes: list[int], operands: list[list[int]], constant: list[tuple[bool, ...]],
                 np: Any) -> None:
        self.op = op
        self.nodes = np.array(nodes, dtype=np.intp)
        self.out = _rows_of(self.nodes, np)  # where the group's values go (a slice: see schedule)
        self.kept_per_row = 0 if op in ("sum", "add", "sub", "neg") else len(nodes) * len(operands[0])
        if op == "sum":  # every sum of a group has the same number of terms (see _schedule)
            self.terms = np.array(operands, dtype=np.intp)  # (nodes, terms)
            self.columns = [_rows_of(self.terms[:, j], np) for j in range(self.terms.shape[1])]
            self.flat = self.terms.ravel()
            self.owner = np.repeat(np.arange(len(nodes)), self.terms.shape[1])
            self.scatter = (_Scatter(self.flat, np),)
        else:
            self.p0 = np.array([ops[0] for ops in operands], dtype=np.intp)
            self.p1 = np.array([ops[1] for ops in operands], dtype=np.intp) if len(operands[0]) > 1 else None
            self.a = _rows_of(self.p0, np)
            self.b = _rows_of(self.p1, np) if self.p1 is not None else None
            self.constant = np.array(constant, dtype=bool)  # (nodes, operands): which operands are constants
            self.entry = OPS[op]
            self.scatter = tuple(_Scatter(p, np) for p in (self.p0, self.p1) if p is not None)

    def forward(self, V: Any, np: Any, params: Any = None) -> tuple[Any, ...]:
        if self.op == "sum":
            out = V[self.out]  # the sums are written in place, term by term
            np.copyto(out, V[self.columns[0]])
            for column in self.columns[1:]:  # left to right, as the chain of additions does
                out += V[column]
            if not isinstance(self.out, slice):  # (a group's rows are one block: see schedule)
                V[self.out] = out
            hit = np.isinf(out)
            if hit.any():
                finite = np.isfinite(V[self.terms]).all(axis=1)  # (nodes, rows)
                if (hit & finite).any():  # finite terms, infinite sum
                    _, row = _first(hit & finite, np)
                    raise OverflowError(f"add: result out of range for finite operands, at row {row}")
            return ()
        a = V[self.a]
        b = V[self.b] if self.b is not None else None
        out, local = _kernel(self.entry, a, b, self, np)
        V[self.out] = out
        return local

    def backward(self, G: Any, local: tuple[Any, ...], np: Any, dP: Any = None) -> None:
        g = G[self.out]
        if self.op == "sum":
            self.scatter[0].add(G, g[self.owner], np)
            return
        if self.op in ("add", "sub"):
            shares = (g, g if self.op == "add" else -g)
        elif self.op == "neg":
            shares = (-g,)
        else:
            shares = tuple(part * g for part in local)
        for scatter, share in zip(self.scatter, shares):
            scatter.add(G, share, np)


class _Scatter:
    """Adds rows of shares into G at given node indices, some of which may repeat (an input
    every neuron of a layer reads): repeated ones are summed first, with one reduceat."""

    def __init__(self, where: Any, np: Any) -> None:
        self.where = where
        self.unique = len(np.unique(where)) == len(where)
        if self.unique:
            self.where = _rows_of(where, np)
        else:
            self.order = np.argsort(where, kind="stable")
            sorted_where = where[self.order]
            self.starts = np.flatnonzero(np.r_[True, sorted_where[1:] != sorted_where[:-1]])
            self.targets = sorted_where[self.starts]

    def add(self, G: Any, shares: Any, np: Any) -> None:
        if self.unique:
            G[self.where] += shares
        else:
            G[self.targets] += np.add.reduceat(shares[self.order], self.starts, axis=0)


class _MatMul:
    """Sums of parameter × row-value products that read the same row-values in the same order
    (an MLP layer: every neuron's b + w1·x1 + … + wm·xm), lifted into one matrix product
    W @ A; its backward is two, Wᵀ @ g into the row-values and g @ Aᵀ into the weights.  The
    products are never made one by one.  A matrix product adds in its own order, so these
    sums agree with the scalar engine to rounding (about 1e-15 relative), not to the last bit."""

    op = "matmul"

    def __init__(self, nodes: list[int], weights: list[list[int]], operands: list[int], rest: list[list[int]],
                 biases: list[int], np: Any) -> None:
        self.nodes = np.array(nodes, dtype=np.intp)
        self.out = _rows_of(self.nodes, np)
        self.W = np.array(weights, dtype=np.intp)  # (k, m): the weights' places in the parameters' vector
        self.A = np.array(operands, dtype=np.intp)  # (m,): the row-values every sum reads
        self.a = _rows_of(self.A, np)
        self.rest = np.array(rest, dtype=np.intp) if rest and rest[0] else None  # (k, r): other terms (a bias)
        self.columns = [_rows_of(self.rest[:, j], np) for j in range(self.rest.shape[1])] if self.rest is not None \
            else []
        self.scatter_a = _Scatter(self.A, np)
        self.scatter_rest = _Scatter(self.rest.ravel(), np) if self.rest is not None else None
        self.owner = np.repeat(np.arange(len(nodes)), self.rest.shape[1]) if self.rest is not None else None
        places = self.W.ravel()
        block = _rows_of(places, np)
        # the weights' gradients go back into the parameters' vector: a slice when the weights
        # are one block of it (a layer's, in order), an index when each weight is used once
        self.weight_places = block if isinstance(block, slice) else places
        self.weight_block = block if isinstance(block, slice) else None
        self.weights_unique = len(np.unique(places)) == len(places)
        # the biases' places in the parameters' vector (one per sum), or None
        self.bias = np.array(biases, dtype=np.intp) if biases else None
        self.bias_unique = self.bias is not None and len(np.unique(self.bias)) == len(self.bias)
        if self.bias_unique:
            self.bias = _rows_of(self.bias, np)
        self.kept_per_row = len(operands)

    def forward(self, V: Any, np: Any, params: Any = None) -> tuple[Any, ...]:
        A = V[self.a]
        W = params[self.weight_block].reshape(self.W.shape) if self.weight_block is not None else params[self.W]
        out = np.matmul(W, A, out=V[self.out]) if isinstance(self.out, slice) else W @ A
        for column in self.columns:
            out += V[column]
        if self.bias is not None:
            out += params[self.bias][:, None]
        hit = np.isinf(out)
        if hit.any():  # finite operands and an infinite sum: a product or the sum overflowed
            finite = np.isfinite(A).all(axis=0) & np.isfinite(W).all()
            if self.rest is not None:
                finite = finite & np.isfinite(V[self.rest]).all(axis=(0, 1))
            if self.bias is not None:
                finite = finite & bool(np.isfinite(params[self.bias]).all())
            if (hit & finite).any():
                _, row = _first(hit & finite, np)
                raise OverflowError(f"add: result out of range for finite operands, at row {row}")
        if not isinstance(self.out, slice):
            V[self.out] = out
        return (A, W)

    def backward(self, G: Any, local: tuple[Any, ...], np: Any, dP: Any = None) -> None:
        A, W = local
        g = G[self.out]
        self.scatter_a.add(G, W.T @ g, np)
        dW = (g @ A.T).ravel()  # a weight's gradient, summed over the rows
        if self.weights_unique:
            dP[self.weight_places] += dW
        else:
            np.add.at(dP, self.weight_places, dW)
        if self.bias is not None:
            if self.bias_unique:
                dP[self.bias] += g.sum(axis=1)
            else:
                np.add.at(dP, self.bias, g.sum(axis=1))
        if self.rest is not None:
            self.scatter_rest.add(G, g[self.owner], np)


class Plan:
    """What the schedule folds away: additions folded into sums (``inner``), sums lifted into
    matrix products (``lifted``: weights, row-values, other terms), the products inside them,
    and the nodes that need no row of values (those products, and parameters read only as
    lifted weights)."""

    def __init__(self, inner: set[Value],
                 lifted: dict[Value, tuple[list[Value], list[Value], list[Value], Value | None]],
                 products: set[Value], rowless: set[Value]) -> None:
        self.inner, self.lifted, self.products, self.rowless = inner, lifted, products, rowless


def make_plan(order: list[Value], params: set[Value], outputs: tuple[Value, ...] = ()) -> Plan:
    consumers = Counter([n._p0 for n in order])
    consumers.update([n._p1 for n in order])
    consumers.update(outputs)  # an output is read by the caller: it is never folded away
    # an addition used only as the left operand of another addition is folded into that
    # one's sum: ((a + b) + c) + d is summed a, b, c, d from the left, as the engine adds it.
    # A right operand that is itself a sum, a + (b + c), is computed first (summing it into
    # the left-to-right chain would re-associate it, and floats are not associative).
    adds = [n for n in order if n.op == _ADD]
    inner = {p for p in (n._p0 for n in adds) if p.op == _ADD and consumers[p] == 1}
    # sums of at least two parameter × value products become matrix products (see _MatMul)
    lifted: dict[Value, tuple[list[Value], list[Value], list[Value], Value | None]] = {}
    products: set[Value] = set()
    as_weight: Counter[Value] = Counter()
    for n in adds:
        if n in inner:
            continue
        weights, operands, rest, used = [], [], [], []
        for t in _terms(n, inner):
            if t.op == "mul" and consumers[t] == 1:
                p0, p1 = t._p0, t._p1
                if p0 in params:
                    weights.append(p0)
                    operands.append(p1)
                    used.append(t)
                    continue
                if p1 in params:
                    weights.append(p1)
                    operands.append(p0)
                    used.append(t)
                    continue
            rest.append(t)
        if len(weights) >= 2:
            # a parameter among the other terms (a bias) is read from the parameters' vector too
            at = next((i for i, t in enumerate(rest) if t in params), None)
            bias = rest.pop(at) if at is not None else None
            if bias is not None:
                as_weight[bias] += 1
            lifted[n] = (weights, operands, rest, bias)
            products.update(used)
            as_weight.update(weights)
    rowless = products | inner | {w for w, k in as_weight.items() if k == consumers[w]}
    return Plan(inner, lifted, products, rowless)


def schedule(order: list[Value], parameters: list[Value], plan: Plan,
             np: Any) -> tuple[dict[Value, int], list[Any], list[Value]]:
    """The rows of one replay and its groups, in an order that computes every operand first:
    nodes of one op at one depth together, sums folded, weighted sums of one depth that read
    the same row-values as one matrix product.  ``order`` holds the nodes that have rows (see
    Plan.rowless).  Rows are laid out leaves first, then group by group, so that a group's
    nodes are one contiguous block (read and written as a slice, not gathered); likewise the
    parameters' vector holds each matrix product's weights (row by row) and then its biases
    as one block, then the other parameters: the third result is that order."""
    inner, lifted = plan.inner, plan.lifted
    level: dict[Value, int] = {}
    leaves: list[Value] = []
    steps: dict[tuple[int, str, int], tuple[list[Value], list[list[Value]], list[tuple[bool, ...]]]] = {}
    shapes: dict[tuple[tuple[Value, ...], int, bool], int] = {}  # a lifted sum's row-values and extra terms → an id
    lifts: dict[tuple[int, int], tuple[list[Value], list[list[Value]], list[Value], list[list[Value]], list[Value]]]
    lifts = {}
    for n in order:
        if n._p0 is None:
            level[n] = 0
            leaves.append(n)
            continue
        if n in lifted:
            weights, operands, rest, bias = lifted[n]
            depth = 1 + max(level[t] for t in (*operands, *rest))
            level[n] = depth
            shape = shapes.setdefault((tuple(operands), len(rest), bias is None), len(shapes))
            nodes, ws, _, others, biases = lifts.setdefault((depth, shape), ([], [], operands, [], []))
            nodes.append(n)
            ws.append(weights)
            others.append(rest)
            if bias is not None:
                biases.append(bias)
            continue
        if n.op == _ADD and (n._p0 in inner or n._p1 in inner):
            terms = _terms(n, inner)
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
    index = {n: i for i, n in enumerate(leaves)}
    for d, op, k in keys:
        for n in (lifts[(d, k)][0] if op == "matmul" else steps[(d, op, k)][0]):
            index[n] = len(index)
    position: dict[Value, int] = {}
    for d, op, k in keys:
        if op == "matmul":
            _, ws, _, _, biases = lifts[(d, k)]
            for w in (*(w for row in ws for w in row), *biases):
                position.setdefault(w, len(position))
    for p in parameters:
        position.setdefault(p, len(position))
    vector = sorted(position, key=position.__getitem__)
    groups: list[Any] = []
    for d, op, k in keys:
        if op == "matmul":
            nodes, ws, operands, rest, biases = lifts[(d, k)]
            groups.append(_MatMul([index[n] for n in nodes], [[position[w] for w in row] for row in ws],
                                  [index[x] for x in operands], [[index[t] for t in r] for r in rest],
                                  [position[b] for b in biases], np))
        else:
            nodes, ops, const = steps[(d, op, k)]
            groups.append(_Group(op, [index[n] for n in nodes], [[index[p] for p in o] for o in ops], const, np))
    return index, groups, vector


def _rows_of(where: Any, np: Any) -> Any:
    """An index array as a slice when it is one contiguous ascending block (a view, not a copy)."""
    flat = np.asarray(where).ravel()
    if flat.size and (flat.size == 1 or (np.diff(flat) == 1).all()):
        if np.asarray(where).ndim == 1:
            return slice(int(flat[0]), int(flat[-1]) + 1)
    return where


def _terms(n: Value, inner: set[Value]) -> list[Value]:
    """The operands of a chain of additions, left to right: ((a + b) + c) + d → a, b, c, d.
    Only left operands are ever folded (see make_plan), so the chain is its left spine."""
    out = [n._p1]
    node = n._p0
    while node in inner:
        out.append(node._p1)
        node = node._p0
    out.append(node)
    out.reverse()
    return out


# -- each op, for a whole group at once, from its entry of the table ----------------------------


def _first(mask: Any, np: Any) -> tuple[int, int]:
    k, row = np.argwhere(mask)[0]
    return int(k), int(row)


def _kernel(op: Op, a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
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
            _, row = _first(bad, np)
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
            _, row = _first(hit, np)
            raise OverflowError(f"{op.name}: result out of range for finite operands, at row {row}")
    if op.name in _SHARES:
        return out, ()
    try:
        local = op.local(*xs, out)
    except TypeError:
        local = np.vectorize(op.rule, otypes=[float] * op.arity)(*xs, out)
    return out, tuple(local)


_SHARES = ("add", "sub", "neg")  # constant partials: backward passes the gradient on as it is, or negated
