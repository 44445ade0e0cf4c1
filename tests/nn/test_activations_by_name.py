"""Every unary op of the table is an activation by name: nn.MLP(2, [8, 1], activation="silu")."""

from __future__ import annotations

import pickle

import pytest

import nn
import viz
from autograd import OPS, Value
from tests.strategies import cubed  # noqa: F401 - an op defined with define_op, used by name

UNARY = sorted(n for n, op in OPS.items() if op.arity == 1 and n != "neg")


@pytest.mark.parametrize("name", UNARY)
def test_every_unary_op_is_an_activation(name: str) -> None:
    model = nn.MLP(2, [3, 1], activation=name, seed=0)
    x = [0.3, 0.7]  # positive pre-activations are not guaranteed: keep log's and sqrt's inputs valid below
    neuron = model.layers[0].neurons[0]
    z = neuron.b + sum((w * xi for w, xi in zip(neuron.w, x)), Value(0.0))
    if not all(d.ok(z.data) for d in OPS[name].domain):
        with pytest.raises(ValueError, match=name):
            neuron(x)
        return
    assert neuron(x).data == getattr(z, name)().data
    assert pickle.loads(pickle.dumps(neuron))(x).data == neuron(x).data  # the activation pickles by name
    assert name in repr(model)


def test_the_issues_example_and_its_drawing() -> None:
    model = nn.MLP(2, [8, 1], activation="silu", seed=0)
    assert repr(model) == "MLP(2 → [8 silu, 1 linear], 33 parameters)"
    assert model.layers[0].neurons[0].init == "he_uniform"  # ReLU-like: He's bounds, as for relu
    assert "silu" in viz.draw_network(model).source
    assert "cubed" in viz.draw_network(nn.Layer(2, 2, activation="cubed", seed=0)).source


def test_a_saturating_op_without_an_entry_in_default_init_starts_from_xaviers_bounds() -> None:
    assert "softsign" not in nn.module.DEFAULT_INIT
    assert nn.MLP(2, [3, 1], activation="softsign", seed=0).layers[0].neurons[0].init == "xavier_uniform"


def test_an_unknown_or_binary_op_is_refused_with_the_choices() -> None:
    for bad in ("neg", "maximum", "swish"):
        with pytest.raises(ValueError, match="unknown activation.*silu"):
            nn.MLP(2, [2, 1], activation=bad)


@pytest.mark.parametrize("name", UNARY)
def test_to_torch_applies_the_same_activation(name: str) -> None:
    # every unary op, so that a new one whose PyTorch module is not torch.<name> (softsign) is caught
    torch = pytest.importorskip("torch")
    model = nn.MLP(2, [4, 1], activation=name, seed=3)
    x = [0.4, -1.1]
    try:
        model(x)
    except ValueError:
        assert OPS[name].domain, name  # a pre-activation outside log's or sqrt's domain: nothing to compare
        return
    got = nn.to_torch(model)(torch.tensor([x], dtype=torch.float64)).item()
    assert got == pytest.approx(model(x).data, rel=1e-12, abs=1e-14)
