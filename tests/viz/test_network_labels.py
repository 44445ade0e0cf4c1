"""draw_network's weight labels are clear of every edge, as Chromium draws them.

The labels used to be Graphviz edge labels, and edges converging on a unit ran over their
neighbours' labels (picture 1's w2 and w3, picture 10's w2, a thick edge under picture 12's θ2).
Each label is now a node its edge runs through; the browser's geometry shows no edge on any text.
"""

from __future__ import annotations

import re

import pytest

import nn
import viz
from tests.browser import browser  # noqa: F401 - the fixture
from tests.svg_geometry import crossed_texts
from viz.network import _layers


def _perceptron() -> nn.Perceptron:  # the notes' picture 1
    p = nn.Perceptron(3, seed=0)
    p.b.data = -0.5
    return p


def _two_layer() -> nn.MLP:  # pictures 10 and 11
    from demos.weight_init import two_layer_check

    return two_layer_check(0)[0]


def _layered() -> nn.MLP:  # picture 12: θ1 = 0.5, θ2 = −1.2, the second edge thick
    model = nn.MLP(1, [1, 1], activation="sigmoid", bias=False, seed=0)
    for layer, name, value in ((0, "θ1", 0.5), (1, "θ2", -1.2)):
        weight = model.layers[layer].neurons[0].w[0]
        weight.label, weight.data = name, value
    return model


def _zero_init() -> nn.MLP:  # 1.4b's zero-initialised network: equal labels stacked in a column
    model = nn.MLP(2, [4, 1], activation="sigmoid", init="zeros", seed=0)
    X, y = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 1.0, 1.0, 0.0]
    nn.fit(model, nn.mse, X, y, lr=0.5, epochs=5, quiet=True)
    model.zero_grad()
    nn.mse([model(x) for x in X], y).backward()
    return model


def _deep() -> nn.MLP:  # three layers, 16 weights: the most that are labelled
    model = nn.MLP(2, [2, 3, 2], activation="tanh", seed=3)
    nn.mse([model([0.4, -0.7])[0]], [1.0]).backward()
    return model


CASES = {
    "picture 1": (_perceptron, [1.0, 0.0, 1.0], False),
    "picture 10": (_two_layer, [0.0, 1.0], False),
    "picture 11": (_two_layer, None, True),
    "picture 12": (_layered, [1.5], False),
    "zero init": (_zero_init, None, True),
    "three layers": (_deep, [0.4, -0.7], True),
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_edge_runs_over_a_label(case: str, browser, tmp_path) -> None:  # noqa: F811
    make, x, grads = CASES[case]
    model = make()
    svg = viz.render(viz.draw_network(model, x=x, show_grad=grads).source, "svg").decode("utf-8")
    weights = sum(len(n.w) for layer in _layers(model) for n in layer)
    assert len(re.findall(r"<title>W\d+_\d+_\d+</title>", svg)) == weights  # every weight labelled
    texts, crossed = crossed_texts(browser, svg, tmp_path)
    assert texts >= weights
    assert crossed == []


def test_the_check_sees_a_crossed_label(browser, tmp_path) -> None:  # noqa: F811
    """The same check on picture 10 drawn the old way (Graphviz edge labels) finds the crossings."""
    model = _two_layer()
    lines = ['digraph { rankdir=LR; ranksep=1.6; nodesep=0.12; node [fontname=Helvetica fontsize=11 shape=box];']
    for j, n in enumerate(model.layers[0].neurons):
        for k, w in enumerate(n.w):
            lines.append(f'x{k + 1} -> u{j + 1} [label="w{k + 1} = {viz.fmt(w.data)}" fontsize=10 '
                         f'penwidth={0.3 + 2.7 * abs(w.data):.2f}];')
    for k, w in enumerate(model.layers[1].neurons[0].w):
        lines.append(f'u{k + 1} -> out [label="w{k + 1} = {viz.fmt(w.data)}" fontsize=10];')
    svg = viz.render("\n".join(lines) + "}", "svg").decode("utf-8")
    _, crossed = crossed_texts(browser, svg, tmp_path)
    assert crossed, "the old layout's crossings were not seen"
