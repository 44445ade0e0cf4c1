"""viz.why(J, model): dead ReLUs, saturation, gradient RMS and identical units per layer."""

from __future__ import annotations

import math

import pytest

import nn
import viz


def _batch(n: int = 12, seed: int = 0) -> tuple[list, list]:
    X, y = nn.datasets.moons(n, seed=seed)
    return X, [(t + 1) / 2 for t in y]


def test_zero_init_is_reported_as_identical_units_in_every_hidden_layer() -> None:
    X, y = _batch()
    model = nn.MLP(2, [4, 3, 1], activation="sigmoid", init="zeros", seed=0)
    J = nn.mse([model(x) for x in X], y)
    r = viz.why(J, model)
    assert [layer.identical for layer in r.layers[:2]] == [[[1, 2, 3, 4]], [[1, 2, 3]]]
    assert r.layers[2].identical == []  # one unit: nothing to be identical to
    kinds = [c.kind for c in r.causes]
    assert kinds.count("identical units") == 2
    assert "random initialisation" in r.text()
    assert all(p.grad == 0.0 for p in model.parameters())  # no .grad changed


def test_random_init_has_no_identical_units() -> None:
    X, y = _batch()
    model = nn.MLP(2, [4, 3, 1], activation="sigmoid", seed=0)
    r = viz.why(nn.mse([model(x) for x in X], y), model)
    assert all(layer.identical == [] for layer in r.layers)
    assert "identical units" not in [c.kind for c in r.causes]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dead_relu_units_are_the_ones_whose_z_is_never_positive(seed: int) -> None:
    X, y = _batch(seed=seed)
    model = nn.MLP(2, [6, 1], activation="relu", seed=seed)
    for j, n in enumerate(model.layers[0].neurons):
        n.b.data = -30.0 if j % 2 == 0 else 0.5
    J = nn.mse([model(x) for x in X], y)
    J.backward()
    r = viz.why(J, model)
    # independently: z = w·x + b on every example
    expected = [j + 1 for j, n in enumerate(model.layers[0].neurons)
                if all(sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data <= 0 for x in X)]
    assert r.layers[0].dead == expected
    assert {1, 3, 5} <= set(expected)
    dead = [c for c in r.causes if c.kind == "dead relu"]
    assert dead and f"{len(expected)} of 6 ReLU units" in dead[0].text
    assert "He initialisation" in r.text()
    for j in expected:
        assert all(w.grad == 0.0 for w in model.layers[0].neurons[j - 1].w)
    # the RMS per layer is that of the .grad backward left
    for report, layer in zip(r.layers, model.layers):
        ws = [w.grad for n in layer.neurons for w in n.w]
        assert math.isclose(report.grad_rms, math.sqrt(sum(g * g for g in ws) / len(ws)), rel_tol=1e-12)


def test_saturated_units_with_large_weights() -> None:
    X, y = _batch()
    model = nn.MLP(2, [5, 1], activation="tanh", seed=0)
    for n in model.layers[0].neurons:
        n.b.data = 40.0  # tanh(40 + small) has derivative below 1e-4 on every example
    r = viz.why(nn.mse([model(x) for x in X], y), model)
    assert r.layers[0].saturated == [1, 2, 3, 4, 5]
    assert "saturated" in [c.kind for c in r.causes]
    for n in model.layers[0].neurons:
        n.b.data = 0.0
    r = viz.why(nn.mse([model(x) for x in X], y), model)
    assert r.layers[0].saturated == [] and "saturated" not in [c.kind for c in r.causes]


def test_a_layer_alone_and_the_drawing() -> None:
    X, _ = _batch(4)
    layer = nn.Layer(2, 3, activation="relu", seed=0)
    for n in layer.neurons:
        n.b.data = -30.0
    J = sum((a for x in X for a in layer(x)), nn.module.Value(0.0))
    r = viz.why(J, layer)
    assert r.layers[0].dead == [1, 2, 3] and r.verdict == "zero"
    assert "digraph" in r.draw().source


def test_not_a_model_is_refused() -> None:
    with pytest.raises(TypeError, match="a Value or an nn Neuron, Layer or MLP as θ, got str"):
        viz.why(nn.module.Value(1.0), "model")
    with pytest.raises(TypeError, match="got list"):
        viz.why(nn.module.Value(1.0), [nn.module.Value(1.0)])


def _normal(std: float):
    def init(fan_in: int, fan_out: int, rng) -> float:
        return float(rng.normal(0.0, std))

    return init


