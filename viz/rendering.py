"""Turning DOT into SVG, PNG or PDF, and saving drawings.

The system's ``dot`` is used when it is on PATH; otherwise ``graphviz-pure``,
the self-contained build that pip installs with chainrule (SVG and PNG).  Set
CHAINRULE_RENDERER to ``dot`` or ``graphviz-pure`` to choose.  PNG at a size and
PDF are made from the SVG by viz.export (resvg and svg2pdf, the ``plot`` extra),
so they need no system Graphviz; TikZ comes from the layout's coordinates (viz.tikz).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sysconfig
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import graphviz

from autograd.files import writable_target, write_atomic

from .text import markdown_fence, markdown_text, printable

FORMATS = (".svg", ".png", ".pdf", ".dot", ".tex")
RENDER_TIMEOUT = 120  # seconds, by default; render() and save() take another
LONG_RENDER = 10.0  # seconds: a layout expected to take longer is announced with a warning first

# dot's layout time (SVG) measured for graphs of Values: (nodes, seconds); edge labels cost 4–7× more
_LAYOUT_TIMES = ((100, 0.06), (1_000, 0.34), (5_000, 12.0), (20_000, 1_020.0))

INSTALL_HINT = (
    "install a renderer: `pip install graphviz-pure` (SVG and PNG) or the system Graphviz "
    "(`apt-get install graphviz`, `brew install graphviz`; all formats)"
)


class RenderError(RuntimeError):
    """A drawing could not be rendered; the message says why and what to do."""


@dataclass(frozen=True)
class Renderer:
    name: str
    path: str
    formats: tuple[str, ...]


def _pure() -> Renderer | None:
    found = shutil.which("graphviz-pure")
    if found is None:
        scripts = Path(sysconfig.get_path("scripts")) / "graphviz-pure"
        found = str(scripts) if scripts.exists() else None
    return Renderer("graphviz-pure", found, ("svg", "png", "json")) if found else None


def _system() -> Renderer | None:
    found = shutil.which("dot")
    return Renderer("dot", found, ("svg", "png", "pdf", "json")) if found else None


def find_renderer() -> Renderer | None:
    """The renderer to use: CHAINRULE_RENDERER if set, else the system dot, else graphviz-pure."""
    choice = os.environ.get("CHAINRULE_RENDERER", "")
    if choice == "dot":
        return _system()
    if choice == "graphviz-pure":
        return _pure()
    if choice:
        raise RenderError(f"CHAINRULE_RENDERER is {choice!r}; use 'dot' or 'graphviz-pure'")
    return _system() or _pure()


def estimate_seconds(source: str) -> float:
    """About how long dot will take to lay out ``source``, from its node count (and edge labels)."""
    lines = source.splitlines()
    edges = [line for line in lines if " -> " in line]
    nodes = sum(1 for line in lines if re.match(r"^\s*\w+ \[", line) and " -> " not in line
                and line.split()[0] not in ("node", "edge", "graph"))
    (n0, t0), *rest = _LAYOUT_TIMES
    seconds = t0 * nodes / n0
    for n1, t1 in rest:  # log-log interpolation between the measured points, extrapolated past the last
        if nodes > n0:
            seconds = t0 * (nodes / n0) ** (math.log(t1 / t0) / math.log(n1 / n0))
        n0, t0 = n1, t1
    labelled = sum(1 for line in edges if "label=" in line)
    return seconds * (1 + 4 * labelled / len(edges)) if edges else seconds


def render(source: str, fmt: str = "svg", timeout: float = RENDER_TIMEOUT) -> bytes:
    """Lay out and render DOT ``source`` as ``fmt`` ('svg', 'png' or 'pdf').

    A layout expected to take longer than LONG_RENDER seconds is announced with a
    RuntimeWarning giving the estimate; the renderer is stopped after ``timeout`` seconds
    (``float("inf")``: no limit).
    """
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"timeout must be a number of seconds > 0, got {timeout!r}")
    try:
        timeout = float(timeout)
    except OverflowError:  # an int too large for a float: as good as no limit
        timeout = math.inf
    estimate = estimate_seconds(source)
    if estimate > LONG_RENDER:
        warnings.warn(
            f"viz: laying this graph out will take about {estimate:,.0f} s (the time limit is {timeout:g} s); "
            "draw fewer nodes (draw() collapses past max_nodes) to make it quicker",
            RuntimeWarning, stacklevel=2,
        )
    renderer = find_renderer()
    if renderer is None:
        raise RenderError(f"no Graphviz renderer found; {INSTALL_HINT}")
    if fmt not in renderer.formats:
        raise RenderError(
            f"{fmt.upper()} needs the system Graphviz (`apt-get install graphviz` or `brew install graphviz`) "
            f"or viz.save with the plot extra (`pip install 'chainrule[plot]'`); "
            f"{renderer.name} renders {', '.join(f.upper() for f in renderer.formats)}"
        )
    try:
        done = subprocess.run(
            [renderer.path, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=None if math.isinf(timeout) else timeout,  # inf: no limit
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"{renderer.name} took longer than {timeout:g} s; draw fewer nodes, or pass a larger timeout"
        ) from None
    except OSError as error:
        raise RenderError(f"could not run {renderer.path}: {error}; {INSTALL_HINT}") from None
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"{renderer.name} failed: {message[-1] if message else 'no output'}")
    return done.stdout


def _source(graph: Any) -> str:
    source = getattr(graph, "source", None)
    if not isinstance(source, str):
        raise TypeError(f"save() needs a drawing (a graphviz graph), got {type(graph).__name__}")
    return source


def _write(path: Path, data: bytes) -> None:
    write_atomic(path, data, "save")


def save(graph: graphviz.Graph | graphviz.Digraph | Any, path: str | os.PathLike, scale: float = 1.0,
         dpi: float | None = None, timeout: float = RENDER_TIMEOUT) -> Path:
    """Write a drawing (or a matplotlib figure) to ``path``; the format comes from the suffix:
    .svg .png .pdf .dot or .tex (a standalone TikZ picture, see viz.tikz).

    ``scale`` multiplies the picture's size (SVG, PNG, PDF; TikZ scales its coordinates);
    ``dpi`` is PNG's pixels per inch (96 by default, Graphviz's own): a figure of 374 × 649 pt
    is 499 × 865 px, at ``dpi=300`` 1,558 × 2,704 px, and ``scale=2`` doubles either.  PDF is
    vector, drawn from the SVG with fonts that have every glyph the project writes; it
    needs no system Graphviz.  ``timeout`` is the renderer's time limit in seconds (see
    :func:`render`).

    When it cannot render (no renderer, or no converter for PDF), the DOT source is written
    beside it (same name, .dot) and RenderError says how to render it.
    """
    from . import export

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"save: unknown suffix {path.suffix!r} in {path}; use one of {', '.join(FORMATS)}")
    scale, dpi = export.check_scale(scale, dpi)
    if dpi is not None and suffix != ".png":
        raise ValueError(f"save: dpi is for PNG; {suffix[1:].upper()} is not made of pixels (use scale)")
    if hasattr(graph, "savefig") and not hasattr(graph, "source"):
        return _save_figure(graph, path, suffix, scale, dpi)
    source = _source(graph)
    if suffix == ".dot" and scale != 1.0:
        raise ValueError("save: DOT source has no size; scale is for SVG, PNG, PDF and TeX")
    writable_target(path, "save")  # before a render that may take long
    if suffix == ".dot":
        _write(path, source.encode("utf-8"))
        return path
    try:
        if suffix == ".tex":
            from .tikz import tikz_document

            _write(path, tikz_document(graph, scale, timeout).encode("utf-8"))
            return path
        data = _rendered(source, suffix[1:], scale, dpi, timeout)
    except RenderError as error:
        dot_path = path.with_suffix(".dot")
        if dot_path.exists():  # someone else's file: leave it, and say where the source went
            dot_path = path.with_name(path.name + ".dot")
        _write(dot_path, source.encode("utf-8"))
        how = f"`dot -T{suffix[1:]} {dot_path} -o {path}`" if suffix != ".tex" else "dot2tex"
        raise RenderError(f"{error}. The DOT source is in {dot_path}; render it with {how}") from None
    _write(path, data)
    return path


def _rendered(source: str, fmt: str, scale: float, dpi: float | None, timeout: float) -> bytes:
    """``source`` as ``fmt`` at ``scale`` (and PNG at ``dpi``): through the SVG when a converter is
    installed, else the renderer's own output at its own size."""
    from . import export

    renderer = find_renderer()
    plain = scale == 1.0 and dpi is None
    if fmt == "png" and plain and not export.have("png"):
        return render(source, "png", timeout)
    if fmt == "pdf" and plain and not export.have("pdf") and renderer is not None and "pdf" in renderer.formats:
        return render(source, "pdf", timeout)
    svg = render(source, "svg", timeout).decode("utf-8")
    if fmt == "svg":
        return svg.encode("utf-8") if scale == 1.0 else export.scaled_svg(svg, scale).encode("utf-8")
    return export.to_png(svg, scale, dpi) if fmt == "png" else export.to_pdf(svg, scale)


