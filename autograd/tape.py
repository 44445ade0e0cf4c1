"""Trace once, replay over a whole batch at numpy speed.

``trace(fn, n_inputs)`` calls ``fn`` once on placeholder Values and records the
graph it builds.  ``tape(X)`` then replays that graph on every row of X at once:
the nodes are grouped by depth and op, so one numpy call computes a whole group
for every row, and each chain of additions (a neuron's w·x + b) is one summed
step.  ``tape.backward(seed)`` runs the chain rule the same way, level by level.

What a tape is, and is not:

* It records the graph that one run of ``fn`` builds.  A Python ``if`` on
  ``.data`` inside ``fn`` is decided once, at tracing, and baked in for every row;
  ``tape.check(X)`` re-runs the scalar engine on a few rows and catches that.
* Parameters are the non-constant leaves that are not inputs (a model's weights):
  their current ``.data`` is read on every call, and ``backward`` adds into their
  ``.grad`` as the scalar backward does, so the two compose.
* Each row gets the scalar engine's ops, in its order, with its rules at the edges
  (relu, step, pow, NaN); values agree row by row to the last bit except where
  numpy's exp, log and tanh differ from the C library's, and gradients, added up
  in another order, to about 1e-12 relative.  Chains of additions are summed in
  the tree's own order: only left-nested chains, ((a + b) + c) + d, are folded
  into one step; a right operand that is itself a sum is computed first.  The
  exception: a sum of parameter × value products (a neuron's w·x + b) is lifted
  into a matrix product with the other sums that read the same values (a layer),
  which adds in its own order: there, values agree to about 1e-12 relative.
* A forward pass and the backward that follows it belong to one thread: each
  thread keeps its own forward state, so two threads can use one tape at once,
  and ``check`` leaves the state as it found it.
* Memory is bounded: a batch whose replay would need more than ``max_bytes`` is
  replayed in chunks of rows (backward recomputes each chunk's forward), with the
  same outputs and input gradients to the last bit, and parameter gradients
  summed chunk by chunk.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .graph import _lock, grad, topological
from .value import Value, backward_runs

_ADD = "add"


class Tape:
    """A graph recorded once, replayed on batches; see :func:`trace`."""

    def __init__(self, fn: Callable[..., Any], inputs: list[Value], out: Value | Sequence[Value]) -> None:
        import numpy as np

        self.fn = fn
        self.n_inputs = len(inputs)
        self.single = isinstance(out, Value)
        self.outputs: list[Value] = [out] if isinstance(out, Value) else list(out)
        order, seen = [], set()  # every output's graph, parents first; shared nodes once
        for o in self.outputs:
            for node in topological(o):
                if node not in seen:
                    seen.add(node)
                    order.append(node)
        input_set = set(inputs)
        self.parameters = [n for n in order if n.is_leaf and not n.is_constant and n not in input_set]
        plan = _plan(order, set(self.parameters))
        # a row of values (and of gradients) for every node but the products lifted into matrix
        # products and the parameters read only as their weights (those are read from a vector)
        kept = [n for n in order if n not in plan.rowless]
        self.index = {node: i for i, node in enumerate(kept)}
        self.inputs = [self.index.get(x, -1) for x in inputs]
        position = {p: i for i, p in enumerate(self.parameters)}
        rowed = [p for p in self.parameters if p in self.index]
        self._param_rows = np.array([self.index[p] for p in rowed], dtype=np.intp)
        self._param_rowed = np.array([position[p] for p in rowed], dtype=np.intp)
        self._constants = [(self.index[n], n.data) for n in kept if n.is_constant]
        self._nodes = len(kept)
        self._outs = np.array([self.index[o] for o in self.outputs], dtype=np.intp)
        self._groups = _schedule(kept, self.index, position, plan, np)
        self._state = threading.local()  # each thread's last forward pass
        # what one row costs while replayed: values and gradients of every node, and the
        # local derivatives each group keeps for backward
        kept = sum(g.kept_per_row for g in self._groups)
        self._row_bytes = 8 * (2 * self._nodes + kept)

    max_bytes: int = 512 * 2**20
    """A replay that would hold more than this many bytes runs in chunks of rows."""

    @property
    def chunk_rows(self) -> int:
        """How many rows one chunk of a replay holds (see ``max_bytes``)."""
        if isinstance(self.max_bytes, bool) or not isinstance(self.max_bytes, int) or self.max_bytes < 1:
            raise ValueError(f"Tape.max_bytes must be a positive int, got {self.max_bytes!r}")
        return max(1, self.max_bytes // self._row_bytes)

    @property
    def _last(self) -> dict[str, Any] | None:
        return getattr(self._state, "last", None)

    @_last.setter
    def _last(self, state: dict[str, Any] | None) -> None:
        self._state.last = state

    def __repr__(self) -> str:
        ops = sum(len(g.nodes) for g in self._groups)
        return (f"Tape({self.n_inputs} inputs, {len(self.parameters)} parameters, {ops} ops in "
                f"{len(self._groups)} batched steps)")

    # -- forward --------------------------------------------------------------------

    def __call__(self, X: Any) -> Any:
        """The output for every row of X (shape (N, n_inputs)), as an array of shape (N,); for a
        function of several outputs, k of them, shape (N, k)."""
        import numpy as np

        X = _rows(X, self.n_inputs, np)
        n = X.shape[0]
        params = np.array([p.data for p in self.parameters], dtype=float)  # as they are now
        step = self.chunk_rows
        if n <= step:
            V, locals_ = self._forward(X, params, np)
            self._last = {"X": X, "params": params, "V": V, "locals": locals_, "n": n}
            return V[self._outs[0]].copy() if self.single else V[self._outs].T.copy()
        out = np.empty(n) if self.single else np.empty((n, len(self.outputs)))
        for start in range(0, n, step):
            V, _ = self._forward(X[start:start + step], params, np, first_row=start)
            out[start:start + step] = V[self._outs[0]] if self.single else V[self._outs].T
        self._last = {"X": X, "params": params, "V": None, "locals": None, "n": n}
        return out

    def _forward(self, X: Any, params: Any, np: Any, first_row: int = 0) -> tuple[Any, list[tuple[Any, ...]]]:
        n = X.shape[0]
        V = np.empty((self._nodes, n))
        for row, value in self._constants:
            V[row] = value
        V[self._param_rows] = params[self._param_rowed, None]
        for k, row in enumerate(self.inputs):
            if row >= 0:
                V[row] = X[:, k]
        locals_: list[tuple[Any, ...]] = []
        try:
            with np.errstate(all="ignore"):
                for group in self._groups:
                    locals_.append(group.forward(V, np, params))
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            if first_row:  # name the row of the whole batch, not of the chunk
                raise type(error)(_shift_row(str(error), first_row)) from None
            raise
        return V, locals_

    # -- backward -------------------------------------------------------------------

    def backward(self, seed: Any) -> Any:
        """Add Σ_i seed[i]·∂out_i/∂p into ``p.grad`` for every parameter p, and return the
        gradient of Σ_i seed[i]·out_i with respect to X, shape (N, n_inputs).  With k outputs,
        seed has shape (N, k) and the sums run over rows and outputs: Σ_i Σ_j seed[i, j]·∂out_ij/∂p.

        It uses this thread's last forward pass (``tape(X)``), with the parameters as
        they were then."""
        sums, gx = self._gradients(seed)
        with _lock:  # += on a float is not atomic across threads
            backward_runs[0] += 1  # a later backward: any create_graph grad_value is stale now
            for p, total in zip(self.parameters, sums):
                p.grad += float(total)
        return gx

    def _gradients(self, seed: Any) -> tuple[Any, Any]:
        """The parameters' gradients and X's for this thread's last forward, touching no .grad."""
        import numpy as np

        last = self._last
        if last is None:
            raise RuntimeError("tape.backward() needs a forward pass first: call tape(X) (in this thread)")
        n = last["n"]
        try:
            seed = np.asarray(seed, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"tape.backward: seed must be numbers, one per row, got {type(seed).__name__}") from None
        want = (n,) if self.single else (n, len(self.outputs))
        if seed.shape != want:
            what = "one number per row" if self.single else "a row of one number per output for each row"
            raise ValueError(f"tape.backward: seed must have shape {want}, {what}, got {seed.shape}")
        gx = np.zeros((n, self.n_inputs))
        if last["V"] is not None:
            sums = self._backward(seed, last["locals"], gx, np)
        else:
            step = self.chunk_rows
            sums = np.zeros(len(self.parameters))
            for start in range(0, n, step):
                part = slice(start, start + step)
                _, locals_ = self._forward(last["X"][part], last["params"], np, first_row=start)
                sums += self._backward(seed[part], locals_, gx[part], np)
        return sums, gx

    def _backward(self, seed: Any, locals_: list[tuple[Any, ...]], gx: Any, np: Any) -> Any:
        """One backward over rows whose forward left ``locals_``: fills gx, returns the
        parameters' sums over those rows."""
        G = np.zeros((self._nodes, len(seed)))
        np.add.at(G, self._outs, seed.T if seed.ndim == 2 else seed[None])  # two outputs may be one node
        dP = np.zeros(len(self.parameters))  # the lifted weights' gradients, summed over the rows
        with np.errstate(all="ignore"):
            for group, local in zip(reversed(self._groups), reversed(locals_)):
                group.backward(G, local, np, dP)
        for k, row in enumerate(self.inputs):
            if row >= 0:
                gx[:, k] = G[row]
        if len(self._param_rows):
            dP[self._param_rowed] += G[self._param_rows].sum(axis=1)
        return dP

    # -- checking ---------------------------------------------------------------------

    def check(self, X: Any, rows: int = 3, rtol: float = 1e-12, atol: float = 1e-12) -> None:
        """Re-run the scalar engine on ``rows`` rows of X (spread over it) and compare the
        output and every gradient with the tape's (to ``rtol`` relative, or ``atol`` where
        they are near 0: sums added in another order differ in the last bits); raise
        AssertionError naming the first difference (a Python ``if`` on ``.data`` inside fn
        makes the graphs differ)."""
        import numpy as np

        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise ValueError(f"tape.check: rows must be a positive int (how many rows to check), got {rows!r}")
        X = _rows(X, self.n_inputs, np)
        found = self._last
        try:
            self._check(X, rows, rtol, atol, np)
        finally:
            self._last = found  # a check leaves the forward state as it found it

    def _check(self, X: Any, rows: int, rtol: float, atol: float, np: Any) -> None:
        n, k = X.shape[0], len(self.outputs)
        picks = sorted({int(round(i)) for i in np.linspace(0, n - 1, min(rows, n))})
        out = self(X[picks]).reshape(len(picks), k)  # rows are replayed independently: the picked ones do
        seed = np.zeros((len(picks), k))
        for j, i in enumerate(picks):
            xs = [Value(float(v), label=f"x{c}") for c, v in enumerate(X[i])]
            scalar = _outputs(self.fn(*xs), "fn")
            if len(scalar) != k:
                raise AssertionError(f"tape.check: row {i}: fn returned {len(scalar)} outputs, the tape has {k}")
            for m in range(k):
                seed[:] = 0.0
                seed[j, m] = 1.0
                tape_params, gx = self._gradients(seed[:, 0] if self.single else seed)  # no .grad is touched
                what = "the output" if self.single else f"output {m}"
                _close(out[j, m], scalar[m].data, rtol, atol, f"row {i}: {what}")
                wanted = grad(scalar[m], xs + self.parameters)
                d = "∂out" if self.single else f"∂out{m}"
                for c in range(self.n_inputs):
                    _close(gx[j, c], wanted[c], rtol, atol, f"row {i}: {d}/∂x{c}")
                for p, got, want in zip(self.parameters, tape_params, wanted[self.n_inputs:]):
                    _close(float(got), want, rtol, atol, f"row {i}: {d}/∂{p.label or 'a parameter'}")


