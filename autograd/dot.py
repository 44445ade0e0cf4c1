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
            head = _sum(ws, xs, start, taking.interior)
            taking.chain_end(head, ws, xs, start)  # type: ignore[arg-type]
            return head
        if taking.thread == threading.get_ident():  # recorded node by node: through the node constructor
            z: Any = start
            for w, x in zip(ws, xs):
                z = w * x if z is None else z + w * x
            return z
    return _sum(ws, xs, start, None)


def _sum(ws: Sequence[Any], xs: Sequence[Any], z: Any, mark: object) -> Any:
    """The sum's nodes, each made here as value._node makes one, marked ``mark``."""
    lift = value._lift
    for w, x in zip(ws, xs):
        kind = x.__class__
        if w.__class__ is not Value or not (kind is Value or kind is float or kind is int):
            t = w * x
        else:
            if kind is not Value:
                x = lift(x)
            wd, xd = w.data, x.data
            p = wd * xd
            if p - p:  # nonzero (NaN) only for ±inf and NaN
                _overflow("mul", p, wd, xd)
            t = _new(Value)
            t.data, t.grad, t.op, t._tag, t._mark = p, 0.0, "mul", _current(), mark
            t._p0, t._p1, t._g0, t._g1 = w, x, xd, wd
        if z is None:
            z = t
        elif z.__class__ is not Value or t.__class__ is not Value:
            z = z + t
        else:
            zd, td = z.data, t.data
            s = zd + td
            if s - s:
                _overflow("add", s, zd, td)
            v = _new(Value)
            v.data, v.grad, v.op, v._tag, v._mark = s, 0.0, "add", _current(), mark
            v._p0, v._p1, v._g0, v._g1 = z, t, 1.0, 1.0
            z = v
    return z