def _save_figure(fig: Any, path: Path, suffix: str, scale: float, dpi: float | None) -> Path:
    """A matplotlib figure through the same SVG → PNG/PDF path as a drawing (text as paths)."""
    import io

    from . import export

    if suffix in (".dot", ".tex"):
        raise ValueError(f"save: a matplotlib figure has no {suffix[1:].upper()} form; use .svg, .png or .pdf")
    writable_target(path, "save")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buffer.getvalue()
    if suffix == ".svg":
        data = (svg if scale == 1.0 else export.scaled_svg(svg, scale)).encode("utf-8")
    elif suffix == ".png":
        data = export.to_png(svg, scale, dpi)
    else:
        data = export.to_pdf(svg, scale)
    _write(path, data)
    return path


class Drawing(graphviz.Digraph):
    """A graphviz Digraph, with a caption, that shows itself in Jupyter through chainrule's
    renderer (SVG; with none, the caption and the DOT source as text).

    ``node_ids`` says which Value each box is (its DOT id); empty for a drawing whose boxes
    are not single Values (one collapsed by scope, a network).  graphviz's own ``render()``
    and ``pipe()`` need a system ``dot``; ``viz.save`` and ``viz.render`` also work with
    graphviz-pure.
    """

    def __init__(self, *, caption: str = "", node_ids: Mapping[Any, str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.caption = caption
        self.node_ids: Mapping[Any, str] = MappingProxyType(dict(node_ids or {}))

    def _copy_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        # copy() and subgraph() make a Drawing from these: keep the caption and the ids
        copied: dict[str, Any] = super()._copy_kwargs(**kwargs)
        copied.update(caption=self.caption, node_ids=self.node_ids)
        return copied

    def counts(self) -> tuple[int, int]:
        """How many graphviz nodes and edges the drawing has."""
        nodes = edges = 0
        for line in self.body:
            text = line.strip()
            if " -> " in text:
                edges += 1
            elif re.match(r"^[A-Za-z_][\w]* \[", text) and text.split()[0] not in ("node", "edge", "graph"):
                nodes += 1
        return nodes, edges

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, str]:
        """SVG; with no renderer, the caption and the DOT source as text (markdown and HTML escaped
        outside the fence, so a caption can neither link nor open a fence)."""
        try:
            return {"image/svg+xml": render(self.source, "svg").decode("utf-8")}
        except RenderError as error:
            note = f"*(not rendered: {markdown_text(str(error))})*"
            caption = markdown_text(self.caption)
            caption = f"{caption}\n\n" if caption else ""
            return {
                "text/markdown": f"{caption}{note}\n\n{markdown_fence(self.source, 'dot')}",
                "text/plain": printable(f"{self.caption}\n{self.source}".strip()),
            }

    def __repr__(self) -> str:
        nodes, edges = self.counts()
        caption = self.caption if len(self.caption) <= 60 else self.caption[:59] + "…"
        return f"Drawing({nodes} nodes, {edges} edges, caption={caption!r})"