def _outputs(out: Any, who: str) -> list[Value]:
    """fn's result as a list of Values: one Value, or a non-empty list or tuple of them."""
    if isinstance(out, Value):
        return [out]
    if isinstance(out, (list, tuple)) and out and all(isinstance(o, Value) for o in out):
        return list(out)
    raise TypeError(f"{who} must return a Value or a non-empty list of Values, got {type(out).__name__}"
                    + (f" holding {type(next(o for o in out if not isinstance(o, Value))).__name__}"
                       if isinstance(out, (list, tuple)) and out else ""))


def trace(fn: Callable[..., Any], n_inputs: int, at: Sequence[float] | None = None) -> Tape:
    """Call ``fn`` once on ``n_inputs`` placeholder Values (valued ``at``, default 0.5 each) and
    record the graph it builds, to replay on whole batches: see :class:`Tape`.  ``fn`` returns a
    Value, or a list of Values (several outputs: ``tape(X)`` then has shape (N, k)).

    A Python ``if`` on ``.data`` inside fn is decided at tracing and baked in for every row;
    ``tape.check(X)`` catches a function whose graph depends on its inputs that way.
    """
    if not callable(fn):
        raise TypeError(f"trace needs a function of Values, got {type(fn).__name__}")
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) or n_inputs < 1:
        raise ValueError(f"n_inputs must be an int >= 1, got {n_inputs!r}")
    point = [0.5] * n_inputs if at is None else [float(v) for v in at]
    if len(point) != n_inputs:
        raise ValueError(f"trace: at has {len(point)} numbers, but fn takes {n_inputs} inputs")
    inputs = [Value(v, label=f"x{k}") for k, v in enumerate(point)]
    out = fn(*inputs)
    outs = _outputs(out, "trace: fn")
    return Tape(fn, inputs, out if isinstance(out, Value) else outs)


