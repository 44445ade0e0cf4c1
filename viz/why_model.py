"""viz.why(J, model): what goes wrong in each layer of an nn model, over the batch that built J.

Per layer: the share of ReLU units dead on every example (z ≤ 0, so ∂a/∂z = 0 and their
weights get exactly 0), of σ/tanh units saturated on every example, the RMS of ∂J/∂w, and
groups of units whose weights and gradients are identical (the symmetry zero initialisation
leaves, which training never breaks).  Each finding comes with the notes' remedy.  Models
are read by their shape (``layers`` of ``neurons`` with ``w``, ``b``, ``activation``), as
viz.draw_network reads them, so viz needs no import of nn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, checks, topological
from autograd.backward import _float_partials, _lock, _push
from autograd.diagnosis import Cause, check_thresholds, diagnose

from .display import ShowsEquation
from .network import _layers, draw_network
from .rendering import Drawing, RenderError
from .text import fmt, latex_number

ACT_OPS = {"relu": "relu", "leaky_relu": "leaky_relu", "sigmoid": "sigmoid", "tanh": "tanh", "step": "step"}
REMEDIES = {
    "dead relu": "He initialisation, a smaller learning rate, or leaky ReLU (its slope is never 0)",
    "saturated": "Xavier initialisation and standardised inputs keep z near 0, where σ′ and tanh′ are large",
    "vanishing product": "Xavier (σ, tanh) or He (ReLU) initialisation, or ReLU units instead of σ",
    "exploding product": "a smaller learning rate, and Xavier or He initialisation",
    "identical units": "random initialisation (He or Xavier): units that start equal get equal gradients "
                       "and stay equal",
    "not finite here": "standardised inputs and a smaller learning rate",
}


@dataclass
class LayerReport:
    """One layer's findings (shares are of its units, over every example of the batch)."""

    name: str
    activation: str
    units: int
    dead: list[int] = field(default_factory=list)  # units (from 1) dead on every example
    saturated: list[int] = field(default_factory=list)  # units saturated on every example
    grad_rms: float = 0.0  # RMS of ∂J/∂w over the layer's weights
    bias_rms: float | None = None  # RMS of ∂J/∂b over its biases (None: the layer has none)
    signal_rms: float | None = None  # RMS of ∂J/∂z over its units and examples (None: no activation op)
    identical: list[list[int]] = field(default_factory=list)  # groups of identical units
    examples: int = 0  # how many times the batch ran the layer

    def line(self) -> str:
        bits = [f"{self.name} ({self.units} {self.activation} unit{'s' if self.units != 1 else ''})"]
        if self.activation == "relu":
            bits.append(f"dead {len(self.dead)}/{self.units}")
        if self.activation in ("sigmoid", "tanh"):
            bits.append(f"saturated {len(self.saturated)}/{self.units}")
        bits.append(f"∂J/∂w RMS {fmt(self.grad_rms)}")
        if self.bias_rms is not None:  # the model's RMS covers the biases too: so the lines add up to it
            bits.append(f"∂J/∂b RMS {fmt(self.bias_rms)}")
        if self.signal_rms is not None:
            bits.append(f"∂J/∂z RMS {fmt(self.signal_rms)}")
        if self.identical:
            bits.append("identical units " + ", ".join("=".join(map(str, g)) for g in self.identical))
        return ": ".join(bits[:1]) + ": " + ", ".join(bits[1:])


