"""The step-through as an animation (GIF, WebP, APNG) or as slides (a PDF, one 16:9 page a frame).

Each frame is drawn from the player's own SVG, the one its page shows, and its own data: the
value and gradient rows of every box are filled in as the page fills them after that frame, the
current node, the parents it updates and the edges it goes along are outlined in the page's
colours, and the update is written underneath, in the page's words.  ``frame_svg`` gives one
slide as SVG; ``save`` draws them with viz.export (resvg for pixels, svg2pdf for pages).
"""

from __future__ import annotations

import io
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Union

from autograd.files import writable_target, write_atomic

from . import export
from .text import fmt, plus

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")

NOW, GETS, READS, UNKNOWN = "#e65100", "#2e7d32", "#1565c0", "#9e9e9e"  # the page's colours (player.css)
SLIDE = (960.0, 540.0)  # points: a 16:9 slide (13.33 × 7.5 in)
PIXELS_WIDE = 1280  # an animation frame: 1280 × 720 px
ANIMATIONS = (".gif", ".webp", ".apng")
# the update underneath: a sans-serif font, which draws forward mode's θ̇1 (θ1 and a combining dot)
# where DejaVu Sans Mono draws no dot; export writes Liberation Sans, then DejaVu Sans, for it
EQUATION_FONT = "Helvetica,sans-Serif"

Frames = Union[None, str, range, slice, Iterable[int]]


def pick(count: int, frames: Frames) -> list[int]:
    """The frame indices ``frames`` asks for: all (None), "forward" or "backward" (resolved by the
    caller: the seed and the derivative frames, backward's or forward mode's tangents), a range or
    slice, or indices; each within 0 … count − 1."""
    if frames is None:
        return list(range(count))
    if isinstance(frames, slice):
        return list(range(count))[frames]
    if isinstance(frames, (str, bytes)) or not isinstance(frames, Iterable):
        raise TypeError(f"frames must be a range, a slice, frame numbers, 'forward' or 'backward'; got {frames!r}")
    chosen = []
    for k in frames:
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"frames: frame numbers are ints, got {type(k).__name__}")
        if not 0 <= k < count:
            raise IndexError(f"frames: frame {k} is out of range; the player has frames 0 … {count - 1}")
        chosen.append(k)
    if not chosen:
        raise ValueError("frames: no frame chosen")
    return chosen


