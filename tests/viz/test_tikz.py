"""viz.save(drawing, "fig.tex"): TikZ from the layout's own coordinates, labels in LaTeX, and
rule.latex(aligned=True); compiled with pdflatex and lualatex when the machine has them."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import viz
from autograd import Value
from tests.viz.test_chain import notes_network
from viz.tikz import latex_text

ENGINES = [e for e in ("pdflatex", "lualatex") if shutil.which(e)]


@pytest.mark.parametrize("text, tex", [
    ("θ1", r"$\theta_{1}$"),
    ("a3", r"$a_{3}$"),
    ("w₁", r"$w_{1}$"),
    ("∂J/∂θ2", r"$\frac{\partial J}{\partial \theta_{2}}$"),
    ("data −1.2", r"data $-$1.2"),
    ("z3 = θ2 · a2", r"$z_{3}$ = $\theta_{2}$ $\cdot$ $a_{2}$"),
    ("(= θ1.grad ✓)", r"(= $\theta_{1}$.grad $\checkmark$)"),
    ("σ²", r"$\sigma ^{2}$"),
    ("σ(z2)·a1", r"$\sigma$($z_{2}$)$\cdot a_{1}$"),
    ("ℓ", r"$\ell$"),
    ("100% & $x_1 {}", r"100\% \& \$x\_1 \{\}"),
    ("a^b~c\\", r"$a$\^{}$b$\~{}$c$\backslash{}"),
    ("grad", "grad"),
    ("ok\x07", r"ok\texttt{[U+0007]}"),
])
def test_labels_in_latex(text, tex) -> None:
    assert latex_text(text) == tex


def chain() -> viz.Drawing:
    v = notes_network()
    return viz.draw_chain_rule(v["J"], v["θ1"])


def boxes_in_svg(svg: str) -> set[tuple[float, ...]]:
    """Each node's outline from the SVG, in the layout's coordinates (y up, as the TikZ has them)."""
    out = set()
    for group in re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, re.S):
        m = re.search(r'<polygon fill="none" stroke="[^"]*" points="([^"]*)"', group)
        if m:
            pts = [tuple(float(c) for c in p.split(",")) for p in m.group(1).split()]
            out.add(tuple(round(v, 1) for x, y in pts[:4] for v in (x, -y)))
    return out


def boxes_in_tex(tex: str) -> set[tuple[float, ...]]:
    out = set()
    for line in tex.splitlines():
        if line.lstrip().startswith(r"\path[draw=") and "fill=" not in line and "-- cycle" in line:
            pts = re.findall(r"\(([-\d.]+),([-\d.]+)\)", line)
            if len(pts) == 4:
                out.add(tuple(round(float(v), 1) for p in pts for v in p))
    return out


def test_tikz_has_the_layouts_boxes_and_text(tmp_path, renderer) -> None:
    g = chain()
    tex = viz.save(g, tmp_path / "fig.tex").read_text()
    svg = viz.render(g.source, "svg").decode()
    assert boxes_in_svg(svg) and boxes_in_svg(svg) <= boxes_in_tex(tex)
    assert tex.isascii()
    for piece in (r"$\frac{\partial z_{2}}{\partial \theta_{1}}$ = $a_{1}$ = 1.5", r"data $-$0.815", r"$\checkmark$"):
        assert piece in tex
    assert tex.count(r"\node[") == len(re.findall(r"<text ", svg))  # every text of the SVG, once


@pytest.mark.skipif(not ENGINES, reason="no pdflatex or lualatex on this machine")
@pytest.mark.parametrize("engine", ENGINES)
def test_tikz_compiles(tmp_path, engine) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    x = Value(1.0, label="100% & $x_1 {}")
    w = Value(-2.0, label="w₁")
    y = (x * w).tanh()
    y.label = "ℓ"
    y.backward()
    for name, drawing in (("chain", chain()), ("odd", viz.draw_chain_rule(y, w))):
        viz.save(drawing, tmp_path / f"{name}.tex", scale=0.8)
        done = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]
        page = pdfium.PdfDocument(str(tmp_path / f"{name}.pdf"))[0]
        bb = re.search(r"\(0\.00,0\.00\) -- \(0\.00,([\d.]+)\) -- \(([\d.]+),", (tmp_path / f"{name}.tex").read_text())
        height, width = float(bb.group(1)), float(bb.group(2))
        border = 2 * 2.0 * 72 / 72.27  # 2 TeX pt each side, in PDF points
        assert page.get_size() == pytest.approx((0.8 * width + border, 0.8 * height + border), abs=0.5)
        text = page.get_textpage().get_text_range()
        assert "data" in text and "grad" in text


def test_latex_aligned_has_formula_numbers_and_result() -> None:
    v = notes_network()
    rule = viz.chain_rule(v["J"], v["θ1"])
    tex = rule.latex(aligned=True)
    assert tex.startswith("\\begin{aligned}\n") and tex.endswith("\n\\end{aligned}")
    lines = tex.split("\n")[1:-1]
    assert len(lines) == 3 and all("&=" in line for line in lines)
    lhs = rule.latex().split(" = ")[0]  # the rule's own left-hand side (∂ or d, as latex() writes it)
    assert lines[0].startswith(lhs + r" &= \frac{\partial J}{\partial a_{3}}")
    numbers = [float(n) for n in re.findall(r"\(([-\d.e]+)\)", lines[1])]
    product = 1.0
    for n in numbers:
        product *= n
    assert product == pytest.approx(v["θ1"].grad, rel=1e-3)  # the factors, at 4 digits, multiply to θ1.grad
    assert lines[2] == f"&= {viz.fmt(v['θ1'].grad).replace('−', '-')}"
    assert rule.latex() == rule.latex(aligned=False) and "aligned" not in rule.latex()
    w = Value(2.0, label="w₁")
    ell = w * w
    ell.label = "ℓ"
    ell.backward()
    assert r"\partial \ell}{\partial w_{1}}" in viz.chain_rule(ell, w).latex(aligned=True).split("\n")[1]
    nothing = viz.chain_rule(ell, Value(1.0, label="b"))
    lhs = nothing.latex().split(" = ")[0]
    assert nothing.latex(aligned=True) == f"\\begin{{aligned}}\n{lhs} &= 0\n\\end{{aligned}}"


@pytest.mark.skipif("pdflatex" not in ENGINES, reason="no pdflatex")
def test_latex_aligned_compiles(tmp_path) -> None:
    v = notes_network()
    body = viz.chain_rule(v["J"], v["θ2"]).latex(aligned=True)
    (tmp_path / "eq.tex").write_text("\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n\\[" + body
                                     + "\\]\n\\end{document}\n")
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "eq.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