class ModelWhy(ShowsEquation):
    """The answer of ``viz.why(J, model)``: ``verdict`` (over every parameter), ``causes``
    (kinds of KINDS, and "identical units"), ``layers`` (a LayerReport each), text(), draw()."""

    _not_drawn = (RenderError, ValueError, TypeError)

    def __init__(self, J: Value, model: Any, *, tiny: float, huge: float, saturated: float, spread: float) -> None:
        layers = _layers(model)
        checks.number(spread, "spread", above=1, type_error=ValueError)
        check_thresholds(tiny, huge, saturated)
        self.J, self.model, self.saturated_at, self.spread = J, model, saturated, spread
        with _lock:
            grads = _push(J, 1.0, _float_partials)
        self.grads = {p: float(grads.get(p, 0.0)) for layer in layers for n in layer for p in _params(n)}
        params = list(self.grads)
        self.layers = [LayerReport(f"layer {i + 1}", layer[0].activation, len(layer)) for i, layer in enumerate(layers)]
        self._units(layers, topological(J), grads)
        for report, layer in zip(self.layers, layers):
            ws = [self.grads[w] for n in layer for w in n.w]
            report.grad_rms = math.sqrt(sum(g * g for g in ws) / len(ws)) if ws else 0.0
            bs = [self.grads[n.b] for n in layer if getattr(n, "b", None) is not None]
            report.bias_rms = math.sqrt(sum(g * g for g in bs) / len(bs)) if bs else None
            groups: dict[tuple, list[int]] = {}
            for j, n in enumerate(layer, 1):
                key = tuple((p.data, self.grads[p]) for p in _params(n))
                groups.setdefault(key, []).append(j)
            report.identical = [g for g in groups.values() if len(g) > 1]
        values = [self.grads[p] for p in params]
        size = math.sqrt(sum(p.data * p.data for p in params) / len(params)) if params else 0.0
        rms = math.sqrt(sum(g * g for g in values) / len(values)) if values else 0.0
        self.scale = max(abs(J.data) if math.isfinite(J.data) else 1.0, 1.0) / max(size if math.isfinite(size)
                                                                                   else 1.0, 1.0)
        self.grad_rms = rms
        bad = next((p for p in params if not math.isfinite(self.grads[p])), None)
        if any(g != g for g in values):
            self.verdict = "nan"
        elif bad is not None:
            self.verdict = "inf"
        elif not params or all(p not in grads for p in params):
            self.verdict = "no path"
        elif all(g == 0.0 for g in values):
            self.verdict = "zero"
        elif rms < tiny * self.scale:
            self.verdict = "tiny"
        elif rms > huge * self.scale:
            self.verdict = "huge"
        else:
            self.verdict = "ok"
        self.causes = self._causes(layers, params, bad, tiny, huge, saturated)

    def _units(self, layers: list[list[Any]], order: list[Value], grads: dict[Value, float]) -> None:
        """One pass over the graph: which unit made each node (a product with one of its weights,
        a sum of its own parts), and each unit's activation nodes, one per example."""
        unit_of: dict[Value, tuple[int, int]] = {}
        for i, layer in enumerate(layers):
            for j, n in enumerate(layer):
                for p in _params(n):
                    unit_of[p] = (i, j)
        owner: dict[Value, tuple[int, int]] = {}
        seen: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for node in order:
            ps = node.parents
            if node.op == "mul":
                u = next((unit_of[p] for p in ps if p in unit_of), None)
                if u is not None:
                    owner[node] = u
            elif node.op == "add":
                us = {owner.get(p) or unit_of.get(p) for p in ps}
                if len(us) == 1 and None not in us:
                    owner[node] = us.pop()
            elif node.op in ACT_OPS and ps[0] in owner:
                i, j = owner[ps[0]]
                if layers[i][j].activation == node.op:
                    seen.setdefault((i, j), []).append((ps[0].data, node.local_grads[0], grads.get(ps[0], 0.0)))
        signal: dict[int, list[float]] = {}
        for (i, j), rows in seen.items():
            signal.setdefault(i, []).extend(g for *_, g in rows)
            report = self.layers[i]
            report.examples = max(report.examples, len(rows))
            act = layers[i][j].activation
            if act == "relu" and all(z <= 0.0 for z, *_ in rows):
                report.dead.append(j + 1)
            if act in ("sigmoid", "tanh") and all(abs(g) < self.saturated_at for _, g, _ in rows):
                report.saturated.append(j + 1)
        for i, gs in signal.items():
            self.layers[i].signal_rms = math.sqrt(sum(g * g for g in gs) / len(gs))
        for report in self.layers:
            report.dead.sort()
            report.saturated.sort()

    def _causes(self, layers: list[list[Any]], params: list[Value], bad: Value | None, tiny: float, huge: float,
                saturated: float) -> list[Cause]:
        causes: list[Cause] = []
        if bad is not None:  # traced to its node, as for one parameter
            first = diagnose(self.J, bad, tiny=tiny, huge=huge, saturated=saturated)
            causes += [Cause(c.kind, c.nodes, c.edges, c.text, c.paths, c.terms) for c in first.causes]
        for report, layer in zip(self.layers, layers):
            if report.dead:
                share = len(report.dead) / report.units
                causes.append(Cause("dead relu", tuple(layer[j - 1].w[0] for j in report.dead), (),
                                    f"{report.name}: {len(report.dead)} of {report.units} ReLU units ({share:.0%}) "
                                    f"are dead on every one of the {report.examples} examples (z ≤ 0), so their "
                                    "weights get exactly 0", len(report.dead)))
            if report.saturated:
                causes.append(Cause("saturated", tuple(layer[j - 1].w[0] for j in report.saturated), (),
                                    f"{report.name}: {len(report.saturated)} of {report.units} {report.activation} "
                                    f"units are saturated on every example (local derivative < {fmt(saturated)})",
                                    len(report.saturated)))
            for group in report.identical:
                causes.append(Cause("identical units", tuple(layer[j - 1].w[0] for j in group), (),
                                    f"{report.name}: units {', '.join(map(str, group))} have the same weights and "
                                    "the same gradients, so every update keeps them equal", len(group)))
            if report.grad_rms == 0.0 and not report.dead and bad is None and layer[0].w:
                # no weight of the layer moves: the exact cut below its first weight says why
                first = diagnose(self.J, layer[0].w[0], tiny=tiny, huge=huge, saturated=saturated)
                for c in first.causes[:1]:  # the weight by the name the diagnosis's sentence uses for it
                    causes.append(Cause(c.kind, c.nodes, c.edges, f"{report.name}: every ∂J/∂w is 0; for "
                                        f"{first.names[layer[0].w[0]]} of unit 1: {c.text}", c.paths, c.terms))
        # the backward signal ∂J/∂z from the last layer with an activation down to the first
        signal = [(i, r.signal_rms) for i, r in enumerate(self.layers) if r.signal_rms]
        if len(signal) > 1:
            (first, low), (last, high) = signal[0], signal[-1]
            ends = (layers[first][0].w[0], layers[last][0].w[0]) if layers[first][0].w else ()
            words = f"RMS of ∂J/∂z {fmt(high)} in {self.layers[last].name}, {fmt(low)} in {self.layers[first].name}"
            if low < high / self.spread:
                causes.append(Cause("vanishing product", ends, (), f"the gradient shrinks toward the input: {words}"))
            elif low > high * self.spread:
                causes.append(Cause("exploding product", ends, (), f"the gradient grows toward the input: {words}"))
        causes.sort(key=lambda c: c.kind == "identical units" and self.verdict != "ok")
        return causes

    @staticmethod
    def remedy(cause: Cause) -> str:
        """The notes' remedy for a cause ("" when there is none to give)."""
        return REMEDIES.get(cause.kind, "")

    def text(self) -> str:
        lines = [f"∂{self.J.label or 'J'}/∂θ over the model's parameters (weights and biases): "
                 f"RMS {fmt(self.grad_rms)}, "
                 f"verdict {self.verdict}"]
        lines += ["  " + r.line() for r in self.layers]
        for i, c in enumerate(self.causes, 1):
            fix = self.remedy(c)
            lines.append(f"  {i}. {c.kind}: {c.text}" + (f". Remedy: {fix}" if fix else ""))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"ModelWhy(verdict={self.verdict!r}, causes=[{', '.join(c.kind for c in self.causes)}])"

    def latex(self) -> str:
        rows = r" \\ ".join(rf"\text{{{r.name}}} & {latex_number(r.grad_rms)}" for r in self.layers)
        return rf"\begin{{array}}{{lr}} & \mathrm{{RMS}}\ \partial J/\partial w \\ {rows} \end{{array}}"

    def draw(self) -> Drawing:
        """The network as neurons in layers, pen widths |∂J/∂w| (the .grad that J.backward() left)."""
        return draw_network(self.model, show_grad=True)



def _params(neuron: Any) -> list[Value]:
    return list(neuron.w) + ([neuron.b] if getattr(neuron, "b", None) is not None else [])
