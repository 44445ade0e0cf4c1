"""A claim that does not hold is reported as failed: printed, marked on the page, and raised at the end."""

from __future__ import annotations

import json

import numpy as np
import pytest

import autograd.backward
from demos.common import ClaimFailed, Section


def claims(section: dict) -> list[dict]:
    return [item for b in section["blocks"] if b["kind"] == "claims" for item in b["items"]]


@pytest.mark.parametrize("falsy", [False, 0, 0.0, [], np.bool_(False), np.float64(0.0)])
def test_a_false_claim_is_recorded_printed_and_raised(tmp_path, capsys, falsy) -> None:
    s = Section("probe", "A section", tmp_path)
    s.claim(True, "one holds")
    s.claim(falsy, "two does not")
    s.claim(1, "three holds")
    out = capsys.readouterr().out
    assert "✓ one holds" in out and "✗ FAILED: two does not" in out and "✓ three holds" in out
    assert s.failed == ["two does not"]
    with pytest.raises(ClaimFailed, match="probe: 1 claim did not hold: 'two does not'"):
        s.finish()
    section = json.loads((tmp_path / "probe.json").read_text(encoding="utf-8"))
    assert [(c["text"], c["holds"]) for c in claims(section)] == [
        ("one holds", True), ("two does not", False), ("three holds", True)]
    assert section["failed"] == ["two does not"]


def test_true_claims_finish_quietly(tmp_path) -> None:
    s = Section("fine", "Fine", tmp_path)
    s.claim(np.bool_(True), "holds")
    assert s.finish() == [tmp_path / "fine.json"]


def test_a_demo_whose_engine_is_broken_reports_its_claims_failed(tmp_path, monkeypatch, capsys) -> None:
    # backward that does nothing: every claim about a gradient must now fail, not pass
    import demos.chain_rule as chain

    monkeypatch.setattr(autograd.backward, "backward", lambda root, grad=1.0, create_graph=False: None)
    with pytest.raises(ClaimFailed) as raised:
        chain.run(tmp_path, quick=True)
    section = json.loads((tmp_path / "chain_rule.json").read_text(encoding="utf-8"))
    failed = [c["text"] for c in claims(section) if not c["holds"]]
    assert section["failed"] == failed
    for words in ("the product along it equals θ2.grad", "the three products add up to x.grad",
                  "the player's last frames leave exactly the gradients"):
        assert any(words in text for text in failed), words
        assert words in str(raised.value)
