"""Worksheets: one variant of the teacher's graph per seed, each with its drawing and questions,
and an answer key on separate pages, as a printable PDF or as HTML.

``make_graph(rng)`` builds the graph from a ``random.Random(seed)`` and returns J, or
``(J, [θ, …])`` naming the parameters to ask about (by default every labelled leaf that
reaches J).  Each variant asks for ∂J/∂θ for each θ and for one factor of the chain; every
answer is the engine's (viz.exercise), never typed.
"""

from __future__ import annotations

import html
import os
import random
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autograd import Value, checks, topological
from autograd.files import writable_target, write_atomic

from . import export
from .draw import draw
from .exercise import Exercise, derivation, exercise
from .rendering import render
from .text import fmt

PAGE = (842.0, 595.0)  # A4 landscape, in points
MAX_VARIANTS = 200
MONO = "DejaVu Sans Mono"
SANS = "Helvetica,sans-Serif"


@dataclass
class Variant:
    seed: int
    J: Value
    svg: str  # the drawing: values shown, gradients left for the learner
    questions: list[Exercise]


def _built(result: Any, seed: int) -> tuple[Value, list[Value]]:
    if isinstance(result, Value):
        J = result
        thetas = [n for n in topological(J) if not n.parents and n.label and not n.is_constant]
    elif isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Value):
        J, thetas = result[0], list(result[1])
        bad = [t for t in thetas if not isinstance(t, Value)]
        if bad:
            raise TypeError(f"seed {seed}: make_graph returned a parameter that is a {type(bad[0]).__name__}")
    else:
        raise TypeError(f"seed {seed}: make_graph(rng) must return J (a Value) or (J, [θ, …]); "
                        f"got {type(result).__name__}")
    if not thetas:
        raise ValueError(f"seed {seed}: no parameter to ask about (label the leaves, or return (J, [θ, …]))")
    return J, thetas


