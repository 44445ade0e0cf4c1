"""Every size threshold of the drawings, just below and at it: labelled edges, summaries, collapsing."""

from __future__ import annotations

import math
import re

import pytest

import nn
import viz
from autograd import Value
from viz.draw import GraphTooLarge
from viz.network import LABELLED_WEIGHTS
from viz.rendering import estimate_seconds

EDGE = re.compile(r"^\t(\w+) -> (\w+) \[(.*)\]$", re.M)


def labelled(model) -> list[bool]:
    """For each weight, whether it is labelled: its edge into the unit comes from its label's node."""
    return [a.startswith("W") for a, b, _ in EDGE.findall(viz.draw_network(model).source) if b.startswith("L")]


def test_edges_are_labelled_up_to_sixteen_weights() -> None:
    assert LABELLED_WEIGHTS == 16
    assert labelled(nn.Neuron(16, seed=0)) == [True] * 16
    assert labelled(nn.Neuron(17, seed=0)) == [False] * 17


def test_a_network_is_summarised_past_max_weights_only() -> None:
    model = nn.Neuron(16, seed=0)
    assert "one box" not in viz.draw_network(model, max_weights=16).caption
    assert "one box" in viz.draw_network(model, max_weights=15).caption


def test_the_summary_counts_nan_outputs_as_not_non_zero() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    source = viz.draw_network(model, x=[math.nan, 0.0], max_weights=1).source
    assert "0 of 3 non-zero" in source
    source = viz.draw_network(model, x=[0.5, 0.25], max_weights=1).source
    assert "3 of 3 non-zero" in source


def test_a_graph_of_exactly_max_nodes_is_drawn_whole() -> None:
    x = Value(3.0, label="x")
    J = x * x + x  # three nodes
    assert viz.draw(J, max_nodes=3).source.count("[label=") == 3
    with pytest.raises(GraphTooLarge):
        viz.draw(J, max_nodes=2)


@pytest.mark.parametrize("rankdir", ["LR", "RL", "TB", "BT"])
def test_every_rankdir(rankdir: str) -> None:
    assert f"rankdir={rankdir}" in viz.draw(Value(1.0) * 2.0, rankdir=rankdir).source


def test_a_zero_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="timeout must be a number of seconds > 0"):
        viz.render("digraph { a }", timeout=0)


def test_edge_labels_make_the_estimate_five_times_longer() -> None:
    nodes = "".join(f"\tn{i} [label=x]\n" for i in range(100))
    plain = "digraph {\n" + nodes + "".join(f"\tn{i} -> n{i + 1}\n" for i in range(99)) + "}"
    labels = "digraph {\n" + nodes + "".join(f"\tn{i} -> n{i + 1} [label=d]\n" for i in range(99)) + "}"
    assert estimate_seconds(plain) == pytest.approx(0.06)  # the measured time for 100 nodes
    assert estimate_seconds(labels) == pytest.approx(0.3)
