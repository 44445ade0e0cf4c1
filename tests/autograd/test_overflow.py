"""One overflow rule for every op: finite operands whose result does not fit raise, naming the op;
infinite operands give the IEEE result; a number too large for a float names the input."""

from __future__ import annotations

import math

import pytest

from autograd import Value


@pytest.mark.parametrize("op, make", [
    ("add", lambda: Value(1.7e308) + Value(1.7e308)),
    ("sub", lambda: Value(-1.7e308) - 1.7e308),
    ("mul", lambda: Value(1e200) * Value(1e200)),
    ("div", lambda: Value(1.0) / 1e-310),
    ("pow", lambda: Value(1e200) ** 2),
    ("exp", lambda: Value(710.0).exp()),
    ("leaky_relu", lambda: Value(-1e10).leaky_relu(1e300)),
])
def test_every_op_raises_on_overflow_and_names_itself(op, make) -> None:
    with pytest.raises(OverflowError, match=f"^{op}"):
        make()


def test_infinite_operands_give_the_ieee_result() -> None:
    inf = math.inf
    assert (Value(inf) + 1.0).data == inf
    assert (Value(inf) * 2.0).data == inf
    assert math.isnan((Value(inf) - inf).data)
    assert Value(-inf).sigmoid().data == 0.0 and Value(inf).tanh().data == 1.0
    assert Value(-inf).leaky_relu(0.5).data == -inf
    assert Value(-1e300).leaky_relu(0.5).data == -5e299  # just inside the range


def test_huge_ints_name_the_input() -> None:
    with pytest.raises(OverflowError, match="Value data is too large"):
        Value(2**2000)
    with pytest.raises(OverflowError, match="about 10001 digits"):
        Value(10**10000)  # past the 4,300 digits str() of an int allows
    with pytest.raises(OverflowError, match="operand is too large"):
        Value(1.0) * 2**2000
