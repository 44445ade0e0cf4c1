"""Neuron, Layer and MLP against an independent numpy computation."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from tests.strategies import points

ACT = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.where(z > 0, z, 0.01 * z), lambda z: np.where(z > 0, 1.0, 0.01)),
    "step": (lambda z: (z >= 0).astype(float), lambda z: np.zeros_like(z)),
}

inputs = points(3)

NAN = math.nan


def weights(layer: nn.Layer) -> tuple[np.ndarray, np.ndarray]:
    W = np.array([[w.data for w in n.w] for n in layer.neurons])
    b = np.array([n.b.data for n in layer.neurons])
    return W, b


def numpy_mlp(model: nn.MLP, x: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Output, and dΣout/dW, dΣout/db per layer: backprop in matrix form (the notes' 1.4)."""
    a, cache = x, []
    for layer in model.layers:
        W, b = weights(layer)
        z = W @ a + b
        cache.append((a, z, layer.activation))
        a = ACT[layer.activation][0](z)
    grad_a = np.ones_like(a)
    dWs, dbs = [], []
    for (a_in, z, act), layer in zip(reversed(cache), reversed(model.layers)):
        dz = grad_a * ACT[act][1](z)
        dWs.insert(0, np.outer(dz, a_in))
        dbs.insert(0, dz)
        grad_a = weights(layer)[0].T @ dz
    return a, dWs, dbs


@pytest.mark.parametrize("activation", sorted(ACT))
@given(x=inputs)
def test_neuron_forward_and_backward(activation: str, x: list[float]) -> None:
    neuron = nn.Neuron(3, activation=activation, seed=1)
    a = neuron(x)
    a.backward()
    w = np.array([p.data for p in neuron.w])
    z = w @ np.array(x) + neuron.b.data
    f, df = ACT[activation]
    assert a.data == pytest.approx(float(f(np.array(z))), abs=1e-12)
    assert [p.grad for p in neuron.w] == pytest.approx(list(df(np.array(z)) * np.array(x)), abs=1e-12)
    assert neuron.b.grad == pytest.approx(float(df(np.array(z))), abs=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "leaky_relu"])
@settings(max_examples=30)
@given(x=inputs, seed=st.integers(0, 1000))
def test_mlp_forward_and_backward_match_numpy(activation: str, x: list[float], seed: int) -> None:
    model = nn.MLP(3, [5, 4, 2], activation=activation, output_activation="sigmoid", seed=seed)
    out = model(x)
    total = out[0] + out[1]
    total.backward()
    expected, dWs, dbs = numpy_mlp(model, np.array(x))
    assert [o.data for o in out] == pytest.approx(list(expected), abs=1e-12)
    for layer, dW, db in zip(model.layers, dWs, dbs):
        for j, neuron in enumerate(layer.neurons):
            assert [w.grad for w in neuron.w] == pytest.approx(list(dW[j]), abs=1e-10)
            assert neuron.b.grad == pytest.approx(db[j], abs=1e-10)


def test_layer_matches_numpy() -> None:
    layer = nn.Layer(3, 4, activation="tanh", seed=5)
    x = [0.3, -1.2, 2.0]
    out = layer(x)
    W, b = weights(layer)
    assert isinstance(out, list) and len(out) == 4
    assert [o.data for o in out] == pytest.approx(list(np.tanh(W @ np.array(x) + b)), abs=1e-12)


