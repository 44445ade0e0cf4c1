"""check_finite looks at every value and every local derivative, the second operand's included."""

from __future__ import annotations

import math

import pytest

from autograd import Value, check_finite


def test_an_infinite_second_partial_is_found() -> None:
    # 1e200 / 1e-100 = 1e300 is finite, ∂/∂x = 1e100 is finite, ∂/∂y = −x/y² overflows to −inf
    x, y = Value(1e200, label="x"), Value(1e-100, label="y")
    q = x / y
    q.label = "q"
    assert math.isfinite(q.data) and math.isfinite(q.local_grads[0]) and q.local_grads[1] == -math.inf
    with pytest.raises(FloatingPointError, match=r"q = div\(…\).*∂/∂y is -inf"):
        check_finite(q * 1.0)


def test_an_infinite_first_partial_is_found() -> None:
    x = Value(0.0, label="x")
    r = x**0.5
    r.label = "r"
    with pytest.raises(FloatingPointError, match=r"r = pow\(…\).*∂/∂x is inf"):
        check_finite(r)


def test_an_infinite_value_is_found_and_finite_graphs_pass() -> None:
    big = Value(math.inf, label="big")
    with pytest.raises(FloatingPointError, match="big"):
        check_finite(big * 2.0)
    x, y = Value(1e200), Value(1e-50)
    check_finite(x / y)  # −x/y² = −1e300: finite


def test_check_finite_names_the_first_node_with_an_infinite_derivative() -> None:
    x = Value(1e-320, label="x")
    y = x.log()
    y.label = "y"
    J = y * 0.0
    J.backward()
    assert math.isnan(x.grad)
    with pytest.raises(FloatingPointError, match=r"y = log.*local derivative.*inf"):
        check_finite(J)
    check_finite(Value(2.0).log() * 3.0)  # nothing to report


def test_a_node_without_a_label_is_named_by_its_place_parents_first() -> None:
    with pytest.raises(FloatingPointError, match=r"^node 0 \(a leaf\) has the value inf$"):
        check_finite(Value(math.inf) * 2.0)
    with pytest.raises(FloatingPointError, match=r"^node 3 \(a leaf\) has the value -inf$"):
        check_finite(Value(1.0) * 2.0 + Value(-math.inf))  # 1.0, 2.0, their product, then -inf
