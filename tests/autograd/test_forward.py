"""Forward mode (jvp, jacobian, hvp) against reverse mode, finite differences and exact derivatives."""

from __future__ import annotations

import gc
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Jacobian, Value, forward_steps, grad, hessian, hvp, jacobian, jvp, numerical_grad, topological
from autograd.forward import choose_mode, order_of, tangents
from tests.strategies import as_function, points, programs


def f(a, b):
    return a * b + a.exp()


def test_the_contract_example_is_exact() -> None:
    out, tangent = jvp(f, [2.0, -1.0], [1.0, 0.0])
    assert out == 2.0 * -1.0 + math.exp(2.0)
    assert tangent == -1.0 + math.exp(2.0)  # ∂f/∂a = b + eᵃ
    _, along_b = jvp(f, [2.0, -1.0], [0.0, 1.0])
    assert along_b == 2.0  # ∂f/∂b = a
    _, mixed = jvp(f, [2.0, -1.0], [0.5, -2.0])
    assert mixed == pytest.approx(0.5 * (-1.0 + math.exp(2.0)) - 2.0 * 2.0, rel=1e-15)


def test_a_list_of_outputs_gives_a_list_of_tangents() -> None:
    outs, tans = jvp(lambda x: [x * x, x.tanh(), x], [0.3], [2.0])
    assert outs == [0.09, math.tanh(0.3), 0.3]
    assert tans == pytest.approx([2 * 0.3 * 2.0, (1 - math.tanh(0.3) ** 2) * 2.0, 2.0], rel=1e-15)


@settings(max_examples=60, deadline=None)
@given(program=programs(), data=points(4), direction=points(4))
def test_jvp_equals_reverse_mode_gradient_dotted_with_the_direction(program, data, direction) -> None:
    n = program[0]
    fn = as_function(program)
    xs = [Value(x) for x in data[:n]]
    J = fn(*xs)
    gradient = grad(J, xs)
    out, tangent = jvp(fn, data[:n], direction[:n])
    assert out == J.data
    expected = math.fsum(g * d for g, d in zip(gradient, direction[:n]))
    scale = math.fsum(abs(g * d) for g, d in zip(gradient, direction[:n]))
    assert abs(tangent - expected) <= 1e-12 * max(1.0, scale)


@settings(max_examples=40, deadline=None)
@given(program=programs(max_inputs=3), data=points(3))
def test_forward_and_reverse_jacobians_agree_and_match_finite_differences(program, data) -> None:
    n = program[0]
    fn = as_function(program)
    three = lambda *xs: [fn(*xs), fn(*xs).tanh(), xs[0] * 2.0]  # noqa: E731 - three outputs
    rev = jacobian(three, data[:n], mode="reverse")
    fwd = jacobian(three, data[:n], mode="forward")
    assert (rev.mode, rev.passes, fwd.mode, fwd.passes) == ("reverse", 3, "forward", n)
    for r, q in zip(rev, fwd):
        for a, b in zip(r, q):
            assert abs(a - b) <= 1e-12 * max(1.0, abs(a))
    numeric = numerical_grad(fn, data[:n])
    for a, d in zip(fwd[0], numeric):
        assert abs(a - d) <= 1e-5 + 1e-3 * abs(d)


def test_auto_takes_the_mode_with_fewer_passes_and_says_so() -> None:
    wide = jacobian(lambda *xs: sum(x * x for x in xs), [1.0, 2.0, 3.0], mode="auto")
    assert (wide.mode, wide.passes) == ("reverse", 1)  # 3 inputs, 1 output: one backward
    tall = jacobian(lambda t: [t * k for k in range(1, 6)], [0.5], mode="auto")
    assert (tall.mode, tall.passes) == ("forward", 1)  # 1 input, 5 outputs: one forward
    assert tall == [[1.0], [2.0], [3.0], [4.0], [5.0]]
    square = jacobian(lambda a, b: [a * b, a + b], [1.0, 2.0], mode="auto")
    assert square.mode == "reverse"  # a tie: backprop, the engine's default
    assert (choose_mode(2, 3), choose_mode(3, 3), choose_mode(4, 3)) == ("forward", "reverse", "reverse")
    assert "mode='forward'" in repr(tall)


def test_visits_count_the_inner_nodes_each_pass_processed() -> None:
    # 3 outputs sharing h = a·b: the graph has h, h+1 (out0), h·a (out1), tanh(b) (out2): 4 inner nodes
    def three(a, b):
        h = a * b
        return [h + 1.0, h * a, b.tanh()]

    fwd = jacobian(three, [2.0, 3.0], mode="forward")
    rev = jacobian(three, [2.0, 3.0], mode="reverse")
    assert fwd.nodes == rev.nodes == 4
    assert fwd.visits == 2 * 4  # each forward pass walks the whole graph once
    assert rev.visits == 2 + 2 + 1  # each backward walks only what its output depends on


