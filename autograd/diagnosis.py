"""Why ∂J/∂θ is what it is: zero, tiny, huge, NaN or infinite, read off the numbers backward uses.

∂J/∂θ is the sum over the paths from J down to θ of the products of their local
derivatives.  A path is blocked where a local derivative is exactly 0 (a relu whose
input is ≤ 0, a step, a product with a factor 0), damped where one is tiny (a
saturated σ or tanh), and a gradient stops being finite from the first node whose
value or local derivative is not.  Every cause is found by passes over the nodes
between J and θ, each linear in the graph's size, carrying per node the number of
paths from J, the sum of |products| over them and the largest product (in logs, with
the edge it came through) — never by listing paths, so 2⁶⁰ paths cost 61 steps.

The gradients are the engine's own (the same sums in the same order as backward, bit
for bit), and no ``.grad`` is touched.  Sentences are plain text; viz.why draws them.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from . import checks
from .backward import _float_partials, _lock, _push
from .diagnosis_text import SHOWN_FACTORS, Sentences, exact, num
from .value import Value, topological

VERDICTS = ("ok", "zero", "tiny", "huge", "nan", "inf", "no path")
KINDS = ("dead relu", "step", "saturated", "vanishing product", "exploding product", "paths cancel",
         "not finite here", "kink", "constant", "no path")
TINY, HUGE, SATURATED = 1e-8, 1e8, 1e-4
LISTED_PATHS = 16  # up to this many J→θ paths, a "paths cancel" cause lists each path's product


@dataclass(frozen=True)
class Cause:
    """One reason for the verdict: its ``kind`` (one of KINDS), the ``nodes`` it names (the
    most telling first), the ``edges`` (node, parent slot) it is about, a sentence with the
    numbers, how many J→θ ``paths`` it accounts for (0 when not counted), and ``terms``:
    (what, number) pairs — the products that cancel, or the factors of a path."""

    kind: str
    nodes: tuple[Value, ...]
    edges: tuple[tuple[Value, int], ...]
    text: str
    paths: int = 0
    terms: tuple[tuple[str, float], ...] = ()


@dataclass
class Diagnosis:
    """What :func:`diagnose` found: ``grad`` is ∂J/∂θ, ``verdict`` one of VERDICTS."""

    J: Value
    theta: Value
    grad: float
    verdict: str
    scale: float  # |J| / |θ|, each taken as at least 1: the size a gradient is judged against
    causes: list[Cause]
    names: dict[Value, str] = field(repr=False)
    path_count: int = 0  # J→θ paths, exact
    on_path: set[Value] = field(default_factory=set, repr=False)  # nodes on some J→θ path
    best: list[tuple[Value, int]] = field(default_factory=list, repr=False)  # the largest path, J first


def node_names(order: list[Value], J: Value, theta: Value) -> dict[Value, str]:
    """The drawing's names: a label, else "J" and "θ", else n<i> (i: position in ``order``)."""
    names = {node: node.label or f"n{i}" for i, node in enumerate(order)}
    names[J] = J.label or "J"
    names[theta] = theta.label or "θ"
    return names


def check_thresholds(tiny: object, huge: object, saturated: object) -> tuple[float, float, float]:
    """The three thresholds as floats, or an error naming the one that is wrong."""
    t = checks.number(tiny, "tiny", above=0.0, finite=True)
    h = checks.number(huge, "huge", above=0.0, finite=True)
    if h <= t:
        raise ValueError(f"huge must be larger than tiny, got tiny={tiny!r}, huge={huge!r}")
    return t, h, checks.number(saturated, "saturated", above=0.0, below=1.0)


