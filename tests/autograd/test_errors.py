"""Bad input: a clear, typed error naming what was wrong; never a silent NaN or complex."""

from __future__ import annotations

import pytest

from autograd import Value, gradcheck, numerical_grad, scope


@pytest.mark.parametrize(
    "data, type_name",
    [("1", "str"), (None, "NoneType"), (1 + 2j, "complex"), ([1.0], "list"), ({}, "dict")],
)
def test_value_of_a_non_real_is_a_type_error(data, type_name) -> None:
    with pytest.raises(TypeError, match=type_name):
        Value(data)


def test_numpy_array_is_refused() -> None:
    np = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match="ndarray"):
        Value(np.array([1.0, 2.0]))


def test_label_must_be_text() -> None:
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)


@pytest.mark.parametrize("operand", ["2", None, [1.0], 1j])
def test_operator_with_a_non_number_is_a_type_error(operand) -> None:
    x = Value(1.0)
    for apply in (lambda: x + operand, lambda: operand * x, lambda: x - operand, lambda: x**operand):
        with pytest.raises(TypeError):
            apply()


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_non_positive(x: float) -> None:
    with pytest.raises(ValueError, match=r"log.*" + repr(x).replace("-", r"\-")):
        Value(x).log()


def test_fractional_power_of_a_negative_number() -> None:
    with pytest.raises(ValueError, match=r"pow.*-8\.0.*0\.5"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match="pow"):
        (-8.0) ** Value(1 / 3)


def test_integer_power_of_a_negative_number_is_fine() -> None:
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


def test_value_exponent_on_a_negative_base_is_refused() -> None:
    with pytest.raises(ValueError, match="negative base"):
        Value(-2.0) ** Value(2.0)


def test_zero_to_a_negative_power() -> None:
    with pytest.raises(ZeroDivisionError, match=r"pow.*0\.0.*-1"):
        Value(0.0) ** -1
    with pytest.raises(ZeroDivisionError, match="pow"):
        0 ** Value(-2.0)


def test_zero_to_a_positive_power_has_zero_exponent_derivative() -> None:
    x, y = Value(0.0), Value(2.0)
    z = x**y
    z.backward()
    assert (z.data, x.grad, y.grad) == (0.0, 0.0, 0.0)


def test_division_by_zero() -> None:
    with pytest.raises(ZeroDivisionError, match=r"div.*1\.0"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="div"):
        1.0 / Value(0.0)


def test_exp_overflow_names_the_op() -> None:
    with pytest.raises(OverflowError, match=r"exp.*1000"):
        Value(1000.0).exp()


def test_pow_overflow_names_the_op() -> None:
    with pytest.raises(OverflowError, match="pow"):
        Value(10.0) ** 400


def test_backward_seed_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="str"):
        Value(1.0).backward("1")


def test_gradcheck_arguments() -> None:
    with pytest.raises(TypeError, match="xs"):
        gradcheck(lambda x: x, 1.0)
    with pytest.raises(TypeError, match=r"xs\[1\]"):
        numerical_grad(lambda x, y: x * y, [1.0, "2"])
    with pytest.raises(ValueError, match="eps"):
        numerical_grad(lambda x: x, [1.0], eps=0)
    with pytest.raises(TypeError, match="float"):
        gradcheck(lambda x: 3.0, [1.0])


def test_scope_name() -> None:
    with pytest.raises(TypeError, match="scope"):
        with scope(""):
            pass


def test_decimal_is_a_type_error_and_fraction_is_fine() -> None:
    from decimal import Decimal
    from fractions import Fraction

    with pytest.raises(TypeError, match="Decimal"):
        Value(Decimal("1.5"))
    assert Value(Fraction(1, 4)).data == 0.25
