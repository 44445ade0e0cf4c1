"""viz.why: why is my gradient zero, tiny, huge or NaN?  The engine explains its own answer.

``why(J, θ)`` reads the local derivatives on every J→θ path (see autograd.diagnosis) and
says, with the nodes named, what blocks, damps, inflates or poisons ∂J/∂θ; ``why(J,
model)`` does it per layer of an nn model (see viz.why_model).  The drawing is the folded
graph of J with the causes' nodes and edges in red, the J→θ paths in black, the rest faded.
"""

from __future__ import annotations

import textwrap
from typing import Any

from autograd import Value, topological
from autograd.diagnosis import HUGE, KINDS, SATURATED, TINY, VERDICTS, Cause, Diagnosis, diagnose

from .chain import node_names
from .display import ShowsEquation
from .draw import (
    FADED,
    MAX_NODES,
    PATH_COLOR,
    GraphTooLarge,
    _add_nodes,
    _check_max,
    _edge_label,
    _edges_of,
    _new_drawing,
    _shown,
)
from .fold import Folding
from .rendering import Drawing, RenderError
from .text import fmt, latex_name, latex_number

CAPTION_WIDTH = 90  # characters a caption line holds before it wraps

__all__ = ["HUGE", "KINDS", "SATURATED", "TINY", "VERDICTS", "Cause", "Why", "why"]


def why(J: Value, theta: Any, *, tiny: float = TINY, huge: float = HUGE, saturated: float = SATURATED,
        spread: float = 100.0) -> Any:
    """Why ∂J/∂θ is what it is.

    ``theta`` is a Value, or an nn model or layer (then a per-layer summary, see
    viz.why_model).  ``r.verdict`` is one of "ok", "zero", "tiny", "huge", "nan", "inf",
    "no path"; ``r.causes`` the reasons, most responsible first, each with its ``kind``
    (one of KINDS), the ``nodes`` it names and a sentence.  The gradient is "tiny" when
    |∂J/∂θ| < ``tiny`` · s and "huge" when |∂J/∂θ| > ``huge`` · s, with s = max(|J|, 1) /
    max(|θ|, 1): the size a gradient of a loss like J at a parameter like θ has.  A σ or tanh
    counts as saturated where its local derivative is below ``saturated``.  For a model,
    layers whose gradient RMS differ by more than ``spread`` toward the input are vanishing
    or exploding.  Runs its own backward: no ``.grad`` changes.
    """
    if not isinstance(J, Value):
        raise TypeError(f"why(J, θ) needs J to be a Value (the loss), got {type(J).__name__}")
    if isinstance(theta, Value):
        return Why(diagnose(J, theta, tiny=tiny, huge=huge, saturated=saturated), tiny, huge)
    from .why_model import ModelWhy

    if not (hasattr(theta, "layers") or hasattr(theta, "neurons") or hasattr(theta, "w")):
        raise TypeError(f"why(J, θ) takes a Value or an nn Neuron, Layer or MLP as θ, got {type(theta).__name__}")
    return ModelWhy(J, theta, tiny=tiny, huge=huge, saturated=saturated, spread=spread)


def _paths_phrase(n: int) -> str:
    return "the only path" if n == 1 else ("both paths" if n == 2 else f"all {n:,} paths")


