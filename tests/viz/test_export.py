"""viz.save at a size and in every format without a system Graphviz: PNG at a dpi or scale, SVG
scaled, PDF through svg2pdf, checked by rendering it (pdftoppm when present, else pypdfium2)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

import viz
from autograd import Value
from tests.viz.test_chain import notes_network

pytest.importorskip("resvg_py")
pytest.importorskip("svg2pdf_py")
pdfium = pytest.importorskip("pypdfium2")
Image = pytest.importorskip("PIL.Image")

GLYPHS = "θ∂✓σ²−"


def chain() -> viz.Drawing:
    v = notes_network()  # backward has run
    return viz.draw_chain_rule(v["J"], v["θ1"])


def svg_points(path) -> tuple[float, float]:
    m = re.search(r'<svg[^>]*width="([\d.]+)pt"[^>]*height="([\d.]+)pt"', path.read_text())
    return float(m.group(1)), float(m.group(2))


def pdf_pages_as_png(path, tmp_path) -> list:
    """Every page of a PDF as a PIL image: pdftoppm's when it is installed, else pdfium's."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "72", "-png", str(path), str(tmp_path / "page")], check=True, timeout=60)
        return [Image.open(p) for p in sorted(tmp_path.glob("page*.png"))]
    doc = pdfium.PdfDocument(str(path))
    return [doc[i].render(scale=1).to_pil() for i in range(len(doc))]


def test_png_size_follows_dpi_and_scale(tmp_path, renderer) -> None:
    g = chain()
    w, h = svg_points(viz.save(g, tmp_path / "g.svg"))
    assert Image.open(viz.save(g, tmp_path / "96.png")).size == (round(w * 96 / 72), round(h * 96 / 72))
    assert Image.open(viz.save(g, tmp_path / "300.png", dpi=300)).size == (round(w * 300 / 72), round(h * 300 / 72))
    assert Image.open(viz.save(g, tmp_path / "x2.png", scale=2)).size == (round(w * 192 / 72), round(h * 192 / 72))
    both = Image.open(viz.save(g, tmp_path / "both.png", scale=0.5, dpi=144)).size
    assert both == (round(w * 72 / 72), round(h * 72 / 72))


def test_svg_scaled_keeps_its_coordinates(tmp_path, renderer) -> None:
    g = chain()
    plain = viz.save(g, tmp_path / "g.svg")
    big = viz.save(g, tmp_path / "big.svg", scale=1.5)
    (w, h), (bw, bh) = svg_points(plain), svg_points(big)
    assert (bw, bh) == pytest.approx((1.5 * w, 1.5 * h), abs=1e-3)
    box = re.compile(r'viewBox="([^"]*)"')
    assert box.search(plain.read_text()).group(1) == box.search(big.read_text()).group(1)


def test_pdf_without_system_graphviz_is_vector_with_every_glyph(tmp_path, monkeypatch) -> None:
    from viz.rendering import _pure

    if _pure() is None:
        pytest.skip("graphviz-pure is not installed")
    monkeypatch.setenv("CHAINRULE_RENDERER", "graphviz-pure")
    g = chain()
    w, h = svg_points(viz.save(g, tmp_path / "g.svg"))
    path = viz.save(g, tmp_path / "g.pdf", scale=2)
    doc = pdfium.PdfDocument(str(path))
    assert len(doc) == 1 and doc[0].get_size() == pytest.approx((2 * w, 2 * h), abs=0.01)
    text = doc[0].get_textpage().get_text_range()
    for word in ("∂z2/∂θ1", "θ1.grad", "✓", "σ(z3)", "−0.6932", "(a3 − 1)"):
        assert word in text  # text kept as text, not outlines or pixels
    (page,) = pdf_pages_as_png(path, tmp_path)
    assert page.size == (round(2 * w), round(2 * h))
    assert page.convert("L").getextrema()[0] < 80  # something dark was drawn


def glyph_image(text: str) -> bytes:
    """The pixels ``text`` alone draws in a PNG made through viz.save's converter."""
    from viz import export

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="60pt" height="30pt" viewBox="0 0 60 30">'
           f'<text x="5" y="22" font-family="Helvetica,sans-Serif" font-size="20">{text}</text></svg>')
    return Image.open(io.BytesIO(export.to_png(svg, dpi=144))).convert("L").tobytes()


def test_every_glyph_the_project_writes_is_drawn() -> None:
    missing = glyph_image("\ue000")  # a private-use character no font has: the "missing glyph" box
    blank = glyph_image(" ")
    for ch in GLYPHS + "ℓ₁":
        assert glyph_image(ch) not in (missing, blank), ch


def test_fonts_cover_the_glyphs() -> None:
    from fontTools.ttLib import TTFont

    from viz import export

    covered = set()
    for path in export.font_files():
        covered |= set(TTFont(path, lazy=True).getBestCmap())
    assert {ord(ch) for ch in GLYPHS + "ℓ₁"} <= covered


def test_bad_sizes_are_refused_before_anything_is_written(tmp_path) -> None:
    g = chain()
    for bad, error in ((0, ValueError), (-1, ValueError), (float("nan"), ValueError), (float("inf"), ValueError),
                       (True, TypeError), ("2", TypeError)):
        with pytest.raises(error, match="scale"):
            viz.save(g, tmp_path / "g.png", scale=bad)
        with pytest.raises(error, match="dpi"):
            viz.save(g, tmp_path / "g.png", dpi=bad)
    with pytest.raises(ValueError, match="dpi is for PNG"):
        viz.save(g, tmp_path / "g.pdf", dpi=300)
    with pytest.raises(ValueError, match="DOT source has no size"):
        viz.save(g, tmp_path / "g.dot", scale=2)
    assert list(tmp_path.iterdir()) == []
    tiny = Image.open(viz.save(g, tmp_path / "tiny.png", dpi=1e-3))  # just above 0: one pixel at least
    assert tiny.size == (1, 1)


def test_plots_take_the_same_options(tmp_path) -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [1, 0, 1], label="∂J/∂θ1 − σ²")
    ax.legend()
    try:
        w, h = svg_points(viz.save(fig, tmp_path / "p.svg"))
        assert Image.open(viz.save(fig, tmp_path / "p.png", dpi=200)).size == (round(w * 200 / 72), round(h * 200 / 72))
        doc = pdfium.PdfDocument(str(viz.save(fig, tmp_path / "p.pdf", scale=0.5)))
        assert doc[0].get_size() == pytest.approx((w / 2, h / 2), abs=0.01)
        with pytest.raises(ValueError, match="no TEX form"):
            viz.save(fig, tmp_path / "p.tex")
    finally:
        plt.close(fig)


def test_png_without_a_renderer_says_so(tmp_path, no_renderer) -> None:
    x = Value(2.0, label="x")
    with pytest.raises(viz.RenderError, match="no Graphviz renderer"):
        viz.save(viz.draw(x * x), tmp_path / "g.png", dpi=300)
    assert [p.name for p in tmp_path.iterdir()] == ["g.dot"]
