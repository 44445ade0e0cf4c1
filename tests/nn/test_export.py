"""nn.to_torch: the same network in PyTorch, the same numbers (skipped without torch)."""

from __future__ import annotations

import builtins

import pytest

import nn


def test_without_torch_the_error_names_what_to_install(monkeypatch) -> None:
    real = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match=r"pip install.*chainrule\[torch\]"):
        nn.to_torch(nn.MLP(2, [3, 1], seed=0))


@pytest.mark.parametrize("make", [
    lambda: nn.MLP(2, [5, 4, 1], activation="tanh", seed=0),
    lambda: nn.MLP(3, [4, 2], activation="relu", output_activation="sigmoid", seed=1),
    lambda: nn.MLP(2, [3, 1], activation="leaky_relu", seed=2),
    lambda: nn.Layer(3, 2, activation="sigmoid", seed=0),
    lambda: nn.Neuron(3, activation="tanh", seed=0),
    lambda: nn.Perceptron(2, seed=0),
    lambda: nn.MLP(2, [3, 1], bias=False, seed=3),
])
def test_same_outputs_and_gradients_as_the_engine(make) -> None:
    torch = pytest.importorskip("torch")
    model = make()
    twin = nn.to_torch(model)
    X = [[0.3, -0.7, 0.2][: model.nin], [-1.1, 0.4, 0.9][: model.nin], [0.05, 0.6, -0.3][: model.nin]]
    outs = [model(row) for row in X]
    outs = [o if isinstance(o, list) else [o] for o in outs]
    theirs = twin(torch.tensor(X, dtype=torch.float64))
    for row, ours in zip(theirs.tolist(), outs):
        assert row == pytest.approx([o.data for o in ours], rel=1e-12, abs=1e-15)
    if getattr(model, "activation", "") == "step":
        return  # a step has no gradient to compare
    loss = sum((o * o for row in outs for o in row), nn.mse([0.0], [0.0]))
    model.zero_grad()
    loss.backward()
    (theirs * theirs).sum().backward()
    grads = [p.grad.flatten().tolist() for p in twin.parameters()]
    flat = [g for block in grads for g in block]
    ours = nn.export.torch_order(model)
    assert flat == pytest.approx([p.grad for p in ours], rel=1e-12, abs=1e-15)


def test_bad_input() -> None:
    pytest.importorskip("torch")
    with pytest.raises(TypeError, match="Neuron, Layer, MLP or Perceptron"):
        nn.to_torch("model")
