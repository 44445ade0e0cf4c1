"""viz.why on graphs whose answer is known exactly, and on graphs too big to list paths."""

from __future__ import annotations

import math

import pytest

import viz
from autograd import Value, topological
from autograd.diagnosis import KINDS, VERDICTS
from viz.chain import node_names
from viz.draw import PATH_COLOR


def relu_on_the_only_path(z_value: float = -0.37) -> tuple[Value, Value, Value]:
    θ1 = Value(0.5, label="θ1")
    x = Value(2.0, label="x")
    z2 = (θ1 * x - 1.0) + z_value  # θ1·x = 1 exactly, so z2 = z_value exactly
    z2.label = "z2"
    a2 = z2.relu()
    J = 3.0 * a2
    J.label = "J"
    return J, θ1, a2


def test_a_relu_with_negative_input_on_the_only_path_is_a_dead_relu() -> None:
    J, θ1, a2 = relu_on_the_only_path()
    r = viz.why(J, θ1)
    assert r.verdict == "zero" and r.grad == 0.0
    assert [c.kind for c in r.causes] == ["dead relu"]
    cause = r.causes[0]
    assert cause.nodes[0] is a2 and cause.edges == ((a2, 0),) and cause.paths == 1
    assert "z2 = −0.37 ≤ 0" in r.text() and "the only path" in r.text()
    assert θ1.grad == 0.0 and a2.grad == 0.0 and J.grad == 0.0  # no .grad changed


def test_just_above_zero_the_relu_passes_and_exactly_at_zero_it_is_a_kink() -> None:
    J, θ1, _ = relu_on_the_only_path(1e-300)
    assert viz.why(J, θ1).verdict == "ok"
    J, θ1, a2 = relu_on_the_only_path(0.0)
    r = viz.why(J, θ1)
    assert r.verdict == "zero" and [c.kind for c in r.causes] == ["kink"] and r.causes[0].nodes[0] is a2


def test_dead_relu_is_named_only_when_it_blocks_every_path() -> None:
    θ = Value(1.0, label="θ")
    dead = (θ - 5.0).relu()
    J = dead + 2.0 * θ  # one path blocked, one open
    assert viz.why(J, θ).verdict == "ok" and viz.why(J, θ).causes == []
    J2 = dead * 7.0 + (θ - 3.0).relu()  # both blocked, by two different relus
    r = viz.why(J2, θ)
    assert r.verdict == "zero" and [c.kind for c in r.causes] == ["dead relu", "dead relu"]
    assert sum(c.paths for c in r.causes) == r.diagnosis.path_count == 2


def test_two_paths_of_opposite_sign_cancel_and_their_products_sum_to_the_grad() -> None:
    θ = Value(0.7, label="θ")
    a, b = Value(2.5, label="a"), Value(-2.5, label="b")
    J = a * θ + b * θ
    J.label = "J"
    J.backward()
    r = viz.why(J, θ)
    assert r.verdict == "zero" and [c.kind for c in r.causes] == ["paths cancel"]
    products = [v for _, v in r.causes[0].terms]
    assert sorted(products) == [-2.5, 2.5] and math.fsum(products) == θ.grad == 0.0
    assert "(2.5) + (−2.5)" in r.text()


def test_paths_that_nearly_cancel_make_a_tiny_gradient() -> None:
    θ = Value(1.0, label="θ")
    J = θ * 1.0 + θ * (-1.0 + 2e-9)  # ∂J/∂θ = 2e-9 < 1e-8
    r = viz.why(J, θ)
    assert r.verdict == "tiny" and r.causes[0].kind == "paths cancel"
    assert math.isclose(math.fsum(v for _, v in r.causes[0].terms), r.grad, rel_tol=1e-6)
    J = θ * 1.0 + θ * (-1.0 + 2e-8)  # just outside
    assert viz.why(J, θ).verdict == "ok"


