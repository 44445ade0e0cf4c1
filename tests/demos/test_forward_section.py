"""1.6's forward-mode part: its claims for many seeds, its claims failing on a broken forward pass, its blocks."""

from __future__ import annotations

import json

import pytest

import autograd.forward
from demos import forward_mode, page
from demos.chain_rule import network
from demos.common import ClaimFailed, Section


@pytest.mark.parametrize("seed", range(12))
def test_the_claims_hold_for_every_seed(seed: int, tmp_path, capsys) -> None:
    s = Section("chain_rule", "1.6", tmp_path)
    forward_mode.add(s, network, 1.5, 1.0, 0.5 + 0.1 * seed, -1.2, seed)
    assert s.failed == []
    (table,) = [b for b in s.blocks if b["kind"] == "table"]
    rows = {row[0].split(" ")[0]: row for row in table["rows"]}
    # passes: n forward, m reverse; the MLP has 337 parameters whatever the seed
    assert rows["two-moons"][1] == "337" and rows["two-moons"][4] == "337" and rows["two-moons"][6] == "1"
    assert rows["logistic"][4] == "1" and rows["logistic"][6] == "40" and rows["logistic"][8] == "forward"
    assert rows["the"][8] == "reverse"
    s.finish()


def test_a_broken_forward_pass_makes_the_claims_fail(tmp_path, monkeypatch, capsys) -> None:
    real = autograd.forward.tangents

    def off_by_a_bit(order, seeds):
        tan, visits = real(order, seeds)
        return {n: t * (1 + 1e-9) if n not in seeds else t for n, t in tan.items()}, visits

    monkeypatch.setattr(autograd.forward, "tangents", off_by_a_bit)
    s = Section("chain_rule", "1.6", tmp_path)
    forward_mode.add(s, network, 1.5, 1.0, 0.5, -1.2, 0)
    for words in ("holds ∂J/∂θ1", "forward mode's ∂J/∂θ1 at J", "two-moons MLP 2-16-16-1 on 4 points: both modes"):
        assert any(words in w for w in s.failed), words
    with pytest.raises(ClaimFailed):
        s.finish()


def test_the_page_shows_figures_side_by_side_and_the_table(tmp_path) -> None:
    (tmp_path / "a.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "b.svg").write_text("<svg/>", encoding="utf-8")
    section = {"name": "s", "title": "S", "failed": [], "blocks": [
        {"kind": "figures", "items": [{"file": "a.svg", "caption": "left <a>"}, {"file": "b.svg", "caption": "right"}]},
        {"kind": "table", "header": ["f", "n"], "rows": [["x & y", "2"]], "caption": "counted"},
    ]}
    (tmp_path / "s.json").write_text(json.dumps(section), encoding="utf-8")
    text = page.build(tmp_path, ["s"]).read_text(encoding="utf-8")
    assert ('<div class="side-by-side"><figure><img src="a.svg" alt="left &lt;a&gt;"><figcaption>left &lt;a&gt;'
            "</figcaption></figure><figure><img src=\"b.svg\"") in text
    assert "<th>f</th><th>n</th>" in text and "<td>x &amp; y</td><td>2</td>" in text and "<caption>counted" in text
    (tmp_path / "b.svg").unlink()
    with pytest.raises(FileNotFoundError, match="b.svg"):
        page.build(tmp_path, ["s"])
