"""ChainRule's numbers on graphs counted by hand: shared nodes multiply paths, the listing cap, matches_grad."""

from __future__ import annotations

import viz
from autograd import Value
from viz.chain import MAX_PATHS


def test_shared_nodes_multiply_the_paths() -> None:
    a = Value(2.0, label="a")
    h = a * a  # two paths a → h
    h.label = "h"
    J = h * h  # two paths h → J: four in all
    J.label = "J"
    J.backward()
    rule = viz.chain_rule(J, a)
    assert rule.count == 4 and rule.total == 32.0 == a.grad  # J = a⁴, 4a³ = 32
    assert len(rule.paths) == 4 and rule.complete


def test_paths_are_listed_up_to_the_cap_and_counted_past_it() -> None:
    x = Value(1.0, label="x")
    v = x
    for _ in range(9):  # each doubling adds a second way through: 2⁹ = 512 paths
        v = v + v
    v.backward()
    rule = viz.chain_rule(v, x)
    assert rule.count == 512 and rule.total == 512.0 == x.grad
    assert len(rule.paths) == MAX_PATHS == 256 and not rule.complete


def test_one_factor_has_no_line_of_numbers() -> None:
    x = Value(3.0, label="x")
    J = x * 3.0
    J.label = "J"
    J.backward()
    assert viz.chain_rule(J, x).text() == "dJ/dx = ∂J/∂x\n   = 3   (= x.grad ✓)"


def test_matches_grad_is_exact_to_rounding_only() -> None:
    x = Value(3.0, label="x")
    J = x * 3.0
    J.backward()
    rule = viz.chain_rule(J, x)
    assert rule.matches_grad
    x.grad = 3.0 * (1 + 1e-10)
    assert rule.matches_grad
    x.grad = 3.0 * (1 + 1e-8)
    assert not rule.matches_grad
    x.grad = 3.0 + 1e-7
    assert not rule.matches_grad
