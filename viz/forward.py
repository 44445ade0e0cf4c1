"""Forward mode in pictures: every node labelled ∂node/∂θ, the chain rule read from θ up to J.

Reverse mode writes ∂J/∂node on each box, filled in from J down; forward mode writes
∂node/∂θ, filled in from θ up (θ̇ = 1 at θ, and ż = Σ ∂z/∂p · ṗ at each node after).  The
edges and their local derivatives are the same; so is the product at the end, read the
other way.  Both the drawing (``draw_chain_rule(J, θ, mode="forward")``) and the player
(``step_through(J, mode="forward", wrt=θ)``) take their numbers from
:func:`autograd.forward_steps`, the engine's own forward pass.
"""

from __future__ import annotations

from autograd import Value, forward_steps

from .text import fmt

MODES = ("reverse", "forward")


def check_mode(mode: object, wrt: object = None, needs_wrt: bool = False) -> str:
    """The mode, or a clear error: forward mode needs the Value to differentiate by."""
    if mode not in MODES:
        raise ValueError(f"mode must be 'reverse' or 'forward', got {mode!r}")
    if mode == "forward" and needs_wrt and wrt is None:
        raise TypeError("mode='forward' needs wrt=, the leaf whose tangent is seeded with 1 (say wrt=θ1)")
    if wrt is not None and not isinstance(wrt, Value):
        raise TypeError(f"wrt must be a Value, got {type(wrt).__name__}")
    if mode == "reverse" and wrt is not None:
        raise ValueError("wrt= is for mode='forward' (reverse mode gives ∂J/∂node for every node at once)")
    return mode


def dotted(name: str) -> str:
    """ż for z, θ̇1 for θ1: a combining dot on the first letter."""
    return name[0] + "\u0307" + name[1:]


def tangents_of(J: Value, theta: Value) -> dict[Value, float]:
    """∂node/∂θ for every node of J's graph that depends on θ (θ itself: 1), by one forward pass."""
    found = {theta: 1.0}
    for node, terms, tangent in forward_steps(J, theta):
        if terms:
            found[node] = tangent
    return found


def rows(names: dict[Value, str], theta: Value, tangents: dict[Value, float]) -> dict[Value, str]:
    """The derivative row of each box that depends on θ: ∂z2/∂θ1 = 0.1966."""
    wrt = names[theta]
    return {node: f"∂{names[node]}/∂{wrt} = {fmt(t)}" for node, t in tangents.items() if node in names}


def caption(names: dict[Value, str], J: Value, theta: Value, tangents: dict[Value, float]) -> str:
    """The line forward mode adds under the product: where it starts, and what it ends on."""
    j, t = names[J], names[theta]
    return (f"Forward mode: each box holds ∂node/∂{t},\ncarried up from ∂{t}/∂{t} = 1 as "
            f"{dotted('z')} = Σ ∂z/∂p · {dotted('p')};\nat {j} it is ∂{j}/∂{t} = {fmt(tangents.get(J, 0.0))}.")
