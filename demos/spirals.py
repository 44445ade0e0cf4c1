"""A data set too big for the scalar loop: three spirals, trained through one tape (autograd.trace)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import topological, trace

from . import plot_captions as pc
from .common import Section, grid, out_folder

TITLE = "Batches at numpy speed: three spirals"
SUMMARY = "an MLP 2-32-32-3 trained on 1,500 points in seconds through one tape; regions drawn, gradients checked"


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("spirals", TITLE, out_folder(out_dir))
    n, epochs, batch = (600, 40, 100) if quick else (1500, 40, 100)
    X, y = nn.datasets.spirals(n, classes=3, noise=0.1, seed=seed)
    X, y = np.array(X), np.array(y)
    model = nn.MLP(2, [32, 32, 3], activation="tanh", output_activation="linear", seed=seed)
    ops = len({node for out in model([0.0, 0.0]) for node in topological(out) if not node.is_leaf})
    s.say(
        f"Three interleaved spirals, {n} points, and an MLP 2-32-32-3 ({model.num_parameters():,} parameters): "
        f"{epochs} epochs of mini-batches of {batch} are {epochs * n:,} forward and backward passes of a graph "
        f"of {ops:,} scalar ops, too many for the one-Value-at-a-time loop. A tape records the graph once "
        "(autograd.trace) and replays it on a whole batch with numpy: one tape for the three outputs, the "
        "softmax and cross-entropy computed on them, and the tape's backward adding into the parameters."
    )
    tape = trace(lambda *xs: model(list(xs)), 2)  # three outputs: tape(X) has shape (N, 3)
    opt = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)
    rng = np.random.default_rng(seed)
    losses = []
    start = time.perf_counter()
    for _ in range(epochs):
        order, total = rng.permutation(n), 0.0
        for first in range(0, n, batch):
            idx = order[first:first + batch]
            logits = tape(X[idx]).T  # (3, batch)
            logits -= logits.max(axis=0)
            p = np.exp(logits)
            p /= p.sum(axis=0)
            total -= np.log(p[y[idx], np.arange(len(idx))]).sum()
            p[y[idx], np.arange(len(idx))] -= 1.0  # ∂(mean cross-entropy)/∂logits, times the batch size
            opt.zero_grad()
            tape.backward((p / len(idx)).T)
            opt.step()
        losses.append(total / n)
    seconds = time.perf_counter() - start
    right = float((tape(X).argmax(axis=1) == y).mean())
    s.number(f"{epochs} epochs in {seconds:.1f} s: cross-entropy {viz.fmt(losses[0])} → {viz.fmt(losses[-1])}, "
             f"training accuracy {right:.1%}")
    s.claim(right >= 0.95, "at least 95% of the points end in their own spiral's region")

    fig, (left, right_ax) = plt.subplots(1, 2, figsize=(11, 4.4))
    gx, gy, points = grid((-1.2, 1.2), (-1.2, 1.2), 80 if quick else 150)
    regions = tape(np.array(points)).argmax(axis=1).reshape(gx.shape)
    left.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5, 2.5], colors=["#c6dbef", "#fdd0a2", "#c7e9c0"])
    for k, color in enumerate(("#1f77b4", "#ff7f0e", "#2ca02c")):
        left.scatter(X[y == k, 0], X[y == k, 1], s=6, color=color, label=f"spiral {k + 1}")
    left.set(title=f"decision regions ({right:.0%} right)", xlabel="x1", ylabel="x2", aspect="equal")
    left.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=2)
    right_ax.plot(range(1, epochs + 1), losses)
    right_ax.set(title="training", xlabel="epoch", ylabel="cross-entropy", yscale="log")
    s.plot(fig, "spirals.svg", f"Three spirals learned through one tape: {len(points):,} grid points classified in "
           "one replay of the tape.", says=[
               pc.count("Three spirals", lambda p: len([t for t in p[0].legend if t.startswith("spiral")])),
               pc.fact("classified", lambda p: p[0].filled and "decision regions" in p[0].title)])

    s.say(
        "A tape replays the graph it recorded, so it must compute what the scalar engine computes. tape.check "
        "re-runs the scalar engine on a few rows and compares the output and every gradient."
    )
    try:
        tape.check(X, rows=3)
        agree = True
    except AssertionError as error:
        s.number(str(error))
        agree = False
    s.claim(agree, "the tape agrees with the scalar engine on its three outputs and on all "
            f"{model.num_parameters():,} parameters' gradients, at 3 rows each, to 10⁻¹² "
            "(relative, or absolute near 0)")
    return s.finish()
