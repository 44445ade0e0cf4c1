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
        self.kept_per_row = 0 if op in ("sum", "add", "sub", "neg") else len(nodes) * len(operands[0])
        if op == "sum":  # every sum of a group has the same number of terms (see _schedule)
            self.terms = np.array(operands, dtype=np.intp)  # (nodes, terms)
            self.flat = self.terms.ravel()
            self.owner = np.repeat(np.arange(len(nodes)), self.terms.shape[1])
            self.scatter = (_Scatter(self.flat, np),)
        else:
            self.p0 = np.array([ops[0] for ops in operands], dtype=np.intp)
            self.p1 = np.array([ops[1] for ops in operands], dtype=np.intp) if len(operands[0]) > 1 else None
            self.constant = np.array(constant, dtype=bool)  # (nodes, operands): which operands are constants
            self.entry = OPS[op]
            self.scatter = tuple(_Scatter(p, np) for p in (self.p0, self.p1) if p is not None)

    def forward(self, V: Any, np: Any, params: Any = None) -> tuple[Any, ...]:
        if self.op == "sum":
            terms = V[self.terms]  # (nodes, terms, rows)
            out = terms[:, 0].copy()
            for j in range(1, terms.shape[1]):  # left to right, as the chain of additions does
                out += terms[:, j]
            hit = np.isinf(out)
            if hit.any() and (hit & np.isfinite(terms).all(axis=1)).any():  # finite terms, infinite sum
                _, row = _first(hit & np.isfinite(terms).all(axis=1), np)
                raise OverflowError(f"add: result out of range for finite operands, at row {row}")
            V[self.nodes] = out
            return ()
        a = V[self.p0]
        b = V[self.p1] if self.p1 is not None else None
        out, local = _kernel(self.entry, a, b, self, np)
        V[self.nodes] = out
        return local

    def backward(self, G: Any, local: tuple[Any, ...], np: Any, dP: Any = None) -> None:
        g = G[self.nodes]
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
        if not self.unique:
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
                 np: Any) -> None:
        self.nodes = np.array(nodes, dtype=np.intp)
        self.W = np.array(weights, dtype=np.intp)  # (k, m): the weights' places in the parameters' vector
        self.A = np.array(operands, dtype=np.intp)  # (m,): the row-values every sum reads
        self.rest = np.array(rest, dtype=np.intp) if rest and rest[0] else None  # (k, r): other terms (a bias)
        self.scatter_a = _Scatter(self.A, np)
        self.scatter_rest = _Scatter(self.rest.ravel(), np) if self.rest is not None else None
        self.owner = np.repeat(np.arange(len(nodes)), self.rest.shape[1]) if self.rest is not None else None
        self.weight_places = self.W.ravel()
        self.kept_per_row = len(operands)

    def forward(self, V: Any, np: Any, params: Any = None) -> tuple[Any, ...]:
        A = V[self.A]
        W = params[self.W]
        out = W @ A
        if self.rest is not None:
            for j in range(self.rest.shape[1]):
                out += V[self.rest[:, j]]
        hit = np.isinf(out)
        if hit.any():  # finite operands and an infinite sum: a product or the sum overflowed
            finite = np.isfinite(A).all(axis=0) & np.isfinite(W).all()
            if self.rest is not None:
                finite = finite & np.isfinite(V[self.rest]).all(axis=(0, 1))
            if (hit & finite).any():
                _, row = _first(hit & finite, np)
                raise OverflowError(f"add: result out of range for finite operands, at row {row}")
        V[self.nodes] = out
        return (A, W)

    def backward(self, G: Any, local: tuple[Any, ...], np: Any, dP: Any = None) -> None:
        A, W = local
        g = G[self.nodes]
        self.scatter_a.add(G, W.T @ g, np)
        np.add.at(dP, self.weight_places, (g @ A.T).ravel())  # a weight's gradient, summed over the rows
        if self.rest is not None:
            self.scatter_rest.add(G, g[self.owner], np)


