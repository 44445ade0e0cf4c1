"""SGD's momentum: any μ in [0, 1), and nothing else; the update with momentum, step by step."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value


@pytest.mark.parametrize("momentum", [1.0, 1.5, -1e-12, math.nan])
def test_momentum_outside_zero_to_one_is_refused(momentum: float) -> None:
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
        nn.SGD([Value(1.0)], lr=0.1, momentum=momentum)


@pytest.mark.parametrize("momentum", [0.0, 0.5, math.nextafter(1.0, 0.0)])
def test_momentum_inside_is_accepted(momentum: float) -> None:
    assert nn.SGD([Value(1.0)], lr=0.1, momentum=momentum).momentum == momentum


def test_momentum_steps_by_hand() -> None:
    p = Value(1.0)
    opt = nn.SGD([p], lr=0.5, momentum=0.5)
    p.grad = 2.0
    opt.step()  # v = 2, p = 1 − 0.5·2 = 0
    assert p.data == 0.0
    opt.step()  # v = 0.5·2 + 2 = 3, p = 0 − 1.5
    assert p.data == -1.5
