"""fit's bookkeeping, checked on numbers worked out by hand: the l2 term, accuracy counts, epoch losses."""

from __future__ import annotations

import pytest

import nn
from nn.losses import accuracy


def linear_neuron(w: float) -> nn.Neuron:
    return nn.Neuron(1, activation="linear", init=nn.init.constant(w), seed=0)


def test_the_l2_term_is_l2_times_the_sum_of_squares() -> None:
    # pred = 0.5·1 + 0 = 0.5, mse = 0.25; Σθ² = 0.5² + 0² = 0.25; loss = 0.25 + 0.1·0.25
    history = nn.fit(linear_neuron(0.5), nn.mse, [[1.0]], [0.0], lr=1e-9, epochs=1, l2=0.1, quiet=True)
    assert history.loss[0] == pytest.approx(0.275, rel=1e-12)


def test_the_epoch_loss_is_the_mean_over_rows_whatever_the_batches() -> None:
    # preds 1·x: squared errors 1, 4, 9, 16 (targets 0): mean 7.5, in one batch or in batches of 1 or 3
    X, y = [[1.0], [2.0], [3.0], [4.0]], [0.0] * 4
    for batch_size in (None, 1, 3):
        history = nn.fit(linear_neuron(1.0), nn.mse, X, y, lr=1e-12, epochs=1, batch_size=batch_size, quiet=True)
        assert history.loss[0] == pytest.approx(7.5, rel=1e-9), batch_size


@pytest.mark.parametrize("right", [29, 57, 1, 99])
def test_accuracy_counts_every_hit(right: int) -> None:
    # a hinge model predicting x: rows with x > 0 are right for target +1; 29/100 is 28.999… when multiplied out
    X = [[1.0] if i < right else [-1.0] for i in range(100)]
    history = nn.fit(linear_neuron(1.0), nn.hinge, X, [1.0] * 100, lr=1e-12, epochs=1, quiet=True)
    assert history.accuracy == [right / 100]


def test_a_probability_of_exactly_one_half_is_class_zero() -> None:
    # as with logits (0 → class 0) and PyTorch's (p > 0.5)
    assert accuracy(nn.binary_cross_entropy, [0.5], [1.0]) == 0.0
    assert accuracy(nn.binary_cross_entropy, [0.5], [0.0]) == 1.0
    assert accuracy(nn.binary_cross_entropy, [0.5000000000000001], [1.0]) == 1.0
    assert accuracy(nn.binary_cross_entropy_with_logits, [0.0], [1.0]) == 0.0


def test_diverging_before_and_after_the_first_update_give_their_own_advice() -> None:
    with pytest.raises(FloatingPointError, match="before any update"):
        nn.fit(linear_neuron(1.0), nn.mse, [[1e200]], [0.0], lr=0.1, epochs=1, quiet=True)
    with pytest.raises(FloatingPointError, match="epoch [2-9].*try a smaller lr"):
        nn.fit(linear_neuron(1.0), nn.mse, [[10.0]], [0.0], lr=10.0, epochs=50, quiet=True)
