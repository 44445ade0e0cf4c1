"""Each demo in quick mode: the files it returns exist, SVGs parse, and its claims hold."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

import demos
from demos.common import ClaimFailed


@pytest.mark.parametrize("name", demos.NAMES)
def test_demo_runs_quick_and_its_claims_hold(name: str, tmp_path, capsys) -> None:
    paths = demos.load(name).run(tmp_path, quick=True, seed=0)
    assert paths and all(p.is_file() and p.parent == tmp_path for p in paths)
    svgs = [p for p in paths if p.suffix == ".svg"]
    assert svgs
    for svg in svgs:
        assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    section = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    figures = [b["file"] for b in section["blocks"] if b["kind"] == "figure"]
    figures += [item["file"] for b in section["blocks"] if b["kind"] == "figures" for item in b["items"]]
    assert sorted(figures) == sorted(p.name for p in svgs)
    claims = [item for b in section["blocks"] if b["kind"] == "claims" for item in b["items"]]
    assert claims, "every demo checks at least one claim"
    assert all(item["holds"] for item in claims) and section["failed"] == []
    out = capsys.readouterr().out
    assert all(f"✓ {item['text']}" in out for item in claims)  # the narrative printed what it checked


def test_a_claim_that_does_not_hold_stops_the_demo(tmp_path, monkeypatch) -> None:
    import demos.chain_rule as chain

    monkeypatch.setattr(chain, "numerical_grad", lambda f, xs: [0.0, 0.0])
    with pytest.raises(ClaimFailed, match="finite difference"):
        chain.run(tmp_path, quick=True)
    # the section was still written, with the claim marked as failed at its place
    section = json.loads((tmp_path / "chain_rule.json").read_text(encoding="utf-8"))
    failed = [item for b in section["blocks"] if b["kind"] == "claims" for item in b["items"] if not item["holds"]]
    assert failed and all("finite difference" in item["text"] for item in failed)
    assert section["failed"] == [item["text"] for item in failed]


def test_figures_are_the_same_on_every_run(tmp_path) -> None:
    first = demos.load("neuron").run(tmp_path / "a", quick=True)
    second = demos.load("neuron").run(tmp_path / "b", quick=True)
    for a, b in zip(first, second):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name


def test_seed_changes_the_run(tmp_path) -> None:
    a = demos.load("chain_rule").run(tmp_path / "a", seed=0)
    b = demos.load("chain_rule").run(tmp_path / "b", seed=1)
    assert (tmp_path / "a" / "chain_rule.json").read_text() != (tmp_path / "b" / "chain_rule.json").read_text()
    assert [p.name for p in a] == [p.name for p in b]


def test_unknown_demo_name() -> None:
    with pytest.raises(ValueError, match="unknown demo 'nope'"):
        demos.load("nope")


@pytest.mark.parametrize("seed", [0, 5, 11])
def test_the_engine_matches_the_notes_matrix_formulas(seed: int) -> None:
    from demos.weight_init import two_layer_check

    _, X, _, worst = two_layer_check(seed)
    assert len(X) == 4 and worst <= 1e-12


def test_two_units_in_layer_3_make_two_paths_to_theta1() -> None:
    import viz
    from demos.chain_rule import two_units

    v = two_units(1.5, 0.5, -1.2)
    v["J"].backward()
    rule = viz.chain_rule(v["J"], v["θ1"])
    assert rule.count == 2 and rule.matches_grad
    assert [[n.label for n in path if n.label] for path in rule.paths] == [
        ["J", "a3", "z3", "a2", "z2", "θ1"], ["J", "b3", "u3", "a2", "z2", "θ1"]]
