"""The op table: every operation the engine knows, in one place.

Each entry says how the op is written (``expr``), the formula of each partial
derivative as text (``partials``), and the rule that computes those partials
(``rule``).  The engine calls ``rule`` during the forward pass and stores the
numbers it returns on the new node; viz reads ``expr`` and ``partials`` to write
the derivation in words.

A rule takes the operands and the op's output and returns one partial per
operand.  Rules use only arithmetic, comparisons and the helpers below, so the
same rule runs on floats (the forward pass) and on Values (a graph of the
gradient, for higher-order derivatives).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def exp(x: Any) -> Any:
    """e**x for a float or a Value."""
    return x.exp() if hasattr(x, "exp") else math.exp(x)


def log(x: Any) -> Any:
    """Natural logarithm of a float or a Value."""
    return x.log() if hasattr(x, "log") else math.log(x)


def positive(x: Any) -> float:
    """1.0 where x > 0, 0.0 where x <= 0, NaN at NaN: a constant, whose own derivative is 0."""
    return 1.0 if x > 0 else (0.0 if x <= 0 else math.nan)


def _power(x: Any, y: Any) -> Any:
    # x ** y where a float result too large for a float is taken as inf (a derivative
    # may be infinite where the value is not: d(x^0.5)/dx near 0), and 0 to a negative
    # power is +inf, as in IEEE arithmetic and PyTorch (the engine refuses it as an op the
    # user writes; here it is a derivative, which may be infinite)
    try:
        return x**y
    except OverflowError:
        if hasattr(x, "data"):
            raise
        return math.copysign(math.inf, x) if float(y).is_integer() and y % 2 else math.inf
    except ZeroDivisionError:
        return _pole(x, y) if hasattr(x, "data") else math.inf


def _pole(x: Any, y: Any) -> Any:
    """The Value x ** y at x = 0 for y < 0: +inf, with the pow rule's partials there."""
    from .value import _lift, _node

    exponent = _lift(y)
    g0, g1 = _pow_rule(0.0, exponent.data, math.inf)
    return _node(math.inf, "pow", x, exponent, g0, g1)


def _undefined_slope(v: Any) -> Any:
    """A Value equal to 0 whose derivative with respect to v is NaN (0 · ∂√u/∂u at u = 0):
    added to a partial whose own derivative along v does not exist, so that a higher
    derivative comes out NaN rather than a finite wrong number."""
    return ((v - v.data) ** 0.5) * 0.0


_VARS = re.compile(r"(?<![A-Za-z])[xy](?![A-Za-z])")


@dataclass(frozen=True)
class Op:
    """One operation: its name, how it is written and how it is differentiated.

    ``expr`` and ``partials`` use x and y for the operands (in ``parents``
    order); ``partials[i]`` is the text of ∂expr/∂(operand i).  ``js`` is the same
    op for a browser: JavaScript expressions in x, y (and ``out``, the op's value)
    for the value and then each partial, as the engine computes them (the player
    replays backward with these; a test holds them equal to ``rule`` and the engine).
    """

    name: str
    symbol: str
    expr: str
    partials: tuple[str, ...]
    rule: Callable[..., tuple[Any, ...]]
    js: tuple[str, ...] = ()

    @property
    def arity(self) -> int:
        return len(self.partials)

    def render(self, *operands: str, text: str | None = None) -> str:
        """``expr`` (or ``text``) with x and y replaced by the given operand names."""
        names = dict(zip("xy", operands))
        return _VARS.sub(lambda m: names.get(m.group(0), m.group(0)), self.expr if text is None else text)

    def formula(self, i: int) -> str:
        """The i-th partial as an equation, e.g. ``∂tanh(x)/∂x = 1 − tanh²(x)``."""
        var = "xy"[i]
        expr = self.expr if " " not in self.expr else f"({self.expr})"
        return f"∂{expr}/∂{var} = {self.partials[i]}"