class Plan:
    """What the schedule folds away: additions folded into sums (``inner``), sums lifted into
    matrix products (``lifted``: weights, row-values, other terms), the products inside them,
    and the nodes that need no row of values (those products, and parameters read only as
    lifted weights)."""

    def __init__(self, inner: set[Value], lifted: dict[Value, tuple[list[Value], list[Value], list[Value]]],
                 products: set[Value], rowless: set[Value]) -> None:
        self.inner, self.lifted, self.products, self.rowless = inner, lifted, products, rowless


def make_plan(order: list[Value], params: set[Value]) -> Plan:
    consumers = Counter([n._p0 for n in order])
    consumers.update([n._p1 for n in order])
    # an addition used only as the left operand of another addition is folded into that
    # one's sum: ((a + b) + c) + d is summed a, b, c, d from the left, as the engine adds it.
    # A right operand that is itself a sum, a + (b + c), is computed first (summing it into
    # the left-to-right chain would re-associate it, and floats are not associative).
    adds = [n for n in order if n.op == _ADD]
    inner = {p for p in (n._p0 for n in adds) if p.op == _ADD and consumers[p] == 1}
    # sums of at least two parameter × value products become matrix products (see _MatMul)
    lifted: dict[Value, tuple[list[Value], list[Value], list[Value]]] = {}
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
            lifted[n] = (weights, operands, rest)
            products.update(used)
            as_weight.update(weights)
    rowless = products | {w for w, k in as_weight.items() if k == consumers[w]}
    return Plan(inner, lifted, products, rowless)


def schedule(order: list[Value], index: dict[Value, int], position: dict[Value, int], plan: Plan,
              np: Any) -> list[Any]:
    """The groups of one replay, in an order that computes every operand first: nodes of one op
    at one depth together, sums folded, weighted sums of one depth and row-values as one matrix
    product.  ``order`` holds the nodes that have rows (see Plan.rowless)."""
    inner, lifted = plan.inner, plan.lifted
    level: dict[Value, int] = {}
    steps: dict[tuple[int, str, int], tuple[list[int], list[list[int]], list[tuple[bool, ...]]]] = {}
    shapes: dict[tuple[tuple[int, ...], int], int] = {}  # a lifted sum's row-values and extra terms → an id
    lifts: dict[tuple[int, int], tuple[list[int], list[list[int]], list[int], list[list[int]]]] = {}
    for n in order:
        if n._p0 is None:
            level[n] = 0
            continue
        if n in inner:
            # an inner addition's level is never read: only the terms of its chain are (a
            # product lifted away has none: only its lifted sum or an inner addition reads it)
            continue
        if n in lifted:
            weights, operands, rest = lifted[n]
            depth = 1 + max(level[t] for t in (*operands, *rest))
            level[n] = depth
            shape = shapes.setdefault((tuple(index[x] for x in operands), len(rest)), len(shapes))
            nodes, ws, xs, others = lifts.setdefault((depth, shape), ([], [], [index[x] for x in operands], []))
            nodes.append(index[n])
            ws.append([position[w] for w in weights])
            others.append([index[t] for t in rest])
            continue
        if n.op == _ADD and (n._p0 in inner or n._p1 in inner):
            terms = _terms(n, inner)
            key, operands_ = ("sum", len(terms)), [index[t] for t in terms]
            depth = 1 + max(level[t] for t in terms)
        elif n._p1 is None:
            key, operands_ = (n.op, 1), [index[n._p0]]
            depth = 1 + level[n._p0]
        else:
            key, operands_ = (n.op, 2), [index[n._p0], index[n._p1]]
            depth = 1 + max(level[n._p0], level[n._p1])
        level[n] = depth
        nodes, ops, const = steps.setdefault((depth, *key), ([], [], []))
        nodes.append(index[n])
        ops.append(operands_)
        const.append(tuple(p.is_constant for p in n.parents))
    groups = [(d, op, k, _Group(op, *steps[(d, op, k)], np)) for d, op, k in steps]
    groups += [(d, "matmul", k, _MatMul(*lifts[(d, k)], np)) for d, k in lifts]
    return [g for *_, g in sorted(groups, key=lambda item: item[:3])]


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
