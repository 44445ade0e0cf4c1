"""The op table: every operation the engine knows, each in one entry, everything else derived.

An entry (an :class:`Op`) holds how the op is written (``expr``, and its partials' text in
``partials``), its forward ``value``, its ``rule`` (the partials as numbers), the
JavaScript the player recomputes it with (``js``), and its edge rules (``domain``).  From
it come the Value method (``Value.sin()``, ``x / y``), the tape's batched kernel, the
gradients as graphs (``create_graph``, ``grad``, ``hessian``), the text and LaTeX of the
drawings and of ``chain_rule``, and the tests, which enumerate the table.

A rule takes the operands and the op's output and returns one partial per operand.  Written
with the helpers of :mod:`autograd.rules` (``exp``, ``where``, ``sign`` …) and arithmetic,
the same rule runs on floats (the forward pass), on Values (a graph of the gradient, for
higher-order derivatives) and on numpy arrays (the tape).  Where one backend needs code of
its own (a fast float path, numpy's own sigmoid), it sits in the same entry: ``array_value``
and ``array_rule`` replace ``value`` and ``rule`` on arrays.

Number rules, the same for every op: NaN operands skip the domain checks and give NaN; a
finite operand whose result does not fit in a float raises OverflowError naming the op.
New ops are added with :func:`autograd.define_op` (or an entry here, for a built-in).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import rules as r
from .notation import to_latex

_VARS = re.compile(r"(?<![A-Za-z_])[xy](?![A-Za-z_])")


@dataclass(frozen=True)
class Domain:
    """Where an op is defined: ``ok(*operands)`` is true inside (on floats, and elementwise on
    arrays); outside, ``error`` is raised with ``message``.  NaN operands pass (they give NaN)
    unless ``nan_passes`` is False; ``unless_constant`` names an operand whose being a
    constant (a plain number) also lets the point pass.  ``js`` is ``ok`` for the player, a
    JavaScript expression in x (and y); without it the page treats a NaN value as outside."""

    ok: Callable[..., Any]
    message: str
    error: type[Exception] = ValueError
    nan_passes: bool = True
    unless_constant: int | None = None
    js: str = ""


@dataclass(frozen=True)
class Op:
    """One operation: its name, how it is written, computed and differentiated.

    ``expr`` and ``partials`` use x and y for the operands (in ``parents`` order);
    ``partials[i]`` is the text of ∂expr/∂(operand i).  ``js`` is the same op for a browser:
    JavaScript expressions in x, y (and ``out``, the op's value) for the value and then each
    partial, as the engine computes them (empty: the player cannot recompute this op).
    ``edges`` lists operand points where the op's rules change (kinks, thresholds, poles): the
    tests check it there against PyTorch, the tape and the player, and finite differences
    keep away from them.  ``torch`` is the op in PyTorch, a Python expression in x and y (with
    ``torch`` and ``F``, torch.nn.functional, in scope), which the tests hold the op to.
    """

    name: str
    expr: str
    partials: tuple[str, ...]
    rule: Callable[..., tuple[Any, ...]]
    js: tuple[str, ...] = ()
    value: Callable[..., Any] = field(kw_only=True)  # by keyword: the value on floats
    array_value: Callable[..., Any] | None = None
    array_rule: Callable[..., tuple[Any, ...]] | None = None
    domain: tuple[Domain, ...] = ()
    edges: tuple[tuple[float, ...], ...] = ()
    torch: str = ""
    builtin: bool = True

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

    @property
    def latex(self) -> str:
        """``expr`` as LaTeX: ``\\sigma(x)``, ``x^{y}``."""
        return to_latex(self.expr)

    def latex_formula(self, i: int) -> str:
        """The i-th partial as a LaTeX equation: ``\\frac{\\partial \\tanh(x)}{\\partial x} = 1 - \\tanh^{2}(x)``."""
        return rf"\frac{{\partial {self.latex}}}{{\partial {'xy'[i]}}} = {to_latex(self.partials[i])}"

    def forward(self, *operands: Any) -> Any:
        """The op's value on floats or on numpy arrays."""
        if self.array_value is not None and any(r.kind(v) == r.ARRAY for v in operands):
            return self.array_value(*operands)
        return self.value(*operands)

    def local(self, *operands_and_out: Any) -> tuple[Any, ...]:
        """The partials on floats, Values or numpy arrays (``rule``, or ``array_rule`` on arrays)."""
        if self.array_rule is not None and any(r.kind(v) == r.ARRAY for v in operands_and_out):
            return self.array_rule(*operands_and_out)
        return self.rule(*operands_and_out)


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
        dx = y * r.power(x, y - 1.0)
    # d(x^y)/dy = x^y·ln x exists only for x > 0; at x = 0 (y > 0) its limit is 0.
    # For x < 0 it is undefined; the engine refuses that case unless y is a constant.
    dy = out * r.log(x) if x > 0 else 0.0
    if symbolic and xv == 0.0 and hasattr(y, "data") and 0.0 < yv <= 1.0 and hasattr(x, "data"):
        # At x = 0 with 0 < y ≤ 1 the mixed derivative ∂²(x^y)/∂x∂y does not exist (the limit
        # from x > 0 is −inf, while x^(y−1) jumps as y crosses 1): NaN, both ways round.
        dx = dx + r.undefined_slope(y)
        dy = r.undefined_slope(x)
    return (dx, dy)


def _pow_array_rule(x: Any, y: Any, out: Any) -> tuple[Any, Any]:
    np = r._np()
    dx = np.where(y == 0, 0.0, np.where((x == 0) & (y > 0) & (y < 1), np.inf, y * np.power(x, y - 1.0)))
    dy = np.where(x > 0, out * np.log(np.where(x > 0, x, 1.0)), 0.0)
    return (dx, dy)


def _relu_array(a: Any) -> Any:
    return r._np().maximum(a, 0.0) + 0.0  # NaN passes; −0.0 becomes 0.0, as the engine's relu gives


def _softsign_rule(x: Any, out: Any) -> tuple[Any]:
    # (1/(1 + |x|))/(1 + |x|): two divisions, the same bits in Python, numpy and JavaScript (a
    # power is not), and far out an underflow to 0 where squaring 1 + |x| first would overflow
    a = 1.0 + r.absolute(x)
    return (r.div(r.div(1.0, a), a),)


_JS_POW_DX = "y === 0 ? 0 : (x === 0 && y > 0 && y < 1 ? Infinity : y * Math.pow(x, y - 1))"
_JS_SIGMOID = "(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))"
_JS_SIGN = "(x > 0 ? 1 : (x < 0 ? -1 : (x === 0 ? 0 : NaN)))"


def _pow_checks() -> tuple[Domain, ...]:
    return (
        Domain(lambda x, y: (x != 0) | (y >= 0), "0 raised to a negative power", ZeroDivisionError,
               js="x !== 0 || y >= 0"),
        Domain(lambda x, y: (x >= 0) | r.integral(y), "a negative base to a fractional power is not real",
               js="x >= 0 || Number.isInteger(y)"),
        Domain(lambda x, y: x >= 0, "d(x^y)/dy is not real for a negative base; use a plain number as the exponent",
               unless_constant=1, js="x >= 0"),
    )


_BUILTIN = (
    Op("add", "x + y", ("1", "1"), lambda x, y, out: (1.0, 1.0), ("x + y", "1", "1"),
       value=lambda x, y: x + y,
       torch="x + y"),
    Op("sub", "x − y", ("1", "−1"), lambda x, y, out: (1.0, -1.0), ("x - y", "1", "-1"),
       value=lambda x, y: x - y,
       torch="x - y"),
    Op("mul", "x · y", ("y", "x"), lambda x, y, out: (y, x), ("x * y", "y", "x"), value=lambda x, y: x * y,
       torch="x * y"),
    Op("div", "x / y", ("1/y", "−x/y²"), lambda x, y, out: (1.0 / y, -out / y),
       ("x / y", "1 / y", "-out / y"), value=lambda x, y: x / y,
       domain=(Domain(lambda x, y: y != 0, "division by zero", ZeroDivisionError, nan_passes=False, js="y !== 0"),),
       torch="x / y"),
    Op("neg", "−x", ("−1",), lambda x, out: (-1.0,), ("-x", "-1"), value=lambda x: -x,
       torch="-x"),
    Op("pow", "x^y", ("y·x^(y−1)", "x^y·ln x"), _pow_rule,
       ("Math.pow(x, y)", _JS_POW_DX, "x > 0 ? out * Math.log(x) : 0"),
       value=lambda x, y: x**y, array_value=lambda x, y: r._np().power(x, y), array_rule=_pow_array_rule,
       domain=_pow_checks(), edges=((0.0, 0.5), (0.0, 2.0), (0.0, 0.0), (0.0, 1.0), (2.0, 0.0)),
       torch="x ** y"),
    Op("exp", "exp(x)", ("exp(x)",), lambda x, out: (out,), ("Math.exp(x)", "out"),
       value=math.exp, array_value=r.exp, edges=((709.0,), (-800.0,)),
       torch="torch.exp(x)"),
    Op("log", "log(x)", ("1/x",), lambda x, out: (1.0 / x,), ("Math.log(x)", "1 / x"),
       value=math.log, array_value=r.log,
       edges=((1e-300,), (1e-10,)), domain=(Domain(lambda x: x > 0, "undefined for x <= 0 (needs x > 0)", js="x > 0"),),
       torch="torch.log(x)"),
    Op("tanh", "tanh(x)", ("1 − tanh²(x)",), lambda x, out: (1.0 - out * out,),
       ("Math.tanh(x)", "1 - out * out"), value=math.tanh, array_value=r.tanh, edges=((-800.0,), (800.0,), (0.0,)),
       torch="torch.tanh(x)"),
    Op("sigmoid", "σ(x)", ("σ(x)·(1 − σ(x))",), lambda x, out: (out * (1.0 - out),),
       (_JS_SIGMOID, "out * (1 - out)"), value=r.sigmoid_float, array_value=r.sigmoid_array,
       edges=((-800.0,), (800.0,), (0.0,)),
       torch="torch.sigmoid(x)"),
    Op("relu", "relu(x)", ("1 if x > 0 else 0",), lambda x, out: (r.positive(x),),
       ("x > 0 ? x : (x <= 0 ? 0 : x)", "x > 0 ? 1 : (x <= 0 ? 0 : NaN)"),
       value=lambda x: x if x > 0.0 else (0.0 if x <= 0.0 else x), array_value=_relu_array,
       edges=((0.0,), (-0.0,), (5e-324,), (-5e-324,)),
       torch="torch.relu(x)"),
    Op("leaky_relu", "leaky_relu(x, y)", ("1 if x > 0 else y", "0 if x > 0 else x"),
       lambda x, s, out: (1.0, 0.0) if x > 0 else (s, x), ("x > 0 ? x : y * x", "x > 0 ? 1 : y", "x > 0 ? 0 : x"),
       value=lambda x, s: r.where(x > 0, x, s * x), edges=((0.0, 0.01), (-0.0, 0.5), (5e-324, 0.1)),
       array_rule=lambda x, s, out: (r.where(x > 0, 1.0, s), r.where(x > 0, 0.0, x)),
       torch="torch.where(x > 0, x, y * x)"),
    Op("step", "step(x)", ("0",), lambda x, out: (r.where(x == x, 0.0, math.nan),),
       ("x >= 0 ? 1 : (x < 0 ? 0 : x)", "x === x ? 0 : NaN"),
       value=lambda x: r.where(x >= 0, 1.0, r.where(x < 0, 0.0, x)), edges=((0.0,), (-0.0,), (-5e-324,)),
       torch="torch.where(x >= 0, 1.0, 0.0).to(x.dtype)"),
    # the ops learners ask for, with PyTorch's values and derivatives at their edges
    Op("sin", "sin(x)", ("cos(x)",), lambda x, out: (r.cos(x),), ("Math.sin(x)", "Math.cos(x)"),
       value=r.sin, edges=((0.0,), (1e10,)),
       torch="torch.sin(x)"),
    Op("cos", "cos(x)", ("−sin(x)",), lambda x, out: (-r.sin(x),), ("Math.cos(x)", "-Math.sin(x)"),
       value=r.cos, edges=((0.0,), (1e10,)),
       torch="torch.cos(x)"),
    Op("sqrt", "sqrt(x)", ("1/(2·sqrt(x))",), lambda x, out: (r.div(0.5, out),), ("Math.sqrt(x)", "0.5 / out"),
       value=r.sqrt, domain=(Domain(lambda x: x >= 0, "undefined for x < 0 (needs x >= 0)", js="x >= 0"),),
       edges=((0.0,), (5e-324,), (1e-300,)),
       torch="torch.sqrt(x)"),
    Op("abs", "abs(x)", ("sign(x)",), lambda x, out: (r.sign(x),), ("Math.abs(x)", _JS_SIGN),
       value=r.absolute, edges=((0.0,), (-0.0,), (5e-324,)),
       torch="torch.abs(x)"),
    # softplus as torch's (threshold 20): x past 20, else log(1 + e^x), whose exp never overflows
    # (on arrays the other branch is computed too, so it is fed at most 20)
    Op("softplus", "softplus(x)", ("1 if x > 20 else σ(x)",),
       lambda x, out: (r.where(x > 20.0, 1.0, r.sigmoid(x)),),
       ("x > 20 ? x : Math.log1p(Math.exp(x))", "x > 20 ? 1 : " + _JS_SIGMOID),
       value=lambda x: r.where(x > 20.0, x, r.log1p(r.exp(r.where(x > 20.0, 0.0, x)))),
       edges=((20.0,), (20.000000000000004,), (19.999999999999996,), (-800.0,), (800.0,)),
       torch="F.softplus(x)"),
    Op("silu", "silu(x)", ("σ(x)·(1 + x·(1 − σ(x)))",),
       lambda x, out: (r.sigmoid(x) * (1.0 + x * (1.0 - r.sigmoid(x))),),
       ("x * " + _JS_SIGMOID, "(function (s) { return s * (1 + x * (1 - s)); })(" + _JS_SIGMOID + ")"),
       value=lambda x: x * r.sigmoid(x), edges=((0.0,), (-800.0,), (800.0,)),
       torch="F.silu(x)"),
    Op("elu", "elu(x)", ("1 if x >= 0 else elu(x) + 1",), lambda x, out: (r.where(x >= 0.0, 1.0, out + 1.0),),
       ("x > 0 ? x : Math.expm1(x)", "x >= 0 ? 1 : out + 1"),
       value=lambda x: r.where(x > 0.0, x, r.expm1(r.where(x > 0.0, 0.0, x))),
       edges=((0.0,), (-0.0,), (5e-324,), (-5e-324,), (-800.0,)),
       torch="F.elu(x)"),
    # softsign x/(1 + |x|): tanh's shape with polynomial tails
    Op("softsign", "softsign(x)", ("1/(1 + abs(x))²",), _softsign_rule,
       ("x / (1 + Math.abs(x))", "1 / (1 + Math.abs(x)) / (1 + Math.abs(x))"),
       value=lambda x: x / (1.0 + r.absolute(x)),
       edges=((0.0,), (-0.0,), (5e-324,), (1e300,), (-1e300,)),
       torch="F.softsign(x)"),
    Op("maximum", "maximum(x, y)",
       ("1 if x > y else (½ if x = y else 0)", "0 if x > y else (½ if x = y else 1)"),
       lambda x, y, out: (r.where(x > y, 1.0, r.where(x == y, 0.5, r.where(x < y, 0.0, math.nan))),
                          r.where(x > y, 0.0, r.where(x == y, 0.5, r.where(x < y, 1.0, math.nan)))),
       ("x >= y ? x : (x < y ? y : x + y)", "x > y ? 1 : (x === y ? 0.5 : (x < y ? 0 : NaN))",
        "x > y ? 0 : (x === y ? 0.5 : (x < y ? 1 : NaN))"),
       value=lambda x, y: r.where(x >= y, x, r.where(x < y, y, x + y)),  # a tie gives x, as torch (−0.0 or 0.0)
       edges=((1.0, 1.0), (0.0, -0.0), (-0.0, 0.0), (2.0, 1.0), (1.0, 2.0)),
       torch="torch.maximum(x, y)"),
    Op("minimum", "minimum(x, y)",
       ("1 if x < y else (½ if x = y else 0)", "0 if x < y else (½ if x = y else 1)"),
       lambda x, y, out: (r.where(x < y, 1.0, r.where(x == y, 0.5, r.where(x > y, 0.0, math.nan))),
                          r.where(x < y, 0.0, r.where(x == y, 0.5, r.where(x > y, 1.0, math.nan)))),
       ("x <= y ? x : (x > y ? y : x + y)", "x < y ? 1 : (x === y ? 0.5 : (x > y ? 0 : NaN))",
        "x < y ? 0 : (x === y ? 0.5 : (x > y ? 1 : NaN))"),
       value=lambda x, y: r.where(x <= y, x, r.where(x > y, y, x + y)),
       edges=((1.0, 1.0), (0.0, -0.0), (-0.0, 0.0), (2.0, 1.0), (1.0, 2.0)),
       torch="torch.minimum(x, y)"),
)

OPS: dict[str, Op] = {op.name: op for op in _BUILTIN}

# re-exported for rules written against the table (and older code): the helpers
exp, log, positive = r.exp, r.log, r.positive
