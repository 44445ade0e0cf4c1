"""Watch backward happen: a step-through player for any graph, in the browser and in Jupyter.

``step_through(J)`` replays, on the learner's own graph, what the engine does:
first the forward pass (each node's value, in topological order), then the seed
∂J/∂J = 1, then one frame per node in the order the engine's backward processes
it, each with its updates ``p.grad += ∂node/∂p × node.grad``.  Nothing in the
user's graph changes: the steps come from :func:`autograd.backward_steps`.

The page is one self-contained HTML document (SVG, script and style inline, no
network).  Each leaf can be edited there; the page recomputes every value and
gradient with the op table's own JavaScript (``autograd.OPS[...].js``) and
replays the frames on the new numbers.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from xml.dom import minidom

from autograd import OPS, Value, backward_steps, checks, forward_steps, topological
from autograd.files import write_atomic

from . import forward, notation
from .chain import node_names
from .draw import BOX_CLASS, LINK_CLASS, MAX_NODES, Drawn, GraphTooLarge, _check_max, _draw
from .notation import text_powers
from .rendering import render
from .text import escape_surrogates

_ASSETS = resources.files(__package__)


@dataclass
class Frame:
    """One step of the replay.

    ``kind`` is "forward" (``node`` gets its ``value``), "seed" (∂J/∂J = 1) or
    "backward" (``node`` pushes its gradient to its parents: ``updates`` holds, for
    each, (parent, local derivative, upstream grad, the parent's grad after)).

    In forward mode the seed is θ̇ = 1 at ``node`` = θ, and each "tangent" frame gives
    ``node`` its tangent ż = Σ ∂z/∂p · ṗ (``value``): ``updates`` holds one term per parent
    that depends on θ, (parent, local derivative, the parent's tangent, the sum so far).
    """

    kind: str
    node: Value
    value: float | None = None
    updates: list[tuple[Value, float, float, float]] = field(default_factory=list)
    slots: list[int] = field(default_factory=list, repr=False)


class Player:
    """The frames of a graph's forward and backward passes, and the page that plays them."""

    def __init__(self, J: Value, frames: list[Frame], svg: str, data: dict[str, Any], quiz: bool) -> None:
        self.J = J
        self.frames = frames
        self.quiz = quiz
        self._svg = svg
        self._data = data

    def __repr__(self) -> str:
        if self._data.get("mode") == "forward":
            counts = [sum(1 for f in self.frames if f.kind == k) for k in ("forward", "tangent")]
            return f"Player({len(self.frames)} frames: {counts[0]} values, 1 seed, {counts[1]} tangents; forward mode)"
        backward = sum(1 for f in self.frames if f.kind == "backward")
        forward = len(self.frames) - backward - 1
        return f"Player({len(self.frames)} frames: {forward} forward, 1 seed, {backward} backward)"

    def fragment(self) -> str:
        """The player as an HTML fragment (a div with its own style and script), for embedding."""
        # no "<" at all inside the script element (JSON reads \u003c as "<"), so no label can end it
        data = json.dumps(self._data, ensure_ascii=False).replace("<", "\\u003c")
        style = _ASSETS.joinpath("player.css").read_text(encoding="utf-8")
        # the quiz's rule, the engine's refusals and the quiz panel first, then the player that uses them
        script = "\n".join(_ASSETS.joinpath(name).read_text(encoding="utf-8")
                           for name in ("quiz.js", "domain.js", "player_quiz.js", "player_marks.js", "player.js"))
        mode = ' data-quiz="on"' if self.quiz else ""
        if self._data.get("mode") == "forward":
            mode += ' data-mode="forward"'
        return (
            f'<div class="chainrule-player" data-frame="0" data-frames="{len(self.frames)}"{mode}>'
            f"<style>{style}</style>"
            '<div class="cr-controls">'
            '<button type="button" data-do="first" title="first frame (Home)">« first</button>'
            '<button type="button" data-do="prev" title="back one frame (←)">‹ back</button>'
            '<button type="button" data-do="play" title="play or pause (space)">play</button>'
            '<button type="button" data-do="next" title="forward one frame (→)">next ›</button>'
            '<button type="button" data-do="last" title="last frame (End)">last »</button>'
            '<span class="cr-counter"></span></div>'
            '<div class="cr-equation" aria-live="polite"></div>'
            '<div class="cr-problem" role="alert" hidden></div>'
            '<div class="cr-quiz"></div>'
            f'<div class="cr-main"><div class="cr-graph">{self._svg}</div>'
            f'<div class="cr-side"><div class="cr-leaves">{self._leaves()}</div><ol class="cr-frames"></ol></div></div>'
            f'<script type="application/json" class="cr-data">{data}</script>'
            f"<script>{script}</script></div>"
        )

    def _leaves(self) -> str:
        """An input per leaf that is not a constant: edit it, and the page recomputes everything."""
        rows = ["<div>Change a leaf and watch every number follow:</div>"]
        missing = self._data.get("noJs", [])
        disabled = " disabled" if missing else ""
        if missing:  # an op defined without js: the page steps through, but cannot recompute it
            which = html.escape(", ".join(missing))
            rows = [f'<div class="cr-nojs">Editing a leaf needs JavaScript for every op; {which} '
                    f"{'has' if len(missing) == 1 else 'have'} none (give define_op its js=...).</div>"]
        for i, n in enumerate(self._data["nodes"]):
            if n["op"] or n["constant"] or not n["drawn"]:
                continue
            name = html.escape(self._data["names"][i])
            # text, not type="number": the page must see what was typed to say why it is no number
            rows.append(f'<label>{name} = <input type="text" inputmode="decimal" spellcheck="false" '
                        f'data-leaf="{n["box"]}" data-index="{i}" '
                        f'value="{html.escape(repr(float(n["value"])))}"{disabled}>'
                        '<span class="cr-leaf-note" aria-live="polite"></span></label>')
        return "".join(rows)

    def html(self) -> str:
        """One self-contained HTML document: SVG, script and style inline, nothing from the network."""
        title = html.escape(f"Backward, step by step: ∂{self._data['names'][self._data['root']]}")
        if self._data.get("mode") == "forward":
            names = self._data["names"]
            title = html.escape(f"Forward mode, step by step: ∂{names[self._data['root']]}/∂{names[self._data['wrt']]}")
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head>\n<body>\n{self.fragment()}\n</body></html>\n"
        )

    def save(self, path: str | os.PathLike, frames: Any = None, duration: Any = 1.5) -> Path:
        """Write :meth:`html` to ``path`` (normally a .html file); or, by the suffix, the frames as
        an animation (.gif .webp .apng, ``duration`` seconds a frame) or as slides (.pdf, a 16:9
        page a frame), ``frames`` a range, a slice, frame numbers or "backward" (see viz.animation)."""
        if str(path).lower().endswith((".gif", ".webp", ".apng", ".pdf")):
            from .animation import save as save_frames

            return save_frames(self, path, frames, duration)
        if os.path.isdir(path):
            raise IsADirectoryError(f"save: {path} is a folder; give a file name such as backward.html")
        return write_atomic(path, escape_surrogates(self.html()), "save")

    def _repr_html_(self) -> str:
        return self.fragment()


def step_through(J: Value, max_nodes: int = MAX_NODES, quiz: bool = False, mode: str = "reverse",
                 wrt: Value | None = None) -> Player:
    """A step-through player of J's forward and backward passes (backward need not have run).

    The graph is drawn as ``viz.draw`` draws it, folded where it names its inner nodes.
    A graph of more than ``max_nodes`` nodes is refused with GraphTooLarge.  With
    ``quiz=True`` the page hides each gradient until the learner has typed it, judged by
    :mod:`viz.quiz`'s rule, with hints on request and the score on the page.
    ``mode="forward"`` with ``wrt=θ`` plays forward mode instead of backward: after the
    values, the seed θ̇ = 1, then one frame per node in topological order writing
    ż = Σ ∂z/∂p · ṗ, ending on ∂J/∂θ at J (the quiz asks for each ż).
    """
    mode = forward.check_mode(mode, wrt, needs_wrt=True)
    checks.instance(J, Value, "step_through()")
    max_nodes = _check_max(max_nodes)
    checks.flag(quiz, "quiz")
    order = topological(J)
    if len(order) > max_nodes:
        raise GraphTooLarge(
            f"step_through: the graph has {len(order):,} nodes, more than max_nodes={max_nodes} frames can "
            "show one by one. Step through one example rather than a batch, a smaller model, or raise max_nodes."
        )
    if mode == "forward":
        return _forward_player(J, wrt, order, max_nodes, quiz)
    steps = backward_steps(J)
    final = {J: 1.0}
    for _, updates in steps:
        for _, p, _, _, after in updates:
            final[p] = after
    # boxes sized for the gradients backward will show, whatever .grad holds now
    # the drawing labels each edge with its local derivative, J at the top as draw_chain_rule draws it (the
    # labels sit beside the edges); not in the quiz, whose question is that factor
    drawn = _draw(J, fold=True, max_nodes=max_nodes, grads=final, tagged=True, show_local=not quiz,
                  rankdir="LR" if quiz else "BT")
    _compact(drawn, quiz)
    index = {node: i for i, node in enumerate(order)}
    frames = [Frame("forward", n, value=n.data) for n in order if not n.is_constant]
    frames.append(Frame("seed", J, value=J.data))
    for node, updates in steps:
        frames.append(Frame(
            "backward", node,
            updates=[(p, local, upstream, after) for _, p, local, upstream, after in updates],
            slots=[slot for slot, *_ in updates],
        ))
    data = _page_data(J, order, index, frames, drawn)
    return Player(J, frames, _svg(drawn), data, quiz)


def _forward_player(J: Value, wrt: Value, order: list[Value], max_nodes: int, quiz: bool) -> Player:
    if wrt not in set(order):
        raise ValueError(f"wrt ({wrt!r}) is not in J's graph: J does not depend on it")
    steps = forward_steps(J, wrt)
    tangents = {wrt: 1.0}
    tangents.update((node, t) for node, _, t in steps)
    # boxes sized for the tangents the frames will show; every named node gets the row
    names = node_names(order)  # as _draw names them
    drawn = _draw(J, fold=True, max_nodes=max_nodes, tagged=True, show_local=not quiz, rankdir="LR" if quiz else "BT",
                  rows=forward.rows(names, wrt, {n: tangents.get(n, 0.0) for n in order}))
    _compact(drawn, quiz)
    index = {node: i for i, node in enumerate(order)}
    frames = [Frame("forward", n, value=n.data) for n in order if not n.is_constant]
    frames.append(Frame("seed", wrt, value=1.0))
    for node, terms, t in steps:
        total, updates = None, []
        for _, p, local, tp in terms:
            total = local * tp if total is None else total + local * tp
            updates.append((p, local, tp, total))
        frames.append(Frame("tangent", node, value=t, updates=updates, slots=[slot for slot, *_ in terms]))
    data = _page_data(J, order, index, frames, drawn)
    data["mode"], data["wrt"] = "forward", index[wrt]
    return Player(J, frames, _svg(drawn), data, quiz)


def _compact(drawn: Drawn, quiz: bool) -> None:
    """Drawn upwards with its edges labelled, the player's drawing keeps its ranks close (the labels sit
    beside the edges, not between the boxes), so the notes' network fits the page's player in height."""
    if not quiz:
        drawn.drawing.attr(ranksep="0.25")


def _box_of(order: list[Value], drawn: Drawn) -> dict[Value, str | None]:
    """The drawn box that shows each node: its own, or the box its value is written into."""
    consumer: dict[Value, Value] = {}
    for n in order:
        for p in n.parents:
            consumer.setdefault(p, n)
    box: dict[Value, str | None] = {}
    for n in reversed(order):  # consumers first
        if n in drawn.node_ids:
            box[n] = drawn.node_ids[n]
        elif n in drawn.folding.folded:
            box[n] = box.get(consumer[n])
        else:
            box[n] = None  # a constant: written as a number inside its consumer's expression
    return box


def _page_data(J: Value, order: list[Value], index: dict[Value, int], frames: list[Frame],
               drawn: Drawn) -> dict[str, Any]:
    box = _box_of(order, drawn)
    # a folded node has no box: call it by what it is, [a3 − 1], rather than by an id nobody sees
    names = dict(drawn.names)
    for n in order:
        if n in drawn.folding.folded:
            names[n] = f"[{text_powers(drawn.folding.expression(n, drawn.names))}]"
    step_edge = {}
    for k, edge in enumerate(drawn.edges):
        for node, slot in edge.steps:
            step_edge[f"{index[node]}:{slot}"] = k
    used = sorted({n.op for n in order if n.op})
    return {
        "root": index[J],
        "names": [_number_or_name(n, names) for n in order],
        "ops": {name: list(OPS[name].js) for name in used if OPS[name].js},
        "noJs": [name for name in used if not OPS[name].js],  # ops the page cannot recompute
        # each op's domain as the engine checks it: (message, error, NaN passes, the operand whose being
        # a plain number lets a point pass); the page holds the predicates (viz/domain.js)
        "domains": {name: [[d.message, d.error.__name__, d.nan_passes, d.unless_constant, d.js]
                           for d in OPS[name].domain]
                    for name in used if OPS[name].domain},
        "nodes": [_node_data(n, index, box, names, drawn) for n in order],
        "frames": [
            {"kind": f.kind, "node": index[f.node], "slots": f.slots,
             "parents": [index[p] for p, *_ in f.updates]}
            for f in frames
        ],
        "stepEdge": step_edge,
    }


def _node_data(n: Value, index: dict[Value, int], box: dict[Value, str | None], names: dict[Value, str],
               drawn: Drawn) -> dict[str, Any]:
    operands = [_number_or_name(p, names) for p in n.parents]
    op = OPS.get(n.op)
    return {
        "op": n.op,
        "parents": [index[p] for p in n.parents],
        "value": _num(n.data),  # the engine's own numbers, shown until a leaf is edited
        "locals": [_num(g) for g in n.local_grads],
        "constant": n.is_constant,
        "box": box[n],
        "drawn": n in drawn.node_ids,
        # in the drawing's notation: constants as the box writes them (2, not 2.0), powers raised,
        # a partial with its constants multiplied out (2·r, not 2.0·r^(2.0−1))
        "expr": text_powers(op.render(*[notation.number(p.data) if p.is_constant else o
                                        for p, o in zip(n.parents, operands)])) if op else "",
        "wrt": [names[p] + (f"₍{i + 1}₎".translate(notation.SUBSCRIPT) if n.parents.count(p) > 1 else "")
                if not p.is_constant else notation.number(p.data) for i, p in enumerate(n.parents)],
        "partials": [text_powers(notation.join_formula([notation.local_formula(n, i, lambda p: names[p])]))
                     for i in range(len(n.parents))] if op else [],
    }


def _number_or_name(n: Value, names: dict[Value, str]) -> str:
    return notation.number(n.data) if n.is_constant else names[n]


def _num(x: float) -> float | str:
    # JSON has no NaN or infinities: write them as strings the page reads back
    return x if x == x and abs(x) != float("inf") else repr(x)


def _svg(drawn: Drawn) -> str:
    """The drawing as inline SVG, each box's group carrying data-node (its DOT id) and the numbers
    the page writes (data-value, data-grad), each edge's data-edge (its place in the order written,
    which its DOT id e<k> gives: dot writes edges in an order of its own)."""
    svg = render(drawn.drawing.source, "svg").decode("utf-8")
    document = minidom.parseString(svg[svg.index("<svg"):])  # no XML prolog or DOCTYPE inside HTML
    for g in document.getElementsByTagName("g"):
        kinds, name = g.getAttribute("class").split(), g.getAttribute("id")
        if BOX_CLASS in kinds:
            for key, value in (("data-node", name), ("data-value", ""), ("data-grad", "")):
                g.setAttribute(key, value)
        elif LINK_CLASS in kinds:
            g.setAttribute("data-edge", name.removeprefix("e"))
    return document.documentElement.toxml()
