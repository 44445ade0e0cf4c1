"""Each caption against its figure: what the caption says is drawn is read back from the SVG."""

from __future__ import annotations

import json

import pytest

import demos
import nn
import viz
from demos import captions

# the figures whose captions say something a drawing can be read for, and what they say
EXPECTED = {
    "chain_rule_layers.svg": ["each unit a sigmoid", "θ1 = 0.5", "θ2 = −1.2", "x1 = 1.5"],
    "chain_rule_network.svg": ["θ1 = 0.5", "θ2 = −1.2"],
    "chain_rule_theta2.svg": ["from J to θ2"],
    "chain_rule_theta1.svg": ["from J to θ1"],
    "chain_rule_three_paths.svg": ["from J to x"],
    "weight_init_forward.svg": ["2 inputs", "3 sigmoid units", "a sigmoid output", "W1₂₁", "W2₁₁", "W2₁₂", "W2₁₃",
                                "x1 = 0", "x2 = 1"],
    "weight_init_backward.svg": ["W1₂₁", "coloured by the sign of ∂J/∂w"],
    "gradients_zero_init.svg": ["W1₁₁", "W1₂₁", "W1₃₁", "W1₄₁", "∂J/∂W1₁₁ = ∂J/∂W1₂₁ = ∂J/∂W1₃₁ = ∂J/∂W1₄₁",
                                "the 4 hidden units have the same bias (b = −0.05991)"],
}


@pytest.mark.parametrize("name", ["chain_rule", "weight_init", "gradients"])
def test_every_caption_says_what_its_figure_draws(name: str, tmp_path, capsys) -> None:
    demos.load(name).run(tmp_path, quick=True, seed=0)
    section = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    figures = [b for b in section["blocks"] if b["kind"] == "figure" and b["file"].endswith(".svg")]
    figures += [item for b in section["blocks"] if b["kind"] == "figures" for item in b["items"]]
    for figure in figures:
        svg = (tmp_path / figure["file"]).read_text(encoding="utf-8")
        checked, wrong = captions.check(figure["caption"], svg)
        assert wrong == [], (figure["file"], figure["caption"], wrong)
        if figure["file"] in EXPECTED:
            assert checked == EXPECTED[figure["file"]], figure["file"]
    assert any(f["file"] in EXPECTED for f in figures)


def network_svg(output: str, label: bool = False) -> str:
    model = nn.MLP(2, [3, 1], activation="sigmoid", output_activation=output, seed=0)
    if label:
        model.layers[1].neurons[0].w[0].label = "θ1"
    return viz.render(viz.draw_network(model, x=[0.0, 1.0]).source, "svg").decode("utf-8")


def test_a_caption_that_drifted_from_its_figure_is_caught() -> None:
    linear = network_svg("linear")
    # the old picture 10: the caption said a sigmoid output, the drawing has a linear one
    caption = "2 inputs, 3 sigmoid units, a sigmoid output, on x1 = 0, x2 = 1"
    assert captions.check(caption, linear)[1] == ["a sigmoid output"]
    assert captions.check(caption, network_svg("sigmoid"))[1] == []
    assert captions.check("3 inputs", linear)[1] == ["3 inputs"]
    assert captions.check("4 sigmoid units", linear)[1] == ["4 sigmoid units"]
    assert captions.check("x1 = 0.5", linear)[1] == ["x1 = 0.5"]
    # the old picture 12: the edges said w1 where the caption said θ1
    w = nn.MLP(2, [3, 1], activation="sigmoid", seed=0).layers[1].neurons[0].w[0].data
    assert captions.check(f"θ1 = {viz.fmt(w)}", linear)[1] == [f"θ1 = {viz.fmt(w)}"]
    assert captions.check(f"θ1 = {viz.fmt(w)}", network_svg("linear", label=True))[1] == []


