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
    a2 = sigmoid(0.5 * 1.5)
    a3 = sigmoid(-1.2 * a2)
    f = viz.fmt
    # the total derivative is written with d, its local factors with ∂; then the factors' formulas in the
    # named quantities (∂J/∂a3 of J = ½(a3 − 1)² is a3 − 1, nothing left of the ½ and the 2), their numbers
    assert rule.text() == (
        "dJ/dθ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2\n"
        "   = (a3 − 1)·(σ(z3)·(1 − σ(z3)))·a2\n"
        f"   = ({f(a3 - 1)})({f(a3 * (1 - a3))})({f(a2)})\n"
        f"   = {f((a3 - 1) * a3 * (1 - a3) * a2)}   (= θ2.grad ✓)")
    n = lambda x: f(x).replace("−", "-")  # noqa: E731
    assert rule.latex() == (
        r"\frac{\mathrm{d}J}{\mathrm{d}\theta_{2}} = \frac{\partial J}{\partial a_{3}} \cdot "
        r"\frac{\partial a_{3}}{\partial z_{3}} \cdot \frac{\partial z_{3}}{\partial \theta_{2}} = "
        r"(a_{3} - 1) \cdot (\sigma(z_{3}) \cdot (1 - \sigma(z_{3}))) \cdot a_{2} = "
        f"({n(a3 - 1)})({n(a3 * (1 - a3))})({n(a2)}) = {n((a3 - 1) * a3 * (1 - a3) * a2)}")
    assert str(rule) == rule.text()


def test_x_times_x_plus_x_has_three_routes() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    J.backward()
    rule = viz.chain_rule(J, x)
    assert rule.count == 3 and len(rule.paths) == 3
    assert rule.products == [3.0, 3.0, 1.0]
    assert rule.slots == [[0, 0], [0, 1], [1]]  # the two routes through x*x use its two slots
    assert rule.total == 7.0 == x.grad
    # dJ/dx (every path) is not the local ∂J/∂x (the sum's own slot), and x's two slots in x·x differ
    assert rule.text() == (
        "dJ/dx = ∂J/∂n1 · ∂n1/∂x₍₁₎ + ∂J/∂n1 · ∂n1/∂x₍₂₎ + ∂J/∂x\n"
        "   = 1·x + 1·x + 1\n"
        "   = (1)(3) + (1)(3) + (1)\n"
        "   = 7   (= x.grad ✓)\n"
        "   (x₍₁₎, x₍₂₎: x as the first and as the second operand of n1 = x · x)")
    assert rule.latex() == (
        r"\frac{\mathrm{d}J}{\mathrm{d}x} = \frac{\partial J}{\partial n_{1}} \cdot \frac{\partial n_{1}}"
        r"{\partial x_{(1)}} + \frac{\partial J}{\partial n_{1}} \cdot \frac{\partial n_{1}}{\partial x_{(2)}} + "
        r"\frac{\partial J}{\partial x} = 1 \cdot x + 1 \cdot x + 1 = (1)(3) + (1)(3) + (1) = 7")


def test_integer_powers_print_as_integers() -> None:
    x = Value(3.0, label="x")
    r = (x - 1.0) ** 3
    r.label = "r"
    J = r * 2.0
    J.backward()
    rule = viz.chain_rule(J, x)
    # 2·r: the constant comes out; d(u³)/du = 3·u², never 3·u^(3−1) nor u^2.0
    assert rule.text() == ("dJ/dx = ∂J/∂r · ∂r/∂x\n   = 2·(3·(x − 1)²)\n   = (2)(12)\n   = 24   (= x.grad ✓)")
    assert r"3 \cdot (x - 1)^{2}" in rule.latex()
    assert "<I>(x − 1)³</I>" in viz.draw_chain_rule(rule).source


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
    assert f"dJ/dx = {viz.fmt(2.0**60)}" in text
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


def test_a_sum_with_a_negative_term_is_written_as_a_difference() -> None:
    from viz.text import plus

    assert plus(0.1311, -0.04394) == "0.1311 − 0.04394"
    assert plus(0.1311, 0.04394) == "0.1311 + 0.04394"
    assert plus(-1.0, -0.0) == "−1 − 0" and plus(-1.0, 0.0) == "−1 + 0"
