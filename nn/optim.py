"""Stochastic gradient descent: new_weight = existing_weight − learning_rate · gradient."""

from __future__ import annotations

import numbers
from collections.abc import Iterable

from autograd import Value

from .module import _check_lr


class SGD:
    """Plain or momentum SGD over a list of parameters.

    With momentum μ (PyTorch's form): v ← μ·v + grad, then p ← p − lr·v.
    With μ = 0 that is the notes' rule, p ← p − lr·grad.
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        if isinstance(params, Value) or not hasattr(params, "__iter__"):
            raise TypeError(f"SGD needs a list of Values (model.parameters()), got {type(params).__name__}")
        self.params = list(params)
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"SGD params[{i}] must be a Value, got {type(p).__name__}")
        if not self.params:
            raise ValueError("SGD got no parameters to optimise")
        self.lr = _check_lr(lr)
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
            raise TypeError(f"momentum must be a number, got {type(momentum).__name__}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
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
