"""nn.fit quotes viz.why's verdict: on a gradient that stops being finite, and on a loss that stalls."""

from __future__ import annotations

import warnings

import pytest

import nn
from autograd import Value


def _neg_log_likelihood(preds: list, targets: list) -> Value:
    # written by hand, as a learner would: −mean log p
    return -sum((p.log() for p in preds), Value(0.0)) * (1.0 / len(preds))


def test_a_nan_gradient_through_log_of_almost_zero_stops_fit_naming_the_log() -> None:
    model = nn.Neuron(2, activation="sigmoid", seed=0)
    model.w[0].data, model.w[1].data = -720.0, 1.0  # σ(−720) is 0 to a float's precision
    before = [p.data for p in model.parameters()]
    with pytest.raises(FloatingPointError) as error:
        nn.fit(model, _neg_log_likelihood, [[1.0, 0.0]], [1.0], lr=0.1, epochs=3, quiet=True)
    message = str(error.value)
    assert "epoch 1" in message and "before any update" in message
    assert "∂J/∂w1 is −∞" in message and "says infinite: not finite here" in message and "log" in message
    assert "-inf" not in message  # a true minus sign, as everywhere in the notes
    assert [p.data for p in model.parameters()] == before  # no poisoned update was made


def test_a_loss_stalled_by_dead_relus_warns_with_the_verdict() -> None:
    model = nn.MLP(2, [3, 1], activation="relu", output_activation="relu", seed=0)
    model.layers[1].neurons[0].b.data = -50.0  # the output unit is dead on every example
    X, y = nn.datasets.xor()
    with pytest.warns(RuntimeWarning, match="has not changed for 5 epochs") as record:
        history = nn.fit(model, nn.mse, X, y, lr=0.1, epochs=8, quiet=True)
    assert len(set(history.loss)) == 1
    text = str(record[0].message)
    assert "says zero: " in text and "dead relu: " in text and "layer1/neuron1/w1" in text
    assert len([r for r in record if "has not changed" in str(r.message)]) == 1  # warned once


def test_a_loss_that_moves_does_not_warn() -> None:
    X, y = nn.datasets.xor()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        nn.fit(nn.MLP(2, [4, 1], activation="tanh", seed=0), nn.mse, X, y, lr=0.1, epochs=8, quiet=True)


def test_a_loss_that_is_already_nan_names_the_leaf_in_the_error() -> None:
    model = nn.Neuron(1, activation="linear", seed=0)
    model.w[0].data = float("nan")  # as a bad update or a hand edit would leave it
    with pytest.raises(FloatingPointError) as error:
        nn.fit(model, nn.mse, [[1.0]], [0.0], lr=0.1, epochs=1, quiet=True)
    message = str(error.value)
    assert "the loss became NaN" in message and "says NaN: not finite here" in message
    assert "w1 is a leaf that holds NaN" in message
    assert "nan" not in message  # NaN as the notes write it, in every place of the sentence



def test_through_a_tape_the_nan_gradient_is_diagnosed_on_the_batch_rebuilt_by_the_scalar_engine() -> None:
    # a tape's loss has the model's outputs as leaves: the verdict comes from the same batch's loss
    # built again by the scalar engine
    model = nn.Neuron(2, activation="sigmoid", seed=0)
    model.w[0].data, model.w[1].data = -720.0, 1.0
    before = [p.data for p in model.parameters()]
    with pytest.raises(FloatingPointError) as error:
        nn.fit(model, _neg_log_likelihood, [[1.0, 0.0]], [1.0], lr=0.1, epochs=3, quiet=True, batched=True)
    message = str(error.value)
    assert "epoch 1" in message and "says infinite: not finite here" in message and "log" in message
    assert [p.data for p in model.parameters()] == before


def test_through_a_tape_a_stalled_loss_warns_with_the_verdict() -> None:
    model = nn.MLP(2, [3, 1], activation="relu", output_activation="relu", seed=0)
    model.layers[1].neurons[0].b.data = -50.0
    X, y = nn.datasets.xor()
    with pytest.warns(RuntimeWarning, match="has not changed for 5 epochs") as record:
        nn.fit(model, nn.mse, X, y, lr=0.1, epochs=8, quiet=True, batched=True)
    text = str(record[0].message)
    assert "says zero: " in text and "dead relu: " in text and "layer1/neuron1/w1" in text
    assert all(p.grad == 0.0 for p in model.parameters())  # the diagnosis changed no .grad
