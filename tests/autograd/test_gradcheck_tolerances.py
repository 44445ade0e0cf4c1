"""gradcheck's defaults are PyTorch's (atol 1e-5, rtol 1e-3), checked by near misses on both sides.

relu(x)·c at x = 0: backward gives 0 (relu's slope at 0), central differences give c/2 exactly,
so the error is c/2 with the numeric gradient c/2: it passes iff c/2 ≤ atol + rtol·c/2.
"""

from __future__ import annotations

import pytest

from autograd import gradcheck


def kink(c: float):
    return lambda x: x.relu() * c


@pytest.mark.parametrize("c, passes", [
    (1.9e-5, True),   # error 9.5e-6 ≤ 1e-5 + 9.5e-9
    (2.1e-5, False),  # error 1.05e-5 > 1e-5 + 1.05e-8
    (2e-3, False),    # error 1e-3: far beyond atol 1e-5, within a loose 1e-2
])
def test_default_atol_is_1e_5(c: float, passes: bool) -> None:
    result = gradcheck(kink(c), [0.0])
    assert result.numeric[0] == pytest.approx(c / 2, rel=1e-12) and result.analytic == [0.0]
    assert bool(result) is passes
    assert result.atol == 1e-5 and result.rtol == 1e-3


def test_default_rtol_is_1e_3() -> None:
    # x + relu(x)·c at 0: analytic 1, numeric 1 + c/2; with atol 0, passes iff c/2 ≤ 1e-3·(1 + c/2)
    def f(c):
        return lambda x: x + x.relu() * c
    assert gradcheck(f(1.9e-3), [0.0], atol=0.0)
    assert not gradcheck(f(2.1e-3), [0.0], atol=0.0)


def test_the_bound_is_inclusive() -> None:
    # x + x with eps 0.5 at 0: numeric (1 − (−1)) / 1 = 2 exactly, analytic 2: error 0 ≤ 0
    assert gradcheck(lambda x: x + x, [0.0], eps=0.5, atol=0.0, rtol=0.0)


@pytest.mark.parametrize("atol, rtol", [(-1e-9, 1e-3), (1e-5, -1e-9), (-1.0, -1.0)])
def test_negative_tolerances_are_refused(atol: float, rtol: float) -> None:
    with pytest.raises(ValueError, match="atol and rtol must be >= 0"):
        gradcheck(lambda x: x * x, [1.0], atol=atol, rtol=rtol)


def test_zero_tolerances_are_allowed() -> None:
    assert gradcheck(lambda x: x + x, [0.0], eps=0.5, atol=0.0, rtol=0.0).rtol == 0.0
