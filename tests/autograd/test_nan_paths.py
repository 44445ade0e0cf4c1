"""NaN in, NaN out: through relu's slope (also in a graph of the gradient) and through x ** nan."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad
from autograd.ops import positive
from tests.strategies import APPLY

NAN = math.nan


def test_positive_is_one_zero_or_nan() -> None:
    assert positive(2.0) == 1.0 and positive(5e-324) == 1.0
    assert positive(0.0) == 0.0 and positive(-0.0) == 0.0 and positive(-1.0) == 0.0
    assert math.isnan(positive(NAN))
    assert math.isnan(positive(Value(NAN)))  # on a Value too: the rule runs on both


def test_relu_at_nan_has_a_nan_slope_in_every_backward() -> None:
    x = Value(NAN)
    y = x.relu()
    assert math.isnan(y.data) and math.isnan(y.local_grads[0])
    (g,) = grad(y, [x], create_graph=True)  # the table's rule, run on Values
    assert math.isnan(g.data)
    x2 = Value(NAN)
    (x2.relu() * 3.0).backward(create_graph=True)
    assert math.isnan(x2.grad) and math.isnan(x2.grad_value.data)


def test_relu_slope_as_a_graph_either_side_of_zero() -> None:
    for value, slope in ((2.0, 1.0), (-2.0, 0.0), (0.0, 0.0)):
        x = Value(value)
        (g,) = grad(x.relu(), [x], create_graph=True)
        assert g.data == slope


def test_a_nan_exponent_gives_nan_for_any_base() -> None:
    for base in (-2.0, -1.0, 0.0, 2.0):
        out = Value(base) ** NAN
        assert math.isnan(out.data), base
        out2 = Value(base) ** Value(NAN)
        assert math.isnan(out2.data), base
    assert math.isnan((Value(-2.0) ** NAN).data)


@pytest.mark.parametrize("name", sorted(APPLY))
def test_nan_propagates_through_every_op(name) -> None:
    out = APPLY[name](Value(NAN), Value(0.5))
    assert math.isnan(out.data), name
    out.backward()  # and backward does not raise


def test_relu_and_step_keep_nan() -> None:
    assert math.isnan(Value(NAN).relu().data)
    assert math.isnan(Value(NAN).step().data)
    assert math.isnan(Value(NAN).relu().local_grads[0])


@pytest.mark.parametrize("x", [1e308, -1e308, math.inf, -math.inf])
def test_sigmoid_and_tanh_are_finite_at_the_extremes(x) -> None:
    for out in (Value(x).sigmoid(), Value(x).tanh()):
        out.backward()
        assert math.isfinite(out.data) and math.isfinite(out.local_grads[0])