class Replay:
    """What the page shows after each frame, computed from the page's own data."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.nodes, self.frames, self.names = data["nodes"], data["frames"], data["names"]
        self.values = [_num(n["value"]) for n in self.nodes]
        self.locals = [[_num(g) for g in n["locals"]] for n in self.nodes]
        self.forward = data.get("mode") == "forward"  # tangents ż = ∂z/∂wrt carried up, not grads down
        self.wrt = data.get("wrt")

    def row(self, i: int) -> str:
        """The word the derivative row of node i starts with: "grad", or ∂z/∂θ = in forward mode."""
        return f"∂{self.names[i]}/∂{self.names[self.wrt]} =" if self.forward else "grad"

    def state(self, k: int) -> tuple[set[int], dict[int, float]]:
        """After frame k: which nodes have their value, and each gradient (or tangent) so far."""
        known: set[int] = set()
        grad: dict[int, float] = {}
        for f in self.frames[:k + 1]:
            if f["kind"] == "forward":
                known.add(f["node"])
            elif self.forward:
                if f["kind"] == "seed":  # θ̇ = 1, every other leaf held fixed
                    grad.update((i, 0.0) for i, n in enumerate(self.nodes) if not n["op"])
                    grad[f["node"]] = 1.0
                else:
                    terms = [self.locals[f["node"]][slot] * grad[p] for p, slot in zip(f["parents"], f["slots"])]
                    total = terms[0] if terms else 0.0
                    for term in terms[1:]:
                        total += term
                    grad[f["node"]] = total
            elif f["kind"] == "seed":
                grad[f["node"]] = 1.0
            else:
                for p, slot in zip(f["parents"], f["slots"]):
                    grad[p] = grad.get(p, 0.0) + self.locals[f["node"]][slot] * grad[f["node"]]
        return known, grad

    def label(self, k: int) -> str:
        f = self.frames[k]
        name = self.names[f["node"]]
        if self.forward:
            if f["kind"] == "forward":
                return f"value: {name}"
            return f"seed: {_dotted(name, self)} = 1" if f["kind"] == "seed" else \
                f"tangent: ∂{name}/∂{self.names[self.wrt]}"
        if f["kind"] == "forward":
            return f"forward: {name}"
        if f["kind"] == "seed":
            return f"seed: ∂{name}/∂{name} = 1"
        to = [self.names[p] for p in f["parents"] if not self.nodes[p]["constant"]]
        return f"backward: {name} → {', '.join(to) if to else '(constants only)'}"

    def describe(self, k: int) -> list[str]:
        """The update frame k makes, one line a parent, as the page writes it."""
        f = self.frames[k]
        i, n = f["node"], self.nodes[f["node"]]
        name = self.names[i]
        if f["kind"] == "forward":
            value = fmt(self.values[i])
            return [f"{name} = {n['expr']} = {value}" if n["op"] else f"{name} = {value}  (a leaf)"]
        if self.forward:
            return [self._tangent(k)]
        if f["kind"] == "seed":
            return [f"∂{name}/∂{name} = 1: backward starts at {name}"]
        _, grad = self.state(k - 1)
        lines = []
        for p, slot in zip(f["parents"], f["slots"]):
            if self.nodes[p]["constant"]:
                continue
            local, up = self.locals[i][slot], grad[i]
            before = grad.get(p)
            grad[p] = local * up if before is None else before + local * up
            sum_text = "" if before is None else f"{plus(before, local * up)} = "
            lines.append(f"{self.names[p]}.grad += ∂{name}/∂{self.names[p]} × {name}.grad = "
                         f"({n['partials'][slot]}) × {fmt(up)} = {fmt(local)} × {fmt(up)}"
                         f"   → {self.names[p]}.grad = {sum_text}{fmt(grad[p])}")
        return lines


    def _tangent(self, k: int) -> str:
        f = self.frames[k]
        i, n = f["node"], self.nodes[f["node"]]
        name, w = self.names[i], self.names[self.wrt]
        if f["kind"] == "seed":
            return (f"{_dotted(w, self)} = ∂{w}/∂{w} = 1: forward mode starts at {w} "
                    "(every other leaf is held fixed, its tangent 0)")
        if not f["parents"]:
            return f"{_dotted(name, self)} = 0: {name} does not depend on {w}"
        _, tan = self.state(k - 1)
        symbols, formulas, numbers = [], [], []
        for p, slot in zip(f["parents"], f["slots"]):
            symbols.append(f"∂{name}/∂{self.names[p]} · {_dotted(self.names[p], self)}")
            formulas.append(f"({n['partials'][slot]}) × {fmt(tan[p])}")
            numbers.append(f"{fmt(self.locals[i][slot])} × {fmt(tan[p])}")
        after = self.state(k)[1][i]
        return (f"{_dotted(name, self)} = {' + '.join(symbols)} = {' + '.join(formulas)} = {' + '.join(numbers)}"
                f" = {fmt(after)}   (∂{name}/∂{w})")


def _dotted(name: str, replay: Replay) -> str:
    """ż, θ̇1 (a combining dot on the first letter), or ∂[a3 − 1]/∂θ1 for a folded name, as the page writes it."""
    if name and ("A" <= name[0] <= "Z" or "a" <= name[0] <= "z" or "\u0370" <= name[0] <= "\u03ff"):
        return name[0] + "\u0307" + name[1:]
    return f"∂{name}/∂{replay.names[replay.wrt]}"


def _num(v: Any) -> float:
    return float(v)  # "nan", "inf", "-inf" come as strings and read back as floats


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def graph_svg(svg: str, replay: Replay, k: int) -> ET.Element:
    """The player's drawing after frame k: rows filled in, current node and edges outlined."""
    root = ET.fromstring(svg)
    boxes = {g.get("data-node"): g for g in root.iter(_q("g")) if g.get("data-node")}
    edges = {g.get("data-edge"): g for g in root.iter(_q("g")) if g.get("data-edge") is not None}
    known, grad = replay.state(k)
    for i, n in enumerate(replay.nodes):
        if not n["drawn"]:
            continue
        g = boxes[n["box"]]
        value = replay.values[i] if i in known else None
        g.set("data-value", "" if value is None else repr(value))
        g.set("data-tangent" if replay.forward else "data-grad", "" if i not in grad else repr(grad[i]))
        middle = _middle(g)
        for t in g.iter(_q("text")):
            for word, shown in (("data", value), (replay.row(i), grad.get(i))):
                if not (t.text or "").startswith(word + " "):
                    continue
                t.text = f"{word} {'?' if shown is None else fmt(shown)}"
                if middle is not None:
                    t.set("x", f"{middle:.2f}")
                    t.set("text-anchor", "middle")
                break
            if value is None:
                t.set("fill", UNKNOWN)
    f = replay.frames[k]
    here = boxes.get(replay.nodes[f["node"]]["box"])
    if here is not None:
        _outline(here, NOW, 4)
        here.set("data-highlight", "now")
    if f["kind"] in ("backward", "tangent"):
        for p, slot in zip(f["parents"], f["slots"]):
            box = boxes.get(replay.nodes[p]["box"])
            if box is not None and box is not here:
                _outline(box, READS if replay.forward else GETS, 3)
                box.set("data-highlight", "reads" if replay.forward else "gets")
            e = replay.data["stepEdge"].get(f"{f['node']}:{slot}")
            if e is not None:
                _outline(edges[str(e)], NOW, 4, fill_arrow=True)
                edges[str(e)].set("data-highlight", "edge")
    return root


