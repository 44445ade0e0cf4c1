"""Labels and output that cannot break the drawing or the notebook; files saved as normal files."""

from __future__ import annotations

import ast
import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import viz
from autograd import Value

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("label", ["a\x00b", "esc\x1b[31m", "v\x0bt", "lone \udc80 surrogate", "tab\there"])
def test_labels_with_control_characters_render_as_escapes(label) -> None:
    x = Value(2.0, label=label)
    J = x * x
    J.label = "J"
    J.backward()
    svg = viz.render(viz.draw(J).source, "svg")
    texts = "".join("".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
    assert ascii(label[-3:])[1:-1] in texts or label[-3:] in texts
    assert "\x00" not in texts and "\x1b" not in texts


def _rule_with(label: str) -> viz.ChainRule:
    x = Value(1.5, label=label)
    J = x * x
    J.label = "J"
    J.backward()
    return viz.chain_rule(J, x)


def test_chain_rule_markdown_escapes_html_and_fences(monkeypatch) -> None:
    markdown = _rule_with(HOSTILE)._repr_mimebundle_()["text/markdown"]
    outside, fenced_text = markdown.split("\n\n", 1)
    assert "<img" not in outside  # the LaTeX is HTML-escaped; inside the fence HTML is only text
    assert fenced_text.startswith("```")
    fenced = _rule_with("tick```tock")._repr_mimebundle_()["text/markdown"]
    fence = fenced.split("\n\n")[1].split("\n")[0]
    assert set(fence) == {"`"} and len(fence) > 3  # longer than the label's run of backticks


def test_drawing_markdown_without_a_renderer_escapes_labels(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CHAINRULE_RENDERER", "dot")
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot here
    x = Value(1.0, label=HOSTILE)
    drawing = viz.draw(x * 2.0)
    drawing.caption = HOSTILE + " ```"
    bundle = drawing._repr_mimebundle_()
    assert "image/svg+xml" not in bundle
    markdown = bundle["text/markdown"]
    caption = markdown.split("\n\n")[0]
    assert "<img" not in caption and "\\`\\`\\`" in caption  # HTML and backticks escaped
    assert markdown.count("\n```") == 2  # one fence, opened and closed, around the DOT source


def test_saved_files_get_normal_permissions(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        x = Value(1.0, label="x")
        for name in ("g.svg", "g.dot"):
            path = viz.save(viz.draw(x * 2.0), tmp_path / name)
            assert path.stat().st_mode & 0o777 == 0o644, name
    finally:
        os.umask(old)


def test_a_pdf_without_a_renderer_leaves_an_existing_dot_file_alone(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CHAINRULE_RENDERER", "graphviz-pure")  # renders SVG and PNG, not PDF
    if viz.find_renderer() is None:
        pytest.skip("graphviz-pure is not installed")
    monkeypatch.setattr("viz.export.have", lambda fmt: False)  # and no SVG → PDF converter
    monkeypatch.setitem(sys.modules, "svg2pdf_py", None)
    keep = tmp_path / "keep.dot"
    keep.write_text("mine")
    with pytest.raises(viz.RenderError, match=r"keep\.pdf\.dot"):
        viz.save(viz.draw(Value(1.0) * 2.0), tmp_path / "keep.pdf")
    assert keep.read_text() == "mine"
    assert (tmp_path / "keep.pdf.dot").read_text().startswith("digraph")


def test_repr_of_a_drawing_says_what_it_is() -> None:
    x = Value(3.0, label="x")
    J = x * x + x
    J.backward()
    drawing = viz.draw_chain_rule(J, x)
    text = repr(drawing)
    nodes, edges = drawing.counts()
    assert text.startswith(f"Drawing({nodes} nodes, {edges} edges, caption=")
    assert nodes >= 3 and edges >= 3  # at least x, x·x and the sum, and the three routes to x


def test_chain_and_draw_do_not_import_each_other() -> None:
    tree = ast.parse((ROOT / "viz" / "chain.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "draw" not in imported and "notebook" not in imported


def test_every_jupyter_display_is_a_method_its_class_defines() -> None:
    from viz.why_model import ModelWhy

    for path in sorted((ROOT / "viz").glob("*.py")):  # no module sets a display hook on a class from outside
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                assert not any(isinstance(t, ast.Attribute) and t.attr.startswith("_repr_") for t in targets), path
    for cls in (viz.ChainRule, viz.Drawing, viz.Why, ModelWhy):
        assert any("_repr_mimebundle_" in vars(base) for base in cls.__mro__[:-1]), cls


def test_markdown_outside_the_fence_is_no_link(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CHAINRULE_RENDERER", "dot")
    monkeypatch.setenv("PATH", str(tmp_path))
    drawing = viz.draw(Value(1.0, label="x") * 2.0)
    drawing.caption = "see [a](javascript:alert(1)) and ![i](http://x/y.png) *now*"
    caption = drawing._repr_mimebundle_()["text/markdown"].split("\n\n")[0]
    assert "](" not in caption.replace("\\]\\(", "")  # every [ ] ( ) escaped
    assert caption == ("see \\[a\\]\\(javascript:alert\\(1\\)\\) and \\!\\[i\\]\\(http://x/y\\.png\\) "
                       "\\*now\\*")


def test_a_tooltip_shows_backslashes_as_written() -> None:
    a = Value(1.0, label="a")
    m = a * 2.0
    m.label = "q\\N\\G"
    J = m.tanh() * 3.0  # the unnamed tanh is folded: the edge's formulas go in its tooltip
    J.label = "J"
    J.backward()
    svg = viz.render(viz.draw_chain_rule(J, a).source, "svg").decode("utf-8")
    titles = [t for t in ET.fromstring(svg).iter() if t.get("{http://www.w3.org/1999/xlink}title")]
    tips = [t.get("{http://www.w3.org/1999/xlink}title") for t in titles]
    assert any("∂J/∂q\\N\\G" in tip for tip in tips), tips


def test_viz_save_writes_through_a_symlink_like_nn_save(tmp_path) -> None:
    target = tmp_path / "real.svg"
    target.write_text("old")
    link = tmp_path / "link.svg"
    link.symlink_to(target)
    viz.save(viz.draw(Value(1.0, label="x") * 2.0), link)
    assert link.is_symlink() and target.read_text().startswith("<?xml")


def test_an_infinite_timeout_means_no_limit(tmp_path) -> None:
    drawing = viz.draw(Value(1.0, label="x") * 2.0)
    assert viz.render(drawing.source, "svg", timeout=float("inf")).startswith(b"<?xml")
    assert viz.save(drawing, tmp_path / "g.svg", timeout=10**400).exists()
    for bad in (float("nan"), 0, -1, True, "5"):
        with pytest.raises(ValueError, match="timeout"):
            viz.render(drawing.source, "svg", timeout=bad)


def test_a_player_with_a_lone_surrogate_saves_whole_and_an_old_file_survives_a_failed_write(tmp_path) -> None:
    x = Value(2.0, label="lone \udc80 x")
    J = x * x + 1.0
    J.label = "J"
    path = tmp_path / "backward.html"
    path.write_text("previous page")
    viz.step_through(J).save(path)
    page = path.read_text(encoding="utf-8")
    assert "\\udc80" in page and "\udc80" not in page
    # a write that fails midway leaves the old file whole
    path.write_text("previous page")
    import autograd.files as files

    real = files.os.replace

    def broken(a, b):
        raise OSError("disk full")

    files.os.replace = broken
    try:
        with pytest.raises(OSError, match="disk full"):
            viz.step_through(J).save(path)
    finally:
        files.os.replace = real
    assert path.read_text() == "previous page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backward.html"]
