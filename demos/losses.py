"""1.5 The loss: linear + MSE for regression, sigmoid + cross-entropy for two classes, softmax + cross-entropy."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz

from . import plot_captions as pc
from .common import Section, grid, out_folder

TITLE = "1.5 The loss"
SUMMARY = "regression (linear + MSE), binary (sigmoid + cross-entropy), multi-class (softmax + cross-entropy)"


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("losses", TITLE, out_folder(out_dir))
    s.say(
        "The loss turns the network's predictions into one number to minimise, and the output layer must "
        "match it. Predicting a real number: one linear output and the mean squared error. Two classes: one "
        "sigmoid output, read as the probability of class 1, and the binary cross-entropy "
        "−[y·log p + (1 − y)·log(1 − p)]. More classes: one output per class, softmax to turn them into "
        "probabilities, and the cross-entropy −log p(true class)."
    )
    epochs = {"regression": 80, "binary": 60, "multiclass": 40}  # quick mode only draws coarser regions
    fig, grid_axes = plt.subplots(2, 2, figsize=(11, 8))
    axes = grid_axes.ravel()
    curves = axes[3]

    # regression: a noisy curve, linear output + MSE
    rng = np.random.default_rng(seed)
    xs = np.linspace(-1, 1, 40)
    ys = np.sin(2.5 * xs) + rng.normal(scale=0.1, size=xs.size)
    X, y = xs[:, None].tolist(), ys.tolist()
    model = nn.MLP(1, [16, 1], activation="tanh", output_activation="linear", seed=seed)
    h = nn.fit(model, nn.mse, X, y, lr=0.2, epochs=epochs["regression"], batch_size=8, seed=seed, quiet=True)
    dense = np.linspace(-1, 1, 100)
    axes[0].scatter(xs, ys, s=12, color="#555555", label="data")
    axes[0].plot(dense, [model([float(v)]).data for v in dense], color="#c62828", label="network")
    axes[0].set(title=f"regression: linear output + MSE\nMSE {viz.fmt(h.loss[-1], 3)}", xlabel="x", ylabel="y")
    axes[0].legend()
    curves.plot(h.loss, label="MSE (regression)")
    r2 = 1.0 - h.loss[-1] / float(np.var(ys))
    s.number(f"regression: MSE {viz.fmt(h.loss[0])} → {viz.fmt(h.loss[-1])} (the noise alone gives 0.01), "
             f"R² = 1 − MSE/Var(y) = {r2:.3f}")
    s.claim(r2 > 0.9, "regression: the network explains over 90% of the variance of y")

    # binary: moons, sigmoid output + binary cross-entropy
    X, y = nn.datasets.moons(80, noise=0.15, seed=seed)
    y = [(t + 1) / 2 for t in y]
    model = nn.MLP(2, [12, 1], activation="tanh", output_activation="sigmoid", seed=seed)
    h = nn.fit(model, nn.binary_cross_entropy, X, y, lr=0.5, epochs=epochs["binary"], batch_size=10, seed=seed,
               quiet=True)
    gx, gy, points = grid((-1.5, 2.5), (-1.0, 1.5), 30 if quick else 50)
    probs = np.array([model(p).data for p in points]).reshape(gx.shape)
    filled = axes[1].contourf(gx, gy, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.7)
    fig.colorbar(filled, ax=axes[1], label="p(class 1)")
    pts, t = np.array(X), np.array(y)
    axes[1].scatter(pts[t == 0, 0], pts[t == 0, 1], color="#2166ac", edgecolors="k", s=18, label="class 0")
    axes[1].scatter(pts[t == 1, 0], pts[t == 1, 1], color="#b2182b", edgecolors="k", s=18, label="class 1")
    axes[1].legend(fontsize=8, loc="lower left")  # the moons leave that corner empty
    right = sum((model(p).data > 0.5) == (t > 0.5) for p, t in zip(X, y)) / len(X)
    axes[1].set(title=f"two classes: sigmoid + cross-entropy\naccuracy {right:.1%}", xlabel="x1", ylabel="x2")
    curves.plot(h.loss, label="binary cross-entropy")
    s.number(f"binary: cross-entropy {viz.fmt(h.loss[0])} → {viz.fmt(h.loss[-1])}, accuracy after training "
             f"{right:.1%} (the moons overlap: noise 0.15)")
    s.claim(right >= 0.85, "two classes: at least 85% of the training points right")

    # multi-class: three blobs, softmax + cross-entropy
    X, y = nn.datasets.blobs(90, centers=3, spread=0.9, seed=seed)
    model = nn.MLP(2, [12, 3], activation="tanh", output_activation="linear", seed=seed)
    h = nn.fit(model, nn.cross_entropy, X, y, lr=0.3, epochs=epochs["multiclass"], batch_size=10, seed=seed,
               quiet=True)
    gx, gy, points = grid((-5, 5), (-5, 5), 30 if quick else 50)
    classes = np.array([int(np.argmax([v.data for v in model(p)])) for p in points]).reshape(gx.shape)
    axes[2].contourf(gx, gy, classes, levels=[-0.5, 0.5, 1.5, 2.5], colors=["#c6dbef", "#fdd0a2", "#c7e9c0"])
    pts, t = np.array(X), np.array(y)
    for k, color in enumerate(("#1f77b4", "#ff7f0e", "#2ca02c")):
        axes[2].scatter(pts[t == k, 0], pts[t == k, 1], color=color, edgecolors="k", s=18, label=f"class {k}")
    axes[2].set(title=f"three classes: softmax + cross-entropy\naccuracy {h.accuracy[-1]:.1%}",
                xlabel="x1", ylabel="x2")
    axes[2].legend(fontsize=8)
    curves.plot(h.loss, label="cross-entropy (3 classes)")
    s.number(f"three classes: cross-entropy {viz.fmt(h.loss[0])} → {viz.fmt(h.loss[-1])}, "
             f"accuracy {h.accuracy[-1]:.1%}")
    s.claim(h.accuracy[-1] >= 0.9, "three classes: at least 90% of the training points right")
    probs = nn.softmax(model(X[0]))
    s.claim(abs(sum(p.data for p in probs) - 1.0) < 1e-12, "softmax outputs are probabilities: they add up to 1")

    curves.set(title="training loss per epoch", xlabel="epoch", ylabel="loss", yscale="log")
    curves.legend(fontsize=8)
    s.plot(fig, "losses.svg", "Each output layer with its loss, trained on a small seeded dataset: the fit or "
           "decision regions, and the three loss curves.", says=[
               pc.fact("Each output layer with its loss", lambda p: [q.title.split(":")[0] for q in p[:3]] == [
                   "regression", "two classes", "three classes"] and all("+" in q.title for q in p[:3])),
               pc.fact("the fit or decision regions", lambda p: "network" in p[0].legend and p[1].filled
                       and p[2].filled),
               pc.count("the three loss curves", lambda p: len([c for c in p[3].curves if c.label in p[3].legend]))])
    return s.finish()
