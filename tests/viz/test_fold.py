"""The folded view: one drawn node per named quantity, one drawn edge per factor of the formula."""

from __future__ import annotations

import math
import re

import pytest

import viz
from autograd import Value
from tests.viz.test_chain import notes_network
from viz.draw import PATH_COLOR

BOX = re.compile(r"^\t(n\d+) \[label=<<TABLE.*?<B>(.*?)</B>", re.M)
EDGE = re.compile(r"^\t(n\d+) -> (n\d+) \[(.*)\]$", re.M)


def boxes(source: str) -> dict[str, str]:
    """DOT id → the bold name in its box."""
    return dict(BOX.findall(source))


def lit_edges(source: str) -> list[tuple[str, str, str]]:
    names = boxes(source)
    return [(names[a], names[b], attrs) for a, b, attrs in EDGE.findall(source) if PATH_COLOR in attrs]


@pytest.mark.parametrize("theta, path", [
    ("θ2", ["J", "a3", "z3", "θ2"]),
    ("θ1", ["J", "a3", "z3", "a2", "z2", "θ1"]),
])
def test_the_folded_path_is_the_formula(theta, path) -> None:
    v = notes_network()
    rule = viz.chain_rule(v["J"], v[theta])
    source = viz.draw_chain_rule(rule).source
    # exactly the named boxes are drawn: the notes' quantities, no unnamed nodes and no constants
    assert sorted(boxes(source).values()) == sorted(["a1", "θ1", "θ2", "z2", "a2", "z3", "a3", "J"])
    assert "shape=plain fontcolor" not in source  # no constant drawn as a box of its own
    edges = lit_edges(source)
    drawn = [(upper, lower) for lower, upper, _ in edges]
    factors = rule.factors(0)
    assert sorted(drawn) == sorted((f.upper.label, f.lower.label) for f in factors)
    assert [f.upper.label for f in factors] + [theta] == path
    # each edge carries its factor, and the factors multiply to θ.grad
    for f in factors:
        label = f"∂{f.upper.label}/∂{f.lower.label} = "
        assert any(label in attrs and f"= {viz.fmt(f.value)}</TD>" in attrs for _, _, attrs in edges)
    assert math.prod(f.value for f in factors) == pytest.approx(v[theta].grad, rel=1e-12)
    assert rule.text().startswith("dJ/d" + theta + " = " + " · ".join(f"∂{a}/∂{b}" for a, b in zip(path, path[1:])))


def test_the_loss_box_is_written_inline() -> None:
    v = notes_network()
    source = viz.draw_chain_rule(v["J"], v["θ2"]).source
    assert "<B>J</B> = <I>0.5 · (a3 − 1)²</I>" in source
    (attrs,) = [a for upper, lower, a in lit_edges(source) if (upper, lower) == ("a3", "J")]
    a3 = v["a3"].data
    # the J ← a3 edge folds three local derivatives (0.5, 2·(a3 − 1), 1): drawn as the one formula
    # they multiply to, in the named a3, with its number; the steps are in the tooltip
    assert f"<TD>∂J/∂a3 = a3 − 1 = {viz.fmt(a3 - 1)}</TD>" in attrs
    assert f'tooltip="∂J/∂a3 = 0.5 · 2·(a3 − 1) · 1 = a3 − 1 = {viz.fmt(a3 - 1)}"' in attrs


def test_a_shared_unlabelled_node_stays_a_box() -> None:
    x = Value(0.5, label="x")
    h = x * 3.0  # unlabelled, used twice
    a = h.tanh()
    a.label = "a"
    b = h.exp()
    b.label = "b"
    J = a + b
    J.label = "J"
    J.backward()
    rule = viz.chain_rule(J, x)
    source = viz.draw_chain_rule(rule).source
    assert len(re.findall(r"^\tn\d+ \[label=<<TABLE", source, re.M)) == 5  # x, h, a, b, J
    assert [f.lower for f in rule.factors(0)][-2:] == [h, x]  # the factors break at the shared node too
    assert rule.count == 2 and rule.total == pytest.approx(x.grad)


def test_fold_false_shows_every_node() -> None:
    v = notes_network()
    folded = viz.draw_chain_rule(v["J"], v["θ2"]).source
    full = viz.draw_chain_rule(v["J"], v["θ2"], fold=False).source
    count = re.compile(r"^\tn\d+ \[label=", re.M)
    assert len(count.findall(full)) == len(count.findall(folded)) + 2 + 3  # a3 − 1 and its square; 1, 2, 0.5


def test_draw_folds_on_request_and_not_by_default() -> None:
    v = notes_network()
    assert "<B>J</B> = <I>0.5 · (a3 − 1)²</I>" in viz.draw(v["J"], fold=True).source
    assert "0.5 · (a3 − 1)²" not in viz.draw(v["J"]).source


def test_a_graph_with_no_names_inside_is_not_folded() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    J.backward()
    rule = viz.chain_rule(J, x)
    assert rule.folding.folded == set()
    assert len(rule.factors(0)) == 2  # ∂J/∂n1 · ∂n1/∂x: every step is a factor
