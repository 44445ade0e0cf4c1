"""Folding: one drawn node per named quantity, one drawn edge per factor of the formula.

The notes write ∂J/∂θ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2: three factors between named
quantities.  The engine's graph of J = ½(a3 − y)² has three more nodes (a3 − y,
its square, the ½·), which have no names.  Folded, such a node is not a box of
its own: it is written inline into the box of the named node that consumes it
(``J = 0.5 · (a3 − 1)^2``), and the edge from a3 to J carries the product of the
local derivatives it folds, ∂J/∂a3.

A node is folded when it has no label, is neither J, θ nor a leaf, and has
exactly one consumer (folding a shared node would hide a path).  Folding applies
only to graphs that name some inner node: a graph with no names (``x*x + x``)
has nothing to fold into, and is drawn node by node.

ChainRule.factors, its text, the drawing and the player all use this one rule.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from autograd import OPS, Value

from .text import fmt

# how tightly each op binds, for writing folded expressions with no more brackets than they need
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}


_CALL = re.compile(r"^[^\s()]+\([^()]*\)$")  # an op written as a call: relu(x), σ(x), leaky_relu(x, y)


def _needs_brackets(inner: str, outer: str, slot: int) -> bool:
    """Whether an expression made by ``inner`` needs brackets as operand ``slot`` of ``outer``
    ("" when it stands inside a derivative's formula: every infix expression is bracketed there)."""
    if inner not in _PRECEDENCE:
        return False  # a call, σ(…), brings its own brackets
    if outer not in _PRECEDENCE:
        # inside σ(…) no brackets are needed; inside a formula they are, and inside an op written
        # some other way (a defined op's x^3) too
        return outer == "" or not _CALL.match(OPS[outer].expr)
    mine, theirs = _PRECEDENCE[inner], _PRECEDENCE[outer]
    if outer == "pow":
        return True  # (a − 1)^2, and 2^(a − 1)
    if mine != theirs:
        return mine < theirs
    # equal precedence: a + b + c reads left to right; a − (b + c) and a / (b · c) need them
    return slot == 1 and outer in ("sub", "div")


@dataclass(frozen=True)
class FoldedEdge:
    """A drawn edge: from ``lower`` (an operand) up to ``upper`` (a drawn node), through
    ``steps`` — the (node, parent slot) pairs from ``upper`` down to ``lower``, folded
    nodes in between.  ``value`` is ∂upper/∂lower along it: the product of their local
    derivatives."""

    upper: Value
    lower: Value
    steps: tuple[tuple[Value, int], ...]

    @property
    def value(self) -> float:
        product = 1.0
        for node, slot in self.steps:
            product *= node.local_grads[slot]
        return product


class Folding:
    """Which nodes of a graph are folded, and how the drawn ones read."""

    def __init__(self, order: list[Value], J: Value | None = None, theta: Value | None = None,
                 enabled: bool = True) -> None:
        keep = {J, theta}
        consumers: Counter[Value] = Counter()
        for node in order:
            for p in node.parents:
                consumers[p] += 1
        named_inside = any(n.label and not n.is_leaf and n is not J for n in order)
        self.folded: set[Value] = set()
        if enabled and named_inside:
            self.folded = {
                n for n in order
                if not n.label and not n.is_leaf and n not in keep and consumers[n] == 1
            }

    def drawn(self, node: Value) -> bool:
        """Whether the node is a box of its own (constants never are: they show as numbers)."""
        return node not in self.folded and not node.is_constant

    def expression(self, node: Value, names: dict[Value, str]) -> str:
        """How ``node`` was made, its folded operands written out: ``0.5 · (a3 − 1)^2``."""
        op = OPS[node.op]
        return op.render(*[self._operand(p, node.op, slot, names) for slot, p in enumerate(node.parents)])

    def _operand(self, p: Value, outer: str, slot: int, names: dict[Value, str]) -> str:
        if p.is_constant:
            return fmt(p.data)
        if p not in self.folded:
            return names[p]
        inner = self.expression(p, names)
        return f"({inner})" if _needs_brackets(p.op, outer, slot) else inner

    def edges(self, node: Value) -> list[FoldedEdge]:
        """The drawn edges into a drawn node, in operand order (parallel edges kept)."""
        out: list[FoldedEdge] = []

        def walk(current: Value, steps: tuple[tuple[Value, int], ...]) -> None:
            for slot, p in enumerate(current.parents):
                here = steps + ((current, slot),)
                if p.is_constant:
                    continue
                if p in self.folded:
                    walk(p, here)
                else:
                    out.append(FoldedEdge(node, p, here))

        walk(node, ())
        return out
