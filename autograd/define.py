"""Ops as Value methods, made from the table: every entry of :data:`autograd.OPS` becomes a
method (``Value.sin()``, ``x / y``, ``Value.maximum(other)``), and :func:`define_op` adds an
entry of your own, which then works everywhere the built-in ones do.

One forward, for every op: the domain checks of the entry, the value, the overflow rule
(a finite operand whose result does not fit raises OverflowError naming the op; NaN and
infinite operands give the IEEE result), then the partials from the rule.
"""

from __future__ import annotations

import inspect
import keyword
from collections.abc import Callable, Sequence
from typing import Any

from . import checks
from .ops import OPS, Domain, Op
from .value import _BIG, Value, _lift, _node

_INLINE = ("add", "sub", "mul", "neg", "relu")  # written out in value.py for speed; a test holds them to the table
_DUNDER = {"div": "truediv", "pow": "pow"}  # ops that are Python operators (x / y, x ** y) and their reflections


def _shown(xs: Sequence[float]) -> str:
    return ", ".join(f"{v} = {x!r}" for v, x in zip("xy", xs))


def _check(op: Op, xs: tuple[float, ...], nodes: tuple[Value, ...]) -> None:
    for d in op.domain:
        if d.nan_passes and any(x != x for x in xs):
            continue
        if not d.ok(*xs) and (d.unless_constant is None or not nodes[d.unless_constant].is_constant):
            raise d.error(f"{op.name}: {d.message} ({_shown(xs)})")


def _compute(op: Op, xs: tuple[float, ...], nodes: tuple[Value, ...]) -> tuple[float, tuple[float, ...]]:
    """The op's value and partials at float operands, with the table's number rules."""
    if op.domain:
        _check(op, xs, nodes)
    try:
        out = op.value(*xs)
    except OverflowError:
        raise OverflowError(f"{op.name}: result out of range for finite operands ({_shown(xs)})") from None
    except (ValueError, ZeroDivisionError) as error:  # a math error the entry's domain did not catch
        raise type(error)(f"{op.name}: {error} ({_shown(xs)})") from None
    if out.__class__ is not float:
        out = _as_result(op, out)
    if out - out and out == out and all(-_BIG <= x <= _BIG for x in xs):
        raise OverflowError(f"{op.name}: result out of range for finite operands ({_shown(xs)})")
    grads = op.rule(*xs, out)
    if any(g.__class__ is not float for g in grads):
        grads = tuple(_as_result(op, g, f"partial {i}") for i, g in enumerate(grads))
    return out, grads


def _as_result(op: Op, v: Any, what: str = "value") -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{op.name}: its {what} must be a real number, got {type(v).__name__}: {v!r}") from None


def _unary(op: Op) -> Callable[[Value], Value]:
    name = op.name

    def method(self: Value) -> Value:
        out, (g,) = _compute(op, (self.data,), (self,))
        return _node(out, name, self, None, g, 0.0)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"{op.expr}, with ∂/∂x = {op.partials[0]} (autograd.OPS[{name!r}])."
    return method


