"""Losses at values where the exact answer is known, including logits far apart (the stable forms)."""

from __future__ import annotations

import math

import pytest

import nn
from autograd import Value


@pytest.mark.parametrize("logits, target, expected", [
    ([0.0, 1000.0], 0, 1000.0),          # log(e^-1000 + 1) + 1000 = 1000 in floats
    ([0.0, 1000.0], 1, 0.0),
    ([1000.0, 0.0], 1, 1000.0),
    ([0.0, 0.0, 1000.0], 0, 1000.0),
    ([-1000.0, 0.0], 0, 1000.0),
    ([0.0, 0.0], 0, math.log(2.0)),
    ([1.0, 2.0, 3.0], 2, math.log(math.exp(-2) + math.exp(-1) + 1.0)),
])
def test_cross_entropy_is_exact_for_any_spread(logits, target, expected) -> None:
    xs = [Value(x) for x in logits]
    loss = nn.cross_entropy(xs, target)
    assert loss.data == pytest.approx(expected, rel=1e-15, abs=1e-15)
    loss.backward()
    p = [math.exp(x - max(logits)) for x in logits]
    total = sum(p)
    for i, x in enumerate(xs):  # ∂/∂x_i = softmax_i − [i = target]
        assert x.grad == pytest.approx(p[i] / total - (i == target), rel=1e-12, abs=1e-300)


def test_softmax_of_logits_far_apart() -> None:
    out = nn.softmax([0.0, 1000.0])
    assert [v.data for v in out] == [0.0, 1.0]
    out = nn.softmax([1000.0, 0.0, 1000.0])
    assert [v.data for v in out] == [0.5, 0.0, 0.5]


@pytest.mark.parametrize("target", [2, 3, -1])
def test_a_target_index_out_of_range_is_a_value_error(target: int) -> None:
    with pytest.raises(ValueError, match=f"target index {target} is out of range for 2 logits"):
        nn.cross_entropy([1.0, 2.0], target)


def test_the_last_index_is_in_range() -> None:
    assert nn.cross_entropy([1.0, 2.0], 1).data == pytest.approx(math.log(1 + math.exp(-1.0)), rel=1e-15)
