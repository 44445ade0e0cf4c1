"""autograd.checks: each check at its bounds, just inside and just outside, with the argument named."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from autograd import checks


def test_real_takes_every_real_number_and_names_what_it_refuses() -> None:
    assert checks.real(2, "x") == 2.0 and type(checks.real(2, "x")) is float
    assert checks.real(Fraction(1, 4), "x") == 0.25
    assert checks.real(np.float32(0.5), "x") == 0.5
    with pytest.raises(TypeError, match=r"^speed must be a real number \(int or float\), got str: '1'$"):
        checks.real("1", "speed")
    with pytest.raises(OverflowError, match="speed is too large for a float: int of about 10001 digits"):
        checks.real(10**10000, "speed")


@pytest.mark.parametrize("x, bounds, ok", [
    (0.0, {"above": 0.0}, False),
    (5e-324, {"above": 0.0}, True),
    (0.0, {"at_least": 0.0}, True),
    (-5e-324, {"at_least": 0.0}, False),
    (math.nextafter(1.0, 0.0), {"at_least": 0.0, "below": 1.0}, True),
    (1.0, {"at_least": 0.0, "below": 1.0}, False),
    (1.0, {"at_most": 1.0}, True),
    (math.nextafter(1.0, 2.0), {"at_most": 1.0}, False),
    (math.inf, {"above": 0.0}, True),
    (math.inf, {"above": 0.0, "finite": True}, False),
    (1e308, {"above": 0.0, "finite": True}, True),
    (math.nan, {"finite": True}, False),
    (math.nan, {"at_least": 0.0}, False),
    (math.nan, {}, True),
])
def test_number_keeps_to_its_bounds(x: float, bounds: dict, ok: bool) -> None:
    if ok:
        got = checks.number(x, "rate", **bounds)
        assert got == x or (got != got and x != x)
    else:
        with pytest.raises(ValueError, match=r"^rate must be .*, got"):
            checks.number(x, "rate", **bounds)


@pytest.mark.parametrize("bounds, rule", [
    ({"above": 0.0}, "> 0"),
    ({"at_least": 0.0, "finite": True}, "a finite number >= 0"),
    ({"at_least": 0.0, "below": 1.0}, "in [0, 1)"),
    ({"above": 0.0, "at_most": 1.0}, "in (0, 1]"),
    ({"finite": True}, "a finite number"),
])
def test_number_says_its_rule(bounds: dict, rule: str) -> None:
    with pytest.raises(ValueError) as caught:
        checks.number(-2.0 if "finite" not in bounds or bounds.get("at_least") is not None else math.inf,
                      "rate", **bounds)
    assert str(caught.value).startswith(f"rate must be {rule}, got")


def test_number_refuses_a_bool_and_a_str_as_the_type_error_it_is_given() -> None:
    with pytest.raises(TypeError, match=r"^rate must be > 0, got bool$"):
        checks.number(True, "rate", above=0.0)
    with pytest.raises(ValueError, match=r"^rate must be > 0, got str$"):
        checks.number("1", "rate", above=0.0, type_error=ValueError)


def test_integer_at_its_least() -> None:
    assert checks.integer(1, "n") == 1
    assert checks.integer(np.int64(0), "n", least=0) == 0 and type(checks.integer(np.int64(3), "n")) is int
    with pytest.raises(ValueError, match=r"^n must be >= 1, got 0$"):
        checks.integer(0, "n")
    with pytest.raises(ValueError, match=r"^seed must be >= 0, got -1$"):
        checks.integer(-1, "seed", least=0)
    for bad in (True, 1.0, "1", None):
        with pytest.raises(TypeError, match=r"^n must be an int, got "):
            checks.integer(bad, "n")
    with pytest.raises(ValueError, match="n must be an int"):
        checks.integer(2.5, "n", type_error=ValueError)


def test_flag_one_of_function() -> None:
    assert checks.flag(False, "quiet") is False
    with pytest.raises(TypeError, match=r"^quiet must be True or False, got int$"):
        checks.flag(0, "quiet")
    assert checks.one_of("LR", ("LR", "TB"), "rankdir") == "LR"
    with pytest.raises(ValueError, match=r"^rankdir must be one of LR, TB, got 'lr'$"):
        checks.one_of("lr", ("LR", "TB"), "rankdir")
    assert checks.function(len, "f") is len
    with pytest.raises(TypeError, match=r"^f must be callable, got int$"):
        checks.function(3, "f")
    with pytest.raises(TypeError, match=r"^f must be a function of Values, got int$"):
        checks.function(3, "f", "a function of Values")


def test_sequences_and_instances() -> None:
    assert checks.sequence((1, 2), "xs") == [1, 2]
    assert checks.sequence(iter([3]), "xs") == [3]
    for bad in ("12", b"12", 3):
        with pytest.raises(TypeError, match=r"^xs must be a sequence of numbers, got "):
            checks.sequence(bad, "xs")
    assert checks.instance(2.0, float, "sqrt()") == 2.0
    with pytest.raises(TypeError, match=r"^sqrt\(\) needs a float, got int$"):
        checks.instance(2, float, "sqrt()")
    with pytest.raises(TypeError, match=r"^g\(\) needs a float or str, got int$"):
        checks.instance(2, (float, str), "g()")
    assert checks.instances([1.0, 2.0], float, "ws") == [1.0, 2.0]
    with pytest.raises(TypeError, match=r"^ws\[1\] must be a float, got int$"):
        checks.instances([1.0, 2], float, "ws")
    assert checks.returned(1.0, float, "f") == 1.0
    with pytest.raises(TypeError, match=r"^f must return a float, got int$"):
        checks.returned(1, float, "f")
