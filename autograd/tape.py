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
from operator import attrgetter
from typing import Any

from .backward import _lock
from .derivatives import grad
from .replay import make_plan, schedule
from .value import Value, backward_runs, topological

_data = attrgetter("data")


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
        self.parameters = [n for n in order if n._p0 is None and not n._tag.constant and n not in input_set]
        plan = make_plan(order, set(self.parameters), tuple(self.outputs))
        # a row of values (and of gradients) for every node but the products lifted into matrix
        # products and the parameters read only as their weights (those are read from a vector)
        kept = [n for n in order if n not in plan.rowless]
        # (the parameters are reordered so that each layer's weights are one block of their vector)
        self.index, self._groups, self.parameters = schedule(kept, self.parameters, plan, np)
        position = {p: i for i, p in enumerate(self.parameters)}
        self.inputs = [self.index.get(x, -1) for x in inputs]
        rowed = [p for p in self.parameters if p in self.index]
        self._param_rows = np.array([self.index[p] for p in rowed], dtype=np.intp)
        self._param_rowed = np.array([position[p] for p in rowed], dtype=np.intp)
        self._constants = [(self.index[n], n.data) for n in kept if n.is_constant]
        self._nodes = len(kept)
        self._outs = np.array([self.index[o] for o in self.outputs], dtype=np.intp)
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
        params = np.fromiter(map(_data, self.parameters), float, len(self.parameters))  # as they are now
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
            for p, total in zip(self.parameters, sums.tolist()):
                p.grad += total
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
        G = self._zeros((self._nodes, len(seed)), np)
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

    def _zeros(self, shape: tuple[int, int], np: Any) -> Any:
        """Zeros of this shape for a backward's gradients: a small buffer is kept per thread and
        zeroed again (cheaper than new memory every step); a large one is new each time."""
        if 8 * shape[0] * shape[1] > 2**24:
            return np.zeros(shape)
        buffer = getattr(self._state, "zeros", None)
        if buffer is None or buffer.shape != shape:
            buffer = self._state.zeros = np.empty(shape)
        buffer.fill(0.0)
        return buffer

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
