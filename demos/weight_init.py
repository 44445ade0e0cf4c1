"""1.4 Weight initialisation: zero init keeps units identical; vanishing and exploding gradients; Xavier and He."""

from __future__ import annotations

import math
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value

from . import plot_captions as pc
from .common import Section, out_folder, scientific

TITLE = "1.4 Weight initialisation"
SUMMARY = "zero init keeps units identical, random init breaks it; gradients vanishing, exploding, and level"


def normal(std: float) -> nn.init.Initializer:
    """An initialiser drawing from N(0, std²), whatever the layer's size."""
    def init(fan_in: int, fan_out: int, rng: np.random.Generator) -> float:
        return float(rng.normal(0.0, std))

    init.__name__ = f"N(0, {std:g}²)"
    return init


def backward_signal(model: nn.MLP, inputs: list, targets: list) -> list[float]:
    """The root mean square of ∂J/∂z over each layer's pre-activations z, for an MSE loss on a batch:
    the signal backward carries from the loss down towards the input, layer by layer."""
    zs: list[list[Value]] = [[] for _ in model.layers]
    outputs = []
    for x in inputs:
        for i, layer in enumerate(model.layers):
            x = layer(x)
            zs[i].extend(a.parents[0] if a.op in ("sigmoid", "tanh", "relu") else a for a in x)
        outputs.append(x[0])
    nn.mse(outputs, targets).backward()  # intermediate nodes now hold ∂J/∂node
    return [math.sqrt(sum(z.grad * z.grad for z in layer) / len(layer)) for layer in zs]


