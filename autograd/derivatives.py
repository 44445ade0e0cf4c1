"""grad and hessian: derivatives as numbers, or as Values that can be differentiated again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import checks
from .backward import _constant, _float_partials, _lock, _push, _value_partials
from .value import Value


def _as_inputs(inputs: Value | Sequence[Value]) -> list[Value]:
    if isinstance(inputs, Value):
        return [inputs]
    return checks.instances(checks.sequence(inputs, "inputs", of="Values (or one Value)"), Value, "inputs")


def grad(output: Value, inputs: Value | Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂x for each x in ``inputs``, without changing any ``.grad``.

    With ``create_graph=False`` the answers are floats.  With ``create_graph=True``
    they are Values whose graphs compute the derivatives from the same leaves, so
    ``grad`` (or ``backward``) can be applied to them again: repeat for third
    derivatives and beyond.  An input that does not reach ``output`` gets 0.0 (or a
    constant Value 0).
    """
    checks.instance(output, Value, "grad() as output")
    xs = _as_inputs(inputs)
    with _lock:
        if create_graph:
            grads = _push(output, _constant(1.0), _value_partials)
        else:
            grads = _push(output, 1.0, _float_partials)
    if create_graph:
        return [grads[x] if x in grads else _constant(0.0) for x in xs]
    return [float(grads.get(x, 0.0)) for x in xs]


def hessian(f: Callable[..., Value], xs: Sequence[float]) -> list[list[float]]:
    """The matrix ∂²f/∂xᵢ∂xⱼ at ``xs``, exact (second-order backward, no finite differences).

    ``f`` takes one Value per entry of ``xs`` and returns a Value.
    """
    point = [Value(checks.real(x, f"xs[{i}]"), label=f"x{i}") for i, x in enumerate(checks.sequence(xs, "xs"))]
    out = checks.returned(f(*point), Value, "f")
    first = grad(out, point, create_graph=True)
    return [grad(g, point) for g in first]
