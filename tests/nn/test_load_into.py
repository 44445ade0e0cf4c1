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


@pytest.mark.parametrize("model", [nn.Neuron(3, bias=False, seed=1), nn.Layer(2, 3, bias=False, seed=1),
                                   nn.Neuron(3, seed=1)], ids=["neuron-nobias", "layer-nobias", "neuron"])
def test_models_without_bias_round_trip(tmp_path, model) -> None:
    loaded = nn.load(nn.save(model, tmp_path / "m.json"))
    assert repr(loaded) == repr(model)
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]


@pytest.mark.parametrize("bad", [True, False, "1.0", None, [1.0]])
def test_a_parameter_that_is_not_a_number_is_refused(tmp_path, bad) -> None:
    import json

    path = nn.save(nn.Neuron(2, seed=0), tmp_path / "m.json")
    document = json.loads(path.read_text())
    document["parameters"][1] = bad
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match="parameter 1 that is not a finite number"):
        nn.load(path)
