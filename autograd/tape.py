"""trace and Tape: record a graph once, then replay it over a whole batch at numpy speed.

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
  ``.grad`` as the scalar backward does, so the two compose.  A training loop may
  instead keep them as one vector: ``tape(X, theta)``, ``tape.gradients(seed)``
  (no ``.grad`` touched), ``parameter_vector()`` and ``set_parameters(theta)``.
* Each row gets the scalar engine's ops, in its order, with its rules at the edges
  (relu, step, pow, NaN); values agree row by row to the last bit except where
  numpy's exp, log and tanh differ from the C library's, and gradients, added up
  in another order, to about 1e-12 relative.  Chains of additions are summed in
  the tree's own order: only left-nested chains, ((a + b) + c) + d, are folded
  into one step; a right operand that is itself a sum is computed first.  The
  exception: a sum of parameter × value products (a neuron's w·x + b) is lifted
  into a matrix product with the other sums that read the same values (a layer,
  its biases included, and the relus that alone read its sums), which adds in its
  own order: there, values agree to about 1e-12 relative.
* A forward pass and the backward that follows it belong to one thread: each
  thread keeps its own forward state, so two threads can use one tape at once,
  and ``check`` leaves the state as it found it.
* Memory is bounded: a batch whose replay would need more than ``max_bytes`` is
  replayed in chunks of rows (backward recomputes each chunk's forward), with the
  same outputs and input gradients to the last bit, and parameter gradients
  summed chunk by chunk.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from .backward import _lock
from .derivatives import grad
from .recording import Recording
from .value import Value, backward_runs

np: Any = None  # numpy and the replay's modules, imported by the first tape (see _load):
_replay: Any = None  # ``import autograd`` loads no numpy
_layout: Any = None
_batch: Any = None
_data = attrgetter("data")


def _load() -> Any:
    """numpy and the replay's modules, imported once, when the first tape is made."""
    global np, _replay, _layout, _batch
    if _replay is None:
        import numpy

        from . import batch, layout, replay

        np, _replay, _layout, _batch = numpy, replay, layout, batch
    return _replay


