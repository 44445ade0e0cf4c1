"""Stochastic gradient descent: new_weight = existing_weight − learning_rate · gradient."""

from __future__ import annotations

from collections.abc import Iterable

from autograd import Value, checks

from .module import _check_lr


class SGD:
    """Plain or momentum SGD over a list of parameters.

    With momentum μ (PyTorch's form): v ← μ·v + grad, then p ← p − lr·v.
    With μ = 0 that is the notes' rule, p ← p − lr·grad.
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        if isinstance(params, Value) or not hasattr(params, "__iter__"):
            raise TypeError(f"SGD needs a list of Values (model.parameters()), got {type(params).__name__}")
        self.params = checks.instances(list(params), Value, "SGD params")
        if not self.params:
            raise ValueError("SGD got no parameters to optimise")
        self.lr = _check_lr(lr)
        self.momentum = checks.number(momentum, "momentum", at_least=0.0, below=1.0)
        self._velocity = [0.0] * len(self.params)

    def step(self) -> None:
        """Move every parameter against its gradient."""
        lr, mu = self.lr, self.momentum
        if mu == 0.0:
            for p in self.params:
                p.data -= lr * p.grad
            return
        velocity = self._velocity
        for i, p in enumerate(self.params):
            velocity[i] = mu * velocity[i] + p.grad
            p.data -= lr * velocity[i]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def __repr__(self) -> str:
        momentum = f", momentum={self.momentum:g}" if self.momentum else ""
        return f"SGD({len(self.params)} parameters, lr={self.lr:g}{momentum})"
