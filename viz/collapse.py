"""Grouping a graph too big to draw by name scope: one box per scope, one link per pair of boxes.

A node belongs to the box of its scope cut to some depth (``layer1/neuron3`` at depth 1 is
``layer1``); :func:`collapse` picks the deepest cut that leaves at most ``max_nodes`` boxes and
as many links.  A node made outside any scope joins the box of the other such nodes fed by the
same top-level scopes (a loss summed after ``layer3`` is one box).  viz.draw writes the DOT.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from autograd import Value

OUTSIDE = "\x00outside"  # the key prefix of the boxes of nodes made outside any scope


@dataclass(frozen=True)
class Collapsed:
    """How a graph collapses: the scope depth cut at, each box's nodes (boxes in reading order:
    layer1 before layer2, neuron2 before neuron10, what is outside first) and the number of
    edges between each pair of boxes."""

    depth: int
    groups: dict[str, list[Value]]
    links: Counter[tuple[str, str]]


def collapse(order: list[Value], max_nodes: int) -> Collapsed | None:
    """The deepest grouping by scope with at most ``max_nodes`` boxes and as many links, or None."""
    depth = max((n.scope.count("/") + 1 for n in order if n.scope), default=0)
    for d in range(depth, 0, -1):  # no scope at all (depth 0): nothing to collapse by
        key = _keyer(order, d)
        keys = {key(n) for n in order}
        if len(keys) > max_nodes:
            continue
        links = _links(order, key)
        if len(links) <= max_nodes:
            found: dict[str, list[Value]] = {}
            for n in order:
                found.setdefault(key(n), []).append(n)
            return Collapsed(d, {k: found[k] for k in sorted(found, key=_natural)}, links)
    return None


def is_outside(key: str) -> bool:
    """Whether a box holds nodes made outside any scope."""
    return key.startswith(OUTSIDE)


def title(key: str, members: list[Value]) -> str:
    """What a box is called: its scope, or which scopes feed the nodes made outside any."""
    if not is_outside(key):
        return key
    fed = key[len(OUTSIDE):]
    text = "outside any scope" + (f", fed by {fed.replace(',', ', ')}" if fed else "")
    return text + (" (leaves)" if all(n.is_leaf for n in members) else "")


def _keyer(order: list[Value], depth: int) -> Callable[[Value], str]:
    """A node's box: its scope cut to ``depth``; a node made outside any scope goes in one box
    with the others fed by the same top-level scopes (a summed loss after layer3 is one box)."""
    fed: dict[Value, frozenset[str]] = {}
    for n in order:  # parents first
        if not n.scope:
            sources: set[str] = set()
            for p in n.parents:
                if p.scope:
                    sources.add(p.scope.split("/")[0])
                else:
                    sources |= fed[p]
            fed[n] = frozenset(sources)

    def key(n: Value) -> str:
        if n.scope:
            return "/".join(n.scope.split("/")[:depth])
        return OUTSIDE + ",".join(sorted(fed[n]))

    return key


def _links(order: list[Value], key: Callable[[Value], str]) -> Counter[tuple[str, str]]:
    links: Counter[tuple[str, str]] = Counter()
    for n in order:
        b = key(n)
        for p in n.parents:
            a = key(p)
            if a != b:
                links[(a, b)] += 1
    return links


def _natural(key: str) -> list[tuple[int, int, str]]:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", key)]
