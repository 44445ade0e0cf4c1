"""dot: a neuron's weighted sum, the same nodes as the operators make, with fewer calls.

``dot(ws, xs, start)`` is ``start + ws[0]*xs[0] + ws[1]*xs[1] + …``, added from the left
exactly as Python evaluates that line: one product node and one addition node per term, with
the same values, partials, scopes and overflow checks (a test holds the graphs equal).  It
only saves the two operator calls per term, which are most of the time a large layer takes to
build (and to trace).  A term it does not handle itself (a weight that is not a Value, an
operand of some other class) goes through the operators.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import value
from .value import Number, Value, _overflow


def dot(ws: Sequence[Value | Number], xs: Sequence[Value | Number], start: Value | Number | None = None) -> Value:
    """``start + ws[0]*xs[0] + … + ws[n-1]*xs[n-1]``, added from the left (without ``start``:
    ``ws[0]*xs[0] + …``), the nodes the operators make."""
    if len(ws) != len(xs):
        raise ValueError(f"dot: {len(ws)} weights but {len(xs)} operands; they must pair up")
    if not len(ws) and start is None:
        raise ValueError("dot: nothing to sum (no terms and no start)")
    node, lift = value._node, value._lift  # (looked up now: a trace swaps _node while it records)
    z = start
    for w, x in zip(ws, xs):
        kind = x.__class__
        if w.__class__ is not Value or not (kind is Value or kind is float or kind is int):
            t = w * x
        else:
            if kind is not Value:
                x = lift(x)
            wd, xd = w.data, x.data  # type: ignore[union-attr]
            p = wd * xd
            if p - p:  # nonzero (NaN) only for ±inf and NaN
                _overflow("mul", p, wd, xd)
            t = node(p, "mul", w, x, xd, wd)  # type: ignore[arg-type]
        if z is None:
            z = t
        elif z.__class__ is not Value or t.__class__ is not Value:
            z = z + t
        else:
            zd, td = z.data, t.data
            s = zd + td
            if s - s:
                _overflow("add", s, zd, td)
            z = node(s, "add", z, t, 1.0, 1.0)
    return z  # type: ignore[return-value]