def test_a_single_output_gives_one_row_and_no_grad_changes() -> None:
    a, b = Value(2.0), Value(-1.0)
    J = jacobian(f, [a, b], mode="forward")
    assert isinstance(J, Jacobian) and J == [[-1.0 + math.exp(2.0), 2.0]]
    jvp(f, [a, b], [1.0, 1.0])
    hvp(f, [a, b], [1.0, 1.0])
    out = f(a, b)
    jacobian(lambda x, y: [out, x], [a, b], mode="forward")
    assert all(n.grad == 0.0 for n in topological(out))


def test_the_same_value_twice_in_xs_adds_its_directions() -> None:
    x = Value(3.0)
    _, t = jvp(lambda p, q: p * q, [x, x], [1.0, 2.0])
    assert t == 3.0 * 6.0  # d(x²) along 3: 2x · 3


def test_an_output_that_does_not_depend_on_the_inputs_has_zero_tangent() -> None:
    c = Value(4.0)
    out, t = jvp(lambda x: c * 2.0, [1.0], [1.0])
    assert (out, t) == (8.0, 0.0)
    (zero,) = jacobian(lambda x: [c.exp()], [1.0], mode="forward")
    assert zero == [0.0]


def test_an_off_path_infinite_local_derivative_does_not_poison_the_tangent() -> None:
    # sqrt at 0 has slope inf; it feeds the output but does not depend on x, so ẋ never meets it
    z = Value(0.0)
    out, t = jvp(lambda x: x * 3.0 + z**0.5, [1.0], [1.0])
    assert (out, t) == (3.0, 3.0)
    assert grad(Value(1.0) * 3.0 + z**0.5, [z])[0] == math.inf  # the slope really is there


@pytest.mark.parametrize("depth", [1_000_000])
def test_forward_mode_on_a_million_deep_chain(depth: int) -> None:
    x = Value(1.0)
    y = x
    gc.disable()  # building a million nodes sets off full collections that cost more than the test
    try:
        for _ in range(depth):
            y = -y
    finally:
        gc.enable()
    steps = order_of([y])
    tan, visits = tangents(steps, {x: 1.0})
    assert tan[y] == (-1.0) ** depth and visits == depth
    assert jacobian(lambda v: y, [x], mode="forward") == [[1.0]]
    _, t = jvp(lambda v: [y, v], [x], [0.5])
    assert t == [0.5, 0.5] and x.grad == 0.0
    del steps, tan


def test_create_graph_gives_a_differentiable_tangent() -> None:
    x, w = Value(0.7), Value(-1.3)
    g = lambda a, b: (a * b).tanh() + a * a * a  # noqa: E731
    out, t = jvp(g, [x, w], [1.0, 0.0], create_graph=True)
    _, plain = jvp(g, [x, w], [1.0, 0.0])
    assert isinstance(t, Value) and t.data == pytest.approx(plain, rel=1e-15)
    # ∂/∂(x, w) of ∂g/∂x is the first column of the Hessian
    H = hessian(g, [0.7, -1.3])
    assert grad(t, [x, w]) == pytest.approx([H[0][0], H[1][0]], rel=1e-12)
    (_, t2) = jvp(lambda a: [a * 5.0], [x], [2.0], create_graph=True)
    assert isinstance(t2[0], Value) and t2[0].data == 10.0


@settings(max_examples=40, deadline=None)
@given(program=programs(max_inputs=3, max_ops=10), data=points(3), direction=points(3))
def test_hvp_equals_the_hessian_times_v(program, data, direction) -> None:
    n = program[0]
    fn = as_function(program)
    out, Hv = hvp(fn, data[:n], direction[:n])
    H = hessian(fn, data[:n])
    for row, got in zip(H, Hv):
        want = math.fsum(h * d for h, d in zip(row, direction[:n]))
        scale = math.fsum(abs(h * d) for h, d in zip(row, direction[:n]))
        assert abs(got - want) <= 1e-12 * max(1.0, scale)


