"""At the edge of an op's domain the error is the table's own sentence, not Python's math error."""

from __future__ import annotations

import math

import pytest

from autograd import Value


@pytest.mark.parametrize("x", [0.0, -0.0, -1e-300])
def test_log_at_zero_and_below_says_where_it_is_defined(x: float) -> None:
    with pytest.raises(ValueError, match=r"^log: undefined for x <= 0 \(needs x > 0\)"):
        Value(x).log()


def test_log_just_above_zero_is_a_number() -> None:
    assert Value(5e-324).log().data == pytest.approx(-1074 * math.log(2.0), rel=1e-15)  # 5e-324 is 2^−1074


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_division_by_signed_zero(zero) -> None:
    with pytest.raises(ZeroDivisionError, match="div"):
        Value(1.0) / zero
