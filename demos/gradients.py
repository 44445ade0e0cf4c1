"""1.4b When gradients go wrong: dead ReLUs, zero initialisation, NaN through log(0), a vanishing chain — each
diagnosed by viz.why on the learner's own graph."""

from __future__ import annotations

import math
import os
import re
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value
from viz.network import weight_names
from viz.notation import SUBSCRIPT

from . import plot_captions as pc
from .common import Section, out_folder

TITLE = "1.4b When gradients go wrong"
SUMMARY = "viz.why explains a zero, tiny or NaN gradient: dead ReLUs, zero-init symmetry, log(0), a vanishing chain"
DEAD_BIAS = -10.0  # with weights of He's size and inputs of the moons' size, z = w·x − 10 is never positive


def name_parameters(model: nn.MLP) -> None:
    """Each weight and bias labelled by its place in the notes' matrices (W1₁₂ = row 1, column 2 of
    W1; b1₁), as draw_network names them."""
    names = weight_names([list(layer.neurons) for layer in model.layers])
    for i, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                w.label = names[i][j][k]
            if neuron.b is not None:
                neuron.b.label = f"b{i + 1}{str(j + 1).translate(SUBSCRIPT)}"


def labelled_forward(model: nn.MLP, x: list[float], y: float) -> Value:
    """The model on one example with its z and a named as the notes name them (z11, a11, …), each
    weight and bias by its place in the notes' matrices (W1₁₂ = row 1, column 2 of W1; b1₁), as
    draw_network names them, and J = (ŷ − y)²: a graph small enough to read, no two boxes alike."""
    name_parameters(model)
    inputs: list = [Value(v, label=f"x{i + 1}") for i, v in enumerate(x)]
    for i, layer in enumerate(model.layers, 1):
        outputs = []
        for j, neuron in enumerate(layer.neurons, 1):
            a = neuron(inputs)
            z = a.parents[0] if a.op in ("relu", "sigmoid", "tanh") else a
            z.label = f"z{i}{j}"
            if a is not z:
                a.label = f"a{i}{j}"
            outputs.append(a)
        inputs = outputs
    J = (inputs[0] - y) ** 2
    J.label = "J"
    return J


class NamedMLP(nn.MLP):
    """An MLP whose every forward names its nodes as the notes name them: weights W1₁₂ and biases b1₁,
    each unit's z11 and a11, and each weighted input (W2₁₁·a11), so that what viz.why and nn.fit
    say about the graph of a batch uses names a learner can find, not the engine's n6120."""

    def __call__(self, xs: list) -> Value | list[Value]:
        if not self.layers[0].neurons[0].w[0].label.startswith("W"):
            name_parameters(self)
        out = super().__call__(xs)
        place = {w: (i, j, k) for i, layer in enumerate(self.layers, 1) for j, neuron in enumerate(layer.neurons, 1)
                 for k, w in enumerate(neuron.w, 1)}
        for j, a in enumerate([out] if isinstance(out, Value) else out, 1):
            _name_unit(a, len(self.layers), j, place)
        return out


def _name_unit(a: Value, i: int, j: int, place: dict) -> None:
    """Names unit j of layer i from its output back: a and z, each weighted input, and the units feeding it."""
    if a.label:
        return
    z = a.parents[0] if a.op in ("relu", "sigmoid", "tanh") else a
    if a is not z:
        a.label = f"a{i}{j}"
    z.label = f"z{i}{j}"
    terms, n = [], z
    while n.op == "add":  # z = b + w1·x1 + … + wn·xn, summed left to right
        terms.append(n.parents[1])
        n = n.parents[0]
    for product in [*terms, n]:
        if product.op != "mul" or product.parents[0] not in place:
            continue
        w, x = product.parents
        k = place[w][2]
        if not x.is_constant:
            _name_unit(x, i - 1, k, place)
        product.label = f"({w.label}·{x.label if not x.is_constant else f'x{k}'})"