def _middle(g: ET.Element) -> float | None:
    shape = next((s for s in g.iter() if s.tag in (_q("polygon"),) and s.get("points")), None)
    if shape is None:
        return None
    xs = [float(p.split(",")[0]) for p in shape.get("points", "").split()]
    return (min(xs) + max(xs)) / 2


def _outline(g: ET.Element, colour: str, width: float, fill_arrow: bool = False) -> None:
    for s in g.iter():
        if s.tag in (_q("polygon"), _q("path")) and s.get("stroke") not in (None, "none", "transparent"):
            s.set("stroke", colour)
            s.set("stroke-width", str(width))
            if fill_arrow and s.tag == _q("polygon"):
                s.set("fill", colour)


def frame_svg(player: Any, k: int) -> str:
    """Frame k of ``player`` as one 16:9 slide (SVG, 960 × 540 pt): the counter on top, the graph
    in the middle, the update underneath."""
    replay = Replay(player._data)
    graph = graph_svg(player._svg, replay, k)
    gw, gh = export.svg_size(player._svg)
    W, H = SLIDE
    title = f"frame {k + 1} of {len(replay.frames)} · {replay.label(k)}"
    lines = replay.describe(k)
    longest = max(len(line) for line in lines)
    size = min(15.0, (W - 40) / (0.61 * longest))  # a line's glyphs average under 0.6 em
    text_h = 16 + len(lines) * size * 1.35
    top, bottom = 44.0, H - text_h - 12
    fit = min(2.0, (W - 40) / gw, (bottom - top) / gh)  # a small graph is not blown up past twice its size
    w, h = gw * fit, gh * fit
    graph.set("x", f"{(W - w) / 2:.2f}")
    graph.set("y", f"{top + (bottom - top - h) / 2:.2f}")
    graph.set("width", f"{w:.2f}")
    graph.set("height", f"{h:.2f}")
    inner = ET.tostring(graph, encoding="unicode")
    rows = "".join(
        f'<text x="20" y="{bottom + 16 + (j + 0.8) * size * 1.35:.2f}" font-family="{EQUATION_FONT}" '
        f'font-size="{size:.2f}" xml:space="preserve" fill="#222">{_esc(line)}</text>' for j, line in enumerate(lines))
    return (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="{W:g}pt" height="{H:g}pt" '
        f'viewBox="0 0 {W:g} {H:g}" data-frame="{k}">'
        f'<rect width="{W:g}" height="{H:g}" fill="white"/>'
        f'<text x="20" y="28" font-family="Helvetica,sans-Serif" font-size="17" fill="#555">{_esc(title)}</text>'
        f"{inner}"
        f'<rect x="12" y="{bottom + 4:.2f}" width="{W - 24:g}" height="{text_h:.2f}" fill="#fff8e1"/>'
        f'<rect x="12" y="{bottom + 4:.2f}" width="4" height="{text_h:.2f}" fill="{NOW}"/>'
        f"{rows}</svg>"
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def frame_images(player: Any, chosen: Sequence[int], width: int = PIXELS_WIDE) -> list[Any]:
    """The chosen frames as PIL images ``width`` pixels wide (16:9)."""
    from PIL import Image

    per_point = width / SLIDE[0] * 72.0  # the dpi that makes a 960 pt slide ``width`` pixels wide
    return [Image.open(io.BytesIO(export.to_png(frame_svg(player, k), dpi=per_point))).convert("RGB")
            for k in chosen]


def save(player: Any, path: str | os.PathLike, frames: Frames = None, duration: float | Sequence[float] = 1.5,
         width: int = PIXELS_WIDE) -> Path:
    """Write the chosen frames to ``path``: .gif .webp .apng (``duration`` seconds a frame, one number
    or one per frame; ``width`` pixels wide) or .pdf (one 16:9 page a frame)."""
    path = Path(path)
    suffix = path.suffix.lower()
    count = len(player.frames)
    if isinstance(frames, str):
        kinds = ("forward", "backward")
        if frames not in kinds:
            raise ValueError(f"frames: {frames!r} is not 'forward' or 'backward'")
        wanted = ("seed", "backward", "tangent") if frames == "backward" else ("forward",)
        frames = [k for k, f in enumerate(player.frames) if f.kind in wanted]
    chosen = pick(count, frames)
    if suffix not in ANIMATIONS + (".pdf",):
        raise ValueError(f"save: unknown suffix {path.suffix!r}; use .html, .gif, .webp, .apng or .pdf")
    writable_target(path, "save")
    if suffix == ".pdf":
        return write_atomic(path, export.pdf_pages([frame_svg(player, k) for k in chosen]), "save")
    seconds = _durations(duration, len(chosen))
    if isinstance(width, bool) or not isinstance(width, int) or not 320 <= width <= 3840:
        raise ValueError(f"width must be a whole number of pixels from 320 to 3840, got {width!r}")
    images = frame_images(player, chosen, width)
    buffer = io.BytesIO()
    options: dict[str, Any] = {"save_all": True, "append_images": images[1:],
                               "duration": [round(s * 1000) for s in seconds], "loop": 0}
    if suffix == ".webp":
        options["lossless"] = True
    images[0].save(buffer, format={".gif": "GIF", ".webp": "WEBP", ".apng": "PNG"}[suffix], **options)
    return write_atomic(path, buffer.getvalue(), "save")


def _durations(duration: float | Sequence[float], n: int) -> list[float]:
    many = list(duration) if isinstance(duration, (list, tuple, range)) else [duration] * n
    if len(many) != n:
        raise ValueError(f"duration: {len(many)} durations for {n} frames")
    for s in many:
        if isinstance(s, bool) or not isinstance(s, (int, float)) or not (0.02 <= s < math.inf):
            raise ValueError(f"duration: each frame shows for a number of seconds ≥ 0.02, got {s!r}")
    return [float(s) for s in many]