class Why(ShowsEquation):
    """The answer of ``viz.why(J, θ)``: ``verdict``, ``causes``, ``grad`` (∂J/∂θ), and how to show them."""

    _not_drawn = (RenderError, ValueError, TypeError)

    def __init__(self, diagnosis: Diagnosis, tiny: float = TINY, huge: float = HUGE) -> None:
        self.diagnosis = diagnosis
        self.tiny, self.huge = tiny, huge

    @property
    def verdict(self) -> str:
        return self.diagnosis.verdict

    @property
    def causes(self) -> list[Cause]:
        return self.diagnosis.causes

    @property
    def grad(self) -> float:
        return self.diagnosis.grad

    @property
    def J(self) -> Value:
        return self.diagnosis.J

    @property
    def theta(self) -> Value:
        return self.diagnosis.theta

    def __repr__(self) -> str:
        kinds = ", ".join(c.kind for c in self.causes)
        return f"Why(verdict={self.verdict!r}, causes=[{kinds}])"

    def headline(self) -> str:
        """The first line of text(): the gradient and the verdict in words."""
        d = self.diagnosis
        J, theta = d.names[d.J], d.names[d.theta]
        g = fmt(d.grad)
        if d.verdict == "no path":
            return f"{theta}.grad is 0: {J} does not depend on {theta} (no path)"
        if d.verdict == "zero":
            verb = "is" if d.path_count == 1 else "are"
            return f"{theta}.grad is 0: {_paths_phrase(d.path_count)} from {J} to {theta} {verb} blocked" \
                if d.causes and all(c.kind != "paths cancel" for c in d.causes) else f"{theta}.grad is 0"
        if d.verdict in ("nan", "inf"):
            return f"{theta}.grad is {g}: not a finite number"
        limit = (self.tiny if d.verdict == "tiny" else self.huge) * d.scale
        bound = f"s = max(|{J}|, 1)/max(|{theta}|, 1) = {fmt(d.scale)}"
        if d.verdict == "tiny":
            return f"{theta}.grad is {g}, tiny: |∂{J}/∂{theta}| < {fmt(self.tiny)} · s = {fmt(limit)} ({bound})"
        if d.verdict == "huge":
            return f"{theta}.grad is {g}, huge: |∂{J}/∂{theta}| > {fmt(self.huge)} · s = {fmt(limit)} ({bound})"
        return (f"{theta}.grad is {g}: ok (finite, not 0, within {fmt(self.tiny)} · s and {fmt(self.huge)} · s, "
                f"{bound})")

    def text(self) -> str:
        """Plain sentences with the numbers: the verdict, then each cause."""
        d = self.diagnosis
        lines = [self.headline() + (":" if self.causes else "")]
        for i, c in enumerate(self.causes, 1):
            share = ""
            if d.verdict == "zero" and c.paths:
                share = f" [{_paths_phrase(c.paths)}]" if c.paths == d.path_count else f" [{c.paths:,} of " \
                        f"{d.path_count:,} paths]"
            lines.append(f"  {i}. {c.kind}: {c.text}{share}")
        held = d.theta.grad
        if d.verdict != "no path" and held != d.grad and not (held != held and d.grad != d.grad):
            theta, J = d.names[d.theta], d.names[d.J]
            lines.append(f"  ({theta}.grad holds {fmt(held)}, not ∂{J}/∂{theta}: "
                         f"{'run ' + J + '.backward()' if held == 0 else 'leaves add up over backward calls; zero it'}"
                         " for the value above)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def latex(self) -> str:
        """The verdict as an equation: the product or the sum behind it, with its numbers."""
        d = self.diagnosis
        lhs = rf"\frac{{\partial {latex_name(d.names[d.J])}}}{{\partial {latex_name(d.names[d.theta])}}}"
        value = latex_number(d.grad).replace("∞", r"\infty")
        parts = [f"{lhs} = {value}"]
        for c in self.causes:
            kind = rf"\text{{{c.kind}}}"
            where = ", ".join(latex_name(d.names[n]) for n in c.nodes[:2] if n in d.names)
            if c.kind == "paths cancel" and c.terms:
                parts.append(" + ".join(f"({latex_number(v)})" for _, v in c.terms[:8]) +
                             (r" + \dots" if len(c.terms) > 8 else "") + rf" \quad ({kind})")
            elif c.kind in ("vanishing product", "exploding product") and c.terms:
                factors = "".join(f"({latex_number(v)})" for _, v in c.terms[:8])
                parts.append(factors + (r"\cdots" if len(c.terms) > 8 else "") + rf" \quad ({kind})")
            elif c.edges:  # the blocked (or non-finite) edge as the derivative it is
                n, slot = c.edges[0]
                upper, lower = d.names.get(n, "n"), d.names.get(n.parents[slot], "n")
                local = latex_number(n.local_grads[slot]).replace("∞", r"\infty")
                parts.append(rf"\frac{{\partial {latex_name(upper)}}}{{\partial {latex_name(lower)}}} = {local}"
                             rf" \quad ({kind})")
            else:
                parts.append(rf"{kind}\ \text{{at}}\ {where}")
        return parts[0] + (r" \quad\text{because}\quad " + r";\ ".join(parts[1:]) if parts[1:] else "")

    # -- the drawing -------------------------------------------------------------------

    def marked(self) -> tuple[set[Value], set[tuple[Value, int]]]:
        """The nodes and edges the causes name (drawn in red)."""
        nodes = {n for c in self.causes for n in c.nodes}
        edges = {e for c in self.causes for e in c.edges}
        return nodes, edges

    def draw(self, *, rankdir: str = "BT", max_nodes: int = MAX_NODES, show_grad: bool = False) -> Drawing:
        """The folded graph of J: the causes' nodes and edges in red (each red edge labelled with its
        local derivative), the other nodes on J→θ paths in black, the rest faded; text() as caption."""
        max_nodes = _check_max(max_nodes)
        d = self.diagnosis
        order = topological(d.J)
        names = node_names(order, d.J, d.theta)
        red_nodes, red_edges = self.marked()
        folding = Folding(order, d.J, d.theta)
        folding.folded -= red_nodes | {p for n, s in red_edges for p in (n, n.parents[s])}
        shown = _shown(order, folding)
        caption = self.text()
        if len(shown) > max_nodes:  # only what the causes name, J and θ
            keep = red_nodes | {p for n, s in red_edges for p in (n, n.parents[s])} | {d.J, d.theta}
            keep = {n for n in keep if not n.is_constant}
            if len(keep) > max_nodes:
                raise GraphTooLarge(f"why.draw: the causes name {len(keep):,} nodes, more than max_nodes={max_nodes}; "
                                    "read r.text(), or raise max_nodes")
            caption += f"\n({len(shown) - len(keep):,} other nodes are not drawn)"
            shown = [n for n in order if n in keep]
            folding = Folding(order, enabled=False)
        ids = {n: f"n{i}" for i, n in enumerate(order)}
        # wrapped, so that a long sentence does not make the figure wider than its graph
        caption = "\n".join(textwrap.fill(line, CAPTION_WIDTH, subsequent_indent="     ")
                            for line in caption.split("\n"))
        g = _new_drawing(rankdir, caption, {n: ids[n] for n in shown})
        g.attr(ranksep="0.3")  # a long vanishing chain stays a readable height
        on = d.on_path | {d.theta}
        for n in shown:
            lit = {n} if n in red_nodes else (None if n in on else set())
            _add_nodes(g, [n], ids, names, folding, show_grad, lit)
        drawn = set(shown)
        for node in shown:
            for edge in _edges_of(node, folding):
                if edge.lower not in drawn:
                    continue
                if any(step in red_edges for step in edge.steps):
                    attrs = {"color": PATH_COLOR, "penwidth": "2.5", "fontcolor": PATH_COLOR}
                    attrs.update(_edge_label(edge, names, folding))
                elif edge.upper in on and edge.lower in on:
                    attrs = {"color": "black"}
                else:
                    attrs = {"color": FADED}
                g.edge(ids[edge.lower], ids[edge.upper], **attrs)
        return g
