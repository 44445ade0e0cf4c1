"""grad, create_graph and hessian: derivatives of derivatives, checked without PyTorch."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autograd import Value, grad, hessian, numerical_grad, topological
from tests.strategies import points, programs, run


def test_grad_returns_floats_and_changes_no_grad() -> None:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    J = (w * x).tanh() + x * x
    assert grad(J, [x, w]) == pytest.approx([
        -3 * (1 - math.tanh(-6.0) ** 2) + 4.0,
        2 * (1 - math.tanh(-6.0) ** 2),
    ])
    assert all(n.grad == 0.0 for n in topological(J))
    assert grad(J, x) == grad(J, [x])  # a single Value works as well as a list


def test_an_input_that_does_not_reach_the_output_gets_zero() -> None:
    x, other = Value(1.0), Value(5.0)
    J = x * 3.0
    assert grad(J, [other]) == [0.0]
    (zero,) = grad(J, [other], create_graph=True)
    assert isinstance(zero, Value) and zero.is_constant and zero.data == 0.0


def test_grad_of_the_output_itself_is_one() -> None:
    x = Value(1.0)
    J = x.exp()
    assert grad(J, [J, x]) == [1.0, math.e]


@pytest.mark.parametrize("f, d1, d2, d3", [
    (lambda x: x.tanh(),
     lambda x: 1 - math.tanh(x) ** 2,
     lambda x: -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
     lambda x: -2 * (1 - math.tanh(x) ** 2) ** 2 + 4 * math.tanh(x) ** 2 * (1 - math.tanh(x) ** 2)),
    (lambda x: x.sigmoid(),
     lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s),
     lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 2 * s),
     lambda x: (s := 1 / (1 + math.exp(-x))) * (1 - s) * (1 - 6 * s + 6 * s * s)),
    (lambda x: x.exp(), math.exp, math.exp, math.exp),
])
@pytest.mark.parametrize("at", [-1.3, 0.0, 0.4, 2.2])
def test_third_derivatives_against_closed_forms(f, d1, d2, d3, at) -> None:
    x = Value(at)
    (g1,) = grad(f(x), [x], create_graph=True)
    (g2,) = grad(g1, [x], create_graph=True)
    (g3,) = grad(g2, [x])
    assert [g1.data, g2.data, g3] == pytest.approx([d1(at), d2(at), d3(at)], rel=1e-12, abs=1e-14)


@settings(max_examples=60, deadline=None)
@given(program=programs(max_inputs=3, max_ops=8), data=points(3))
def test_second_derivatives_match_finite_differences_of_grad(program, data) -> None:
    n = program[0]
    xs = data[:n]
    H = hessian(lambda *v: run(program, *v), xs)
    for i in range(n):
        def row_i(*v, i=i):
            # ∂J/∂x_i as a function of the point, through a fresh graph
            return Value(grad(run(program, *v), list(v))[i])

        numeric = numerical_grad(row_i, xs, eps=1e-5)
        assert H[i] == pytest.approx(numeric, rel=1e-4, abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(program=programs(), data=points(4))
def test_create_graph_leaves_every_first_order_grad_unchanged(program, data) -> None:
    n = program[0]
    plain = [Value(v) for v in data[:n]]
    J = run(program, *plain)
    J.backward()
    expected = [node.grad for node in topological(J)]
    for node in topological(J):
        if node.is_leaf:  # constants are leaves too, and accumulate like any leaf
            node.grad = 0.0
    J.backward(create_graph=True)
    nodes = topological(J)
    assert [node.grad for node in nodes] == expected  # bit for bit
    for node in nodes:
        if not node.is_constant and node.grad_value is not None:
            assert node.grad_value.data == node.grad
    assert all(x.grad_value is not None for x in plain)


def test_grad_value_is_differentiable_and_goes_stale_when_grad_changes() -> None:
    x = Value(0.3)
    J = x * x * x
    J.backward(create_graph=True)
    assert x.grad == pytest.approx(3 * 0.09)
    (d2,) = grad(x.grad_value, [x])
    assert d2 == pytest.approx(6 * 0.3)
    x.grad = 0.0
    assert x.grad_value is None  # zeroed: the old graph no longer computes .grad
    (x * x).backward()
    assert x.grad_value is None  # a plain backward leaves no graph for its new grad


def test_create_graph_accumulates_into_a_leaf_like_grad_does() -> None:
    x = Value(2.0)
    (x * x).backward(create_graph=True)
    (x * x * x).backward(create_graph=True)
    assert x.grad == 4.0 + 12.0
    assert x.grad_value.data == x.grad
    (d,) = grad(x.grad_value, [x])
    assert d == pytest.approx(2.0 + 6 * 2.0)


def test_hessian_of_a_quadratic_form_is_its_matrix() -> None:
    # f = ½ xᵀAx with A symmetric has Hessian A
    A = [[2.0, -1.0, 0.5], [-1.0, 3.0, 0.0], [0.5, 0.0, 1.0]]

    def f(*x):
        return 0.5 * sum((A[i][j] * x[i] * x[j] for i in range(3) for j in range(3)), Value(0.0))

    H = hessian(f, [0.3, -1.2, 2.0])
    for row, expected in zip(H, A):
        assert row == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("make", [lambda x: x.relu(), lambda x: x.step(), lambda x: x.leaky_relu(0.1)])
@pytest.mark.parametrize("at", [-1.5, 0.7])
def test_piecewise_linear_ops_have_second_derivative_zero(make, at) -> None:
    assert hessian(make, [at]) == [[0.0]]


def test_pow_with_a_value_exponent_second_derivatives() -> None:
    # f = x^y: f_xx = y(y−1)x^(y−2), f_xy = x^(y−1)(1 + y ln x), f_yy = x^y ln²x
    x, y = 1.7, 2.3
    H = hessian(lambda a, b: a**b, [x, y])
    fxx = y * (y - 1) * x ** (y - 2)
    fxy = x ** (y - 1) * (1 + y * math.log(x))
    fyy = x**y * math.log(x) ** 2
    assert H[0] == pytest.approx([fxx, fxy], rel=1e-12)
    assert H[1] == pytest.approx([fxy, fyy], rel=1e-12)


@pytest.mark.parametrize("base, exponent, value, d_base, d_exponent", [
    (0.0, 0.0, 1.0, 0.0, 0.0),  # x**0 is 1 and flat everywhere, 0**0 included
    (0.0, 0.5, 0.0, math.inf, 0.0),  # the square root's slope at 0 is +inf
    (1e-310, 0.0, 1.0, 0.0, math.log(1e-310)),  # no 0 · (1e-310)^−1 overflow
    (0.0, 1.0, 0.0, 1.0, 0.0),
    (0.0, 2.0, 0.0, 0.0, 0.0),
    (-2.0, 0.0, 1.0, 0.0, None),
])
def test_pow_at_its_edges(base, exponent, value, d_base, d_exponent) -> None:
    x = Value(base)
    out = x**exponent  # a constant exponent
    out.backward()
    assert (out.data, x.grad) == (value, d_base)
    if d_exponent is not None:  # a Value exponent, and a plain-number base
        y = Value(exponent)
        out = base**y
        out.backward()
        assert (out.data, y.grad) == (value, d_exponent)
        assert out.local_grads[0] == d_base


def test_second_derivative_of_square_at_zero_survives_the_edge_rule() -> None:
    assert hessian(lambda x: x**2, [0.0]) == [[2.0]]
    assert hessian(lambda x: x**3, [0.0]) == [[0.0]]


@pytest.mark.parametrize("call, error, words", [
    (lambda: grad(1.0, []), TypeError, "output"),
    (lambda: grad(Value(1.0), [Value(1.0), 2.0]), TypeError, r"inputs\[1\]"),
    (lambda: grad(Value(1.0), "x"), TypeError, "inputs"),
    (lambda: hessian(lambda x: 1.0, [1.0]), TypeError, "return a Value"),
    (lambda: hessian(lambda x: x, ["1"]), TypeError, r"xs\[0\]"),
])
def test_bad_input_is_a_clear_error(call, error, words) -> None:
    with pytest.raises(error, match=words):
        call()


def test_the_gradient_graph_can_be_drawn() -> None:
    import viz
    from tests.viz.test_chain import notes_network

    v = notes_network()
    (g,) = grad(v["J"], [v["θ1"]], create_graph=True)
    assert g.data == pytest.approx(v["θ1"].grad, rel=1e-15)
    drawing = viz.draw(g)
    source = drawing.source
    # the backward graph is built from the forward one: it reaches its named nodes again
    for name in ("θ1", "θ2", "a1", "a3"):
        assert f"<B>{name}</B>" in source
    assert source.count("->") >= len([n for n in topological(g) if n.parents])


def test_mixed_second_derivative_of_pow_at_a_zero_exponent() -> None:
    # d/dy d/dx x^y = x^(y−1)(1 + y ln x), which is 1/x at y = 0 although d/dx x^0 is 0
    H = hessian(lambda a, b: a**b, [2.0, 0.0])
    assert H[0] == pytest.approx([0.0, 0.5], abs=1e-15)


# -- x ** y at x = 0: PyTorch's numbers where they exist, NaN where they do not ------------------


def _derivatives(f, x0: float, order: int) -> list[float]:
    x = Value(x0, label="x")
    out, g = [], f(x)
    for _ in range(order):
        (g,) = grad(g, [x], create_graph=True)
        out.append(g.data)
    return out


@pytest.mark.parametrize("y, want", [
    # d/dx, d²/dx², d³/dx³ of x^y at 0, from y·(y−1)·(y−2)·x^(y−3) with 0^negative = +inf
    (0.5, [math.inf, -math.inf, math.inf]),
    (1.5, [0.0, math.inf, -math.inf]),
    (2.5, [0.0, 0.0, math.inf]),
    (1.0, [1.0, 0.0, 0.0]),
    (2.0, [0.0, 2.0, 0.0]),
    (3.0, [0.0, 0.0, 6.0]),
])
def test_derivatives_of_a_power_at_zero_follow_the_formula_with_its_poles(y, want) -> None:
    assert _derivatives(lambda x: x**y, 0.0, 3) == want


def test_hessian_of_a_square_root_at_zero_is_minus_infinity() -> None:
    assert hessian(lambda a: a**0.5, [0.0]) == [[-math.inf]]


@pytest.mark.parametrize("b, want", [
    (1.0, [[0.0, math.nan], [math.nan, 0.0]]),     # the mixed derivative does not exist
    (0.5, [[-math.inf, math.nan], [math.nan, 0.0]]),
    (2.0, [[2.0, 0.0], [0.0, 0.0]]),               # exists: ∂(b·a^(b−1))/∂b = a^(b−1)(1 + b ln a) → 0
    (1.5, [[math.inf, 0.0], [0.0, 0.0]]),
])
def test_hessian_of_a_to_the_b_at_a_zero_is_symmetric_and_never_finite_and_wrong(b, want) -> None:
    got = hessian(lambda a, c: a**c, [0.0, b])
    assert [[repr(v) for v in row] for row in got] == [[repr(v) for v in row] for row in want]


def test_a_power_away_from_zero_keeps_its_symmetric_hessian() -> None:
    a, b = 2.0, 1.5
    got = hessian(lambda x, y: x**y, [a, b])
    mixed = a ** (b - 1) * (1 + b * math.log(a))
    assert got[0][1] == pytest.approx(mixed, rel=1e-14) and got[1][0] == pytest.approx(mixed, rel=1e-14)
    assert got[0][0] == pytest.approx(b * (b - 1) * a ** (b - 2), rel=1e-14)
    assert got[1][1] == pytest.approx(a**b * math.log(a) ** 2, rel=1e-14)


def test_the_first_derivative_is_unchanged_by_the_higher_order_rules() -> None:
    a, b = Value(0.0), Value(1.0)
    (a**b).backward(create_graph=True)
    assert (a.grad, b.grad) == (1.0, 0.0)
    assert (a.grad_value.data, b.grad_value.data) == (1.0, 0.0)


# -- grad_value is current only until the next backward ---------------------------------------


def test_grad_value_goes_stale_after_any_later_backward_even_with_an_equal_number() -> None:
    x = Value(2.0, label="x")
    (x * x).backward(create_graph=True)
    assert x.grad_value is not None and x.grad_value.data == 4.0
    x.grad = 0.0
    (x * 4.0).backward()  # x.grad is 4.0 again, but not from that graph
    assert x.grad == 4.0
    assert x.grad_value is None


def test_grad_value_goes_stale_after_a_backward_of_another_graph() -> None:
    x, other = Value(2.0), Value(1.0)
    (x * x).backward(create_graph=True)
    (other * 3.0).backward()
    assert x.grad_value is None


def test_grad_value_goes_stale_after_a_tape_backward() -> None:
    import numpy as np

    from autograd import trace

    w = Value(0.5, label="w")
    (w * w).backward(create_graph=True)
    tape = trace(lambda x: w * x, 1)
    tape(np.array([[0.0]]))
    tape.backward(np.ones(1))  # adds 0.0: w.grad is unchanged, but another backward ran
    assert w.grad == 1.0 and w.grad_value is None


def test_accumulating_create_graph_backwards_keep_a_current_grad_value() -> None:
    x = Value(3.0)
    (x * x).backward(create_graph=True)
    (x * x * x).backward(create_graph=True)
    assert x.grad == 6.0 + 27.0
    assert x.grad_value is not None and x.grad_value.data == 33.0
    (g2,) = grad(x.grad_value, [x])
    assert g2 == 2.0 + 18.0
