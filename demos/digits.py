"""Real data through one tape: scikit-learn's handwritten digits, learned by an MLP 64-32-10."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import trace

from . import plot_captions as pc
from .common import Section, out_folder

TITLE = "Real data: handwritten digits"
SUMMARY = "1,797 scanned digits, an MLP 64-32-10 trained through one tape; its first layer drawn, its mistakes counted"

TEST = 450  # images held out, never trained on


def load() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8×8 digits (a file inside the package, no download): pixels scaled to [0, 1]."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as error:  # pragma: no cover - the demo's extra installs it
        raise ImportError("the digits demo needs scikit-learn: pip install 'chainrule[plot]'") from error
    digits = load_digits()
    return digits.data / 16.0, digits.target.astype(int)


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("digits", TITLE, out_folder(out_dir))
    X, y = load()
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(len(X))
    test, train = shuffled[:TEST], shuffled[TEST:]
    epochs, batch, lr = (12 if quick else 30), 32, 0.1
    model = nn.MLP(64, [32, 10], activation="relu", output_activation="linear", seed=seed)
    s.say(
        f"{len(X):,} handwritten digits, scanned at 8×8 pixels of 17 grey levels, from scikit-learn's bundled "
        f"copy: {len(train):,} to learn from and {TEST} held out. An MLP 64-32-10 ({model.num_parameters():,} "
        "parameters) reads the 64 pixels and gives one score per digit; softmax and cross-entropy (1.5) turn the "
        "scores into a loss. The model is traced once into a tape with ten outputs and trained on mini-batches "
        f"of {batch}, {epochs} epochs of SGD with momentum 0.9 at learning rate {lr}."
    )
    start = time.perf_counter()
    tape = trace(lambda *pixels: model(list(pixels)), 64)  # ten outputs: tape(X) has shape (N, 10)
    opt = nn.SGD(model.parameters(), lr=lr, momentum=0.9)
    losses = []
    for _ in range(epochs):
        order, total = rng.permutation(train), 0.0
        for first in range(0, len(order), batch):
            rows = order[first:first + batch]
            p = _softmax(tape(X[rows]))
            picked = p[np.arange(len(rows)), y[rows]]
            total -= np.log(picked).sum()
            p[np.arange(len(rows)), y[rows]] -= 1.0  # ∂(cross-entropy)/∂scores, one row per image
            opt.zero_grad()
            tape.backward(p / len(rows))
            opt.step()
        losses.append(total / len(train))
    seconds = time.perf_counter() - start
    guess = tape(X[test]).argmax(axis=1)
    accuracy = float((guess == y[test]).mean())
    wrong = test[guess != y[test]]
    s.number(f"tracing and {epochs} epochs took {seconds:.1f} s on this machine; mean cross-entropy "
             f"{viz.fmt(losses[0])} after the first epoch, {viz.fmt(losses[-1])} after the last")
    s.number(f"held-out accuracy: {int((guess == y[test]).sum())} of {TEST} right ({accuracy:.1%}), "
             f"{len(wrong)} misread")
    s.claim(accuracy >= 0.95, f"at least 95% of the {TEST} held-out digits are read right")
    s.claim(losses[-1] < losses[0], "the training loss fell from the first epoch to the last")

    weights = _first_layer(model)
    bars = [ax for ax in weights.axes if ax.get_label() == "<colorbar>"]
    limits = {im.get_clim() for ax in weights.axes for im in ax.get_images()}
    s.claim(len(bars) == 1 and len(limits) == 1 and bars[0].get_ylim() == next(iter(limits)),
            "one colour scale beside the 32 images covers exactly the range every image is drawn on")
    s.plot(weights, "digits-weights.svg",
           "What the first layer looks for: each of the 32 hidden units' 64 incoming weights drawn as the 8×8 "
           "image they are multiplied with (blue positive, red negative, white 0, on the scale at the right).",
           says=[
               pc.count("each of the 32 hidden units", lambda p: len([q for q in p if q.title.startswith("unit ")])),
               pc.count("64 incoming weights", lambda p: pc.one({q.images[0].size for q in p})),
               pc.fact("the 8×8 image", lambda p: all(q.images[0].shape == (8, 8) for q in p)),
               # RdBu runs from red at its low end to blue at its high end, white halfway: 0 when the limits are ±
               pc.fact("(blue positive, red negative, white 0", lambda p: all(
                   name == "RdBu" and low == -high < 0 for name, low, high in (q.colours[0] for q in p)))])
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (y[test], guess), 1)
    s.plot(_confusion(confusion), "digits-confusion.svg",
           f"The confusion table of the {TEST} held-out digits: row = the digit written, column = the digit read; "
           "the diagonal is right, every other cell a mistake.", says=[
               pc.count(f"the {TEST} held-out digits", lambda p: sum(int(t) for t in p[0].texts)),
               pc.fact("row = the digit written, column = the digit read", lambda p: (
                   p[0].ylabel, p[0].xlabel) == ("written", "read as"))])
    if len(wrong):
        shown = wrong[:8]
        s.plot(_misread(X, y, shown, tape), "digits-misread.svg",
               f"{len(shown)} of the {len(wrong)} misread digits, each with what was written, what the model read "
               "and the probability it gave the right digit.", says=[
                   pc.count(f"{len(shown)} of the {len(wrong)} misread digits",
                            lambda p: len([q for q in p if q.images])),
                   pc.fact("what was written, what the model read and the probability it gave the right digit",
                           lambda p: all(re.fullmatch(r"(\d) read as (?!\1)\d\np\(\1\) = [\d.]+", q.title)
                                         for q in p))])

        # why: the scalar engine on the misread digits' mean loss, diagnosed per layer
        J = sum(nn.cross_entropy(model([float(v) for v in X[k]]), int(y[k])) for k in shown) / len(shown)
        s.say(f"Why these {len(shown)}? viz.why on their mean cross-entropy, built by the scalar engine from the "
              "trained weights, reports layer by layer: the ReLU units dead on all of them (they pass no "
              "gradient back), and how large ∂J/∂w is in each layer.")
        s.number(viz.why(J, model).text())

    s.say("The tape must compute what the scalar engine computes on the same weights: tape.check re-runs the "
          "engine on a few images and compares the ten scores and every parameter's gradient.")
    try:
        tape.check(X[test], rows=2)
        agree = True
    except AssertionError as error:
        s.number(str(error))
        agree = False
    s.claim(agree, f"the tape agrees with the scalar engine on all ten outputs and all "
            f"{model.num_parameters():,} gradients, at 2 images, to 10⁻¹² (relative, or absolute near 0)")
    return s.finish()


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _first_layer(model: nn.MLP) -> plt.Figure:
    W = np.array([[w.data for w in neuron.w] for neuron in model.layers[0].neurons])  # (32, 64)
    top = float(np.abs(W).max()) or 1.0
    fig, axes = plt.subplots(4, 8, figsize=(9.8, 4.8), layout="constrained")
    for k, ax in enumerate(axes.flat):
        shown = ax.imshow(W[k].reshape(8, 8), cmap="RdBu", vmin=-top, vmax=top)
        ax.set_title(f"unit {k + 1}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    # the scale the caption's colours are read on: every panel shares it, ±the largest |w|
    bar = fig.colorbar(shown, ax=axes, shrink=0.8, ticks=[-top, -top / 2, 0, top / 2, top])
    bar.ax.set_yticklabels([viz.fmt(v, 2) for v in (-top, -top / 2, 0.0, top / 2, top)], fontsize=9)
    bar.set_label("weight", fontsize=10)
    return fig


def _confusion(confusion: np.ndarray) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(5.6, 5.0))
    ax.imshow(np.log1p(confusion), cmap="Blues")
    for (i, j), count in np.ndenumerate(confusion):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=10,
                    color="white" if count > confusion.max() / 2 else "#222")
    ax.set(xticks=range(10), yticks=range(10), xlabel="read as", ylabel="written")
    ax.grid(False)
    return fig


def _misread(X: np.ndarray, y: np.ndarray, shown: np.ndarray, tape) -> plt.Figure:
    p = _softmax(tape(X[shown]))
    fig, axes = plt.subplots(1, len(shown), figsize=(1.45 * len(shown) + 0.4, 2.2), squeeze=False)
    for ax, k, probs in zip(axes[0], shown, p):
        ax.imshow(X[k].reshape(8, 8), cmap="Greys")
        ax.set_title(f"{y[k]} read as {int(probs.argmax())}\np({y[k]}) = {probs[y[k]]:.2f}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
