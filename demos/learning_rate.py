"""1.3 The learning rate: new_weight = existing_weight − learning_rate · gradient; too small, right, too large."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value

from .common import Section, out_folder

TITLE = "1.3 The learning rate"
SUMMARY = "gradient descent on a bowl at three rates, loss curves at four rates, one update with numbers"

TARGET = 3.0  # the bowl J(w) = (w − 3)² has its minimum at w = 3


def bowl(w: Value) -> Value:
    return (w - TARGET) ** 2


def descend(w0: float, lr: float, steps: int) -> list[float]:
    """Gradient descent on the bowl, every gradient from backward."""
    w = Value(w0, label="w")
    opt = nn.SGD([w], lr=lr)
    path = [w.data]
    for _ in range(steps):
        opt.zero_grad()
        bowl(w).backward()
        opt.step()
        path.append(w.data)
    return path


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("learning_rate", TITLE, out_folder(out_dir))
    s.say(
        "Gradient descent moves each weight against its gradient: new_weight = existing_weight − "
        "learning_rate · gradient. Here is one step of it on one parameter of a real model, with the numbers."
    )
    model = nn.MLP(2, [3, 1], activation="tanh", seed=seed)
    X, y = nn.datasets.moons(20, seed=seed)
    loss = nn.hinge([model(row) for row in X], y)
    model.zero_grad()
    loss.backward()
    w = model.layers[0].neurons[0].w[0]
    before, grad, lr = w.data, w.grad, 0.1
    nn.SGD(model.parameters(), lr=lr).step()
    s.number(f"new w1 = {viz.fmt(before, 6)} − {lr} · ({viz.fmt(grad, 6)}) = {viz.fmt(w.data, 6)}")
    s.claim(w.data == before - lr * grad, "SGD.step() applied exactly new = old − lr · grad")

    s.say(
        "On the bowl J(w) = (w − 3)², starting from w = −2: a learning rate that is too small creeps toward "
        "the minimum, a good one gets there in a few steps, and one that is too large overshoots further "
        "every step and diverges (the notes' picture 8)."
    )
    steps = 12
    rates = (("too small", 0.05), ("just right", 0.4), ("too large", 1.05))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=True)
    ws = np.linspace(-6, 12, 200)
    paths = {}
    for ax, (name, rate) in zip(axes, rates):
        path = descend(-2.0, rate, steps)
        paths[name] = path
        ax.plot(ws, (ws - TARGET) ** 2, color="#999999", label="J(w) = (w − 3)²")
        ax.plot(path, [(p - TARGET) ** 2 for p in path], "o-", color="#c62828", markersize=4, label="steps")
        ax.set(title=f"{name}: learning rate {rate}", xlabel="w", ylim=(-5, 110), xlim=(-6, 12))
        ax.legend(loc="upper center", fontsize=8)
        s.number(f"{name:>10} (lr {rate}): w after {steps} steps = {viz.fmt(path[-1])}, "
                 f"distance to the minimum {viz.fmt(abs(path[-1] - TARGET))}")
    axes[0].set_ylabel("J(w)")
    s.plot(fig, "learning_rate_bowl.svg", "Twelve steps of gradient descent at three learning rates.")
    far = [abs(p - TARGET) for p in paths["too small"]]
    s.claim(far[-1] < far[0] and far[-1] > 1.0, "too small: always closer, still far away after 12 steps")
    s.claim(abs(paths["just right"][-1] - TARGET) < 1e-3, "just right: within 0.001 of the minimum")
    big = [abs(p - TARGET) for p in paths["too large"]]
    s.claim(all(b > a for a, b in zip(big, big[1:])), "too large: every step lands further from the minimum")

    s.say(
        "The same happens when training a network. One model, the same data and the same starting weights, "
        "trained with mini-batches of 10 at four learning rates (the notes' picture 9, after cs231n): a low rate "
        "learns slowly, a high one bounces around a worse loss, a very high one never settles."
    )
    X, y = nn.datasets.moons(120, noise=0.3, seed=seed)
    y = [(t + 1) / 2 for t in y]
    epochs = 20 if quick else 40
    curves = {}
    for name, rate in (("very high", 20.0), ("high", 5.0), ("low", 0.003), ("good", 1.0)):
        model = nn.MLP(2, [8, 1], activation="tanh", seed=seed)
        history = nn.fit(model, nn.binary_cross_entropy_with_logits, X, y, lr=rate, epochs=epochs,
                         batch_size=10, seed=seed, quiet=True)
        curves[name] = (rate, history.loss)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for name, (rate, losses) in curves.items():
        ax.plot(range(1, len(losses) + 1), losses, label=f"{name} (lr {rate})")
        s.number(f"{name:>9} (lr {rate}): loss {viz.fmt(losses[0])} after the first epoch, "
                 f"{viz.fmt(losses[-1])} after the last")
    ax.set(title="loss against epoch at four learning rates", xlabel="epoch", ylabel="cross-entropy loss",
           yscale="log")
    ax.legend()
    s.plot(fig, "learning_rate_curves.svg", "Training loss of one 2-8-1 model on noisy moons at four rates.")
    # a high rate bounces from epoch to epoch: compare the mean over the last quarter of the epochs
    tail = max(3, epochs // 4)
    final = {name: float(np.mean(losses[-tail:])) for name, (_, losses) in curves.items()}
    s.number("mean loss over the last " + str(tail) + " epochs: "
             + ", ".join(f"{name} {viz.fmt(v)}" for name, v in final.items()))
    s.claim(final["good"] < final["low"] and final["good"] < final["high"],
            "the good rate ends with the lowest loss")
    s.claim(final["very high"] > 3 * final["good"], "the very high rate ends far above it")
    return s.finish()
