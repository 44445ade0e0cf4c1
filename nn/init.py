"""Weight initialisers by name (zeros, normal, uniform, Xavier, He) and constant(c).

Each initialiser is a function ``f(fan_in, fan_out, rng) -> float`` giving one
weight, where ``rng`` is a ``numpy.random.Generator``.  ``constant(c)`` makes
such a function.  Modules take ``init=`` as one of these names or any callable
of that shape.

Xavier (Glorot) keeps the variance of activations level through tanh/sigmoid
layers: Var(w) = 2 / (fan_in + fan_out).  He (Kaiming) does the same for ReLU
layers, which zero half their inputs: Var(w) = 2 / fan_in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Union

import numpy as np

from autograd import checks

Initializer = Callable[[int, int, np.random.Generator], float]


def zeros(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """Every weight 0: the units of a layer stay identical (see the notes, 1.4.2)."""
    return 0.0


def constant(c: float) -> Initializer:
    """An initialiser giving every weight the value ``c``."""
    value = checks.number(c, "constant()'s c", finite=True)

    def init(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
        return value

    init.__name__ = f"constant({value:g})"
    return init


def normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """N(0, 1), whatever the layer's size."""
    return float(rng.normal(0.0, 1.0))


def uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """U(−1, 1), whatever the layer's size (micrograd's choice)."""
    return float(rng.uniform(-1.0, 1.0))


def xavier_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """U(−a, a) with a = √(6 / (fan_in + fan_out))."""
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return float(rng.uniform(-a, a))


def xavier_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """N(0, σ²) with σ = √(2 / (fan_in + fan_out))."""
    return float(rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out))))


def he_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """U(−a, a) with a = √(6 / fan_in)."""
    a = math.sqrt(6.0 / fan_in)
    return float(rng.uniform(-a, a))


def he_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
    """N(0, σ²) with σ = √(2 / fan_in)."""
    return float(rng.normal(0.0, math.sqrt(2.0 / fan_in)))


INITIALIZERS: dict[str, Initializer] = {
    f.__name__: f
    for f in (zeros, normal, uniform, xavier_uniform, xavier_normal, he_uniform, he_normal)
}


def resolve(init: Union[str, Initializer]) -> Initializer:
    """An initialiser from its name, or the callable itself."""
    if isinstance(init, str):
        try:
            return INITIALIZERS[init]
        except KeyError:
            known = ", ".join(sorted(INITIALIZERS))
            raise ValueError(f"unknown init {init!r}; choose one of {known}, or pass a callable") from None
    if callable(init):
        return init
    raise TypeError(f"init must be a name or a callable f(fan_in, fan_out, rng), got {type(init).__name__}")


def name_of(init: Union[str, Initializer]) -> str:
    return init if isinstance(init, str) else getattr(init, "__name__", "custom")
