"""chain_rule: ∂J/∂θ as the sum over paths of the products of local derivatives."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

import viz
from autograd import Value, topological
from demos.chain_rule import network
from tests.strategies import points, programs, run


def notes_network(x: float = 1.5, y: float = 1.0, t1: float = 0.5, t2: float = -1.2) -> dict[str, Value]:
    """The notes' 1.6 network (as the chain_rule demo builds it), after J.backward()."""
    v = network(x, y, t1, t2)
    v["J"].backward()
    return v


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_notes_network_theta2() -> None:
    v = notes_network()
    rule = viz.chain_rule(v["J"], v["θ2"])
    assert rule.count == 1 and rule.complete
    assert [n.label for n in rule.paths[0] if n.label] == ["J", "a3", "z3", "θ2"]
    # by hand: ∂J/∂a3 = a3 − y, ∂a3/∂z3 = a3(1 − a3), ∂z3/∂θ2 = a2
    a2 = sigmoid(0.5 * 1.5)
    a3 = sigmoid(-1.2 * a2)
    by_hand = [a3 - 1.0, a3 * (1 - a3), a2]
    assert [f.value for f in rule.factors(0)] == pytest.approx(by_hand, rel=1e-12)
    assert [(f.upper.label, f.lower.label) for f in rule.factors(0)] == [("J", "a3"), ("a3", "z3"), ("z3", "θ2")]
    assert rule.total == pytest.approx(math.prod(by_hand), rel=1e-12)
    assert rule.total == v["θ2"].grad and rule.matches_grad


def test_notes_network_theta1() -> None:
    v = notes_network()
    rule = viz.chain_rule(v["J"], v["θ1"])
    assert rule.count == 1
    assert [n.label for n in rule.paths[0] if n.label] == ["J", "a3", "z3", "a2", "z2", "θ1"]
    a2 = sigmoid(0.5 * 1.5)
    a3 = sigmoid(-1.2 * a2)
    by_hand = [a3 - 1.0, a3 * (1 - a3), -1.2, a2 * (1 - a2), 1.5]
    assert [f.value for f in rule.factors(0)] == pytest.approx(by_hand, rel=1e-12)
    assert rule.total == pytest.approx(math.prod(by_hand), rel=1e-12)
    assert rule.total == pytest.approx(v["θ1"].grad, rel=1e-15)


def test_notes_text_and_latex() -> None:
    v = notes_network()
    rule = viz.chain_rule(v["J"], v["θ2"])
    text = rule.text()
    assert text.startswith("∂J/∂θ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2")
    for f in rule.factors(0):
        assert f"({viz.fmt(f.value)})" in text
    assert f"= {viz.fmt(rule.total)}" in text and "θ2.grad ✓" in text
    latex = rule.latex()
    assert latex.startswith(r"\frac{\partial J}{\partial \theta_{2}} = \frac{\partial J}{\partial a_{3}}")
    assert str(rule) == text


def test_x_times_x_plus_x_has_three_routes() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    J.backward()
    rule = viz.chain_rule(J, x)
    assert rule.count == 3 and len(rule.paths) == 3
    assert rule.products == [3.0, 3.0, 1.0]
    assert rule.slots == [[0, 0], [0, 1], [1]]  # the two routes through x*x use its two slots
    assert rule.total == 7.0 == x.grad
    assert "(1)(3) + (1)(3) + (1)" in rule.text()


def test_two_to_the_sixty_paths_without_enumerating() -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(60):
        y = y + y
    y.backward()
    rule = viz.chain_rule(y, x)
    assert rule.count == 2**60 and isinstance(rule.count, int)
    assert rule.total == 2.0**60 == x.grad
    assert len(rule.paths) == viz.MAX_PATHS and not rule.complete
    assert sum(rule.products) == viz.MAX_PATHS  # each listed path has product 1
    text = rule.text()
    assert "1,152,921,504,606,846,976 paths" in text and "node by node" in text
    assert f"∂J/∂x = {viz.fmt(2.0**60)}" in text
    assert len(rule.nodes) == 61


def test_theta_that_does_not_reach_J() -> None:
    x, w = Value(2.0, label="x"), Value(5.0, label="w")
    J = x * 3.0
    rule = viz.chain_rule(J, w)
    assert (rule.count, rule.total, rule.paths) == (0, 0.0, [])
    assert "does not reach" in rule.text() and rule.latex().endswith("= 0")


def test_J_is_theta() -> None:
    x = Value(2.0)
    rule = viz.chain_rule(x, x)
    assert (rule.count, rule.total) == (1, 1.0)


def test_unlabelled_nodes_are_named_by_their_drawing_ids() -> None:
    a = Value(0.5)
    b = (a * 2.0).tanh()
    J = b * b
    J.backward()
    rule = viz.chain_rule(J, a)
    order = topological(J)
    assert rule.name(J) == "J" and rule.name(a) == "θ"
    assert rule.name(b) == f"n{order.index(b)}"


def brute_force(J: Value, theta: Value) -> tuple[int, float]:
    count, total = 0, 0.0
    stack = [(J, 1.0)]
    while stack:
        node, product = stack.pop()
        if node is theta:
            count += 1
            total += product
            continue
        for p, g in zip(node.parents, node.local_grads):
            stack.append((p, product * g))
    return count, total


@settings(max_examples=60)
@given(program=programs(max_ops=9), data=points(4))
def test_random_dags_sum_over_paths_is_the_gradient(program, data) -> None:
    xs = [Value(v) for v in data[: program[0]]]
    J = run(program, *xs)
    J.backward()
    for x in xs:
        rule = viz.chain_rule(J, x)
        count, total = brute_force(J, x)
        assert rule.count == count
        assert rule.total == pytest.approx(total, rel=1e-9, abs=1e-12)
        assert rule.total == pytest.approx(x.grad, rel=1e-9, abs=1e-12)
        if rule.complete:
            assert math.fsum(rule.products) == pytest.approx(rule.total, rel=1e-9, abs=1e-12)
            for path, slots in zip(rule.paths, rule.slots):
                assert path[0] is J and path[-1] is x
                assert all(node.parents[s] is nxt for node, s, nxt in zip(path, slots, path[1:]))


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="two Values"):
        viz.chain_rule(1.0, Value(1.0))
    with pytest.raises(TypeError, match="two Values"):
        viz.chain_rule(Value(1.0), "x")
