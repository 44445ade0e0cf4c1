"""The network view: neurons in layers, one edge per weight — the picture every course draws.

The op graph is for the chain rule; a network is read as inputs x1 … xn, then a
column of neurons per layer, each marked with its activation and holding its
bias, and one edge per weight, coloured by sign (blue +, red −) with its pen
width growing with |w| (or |∂J/∂w|).  Up to LABELLED_WEIGHTS, each edge carries
its weight's name and value in a label the edge runs through (a node of its own,
so no other edge can cross it).  Past MAX_WEIGHTS, each layer is one box with the
shape and statistics of its weight matrix, rather than a black band.

Models are read by their shape (``layers`` of ``neurons``, each with ``w``, ``b``
and ``activation``), so viz needs no import of nn.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from typing import Any

from autograd import OPS, Value, checks

from .rendering import Drawing
from .text import dot_html, fmt, printable

MAX_WEIGHTS = 1000  # past this, a layer is drawn as one box
LABELLED_WEIGHTS = 16  # up to this many weights, each edge is labelled with its value
POSITIVE, NEGATIVE, ZERO = "#1565c0", "#c62828", "#757575"  # blue +, red −, grey for 0 (neither)
NAMED = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "linear": "linear"}  # as the field writes them
FONT = "Helvetica"


def symbol(activation: str) -> str:
    """A unit's activation as the op table writes it (σ for sigmoid: the name its expression
    calls), but ReLU as the field writes it; linear is no op."""
    op = OPS.get(activation)
    call = re.fullmatch(r"(\S+)\(x(?:, y)?\)", op.expr) if op is not None else None
    return NAMED.get(activation) or (call.group(1) if call else activation)


def _layers(model: Any) -> list[list[Any]]:
    """The model as a list of layers, each a list of neurons (duck-typed: nn's classes)."""
    if hasattr(model, "layers"):
        layers = [list(layer.neurons) for layer in model.layers]
    elif hasattr(model, "neurons"):
        layers = [list(model.neurons)]
    elif hasattr(model, "w") and hasattr(model, "activation"):
        layers = [[model]]
    else:
        raise TypeError(f"draw_network takes an nn Neuron, Layer, MLP or Perceptron, got {type(model).__name__}")
    for layer in layers:
        for n in layer:
            if not all(isinstance(w, Value) for w in n.w):
                raise TypeError(f"draw_network: {type(model).__name__} has a weight that is not a Value")
    return layers


def _forward(layers: list[list[Any]], x: Sequence[float]) -> list[list[float]]:
    """Every neuron's output on input x, layer by layer (the model's own neurons compute them)."""
    values, inputs = [], list(x)
    for layer in layers:
        inputs = [float(n(inputs).data) for n in layer]
        values.append(inputs)
    return values


def draw_network(model: Any, x: Sequence[float] | None = None, show_grad: bool = False,
                 max_weights: int = MAX_WEIGHTS) -> Drawing:
    """Draw an nn Neuron, Layer, MLP or Perceptron as neurons in layers with one edge per weight.

    One graphviz node per input and per neuron, one edge per weight — nothing else, but for the
    labels of a small network (up to LABELLED_WEIGHTS weights): each is a node its edge runs through
    (two DOT edges, in at its left and out at its right), named as :func:`weight_names` says.
    With ``x``, every node shows its value on that input; with ``show_grad`` the pen
    width follows |∂J/∂w| (the weights' current ``.grad``) instead of |w|.  Past
    ``max_weights`` weights, each layer is one box with its weight matrix's statistics.
    """
    layers = _layers(model)
    nin = len(layers[0][0].w)
    if x is not None:
        if isinstance(x, (str, bytes)) or not hasattr(x, "__len__") or len(x) != nin:
            raise ValueError(f"draw_network: x must be a sequence of {nin} numbers")
        x = [float(v) for v in x]
    checks.integer(max_weights, "max_weights", type_error=ValueError)
    values = _forward(layers, x) if x is not None else None
    weights = sum(len(n.w) for layer in layers for n in layer)
    g = Drawing(name="network", format="svg")
    labelled = weights <= LABELLED_WEIGHTS
    # labelled: a column of weight labels between two layers, in the order of the units they feed
    g.attr(rankdir="LR", fontname=FONT, nodesep="0.08" if labelled else "0.12", ranksep="0.4" if labelled else "1.6",
           ordering="in" if labelled else "out", mclimit="0.01")
    g.attr("node", fontname=FONT, fontsize="11")
    g.attr("edge", fontname=FONT)
    if weights > max_weights:
        _summary(g, layers, values, x)
        g.caption = f"{weights:,} weights: each layer drawn as one box with its weight matrix"
        return g
    _inputs(g, nin, x)
    strength = [abs(w.grad if show_grad else w.data) for layer in layers for n in layer for w in n.w]
    top = max(strength) or 1.0
    label_edges = labelled
    # one column per layer (rank=same, not clusters: clusters let dot rotate a column's order)
    for i, layer in enumerate(layers):
        with g.subgraph(name=f"layer{i + 1}") as c:
            c.attr(rank="same")
            for j, n in enumerate(layer):
                c.node(f"L{i + 1}_{j + 1}", label=_neuron_label(n, j + 1, None if values is None else values[i][j]),
                       shape="plain")
    names = weight_names(layers)
    for i, layer in enumerate(layers):
        sources = [f"x{k + 1}" for k in range(nin)] if i == 0 else [f"L{i}_{k + 1}" for k in range(len(layers[i - 1]))]
        for j, n in enumerate(layer):
            for k, w in enumerate(n.w):
                size = abs(w.grad if show_grad else w.data)
                name = names[i][j][k]
                # colour and label tell one story: the sign of what the edge is labelled with
                attrs = {
                    "color": sign_colour(w.grad if show_grad else w.data) + ("" if label_edges else "66"),
                    "penwidth": f"{0.3 + 2.7 * size / top:.2f}",
                    "arrowsize": "0.4",
                    "tooltip": f"{name} = {fmt(w.data)}" + (f", ∂J/∂{name} = {fmt(w.grad)}" if show_grad else ""),
                }
                target = f"L{i + 1}_{j + 1}"
                if not label_edges:
                    g.edge(sources[k], target, **attrs)
                    continue
                # the label is a node the edge runs through: dot keeps every other edge off a node,
                # where it lets them cross an edge's own label
                text = f"∂J/∂{name} = {fmt(w.grad)}" if show_grad else f"{name} = {fmt(w.data)}"
                label = f"W{i + 1}_{j + 1}_{k + 1}"
                # a plain label is centred on its box, so dot's guess at the width of ∂ or ₁ errs on both
                # sides alike, where an HTML label starts at the left and all the error shows on the right
                g.node(label, label=printable(text).replace("\\", "\\\\"), shape="box", penwidth="0",
                       margin="0.04,0.02", width="0", height="0", fontsize="10", fontcolor=attrs["color"],
                       tooltip=attrs["tooltip"])
                # in at the label's west side, out at its east, never under or over its text
                g.edge(sources[k], label, arrowhead="none", headport="w", **attrs)
                g.edge(label, target, tailport="e", **attrs)
    what = "|∂J/∂w|" if show_grad else "|w|"
    signed = [w.grad if show_grad else w.data for layer in layers for n in layer for w in n.w]
    zero = ", grey zero" if any(v == 0 for v in signed) else ""
    columns = ", ".join(
        f"{'the output' if i == len(layers) - 1 and len(layers) > 1 else f'layer {i + 1}'} "
        f"({len(layer)} {symbol(layer[0].activation)})"
        for i, layer in enumerate(layers))
    g.caption = (f"columns, left to right: the {nin} inputs, {columns}; one edge per weight ({weights}), "
                 f"{'coloured by the sign of ∂J/∂w: ' if show_grad else ''}blue positive, red negative{zero}, "
                 f"thicker for larger {what}")
    return g


def weight_names(layers: list[list[Any]]) -> list[list[list[str]]]:
    """Every weight's name, by layer, unit and input: its own label where that tells it apart (θ1: no
    other weight has it, and it is more than its place in its neuron, the w1…wn nn gives every
    neuron), else w1…wn for a single neuron and W1₂₁ (layer 1's matrix, row 2 = the unit, column
    1 = the input it multiplies) in a model of several units, as the notes write Z1 = W1·X + b1."""
    labels = [w.label for layer in layers for n in layer for w in n.w]
    single = len(layers) == 1 and len(layers[0]) == 1
    names = []
    for i, layer in enumerate(layers):
        names.append([])
        for j, n in enumerate(layer):
            row = []
            for k, w in enumerate(n.w):
                if w.label and labels.count(w.label) == 1 and w.label != f"w{k + 1}":
                    row.append(w.label)
                elif single:
                    row.append(f"w{k + 1}")
                else:
                    comma = "," if j >= 9 or k >= 9 else ""
                    row.append(f"W{i + 1}{_sub(j + 1)}{comma}{_sub(k + 1)}")
            names[-1].append(row)
    return names


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def sign_colour(w: float) -> str:
    """A weight's edge colour: POSITIVE above zero, NEGATIVE below, ZERO for 0 (and −0), which is neither."""
    return POSITIVE if w > 0 else NEGATIVE if w < 0 else ZERO


def _inputs(g: Drawing, nin: int, x: Sequence[float] | None) -> None:
    with g.subgraph(name="inputs") as c:
        c.attr(rank="same")
        for k in range(nin):
            value = "" if x is None else f" = {fmt(x[k])}"
            c.node(f"x{k + 1}", label=f"<<B>x{k + 1}</B>{dot_html(value)}>", shape="box", style="rounded")


def _neuron_label(n: Any, index: int, value: float | None) -> str:
    rows = [f'<FONT COLOR="#777777">{index}</FONT> <B>{dot_html(symbol(n.activation))}</B>']
    if n.b is not None:
        rows.append(dot_html(f"b = {fmt(n.b.data)}"))
    if value is not None:
        rows.append(dot_html(f"a = {fmt(value)}"))
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    return f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2" STYLE="ROUNDED">{cells}</TABLE>>'


def _summary(g: Drawing, layers: list[list[Any]], values: list[list[float]] | None, x: Sequence[float] | None) -> None:
    """One box for the inputs and one per layer, with the shape and statistics of its weight matrix."""
    nin = len(layers[0][0].w)
    value = "" if x is None else "<BR/>" + dot_html(", ".join(fmt(v) for v in x[:4]) + (" …" if nin > 4 else ""))
    g.node("inputs", label=f"<<B>{nin} inputs</B>{value}>", shape="box", style="rounded")
    previous = "inputs"
    for i, layer in enumerate(layers):
        ws = [w.data for n in layer for w in n.w]
        spread = statistics.pstdev(ws) if len(ws) > 1 else 0.0
        rows = [
            f"<B>layer {i + 1}: {len(layer)} × {len(layer[0].w)} weights · "
            f"{dot_html(symbol(layer[0].activation))}</B>",
            dot_html(f"w: mean {fmt(statistics.fmean(ws))}, std {fmt(spread)}, "
                     f"range [{fmt(min(ws))}, {fmt(max(ws))}]"),
        ]
        if values is not None:
            outs = values[i]
            rows.append(dot_html(f"outputs: mean {fmt(statistics.fmean(outs))}, "
                                 f"{sum(1 for v in outs if v != 0 and not math.isnan(v))} of {len(outs)} non-zero"))
        g.node(f"L{i + 1}", label="<" + "<BR/>".join(rows) + ">", shape="box", style="rounded")
        g.edge(previous, f"L{i + 1}", label=f"{len(ws):,} weights", fontsize="10")
        previous = f"L{i + 1}"
