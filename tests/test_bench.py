"""The benchmarks compare like with like: every step computes the same losses."""

from __future__ import annotations

import pytest

from bench.batch import jax_step, numpy_step, tape_step, torch_step


@pytest.mark.parametrize("n", [2, 100, 1_000])
def test_the_tape_numpy_torch_and_jax_steps_give_the_same_losses(n) -> None:
    steps = [tape_step(n), numpy_step(n)]
    for other in (torch_step(n), jax_step(n)):  # when installed
        if other is not None:
            steps.append(other)
    for _ in range(4):  # each step updates its weights, so later losses check the updates too
        losses = [step() for step in steps]
        assert max(losses) - min(losses) <= 1e-12 * max(abs(v) for v in losses), losses
