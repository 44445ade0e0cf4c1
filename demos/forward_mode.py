"""1.6, read the other way: forward mode beside reverse mode, and why backpropagation wins for a loss.

Part of the chain-rule section (``demos.chain_rule.run`` calls :func:`add` after its players):
∂J/∂θ1 of the notes' network by forward mode, the two figures side by side, and a table of
the passes and node visits the engine counted for three shapes of function.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import nn
import viz
from autograd import Jacobian, Value, forward_steps, grad, jacobian

from .common import Section


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(1.0, abs(a), abs(b))


def _same(J1: Sequence[Sequence[float]], J2: Sequence[Sequence[float]]) -> bool:
    return len(J1) == len(J2) and all(len(r) == len(q) and all(map(_close, r, q)) for r, q in zip(J1, J2))


def logistic_orbit(r: Value, steps: int = 40) -> list[Value]:
    """x_{k+1} = r·x_k·(1 − x_k) from x_0 = 0.5: one input r, ``steps`` outputs x_1 … x_steps."""
    x, orbit = Value(0.5, label="x0"), []
    for k in range(steps):
        x = r * x * (1.0 - x)
        x.label = f"x{k + 1}"
        orbit.append(x)
    return orbit


def _row(name: str, n: int, m: int, fwd: Jacobian, rev: Jacobian) -> list[str]:
    winner = "forward" if fwd.visits < rev.visits else "reverse"
    return [name, f"{n:,}", f"{m:,}", f"{fwd.nodes:,}", f"{fwd.passes:,}", f"{fwd.visits:,}", f"{rev.passes:,}",
            f"{rev.visits:,}", winner]


def _both(f: Callable, xs: Sequence) -> tuple[Jacobian, Jacobian, Jacobian]:
    return jacobian(f, xs, mode="forward"), jacobian(f, xs, mode="reverse"), jacobian(f, xs, mode="auto")


def add(s: Section, network: Callable[..., dict[str, Value]], x: float, y: float, t1: float, t2: float,
        seed: int) -> None:
    """Append the forward-mode part of 1.6 to ``s``."""
    s.say(
        "The same products can be multiplied the other way: from θ1 up to J instead of from J down to θ1. "
        "That is forward mode. Seed θ1 with the tangent θ̇1 = ∂θ1/∂θ1 = 1 (every other leaf is held fixed, "
        "tangent 0), then visit the nodes in the order they were made, giving each one ż = Σ ∂z/∂p · ṗ over its "
        "parents p, with the same local derivatives the engine recorded for backward. When the pass reaches J "
        "it holds ∂J/∂θ1. The player below runs it on the notes' network, one node a frame; the keys, the leaf "
        "boxes and the quiz work as above."
    )
    v = network(x, y, t1, t2)
    J, theta = v["J"], v["θ1"]
    player = viz.step_through(J, mode="forward", wrt=theta)
    s.player(player, "Forward mode on the θ1/θ2 network: θ̇1 = 1, then one ż = Σ ∂z/∂p · ṗ per node up to J.")
    steps = forward_steps(J, theta)
    (reverse,) = grad(J, [theta])
    s.claim(player.frames[-1].node is J and _close(player.frames[-1].value, reverse),
            f"the last frame is at J and holds ∂J/∂θ1 = {viz.fmt(player.frames[-1].value)}, the number backward "
            "gives θ1.grad (to 10⁻¹²)")
    s.claim([f.value for f in player.frames if f.kind == "tangent"] == [t for _, _, t in steps],
            "every frame's tangent is the engine's own forward pass, float for float")

    J.backward()
    rule = viz.chain_rule(J, theta)
    s.graphs([
        (viz.draw_chain_rule(rule), "chain_rule_reverse_theta1.svg",
         "Reverse mode: each box on the path holds ∂J/∂node (its grad), filled in from J down."),
        (viz.draw_chain_rule(rule, mode="forward"), "chain_rule_forward_theta1.svg",
         "Forward mode: each box holds ∂node/∂θ1, filled in from θ1 up. Same edges, same product."),
    ])
    tangent = {node: t for node, _, t in steps}
    s.claim(all(_close(tangent[n] * n.grad, tangent[J]) for n in rule.nodes if n in tangent and n.grad),
            "on every node of the path, ∂J/∂node · ∂node/∂θ1 = ∂J/∂θ1: each box splits the one product in two")
    s.claim(_close(tangent[J], theta.grad) and _close(rule.total, tangent[J]),
            "forward mode's ∂J/∂θ1 at J, the product of the path's local derivatives and θ1.grad agree")

    s.say(
        "So why does every framework train with backward? A forward pass gives the derivative of every node "
        "along one input; a backward pass gives the derivative of one output against every input. A model "
        "with n parameters and one loss needs n forward passes for its gradient, or one backward pass. The "
        "table counts, with the engine's own counters, the passes each mode makes and the nodes those passes "
        "visit, for the notes' network, for the two-moons MLP and for a function with one input and many "
        "outputs, where the balance turns and forward mode wins."
    )
    rows = []
    table = []

    s.claim(_notes(x, y, Value(t1), Value(t2)).data == J.data, "(the table's network is the one drawn above)")
    fwd, rev, auto = _both(lambda a, b: _notes(x, y, a, b), [t1, t2])
    table.append(("the notes' network (θ1, θ2 → J)", 2, 1, fwd, rev, auto))

    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=seed)
    X, t = nn.datasets.moons(4, noise=0.1, seed=seed)
    params = model.parameters()

    def moons_loss(*_: Value) -> Value:  # the parameters are the inputs: f reads them through the model
        return nn.hinge([model(row) for row in X], t)

    fwd, rev, auto = _both(moons_loss, params)
    table.append((f"two-moons MLP 2-16-16-1 on {len(X)} points", len(params), 1, fwd, rev, auto))

    r = Value(3.7, label="r")
    orbit = logistic_orbit(r)
    fwd, rev, auto = _both(lambda _: orbit, [r])
    table.append((f"logistic map r → x1 … x{len(orbit)}", 1, len(orbit), fwd, rev, auto))

    for name, n, m, fwd, rev, auto in table:
        rows.append(_row(name, n, m, fwd, rev))
        s.claim(_same(fwd, rev) and _same(auto, fwd), f"{name}: both modes give the same {m}×{n} Jacobian")
        s.claim(fwd.passes == n and rev.passes == m and fwd.visits == n * fwd.nodes and rev.visits <= m * rev.nodes,
                f"{name}: forward made {n:,} pass{'es' if n > 1 else ''} of {fwd.nodes:,} nodes, reverse {m:,}")
        s.claim(auto.mode == ("forward" if n < m else "reverse"),
                f"{name}: mode=\"auto\" chose {auto.mode} ({auto.passes:,} pass{'es' if auto.passes > 1 else ''})")
    s.table(["function", "inputs n", "outputs m", "nodes", "forward passes", "forward visits", "reverse passes",
             "reverse visits", "fewer visits"], rows,
            "Passes and node visits counted by the engine (a visit is one inner node processed by one pass), "
            "not timed.")
    moons, orbit_row = table[1], table[2]
    s.claim(moons[3].visits == len(params) * moons[4].visits,
            f"for the MLP's loss forward mode visits {len(params)}× the nodes one backward pass does")
    s.claim(orbit_row[3].visits < orbit_row[4].visits,
            "for the logistic map, one forward pass visits fewer nodes than one backward pass per output")


def _notes(x: float, y: float, a: Value, b: Value) -> Value:
    """The notes' network with the given θ1 and θ2 Values as its weights (so f's inputs are the leaves)."""
    a1 = Value(x, label="a1")
    z2 = a * a1
    z3 = b * z2.sigmoid()
    return 0.5 * (z3.sigmoid() - y) ** 2