def diagnose(J: Value, theta: Value, *, tiny: float = TINY, huge: float = HUGE,
             saturated: float = SATURATED) -> Diagnosis:
    """Why ∂J/∂θ is what it is.  A gradient is "tiny" below ``tiny`` · s and "huge" above
    ``huge`` · s, where s = max(|J|, 1) / max(|θ|, 1); a σ or tanh is saturated where its local
    derivative is below ``saturated``.  Runs its own backward: no ``.grad`` changes."""
    if not isinstance(J, Value) or not isinstance(theta, Value):
        bad = J if not isinstance(J, Value) else theta
        raise TypeError(f"why(J, θ) takes two Values, got {type(bad).__name__}")
    tiny, huge, saturated = check_thresholds(tiny, huge, saturated)
    order = topological(J)
    names = node_names(order, J, theta)
    size = abs(J.data) if math.isfinite(J.data) else 1.0
    width = abs(theta.data) if math.isfinite(theta.data) else 1.0
    scale = max(size, 1.0) / max(width, 1.0)
    index = {n: i for i, n in enumerate(order)}
    if theta not in index:
        text = f"{names[J]} does not depend on {names[theta]}: no path leads from {names[J]} down to it"
        return Diagnosis(J, theta, 0.0, "no path", scale, [Cause("no path", (theta, J), (), text)], names)
    with _lock:
        grads = _push(J, 1.0, _float_partials)  # backward's own sums, in its order
    g = float(grads.get(theta, 0.0))
    walk = _Walk(order, index, J, theta, grads, names)
    if g != g:
        verdict = "nan"
    elif math.isinf(g):
        verdict = "inf"
    elif g == 0.0:
        verdict = "zero"
    elif abs(g) < tiny * scale:
        verdict = "tiny"
    elif abs(g) > huge * scale:
        verdict = "huge"
    else:
        verdict = "ok"
    if theta is J or verdict == "ok":
        causes: list[Cause] = []
    elif verdict in ("nan", "inf"):
        causes = walk.not_finite()
    elif verdict == "zero":
        causes = walk.zero()
    elif verdict == "tiny":
        causes = walk.tiny(tiny * scale, saturated)
    else:
        causes = walk.huge(huge * scale)
    return Diagnosis(J, theta, g, verdict, scale, causes, names, walk.ways.get(theta, 1), walk.on, walk.best())