def test_log_at_zero_is_traced_to_its_node_and_operand() -> None:
    w, x = Value(2.0, label="w"), Value(0.0, label="x")
    u = Value(-720.0, label="z") + w * x
    p = u.sigmoid()
    p.label = "p"
    J = -p.log()  # p = σ(−720) is 0 to a float's precision: 1/p overflows
    r = viz.why(J, w)
    assert r.verdict == "nan" and all(c.kind == "not finite here" for c in r.causes)
    first = r.causes[0]
    log = J.parents[0]
    assert first.nodes == (log, p) and first.edges == ((log, 0),)
    assert "log" in first.text and "1/p = ∞" in first.text
    # where NaN appears: ∂J/∂(w·x) = −∞ times ∂(w·x)/∂w = x = 0
    assert r.causes[1].nodes[0] is w and "−∞ × 0 = NaN" in r.causes[1].text


def test_inf_minus_inf_is_named_as_the_first_non_finite_value() -> None:
    θ = Value(1.0, label="θ")
    big = Value(math.inf, label="big")
    d = big - big
    d.label = "d"
    J = d * θ
    r = viz.why(J, θ)
    assert r.verdict == "nan" and r.causes[0].nodes == (J, θ, d) and r.causes[0].edges == ((J, 1),)
    text = r.causes[0].text
    assert "∂J/∂θ = d = NaN" in text and "(∞ − ∞)" in text and "big is a leaf that holds ∞" in text


def test_a_30_deep_sigmoid_chain_is_a_vanishing_product_with_its_30_factors() -> None:
    θ = Value(0.3, label="θ")
    v = θ
    for _ in range(30):
        v = v.sigmoid()
    r = viz.why(v, θ)
    # the exact product, computed here factor by factor
    expected, u = 1.0, 0.3
    for _ in range(30):
        s = 1 / (1 + math.exp(-u))
        expected *= s * (1 - s)
        u = s
    assert r.verdict == "tiny" and math.isclose(r.grad, expected, rel_tol=1e-12)
    cause = r.causes[0]
    assert cause.kind == "vanishing product" and len(cause.terms) == 30
    assert math.isclose(math.prod(v for _, v in cause.terms), r.grad, rel_tol=1e-12)
    assert all(0 < v <= 0.25 for _, v in cause.terms)


def test_saturated_sigmoid_leads_when_it_alone_makes_the_gradient_tiny() -> None:
    θ = Value(1.0, label="θ")
    J = (θ * 25.0).sigmoid()  # σ′(25) ≈ 1.4e-11 < 1e-4
    r = viz.why(J, θ)
    assert r.verdict == "tiny" and [c.kind for c in r.causes] == ["saturated", "vanishing product"]
    assert viz.why(J, θ, saturated=1e-12).causes[0].kind == "vanishing product"
    J = (θ * 40.0).sigmoid()  # σ′ rounds to exactly 0
    assert viz.why(J, θ).verdict == "zero" and viz.why(J, θ).causes[0].kind == "saturated"


def test_thresholds_are_relative_to_J_and_theta() -> None:
    θ = Value(1.0, label="θ")
    assert viz.why(θ * 0.9e-8, θ).verdict == "tiny"
    assert viz.why(θ * 1.1e-8, θ).verdict == "ok"
    assert viz.why(θ * 1.1e-8, θ, tiny=1e-7).verdict == "tiny"
    big = Value(1e4, label="θ")  # J = θ·1e-11 is 1e-7; s = 1e-7 / 1e4
    assert viz.why(big * 1e-11, big).verdict == "ok"
    assert viz.why(θ * 1e-11, θ).verdict == "tiny"  # the same gradient at θ = 1 is tiny
    assert viz.why((θ - 1.0) * 1.1e8, θ).verdict == "huge"  # J = 0: s = 1
    assert viz.why((θ - 1.0) * 0.9e8, θ).verdict == "ok"
    assert viz.why(θ * 1.1e8, θ).verdict == "ok"  # J is as large as its gradient: s = 1.1e8
    r = viz.why((θ - 1.0) * 1.1e8, θ)
    assert r.causes[0].kind == "exploding product" and r.causes[0].terms[-1][1] == 1.0


