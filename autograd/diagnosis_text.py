"""The sentences of autograd.diagnosis: how a blocked edge, a non-finite value or local
derivative reads, with the nodes named as the drawings name them and the numbers in them."""

from __future__ import annotations

import math

from .ops import OPS
from .value import Value

SHOWN_FACTORS = 8  # factors of a long path written out in a sentence before "… N more"


def num(x: float, digits: int = 4) -> str:
    """A number in ``digits`` significant digits with a true minus sign (viz.fmt's rule)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return "0" if x == 0 else f"{x:.{digits}g}".replace("-", "−")


def exact(x: float) -> str:
    """Enough digits to tell apart terms that nearly cancel (12)."""
    return num(x, 12)


class Sentences:
    """Mixed into the diagnosis's walk, which sets ``names`` (node → name)."""

    names: dict[Value, str]

    def name(self, v: Value) -> str:
        return num(v.data) if v.is_constant else self.names[v]

    def partial(self, n: Value, slot: int) -> str:
        return f"∂{self.name(n)}/∂{self.name(n.parents[slot])}"

    def made(self, n: Value, depth: int = 0) -> str:
        """How a node's value came to be non-finite, traced back through its operands."""
        if n.is_leaf:
            return f"{self.name(n)} is a leaf that holds {num(n.data)}"
        ops = [p.data for p in n.parents]
        special = ""
        if n.data != n.data and all(x == x for x in ops):
            special = {"sub": " (∞ − ∞)", "add": " (∞ + (−∞))", "mul": " (0 · ∞)",
                       "div": " (∞ / ∞)"}.get(n.op, "")
        text = (f"{self.name(n)} = {OPS[n.op].render(*[self.name(p) for p in n.parents])} = "
                f"{OPS[n.op].render(*[num(x) for x in ops])} = {num(n.data)}{special}")
        worse = [p for p in n.parents if not math.isfinite(p.data)]
        if worse and depth < 3:
            text += f", where {self.made(worse[0], depth + 1)}"
        return text

    def local_text(self, n: Value, slot: int) -> str:
        p, local = n.parents[slot], n.local_grads[slot]
        op = OPS[n.op]
        formula = op.render(*[self.name(q) for q in n.parents], text=op.partials[slot])
        text = (f"{self.partial(n, slot)} = {formula} = {num(local)} at {self.name(p)} = {num(p.data)}")
        if n.op == "log":
            text += " (log of a number that is 0 to a float's precision: 1/x is too large for a float)"
        elif n.op == "pow" and p.data == 0.0:
            text += " (x^y with y < 1 is vertical at x = 0)"
        others = [q for i, q in enumerate(n.parents) if i != slot and not math.isfinite(q.data)]
        if others:
            text += f", because {self.made(others[0])}"
        return text

    def span(self, keys: list[Value]) -> str:
        """The inputs of several relus (or other blocking nodes) as a range."""
        if not all(k.op in ("relu", "leaky_relu", "sigmoid", "tanh", "exp") for k in keys):
            return ""
        xs = [k.parents[0].data for k in keys]
        return f" (inputs from {num(min(xs))} to {num(max(xs))})"

    def blocked(self, c: Value, s: int) -> tuple[str, Value, str]:
        """(kind, the node to name, a sentence) for an edge whose local derivative is exactly 0."""
        p, name, d = c.parents[s], self.name, self.partial(c, s)
        x = p.data
        if c.op == "relu":
            if x == 0.0:
                return "kink", c, (f"relu {name(c)} sits on its kink: its input {name(p)} = 0, where the engine "
                                   f"takes {d} = 0")
            return "dead relu", c, f"relu {name(c)} has input {name(p)} = {num(x)} ≤ 0, so {d} = 0 (a dead unit)"
        if c.op == "leaky_relu" and s == 0:
            return "dead relu", c, f"leaky relu {name(c)} has slope 0 and input {name(p)} = {num(x)} ≤ 0, so {d} = 0"
        if c.op == "step":
            return "step", c, f"step {name(c)}: {d} = 0 at every input (a step has no slope to follow)"
        if c.op == "abs" and x == 0.0:
            return "kink", c, f"abs {name(c)} sits on its kink: {name(p)} = 0, where the engine takes {d} = sign(0) = 0"
        if c.op in ("maximum", "minimum"):
            which = "larger" if c.op == "maximum" else "smaller"
            return "constant", c, (f"{name(c)} = {OPS[c.op].render(*[name(q) for q in c.parents])} passes on only its "
                                   f"{which} operand, and {name(p)} = {num(x)} is not it, so {d} = 0")
        if c.op in ("sigmoid", "tanh", "exp", "softplus", "silu", "elu", "softsign"):
            what = "σ" if c.op == "sigmoid" else c.op
            return "saturated", c, (f"{what} {name(c)} at {name(p)} = {num(x)} is saturated: {d} is smaller than any "
                                    "float and rounds to exactly 0")
        if c.op == "mul":
            o = c.parents[1 - s]
            a = o.parents[0] if o.op in ("relu", "step") else None
            if o.op == "relu" and a is not None and a.data < 0.0:
                return "dead relu", o, (f"{d} = {name(o)} = 0: {name(o)} is the output of a dead relu (its input "
                                        f"{name(a)} = {num(a.data)} ≤ 0)")
            if o.op == "relu" and a is not None and a.data == 0.0:
                return "kink", o, f"{d} = {name(o)} = 0: {name(o)} is a relu on its kink (its input {name(a)} = 0)"
            if o.op == "step":
                return "step", o, f"{d} = {name(o)} = 0: {name(o)} is a step whose output is 0"
            return "constant", c, (f"{name(c)} = {OPS['mul'].render(name(c.parents[0]), name(c.parents[1]))} with "
                                   f"{name(o)} = 0, so {d} = 0: {name(c)} does not change with {name(p)} here")
        op = OPS[c.op]
        formula = op.render(*[name(q) for q in c.parents], text=op.partials[s])
        return "constant", c, (f"{d} = {formula} = 0 at {name(p)} = {num(x)}: {name(c)} is flat in {name(p)} "
                               "there")

    def factors_text(self, steps: list[tuple[Value, int]]) -> str:
        bits = [f"({num(n.local_grads[s])})" for n, s in steps[:SHOWN_FACTORS]]
        more = f"… ({len(steps) - SHOWN_FACTORS} more)" if len(steps) > SHOWN_FACTORS else ""
        return "".join(bits) + more

