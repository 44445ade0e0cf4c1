"""Comparisons look at data, as with PyTorch scalars: every operator on both sides of equality."""

from __future__ import annotations

import math
import operator

import pytest

from autograd import Value

OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
# (left, right) → the expected answer of each operator
CASES = [
    (1.0, 1.0, {"<": False, "<=": True, ">": False, ">=": True}),
    (1.0, 2.0, {"<": True, "<=": True, ">": False, ">=": False}),
    (2.0, 1.0, {"<": False, "<=": False, ">": True, ">=": True}),
    (-0.0, 0.0, {"<": False, "<=": True, ">": False, ">=": True}),
    (1.0, math.nextafter(1.0, 2.0), {"<": True, "<=": True, ">": False, ">=": False}),
    (math.nextafter(1.0, 2.0), 1.0, {"<": False, "<=": False, ">": True, ">=": True}),
    (math.nan, 1.0, {"<": False, "<=": False, ">": False, ">=": False}),
    (1.0, math.nan, {"<": False, "<=": False, ">": False, ">=": False}),
    (-math.inf, math.inf, {"<": True, "<=": True, ">": False, ">=": False}),
]


@pytest.mark.parametrize("a, b, expected", CASES)
@pytest.mark.parametrize("symbol", list(OPS))
@pytest.mark.parametrize("form", ["Value op Value", "Value op number", "number op Value", "Value op int"])
def test_each_comparison_on_both_sides_of_equality(a, b, expected, symbol, form) -> None:
    compare = OPS[symbol]
    if form == "Value op Value":
        got = compare(Value(a), Value(b))
    elif form == "Value op number":
        got = compare(Value(a), b)
    elif form == "number op Value":
        got = compare(a, Value(b))  # Python reflects it: 1 <= Value(1) calls Value.__ge__
    else:
        if not float(b).is_integer():
            pytest.skip("only whole numbers as int")
        got = compare(Value(a), int(b))
    assert got is expected[symbol], f"{a!r} {symbol} {b!r}"


def test_value_1_le_1_and_ge_1() -> None:
    assert Value(1) <= 1 and Value(1) >= 1 and 1 <= Value(1) and 1 >= Value(1)
    assert not Value(1) < 1 and not Value(1) > 1


def test_comparisons_refuse_what_is_not_a_number() -> None:
    for compare in OPS.values():
        with pytest.raises(TypeError, match="comparison operand"):
            compare(Value(1.0), "1")
