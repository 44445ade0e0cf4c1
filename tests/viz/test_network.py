"""draw_network: the course picture of a model, one node per input and neuron, one edge per weight."""

from __future__ import annotations

import re

import pytest

import nn
import viz
from viz.network import LABELLED_WEIGHTS, NEGATIVE, POSITIVE

NODE = re.compile(r"^\t+(\w+) \[label=", re.M)
EDGE = re.compile(r"^\t(\w+) -> (\w+) \[(.*)\]$", re.M)
LABEL = re.compile(r'^\t(W\d+_\d+_\d+) \[label="([^"]*)"', re.M)


def wires(source: str) -> list[tuple[str, str, str, str | None]]:
    """One (from, to, attributes, label) per weight, in the order written: a labelled weight is drawn
    as two DOT edges through its label's node (from → label → to), an unlabelled one as one edge."""
    labels = dict(LABEL.findall(source))
    edges = EDGE.findall(source)
    into = {b: (a, attrs) for a, b, attrs in edges if b in labels}
    out = []
    for a, b, attrs in edges:
        if a in labels:
            out.append((into[a][0], b, attrs, labels[a]))
            first = re.sub(r"arrowhead=none | headport=w| minlen=2| tailport=e", "", into[a][1])
            assert first == attrs.replace(" tailport=e", ""), "the two halves of a wire look alike"
        elif b not in labels:
            out.append((a, b, attrs, None))
    return out


def counts(drawing: viz.Drawing) -> tuple[int, int]:
    """Inputs and neurons, and weights (wires)."""
    nodes = [n for n in NODE.findall(drawing.source) if not re.fullmatch(r"W\d+_\d+_\d+", n)]
    return len(nodes), len(wires(drawing.source))


def pen(attrs: str) -> float:
    return float(re.search(r"penwidth=([\d.]+)", attrs).group(1))


@pytest.mark.parametrize("make, inputs, neurons, weights", [
    (lambda: nn.MLP(3, [4, 2], seed=0), 3, 6, 3 * 4 + 4 * 2),
    (lambda: nn.MLP(2, [16, 16, 1], seed=1), 2, 33, 2 * 16 + 16 * 16 + 16),
    (lambda: nn.Layer(5, 3, seed=0), 5, 3, 15),
    (lambda: nn.Neuron(4, seed=0), 4, 1, 4),
    (lambda: nn.Perceptron(2, seed=0), 2, 1, 2),
])
@pytest.mark.parametrize("with_x", [False, True])
@pytest.mark.parametrize("show_grad", [False, True])
def test_exactly_one_node_per_input_and_neuron_and_one_edge_per_weight(make, inputs, neurons, weights, with_x,
                                                                        show_grad) -> None:
    model = make()
    x = [0.5, -1.0, 0.25, 2.0, -0.5][:inputs] if with_x else None
    drawing = viz.draw_network(model, x=x, show_grad=show_grad)
    assert counts(drawing) == (inputs + neurons, weights)
    labelled = weights <= LABELLED_WEIGHTS  # each weight's label is a node its edge runs through
    assert drawing.counts() == (inputs + neurons + weights * labelled, weights * (1 + labelled))
    assert all((label is not None) == labelled for *_, label in wires(drawing.source))
    viz.render(drawing.source)  # and it lays out


def test_edges_are_coloured_by_sign_and_sized_by_magnitude() -> None:
    model = nn.MLP(2, [3, 1], seed=4)
    edges = wires(viz.draw_network(model).source)
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    # edges are written neuron by neuron, weight by weight: the same order as parameters()
    assert len(edges) == len(weights)
    for (_, _, attrs, _), w in zip(edges, weights):
        assert (POSITIVE if w.data >= 0 else NEGATIVE) in attrs
    biggest = max(range(len(weights)), key=lambda i: abs(weights[i].data))
    assert pen(edges[biggest][2]) == max(pen(a) for _, _, a, _ in edges) == 3.0


def test_show_grad_sizes_edges_by_the_gradient() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=2)
    nn.mse([model([0.3, -0.6])], [1.0]).backward()
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    edges = wires(viz.draw_network(model, show_grad=True).source)
    steepest = max(range(len(weights)), key=lambda i: abs(weights[i].grad))
    assert pen(edges[steepest][2]) == 3.0
    # colour and label tell the same story, the sign of ∂J/∂w, and the label keeps the weight's name
    assert any(w.grad * w.data < 0 for w in weights)  # some edge where the two signs differ
    source = viz.draw_network(model, show_grad=True).source
    names = [f"W1{j}{k}" for j in "₁₂₃" for k in "₁₂"] + [f"W2₁{k}" for k in "₁₂₃"]
    for (_, _, attrs, label), w, name in zip(edges, weights, names):
        colour = POSITIVE if w.grad > 0 else NEGATIVE
        assert f'color="{colour}"' in attrs and label == f"∂J/∂{name} = {viz.fmt(w.grad)}"
        assert f'label="{label}" fontcolor="{colour}"' in source


def test_weights_keep_their_own_names() -> None:
    model = nn.MLP(1, [1, 1], activation="sigmoid", bias=False, seed=0)
    model.layers[0].neurons[0].w[0].label = "θ1"
    model.layers[1].neurons[0].w[0].label = "θ2"
    source = viz.draw_network(model).source
    assert f'label="θ1 = {viz.fmt(model.layers[0].neurons[0].w[0].data)}"' in source
    assert f'label="θ2 = {viz.fmt(model.layers[1].neurons[0].w[0].data)}"' in source and "w1 =" not in source