def test_step_constant_and_no_path() -> None:
    θ = Value(0.4, label="θ")
    assert [c.kind for c in viz.why((θ - 1.0).step() * 2.0, θ).causes] == ["step"]
    assert [c.kind for c in viz.why(θ * 0.0, θ).causes] == ["constant"]
    assert [c.kind for c in viz.why(θ ** 0.0 + 1.0, θ).causes] == ["constant"]
    other = Value(1.0)
    r = viz.why(other * 2.0, θ)
    assert r.verdict == "no path" and [c.kind for c in r.causes] == ["no path"]


def test_every_kind_and_verdict_is_documented() -> None:
    assert set(VERDICTS) == {"ok", "zero", "tiny", "huge", "nan", "inf", "no path"}
    assert len(KINDS) == 10


def test_bad_input_is_a_clear_error() -> None:
    θ = Value(1.0)
    with pytest.raises(TypeError, match="J to be a Value"):
        viz.why(1.0, θ)
    with pytest.raises(ValueError, match="tiny"):
        viz.why(θ * 2, θ, tiny=-1)
    with pytest.raises(ValueError, match="saturated"):
        viz.why(θ * 2, θ, saturated=2.0)
    with pytest.raises(ValueError, match="larger than tiny"):
        viz.why(θ * 2, θ, tiny=1.0, huge=0.5)


def test_names_in_the_text_are_the_drawing_names() -> None:
    J, θ1, a2 = relu_on_the_only_path()
    a2.label = ""
    r = viz.why(J, θ1)
    names = node_names(topological(J), J, θ1)
    assert f"relu {names[a2]}" in r.text() and r.diagnosis.names[a2] == names[a2]
    drawing = r.draw()
    assert drawing.node_ids[a2] == names[a2]  # unlabelled: its box id is its name


# -- big graphs: bounded work, counted by structure ------------------------------------------


def test_2_to_the_60_paths_all_blocked_by_one_dead_relu() -> None:
    θ = Value(1.0, label="θ")
    y = (θ - 2.0).relu()
    for _ in range(60):
        y = y + y
    r = viz.why(y, θ)
    assert r.verdict == "zero" and r.diagnosis.path_count == 2**60
    assert [c.kind for c in r.causes] == ["dead relu"] and r.causes[0].paths == 2**60


def test_two_to_the_60_paths_cancelling_are_grouped_not_listed(monkeypatch) -> None:
    import autograd.diagnosis as diagnosis

    listed = []
    monkeypatch.setattr(diagnosis._Walk, "paths", lambda self: listed.append(1) or [])
    θ = Value(1.0, label="θ")
    y = θ
    for _ in range(60):
        y = y + y
    J = y - y
    r = viz.why(J, θ)
    assert r.verdict == "zero" and r.causes[0].kind == "paths cancel"
    assert len(r.causes[0].terms) == 2 and r.diagnosis.path_count == 2**61
    assert listed == []  # the paths were never listed


def test_a_chain_of_100000_nodes_is_diagnosed_in_one_pass() -> None:
    θ = Value(0.5, label="θ")
    v = θ
    for _ in range(100_000):
        v = v.sigmoid()  # each σ′ ≈ 0.24: the product underflows to exactly 0
    calls = []
    import autograd.diagnosis as diagnosis

    original = diagnosis.topological

    def counted(root: Value) -> list[Value]:
        calls.append(root)
        return original(root)

    diagnosis.topological = counted
    try:
        r = viz.why(v, θ)
    finally:
        diagnosis.topological = original
    assert len(calls) == 1  # one topological order; every other pass is a loop over it
    assert r.verdict == "zero" and [c.kind for c in r.causes] == ["vanishing product"]
    assert r.causes[0].paths == 1 and "underflow" in r.causes[0].text
    assert len(r.text()) < 2_000  # summarised, not listed


# -- how it shows itself ------------------------------------------------------------------------