class Tape:
    """A graph recorded once, replayed on batches; see :func:`trace`."""

    def __init__(self, fn: Callable[..., Any], inputs: list[Value], out: Value | Sequence[Value],
                 recording: Recording | None = None) -> None:
        replay = _load()
        self.fn = fn
        self.n_inputs = len(inputs)
        self.single = isinstance(out, Value)
        self.outputs: list[Value] = [out] if isinstance(out, Value) else list(out)
        # every output's graph, parents first, shared nodes once (as recorded while fn ran, or
        # walked); a row of values (and of gradients) for every node but the products lifted into
        # matrix products and the parameters read only as their weights (those are read from a
        # vector), and the parameters reordered so that each layer's weights are one block of it
        graph = replay.graph(recording or Recording(), self.outputs, inputs)
        layout = _layout.schedule(replay.make_plan(graph))
        self.index, self._groups, self.parameters = layout.index, layout.groups, layout.parameters
        rowed = layout.rowed
        self.inputs = [self.index.get(x, -1) for x in inputs]
        # the inputs' rows, as one block when they are rows 0, 1, … in order (they are laid out first)
        self._input_block = self.n_inputs if self.inputs == list(range(self.n_inputs)) else 0
        self._param_rows = np.array([row for row, _ in rowed], dtype=np.intp)  # the parameters that have rows
        self._param_rowed = np.array([at for _, at in rowed], dtype=np.intp)  # and their places in the vector
        ones = sorted({g.ones for g in self._groups if g.op == "matmul" and g.ones is not None})
        self._constants = layout.constants + [(row, 1.0) for row in ones]  # (the biases' rows of ones)
        self._nodes = layout.rows
        self._outs = np.array([self.index[o] for o in self.outputs], dtype=np.intp)
        self._outs_unique = len(set(self._outs.tolist())) == len(self._outs)
        # the rows of G that backward writes before anything adds into them (the outputs' seeds, the
        # row-values of a layer that owns them) need no zeros first, nor do the rows of the sums
        # under fused relus, which nothing touches (the relus are taken in place)
        written = set(self._outs.tolist()) if self._outs_unique else set()
        for g in self._groups:
            if g.op == "matmul" and g.own_a:
                written.update(range(g.a.start, g.a.stop))
            if g.op == "matmul" and g.relu is not None:
                written.update(range(g.out.start, g.out.stop))
        self._zero_rows = _batch.runs([r for r in range(self._nodes) if r not in written])
        self._state = threading.local()  # each thread's last forward pass
        # what one row costs while replayed: values and gradients of every node, and the
        # local derivatives each group keeps for backward
        kept_per_row = sum(g.kept_per_row for g in self._groups)
        self._row_bytes = 8 * (2 * self._nodes + kept_per_row)

    max_bytes: int = 512 * 2**20
    """A replay that would hold more than this many bytes runs in chunks of rows."""

    @property
    def chunk_rows(self) -> int:
        """How many rows one chunk of a replay holds (see ``max_bytes``)."""
        limit = self.max_bytes
        if limit.__class__ is not int:  # (the common case, checked first: a plain int)
            if isinstance(limit, bool) or not isinstance(limit, int):
                raise ValueError(f"Tape.max_bytes must be a positive int, got {limit!r}")
        if limit < 1:
            raise ValueError(f"Tape.max_bytes must be a positive int, got {limit!r}")
        return max(1, limit // self._row_bytes)

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

    # -- the parameters as one vector ----------------------------------------------------

    def parameter_vector(self) -> Any:
        """The parameters' current ``.data`` as one array, in the order of ``tape.parameters``."""
        return np.fromiter(map(_data, self.parameters), float, len(self.parameters))

    def set_parameters(self, vector: Any) -> None:
        """Write ``vector`` (one number per parameter, in the order of ``tape.parameters``) into the
        parameters' ``.data``, in one pass: the write-back of a training loop on the vector."""
        for p, v in zip(self.parameters, self._vector(vector, "set_parameters").tolist()):
            p.data = v

    def _vector(self, vector: Any, who: str) -> Any:
        try:
            v = np.array(vector, dtype=float)  # a copy: the caller may update theirs in place
        except (TypeError, ValueError):
            raise TypeError(f"tape.{who}: the parameters must be numbers, got {type(vector).__name__}") from None
        if v.shape != (len(self.parameters),):
            raise ValueError(f"tape.{who}: the parameters' vector must have shape ({len(self.parameters)},), "
                             f"one number per parameter, got {v.shape}")
        return v

    # -- forward --------------------------------------------------------------------

    def __call__(self, X: Any, params: Any = None) -> Any:
        """The output for every row of X (shape (N, n_inputs)), as an array of shape (N,); for a
        function of several outputs, k of them, shape (N, k).  The parameters are their ``.data``
        now, or ``params``: a vector of them, in the order of ``tape.parameters``."""
        X = self._rows(X)
        P = self.parameter_vector() if params is None else self._vector(params, "__call__")
        n = X.shape[0]
        step = self.chunk_rows
        if n <= step:
            V, locals_ = self._forward(X, P)
            self._last = {"X": None, "params": P, "V": V, "locals": locals_, "n": n}
            return V[self._outs[0]].copy() if self.single else V[self._outs].T.copy()
        X = X.copy()  # kept for backward, which replays each chunk again
        out = np.empty(n) if self.single else np.empty((n, len(self.outputs)))
        for start in range(0, n, step):
            V, _ = self._forward(X[start:start + step], P, first_row=start)
            out[start:start + step] = V[self._outs[0]] if self.single else V[self._outs].T
        self._last = {"X": X, "params": P, "V": None, "locals": None, "n": n}
        return out

    def _rows(self, X: Any) -> Any:
        if X.__class__ is np.ndarray and X.dtype == np.float64 and X.ndim == 2 and X.shape[1] == self.n_inputs \
                and X.shape[0]:
            total = X.sum()
            if total - total == 0.0:  # every input finite: no copy, no checks (the rows are copied into V)
                return X
        return _batch.rows(X, self.n_inputs)

    def _forward(self, X: Any, P: Any, first_row: int = 0) -> tuple[Any, list[tuple[Any, ...]]]:
        V = self._values(X.shape[0])
        for row, value in self._constants:
            V[row] = value
        if len(self._param_rows):
            V[self._param_rows] = P[self._param_rowed, None]
        if self._input_block:
            V[:self._input_block] = X.T
        else:
            for k, row in enumerate(self.inputs):
                if row >= 0:
                    V[row] = X[:, k]
        locals_: list[tuple[Any, ...]] = []
        try:
            with np.errstate(all="ignore"):
                for group in self._groups:
                    locals_.append(group.forward(V, P))
        except (ValueError, ZeroDivisionError, OverflowError) as error:
            if first_row:  # name the row of the whole batch, not of the chunk
                raise type(error)(_batch.shift_row(str(error), first_row)) from None
            raise
        return V, locals_

    # -- backward -------------------------------------------------------------------

    def backward(self, seed: Any) -> Any:
        """Add Σ_i seed[i]·∂out_i/∂p into ``p.grad`` for every parameter p, and return the
        gradient of Σ_i seed[i]·out_i with respect to X, shape (N, n_inputs).  With k outputs,
        seed has shape (N, k) and the sums run over rows and outputs: Σ_i Σ_j seed[i, j]·∂out_ij/∂p.

        It uses this thread's last forward pass (``tape(X)``), with the parameters as
        they were then."""
        sums, gx = self._gradients(seed, "backward")
        with _lock:  # += on a float is not atomic across threads
            backward_runs[0] += 1  # a later backward: any create_graph grad_value is stale now
            for p, total in zip(self.parameters, sums.tolist()):
                p.grad += total
        return gx

    def gradients(self, seed: Any) -> Any:
        """Σ_i seed[i]·∂out_i/∂p for every parameter p, as one vector in the order of
        ``tape.parameters`` (with k outputs, seed (N, k), as for ``backward``), touching no
        ``.grad`` and computing no gradient for X: the backward of a training loop on the vector."""
        return self._gradients(seed, "gradients", inputs=False)[0]

    def _gradients(self, seed: Any, who: str = "backward", inputs: bool = True) -> tuple[Any, Any]:
        """The parameters' gradients and X's (None without ``inputs``) for this thread's last
        forward, touching no .grad."""
        last = self._last
        if last is None:
            raise RuntimeError(f"tape.{who}() needs a forward pass first: call tape(X) (in this thread)")
        n = last["n"]
        try:
            seed = np.asarray(seed, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"tape.{who}: seed must be numbers, one per row, got {type(seed).__name__}") from None
        want = (n,) if self.single else (n, len(self.outputs))
        if seed.shape != want:
            what = "one number per row" if self.single else "a row of one number per output for each row"
            raise ValueError(f"tape.{who}: seed must have shape {want}, {what}, got {seed.shape}")
        gx = np.zeros((n, self.n_inputs)) if inputs else None
        if last["V"] is not None:
            sums = self._backward(seed, last["locals"], gx)
        else:
            step = self.chunk_rows
            sums = np.zeros(len(self.parameters))
            for start in range(0, n, step):
                part = slice(start, start + step)
                _, locals_ = self._forward(last["X"][part], last["params"], first_row=start)
                sums += self._backward(seed[part], locals_, None if gx is None else gx[part])
        return sums, gx

    def _backward(self, seed: Any, locals_: list[tuple[Any, ...]], gx: Any) -> Any:
        """One backward over rows whose forward left ``locals_``: fills gx (unless None), returns
        the parameters' sums over those rows."""
        G = self._zeros((self._nodes, len(seed)))
        if self.single:
            G[self._outs[0]] = seed
        elif self._outs_unique:
            G[self._outs] = seed.T
        else:
            np.add.at(G, self._outs, seed.T)  # two outputs may be one node
        dP = np.zeros(len(self.parameters))  # the lifted weights' gradients, summed over the rows
        inputs = gx is not None
        with np.errstate(all="ignore"):
            for group, local in zip(reversed(self._groups), reversed(locals_)):
                group.backward(G, local, dP, inputs)
        if inputs:
            if self._input_block:
                gx[:] = G[:self._input_block].T
            else:
                for k, row in enumerate(self.inputs):
                    if row >= 0:
                        gx[:, k] = G[row]
        if len(self._param_rows):
            dP[self._param_rowed] += G[self._param_rows].sum(axis=1)
        return dP

    def _values(self, n: int) -> Any:
        """The values' array for a forward over n rows: this thread's last one when it has n rows
        (its forward state is replaced by this one anyway; new memory each step would cost page
        faults), unless it is large."""
        buffer = getattr(self._state, "values", None)
        if buffer is None or buffer.shape[1] != n:
            buffer = np.empty((self._nodes, n))
            if 8 * buffer.size <= 2**26:
                self._state.values = buffer
        return buffer

    def _zeros(self, shape: tuple[int, int]) -> Any:
        """The gradients' array for a backward, zero in every row that backward adds into (the
        others it writes first): a small buffer is kept per thread (cheaper than new memory every
        step); a large one is new each time."""
        if 8 * shape[0] * shape[1] > 2**24:
            buffer = np.empty(shape)
        else:
            buffer = getattr(self._state, "zeros", None)
            if buffer is None or buffer.shape != shape:
                buffer = self._state.zeros = np.empty(shape)
        for rows in self._zero_rows:
            buffer[rows] = 0.0
        return buffer

    # -- checking ---------------------------------------------------------------------

    def check(self, X: Any, rows: int = 3, rtol: float = 1e-12, atol: float = 1e-12) -> None:
        """Re-run the scalar engine on ``rows`` rows of X (spread over it) and compare the
        output and every gradient with the tape's (to ``rtol`` relative, or ``atol`` where
        they are near 0: sums added in another order differ in the last bits); raise
        AssertionError naming the first difference (a Python ``if`` on ``.data`` inside fn
        makes the graphs differ)."""
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise ValueError(f"tape.check: rows must be a positive int (how many rows to check), got {rows!r}")
        X = _batch.rows(X, self.n_inputs)
        found, values = self._last, getattr(self._state, "values", None)
        self._state.values = None  # (the forward state's array is not to be reused by the check's)
        try:
            self._check(X, rows, rtol, atol)
        finally:
            self._last = found  # a check leaves the forward state as it found it
            self._state.values = values

    def _check(self, X: Any, rows: int, rtol: float, atol: float) -> None:
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
                _batch.close(out[j, m], scalar[m].data, rtol, atol, f"row {i}: {what}")
                wanted = grad(scalar[m], xs + self.parameters)
                d = "∂out" if self.single else f"∂out{m}"
                for c in range(self.n_inputs):
                    _batch.close(gx[j, c], wanted[c], rtol, atol, f"row {i}: {d}/∂x{c}")
                for p, got, want in zip(self.parameters, tape_params, wanted[self.n_inputs:]):
                    _batch.close(float(got), want, rtol, atol, f"row {i}: {d}/∂{p.label or 'a parameter'}")


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
    # a graph is many objects made at once and none freed: the garbage collector, which would
    # scan all of them again and again as they are made, is paused until the tape is built
    collecting = gc.isenabled()
    gc.disable()
    try:
        with Recording(inputs) as recording:  # the nodes fn makes, written down as they are made
            out = fn(*inputs)
        outs = _outputs(out, "trace: fn")
        return Tape(fn, inputs, out if isinstance(out, Value) else outs, recording)
    finally:
        if collecting:
            gc.enable()