def _pow_rule(x: Any, y: Any, out: Any) -> tuple[Any, Any]:
    # As in PyTorch: d(x^0)/dx is 0 everywhere (0^0 and all), and d(x^y)/dx at x = 0 is
    # +inf for 0 < y < 1, where the formula would divide by zero.
    yv, xv = float(y), float(x)
    symbolic = hasattr(x, "data") or hasattr(y, "data")  # a graph of the gradient: higher order
    if yv == 0.0 and (not hasattr(y, "data") or xv == 0.0):
        # (when y is a Value away from x = 0 the general formula is kept: its value is 0,
        # but its derivative with respect to y, x^(y−1), is not)
        dx: Any = 0.0
    elif xv == 0.0 and 0.0 < yv < 1.0 and not symbolic:
        dx = math.inf
    else:
        # on Values at x = 0, x^(y−1) for y < 1 is the +inf pole, whose own derivative
        # (y−1)·x^(y−2) = −inf is what PyTorch's second derivative gives
        dx = y * _power(x, y - 1.0)
    # d(x^y)/dy = x^y·ln x exists only for x > 0; at x = 0 (y > 0) its limit is 0.
    # For x < 0 it is undefined; the engine refuses that case unless y is a constant.
    dy = out * log(x) if x > 0 else 0.0
    if symbolic and xv == 0.0 and hasattr(y, "data") and 0.0 < yv <= 1.0 and hasattr(x, "data"):
        # At x = 0 with 0 < y ≤ 1 the mixed derivative ∂²(x^y)/∂x∂y does not exist (the limit
        # from x > 0 is −inf, while x^(y−1) jumps as y crosses 1): NaN, both ways round.
        dx = dx + _undefined_slope(y)
        dy = _undefined_slope(x)
    return (dx, dy)


def _leaky_rule(x: Any, slope: Any, out: Any) -> tuple[Any, Any]:
    return (1.0, 0.0) if x > 0 else (slope, x)


_JS_POW_DX = "y === 0 ? 0 : (x === 0 && y > 0 && y < 1 ? Infinity : y * Math.pow(x, y - 1))"

OPS: dict[str, Op] = {
    op.name: op
    for op in (
        Op("add", "+", "x + y", ("1", "1"), lambda x, y, out: (1.0, 1.0), ("x + y", "1", "1")),
        Op("sub", "−", "x − y", ("1", "−1"), lambda x, y, out: (1.0, -1.0), ("x - y", "1", "-1")),
        Op("mul", "·", "x · y", ("y", "x"), lambda x, y, out: (y, x), ("x * y", "y", "x")),
        Op("div", "/", "x / y", ("1/y", "−x/y²"), lambda x, y, out: (1.0 / y, -out / y),
           ("x / y", "1 / y", "-out / y")),
        Op("neg", "−", "−x", ("−1",), lambda x, out: (-1.0,), ("-x", "-1")),
        Op("pow", "^", "x^y", ("y·x^(y−1)", "x^y·ln x"), _pow_rule,
           ("Math.pow(x, y)", _JS_POW_DX, "x > 0 ? out * Math.log(x) : 0")),
        Op("exp", "exp", "exp(x)", ("exp(x)",), lambda x, out: (out,), ("Math.exp(x)", "out")),
        Op("log", "log", "log(x)", ("1/x",), lambda x, out: (1.0 / x,), ("Math.log(x)", "1 / x")),
        Op("tanh", "tanh", "tanh(x)", ("1 − tanh²(x)",), lambda x, out: (1.0 - out * out,),
           ("Math.tanh(x)", "1 - out * out")),
        Op("sigmoid", "σ", "σ(x)", ("σ(x)·(1 − σ(x))",), lambda x, out: (out * (1.0 - out),),
           ("x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))", "out * (1 - out)")),
        Op("relu", "ReLU", "relu(x)", ("1 if x > 0 else 0",), lambda x, out: (positive(x),),
           ("x > 0 ? x : (x <= 0 ? 0 : x)", "x > 0 ? 1 : (x <= 0 ? 0 : NaN)")),
        Op("leaky_relu", "LReLU", "leaky_relu(x, y)", ("1 if x > 0 else y", "0 if x > 0 else x"), _leaky_rule,
           ("x > 0 ? x : y * x", "x > 0 ? 1 : y", "x > 0 ? 0 : x")),
        Op("step", "step", "step(x)", ("0",), lambda x, out: (0.0 if float(x) == float(x) else math.nan,),
           ("x >= 0 ? 1 : (x < 0 ? 0 : x)", "x === x ? 0 : NaN")),
    )
}