def test_the_drawing_marks_the_blocking_edge_in_red_with_its_zero() -> None:
    J, θ1, a2 = relu_on_the_only_path()
    r = viz.why(J, θ1)
    g = r.draw()
    z2 = a2.parents[0]
    edge = f"{g.node_ids[z2]} -> {g.node_ids[a2]}"
    lines = [line for line in g.source.splitlines() if edge in line]
    assert len(lines) == 1 and PATH_COLOR in lines[0] and "= 0" in lines[0]
    others = [line for line in g.source.splitlines() if "->" in line and line is not lines[0]]
    assert all(PATH_COLOR not in line for line in others if edge not in line)
    assert "dead relu" in g.caption


def test_latex_and_the_notebook_bundle() -> None:
    θ = Value(0.7, label="θ")
    J = θ * 2.5 + θ * (-2.5)
    J.label = "J"
    r = viz.why(J, θ)
    assert r.latex().startswith(r"\frac{\partial J}{\partial \theta} = 0") and "(2.5) + (-2.5)" in r.latex()
    bundle = r._repr_mimebundle_()
    assert bundle["text/plain"] == r.text() and "$$" in bundle["text/markdown"]
    if viz.find_renderer() is not None:
        assert bundle["image/svg+xml"].lstrip().startswith(("<?xml", "<svg", "<!--"))


def test_the_text_says_when_theta_grad_is_not_the_gradient() -> None:
    J, θ1, _ = relu_on_the_only_path(0.5)
    J.backward()
    J.backward()  # a leaf adds up: θ1.grad is now twice ∂J/∂θ1
    r = viz.why(J, θ1)
    assert r.grad * 2 == θ1.grad and "leaves add up" in r.text()
    θ1.grad = r.grad
    assert "holds" not in viz.why(J, θ1).text()


def test_both_paths_phrase_as_in_the_issue() -> None:
    θ1 = Value(0.5, label="θ1")
    z2 = θ1 * 2.0 - 1.37
    z2.label = "z2"
    a = z2.relu()
    J = a * 3.0 + a * 4.0
    J.label = "J"
    text = viz.why(J, θ1).text()
    assert text.startswith("θ1.grad is 0: both paths from J to θ1 are blocked")
    assert "z2 = −0.37 ≤ 0" in text and "[both paths]" in text


def test_paths_below_a_block_are_counted_exactly() -> None:
    θ = Value(1.0, label="θ")
    z = θ * θ + θ - 10.0  # three paths from z down to θ
    J = z.relu() * 2.0 + z.relu() * 3.0  # two relus, each dead: 2 × 3 paths
    r = viz.why(J, θ)
    assert r.diagnosis.path_count == 6
    assert [c.kind for c in r.causes] == ["dead relu", "dead relu"] and [c.paths for c in r.causes] == [3, 3]


def test_the_newer_ops_kinks_and_flat_sides() -> None:
    θ = Value(0.0, label="θ")
    assert [c.kind for c in viz.why(θ.abs() * 2.0, θ).causes] == ["kink"]
    θ = Value(-1.0, label="θ")
    r = viz.why(θ.maximum(Value(2.0)) * 3.0, θ)
    assert r.verdict == "zero" and [c.kind for c in r.causes] == ["constant"] and "larger operand" in r.text()
    assert viz.why(θ.maximum(Value(-1.0)), θ).verdict == "ok"  # a tie passes ½
    assert [c.kind for c in viz.why((θ * 800.0).elu(), θ).causes] == ["saturated"]
    assert [c.kind for c in viz.why((θ * 1e200).softsign(), θ).causes] == ["saturated"]  # slope 1e-400 rounds to 0


def test_drawing_a_big_graph_keeps_only_what_the_causes_name() -> None:
    θ = Value(1.0, label="θ")
    y = (θ - 2.0).relu()
    for _ in range(400):
        y = y + y * 1.0
    r = viz.why(y, θ)
    g = r.draw(max_nodes=50)
    assert len(g.node_ids) <= 50 and "other nodes are not drawn" in g.caption
    with pytest.raises(viz.GraphTooLarge, match="max_nodes"):
        r.draw(max_nodes=1)
    assert "no path" in viz.why(y, Value(2.0)).draw().caption
