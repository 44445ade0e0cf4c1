"""A drawing as a TikZ picture, from Graphviz's own coordinates, with its text in LaTeX.

The renderer's JSON output carries every drawing operation of the layout (xdot's
polygons, Bézier curves, ellipses and text, each in points); each one becomes one
TikZ path or node here, so the picture has the layout, boxes, edges and labels of
the SVG.  dot2tex does the same from xdot, but it runs ``dot`` itself (no system
Graphviz here) and its parser does not read the HTML-like labels the boxes are made
of, so chainrule writes the TikZ itself.

Text is mapped to LaTeX: θ1 → $\\theta_{1}$, a3 → $a_{3}$, w₁ → $w_{1}$, ∂J/∂θ2 →
$\\frac{\\partial J}{\\partial \\theta_{2}}$, − · × ² ✓ → math; everything else is
escaped, and a character with no mapping is written as its code point, so the
file is plain ASCII and compiles with pdflatex and lualatex alike.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .text import _GREEK, _latex_escape

GREEK = dict(_GREEK, **{
    "κ": r"\kappa", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "τ": r"\tau", "χ": r"\chi",
    "ψ": r"\psi", "ζ": r"\zeta", "ι": r"\iota", "υ": r"\upsilon", "Γ": r"\Gamma", "Λ": r"\Lambda",
    "Π": r"\Pi", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega", "ϕ": r"\varphi",
})
SYMBOLS = {
    "−": "-", "·": r"\cdot", "×": r"\times", "²": "^{2}", "³": "^{3}", "¹": "^{1}", "⁻": "^{-}",
    "✓": r"\checkmark", "✗": r"\times", "→": r"\rightarrow", "←": r"\leftarrow", "∞": r"\infty",
    "≈": r"\approx", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "±": r"\pm", "∑": r"\sum", "Σ": r"\Sigma",
    "√": r"\surd", "½": r"\tfrac{1}{2}", "ℓ": r"\ell", "∂": r"\partial", "‖": r"\|", "∈": r"\in",
    "<": "<", ">": ">", "|": "|",
}
TEXT_SYMBOLS = {"…": r"\dots{}", "\u00a0": "~", "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''"}
SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_LETTER = "A-Za-z" + "".join(GREEK) + "ℓ"
_NAME = rf"(?:[{_LETTER}](?:\d+|[₀-₉]+)|[{''.join(GREEK)}ℓ](?![{_LETTER}])|(?<![\w])[A-Za-z](?![\w]))"
_TOKEN = re.compile(rf"∂({_NAME})/∂({_NAME})|({_NAME})")


def latex_name(name: str) -> str:
    """One name in math: θ1 → \\theta_{1}, w₁ → w_{1}, J → J."""
    m = re.fullmatch(rf"([{_LETTER}]+)(\d+|[₀-₉]+)?", name)
    if m is None:
        return latex_text(name)
    base = "".join(GREEK.get(ch, SYMBOLS.get(ch, ch)) for ch in m.group(1))
    index = (m.group(2) or "").translate(SUBSCRIPTS)
    return f"{base}_{{{index}}}" if index else base


def latex_text(text: str) -> str:
    """A run of drawing text as LaTeX (text mode, math where it is math)."""
    pieces: list[tuple[bool, str]] = []  # (math?, LaTeX)
    at = 0
    for m in _TOKEN.finditer(text):
        pieces += _plain(text[at:m.start()])
        if m.group(1):
            pieces.append((True, rf"\frac{{\partial {latex_name(m.group(1))}}}{{\partial {latex_name(m.group(2))}}}"))
        else:
            pieces.append((True, latex_name(m.group(3))))
        at = m.end()
    pieces += _plain(text[at:])
    out, math = [], False
    for is_math, piece in pieces:  # neighbouring math in one $…$
        if is_math != math:
            out.append("$")
            math = is_math
        elif is_math:
            out.append(" ")  # \cdot then a_{1}: never \cdota (spaces mean nothing in math)
        out.append(piece)
    return "".join(out) + ("$" if math else "")


def _plain(text: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for ch in text:
        if ch in SYMBOLS:
            out.append((True, SYMBOLS[ch]))
        elif ch in GREEK:
            out.append((True, GREEK[ch]))
        elif ch in TEXT_SYMBOLS:
            out.append((False, TEXT_SYMBOLS[ch]))
        elif ord(ch) < 128 and ch.isprintable():
            out.append((False, _latex_escape(ch)))
        else:
            out.append((False, rf"\texttt{{[U+{ord(ch):04X}]}}"))
    return out


class _Pen:
    def __init__(self, colours: dict[str, str]) -> None:
        self.colours = colours
        self.stroke: str | None = "black"
        self.fill: str | None = None
        self.width = 1.0
        self.dash = ""
        self.size = 14.0
        self.flags = 0

    def colour(self, value: str) -> str | None:
        value = value.strip()
        if value.startswith("#"):
            hexa = value[1:]
            if len(hexa) == 8 and hexa[6:] == "00":
                return None  # fully transparent
            hexa = hexa[:6].upper()
            if not re.fullmatch(r"[0-9A-F]{6}", hexa):
                return "black"
            return self.colours.setdefault(hexa, f"c{len(self.colours)}")
        named = {"black": "000000", "white": "FFFFFF", "transparent": None, "none": None}
        hexa = named.get(value.lower(), "000000")
        return None if hexa is None else self.colours.setdefault(hexa, f"c{len(self.colours)}")


def _pt(p: list[float]) -> str:
    return f"({p[0]:.2f},{p[1]:.2f})"


def _ops(ops: list[dict[str, Any]], pen: _Pen, out: list[str]) -> None:
    for op in ops:
        kind = op["op"]
        if kind == "c":
            pen.stroke = pen.colour(op["color"])
        elif kind == "C":
            pen.fill = pen.colour(op["color"])
        elif kind == "S":
            style = op["style"]
            if style.startswith("setlinewidth("):
                pen.width = float(style[len("setlinewidth("):-1])
            elif style in ("dashed", "dotted"):
                pen.dash = style
            elif style == "solid":
                pen.dash = ""
        elif kind == "F":
            pen.size = float(op["size"])
        elif kind == "t":
            pen.flags = int(op["fontchar"])
        elif kind in ("p", "P", "L", "b", "B", "e", "E"):
            _shape(kind, op, pen, out)
        elif kind == "T":
            _text(op, pen, out)


def _shape(kind: str, op: dict[str, Any], pen: _Pen, out: list[str]) -> None:
    filled = kind in ("P", "B", "E") and pen.fill is not None
    options = []
    if pen.stroke is not None:
        options.append(f"draw={pen.stroke}")
    if filled:
        options.append(f"fill={pen.fill}")
    if not options:
        return
    options.append(f"line width={pen.width:g}bp")  # Graphviz's pen widths are in points
    if pen.dash:
        options.append(pen.dash)
    if kind in ("e", "E"):
        x, y, w, h = op["rect"]
        path = f"({x:.2f},{y:.2f}) ellipse [x radius={w:.2f}, y radius={h:.2f}]"
    else:
        pts = op["points"]
        if kind in ("b", "B"):
            parts = [_pt(pts[0])]
            for i in range(1, len(pts) - 2, 3):
                parts.append(f".. controls {_pt(pts[i])} and {_pt(pts[i + 1])} .. {_pt(pts[i + 2])}")
            path = " ".join(parts)
        else:
            path = " -- ".join(_pt(p) for p in pts)
        if kind in ("p", "P") or (kind == "B" and filled):
            path += " -- cycle"
    out.append(f"  \\path[{', '.join(options)}] {path};")


def _text(op: dict[str, Any], pen: _Pen, out: list[str]) -> None:
    anchor = {"l": "base west", "c": "base", "r": "base east"}[op.get("align", "c")]
    font = f"\\fontsize{{{pen.size:g}}}{{{pen.size * 1.2:g}}}\\selectfont"
    if pen.flags & 1:
        font += r"\bfseries"
    if pen.flags & 2:
        font += r"\itshape"
    colour = f", text={pen.stroke}" if pen.stroke else ""
    text = latex_text(op["text"].strip(" "))
    out.append(f"  \\node[anchor={anchor}, inner sep=0pt, font={font}{colour}] at {_pt(op['pt'])} {{{text}}};")


def tikz_picture(drawing: Any, scale: float = 1.0, timeout: float | None = None) -> str:
    """The drawing as a ``tikzpicture`` (for a paper's figure: needs tikz and amssymb)."""
    from .rendering import RENDER_TIMEOUT, render

    source = getattr(drawing, "source", None)
    if not isinstance(source, str):
        raise TypeError(f"tikz_picture() needs a drawing (a graphviz graph), got {type(drawing).__name__}")
    layout = json.loads(render(source, "json", RENDER_TIMEOUT if timeout is None else timeout))
    colours: dict[str, str] = {}
    pen = _Pen(colours)
    body: list[str] = []
    for key in ("_draw_", "_ldraw_"):
        _ops(layout.get(key, []), pen, body)
    for obj in layout.get("objects", []):
        for key in ("_draw_", "_ldraw_"):
            _ops(obj.get(key, []), pen, body)
    for edge in layout.get("edges", []):
        for key in ("_draw_", "_hdraw_", "_tdraw_", "_ldraw_", "_hldraw_", "_tldraw_"):
            _ops(edge.get(key, []), pen, body)
    defs = [f"  \\definecolor{{{name}}}{{HTML}}{{{hexa}}}" for hexa, name in colours.items()]
    head = (f"\\begin{{tikzpicture}}[x=1bp, y=1bp, scale={scale:g}, every node/.append style={{transform shape}}, "
            "line join=round]")
    return "\n".join([head, *defs, *body, r"\end{tikzpicture}"]) + "\n"


def tikz_document(drawing: Any, scale: float = 1.0, timeout: float | None = None) -> str:
    """A standalone LaTeX document of one picture: ``pdflatex fig.tex`` or ``lualatex fig.tex``."""
    return (
        "% made by chainrule: viz.save(drawing, \"fig.tex\"); compile with pdflatex or lualatex\n"
        "\\documentclass[tikz, border=2pt]{standalone}\n"
        "\\usepackage{amssymb}\n\\usepackage{fix-cm}\n"
        "\\renewcommand{\\familydefault}{\\sfdefault}\n"
        "\\begin{document}\n" + tikz_picture(drawing, scale, timeout) + "\\end{document}\n"
    )