def two_layer_check(seed: int) -> tuple[nn.MLP, list, list, float]:
    """The notes' 2-layer network (2 inputs, 3 sigmoid units, a sigmoid output A2, and the
    cross-entropy on it) on m = 4 examples: the engine's gradients against the notes' matrix formulas,
    computed independently with numpy.  Returns the model, X, Y and the largest relative difference."""
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation="sigmoid", seed=seed)
    X, Y = nn.datasets.xor()
    Y = [float(t) for t in Y]
    model.zero_grad()
    nn.binary_cross_entropy([model(x) for x in X], Y).backward()  # the mean over m
    W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])
    b1 = np.array([[n.b.data] for n in model.layers[0].neurons])
    W2 = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])
    b2 = np.array([[n.b.data] for n in model.layers[1].neurons])
    Xm, Ym, m = np.array(X).T, np.array([Y]), len(X)
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    Z1 = W1 @ Xm + b1
    A1 = sig(Z1)
    A2 = sig(W2 @ A1 + b2)
    dZ2 = A2 - Ym
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * A1 * (1 - A1)
    dW1 = dZ1 @ Xm.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    engine = {
        "dW1": np.array([[w.grad for w in n.w] for n in model.layers[0].neurons]),
        "db1": np.array([[n.b.grad] for n in model.layers[0].neurons]),
        "dW2": np.array([[w.grad for w in n.w] for n in model.layers[1].neurons]),
        "db2": np.array([[n.b.grad] for n in model.layers[1].neurons]),
    }
    formulas = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
    worst = max(float(np.max(np.abs(engine[k] - formulas[k]) / np.maximum(1.0, np.abs(formulas[k]))))
                for k in engine)
    return model, X, Y, worst


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("weight_init", TITLE, out_folder(out_dir))
    s.say(
        "Zero initialisation: when every weight starts at 0, every unit of a layer computes the same thing and "
        "receives the same gradient, so the units stay identical however long the network trains: a layer of "
        "many units is no better than one. Random initialisation breaks this symmetry."
    )
    X, y = nn.datasets.moons(40 if quick else 80, seed=seed)
    y = [(t + 1) / 2 for t in y]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    for ax, init in zip(axes, ("zeros", "xavier_uniform")):
        model = nn.MLP(2, [6, 6, 1], activation="sigmoid", init=init, seed=seed)
        history = nn.fit(model, nn.mse, X, y, lr=0.5, epochs=20 if quick else 60, quiet=True)
        hidden = np.array([[w.data for w in n.w] + [n.b.data] for n in model.layers[1].neurons])
        distinct = len({tuple(row) for row in hidden})
        image = ax.imshow(hidden, cmap="coolwarm", aspect="auto")
        fig.colorbar(image, ax=ax)
        ax.set(title=f"init={init}: {distinct} distinct unit{'s' if distinct != 1 else ''} after training",
               xlabel="weights w1…w6 and bias b", ylabel="unit of layer 2", xticks=range(7),
               xticklabels=[f"w{i}" for i in range(1, 7)] + ["b"], yticks=range(6), yticklabels=range(1, 7))
        ax.grid(False)
        s.number(f"init={init}: loss {viz.fmt(history.loss[0])} → {viz.fmt(history.loss[-1])}, "
                 f"{distinct} distinct unit{'s' if distinct != 1 else ''} in layer 2")
        if init == "zeros":
            s.claim(distinct == 1 and hidden.any(), "zero init: the 6 units of layer 2 trained, and stayed identical")
        else:
            s.claim(distinct == len(hidden), "random init: every unit is different")
    s.plot(fig, "weight_init_symmetry.svg", "Layer 2's weights after training, one row per unit.", says=[
        pc.fact("Layer 2's weights", lambda p: all("layer 2" in q.ylabel and "weights" in q.xlabel for q in p)),
        pc.fact("one row per unit", lambda p: len(p) == 2 and all(
            len(q.images) == 1 and q.images[0].shape[0] == len(q.yticks) for q in p))])

    s.say(
        "Forward and backward propagation, as the notes write them for a 2-layer network on m examples: "
        "Z1 = W1·X + b1, A1 = g(Z1), Z2 = W2·A1 + b2, A2 = g(Z2); then dZ2 = A2 − Y, dW2 = dZ2·A1ᵀ/m, "
        "dZ1 = W2ᵀ·dZ2 ∗ g′(Z1), dW1 = dZ1·Xᵀ/m. The engine never uses these matrices: it builds the graph "
        "one scalar at a time and runs backward. Computed independently with numpy, the formulas agree with it."
    )
    net, X2, Y2, worst = two_layer_check(seed)
    drawing = viz.draw_network(net, x=X2[1])
    s.graph(drawing, "weight_init_forward.svg",
            f"The notes' picture 10: forward propagation through the 2-layer network (2 inputs, 3 sigmoid units, "
            f"a sigmoid output) on the example x1 = {viz.fmt(X2[1][0])}, x2 = {viz.fmt(X2[1][1])}: each unit shows "
            "its output a. Each weight is named by its place in the notes' matrices: W1₂₁ is row 2, column 1 of "
            "W1, the weight from x1 into unit 2, and W2₁₁, W2₁₂, W2₁₃ carry the three units' outputs into the "
            "output unit.")
    s.graph(viz.draw_network(net, show_grad=True), "weight_init_backward.svg",
            "The notes' picture 11: backward propagation on the m = 4 XOR examples with the cross-entropy: each "
            "edge is a weight, labelled with ∂J/∂w and coloured by its sign (blue positive, red negative), its pen "
            "width |∂J/∂w|; ∂J/∂W1₂₁ is row 2, column 1 of dW1, as the weights are named in picture 10.")
    s.number(f"the largest difference between the engine's gradients and dW1, db1, dW2, db2 from the formulas: "
             f"{scientific(worst)}")
    s.claim(worst <= 1e-12, "the engine's gradients equal the notes' matrix formulas to 10⁻¹²")

    s.say(
        "Vanishing and exploding gradients. A deep network of 16-unit layers, a batch of inputs, and the "
        "root mean square of ∂J/∂z over each layer's units, from one backward pass. With sigmoid, every "
        "layer multiplies the gradient by σ′(z) ≤ 1/4 on its way back, so it shrinks layer after layer: the first "
        "layers barely learn. With ReLU and weights that are too large, activations and gradients blow up. "
        "Xavier initialisation (for tanh) and He initialisation (for ReLU) scale the weights by the layer's size "
        "so that the gradient keeps its size from layer to layer."
    )
    depth, batch = (6, 8) if quick else (8, 16)
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch, 8)).tolist()
    targets = rng.normal(size=batch).tolist()
    configs = {
        "sigmoid, Xavier": ("sigmoid", "xavier_normal"),
        "ReLU, N(0, 1.5²)": ("relu", normal(1.5)),
        "tanh, Xavier": ("tanh", "xavier_normal"),
        "ReLU, He": ("relu", "he_normal"),
    }
    norms = {}
    for name, (activation, init) in configs.items():
        model = nn.MLP(8, [16] * depth + [1], activation=activation, init=init, seed=seed)
        norms[name] = backward_signal(model, inputs, targets)
        s.number(f"{name:>17}: " + "  ".join(scientific(v) for v in norms[name]))
    fig, ax = plt.subplots(figsize=(8, 4))
    layers = range(1, depth + 2)
    for name, values in norms.items():
        ax.plot(layers, values, "o-", label=name)
    ax.set(yscale="log", xlabel=f"layer (1 = next to the input, {depth + 1} = the output; backward runs right to left)",
           ylabel="RMS of ∂J/∂z", title=f"the backward signal per layer, {depth} hidden layers of 16")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    s.plot(fig, "weight_init_gradients.svg", "How big ∂J/∂z is at each layer, as backward carries it from the "
           "loss (right) to the input (left), for four activation/initialisation pairs.", says=[
               pc.fact("How big ∂J/∂z is at each layer", lambda p: "∂J/∂z" in p[0].ylabel and all(
                   list(c.x) == list(range(1, depth + 2)) for c in p[0].curves)),
               pc.fact("from the loss (right) to the input (left)", lambda p: "1 = next to the input" in p[0].xlabel
                       and f"{depth + 1} = the output" in p[0].xlabel),
               pc.count("four activation/initialisation pairs", lambda p: len(
                   [c for c in p[0].curves if c.label in p[0].legend and ", " in c.label]))])
    sig = norms["sigmoid, Xavier"]
    s.claim(sig[0] < 1e-2 * sig[-2], "sigmoid: ∂J/∂z at the first layer is under 1/100 of the last hidden layer's "
            f"(the ratio of the two is {viz.fmt(sig[0] / sig[-2], 2)}): vanishing")
    big = norms["ReLU, N(0, 1.5²)"]
    hidden = big[:-1]
    s.claim(all(a > b for a, b in zip(hidden, hidden[1:])) and hidden[0] > 100 * hidden[-1],
            "ReLU with large weights: ∂J/∂z grows at every hidden layer toward the input, "
            f"{scientific(hidden[0] / hidden[-1])}× from the last hidden layer to the first: exploding")
    s.say(
        "Large weights make sigmoid and tanh units saturate: z lands far out on the flat tails, where "
        "σ′(z) is nearly 0, so those units pass almost no gradient back (the notes' 1.4.3 a). Here is the share "
        "of hidden units, over the whole batch, whose local derivative σ′(z) — read straight off the graph — "
        "is below 0.01."
    )
    for name, init in (("N(0, 4²)", normal(4.0)), ("Xavier", "xavier_normal")):
        model = nn.MLP(8, [16] * depth + [1], activation="sigmoid", init=init, seed=seed)
        slopes = []
        for x in inputs:
            for layer in model.layers[:-1]:
                x = layer(x)
                slopes.extend(a.local_grads[0] for a in x)  # each a = σ(z) records σ′(z)
        saturated = sum(g < 0.01 for g in slopes) / len(slopes)
        s.number(f"sigmoid, {name}: {saturated:.0%} of hidden units have σ′(z) < 0.01")
        if name == "Xavier":
            s.claim(saturated < 0.05, "with Xavier's weights almost no unit is saturated")
        else:
            s.claim(saturated > 0.5, "with weights of size 4, most units are saturated")
    for name in ("tanh, Xavier", "ReLU, He"):
        hidden = norms[name][:-1]
        s.claim(max(hidden) < 10 * min(hidden),
                f"{name}: ∂J/∂z of every hidden layer within a factor 10 of the others")
    return s.finish()
