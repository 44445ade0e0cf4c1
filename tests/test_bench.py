"""The benchmarks compare like with like: every step computes the same losses."""

from __future__ import annotations

import json
import os

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


def test_the_batched_table_runs_every_engine_single_threaded_and_gives_the_threads_back() -> None:
    from bench.__main__ import interleaved, single_threaded

    torch = pytest.importorskip("torch")
    before, flags = torch.get_num_threads(), os.environ.get("XLA_FLAGS")
    with single_threaded() as said:
        assert torch.get_num_threads() == 1
        assert "torch.set_num_threads(1)" in said and "XLA_FLAGS" in said
    assert torch.get_num_threads() == before
    assert os.environ.get("XLA_FLAGS") == flags  # the environment as it was
    calls = {"a": 0, "b": 0}

    def step(name: str):
        def run() -> float:
            calls[name] += 1
            return 0.0
        return run

    got = interleaved({"a": step("a"), "b": step("b")}, rounds=4)
    assert set(got) == {"a", "b"} and all(t >= 0.0 for t in got.values())
    assert all(k >= 2 + 4 * 3 for k in calls.values())  # two to size the blocks, then ≥ 3 a round


def test_a_tracing_round_reports_its_times_and_the_models_size(capsys) -> None:
    from bench.__main__ import trace_once

    trace_once(3)
    traced, alone, size = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert traced > 0.0 and alone > 0.0  # CPU times, whatever they are
    assert size == 2 * 3 + 3 + 3 * 3 + 3 + 3 + 1  # the MLP 2-3-3-1's weights and biases
