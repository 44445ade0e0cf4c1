"""Drawing computation graphs, and the paths of the chain rule through them.

Each Value is a box: its label (or its id, n<i>), the op that made it, its
value and its gradient.  Arrows run the way data flows, from operands to the
node made from them.  Constants are drawn as plain numbers.

Graphviz lays out ~1,000 nodes in a third of a second but 5,000 in 12 s and
20,000 in minutes, and a graph that big is unreadable anyway.  Past
``max_nodes`` a graph is collapsed by name scope (a layer or a neuron becomes
one box, see ``autograd.scope``); when even that leaves too many boxes, draw
refuses with a message saying what to do instead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Union

from autograd import Value, checks, topological

from . import forward
from .chain import ChainRule, chain_rule, node_names
from .collapse import collapse, is_outside, title
from .fold import FoldedEdge, Folding
from .forward import check_mode
from .notation import SUBSCRIPT, product_formula, steps_text, text_powers
from .rendering import Drawing
from .text import dot_attr, dot_html, fmt

MAX_NODES = 300  # past this, graphs are collapsed by scope (a few seconds of layout at most)

PATH_COLOR = "#c62828"
FADED = "#b0b0b0"
FONT = "Helvetica"
# with tagged=True (the player's drawing) each box's DOT id is its name (n<i>) and each edge's
# e<k>, k its place in the order written; graphviz gives the SVG groups those ids and classes
BOX_CLASS = "cr-box"
LINK_CLASS = "cr-link"


class GraphTooLarge(ValueError):
    """The graph cannot be drawn readably; the message says what to do."""


Highlight = Union[ChainRule, Iterable[Value], None]


def _new_drawing(rankdir: str, caption: str = "", node_ids: Mapping[Value, str] | None = None) -> Drawing:
    checks.one_of(rankdir, ("LR", "RL", "TB", "BT"), "rankdir")
    g = Drawing(name="chainrule", format="svg", caption=caption, node_ids=node_ids)
    g.attr(rankdir=rankdir, fontname=FONT, nodesep="0.25", ranksep="0.45")
    g.attr("node", fontname=FONT, fontsize="11")
    g.attr("edge", fontname=FONT, fontsize="10", arrowsize="0.6")
    if caption:
        lines = "".join(f"{dot_html(line)}<BR ALIGN=\"LEFT\"/>" for line in caption.split("\n"))
        g.attr(label=f"<{lines}>", labelloc="b", labeljust="l", fontsize="12")
    return g


def _colors(on: bool | None) -> tuple[str, str]:
    """(border, text) colour of something on a highlighted path, off it, or with no highlight."""
    if on is None:
        return "black", "black"
    return (PATH_COLOR, "black") if on else (FADED, FADED)


def _node_label(node: Value, names: dict[Value, str], folding: Folding, show_grad: bool, on: bool | None,
                named: bool, grad: float, row: str | None = None) -> str:
    color, text = _colors(on)
    name = names[node]
    head = f"<B>{dot_html(name)}</B>" if named else f'<FONT POINT-SIZE="9" COLOR="{FADED}">{dot_html(name)}</FONT>'
    if node.op:  # how the node was made, in the operands' names: z3 = θ2 · a2, or folded J = 0.5 · (a3 − 1)^2
        head += f" = <I>{dot_html(text_powers(folding.expression(node, names)))}</I>"
    rows = [head, f"data {fmt(node.data)}"]
    if show_grad and row != "":  # row: the derivative row written some other way ("": none)
        rows.append(f"grad {fmt(grad)}" if row is None else row)
    shade = ' BGCOLOR="#fff3c4"' if on else ""
    cells = "".join(
        f'<TR><TD{shade if i == 0 else ""}><FONT COLOR="{text}">{row}</FONT></TD></TR>' for i, row in enumerate(rows)
    )
    width = "2" if on else "1"
    return (f'<<TABLE BORDER="{width}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4" COLOR="{color}">'
            f"{cells}</TABLE>>")


def _add_nodes(g: Drawing, order: list[Value], ids: dict[Value, str], names: dict[Value, str],
               folding: Folding, show_grad: bool, lit: set[Value] | None,
               grads: dict[Value, float] | None = None, rows: dict[Value, str] | None = None,
               tagged: bool = False) -> None:
    """A box per node; ``grads`` overrides the gradients shown (the player's, before backward ran),
    ``rows`` replaces the gradient row (forward mode's ∂node/∂θ; a node not in it gets none);
    ``tagged`` gives each box its DOT id and class."""
    for node in order:
        on = None if lit is None else node in lit
        tag = {"id": ids[node], "class": BOX_CLASS} if tagged else {}
        if node.is_constant:
            color = FADED if on is False else "#555555"
            g.node(ids[node], label=f"<{dot_html(fmt(node.data))}>", shape="plain", fontcolor=color, fontsize="10",
                   **tag)
        else:
            named = bool(node.label) or names[node] in ("J", "θ")
            grad = node.grad if grads is None else grads.get(node, 0.0)
            row = None if rows is None else rows.get(node, "")
            g.node(ids[node], label=_node_label(node, names, folding, show_grad, on, named, grad, row), shape="plain",
                   **tag)


def _edge_label(edge: FoldedEdge, names: dict[Value, str], folding: Folding) -> dict[str, str]:
    """∂upper/∂lower = formula = value: the formula in the drawn names with constants multiplied
    out (a folded edge ∂J/∂a3 = a3 − 1 = −0.6932), each folded step in the tooltip."""
    value = fmt(edge.value)
    formula = product_formula(folding, edge.steps, names)
    node, slot = edge.steps[-1]
    mark = f"₍{slot + 1}₎".translate(SUBSCRIPT) if sum(p is edge.lower for p in node.parents) > 1 else ""
    text = f"∂{names[edge.upper]}/∂{names[edge.lower]}{mark} = "
    shown = text + (formula if formula == value else f"{formula} = {value}")
    # a spacer cell keeps the text clear of the line it labels (dot sets a label's left edge on it)
    attrs = {"label": f'<<TABLE BORDER="0" CELLPADDING="1" CELLSPACING="0"><TR><TD WIDTH="6"></TD>'
                      f"<TD>{dot_html(text_powers(shown))}</TD></TR></TABLE>>"}
    if len(edge.steps) > 1:
        steps = steps_text(folding, edge.steps, names)
        attrs["tooltip"] = dot_attr(text_powers(f"{text}{steps} = {formula} = {value}"))
    return attrs


def _resolve_highlight(highlight: Highlight) -> tuple[set[Value] | None, set[tuple[Value, int]]]:
    if highlight is None:
        return None, set()
    if isinstance(highlight, ChainRule):
        return set(highlight.nodes), highlight.edges()
    if isinstance(highlight, Value) or not isinstance(highlight, Iterable):
        raise TypeError("highlight takes a ChainRule or a list of Values")
    nodes = set()
    for v in highlight:
        if not isinstance(v, Value):
            raise TypeError(f"highlight takes Values, got {type(v).__name__}")
        nodes.add(v)
    edges = {(n, i) for n in nodes for i, p in enumerate(n.parents) if p in nodes}
    return nodes, edges


def _check_max(max_nodes: object) -> int:
    return checks.integer(max_nodes, "max_nodes", type_error=ValueError)


def draw(
    root: Value,
    *,
    show_grad: bool = True,
    rankdir: str = "LR",
    highlight: Highlight = None,
    max_nodes: int = MAX_NODES,
    show_local: bool = False,
    fold: bool = False,
) -> Drawing:
    """The graph of everything ``root`` depends on.

    ``highlight`` (a ChainRule, or some Values) draws those nodes and the edges
    between them in colour and fades the rest.  ``show_local`` labels every edge
    with its local derivative.  ``fold=True`` writes unnamed nodes inline into the
    named node that uses them (see viz.fold): one box per named quantity, one edge
    per factor.  Past ``max_nodes`` the graph is collapsed by name scope, or
    refused with GraphTooLarge.
    """
    return _draw(root, show_grad=show_grad, rankdir=rankdir, highlight=highlight, max_nodes=max_nodes,
                 show_local=show_local, fold=fold).drawing


@dataclass(frozen=True)
class Drawn:
    """A drawing of Values and what the player needs to find its way in it: which Value each
    box is, the edges in the order they were written (DOT ids follow that order), the folding
    and the names the boxes use.  A drawing collapsed by scope has no boxes of single Values:
    its ``node_ids`` and ``edges`` are empty."""

    drawing: Drawing
    node_ids: Mapping[Value, str]
    edges: tuple[FoldedEdge, ...]
    folding: Folding
    names: dict[Value, str]


def _draw(root: Value, *, show_grad: bool = True, rankdir: str = "LR", highlight: Highlight = None,
          max_nodes: int = MAX_NODES, show_local: bool = False, fold: bool = False,
          grads: dict[Value, float] | None = None, rows: dict[Value, str] | None = None,
          tagged: bool = False) -> Drawn:
    """draw()'s work; ``grads`` overrides the gradients the boxes show (the player's, before
    backward ran), ``rows`` replaces the gradient row (forward mode's ∂node/∂θ) and ``tagged``
    gives boxes and edges DOT ids and classes (see BOX_CLASS)."""
    checks.instance(root, Value, "draw()")
    max_nodes = _check_max(max_nodes)
    order = topological(root)
    lit, lit_edges = _resolve_highlight(highlight)
    folding = Folding(order, root, enabled=fold)
    shown = _shown(order, folding)
    names = node_names(order)
    if len(shown) > max_nodes:
        return Drawn(_draw_collapsed(order, rankdir, max_nodes, lit, show_grad), {}, (), folding, names)
    return _compose(order, shown, rankdir, "", names, folding, show_grad, lit, lit_edges,
                    label_all=show_local, grads=grads, rows=rows, tagged=tagged)


def _compose(full: list[Value], shown: list[Value], rankdir: str, caption: str, names: dict[Value, str],
             folding: Folding, show_grad: bool, lit: set[Value] | None, lit_edges: set[tuple[Value, int]], *,
             label_all: bool, grads: dict[Value, float] | None = None,
             rows: dict[Value, str] | None = None, tagged: bool = False) -> Drawn:
    """A box per node of ``shown`` (ids n<i>, i its place in ``full``) and their edges."""
    kept = set(shown)
    ids = {node: f"n{i}" for i, node in enumerate(full) if node in kept}
    g = _new_drawing(rankdir, caption, ids)
    _add_nodes(g, shown, ids, names, folding, show_grad, lit, grads, rows, tagged=tagged)
    written = _add_edges(g, shown, ids, names, folding, lit, lit_edges, label_all=label_all, tagged=tagged)
    return Drawn(g, g.node_ids, tuple(written), folding, names)


def _shown(order: list[Value], folding: Folding) -> list[Value]:
    """The nodes that get a box: all of them, or, folded, the drawn ones (constants are inline numbers)."""
    return [n for n in order if folding.drawn(n)] if folding.folded else order


def _edges_of(node: Value, folding: Folding) -> list[FoldedEdge]:
    """The edges into a drawn node: one per folded operand; unfolded, one per parent slot
    (constants are boxes too, each with its edge)."""
    if folding.folded:
        return list(folding.edges(node))
    return [FoldedEdge(node, p, ((node, slot),)) for slot, p in enumerate(node.parents)]


def _add_edges(g: Drawing, order: list[Value], ids: dict[Value, str], names: dict[Value, str], folding: Folding,
               lit: set[Value] | None, lit_edges: set[tuple[Value, int]], label_all: bool,
               tagged: bool = False) -> list[FoldedEdge]:
    """One edge per (folded) operand of each drawn node; a constant, when drawn, gets its own edge.
    Returns the edges in the order they were written."""
    written = []
    level: dict[Value, int] = {}  # a node's row: one above its highest drawn operand (leaves 0)
    for node in order:
        edges = [edge for edge in _edges_of(node, folding) if edge.lower in ids]
        level[node] = 1 + max((level.get(edge.lower, 0) for edge in edges), default=-1)
        for edge in edges:
            attrs: dict[str, str] = {}
            if lit is not None:
                on = all(step in lit_edges for step in edge.steps)
                attrs = {"color": PATH_COLOR, "penwidth": "2", "fontcolor": PATH_COLOR} if on else {"color": FADED}
                if on:
                    attrs.update(_edge_label(edge, names, folding))
            elif label_all:
                attrs.update(_edge_label(edge, names, folding))
            if level[node] - level.get(edge.lower, 0) > 1:
                # an edge that skips a row (J = n1 + x's x): with its full weight dot pulls it straight
                # against the rows it passes and it hooks back on itself, away from its label
                attrs["weight"] = "0"
            if tagged:
                attrs.update({"id": f"e{len(written)}", "class": LINK_CLASS})
            g.edge(ids[edge.lower], ids[edge.upper], **attrs)
            written.append(edge)
    return written


def _draw_collapsed(
    order: list[Value], rankdir: str, max_nodes: int, lit: set[Value] | None, show_grad: bool
) -> Drawing:
    """The deepest grouping by scope that leaves at most max_nodes boxes and as many links."""
    grouping = collapse(order, max_nodes)
    if grouping is None:
        unscoped = sum(1 for n in order if not n.scope)
        where = f", {unscoped:,} of them outside any name scope" if unscoped else ""
        raise GraphTooLarge(
            f"draw: the graph has {len(order):,} nodes{where}, more than max_nodes={max_nodes} can show readably. "
            "Draw a smaller graph (one example rather than a whole batch), build it inside autograd.scope() "
            "blocks so it can be collapsed (nn's layers do this), draw only the paths with draw_chain_rule(J, θ), "
            "or raise max_nodes (Graphviz needs about 0.3 s for 1,000 nodes and 12 s for 5,000)."
        )
    groups = grouping.groups
    box = {k: f"g{i}" for i, k in enumerate(groups)}
    caption = (f"{len(order):,} nodes, collapsed by name scope: each box is one scope with the number of nodes "
               "in it and the value of the last one made there (a neuron's output)")
    g = _new_drawing(rankdir, caption)
    g.attr(ordering="out", ranksep="1.0", mclimit="0.01")  # keep the boxes in their written order
    names = node_names(order)
    plain = Folding(order, enabled=False)
    # at depth 2 and more, the boxes of one top-level scope (a layer) go together
    tops: dict[str, list[str]] = {}
    for k in groups:
        tops.setdefault(k.split("/")[0] if grouping.depth > 1 and not is_outside(k) else "", []).append(k)

    def add(target: Drawing, k: str) -> None:
        members = groups[k]
        if is_outside(k) and len(members) == 1:  # a lone node: drawn as itself
            _add_nodes(target, members, {members[0]: box[k]}, names, plain, show_grad, lit)
        else:
            _group_node(target, box[k], title(k, members), members, lit)

    # the boxes of one top-level scope (a layer) share a column, in order (a rank of their own
    # rather than a cluster: dot may rotate the order of a cluster's nodes)
    for j, (top, keys) in enumerate(sorted(tops.items(), key=lambda item: not item[0])):  # outside boxes last
        if not top:
            for k in keys:
                add(g, k)
            continue
        with g.subgraph(name=f"column_{j}") as c:
            c.attr(rank="same")
            for k in keys:
                add(c, k)
    rank = {k: i for i, k in enumerate(groups)}
    for (a, b), count in sorted(grouping.links.items(), key=lambda item: (rank[item[0][0]], rank[item[0][1]])):
        # thicker for more edges between the two boxes
        g.edge(box[a], box[b], penwidth=f"{0.7 + 0.5 * math.log10(count):.2f}", tooltip=f"{count} edges",
               color="#00000066", arrowsize="0.4")
    return g


def _group_node(g: Drawing, gid: str, title: str, members: list[Value], lit: set[Value] | None) -> None:
    color, _ = _colors(None if lit is None else any(n in lit for n in members))
    label = (f'<<B>{dot_html(title)}</B><BR/><FONT POINT-SIZE="10">{len(members):,} nodes · '
             f"last {fmt(members[-1].data)}</FONT>>")
    g.node(gid, shape="box", style="rounded", color=color, label=label)


def draw_chain_rule(
    J: Value | ChainRule,
    theta: Value | None = None,
    *,
    show_grad: bool = True,
    rankdir: str = "BT",
    max_nodes: int = MAX_NODES,
    fold: bool = True,
    mode: str = "reverse",
) -> Drawing:
    """The graph of J with every path from J to θ highlighted and the rest faded.

    Folded by default (see viz.fold): the drawn edges of a path are exactly the
    factors of ``rule.text()``; ``fold=False`` shows every node.  Bottom to top by
    default, so J is at the top and the path reads down like the formula.

    Each edge on a path is labelled with its local derivative, symbol and value;
    parallel edges (x*x) are kept; the caption gives the sum over paths with its
    numbers and says whether it equals θ.grad.  On a graph larger than
    ``max_nodes`` only the nodes on the paths are drawn (with a note of how many
    were left out).  Takes ``(J, θ)``, or a ChainRule.  ``mode="forward"`` writes ∂node/∂θ
    (forward mode's tangent) in each box on the paths instead of ∂J/∂node: the same edges and
    product, read from θ up.
    """
    mode = check_mode(mode)
    if isinstance(J, ChainRule):
        rule = J
    else:
        if theta is None:
            raise TypeError("draw_chain_rule(J, theta) needs theta, the Value to differentiate by")
        rule = chain_rule(J, theta)
    max_nodes = _check_max(max_nodes)
    full = topological(rule.J)
    folding = rule.folding if fold else Folding(full, enabled=False)
    order = _shown(order=full, folding=folding)
    names = rule.names
    caption = rule.text()
    rows = None
    if mode == "forward":
        tangents = forward.tangents_of(rule.J, rule.theta)
        rows = forward.rows(names, rule.theta, tangents)
        caption += "\n" + forward.caption(names, rule.J, rule.theta, tangents)
    if len(order) > max_nodes:
        keep = set(rule.nodes) | {rule.theta}
        if len(keep) > max_nodes:
            raise GraphTooLarge(
                f"draw_chain_rule: the paths from {rule.name(rule.J)} to {rule.name(rule.theta)} pass through "
                f"{len(keep):,} nodes, more than max_nodes={max_nodes}. Read rule.text() for the factored form, "
                "or ask about a parameter nearer the output."
            )
        caption += f"\n({len(order) - len(keep):,} nodes not on these paths are not drawn)"
        order = [n for n in order if n in keep]
    lit = set(rule.nodes) | {rule.theta}
    return _compose(full, order, rankdir, caption, names, folding, show_grad, lit, rule.edges(),
                    label_all=False, rows=rows).drawing
