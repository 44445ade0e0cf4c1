"""micrograd's moons training step through a tape, and the same step written by hand in numpy.

Both use micrograd's demo: MLP 2-16-16-1 (weights U(−1, 1) drawn as in bench's moons step,
biases 0), SVM max-margin loss + 1e-4·Σθ², one SGD step at learning rate 0.5.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from autograd import Value, trace
from nn.datasets import moons

SIZES = [2, 16, 16, 1]


def mlp(layers: list, x: list) -> object:
    """micrograd's MLP forward on one example: each neuron a list of weights then its bias,
    ReLU on the hidden layers; any engine's scalars."""
    for depth, layer in enumerate(layers):
        out = []
        for n in layer:
            act = sum((wi * xi for wi, xi in zip(n[:-1], x)), n[-1])
            out.append(act.relu() if depth < 2 else act)
        x = out
    return x[0]


def _weights() -> list[list[list[float]]]:
    rnd = random.Random(1337)  # as bench's moons_step draws them
    return [[[rnd.uniform(-1, 1) for _ in range(SIZES[i])] + [0.0] for _ in range(SIZES[i + 1])] for i in range(3)]


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    X, y = moons(n, noise=0.1, seed=1)
    return np.array(X), np.array(y, dtype=float)


def tape_step(n: int) -> Callable[[], float]:
    """One training step: the network replayed on all n points through a tape, trained on the
    parameters' vector (read once; each step's update written back to the Values in one pass)."""
    layers = [[[Value(w) for w in neuron] for neuron in layer] for layer in _weights()]
    tape = trace(lambda *x: mlp(layers, list(x)), 2)
    X, y = _data(n)
    theta = tape.parameter_vector()

    def step() -> float:
        scores = tape(X, theta)
        margins = 1.0 - y * scores
        loss = float(np.maximum(margins, 0.0).mean() + 1e-4 * (theta @ theta))  # before the update
        g = tape.gradients(np.where(margins > 0, -y, 0.0) / n)
        g += 2e-4 * theta  # the L2 term's gradient
        theta[:] -= 0.5 * g
        tape.set_parameters(theta)
        return loss

    return step


def numpy_step(n: int) -> Callable[[], float]:
    """The same step by hand: matrices, the notes' backward formulas, no graph."""
    Ws = [np.array([neuron[:-1] for neuron in layer]) for layer in _weights()]
    bs = [np.zeros(len(W)) for W in Ws]
    X, y = _data(n)

    def step() -> float:
        acts, zs = [X.T], []
        for i, (W, b) in enumerate(zip(Ws, bs)):
            z = W @ acts[-1] + b[:, None]
            zs.append(z)
            acts.append(np.maximum(z, 0.0) if i < 2 else z)
        scores = acts[-1][0]
        margins = 1.0 - y * scores
        loss = np.maximum(margins, 0.0).mean() + 1e-4 * sum((W * W).sum() + (b * b).sum() for W, b in zip(Ws, bs))
        dz = (np.where(margins > 0, -y, 0.0) / n)[None, :]
        for i in (2, 1, 0):
            dW, db = dz @ acts[i].T, dz.sum(axis=1)
            if i:
                dz = (Ws[i].T @ dz) * (zs[i - 1] > 0)
            Ws[i] -= 0.5 * (dW + 2e-4 * Ws[i])
            bs[i] -= 0.5 * (db + 2e-4 * bs[i])
        return float(loss)

    return step


def torch_step(n: int) -> Callable[[], float] | None:
    """The same step in PyTorch, vectorised (float64 tensors, autograd over matrices); None
    without torch."""
    try:
        import torch
    except ImportError:
        return None
    Ws = [torch.tensor([neuron[:-1] for neuron in layer], dtype=torch.float64, requires_grad=True)
          for layer in _weights()]
    bs = [torch.zeros(len(W), dtype=torch.float64, requires_grad=True) for W in Ws]
    X, y = (torch.tensor(a, dtype=torch.float64) for a in _data(n))

    def step() -> float:
        a = X
        for i, (W, b) in enumerate(zip(Ws, bs)):
            a = a @ W.T + b
            if i < 2:
                a = a.relu()
        loss = (1.0 - y * a[:, 0]).relu().mean() + 1e-4 * sum((W * W).sum() + (b * b).sum() for W, b in zip(Ws, bs))
        for p in (*Ws, *bs):
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in (*Ws, *bs):
                p -= 0.5 * p.grad
        return float(loss.detach())

    return step


def jax_step(n: int) -> Callable[[], float] | None:
    """The same step in JAX, jit-compiled (float64, the gradient by jax.grad, the update inside
    the compiled function); None without JAX."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    params = [(jnp.array([neuron[:-1] for neuron in layer]), jnp.zeros(len(layer))) for layer in _weights()]
    X, y = (jnp.array(a) for a in _data(n))

    def loss(params: list) -> object:
        a = X
        for i, (W, b) in enumerate(params):
            a = a @ W.T + b
            if i < 2:
                a = jnp.maximum(a, 0.0)
        l2 = sum((W * W).sum() + (b * b).sum() for W, b in params)
        return jnp.maximum(1.0 - y * a[:, 0], 0.0).mean() + 1e-4 * l2

    @jax.jit
    def update(params: list) -> tuple:
        value, g = jax.value_and_grad(loss)(params)
        return value, [(W - 0.5 * gW, b - 0.5 * gb) for (W, b), (gW, gb) in zip(params, g)]

    state = [params]

    def step() -> float:
        value, state[0] = update(state[0])
        return float(value)  # waits for the result, as the other steps do

    return step
