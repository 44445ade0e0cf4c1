"""draw_network's edge colours: blue for a positive weight, red for a negative one, grey for zero."""

from __future__ import annotations

import re

import nn
import viz
from viz.network import NEGATIVE, POSITIVE, ZERO, sign_colour

EDGE = re.compile(r"^\t(\w+) -> (\w+) \[(.*)\]$", re.M)
COLOR = re.compile(r'\bcolor="(#[0-9a-f]{6})(?:[0-9a-f]{2})?"')  # unlabelled edges are translucent


def colours(model) -> list[str]:
    """Each weight's colour: of its one edge, or of the edge into a unit from the weight's label."""
    return [COLOR.search(attrs).group(1) for a, b, attrs in EDGE.findall(viz.draw_network(model).source)
            if b.startswith("L")]


def test_the_three_colours() -> None:
    assert len({POSITIVE, NEGATIVE, ZERO}) == 3
    assert sign_colour(0.5) == sign_colour(5e-324) == POSITIVE
    assert sign_colour(-0.5) == sign_colour(-5e-324) == NEGATIVE
    assert sign_colour(0.0) == sign_colour(-0.0) == ZERO


def test_each_edge_has_its_weights_colour() -> None:
    neuron = nn.Neuron(5, seed=0)
    for w, value in zip(neuron.w, (0.7, -0.7, 0.0, -0.0, 1e-300)):
        w.data = value
    assert colours(neuron) == [POSITIVE, NEGATIVE, ZERO, ZERO, POSITIVE]
    assert "grey zero" in viz.draw_network(neuron).caption


def test_a_zero_initialised_layer_is_all_grey_and_large_models_too() -> None:
    layer = nn.Layer(3, 2, init="zeros", seed=0)
    assert colours(layer) == [ZERO] * 6
    big = nn.Layer(6, 4, init="zeros", seed=0)  # 24 weights: unlabelled edges, colours with alpha
    assert colours(big) == [ZERO] * 24
    mixed = nn.MLP(2, [3, 1], seed=4)
    assert "grey zero" not in viz.draw_network(mixed).caption
    weights = [w.data for layer in mixed.layers for n in layer.neurons for w in n.w]
    assert colours(mixed) == [POSITIVE if w > 0 else NEGATIVE for w in weights]


def test_unlabelled_edges_fade_with_the_square_of_their_weight() -> None:
    """The moons network's 256 edges between its hidden layers made a dark band: now an edge's opacity
    runs from 0x14 at w = 0 to 0xb0 at the largest |w|, by (|w| / max|w|)², so the weak ones recede."""
    model = nn.MLP(2, [16, 16, 1], seed=1)
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    alphas = [int(a, 16) for a in re.findall(r'\bcolor="#[0-9a-f]{6}([0-9a-f]{2})"', viz.draw_network(model).source)]
    assert len(alphas) == len(weights) == 304
    top = max(abs(w) for w in weights)
    for w, alpha in zip(weights, alphas):
        assert alpha == round(0x14 + (0xB0 - 0x14) * (abs(w) / top) ** 2)
    assert max(alphas) == 0xB0
    # a weight half as large as the largest is drawn at under a quarter of its opacity, plus the floor
    model.layers[0].neurons[0].w[0].data = top / 2
    half = re.search(r'\bcolor="#[0-9a-f]{6}([0-9a-f]{2})"', viz.draw_network(model).source).group(1)
    assert int(half, 16) == 0x14 + round((0xB0 - 0x14) / 4) == 0x3B
