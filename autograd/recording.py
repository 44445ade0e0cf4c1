"""recorded(): while a trace runs fn, every node fn makes is written down as it is made.

A tape needs the graph fn builds in an order that puts parents first, with each node's
operands given by number.  Found afterwards, that is a walk over every node, a pass of
Python per node over a graph that outgrows the caches; at the moment a node is made it
is known for almost nothing.  So while a trace runs fn, the node constructor (``_node`` of
autograd.value, and of autograd.define, which makes the table's ops) is swapped for one
that also numbers the node, notes its operands' numbers and its op, and marks it with the
recording's token (``_mark``; its number goes in ``_place``).  A node fn reads but did not
make (a parameter, an input, a node built before the trace) is numbered when it is first
read, after the nodes it is made from: the numbers are an order with parents first.

Only the tracing thread's nodes are written down, and only one recording runs at a time.
Whatever could have moved the marks while fn ran (a backward pass, a tape's walk) leaves
the recording not ``valid``, and the tape then walks the graph instead.  The swap costs
nothing outside a trace: the ops look ``_node`` up as a global each time.
"""

from __future__ import annotations

import threading
from types import TracebackType

from . import define, value
from .value import Value, backward_runs, walk_runs

_one_at_a_time = threading.Lock()


class Recording:
    """What a recording wrote down: ``nodes`` (node i is nodes[i], parents first), ``parents``
    (two numbers per node, its operands', −1 for none), ``ops`` (each node's op, "" for a
    leaf) and, in :meth:`constants`, which leaves are constants.  Use as ``with Recording() as
    r: out = fn(...)``, then ``r.number(out)``; read what it wrote only when ``valid``."""

    def __init__(self) -> None:
        self.nodes: list[Value] = []
        self.parents: list[int] = []
        self.ops: list[str] = []
        self._constant: list[int] = []  # the numbers of the constants among the leaves fn read
        self._made: list[int] = []  # and of the leaves fn made (whose tag is set after they are made)
        self.valid = False
        self._token = object()
        self._held = False

    def __enter__(self) -> Recording:
        self._held = _one_at_a_time.acquire(blocking=False)  # a second recording (nested, or in
        if not self._held:  # another thread) records nothing: its tape walks the graph
            return self
        self._runs = (backward_runs[0], walk_runs[0])
        token, me, get_ident = self._token, threading.get_ident(), threading.get_ident
        nodes, parents, ops = self.nodes, self.parents, self.ops
        record, put, note = nodes.append, parents.append, ops.append
        self._plain = value._node
        adopt, constant, made = self.number, self._constant.append, self._made.append
        new, current = object.__new__, value._current

        # value._node's work (written out: a call more per node is a tenth of a trace), then the
        # node written down; an operand fn did not make is written down first (a leaf at once)
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
                    if p0._p0 is None:
                        if p0._tag.constant:
                            constant(len(nodes))
                        put(-1)
                        put(-1)
                        p0._mark = token
                        p0._place = len(nodes)
                        record(p0)
                        note("")
                    else:
                        adopt(p0)
                if p1 is None:
                    put(p0._place)
                    put(-1)
                else:
                    if p1._mark is not token:
                        if p1._p0 is None:
                            if p1._tag.constant:
                                constant(len(nodes))
                            put(-1)
                            put(-1)
                            p1._mark = token
                            p1._place = len(nodes)
                            record(p1)
                            note("")
                        else:
                            adopt(p1)
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
            value._node = define._node = self._plain
            self.valid = self._runs == (backward_runs[0], walk_runs[0])
            _one_at_a_time.release()

    def number(self, n: Value) -> int:
        """n's number, writing n down first (after the nodes it is made from, which are written
        down too) when fn did not make it.  Iterative: any depth works."""
        token = self._token
        if n._mark is token:
            return n._place
        nodes, parents, ops = self.nodes, self.parents, self.ops
        stack = [n]
        while stack:
            m = stack[-1]
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

    def constants(self) -> list[int]:
        """The numbers of the leaves that are constants, in order."""
        made = [i for i in self._made if self.nodes[i]._tag.constant]
        return sorted(self._constant + made)

    def place(self, n: Value) -> int:
        """n's number if the recording holds it, else −1."""
        return n._place if n._mark is self._token else -1