def _fit(model: nn.MLP, X: list, y: list, lr: float, batched: bool = False) -> tuple[nn.train.History, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        history = nn.fit(model, nn.mse, X, y, lr=lr, epochs=30, quiet=True, batched=batched)
    return history, [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]


def dead_relus(s: Section, quick: bool, seed: int) -> None:
    s.say(
        "Dead ReLUs. A ReLU unit passes gradient only where its input z is positive: for z ≤ 0 its local "
        f"derivative is exactly 0. Here every hidden unit of a 2-8-1 ReLU network starts with the bias "
        f"{viz.fmt(DEAD_BIAS)}, so z = w·x + b is negative on every example of the moons: no gradient reaches a "
        "first-layer weight, and the network stops learning as soon as the output bias has settled. nn.fit notices "
        "that the loss has stalled and quotes viz.why."
    )
    X, y = nn.datasets.moons(40 if quick else 80, seed=seed)
    y = [(t + 1) / 2 for t in y]
    model = NamedMLP(2, [8, 1], activation="relu", seed=seed)
    for n in model.layers[0].neurons:
        n.b.data = DEAD_BIAS
    before = [w.data for n in model.layers[0].neurons for w in n.w]
    history, messages = _fit(model, X, y, 0.25)
    after = [w.data for n in model.layers[0].neurons for w in n.w]
    J = nn.mse([model(x) for x in X], y)
    report = viz.why(J, model)
    s.number(report.text())
    stalled = [m for m in messages if "has not changed" in m]
    if stalled:
        s.number("nn.fit warned: " + stalled[0])
    s.claim(report.layers[0].dead == list(range(1, 9)), "all 8 hidden units are dead on every example")
    s.claim(before == after, "training never changed a first-layer weight: each of their gradients was exactly 0")
    s.claim(bool(stalled) and "dead relu" in stalled[0], "nn.fit warned that the loss stalled, quoting a dead relu")
    small = nn.MLP(2, [3, 1], activation="relu", seed=seed)
    for n in small.layers[0].neurons:
        n.b.data = DEAD_BIAS
    J1 = labelled_forward(small, X[0], y[0])
    w = small.layers[0].neurons[0].w[0]
    r = viz.why(J1, w)
    s.number(r.text())
    s.claim(r.verdict == "zero" and [c.kind for c in r.causes] == ["dead relu"] and r.causes[0].nodes[0].label == "a11",
            f"on one example, why(J, {w.label}) names the dead relu a11, which blocks the only path to {w.label}")
    s.graph(r.draw(), "gradients_dead_relu.svg",
            f"viz.why(J, {w.label}) on one example of a 2-3-1 ReLU network with biases at −10: the edge "
            f"∂a11/∂z11 = 0 (red) blocks the only path from J down to {w.label}, the weight from x1 into unit 1.")
    s.say(
        "The remedy the notes give: He initialisation with biases at 0, so that about half of each unit's inputs "
        "land on the live side, and a smaller learning rate (0.1 here), since a large step can push a unit's z "
        "below 0 for every example and kill it during training."
    )
    fixed = nn.MLP(2, [8, 1], activation="relu", seed=seed)  # He initialisation, biases 0
    fixed_history, _ = _fit(fixed, X, y, 0.1, batched=True)
    J2 = nn.mse([fixed(x) for x in X], y)
    fixed_report = viz.why(J2, fixed)
    s.number(fixed_report.text())
    s.number(f"with dead units: loss {viz.fmt(history.loss[0])} → {viz.fmt(history.loss[-1])}; "
             f"He initialisation, biases 0, lr 0.1: loss {viz.fmt(fixed_history.loss[0])} → "
             f"{viz.fmt(fixed_history.loss[-1])}, {len(fixed_report.layers[0].dead)} of 8 units dead")
    s.claim(fixed_history.loss[-1] < 0.9 * history.loss[-1] and len(fixed_report.layers[0].dead) < 8,
            "fixed: units are alive and the loss falls below the stalled one")


def zero_init(s: Section, seed: int) -> None:
    s.say(
        "Zero initialisation is not a blocked path but a symmetry: every unit of a layer computes the same thing "
        "and gets the same gradient, so the units stay copies of each other. viz.why(J, model) compares the units "
        "of each layer, weights and gradients, and names the identical ones."
    )
    X, y = nn.datasets.moons(12, seed=seed)
    y = [(t + 1) / 2 for t in y]
    model = nn.MLP(2, [4, 1], activation="sigmoid", init="zeros", seed=seed)
    nn.fit(model, nn.mse, X, y, lr=0.5, epochs=5, quiet=True)
    J = nn.mse([model(x) for x in X], y)
    model.zero_grad()
    J.backward()  # the drawing's pen widths are the .grad backward leaves
    r = viz.why(J, model)
    s.number(r.text())
    s.claim(r.layers[0].identical == [[1, 2, 3, 4]] and "identical units" in [c.kind for c in r.causes],
            "after 5 epochs from zero init, the 4 hidden units are still identical, and why says so")
    bias = model.layers[0].neurons[0].b.data
    s.graph(r.draw(), "gradients_zero_init.svg",
            "viz.why(J, model).draw() after training from zero init: the 4 hidden units have the same bias "
            f"(b = {viz.fmt(bias)}) and the same gradients (on the edges, pen width |∂J/∂w|): ∂J/∂W1₁₁ = ∂J/∂W1₂₁ "
            "= ∂J/∂W1₃₁ = ∂J/∂W1₄₁ on the weights from x1 into units 1 to 4. The drawing shows gradients, not the "
            "weights themselves; that the weights are equal too is why's text above.")


def nan_through_log(s: Section, seed: int) -> None:
    s.say(
        "A loss that turns NaN through log(0). The engine refuses log(0) outright, but a probability can be 0 to a "
        "float's precision without being 0: σ(z) for z below about −710 is a subnormal number. Its log is finite, "
        "yet the derivative of log there, 1/p, is too large for a float: ∞ (and J = −log p carries it down as −∞). "
        "One step further down, −∞ meets the input x2 = 0, and −∞ × 0 is NaN. viz.why names the node where it "
        "starts, and nn.fit stops before the "
        "update that would have made every weight NaN."
    )
    rng = np.random.default_rng(seed)
    x = [Value(1.0, label="x1"), Value(0.0, label="x2")]
    w = [Value(-float(rng.uniform(712.0, 740.0)), label="w1"), Value(float(rng.normal()), label="w2")]
    z = w[0] * x[0] + w[1] * x[1]
    z.label = "z"
    p = z.sigmoid()
    p.label = "p"
    J = -p.log()
    J.label = "J"
    J.backward()
    r = viz.why(J, w[1])
    s.number(r.text())
    log_node = J.parents[0]
    first = r.causes[0] if r.causes else None
    s.claim(r.verdict == "nan" and first is not None and first.kind == "not finite here"
            and first.nodes[:2] == (log_node, p), "why(J, w2) is nan, traced to the log of p")
    s.graph(r.draw(), "gradients_nan.svg",
            "viz.why(J, w2): ∂log(p)/∂p = 1/p = ∞ where p underflowed; carried down as −∞, it is multiplied at w2 "
            "by the input x2, which is 0: −∞ × 0 = NaN (red).")
    neuron = nn.Neuron(2, activation="sigmoid", seed=seed)
    neuron.w[0].data, neuron.w[1].data = w[0].data, w[1].data
    try:
        nn.fit(neuron, _minus_log_p, [[1.0, 0.0]], [1.0], lr=0.1, epochs=2, quiet=True)
        message = ""
    except FloatingPointError as error:
        message = str(error)
    if message:
        s.number("nn.fit: " + message)
    s.claim("not finite here" in message and "log" in message,
            "nn.fit stops with an error that quotes why's verdict and the log's node")


def _minus_log_p(ps: list[Value], ts: list) -> Value:
    """−log p with p and log p named, so that nn.fit's message names the nodes as the text does."""
    p = ps[0]
    p.label = "p"
    log_p = p.log()
    log_p.label = "log p"
    return -log_p


def vanishing_chain(s: Section, seed: int) -> None:
    s.say(
        "Vanishing gradients. Twenty sigmoids in a chain, a_k = σ(a_(k−1)) from a0 = θ, the last of them the "
        "loss: J = a20 = σ(a19). Each factor σ′ is at most 1/4, so ∂J/∂θ, the product of the twenty, is below "
        "4⁻²⁰ ≈ 1e−12. viz.why finds the largest path and reads its factors off the graph."
    )
    rng = np.random.default_rng(seed)
    θ = Value(float(rng.normal()), label="θ")
    a = θ
    chain = [θ]
    for k in range(1, 21):
        a = a.sigmoid()
        a.label = f"a{k}" if k < 20 else "J"  # a20 is the loss, and named J as the text and the plot name it
        chain.append(a)
    J = a
    J.backward()
    r = viz.why(J, θ)
    s.number(r.text())
    cause = r.causes[0] if r.causes else None
    factors = [v for _, v in cause.terms] if cause else []
    s.claim(r.verdict == "tiny" and cause is not None and cause.kind == "vanishing product" and len(factors) == 20,
            "why(J, θ) is tiny: a vanishing product of 20 factors")
    s.claim(all(0 < f <= 0.25 for f in factors) and math.isclose(math.prod(factors), r.grad, rel_tol=1e-12),
            "each factor is at most 1/4, and their product is ∂J/∂θ")
    s.graph(in_two_columns(r.draw(), chain), "gradients_vanishing_graph.svg",
            "viz.why(J, θ) on the chain, from θ up the left column to a10, across, and down the right one "
            "to J = σ(a19): every edge a factor σ′ (red, with its value).")
    fig, ax = plt.subplots(figsize=(8, 3.2))
    running = np.cumprod(factors)
    ax.bar(range(1, 21), factors, color="#90caf9", label="the factor σ′ of each link")
    ax.plot(range(1, 21), running, "o-", color="#c62828", label="the product so far, from J down")
    ax.set(yscale="log", xlabel="link from J down to θ", ylabel="value (log scale)", xticks=range(1, 21),
           title=f"∂J/∂θ = {viz.fmt(r.grad)}: twenty factors of at most 1/4")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    s.plot(fig, "gradients_vanishing.svg", "The factors of ∂J/∂θ along the chain and their running product.", says=[
        pc.fact("The factors of ∂J/∂θ along the chain", lambda p: "∂J/∂θ" in p[0].title and len(p[0].bars) == 20),
        pc.fact("their running product", lambda p: bool(np.allclose(p[0].curves[0].y, np.cumprod(p[0].bars),
                                                                    rtol=1e-12)))])


def in_two_columns(drawing: viz.Drawing, chain: list[Value]) -> viz.Drawing:
    """A long chain's drawing folded in two, a column up and a column down (not one column
    twenty boxes tall): the second half's edges are written head to tail with the arrow turned
    back, so they keep their direction and run downward, and the two middle nodes share a rank."""
    ids = [drawing.node_ids[v] for v in chain]
    down = set(ids[(len(ids) + 1) // 2:])
    for i, line in enumerate(drawing.body):
        m = re.fullmatch(r"\t(n\d+) -> (n\d+) \[(.*)\]\s*", line)
        if m and m.group(1) in down:
            drawing.body[i] = f"\t{m.group(2)} -> {m.group(1)} [{m.group(3)} dir=back]\n"
    drawing.body.append(f"\t{{rank=same; {ids[(len(ids) + 1) // 2 - 1]}; {ids[(len(ids) + 1) // 2]}}}\n")
    return drawing


def run(out_dir: str | os.PathLike, quick: bool = False, seed: int = 0) -> list[Path]:
    s = Section("gradients", TITLE, out_folder(out_dir))
    s.say(
        "∂J/∂θ is the sum over every path from J down to θ of the product of the local derivatives along it. "
        "So a gradient is 0 when every path is blocked by a local derivative that is exactly 0, tiny when every "
        "product is small, and NaN from the first node whose value or local derivative is not finite. "
        "viz.why(J, θ) finds which, on the graph in front of it, in one pass and without listing paths."
    )
    dead_relus(s, quick, seed)
    zero_init(s, seed)
    nan_through_log(s, seed)
    vanishing_chain(s, seed)
    return s.finish()
