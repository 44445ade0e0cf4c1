"""Every claim holds for other seeds too (the seeds that once broke a claim among them)."""

from __future__ import annotations

import pytest

import demos


@pytest.mark.parametrize("seed", [3, 8])
@pytest.mark.parametrize("name", demos.NAMES)
def test_claims_hold_for_another_seed(name: str, seed: int, tmp_path, capsys) -> None:
    demos.load(name).run(tmp_path, quick=True, seed=seed)  # raises ClaimFailed naming any claim that fails