def test_values_on_an_input_are_the_models_own() -> None:
    model = nn.MLP(2, [2, 1], activation="sigmoid", seed=3)
    source = viz.draw_network(model, x=[0.5, -0.3]).source
    assert "x1</B> = 0.5" in source and "x2</B> = −0.3" in source
    assert f"a = {viz.fmt(model([0.5, -0.3]).data)}" in source
    hidden = model.layers[0].neurons[1]([0.5, -0.3]).data
    assert f"a = {viz.fmt(hidden)}" in source


def test_neurons_show_their_activation_and_bias_in_order() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
    source = viz.draw_network(model).source
    ids = NODE.findall(source)
    assert [i for i in ids if not i.startswith("W")] == ["x1", "x2", "L1_1", "L1_2", "L1_3", "L2_1"]
    assert [i for i in ids if i.startswith("W")] == [f"W1_{j}_{k}" for j in (1, 2, 3) for k in (1, 2)] + [
        f"W2_1_{k}" for k in (1, 2, 3)]
    assert source.count("<B>tanh</B>") == 3 and source.count("<B>σ</B>") == 1
    assert "b = 0" in source


def test_each_activation_is_marked_as_the_op_table_writes_it() -> None:
    from autograd import OPS
    from nn.module import activation_names
    from viz.network import symbol

    for name in activation_names():
        if name in ("relu", "leaky_relu", "linear"):  # written as the field writes them
            continue
        expr = OPS[name].expr
        called = expr.endswith("(x)") and " " not in expr  # σ(x), sin(x); x^3 calls nothing: its name
        assert symbol(name) == (expr[:-3] if called else name), name
    model = nn.MLP(1, [2, 1], activation="sin", output_activation="relu", seed=0)
    source = viz.draw_network(model).source
    assert source.count("<B>sin</B>") == 2 and source.count("<B>ReLU</B>") == 1


def test_small_networks_label_each_weight() -> None:
    p = nn.Perceptron(3, seed=0)
    source = viz.draw_network(p).source
    for k, w in enumerate(p.w):
        assert f"w{k + 1} = {viz.fmt(w.data)}" in source


def _names(model) -> list[list[list[str]]]:
    from viz.network import _layers, weight_names

    return weight_names(_layers(model))


def test_weight_names_take_a_comma_from_the_tenth_unit_or_input_on() -> None:
    # W1 row j (the unit), column k (the input): two subscripts run together until one has two digits
    units = _names(nn.Layer(1, 10, seed=0))[0]
    assert [row[0] for row in units] == ["W1₁₁", "W1₂₁", "W1₃₁", "W1₄₁", "W1₅₁", "W1₆₁", "W1₇₁", "W1₈₁", "W1₉₁",
                                         "W1₁₀,₁"]
    inputs = _names(nn.Layer(10, 2, seed=0))[0]
    assert inputs[1][8:] == ["W1₂₉", "W1₂,₁₀"]


def test_one_neuron_names_its_weights_w1_to_wn_and_a_layer_of_several_by_row_and_column() -> None:
    assert _names(nn.Neuron(2, seed=0)) == [[["w1", "w2"]]]
    assert _names(nn.Layer(2, 2, seed=0)) == [[["W1₁₁", "W1₁₂"], ["W1₂₁", "W1₂₂"]]]


def test_a_label_two_weights_share_names_neither() -> None:
    model = nn.Layer(2, 2, seed=0)
    model.neurons[0].w[0].label = "θ"
    model.neurons[1].w[0].label = "θ"
    model.neurons[1].w[1].label = "φ"
    assert _names(model) == [[["W1₁₁", "W1₁₂"], ["W1₂₁", "φ"]]]


def test_past_max_weights_each_layer_is_one_box() -> None:
    model = nn.MLP(4, [40, 30, 1], seed=0)
    drawing = viz.draw_network(model, x=[0.1, 0.2, 0.3, 0.4])
    assert counts(drawing) == (1 + 3, 3)  # the inputs and three layers, one edge between each
    source = drawing.source
    assert "layer 2: 30 × 40 weights" in source and "1,200 weights" in source
    assert "std" in source and "non-zero" in source
    assert counts(viz.draw_network(model, max_weights=10_000)) == (4 + 71, 4 * 40 + 40 * 30 + 30)


@pytest.mark.parametrize("call, error, words", [
    (lambda: viz.draw_network("model"), TypeError, "Neuron, Layer, MLP or Perceptron"),
    (lambda: viz.draw_network(nn.MLP(2, [1], seed=0), x=[1.0]), ValueError, "2 numbers"),
    (lambda: viz.draw_network(nn.MLP(2, [1], seed=0), max_weights=0), ValueError, "max_weights"),
])
def test_bad_input(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


def test_columns_keep_their_order_top_to_bottom() -> None:
    model = nn.MLP(2, [16, 16, 1], seed=0)
    svg = viz.render(viz.draw_network(model).source).decode()
    y = {m.group(1): float(m.group(2)) for m in re.finditer(
        r'<title>(\w+)</title>\s*<(?:path|polygon)[^>]*?(?:d="M|points=")[-\d.]+,([-\d.]+)', svg)}
    for column in (["x1", "x2"], [f"L1_{k}" for k in range(1, 17)], [f"L2_{k}" for k in range(1, 17)]):
        heights = [y[name] for name in column]
        assert heights == sorted(heights), column