def _rows(X: Any, n_inputs: int, np: Any) -> Any:
    """X as a float array of shape (N, n_inputs), refusing what the scalar engine refuses."""
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


def _shift_row(message: str, first_row: int) -> str:
    head, sep, tail = message.rpartition("row ")
    digits = "".join(ch for ch in tail[:20] if ch.isdigit()) if sep else ""
    if not digits or not tail.startswith(digits):
        return message
    return f"{head}row {int(digits) + first_row}{tail[len(digits):]}"


def _close(got: float, want: float, rtol: float, atol: float, what: str) -> None:
    if got == want or (math.isnan(got) and math.isnan(want)):
        return
    if not math.isclose(got, want, rel_tol=rtol, abs_tol=atol):
        raise AssertionError(
            f"tape.check: {what} is {got!r} on the tape but {want!r} in the scalar engine; does fn branch on "
            ".data? A traced graph is the one fn built when traced, for every row"
        )


# -- the schedule: nodes grouped by depth and op ------------------------------------------


class _Group:
    """Nodes of one op at one depth, computed together for every row.  ``sum`` groups are
    chains of additions folded into one summed step (operands in the chain's order)."""

    def __init__(self, op: str, nodes: list[int], operands: list[list[int]], constant_exponent: list[bool],
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
            self.constant_exponent = np.array(constant_exponent, dtype=bool)
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
        out, local = _OPS[self.op](a, b, self, np)
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


class _Plan:
    """What the schedule folds away: additions folded into sums (``inner``), sums lifted into
    matrix products (``lifted``: weights, row-values, other terms), the products inside them,
    and the nodes that need no row of values (those products, and parameters read only as
    lifted weights)."""

    def __init__(self, inner: set[Value], lifted: dict[Value, tuple[list[Value], list[Value], list[Value]]],
                 products: set[Value], rowless: set[Value]) -> None:
        self.inner, self.lifted, self.products, self.rowless = inner, lifted, products, rowless


def _plan(order: list[Value], params: set[Value]) -> _Plan:
    consumers: dict[Value, int] = {}
    for n in order:
        for p in n.parents:
            consumers[p] = consumers.get(p, 0) + 1
    # an addition used only as the left operand of another addition is folded into that
    # one's sum: ((a + b) + c) + d is summed a, b, c, d from the left, as the engine adds it.
    # A right operand that is itself a sum, a + (b + c), is computed first (summing it into
    # the left-to-right chain would re-associate it, and floats are not associative).
    inner = {n._p0 for n in order
             if n.op == _ADD and n._p0.op == _ADD and consumers.get(n._p0, 0) == 1}
    # sums of at least two parameter × value products become matrix products (see _MatMul)
    lifted: dict[Value, tuple[list[Value], list[Value], list[Value]]] = {}
    products: set[Value] = set()
    as_weight: dict[Value, int] = {}
    for n in order:
        if n.op != _ADD or n in inner:
            continue
        weights, operands, rest, used = [], [], [], []
        for t in _terms(n, inner):
            if t.op == "mul" and consumers.get(t, 0) == 1 and (t._p0 in params or t._p1 in params):
                w, x = (t._p0, t._p1) if t._p0 in params else (t._p1, t._p0)
                weights.append(w)
                operands.append(x)
                used.append(t)
            else:
                rest.append(t)
        if len(weights) >= 2:
            lifted[n] = (weights, operands, rest)
            products.update(used)
            for w in weights:
                as_weight[w] = as_weight.get(w, 0) + 1
    rowless = products | {w for w, k in as_weight.items() if k == consumers[w]}
    return _Plan(inner, lifted, products, rowless)


def _schedule(order: list[Value], index: dict[Value, int], position: dict[Value, int], plan: _Plan,
              np: Any) -> list[Any]:
    """The groups of one replay, in an order that computes every operand first: nodes of one op
    at one depth together, sums folded, weighted sums of one depth and row-values as one matrix
    product.  ``order`` holds the nodes that have rows (see _Plan.rowless)."""
    inner, lifted = plan.inner, plan.lifted
    level: dict[Value, int] = {}
    steps: dict[tuple[int, str, int], tuple[list[int], list[list[int]], list[bool]]] = {}
    shapes: dict[tuple[tuple[int, ...], int], int] = {}  # a lifted sum's row-values and extra terms → an id
    lifts: dict[tuple[int, int], tuple[list[int], list[list[int]], list[int], list[list[int]]]] = {}
    for n in order:
        if n.is_leaf or n in inner:
            # (an inner addition's level is never read: only the terms of its chain are; a
            # product lifted away has none, and only its lifted sum or an inner addition reads it)
            level[n] = 0 if n.is_leaf else max(level.get(p, 0) for p in n.parents)
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
        if n.op == _ADD and any(p in inner for p in n.parents):
            terms = _terms(n, inner)
            key, operands_ = ("sum", len(terms)), [index[t] for t in terms]
            depth = 1 + max(level[t] for t in terms)
        else:
            key, operands_ = (n.op, len(n.parents)), [index[p] for p in n.parents]
            depth = 1 + max(level[p] for p in n.parents)
        level[n] = depth
        nodes, ops, const = steps.setdefault((depth, *key), ([], [], []))
        nodes.append(index[n])
        ops.append(operands_)
        const.append(n.op == "pow" and n.parents[1].is_constant)
    groups = [(d, op, k, _Group(op, *steps[(d, op, k)], np)) for d, op, k in steps]
    groups += [(d, "matmul", k, _MatMul(*lifts[(d, k)], np)) for d, k in lifts]
    return [g for *_, g in sorted(groups, key=lambda item: item[:3])]


def _terms(n: Value, inner: set[Value]) -> list[Value]:
    """The operands of a chain of additions, left to right: ((a + b) + c) + d → a, b, c, d."""
    out: list[Value] = []
    stack = [n]
    while stack:
        node = stack.pop()
        if node is n or node in inner:
            stack.extend(reversed(node.parents))
        else:
            out.append(node)
    return out


# -- each op, for a whole group at once, with the scalar engine's rules at the edges ------------


def _first(mask: Any, np: Any) -> tuple[int, int]:
    k, row = np.argwhere(mask)[0]
    return int(k), int(row)


def _binary_overflow(op: str, out: Any, a: Any, b: Any, np: Any) -> None:
    hit = np.isinf(out) & np.isfinite(a) & np.isfinite(b)
    if hit.any():
        _, row = _first(hit, np)
        raise OverflowError(f"{op}: result out of range for finite operands, at row {row}")


def _add(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = a + b
    _binary_overflow("add", out, a, b, np)
    return out, ()


def _sub(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = a - b
    _binary_overflow("sub", out, a, b, np)
    return out, ()


def _mul(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = a * b
    _binary_overflow("mul", out, a, b, np)
    return out, (b, a)


def _div(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    if (b == 0).any():
        _, row = _first(b == 0, np)
        raise ZeroDivisionError(f"div: division by zero at row {row}")
    out = a / b
    _binary_overflow("div", out, a, b, np)
    return out, (1.0 / b, -out / b)


def _neg(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    return -a, ()


def _pow(x: Any, y: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    if ((x == 0) & (y < 0)).any():
        _, row = _first((x == 0) & (y < 0), np)
        raise ZeroDivisionError(f"pow: 0 raised to a negative power at row {row}")
    negative = (x < 0) & (y == y)
    fractional = negative & (np.isinf(y) | (np.floor(y) != y))  # ±inf is no integer, as for the engine
    if fractional.any():
        _, row = _first(fractional, np)
        raise ValueError(f"pow: a negative base to a fractional power is not real, at row {row}")
    if (negative & ~group.constant_exponent[:, None]).any():
        _, row = _first(negative & ~group.constant_exponent[:, None], np)
        raise ValueError(f"pow: d(x^y)/dy is not real for a negative base, at row {row}")
    out = np.power(x, y)
    _binary_overflow("pow", out, x, y, np)
    dx = np.where(y == 0, 0.0, np.where((x == 0) & (y > 0) & (y < 1), np.inf, y * np.power(x, y - 1.0)))
    dy = np.where(x > 0, out * np.log(np.where(x > 0, x, 1.0)), 0.0)
    return out, (dx, dy)


def _exp(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = np.exp(a)
    hit = np.isinf(out) & np.isfinite(a)
    if hit.any():
        _, row = _first(hit, np)
        raise OverflowError(f"exp: result out of range at row {row}")
    return out, (out,)


def _log(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    if (a <= 0).any():
        _, row = _first(a <= 0, np)
        raise ValueError(f"log: undefined for x <= 0, at row {row}")
    return np.log(a), (1.0 / a,)


def _tanh(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = np.tanh(a)
    return out, (1.0 - out * out,)


def _sigmoid(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    e = np.exp(-np.abs(a))  # exp of a non-positive number never overflows
    out = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, (out * (1.0 - out),)


def _relu(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = np.where(a > 0, a, np.where(a <= 0, 0.0, a))  # NaN passes through
    return out, (np.where(a > 0, 1.0, np.where(a <= 0, 0.0, a)),)


def _leaky_relu(a: Any, s: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    up = a > 0
    out = np.where(up, a, s * a)
    _binary_overflow("leaky_relu", out, a, s, np)
    return out, (np.where(up, 1.0, s), np.where(up, 0.0, a))


def _step(a: Any, b: Any, group: _Group, np: Any) -> tuple[Any, tuple]:
    out = np.where(a >= 0, 1.0, np.where(a < 0, 0.0, a))
    return out, (np.where(a == a, 0.0, np.nan),)


_OPS: dict[str, Callable[..., tuple[Any, tuple]]] = {
    "add": _add, "sub": _sub, "mul": _mul, "div": _div, "neg": _neg, "pow": _pow, "exp": _exp,
    "log": _log, "tanh": _tanh, "sigmoid": _sigmoid, "relu": _relu, "leaky_relu": _leaky_relu, "step": _step,
}