def _binary(op: Op, default: float | None = None) -> tuple[Callable[..., Value], Callable[..., Value]]:
    name = op.name

    def apply(a: Value, b: Value) -> Value:
        out, (g0, g1) = _compute(op, (a.data, b.data), (a, b))
        return _node(out, name, a, b, g0, g1)

    def method(self: Value, other: Value | float = default) -> Value:  # type: ignore[assignment]
        b = _lift(other)
        if b is NotImplemented:
            return NotImplemented
        return apply(self, b)

    def reflected(self: Value, other: float) -> Value:
        a = _lift(other)
        if a is NotImplemented:
            return NotImplemented
        return apply(a, self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"{op.expr}, with ∂/∂x = {op.partials[0]}, ∂/∂y = {op.partials[1]} (autograd.OPS[{name!r}])."
    return method, reflected


def _leaky_relu(op: Op) -> Callable[..., Value]:
    method, _ = _binary(op)

    def leaky_relu(self: Value, slope: float = 0.01) -> Value:
        """x for x > 0, slope·x otherwise; the slope is a constant parent, as in ``x * 0.01``."""
        out = method(self, slope)
        if out is NotImplemented:
            raise TypeError(f"leaky_relu: slope must be a real number, got {type(slope).__name__}")
        return out

    return leaky_relu


def _set(name: str, fn: Callable[..., Value]) -> None:
    # named as a method of Value, so that pickle finds it (a model keeps its activation)
    fn.__name__, fn.__qualname__, fn.__module__ = name, f"Value.{name}", Value.__module__
    setattr(Value, name, fn)


def _install(op: Op) -> None:
    if op.name in _INLINE:
        return
    if op.name == "leaky_relu":
        _set("leaky_relu", _leaky_relu(op))
    elif op.arity == 1:
        _set(op.name, _unary(op))
    else:
        method, reflected = _binary(op)
        if op.name in _DUNDER:
            _set(f"__{_DUNDER[op.name]}__", method)
            _set(f"__r{_DUNDER[op.name]}__", reflected)
        else:
            _set(op.name, method)


for _op in OPS.values():
    _install(_op)


# -- define_op ---------------------------------------------------------------------------------

_USER: set[str] = set()


def define_op(
    name: str,
    expr: str,
    value: Callable[..., Any],
    partials: Sequence[Callable[..., Any]],
    formulas: Sequence[str],
    js: Sequence[str] | None = None,
    domain: tuple[Callable[..., Any], str] | Sequence[tuple[Callable[..., Any], str]] | None = None,
    replace: bool = False,
) -> Callable[..., Value]:
    """Add an op to the table: ``OPS[name]``, a method ``Value.name`` and the function returned.

    ``value(x)`` (or ``value(x, y)``) is the forward, on floats and numpy arrays; ``partials``
    has one function per operand, ``p(x, out)`` (or ``p(x, y, out)``), on floats, Values and
    arrays (use :mod:`autograd.rules` for exp, sin, where … so that they run on all three);
    ``formulas`` is the text of each partial, in the notation of ``expr`` (x and y are the
    operands).  ``js`` is optional: the value and each partial as JavaScript expressions in
    x, y and out, for the player's live editing.  ``domain`` is a pair (predicate, message),
    or a list of them: where the predicate is false, ValueError(message) is raised.
    A plain number given to the op becomes a constant leaf.
    """
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise ValueError(f"define_op: the name must be an identifier not starting with _, got {name!r}")
    if name in OPS and not replace:
        raise ValueError(f"define_op: an op named {name!r} exists; pass replace=True to redefine it")
    if name in OPS and name not in _USER:
        raise ValueError(f"define_op: {name!r} is a built-in op and cannot be replaced")
    if name not in OPS and hasattr(Value, name):
        raise ValueError(f"define_op: {name!r} clashes with the Value attribute of that name")
    if not isinstance(expr, str) or not expr.strip():
        raise TypeError(f"define_op: expr must be a non-empty str (the op written in x and y), got {expr!r}")
    checks.function(value, "define_op: value")
    arity = _arity(value, "value")
    if arity not in (1, 2):
        raise ValueError(f"define_op: value must take one operand (x) or two (x, y), it takes {arity}")
    if isinstance(partials, (str, bytes)) or not isinstance(partials, Sequence) or callable(partials):
        raise TypeError("define_op: partials must be a tuple of functions, one per operand")
    if len(partials) != arity:
        raise ValueError(f"define_op: value takes {arity} operand{'s' * (arity > 1)}, so partials needs {arity} "
                         f"function{'s' * (arity > 1)}, got {len(partials)}")
    for i, p in enumerate(partials):
        checks.function(p, f"define_op: partials[{i}]")
        if _arity(p, f"partials[{i}]") != arity + 1:
            raise ValueError(f"define_op: partials[{i}] must take {arity + 1} arguments "
                             f"({', '.join('xy'[:arity])}, out), it takes {_arity(p, '')}")
    texts = _strings(formulas, arity, "formulas", "one text per partial")
    scripts = () if js is None else _strings(js, arity + 1, "js", "the value, then each partial")
    op = Op(name, expr, texts, _rule(tuple(partials)), scripts, value=value,
            domain=_domains(domain, arity), builtin=False)
    OPS[name] = op
    _USER.add(name)
    _install(op)
    return _function(op)


def _arity(fn: Callable[..., Any], what: str) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        raise TypeError(f"define_op: cannot read the arguments of {what}") from None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def _strings(items: Any, n: int, what: str, meaning: str) -> tuple[str, ...]:
    if isinstance(items, str) or not isinstance(items, Sequence):
        raise TypeError(f"define_op: {what} must be a tuple of {n} str ({meaning}), got {type(items).__name__}")
    if len(items) != n or not all(isinstance(t, str) and t.strip() for t in items):
        raise ValueError(f"define_op: {what} must hold {n} non-empty str ({meaning}), got {list(items)!r}")
    return tuple(items)


def _domains(domain: Any, arity: int) -> tuple[Domain, ...]:
    if domain is None:
        return ()
    single = isinstance(domain, tuple) and len(domain) in (2, 3) and callable(domain[0])
    pairs = [domain] if single else list(domain)
    out = []
    for pair in pairs:
        # (predicate, message), or (predicate, message, js): js is the predicate for the player
        if not (isinstance(pair, tuple) and len(pair) in (2, 3) and callable(pair[0]) and isinstance(pair[1], str)
                and (len(pair) == 2 or isinstance(pair[2], str))):
            raise TypeError("define_op: domain must be a (predicate, message) pair, or (predicate, message, js), "
                            f"or a list of them, got {pair!r}")
        if _arity(pair[0], "the domain predicate") != arity:
            raise ValueError(f"define_op: the domain predicate must take {arity} argument{'s' * (arity > 1)}")
        out.append(Domain(pair[0], pair[1], js=pair[2] if len(pair) == 3 else ""))
    return tuple(out)


def _rule(partials: tuple[Callable[..., Any], ...]) -> Callable[..., tuple[Any, ...]]:
    if len(partials) == 1:
        (p0,) = partials
        return lambda x, out: (p0(x, out),)
    p0, p1 = partials
    return lambda x, y, out: (p0(x, y, out), p1(x, y, out))


_METHODS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__",
            "neg": "__neg__"}


def _function(op: Op) -> Callable[..., Value]:
    method = getattr(Value, _METHODS.get(op.name, op.name))

    def lifted(v: Any, name: str) -> Value:
        node = _lift(v)
        if node is NotImplemented:
            raise TypeError(f"{op.name}: {name} must be a Value or a real number, got {type(v).__name__}")
        return node

    if op.arity == 1:
        def fn(x: Value | float) -> Value:
            return method(lifted(x, "x"))
    else:
        def fn(x: Value | float, y: Value | float) -> Value:  # type: ignore[misc]
            out = method(lifted(x, "x"), lifted(y, "y"))
            if out is NotImplemented:  # (a method of Value refuses nothing a lifted operand can be)
                raise TypeError(f"{op.name}: operands must be Values or real numbers")
            return out

    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = f"{op.expr} of Values (or plain numbers), as Value.{op.name} (autograd.OPS[{op.name!r}])."
    return fn


def op_function(name: str) -> Callable[..., Value]:
    """The function of an op of the table by name: ``op_function("sin")(x)`` is ``x.sin()``."""
    if name not in OPS:
        raise KeyError(f"no op named {name!r}; the table has {', '.join(OPS)}")
    return _function(OPS[name])

