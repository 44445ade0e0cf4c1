"""1.4b's text and figures say what is drawn: J in the vanishing chain's graph, a chain drawn in two
columns, node names a learner can find, and non-finite numbers written as the notes write them."""

from __future__ import annotations

import json
import re

import pytest

import viz
from autograd import Value
from demos import captions, gradients


@pytest.fixture(scope="module")
def section(tmp_path_factory) -> tuple:
    out = tmp_path_factory.mktemp("gradients")
    gradients.run(out, quick=True, seed=0)
    return out, json.loads((out / "gradients.json").read_text(encoding="utf-8"))


def _text(blocks: list) -> str:
    return "\n".join(b.get("text", "") + "\n".join(b.get("lines", [])) + b.get("caption", "") for b in blocks)


def test_the_vanishing_chain_is_drawn_up_to_J_and_in_two_columns(section) -> None:
    out, _ = section
    svg = (out / "gradients_vanishing_graph.svg").read_text(encoding="utf-8")
    drawn = captions.read_svg(svg)
    assert "J" in drawn.names and "θ" in drawn.names and "a20" not in drawn.names
    assert len(drawn.names) == 21
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert height < 1000 and height < 2 * width  # one column of 21 boxes was 1,800 pt tall


def test_two_columns_keep_every_edges_direction() -> None:
    θ = Value(0.5, label="θ")
    chain = [θ]
    for k in range(1, 8):
        chain.append(chain[-1].sigmoid())
        chain[-1].label = f"a{k}"
    chain[-1].backward()
    drawing = gradients.in_two_columns(viz.why(chain[-1], θ).draw(), chain)
    ids = [drawing.node_ids[v] for v in chain]
    source = drawing.source
    for k, (tail, head) in enumerate(zip(ids, ids[1:])):
        if k < 4:  # the first half runs up, as drawn before
            assert re.search(rf"\t{tail} -> {head} \[(?!.*dir=back)", source)
        else:  # the second half is written head first with the arrow turned back: still tail → head
            assert re.search(rf"\t{head} -> {tail} \[.*dir=back\]", source)
    assert f"{{rank=same; {ids[3]}; {ids[4]}}}" in source
    assert source.count(" -> ") == len(chain) - 1


def test_every_node_name_the_text_quotes_is_drawn_in_a_figure_of_the_section(section) -> None:
    out, data = section
    blocks = [b for b in data["blocks"] if b["kind"] in ("text", "numbers")]
    quoted = set(re.findall(r"(?<![\w/])n\d+(?![\w₀-₉])", _text(blocks)))
    drawn = set()
    for svg in out.glob("*.svg"):
        drawn |= set(re.findall(r">(n\d+)<", svg.read_text(encoding="utf-8")))
    assert quoted <= drawn, sorted(quoted - drawn)  # once: n6120, n6121, n6122 (no figure of that graph)
    text = _text(blocks)
    assert "a11 is the output of a dead relu (its input z11 = " in text and "for W2₁₁ of unit 1" in text
    assert "∂log p/∂p = 1/p = ∞" in text


def test_the_section_writes_nan_and_minus_infinity_as_the_notes_do(section) -> None:
    _, data = section
    text = _text(data["blocks"])
    assert "∂J/∂w1 is −∞" in text and "w2.grad is NaN" in text
    assert not re.search(r"-inf|\bnan\b|\binf\b", text)