def test_mlp_returns_a_value_for_one_output_and_a_list_otherwise() -> None:
    assert isinstance(nn.MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    out = nn.MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_parameter_counts() -> None:
    assert nn.MLP(2, [16, 16, 1], seed=0).num_parameters() == 337  # micrograd's demo model
    assert len(nn.Layer(3, 4, seed=0).parameters()) == 16
    assert len(nn.Neuron(3, seed=0).parameters()) == 4
    assert len(nn.Neuron(3, bias=False, seed=0).parameters()) == 3
    assert nn.Neuron(3, bias=False, seed=0).b is None


def test_zero_grad() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


def test_inputs_may_be_values_or_numbers() -> None:
    neuron = nn.Neuron(2, activation="linear", seed=0)
    x = [Value(1.0), 2.0]
    out = neuron(x)
    out.backward()
    assert x[0].grad == neuron.w[0].data
    assert out.data == pytest.approx(neuron.w[0].data + 2 * neuron.w[1].data + neuron.b.data)


@given(x=points(3, bound=5.0), seed=st.integers(0, 99))
def test_bias_is_a_weight_on_a_constant_input_of_one(x: list[float], seed: int) -> None:
    """The notes' 1.2: z = wᵀx + b equals Σ_{i=0..n} wi·xi with w0 = b and x0 = +1."""
    with_bias = nn.Neuron(3, activation="sigmoid", seed=seed)
    with_bias.b.data = 0.37
    folded = nn.Neuron(4, activation="sigmoid", bias=False, seed=seed)
    folded.w[0].data = with_bias.b.data
    for src, dst in zip(with_bias.w, folded.w[1:]):
        dst.data = src.data
    a1 = with_bias(x)
    a2 = folded([1.0] + x)
    a1.backward()
    a2.backward()
    assert a1.data == a2.data
    assert with_bias.b.grad == folded.w[0].grad
    assert [w.grad for w in with_bias.w] == [w.grad for w in folded.w[1:]]


def test_seed_reproduces_and_no_seed_varies() -> None:
    same = [p.data for p in nn.MLP(2, [8, 1], seed=3).parameters()]
    assert same == [p.data for p in nn.MLP(2, [8, 1], seed=3).parameters()]
    assert same != [p.data for p in nn.MLP(2, [8, 1], seed=4).parameters()]
    fresh = [[p.data for p in nn.MLP(2, [8, 1]).parameters()] for _ in range(2)]
    assert fresh[0] != fresh[1]


def test_default_init_follows_the_activation() -> None:
    model = nn.MLP(2, [8, 8, 1], activation="relu", output_activation="sigmoid", seed=0)
    assert [layer.neurons[0].init for layer in model.layers] == ["he_uniform", "he_uniform", "xavier_uniform"]
    tanh = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    assert tanh.layers[0].neurons[0].init == "xavier_uniform"
    bound = math.sqrt(6 / 2)  # He uniform for fan_in 2
    assert all(abs(w.data) <= bound for n in model.layers[0].neurons for w in n.w)


def test_initialisers() -> None:
    rng = np.random.default_rng(0)
    assert nn.init.zeros(3, 4, rng) == 0.0
    assert nn.init.constant(0.5)(3, 4, rng) == 0.5
    for name in ("xavier_normal", "he_normal", "normal"):
        draws = np.array([getattr(nn.init, name)(50, 50, rng) for _ in range(20000)])
        expected = {"xavier_normal": math.sqrt(2 / 100), "he_normal": math.sqrt(2 / 50), "normal": 1.0}[name]
        assert draws.std() == pytest.approx(expected, rel=0.05)
    for name, a in (("xavier_uniform", math.sqrt(6 / 100)), ("he_uniform", math.sqrt(6 / 50)), ("uniform", 1.0)):
        draws = np.array([getattr(nn.init, name)(50, 50, rng) for _ in range(20000)])
        assert draws.min() >= -a and draws.max() <= a and draws.max() > 0.95 * a
    neuron = nn.Neuron(3, init=nn.init.constant(0.25), seed=0)
    assert [w.data for w in neuron.w] == [0.25] * 3
    custom = nn.Neuron(2, init=lambda fan_in, fan_out, rng: 7.0)
    assert [w.data for w in custom.w] == [7.0, 7.0]


def test_reprs() -> None:
    assert repr(nn.MLP(2, [16, 16, 1], seed=0)) == "MLP(2 → [16 relu, 16 relu, 1 linear], 337 parameters)"
    assert repr(nn.Layer(3, 2, activation="tanh", seed=0)) == "Layer(3 → 2, activation='tanh')"
    assert repr(nn.Neuron(2, seed=0)) == "Neuron(2, activation='relu')"
    assert repr(nn.Perceptron(2)) == "Perceptron(2)"


def test_nodes_carry_layer_and_neuron_scopes() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([0.5, 0.5])
    assert out.scope == "layer2/neuron1"
    assert model.layers[0].neurons[2].w[0].scope == "layer1/neuron3"
    assert model.layers[0].neurons[2].w[0].label == "w1"


def test_torch_agrees_when_installed() -> None:
    torch = pytest.importorskip("torch")
    model = nn.MLP(3, [4, 2], activation="tanh", output_activation="linear", seed=2)
    x = [0.1, -0.7, 1.3]
    out = model(x)
    (out[0] * out[1]).backward()
    W1, b1 = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in weights(model.layers[0]))
    W2, b2 = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in weights(model.layers[1]))
    y = W2 @ torch.tanh(W1 @ torch.tensor(x, dtype=torch.float64) + b1) + b2
    (y[0] * y[1]).backward()
    assert [o.data for o in out] == pytest.approx(y.tolist(), abs=1e-12)
    for layer, W in ((model.layers[0], W1), (model.layers[1], W2)):
        grads = [[w.grad for w in n.w] for n in layer.neurons]
        assert np.allclose(grads, W.grad.numpy(), atol=1e-12)


def test_nan_reaches_the_output_of_a_model_and_a_loss() -> None:
    assert math.isnan(nn.MLP(1, [1, 1], seed=0)([NAN]).data)
    assert math.isnan(nn.hinge([NAN], [1]).data)


@pytest.mark.parametrize("inputs", [{0: 1.0, 1: 2.0, 2: 3.0}, {1.0, 2.0, 3.0}, frozenset({1.0, 2.0, 3.0})])
def test_unordered_and_mapping_inputs_are_refused(inputs) -> None:
    with pytest.raises(TypeError, match="ordered sequence"):
        nn.MLP(3, [2, 1], seed=0)(inputs)


@pytest.mark.parametrize("make", [
    lambda: nn.MLP(2, [4, 3, 1], activation="tanh", seed=0),
    lambda: nn.MLP(2, [3, 2], activation="leaky_relu", output_activation="linear", seed=1),
    lambda: nn.Layer(3, 2, activation="sigmoid", seed=0),
    lambda: nn.Perceptron(2, seed=0),
])
@pytest.mark.parametrize("clone", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy])
def test_models_pickle_and_deep_copy(make, clone) -> None:
    model = make()
    twin = clone(model)
    x = [0.3, -0.7, 0.2][: model.nin]
    out, twin_out = model(x), twin(x)
    outs = out if isinstance(out, list) else [out]
    twin_outs = twin_out if isinstance(twin_out, list) else [twin_out]
    assert [v.data for v in twin_outs] == [v.data for v in outs]
    assert all(a is not b for a, b in zip(model.parameters(), twin.parameters()))