@pytest.mark.parametrize("activation, init, kind", [
    ("sigmoid", "xavier_normal", "vanishing product"),
    ("relu", _normal(1.5), "exploding product"),
])
def test_the_backward_signal_per_layer_vanishing_and_exploding_toward_the_input(activation, init, kind) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    inputs, targets = rng.normal(size=(6, 8)).tolist(), rng.normal(size=6).tolist()
    model = nn.MLP(8, [16] * 8 + [1], activation=activation, init=init, seed=0)
    zs: list[list] = [[] for _ in model.layers[:-1]]
    outputs = []
    for x in inputs:  # the forward pass by hand, keeping each hidden z
        for i, layer in enumerate(model.layers):
            x = layer(x)
            if i < len(zs):
                zs[i].extend(a.parents[0] for a in x)
        outputs.append(x[0])
    J = nn.mse(outputs, targets)
    J.backward()  # each z.grad is now ∂J/∂z
    expected = [math.sqrt(sum(z.grad ** 2 for z in layer) / len(layer)) for layer in zs]
    r = viz.why(J, model)
    signal = [layer.signal_rms for layer in r.layers]
    assert signal[-1] is None  # the linear output has no activation op
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(signal[:-1], expected))
    ratio = expected[0] / expected[-1]
    assert ratio < 1 / 100 if kind == "vanishing product" else ratio > 100
    found = [c for c in r.causes if c.kind in ("vanishing product", "exploding product")]
    assert [c.kind for c in found] == [kind] and found[0].nodes[0] is model.layers[0].neurons[0].w[0]
    wider = viz.why(J, model, spread=max(ratio, 1 / ratio) * 1.01)  # a spread just past it: no finding
    assert all(c.kind != kind for c in wider.causes)
    narrower = viz.why(J, model, spread=max(ratio, 1 / ratio) * 0.99)
    assert any(c.kind == kind for c in narrower.causes)


def test_a_unit_saturated_on_only_some_examples_is_not_counted() -> None:
    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    u1, u2 = model.layers[0].neurons
    u1.w[0].data, u1.w[1].data, u1.b.data = 100.0, 0.0, 0.0  # tanh′(100) = 0 on x = (1, 0), 1 on x = (0, 0)
    u2.w[0].data, u2.w[1].data, u2.b.data = 0.0, 0.0, 50.0  # saturated on both
    X = [[1.0, 0.0], [0.0, 0.0]]
    r = viz.why(nn.mse([model(x) for x in X], [0.0, 1.0]), model)
    assert r.layers[0].saturated == [2]


def test_units_with_equal_weights_but_different_gradients_are_not_identical() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    for n in model.layers[0].neurons:
        n.w[0].data, n.w[1].data, n.b.data = 0.5, -0.3, 0.1
    for k, w in enumerate(model.layers[1].neurons[0].w):
        w.data = float(k + 1)  # each unit read by a different weight: their gradients differ
    X, y = _batch(6)
    r = viz.why(nn.mse([model(x) for x in X], y), model)
    assert r.layers[0].identical == []
    for w in model.layers[1].neurons[0].w:
        w.data = 0.7  # now read alike: same weights, same gradients
    r = viz.why(nn.mse([model(x) for x in X], y), model)
    assert r.layers[0].identical == [[1, 2, 3]]


def test_the_layers_figures_add_up_to_the_models_rms_when_only_a_bias_has_a_gradient() -> None:
    # every hidden relu dead: no weight gets a gradient, only the output bias does, and the text says so
    X, y = _batch(8)
    model = nn.MLP(2, [3, 1], activation="relu", seed=0)
    for n in model.layers[0].neurons:
        n.b.data = -10.0
    J = nn.mse([model(x) for x in X], y)
    J.backward()
    r = viz.why(J, model)
    output_bias = model.layers[1].neurons[0].b.grad
    assert output_bias != 0.0 and all(report.grad_rms == 0.0 for report in r.layers)
    assert r.layers[0].bias_rms == 0.0 and r.layers[1].bias_rms == abs(output_bias)
    count = len(model.parameters())
    parts = sum(rep.grad_rms ** 2 * len(layer.neurons) * len(layer.neurons[0].w)
                + rep.bias_rms ** 2 * len(layer.neurons) for rep, layer in zip(r.layers, model.layers))
    assert math.isclose(r.grad_rms ** 2 * count, parts, rel_tol=1e-12)
    text = r.text()
    assert f"layer 2 (1 linear unit): ∂J/∂w RMS 0, ∂J/∂b RMS {viz.fmt(abs(output_bias))}" in text
    assert "(weights and biases)" in text and "grad RMS" not in text
