"""∂J/∂θ as a sum over paths: every route from J down to θ, each the product of the
local derivatives along it.

Counting and summing never enumerate: both are dynamic programmes over the
graph in topological order, linear in its size, so 2^60 paths cost 61 steps.
Paths themselves are listed only up to MAX_PATHS; past that the explanation
switches to the factored form that backward itself computes (each node's
accumulated ∂J/∂node).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from autograd import Value, topological

from .display import ShowsChainRule
from .fold import Folding
from .notation import SUBSCRIPT, latex_formula, product_formula, text_powers
from .text import fmt, latex_name, latex_number

MAX_PATHS = 256  # paths listed one by one; count and total are exact for any number
TEXT_TERMS = 8  # terms of a sum written out in text() before "… + N more"


@dataclass
class Factor:
    """∂upper/∂lower along one stretch of a path: the product of the local derivatives
    between two named nodes (unnamed nodes between them are folded in)."""

    upper: Value
    lower: Value
    value: float
    steps: tuple[tuple[Value, int], ...] = ()  # the (node, parent slot) pairs it multiplies, upper first


@dataclass
class ChainRule(ShowsChainRule):
    """The sum over paths for ∂J/∂θ.  Build it with :func:`chain_rule`.  In Jupyter it shows
    its equation and its drawing (viz.display)."""

    J: Value
    theta: Value
    count: int
    total: float
    paths: list[list[Value]] = field(repr=False)
    slots: list[list[int]] = field(repr=False)  # for each step of each path: which parent slot
    products: list[float] = field(repr=False)
    nodes: list[Value] = field(repr=False)  # every node on some J→θ path, J first
    adjoints: dict[Value, float] = field(repr=False)  # ∂J/∂node for those nodes
    names: dict[Value, str] = field(repr=False)
    folding: Folding = field(repr=False)

    @property
    def complete(self) -> bool:
        """True when ``paths`` lists every path (count ≤ MAX_PATHS)."""
        return len(self.paths) == self.count

    @property
    def matches_grad(self) -> bool:
        """Whether ``total`` equals θ.grad (it does after J.backward() with θ's grad zeroed)."""
        return math.isclose(self.total, self.theta.grad, rel_tol=1e-9, abs_tol=1e-12)

    def name(self, node: Value) -> str:
        return self.names[node]

    def edges(self) -> set[tuple[Value, int]]:
        """Every (node, parent slot) edge that lies on some J→θ path."""
        on = set(self.nodes)
        return {(n, i) for n in self.nodes for i, p in enumerate(n.parents) if p in on}

    def factors(self, k: int) -> list[Factor]:
        """Path k as factors between drawn nodes, the notes' way: ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2.

        The factors break where the folded drawing has a box (see viz.fold): at J, θ,
        every labelled node and every shared one; unlabelled nodes between them are
        folded into their factor (J = ½(a3 − y)² gives one factor ∂J/∂a3).  In a graph
        that names no inner node, every node is a box, and every step a factor.
        """
        path, slots = self.paths[k], self.slots[k]
        out, upper, value, steps = [], path[0], 1.0, []
        for node, slot, lower in zip(path, slots, path[1:]):
            value *= node.local_grads[slot]
            steps.append((node, slot))
            if self.folding.drawn(lower) or lower is self.theta:
                out.append(Factor(upper, lower, value, tuple(steps)))
                upper, value, steps = lower, 1.0, []
        return out

    def local(self, f: Factor, latex: bool = False) -> str:
        """A factor as a local derivative, ∂a3/∂z3; when its node takes the same operand twice
        (n1 = x · x) the operand's slot is written under it: ∂n1/∂x₍₁₎ and ∂n1/∂x₍₂₎."""
        node, slot = f.steps[-1] if f.steps else (f.upper, 0)
        mark = ""
        if sum(p is f.lower for p in node.parents) > 1:
            mark = f"_{{({slot + 1})}}" if latex else f"₍{str(slot + 1).translate(SUBSCRIPT)}₎"
        return _partial(self.name(f.upper), self.name(f.lower), latex, mark)

    def formula(self, f: Factor) -> str:
        """A factor as a formula of the drawn names, constants multiplied out: ∂J/∂a3 of
        J = 0.5·(a3 − 1)^2 is ``a3 − 1``; a factor that is a plain number is that number."""
        return text_powers(product_formula(self.folding, f.steps, self.names))

    def _slot_note(self, factors: list[list[Factor]]) -> str:
        """What ₍1₎ and ₍2₎ mean, when some node takes one operand twice."""
        seen = []
        for fs in factors:
            for f in fs:
                node = f.steps[-1][0] if f.steps else f.upper
                if sum(p is f.lower for p in node.parents) > 1 and (node, f.lower) not in seen:
                    seen.append((node, f.lower))
        return "".join(
            f"\n   ({self.name(lo)}₍₁₎, {self.name(lo)}₍₂₎: {self.name(lo)} as the first and as the second operand of "
            f"{self.name(node)} = {text_powers(self.folding.expression(node, self.names))})" for node, lo in seen)

    # -- explanations -------------------------------------------------------------

    def _lhs(self, latex: bool = False) -> str:
        """The total derivative, written with d to tell it from the local factors (∂)."""
        return _total(self.name(self.J), self.name(self.theta), latex)

    def text(self) -> str:
        """The derivation in words and numbers, e.g.
        ``dJ/dθ2 = ∂J/∂a3 · ∂a3/∂z3 · ∂z3/∂θ2``, then the factors' formulas
        ``= (a3 − 1)·(σ(z3)·(1 − σ(z3)))·a2``, their numbers and the total.  The total
        derivative (everything θ2 changes on the way to J) is written dJ/dθ2; its factors,
        each one op's (or one folded stretch's) local derivative, ∂J/∂a3."""
        lhs, total = self._lhs(), fmt(self.total)
        if self.count == 0:
            return f"{lhs} = 0: {self.name(self.theta)} does not reach {self.name(self.J)} (no path)"
        if self.J is self.theta:
            return f"{lhs} = 1"
        if not self.complete:
            return self._factored_text()
        symbolic, formulas, numeric = [], [], []
        listed = [self.factors(k) for k in range(min(self.count, TEXT_TERMS))]
        for fs in listed:
            symbolic.append(" · ".join(self.local(f) for f in fs))
            formulas.append("·".join(_bracketed(self.formula(f), len(fs)) for f in fs))
            numeric.append("".join(f"({fmt(f.value)})" for f in fs))
        more = self.count - len(symbolic)
        tail = f" + … ({more} more paths)" if more else ""
        line = f"{lhs} = {' + '.join(symbolic)}{tail}"
        if any(self.formula(f) != fmt(f.value) for fs in listed for f in fs):
            line += f"\n   = {' + '.join(formulas)}{tail}"
        if len(symbolic) > 1 or numeric[0].count("(") > 1 or more:
            line += f"\n   = {' + '.join(numeric)}{tail}"
        line += f"\n   = {total}"
        return line + self._grad_note() + self._slot_note(listed)

    def _grad_note(self) -> str:
        theta = self.name(self.theta)
        if self.matches_grad:
            return f"   (= {theta}.grad ✓)"
        return f"   ({theta}.grad is {fmt(self.theta.grad)}: run {self.name(self.J)}.backward() after zeroing it)"

    def _factored_text(self) -> str:
        J, theta = self.name(self.J), self.name(self.theta)
        lines = [
            f"{self._lhs()} is a sum over {self.count:,} paths, more than the {MAX_PATHS} listed one by one.",
            f"Backward adds them up node by node instead: d{J}/dn = Σ over the consumers c of n of "
            f"d{J}/dc · ∂c/∂n, from {J} down to {theta}:",
        ]
        shown = self.nodes if len(self.nodes) <= 2 * TEXT_TERMS else (
            self.nodes[:TEXT_TERMS] + [None] + self.nodes[-TEXT_TERMS:])
        for node in shown:
            if node is None:
                lines.append(f"   … ({len(self.nodes) - 2 * TEXT_TERMS} more nodes)")
            else:
                lines.append(f"   {_total(J, self.name(node))} = {fmt(self.adjoints[node])}")
        return "\n".join(lines) + self._grad_note()

    def latex(self, aligned: bool = False) -> str:
        """The derivation as a LaTeX equation (for Jupyter's Markdown, or a paper).

        ``aligned=True``: over several lines in ``\\begin{aligned}`` — the formula, the
        numbers, the result — each starting at its ``&=``."""
        if aligned:
            return _aligned(self)
        lhs, total = self._lhs(latex=True), latex_number(self.total)
        if self.count == 0:
            return f"{lhs} = 0"
        if self.J is self.theta:
            return f"{lhs} = 1"
        if not self.complete:
            return rf"{lhs} = \sum_{{{self.count}\ \text{{paths}}}} \prod \text{{local derivatives}} = {total}"
        symbolic, formulas, numeric = [], [], []
        listed = [self.factors(k) for k in range(min(self.count, TEXT_TERMS))]
        for fs in listed:
            symbolic.append(r" \cdot ".join(self.local(f, latex=True) for f in fs))
            formulas.append(r" \cdot ".join(latex_formula(_bracketed(self.formula(f), len(fs))) for f in fs))
            numeric.append("".join(f"({latex_number(f.value)})" for f in fs))
        more = self.count - len(symbolic)
        tail = rf" + \dots\ ({more}\ \text{{more}})" if more else ""
        middle = ""
        if any(self.formula(f) != fmt(f.value) for fs in listed for f in fs):
            middle = f" = {' + '.join(formulas)}{tail}"
        return f"{lhs} = {' + '.join(symbolic)}{tail}{middle} = {' + '.join(numeric)}{tail} = {total}"

    def __str__(self) -> str:
        return self.text()


def _aligned(rule: ChainRule) -> str:
    """rule.latex(aligned=True): one line each for the formula, the numbers and the result."""
    lhs, total = rule._lhs(latex=True), latex_number(rule.total)
    lines: list[str] = []
    if rule.count == 0:
        lines = ["0"]
    elif rule.J is rule.theta:
        lines = ["1"]
    elif not rule.complete:
        lines = [rf"\sum_{{{rule.count}\ \text{{paths}}}} \prod \text{{local derivatives}}", total]
    else:
        symbolic, numeric = [], []
        for k in range(min(rule.count, TEXT_TERMS)):
            fs = rule.factors(k)
            symbolic.append(r" \cdot ".join(_partial(rule.name(f.upper), rule.name(f.lower), True) for f in fs))
            numeric.append("".join(f"({latex_number(f.value)})" for f in fs))
        more = rule.count - len(symbolic)
        tail = rf" + \dots\ ({more}\ \text{{more}})" if more else ""
        lines = [" + ".join(symbolic) + tail, " + ".join(numeric) + tail, total]
    body = [f"{lhs} &= {lines[0]}"] + [f"&= {line}" for line in lines[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join(body) + "\n\\end{aligned}"


def _partial(upper: str, lower: str, latex: bool = False, mark: str = "") -> str:
    """A local derivative: ∂a3/∂z3."""
    if latex:
        return rf"\frac{{\partial {latex_name(upper)}}}{{\partial {latex_name(lower)}{mark}}}"
    return f"∂{upper}/∂{lower}{mark}"


def _total(upper: str, lower: str, latex: bool = False) -> str:
    """A total derivative, over every path: dJ/dθ2."""
    if latex:
        return rf"\frac{{\mathrm{{d}}{latex_name(upper)}}}{{\mathrm{{d}}{latex_name(lower)}}}"
    return f"d{upper}/d{lower}"


def _bracketed(formula: str, among: int) -> str:
    """A factor's formula, bracketed when it is multiplied by others and has an operator of its own."""
    return f"({formula})" if among > 1 and any(op in formula for op in (" ", "/")) else formula


def chain_rule(J: Value, theta: Value) -> ChainRule:
    """Every path from J down to θ with its product of local derivatives, and their sum.

    When θ does not reach J the result is empty: count 0, total 0 (∂J/∂θ = 0).
    Unlabelled J and θ are called "J" and "θ".
    """
    if not isinstance(J, Value) or not isinstance(theta, Value):
        bad = J if not isinstance(J, Value) else theta
        raise TypeError(f"chain_rule(J, theta) takes two Values, got {type(bad).__name__}")
    order = topological(J)  # parents first
    # which nodes have θ among their ancestors (or are θ): only their edges lead to θ
    reaches = {theta}
    ways: dict[Value, int] = {theta: 1}  # number of paths from the node down to θ
    down: dict[Value, float] = {theta: 1.0}  # Σ over those paths of their products = ∂node/∂θ
    for node in order:
        if node is theta:
            continue
        n_ways, total = 0, 0.0
        for p, g in zip(node.parents, node.local_grads):
            if p in reaches:
                n_ways += ways[p]
                total += g * down[p]
        if n_ways:
            reaches.add(node)
            ways[node] = n_ways
            down[node] = total
    names = node_names(order, J, theta)
    folding = Folding(order, J, theta)
    if J not in reaches:
        return ChainRule(J, theta, 0, 0.0, [], [], [], [], {}, names, folding)
    nodes = [n for n in reversed(order) if n in reaches]  # J first, θ last
    adjoints: dict[Value, float] = {J: 1.0}
    for node in nodes:
        a = adjoints.get(node, 0.0)
        for p, g in zip(node.parents, node.local_grads):
            if p in reaches:
                adjoints[p] = adjoints.get(p, 0.0) + a * g
    paths, slots, products = _enumerate(J, theta, reaches, MAX_PATHS)
    return ChainRule(J, theta, ways[J], down[J], paths, slots, products, nodes, adjoints, names, folding)


def node_names(order: list[Value], J: Value | None = None, theta: Value | None = None) -> dict[Value, str]:
    """Every node's name: its label, else "J" for the output and "θ" for the parameter
    asked about (when given), else n<i> with i its position in ``order`` (the drawing's ids)."""
    names = {node: node.label or f"n{i}" for i, node in enumerate(order)}
    if J is not None:
        names[J] = J.label or "J"
    if theta is not None:
        names[theta] = theta.label or "θ"
    return names


def _enumerate(J: Value, theta: Value, reaches: set, cap: int) -> tuple[list, list, list]:
    """Up to ``cap`` paths J → θ, depth first, parents in recorded order."""
    paths: list[list[Value]] = []
    slots: list[list[int]] = []
    products: list[float] = []
    if J is theta:
        return [[J]], [[]], [1.0]
    path, taken, product = [J], [], [1.0]
    stack = [0]  # for each node on the current path: the next parent slot to try
    while stack and len(paths) < cap:
        node = path[-1]
        slot = stack[-1]
        parents = node.parents
        if slot >= len(parents):
            stack.pop()
            path.pop()
            if taken:
                taken.pop()
                product.pop()
            continue
        stack[-1] = slot + 1
        p = parents[slot]
        if p not in reaches:
            continue
        step = product[-1] * node.local_grads[slot]
        if p is theta:
            paths.append(path + [p])
            slots.append(taken + [slot])
            products.append(step)
            continue
        path.append(p)
        taken.append(slot)
        product.append(step)
        stack.append(0)
    return paths, slots, products
