"""The benchmarks compare like with like: every step computes the same losses."""

from __future__ import annotations

import pytest

from bench.batch import numpy_step, tape_step, torch_step


@pytest.mark.parametrize("n", [2, 100, 1_000])
def test_the_tape_numpy_and_torch_steps_give_the_same_losses(n) -> None:
    steps = [tape_step(n), numpy_step(n)]
    vectorised = torch_step(n)
    if vectorised is not None:
        steps.append(vectorised)
    for _ in range(4):  # each step updates its weights, so later losses check the updates too
        losses = [step() for step in steps]
        assert max(losses) - min(losses) <= 1e-12 * max(abs(v) for v in losses), losses