class _Walk(Sentences):
    """The passes over the nodes on J→θ paths, and the causes read off them."""

    def __init__(self, order: list[Value], index: dict[Value, int], J: Value, theta: Value,
                 grads: dict[Value, float], names: dict[Value, str]) -> None:
        self.order, self.index, self.J, self.theta, self.grads, self.names = order, index, J, theta, grads, names
        on = {theta}
        for n in order[index[theta] + 1:]:  # only nodes made after θ can depend on it
            if n._p0 in on or (n._p1 is not None and n._p1 in on):
                on.add(n)
        self.on = on
        # from J down: paths from J (exact), Σ|products|, the largest log|product| and its edge
        self.ways: dict[Value, int] = {J: 1}
        self.absum: dict[Value, float] = {J: 1.0}
        self.logmax: dict[Value, float] = {J: 0.0}
        self.back: dict[Value, tuple[Value, int]] = {}
        self.consumers: dict[Value, list[tuple[Value, int]]] = {}
        for n in reversed(order):
            if n not in on or n is theta:
                continue
            w, s, lm = self.ways[n], self.absum[n], self.logmax.get(n, -math.inf)
            for slot, (p, local) in enumerate(zip(n.parents, n.local_grads)):
                if p not in on:
                    continue
                self.ways[p] = self.ways.get(p, 0) + w
                self.absum[p] = self.absum.get(p, 0.0) + abs(local) * s
                if local != 0.0 and math.isfinite(local) and lm > -math.inf:
                    candidate = lm + math.log(abs(local))
                    if candidate > self.logmax.get(p, -math.inf):
                        self.logmax[p], self.back[p] = candidate, (n, slot)
                self.consumers.setdefault(p, []).append((n, slot))

    def best(self) -> list[tuple[Value, int]]:
        """The path with the largest |product| as (node, slot) steps from J down to θ ([] if none)."""
        steps, v = [], self.theta
        while v in self.back:
            steps.append(self.back[v])
            v = self.back[v][0]
        return steps[::-1] if v is self.J else []

    # -- not finite ------------------------------------------------------------------

    def not_finite(self) -> list[Cause]:
        causes: list[Cause] = []
        for n in self.order[self.index[self.theta]:]:
            if n not in self.on:
                continue
            bad = [s for s, p in enumerate(n.parents) if p in self.on and not math.isfinite(n.local_grads[s])]
            if bad:  # a local derivative first: it is what multiplies the gradient
                others = tuple(q for q in n.parents if q is not n.parents[bad[0]] and not math.isfinite(q.data))
                causes.append(Cause("not finite here", (n, n.parents[bad[0]]) + others, ((n, bad[0]),),
                                    self.local_text(n, bad[0])))
                break
            if not math.isfinite(n.data):
                causes.append(Cause("not finite here", (n,), (), self.made(n)))
                break
        for wanted in (lambda x: x != x, lambda x: not math.isfinite(x)):  # where NaN, then ±inf, appears
            cause = self.first_in_backward(wanted)
            if cause is not None and all(c.nodes[:1] != cause.nodes[:1] for c in causes):
                causes.append(cause)
        return causes

    def first_in_backward(self, wanted: Callable[[float], bool]) -> Cause | None:
        """The first node (from J down) whose ∂J/∂node is NaN (or not finite) while every share
        reaching it is not: the multiplication or the sum where it appears."""
        for p in reversed(self.order):
            if p not in self.on or p is self.J or not wanted(self.grads[p]):
                continue
            shares = [(c, s, self.grads[c], c.local_grads[s]) for c, s in self.consumers[p]]
            if any(wanted(gc) or wanted(loc) for _, _, gc, loc in shares):
                continue  # it came from above: the first node is further up
            bits, J = [], self.name(self.J)
            for c, s, gc, loc in shares:
                share = gc * loc
                if wanted(share):
                    bits.append(f"∂{J}/∂{self.name(c)} · {self.partial(c, s)} = {num(gc)} × {num(loc)} = {num(share)}")
            if not bits:
                values = ", ".join(num(gc * loc) for _, _, gc, loc in shares)
                bits.append(f"its shares {values} add up to {num(self.grads[p])}")
            what = "NaN" if self.grads[p] != self.grads[p] else "infinite"
            text = f"∂{J}/∂{self.name(p)} first becomes {what} at {self.name(p)}: " + "; ".join(bits)
            return Cause("not finite here", (p,) + tuple(c for c, *_ in shares), tuple((c, s) for c, s, *_ in shares),
                         text)
        return None

    # -- exactly zero ----------------------------------------------------------------

    def zero(self) -> list[Cause]:
        """Walk up from θ, edge by edge: an edge whose local derivative is exactly 0 blocks the
        paths through it; one whose share ∂J/∂c · ∂c/∂p is not 0 is part of a sum that cancels at
        p; a share that is 0 although neither factor is has underflowed; and where the share is 0
        because ∂J/∂c is, the walk goes on up from c.  Every J→θ path meets exactly one of these
        first (seen from θ), so together they explain all of them; each is counted exactly."""
        grads, theta = self.grads, self.theta
        seen, queue, walked = {theta}, deque([theta]), []
        blocks, underflows = [], []
        cancels: dict[Value, list[tuple[Value, int]]] = {}
        while queue:
            p = queue.popleft()
            for c, s in self.consumers.get(p, []):
                local = c.local_grads[s]
                if local == 0.0:
                    blocks.append((c, s))
                elif grads[c] * local != 0.0:
                    cancels.setdefault(p, []).append((c, s))
                elif grads[c] != 0.0:
                    underflows.append((c, s))
                else:
                    walked.append((c, p))
                    if c not in seen:
                        seen.add(c)
                        queue.append(c)
        below = {theta: 1}  # paths from a walked node down to θ along walked edges
        up: dict[Value, list[Value]] = {}
        for c, p in walked:
            up.setdefault(c, []).append(p)
        for v in sorted(seen, key=self.index.__getitem__):
            if v is not theta:
                below[v] = sum(below[p] for p in up[v])
        groups: dict[tuple[str, object], list] = {}
        for c, s in blocks:
            kind, key, text = self.blocked(c, s)
            entry = groups.setdefault((kind, key.scope or key), [[], [], 0, text, []])
            entry[0].extend(n for n in (key, c) if n not in entry[0])
            entry[1].append((c, s))
            entry[2] += self.ways[c] * below[c.parents[s]]
            if key not in entry[4]:
                entry[4].append(key)
        causes = []
        for (kind, where), (nodes, edges, count, text, keys) in groups.items():
            if len(keys) > 1:
                text += (f"; so do {len(keys) - 1} more node{'s' if len(keys) > 2 else ''} like it made in {where}"
                         f"{self.span(keys)}")
            causes.append(Cause(kind, tuple(nodes), tuple(edges), text, count))
        for p, edges in cancels.items():
            causes.append(self.cancel(p, sum(self.ways[c] for c, _ in edges) * below[p]))
        if underflows:
            count = sum(self.ways[c] * below[c.parents[s]] for c, s in underflows)
            shown = "; ".join(f"∂{self.name(self.J)}/∂{self.name(c)} · {self.partial(c, s)} = {num(self.grads[c])} × "
                              f"{num(c.local_grads[s])}" for c, s in underflows[:3])
            causes.append(Cause("vanishing product", tuple(c for c, _ in underflows), tuple(underflows),
                                f"products too small for a float underflow to exactly 0: {shown}", count))
        causes.sort(key=lambda c: (-c.paths, -self.index[c.nodes[0]]))
        return causes

    def cancel(self, p: Value, count: int) -> Cause:
        """A node whose shares, each non-zero, add up to (nearly) nothing."""
        shares = [(f"through {self.name(c)}", self.grads[c] * c.local_grads[s]) for c, s in self.consumers[p]]
        total = self.grads[p]
        terms: tuple[tuple[str, float], ...] = tuple(shares)
        where = f"∂{self.name(self.J)}/∂{self.name(p)} = {num(total)}"
        if p is self.theta and self.ways[self.theta] <= LISTED_PATHS:
            terms = tuple(self.paths())
            where = f"{self.name(p)}.grad = {num(total)}"
        listed = " + ".join(f"({exact(v)})" for _, v in terms[:SHOWN_FACTORS])
        more = f" + … ({len(terms) - SHOWN_FACTORS} more)" if len(terms) > SHOWN_FACTORS else ""
        kinds = "paths' products" if p is self.theta else "shares"
        text = f"the {kinds} into {self.name(p)} cancel: {listed}{more} = {where}"
        nodes = (p,) + tuple(c for c, _ in self.consumers[p])
        return Cause("paths cancel", nodes, tuple(self.consumers[p]), text, count, terms)

    def paths(self) -> list[tuple[str, float]]:
        """Each J→θ path as (its names, its product); only called with few paths."""
        out, stack = [], [(self.J, [self.name(self.J)], 1.0)]
        while stack:
            node, names, product = stack.pop()
            if node is self.theta:
                out.append((" → ".join(names), product))
                continue
            steps = [(p, product * g) for p, g in zip(node.parents, node.local_grads) if p in self.on]
            for p, prod in reversed(steps):
                stack.append((p, names + [self.name(p)], prod))
        return out

    # -- tiny and huge ---------------------------------------------------------------

    def dominator(self) -> tuple[Value, float]:
        """Up from θ while each node has a single consumer: the first node where paths meet,
        and ∂(that node)/∂θ along the single chain (so its shares × it sum to θ.grad)."""
        v, factor = self.theta, 1.0
        while v is not self.J and len(self.consumers.get(v, ())) == 1:
            c, s = self.consumers[v][0]
            factor *= c.local_grads[s]
            v = c
        return v, factor

    def tiny(self, limit: float, saturated: float) -> list[Cause]:
        if self.absum[self.theta] >= limit:  # the paths are not small: they cancel
            m, factor = self.dominator()
            shares = tuple((f"through {self.name(c)}", self.grads[c] * c.local_grads[s] * factor)
                           for c, s in self.consumers[m])
            if self.ways[self.theta] <= LISTED_PATHS:
                shares = tuple(self.paths())
            listed = " + ".join(f"({exact(v)})" for _, v in shares[:SHOWN_FACTORS])
            text = (f"their sizes add up to {num(self.absum[self.theta])}, but with their signs "
                    f"{listed} = {num(self.grads[self.theta])}")
            return [Cause("paths cancel", (m,) + tuple(c for c, _ in self.consumers[m]), tuple(self.consumers[m]),
                          text, self.ways[self.theta], shares)]
        return self.product(self.best(), limit, saturated, small=True)

    def product(self, steps: list[tuple[Value, int]], limit: float, saturated: float, small: bool) -> list[Cause]:
        logp = sum(math.log(abs(n.local_grads[s])) for n, s in steps)
        shown = num(math.exp(logp)) if -745 < logp < 709 else f"e^{logp:.1f}".replace("-", "−")
        damped = [(n, s) for n, s in steps if n.op in ("sigmoid", "tanh") and abs(n.local_grads[s]) < saturated]
        terms = tuple((self.partial(n, s), n.local_grads[s]) for n, s in steps)
        if small:
            few = sum(1 for n, s in steps if abs(n.local_grads[s]) < 1.0)
            text = (f"even the largest path from {self.name(self.J)} to {self.name(self.theta)} is tiny: "
                    f"{len(steps)} factors, {few} of them below 1, multiply to {shown}: {self.factors_text(steps)}")
            kind = "vanishing product"
        else:
            few = sum(1 for n, s in steps if abs(n.local_grads[s]) > 1.0)
            text = (f"the largest path from {self.name(self.J)} to {self.name(self.theta)} has {len(steps)} "
                    f"factors, {few} of them above 1, multiplying to {shown}: {self.factors_text(steps)}")
            kind = "exploding product"
        main = Cause(kind, tuple(n for n, _ in steps) + (self.theta,), tuple(steps), text, 1, terms)
        causes = [Cause("saturated", (n, n.parents[s]), ((n, s),),
                        f"{'σ' if n.op == 'sigmoid' else 'tanh'} {self.name(n)} at {self.name(n.parents[s])} = "
                        f"{num(n.parents[s].data)} is saturated: {self.partial(n, s)} = {num(n.local_grads[s])} "
                        f"< {num(saturated)}", 1)
                  for n, s in damped]
        rest = logp - sum(math.log(abs(n.local_grads[s])) for n, s in damped)
        if causes and rest >= math.log(limit):  # without the saturated units the path would not be tiny
            return causes + [main]
        return [main] + causes

    def huge(self, limit: float) -> list[Cause]:
        steps = self.best()
        if steps and self.logmax[self.theta] > math.log(limit):
            return self.product(steps, limit, 0.0, small=False)
        count = self.ways[self.theta]
        text = (f"{count:,} paths lead from {self.name(self.J)} to {self.name(self.theta)}, none of them large "
                f"on its own (the largest product is {num(math.exp(self.logmax.get(self.theta, 0.0)))}), and their "
                f"sum is {num(self.grads[self.theta])}")
        return [Cause("exploding product", tuple(n for n, _ in steps) + (self.theta,), tuple(steps), text, count)]
