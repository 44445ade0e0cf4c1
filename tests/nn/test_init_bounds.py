"""Initialisers on layers that are not square: the exact numbers each draws, from bounds computed here."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from nn import init

FAN_IN, FAN_OUT = 3, 7  # a layer of 7 units on 3 inputs


def draws(kind: str, scale: float, n: int, seed: int = 0) -> list[float]:
    rng = np.random.default_rng(seed)
    if kind == "uniform":
        return [float(rng.uniform(-scale, scale)) for _ in range(n)]
    return [float(rng.normal(0.0, scale)) for _ in range(n)]


@pytest.mark.parametrize("name, kind, scale", [
    ("xavier_uniform", "uniform", math.sqrt(6 / 10)),   # a = √(6 / (3 + 7))
    ("xavier_normal", "normal", math.sqrt(2 / 10)),     # σ = √(2 / (3 + 7))
    ("he_uniform", "uniform", math.sqrt(6 / 3)),        # a = √(6 / 3)
    ("he_normal", "normal", math.sqrt(2 / 3)),          # σ = √(2 / 3)
    ("uniform", "uniform", 1.0),
    ("normal", "normal", 1.0),
])
def test_each_initialiser_draws_from_its_distribution(name: str, kind: str, scale: float) -> None:
    rng = np.random.default_rng(0)
    got = [init.INITIALIZERS[name](FAN_IN, FAN_OUT, rng) for _ in range(50)]
    assert got == pytest.approx(draws(kind, scale, 50), rel=1e-15, abs=0)
    # and the other way round the layer is a different size, so a different bound
    if name.startswith("xavier"):
        swapped = [init.INITIALIZERS[name](FAN_OUT, FAN_IN, np.random.default_rng(0)) for _ in range(1)]
        assert swapped[0] == pytest.approx(draws(kind, scale, 1)[0])
        wider = init.INITIALIZERS[name](FAN_IN, FAN_IN, np.random.default_rng(0))
        assert wider == pytest.approx(draws(kind, math.sqrt((6 if kind == "uniform" else 2) / 6), 1)[0])


def test_a_layers_weights_are_xavier_with_its_own_fan_out() -> None:
    layer = nn.Layer(FAN_IN, FAN_OUT, activation="tanh", init="xavier_uniform", seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert weights == pytest.approx(draws("uniform", math.sqrt(6 / 10), FAN_IN * FAN_OUT), rel=1e-15)
    bound = math.sqrt(6 / 10)
    assert all(abs(w) <= bound for w in weights)


def test_uniform_bounds_hold_over_many_draws_and_come_close() -> None:
    rng = np.random.default_rng(1)
    a = math.sqrt(6 / (FAN_IN + FAN_OUT))
    ws = [init.xavier_uniform(FAN_IN, FAN_OUT, rng) for _ in range(4000)]
    assert max(abs(w) for w in ws) <= a and max(abs(w) for w in ws) > 0.99 * a


def test_constant_and_zeros() -> None:
    rng = np.random.default_rng(0)
    assert init.zeros(3, 7, rng) == 0.0 and init.constant(0.25)(3, 7, rng) == 0.25
    for bad in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError, match="finite"):
            init.constant(bad)