def test_colours_said_to_follow_the_gradient_are_read_back() -> None:
    model = nn.MLP(2, [3, 1], activation="sigmoid", seed=0)
    nn.mse([model([0.5, -1.0])], [1.0]).backward()
    caption = "each edge labelled with ∂J/∂w and coloured by its sign"
    svg = viz.render(viz.draw_network(model, show_grad=True).source, "svg").decode("utf-8")
    assert captions.check(caption, svg) == (["coloured by the sign of ∂J/∂w"], [])
    # the old drawing: coloured by the sign of w while labelled with ∂J/∂w
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    assert any(w.grad * w.data < 0 for w in weights)
    old = viz.render(_colour_by_weight(model).source, "svg").decode("utf-8")
    assert captions.check(caption, old)[1] == ["coloured by the sign of ∂J/∂w"]


def _colour_by_weight(model):
    """draw_network as it was: labels ∂J/∂w, colours by the sign of w."""
    import re

    drawing = viz.draw_network(model, show_grad=True)
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    from viz.network import sign_colour

    lines = drawing.body
    k = 0
    for i, line in enumerate(lines):
        if re.match(r"\tW\d+_\d+_\d+ \[label=", line):  # a weight's label, a node on its edge
            colour = sign_colour(weights[k].data)
            lines[i] = re.sub(r'color="#[0-9a-f]+"', f'color="{colour}"', line)
            k += 1
    assert k == len(weights)
    return drawing


def test_the_page_raises_powers(tmp_path) -> None:
    from demos.page import _block

    assert _block(tmp_path, "s", {"kind": "text", "text": "y = y + y has 2^k paths, a < b"}) == (
        "<p>y = y + y has 2<sup>k</sup> paths, a &lt; b</p>")
    assert _block(tmp_path, "s", {"kind": "numbers", "lines": ["x^0.5 = 2", "(a3 − 1)²"]}) == (
        '<div class="numbers"><p>x<sup>0.5</sup> = 2</p><p>(a3 − 1)²</p></div>')


def test_a_weight_the_caption_names_must_be_drawn_under_that_name() -> None:
    """Pictures 10 and 11 once named three different weights w1; each weight now has a name of its own
    (W1₂₁: row 2, column 1 of W1), and a caption that names one is read against the edges."""
    svg = network_svg("sigmoid")
    drawn = captions.read_svg(svg)
    names = [e.split(" = ")[0] for e in drawn.edges]
    assert sorted(names) == sorted([f"W1{j}{k}" for j in "₁₂₃" for k in "₁₂"] + [f"W2₁{k}" for k in "₁₂₃"])
    assert captions.check("W1₂₁ and W2₁₃", svg) == (["W1₂₁", "W2₁₃"], [])
    assert captions.check("the weight w1", svg)[1] == ["w1"]  # no weight is called w1 any more
    assert captions.check("W1₄₁", svg)[1] == ["W1₄₁"]  # there is no unit 4
    model = nn.MLP(2, [3, 1], activation="sigmoid", init="zeros", seed=0)
    nn.mse([model([1.0, 0.0])], [1.0]).backward()
    grads = viz.render(viz.draw_network(model, show_grad=True).source, "svg").decode("utf-8")
    assert captions.check("∂J/∂W1₁₁ = ∂J/∂W1₂₁ = ∂J/∂W1₃₁", grads)[1] == []
    assert captions.check("∂J/∂W1₁₁ = ∂J/∂W2₁₁", grads)[1] == ["∂J/∂W1₁₁ = ∂J/∂W2₁₁"]  # not equal


def test_a_caption_that_says_equal_biases_is_read_against_the_units_boxes() -> None:
    model = nn.MLP(2, [4, 1], activation="sigmoid", init="zeros", seed=0)
    nn.mse([model([1.0, 0.0])], [1.0]).backward()
    svg = viz.render(viz.draw_network(model, show_grad=True).source, "svg").decode("utf-8")
    assert captions.read_svg(svg).biases == {1: ["0"] * 4, 2: ["0"]}
    assert captions.check("the 4 hidden units have the same bias (b = 0)", svg)[1] == []
    assert captions.check("the 4 hidden units have the same bias (b = 0.5)", svg)[1] != []  # not that value
    assert captions.check("the 3 hidden units have the same bias", svg)[1] != []  # there are 4
    model.layers[0].neurons[2].b.data = 0.25
    svg = viz.render(viz.draw_network(model, show_grad=True).source, "svg").decode("utf-8")
    assert captions.check("the 4 hidden units have the same bias", svg)[1] == ["the 4 hidden units have the same bias"]