def test_forward_steps_write_each_tangent_as_its_terms() -> None:
    t1, x = Value(0.5, label="θ1"), Value(1.5, label="a1")
    z = t1 * x
    a = z.sigmoid()
    J = 0.5 * (a - 1.0) ** 2
    steps = forward_steps(J, t1)
    assert [n for n, _, _ in steps][:2] == [z, a]
    for _, terms, tangent in steps:
        assert tangent == pytest.approx(sum(local * pt for _, _, local, pt in terms), rel=1e-15)
    assert steps[-1][0] is J and steps[-1][2] == pytest.approx(grad(J, [t1])[0], rel=1e-12)
    z_terms = steps[0][1]
    assert [(slot, p) for slot, p, _, _ in z_terms] == [(0, t1)]  # a1 does not depend on θ1: no term


@pytest.mark.parametrize("call, error, words", [
    (lambda: jvp(f, [1.0, 2.0], [1.0]), ValueError, "v has 1 entries but xs has 2"),
    (lambda: jvp(f, [1.0, 2.0], [1.0, "up"]), TypeError, "v[1] must be a real number"),
    (lambda: jvp(f, [1.0, 2.0], None), TypeError, "direction v must be a sequence"),
    (lambda: jvp(f, [1.0, 2.0], "ab"), TypeError, "direction v must be a sequence"),
    (lambda: jvp(f, [1.0, None], [1.0, 1.0]), TypeError, "xs[1] must be a real number"),
    (lambda: jvp(f, 3.0, [1.0]), TypeError, "xs must be a sequence"),
    (lambda: jvp(lambda a: 3.0, [1.0], [1.0]), TypeError, "f must return a Value or a list of Values, got float"),
    (lambda: jvp(lambda a: [a, 2], [1.0], [1.0]), TypeError, "output 1 must be a Value, got int"),
    (lambda: jvp(lambda a: [], [1.0], [1.0]), ValueError, "empty list"),
    (lambda: jvp(f, [1.0, 2.0], [1.0, 0.0], create_graph=1), TypeError, "create_graph must be True or False"),
    (lambda: jvp(3, [1.0], [1.0]), TypeError, "f must be a function"),
    (lambda: jacobian(f, [1.0, 2.0], mode="sideways"), ValueError, "mode must be one of reverse, forward, auto"),
    (lambda: jacobian(f, [], mode="forward"), ValueError, "xs is empty"),
    (lambda: jvp(f, [Value(1.0) * 2.0, 1.0], [1.0, 1.0]), ValueError, "xs[0] is not a leaf (it was made by mul)"),
    (lambda: jacobian(lambda a: {"out": a}, [1.0]), TypeError, "got dict"),
    (lambda: hvp(lambda a: [a, a], [1.0], [1.0]), TypeError, "hvp needs f to return one Value"),
    (lambda: hvp(f, [1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "v has 3 entries but xs has 2"),
])
def test_bad_input_is_refused_by_name(call, error, words) -> None:
    with pytest.raises(error) as caught:
        call()
    assert words in str(caught.value)


@given(n=st.integers(1, 6), m=st.integers(1, 6))
def test_auto_passes_are_the_smaller_count(n: int, m: int) -> None:
    J = jacobian(lambda *xs: [sum(xs, Value(0.0)) * float(k) for k in range(m)], [0.1] * n, mode="auto")
    assert J.passes == min(n, m) if n != m else J.passes == m
    assert len(J) == m and all(len(row) == n for row in J)


@settings(max_examples=60, deadline=None)
@given(program=programs(), data=points(4))
def test_the_order_of_one_output_is_topological_order(program, data) -> None:
    J = as_function(program)(*[Value(x) for x in data[:program[0]]])
    assert order_of([J]) == topological(J)
    twice = order_of([J, J.tanh(), J])
    assert twice[:-1] == topological(J) and twice[-1].op == "tanh"


@settings(max_examples=30, deadline=None)
@given(program=programs(max_inputs=3, max_ops=10), data=points(3), direction=points(3))
def test_a_create_graph_tangent_differentiates_to_the_hessian_times_v(program, data, direction) -> None:
    n = program[0]
    fn = as_function(program)
    xs = [Value(x) for x in data[:n]]
    _, plain = jvp(fn, data[:n], direction[:n])
    _, t = jvp(fn, xs, direction[:n], create_graph=True)
    assert abs(t.data - plain) <= 1e-12 * max(1.0, abs(plain))
    H = hessian(fn, data[:n])
    for got, row in zip(grad(t, xs), H):  # ∂(∇f·v)/∂x = H·v (H is symmetric)
        want = math.fsum(h * d for h, d in zip(row, direction[:n]))
        scale = math.fsum(abs(h * d) for h, d in zip(row, direction[:n]))
        assert abs(got - want) <= 1e-12 * max(1.0, scale)
