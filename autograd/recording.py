"""Recording: while a trace runs fn, every node fn makes is written down as it is made.

A tape needs the graph fn builds in an order that puts parents first, with each node's
operands given by number.  Found afterwards, that is a walk over every node, a pass of
Python per node over a graph that outgrows the caches; at the moment a node is made it
is known for almost nothing.  So while a trace runs fn, the node constructor (``_node`` of
autograd.value, and of autograd.define, which makes the table's ops) is swapped for one
that also numbers the node, notes its operands' numbers and its op, and marks it with the
recording's token (``_mark``; its number goes in ``_place``).  A node fn reads but did not
make (a parameter, an input, a node built before the trace) is numbered when it is first
read, after the nodes it is made from: the numbers are an order with parents first.

A weighted sum made by :func:`autograd.dot` (a neuron's b + w1·x1 + …) is written down as
one entry: its weights, its operands and its start, with only its last addition numbered.
Its products and inner additions are made as ever, but marked as inside an entry
(``_interior``); the tape lifts such a sum into a matrix product whatever its nodes are, so
it never needs them one by one.  Should fn read one of them elsewhere, the recording is void.

Only the tracing thread's nodes are written down, and only one recording runs at a time.
Whatever could have moved the marks while fn ran (a backward pass, a tape's walk) leaves
the recording not ``valid``, and the tape then walks the graph instead.  The swap costs
nothing outside a trace: the ops look ``_node`` up as a global each time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from types import TracebackType

from . import define, value
from .backward import _lock
from .value import Value, backward_runs, walk_runs

_one_at_a_time = threading.Lock()
active: Recording | None = None  # the recording running now, in its thread (Recording.thread)


class Recording:
    """What a recording wrote down: ``nodes`` (node i is nodes[i], parents first), ``parents``
    (two numbers per node, its operands', −1 for none), ``ops`` (each node's op, "" for a
    leaf) and, in :meth:`constants`, which leaves are constants; ``chains``, the start of
    each sum written down as one entry (its number in ``chain_start_at``; its weights' and
    operands' numbers are in ``chain_w`` and ``chain_x``, from ``chain_at[j]`` to
    ``chain_at[j + 1]``), whose last addition's parents are written as (−2, its place in
    ``chains``).  Use as ``with Recording(inputs) as r: out = fn(...)``, then
    ``r.number(out)``; read what it wrote only when ``valid``.  The inputs are numbered first
    (0, 1, …): a leaf numbered below ``len(inputs)`` is an input."""

    def __init__(self, inputs: Sequence[Value] = ()) -> None:
        self.nodes: list[Value] = []
        self.parents: list[int] = []
        self.ops: list[str] = []
        self._constant: list[int] = []  # the numbers of the constants among the leaves fn read
        self._made: list[int] = []  # and of the leaves fn made (whose tag is set after they are made)
        self.chains: list[Value | None] = []  # each entry's start
        self.chain_start_at: list[int] = []  # and its number (−1: none), read at once (see chain_end)
        self.chain_w: list[int] = []  # the numbers of the entries' weights, one entry after another,
        self.chain_x: list[int] = []  # of the operands they multiply,
        self.chain_at: list[int] = [0]  # and where each entry's begin in those lists (one more at the end)
        self.thread = 0
        self._inputs = list(inputs)
        self._token = object()
        self.interior = object()  # the mark of the nodes inside a sum written down as one entry
        self._void = False
        self._held = False

    def __enter__(self) -> Recording:
        self._held = _one_at_a_time.acquire(blocking=False)  # a second recording (nested, or in
        if not self._held:  # another thread) records nothing: its tape walks the graph
            return self
        self._runs = (backward_runs[0], walk_runs[0])
        try:
            for x in self._inputs:
                if not isinstance(x, Value):
                    raise TypeError(f"Recording: the inputs must be Values, got {type(x).__name__}")
                self.number(x)
        except BaseException:  # (the recording never started: the next one may)
            self._held = False
            _one_at_a_time.release()
            raise
        token, me, get_ident = self._token, threading.get_ident(), threading.get_ident
        global active
        active, self.thread = self, me
        nodes, parents, ops = self.nodes, self.parents, self.ops
        record, put, note = nodes.append, parents.append, ops.append
        self._plain = value._node
        adopt, constant, made = self.number, self._constant.append, self._made.append
        new, current, lock = object.__new__, value._current, _lock

        def leaf(n: Value) -> None:  # a leaf fn did not make (a weight, a constant made before)
            with lock:  # (another thread's walk may be marking it)
                if n._tag.constant:
                    constant(len(nodes))
                put(-1)
                put(-1)
                n._mark = token
                n._place = len(nodes)
                record(n)
                note("")

        # value._node's work (written out: a call more per node is a tenth of a trace), then the
        # node written down; an operand fn did not make is written down first
        def node(data: float, op: str, p0: Value | None, p1: Value | None, g0: float, g1: float) -> Value:
            v = new(Value)
            v.data = data
            v.grad = 0.0
            v.op = op
            v._tag = current()
            v._p0 = p0
            v._p1 = p1
            v._g0 = g0
            v._g1 = g1
            if get_ident() != me:
                v._mark = None
                return v
            if p0 is None:
                made(len(nodes))
                put(-1)
                put(-1)
            else:
                if p0._mark is not token:
                    leaf(p0) if p0._p0 is None else adopt(p0)
                if p1 is None:
                    put(p0._place)
                    put(-1)
                else:
                    if p1._mark is not token:
                        leaf(p1) if p1._p0 is None else adopt(p1)
                    put(p0._place)
                    put(p1._place)
            v._mark = token
            v._place = len(nodes)
            record(v)
            note(op)
            return v

        value._node = define._node = node
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._held:
            global active
            value._node = define._node = self._plain
            active = None
            _one_at_a_time.release()

    @property
    def valid(self) -> bool:
        """Whether what was written down is the graph: nothing else marked nodes meanwhile, and no
        node inside an entry was read elsewhere."""
        return self._held and not self._void and self._runs == (backward_runs[0], walk_runs[0])

    def number(self, n: Value) -> int:
        """n's number, writing n down first (after the nodes it is made from, which are written
        down too) when fn did not make it.  Iterative: any depth works."""
        token = self._token
        if n._mark is token:
            return n._place
        with _lock:  # (fn did not make n: another thread's backward or walk may be marking its nodes)
            nodes, parents, ops = self.nodes, self.parents, self.ops
            stack = [n]
            while stack:
                m = stack[-1]
                if m._mark is self.interior:  # a node inside an entry, read by another: the entry is not
                    self._void = True  # the graph any more (the tape walks it instead)
                p, q = m._p0, m._p1
                if p is not None and p._mark is not token:
                    stack.append(p)
                    continue
                if q is not None and q._mark is not token:
                    stack.append(q)
                    continue
                stack.pop()  # its operands are numbered: number it (a node is never on the stack twice,
                if p is None and m._tag.constant:  # as that would make a cycle)
                    self._constant.append(len(nodes))
                parents.append(-1 if p is None else p._place)
                parents.append(-1 if q is None else q._place)
                m._mark = token
                m._place = len(nodes)
                nodes.append(m)
                ops.append(m.op)
        return n._place

    def chain_start(self, ws: Sequence[Value], xs: Sequence[Value], start: Value | None) -> bool:
        """Whether ``dot(ws, xs, start)``, in this recording's thread, is written down as one
        entry: two terms or more, each weight a parameter (a leaf, not a constant, not an input),
        each operand and the start (if any) a Value.  If so, the start, weights and operands are
        numbered now (before the sum); the caller then makes the sum and calls chain_end."""
        if len(ws) < 2 or threading.get_ident() != self.thread or (start is not None and start.__class__ is not Value):
            return False
        token, inputs, number = self._token, len(self._inputs), self.number
        nodes, record, put, note = self.nodes, self.nodes.append, self.parents.append, self.ops.append
        weight, operand = self.chain_w.append, self.chain_x.append
        with _lock:  # (once per sum: weights fn did not make, which another thread's walk may mark)
            if start is not None and start._mark is not token:
                number(start)
            for w, x in zip(ws, xs):
                if w.__class__ is not Value or w._p0 is not None or w._tag.constant or x.__class__ is not Value:
                    self.chain_drop()
                    return False  # (what was numbered so far stays: numbers early, still parents first)
                if w._mark is not token:
                    w._mark = token
                    w._place = len(nodes)
                    record(w)
                    note("")
                    put(-1)
                    put(-1)
                elif w._place < inputs:
                    self.chain_drop()
                    return False
                weight(w._place)
                operand(x._place if x._mark is token else number(x))
            return True

    def chain_end(self, head: Value, start: Value | None) -> None:
        """Write down the sum ``head`` that chain_start let through, as one entry."""
        head._mark = self._token
        head._place = len(self.nodes)
        self.nodes.append(head)
        self.ops.append(head.op)
        self.parents.append(-2)
        self.parents.append(len(self.chains))
        self.chains.append(start)
        # (the start's number is read now: once fn has returned, another thread's walk may move
        # its _place at any moment, and the recording is checked only up to then)
        self.chain_start_at.append(-1 if start is None else start._place)
        self.chain_at.append(len(self.chain_w))

    def chain_drop(self) -> None:
        """Forget the terms of the entry chain_start let through, when its sum is not made."""
        del self.chain_w[self.chain_at[-1]:], self.chain_x[self.chain_at[-1]:]

    def constants(self) -> list[int]:
        """The numbers of the leaves that are constants, in order."""
        made = [i for i in self._made if self.nodes[i]._tag.constant]
        return sorted(self._constant + made)

    def place(self, n: Value) -> int:
        """n's number if the recording holds it, else −1."""
        return n._place if n._mark is self._token else -1
