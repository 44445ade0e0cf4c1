"""From here to PyTorch: the same network, as a ``torch.nn.Sequential`` with the same weights."""

from __future__ import annotations

from typing import Any

from .module import MLP, Layer, Module, Neuron


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(
            "nn.to_torch needs PyTorch: pip install torch (or the extra: pip install 'chainrule[torch]')"
        ) from None
    return torch


def to_torch(model: Module) -> Any:
    """``model`` (a Neuron, Layer, MLP or Perceptron) as a float64 ``torch.nn.Sequential``.

    Each layer becomes a ``Linear`` whose row j holds neuron j's weights (and bias),
    followed by its activation: ReLU, LeakyReLU(0.01), Tanh, Sigmoid, SiLU, ELU, Softplus, nothing
    for 'linear', for 'step' a module computing 1 where z ≥ 0 (its gradient is 0), and for any
    other op of the table a module applying torch's function of that name (a defined op: its value).
    The weights are copied: training one does not change the other.
    """
    torch = _torch()
    modules = []
    for neurons in _layers(model):
        first = neurons[0]
        linear = torch.nn.Linear(len(first.w), len(neurons), bias=first.b is not None, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=torch.float64))
            if first.b is not None:
                linear.bias.copy_(torch.tensor([n.b.data for n in neurons if n.b is not None], dtype=torch.float64))
        modules.append(linear)
        activation = _activation(torch, first.activation)
        if activation is not None:
            modules.append(activation)
    return torch.nn.Sequential(*modules)


def torch_order(model: Module) -> list:
    """The model's parameters in the order of ``to_torch(model).parameters()``, flattened: each
    layer's weight matrix row by row (neuron by neuron), then its biases."""
    out = []
    for neurons in _layers(model):
        out += [w for n in neurons for w in n.w]
        out += [n.b for n in neurons if n.b is not None]
    return out


def _layers(model: Module) -> list[list[Neuron]]:
    if isinstance(model, MLP):
        return [layer.neurons for layer in model.layers]
    if isinstance(model, Layer):
        return [model.neurons]
    if isinstance(model, Neuron):  # the Perceptron too
        return [[model]]
    raise TypeError(f"to_torch takes an nn Neuron, Layer, MLP or Perceptron, got {type(model).__name__}")


def _activation(torch: Any, name: str) -> Any:
    from .module import LEAKY_SLOPE

    if name == "linear":
        return None
    if name == "step":
        class Step(torch.nn.Module):
            """1 where z ≥ 0, else 0, as chainrule's step (NaN stays NaN)."""

            def forward(self, z: Any) -> Any:
                return torch.where(z >= 0, torch.ones_like(z), torch.where(z < 0, torch.zeros_like(z), z))

        return Step()
    modules = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid, "silu": torch.nn.SiLU,
               "elu": torch.nn.ELU, "softplus": torch.nn.Softplus, "softsign": torch.nn.Softsign,
               "leaky_relu": lambda: torch.nn.LeakyReLU(LEAKY_SLOPE)}
    if name in modules:
        return modules[name]()
    from autograd import OPS

    op = OPS[name]
    # torch's own function for a built-in op (sin, sqrt, abs …); a defined op's value, which its
    # author wrote with arithmetic, runs on tensors as it is
    fn = getattr(torch, name) if op.builtin else op.value

    class Elementwise(torch.nn.Module):
        """The op of chainrule's table, on every entry."""

        def forward(self, z: Any) -> Any:
            return fn(z)

        def extra_repr(self) -> str:
            return name

    return Elementwise()
