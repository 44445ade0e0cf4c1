"""Saving and displaying drawings, with and without a renderer."""

from __future__ import annotations

import pytest

import viz
from autograd import Value
from tests.viz.test_chain import notes_network


def small() -> viz.Drawing:
    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    return viz.draw_chain_rule(y, x)


def test_save_dot_needs_no_renderer(tmp_path, no_renderer) -> None:
    g = small()
    path = viz.save(g, tmp_path / "g.dot")
    assert path.read_text() == g.source


def test_no_renderer_writes_the_dot_and_says_how_to_render(tmp_path, no_renderer) -> None:
    with pytest.raises(viz.RenderError) as error:
        viz.save(small(), tmp_path / "g.svg")
    message = str(error.value)
    assert "pip install graphviz-pure" in message and "dot -Tsvg" in message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot"]


def test_no_renderer_in_jupyter_shows_the_equation_and_source(no_renderer) -> None:
    g = small()
    bundle = g._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    assert "∂J/∂x" in bundle["text/markdown"] and "digraph" in bundle["text/markdown"]
    v = notes_network()
    rule = viz.chain_rule(v["J"], v["θ2"])
    bundle = rule._repr_mimebundle_()
    assert bundle["text/plain"] == rule.text() and "$$" in bundle["text/markdown"]
    assert "not rendered" in bundle["text/markdown"]


def test_a_chain_rule_too_large_to_draw_shows_its_equation_and_says_why() -> None:
    x = Value(0.5, label="x")
    J = x
    for _ in range(160):
        J = J * 1.5 + x  # a product and a sum on the paths each time: 2·160 + x = 321 nodes
    J.label = "J"
    rule = viz.chain_rule(J, x)
    bundle = rule._repr_mimebundle_()  # draw_chain_rule refuses (GraphTooLarge): the equation still shows
    assert "image/svg+xml" not in bundle and bundle["text/plain"] == rule.text()
    # the note is markdown: its underscores and dots escaped, so nothing in it reads as emphasis or a list
    assert bundle["text/markdown"].endswith(
        "*(drawing not rendered: draw\\_chain\\_rule: the paths from J to x pass through 321 nodes, "
        "more than max\\_nodes=300\\. Read rule\\.text\\(\\) for the factored form, or ask about a "
        "parameter nearer the output\\.)*")


def test_jupyter_gets_svg(renderer: str) -> None:
    assert small()._repr_mimebundle_()["image/svg+xml"].lstrip().startswith(("<?xml", "<svg", "<!--"))
    v = notes_network()
    assert "<svg" in viz.chain_rule(v["J"], v["θ1"])._repr_mimebundle_()["image/svg+xml"]


def test_pdf_with_graphviz_pure_and_no_converter_says_what_to_install(tmp_path, monkeypatch) -> None:
    from viz import export
    from viz.rendering import _pure

    if _pure() is None:
        pytest.skip("graphviz-pure is not installed")
    monkeypatch.setenv("CHAINRULE_RENDERER", "graphviz-pure")
    monkeypatch.setattr(export, "have", lambda fmt: False)
    monkeypatch.setitem(__import__("sys").modules, "svg2pdf_py", None)  # as if not installed
    with pytest.raises(viz.RenderError, match=r"chainrule\[plot\]"):
        viz.save(small(), tmp_path / "g.pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["g.dot"]


def test_pdf_with_system_graphviz(tmp_path, monkeypatch) -> None:
    from viz.rendering import _system

    if _system() is None:
        pytest.skip("no system Graphviz")
    monkeypatch.setenv("CHAINRULE_RENDERER", "dot")
    assert viz.save(small(), tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_unknown_suffix_and_bad_folders_write_nothing(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"unknown suffix '\.jpeg'"):
        viz.save(small(), tmp_path / "g.jpeg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.save(small(), tmp_path / "missing" / "g.svg")
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        viz.save(small(), tmp_path / "file" / "g.svg")
    with pytest.raises(TypeError, match="drawing"):
        viz.save("digraph {}", tmp_path / "g.svg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_unknown_renderer_choice(monkeypatch) -> None:
    monkeypatch.setenv("CHAINRULE_RENDERER", "imagemagick")
    with pytest.raises(viz.RenderError, match="CHAINRULE_RENDERER"):
        viz.render("digraph {}", "svg")


def test_fmt() -> None:
    assert [viz.fmt(v) for v in (0.0, 3e-5, -0.048021, 2**60, 1.0, float("inf"))] == [
        "0", "3e−05", "−0.04802", "1.153e+18", "1", "∞"]
