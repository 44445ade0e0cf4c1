"""1.2 The neuron: z = wᵀx + b, the bias as w0 with x0 = +1, activations, and the perceptron."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value

from . import captions
from . import plot_captions as pc
from .common import Section, grid, out_folder

TITLE = "1.2 What is a neuron?"
SUMMARY = "one neuron drawn, the bias folded in as w0, four activations, the perceptron on AND, OR and XOR"

AND, OR, XOR = [0, 0, 0, 1], [0, 1, 1, 1], [0, 1, 1, 0]


def _label_neuron_output(a: Value) -> None:
    z = a.parents[0] if a.op else a
    z.label = "z"
    if a is not z:
        a.label = "a"


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("neuron", TITLE, out_folder(out_dir))
    s.say(
        "A neuron multiplies each input by its weight, adds the products and a bias into the pre-activation "
        "z = w1·x1 + … + wn·xn + b = wᵀx + b, then applies an activation: a = σ(z). The perceptron's "
        "activation is the step: 1 when z ≥ 0, else 0."
    )
    perceptron = nn.Perceptron(3, seed=seed)
    perceptron.b.data = -0.5
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate([1.0, 0.0, 1.0])]
    drawing = viz.draw_network(perceptron, x=[v.data for v in x])
    path = s.graph(drawing, "neuron_perceptron_network.svg",
            "The notes' picture 1: a perceptron with inputs x1, x2, x3, one weight per input (the edges w1, w2, "
            "w3, blue for positive and red for negative, labelled with their values), and one neuron holding the "
            "bias b and the step activation; its output a is shown.")
    drawn = captions.read_svg(path.read_text(encoding="utf-8"))
    s.claim(len(drawn.inputs) == 3 and list(drawn.units.values()) == [["step"]]
            and drawn.edges == [f"w{k + 1} = {viz.fmt(w.data)}" for k, w in enumerate(perceptron.w)],
            "the picture has a box per input and neuron, and an edge per weight, labelled w1, w2, w3 with its value")
    a = perceptron(x)
    _label_neuron_output(a)
    s.graph(viz.draw(a, show_grad=False, fold=True), "neuron_step.svg",
            "The notes' picture 2: the same perceptron as the engine's graph, folded to the notes' quantities: the "
            "inputs and weights are leaves, z = wᵀx + b sums their products, and a = step(z).")
    z = a.parents[0]
    s.number(f"z = wᵀx + b = {viz.fmt(z.data)},  a = step(z) = {viz.fmt(a.data)}")
    s.claim(a.data == (1.0 if z.data >= 0 else 0.0), "a is 1 exactly when z ≥ 0")
    by_hand = perceptron.b.data + sum(w.data * xi.data for w, xi in zip(perceptron.w, x))
    s.claim(abs(z.data - by_hand) <= 1e-12 * max(1.0, abs(by_hand)), "z is w1·x1 + w2·x2 + w3·x3 + b")

    s.say(
        "The bias is a weight on an input that is always +1. A neuron with bias b computes the same "
        "z, and gets the same gradients, as a neuron without a bias fed the extra input x0 = +1 with weight w0 = b."
    )
    with_bias = nn.Neuron(2, activation="sigmoid", seed=seed)
    with_bias.b.data = 0.5
    folded = nn.Neuron(3, activation="sigmoid", bias=False, seed=seed)
    folded.w[0].data = with_bias.b.data
    folded.w[0].label = "w0"
    for i, (src, dst) in enumerate(zip(with_bias.w, folded.w[1:])):
        dst.data, dst.label = src.data, f"w{i + 1}"
    # the inputs are leaves named as the caption names them (each graph its own, so no gradient is shared)
    xs = [0.8, -0.4]
    a1 = with_bias([Value(v, label=f"x{i + 1}") for i, v in enumerate(xs)])
    a2 = folded([Value(1.0, label="x0")] + [Value(v, label=f"x{i + 1}") for i, v in enumerate(xs)])
    a1.backward()
    a2.backward()
    _label_neuron_output(a1)
    _label_neuron_output(a2)
    s.graph(viz.draw(a1), "neuron_bias.svg",
            "The notes' picture 3: z = w1·x1 + w2·x2 + b with a bias leaf, and a sigmoid; and picture 6: the whole "
            "model, its data and gradient on every node after a.backward().")
    s.graph(viz.draw(a2), "neuron_bias_as_w0.svg",
            "The notes' picture 4: the same neuron with the bias as w0 on the input x0 = +1.")
    s.number(f"output with b: {a1.data!r}   with w0, x0 = 1: {a2.data!r}")
    s.claim(a1.data == a2.data, "both neurons give the same output")
    s.claim(with_bias.b.grad == folded.w[0].grad and [w.grad for w in with_bias.w] == [w.grad for w in folded.w[1:]],
            "and the same gradients: ∂a/∂b = ∂a/∂w0, ∂a/∂wi equal for i ≥ 1")

    s.say(
        "Activations, and their derivatives as backward computes them. The step's derivative is 0 everywhere "
        "(undefined at 0), so no gradient flows through it: that is why networks trained by backpropagation "
        "use sigmoid, tanh or ReLU instead."
    )
    zs = np.linspace(-4, 4, 161 if not quick else 81)
    fig, (top, bottom) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    for name in ("step", "sigmoid", "tanh", "relu"):
        values, slopes = [], []
        for zv in zs:
            node = Value(float(zv))
            out = nn.ACTIVATIONS[name](node)
            out.backward()
            values.append(out.data)
            slopes.append(node.grad)
        top.plot(zs, values, label=name, drawstyle="steps-post" if name == "step" else "default")
        bottom.plot(zs, slopes, label=f"{name}′")
        if name == "sigmoid":
            s.claim(max(slopes) <= 0.25 + 1e-12, "σ′(z) = σ(z)(1 − σ(z)) is at most 1/4")
    top.set(title="activations σ(z)", xlabel="z", ylabel="σ(z)")
    bottom.set(title="their derivatives, from backward", xlabel="z", ylabel="dσ/dz")
    top.legend()
    bottom.legend()
    s.plot(fig, "neuron_activations.svg", "The notes' picture 5: step, sigmoid, tanh and ReLU, each point "
           "computed by the engine, and their derivatives from backward.", says=[
               pc.each_named("step, sigmoid, tanh and ReLU", pc.legend(0)),
               pc.fact("their derivatives from backward", lambda p: "backward" in p[1].title and [
                   c.label for c in p[1].curves] == [c.label + "′" for c in p[0].curves])])

    s.say(
        "The perceptron learns by its own rule, w ← w + lr·(y − ŷ)·x, because the step has no gradient. "
        "It finds a line that separates AND and OR, but no line separates XOR: it keeps making mistakes. "
        "Two layers can: an MLP with a tanh hidden layer, trained by backpropagation, learns XOR."
    )
    X, _ = nn.datasets.xor()
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.5), layout="constrained")  # ≥ 9 px on the page
    gx, gy, points = grid((-0.5, 1.5), (-0.5, 1.5), 41 if not quick else 21)
    results = {}
    for ax, (name, targets) in zip(axes, (("AND", AND), ("OR", OR), ("XOR", XOR))):
        p = nn.Perceptron(2, seed=seed)
        mistakes = p.fit(X, targets, lr=1.0, epochs=50)
        results[name] = mistakes
        region = np.array([p(q).data for q in points]).reshape(gx.shape)
        _regions(ax, gx, gy, region, X, targets, f"perceptron on {name}\n{mistakes[-1]} mistakes in epoch "
                 f"{len(mistakes)}")
    s.number("perceptron mistakes per epoch: " + "; ".join(f"{k}: {v[:8]}{'…' if len(v) > 8 else ''}"
                                                            for k, v in results.items()))
    s.claim(results["AND"][-1] == 0 and results["OR"][-1] == 0, "the perceptron learns AND and OR")
    s.claim(min(results["XOR"]) > 0, "the perceptron cannot learn XOR: every epoch has a mistake")
    mlp = nn.MLP(2, [8, 1], activation="tanh", seed=seed + 1)
    history = nn.fit(mlp, nn.binary_cross_entropy_with_logits, X, XOR, lr=0.5, epochs=300, quiet=True)
    region = np.array([float(mlp(q).data > 0) for q in points]).reshape(gx.shape)
    _regions(axes[3], gx, gy, region, X, XOR, f"MLP 2-8-1 on XOR\naccuracy {history.accuracy[-1]:.0%}")
    s.claim(history.accuracy[-1] == 1.0, "an MLP with one hidden layer learns XOR")
    s.plot(fig, "neuron_perceptron.svg", "Decision regions: the perceptron on AND, OR and XOR, and an MLP on XOR.",
           says=[pc.fact("Decision regions", lambda p: all(q.filled and q.scatters == 2 for q in p)),
                 pc.fact("the perceptron on AND, OR and XOR", lambda p: [q.title.split("\n")[0] for q in p[:3]] == [
                     f"perceptron on {n}" for n in pc.names("AND, OR and XOR")]),
                 pc.fact("an MLP on XOR", lambda p: len(p) == 4 and p[3].title.startswith("MLP")
                         and "on XOR" in p[3].title)])
    return s.finish()


def _regions(ax: Any, gx: np.ndarray, gy: np.ndarray, region: np.ndarray, X: list, targets: list,
             title: str) -> None:
    ax.contourf(gx, gy, region, levels=[-0.5, 0.5, 1.5], colors=["#dbe9f6", "#fde0c5"])
    pts = np.array(X)
    t = np.array(targets)
    ax.scatter(pts[t == 0, 0], pts[t == 0, 1], c="#1f77b4", s=70, label="y = 0", edgecolors="k")
    ax.scatter(pts[t == 1, 0], pts[t == 1, 1], c="#ff7f0e", s=70, label="y = 1", marker="s", edgecolors="k")
    ax.set(title=title, xlabel="x1", ylabel="x2")
    ax.title.set_fontsize(9)
    ax.legend(loc="center", fontsize=9)
