"""Hypothesis strategies shared by the test modules.

A random expression is a *program*: a list of instructions over numbered slots,
where slots 0..n_inputs-1 are the inputs and each instruction appends one slot.
Operands are drawn from every earlier slot, so sub-expressions are shared.  The
same program runs on Values, on floats (for finite differences) or on torch
tensors, through ``run``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from hypothesis import strategies as st

from autograd import OPS, Value

# Each entry: arity, how to apply it to operands of any numeric kind.
# Ops are composed so that every program is smooth and finite on bounded inputs.
PROGRAM_OPS: dict[str, tuple[int, Callable[..., Any]]] = {
    "add": (2, lambda a, b: a + b),
    "sub": (2, lambda a, b: a - b),
    "mul": (2, lambda a, b: a * b),
    "div": (2, lambda a, b: a / (b * b + 1.0)),
    "neg": (1, lambda a: -a),
    "square": (1, lambda a: a**2),
    "tanh": (1, lambda a: a.tanh()),
    "sigmoid": (1, lambda a: a.sigmoid()),
    "exp": (1, lambda a: a.tanh().exp()),
    "log": (1, lambda a: (a * a + 1.0).log()),
    "vpow": (2, lambda a, b: (a * a + 1.0) ** b.tanh()),
    "rpow": (1, lambda a: 2.0 ** a.tanh()),
    "const": (1, lambda a: 3.0 - a * 0.5),
}


_OPERATORS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
              "pow": operator.pow, "neg": operator.neg}


class _Apply(Mapping):
    """How to make each op of the engine's table from Values (y is ignored by unary ops), read
    from the table itself, so that an op defined later (define_op) is in it too."""

    def __getitem__(self, name: str) -> Callable[[Any, Any], Any]:
        if name not in OPS:
            raise KeyError(name)
        if name in _OPERATORS:
            fn = _OPERATORS[name]
            return (lambda x, y: fn(x)) if OPS[name].arity == 1 else fn
        if OPS[name].arity == 1:
            return lambda x, y: getattr(x, name)()
        return lambda x, y: getattr(x, name)(y)  # a method, so that other kinds of number (torch's) work too

    def __iter__(self) -> Iterator[str]:
        return iter(list(OPS))

    def __len__(self) -> int:
        return len(OPS)


APPLY: Mapping[str, Callable[[Any, Any], Any]] = _Apply()


def _clip(x: Any) -> Any:
    # keeps values bounded as programs grow deep, through ops every backend has
    return x.tanh() * 3.0


@st.composite
def programs(draw: st.DrawFn, max_inputs: int = 4, max_ops: int = 14) -> tuple[int, list]:
    n_inputs = draw(st.integers(1, max_inputs))
    n_ops = draw(st.integers(1, max_ops))
    instructions = []
    for k in range(n_ops):
        name = draw(st.sampled_from(sorted(PROGRAM_OPS)))
        arity = PROGRAM_OPS[name][0]
        operands = tuple(draw(st.integers(0, n_inputs + k - 1)) for _ in range(arity))
        instructions.append((name, operands))
    return n_inputs, instructions


def run(program: tuple[int, list], *inputs: Any) -> Any:
    """Evaluate a program; the output sums every slot so that all of them matter."""
    n_inputs, instructions = program
    slots = list(inputs)
    for i, (name, operands) in enumerate(instructions):
        out = PROGRAM_OPS[name][1](*(slots[j] for j in operands))
        slots.append(_clip(out) if i % 3 == 2 else out)
    total = slots[0]
    for s in slots[1:]:
        total = total + s
    return total


def as_function(program: tuple[int, list]) -> Callable[..., Value]:
    return lambda *xs: run(program, *xs)


finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def points(n: int) -> st.SearchStrategy[list[float]]:
    return st.lists(finite, min_size=n, max_size=n)
