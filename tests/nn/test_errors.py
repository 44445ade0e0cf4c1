"""Bad input to nn: a clear ValueError or TypeError naming what was wrong."""

from __future__ import annotations

import pytest

import nn
from autograd import Value


@pytest.mark.parametrize("call, error, words", [
    (lambda: nn.Neuron(2, seed=0)([1.0, 2.0, 3.0]), ValueError, "Neuron expects 2 inputs, got 3"),
    (lambda: nn.Layer(2, 3, seed=0)([1.0]), ValueError, "Layer expects 2 inputs, got 1"),
    (lambda: nn.MLP(3, [2, 1], seed=0)([1.0, 2.0]), ValueError, "MLP expects 3 inputs, got 2"),
    (lambda: nn.Neuron(2, seed=0)([1.0, "a"]), TypeError, "input 1"),
    (lambda: nn.Neuron(2, seed=0)("ab"), TypeError, "sequence"),
    (lambda: nn.Neuron(2, activation="swish"), ValueError, "unknown activation 'swish'"),
    (lambda: nn.Neuron(2, activation=None), TypeError, "activation"),
    (lambda: nn.Neuron(2, init="glorot"), ValueError, "unknown init 'glorot'"),
    (lambda: nn.Neuron(2, init=3), TypeError, "init"),
    (lambda: nn.Neuron(2, init=lambda a, b, rng: float("nan")), ValueError, "finite"),
    (lambda: nn.Neuron(0), ValueError, "nin must be >= 1"),
    (lambda: nn.Neuron(2.5), TypeError, "nin must be an int"),
    (lambda: nn.Neuron(2, seed="x"), TypeError, "seed"),
    (lambda: nn.Neuron(2, bias="yes"), TypeError, "bias"),
    (lambda: nn.MLP(2, 3), TypeError, "nouts"),
    (lambda: nn.MLP(2, []), ValueError, "at least one layer"),
    (lambda: nn.MLP(2, [3, 0]), ValueError, "layer size"),
    (lambda: nn.MLP(2, [3], init="nope"), ValueError, "unknown init"),
    (lambda: nn.SGD([Value(1.0)], lr=0), ValueError, "lr must be a finite number > 0"),
    (lambda: nn.SGD([Value(1.0)], lr=-0.1), ValueError, "lr"),
    (lambda: nn.SGD([Value(1.0)], lr="fast"), TypeError, "lr"),
    (lambda: nn.SGD([Value(1.0)], lr=0.1, momentum=1.5), ValueError, "momentum"),
    (lambda: nn.SGD([1.0], lr=0.1), TypeError, "params"),
    (lambda: nn.SGD([], lr=0.1), ValueError, "no parameters"),
    (lambda: nn.Perceptron(2).fit([[0, 0]], [2]), ValueError, "0 or 1"),
    (lambda: nn.Perceptron(2).fit([[0, 0]], [1], lr=0), ValueError, "lr"),
    (lambda: nn.Perceptron(2).fit([[0, 0], [1, 1]], [1]), ValueError, "2 rows but y has 1"),
    (lambda: nn.fit(nn.MLP(2, [1]), nn.mse, [[0, 0]], [1.0], lr=-1, epochs=1), ValueError, "lr"),
    (lambda: nn.fit(nn.MLP(2, [1]), nn.mse, [[0, 0, 0]], [1.0], lr=0.1, epochs=1), ValueError, "row 0 of X"),
    (lambda: nn.fit(nn.MLP(2, [1]), nn.mse, [], [], lr=0.1, epochs=1), ValueError, "empty"),
    (lambda: nn.fit(nn.MLP(2, [1]), nn.mse, [[0, 0]], [1.0], lr=0.1, epochs=0), ValueError, "epochs"),
    (lambda: nn.fit("model", nn.mse, [[0, 0]], [1.0], lr=0.1, epochs=1), TypeError, "Module"),
    (lambda: nn.fit(nn.MLP(2, [1]), lambda p, t: 1.0, [[0, 0]], [1.0], lr=0.1, epochs=1), TypeError, "Value"),
    (lambda: nn.init.constant("a"), TypeError, "number"),
    (lambda: nn.Neuron(2, fan_out=0), ValueError, "^fan_out must be >= 1, got 0$"),
    (lambda: nn.fit(nn.MLP(2, [1]), nn.mse, [[0, 0]], [1.0], lr=0.1, epochs=1, batch_size=0), ValueError,
     "^batch_size must be >= 1, got 0$"),
    (lambda: nn.datasets.moons(1), ValueError, "^n must be >= 2, got 1$"),
    (lambda: nn.datasets.spirals(10, classes=1), ValueError, "^classes must be >= 2, got 1$"),
])
def test_bad_input(call, error, words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_negative_seed_and_base_repr() -> None:
    with pytest.raises(ValueError, match="seed must be >= 0"):
        nn.MLP(2, [1], seed=-3)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        nn.datasets.moons(seed=-1)

    class Custom(nn.Module):
        def parameters(self) -> list:
            return [Value(1.0), Value(2.0)]

    assert repr(Custom()) == "Custom(2 parameters)"


def test_each_size_just_inside_its_least() -> None:
    assert len(nn.Neuron(2, fan_out=1, seed=0).w) == 2
    history = nn.fit(nn.MLP(2, [1], seed=0), nn.mse, [[0, 0], [1, 1]], [1.0, 0.0], lr=0.1, epochs=1, batch_size=1,
                     quiet=True)
    assert len(history.loss) == 1
    assert len(nn.datasets.moons(2)[0]) == 2 and set(nn.datasets.spirals(10, classes=2)[1]) == {0, 1}
