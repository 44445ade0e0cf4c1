from __future__ import annotations

import pytest

from nn import datasets


@pytest.mark.parametrize("make", [datasets.moons, datasets.blobs, datasets.xor, datasets.spirals])
def test_seeded_lists_of_equal_length(make) -> None:
    X, y = make(seed=3)
    again = make(seed=3)
    assert (X, y) == again
    assert isinstance(X, list) and isinstance(y, list) and len(X) == len(y) > 0
    assert all(isinstance(v, float) for row in X for v in row)
    assert make(seed=4) != (X, y) or make is datasets.xor


def test_labels() -> None:
    assert set(datasets.moons(50)[1]) == {-1.0, 1.0}
    assert set(datasets.blobs(30, centers=3)[1]) == {0, 1, 2}
    assert datasets.xor()[1] == [0, 1, 1, 0]
    assert set(datasets.spirals(30, classes=3)[1]) == {0, 1, 2}


@pytest.mark.parametrize("call, error", [
    (lambda: datasets.moons(n=1), ValueError),
    (lambda: datasets.moons(n="5"), TypeError),
    (lambda: datasets.blobs(centers=0), ValueError),
    (lambda: datasets.spirals(noise=-1.0), ValueError),
    (lambda: datasets.xor(seed="a"), TypeError),
])
def test_bad_arguments(call, error) -> None:
    with pytest.raises(error):
        call()
