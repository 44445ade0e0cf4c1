"""dot: a neuron's weighted sum, the same nodes as the operators make, with fewer calls.

``dot(ws, xs, start)`` is ``start + ws[0]*xs[0] + ws[1]*xs[1] + …``, added from the left
exactly as Python evaluates that line: one product node and one addition node per term, with
the same values, partials, scopes and overflow checks (a test holds the graphs equal).  It
saves the two operator calls per term, and their calls to the node constructor, which are
most of the time a large layer takes to build; and while a trace records, it lets the
recording write the whole sum down as one entry (see :mod:`autograd.recording`).  A term it
does not handle itself (a weight that is not a Value, an operand of some other class) goes
through the operators.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from . import recording, value
from .value import Number, Value, _current, _overflow

_new = object.__new__


def dot(ws: Sequence[Value | Number], xs: Sequence[Value | Number], start: Value | Number | None = None) -> Value:
    """``start + ws[0]*xs[0] + … + ws[n-1]*xs[n-1]``, added from the left (without ``start``:
    ``ws[0]*xs[0] + …``), the nodes the operators make."""
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} operands; they must pair up")
    if not len(ws) and start is None:
        raise ValueError("dot: nothing to sum (no terms and no start)")
    taking = recording.active
    if taking is not None:
        if taking.chain_start(ws, xs, start):  # type: ignore[arg-type]
            try:
                head = _sum(ws, xs, start, taking.interior)
            except BaseException:  # (an overflow fn may catch: the entry's terms are dropped)
                taking.chain_drop()
                raise
            taking.chain_end(head, start)  # type: ignore[arg-type]
            return head
        if taking.thread == threading.get_ident():  # recorded node by node: through the node constructor
            z: Any = start
            for w, x in zip(ws, xs):
                z = w * x if z is None else z + w * x
            return z
    return _sum(ws, xs, start, None)


def _sum(ws: Sequence[Any], xs: Sequence[Any], z: Any, mark: object) -> Any:
    """The sum's nodes, each made here as value._node makes one, marked ``mark`` (the scope's tag
    is read once: nothing in the loop can open or close a scope)."""
    lift = value._lift
    tag = _current()
    for w, x in zip(ws, xs):
        kind = x.__class__
        if w.__class__ is not Value or not (kind is Value or kind is float or kind is int):
            t = w * x
        else:
            if kind is not Value:
                x = lift(x)
            wd = w.data
            xd = x.data
            p = wd * xd
            if p - p:  # nonzero (NaN) only for ±inf and NaN
                _overflow("mul", p, wd, xd)
            t = _new(Value)
            t.data = p
            t.grad = 0.0
            t.op = "mul"
            t._tag = tag
            t._p0 = w
            t._p1 = x
            t._g0 = xd
            t._g1 = wd
            t._mark = mark
        if z is None:
            z = t
        elif z.__class__ is not Value or t.__class__ is not Value:
            z = z + t
        else:
            zd = z.data
            td = t.data
            s = zd + td
            if s - s:
                _overflow("add", s, zd, td)
            v = _new(Value)
            v.data = s
            v.grad = 0.0
            v.op = "add"
            v._tag = tag
            v._p0 = z
            v._p1 = t
            v._g0 = 1.0
            v._g1 = 1.0
            v._mark = mark
            z = v
    return z
