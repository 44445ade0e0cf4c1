"""The toy datasets' exact structure: class sizes for odd n, blob centres, the XOR table."""

from __future__ import annotations

import math

import pytest

import nn


@pytest.mark.parametrize("n", [2, 5, 7, 100, 101])
def test_moons_splits_odd_n_with_the_upper_moon_smaller(n: int) -> None:
    _, y = nn.datasets.moons(n, seed=0)
    assert y.count(-1.0) == n // 2 and y.count(1.0) == n - n // 2


def test_blobs_sit_on_a_circle_of_radius_three() -> None:
    X, y = nn.datasets.blobs(n=8, centers=4, spread=0.0, seed=0)
    for (a, b), k in zip(X, y):
        angle = 2 * math.pi * k / 4
        assert a == pytest.approx(3 * math.cos(angle), abs=1e-12) and b == pytest.approx(3 * math.sin(angle), abs=1e-12)


def test_xor_is_the_truth_table() -> None:
    X, y = nn.datasets.xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] and y == [0, 1, 1, 0]


@pytest.mark.parametrize("noise", [math.nan, -1e-9])
def test_noise_must_be_a_non_negative_number(noise: float) -> None:
    with pytest.raises(ValueError, match="noise must be >= 0"):
        nn.datasets.moons(10, noise=noise)
