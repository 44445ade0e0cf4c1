"""load(into=): the model given must have the file's whole architecture, not only its kind."""

from __future__ import annotations

import pytest

import nn


@pytest.mark.parametrize("saved, other", [
    # same kind, same number of parameters, other sizes
    (nn.MLP(2, [3, 1], seed=1), nn.MLP(1, [2, 3], seed=2)),         # 13 parameters each
    (nn.Layer(2, 6, seed=1), nn.Layer(5, 3, seed=2)),               # 18 each
    (nn.Neuron(3, seed=1), nn.Neuron(4, bias=False, seed=2)),       # 4 each
    # same sizes, another activation or bias
    (nn.MLP(2, [3, 1], activation="tanh", seed=1), nn.MLP(2, [3, 1], activation="relu", seed=2)),
    (nn.MLP(2, [3, 1], output_activation="sigmoid", seed=1), nn.MLP(2, [3, 1], seed=2)),
    (nn.Layer(3, 2, activation="relu", seed=1), nn.Layer(3, 2, activation="sigmoid", seed=2)),
], ids=["mlp-sizes", "layer-sizes", "neuron-bias", "mlp-activation", "mlp-output", "layer-activation"])
def test_a_model_of_the_same_kind_but_another_architecture_is_refused(tmp_path, saved, other) -> None:
    assert type(saved) is type(other)
    path = nn.save(saved, tmp_path / "m.json")
    before = [p.data for p in other.parameters()]
    with pytest.raises(ValueError, match="holds a"):
        nn.load(path, into=other)
    assert [p.data for p in other.parameters()] == before  # untouched


def test_the_same_architecture_is_filled(tmp_path) -> None:
    saved = nn.MLP(1, [2, 3], seed=1)
    target = nn.MLP(1, [2, 3], seed=2)
    nn.load(nn.save(saved, tmp_path / "m.json"), into=target)
    assert [p.data for p in target.parameters()] == [p.data for p in saved.parameters()]
