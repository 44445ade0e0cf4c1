"""Turning DOT into SVG, PNG or PDF, and saving drawings.

The system's ``dot`` is used when it is on PATH (it renders all three
formats); otherwise ``graphviz-pure``, the self-contained build that pip
installs with chainrule (SVG and PNG only).  Set CHAINRULE_RENDERER to
``dot`` or ``graphviz-pure`` to choose.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sysconfig
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz

from autograd.files import writable_target, write_atomic

FORMATS = (".svg", ".png", ".pdf", ".dot")
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
    return Renderer("graphviz-pure", found, ("svg", "png")) if found else None


def _system() -> Renderer | None:
    found = shutil.which("dot")
    return Renderer("dot", found, ("svg", "png", "pdf")) if found else None


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
            f"{fmt.upper()} needs the system Graphviz (`apt-get install graphviz` or `brew install graphviz`); "
            f"{renderer.name} renders {' and '.join(f.upper() for f in renderer.formats)}"
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


def save(graph: graphviz.Graph | graphviz.Digraph, path: str | os.PathLike, timeout: float = RENDER_TIMEOUT) -> Path:
    """Write a drawing to ``path``; the format comes from the suffix: .svg .png .pdf or .dot.

    ``timeout`` is the renderer's time limit in seconds (see :func:`render`).

    When it cannot render (no renderer, or PDF without the system Graphviz), the DOT
    source is written beside it (same name, .dot) and RenderError says how to render it.
    """
    source = _source(graph)
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"save: unknown suffix {path.suffix!r} in {path}; use one of {', '.join(FORMATS)}")
    writable_target(path, "save")  # before a render that may take long
    if suffix == ".dot":
        _write(path, source.encode("utf-8"))
        return path
    try:
        data = render(source, suffix[1:], timeout)
    except RenderError as error:
        dot_path = path.with_suffix(".dot")
        if dot_path.exists():  # someone else's file: leave it, and say where the source went
            dot_path = path.with_name(path.name + ".dot")
        _write(dot_path, source.encode("utf-8"))
        raise RenderError(f"{error}. The DOT source is in {dot_path}; render it with `dot -T{suffix[1:]} "
                          f"{dot_path} -o {path}`") from None
    _write(path, data)
    return path


class Drawing(graphviz.Digraph):
    """A graphviz Digraph that shows itself in Jupyter through chainrule's renderer
    (see viz.notebook), with a caption.

    graphviz's own ``render()`` and ``pipe()`` need a system ``dot``; ``viz.save``
    and ``viz.render`` also work with graphviz-pure.
    """

    caption: str = ""
    # set by draw() and draw_chain_rule(), for the player: which Value is which DOT id, and
    # which (folded) edge each DOT edge is, in the order written
    node_ids: dict = {}
    edges_written: list = []
    folding: Any = None
    names: dict = {}

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

    def __repr__(self) -> str:
        nodes, edges = self.counts()
        caption = self.caption if len(self.caption) <= 60 else self.caption[:59] + "…"
        return f"Drawing({nodes} nodes, {edges} edges, caption={caption!r})"