def variants(make_graph: Callable[[random.Random], Any], seeds: Iterable[int]) -> list[Variant]:
    """Each seed's graph, drawing and questions (the answers are the engine's)."""
    checks.function(make_graph, "make_graph", "a function of a random.Random")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds: no seed given")
    if len(seeds) > MAX_VARIANTS:
        raise ValueError(f"seeds: {len(seeds)} variants; at most {MAX_VARIANTS} make one worksheet")
    out = []
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seeds are ints, got {type(seed).__name__}")
        J, thetas = _built(make_graph(random.Random(seed)), seed)
        questions = [exercise(J, t) for t in thetas]
        factors = questions[0].rule.factors(0)
        if len(factors) > 1:
            questions.append(exercise(J, thetas[0], factor=len(factors) // 2))
        svg = render(draw(J, show_grad=False, fold=True).source, "svg").decode("utf-8")
        out.append(Variant(seed, J, svg, questions))
    return out


def _derivation(q: Exercise) -> list[str]:
    """The answer and how it is made (no note about .grad: the learner's graph is not run)."""
    if q.factor is not None:
        from .exercise import _factor_formulas

        return [f"{q.asks} = {' · '.join(_factor_formulas(q.rule, q.factor))} = {fmt(q.truth)}"]
    formula, numbers, total = derivation(q.rule)
    return [formula, f"   = {numbers}", f"   = {total}"]


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _text(x: float, y: float, text: str, size: float, family: str = SANS, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-family="{family}" font-size="{size:.2f}" font-weight="{weight}" '
            f'xml:space="preserve">{_esc(text)}</text>')


def _fit(line: str, size: float, width: float) -> float:
    return min(size, width / (0.61 * max(len(line), 1)))  # a monospace glyph is about 0.6 em wide


def variant_page(v: Variant, k: int, title: str) -> str:
    W, H = PAGE
    parts = [_text(36, 44, f"{title} · variant {k + 1} (seed {v.seed})", 16, weight="bold"),
             _text(36, 64, "Values are in the boxes; the gradients are for you. Give at least 2 significant "
                           "figures, or a fraction.", 11)]
    top = 80.0
    lines = [textwrap.wrap(f"{i + 1}. {q.question}", 100, subsequent_indent="    ") for i, q in enumerate(v.questions)]
    bottom = H - 40 - sum(12 + 16 * len(q) for q in lines)
    gw, gh = export.svg_size(v.svg)
    fit = min(1.6, (W - 72) / gw, (bottom - top - 10) / gh)
    inner = v.svg[v.svg.index("<svg"):]
    inner = inner.replace("<svg", f'<svg x="{36 + ((W - 72) - gw * fit) / 2:.1f}" y="{top:.1f}" '
                                  f'width="{gw * fit:.1f}" height="{gh * fit:.1f}"', 1)
    inner = _drop_size(inner, gw * fit, gh * fit)
    parts.append(inner)
    y = bottom + 8
    for question in lines:
        for line in question:
            y += 16
            parts.append(_text(36, y, line, 12))
        parts.append(f'<line x1="{W - 180:.1f}" y1="{y + 3:.1f}" x2="{W - 36:.1f}" y2="{y + 3:.1f}" '
                     'stroke="#444" stroke-width="0.8"/>')
        y += 12
    return _page(parts)


def _drop_size(svg: str, w: float, h: float) -> str:
    """The nested drawing's own width and height (in pt) replaced by the ones it is shown at."""
    import re

    head, rest = svg.split(">", 1)
    head = re.sub(r'\swidth="[\d.]+pt"', "", head)
    head = re.sub(r'\sheight="[\d.]+pt"', "", head)
    return head + ">" + rest


def key_pages(all_variants: list[Variant], title: str) -> list[str]:
    """The answer key: each variant's answers with their derivations, as many variants a page as fit."""
    W, H = PAGE
    pages, parts, y = [], [], 0.0

    def start() -> None:
        nonlocal parts, y
        parts = [_text(36, 44, f"{title} · answer key", 16, weight="bold")]
        y = 70.0

    start()
    for k, v in enumerate(all_variants):
        block = []
        for i, q in enumerate(v.questions):
            block.append((f"{i + 1}. {q.asks} = {fmt(q.truth)}", "bold"))
            block += [(f"     {line.strip()}", "normal") for line in _derivation(q)]
        height = 20 + 14 * len(block)
        if y + height > H - 30 and len(parts) > 1:
            pages.append(_page(parts))
            start()
        parts.append(_text(36, y + 12, f"variant {k + 1} (seed {v.seed})", 12, weight="bold"))
        for j, (line, weight) in enumerate(block):
            parts.append(_text(44, y + 28 + 14 * j, line, _fit(line, 10, W - 88), MONO, weight))
        y += height + 8
    pages.append(_page(parts))
    return pages


def _page(parts: list[str]) -> str:
    W, H = PAGE
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{W:g}pt" '
            f'height="{H:g}pt" viewBox="0 0 {W:g} {H:g}"><rect width="{W:g}" height="{H:g}" fill="white"/>'
            + "".join(parts) + "</svg>")


def worksheet_html(all_variants: list[Variant], title: str) -> str:
    """The same worksheet as one HTML page: the variants, then the answer key (each on a new
    printed page)."""
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "section{break-before:page;margin-bottom:3em}svg{max-width:100%;height:auto}"
             "ol li{margin:.6em 0}pre{font-size:14px;background:#f6f6f6;padding:6px 10px;white-space:pre-wrap}")
    body = [f"<h1>{_esc(title)}</h1>"]
    for k, v in enumerate(all_variants):
        svg = v.svg[v.svg.index("<svg"):]
        items = "".join(f"<li>{_esc(q.question)} ______</li>" for q in v.questions)
        body.append(f'<section class="variant"><h2>Variant {k + 1} (seed {v.seed})</h2>{svg}<ol>{items}</ol></section>')
    key = []
    for k, v in enumerate(all_variants):
        answers = "".join(f"<li><b>{_esc(q.asks)} = {_esc(fmt(q.truth))}</b><pre>{_esc(chr(10).join(_derivation(q)))}"
                          "</pre></li>" for q in v.questions)
        key.append(f"<h3>Variant {k + 1} (seed {v.seed})</h3><ol>{answers}</ol>")
    body.append(f'<section class="key"><h2>Answer key</h2>{"".join(key)}</section>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def worksheet(make_graph: Callable[[random.Random], Any], seeds: Iterable[int] = range(30),
              path: str | os.PathLike = "sheet.pdf", title: str = "The chain rule") -> Path:
    """One variant of ``make_graph``'s graph per seed, its drawing and questions on a page of its own,
    then the answer key on separate pages: ``path`` ending .pdf (printable, A4) or .html."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise ValueError(f"worksheet: unknown suffix {path.suffix!r}; use .pdf or .html")
    writable_target(path, "worksheet")
    made = variants(make_graph, seeds)
    if suffix == ".html":
        return write_atomic(path, worksheet_html(made, title), "worksheet")
    pages = [variant_page(v, k, title) for k, v in enumerate(made)] + key_pages(made, title)
    return write_atomic(path, export.pdf_pages(pages), "worksheet")
