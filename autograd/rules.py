"""The helpers the op table's rules are written with: each runs on a float, on a Value and on a
numpy array, so that one rule serves the forward pass (floats), higher-order derivatives (a
graph of Values) and the tape (whole batches at once).

On a Value, a smooth helper (``exp``, ``sin`` …) is the Value's own op, so its derivative is
recorded; a piecewise-constant one (``sign``, ``positive``, the condition of ``where``) gives
a plain number, a constant whose derivative is 0.  On an array, each is numpy's own function.
"""

from __future__ import annotations

import math
from typing import Any

FLOAT, VALUE, ARRAY = 0, 1, 2


def kind(x: Any) -> int:
    """FLOAT for a plain number, ARRAY for a numpy array (or numpy scalar), VALUE otherwise."""
    if isinstance(x, (float, int)):
        return FLOAT
    if hasattr(x, "ndim"):
        return ARRAY
    return VALUE


def _np() -> Any:
    import numpy

    return numpy


def _smooth(name: str, on_float: Any, on_value: Any = None) -> Any:
    def helper(x: Any) -> Any:
        k = kind(x)
        if k == FLOAT:
            return on_float(x)
        if k == VALUE:
            return on_value(x) if on_value is not None else getattr(x, name)()
        return getattr(_np(), name)(x)

    helper.__name__ = helper.__qualname__ = name
    helper.__doc__ = f"{name} of a float, a Value or an array."
    return helper


exp = _smooth("exp", math.exp)
log = _smooth("log", math.log)
sin = _smooth("sin", math.sin)
cos = _smooth("cos", math.cos)
tanh = _smooth("tanh", math.tanh)
sqrt = _smooth("sqrt", math.sqrt)
log1p = _smooth("log1p", math.log1p, lambda v: (v + 1.0).log())
expm1 = _smooth("expm1", math.expm1, lambda v: v.exp() - 1.0)
absolute = _smooth("absolute", abs, lambda v: v.abs())


def sigmoid_float(x: float) -> float:
    """σ(x) without overflow: exp of a non-positive number only."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid_array(a: Any) -> Any:
    np = _np()
    e = np.exp(-np.abs(a))  # exp of a non-positive number never overflows
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid(x: Any) -> Any:
    """σ(x) = 1 / (1 + e^−x), stable for any input."""
    k = kind(x)
    if k == FLOAT:
        return sigmoid_float(x)
    return x.sigmoid() if k == VALUE else sigmoid_array(x)


def where(condition: Any, a: Any, b: Any) -> Any:
    """a where the condition holds, else b (both are computed: keep both finite)."""
    if condition.__class__ is bool:
        return a if condition else b
    return _np().where(condition, a, b)


def positive(x: Any) -> Any:
    """1.0 where x > 0, 0.0 where x <= 0, NaN at NaN: a constant, whose own derivative is 0."""
    if kind(x) == ARRAY:
        out = (x > 0).astype(float)
        nan = x != x
        if nan.any():
            out[nan] = math.nan
        return out
    return 1.0 if x > 0 else (0.0 if x <= 0 else math.nan)


def sign(x: Any) -> Any:
    """1.0, −1.0 or 0.0 by the sign of x (NaN at NaN): a constant, as torch.sign."""
    if kind(x) == ARRAY:
        return _np().sign(x) + 0.0
    return 1.0 if x > 0 else (-1.0 if x < 0 else (0.0 if x == 0 else math.nan))


def is_nan(x: Any) -> Any:
    return x != x


def integral(y: Any) -> Any:
    """Whether y is a whole number (±inf and NaN are not)."""
    if kind(y) == ARRAY:
        np = _np()
        return np.isfinite(y) & (np.floor(y) == y)
    return float(y).is_integer()


def div(a: Any, b: Any) -> Any:
    """a / b with IEEE division by zero (±inf, or NaN for 0/0): a derivative may be infinite
    where the value is not (d√x/dx at 0).  On a Value divisor at 0 the result is the +inf pole
    of b^−1 (see :func:`power`), whose own derivative is what PyTorch's second derivative gives."""
    kb = kind(b)
    if kb == FLOAT:
        if b == 0.0 and kind(a) == FLOAT:
            if a != a or a == 0.0:
                return math.nan
            return math.copysign(math.inf, a) * math.copysign(1.0, b)
        return a / b
    if kb == VALUE and b.data == 0.0:
        return a * power(b, -1.0)
    return a / b


def power(x: Any, y: Any) -> Any:
    """x ** y where a float result too large for a float is inf, and 0 to a negative power is
    +inf, as in IEEE arithmetic and PyTorch (the engine refuses it as an op the user writes;
    as a derivative it may be infinite)."""
    if kind(x) == ARRAY or kind(y) == ARRAY:
        return _np().power(x, y)
    try:
        return x**y
    except OverflowError:
        if kind(x) == VALUE:
            raise
        return math.copysign(math.inf, x) if float(y).is_integer() and y % 2 else math.inf
    except ZeroDivisionError:
        return _pole(x, y) if kind(x) == VALUE else math.inf


def _pole(x: Any, y: Any) -> Any:
    """The Value x ** y at x = 0 for y < 0: +inf, with the pow rule's partials there."""
    from .ops import OPS
    from .value import _lift, _node

    exponent = _lift(y)
    g0, g1 = OPS["pow"].rule(0.0, exponent.data, math.inf)
    return _node(math.inf, "pow", x, exponent, g0, g1)


def undefined_slope(v: Any) -> Any:
    """A Value equal to 0 whose derivative with respect to v is NaN (0 · ∂√u/∂u at u = 0):
    added to a partial whose own derivative along v does not exist, so that a higher
    derivative comes out NaN rather than a finite wrong number."""
    return ((v - v.data) ** 0.5) * 0.0
